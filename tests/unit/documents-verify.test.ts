import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { WorkstationReport as DocumentReport } from '../../src-main/api/commands/documents';
import { generateIdentity, unlockIdentity } from '../../src-main/core/keys/identities';
import { generateMinutes, generateSheets } from '../../src-main/core/sheets/batch';
import { documentVersion, latestMinutesFile, orderedVersions, supersededVersions } from '../../src-renderer/features/documents/versions';
import { changeInfo, overlayFirstPage } from '../e2e/pdf-tamper';

/** documents.verify: the report `lentera verify --data` prints, as the Dokumen page gets it. */

const PASS = 'rahasia-koordinator';
let dir: string;
let app: LenteraApp;
let sheet: string;
let minutes: string;
let observer: string;

async function verify(file: string, auth: object = { local: 't' }): Promise<DocumentReport> {
  const r = await app.invokeAsync('documents.verify', { file: { path: file } }, auth as { local: string });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as DocumentReport;
}

function copy(name: string, bytes: Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lentera-verify-'));
  app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  const demo = (await app.invokeAsync('workstation.demo', { candidates: 60 }, { local: 't' })) as any;
  const db = app.workstation!.db;
  const examId = db.prepare('SELECT id FROM exams').pluck().get() as string;
  const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni, S.Sos.', nip: '197805122005012003' }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  const signer = await unlockIdentity(db, app.workstation!.dir, coord, PASS, new Date());
  const out = join(app.workstation!.dir, 'sheets', exam);
  const res = await generateSheets(db, { examId, outDir: out, session: 'WWC-F01', signer });
  sheet = res.written[0]!;
  minutes = (await generateMinutes(db, examId, 'WWC-F01', signer, out)).file;
  const pin = demo.value.accounts.find((a: any) => a.name === 'pengawas').pin;
  const login = app.invoke('accounts.login', { name: 'pengawas', pin }, { client: 't' });
  if (!login.ok) throw new Error(login.error.message);
  observer = (login.value as { token: string }).token;
  return () => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  };
}, 90_000);

describe('documents.verify', () => {
  it('a genuine sheet: valid, signed with a key of this workstation (not certified), matching the records, and known on file', async () => {
    const r = await verify(sheet);
    expect(r).toMatchObject({ verdict: 'workstation', exitCode: 0, intact: true, modifications: [], problems: [], unvouched: [], trustRoots: 0 });
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({
      index: 1,
      status: 'valid',
      signer: 'Sri Wahyuni, S.Sos.',
      nip: '197805122005012003',
      certification: 2,
      coversWholeFile: true,
      trust: { certified: false, kind: 'selfSigned' },
      workstationKey: { account: 'koordinator', role: 'coordinator' },
    });
    expect(r.signatures[0]!.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(r.records).toMatchObject({ kind: 'sheet', match: true });
    expect(r.onFile).toMatchObject({ version: 1, latestVersion: 1 });
  });

  it('genuine minutes match the session records', async () => {
    const r = await verify(minutes);
    expect(r.verdict).toBe('workstation');
    expect(r.records).toMatchObject({ kind: 'minutes', session: 'WWC-F01', match: true, differences: [] });
  });

  it('a copy changed after signing (page content, or the document information) is MODIFIED after signature 1, every signed byte intact', async () => {
    for (const [name, bytes] of [
      ['overlay.pdf', overlayFirstPage(readFileSync(sheet))],
      ['info.pdf', changeInfo(readFileSync(minutes))],
    ] as const) {
      const r = await verify(copy(name, bytes));
      expect({ name, verdict: r.verdict, n: r.signatureNumber, exit: r.exitCode }).toEqual({ name, verdict: 'modified', n: 1, exit: 1 });
      expect(r.signatures[0]).toMatchObject({ status: 'modified', coversWholeFile: false });
      expect(r.modifications[0]).toMatchObject({ afterSignature: 1, revision: r.revisions });
      expect(r.onFile).toBeNull();
    }
  });

  it('bytes after the end, no signature, not a PDF: each said as such', async () => {
    const trailing = await verify(copy('trailing.pdf', Buffer.concat([readFileSync(sheet), Buffer.from('tambahan')])));
    expect(trailing).toMatchObject({ verdict: 'invalid', exitCode: 1, signatureNumber: null });
    expect(trailing.problems[0]).toMatch(/after the end of the last revision/);
    const unsigned = await verify(copy('kosong.pdf', Buffer.from('%PDF-1.4\n%%EOF\n')));
    expect(unsigned).toMatchObject({ verdict: 'unsigned', exitCode: 1, signatures: [] });
    const r = await app.invokeAsync('documents.verify', { file: { path: copy('catatan.txt', Buffer.from('bukan pdf')) } }, { local: 't' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_A_PDF' } });
  });

  it('an observer sends the file as an upload (used once), never as a path', async () => {
    const bytes = readFileSync(minutes);
    const up = app.invoke('files.upload', { offset: 0, dataBase64: bytes.toString('base64') }, { token: observer });
    if (!up.ok) throw new Error(up.error.message);
    const ref = { uploadId: (up.value as { uploadId: string }).uploadId, name: 'berita-acara-WWC-F01.pdf' };
    const r = await app.invokeAsync('documents.verify', { file: ref }, { token: observer });
    expect(r.ok && (r.value as DocumentReport)).toMatchObject({ name: 'berita-acara-WWC-F01.pdf', verdict: 'workstation' });
    expect(await app.invokeAsync('documents.verify', { file: ref }, { token: observer })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await app.invokeAsync('documents.verify', { file: { path: minutes } }, { token: observer })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('versions of signed documents, as the Dokumen page lists them', () => {
  const files = ['berita-acara-WWC-F01.pdf', 'berita-acara-WWC-F01.v2.pdf', 'berita-acara-WWC-F01.v3.pdf', 'berita-acara-WWC-F02.pdf', 'hasil-1.pdf', 'hasil-1.v2.pdf', 'hasil-10.pdf'];

  it('names the version of each file, the newest minutes of a session, and what supersedes what', () => {
    expect(documentVersion('hasil-1.v2.pdf')).toEqual({ base: 'hasil-1', version: 2 });
    expect(documentVersion('hasil-1.pdf')).toEqual({ base: 'hasil-1', version: 1 });
    expect(latestMinutesFile(files, 'WWC-F01')).toBe('berita-acara-WWC-F01.v3.pdf');
    expect(latestMinutesFile(files, 'WWC-F02')).toBe('berita-acara-WWC-F02.pdf');
    expect(latestMinutesFile(files, 'WWC-F0')).toBeNull();
    expect(Object.fromEntries(supersededVersions(files))).toEqual({
      'berita-acara-WWC-F01.pdf': 'berita-acara-WWC-F01.v3.pdf',
      'berita-acara-WWC-F01.v2.pdf': 'berita-acara-WWC-F01.v3.pdf',
      'hasil-1.pdf': 'hasil-1.v2.pdf',
    });
    expect(orderedVersions(files)).toEqual(['berita-acara-WWC-F01.v3.pdf', 'berita-acara-WWC-F01.v2.pdf', 'berita-acara-WWC-F01.pdf', 'berita-acara-WWC-F02.pdf', 'hasil-1.v2.pdf', 'hasil-1.pdf', 'hasil-10.pdf']);
  });
});
