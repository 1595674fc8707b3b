/**
 * The audit chain's hold on the tables it speaks for. The chain's events were checked against each other only: a row
 * added to `score_entries` with the workstation closed (by whoever holds its passphrase) changed the score, the
 * ranking and every sheet made after, and `audit verify` still said the chain was intact (found by review,
 * 2026-12-08). So an event that follows new rows of these append-only tables carries their tally: for each table, how
 * many rows it holds then, the rowid of the last, and a running sha256 over every row's values in rowid order. The
 * tally is part of the event's hash, so the head a bundle, a sheet or a backup carries stands for these rows too.
 *
 * - `verifyTallies` reads every row again and checks each event's tally: a row changed, removed or put between
 *   others fails the event whose tally first covered it; a row that no event covers is named.
 * - When a workstation opens, rows beyond the last tally (added while it was closed) are recorded by an event of
 *   their own (`audit.unrecorded_rows`), naming them, before any command's event could take them in unremarked.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { canonicalText } from '../util/canonical-json';

/** The append-only tables whose rows are the venue's record: scores, attendance, panels' submissions and sign-offs. */
export const TALLIED_TABLES = ['score_entries', 'attendance_events', 'panel_submissions', 'finalizations', 'signoffs'] as const;
export type TalliedTable = (typeof TALLIED_TABLES)[number];

export interface TableTally {
  /** rows in the table */
  rows: number;
  /** the rowid of the last of them */
  last: number;
  /** sha256 hex, chained: the previous tally's digest (64 zeros at first), then each new row's values */
  digest: string;
}

/** The tables whose rows an event follows, each with its tally after them. */
export type Tally = Partial<Record<TalliedTable, TableTally>>;

const ZERO = '0'.repeat(64);

/** The connections (a workstation's) whose events carry tallies; a hub's do not. */
const tallying = new WeakMap<Db, { latest: { hash: string; tally: Required<Tally> } | null }>();

/**
 * The columns a row's digest covers, as the tables stood when tallies began (schema 31), in this order: a column a
 * later migration adds is not covered, so that no tally an event already carries changes meaning.
 */
const COVERED: Record<TalliedTable, readonly string[]> = {
  score_entries: ['id', 'exam_id', 'stage_code', 'nomor_peserta', 'item', 'units', 'source', 'slot', 'session_id', 'import_id', 'account_id', 'actor', 'at', 'reason', 'workstation_id'],
  attendance_events: ['id', 'session_id', 'nomor_peserta', 'kind', 'at', 'actor', 'reason', 'seq'],
  panel_submissions: ['id', 'session_id', 'nomor_peserta', 'account_id', 'at', 'snapshot', 'workstation_id'],
  finalizations: ['id', 'session_id', 'nomor_peserta', 'account_id', 'at', 'result', 'workstation_id'],
  signoffs: ['finalization_id', 'account_id', 'at'],
};

/** A row's covered values as one JSON array (SQLite makes the text). */
function rowText(table: TalliedTable): string {
  return `json_array(${COVERED[table].map((c) => `"${c}"`).join(', ')})`;
}

/** Marks a workstation's connection: its events carry tallies from now on. */
export function enableTally(db: Db): void {
  if (tallying.has(db)) return;
  tallying.set(db, { latest: null });
}

/** Every tallied table's last rowid (0 when empty), in `TALLIED_TABLES` order: one statement. */
const LAST_ROWIDS = `SELECT ${TALLIED_TABLES.map((t) => `(SELECT COALESCE(MAX(rowid), 0) FROM ${t})`).join(', ')}`;
function lastRowids(db: Db): number[] {
  return sql(db, LAST_ROWIDS).raw().get() as number[];
}

/** The tally of every table as the chain's last tallied event gave it (zero rows before the first). */
export function latestTally(db: Db): Required<Tally> {
  const text = sql(db, 'SELECT tally FROM audit_events WHERE tally IS NOT NULL ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined;
  const got = text ? (JSON.parse(text) as Tally) : {};
  return Object.fromEntries(TALLIED_TABLES.map((t) => [t, got[t] ?? { rows: 0, last: 0, digest: ZERO }])) as Required<Tally>;
}

/**
 * The tally an event appended now must carry: every table's, those with rows beyond the last tally folded on; null
 * when none grew (and no answer at all when the connection is not a workstation's). `tipHash` is the head the event
 * follows: what was worked out for it is reused, so a write pays one statement when no table grew.
 */
export function nextTally(db: Db, tipHash: string): { tally: Required<Tally> | null; apply: (hash: string) => void } | null {
  const state = tallying.get(db);
  if (!state) return null;
  const lasts = lastRowids(db);
  const base = state.latest?.hash === tipHash ? state.latest.tally : latestTally(db);
  let grew = false;
  const tally = { ...base };
  TALLIED_TABLES.forEach((table, i) => {
    const before = base[table];
    const last = lasts[i]!;
    if (last === before.last) return;
    grew = true;
    const got = foldRange(db, table, before.digest, before.last, last);
    tally[table] = { rows: before.rows + got.rows, last: got.rows ? last : before.last, digest: got.digest };
  });
  // Every table's, when any grew: the latest tally is then one event's (the index's last), whatever grew before.
  // Nothing grew: the event carries none, and the same tally stands after it (kept only once the event is written).
  return { tally: grew ? tally : null, apply: (hash) => void (state.latest = { hash, tally }) };
}

/** Rows beyond the last tally of each table: added since the last event, while no command of Lentera recorded them. */
export function unrecordedRows(db: Db): { table: TalliedTable; rows: number; ids: string[] }[] {
  const base = latestTally(db);
  const lasts = lastRowids(db);
  const out: { table: TalliedTable; rows: number; ids: string[] }[] = [];
  TALLIED_TABLES.forEach((table, i) => {
    // One statement at every open; the rows are read only when a table's last rowid moved past its tally.
    if (lasts[i]! <= base[table].last) return;
    // Named by their id, or by their rowid in a table without one.
    const name = COVERED[table].includes('id') ? 'id' : "'rowid ' || rowid";
    const rows = sql(db, `SELECT ${name} AS id FROM ${table} WHERE rowid > ? ORDER BY rowid`).pluck().all(base[table].last) as string[];
    if (rows.length) out.push({ table, rows: rows.length, ids: rows.slice(0, 100) });
  });
  return out;
}

/** Below every rowid a table can hold (-2^63): the start of the first range. */
const BEFORE_ALL = -9.3e18;
/** Rows hashed in one statement: SQLite joins their values into one text of a few megabytes. */
const RANGE_ROWS = 20_000;
/** The rows of each table in a rowid range (after, up to], their count and their values joined in rowid order. */
const RANGE = Object.fromEntries(
  TALLIED_TABLES.map((t) => [t, `SELECT COUNT(*) AS n, group_concat(j, char(10) ORDER BY r) AS text FROM (SELECT rowid AS r, ${rowText(t)} AS j FROM ${t} WHERE rowid > ? AND rowid <= ?)`]),
) as Record<TalliedTable, string>;

/**
 * The digest folded on by the rows in (after, upTo], in rowid order: sha256(digest ‖ "\n" row ‖ "\n" row …), the
 * digest itself when there are none. Read in ranges of rowids, each one text SQLite joins, not a string per row.
 */
function foldRange(db: Db, table: TalliedTable, digest: string, after: number, upTo: number): { rows: number; digest: string } {
  const bounds: [number, number][] = [];
  let lo = after;
  if (lo < 0) {
    // Rows at or below 0 (none, but by hand) in one range; from there on, ranges of RANGE_ROWS rowids.
    bounds.push([lo, Math.min(0, upTo)]);
    lo = 0;
  }
  for (; lo < upTo; lo = Math.min(upTo, lo + RANGE_ROWS)) bounds.push([lo, Math.min(upTo, lo + RANGE_ROWS)]);
  const h = createHash('sha256').update(digest);
  let rows = 0;
  for (const [a, b] of bounds) {
    const got = sql(db, RANGE[table]).get(a, b) as { n: number; text: string | null };
    if (!got.n) continue;
    rows += got.n;
    h.update('\n').update(got.text!);
  }
  return { rows, digest: rows ? h.digest('hex') : digest };
}

/** The first event whose tally the rows do not give, or a row no event covers; null when every tally holds. */
export function verifyTallies(db: Db): { seq: number; reason: string } | null {
  if (typeof (db as { name?: unknown }).name !== 'string') return null; // the hub's PostgreSQL store keeps no such tables
  const have = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  if (!have.has('audit_events') || !db.prepare("SELECT 1 FROM pragma_table_info('audit_events') WHERE name = 'tally'").get()) return null;
  const tables = TALLIED_TABLES.filter((t) => have.has(t));
  const at = new Map<TalliedTable, TableTally>(tables.map((t) => [t, { rows: 0, last: 0, digest: ZERO }]));
  /** where the next range starts: below every rowid until a tally covered some row */
  const after = (c: TableTally) => (c.rows === 0 ? BEFORE_ALL : c.last);
  let lastSeq = 0;
  for (const e of db.prepare('SELECT seq, tally FROM audit_events WHERE tally IS NOT NULL ORDER BY seq').iterate() as IterableIterator<{ seq: number; tally: string }>) {
    lastSeq = e.seq;
    const t = JSON.parse(e.tally) as Tally;
    for (const table of tables) {
      const want = t[table];
      const c = at.get(table)!;
      if (!want || (want.rows === c.rows && want.last === c.last && want.digest === c.digest)) continue;
      const got = want.last >= c.last ? foldRange(db, table, c.digest, after(c), want.last) : { rows: -1, digest: '' };
      if (c.rows + got.rows !== want.rows || got.digest !== want.digest) {
        const why = c.rows + got.rows < want.rows ? `${want.rows - c.rows - got.rows} of its rows are missing` : 'its rows are not the ones recorded (a row was changed, removed or put between others)';
        return { seq: e.seq, reason: `${table} does not hold what event ${e.seq} recorded of it: ${why}` };
      }
      at.set(table, want);
    }
  }
  for (const table of tables) {
    const extra = db.prepare(`SELECT COUNT(*) AS n, MIN(rowid) AS first FROM ${table} WHERE rowid > ?`).get(after(at.get(table)!)) as { n: number; first: number | null };
    if (extra.n) return { seq: lastSeq + 1, reason: `${extra.n} row(s) of ${table} (from rowid ${extra.first}) were recorded by no audit event: added outside Lentera` };
  }
  return null;
}

/** The tally as stored and hashed: canonical JSON (RFC 8785), so the hash is the same wherever it is checked. */
export function tallyText(t: Tally): string {
  return canonicalText(t)!;
}
