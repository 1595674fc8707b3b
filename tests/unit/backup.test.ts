import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { backupInto, backupTo, checkBackup, listBackups } from '../../src-main/core/custody/backup';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { seedDemo } from '../../src-main/core/demo/seed';
import { verifyChain } from '../../src-main/core/audit/chain';
import { initWorkstation, openWorkstation, type Workstation } from '../../src-main/core/workstation/workstation';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { tempDir } from './helpers';

const PASS = 'kuda lumping semarang 2026';
const T0 = '2026-12-01T01:00:00.000Z';
const clock = { now: () => new Date(T0) };

function encrypted(candidates = 30): { root: string; dir: string; ws: Workstation; words: string; niks: string[] } {
  const root = tempDir();
  const dir = join(root, 'ws');
  const made = initWorkstation(dir, { adminName: 'koordinator', pin: '482913', actor: 'test', passphrase: PASS }, { clock });
  seedDemo(made, T0, 'test', '482913', candidates);
  const niks = made.db.prepare('SELECT nik FROM candidates').pluck().all() as string[];
  writeFileSync(join(root, 'pp'), `${PASS}\n`);
  writeFileSync(join(root, 'words'), made.recoveryKey!);
  return { root, dir, ws: made, words: made.recoveryKey!, niks };
}

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), askSecret: async () => '', osUser: 'ujang' };
  const code = await run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('backups', () => {
  it('a backup is encrypted like the database, checked whole, with its audit head and the custody file beside it', () => {
    const { root, ws, niks } = encrypted();
    const out = join(root, 'usb', 'one.lbk');
    expect(() => backupTo(ws.db, ws.dir, out, { key: ws.key!, at: T0 })).toThrow(expect.objectContaining({ code: 'BACKUP_TARGET_MISSING' }));
    const info = backupTo(ws.db, ws.dir, join(root, 'one.lbk'), { key: ws.key!, at: T0 });
    const bytes = readFileSync(info.file).toString('latin1');
    for (const nik of niks) expect(bytes.includes(nik)).toBe(false);
    expect(existsSync(`${info.file}.custody.json`)).toBe(true);
    expect(checkBackup(info.file, ws.key!).head).toEqual(info.head);
    expect(info.head.seq).toBe((ws.db.prepare('SELECT MAX(seq) FROM audit_events').pluck().get() as number));
    // Without the key, or with another workstation's, it does not open.
    expect(() => checkBackup(info.file, undefined)).toThrow(expect.objectContaining({ code: 'BACKUP_INVALID' }));
    expect(() => checkBackup(info.file, Buffer.alloc(32, 9))).toThrow(/does not open with this workstation's key/);
    ws.close();
  });

  it('refuses a truncated or tampered backup before anything is replaced', async () => {
    const { root, dir, ws } = encrypted();
    const good = backupTo(ws.db, ws.dir, join(root, 'good.lbk'), { key: ws.key!, at: T0 }).file;
    ws.close();
    const before = sha(join(dir, 'lentera.db'));
    const truncated = join(root, 'cut.lbk');
    writeFileSync(truncated, readFileSync(good));
    truncateSync(truncated, Math.floor(statSync(good).size / 2));
    const tampered = join(root, 'bit.lbk');
    const b = readFileSync(good);
    const mid = Math.floor(b.length / 2);
    b[mid] = b[mid]! ^ 0x01;
    writeFileSync(tampered, b);
    for (const f of [truncated, tampered]) {
      writeFileSync(`${f}.custody.json`, readFileSync(`${good}.custody.json`));
      const r = await cli(['restore', '--data', dir, '--from', f, '--passphrase-file', join(root, 'pp'), '--force']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/damaged|truncated|does not open/);
      expect(sha(join(dir, 'lentera.db'))).toBe(before);
      expect(readdirSync(dir).filter((n) => n.includes('replaced'))).toEqual([]);
    }
  });

  it('restore round trip: a new folder from the backup and its custody file, the chain verified and the restore audited', async () => {
    const { root, ws, niks } = encrypted();
    const file = backupTo(ws.db, ws.dir, join(root, 'b.lbk'), { key: ws.key!, at: T0 }).file;
    const head = checkBackup(file, ws.key!).head;
    ws.close();
    const fresh = join(root, 'laptop2');
    const r = await cli(['restore', '--data', fresh, '--from', file, '--passphrase-file', join(root, 'pp')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/chain verified/);
    const again = openWorkstation(fresh, { key: unlockCustody(fresh, { passphrase: PASS }, clock) });
    expect(verifyChain(again.db).ok).toBe(true);
    expect(again.db.prepare('SELECT nik FROM candidates').pluck().all()).toEqual(niks);
    const last = again.db.prepare('SELECT seq, command, payload FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; command: string; payload: string };
    expect(last).toMatchObject({ seq: head.seq + 1, command: 'workstation.restore' });
    expect(JSON.parse(last.payload)).toMatchObject({ from: 'b.lbk', backupSeq: head.seq, replaced: false });
    again.close();
  });

  it('with only the recovery key (no custody file came along) the backup is restored and a new passphrase set', async () => {
    const { root, ws } = encrypted();
    const file = backupTo(ws.db, ws.dir, join(root, 'b.lbk'), { key: ws.key!, at: T0 }).file;
    ws.close();
    const { rmSync } = await import('node:fs');
    rmSync(`${file}.custody.json`);
    const fresh = join(root, 'laptop2');
    expect((await cli(['restore', '--data', fresh, '--from', file, '--passphrase-file', join(root, 'pp')])).err).toMatch(/--recovery-key-file/);
    writeFileSync(join(root, 'new'), 'gedung lawang sewu baru\n');
    const r = await cli(['restore', '--data', fresh, '--from', file, '--recovery-key-file', join(root, 'words'), '--new-passphrase-file', join(root, 'new')]);
    expect(r.code, r.err).toBe(0);
    writeFileSync(join(root, 'new-pp'), 'gedung lawang sewu baru\n');
    expect((await cli(['audit', 'verify', '--data', fresh, '--passphrase-file', join(root, 'new-pp')])).code).toBe(0);
  });

  it('refuses to replace a newer workstation without --force, or another workstation at all; --force keeps the replaced one aside', async () => {
    const { root, dir, ws } = encrypted();
    const file = backupTo(ws.db, ws.dir, join(root, 'b.lbk'), { key: ws.key!, at: T0 }).file;
    ws.close();
    // The workstation goes on: one more audited command makes it newer than the backup.
    expect((await cli(['audit', 'verify', '--data', dir, '--passphrase-file', join(root, 'pp')])).code).toBe(0);
    const app = new LenteraApp({ dataDir: dir, unlock: { passphrase: PASS } });
    expect(app.invoke('settings.set', { key: 'venue.label', value: 'Gedung B' }, { local: 't' }).ok).toBe(true);
    app.close();
    const before = sha(join(dir, 'lentera.db'));
    const refused = await cli(['restore', '--data', dir, '--from', file, '--passphrase-file', join(root, 'pp')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/further on .* --force/);
    expect(sha(join(dir, 'lentera.db'))).toBe(before);
    const other = encrypted();
    const foreign = backupTo(other.ws.db, other.ws.dir, join(other.root, 'f.lbk'), { key: other.ws.key!, at: T0 }).file;
    other.ws.close();
    const f = await cli(['restore', '--data', dir, '--from', foreign, '--passphrase-file', join(other.root, 'pp'), '--force']);
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/another workstation's backup/);
    expect(sha(join(dir, 'lentera.db'))).toBe(before);
    const forced = await cli(['restore', '--data', dir, '--from', file, '--passphrase-file', join(root, 'pp'), '--force']);
    expect(forced.code, forced.err).toBe(0);
    const aside = readdirSync(dir).find((n) => n.startsWith('lentera.db.replaced-') && n.endsWith('.bak'))!;
    expect(sha(join(dir, aside))).toBe(before);
  });

  it("refuses a fork of the workstation's chain without --force, though its head is further on; the restore records what it replaced", async () => {
    const { root, dir, ws } = encrypted();
    const file = backupTo(ws.db, ws.dir, join(root, 'b0.lbk'), { key: ws.key!, at: T0 }).file;
    ws.close();
    // The venue goes on from the backup: one command (a score corrected, here a setting).
    const venue = new LenteraApp({ dataDir: dir, unlock: { passphrase: PASS } });
    expect(venue.invoke('settings.set', { key: 'venue.label', value: 'Gedung B' }, { local: 't' }).ok).toBe(true);
    venue.close();
    // Elsewhere, the same backup restored and taken further by other commands, then backed up: a fork with a higher head.
    const elsewhere = join(root, 'elsewhere');
    expect((await cli(['restore', '--data', elsewhere, '--from', file, '--passphrase-file', join(root, 'pp')])).code).toBe(0);
    const other = new LenteraApp({ dataDir: elsewhere, unlock: { passphrase: PASS } });
    for (const label of ['Gedung C', 'Gedung D']) expect(other.invoke('settings.set', { key: 'venue.label', value: label }, { local: 't' }).ok).toBe(true);
    other.close();
    const fork = join(root, 'fork.lbk');
    expect((await cli(['backup', '--data', elsewhere, '--passphrase-file', join(root, 'pp'), '--out', fork])).code).toBe(0);
    const live = openWorkstation(dir, { key: unlockCustody(dir, { passphrase: PASS }, clock) });
    const venueHead = live.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    live.close();
    const key = unlockCustody(dir, { passphrase: PASS }, clock);
    const common = checkBackup(file, key).head.seq;
    const forkBackupHead = checkBackup(fork, key).head;
    expect(forkBackupHead.seq).toBeGreaterThan(venueHead.seq);
    const before = sha(join(dir, 'lentera.db'));
    const refused = await cli(['restore', '--data', dir, '--from', fork, '--passphrase-file', join(root, 'pp')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`WORKSTATION_FORKED|not a continuation`));
    expect(refused.err).toMatch(new RegExp(`after audit event ${common}\\b`));
    expect(sha(join(dir, 'lentera.db'))).toBe(before);
    // Forced, it is restored, and its audit event says what was replaced and how the two chains stood.
    const forced = await cli(['restore', '--data', dir, '--from', fork, '--passphrase-file', join(root, 'pp'), '--force']);
    expect(forced.code, forced.err).toBe(0);
    const back = openWorkstation(dir, { key: unlockCustody(dir, { passphrase: PASS }, clock) });
    const payload = JSON.parse(back.db.prepare("SELECT payload FROM audit_events WHERE command = 'workstation.restore' ORDER BY seq DESC LIMIT 1").pluck().get() as string);
    back.close();
    const aside = readdirSync(dir).find((n) => n.startsWith('lentera.db.replaced-') && n.endsWith('.bak'))!;
    expect(payload).toMatchObject({ from: 'fork.lbk', backupSeq: forkBackupHead.seq, backupHead: forkBackupHead, replaced: true, forced: true, relation: 'forked', common, replacedHead: venueHead, keptAside: aside });
  });

  it('the scheduler: rotation, a missing target said and not fatal, a backup right after a finalization', async () => {
    const { root, ws } = encrypted();
    ws.close();
    let now = Date.parse(T0);
    const app = new LenteraApp({ dataDir: join(root, 'ws'), unlock: { passphrase: PASS }, clock: { now: () => new Date(now) } });
    const usb = join(root, 'usb');
    expect(app.invoke('backup.configure', { folder: usb, intervalMinutes: 5, keep: 2 }, { local: 't' })).toMatchObject({ ok: true, value: { folder: usb, keep: 2 } });
    for (let i = 0; i < 3; i++) {
      now += 60_000;
      app.invoke('settings.set', { key: 'venue.label', value: `G${i}` }, { local: 't' });
      expect((await app.invokeAsync('backup.now', {}, { local: 't' })).ok).toBe(true);
    }
    const id = app.workstation!.id;
    const kept = listBackups(usb, id);
    expect(kept).toHaveLength(2);
    expect(kept[0]!.seq).toBeGreaterThan(kept[1]!.seq);
    for (const k of kept) expect(checkBackup(k.file, app.workstation!.key!).workstationId).toBe(id);
    // The stick is pulled out: the failure is said, the app goes on, and the status turns stale after two intervals.
    renameSync(usb, `${usb}-gone`);
    expect(await app.invokeAsync('backup.now', {}, { local: 't' })).toMatchObject({ ok: false, error: { code: 'BACKUP_TARGET_MISSING' } });
    now += 11 * 60_000;
    expect(app.invoke('backup.status', {}, { local: 't' })).toMatchObject({ ok: true, value: { stale: true, lastError: { code: 'BACKUP_TARGET_MISSING' } } });
    renameSync(`${usb}-gone`, usb);
    // A finalization publishes panel.finalized: a backup follows at once.
    app.backups.start(3_600_000);
    const before = listBackups(usb, id)[0]!.file;
    now += 60_000;
    app.invoke('settings.set', { key: 'venue.label', value: 'final' }, { local: 't' });
    // The backup is written on its own thread: the event only starts it, and `backup.changed` says it ended.
    const ended = new Promise<unknown>((resolve) => {
      const off = app.events.subscribe((e) => {
        if (e.type === 'backup.changed') {
          off();
          resolve(e.data);
        }
      });
    });
    app.events.publish({ type: 'panel.finalized', data: { exam: 'X', session: 'S' } });
    expect(await ended).toEqual({ ok: true });
    expect(listBackups(usb, id)[0]!.file).not.toBe(before);
    expect(app.invoke('backup.status', {}, { local: 't' })).toMatchObject({ ok: true, value: { stale: false, lastError: null } });
    app.close();
  });

  it('a remote caller cannot name the backup folder, and settings.set cannot either', async () => {
    const { root, ws } = encrypted();
    ws.close();
    const app = new LenteraApp({ dataDir: join(root, 'ws'), unlock: { passphrase: PASS } });
    const login = app.invoke('accounts.login', { name: 'koordinator', pin: '482913' }, { client: 'c' });
    const token = (login as { ok: true; value: { token: string } }).value.token;
    // The folder a remote caller sends is not taken (as every path field): the rest of the input is.
    expect(app.invoke('backup.configure', { folder: '/tmp', keep: 3 }, { token, client: 'c' })).toMatchObject({ ok: true, value: { folder: null, keep: 3 } });
    expect(app.invoke('settings.set', { key: 'backup.folder', value: '/tmp' }, { token, client: 'c' })).toMatchObject({ ok: false, error: { code: 'SETTING_OWN_COMMAND' } });
    app.close();
  });

  it('a kill -9 in the middle of a backup leaves the previous backup usable, and the next run clears its leftovers', async () => {
    const { root, dir, ws } = encrypted(3000);
    const usb = join(root, 'usb');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(usb);
    const first = backupInto(ws.db, ws.dir, usb, { key: ws.key!, at: T0, workstationId: ws.id, keep: 5 });
    const keyHex = ws.key!.toString('hex');
    ws.close();
    // A child that writes backups in a loop; it is killed while one is being written (a temporary file exists).
    const script = `
      import { openWorkstation } from ${JSON.stringify(join(process.cwd(), 'src-main/core/workstation/workstation.ts'))};
      import { backupInto } from ${JSON.stringify(join(process.cwd(), 'src-main/core/custody/backup.ts'))};
      const ws = openWorkstation(${JSON.stringify(dir)}, { key: Buffer.from(${JSON.stringify(keyHex)}, 'hex') });
      for (let i = 1; ; i++) backupInto(ws.db, ws.dir, ${JSON.stringify(usb)}, { key: ws.key, at: new Date(Date.parse(${JSON.stringify(T0)}) + i * 1000).toISOString(), workstationId: ws.id, keep: 100 });
    `;
    writeFileSync(join(root, 'loop.mts'), script);
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'loop.mts')], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!readdirSync(usb).some((n) => n.startsWith('.lentera-backup-') && statSync(join(usb, n)).size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(usb).some((n) => n.startsWith('.lentera-backup-'))).toBe(true);
    const key = Buffer.from(keyHex, 'hex');
    expect(checkBackup(first.file, key).head).toEqual(first.head);
    for (const b of listBackups(usb, first.workstationId)) expect(checkBackup(b.file, key).workstationId).toBe(first.workstationId);
    const ws2 = openWorkstation(dir, { key });
    backupInto(ws2.db, ws2.dir, usb, { key, at: '2026-12-01T02:00:00.000Z', workstationId: ws2.id, keep: 100 });
    ws2.close();
    expect(readdirSync(usb).some((n) => n.startsWith('.lentera-backup-'))).toBe(false);
  }, 120_000);

  it('restore refuses a live database (with its WAL) as a backup, and moves a stray WAL away from the restored file', async () => {
    const { root, dir, ws } = encrypted();
    const file = backupTo(ws.db, ws.dir, join(root, 'b.lbk'), { key: ws.key!, at: T0 }).file;
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    writeFileSync(`${file}-wal`, 'not empty');
    const key = ws.key!;
    ws.close();
    const { restoreBackup } = await import('../../src-main/core/custody/backup');
    expect(() => restoreBackup(join(root, 'fresh'), file, { key, at: T0 })).toThrow(expect.objectContaining({ code: 'BACKUP_INVALID' }));
    const { rmSync } = await import('node:fs');
    rmSync(`${file}-wal`);
    // A WAL left behind with no database (a crash between two renames) never meets the restored one.
    const fresh = join(root, 'fresh');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'lentera.db-wal'), readFileSync(join(dir, 'lentera.db')).subarray(0, 4096));
    restoreBackup(fresh, file, { key, at: T0 });
    expect(existsSync(join(fresh, 'lentera.db-wal'))).toBe(false);
    expect(readdirSync(fresh).some((n) => n.startsWith('lentera.db.orphan-') && n.endsWith('-wal'))).toBe(true);
    expect(checkBackup(join(fresh, 'lentera.db'), key).workstationId).toBe(checkBackup(file, key).workstationId);
  });

  it('rotation keeps the backup just written even when the clock went back, and names it by the copy\'s own head', async () => {
    const { root, ws } = encrypted();
    const usb = join(root, 'usb');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(usb);
    const opts = { key: ws.key!, workstationId: ws.id, keep: 2 };
    backupInto(ws.db, ws.dir, usb, { ...opts, at: '2026-12-01T05:00:00.000Z' });
    ws.db.prepare("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('venue.label', 'B', 'x', 'y')").run();
    backupInto(ws.db, ws.dir, usb, { ...opts, at: '2026-12-01T06:00:00.000Z' });
    // The laptop's clock is set back an hour: the newest backup sorts first by its audit head all the same.
    const newest = backupInto(ws.db, ws.dir, usb, { ...opts, at: '2026-12-01T04:00:00.000Z' });
    const kept = listBackups(usb, ws.id).map((b) => b.file);
    expect(kept).toContain(newest.file);
    expect(kept).toHaveLength(2);
    expect(newest.file).toContain(`-${newest.head.seq}.lbk`);
    ws.close();
  });

  it('a backup goes outside the workstation folder (a sibling named alike is outside)', async () => {
    const { root, dir, ws } = encrypted();
    ws.close();
    const { assertOutsideData } = await import('../../src-main/core/custody/backup');
    expect(() => assertOutsideData(join(dir, 'lentera.db'), dir)).toThrow(/inside the workstation folder/);
    expect(() => assertOutsideData(join(dir, 'sub', 'x.lbk'), dir)).toThrow(/inside the workstation folder/);
    expect(() => assertOutsideData(join(root, 'ws-backup', 'x.lbk'), dir)).not.toThrow();
    const r = await cli(['backup', '--data', dir, '--out', join(dir, 'lentera.db'), '--passphrase-file', join(root, 'pp')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/inside the workstation folder/);
  });
});
