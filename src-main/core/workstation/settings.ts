import { sql } from '../db/statements';
import type { Db } from '../db/open';

/**
 * Settings that hold a secret (the hub committee token): set only by their own command, never listed in full and
 * never written into the audit log.
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['hub.committee_token']);

export function setSetting(db: Db, key: string, value: string, at: string, by: string): { key: string; value: string; previous: string | null } {
  const previous = getSetting(db, key);
  sql(db, 
    `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  ).run(key, value, at, by);
  return { key, value, previous };
}

export function getSetting(db: Db, key: string): string | null {
  const row = sql(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function listSettings(db: Db): Record<string, string> {
  const rows = sql(db, 'SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function deleteSetting(db: Db, key: string): void {
  sql(db, 'DELETE FROM settings WHERE key = ?').run(key);
}
