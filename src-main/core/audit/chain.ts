import { canonicalString, canonicalText } from '../util/canonical-json';
import type { Db } from '../db/open';
import { sha256Hex } from '../util/hash';
import { sql } from '../db/statements';
import type { JsonValue } from '../util/json-text';
import { nextTally, tallyText, verifyTallies, type Tally } from './tally';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEventInput {
  at: string;
  actor: string;
  command: string;
  outcome: 'ok' | 'refused';
  payload: unknown;
}

export interface AuditEvent extends Omit<AuditEventInput, 'payload'> {
  /** as stored and hashed: canonical JSON read back */
  payload: JsonValue;
  /** the tallied tables' rows after this event, when any grew since the one before (tally.ts); part of the hash */
  tally?: Tally | null;
  seq: number;
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** RFC 8785 canonical JSON: the same event always hashes the same, on any machine and in any language. */
export function canonicalJson(value: unknown): string {
  const text = canonicalText(value);
  if (text === undefined) throw new Error('value cannot be represented as canonical JSON');
  return text;
}

/**
 * hash = sha256(prev_hash ‖ canonical event), the event being {seq, at, actor, command, outcome, payload}, and its
 * `tally` when it has one (events before 2026-12-08 have none, and hash as they did).
 */
export function eventHash(prevHash: string, e: Omit<AuditEvent, 'prevHash' | 'hash'>): string {
  const canonical = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    command: e.command,
    outcome: e.outcome,
    payload: e.payload ?? null,
    ...(e.tally ? { tally: e.tally } : {}),
  });
  return sha256Hex(prevHash + canonical);
}

/**
 * The same hash as `eventHash`, from the payload's canonical text as it is stored, without canonicalizing it a
 * second time (the append path holds that text already). RFC 8785 orders the keys by UTF-16 code units: actor, at,
 * command, outcome, payload, seq, tally; strings and integers serialize as JSON.stringify does. A property test
 * (tests/unit/audit-fast-hash.test.ts) holds it equal to `eventHash` on random events.
 */
export function eventHashOfText(prevHash: string, e: Omit<AuditEventInput, 'payload'> & { seq: number }, payloadText: string, tally: string | null = null): string {
  const canonical = `{"actor":${canonicalString(e.actor)},"at":${canonicalString(e.at)},"command":${canonicalString(e.command)},"outcome":${canonicalString(e.outcome)},"payload":${payloadText},"seq":${JSON.stringify(e.seq)}${tally === null ? '' : `,"tally":${tally}`}}`;
  return sha256Hex(prevHash + canonical);
}

const INSERT_EVENT =
  'INSERT INTO audit_events (seq, at, actor, command, outcome, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_TALLIED_EVENT =
  'INSERT INTO audit_events (seq, at, actor, command, outcome, payload, prev_hash, hash, tally) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** The head alone (what is shown, exported and printed): the tip without its time. */
export function chainHead(db: Db): ChainHead {
  const { seq, hash } = chainTip(db);
  return { seq, hash };
}

/** The head and the time of the last event recorded (null before the first). */
export interface ChainTip extends ChainHead {
  at: string | null;
}

export function chainTip(db: Db): ChainTip {
  const row = sql(db, 'SELECT seq, hash, at FROM audit_events ORDER BY seq DESC LIMIT 1').get() as ChainTip | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH, at: null };
}

/**
 * The time a change is recorded at: the clock's, unless the clock is behind the last event recorded, and then just
 * after that event. What the workstation records is read back in time order (a criterion's value, a paper entry, an
 * amendment: the latest by `at`, then id, here and at the hub), so a clock put back (a laptop's clock corrected at the
 * venue) would otherwise file a panelist's correction before the value it corrects, and the older value would stand.
 * Times recorded so never run backwards; they are ahead of the clock by at most what it was put back.
 */
export function recordedAt(now: string, last: string | null): string {
  if (last === null) return now;
  const t = Date.parse(now);
  const l = Date.parse(last);
  return Number.isNaN(l) || t >= l ? now : new Date(l + 1).toISOString();
}

/**
 * Appends one event. Call it inside the transaction of the change it records, so both land or neither.
 * The tip is read inside that transaction (or given, read there before the change), so two processes on one file
 * cannot fork the chain: a second event of the same seq would be refused by its primary key. Its time is
 * `recordedAt`: never before the event it follows.
 */
export function appendEvent(db: Db, input: AuditEventInput, tip: ChainTip = chainTip(db)): AuditEvent {
  const at = recordedAt(input.at, tip.at);
  const payloadText = canonicalJson(input.payload ?? null);
  const payload = JSON.parse(payloadText) as JsonValue; // what is stored is exactly what is hashed: no undefined, no NaN
  const seq = tip.seq + 1;
  const event = { seq, at, actor: input.actor, command: input.command, outcome: input.outcome, payload };
  // On a workstation: the rows its tallied tables gained since the last event, folded in (tally.ts).
  const next = nextTally(db, tip.hash);
  const tally = next?.tally ?? null;
  const text = tally ? tallyText(tally) : null;
  const hash = eventHashOfText(tip.hash, event, payloadText, text);
  if (text === null) sql(db, INSERT_EVENT).run(seq, at, input.actor, input.command, input.outcome, payloadText, tip.hash, hash);
  else sql(db, INSERT_TALLIED_EVENT).run(seq, at, input.actor, input.command, input.outcome, payloadText, tip.hash, hash, text);
  next?.apply(hash);
  return { ...event, ...(tally ? { tally } : {}), prevHash: tip.hash, hash };
}

export function listEvents(db: Db, opts: { afterSeq?: number; limit?: number; descending?: boolean } = {}): AuditEvent[] {
  const limit = opts.limit ?? 100;
  const rows = (
    opts.descending
      ? db
          .prepare('SELECT * FROM audit_events WHERE seq < ? ORDER BY seq DESC LIMIT ?')
          .all(opts.afterSeq ?? Number.MAX_SAFE_INTEGER, limit)
      : db.prepare('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?').all(opts.afterSeq ?? 0, limit)
  ) as RawEvent[];
  return rows.map(fromRow);
}

/** An audit_events row as SQLite returns it. */
export interface RawEvent {
  seq: number;
  at: string;
  actor: string;
  command: string;
  outcome: 'ok' | 'refused';
  payload: string;
  prev_hash: string;
  hash: string;
  /** null, or absent where the store has no such column (the hub's PostgreSQL store) */
  tally?: string | null;
}

export function fromRow(r: RawEvent): AuditEvent {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    command: r.command,
    outcome: r.outcome,
    payload: JSON.parse(r.payload) as JsonValue,
    ...(r.tally ? { tally: JSON.parse(r.tally) as Tally } : {}),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type VerifyResult =
  | { ok: true; head: ChainHead; count: number }
  | { ok: false; firstBadSeq: number; reason: string; checked: number };

/** One event after the other from the genesis: the first bad one ends the walk with its reason. */
function chainWalker() {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  return {
    get count() {
      return count;
    },
    /** null while the chain holds, the verdict at the first bad event */
    check(r: RawEvent): VerifyResult | null {
      if (r.seq !== expectedSeq) {
        return { ok: false, firstBadSeq: expectedSeq, reason: `event ${expectedSeq} is missing (next found: ${r.seq})`, checked: count };
      }
      if (r.prev_hash !== prev) {
        return { ok: false, firstBadSeq: r.seq, reason: `event ${r.seq} does not link to event ${r.seq - 1}`, checked: count };
      }
      let payload: JsonValue;
      let tally: Tally | null = null;
      try {
        payload = JSON.parse(r.payload) as JsonValue;
        if (r.tally) tally = JSON.parse(r.tally) as Tally;
      } catch {
        return { ok: false, firstBadSeq: r.seq, reason: `event ${r.seq} has an unreadable payload`, checked: count };
      }
      const hash = eventHash(r.prev_hash, { seq: r.seq, at: r.at, actor: r.actor, command: r.command, outcome: r.outcome, payload, tally });
      if (hash !== r.hash) {
        return { ok: false, firstBadSeq: r.seq, reason: `event ${r.seq} was changed after it was written (hash mismatch)`, checked: count };
      }
      prev = r.hash;
      expectedSeq += 1;
      count += 1;
      return null;
    },
    end(): VerifyResult {
      return { ok: true, head: { seq: expectedSeq - 1, hash: prev }, count };
    },
  };
}

/**
 * Walks the whole chain from the genesis. Detects edits (hash mismatch), deletions (a gap or a broken
 * link), insertions and reorderings (a broken link), even when the triggers were dropped by hand.
 */
export function verifyChain(db: Db): VerifyResult {
  const iter = db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<RawEvent>;
  const walk = chainWalker();
  for (const r of iter) {
    const bad = walk.check(r);
    if (bad) return bad;
  }
  return withTallies(db, walk.end());
}

/** The walk's verdict, unless the tallied tables do not hold what the events recorded of them (tally.ts). */
function withTallies(db: Db, walked: VerifyResult): VerifyResult {
  if (!walked.ok) return walked;
  const bad = verifyTallies(db);
  return bad ? { ok: false, firstBadSeq: bad.seq, reason: bad.reason, checked: walked.count } : walked;
}

/** Events checked so far of the events there were when the verification started. */
export type VerifyProgress = (checked: number, total: number) => void;

/**
 * The same walk in batches, reporting after each and letting the process breathe between them, so that the
 * progress reaches a waiting screen while a long chain is checked (and other requests are answered meanwhile).
 * It checks the chain as it stood when it started: events appended during the walk are the next check's.
 */
export async function verifyChainInSteps(db: Db, onProgress: VerifyProgress, batch = 500): Promise<VerifyResult> {
  const { last, total } = sql(db, 'SELECT COALESCE(MAX(seq), 0) AS last, COUNT(*) AS total FROM audit_events').get() as { last: number; total: number };
  const page = sql(db, 'SELECT * FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?');
  const walk = chainWalker();
  onProgress(0, total);
  let after = 0;
  for (;;) {
    const rows = page.all(after, last, batch) as RawEvent[];
    if (!rows.length) break;
    for (const r of rows) {
      const bad = walk.check(r);
      if (bad) return bad;
    }
    after = rows[rows.length - 1]!.seq;
    onProgress(walk.count, total);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return withTallies(db, walk.end());
}
