// Finding: "`lentera.db`, `-wal`, `-shm` are 0644 in a 0755 folder (full NIKs, birth dates, PIN hashes)." The data
// directory is 0700 and every file in it 0600: on creation, and on every open (older folders are corrected),
// without touching anything outside it and without changing the process's umask.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { ADMIN, tempDir } from '../unit/helpers';

const local = { local: 'test' };
const mode = (p: string) => (lstatSync(p).mode & 0o777).toString(8);

/** Every entry under `dir` (itself included) with its mode, links left out (they are not followed). */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir) };
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) continue;
      out[r] = mode(p);
      if (e.isDirectory()) walk(p, r);
    }
  };
  walk(dir, '');
  return out;
}

/** The entries whose mode is not private: 0700 for directories, 0600 for files. */
function notPrivate(dir: string): string[] {
  return Object.entries(modes(dir))
    .filter(([rel, m]) => m !== (statSync(rel === '.' ? dir : join(dir, rel)).isDirectory() ? '700' : '600'))
    .map(([rel, m]) => `${rel} ${m}`);
}

function open(dataDir: string, opts: { owner?: boolean } = {}): LenteraApp {
  const app = new LenteraApp({ dataDir, allowInit: true, ...opts });
  onTestFinished(() => app.close());
  return app;
}

describe('files at rest are private', () => {
  it('init makes the folder 0700 and the database, its -wal and -shm (while open) and the owner files 0600', () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'ws');
    const app = open(dataDir, { owner: true });
    expect(app.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, local).ok).toBe(true);
    const files = readdirSync(dataDir).sort();
    expect(files).toEqual(expect.arrayContaining(['lentera.db', 'lentera.db-wal', 'lentera.db-shm', 'owner.lock', 'owner.json']));
    expect(notPrivate(dataDir)).toEqual([]);
    expect(mode(join(dataDir, 'lentera.db-wal'))).toBe('600');
    expect(mode(join(dataDir, 'lentera.db-shm'))).toBe('600');
    // The parent is not the workstation's: left as it was.
    expect(mode(parent)).toBe('755');
  });

  it('lentera init (the CLI) does the same, and creates missing parents with the usual modes', async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'venue', 'ws');
    const io: CliIo = { out: () => undefined, err: () => undefined, askSecret: async () => '', osUser: 'ujang' };
    expect(await run(['init', '--plain', '--data', dataDir, '--admin', 'koordinator', '--pin', '482913'], io)).toBe(0);
    expect(notPrivate(dataDir)).toEqual([]);
    expect(mode(join(parent, 'venue'))).toBe('755');
  });

  it('a demo venue (people, exam, keys) is private throughout, -wal and -shm included', async () => {
    const dataDir = join(tempDir(), 'ws');
    const app = open(dataDir);
    const r = await app.invokeAsync('workstation.demo', { candidates: 20 }, local);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const tree = modes(dataDir);
    expect(Object.keys(tree)).toEqual(expect.arrayContaining(['lentera.db', 'lentera.db-wal', 'lentera.db-shm', 'keys']));
    expect(readdirSync(join(dataDir, 'keys')).length).toBeGreaterThan(0);
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('reopening a folder made 0755/0644 by hand (or an older Lentera) corrects every file and folder in it, and nothing outside it', async () => {
    const root = tempDir();
    chmodSync(root, 0o755);
    const dataDir = join(root, 'ws');
    const first = new LenteraApp({ dataDir, allowInit: true });
    expect((await first.invokeAsync('workstation.demo', { candidates: 20 }, local)).ok).toBe(true);
    first.close();
    // What older versions left: subfolders and files with the umask's modes.
    mkdirSync(join(dataDir, 'bundles', 'merged'), { recursive: true });
    writeFileSync(join(dataDir, 'bundles', 'merged', 'a.lentera'), 'x');
    mkdirSync(join(dataDir, 'sheets', 'CPNS-SMG-2026'), { recursive: true });
    writeFileSync(join(dataDir, 'sheets', 'CPNS-SMG-2026', 'hasil.pdf'), 'x');
    mkdirSync(join(dataDir, 'uploads'));
    writeFileSync(join(dataDir, 'uploads', 'u1'), 'x');
    writeFileSync(join(dataDir, 'lentera.db.v5-2026-01-01.bak'), 'x');
    // A link out of the data folder: what it points to is not the workstation's and must not change.
    const outside = join(root, 'public-site');
    mkdirSync(outside);
    writeFileSync(join(outside, 'index.html'), 'x');
    chmodSync(outside, 0o755);
    chmodSync(join(outside, 'index.html'), 0o644);
    symlinkSync(outside, join(dataDir, 'site-link'));
    symlinkSync(join(outside, 'index.html'), join(dataDir, 'index-link.html'));
    const opened = (d: string) => {
      for (const [rel] of Object.entries(modes(d))) {
        const p = rel === '.' ? d : join(d, rel);
        chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
      }
    };
    opened(dataDir);
    expect(notPrivate(dataDir).length).toBeGreaterThan(8);

    const app = new LenteraApp({ dataDir });
    onTestFinished(() => app.close());
    expect(existsSync(join(dataDir, 'lentera.db-wal'))).toBe(true);
    expect(notPrivate(dataDir)).toEqual([]);
    expect(mode(outside)).toBe('755');
    expect(mode(join(outside, 'index.html'))).toBe('644');
    expect(mode(root)).toBe('755');

    // A one-shot command (the CLI) opening the folder beside it corrects it too.
    chmodSync(join(dataDir, 'keys'), 0o755);
    chmodSync(join(dataDir, 'lentera.db'), 0o644);
    const status = await run(['status', '--data', dataDir], { out: () => undefined, err: () => undefined, askSecret: async () => '', osUser: 'ujang' });
    expect(status).toBe(0);
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('does not change the process umask (the CLI also writes public files, like the published site)', () => {
    const dataDir = join(tempDir(), 'ws');
    const before = process.umask(0o022);
    process.umask(before);
    const app = open(dataDir, { owner: true });
    expect(app.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, local).ok).toBe(true);
    const now = process.umask(0o022);
    process.umask(now);
    expect(now).toBe(before);
    const publicFile = join(tempDir(), 'index.html');
    writeFileSync(publicFile, 'x');
    expect(mode(publicFile)).toBe((0o666 & ~before).toString(8));
  });
});
