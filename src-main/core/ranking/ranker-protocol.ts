import type { ScoresQuery, ScoresViewer } from '../scoring/scores-page';
import type { RankingFormat } from './answer';

/** What the ranking thread is started with (ranker-worker.ts). */
export interface RankerSetup {
  /** the workstation's database file */
  database: string;
  nativeBinding?: string;
  /** the data key of an encrypted workstation (a copy: messages between threads are copied) */
  key?: Uint8Array;
}

export type RankerRequest =
  | { type: 'answer'; id: number; exam: string; formation?: string }
  | { type: 'file'; id: number; exam: string; formation?: string; format: RankingFormat }
  /** print.ranking's PDF (at: the time printed on it, ISO) */
  | { type: 'print'; id: number; exam: string; formation: string; at: string }
  /** print.scoringForms' PDF of a session's blank interview forms (at: the time printed on it, ISO) */
  | { type: 'forms'; id: number; exam: string; session: string; at: string }
  /** a page of the exam's scores (scores.page), from what the thread keeps of them */
  | { type: 'scores'; id: number; exam: string; query: ScoresQuery; viewer: ScoresViewer }
  /** without an exam: the exam whose scores were entered last (none: nothing to rank) */
  | { type: 'warm'; id: number; exam?: string };

export type RankerReply =
  | { type: 'done'; id: number; value: unknown }
  /** a refusal (a LenteraError: no such exam, a ruleset that does not fit), or `internal` for anything else */
  | { type: 'failed'; id: number; code: string; message: string; details: Record<string, unknown>; internal?: boolean };
