import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { keyConnection } from '../../src-main/core/db/open';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { isSealed, openSealed } from '../../src-main/core/custody/sealed-file';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'bin', 'lentera.mjs');

export const ADMIN = { name: 'koordinator', pin: '482913', displayName: 'Siti Rahmawati' } as const;

export interface ExtraUser {
  name: string;
  role: 'coordinator' | 'chair' | 'examiner' | 'clerk' | 'observer';
  pin: string;
  displayName?: string;
}

/** The workstation passphrase file of each demo data folder (their data is encrypted). */
const passphraseFiles = new Map<string, string>();

/**
 * The database of a test's workstation, opened directly (to read a fact, or to set one up): keyed with the data
 * key when the workstation is encrypted, as an auditor with the passphrase would open it.
 */
export function workstationDb(dataDir: string, readonly = true): Database.Database {
  const db = new Database(join(dataDir, 'lentera.db'), { readonly });
  const file = passphraseFiles.get(dataDir);
  if (file) keyConnection(db, unlockCustody(dataDir, { passphrase: readFileSync(file, 'utf8') }, { now: () => new Date() }));
  return db;
}

/**
 * A file the workstation keeps (a signed PDF in DATA/sheets/), as the workstation itself gives it: an encrypted one
 * keeps it sealed, and it is opened with the data key, as an auditor with the passphrase would open it.
 */
export function workstationFile(dataDir: string, path: string): Buffer {
  const bytes = readFileSync(path);
  const file = passphraseFiles.get(dataDir);
  if (!isSealed(bytes) || !file) return bytes;
  return openSealed(unlockCustody(dataDir, { passphrase: readFileSync(file, 'utf8') }, { now: () => new Date() }), bytes, path);
}

export interface Lentera {
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  /** Runs the lentera CLI against this test's data directory. */
  cli(args: string[]): Promise<string>;
}

interface Options {
  /** 'initialised': `lentera init` with ADMIN before serving; 'empty': `serve --allow-init` on an empty dir. */
  workstation: 'initialised' | 'empty';
  /** People added with `lentera accounts add` before the server starts. */
  users: ExtraUser[];
}

async function cli(args: string[], timeout = 30_000): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, timeout });
  return stdout;
}

/**
 * Starts the lentera CLI with `args` (a server: `serve`, `hub`) and resolves with the child and the URL that its
 * readiness line, matched by `ready` (the URL its first group), names; never sleeps. Rejects with the server's
 * stderr if it exits first.
 */
export function spawnReady(args: string[], ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolveReady, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`lentera ${args[0]} exited (${code ?? signal}) before it was ready:\n${stderr}`));
    child.once('exit', onExit);
    child.once('error', reject);
    lines.on('line', (line) => {
      const m = ready.exec(line);
      if (m?.[1]) {
        child.off('exit', onExit);
        resolveReady({ child, url: m[1] });
      }
    });
  });
}

/** Starts `lentera serve` and resolves with its URL once it prints the readiness line. */
function serve(dataDir: string, allowInit: boolean, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  return spawnReady(['serve', '--data', dataDir, '--port', '0', ...(allowInit ? ['--allow-init'] : []), ...extra], /^Lentera is serving (http:\/\/127\.0\.0\.1:\d+)/);
}

/** Ends a server started by `spawnReady`: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The folders `copyOfMade` made in this test process, by key, with what their making answered. */
const made = new Map<string, Promise<{ dir: string; value: unknown }>>();

/**
 * A workstation folder made once in each test process for `key` (by `make`, into an empty folder) and kept until the
 * process exits, copied into `dataDir`: each test gets the same workstation as if it were made there for it alone
 * (a workstation's folder holds no path of its own), without paying for it again.
 */
async function copyOfMade<T>(key: string, dataDir: string, make: (dir: string) => Promise<T>): Promise<T> {
  let folder = made.get(key);
  if (folder === undefined) {
    folder = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-made-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const value = await make(dir);
      // A copy would still name this folder: each test would then reach the others' files through it.
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (f.isFile() && readFileSync(join(f.parentPath, f.name)).includes(dir)) throw new Error(`${join(f.parentPath, f.name)} names its folder: it cannot be copied`);
      }
      return { dir, value };
    })();
    made.set(key, folder);
  }
  const { dir, value } = await folder;
  cpSync(dir, dataDir, { recursive: true });
  return value as T;
}

/** `lentera init` with ADMIN, then `lentera accounts add` for each of `users`. */
function initialisedCopy(dataDir: string, users: ExtraUser[]): Promise<void> {
  return copyOfMade(`init ${JSON.stringify(users)}`, dataDir, async (dir) => {
    await cli(['init', '--plain', '--data', dir, '--admin', ADMIN.name, '--pin', ADMIN.pin, '--display-name', ADMIN.displayName]);
    for (const u of users) {
      await cli(['accounts', 'add', '--data', dir, '--name', u.name, '--role', u.role, '--pin', u.pin, '--display-name', u.displayName ?? u.name]);
    }
  });
}

export const test = base.extend<Options & { lentera: Lentera }>({
  workstation: ['initialised', { option: true }],
  users: [[], { option: true }],
  lentera: async ({ workstation, users }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lentera-e2e-'));
    try {
      if (workstation === 'initialised') await initialisedCopy(dataDir, users);
      const { child, url } = await serve(dataDir, workstation === 'empty');
      try {
        await use({ url, dataDir, cli: (args) => cli([...args, '--data', dataDir]) });
      } finally {
        await stop(child);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
  // Every page fails its test on an uncaught error or a CSP violation in the browser.
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A refused command answers 401/403/423, which Chromium logs as a failed resource: expected here.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(problems, 'errors in the browser console').toEqual([]);
  },
  // Every page starts at this test's own server.
  baseURL: async ({ lentera }, use) => {
    await use(lentera.url);
  },
});

export { expect };

/**
 * `lentera demo` (seconds of work: an encrypted workstation made, an exam imported, scored and signed), copied into
 * `dataDir` (`copyOfMade`); answers what it printed.
 */
function demoCopy(dataDir: string): Promise<string> {
  return copyOfMade('demo', dataDir, (dir) => cli(['demo', '--data', dir], 60_000));
}

/**
 * A demo workstation (`lentera demo`, copied: `demoCopy`) in a fresh data directory, served for as long as `use`
 * runs. `parse` reads what the test needs from the demo's output, and throws if it is not there.
 */
export async function demoWorkstation<T extends object>(
  name: string,
  parse: (out: string) => T,
  use: (demo: Lentera & T) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `lentera-e2e-${name}-`));
  // The demo's data is encrypted: its passphrase, as the demo printed it, is kept outside the data folder.
  const secrets = mkdtempSync(join(tmpdir(), `lentera-e2e-${name}-pass-`));
  try {
    const demoCli = (args: string[]) => cli(args, 60_000);
    const out = await demoCopy(dataDir);
    const parsed = parse(out);
    const passFile = join(secrets, 'workstation');
    writeFileSync(passFile, demoWorkstationPassphrase(out));
    passphraseFiles.set(dataDir, passFile);
    const { child, url } = await serve(dataDir, false, ['--passphrase-file', passFile]);
    try {
      await use({ ...parsed, url, dataDir, cli: (args) => demoCli([...args, '--data', dataDir, '--workstation-passphrase-file', passFile]) });
    } finally {
      await stop(child);
    }
  } finally {
    passphraseFiles.delete(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(secrets, { recursive: true, force: true });
  }
}

/** A demo workstation, with what `lentera demo` printed once: every account's PIN and the koordinator's passphrase. */
export interface CoordinatedDemo extends Lentera {
  /** the koordinator's PIN */
  pin: string;
  /** every demo account's PIN, by login name */
  pins: Record<string, string>;
  /** the passphrase of the koordinator's signing key */
  passphrase: string;
  /** the fingerprint of the koordinator's signing certificate */
  fingerprint: string;
}

/** The PINs, the koordinator's passphrase and fingerprint that `lentera demo` printed; throws if they are not there. */
export function parseDemoOutput(out: string): Omit<CoordinatedDemo, keyof Lentera> {
  const demo = readDemoOutput(out);
  return { pin: demo.pin('koordinator'), pins: Object.fromEntries(demo.accounts.map((a) => [a.name, a.pin])), passphrase: demo.signingPassphrase, fingerprint: demo.fingerprint };
}

/**
 * Tests that run on a demo workstation, as its coordinator: `demo` (and `lentera`) is a fresh demo per test, named
 * `name` in its data folder.
 */
export function demoTest(name: string) {
  return test.extend<{ demo: CoordinatedDemo }>({
    // Playwright reads the fixtures a fixture needs from this pattern: it needs none.
    // eslint-disable-next-line no-empty-pattern
    demo: async ({}, use) => {
      await demoWorkstation(name, parseDemoOutput, use);
    },
    lentera: async ({ demo }, use) => {
      await use(demo);
    },
  });
}

/** As the coordinator (`koordinator`, with this PIN), the results page of one formation; answers its results table. */
export async function openFormationResults(page: Page, pin: string, formation: string): Promise<Locator> {
  await page.goto('/');
  await login(page, 'koordinator', pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await page.goto('/#/results');
  await page.getByLabel('Formasi', { exact: true }).selectOption(formation);
  await expect(page.getByRole('heading', { level: 2, name: new RegExp(`^Formasi ${formation} — `) })).toBeVisible();
  return page.getByTestId('results-table');
}

/**
 * One paper sheet typed by keyboard only: the number, Enter, then each component's value and Enter; the last Enter
 * sends. `firstComponent` is the label of the field the cursor must reach after the number.
 */
export async function typePaperSheet(page: Page, nomor: string, firstComponent: string, values: string[]): Promise<void> {
  await expect(page.getByLabel('Nomor peserta', { exact: true })).toBeFocused();
  await page.keyboard.type(nomor);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel(firstComponent, { exact: true })).toBeFocused();
  for (const v of values) {
    await page.keyboard.type(v);
    await page.keyboard.press('Enter');
  }
}

/** Logs in through the form and waits for the shell (or the forced PIN change). */
export async function login(page: Page, name: string, pin: string): Promise<void> {
  await page.getByLabel('Nama login').fill(name);
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/** The audit chain head shown in the status bar, as a number. */
export async function chainSeq(page: Page): Promise<number> {
  const text = (await page.getByTestId('chain-head').textContent()) ?? '';
  const m = /#(\d+)/.exec(text);
  if (!m?.[1]) throw new Error(`no sequence number in the chain head "${text}"`);
  return Number(m[1]);
}

/** The sidebar (the home page has links of the same names). */
export function sidebar(page: Page) {
  return page.getByRole('navigation', { name: /^(Menu utama|Main menu)$/ });
}

/** The example files of resources/examples. */
export const EXAMPLES = join(ROOT, 'resources', 'examples');
export const EXAMPLE_PACKAGE = join(EXAMPLES, 'cpns-smg-2026.exam.json');
export const EXAM_CODE = 'CPNS-SMG-2026';

/** Imports the example exam package with the CLI: for tests where the UI import itself is not the subject. */
export async function importExamplePackage(lentera: Lentera): Promise<void> {
  await lentera.cli(['exam', 'import', EXAMPLE_PACKAGE]);
}

export interface RosterLine {
  nomorPeserta: string;
  nik: string;
  nama: string;
  ipk: string;
  kodeFormasi: string;
}

/** One candidate of an example roster file (semicolon CSV), read from the file itself. */
export function rosterLine(file: string, nomorPeserta: string): RosterLine {
  const line = readFileSync(join(EXAMPLES, file), 'utf8')
    .split(/\r?\n/)
    .find((l) => l.startsWith(`${nomorPeserta};`));
  if (!line) throw new Error(`${nomorPeserta} is not in ${file}`);
  const [nomor, nik, nama, , , , ipk, kodeFormasi] = line.split(';');
  return { nomorPeserta: nomor!, nik: nik!, nama: nama!, ipk: ipk!, kodeFormasi: kodeFormasi! };
}

/** Logs in a person added by the CLI and replaces the temporary PIN they must change first. */
export async function loginFirstTime(page: Page, name: string, pin: string, newPin: string): Promise<void> {
  await login(page, name, pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ganti PIN Anda');
  await page.getByLabel('PIN saat ini').fill(pin);
  await page.getByLabel('PIN baru', { exact: true }).fill(newPin);
  await page.getByLabel('Ulangi PIN baru').fill(newPin);
  await page.getByRole('button', { name: 'Simpan PIN baru' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
}

/**
 * Makes the server slow to answer the first call of `command` whose body `slow` picks: its answer comes 1.5 s late,
 * after any asked later. Resolves `answered` once it is given, for a test that a late answer never replaces a later one.
 */
export async function answerLate(page: Page, command: string, slow: (body: Record<string, unknown>) => boolean): Promise<{ answered: Promise<void> }> {
  let done!: () => void;
  const answered = new Promise<void>((resolve) => (done = resolve));
  let slowed = false;
  await page.route(`**/api/${command}`, async (route) => {
    if (slowed || !slow(JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>)) return route.continue();
    slowed = true;
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.fulfill({ response });
    done();
  });
  return { answered };
}
