import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { UPLOAD_LIMITS } from '../../src-main/api/files';
import type { Result } from '../../src-main/api/result';
import { ADMIN, addUser, login, makeApp } from '../unit/helpers';

/**
 * Uploads (a roster with NIKs, a key's .p12) pass through: each belongs to the session that sent it and is gone
 * when the command that used it ends, whatever its outcome; leftovers are swept when the owner opens the folder.
 */

const up = (app: LenteraApp, token: string, data: Buffer | string, uploadId?: string, offset = 0) =>
  app.invoke('files.upload', { ...(uploadId ? { uploadId } : {}), offset, dataBase64: Buffer.from(data).toString('base64') }, { token }) as Result<{ uploadId: string; size: number }>;
const uploadsDir = (app: LenteraApp) => join(app.workstation!.dir, 'uploads');
const files = (app: LenteraApp) => (existsSync(uploadsDir(app)) ? readdirSync(uploadsDir(app)) : []);
const idOf = (r: Result<{ uploadId: string }>) => (r.ok ? r.value.uploadId : `refused ${r.error.code}`);

describe('uploads', () => {
  it('are deleted when the command that used them ends, after a success and after a refusal', async () => {
    const app = makeApp();
    const token = login(app);
    const pkg = readFileSync(join('resources', 'examples', 'cpns-smg-2026.exam.json'));
    const a = idOf(up(app, token, pkg));
    expect(files(app)).toEqual([a]);
    const preview = await app.invokeAsync('exams.preview', { file: { uploadId: a, name: 'cpns-smg-2026.exam.json' } }, { token });
    expect(preview.ok).toBe(true);
    expect(files(app)).toEqual([]);
    // Used once: the same reference again is not found.
    expect(await app.invokeAsync('exams.import', { file: { uploadId: a, name: 'cpns-smg-2026.exam.json' } }, { token })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const b = idOf(up(app, token, '{"not": "a package"'));
    expect((await app.invokeAsync('exams.import', { file: { uploadId: b, name: 'rusak.json' } }, { token })).ok).toBe(false);
    expect(files(app)).toEqual([]);
  });

  it("belong to the session that sent them: another person's session can neither use nor extend one", async () => {
    const app = makeApp();
    addUser(app, 'koordinator2', 'coordinator');
    const mine = login(app);
    const theirs = login(app, 'koordinator2', '739104');
    const id = idOf(up(app, mine, 'nomor_peserta;nama\n'));
    expect(up(app, theirs, 'x', id, 19)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await app.invokeAsync('roster.preview', { exam: 'X', file: { uploadId: id, name: 'a.csv' } }, { token: theirs })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(files(app)).toEqual([id]);
    // Logging out takes the session's unused uploads with it.
    app.invoke('accounts.logout', {}, { token: mine });
    expect(files(app)).toEqual([]);
  });

  it(`are capped per session: ${UPLOAD_LIMITS.perSession} waiting at once, ${UPLOAD_LIMITS.bytesPerSession / 1048576} MB in all`, () => {
    const app = makeApp();
    const token = login(app);
    const ids = Array.from({ length: UPLOAD_LIMITS.perSession }, () => idOf(up(app, token, 'a')));
    expect(ids.every((i) => !i.startsWith('refused'))).toBe(true);
    expect(up(app, token, 'a')).toMatchObject({ ok: false, error: { code: 'UPLOAD_LIMIT' } });
    // Bytes: 180 MB in one upload, then a second one stops where the session's total is reached.
    const other = login(app);
    const chunk = Buffer.alloc(6 * 1024 * 1024, 0x41);
    const fill = (limit: number) => {
      let id: string | undefined;
      let size = 0;
      for (let i = 0; i < limit; i++) {
        const r = up(app, other, chunk, id, size);
        if (!r.ok) return { size, refused: r.error.code };
        id = r.value.uploadId;
        size = r.value.size;
      }
      return { size, refused: null };
    };
    expect(fill(30)).toEqual({ size: 30 * chunk.length, refused: null });
    const second = fill(50);
    expect(second.refused).toBe('UPLOAD_LIMIT');
    expect(30 * chunk.length + second.size).toBeLessThanOrEqual(UPLOAD_LIMITS.bytesPerSession);
  });

  it("a key's .p12 is gone after keys.import, even when its password was wrong", async () => {
    const app = makeApp();
    addUser(app, 'ketua1', 'chair');
    const token = login(app, 'ketua1', '739104');
    const id = idOf(up(app, token, Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03])));
    const r = await app.invokeAsync('keys.import', { file: { uploadId: id, name: 'bsre.p12' }, p12Password: 'salah', passphrase: 'sandi-baru-kunci' }, { token });
    expect(r.ok).toBe(false);
    expect(files(app)).toEqual([]);
  });

  it('are swept when the owner opens the data folder; a one-shot command beside it does not touch them', () => {
    const app = makeApp();
    const dir = app.workstation!.dir;
    app.close();
    mkdirSync(join(dir, 'uploads'), { recursive: true });
    writeFileSync(join(dir, 'uploads', '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'), 'NIK 3374011505900001');
    const guest = new LenteraApp({ dataDir: dir });
    expect(readdirSync(join(dir, 'uploads'))).toHaveLength(1);
    guest.close();
    const owner = new LenteraApp({ dataDir: dir, owner: { door: 'test' } });
    expect(readdirSync(join(dir, 'uploads'))).toEqual([]);
    expect(owner.invoke('accounts.login', { name: ADMIN.name, pin: ADMIN.pin }, {}).ok).toBe(true);
    owner.close();
  });
});
