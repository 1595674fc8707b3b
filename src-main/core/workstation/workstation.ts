import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendEvent } from '../audit/chain';
import { createAccount, newAccountSchema } from '../accounts/accounts';
import { openDatabase, type Db, type OpenOptions } from '../db/open';
import { systemClock, type Clock } from '../util/clock';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { writeTransaction } from '../db/transaction';

export const DB_FILE = 'lentera.db';

export interface Workstation {
  dir: string;
  db: Db;
  id: string;
  createdAt: string;
  close(): void;
}

export function databasePath(dir: string): string {
  return join(dir, DB_FILE);
}

export function isWorkstation(dir: string): boolean {
  return existsSync(databasePath(dir));
}

function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/** Opens an existing workstation. Never creates anything: only `initWorkstation` does. */
export function openWorkstation(dir: string, opts: Pick<OpenOptions, 'nativeBinding' | 'onBackup'> = {}): Workstation {
  if (!isWorkstation(dir)) {
    throw new LenteraError(
      'NOT_A_WORKSTATION',
      `${dir} is not a Lentera workstation (no ${DB_FILE}). Run "lentera init --data ${dir} --admin NAME" first.`,
      { dir },
    );
  }
  const db = openDatabase(databasePath(dir), opts);
  const id = readMeta(db, 'workstation_id');
  if (!id) {
    db.close();
    throw new LenteraError('NOT_A_WORKSTATION', `${dir} holds a Lentera database that was never initialised.`, { dir });
  }
  return { dir, db, id, createdAt: readMeta(db, 'created_at') ?? '', close: () => db.close() };
}

export interface InitInput {
  adminName: string;
  adminDisplayName?: string;
  pin: string;
  actor: string;
}

/**
 * Creates a workstation: its database, its id and its first coordinator, recorded as the first audit event.
 * Refuses an initialised directory and leaves no half-made database behind.
 */
export function initWorkstation(
  dir: string,
  input: InitInput,
  opts: { clock?: Clock; nativeBinding?: string } = {},
): Workstation {
  const clock = opts.clock ?? systemClock;
  if (isWorkstation(dir)) {
    throw new LenteraError('ALREADY_INITIALISED', `${dir} is already a Lentera workstation; nothing was changed.`, { dir });
  }
  const admin = newAccountSchema.safeParse({
    name: input.adminName,
    displayName: input.adminDisplayName ?? input.adminName,
    role: 'coordinator',
    pin: input.pin,
  });
  if (!admin.success) {
    throw new LenteraError('INVALID_INPUT', admin.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), {
      issues: admin.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  mkdirSync(dir, { recursive: true });
  const file = databasePath(dir);
  let db: Db | undefined;
  try {
    db = openDatabase(file, { create: true, nativeBinding: opts.nativeBinding });
    const id = newId();
    const at = clock.now().toISOString();
    const d = db;
    writeTransaction(d, () => {
      d.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('workstation_id', id, 'created_at', at);
      const account = createAccount(d, clock, id, admin.data);
      appendEvent(d, {
        at,
        actor: input.actor,
        command: 'workstation.init',
        outcome: 'ok',
        payload: { workstationId: id, admin: { id: account.id, name: account.name, role: account.role } },
      });
    });
    return { dir, db: d, id, createdAt: at, close: () => d.close() };
  } catch (e) {
    db?.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    throw e;
  }
}
