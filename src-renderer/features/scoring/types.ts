// Shapes of the scoring commands' answers (src-main/api/commands/panel.ts, scores.ts, src-main/core/scoring/*).
import type { AttendanceState } from '../../api';
import type { CriterionResult } from '../../../src-main/core/scoring/panel';
import type { ScoreEntryView as ScoreEntry, ScoreState, ScoreView as ScoreRow } from '../../../src-main/core/scoring/scores';

export type Finalization = 'open' | 'awaiting_signoff' | 'finalized';
export type PanelRole = 'chair' | 'examiner';

export interface PanelMember {
  name: string;
  role: PanelRole;
  nip: string;
  /** The login name of the account with that NIP, or null when nobody has it on this workstation. */
  account: string | null;
}

export interface OverviewCandidate {
  nomorPeserta: string;
  nama: string;
  kodeFormasi: string;
  attendance: AttendanceState;
  submitted: number;
  panelists: number;
  needsDiscussion: boolean;
  discussed: boolean;
  finalization: Finalization;
}

export interface PanelOverview {
  session: { code: string; room: string; startsAt: string; closedAt: string | null };
  panel: PanelMember[];
  candidates: OverviewCandidate[];
}

export interface Level {
  score: number;
  label: string;
  description?: string;
}

export interface SheetCriterion {
  code: string;
  label: string;
  description?: string;
  levels: Level[];
  min: number;
  max: number;
  step: number;
  weight: number;
  /** My own current value (draft or submitted), never anyone else's. */
  mine: number | null;
}

/** `values`: account name (or NIP) → value, only of panelists who submitted. */
export type { CriterionResult };

/** Before the viewer submitted, the server sends only this. */
export interface ResultProgress {
  complete: boolean;
  waitingFor: string[];
  needsDiscussion: boolean;
  discussed: boolean;
}

export interface ResultFull extends ResultProgress {
  criteria: CriterionResult[];
  total: string | null;
  totalExact: string | null;
}

export interface PanelNote {
  criterion: string | null;
  note: string;
  at: string;
  author: string;
}

export interface PanelSheet {
  candidate: { nomorPeserta: string; nama: string; kodeFormasi: string } | null;
  session: string;
  attendance: AttendanceState;
  conflicted: boolean;
  role: PanelRole | null;
  criteria: SheetCriterion[];
  submittedAt: string | null;
  changedSinceSubmit: boolean;
  panelists: { name: string; role: PanelRole; submitted: boolean }[];
  result: ResultProgress | ResultFull;
  notes: PanelNote[];
  finalization: Finalization;
}

export function isFullResult(r: ResultProgress | ResultFull): r is ResultFull {
  return Array.isArray((r as Partial<ResultFull>).criteria);
}

export interface ScoreSaved {
  criterion: string;
  value: number;
  savedAt: string;
}

export interface DisplayBoard {
  exam: { code: string; name: string; agency: string };
  session: { code: string; room: string };
  results: { nomorPeserta: string; nama: string; total: string; finalizedAt: string }[];
}

// --- paper double entry ---

export interface PaperEntryResult {
  nomorPeserta: string;
  entry: 'first' | 'second';
  state: 'first' | 'confirmed' | 'mismatch';
  mismatched: string[];
}

export interface PaperStatusRow {
  nomorPeserta: string;
  state: 'empty' | 'first' | 'confirmed' | 'mismatch' | 'resolved';
  firstBy: string | null;
  secondBy: string | null;
  mismatched: string[];
}

export interface PaperMismatch {
  nomorPeserta: string;
  firstBy: string | null;
  secondBy: string | null;
  fields: { item: string; first: number; second: number; differs: boolean }[];
}

// --- CAT import ---

export interface CatProblem {
  line: number;
  column: string;
  reason: string;
}

export interface CatImportSummary {
  file: { name: string; sha256: string };
  stage: string;
  rows: number;
  written: number;
  unchanged: number;
  alreadyImported: boolean;
  problems: CatProblem[];
  problemCount: number;
}

// --- scores and amendments ---

/** A score as the registry keeps it, with its history; `panelist` is null for a candidate's own score, `mismatch` marks a paper double entry whose two entries differ. */
export type { ScoreEntry, ScoreRow, ScoreState };

export interface AmendmentRequested {
  requestId: string;
  nomorPeserta: string;
  stage: string;
  item: string;
  from: string;
  to: string;
  reason: string;
}

export interface AmendmentRow {
  id: string;
  stage: string;
  nomorPeserta: string;
  item: string;
  /** Steps above the item's minimum, not values: turned into values with the stage definition. */
  oldUnits: number | null;
  newUnits: number;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  decision: 'approved' | 'rejected' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

/** A stage component or rubric criterion with its range. */
export interface StageItem {
  code: string;
  name: string;
  min: number;
  max: number;
  step: number;
}

export type StageKind = 'cat' | 'written' | 'practical' | 'interview';
