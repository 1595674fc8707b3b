import type { Db } from '../db/open';
import { writeTransaction } from '../db/transaction';
import { appendEvent } from './chain';
import { unrecordedRows } from './tally';

/** The event that records rows of the tallied tables found at open that no command recorded. */
export const UNRECORDED_ROWS = 'audit.unrecorded_rows';

/**
 * Rows added to the scores, attendance or panel tables while the workstation was closed would be taken into the
 * next command's tally unremarked. So, at open, they are recorded first by an event of their own that names them
 * (at most 100 ids a table): the change stays in the trail for good, and `audit verify` names it every time.
 * Nothing is recorded when the store cannot be written now (another process holds it): the rows stay outside every
 * tally, and `audit verify` names them as such.
 */
export function recordUnrecordedRows(db: Db, at: string): number {
  // Read first: an open that finds nothing (every open but after such an edit) takes no write lock.
  if (!unrecordedRows(db).length) return 0;
  try {
    return writeTransaction(db, () => {
      const found = unrecordedRows(db);
      if (!found.length) return 0;
      appendEvent(db, { at, actor: 'lentera', command: UNRECORDED_ROWS, outcome: 'refused', payload: { tables: found } });
      return found.reduce((n, f) => n + f.rows, 0);
    });
  } catch {
    return 0;
  }
}

/** The events that recorded such rows, oldest first, for `audit verify` to name. */
export function unrecordedEvents(db: Db): { seq: number; at: string; tables: { table: string; rows: number; ids: string[] }[] }[] {
  return (db.prepare('SELECT seq, at, payload FROM audit_events WHERE command = ? ORDER BY seq').all(UNRECORDED_ROWS) as { seq: number; at: string; payload: string }[]).map((r) => ({
    seq: r.seq,
    at: r.at,
    tables: (JSON.parse(r.payload) as { tables: { table: string; rows: number; ids: string[] }[] }).tables,
  }));
}
