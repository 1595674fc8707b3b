import type { AuditEvent } from '../audit/chain';
import type { JsonValue } from '../util/json-text';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { randomHexPooled } from '../util/random-pool';
import { sheetState } from './paper';
import { blindFacts, type BlindFacts, type ScoreBase, type ScoreView } from './scores';

/**
 * Blind scoring in the audit log. The chain records every value a panelist or clerk types (so nothing can be
 * changed unseen), but nobody may learn another person's value before it is settled: a panel value before the
 * chair finalized the candidate (every panelist has submitted by then), a paper entry before the second entry
 * agreed or a third person resolved it. A listing shows such a value to its author only; everyone else sees
 * `value: null, blind: true` until it is settled. The event also carries a random salt, shown and hidden with
 * the value: without it the few possible values (a rubric of 1–5) could be found by trying each against the
 * event's hash.
 */
export function blindSalt(): string {
  return randomHexPooled(16);
}

export interface BlindViewer {
  /** the command line (the data folder's owner) sees everything */
  local: boolean;
  /** the audit actor of the viewer, e.g. "user:penguji1" */
  actor: string;
}

type Payload = Record<string, unknown>;

function examId(db: Db, code: unknown): string | undefined {
  return typeof code === 'string' ? (sql(db, 'SELECT id FROM exams WHERE code = ?').pluck().get(code) as string | undefined) : undefined;
}

/** Whether the value of an event is settled (visible to all who may read the log). */
function settled(db: Db, command: string, p: Payload): boolean {
  const exam = examId(db, p.exam);
  if (!exam || typeof p.nomorPeserta !== 'string') return false;
  if (command === 'panel.score') {
    return Boolean(
      sql(db, 'SELECT 1 FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? AND s.code = ? AND f.nomor_peserta = ?').get(exam, String(p.session ?? ''), p.nomorPeserta),
    );
  }
  const state = sheetState(db, exam, String(p.stage ?? ''), p.nomorPeserta).state;
  return state === 'confirmed' || state === 'resolved';
}

const BLIND: Record<string, string> = { 'panel.score': 'value', 'paper.enter': 'values' };

/**
 * Whether a command's values are blind: its refusals carry a salt too, since a refusal's message quotes the value
 * ("3.5 is not a multiple of the step 1"), and without one the value could be found by trying each against the
 * event's hash (found by review).
 */
export const isBlindCommand = (name: string): boolean => Object.hasOwn(BLIND, name);

function hide(p: Payload, field: string): Payload {
  return { ...p, [field]: null, salt: p.salt === undefined ? undefined : null, blind: true };
}

/** The events as this viewer may see them: unsettled values of others hidden. */
export function blindAuditEvents(db: Db, events: AuditEvent[], viewer: BlindViewer): AuditEvent[] {
  if (viewer.local) return events;
  const cache = new Map<string, boolean>();
  return events.map((e) => {
    const field = BLIND[e.command];
    if (!field || e.actor === viewer.actor || !e.payload || typeof e.payload !== 'object') return e;
    const payload = e.payload as Payload;
    // A refusal shows the input it refused; older refusals may still hold the value there.
    const inner = e.outcome === 'refused' && payload.input && typeof payload.input === 'object' ? (payload.input as Payload) : payload;
    if (inner === payload && (!(field in inner) || inner[field] === null)) return e;
    const key = `${e.command}|${String(inner.exam)}|${String(inner.session ?? inner.stage)}|${String(inner.nomorPeserta)}`;
    let ok = cache.get(key);
    if (ok === undefined) cache.set(key, (ok = settled(db, e.command, inner)));
    if (ok) return e;
    // A refusal's message may quote the value ("7 is outside 1–5"): hidden with it.
    // Still JSON: the event's own payload with fields set to null (or left out).
    const shown = (inner === payload ? hide(payload, field) : { ...payload, message: null, salt: payload.salt === undefined ? undefined : null, input: hide(inner, field), blind: true }) as JsonValue;
    return { ...e, payload: shown };
  });
}

/**
 * Whether a viewer may see a score: a panel value before its candidate is finalized and every panelist signed, or a
 * paper sheet before its second entry agreed (or a third person resolved it), only by their author.
 */
export function scoreVisible(s: Pick<ScoreBase, 'panelist' | 'state'> & BlindFacts, viewer: BlindViewer & { name: string }): boolean {
  if (viewer.local) return true;
  if (s.panelist !== null) return s.state === 'finalized' || s.panelist === viewer.name;
  return !s.paper || s.state !== 'submitted' || s.soleActor === viewer.actor;
}

/** The scores a viewer may see (`scoreVisible`). */
export function blindScores(views: ScoreView[], viewer: BlindViewer & { name: string }): ScoreView[] {
  if (viewer.local) return views;
  return views.filter((s) => {
    return scoreVisible({ panelist: s.panelist, state: s.state, ...blindFacts(s.history) }, viewer);
  });
}
