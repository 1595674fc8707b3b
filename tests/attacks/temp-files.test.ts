// Issue 17 (data custody), audit s80: SQLite3 Multiple Ciphers encrypts the database, its WAL and journal, but not
// SQLite's temporary files. An encrypted workstation whose connections left them on disk wrote its whole database in
// plain text to SQLITE_TMPDIR / TMPDIR / /var/tmp at every purge (VACUUM builds its new copy in a temporary
// database), and every sort or index build larger than the page cache did the same for what it sorted. SQLite
// unlinks those files at once, but their blocks stay on the disk. Every connection to an encrypted database keeps
// them in memory: the behaviour is checked in a process of its own (temp-files-child.ts) whose SQLITE_TMPDIR is an
// empty folder watched for any file created in it, and the one function that keys a connection is the only place
// that does (a search of the sources).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { cipherConnection, keyConnection, openDatabase } from '../../src-main/core/db/open';
import { systemClock } from '../../src-main/core/util/clock';
import { tempDir } from '../unit/helpers';
import { demoWorkstationPassphrase } from '../unit/demo-output';

const MEMORY = 2;

async function cli(args: string[]) {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(t), askSecret: async () => '', osUser: 'ujang' };
  const code = await run(args, io);
  return { code, text: out.join('\n') };
}

interface ChildReport {
  tempStore: number;
  rows: number;
  sorted: number;
  compacted: { vacuumed: boolean; vacuumError: string | null };
  steps: Record<'fill' | 'sort' | 'index' | 'compact' | 'close', string[]>;
}

/** The child run on `dataDir` with SQLite's temporary folder `tmp` (empty, watched by the child). */
function runChild(dataDir: string, tmp: string, key: Buffer, mode: 'as-built' | 'files'): ChildReport {
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve('tests/attacks/temp-files-child.ts'), dataDir, mode], {
    cwd: resolve('.'),
    // Only SQLite's variable: tsx keeps its cache under TMPDIR, which would be seen in the folder too.
    env: { ...process.env, SQLITE_TMPDIR: tmp, LENTERA_TEST_DATA_KEY: key.toString('hex') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as ChildReport;
}

describe('SQLite temporary files of an encrypted workstation', () => {
  it('a large sort, an index build and the compaction every purge runs create no file in the temporary folder', async () => {
    const root = tempDir();
    const ws = join(root, 'ws');
    const demo = await cli(['demo', '--data', ws, '--candidates', '24']);
    expect(demo.code, demo.text).toBe(0);
    const key = unlockCustody(ws, { passphrase: demoWorkstationPassphrase(demo.text) }, systemClock);
    const control = join(root, 'ws-control');
    cpSync(ws, control, { recursive: true });
    for (const d of ['tmp-control', 'tmp']) mkdirSync(join(root, d));

    // The control: with temporary files on disk, this very work creates them (so the watch below can fail).
    const c = runChild(control, join(root, 'tmp-control'), key, 'files');
    expect(c.tempStore).toBe(1);
    expect(c.sorted).toBe(c.rows);
    expect(c.compacted.vacuumed).toBe(true);
    for (const s of ['sort', 'index', 'compact'] as const) expect(c.steps[s].length, `the control's ${s} created no temporary file`).toBeGreaterThan(0);

    const r = runChild(ws, join(root, 'tmp'), key, 'as-built');
    expect(r.rows).toBe(16_000);
    expect(r.sorted).toBe(r.rows);
    expect(r.compacted).toMatchObject({ vacuumed: true, vacuumError: null });
    expect(r.steps, 'files SQLite created in SQLITE_TMPDIR for an encrypted database').toEqual({ fill: [], sort: [], index: [], compact: [], close: [] });
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(r.tempStore).toBe(MEMORY);
  }, 120_000);

  it('every connection keyed, and every one openDatabase opens with a key, keeps its temporary files in memory', () => {
    const dir = tempDir();
    const key = randomBytes(32);
    const db = openDatabase(join(dir, 'enc.db'), { create: true, key });
    expect(db.pragma('temp_store', { simple: true })).toBe(MEMORY);
    db.close();
    // Opened again (the probe, then the connection itself).
    const again = openDatabase(join(dir, 'enc.db'), { key });
    expect(again.pragma('temp_store', { simple: true })).toBe(MEMORY);
    again.close();

    const raw = new Database(join(dir, 'enc.db'), { readonly: true, fileMustExist: true });
    keyConnection(raw, key);
    expect(raw.pragma('temp_store', { simple: true })).toBe(MEMORY);
    raw.close();

    const fresh = new Database(':memory:');
    cipherConnection(fresh);
    expect(fresh.pragma('temp_store', { simple: true })).toBe(MEMORY);
    fresh.close();

    // A plain database keeps the build's default (files): it has nothing to keep out of them, and a hub's or a big
    // plain workstation's VACUUM would otherwise need its size in RAM.
    const plain = openDatabase(join(dir, 'plain.db'), { create: true });
    expect(plain.pragma('temp_store', { simple: true })).toBe(0);
    plain.close();
  });

  it('no code but keyConnection (and encrypt\'s rekey, after cipherConnection) gives a connection a key or a cipher', () => {
    // Every way SQLite3 Multiple Ciphers takes a key: pragmas (in SQL too), better-sqlite3-multiple-ciphers' key()
    // and rekey(), URI parameters, ATTACH … KEY, and the C API.
    const keying = [
      /\bpragma\(\s*[`'"]\s*(?:hex)?(?:re)?key\s*=/gi,
      /\bPRAGMA\s+(?:\w+\.)?(?:hex)?(?:re)?key\b/gi,
      /\bpragma\(\s*[`'"]\s*cipher\b/gi,
      /\bPRAGMA\s+(?:\w+\.)?cipher\b/gi,
      /(?<!\bthis)\.(?:re)?key\(/g,
      /[?&](?:hex)?key=/g,
      /\bATTACH\b[^;\n]*\bKEY\b/gi,
      /\bsqlite3(?:mc)?_(?:re)?key\w*/g,
      /\bsqlite3mc_config\b/g,
    ];
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== 'node_modules') walk(path);
          continue;
        }
        if (!/\.(?:[cm]?[jt]sx?)$/.test(name)) continue;
        const text = readFileSync(path, 'utf8');
        for (const re of keying) for (const m of text.matchAll(re)) hits.push(`${relative('.', path).split('\\').join('/')}: ${m[0]}`);
      }
    };
    for (const d of ['src-main', 'bin', 'scripts']) walk(resolve(d));
    expect(hits.sort()).toEqual(['src-main/core/custody/encrypt.ts: pragma(`rekey =', 'src-main/core/db/open.ts: pragma("cipher', 'src-main/core/db/open.ts: pragma(`key =']);
    // The rekey's connection is prepared as a keyed one is, temporary files in memory included.
    const encrypt = readFileSync('src-main/core/custody/encrypt.ts', 'utf8');
    expect(encrypt.indexOf('cipherConnection(db);')).toBeGreaterThan(0);
    expect(encrypt.indexOf('cipherConnection(db);')).toBeLessThan(encrypt.indexOf('pragma(`rekey ='));
  });
});
