import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import PDFDocument from 'pdfkit';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { cli as runCli } from '../unit/cli-run';
import { importP12, makeLocalCertificate, unlockIdentity } from '../../src-main/core/keys/identities';
import { minutesData, renderMinutes } from '../../src-main/core/sheets/minutes';
import { signPdf } from '../../src-main/core/sheets/sign';
import { verifyPdfSignatures } from '../../src-main/core/sheets/verify';
import { demoWorkstationPassphrase, readDemoOutput } from '../unit/demo-output';

/**
 * `lentera verify` and `minutes sign` against forged and damaged PDFs (issue 12): changes slipped in between
 * signatures or after the last one, unsigned bytes in a signature's padding, a signature whose last byte is 0x00,
 * signer certificates that only look certified, and minutes that say something else than the workstation.
 * The forgeries are built here byte by byte (an incremental update written by hand, read back with qpdf), never
 * with the code under test.
 */

const EXAM = 'CPNS-SMG-2026';
const SESSION = 'WWC-F01';
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const subtle = webcrypto.subtle;
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

let root: string;
let ws: string;
/** the minutes of WWC-F01 as `lentera sheets` wrote them: signed by the coordinator only */
let pristine: Buffer;
const pass: Record<string, string> = {};

/** the demo workstation's passphrase file: every later command on it unlocks it (its data is encrypted) */
let wsPassFile: string | undefined;
const unlocked = () => (wsPassFile ? { unlock: { passphrase: readFileSync(wsPassFile, 'utf8') } } : {});

/** `lentera ARGS` here; the demo workstation is encrypted, so its commands are given its passphrase file */
const cli = (args: string[]) => runCli(args, wsPassFile ? { data: ws, passphraseFile: wsPassFile } : undefined);

function file(name: string, bytes: Buffer): string {
  const f = join(root, name);
  writeFileSync(f, bytes);
  return f;
}

const verify = (f: string, ...extra: string[]) => cli(['verify', f, ...extra]);
const signMinutes = (f: string, who: string) => cli(['minutes', 'sign', f, '--data', ws, '--as', who, '--exam', EXAM, '--session', SESSION, '--passphrase-file', pass[who]!]);

function pdfsig(f: string): string {
  // pdfsig exits 0 even for a bad signature: the verdict is in its text.
  return spawnSync('pdfsig', [f], { encoding: 'utf8' }).stdout;
}

function pdftotext(f: string): string {
  return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
}

async function identity(account: string, passphrase: string) {
  const app = new LenteraApp({ dataDir: ws, ...unlocked() });
  try {
    const id = app.workstation!.db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(account) as string;
    return await unlockIdentity(app.workstation!.db, app.workstation!.dir, id, passphrase, new Date());
  } finally {
    app.close();
  }
}

// --- a PDF read with qpdf, and incremental updates written by hand -------------------------------------------

/** qpdf's output; exit 3 (warnings only, such as a sloppy cross-reference section) is fine for reading. */
function qpdf(args: string[]): Buffer {
  const r = spawnSync('qpdf', args, { maxBuffer: 1 << 26 });
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

function qpdfJson(pdf: Buffer): Record<string, any> {
  const f = join(root, `qpdf-${process.hrtime.bigint()}.pdf`);
  writeFileSync(f, pdf);
  try {
    return JSON.parse(qpdf(['--json=2', '--json-key=qpdf', f]).toString('utf8')).qpdf[1];
  } finally {
    rmSync(f, { force: true });
  }
}

/** A qpdf JSON value in PDF syntax. */
function ser(v: any): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') {
    if (/^\d+ \d+ R$/.test(v) || v.startsWith('/')) return v;
    if (v.startsWith('b:')) return `<${v.slice(2)}>`;
    if (v.startsWith('u:')) {
      const s = v.slice(2);
      return /^[\x20-\x7e]*$/.test(s) ? `(${s.replace(/[\\()]/g, '\\$&')})` : `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex')}>`;
    }
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
  catalogRef: string;
  catalog: any;
  pageRef: string;
  page: any;
  size: number;
  startxref: number;
}

function read(pdf: Buffer): Doc {
  const j = qpdfJson(pdf);
  const objects: Record<string, any> = {};
  for (const [k, v] of Object.entries(j)) if (k.startsWith('obj:')) objects[k.slice(4)] = (v as any).value ?? (v as any).stream?.dict;
  const trailer = j.trailer.value;
  const catalogRef = trailer['/Root'];
  const catalog = objects[catalogRef];
  const pages = objects[catalog['/Pages']];
  const pageRef = pages['/Kids'][0];
  const tail = pdf.toString('latin1', pdf.length - 64);
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)![1]);
  const size = Math.max(trailer['/Size'], ...Object.keys(objects).map((r) => Number(r.split(' ')[0]) + 1));
  return { objects, trailer, catalogRef, catalog, pageRef, page: objects[pageRef], size, startxref };
}

/** One incremental update: the objects (number and body), a classic cross-reference section, the trailer. */
function update(pdf: Buffer, objects: { num: number; body: string | Buffer }[], trailerExtra: Record<string, string> = {}): Buffer {
  const d = read(pdf);
  const parts: Buffer[] = [pdf, Buffer.from('\n')];
  let at = pdf.length + 1;
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, at);
    const b = Buffer.concat([Buffer.from(`${o.num} 0 obj\n`), Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, 'latin1'), Buffer.from('\nendobj\n')]);
    parts.push(b);
    at += b.length;
  }
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (const n of nums) xref += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`;
  const size = Math.max(d.size, ...nums.map((n) => n + 1));
  const trailer = { '/Size': String(size), '/Root': d.catalogRef, ...(d.trailer['/Info'] ? { '/Info': d.trailer['/Info'] } : {}), '/Prev': String(d.startxref), ...trailerExtra };
  parts.push(Buffer.from(`${xref}trailer\n<< ${Object.entries(trailer).map(([k, v]) => `${k} ${v}`).join(' ')} >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

function stream(content: string, extra = ''): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} ${extra}>>\nstream\n${content}\nendstream`;
}

const num = (ref: string) => Number(ref.split(' ')[0]);

// --- the forgeries ----------------------------------------------------------------------------------------------

/** A white box over the first score of page 1, as a second content stream. */
function overlay(pdf: Buffer): Buffer {
  const d = read(pdf);
  const n = d.size;
  const contents = Array.isArray(d.page['/Contents']) ? d.page['/Contents'] : [d.page['/Contents']];
  return update(pdf, [
    { num: n, body: stream('q 1 1 1 rg 56 420 483 80 re f Q') },
    { num: num(d.pageRef), body: ser({ ...d.page, '/Contents': [...contents, `${n} 0 R`] }) },
  ]);
}

/** The printed scores: one digit of the first "nilai" changed in page 1's own content stream. */
function rewriteScore(pdf: Buffer): Buffer {
  const d = read(pdf);
  const contentRef = Array.isArray(d.page['/Contents']) ? d.page['/Contents'][0] : d.page['/Contents'];
  const f = join(root, 'rewrite-src.pdf');
  writeFileSync(f, pdf);
  const content = qpdf([`--show-object=${contentRef}`, '--filtered-stream-data', f]).toString('latin1');
  // The body font's ToUnicode: which glyph code is which character.
  const font = Object.values(d.objects[d.page['/Resources']]?.['/Font'] ?? d.page['/Resources']['/Font']).map((r: any) => d.objects[r]).find((x: any) => /DejaVuSans$/.test(x['/BaseFont']))!;
  const cmap = qpdf([`--show-object=${font['/ToUnicode']}`, '--filtered-stream-data', f]).toString('latin1');
  const range = /<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/i.exec(cmap)!;
  const first = parseInt(range[1]!, 16);
  const code = new Map<string, string>();
  [...range[2]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((m, i) => code.set(String.fromCharCode(parseInt(m[1]!.slice(0, 4), 16)), (first + i).toString(16).padStart(4, '0')));
  // A score "3,883" becomes "4,883" (or 3 for anything else): the digit before the decimal comma of a score.
  const comma = code.get(',')!;
  const digits = '0123456789'.split('').filter((c) => code.has(c));
  const digit = `(${digits.map((c) => code.get(c)).join('|')})`;
  const m = new RegExp(`${digit}${comma}${digit}${digit}${digit}`, 'i').exec(content)!;
  const was = [...code].find(([, v]) => v === m[1]!.toLowerCase())![0];
  const now = code.get(was === '4' ? '3' : '4')!;
  const score = m[0].slice(0, 4 + comma.length);
  const changed = content.slice(0, m.index) + now + comma + content.slice(m.index + score.length);
  return update(pdf, [{ num: num(contentRef), body: Buffer.from(stream(changed), 'latin1') }]);
}

/** Page 1 replaced: a new page object with other content, put in the page tree in place of the old one. */
function replacePage(pdf: Buffer): Buffer {
  const d = read(pdf);
  const n = d.size;
  const pagesRef = d.catalog['/Pages'];
  const { '/Annots': _annots, ...page } = d.page;
  return update(pdf, [
    { num: n, body: stream('BT /F2 20 Tf 100 700 Td ET') },
    { num: n + 1, body: ser({ ...page, '/Contents': `${n} 0 R` }) },
    { num: num(pagesRef), body: ser({ ...d.objects[pagesRef], '/Kids': [`${n + 1} 0 R`] }) },
  ]);
}

/** The document information rewritten in place (another author and title). */
function changeInfo(pdf: Buffer): Buffer {
  const d = read(pdf);
  const infoRef = d.trailer['/Info'];
  return update(pdf, [{ num: num(infoRef), body: ser({ ...d.objects[infoRef], '/Title': 'u:Berita Acara (diperbaiki)', '/Author': 'u:Orang lain' }) }]);
}

/** A free-text annotation over the scores, added to page 1. */
function addAnnotation(pdf: Buffer): Buffer {
  const d = read(pdf);
  const n = d.size;
  const annots = d.page['/Annots'] ?? [];
  return update(pdf, [
    { num: n, body: '<< /Type /Annot /Subtype /FreeText /Rect [56 420 539 500] /Contents (nilai 5,000) /DA (/Helv 12 Tf 0 g) /F 4 >>' },
    { num: num(d.pageRef), body: ser({ ...d.page, '/Annots': [...annots, `${n} 0 R`] }) },
  ]);
}

/** An unsigned signature widget whose appearance paints over the scores. */
function unsignedWidget(pdf: Buffer): Buffer {
  const d = read(pdf);
  const n = d.size;
  const formRef = d.catalog['/AcroForm'];
  const form = typeof formRef === 'string' ? d.objects[formRef] : formRef;
  const fields = form?.['/Fields'] ?? [];
  const objs = [
    { num: n, body: stream('q 1 1 1 rg 0 0 483 80 re f Q', '/Type /XObject /Subtype /Form /BBox [0 0 483 80] ') },
    { num: n + 1, body: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature99) /F 4 /Rect [56 420 539 500] /AP << /N ${n} 0 R >> /P ${d.pageRef} >>` },
    { num: num(d.pageRef), body: ser({ ...d.page, '/Annots': [...(d.page['/Annots'] ?? []), `${n + 1} 0 R`] }) },
  ];
  if (typeof formRef === 'string') objs.push({ num: num(formRef), body: ser({ ...form, '/Fields': [...fields, `${n + 1} 0 R`] }) });
  else objs.push({ num: num(d.catalogRef), body: ser({ ...d.catalog, '/AcroForm': { ...(form ?? {}), '/Fields': [...fields, `${n + 1} 0 R`], '/SigFlags': 3 } }) });
  return update(pdf, objs);
}

/** An action run when the document opens, in the catalog. */
function openAction(pdf: Buffer): Buffer {
  const d = read(pdf);
  return update(pdf, [{ num: num(d.catalogRef), body: ser({ ...d.catalog, '/OpenAction': { '/S': '/JavaScript', '/JS': 'u:app.alert(1)' } }) }]);
}

/** The coordinator's signature taken out of the form and off its page (its field no longer listed). */
function removeSignature(pdf: Buffer): Buffer {
  const d = read(pdf);
  const formRef = d.catalog['/AcroForm'];
  const form = typeof formRef === 'string' ? d.objects[formRef] : formRef;
  const signed = (form['/Fields'] as string[]).find((r) => d.objects[r]?.['/V'])!;
  const objs: { num: number; body: string }[] = [];
  const fields = (form['/Fields'] as string[]).filter((r) => r !== signed);
  if (typeof formRef === 'string') objs.push({ num: num(formRef), body: ser({ ...form, '/Fields': fields }) });
  else objs.push({ num: num(d.catalogRef), body: ser({ ...d.catalog, '/AcroForm': { ...form, '/Fields': fields } }) });
  for (const [ref, o] of Object.entries(d.objects)) {
    if (o?.['/Type'] === '/Page' && Array.isArray(o['/Annots']) && o['/Annots'].includes(signed)) objs.push({ num: num(ref), body: ser({ ...o, '/Annots': o['/Annots'].filter((r: string) => r !== signed) }) });
  }
  return update(pdf, objs);
}

const ATTACKS: { name: string; forge: (pdf: Buffer) => Buffer; says: RegExp; changesText?: boolean; hidesSignature?: boolean }[] = [
  { name: 'a white box painted over the scores (an overlay content stream)', forge: overlay, says: /page 1: \/Contents changed/ },
  { name: "a score's printed digit rewritten in the page content", forge: rewriteScore, says: /page 1 content: object \d+ changed/, changesText: true },
  { name: 'page 1 replaced by another page', forge: replacePage, says: /page tree changed/, changesText: true },
  { name: 'the document information (/Info) rewritten', forge: changeInfo, says: /document information \(\/Info\): object \d+ changed/ },
  { name: 'a new annotation on page 1', forge: addAnnotation, says: /an annotation was added to page 1/ },
  { name: 'an unsigned signature widget painting over the scores', forge: unsignedWidget, says: /empty signature field "Signature99" was added after signing/ },
  { name: 'an open action added to the catalog', forge: openAction, says: /the catalog's \/OpenAction changed/ },
  { name: "the coordinator's signature field removed from the form and its page", forge: removeSignature, says: /the form fields \(\/AcroForm \/Fields\): an entry was removed or replaced/, hidesSignature: true },
];

// --- signatures made here, independently of sign.ts ------------------------------------------------------------

async function cms(key: CryptoKey, certs: Uint8Array[], digest: Buffer, signingTime: Date): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(certs[0]!.slice().buffer);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.5', values: [new asn1js.UTCTime({ valueDate: signingTime })] }),
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      }),
    ],
    certificates: certs.map((c) => pkijs.Certificate.fromBER(c.slice().buffer)),
  });
  await signed.sign(key, 0, 'SHA-256');
  return Buffer.from(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER(false));
}

const lastByteRange = (pdf: Buffer) => {
  const all = [...pdf.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  return all[all.length - 1]!.slice(1).map(Number) as [number, number, number, number];
};

/**
 * The last signature of `pdf` made again over the same bytes with `key` (and `certs`, the signer's first), at
 * `signingTime`; with `untilLastByteZero`, at the first second from it whose CMS ends in 0x00.
 */
async function resign(pdf: Buffer, key: CryptoKey, certs: Uint8Array[], signingTime: Date, untilLastByteZero = false): Promise<{ pdf: Buffer; der: Buffer; tries: number }> {
  const [, b, c, d] = lastByteRange(pdf);
  const digest = createHash('sha256').update(pdf.subarray(0, b)).update(pdf.subarray(c, c + d)).digest();
  let der = await cms(key, certs, digest, signingTime);
  let tries = 1;
  while (untilLastByteZero && der[der.length - 1] !== 0) {
    if (tries > 20_000) throw new Error('no CMS ending in 0x00 found');
    der = await cms(key, certs, digest, new Date(signingTime.getTime() + tries * 1000));
    tries++;
  }
  const hex = der.toString('hex').padEnd(c - b - 2, '0');
  const out = Buffer.from(pdf);
  out.write(hex, b + 1, 'latin1');
  return { pdf: out, der, tries };
}

/**
 * A signature added by hand: a signature dictionary (with a DocMDP certification when `certify` is given), an
 * invisible widget on page 1 listed in the form, the catalog's /Perms; the byte range and CMS filled in after.
 */
async function addSignature(pdf: Buffer, key: CryptoKey, certDer: Uint8Array, certify?: 1 | 2 | 3): Promise<Buffer> {
  const d = read(pdf);
  const n = d.size;
  const sig = n;
  const widget = n + 1;
  const formRef = d.catalog['/AcroForm'];
  const form = typeof formRef === 'string' ? d.objects[formRef] : (formRef ?? {});
  const fields = [...(form['/Fields'] ?? []), `${widget} 0 R`];
  const reference = certify ? `/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${certify} /V /1.2 >> >>] ` : '';
  const objs: { num: number; body: string }[] = [
    { num: sig, body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached ${reference}/ByteRange [0000000000 0000000000 0000000000 0000000000] /Contents <${'0'.repeat(16384)}> /M (D:20261202080000Z) >>` },
    { num: widget, body: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Tanda${widget}) /F 132 /Rect [0 0 0 0] /V ${sig} 0 R /P ${d.pageRef} >>` },
    { num: num(d.pageRef), body: ser({ ...d.page, '/Annots': [...(d.page['/Annots'] ?? []), `${widget} 0 R`] }) },
  ];
  const catalog = { ...d.catalog };
  if (typeof formRef === 'string') objs.push({ num: num(formRef), body: ser({ ...form, '/Fields': fields, '/SigFlags': 3 }) });
  else catalog['/AcroForm'] = { ...form, '/Fields': fields, '/SigFlags': 3 };
  if (certify) catalog['/Perms'] = { '/DocMDP': `${sig} 0 R` };
  if (typeof formRef !== 'string' || certify) objs.push({ num: num(d.catalogRef), body: ser(catalog) });
  const out = update(pdf, objs);
  const at = out.lastIndexOf('/ByteRange [0000000000');
  const b = out.indexOf('/Contents <', at) + '/Contents '.length;
  const c = b + 2 + 16384;
  out.write(`/ByteRange [0 ${b} ${c} ${out.length - c}]`.padEnd('/ByteRange [0000000000 0000000000 0000000000 0000000000]'.length, ' '), at, 'latin1');
  const digest = createHash('sha256').update(out.subarray(0, b)).update(out.subarray(c)).digest();
  const der = await cms(key, [certDer], digest, new Date());
  out.write(der.toString('hex'), b + 1, 'latin1');
  return out;
}

function tinyPdf(text: string): Promise<Buffer> {
  return new Promise((resolvePdf) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: 'Uji' } });
    const chunks: Buffer[] = [];
    doc.on('data', (x: Buffer) => chunks.push(x));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.fontSize(14).text(text);
    doc.end();
  });
}

// --- a tiny certification authority ---------------------------------------------------------------------------

interface TestKey {
  priv: CryptoKey;
  pub: CryptoKey;
  key: KeyObject;
}

async function newKey(): Promise<TestKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    priv: await subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), RSA, false, ['sign']),
    pub: await subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), RSA, true, ['verify']),
    key: privateKey,
  };
}

const KU = { digitalSignature: 0x80, nonRepudiation: 0x40, keyEncipherment: 0x20, keyCertSign: 0x04, cRLSign: 0x02 } as const;

function name(cn: string, nip?: string): pkijs.RelativeDistinguishedNames {
  const rdns = [new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'ID' }) }).toSchema()] })];
  rdns.push(new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }).toSchema()] }));
  if (nip) rdns.push(new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.5', value: new asn1js.PrintableString({ value: nip }) }).toSchema()] }));
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

let serial = 100;
async function certificate(opts: { cn: string; nip?: string; key: TestKey; issuer?: { cn: string; key: TestKey }; ca?: boolean; basicConstraints?: boolean; usage: (keyof typeof KU)[]; from?: Date; until?: Date }): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial++ });
  cert.subject = name(opts.cn, opts.nip);
  cert.issuer = opts.issuer ? name(opts.issuer.cn) : name(opts.cn, opts.nip);
  cert.notBefore.value = opts.from ?? new Date(Date.now() - 86_400_000);
  cert.notAfter.value = opts.until ?? new Date(Date.now() + 365 * 86_400_000);
  const bits = opts.usage.reduce((x, u) => x | KU[u], 0);
  let unused = 0;
  while (unused < 7 && !(bits & (1 << unused))) unused++;
  const ku = new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits: unused });
  cert.extensions = [new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: ku.toBER(false), parsedValue: ku })];
  if (opts.basicConstraints !== false) cert.extensions.push(new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: !!opts.ca }).toSchema().toBER(false) }));
  await cert.subjectPublicKeyInfo.importKey(opts.key.pub);
  // sha256WithRSAEncryption with its NULL parameters, as certification authorities write it (pkijs leaves them out,
  // and node-forge, which reads an imported PKCS#12, would write them back and break the signature).
  const alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() });
  cert.signature = alg();
  cert.signatureAlgorithm = alg();
  const tbs = cert.encodeTBS().toBER(false);
  cert.signatureValue = new asn1js.BitString({ valueHex: await subtle.sign(RSA, (opts.issuer?.key ?? opts.key).priv, tbs) });
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
const fingerprint = (der: Uint8Array) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lentera-pdf-verify-'));
  ws = join(root, 'ws');
  const demo = await cli(['demo', '--data', ws, '--candidates', '40']);
  expect(demo.code, demo.all).toBe(0);
  wsPassFile = join(root, 'pass-workstation');
  writeFileSync(wsPassFile, demoWorkstationPassphrase(demo.all));
  pass.koordinator = join(root, 'pass-koordinator');
  writeFileSync(pass.koordinator, readDemoOutput(demo.all).signingPassphrase);
  const sheets = await cli(['sheets', '--data', ws, '--exam', EXAM, '--out', join(root, 'out'), '--session', SESSION, '--passphrase-file', pass.koordinator]);
  expect(sheets.code, sheets.all).toBe(0);
  pristine = readFileSync(join(root, 'out', `berita-acara-${SESSION}.pdf`));
  for (const who of ['ketua1', 'penguji1']) {
    pass[who] = join(root, `pass-${who}`);
    writeFileSync(pass[who]!, `rahasia-${who}`);
    const r = await cli(['keys', 'generate', '--data', ws, '--account', who, '--passphrase-file', pass[who]!]);
    expect(r.code, r.all).toBe(0);
  }
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('item 1: what changed after each signature', () => {
  it('genuine minutes, signed by the coordinator, the chair and a panelist, verify clean (each update only signs)', async () => {
    const f = file('genuine.pdf', pristine);
    expect((await signMinutes(f, 'ketua1')).code).toBe(0);
    expect((await signMinutes(f, 'penguji1')).code).toBe(0);
    const report = pdfsig(f);
    expect(report.match(/Signature is Valid\./g), report).toHaveLength(3);
    const r = await verify(f);
    expect(r.all).not.toMatch(/MODIFIED|INVALID/);
    expect(r.out.match(/: VALID /g)).toHaveLength(3);
    // Valid, but nobody vouches for the self-signed keys without --data or --trust: exit 4, fingerprints shown.
    expect(r.code, r.all).toBe(4);
    expect(r.out).toMatch(/NOT certified \(self-signed\)/);
    expect(r.out).toMatch(/certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    // With the workstation: every key is one of its own, and the minutes say what its records say.
    const d = await verify(f, '--data', ws);
    expect(d.code, d.all).toBe(0);
    expect(d.out).toMatch(/a signing key of this workstation: ketua1/);
  }, 60_000);

  for (const attack of ATTACKS) {
    it(`between signatures: ${attack.name} — verify reports it, minutes sign refuses`, async () => {
      const forged = attack.forge(pristine);
      const f = file(`between-${ATTACKS.indexOf(attack)}.pdf`, forged);
      // pdfsig still calls the coordinator's signature valid (it only checks the bytes it covers), or no longer sees it.
      if (!attack.hidesSignature) expect(pdfsig(f)).toContain('Signature is Valid.');
      if (attack.changesText) expect(pdftotext(f)).not.toBe(pdftotext(file('pristine.pdf', pristine)));
      // The chair is not asked to sign what the coordinator never saw.
      const s = await signMinutes(f, 'ketua1');
      expect(s.code, s.all).toBe(1);
      expect(s.all).toMatch(/do not verify \(modified after signature 1/);
      expect(readFileSync(f).equals(forged)).toBe(true);
      const v = await verify(f);
      expect(v.code, v.all).toBe(1);
      expect(v.err).toMatch(/MODIFIED after signature 1 \(revision 3\)/);
      expect(v.err).toMatch(attack.says);
      expect(v.out).toMatch(/signature 1: MODIFIED after it was signed/);
      // Signed anyway (past `minutes sign`): the chair's signature is valid, the coordinator's still is not.
      const chair = await identity('ketua1', 'rahasia-ketua1');
      const both = file(`between-${ATTACKS.indexOf(attack)}-signed.pdf`, await signPdf(forged, chair, { reason: 'Ketua panel', name: chair.commonName, location: 'Semarang' }));
      const v2 = await verify(both);
      expect(v2.code, v2.all).toBe(1);
      expect(v2.out).toMatch(/signature 1: MODIFIED after it was signed/);
      expect(v2.out).toMatch(/signature 2: VALID/);
      expect(v2.err).toMatch(/MODIFIED after signature 1 \(revision 3\)/);
    }, 60_000);
  }

  it('after the last signature: every attack is reported as a change after signature 2', async () => {
    const f = file('after.pdf', pristine);
    expect((await signMinutes(f, 'ketua1')).code).toBe(0);
    const signed = readFileSync(f);
    for (const attack of ATTACKS) {
      const g = file('after-forged.pdf', attack.forge(signed));
      const v = await verify(g);
      expect(v.code, `${attack.name}\n${v.all}`).toBe(1);
      expect(v.err, attack.name).toMatch(/MODIFIED after signature 2 \(revision 4\)/);
      expect(v.err, attack.name).toMatch(attack.says);
      expect(v.out).toMatch(/signature 1: MODIFIED after it was signed/);
      expect(v.out).toMatch(/signature 2: MODIFIED after it was signed/);
      expect((await signMinutes(g, 'penguji1')).code, attack.name).toBe(1);
    }
  }, 120_000);

  it('validation data (/DSS) added after the last signature is accepted; the same stream drawn on the page is not', async () => {
    const f = file('dss.pdf', pristine);
    expect((await signMinutes(f, 'ketua1')).code).toBe(0);
    const signed = readFileSync(f);
    const d = read(signed);
    const n = d.size;
    const coord = await identity('koordinator', readFileSync(pass.koordinator!, 'utf8'));
    const certStream = `<< /Length ${coord.certDer.length} >>\nstream\n`;
    const withDss = update(signed, [
      { num: n, body: Buffer.concat([Buffer.from(certStream, 'latin1'), Buffer.from(coord.certDer), Buffer.from('\nendstream')]) },
      { num: n + 1, body: `<< /Certs [${n} 0 R] /VRI << >> >>` },
      { num: num(d.catalogRef), body: ser({ ...d.catalog, '/DSS': `${n + 1} 0 R` }) },
    ]);
    const v = await verify(file('dss-added.pdf', withDss));
    expect(v.all).not.toMatch(/MODIFIED|INVALID/);
    expect(v.code, v.all).toBe(4);
    // The DSS's stream also used as page content: a change of the page.
    const dd = read(withDss);
    const contents = Array.isArray(dd.page['/Contents']) ? dd.page['/Contents'] : [dd.page['/Contents']];
    const sneaky = update(withDss, [{ num: num(dd.pageRef), body: ser({ ...dd.page, '/Contents': [...contents, `${n} 0 R`] }) }]);
    const s = await verify(file('dss-sneaky.pdf', sneaky));
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/MODIFIED after signature 2 \(revision 5\): page 1: \/Contents changed/);
  }, 60_000);

  it('a certification signature (DocMDP P=2) first, then approval signatures: accepted; after P=1, refused', async () => {
    const coord = await identity('koordinator', readFileSync(pass.koordinator!, 'utf8'));
    const chair = await identity('ketua1', 'rahasia-ketua1');
    const base = await tinyPdf('Berita acara uji: nilai 4,250');
    const certified = await addSignature(base, coord.privateKey, coord.certDer, 2);
    const approved = await addSignature(certified, chair.privateKey, chair.certDer);
    const f = file('docmdp-2.pdf', approved);
    expect(pdfsig(f).match(/Signature is Valid\./g)).toHaveLength(2);
    const v = await verify(f);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toMatch(/signature 1: VALID[\s\S]*certification signature \(DocMDP P=2/);
    expect(v.out).toMatch(/signature 2: VALID/);
    // The same with P=1: no change at all may follow, not even a signature.
    const strict = await addSignature(await addSignature(base, coord.privateKey, coord.certDer, 1), chair.privateKey, chair.certDer);
    const s = await verify(file('docmdp-1.pdf', strict));
    expect(s.code, s.all).toBe(1);
    expect(s.err).toMatch(/MODIFIED after signature 1[\s\S]*DocMDP P=1/);
    // And with P=2, a content change after the approval is still a change.
    const o = await verify(file('docmdp-2-overlay.pdf', overlay(approved)));
    expect(o.code).toBe(1);
    expect(o.err).toMatch(/MODIFIED after signature 2/);
  }, 60_000);

  it("a forger's own self-signed key named like the chair: shown with its fingerprint, unknown to the workstation, refused by minutes sign", async () => {
    const made = await makeLocalCertificate({ displayName: 'Dr. Bambang Sutrisno, M.Si.', nip: '197006201995031002' }, 'Pemerintah Kota Semarang', new Date().toISOString());
    const key = await subtle.importKey('pkcs8', made.key.export({ type: 'pkcs8', format: 'der' }), RSA, false, ['sign']);
    const forged = file('forger.pdf', await signPdf(pristine, { privateKey: key, certDer: made.certDer }, { reason: 'Ketua panel', name: 'Dr. Bambang Sutrisno, M.Si.', location: 'Semarang' }));
    const v = await verify(forged, '--data', ws);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toContain(`certificate SHA-256 ${fingerprint(made.certDer)}`);
    expect(v.out).toMatch(/signature 2: VALID[\s\S]*NOT certified \(self-signed\)[\s\S]*NOT a signing key of this workstation/);
    const s = await signMinutes(forged, 'penguji1');
    expect(s.code).toBe(1);
    expect(s.all).toMatch(/is by a key this workstation does not know/);
  }, 60_000);
});

describe('item 2: the zero padding of /Contents is part of what is checked', () => {
  it('one padding byte changed from 00 makes the signature invalid', async () => {
    const pdf = Buffer.from(pristine);
    const [, b, c] = lastByteRange(pdf);
    const hex = pdf.toString('latin1', b + 1, c - 1);
    const derLen = (() => {
      const bytes = Buffer.from(hex.slice(0, 16), 'hex');
      const n = bytes[1]! & 0x7f;
      return 2 + n + bytes.subarray(2, 2 + n).reduce((x, y) => x * 256 + y, 0);
    })();
    const at = b + 1 + derLen * 2 + 200; // well inside the padding
    expect(pdf.toString('latin1', at, at + 2)).toBe('00');
    pdf.write('1', at, 'latin1');
    const f = file('padding.pdf', pdf);
    const [check] = await verifyPdfSignatures(pdf);
    expect(check).toMatchObject({ valid: false, problem: expect.stringMatching(/not zero padding/) });
    const v = await verify(f);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/signature 1: INVALID.*not zero padding \(unsigned data\)/);
  });
});

describe('item 3: a signature whose last byte is 0x00', () => {
  it('is read to its DER length, not cut at trailing zeros: valid for lentera as for pdfsig and openssl', async () => {
    const coord = await identity('koordinator', readFileSync(pass.koordinator!, 'utf8'));
    const made = await resign(pristine, coord.privateKey, [coord.certDer], new Date('2026-12-02T01:00:00Z'), true);
    expect(made.der[made.der.length - 1]).toBe(0);
    const f = file('zero-end.pdf', made.pdf);
    expect(pdfsig(f)).toContain('Signature is Valid.');
    // openssl verifies the same DER over the same bytes.
    const [, b, c, d] = lastByteRange(made.pdf);
    writeFileSync(join(root, 'zero.der'), made.der);
    writeFileSync(join(root, 'zero.data'), Buffer.concat([made.pdf.subarray(0, b), made.pdf.subarray(c, c + d)]));
    const ossl = spawnSync('openssl', ['cms', '-verify', '-binary', '-noverify', '-inform', 'DER', '-in', join(root, 'zero.der'), '-content', join(root, 'zero.data'), '-out', '/dev/null'], { encoding: 'utf8' });
    expect(ossl.stderr).toMatch(/Verification successful/);
    const [check] = await verifyPdfSignatures(made.pdf);
    expect(check, JSON.stringify(check)).toMatchObject({ valid: true, problem: null });
    const v = await verify(f);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toMatch(/signature 1: VALID/);
    // minutes sign asks the same question: these minutes are signed, and the chair may add a signature.
    const s = await signMinutes(f, 'ketua1');
    expect(s.code, s.all).toBe(0);
    expect(s.out).toMatch(/2 signature\(s\) now/);
  }, 120_000);
});

describe('item 6: certified means a validated path to a trust root', () => {
  let trust: string;
  let rootKey: TestKey;
  const ROOT = 'Lentera Uji Root CA';

  beforeAll(async () => {
    rootKey = await newKey();
    trust = join(root, 'trust');
    mkdirSync(trust);
    writeFileSync(join(trust, 'root.pem'), pem(await certificate({ cn: ROOT, key: rootKey, ca: true, usage: ['keyCertSign', 'cRLSign'], from: new Date(Date.now() - 365 * 86_400_000) })));
  });

  async function signedBy(certs: Uint8Array[], key: TestKey, signingTime = new Date()): Promise<string> {
    const base = await signPdf(await tinyPdf('Lembar uji'), { privateKey: key.priv, certDer: certs[0]! }, { reason: 'uji', name: 'Penguji', location: 'Semarang', signingTime });
    return file(`signed-${serial}.pdf`, (await resign(base, key.priv, certs, signingTime)).pdf);
  }

  it('a signer issued by the root: certified by it, with NIP and fingerprint (exit 0); without trust roots: NOT certified (exit 4)', async () => {
    const k = await newKey();
    const cert = await certificate({ cn: 'Siti Rahayu', nip: '198501012010012001', key: k, issuer: { cn: ROOT, key: rootKey }, usage: ['digitalSignature', 'nonRepudiation'] });
    const f = await signedBy([cert], k);
    const v = await verify(f, '--trust', trust);
    expect(v.code, v.all).toBe(0);
    expect(v.out).toMatch(/signature 1: VALID {2}signer Siti Rahayu {2}NIP 198501012010012001/);
    expect(v.out).toContain(`certificate SHA-256 ${fingerprint(cert)}`);
    expect(v.out).toMatch(new RegExp(`certified by C=ID, CN=${ROOT}`));
    const none = await verify(f);
    expect(none.code).toBe(4);
    expect(none.out).toMatch(/NOT certified \(unknown issuer/);
  }, 30_000);

  it("a certificate whose issuer NAME is the root's, signed by another key: NOT certified (the identity list and verify)", async () => {
    const impostorRoot = await newKey();
    const k = await newKey();
    const cert = await certificate({ cn: 'Penyusup', key: k, issuer: { cn: ROOT, key: impostorRoot }, usage: ['digitalSignature', 'nonRepudiation'] });
    // The identity list asks when a PKCS#12 is imported: the impostor is not certified, a genuine one is.
    const ws2 = join(root, 'ws2');
    expect((await cli(['init', '--plain', '--data', ws2, '--admin', 'koordinator', '--pin', '246810'])).code).toBe(0);
    mkdirSync(join(ws2, 'trust'));
    writeFileSync(join(ws2, 'trust', 'root.pem'), readFileSync(join(trust, 'root.pem')));
    const p12 = (der: Uint8Array, key: KeyObject) => {
      const fcert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(der).toString('binary')));
      const fkey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }) as string);
      return Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(fkey, [fcert], 'p12-sandi', { algorithm: '3des' })).getBytes(), 'binary');
    };
    const app = new LenteraApp({ dataDir: ws2 });
    try {
      const db = app.workstation!.db;
      const id = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
      const at = new Date().toISOString();
      expect(importP12(db, ws2, id, p12(cert, k.key), 'p12-sandi', 'rahasia-sekali', at).certified).toBe(false);
      const k2 = await newKey();
      const genuine = await certificate({ cn: 'Asli', key: k2, issuer: { cn: ROOT, key: rootKey }, usage: ['digitalSignature'] });
      expect(importP12(db, ws2, id, p12(genuine, k2.key), 'p12-sandi', 'rahasia-sekali', at).certified).toBe(true);
    } finally {
      app.close();
    }
    const v = await verify(await signedBy([cert], k), '--trust', trust);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toMatch(/NOT certified \(unknown issuer C=ID, CN=Lentera Uji Root CA \(a certificate of that name is known, but it did not sign this one\)\)/);
  }, 30_000);

  it('validity is judged at signing time: expired then is NOT certified, valid then (expired now) is', async () => {
    const k = await newKey();
    const cert = await certificate({ cn: 'Kedaluwarsa', key: k, issuer: { cn: ROOT, key: rootKey }, usage: ['digitalSignature'], from: new Date(Date.now() - 10 * 86_400_000), until: new Date(Date.now() - 5 * 86_400_000) });
    const late = await verify(await signedBy([cert], k, new Date()), '--trust', trust);
    expect(late.code, late.all).toBe(4);
    expect(late.out).toMatch(/NOT certified \(the signer certificate was expired at signing time/);
    const inTime = await verify(await signedBy([cert], k, new Date(Date.now() - 7 * 86_400_000)), '--trust', trust);
    expect(inTime.code, inTime.all).toBe(0);
    expect(inTime.out).toMatch(/certified by/);
  }, 30_000);

  it('an intermediate without basicConstraints CA:true cannot issue: NOT certified', async () => {
    const ik = await newKey();
    const inter = await certificate({ cn: 'Bukan CA', key: ik, issuer: { cn: ROOT, key: rootKey }, basicConstraints: false, usage: ['keyCertSign', 'digitalSignature'] });
    const k = await newKey();
    const leaf = await certificate({ cn: 'Di bawah bukan CA', key: k, issuer: { cn: 'Bukan CA', key: ik }, usage: ['digitalSignature'] });
    const v = await verify(await signedBy([leaf, inter], k), '--trust', trust);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toMatch(/NOT certified \(C=ID, CN=Bukan CA is not a certification authority/);
    // The same intermediate as a real CA: certified through it.
    const ik2 = await newKey();
    const inter2 = await certificate({ cn: 'CA Antara', key: ik2, issuer: { cn: ROOT, key: rootKey }, ca: true, usage: ['keyCertSign'] });
    const k2 = await newKey();
    const leaf2 = await certificate({ cn: 'Di bawah CA', key: k2, issuer: { cn: 'CA Antara', key: ik2 }, usage: ['nonRepudiation'] });
    const ok = await verify(await signedBy([leaf2, inter2], k2), '--trust', trust);
    expect(ok.code, ok.all).toBe(0);
  }, 30_000);

  it('a signer certificate without digitalSignature or nonRepudiation: NOT certified', async () => {
    const k = await newKey();
    const cert = await certificate({ cn: 'Hanya enkripsi', key: k, issuer: { cn: ROOT, key: rootKey }, usage: ['keyEncipherment'] });
    const v = await verify(await signedBy([cert], k), '--trust', trust);
    expect(v.code, v.all).toBe(4);
    expect(v.out).toMatch(/may not sign \(key usage has neither digitalSignature nor nonRepudiation\)/);
  }, 30_000);
});

describe('item 12d: minutes checked against the workstation (--data)', () => {
  it('genuine minutes match the session finalizations', async () => {
    const v = await verify(file('minutes-data.pdf', pristine), '--data', ws);
    expect(v.code, v.all).toBe(0);
    expect(v.out).toMatch(new RegExp(`minutes of ${EXAM} ${SESSION}: MATCH the workstation records`));
  });

  it('minutes printing another score than the finalization: DO NOT MATCH (verify), refused (minutes sign)', async () => {
    const app = new LenteraApp({ dataDir: ws, ...unlocked() });
    let data: ReturnType<typeof minutesData>;
    try {
      const examId = app.workstation!.db.prepare('SELECT id FROM exams').pluck().get() as string;
      data = minutesData(app.workstation!.db, examId, SESSION);
    } finally {
      app.close();
    }
    const wrong = { ...data, scores: data.scores.map((s, i) => (i === 0 ? { ...s, total: '4.999' } : s)) };
    const coord = await identity('koordinator', readFileSync(pass.koordinator!, 'utf8'));
    const unsigned = await (renderMinutes as (...a: unknown[]) => Promise<Buffer>)(wrong, { name: coord.commonName, certified: false });
    const f = file('minutes-wrong.pdf', await signPdf(unsigned, coord, { reason: 'koordinator', name: coord.commonName, location: 'Semarang' }));
    expect(pdftotext(f)).toContain('4,999');
    const v = await verify(f, '--data', ws);
    expect(v.code, v.all).toBe(1);
    expect(v.out).toMatch(/DO NOT MATCH the workstation records/);
    expect(v.err).toMatch(new RegExp(`${data.scores[0]!.nomorPeserta}: the minutes print [0-9, ]*4,999[0-9, ]*, the workstation's finalization says [0-9, ]* and nilai ${data.scores[0]!.total!.replace('.', ',')}`));
    const s = await signMinutes(f, 'ketua1');
    expect(s.code).toBe(1);
    expect(s.all).toMatch(/do not say what the workstation's records say/);
  }, 60_000);
});
