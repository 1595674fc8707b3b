import { execFileSync, spawnSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { cli as runCli } from '../unit/cli-run';
import { unlockIdentity } from '../../src-main/core/keys/identities';
import { embeddedPayloadFromBytes } from '../../src-main/core/sheets/payload';
import { signPdf } from '../../src-main/core/sheets/sign';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';

/**
 * The audit of the signed PDFs (hidden objects): updates appended after a signature whose bytes hold objects their
 * cross-reference section does not list, with a section that poppler and qpdf refuse (so they rebuild the
 * cross-reference by scanning the file, and the last "N 0 obj" wins); a payload smuggled into bytes that sign
 * nothing; objects of the signed document deleted after the signature. Every forgery is written here byte by
 * byte (qpdf reads the genuine file), never with the code under test; poppler (pdftotext) and qpdf --check say
 * what a reader shows.
 */

const EXAM = 'CPNS-SMG-2026';
const SESSION = 'WWC-F01';

let root: string;
let ws: string;
let wsPassFile: string | undefined;
let coordPassFile: string;
/** a genuinely signed result sheet of a candidate who did not pass, and one of a candidate who did */
let victim: Buffer;
let victimNomor: string;
let donor: Buffer;
let donorNomor: string;
/** the minutes of SESSION, signed by the coordinator */
let minutes: Buffer;

/** `lentera ARGS` here; the demo workstation is encrypted, so its commands are given its passphrase file */
const cli = (args: string[]) => runCli(args, wsPassFile ? { data: ws, passphraseFile: wsPassFile } : undefined);

function file(name: string, bytes: Buffer): string {
  const f = join(root, name);
  writeFileSync(f, bytes);
  return f;
}

const verify = (bytes: Buffer, name: string) => cli(['verify', file(name, bytes), '--data', ws]);

function pdftotext(f: string): string {
  return spawnSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }).stdout;
}

/** qpdf --check's words (it exits 0, 2 or 3; the words say whether it had to repair the file). */
function qpdfCheck(f: string): string {
  const r = spawnSync('qpdf', ['--check', f], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

// --- the genuine file read with qpdf, and updates written by hand ------------------------------------------------

function qpdfJson(pdf: Buffer): Record<string, any> {
  const f = join(root, `qpdf-${process.hrtime.bigint()}.pdf`);
  writeFileSync(f, pdf);
  try {
    const r = spawnSync('qpdf', ['--json=2', '--json-key=qpdf', f], { maxBuffer: 1 << 26 });
    if (r.status !== 0 && r.status !== 3) throw new Error(r.stderr.toString());
    return JSON.parse(r.stdout.toString('utf8')).qpdf[1];
  } finally {
    rmSync(f, { force: true });
  }
}

/** A qpdf JSON value in PDF syntax (strings that are neither references, names nor qpdf strings: as they are). */
function ser(v: any): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') {
    if (v.startsWith('b:')) return `<${v.slice(2)}>`;
    if (v.startsWith('u:')) return `<FEFF${Buffer.from(v.slice(2), 'utf16le').swap16().toString('hex')}>`;
    return v;
  }
  if (Array.isArray(v)) return `[${v.map(ser).join(' ')}]`;
  return `<< ${Object.entries(v)
    .map(([k, x]) => `${k} ${ser(x)}`)
    .join(' ')} >>`;
}

interface Doc {
  objects: Record<string, any>;
  trailer: any;
  pages: string[];
  pagesRef: string;
  size: number;
  startxref: number;
}

function read(pdf: Buffer): Doc {
  const j = qpdfJson(pdf);
  const objects: Record<string, any> = {};
  for (const [k, v] of Object.entries(j)) if (k.startsWith('obj:')) objects[k.slice(4)] = (v as any).value ?? (v as any).stream?.dict;
  const trailer = j.trailer.value;
  const pagesRef = objects[trailer['/Root']]['/Pages'];
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(pdf.toString('latin1', pdf.length - 64))![1]);
  const size = Math.max(trailer['/Size'], ...Object.keys(objects).map((r) => Number(r.split(' ')[0]) + 1));
  return { objects, trailer, pages: objects[pagesRef]['/Kids'], pagesRef, size, startxref };
}

const num = (ref: string) => Number(ref.split(' ')[0]);

function trailerOf(d: Doc, extra = ''): string {
  const t = d.trailer;
  return `<< /Size ${d.size} /Root ${t['/Root']} /Info ${t['/Info']} /ID ${ser(t['/ID'])} /Prev ${d.startxref}${extra} >>`;
}

function stream(content: string | Buffer, extra = ''): Buffer {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1');
  return Buffer.concat([Buffer.from(`<< /Length ${data.length}${extra} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

const HELVETICA = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

/**
 * New definitions of every page object, drawing `says` in Helvetica, and their content streams: bytes no
 * cross-reference entry will name. A reader that rebuilds the cross-reference takes them (the last "N 0 obj" wins).
 */
function hiddenPages(pdf: Buffer, says: string): Buffer {
  const d = read(pdf);
  const parts: Buffer[] = [];
  d.pages.forEach((ref, i) => {
    const content = d.size + 1000 + i;
    const text = `BT /Palsu 20 Tf 72 760 Td (${says}) Tj 0 -30 Td (halaman ${i + 1}) Tj ET`;
    parts.push(Buffer.concat([Buffer.from(`${content} 0 obj\n`), stream(text), Buffer.from('\nendobj\n')]));
    const page = { ...d.objects[ref], '/Contents': `${content} 0 R`, '/Resources': { '/Font': { '/Palsu': HELVETICA } } };
    parts.push(Buffer.from(`${num(ref)} 0 obj\n${ser(page)}\nendobj\n`, 'latin1'));
  });
  return Buffer.concat(parts);
}

/** An update: `body` as it is, then a classic cross-reference section listing nothing but `frees` (marked free). */
function tableUpdate(pdf: Buffer, body: Buffer | string, frees: number[] = []): Buffer {
  const d = read(pdf);
  const head = Buffer.concat([pdf, Buffer.from('\n'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
  let xref = 'xref\n0 1\n0000000000 65535 f \n';
  for (const n of frees) xref += `${n} 1\n0000000000 00001 f \n`;
  return Buffer.concat([head, Buffer.from(`${xref}trailer\n${trailerOf(d)}\nstartxref\n${head.length}\n%%EOF\n`, 'latin1')]);
}

/** An update: `body`, then a cross-reference stream with field widths `w` and these rows (type, field 2, field 3). */
function xrefStreamUpdate(pdf: Buffer, body: Buffer, w: [number, number, number], rows: { num: number; type: number; f2?: number; f3?: number }[]): Buffer {
  const d = read(pdf);
  const head = Buffer.concat([pdf, Buffer.from('\n'), body]);
  const field = (value: number, width: number) => {
    const b = Buffer.alloc(width);
    for (let i = width - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) b[i] = v % 256;
    return b;
  };
  const data = deflateSync(Buffer.concat(rows.map((r) => Buffer.concat([field(r.type, w[0]), field(r.f2 ?? 0, w[1]), field(r.f3 ?? 0, w[2])]))));
  const xnum = d.size + 2000;
  const t = d.trailer;
  const dict = `<< /Type /XRef /Size ${xnum + 1} /Root ${t['/Root']} /Info ${t['/Info']} /ID ${ser(t['/ID'])} /Prev ${d.startxref} /W [${w.join(' ')}] /Index [${rows.flatMap((r) => [r.num, 1]).join(' ')}] /Filter /FlateDecode /Length ${data.length} >>`;
  return Buffer.concat([head, Buffer.from(`${xnum} 0 obj\n${dict}\nstream\n`, 'latin1'), data, Buffer.from(`\nendstream\nendobj\nstartxref\n${head.length}\n%%EOF\n`, 'latin1')]);
}

/** The /Info /LenteraResult of a genuine sheet, as the literal string it is written as. */
function payloadLiteral(pdf: Buffer): string {
  const d = read(pdf);
  const info = d.objects[d.trailer['/Info']];
  let v = info['/LenteraResult'];
  if (/^\d+ \d+ R$/.test(v)) v = d.objects[v];
  const text = String(v).replace(/^u:/, '');
  return `(${text.replace(/[\\()]/g, '\\$&')})`;
}

// --- fixtures -----------------------------------------------------------------------------------------------------

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lentera-pdf-hidden-'));
  ws = join(root, 'ws');
  const demo = await cli(['demo', '--data', ws, '--candidates', '40']);
  expect(demo.code, demo.all).toBe(0);
  wsPassFile = join(root, 'pass-workstation');
  writeFileSync(wsPassFile, demoWorkstationPassphrase(demo.all));
  coordPassFile = join(root, 'pass-koordinator');
  writeFileSync(coordPassFile, readDemoOutput(demo.all).signingPassphrase);
  const out = join(root, 'out');
  const sheets = await cli(['sheets', '--data', ws, '--exam', EXAM, '--out', out, '--passphrase-file', coordPassFile]);
  expect(sheets.code, sheets.all).toBe(0);
  minutes = readFileSync(join(out, `berita-acara-${SESSION}.pdf`));
  // A sheet whose candidate did not pass, and one whose candidate did: poppler says which is which.
  const sheetsOut = readdirSync(out).filter((f) => /^hasil-\d+\.pdf$/.test(f));
  const said = (f: string) => execFileSync('pdftotext', ['-layout', join(out, f), '-'], { encoding: 'utf8' });
  const failed = sheetsOut.find((f) => /^Status: TL /m.test(said(f)));
  const passed = sheetsOut.find((f) => /^Status: P\/L — LULUS/m.test(said(f)));
  expect(failed && passed, sheetsOut.join(' ')).toBeTruthy();
  victim = readFileSync(join(out, failed!));
  victimNomor = /hasil-(\d+)\.pdf/.exec(failed!)![1]!;
  donor = readFileSync(join(out, passed!));
  donorNomor = /hasil-(\d+)\.pdf/.exec(passed!)![1]!;
}, 180_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('the genuine sheet and minutes verify clean and match the records (no false alarm)', async () => {
  const s = await verify(victim, 'genuine-sheet.pdf');
  expect(s.code, s.all).toBe(0);
  expect(s.out).toMatch(new RegExp(`results of ${victimNomor}: MATCH the workstation records \\(final [^,]*, status TL\\)`));
  const m = await verify(minutes, 'genuine-minutes.pdf');
  expect(m.code, m.all).toBe(0);
  expect(m.out).toMatch(/MATCH the workstation records/);
}, 60_000);

describe('finding 1: pages hidden from the cross-reference, shown by a reader that rebuilds it', () => {
  const SAYS = 'Status: P/L - LULUS (PALSU)';
  const TRIGGERS: { name: string; forge: (pdf: Buffer) => Buffer; says: RegExp }[] = [
    {
      name: 'a cross-reference stream with an entry of type 3',
      forge: (pdf) => xrefStreamUpdate(pdf, hiddenPages(pdf, SAYS), [1, 4, 2], [{ num: 1, type: 3 }]),
      says: /the PDF's structure could not be read: object 1 has a cross-reference entry of unknown type 3/,
    },
    {
      name: 'a cross-reference stream whose /W gives the type field 5 bytes',
      forge: (pdf) => xrefStreamUpdate(pdf, hiddenPages(pdf, SAYS), [5, 4, 2], []),
      says: /the PDF's structure could not be read: a cross-reference stream with \/W \[5 4 2\]: wider fields than PDF readers accept/,
    },
    {
      name: "a classic cross-reference that marks page 1's object free",
      forge: (pdf) => tableUpdate(pdf, hiddenPages(pdf, SAYS), [num(read(pdf).pages[0]!)]),
      says: /MODIFIED after signature 1 \(revision 3\): hidden objects \(object \d+ at byte \d+, .*\): written in this revision, but its cross-reference does not list them there .*page 1 \(object \d+\) was deleted/,
    },
  ];

  for (const trigger of TRIGGERS) {
    it(`a result sheet, after its signature: ${trigger.name}`, async () => {
      const forged = trigger.forge(victim);
      const f = file(`hidden-${TRIGGERS.indexOf(trigger)}.pdf`, forged);
      // The forgery works: poppler shows the hidden page; qpdf finds the file damaged.
      expect(pdftotext(f)).toContain('(PALSU)');
      expect(qpdfCheck(f)).toMatch(/WARNING|damaged|reconstruct/i);
      const v = await verify(forged, `hidden-${TRIGGERS.indexOf(trigger)}-v.pdf`);
      expect(v.code, v.all).toBe(1);
      expect(v.all).toMatch(trigger.says);
      expect(v.out).toMatch(/signature 1: (INVALID|MODIFIED after it was signed)/);
      expect(v.out).not.toMatch(/signature 1: VALID/);
      expect(v.out).not.toMatch(/nothing that changes the document/);
    }, 60_000);
  }

  it('the minutes, after the last signature: a cross-reference stream with an entry of type 3', async () => {
    const forged = xrefStreamUpdate(minutes, hiddenPages(minutes, 'BERITA ACARA (PALSU) 263374000002 nilai 5,000'), [1, 4, 2], [{ num: 1, type: 3 }]);
    const f = file('hidden-minutes.pdf', forged);
    expect(pdftotext(f)).toContain('BERITA ACARA (PALSU)');
    const v = await verify(forged, 'hidden-minutes-v.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(/unknown type 3/);
    expect(v.all).not.toMatch(/MATCH the workstation records/);
  }, 60_000);

  it('an update whose cross-reference is sound but whose bytes hold an object it does not list', async () => {
    const forged = tableUpdate(victim, hiddenPages(victim, SAYS));
    const v = await verify(forged, 'hidden-plain.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(/MODIFIED after signature 1 \(revision 3\): hidden objects \(object \d+ at byte \d+, .*\): written in this revision, but its cross-reference does not list them there \(a reader that repairs the file would show them instead of what was signed\)/);
  }, 60_000);

  it("object definitions inside a stream's data or a comment of an update (what a scanning repair takes for objects)", async () => {
    const d = read(victim);
    const page1 = `${num(d.pages[0]!)} 0 obj\n${ser({ ...d.objects[d.pages[0]!], '/Contents': null })}\nendobj\n`;
    // Validation data may be added after the last signature; its stream's data is anything, here a page object.
    const n = d.size;
    const dss = (pdf: Buffer) => {
      const at = pdf.length + 1;
      const cert = Buffer.concat([Buffer.from(`${n} 0 obj\n`), stream(`\n${page1}`), Buffer.from('\nendobj\n')]);
      const dssDict = Buffer.from(`${n + 1} 0 obj\n<< /Certs [${n} 0 R] >>\nendobj\n`);
      const catalog = Buffer.from(`${num(d.trailer['/Root'])} 0 obj\n${ser({ ...d.objects[d.trailer['/Root']], '/DSS': `${n + 1} 0 R` })}\nendobj\n`);
      const offsets = [at, at + cert.length, at + cert.length + dssDict.length];
      const head = Buffer.concat([pdf, Buffer.from('\n'), cert, dssDict, catalog]);
      const row = (o: number) => `${String(o).padStart(10, '0')} 00000 n \n`;
      const xref = `xref\n0 1\n0000000000 65535 f \n${num(d.trailer['/Root'])} 1\n${row(offsets[2]!)}${n} 2\n${row(offsets[0]!)}${row(offsets[1]!)}`;
      return Buffer.concat([head, Buffer.from(`${xref}trailer\n${trailerOf({ ...d, size: n + 2 })}\nstartxref\n${head.length}\n%%EOF\n`, 'latin1')]);
    };
    const inStream = dss(victim);
    const v = await verify(inStream, 'in-stream.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(/MODIFIED after signature 1 \(revision 3\): a hidden object definition at byte \d+, inside a string, a stream's data or a comment/);
    // poppler's repair reads on after an "endobj" even inside a comment.
    const inComment = tableUpdate(victim, `%endobj ${page1.replace(/\n/g, ' ')}\n`);
    const c = await verify(inComment, 'in-comment.pdf');
    expect(c.code, c.all).toBe(1);
    expect(c.err).toMatch(/a hidden object definition at byte \d+, inside a string, a stream's data or a comment/);
  }, 60_000);

  it('an object stream holding an object its cross-reference stream does not list there', async () => {
    const d = read(victim);
    const page = num(d.pages[0]!);
    const extra = d.size + 10;
    const objs = [`<< /Harmless true >>`, ser({ ...d.objects[d.pages[0]!], '/Contents': null })];
    const first = `${extra} 0 ${page} ${objs[0]!.length + 1} `;
    const objStm = d.size + 11;
    const body = Buffer.concat([Buffer.from(`${objStm} 0 obj\n`), stream(`${first}${objs.join(' ')}`, ` /Type /ObjStm /N 2 /First ${first.length}`), Buffer.from('\nendobj\n')]);
    const forged = xrefStreamUpdate(victim, body, [1, 4, 2], [
      { num: objStm, type: 1, f2: victim.length + 1 },
      { num: extra, type: 2, f2: objStm, f3: 0 },
    ]);
    const v = await verify(forged, 'objstm.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(new RegExp(`MODIFIED after signature 1 \\(revision 3\\): hidden objects \\(object ${page} in object stream ${objStm}\\)`));
  }, 60_000);

  it('an update holding bytes that are no object: refused, not skipped', async () => {
    const forged = tableUpdate(victim, 'BT /Palsu 20 Tf (LULUS) Tj ET\n');
    const v = await verify(forged, 'junk.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(/MODIFIED after signature 1 \(revision 3\): revision 3 holds bytes at \d+ that are no object, cross-reference or trailer/);
  }, 60_000);
});

describe('finding 2: the records check reads the payload the signature covers', () => {
  it("a payload smuggled into a comment after the signature: the sheet's own candidate is compared, as the document shows", async () => {
    const forged = tableUpdate(victim, `%/LenteraResult ${payloadLiteral(donor)}\n`);
    const f = file('smuggled.pdf', forged);
    expect(pdftotext(f)).toMatch(new RegExp(`Nomor peserta ${victimNomor}`));
    const v = await verify(forged, 'smuggled-v.pdf');
    expect(v.out).not.toContain(`results of ${donorNomor}`);
    expect(v.out).toMatch(new RegExp(`results of ${victimNomor}: MATCH the workstation records \\(final [^,]*, status TL\\)`));
    // The browser's reader (the site's verification page) reads only what the first signature signs.
    expect(embeddedPayloadFromBytes(new Uint8Array(forged))?.n).toBe(victimNomor);
  }, 60_000);

  it("a signed sheet whose payload names another candidate than the sheet itself: refused, not MATCH", async () => {
    // The sheet as pdfkit wrote it (before its signature), its /Info rewritten with the other candidate's payload
    // (the title still names the victim), then signed with the coordinator's key.
    const firstEof = victim.indexOf('%%EOF') + '%%EOF'.length;
    const unsigned = Buffer.concat([victim.subarray(0, firstEof), Buffer.from('\n')]);
    const d = read(unsigned);
    const info = { ...d.objects[d.trailer['/Info']] };
    delete info['/LenteraResult'];
    const body = `${num(d.trailer['/Info'])} 0 obj\n${ser(info).replace(/ >>$/, ` /LenteraResult ${payloadLiteral(donor)} >>`)}\nendobj\n`;
    const head = Buffer.concat([unsigned, Buffer.from(body, 'latin1')]);
    const xref = `xref\n${num(d.trailer['/Info'])} 1\n${String(unsigned.length).padStart(10, '0')} 00000 n \n`;
    const doctored = Buffer.concat([head, Buffer.from(`${xref}trailer\n${trailerOf(d)}\nstartxref\n${head.length}\n%%EOF\n`, 'latin1')]);
    const app = new LenteraApp({ dataDir: ws, unlock: { passphrase: readFileSync(wsPassFile!, 'utf8') } });
    let coord: Awaited<ReturnType<typeof unlockIdentity>>;
    try {
      const id = app.workstation!.db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
      coord = await unlockIdentity(app.workstation!.db, app.workstation!.dir, id, readFileSync(coordPassFile, 'utf8'), new Date());
    } finally {
      app.close();
    }
    const signed = await signPdf(doctored, coord, { reason: 'koordinator', name: coord.commonName, location: 'Semarang' });
    const v = await verify(signed, 'contradiction.pdf');
    expect(v.out).toMatch(/signature 1: VALID/);
    expect(v.code, v.all).toBe(1);
    expect(v.all).not.toMatch(/MATCH the workstation records/);
    expect(v.err).toContain(`The sheet's payload (/LenteraResult) names candidate ${donorNomor}, but the sheet itself is titled "Lembar Hasil Seleksi ${victimNomor}"`);
  }, 60_000);
});

describe('finding 3: objects of the signed document deleted after the signature', () => {
  it("page 2's object marked free", async () => {
    const d = read(victim);
    expect(d.pages.length, 'the sheet has a second page').toBeGreaterThan(1);
    const forged = tableUpdate(victim, '', [num(d.pages[1]!)]);
    const f = file('page2-freed.pdf', forged);
    expect(qpdfCheck(f)).toMatch(/WARNING|damaged|reconstruct/i);
    const v = await verify(forged, 'page2-freed-v.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(new RegExp(`MODIFIED after signature 1 \\(revision 3\\): .*page 2 \\(object ${num(d.pages[1]!)}\\) was deleted`));
    expect(v.out).toMatch(/signature 1: MODIFIED after it was signed/);
  }, 60_000);

  it('the page tree marked free', async () => {
    const d = read(victim);
    const forged = tableUpdate(victim, '', [num(d.pagesRef)]);
    const v = await verify(forged, 'pagetree-freed.pdf');
    expect(v.code, v.all).toBe(1);
    expect(v.err).toMatch(new RegExp(`MODIFIED after signature 1 \\(revision 3\\): .*the page tree \\(object ${num(d.pagesRef)}\\) was deleted`));
  }, 60_000);
});
