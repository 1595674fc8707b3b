// Issue 17, encrypted at rest: the signed PDFs an encrypted workstation keeps (DATA/sheets/EXAM/) are sealed with its
// data key, and everything that reads them opens them; what the coordinator asks for elsewhere stays plain.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { WorkstationReport } from '../../src-main/api/commands/documents';
import type { CliIo } from '../../src-main/cli/io';
import { run } from '../../src-main/cli/main';
import { isSealedFile, openSealed, SEALED_MAGIC } from '../../src-main/core/custody/sealed-file';
import { sealSheetsFolder, sheetKeys } from '../../src-main/core/sheets/sheet-files';
import { filesUnder } from './helpers';

const EXAM = 'CPNS-SMG-2026';
const SESSION = 'WWC-F01';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');


function pdfsig(file: string): string {
  // pdfsig exits 0 even for a bad signature: the verdict is in its output.
  return execFileSync('pdfsig', [file], { encoding: 'utf8' });
}

function qpdfCheck(file: string): { status: number | null; out: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

async function cli(args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const io: CliIo = { out: (t) => lines.push(t), err: (t) => lines.push(t), askSecret: async () => '', osUser: 't' };
  const code = await run(args, io);
  return { code, text: lines.join('\n') };
}

interface Venue {
  app: LenteraApp;
  close(): void;
  root: string;
  dataDir: string;
  sheets: string;
  signing: string;
  workstationPassphrase?: string;
  pins: Record<string, string>;
  coordinator: string;
}

async function venue(encrypt: boolean): Promise<Venue> {
  const root = mkdtempSync(join(tmpdir(), 'lentera-sealed-'));
  const dataDir = join(root, 'ws');
  const app = new LenteraApp({ dataDir, allowInit: true });
  const demo = (await app.invokeAsync('workstation.demo', { candidates: 120, encrypt }, { local: 't' })) as any;
  if (!demo.ok) throw new Error(demo.error.message);
  const pins = Object.fromEntries((demo.value.accounts as { name: string; pin: string }[]).map((a) => [a.name, a.pin]));
  const coordinator = (app.invoke('accounts.login', { name: 'koordinator', pin: pins.koordinator }, {}) as any).value.token;
  const close = () => {
    app.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { app, close, root, dataDir, sheets: join(dataDir, 'sheets', EXAM), signing: demo.value.signingKey.passphrase, workstationPassphrase: demo.value.workstation?.passphrase, pins, coordinator };
}

/** Runs the background signing job of the Dokumen page for one session, and waits for it to end. */
async function signSession(v: Venue): Promise<any> {
  let jobId = '';
  const seen: any[] = [];
  const finished = new Promise<any>((resolveDone) =>
    v.app.events.subscribe((e) => {
      const d = e.data as any;
      if (e.type !== 'jobs.progress') return;
      seen.push(d);
      if (jobId && d.id === jobId && d.state !== 'running') resolveDone(d);
    }),
  );
  const started = (await v.app.invokeAsync('sheets.start', { exam: EXAM, session: SESSION, passphrase: v.signing }, { token: v.coordinator })) as any;
  if (!started.ok) throw new Error(started.error.message);
  jobId = started.value.id;
  const early = seen.find((d) => d.id === jobId && d.state !== 'running');
  return early ?? finished;
}

function download(v: Venue, name: string, into: string): string {
  const r = v.app.invoke('sheets.file', { exam: EXAM, name }, { token: v.coordinator }) as any;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  const file = join(into, name);
  writeFileSync(file, Buffer.from(r.value.dataBase64, 'base64'));
  return file;
}

function signEvents(v: Venue): any[] {
  return (v.app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'sheets.sign' AND outcome = 'ok' ORDER BY seq").pluck().all() as string[]).map((p) => JSON.parse(p));
}

describe('an encrypted workstation keeps its signed PDFs sealed', () => {
  let v: Venue;
  let out: string;
  let names: string[];
  let sheetName: string;
  let nomor: string;

  beforeAll(async () => {
    v = await venue(true);
    out = join(v.root, 'unduhan');
    mkdirSync(out);
    const end = await signSession(v);
    expect(end, JSON.stringify(end)).toMatchObject({ state: 'done', minutes: 1 });
    expect(end.written).toBeGreaterThan(3);
    names = (v.app.workstation!.db.prepare('SELECT nama FROM candidates').pluck().all() as string[]).filter((n) => n.length >= 6);
    sheetName = readdirSync(v.sheets).find((f) => f.startsWith('hasil-'))!;
    nomor = /^hasil-(.+)\.pdf$/.exec(sheetName)![1]!;
    return () => v.close();
  }, 180_000);

  it('every file in DATA/sheets is sealed, none holds a name or the PDF in the clear, and their plaintext names the candidate', () => {
    expect(v.app.workstation!.key).toBeDefined();
    const files = filesUnder(join(v.dataDir, 'sheets'));
    expect(files.filter((f) => f.endsWith('.pdf')).length).toBeGreaterThan(4);
    expect(files.filter((f) => !f.endsWith('.pdf'))).toEqual([]); // no scratch file left
    for (const f of files) {
      expect(isSealedFile(f), f).toBe(true);
      const text = readFileSync(f).toString('latin1');
      expect(text.includes('%PDF-'), f).toBe(false);
      for (const n of names) expect(text.includes(n), `${f} holds ${n}`).toBe(false);
    }
    // What the search would find in a plain sheet: its number in the metadata, its candidate's name in its text. The
    // sealed file is no PDF to any reader; opened, it is the sheet.
    const stored = join(v.sheets, sheetName);
    const plain = openSealed(v.app.workstation!.key!, readFileSync(stored));
    expect(plain.subarray(0, 5).toString()).toBe('%PDF-');
    expect(plain.toString('latin1')).toContain(nomor);
    expect(readFileSync(stored).toString('latin1')).not.toContain(nomor);
    const nama = v.app.workstation!.db.prepare('SELECT nama FROM candidates WHERE nomor_peserta = ?').pluck().get(nomor) as string;
    expect(execFileSync('pdftotext', ['-', '-'], { input: plain, encoding: 'utf8' })).toContain(nama);
    expect(spawnSync('pdftotext', [stored, '-'], { encoding: 'utf8' }).status).not.toBe(0);
  });

  it('sheets.file answers the signed PDF itself: pdfsig verifies it, qpdf accepts it, its digest is the one the audit chain recorded', () => {
    const file = download(v, sheetName, out);
    const sig = pdfsig(file);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain('Total document signed');
    expect(sig).not.toMatch(/Digest Mismatch/i);
    const check = qpdfCheck(file);
    expect(check.status, check.out).toBe(0);
    expect(check.out).toContain('No syntax or stream encoding errors found');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('LEMBAR HASIL SELEKSI');
    expect(text).toContain(nomor);
    const listed = signEvents(v).flatMap((e) => e.documents).find((d: any) => d.name === sheetName);
    expect(listed.sha256).toBe(sha256(readFileSync(file)));
  });

  it('signing again leaves every sealed sheet and the minutes as they are (read back, compared, unchanged)', async () => {
    const before = new Map(filesUnder(v.sheets).map((f) => [f, sha256(readFileSync(f))]));
    const end = await signSession(v);
    expect(end, JSON.stringify(end)).toMatchObject({ state: 'done', written: 0, minutes: 0, minutesUnchanged: 1 });
    expect(end.unchanged).toBe(before.size - 1);
    expect(new Map(filesUnder(v.sheets).map((f) => [f, sha256(readFileSync(f))]))).toEqual(before);
  }, 120_000);

  it('a panelist countersigns the sealed minutes, from a window and from the command line: still sealed, both signatures valid in the plaintext', async () => {
    const minutes = join(v.sheets, `berita-acara-${SESSION}.pdf`);
    const first = sha256(readFileSync(download(v, `berita-acara-${SESSION}.pdf`, out)));
    // The chair, logged in at a window: the minutes the workstation keeps, by default.
    const chair = (v.app.invoke('accounts.login', { name: 'ketua1', pin: v.pins.ketua1 }, {}) as any).value.token;
    expect(await v.app.invokeAsync('keys.generate', { passphrase: 'rahasia-ketua1' }, { token: chair })).toMatchObject({ ok: true });
    const signed = (await v.app.invokeAsync('minutes.sign', { exam: EXAM, session: SESSION, passphrase: 'rahasia-ketua1' }, { token: chair })) as any;
    expect(signed, JSON.stringify(signed)).toMatchObject({ ok: true, value: { signatures: 2, previousSha256: first } });
    expect(isSealedFile(minutes)).toBe(true);
    expect(readdirSync(v.sheets).filter((f) => !f.endsWith('.pdf'))).toEqual([]);
    const copy = download(v, `berita-acara-${SESSION}.pdf`, out);
    expect(sha256(readFileSync(copy))).toBe(signed.value.sha256);
    let sig = pdfsig(copy);
    expect(sig.match(/Signature is Valid\./g), sig).toHaveLength(2);
    expect(sig).not.toMatch(/Digest Mismatch/i);
    expect(qpdfCheck(copy).status).toBe(0);
    // A panelist on the command line, naming the sealed file in the data folder: opened, signed, sealed back.
    writeFileSync(join(v.root, 'ws-pass'), v.workstationPassphrase!);
    writeFileSync(join(v.root, 'p-penguji1'), 'rahasia-penguji1');
    const unlock = ['--workstation-passphrase-file', join(v.root, 'ws-pass')];
    expect((await cli(['keys', 'generate', '--data', v.dataDir, '--account', 'penguji1', '--passphrase-file', join(v.root, 'p-penguji1'), ...unlock])).code).toBe(0);
    const byCli = await cli(['minutes', 'sign', minutes, '--data', v.dataDir, '--as', 'penguji1', '--exam', EXAM, '--session', SESSION, '--passphrase-file', join(v.root, 'p-penguji1'), ...unlock]);
    expect(byCli.code, byCli.text).toBe(0);
    expect(byCli.text).toContain('3 signature(s) now');
    expect(isSealedFile(minutes)).toBe(true);
    for (const n of names) expect(readFileSync(minutes).toString('latin1').includes(n)).toBe(false);
    sig = pdfsig(download(v, `berita-acara-${SESSION}.pdf`, out));
    expect(sig.match(/Signature is Valid\./g), sig).toHaveLength(3);
    expect(sig.match(/Total document signed/g)).toHaveLength(1);
    const events = v.app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'minutes.sign' AND outcome = 'ok' ORDER BY seq").pluck().all() as string[];
    expect(events.map((p) => JSON.parse(p).signer.account)).toEqual(['ketua1', 'penguji1']);
    expect(JSON.parse(events[1]!).document.previousSha256).toBe(signed.value.sha256);
  }, 120_000);

  it('documents.verify finds an uploaded copy on file, and opens the sealed file itself when the command line names it', async () => {
    const copy = download(v, sheetName, out);
    const observer = (v.app.invoke('accounts.login', { name: 'pengawas', pin: v.pins.pengawas }, { client: 'o' }) as any).value.token;
    const up = v.app.invoke('files.upload', { offset: 0, dataBase64: readFileSync(copy).toString('base64') }, { token: observer }) as any;
    expect(up.ok).toBe(true);
    const r = (await v.app.invokeAsync('documents.verify', { file: { uploadId: up.value.uploadId, name: sheetName } }, { token: observer })) as any;
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { verdict: 'workstation', onFile: { name: sheetName, version: 1, latest: sheetName } } });
    expect((r.value as WorkstationReport).records).toMatchObject({ kind: 'sheet', match: true });
    const direct = (await v.app.invokeAsync('documents.verify', { file: { path: join(v.sheets, sheetName) } }, { local: 't' })) as any;
    expect(direct, JSON.stringify(direct)).toMatchObject({ ok: true, value: { verdict: 'workstation', sha256: sha256(readFileSync(copy)), onFile: { name: sheetName } } });
  });

  it('lentera verify opens a sealed file with the workstation named by --data, and says what to do without it', async () => {
    const sealed = join(v.sheets, sheetName);
    const without = await cli(['verify', sealed]);
    expect(without.code).toBe(1);
    expect(without.text).toMatch(/is encrypted: it is a PDF an encrypted workstation keeps in its data folder\. Verify it with --data DIR/);
    writeFileSync(join(v.root, 'ws-pass'), v.workstationPassphrase!);
    const withData = await cli(['verify', sealed, '--data', v.dataDir, '--passphrase-file', join(v.root, 'ws-pass')]);
    expect(withData.code, withData.text).toBe(0);
    expect(withData.text).toContain('signature 1: VALID');
    expect(withData.text).toContain(`results of ${nomor}: MATCH the workstation records`);
    const receipt = await cli(['receipt', 'verify', sealed]);
    expect(receipt.code).toBe(1);
    expect(receipt.text).toMatch(/is encrypted/);
  });

  it('a sealed PDF changed on disk is refused with a clear error, never served, never found on file', async () => {
    const victim = readdirSync(v.sheets).filter((f) => f.startsWith('hasil-') && f !== sheetName).sort()[0]!;
    const copy = download(v, victim, out);
    const path = join(v.sheets, victim);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(path, bytes);
    const r = v.app.invoke('sheets.file', { exam: EXAM, name: victim }, { token: v.coordinator }) as any;
    expect(r).toMatchObject({ ok: false, error: { code: 'SEALED_FILE_DAMAGED', details: { file: victim } } });
    expect(r.error.message).toMatch(new RegExp(`^${victim.replace(/\./g, '\\.')} cannot be opened: it was (changed|sealed with another key), .*\\. It is not used; nothing was changed\\.$`));
    expect(JSON.stringify(r)).not.toContain('dataBase64');
    // The genuine copy verifies, but is no longer the workstation's file on disk.
    const checked = (await v.app.invokeAsync('documents.verify', { file: { path: copy } }, { local: 't' })) as any;
    expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true, value: { verdict: 'workstation', onFile: null } });
    writeFileSync(join(v.root, 'ws-pass'), v.workstationPassphrase!);
    const cliVerify = await cli(['verify', path, '--data', v.dataDir, '--passphrase-file', join(v.root, 'ws-pass')]);
    expect(cliVerify.code).toBe(1);
    expect(cliVerify.text).toMatch(/cannot be opened: it was .*changed/);
    // Signing again takes the damaged file for no signed document: a new version beside it, sealed, the old one kept.
    const end = await signSession(v);
    expect(end, JSON.stringify(end)).toMatchObject({ state: 'done', written: 1, versions: 1 });
    const v2 = victim.replace(/\.pdf$/, '.v2.pdf');
    expect(isSealedFile(join(v.sheets, v2))).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const last = signEvents(v).at(-1)!.documents[0];
    expect(last).toMatchObject({ name: v2, version: 2, replaces: { name: victim, sha256: sha256(bytes), intact: false } });
    expect(pdfsig(download(v, v2, out))).toContain('Signature Validation: Signature is Valid.');
  }, 120_000);

  it('the coordinator\'s own copies (lentera sheets --out elsewhere) are plain; a folder reached through a link into the data folder is sealed', async () => {
    const mine = join(v.root, 'salinan');
    writeFileSync(join(v.root, 'ws-pass'), v.workstationPassphrase!);
    writeFileSync(join(v.root, 'p-koordinator'), v.signing);
    const r = await cli(['sheets', '--data', v.dataDir, '--exam', EXAM, '--session', SESSION, '--out', mine, '--passphrase-file', join(v.root, 'p-koordinator'), '--workstation-passphrase-file', join(v.root, 'ws-pass')]);
    expect(r.code, r.text).toBe(0);
    const plain = filesUnder(mine);
    expect(plain.length).toBeGreaterThan(4);
    for (const f of plain) expect(readFileSync(f).subarray(0, 5).toString(), f).toBe('%PDF-');
    expect(pdfsig(join(mine, sheetName))).toContain('Signature Validation: Signature is Valid.');
    // Where the PDFs are sealed, paths resolved: in the data folder, or a link into it; a link out of it leads out.
    const key = v.app.workstation!.key!;
    expect(sheetKeys(v.dataDir, v.sheets, key).seal).toBe(key);
    expect(sheetKeys(v.dataDir, join(v.dataDir, 'sheets', 'NEW', 'deeper'), key).seal).toBe(key);
    expect(sheetKeys(v.dataDir, join(v.dataDir, '..', 'ws', 'sheets'), key).seal).toBe(key);
    expect(sheetKeys(v.dataDir, mine, key)).toEqual({ open: key });
    expect(sheetKeys(v.dataDir, `${v.dataDir}-lain`, key)).toEqual({ open: key });
    symlinkSync(v.sheets, join(v.root, 'pintas'));
    expect(sheetKeys(v.dataDir, join(v.root, 'pintas'), key).seal).toBe(key);
    symlinkSync(mine, join(v.dataDir, 'keluar'));
    expect(sheetKeys(v.dataDir, join(v.dataDir, 'keluar'), key).seal).toBeUndefined();
    expect(sheetKeys(v.dataDir, v.sheets, undefined)).toEqual({});
  }, 120_000);
});

describe('a plain workstation keeps plain PDFs', () => {
  it('signs, serves and countersigns them as before; encrypting it later seals them in place', async () => {
    const v = await venue(false);
    try {
      expect(v.app.workstation!.key).toBeUndefined();
      const end = await signSession(v);
      expect(end, JSON.stringify(end)).toMatchObject({ state: 'done', minutes: 1 });
      const files = filesUnder(join(v.dataDir, 'sheets'));
      expect(files.length).toBeGreaterThan(4);
      for (const f of files) expect(readFileSync(f).subarray(0, 5).toString(), f).toBe('%PDF-');
      const chair = (v.app.invoke('accounts.login', { name: 'ketua1', pin: v.pins.ketua1 }, {}) as any).value.token;
      expect(await v.app.invokeAsync('keys.generate', { passphrase: 'rahasia-ketua1' }, { token: chair })).toMatchObject({ ok: true });
      expect(await v.app.invokeAsync('minutes.sign', { exam: EXAM, session: SESSION, passphrase: 'rahasia-ketua1' }, { token: chair })).toMatchObject({ ok: true, value: { signatures: 2 } });
      const minutes = join(v.sheets, `berita-acara-${SESSION}.pdf`);
      expect(readFileSync(minutes).subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfsig(minutes).match(/Signature is Valid\./g)).toHaveLength(2);

      // What encrypting the workstation does with them (sealSheetsFolder): each sealed in place, the same PDF inside.
      const key = Buffer.alloc(32, 7);
      const before = new Map(filesUnder(v.sheets).map((f) => [f, readFileSync(f)]));
      // Left by an interrupted run: a scratch file, and an interrupted sealing's second name of a plain file.
      writeFileSync(join(v.sheets, 'hasil-x.pdf.part'), before.get(minutes)!);
      const other = [...before.keys()].find((f) => f !== minutes)!;
      linkSync(other, `${other}.plain`);
      mkdirSync(join(v.dataDir, 'sheets', `.purge-LAMA`));
      writeFileSync(join(v.dataDir, 'sheets', '.purge-LAMA', 'hasil-1.pdf'), before.get(other)!);
      expect(sealSheetsFolder(v.dataDir, key)).toBe(before.size + 1);
      const after = filesUnder(join(v.dataDir, 'sheets'));
      expect(after.sort()).toEqual([...before.keys(), join(v.dataDir, 'sheets', '.purge-LAMA', 'hasil-1.pdf')].sort());
      for (const f of after) expect(readFileSync(f).subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC), f).toBe(true);
      for (const [f, bytes] of before) expect(openSealed(key, readFileSync(f)).equals(bytes), f).toBe(true);
      expect(sealSheetsFolder(v.dataDir, key)).toBe(0);
      expect(existsSync(`${other}.plain`)).toBe(false);
    } finally {
      v.close();
    }
  }, 180_000);
});
