import type { Db } from '../db/open';
import { fromRow, type AuditEvent, type RawEvent } from './chain';

/**
 * What the audit page may narrow the log by. Only the event's own columns, never its payload: a filter on the
 * payload would let a reader probe a blind value by whether an event comes back (the payload is blinded only after).
 */
export interface AuditFilter {
  /** newest-first paging: events before this sequence number */
  before?: number;
  limit?: number;
  command?: string;
  /** a person: the whole actor ("user:budi", "cli:root") or only the name after the colon, any case */
  actor?: string;
  outcome?: 'ok' | 'refused';
  /** ISO instants, inclusive from, exclusive to: the log's `at` is ISO UTC, so text order is time order */
  from?: string;
  to?: string;
}

/** Events newest first, narrowed by the filter. */
export function queryEvents(db: Db, f: AuditFilter = {}): AuditEvent[] {
  const where: string[] = ['seq < ?'];
  const args: (string | number)[] = [f.before ?? Number.MAX_SAFE_INTEGER];
  if (f.command) {
    where.push('command = ?');
    args.push(f.command);
  }
  if (f.actor) {
    const a = f.actor.trim().toLowerCase();
    // The name alone matches whichever door the person came through (user:, cli:); substr, not LIKE, so a
    // name with % or _ means itself.
    where.push("(lower(actor) = ? OR substr(lower(actor), instr(actor, ':') + 1) = ?)");
    args.push(a, a);
  }
  if (f.outcome) {
    where.push('outcome = ?');
    args.push(f.outcome);
  }
  if (f.from) {
    where.push('at >= ?');
    args.push(f.from);
  }
  if (f.to) {
    where.push('at < ?');
    args.push(f.to);
  }
  args.push(f.limit ?? 100);
  const rows = db.prepare(`SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args) as RawEvent[];
  return rows.map(fromRow);
}
