import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import type { Clock } from '../util/clock';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';

/**
 * Every check of a person's secret (PIN at login, PIN change, sign-off; key passphrase when signing) goes
 * through here and counts on one counter per *scope*:
 *
 * - a device the person logged in from before (its token is kept by that browser or desktop window): a
 *   wrong secret counts on that device only, and the lock is short, so nobody else can keep the holder out of
 *   their own device for longer than `deviceLockMinutes`;
 * - everyone else (clients that never logged in as this person): one shared counter per name, with a longer
 *   lock, which bounds online guessing across all clients to `maxFailures` per `poolLockMinutes`;
 * - a name that is no account has the same shared counter, so the answer never tells whether a name exists.
 *
 * docs/security.md states the resulting bounds.
 */
export const GUARD_POLICY = {
  maxFailures: 5,
  poolLockMinutes: 15,
  deviceLockMinutes: 5,
  /** a device not used for this long is forgotten: its next login counts as an unknown client */
  deviceDays: 60,
  /** at most this many remembered devices per person (the oldest goes) */
  devicesPerAccount: 10,
} as const;

export type GuardScope =
  | { kind: 'account'; accountId: string }
  | { kind: 'device'; accountId: string; tokenHash: string }
  | { kind: 'name'; name: string };

interface Counter {
  failed: number;
  lockedUntil: string | null;
}

function read(db: Db, scope: GuardScope): Counter {
  const row =
    scope.kind === 'account'
      ? sql(db, 'SELECT failed_attempts AS failed, locked_until AS lockedUntil FROM accounts WHERE id = ?').get(scope.accountId)
      : scope.kind === 'device'
        ? sql(db, 'SELECT failed_attempts AS failed, locked_until AS lockedUntil FROM account_devices WHERE token_hash = ?').get(scope.tokenHash)
        : sql(db, 'SELECT failed_attempts AS failed, locked_until AS lockedUntil FROM unknown_name_guard WHERE name = ?').get(scope.name);
  return (row as Counter | undefined) ?? { failed: 0, lockedUntil: null };
}

function write(db: Db, scope: GuardScope, c: Counter, at: string): void {
  if (scope.kind === 'account') sql(db, 'UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(c.failed, c.lockedUntil, scope.accountId);
  else if (scope.kind === 'device') sql(db, 'UPDATE account_devices SET failed_attempts = ?, locked_until = ? WHERE token_hash = ?').run(c.failed, c.lockedUntil, scope.tokenHash);
  else {
    sql(db, 'INSERT INTO unknown_name_guard (name, failed_attempts, locked_until, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until, updated_at = excluded.updated_at').run(scope.name, c.failed, c.lockedUntil, at);
    // Names tried once and never again need not be kept: a day is far beyond any lock.
    sql(db, 'DELETE FROM unknown_name_guard WHERE updated_at < ?').run(new Date(Date.parse(at) - 86_400_000).toISOString());
  }
}

function lockMinutes(scope: GuardScope): number {
  return scope.kind === 'device' ? GUARD_POLICY.deviceLockMinutes : GUARD_POLICY.poolLockMinutes;
}

function lockedError(until: string, justLocked: boolean): LenteraError {
  return new LenteraError(
    'ACCOUNT_LOCKED',
    justLocked ? `${GUARD_POLICY.maxFailures} wrong PINs: locked until ${until}.` : `Too many wrong PINs: locked until ${until}.`,
    justLocked ? { lockedUntil: until, justLocked: true } : { lockedUntil: until },
  );
}

/** Refuses at once, without checking the secret, while the scope is locked. */
export function assertUnlocked(db: Db, clock: Clock, scope: GuardScope): void {
  const c = read(db, scope);
  if (c.lockedUntil && new Date(c.lockedUntil) > clock.now()) throw lockedError(c.lockedUntil, false);
}

/**
 * The error to throw for a wrong secret: `wrong` with the attempts left, or ACCOUNT_LOCKED at the last one.
 * Its consequence (one more failure, or the lock) is recorded by the registry with the audited refusal, so it
 * stays although the command's own transaction is rolled back.
 */
export function wrongSecret(db: Db, clock: Clock, scope: GuardScope, wrong: LenteraError): LenteraError {
  const now = clock.now();
  const before = read(db, scope);
  const previous = before.lockedUntil ? 0 : before.failed; // an expired lock starts a fresh count
  const left = GUARD_POLICY.maxFailures - (previous + 1);
  const until = left <= 0 ? new Date(now.getTime() + lockMinutes(scope) * 60_000).toISOString() : null;
  const error = until ? lockedError(until, true) : new LenteraError(wrong.code, wrong.message, { ...wrong.details, attemptsLeft: left });
  error.consequence = () => {
    // Read again inside the refusal's transaction: another process may have counted meanwhile.
    const c = read(db, scope);
    const prev = c.lockedUntil && new Date(c.lockedUntil) <= now ? 0 : c.failed;
    const failed = prev + 1;
    const lockAt = failed >= GUARD_POLICY.maxFailures ? (until ?? new Date(now.getTime() + lockMinutes(scope) * 60_000).toISOString()) : null;
    write(db, scope, { failed: lockAt ? GUARD_POLICY.maxFailures : failed, lockedUntil: lockAt }, now.toISOString());
  };
  return error;
}

/** A right secret clears the count of its scope (no write when there is nothing to clear). */
export function rightSecret(db: Db, scope: GuardScope, at: string): void {
  const c = read(db, scope);
  if (c.failed !== 0 || c.lockedUntil !== null) write(db, scope, { failed: 0, lockedUntil: null }, at);
}

/**
 * A coordinator's reset lifts the person's lock and forgets the devices they logged in from: a reset answers a PIN or
 * a laptop gone astray, and whoever kept a device token from before kept that device's looser count (5 per 5
 * minutes) against the new PIN (found by review). The holder's own devices are remembered again at their next login.
 */
export function liftLocks(db: Db, accountId: string): void {
  sql(db, 'UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(accountId);
  sql(db, 'DELETE FROM account_devices WHERE account_id = ?').run(accountId);
}

/** The device a login presents, when its token is one this account logged in from (and not forgotten). */
export function knownDevice(db: Db, clock: Clock, accountId: string, token: string | undefined): string | null {
  if (!token) return null;
  const hash = sha256Hex(token);
  const row = sql(db, 'SELECT account_id AS accountId, last_login_at AS last FROM account_devices WHERE token_hash = ?').get(hash) as { accountId: string; last: string } | undefined;
  if (!row || row.accountId !== accountId) return null;
  if (clock.now().getTime() - Date.parse(row.last) > GUARD_POLICY.deviceDays * 86_400_000) return null;
  return hash;
}

/**
 * After a successful login: the device is remembered (a new token when it brought none, or one not valid for
 * this account) and its use recorded. Returns the token the client keeps, and its hash for the session.
 */
export function rememberDevice(db: Db, accountId: string, known: { token: string; hash: string } | null, at: string): { token: string; hash: string } {
  if (known) {
    sql(db, 'UPDATE account_devices SET last_login_at = ? WHERE token_hash = ?').run(at, known.hash);
    return known;
  }
  const token = randomBytes(32).toString('base64url');
  const hash = sha256Hex(token);
  sql(db, 'INSERT INTO account_devices (token_hash, account_id, created_at, last_login_at) VALUES (?, ?, ?, ?)').run(hash, accountId, at, at);
  sql(
    db,
    `DELETE FROM account_devices WHERE account_id = ? AND token_hash NOT IN
       (SELECT token_hash FROM account_devices WHERE account_id = ? ORDER BY last_login_at DESC LIMIT ${GUARD_POLICY.devicesPerAccount})`,
  ).run(accountId, accountId);
  return { token, hash };
}
