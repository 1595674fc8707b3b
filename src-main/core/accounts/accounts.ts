import { sql } from '../db/statements';
import { z } from 'zod';
import type { Db } from '../db/open';
import type { Clock } from '../util/clock';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { newId } from '../util/ids';
import { hashPin, pinSchema, verifyPin } from './pin';
import { scryptCost, type ScryptCost } from '../util/kdf-cost';
import { ROLES, type Role } from './roles';
import { ACCOUNT_NAME, NIP } from '../../shared/rules';
import { assertUnlocked, knownDevice, liftLocks, rightSecret, wrongSecret, type GuardScope } from './guard';


export const accountNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(ACCOUNT_NAME, 'name: 2–32 characters, letters, digits, dot, dash or underscore');

export const newAccountSchema = z.object({
  name: accountNameSchema,
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  nip: z
    .string()
    .regex(NIP, 'NIP must be 18 digits')
    .optional(),
  pin: pinSchema,
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export interface Account {
  id: string;
  name: string;
  displayName: string;
  role: Role;
  nip: string | null;
  active: boolean;
  mustChangePin: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface AccountRow {
  id: string;
  name: string;
  display_name: string;
  role: Role;
  nip: string | null;
  pin_hash: string;
  active: number;
  must_change_pin: number;
  failed_attempts: number;
  locked_until: string | null;
  workstation_id: string;
  created_at: string;
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    role: r.role,
    nip: r.nip,
    active: r.active === 1,
    mustChangePin: r.must_change_pin === 1,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
  };
}

function rowByName(db: Db, name: string): AccountRow | undefined {
  return sql(db, 'SELECT * FROM accounts WHERE name = ?').get(name) as AccountRow | undefined;
}

function rowById(db: Db, id: string): AccountRow {
  const row = sql(db, 'SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
  if (!row) throw new LenteraError('NOT_FOUND', `No account with id ${id}.`, { id });
  return row;
}

export function findAccountByName(db: Db, name: string): Account | undefined {
  const row = rowByName(db, name.trim().toLowerCase());
  return row ? toAccount(row) : undefined;
}

export function getAccount(db: Db, id: string): Account {
  return toAccount(rowById(db, id));
}

export function listAccounts(db: Db): Account[] {
  return (sql(db, 'SELECT * FROM accounts ORDER BY role, name').all() as AccountRow[]).map(toAccount);
}

export function createAccount(
  db: Db,
  clock: Clock,
  workstationId: string,
  input: NewAccount,
  opts: { mustChangePin?: boolean } = {},
): Account {
  if (rowByName(db, input.name)) {
    throw new LenteraError('CONFLICT', `An account named "${input.name}" already exists.`, { field: 'name', name: input.name });
  }
  const id = newId();
  sql(db, 
    `INSERT INTO accounts (id, name, display_name, role, nip, pin_hash, must_change_pin, workstation_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    input.name,
    input.displayName,
    input.role,
    input.nip ?? null,
    hashPin(input.pin),
    opts.mustChangePin ? 1 : 0,
    workstationId,
    clock.now().toISOString(),
  );
  return getAccount(db, id);
}

export function setActive(db: Db, id: string, active: boolean): Account {
  const row = rowById(db, id);
  if (!active && row.role === 'coordinator') {
    const others = db
      .prepare("SELECT COUNT(*) AS n FROM accounts WHERE role = 'coordinator' AND active = 1 AND id <> ?")
      .get(id) as { n: number };
    if (others.n === 0) {
      throw new LenteraError('LAST_COORDINATOR', 'The last active coordinator cannot be deactivated.', { id });
    }
  }
  sql(db, 'UPDATE accounts SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
  if (!active) endSessionsOf(db, id, new Date().toISOString());
  return getAccount(db, id);
}

/**
 * A coordinator's reset: the holder must choose a new PIN at next login; the lock is lifted. Every session the
 * account has open ends: a reset is the recovery for a PIN stolen, and a session opened with it lived on for up to
 * its 14 hours (found by review).
 */
export function resetPin(db: Db, id: string, pin: string): Account {
  rowById(db, id);
  sql(db, 'UPDATE accounts SET pin_hash = ?, must_change_pin = 1 WHERE id = ?').run(hashPin(pin), id);
  liftLocks(db, id);
  endSessionsOf(db, id, new Date().toISOString());
  return getAccount(db, id);
}

/** The holder's own change: every other session of the account ends, the one it was changed in (`keep`) goes on. */
export function changePin(db: Db, clock: Clock, id: string, scope: GuardScope, currentPin: string, newPin: string, keep?: string): Account {
  const row = rowById(db, id);
  checkSecret(db, clock, scope, () => verifyPin(currentPin, row.pin_hash), new LenteraError('PIN_WRONG', 'The current PIN is wrong.', { field: 'currentPin' }));
  if (currentPin === newPin) {
    throw new LenteraError('INVALID_INPUT', 'The new PIN must differ from the current one.', { field: 'newPin' });
  }
  sql(db, 'UPDATE accounts SET pin_hash = ?, must_change_pin = 0 WHERE id = ?').run(hashPin(newPin), id);
  endSessionsOf(db, id, clock.now().toISOString(), keep);
  return getAccount(db, id);
}

/**
 * A PIN nobody has: an unknown name costs the same scrypt work as a known one, so timing tells nothing. Made again
 * if new PINs are made at another cost since (only the unit tests change it).
 */
let dummy: { cost: ScryptCost; hash: string } | undefined;
function unknownNameHash(): string {
  const cost = scryptCost('pin');
  if (dummy?.cost !== cost) dummy = { cost, hash: hashPin('582047193') };
  return dummy.hash;
}

/** Where a logged-in person's secret checks count: the device of their session, else the shared counter. */
export function sessionScope(db: Db, accountId: string, deviceHash: string | null): GuardScope {
  if (deviceHash) {
    const owner = sql(db, 'SELECT account_id FROM account_devices WHERE token_hash = ?').pluck().get(deviceHash);
    if (owner === accountId) return { kind: 'device', accountId, tokenHash: deviceHash };
  }
  return { kind: 'account', accountId };
}

/**
 * Checks one secret of a person against the guard: refused at once while locked; a wrong one counts (and may
 * lock), a right one clears the count. `verify` does the actual comparison.
 */
export function checkSecret(db: Db, clock: Clock, scope: GuardScope, verify: () => boolean, wrong: LenteraError): void {
  assertUnlocked(db, clock, scope);
  if (!verify()) throw wrongSecret(db, clock, scope, wrong);
  rightSecret(db, scope, clock.now().toISOString());
}

/**
 * Checks a login. The same answer and the same work whatever the name: an unknown name is checked against a
 * dummy hash and counted like an account; whether an account is deactivated is said only to someone who knows
 * its PIN. A wrong PIN's count is the refusal's consequence (see LenteraError.consequence).
 */
export function checkLogin(db: Db, clock: Clock, name: string, pin: string, deviceToken?: string): { account: Account; device: string | null } {
  const key = name.trim().toLowerCase();
  const row = rowByName(db, key);
  const device = row ? knownDevice(db, clock, row.id, deviceToken) : null;
  const scope: GuardScope = !row ? { kind: 'name', name: key } : device ? { kind: 'device', accountId: row.id, tokenHash: device } : { kind: 'account', accountId: row.id };
  checkSecret(db, clock, scope, () => verifyPin(pin, row?.pin_hash ?? unknownNameHash()) && Boolean(row), new LenteraError('LOGIN_FAILED', 'Unknown name or wrong PIN.', {}));
  if (row!.active !== 1) throw new LenteraError('ACCOUNT_INACTIVE', 'This account has been deactivated.', {});
  return { account: toAccount(row!), device };
}

/** Ends every open session of the account but the one of token `keep`, if given. */
function endSessionsOf(db: Db, accountId: string, at: string, keep?: string): void {
  sql(db, 'UPDATE login_sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL AND token_hash <> ?').run(at, accountId, keep === undefined ? '' : sha256Hex(keep));
}

/** A signature by PIN (sign-offs): the holder proves presence again, beyond the open session. */
export function confirmPin(db: Db, clock: Clock, id: string, scope: GuardScope, pin: string): void {
  const row = rowById(db, id);
  checkSecret(db, clock, scope, () => verifyPin(pin, row.pin_hash), new LenteraError('PIN_WRONG', 'The PIN is wrong; nothing was signed.', { field: 'pin' }));
}
