import { sql } from '../db/statements';
import { z } from 'zod';
import type { Db } from '../db/open';
import type { Clock } from '../util/clock';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { hashPin, pinSchema, verifyPin } from './pin';
import { ROLES, type Role } from './roles';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 5;

export const accountNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'name: 2–32 characters, letters, digits, dot, dash or underscore');

export const newAccountSchema = z.object({
  name: accountNameSchema,
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  nip: z
    .string()
    .regex(/^\d{18}$/, 'NIP must be 18 digits')
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

interface AccountRow {
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

function toAccount(r: AccountRow): Account {
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

/** A coordinator's reset: the holder must choose a new PIN at next login; the lock is lifted. */
export function resetPin(db: Db, id: string, pin: string): Account {
  rowById(db, id);
  sql(db, 
    'UPDATE accounts SET pin_hash = ?, must_change_pin = 1, failed_attempts = 0, locked_until = NULL WHERE id = ?',
  ).run(hashPin(pin), id);
  return getAccount(db, id);
}

export function changePin(db: Db, id: string, currentPin: string, newPin: string): Account {
  const row = rowById(db, id);
  if (!verifyPin(currentPin, row.pin_hash)) {
    throw new LenteraError('PIN_WRONG', 'The current PIN is wrong.', { field: 'currentPin' });
  }
  if (currentPin === newPin) {
    throw new LenteraError('INVALID_INPUT', 'The new PIN must differ from the current one.', { field: 'newPin' });
  }
  sql(db, 'UPDATE accounts SET pin_hash = ?, must_change_pin = 0 WHERE id = ?').run(hashPin(newPin), id);
  return getAccount(db, id);
}

/**
 * Checks a login without writing anything; a refusal is recorded by `recordFailedLogin`, which runs in the
 * refusal's own audited transaction.
 */
export function checkLogin(db: Db, clock: Clock, name: string, pin: string): Account {
  const row = rowByName(db, name.trim().toLowerCase());
  if (!row) throw new LenteraError('LOGIN_FAILED', 'Unknown name or wrong PIN.', {});
  if (row.active !== 1) throw new LenteraError('ACCOUNT_INACTIVE', 'This account has been deactivated.', {});
  const now = clock.now();
  if (row.locked_until && new Date(row.locked_until) > now) {
    throw new LenteraError('ACCOUNT_LOCKED', `Too many wrong PINs: locked until ${row.locked_until}.`, {
      lockedUntil: row.locked_until,
    });
  }
  if (!verifyPin(pin, row.pin_hash)) {
    const previous = row.locked_until ? 0 : row.failed_attempts; // an expired lock starts a fresh count
    const attemptsLeft = MAX_FAILED_ATTEMPTS - (previous + 1);
    if (attemptsLeft <= 0) {
      const until = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
      throw new LenteraError('ACCOUNT_LOCKED', `${MAX_FAILED_ATTEMPTS} wrong PINs: locked until ${until}.`, {
        lockedUntil: until,
        justLocked: true,
      });
    }
    throw new LenteraError('LOGIN_FAILED', 'Unknown name or wrong PIN.', { attemptsLeft });
  }
  return toAccount(row);
}

/** Persists the consequence of a refused login: one more failed attempt, and the lock at the fifth. */
export function recordFailedLogin(db: Db, name: string, lockedUntil: string | undefined): void {
  const row = rowByName(db, name.trim().toLowerCase());
  if (!row) return;
  if (lockedUntil) {
    sql(db, 'UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(
      MAX_FAILED_ATTEMPTS,
      lockedUntil,
      row.id,
    );
  } else {
    const previous = row.locked_until ? 0 : row.failed_attempts;
    sql(db, 'UPDATE accounts SET failed_attempts = ?, locked_until = NULL WHERE id = ?').run(previous + 1, row.id);
  }
}

export function recordSuccessfulLogin(db: Db, id: string): void {
  sql(db, 'UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
}

function endSessionsOf(db: Db, accountId: string, at: string): void {
  sql(db, 'UPDATE login_sessions SET ended_at = ? WHERE account_id = ? AND ended_at IS NULL').run(at, accountId);
}

/** A signature by PIN (sign-offs): the holder proves presence again, beyond the open session. */
export function confirmPin(db: Db, id: string, pin: string): void {
  const row = rowById(db, id);
  if (!verifyPin(pin, row.pin_hash)) throw new LenteraError('PIN_WRONG', 'The PIN is wrong; nothing was signed.', { field: 'pin' });
}
