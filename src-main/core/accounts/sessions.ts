import { sql } from '../db/statements';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import type { Clock } from '../util/clock';
import { sha256Hex } from '../util/hash';
import { type Account, type AccountRow, toAccount } from './accounts';

export const SESSION_HOURS = 14; // one venue day, check-in to export

/** Only the token's hash is stored: a copied database file does not hand out live sessions. */
export function createSession(db: Db, clock: Clock, accountId: string, deviceHash: string | null = null): { token: string; expiresAt: string } {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  sql(db, 'INSERT INTO login_sessions (token_hash, account_id, created_at, expires_at, device_hash) VALUES (?, ?, ?, ?, ?)').run(
    sha256Hex(token),
    accountId,
    now.toISOString(),
    expiresAt,
    deviceHash,
  );
  return { token, expiresAt };
}

/** The session's person, and the device it was opened from (where that person's secret checks count). */
export function resolveSession(db: Db, clock: Clock, token: string): { account: Account; deviceHash: string | null } | undefined {
  // The session and its person in one statement: every command of a logged-in person starts here, and outside a
  // transaction each statement pays for a read transaction of its own.
  const row = sql(
    db,
    `SELECT s.expires_at AS session_expires_at, s.device_hash AS session_device_hash, a.*
       FROM login_sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.token_hash = ? AND s.ended_at IS NULL`,
  ).get(sha256Hex(token)) as (AccountRow & { session_expires_at: string; session_device_hash: string | null }) | undefined;
  if (!row || new Date(row.session_expires_at) <= clock.now()) return undefined;
  const account = toAccount(row);
  return account.active ? { account, deviceHash: row.session_device_hash } : undefined;
}

export function endSession(db: Db, clock: Clock, token: string): void {
  sql(db, 'UPDATE login_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL').run(
    clock.now().toISOString(),
    sha256Hex(token),
  );
}
