// Issue 17, point 1 and its test: a laptop lost after a venue day gives away nothing. After the day's work on an
// encrypted workstation (sheets signed, minutes countersigned, a roster uploaded, a bundle exported, a backup
// taken, an upload left behind by a crash), every file under the data folder is ciphertext of a known kind, and no
// candidate's name, NIK or birth date is in any of them, as it is or compressed.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { Result } from '../../src-main/api/result';
import { run } from '../../src-main/cli/main';
import type { CliIo } from '../../src-main/cli/io';
import { isSealedFile } from '../../src-main/core/custody/sealed-file';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { filesUnder, tempDir } from '../unit/helpers';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';

const EXAM = 'CPNS-SMG-2026';


async function cli(args: string[]) {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(t), askSecret: async () => '', osUser: 'ujang' };
  const code = await run(args, io);
  return { code, text: out.join('\n') };
}

function ok<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** What a file of the data folder may be: each kind is ciphertext, or holds nothing about a candidate. */
function kindOf(dir: string, file: string): string | null {
  const rel = relative(dir, file).split('\\').join('/');
  const head = readFileSync(file).subarray(0, 16);
  if (/^lentera\.db(-wal|-shm)?$/.test(rel)) return head.toString('latin1').startsWith('SQLite format 3') ? null : 'SQLCipher database';
  if (rel === 'custody.json') return 'custody record (wrapped key)';
  if (/^keys\/[0-9A-F]+\.key\.pem$/.test(rel)) return readFileSync(file, 'utf8').includes('BEGIN ENCRYPTED PRIVATE KEY') ? 'encrypted private key' : null;
  if (/^keys\/[0-9A-F]+\.(cert\.pem|crt|der)$/.test(rel)) return 'certificate';
  if (isSealedFile(file)) return 'sealed';
  if (statSync(file).size === 0 || /(^|\/)[^/]*\.lock$/.test(rel)) return 'empty marker';
  return null;
}

/** Every DEFLATE stream found in `bytes` (zip entries, PDF streams), inflated: plaintext compressed is plaintext. */
function inflatedParts(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let i = bytes.indexOf('stream'); i >= 0 && out.length < 5000; i = bytes.indexOf('stream', i + 6)) {
    const at = bytes[i + 6] === 0x0d ? i + 8 : i + 7;
    try {
      out.push(inflateRawSync(bytes.subarray(at + 2)).toString('latin1'));
    } catch {
      // not a deflated stream here
    }
  }
  for (let i = bytes.indexOf('PK\x03\x04', 0, 'latin1'); i >= 0; i = bytes.indexOf('PK\x03\x04', i + 4, 'latin1')) {
    const nameLen = bytes.readUInt16LE(i + 26);
    const extra = bytes.readUInt16LE(i + 28);
    try {
      out.push(inflateRawSync(bytes.subarray(i + 30 + nameLen + extra)).toString('latin1'));
    } catch {
      // stored, or not an entry
    }
  }
  return out;
}

describe('data at rest after a venue day', () => {
  it('every file of an encrypted workstation is ciphertext of a known kind, and holds no name, NIK or birth date', async () => {
    const root = tempDir();
    const ws = join(root, 'ws');
    const demo = await cli(['demo', '--data', ws, '--candidates', '24']);
    expect(demo.code, demo.text).toBe(0);
    const { signingPassphrase: signing, pin } = readDemoOutput(demo.text);
    const passphrase = demoWorkstationPassphrase(demo.text);

    const app = new LenteraApp({ dataDir: ws, owner: { door: 'test' } });
    try {
      ok(app.invoke('workstation.unlock', { passphrase }, { client: 'test' }));
      const coord = ok<{ token: string }>(app.invoke('accounts.login', { name: 'koordinator', pin: pin('koordinator') }, {})).token;
      const db = app.workstation!.db;
      const people = db.prepare('SELECT nama, nik, tanggal_lahir, nomor_peserta FROM candidates').all() as { nama: string; nik: string; tanggal_lahir: string; nomor_peserta: string }[];
      expect(people.length).toBe(24);

      // Sheets and minutes, signed in the background into the data folder (the window's way).
      const finished = new Promise<{ state: string }>((resolve) =>
        app.events.subscribe((e) => {
          if (e.type === 'jobs.progress' && (e.data as { state: string }).state !== 'running') resolve(e.data as { state: string });
        }),
      );
      ok(await app.invokeAsync('sheets.start', { exam: EXAM, passphrase: signing }, { token: coord }));
      expect((await finished).state).toBe('done');
      const pdfs = ok<string[]>(app.invoke('sheets.files', { exam: EXAM }, { token: coord }));
      expect(pdfs.filter((f) => f.startsWith('hasil-')).length).toBeGreaterThan(5);
      const minutes = pdfs.find((f) => f.startsWith('berita-acara-'))!;
      const session = minutes.replace(/^berita-acara-(.*)\.pdf$/, '$1');

      // The chair of that session countersigns with a key of their own.
      const chairName = (db.prepare("SELECT a.name FROM accounts a WHERE a.role = 'chair' ORDER BY a.name").pluck().all() as string[])[0]!;
      const chair = ok<{ token: string }>(app.invoke('accounts.login', { name: chairName, pin: pin(chairName) }, {})).token;
      ok(await app.invokeAsync('keys.generate', { passphrase: 'kunci-ketua-panel' }, { token: chair }));
      const signed = await app.invokeAsync('minutes.sign', { exam: EXAM, session, passphrase: 'kunci-ketua-panel' }, { token: chair });
      // Either signed, or refused because that chair is not on that session's panel: both leave the files sealed.
      if (!signed.ok) expect(signed.error.code).toBe('NOT_ON_PANEL');

      // A roster uploaded and previewed, and another left waiting as a crash would leave it.
      const csv = `nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori\n${people.map((p) => `${p.nomor_peserta};${p.nik};${p.nama};${p.tanggal_lahir};L;S1;3,5;F01;umum`).join('\n')}\n`;
      const upload = () => ok<{ uploadId: string }>(app.invoke('files.upload', { offset: 0, dataBase64: Buffer.from(csv).toString('base64') }, { token: coord })).uploadId;
      ok(await app.invokeAsync('roster.preview', { exam: EXAM, file: { uploadId: upload(), name: 'peserta.csv' } }, { token: coord }));
      upload();

      // A bundle for the hub, copied to a stick; a backup to another disk.
      const stick = join(root, 'usb', 'bundel.lentera');
      const exported = ok<{ sha256: string }>(await app.invokeAsync('bundle.export', { exam: EXAM, passphrase: signing, account: 'koordinator', out: stick }, { local: 't' }));
      app.close();
      writeFileSync(join(root, 'pp'), passphrase);
      mkdirSync(join(root, 'disk2'));
      const backup = await cli(['backup', '--data', ws, '--out', join(root, 'disk2', 'venue.lbk'), '--passphrase-file', join(root, 'pp')]);
      expect(backup.code, backup.text).toBe(0);

      // What leaves the data folder on purpose is the plain, verifiable bundle.
      const copy = await verifyBundle(stick);
      expect(copy.sha256).toBe(exported.sha256);

      const files = filesUnder(ws);
      expect(files.some((f) => f.endsWith('.pdf'))).toBe(true);
      expect(files.some((f) => f.endsWith('.lentera'))).toBe(true);
      expect(files.some((f) => basename(f).length === 36 && f.includes('uploads'))).toBe(true);
      const unknown = files.filter((f) => kindOf(ws, f) === null).map((f) => relative(ws, f));
      expect(unknown, 'files in the data folder that are not ciphertext of a known kind').toEqual([]);

      const needles = people.flatMap((p) => [p.nama, p.nik, p.nik.slice(0, 12), p.tanggal_lahir, p.tanggal_lahir.split('-').reverse().join('/')]);
      for (const f of [...files, join(root, 'disk2', 'venue.lbk')]) {
        const bytes = readFileSync(f);
        const texts = [bytes.toString('latin1'), bytes.toString('utf16le'), ...inflatedParts(bytes)];
        for (const n of needles) expect(texts.some((t) => t.includes(n)), `${relative(root, f)} holds "${n}"`).toBe(false);
      }
      // The search would find them where they are in the clear: the copy on the stick holds every name.
      const onStick = [readFileSync(stick).toString('latin1'), ...inflatedParts(readFileSync(stick))].join('\n');
      expect(people.filter((p) => onStick.includes(p.nama)).length).toBeGreaterThan(0);
    } finally {
      if (app.workstation) app.close();
    }
  }, 180_000);
});
