// Names for the answers the screens use, each read off the registry's own table (src-main/api/contract.ts): a
// command that changes its answer breaks the screens' typecheck here instead of at run time. Type-only imports
// from the main side: nothing of it is bundled.
import type { CommandInput, CommandName, CommandOutput, ErrorBody, LockedStatus, Result } from '../../src-main/api/contract';
import type { LenteraBridge } from '../../src-main/preload/bridge';
import type { TableEncoding } from '../../src-main/core/roster/text-encoding';

export type { CommandInput, CommandName, CommandOutput, ErrorBody, Result };
export { ROLES, type Role } from '../../src-main/shared/rules';

// --- system, accounts, audit ---

export type SystemStatus = CommandOutput<'system.status'>;
/** An encrypted workstation waiting for its passphrase: it says nothing else until `workstation.unlock`. */
export type { LockedStatus };
/** The status of a workstation that is open (or not set up yet): everything but the locked one. */
export type OpenStatus = Exclude<SystemStatus, LockedStatus>;

export function isLockedStatus(s: SystemStatus): s is LockedStatus {
  return 'locked' in s && s.locked;
}
export type Account = NonNullable<CommandOutput<'accounts.me'>>;
export type ChainHead = CommandOutput<'audit.head'>;
export type AuditEvent = CommandOutput<'audit.list'>[number];
export type VerifyResult = CommandOutput<'audit.verify'>;

/**
 * The answer of `accounts.login`. `token` comes over HTTP only: the Electron door keeps it in the main process for
 * its window. `deviceToken` is what this browser or window keeps for its next login as this person (sent back as
 * `deviceToken`): wrong PINs from a remembered device count apart. The API client stores it.
 */
export type LoginValue = Omit<CommandOutput<'accounts.login'>, 'token'> & { token?: string };

/** What the Electron preload exposes on `window.lentera`, and nothing more. */
export type { LenteraBridge };

declare global {
  interface Window {
    lentera?: LenteraBridge;
  }
}

// --- exams, roster, attendance, conflicts ---

/** A file sent with `files.upload`, named in an import. */
export type UploadRef = CommandInput<'exams.preview'>['file'];

export type PackageSummary = CommandOutput<'exams.preview'>;
export type PathProblem = PackageSummary['problems'][number];

export type ExamListItem = CommandOutput<'exams.list'>[number];

export type ExamDetail = CommandOutput<'exams.get'>;
export type Formation = ExamDetail['formations'][number];
export type ExamSession = ExamDetail['sessions'][number];
export type ExamVenue = ExamDetail['venues'][number];

export type RosterSummary = CommandOutput<'roster.preview'>;
export type RejectedRow = RosterSummary['rejected'][number];

/** How an imported CSV's bytes were read ('xlsx' for a workbook); anything but UTF-8 is shown to the person. */
export type FileEncoding = TableEncoding;

/** The file of a roster or CAT import, as its answer names it. */
export type ImportedFile = RosterSummary['file'];

export type AttendanceList = CommandOutput<'attendance.list'>;
export type AttendanceLine = AttendanceList['lines'][number];
export type AttendanceState = AttendanceLine['state'];

export type RosterPage = CommandOutput<'roster.list'>;
/** `ipk` with a decimal point, as the machine keeps it: "3.45". */
export type CandidateRow = RosterPage['rows'][number];

export type CheckInValue = CommandOutput<'attendance.checkIn'>;
export type CloseSessionValue = CommandOutput<'sessions.close'>;

export type Conflict = CommandOutput<'conflicts.list'>[number];

export type DemoValue = CommandOutput<'workstation.demo'>;
export type DemoAccount = DemoValue['accounts'][number];

// --- ranking ---

/**
 * One candidate's result (`RankedResult`) and one of its thresholds (`RankingThreshold`), as the engine gives them.
 * Numbers are text with a decimal point ("79.467"): `final` has three decimals ("81.353", null when there is no final yet)
 * and `final_exact` is the exact fraction ("15537/275"); `components` are the SKD components by code ("twk"), `stages`
 * the stage scores on 0–100 by stage code ("SKB-CAT"); `status` is 'P/L', 'P/L-1', 'P/TL', 'P/TH', 'TL', 'TH', 'TMS',
 * 'APS', 'BL'…; `reason` is in Indonesian words, e.g. "TIU 75 < 80"; `decided_by` is the tie-break key that separated it
 * from the next rank ("tkp", "older", "stage:WAWANCARA"…), or null; `optimalisasi_ke` is the other formation it passed
 * into by optimalisasi.
 */
export type RankingValue = CommandOutput<'ranking.compute'>;
export type RankedResult = RankingValue['results'][number];
export type RankingThreshold = RankedResult['thresholds'][number];
/** `statuses`: status code → its meaning, in the ruleset's own words. */
export type RankingRuleset = RankingValue['ruleset'];
export type RankingFormation = RankingValue['formations'][number];

/** A file made by the registry (ranking.export, sheets.file, bundle.file), to be saved by the browser. */
export type ExportedFile = CommandOutput<'ranking.export'>;

// --- signing identities, signed sheets and minutes ---

/**
 * A certificate and its encrypted key, kept for one account (`keys.mine`, `keys.list`); `account` (the owner's login
 * name) is absent in the answer of `keys.generate` and `keys.import`.
 */
export type SigningIdentity = CommandOutput<'keys.generate'> & Partial<Pick<CommandOutput<'keys.list'>[number], 'account'>>;

/** A background signing job (`sheets.start`, `sheets.jobs`, live event `jobs.progress`). */
export type SheetJob = CommandOutput<'sheets.jobs'>[number];
export type SheetJobState = SheetJob['state'];

export type MinutesSignValue = CommandOutput<'minutes.sign'>;
