import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { tempDir } from './helpers';
import { HUB_UPLOAD_MIB } from '../../src-main/cli/options';
import { LIMITS } from '../../src-main/core/bundles/format';
import { HUB_DEFAULTS } from '../../src-main/server/hub';

function io(secret = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), askSecret: async () => secret, osUser: 'ujang' };
}

async function cli(args: string[], secret?: string) {
  const i = io(secret);
  const code = await run(args, i);
  return { code, out: i.stdout.join('\n'), err: i.stderr.join('\n') };
}

describe('lentera CLI', () => {
  it('init creates a workstation once, records cli:<user>, and refuses a second init without changing anything', async () => {
    const data = join(tempDir(), 'ws');
    const first = await cli(['init', '--plain', '--data', data, '--admin', 'koordinator', '--pin', '482913']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Workstation [0-9a-f-]{36} created/);
    const db = join(data, 'lentera.db');
    const log = await cli(['audit', 'log', '--data', data, '--json']);
    expect(JSON.parse(log.out)[0]).toMatchObject({ seq: 1, actor: 'cli:ujang', command: 'workstation.init' });
    const before = createHash('sha256').update(readFileSync(db)).digest('hex');
    const again = await cli(['init', '--plain', '--data', data, '--admin', 'lain', '--pin', '482913']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already set up/);
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before);
  });

  it('init never makes a plain workstation by omission: a script without a passphrase is refused, --plain is said out loud', async () => {
    const dir = tempDir();
    const bare = await cli(['init', '--data', join(dir, 'a'), '--admin', 'koordinator', '--pin', '482913']);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/created encrypted: give --passphrase-file FILE/);
    expect(spawnSync('ls', [join(dir, 'a')]).stdout.toString()).toBe('');
    writeFileSync(join(dir, 'pp'), 'gedung lawang sewu\n');
    const both = await cli(['init', '--plain', '--passphrase-file', join(dir, 'pp'), '--data', join(dir, 'b'), '--admin', 'koordinator', '--pin', '482913']);
    expect(both.code).toBe(2);
    expect(spawnSync('ls', [join(dir, 'b')]).stdout.toString()).toBe('');
    const plain = await cli(['init', '--plain', '--data', join(dir, 'c'), '--admin', 'koordinator', '--pin', '482913']);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/NOT encrypted \(--plain\)/);
    expect(readFileSync(join(dir, 'c', 'lentera.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
    const sealed = await cli(['init', '--passphrase-file', join(dir, 'pp'), '--data', join(dir, 'd'), '--admin', 'koordinator', '--pin', '482913']);
    expect(sealed.code, sealed.err).toBe(0);
    expect(readFileSync(join(dir, 'd', 'lentera.db')).subarray(0, 15).toString()).not.toBe('SQLite format 3');
  });

  it('through a door other than the command line, a workstation or a demo is made encrypted only', async () => {
    const { LenteraApp } = await import('../../src-main/api/app');
    const app = new LenteraApp({ dataDir: join(tempDir(), 'w'), allowInit: true });
    expect(app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { client: '127.0.0.1' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await app.invokeAsync('workstation.demo', { candidates: 10 }, { client: '127.0.0.1' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(app.workstation).toBeUndefined();
    const made = app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913', passphrase: 'gedung lawang sewu' }, { client: '127.0.0.1' });
    expect(made).toMatchObject({ ok: true, value: { recoveryKey: expect.any(String) } });
    app.close();
  });

  it('init asks for the PIN when none is given, and refuses a weak one leaving nothing behind', async () => {
    const dir = tempDir();
    const asked = await cli(['init', '--plain', '--data', join(dir, 'a'), '--admin', 'koordinator'], '573920');
    expect(asked.code).toBe(0);
    const weak = await cli(['init', '--plain', '--data', join(dir, 'b'), '--admin', 'koordinator', '--pin', '123456']);
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/straight run/);
    expect(spawnSync('ls', [join(dir, 'b')]).stdout.toString()).toBe('');
  });

  it('exits 2 with a usage message when --data is missing or a subcommand is unknown', async () => {
    const missing = await cli(['audit', 'verify']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/required option '--data <dir>' not specified/);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('refuses a directory that is not a workstation, creating nothing', async () => {
    const dir = tempDir();
    const r = await cli(['status', '--data', join(dir, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not a Lentera workstation/);
    expect(spawnSync('ls', [dir]).stdout.toString()).toBe('');
  });

  it('audit verify exits 0 with the head when intact and 1 naming the first bad event', async () => {
    const data = join(tempDir(), 'ws');
    await cli(['init', '--plain', '--data', data, '--admin', 'koordinator', '--pin', '482913']);
    await cli(['accounts', 'add', '--data', data, '--name', 'penguji1', '--role', 'examiner', '--pin', '739104']);
    const ok = await cli(['audit', 'verify', '--data', data]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^audit chain intact: 2 events, head 2 [0-9a-f]{64}$/);
    const db = new Database(join(data, 'lentera.db'));
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare("UPDATE audit_events SET actor = 'cli:someone-else' WHERE seq = 2").run();
    db.close();
    const bad = await cli(['audit', 'verify', '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/BROKEN at event 2/);
  });

  it('every subcommand exits 3 on a database from a newer Lentera, which stays untouched', async () => {
    const data = join(tempDir(), 'ws');
    await cli(['init', '--plain', '--data', data, '--admin', 'koordinator', '--pin', '482913']);
    const file = join(data, 'lentera.db');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 99');
    db.close();
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const subcommands = [
      ['status'],
      ['audit', 'verify'],
      ['audit', 'log'],
      ['accounts', 'list'],
      ['accounts', 'add', '--name', 'x1', '--role', 'clerk', '--pin', '739104'],
      ['accounts', 'deactivate', 'koordinator'],
      ['accounts', 'reset-pin', 'koordinator', '--pin', '739104'],
      ['serve', '--port', '0'],
      ['init', '--plain', '--admin', 'y', '--pin', '482913'],
    ];
    for (const s of subcommands) {
      const r = await cli([...s, '--data', data]);
      expect(r.code, s.join(' ')).toBe(3);
      expect(r.err).toMatch(/newer Lentera/);
    }
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it('--help lists every subcommand', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['init', 'serve', 'status', 'audit', 'accounts']) expect(r.out).toContain(s);
  });

  it('the installed bin runs the same CLI (npx lentera)', () => {
    const out = execFileSync('node', ['bin/lentera.mjs', '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const missing = spawnSync('node', ['bin/lentera.mjs', 'status'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
  });

  it("hub --help states the hub's own limits (kept in the CLI so the help loads no hub)", async () => {
    expect(HUB_UPLOAD_MIB.default * 1024 * 1024).toBe(HUB_DEFAULTS.maxBundleBytes);
    expect(HUB_UPLOAD_MIB.max * 1024 * 1024).toBe(LIMITS.bundleBytes);
    const tooBig = await cli(['hub', '--data', tempDir(), '--max-bundle-mb', String(HUB_UPLOAD_MIB.max + 1)]);
    expect(tooBig.code).toBe(2);
    expect(tooBig.err).toMatch(/from 1 to 4096/);
  });
});
