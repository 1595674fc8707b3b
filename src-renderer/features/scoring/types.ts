// Names for the scoring commands' answers, read off the registry's table (src-main/api/contract.ts), and the few
// shapes that are the screens' own (StageItem, StageKind).
import type { CommandOutput } from '../../api';

// --- panel scoring ---

export type PanelOverview = CommandOutput<'panel.overview'>;
export type PanelMember = PanelOverview['panel'][number];
export type PanelRole = PanelMember['role'];
export type OverviewCandidate = PanelOverview['candidates'][number];
export type Finalization = OverviewCandidate['finalization'];

export type PanelSheet = CommandOutput<'panel.sheet'>;

/** `mine`: my own current value (draft or submitted), never anyone else's. */
export type SheetCriterion = PanelSheet['criteria'][number];
export type Level = SheetCriterion['levels'][number];
export type PanelNote = PanelSheet['notes'][number];

type SheetResult = PanelSheet['result'];
/** What a viewer sees of the result before they may see the values (before they submitted, for a panelist). */
export type ResultProgress = Pick<SheetResult, 'complete' | 'waitingFor' | 'needsDiscussion' | 'discussed'>;
/** The full result: `values` of each criterion are account name (or NIP) → value, only of panelists who submitted. */
export type ResultFull = Extract<SheetResult, { criteria: unknown }>;
export type CriterionResult = ResultFull['criteria'][number];

export function isFullResult(r: SheetResult): r is ResultFull {
  return 'criteria' in r && Array.isArray(r.criteria);
}

export type ScoreSaved = CommandOutput<'panel.score'>;
export type DisplayBoard = CommandOutput<'display.board'>;

// --- paper double entry ---

export type PaperEntryResult = CommandOutput<'paper.enter'>;
export type PaperStatusRow = CommandOutput<'paper.status'>[number];
export type PaperMismatch = CommandOutput<'paper.mismatches'>[number];

// --- CAT import ---

export type CatImportSummary = CommandOutput<'scores.import'>;
export type CatProblem = CatImportSummary['problems'][number];

// --- scores and amendments ---

/** A score as the registry keeps it, with its history; `panelist` is null for a candidate's own score, `mismatch` marks a paper double entry whose two entries differ. */
export type ScoreRow = CommandOutput<'scores.list'>[number];
export type ScoreState = ScoreRow['state'];
/** A score as the list shows it, a page at a time (no history: `ScoreHistory` when it is opened). */
export type ScorePageRow = CommandOutput<'scores.page'>['rows'][number];
/** One score and every entry it was derived from. */
export type ScoreHistory = CommandOutput<'scores.history'>;
/** What names a score: its stage, candidate, item, and panelist (null for the candidate's own). */
export type ScoreKey = Pick<ScorePageRow, 'stage' | 'nomorPeserta' | 'item' | 'panelist'>;

export type AmendmentRequested = CommandOutput<'amendments.request'>;

/**
 * `oldUnits`/`newUnits` are steps above the item's minimum, not values; `from`/`to` are those steps as values (null
 * where the stage no longer has the item).
 */
export type AmendmentRow = CommandOutput<'amendments.list'>[number];

// --- the screens' own shapes ---

/** A stage component or rubric criterion with its range, as the scoring screens read it from the stage definition. */
export interface StageItem {
  code: string;
  name: string;
  min: number;
  max: number;
  step: number;
}

export type StageKind = 'cat' | 'written' | 'practical' | 'interview';
