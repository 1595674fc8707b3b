// Shapes of the values the commands answer. Type-only imports from the main side: nothing of it is bundled.
import type { Account } from '../../src-main/core/accounts/accounts';
import type { Role } from '../../src-main/core/accounts/roles';
import type { AttendanceLine } from '../../src-main/core/attendance/attendance';
import type { AuditEvent, ChainHead, VerifyResult } from '../../src-main/core/audit/chain';
import type { RankedCandidate as RankedResult, Threshold as RankingThreshold } from '../../src-main/core/ranking/engine';
import type { ErrorBody, Result } from '../../src-main/api/result';
import type { LenteraBridge } from '../../src-main/preload/bridge';
import type { TableEncoding } from '../../src-main/core/roster/text-encoding';

export type { Account, AuditEvent, ChainHead, ErrorBody, Result, Role, VerifyResult };

export const ROLES: readonly Role[] = ['coordinator', 'chair', 'examiner', 'clerk', 'observer'];

export interface SystemStatus {
  initialised: boolean;
  canInit?: boolean;
  workstationId: string | null;
  version: string;
  schemaVersion: number;
  chainHead: ChainHead;
  principal: { name: string; role: Role | 'local' } | null;
}

export interface LoginValue {
  /** Present over HTTP only: the Electron main process keeps the token for its window. */
  token?: string;
  expiresAt: string;
  account: Account;
  /**
   * What this browser or window keeps for its next login as this person (sent back as `deviceToken`): wrong PINs
   * from a remembered device count apart. The API client stores it (localStorage `lentera.device.<name>`).
   */
  deviceToken?: string;
}

/** What the Electron preload exposes on `window.lentera`, and nothing more. */
export type { LenteraBridge };

declare global {
  interface Window {
    lentera?: LenteraBridge;
  }
}

// --- exams, roster, attendance, conflicts (shapes of src-main/api/commands/exams.ts) ---

/** A file sent with `files.upload`, named in an import. */
export interface UploadRef {
  uploadId: string;
  name: string;
}

export interface PathProblem {
  path: string;
  message: string;
}

export interface PackageSummary {
  file: { name: string; sha256: string };
  status: 'new' | 'unchanged' | 'update';
  sha256: string;
  exam: { code: string; name: string; agency: string; year: number; ruleset: string };
  counts: { formations: number; stages: number; venues: number; sessions: number; roster: number };
  changes: { path: string; kind: 'added' | 'removed' | 'changed' }[];
  problems: PathProblem[];
}

export interface ExamListItem {
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: string;
  sha256: string;
  importedAt: string;
  formations: number;
  sessions: number;
  candidates: number;
}

export interface Formation {
  code: string;
  position: string;
  unit: string;
  education: string;
  quota: number;
  candidates: number;
}

export interface ExamSession {
  code: string;
  stage: string;
  venue: string;
  room: string;
  startsAt: string;
  closedAt: string | null;
  candidates: number;
  panel: { name: string; nip: string | null; role: string }[];
}

export interface ExamDetail {
  exam: { code: string; name: string; agency: string; year: number; ruleset: string };
  formations: Formation[];
  stages: { code: string; name: string; kind: string; definition: unknown }[];
  venues: { code: string; name: string; address: string }[];
  sessions: ExamSession[];
}

export interface RejectedRow {
  line: number;
  column: string;
  reason: string;
  /** The row as read (absent when the header itself is wrong). */
  values?: Record<string, string>;
}

/** How an imported CSV's bytes were read ('xlsx' for a workbook); anything but UTF-8 is shown to the person. */
export type FileEncoding = TableEncoding;

/** The file of a roster or CAT import, as its answer names it. */
export interface ImportedFile {
  name: string;
  sha256: string;
  encoding: FileEncoding;
}

export interface RosterSummary {
  file: ImportedFile;
  rows: number;
  inserts: number;
  updates: { nomorPeserta: string; line: number; changed: string[]; before: Record<string, unknown>; after: Record<string, unknown> }[];
  unchanged: number;
  rejectedCount: number;
  rejected: RejectedRow[];
}

export type AttendanceState = 'present' | 'absent' | 'pending';

export interface CandidateRow {
  nomorPeserta: string;
  nik: string;
  nama: string;
  tanggalLahir: string;
  jenisKelamin: string;
  pendidikan: string;
  /** With a decimal point, as the machine keeps it: "3.45". */
  ipk: string;
  kodeFormasi: string;
  kategori: string;
  attendance: AttendanceState;
}

export interface RosterPage {
  total: number;
  offset: number;
  rows: CandidateRow[];
}

export interface CheckInValue {
  nomorPeserta: string;
  nama: string;
  kodeFormasi: string;
  jabatan: string;
  nikMasked: string;
  at: string;
  by: string;
}

export type { AttendanceLine };

export interface AttendanceList {
  exam: { code: string; name: string; agency: string };
  session: {
    code: string;
    stage: string;
    stageName: string | null;
    room: string;
    startsAt: string;
    closedAt: string | null;
    venue: { name: string; address: string } | null;
  };
  counts: { listed: number; present: number; absent: number; pending: number };
  lines: AttendanceLine[];
}

export interface CloseSessionValue {
  session: string;
  present: number;
  absent: number;
  absentNumbers: string[];
}

export interface Conflict {
  nomorPeserta: string;
  reason: string;
  declaredAt: string;
  examiner: string;
  examinerName: string;
}

export interface DemoAccount {
  name: string;
  displayName: string;
  role: Role;
  pin: string;
}

export interface DemoValue {
  workstationId: string;
  exam: string;
  accounts: DemoAccount[];
}

// --- ranking (shapes of src-main/api/commands/ranking.ts) ---

/**
 * One candidate's result (`RankedResult`) and one of its thresholds (`RankingThreshold`), as the engine gives them.
 * Numbers are text with a decimal point ("79.467"): `final` has three decimals ("81.353", null when there is no final yet)
 * and `final_exact` is the exact fraction ("15537/275"); `components` are the SKD components by code ("twk"), `stages`
 * the stage scores on 0–100 by stage code ("SKB-CAT"); `status` is 'P/L', 'P/L-1', 'P/TL', 'P/TH', 'TL', 'TH', 'TMS',
 * 'APS', 'BL'…; `reason` is in Indonesian words, e.g. "TIU 75 < 80"; `decided_by` is the tie-break key that separated it
 * from the next rank ("tkp", "older", "stage:WAWANCARA"…), or null; `optimalisasi_ke` is the other formation it passed
 * into by optimalisasi.
 */
export type { RankedResult, RankingThreshold };

export interface RankingRuleset {
  id: string;
  version: string;
  title: string;
  sha256: string;
  /** Status code → its meaning, in the ruleset's own words. */
  statuses: Record<string, string>;
}

export interface RankingFormation {
  code: string;
  quota: number;
  position: string;
  education: string;
}

export interface RankingValue {
  exam: { code: string; name: string; agency: string };
  ruleset: RankingRuleset;
  formations: RankingFormation[];
  results: RankedResult[];
}

/** A file made by the registry (ranking.export), to be saved by the browser. */
export interface ExportedFile {
  name: string;
  mime: string;
  dataBase64: string;
}

// --- signing identities, signed sheets and minutes (shapes of src-main/api/commands/sheets.ts) ---

/** A certificate and its encrypted key, kept for one account (`keys.mine`, `keys.list`). */
export interface SigningIdentity {
  /** SHA-256 of the certificate, "AB:CD:…": what the publication hub registers. */
  fingerprint: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** 'local': generated on this workstation (self-signed); 'p12': imported from a certification authority. */
  source: 'local' | 'p12';
  /** Issued by a trusted BSrE/PSrE root: only then may the signature be called certified. */
  certified: boolean;
  createdAt: string;
  /** Login name of the owner (absent in the answer of `keys.generate` and `keys.import`). */
  account?: string;
}

export type SheetJobState = 'running' | 'done' | 'cancelled' | 'failed';

/** A background signing job (`sheets.start`, `sheets.jobs`, live event `jobs.progress`). */
export interface SheetJob {
  id: string;
  kind: 'sheets';
  exam: string;
  state: SheetJobState;
  done: number;
  total: number;
  /** Result sheets signed now: new, or a new version beside a signed sheet that changed (when finished). */
  written?: number;
  /** Result sheets whose signed file already said the same: left as they were, not signed again (when finished). */
  unchanged?: number;
  /** Minutes signed now (when finished). */
  minutes?: number;
  /** Minutes already signed that say the same: left as they were, with every countersignature (when finished). */
  minutesUnchanged?: number;
  error?: { code: string; message: string };
  startedAt: string;
}

/** The answer of `minutes.sign`. */
export interface MinutesSignValue {
  signer: string;
  fingerprint: string;
  /** Signatures the minutes now carry, this one included. */
  signatures: number;
  /** The file that was signed: the newest version of the session's minutes (`berita-acara-S.v2.pdf` …). */
  file?: string;
  sha256?: string;
  previousSha256?: string;
}
