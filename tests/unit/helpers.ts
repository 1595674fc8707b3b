import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { Command } from '../../src-main/api/registry';
import type { Clock } from '../../src-main/core/util/clock';
import type { Db } from '../../src-main/core/db/open';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { useCheapScryptForTests } from '../../src-main/core/util/kdf-cost';

export const ADMIN = { name: 'koordinator', pin: '482913' };

/**
 * `make` with new PINs and passphrases made at the real scrypt cost, the small one back after it: every other test
 * makes them cheaply (tests/unit/cheap-scrypt.ts).
 */
export function atRealScryptCost<T>(make: () => T): T {
  useCheapScryptForTests(false);
  try {
    return make();
  } finally {
    useCheapScryptForTests(true);
  }
}

/** Every file under `dir`, at any depth (none when it is not there). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/** The coordinator's signing key passphrase on a demo venue of `demoVenueBundle`. */
export const DEMO_PASS = 'rahasia-koordinator';

/**
 * A demo workstation in `dir` with `candidates` candidates and its coordinator's signing key made (passphrase
 * DEMO_PASS), open: the app, a call that throws on a refusal, the coordinator's account id and the exam's code.
 */
export async function demoSigningWorkstation(dir: string, opts: { candidates: number; displayName?: string }) {
  const app = new LenteraApp({ dataDir: dir, allowInit: true });
  const call = async <T>(command: string, input: unknown): Promise<T> => {
    const r = await app.invokeAsync(command, input, { local: 't' });
    if (!r.ok) throw new Error(`${command}: ${r.error.message}`);
    return r.value as T;
  };
  try {
    await call('workstation.demo', { candidates: opts.candidates });
    const db = app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: opts.displayName ?? 'Sri Wahyuni', nip: null }, 'Pemerintah Kota Semarang', DEMO_PASS, new Date().toISOString());
    const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
    return { app, call, coord, exam };
  } catch (e) {
    app.close();
    throw e;
  }
}

/**
 * A demo workstation in `dir` with `candidates` candidates, its coordinator's signing key made, and its exam's bundle
 * exported: the bundle's file, the coordinator's certificate (PEM) and the exam's code. The workstation is closed.
 */
export async function demoVenueBundle(dir: string, opts: { candidates: number; displayName?: string }): Promise<{ file: string; pem: string; exam: string }> {
  const { app, call } = await demoSigningWorkstation(dir, opts);
  const db = app.workstation!.db;
  try {
    const pem = (await call<{ pem: string }>('keys.certificate', { account: 'koordinator' })).pem;
    const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
    const { file } = await call<{ file: string }>('bundle.export', { exam, passphrase: DEMO_PASS, account: 'koordinator' });
    return { file, pem, exam };
  } finally {
    app.close();
  }
}

export function tempDir(prefix = 'lentera-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2026-11-30T01:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** A real workstation on a temporary directory, initialised with one coordinator. */
export function makeApp(opts: { clock?: Clock; commands?: readonly Command[] } = {}): LenteraApp {
  const dataDir = join(tempDir(), 'ws');
  const app = new LenteraApp({ dataDir, allowInit: true, clock: opts.clock, commands: opts.commands });
  const r = app.invoke('workstation.init', { adminName: ADMIN.name, adminDisplayName: 'Sri Wahyuni', pin: ADMIN.pin }, { local: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  onTestFinished(() => app.close());
  return app;
}

export function login(app: LenteraApp, name = ADMIN.name, pin = ADMIN.pin): string {
  const r = app.invoke('accounts.login', { name, pin }, {});
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { token: string }).token;
}

/**
 * A person as they are once at work: made by the coordinator with a PIN the coordinator chose, then logged in and
 * given `pin` as the one they chose themselves (until then the registry lets the account do nothing else).
 */
export function addPerson(app: LenteraApp, person: { name: string; displayName: string; role: string; nip?: string; pin: string }): string {
  const given = person.pin === '846135' ? '731864' : '846135';
  const r = app.invoke('accounts.create', { ...person, pin: given }, { local: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  // From the person's own device: a test's own logins and guesses keep the per-client limit to themselves.
  const client = `own-device:${person.name}`;
  const opened = app.invoke('accounts.login', { name: person.name, pin: given }, { client });
  if (!opened.ok) throw new Error(opened.error.message);
  const token = (opened.value as { token: string }).token;
  const chosen = app.invoke('accounts.changePin', { currentPin: given, newPin: person.pin }, { token, client });
  if (!chosen.ok) throw new Error(chosen.error.message);
  app.invoke('accounts.logout', {}, { token, client });
  return (r.value as { id: string }).id;
}

export function addUser(app: LenteraApp, name: string, role: string, pin = '739104'): string {
  return addPerson(app, { name, displayName: name, role, pin });
}

export function countRows(app: LenteraApp, table: string): number {
  return (app.workstation!.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** A workstation with an exam package imported (by default the demo exam with 10 candidates). */
export async function appWithExam(pkg: unknown, opts: { clock?: Clock } = {}): Promise<LenteraApp> {
  const app = makeApp(opts);
  const file = join(tempDir(), 'exam.json');
  writeFileSync(file, JSON.stringify(pkg));
  const r = await app.invokeAsync('exams.import', { file: { path: file } }, { local: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  return app;
}

const rollback = new Error('rollback');
/** Runs `fn` in a write transaction that is then rolled back: each property run starts from the same database. */
export function rolledBack(db: Db, fn: () => void): void {
  try {
    writeTransaction(db, () => {
      fn();
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
}

/**
 * An exam's bare bones written directly (formations F01 and F02, a stage S, a venue V), for tests of queries over
 * candidates and sessions that need no package.
 */
export function insertBareExam(db: Db, id: string, code: string): void {
  // Before migration 21 the package was a column of the exam's row; from it, a row of exam_packages.
  const packageInRow = (db.prepare("SELECT COUNT(*) FROM pragma_table_info('exams') WHERE name = 'package_json'").pluck().get() as number) > 0;
  db.exec(`
    INSERT INTO exams (id, code, name, agency, year, ruleset, package_sha256, ${packageInRow ? 'package_json, ' : ''}imported_at, workstation_id)
      VALUES ('${id}', '${code}', '${code}', 'Agency', 2026, 'cpns-2024', 'x', ${packageInRow ? "'{}', " : ''}'t', 'w');
    ${packageInRow ? '' : `INSERT INTO exam_packages (exam_id, package_json) VALUES ('${id}', '{}');`}
    INSERT INTO formations (exam_id, code, position, unit, education, quota) VALUES ('${id}', 'F01', 'p', 'u', 'e', 1), ('${id}', 'F02', 'p', 'u', 'e', 1);
    INSERT INTO stages (exam_id, code, ord, name, kind, definition) VALUES ('${id}', 'S', 1, 'S', 'cat', '{}');
    INSERT INTO venues (exam_id, code, name, address) VALUES ('${id}', 'V', 'V', 'A');
  `);
}
