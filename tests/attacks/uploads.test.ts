import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { UPLOAD_LIMITS } from '../../src-main/api/files';
import type { Result } from '../../src-main/api/result';
import ExcelJS from 'exceljs';
import { demoPackage } from '../../src-main/core/demo/generate';
import { isSealedFile, openSealed } from '../../src-main/core/custody/sealed-file';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { ADMIN, addUser, appWithExam, login, makeApp, tempDir } from '../unit/helpers';

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

  it('are sealed on disk as they arrive: a roster with NIKs and birth dates is never in the clear, and imports as sent (CSV and XLSX)', async () => {
    const app = await appWithExam(demoPackage(10));
    const token = login(app);
    const nik = '3374015203959876';
    const rows = Array.from({ length: 400 }, (_, i) => `26337409${String(i).padStart(4, '0')};${nik.slice(0, 12)}${String(1000 + i).slice(-4)};Wulan Sekar Kinasih ${i};12/03/1995;P;S1 Teknik Informatika;3,51;F01;umum`);
    const text = `nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori\n${rows.join('\n')}\n`;
    // In three chunks, as the window sends a large file; the cuts fall inside rows.
    const bytes = Buffer.from(text);
    const cut = [0, 5000, 23456, bytes.length];
    let id: string | undefined;
    for (let i = 0; i < 3; i++) id = idOf(up(app, token, bytes.subarray(cut[i]!, cut[i + 1]!), id, cut[i]!));
    const file = join(uploadsDir(app), id!);
    expect(isSealedFile(file)).toBe(true);
    const onDisk = readFileSync(file);
    expect(onDisk.includes(nik.slice(0, 12))).toBe(false);
    expect(onDisk.includes('Wulan Sekar')).toBe(false);
    expect(onDisk.includes('12/03/1995')).toBe(false);
    // Not with the workstation's keys, nor any other: the key lives in this process only.
    expect(() => openSealed(Buffer.alloc(32), onDisk)).toThrow(/cannot be opened/);
    const r = (await app.invokeAsync('roster.import', { exam: 'CPNS-SMG-2026', file: { uploadId: id!, name: 'peserta.csv' } }, { token })) as Result<{ inserts: number; file: { sha256: string } }>;
    expect(r).toMatchObject({ ok: true, value: { inserts: 400 } });
    // The file recorded is the one sent, byte for byte.
    expect(r.ok && r.value.file.sha256).toBe((await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
    expect(app.workstation!.db.prepare("SELECT nik, tanggal_lahir FROM candidates WHERE nomor_peserta = '263374090007'").get()).toEqual({ nik: `${nik.slice(0, 12)}1007`, tanggal_lahir: '1995-03-12' });
    expect(files(app)).toEqual([]);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori']);
    ws.addRow(['263374095001', '3374011203955555', 'Agus Salim', new Date(Date.UTC(1995, 2, 12)), 'L', 'S1 Teknik Informatika', 3.51, 'F01', 'umum']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const x = idOf(up(app, token, xlsx));
    expect(isSealedFile(join(uploadsDir(app), x))).toBe(true);
    expect(await app.invokeAsync('roster.import', { exam: 'CPNS-SMG-2026', file: { uploadId: x, name: 'peserta.xlsx' } }, { token })).toMatchObject({ ok: true, value: { inserts: 1 } });
    // Once used, an upload takes no more chunks: it was ended and opened.
    const y = idOf(up(app, token, 'nomor_peserta;nik\n'));
    expect((await app.invokeAsync('roster.preview', { exam: 'CPNS-SMG-2026', file: { uploadId: y, name: 'a.csv' } }, { token })).ok).toBe(false);
    expect(up(app, token, 'more', y, 18)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a file left by a crash is unreadable and swept when the folder is next opened', () => {
    const app = makeApp();
    const token = login(app);
    const id = idOf(up(app, token, 'nomor_peserta;nik\n263374000001;3374011203950001\n'));
    const left = readFileSync(join(uploadsDir(app), id));
    expect(left.includes('3374011203950001')).toBe(false);
    const dir = app.workstation!.dir;
    app.close();
    // The next process has its own key: what was left cannot be opened by it either, and is swept.
    expect(readdirSync(join(dir, 'uploads'))).toEqual([id]);
    const again = new LenteraApp({ dataDir: dir, owner: { door: 'test' } });
    expect(files(again)).toEqual([]);
    again.close();
  });

  it('a bundle is verified and imported where it lies, sealed, and opened as it is read: no plain copy of it is ever written', async () => {
    const made = async (name: string) => {
      const app = new LenteraApp({ dataDir: join(tempDir(), name), allowInit: true });
      const demo = (await app.invokeAsync('workstation.demo', { candidates: 12 }, { local: 't' })) as Result<{ accounts: { name: string; pin: string }[] }>;
      if (!demo.ok) throw new Error(demo.error.message);
      return { app, token: login(app, 'koordinator', demo.value.accounts.find((a) => a.name === 'koordinator')!.pin) };
    };
    const a = await made('a');
    const db = a.app.workstation!.db;
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    await generateIdentity(db, a.app.workstation!.dir, { id: coord, displayName: 'Koordinator', nip: null }, 'Pemerintah Kota Semarang', 'rahasia-koordinator', new Date().toISOString());
    // Stored entries across several 4 MB blocks and 64 KiB segments, as a venue's signed PDFs are.
    const sheets = join(a.app.workstation!.dir, 'sheets', 'CPNS-SMG-2026');
    mkdirSync(sheets, { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(sheets, `hasil-26337400000${i}.pdf`), Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2_500_000 + i)]));
    const out = join(tempDir(), 'bundel.lentera');
    const exported = (await a.app.invokeAsync('bundle.export', { exam: 'CPNS-SMG-2026', passphrase: 'rahasia-koordinator', account: 'koordinator', out }, { local: 't' })) as Result<{ sha256: string }>;
    if (!exported.ok) throw new Error(exported.error.message);
    const pem = (a.app.invoke('keys.certificate', { account: 'koordinator' }, { local: 't' }) as { value: { pem: string } }).value.pem;

    const b = await made('b');
    const trusted = await b.app.invokeAsync('bundle.trust', { certificate: { pem }, exam: 'CPNS-SMG-2026' }, { local: 't' });
    expect(trusted.ok, JSON.stringify(trusted)).toBe(true);
    const seen = new Set<string>();
    // In chunks of 4 MB, as the window sends a file larger than one request.
    const sendAll = (bytes: Buffer) => {
      let id: string | undefined;
      for (let at = 0; at < bytes.length; at += 4 << 20) id = idOf(up(b.app, b.token, bytes.subarray(at, at + (4 << 20)), id, at));
      return id!;
    };
    mkdirSync(uploadsDir(b.app), { recursive: true });
    const watcher = watch(uploadsDir(b.app), (_e, f) => f && seen.add(String(f)));
    try {
      const id = sendAll(readFileSync(out));
      expect(isSealedFile(join(uploadsDir(b.app), id))).toBe(true);
      expect(await b.app.invokeAsync('bundle.verify', { file: { uploadId: id, name: 'bundel.lentera' } }, { token: b.token })).toMatchObject({ ok: true, value: { sha256: exported.value.sha256 } });
      const again = sendAll(readFileSync(out));
      const imported = await b.app.invokeAsync('bundle.import', { file: { uploadId: again, name: 'bundel.lentera' } }, { token: b.token });
      expect(imported, JSON.stringify(imported)).toMatchObject({ ok: true, value: { sequence: 1 } });
      // The copy kept (a plain workstation's) is the bundle itself, opened from the sealed upload.
      const kept = b.app.workstation!.db.prepare('SELECT file, file_sha256 FROM merged_bundles').get() as { file: string; file_sha256: string };
      expect(readFileSync(kept.file).equals(readFileSync(out))).toBe(true);
      // A sealed upload changed on disk is refused as such, and nothing is merged.
      const bad = sendAll(readFileSync(out));
      const onDisk = join(uploadsDir(b.app), bad);
      const bytes = readFileSync(onDisk);
      bytes[1_000_000]! ^= 1;
      writeFileSync(onDisk, bytes);
      expect(await b.app.invokeAsync('bundle.verify', { file: { uploadId: bad, name: 'rusak.lentera' } }, { token: b.token })).toMatchObject({ ok: false, error: { code: 'SEALED_FILE_DAMAGED' } });
      await new Promise((r) => setTimeout(r, 50));
      expect([...seen].filter((f) => !/^[0-9a-f-]{36}$/.test(f))).toEqual([]);
      expect(files(b.app)).toEqual([]);
    } finally {
      watcher.close();
      a.app.close();
      b.app.close();
    }
  });

});

