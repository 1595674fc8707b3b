import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { cli as runCli } from '../unit/cli-run';
import { makeLocalCertificate } from '../../src-main/core/keys/identities';
import { isSealed, openSealed } from '../../src-main/core/custody/sealed-file';
import { unlockCustody } from '../../src-main/core/custody/custody';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';

/**
 * The signed PDFs as an outsider checks them: pdfsig (poppler) and qpdf read every file Lentera writes; the audit
 * chain records every signature; a signed document is never overwritten. Issue 12.
 */

const EXAM = 'CPNS-SMG-2026';
let root: string;
let ws: string;
let out: string;
let pins: Record<string, string> = {};
const passFile: Record<string, string> = {};
/** every PDF a test here saw Lentera write, checked once more at the end */
const produced = new Set<string>();

/** the demo workstation's passphrase file: every later command on it unlocks it (its data is encrypted) */
let wsPassFile: string | undefined;
const unlocked = () => (wsPassFile ? { unlock: { passphrase: readFileSync(wsPassFile, 'utf8') } } : {});

/** `lentera ARGS` here; the demo workstation is encrypted, so its commands are given its passphrase file */
const cli = (args: string[]) => runCli(args, wsPassFile ? { data: ws, passphraseFile: wsPassFile } : undefined);

async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.out}\n${r.err}`).toBe(0);
  return r.out;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The PDF in a file: the encrypted workstation keeps its own (DATA/sheets/) sealed, and what an outsider checks is
 * their plaintext, as the workstation gives it (sheets.file); the coordinator's copies elsewhere are plain already.
 */
let dataKey: Buffer | undefined;
function plainBytes(file: string): Buffer {
  const bytes = readFileSync(file);
  if (!isSealed(bytes)) return bytes;
  dataKey ??= unlockCustody(ws, { passphrase: readFileSync(wsPassFile!, 'utf8') }, { now: () => new Date() });
  return openSealed(dataKey, bytes, file);
}
let opened = 0;
/** A path the tools can read the PDF at: the file itself, or its plaintext written aside. */
function readable(file: string): string {
  const bytes = readFileSync(file);
  if (!isSealed(bytes)) return file;
  const aside = join(root, `geopend-${++opened}.pdf`);
  writeFileSync(aside, plainBytes(file));
  return aside;
}

interface SigReport {
  field: string;
  signer: string;
  dn: string;
  valid: boolean;
  total: boolean;
}

/**
 * pdfsig exits 0 even for a bad signature: the verdict is in its text. Signature lines not yet signed (the minutes'
 * panelists before they sign) are listed as "not signed": they are not signatures.
 */
function pdfsig(file: string): SigReport[] {
  const text = execFileSync('pdfsig', [readable(file)], { encoding: 'utf8' });
  return text
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .filter((s) => !/The signature form field is not signed\./.test(s))
    .map((s) => ({
      field: /Signature Field Name: (.*)/.exec(s)?.[1] ?? '',
      signer: /Signer Certificate Common Name: (.*)/.exec(s)?.[1] ?? '',
      dn: /Signer full Distinguished Name: (.*)/.exec(s)?.[1] ?? '',
      valid: /Signature Validation: Signature is Valid\./.test(s),
      total: /Total document signed/.test(s),
    }));
}

/** qpdf --check must say nothing but that it checked: no warning, no error, exit 0. */
function qpdfCheck(file: string): void {
  const r = spawnSync('qpdf', ['--check', readable(file)], { encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`, file).not.toMatch(/WARNING|ERROR|qpdf: /);
  expect(r.status, `${file}\n${r.stdout}${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('No syntax or stream encoding errors found');
}

/** Every object of the file's newest revision, as qpdf reads it. */
function objects(file: string): Record<string, any> {
  const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=qpdf', readable(file)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const all: Record<string, any> = {};
  for (const [k, v] of Object.entries(json.qpdf[1] as Record<string, any>)) all[k.replace(/^obj:/, '')] = v.value ?? v.stream?.dict;
  return all;
}

function trailerRoot(file: string): any {
  const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=qpdf', readable(file)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const o = json.qpdf[1] as Record<string, any>;
  return o[`obj:${o.trailer.value['/Root']}`].value;
}

/** The signature dictionaries, in file order (the order of their /ByteRange offsets). */
function signatureDicts(file: string): any[] {
  return Object.values(objects(file))
    .filter((v) => v && v['/Type'] === '/Sig')
    .sort((a, b) => a['/ByteRange'][1] - b['/ByteRange'][1]);
}

/** Fully checks one produced file: qpdf clean, every signature valid, the last covering the whole file. */
function clean(file: string, signatures?: number): SigReport[] {
  produced.add(file);
  qpdfCheck(file);
  const sigs = pdfsig(file);
  if (signatures !== undefined) expect(sigs, file).toHaveLength(signatures);
  expect(sigs.length).toBeGreaterThan(0);
  for (const s of sigs) expect(s.valid, `${file}: ${JSON.stringify(s)}`).toBe(true);
  expect(sigs.map((s) => s.total)).toEqual(sigs.map((_, i) => i === sigs.length - 1));
  return sigs;
}

function pdfs(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort();
}

function snapshot(dir: string): Map<string, string> {
  return new Map(pdfs(dir).map((f) => [f, sha256(readFileSync(join(dir, f)))]));
}

function db() {
  const app = new LenteraApp({ dataDir: ws, ...unlocked() });
  return {
    app,
    all<T>(q: string, ...args: unknown[]): T[] {
      return app.workstation!.db.prepare(q).all(...args) as T[];
    },
    close: () => app.close(),
  };
}

function signingEvents(afterSeq = 0): { seq: number; actor: string; command: string; payload: any }[] {
  const d = db();
  try {
    return d
      .all<{ seq: number; actor: string; command: string; payload: string }>("SELECT seq, actor, command, payload FROM audit_events WHERE seq > ? AND command IN ('sheets.sign', 'minutes.sign') AND outcome = 'ok' ORDER BY seq", afterSeq)
      .map((e) => ({ ...e, payload: JSON.parse(e.payload) }));
  } finally {
    d.close();
  }
}

function head(): number {
  const d = db();
  try {
    return d.all<{ seq: number }>('SELECT MAX(seq) AS seq FROM audit_events')[0]!.seq;
  } finally {
    d.close();
  }
}

const sheetsArgs = (dir = out) => ['sheets', '--data', ws, '--exam', EXAM, '--out', dir, '--passphrase-file', passFile.koordinator!];
const signArgs = (who: string, file: string) => ['minutes', 'sign', file, '--data', ws, '--as', who, '--exam', EXAM, '--session', 'WWC-F01', '--passphrase-file', passFile[who]!];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lentera-pdf-sign-'));
  ws = join(root, 'ws');
  out = join(root, 'lembar');
  const demo = await cli(['demo', '--data', ws, '--candidates', '40']);
  expect(demo.code, demo.err).toBe(0);
  wsPassFile = join(root, 'pass-workstation');
  writeFileSync(wsPassFile, demoWorkstationPassphrase(demo.out));
  pins = Object.fromEntries(readDemoOutput(demo.out).accounts.map((a) => [a.name, a.pin]));
  passFile.koordinator = join(root, 'pass-koordinator');
  writeFileSync(passFile.koordinator, readDemoOutput(demo.out).signingPassphrase);
  for (const who of ['ketua1', 'penguji1', 'penguji2']) {
    passFile[who] = join(root, `pass-${who}`);
    writeFileSync(passFile[who]!, `rahasia-${who}`);
    await ok(['keys', 'generate', '--data', ws, '--account', who, '--passphrase-file', passFile[who]!]);
  }
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('every signature the workstation makes is audited', () => {
  it('lentera sheets records each document it signed, with its sha256 and the signer, in the audit chain', async () => {
    const before = head();
    await ok(sheetsArgs());
    const files = pdfs(out);
    expect(files).toContain('berita-acara-WWC-F01.pdf');
    const events = signingEvents(before);
    expect(events.length).toBeGreaterThan(0);
    const listed = events.flatMap((e) => e.payload.documents as { name: string; sha256: string }[]);
    // Each document exactly once, with the digest of the file as written.
    expect(listed.map((d) => d.name).sort()).toEqual(files);
    for (const d of listed) expect(d.sha256, d.name).toBe(sha256(readFileSync(join(out, d.name))));
    const d = db();
    const fp = d.all<{ fingerprint: string }>("SELECT s.fingerprint FROM signing_identities s JOIN accounts a ON a.id = s.account_id WHERE a.name = 'koordinator'")[0]!.fingerprint;
    d.close();
    for (const e of events) {
      expect(e.command).toBe('sheets.sign');
      expect(e.actor).toBe('cli:t');
      expect(e.payload).toMatchObject({ exam: EXAM, signer: { account: 'koordinator', fingerprint: fp } });
    }
    const verified = await cli(['audit', 'verify', '--data', ws]);
    expect(verified.code, verified.err).toBe(0);
    for (const f of files) clean(join(out, f), 1);
  }, 60_000);

  it('the UI door (sheets.start, a worker thread with its own connection) records them exactly once', async () => {
    const app = new LenteraApp({ dataDir: ws, ...unlocked() });
    try {
      const token = (app.invoke('accounts.login', { name: 'koordinator', pin: pins.koordinator }, {}) as any).value.token;
      const before = head();
      const finished = new Promise<any>((resolveDone) =>
        app.events.subscribe((e) => {
          if (e.type === 'jobs.progress' && (e.data as any).state !== 'running') resolveDone(e.data);
        }),
      );
      const passphrase = readFileSync(passFile.koordinator!, 'utf8');
      const started = await app.invokeAsync('sheets.start', { exam: EXAM, session: 'WWC-F01', passphrase }, { token });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const end = await finished;
      expect(end.state, JSON.stringify(end)).toBe('done');
      const dir = join(ws, 'sheets', EXAM);
      const files = pdfs(dir);
      const events = signingEvents(before);
      const listed = events.flatMap((e) => e.payload.documents as { name: string; sha256: string }[]);
      expect(listed.map((x) => x.name).sort()).toEqual(files);
      // What the chain lists is the document, the plaintext of the sealed file the workstation keeps.
      for (const x of listed) expect(x.sha256).toBe(sha256(plainBytes(join(dir, x.name))));
      for (const e of events) expect(e.actor).toBe('user:koordinator');
      expect(await app.invokeAsync('audit.verify', {}, { token })).toMatchObject({ ok: true, value: { ok: true } });
      for (const f of files) clean(join(dir, f), 1);
    } finally {
      app.close();
    }
  }, 120_000);
});

describe('certification signature, then approval signatures', () => {
  it('the first signature of a result sheet certifies it: DocMDP with P=2, referenced from the catalog', () => {
    const sheet = join(out, pdfs(out).find((f) => f.startsWith('hasil-'))!);
    const [sig] = signatureDicts(sheet);
    expect(sig['/Reference']).toHaveLength(1);
    expect(sig['/Reference'][0]).toMatchObject({ '/TransformMethod': '/DocMDP', '/TransformParams': { '/P': 2 } });
    const catalog = trailerRoot(sheet);
    const all = objects(sheet);
    expect(all[catalog['/Perms']['/DocMDP']]).toEqual(sig);
    clean(sheet, 1);
  });

  it('the minutes: the coordinator certifies, the chair and each panelist add approval signatures, every one staying valid', async () => {
    const minutes = join(out, 'berita-acara-WWC-F01.pdf');
    const before = head();
    let expected = 1;
    for (const who of ['ketua1', 'penguji1', 'penguji2']) {
      const previous = readFileSync(minutes);
      await ok(signArgs(who, minutes));
      expected++;
      const now = readFileSync(minutes);
      // Incremental: the earlier revision is untouched, byte for byte.
      expect(now.subarray(0, previous.length).equals(previous)).toBe(true);
      const sigs = clean(minutes, expected);
      const dicts = signatureDicts(minutes);
      expect(dicts[0]['/Reference'][0]['/TransformMethod']).toBe('/DocMDP');
      for (const d of dicts.slice(1)) expect(d['/Reference']).toBeUndefined();
      expect(objects(minutes)[trailerRoot(minutes)['/Perms']['/DocMDP']]).toEqual(dicts[0]);
      expect(sigs.map((s) => s.signer)).toHaveLength(expected);
    }
    // Each countersignature is one audited event naming the document, its digest after signing and the key.
    const events = signingEvents(before);
    expect(events.map((e) => e.payload.signer.account)).toEqual(['ketua1', 'penguji1', 'penguji2']);
    expect(events[2]!.payload.document).toMatchObject({ name: 'berita-acara-WWC-F01.pdf', sha256: sha256(readFileSync(minutes)) });
    for (const e of events) expect(e.payload.signer.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  }, 60_000);

  it("shows each signature on its signer's line: a visible widget whose appearance names signer, role, time and fingerprint", () => {
    const minutes = join(out, 'berita-acara-WWC-F01.pdf');
    const all = objects(minutes);
    const widgets = Object.entries(all).filter(([, v]) => v && v['/FT'] === '/Sig');
    // The coordinator's line and one per panelist, each filled.
    expect(widgets).toHaveLength(4);
    const d = db();
    const people = d.all<{ name: string; display_name: string; fingerprint: string }>(
      "SELECT a.name, a.display_name, s.fingerprint FROM accounts a JOIN signing_identities s ON s.account_id = a.id WHERE a.name IN ('koordinator', 'ketua1', 'penguji1', 'penguji2')",
    );
    d.close();
    for (const [, w] of widgets) {
      expect(w['/V']).toBeDefined();
      const [x1, y1, x2, y2] = w['/Rect'] as [number, number, number, number];
      expect(x2 - x1).toBeGreaterThan(100);
      expect(y2 - y1).toBeGreaterThan(30);
      expect(w['/AP']['/N']).toMatch(/^\d+ 0 R$/);
    }
    // What the page shows, annotations included: every signer's name, role, signing time and fingerprint.
    const text = execFileSync('pdftotext', ['-layout', minutes, '-'], { encoding: 'utf8' });
    for (const p of people) {
      expect(text).toContain(p.display_name);
      expect(text.replace(/\s+/g, ' ')).toContain(p.fingerprint.slice(0, 47));
    }
    expect(text).toMatch(/Koordinator lokasi/);
    expect(text).toMatch(/Ketua panel/);
    expect(text).toMatch(/Ditandatangani:? .*\d{2}\.\d{2} WIB/);
  });
});

describe('a signed document is never overwritten', () => {
  it('re-running sheets leaves unchanged sheets and the countersigned minutes alone', async () => {
    const minutes = join(out, 'berita-acara-WWC-F01.pdf');
    const before = snapshot(out);
    const seq = head();
    const r = await ok(sheetsArgs());
    expect(snapshot(out)).toEqual(before);
    expect(pdfsig(minutes).filter((s) => s.valid)).toHaveLength(4);
    expect(signingEvents(seq)).toEqual([]);
    expect(r).toMatch(/unchanged/);
  }, 60_000);

  it('a changed result becomes a new version beside the signed one, recorded and audited', async () => {
    const before = snapshot(out);
    const minutes = join(out, 'berita-acara-WWC-F01.pdf');
    // The chair records one more note (the minutes change) and an approved amendment changes one result.
    const app = new LenteraApp({ dataDir: ws, ...unlocked() });
    const nomor = (app.workstation!.db.prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F01' ORDER BY 1 LIMIT 1").pluck().get()) as string;
    const chair = (app.invoke('accounts.login', { name: 'ketua1', pin: pins.ketua1 }, {}) as any).value.token;
    expect(app.invoke('panel.note', { exam: EXAM, session: 'WWC-F01', nomorPeserta: nomor, note: 'Catatan tambahan setelah rapat pleno.' }, { token: chair }).ok).toBe(true);
    const req = app.invoke('amendments.request', { exam: EXAM, stage: 'SKB-CAT', nomorPeserta: nomor, item: 'nilai', value: 55, reason: 'Sanggah kedua diterima' }, { token: chair }) as any;
    expect(req.ok, JSON.stringify(req)).toBe(true);
    const coord = (app.invoke('accounts.login', { name: 'koordinator', pin: pins.koordinator }, {}) as any).value.token;
    const decided = app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true }, { token: coord });
    expect(decided.ok, JSON.stringify(decided)).toBe(true);
    app.close();

    const seq = head();
    await ok(sheetsArgs());
    const after = snapshot(out);
    // Nothing that was there changed.
    for (const [name, digest] of before) expect(after.get(name), name).toBe(digest);
    expect(pdfsig(minutes).filter((s) => s.valid)).toHaveLength(4);
    const added = [...after.keys()].filter((f) => !before.has(f));
    expect(added).toContain('berita-acara-WWC-F01.v2.pdf');
    expect(added).toContain(`hasil-${nomor}.v2.pdf`);
    for (const f of added) {
      expect(f).toMatch(/\.v2\.pdf$/);
      clean(join(out, f), 1);
    }
    const events = signingEvents(seq);
    const listed = events.flatMap((e) => e.payload.documents as { name: string; sha256: string; version: number; replaces?: { name: string; sha256: string } }[]);
    expect(listed.map((x) => x.name).sort()).toEqual(added.sort());
    const v2 = listed.find((x) => x.name === 'berita-acara-WWC-F01.v2.pdf')!;
    expect(v2).toMatchObject({ version: 2, replaces: { name: 'berita-acara-WWC-F01.pdf', sha256: before.get('berita-acara-WWC-F01.pdf') } });

    // And once more: the new versions are unchanged now.
    const again = snapshot(out);
    await ok(sheetsArgs());
    expect(snapshot(out)).toEqual(again);
  }, 120_000);

  it('the chair signs the newest version of the minutes by default', async () => {
    const app = new LenteraApp({ dataDir: ws, ...unlocked() });
    try {
      const chair = (app.invoke('accounts.login', { name: 'ketua1', pin: pins.ketua1 }, {}) as any).value.token;
      // The UI's own folder: the coordinator's batch from the UI wrote v1 there; make v2 by running it again.
      const passphrase = readFileSync(passFile.koordinator!, 'utf8');
      const done = new Promise<any>((resolveDone) =>
        app.events.subscribe((e) => {
          if (e.type === 'jobs.progress' && (e.data as any).state !== 'running') resolveDone(e.data);
        }),
      );
      const coord = (app.invoke('accounts.login', { name: 'koordinator', pin: pins.koordinator }, {}) as any).value.token;
      expect((await app.invokeAsync('sheets.start', { exam: EXAM, session: 'WWC-F01', passphrase }, { token: coord })).ok).toBe(true);
      expect((await done).state).toBe('done');
      const dir = join(ws, 'sheets', EXAM);
      expect(pdfs(dir)).toContain('berita-acara-WWC-F01.v2.pdf');
      const r = (await app.invokeAsync('minutes.sign', { exam: EXAM, session: 'WWC-F01', passphrase: 'rahasia-ketua1' }, { token: chair })) as any;
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(pdfsig(join(dir, 'berita-acara-WWC-F01.v2.pdf'))).toHaveLength(2);
      expect(pdfsig(join(dir, 'berita-acara-WWC-F01.pdf'))).toHaveLength(1);
      clean(join(dir, 'berita-acara-WWC-F01.v2.pdf'), 2);
    } finally {
      app.close();
    }
  }, 120_000);
});

describe('attacks on the signed files', () => {
  it('a signed sheet changed on disk is not taken for the signed one: a new version is made beside it, and the log says so', async () => {
    const dir = join(root, 'beschadigd');
    await ok(sheetsArgs(dir));
    const name = pdfs(dir).find((f) => f.startsWith('hasil-'))!;
    const file = join(dir, name);
    const bytes = readFileSync(file);
    // One byte of what the sheet says, inside the signed range.
    const at = bytes.indexOf('/LenteraContent');
    bytes[at + 20] = bytes[at + 20]! ^ 0x01;
    writeFileSync(file, bytes);
    const seq = head();
    await ok(sheetsArgs(dir));
    expect(readFileSync(file).equals(bytes)).toBe(true); // left as it is, for whoever looks into it
    const v2 = name.replace(/\.pdf$/, '.v2.pdf');
    clean(join(dir, v2), 1);
    const listed = signingEvents(seq).flatMap((e) => e.payload.documents);
    expect(listed).toEqual([expect.objectContaining({ name: v2, version: 2, replaces: { name, sha256: sha256(bytes), intact: false } })]);
  }, 60_000);

  it('a second signing job on the same folder is refused while the first runs (they would race for the same versions)', async () => {
    const app = new LenteraApp({ dataDir: ws, ...unlocked() });
    try {
      const coord = (app.invoke('accounts.login', { name: 'koordinator', pin: pins.koordinator }, {}) as any).value.token;
      const passphrase = readFileSync(passFile.koordinator!, 'utf8');
      const done = new Promise<any>((resolveDone) =>
        app.events.subscribe((e) => {
          if (e.type === 'jobs.progress' && (e.data as any).state !== 'running') resolveDone(e.data);
        }),
      );
      expect((await app.invokeAsync('sheets.start', { exam: EXAM, passphrase }, { token: coord })).ok).toBe(true);
      expect(await app.invokeAsync('sheets.start', { exam: EXAM, passphrase }, { token: coord })).toMatchObject({ ok: false, error: { code: 'JOB_RUNNING' } });
      expect((await done).state).toBe('done');
      for (const f of pdfs(join(ws, 'sheets', EXAM))) produced.add(join(ws, 'sheets', EXAM, f));
    } finally {
      app.close();
    }
  }, 120_000);

  it('two signers at once on the same minutes: the second is refused, nothing is lost or overwritten', async () => {
    const { prepareCountersignature, publishCountersignature } = await import('../../src-main/core/sheets/batch');
    const { unlockIdentity } = await import('../../src-main/core/keys/identities');
    const dir = join(root, 'bersamaan');
    await ok(sheetsArgs(dir));
    const minutes = join(dir, 'berita-acara-WWC-F01.pdf');
    const d = db();
    try {
      const w = d.app.workstation!;
      const id = (n: string) => w.db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(n) as string;
      const chair = await unlockIdentity(w.db, w.dir, id('ketua1'), 'rahasia-ketua1', new Date());
      const examiner = await unlockIdentity(w.db, w.dir, id('penguji1'), 'rahasia-penguji1', new Date());
      const nip = (n: string) => w.db.prepare('SELECT nip FROM accounts WHERE name = ?').pluck().get(n) as string;
      const a = await prepareCountersignature(minutes, chair, { reason: 'ketua', location: 'x', field: `ttd-${nip('ketua1')}`, role: 'Ketua panel' });
      const b = await prepareCountersignature(minutes, examiner, { reason: 'penguji', location: 'x', field: `ttd-${nip('penguji1')}`, role: 'Penguji' });
      expect(a.tmp).not.toBe(b.tmp);
      publishCountersignature(a);
      expect(() => publishCountersignature(b)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
      expect(sha256(readFileSync(minutes))).toBe(a.sha256);
      expect(pdfs(dir).filter((f) => f.startsWith('berita-acara-WWC-F01'))).toEqual(['berita-acara-WWC-F01.pdf']);
      expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
      clean(minutes, 2);
    } finally {
      d.close();
    }
  }, 60_000);
});

describe('what the documents say', () => {
  it('the minutes keep their footer with the signatures, name the coordinator, and print no double period', () => {
    const minutes = join(out, 'berita-acara-WWC-F01.pdf');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [minutes], { encoding: 'utf8' }))![1]);
    const last = execFileSync('pdftotext', ['-f', String(pages), '-l', String(pages), '-layout', minutes, '-'], { encoding: 'utf8' });
    // The last page holds the signature lines, not just the footer.
    expect(last).toContain('Koordinator lokasi: Sri Wahyuni, S.Sos.');
    expect(last.replace(/\s+/g, ' ')).toContain('UU ITE No. 11 Tahun 2008');
    for (let p = 1; p <= pages; p++) {
      const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), minutes, '-'], { encoding: 'utf8' });
      expect(text.replace(/\s+/g, ' ').length, `page ${p}`).toBeGreaterThan(600);
    }
    for (const f of pdfs(out)) {
      const text = execFileSync('pdftotext', [join(out, f), '-'], { encoding: 'utf8' });
      expect(text, f).not.toMatch(/\.\.(\s|$)/);
    }
  });

  it('the demo interview took place before its minutes were signed, and the minutes label both times', () => {
    const d = db();
    const s = d.all<{ starts_at: string }>("SELECT starts_at FROM sessions WHERE code = 'WWC-F01'")[0]!;
    const fin = d.all<{ at: string }>("SELECT MIN(f.at) AS at FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.code = 'WWC-F01'")[0]!;
    d.close();
    const start = new Date(s.starts_at).getTime();
    expect(start).toBeLessThanOrEqual(new Date(fin.at).getTime());
    const wib = (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(0, 10);
    // Same day, unless the demo was made in the small hours (then the interview was the day before).
    expect(new Date(fin.at).getTime() - start).toBeLessThan(36 * 3_600_000);
    const text = execFileSync('pdftotext', [join(out, 'berita-acara-WWC-F01.pdf'), '-'], { encoding: 'utf8' });
    const day = new Intl.DateTimeFormat('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' }).format(new Date(start));
    expect(text).toContain(`Pada hari ini, ${day}`);
    expect(wib(start) <= wib(Date.now())).toBe(true);
    expect(text).toMatch(/Ditandatangani/);
  });
});

describe('certificates Lentera makes', () => {
  it('name subject and issuer with one attribute per RDN, in DER order', async () => {
    const made = await makeLocalCertificate({ displayName: 'Sri Wahyuni, S.Sos.', nip: '197805122005012003' }, 'Pemerintah Kota Semarang', new Date().toISOString());
    const file = join(root, 'cert.der');
    writeFileSync(file, made.certDer);
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
    expect(text).toContain('subject=serialNumber=197805122005012003,CN=Sri Wahyuni\\, S.Sos.,O=Pemerintah Kota Semarang,C=ID');
    expect(text).toContain('issuer=serialNumber=197805122005012003,CN=Sri Wahyuni\\, S.Sos.,O=Pemerintah Kota Semarang,C=ID');
    expect(text).not.toContain('+');
    // As pdfsig reads the signer of a document signed with such a certificate.
    const sheet = join(out, pdfs(out).find((f) => f.startsWith('hasil-'))!);
    expect(pdfsig(sheet)[0]!.dn).not.toContain('+');
  });
});

describe('every file written here', () => {
  it('passes qpdf --check and pdfsig', () => {
    expect(produced.size).toBeGreaterThan(10);
    for (const f of produced) {
      expect(statSync(f).size).toBeGreaterThan(0);
      clean(f);
    }
  });
});
