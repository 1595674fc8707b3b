import { createHash } from 'node:crypto';
import { fingerprintOf } from '../keys/identities';
import { cmsSignature, type Signing } from './cms';
import { LenteraError } from '../util/errors';
import { loadPdfKit } from './pdf-libs';
import { longDate, wibTime } from './format';
import { nameOf, PdfDict, PdfFile, PdfName, PdfRaw, PdfReadError, PdfRef, PdfStream, PdfString, textOf, type PdfValue } from './pdf-structure';
import { appendUpdate, readForUpdate, type NewObject } from './pdf-update';

/** Room for the CMS SignedData (one RSA-3072 signature and the signer's certificate take about 1.6 KB). */
const SIGNATURE_BYTES = 8192;
/** "0 <b> <c> <d>", padded: the byte range is written once the update's length is known. */
const BYTE_RANGE_WIDTH = 40;

export type { Signing };

export interface SignatureMeta {
  reason: string;
  /** the signer's name, as the signature dictionary and the visible signature say it */
  name: string;
  location: string;
  signingTime?: Date;
  /**
   * The signature field to fill: a signer's own line drawn on the document (the minutes have one for the
   * coordinator and for each panelist). When the document has no such field, a new, invisible one is added.
   */
  field?: string;
  /** what the signer signs as, shown in the visible signature ("Koordinator lokasi", "Ketua panel", "Penguji") */
  role?: string;
}

/** D:YYYYMMDDHHmmSS+07'00' in WIB. */
function pdfDate(d: Date): string {
  const w = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `D:${w.slice(0, 4)}${w.slice(5, 7)}${w.slice(8, 10)}${w.slice(11, 13)}${w.slice(14, 16)}${w.slice(17, 19)}+07'00'`;
}

// --- the visible signature -------------------------------------------------------------------------------------

/** WinAnsiEncoding's bytes 0x80–0x9F; the rest of Latin-1 maps to itself. */
const WIN_ANSI: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c,
  0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b,
  0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

function winAnsiHex(s: string): string {
  let hex = '';
  for (const ch of s.normalize('NFC')) {
    const c = ch.codePointAt(0)!;
    const b = (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) ? c : (WIN_ANSI[c] ?? 0x3f);
    hex += b.toString(16).padStart(2, '0');
  }
  return `<${hex.toUpperCase()}>`;
}

let measurer: PDFKit.PDFDocument | undefined;

/** The width of a line in Helvetica (pdfkit's own metrics of the standard fonts). */
function widthOf(text: string, size: number, bold: boolean): number {
  if (!measurer) throw new Error('signPdf() makes the measurer before it draws');
  return measurer.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).widthOfString(text);
}

interface Line {
  text: string;
  size: number;
  bold?: boolean;
}

/** Fits a line into the width: a smaller size down to 5 pt, then cut with an ellipsis. */
function fit(line: Line, width: number): Line {
  let { text, size } = line;
  while (size > 5 && widthOf(text, size, !!line.bold) > width) size -= 0.5;
  while (text.length > 1 && widthOf(text, size, !!line.bold) > width) text = `${text.slice(0, -2)}…`;
  return { ...line, text, size };
}

/** The signature's own appearance: who signed, as what, when, and the certificate's fingerprint. */
function appearanceStream(w: number, h: number, lines: Line[]): string {
  const pad = 4;
  const fitted = lines.map((l) => fit(l, w - 2 * pad));
  let y = h - 2.5;
  let ops = `q\n0.95 0.97 1 rg 0 0 ${w.toFixed(2)} ${h.toFixed(2)} re f\n0.16 0.29 0.55 RG 0.8 w 0.4 0.4 ${(w - 0.8).toFixed(2)} ${(h - 0.8).toFixed(2)} re S\nBT\n0 0 0 rg\n`;
  for (const l of fitted) {
    y -= l.size + 0.9;
    ops += `/${l.bold ? 'F2' : 'F1'} ${l.size} Tf 1 0 0 1 ${pad} ${y.toFixed(2)} Tm ${winAnsiHex(l.text)} Tj\n`;
  }
  return `${ops}ET\nQ`;
}

const name = (n: string) => new PdfName(n);

export const HELVETICA = (base: string) => PdfDict.of({ Type: name('Font'), Subtype: name('Type1'), BaseFont: name(base), Encoding: name('WinAnsiEncoding') });

/** The fonts of the visible signatures, as the form's default resources name them (/Helv, /HeBo). */
export const APPEARANCE_FONTS = { Helv: 'Helvetica', HeBo: 'Helvetica-Bold' } as const;

function appearanceObject(rect: number[], lines: Line[], fonts: { regular: PdfRef; bold: PdfRef }): PdfStream {
  const w = Math.abs(rect[2]! - rect[0]!);
  const h = Math.abs(rect[3]! - rect[1]!);
  const d = PdfDict.of({
    Type: name('XObject'),
    Subtype: name('Form'),
    BBox: [0, 0, Number(w.toFixed(2)), Number(h.toFixed(2))],
    // Fonts by reference: a direct font dictionary has no object number, which some readers then make up.
    Resources: PdfDict.of({ Font: PdfDict.of({ F1: fonts.regular, F2: fonts.bold }) }),
  });
  return new PdfStream(d, Buffer.from(appearanceStream(w, h, lines), 'latin1'));
}

function numbers(v: PdfValue | undefined): number[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x : 0)) : [0, 0, 0, 0];
}

// --- the signature as an incremental update --------------------------------------------------------------------

interface SigField {
  ref: PdfRef;
  dict: PdfDict;
  name: string;
  signed: boolean;
}

/** The document as its last revision has it: the catalog, the form (none yet: empty) and its signature fields. */
interface Form {
  rev: number;
  rootRef: PdfRef;
  catalog: PdfDict;
  /** the catalog's /AcroForm as it stands: a reference, a dictionary of its own, or nothing */
  acroValue: PdfValue | undefined;
  acro: PdfDict;
  fieldRefs: PdfRef[];
  sigFields: SigField[];
}

function dictAt(file: PdfFile, rev: number, ref: PdfRef): PdfDict {
  const v = file.object(rev, ref.num, ref.gen);
  if (!(v instanceof PdfDict)) throw new PdfReadError(`object ${ref.num} is not a dictionary`);
  return v;
}

function formOf(file: PdfFile): Form {
  const rev = file.revisions - 1;
  const rootRef = file.sections[rev]!.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new PdfReadError('no document catalog');
  const catalog = dictAt(file, rev, rootRef);
  const acroValue = catalog.get('AcroForm');
  const acro = acroValue instanceof PdfRef ? dictAt(file, rev, acroValue) : acroValue instanceof PdfDict ? acroValue : PdfDict.of({});
  const fieldsValue = file.resolve(rev, acro.get('Fields'));
  const fieldRefs = Array.isArray(fieldsValue) ? fieldsValue.filter((x): x is PdfRef => x instanceof PdfRef) : [];
  const sigFields: SigField[] = [];
  for (const ref of fieldRefs) {
    const d = dictAt(file, rev, ref);
    if (nameOf(d.get('FT')) === 'Sig') sigFields.push({ ref, dict: d, name: textOf(d.get('T')) ?? '', signed: d.has('V') });
  }
  return { rev, rootRef, catalog, acroValue, acro, fieldRefs, sigFields };
}

/**
 * Adds one signature as an incremental update, so signatures already in the file stay valid.
 *
 * The first signature of a document is a certification signature: its dictionary carries a DocMDP transform with
 * P=2 and the catalog names it in /Perms, so a reader flags any later change other than filling in form fields
 * and signing. Every later signature (the chair, the panelists) is an approval signature that fills its own field:
 * such an update adds the signature dictionary and the field's appearance, and rewrites only that field.
 */
export async function signPdf(pdf: Buffer, id: Signing, meta: SignatureMeta): Promise<Buffer> {
  measurer ??= new (await loadPdfKit())({ autoFirstPage: false });
  const signingTime = meta.signingTime ?? new Date();
  const { file, objects, sigRef } = readForUpdate(pdf, (file) => ({ file, ...signatureUpdate(file, id, meta, signingTime) }));
  const { pdf: out, offsets } = appendUpdate(file, objects);
  const sigAt = offsets.get(sigRef.num)!;
  const rangeAt = out.indexOf('/ByteRange [', sigAt, 'latin1') + '/ByteRange ['.length;
  const b = out.indexOf('/Contents <', sigAt, 'latin1') + '/Contents '.length;
  const c = b + 2 + SIGNATURE_BYTES * 2;
  out.write(`0 ${b} ${c} ${out.length - c}`.padEnd(BYTE_RANGE_WIDTH, ' '), rangeAt, 'latin1');
  const digest = createHash('sha256').update(out.subarray(0, b)).update(out.subarray(c)).digest();
  const cms = await cmsSignature(id, digest, signingTime);
  if (cms.length > SIGNATURE_BYTES) throw new LenteraError('SIGNATURE_TOO_LARGE', `The signature (${cms.length} bytes) does not fit its place in the PDF.`, {});
  out.write(cms.toString('hex').toUpperCase(), b + 1, 'latin1');
  return out;
}

/** The objects of a signature's update: the signature dictionary first, with placeholders for its range and CMS. */
function signatureUpdate(file: PdfFile, id: Signing, meta: SignatureMeta, signingTime: Date): { objects: NewObject[]; sigRef: PdfRef } {
  const form = formOf(file);
  const { rev, rootRef, acroValue, fieldRefs, sigFields } = form;
  let { catalog, acro } = form;
  let catalogChanged = false;
  let next = file.size;
  const allocate = () => new PdfRef(next++, 0);
  const objects: NewObject[] = [];

  // The form lives in its own object, inside the catalog, or not yet at all.
  let acroChanged = !acroValue;
  const perms = file.resolve(rev, catalog.get('Perms'));
  // Certification only as the very first signature (a certification after an approval signature is not valid).
  const certify = !sigFields.some((f) => f.signed) && !(perms instanceof PdfDict && perms.has('DocMDP')) && !file.buf.includes('/ByteRange');

  const sigRef = allocate();
  const field = meta.field ? sigFields.find((f) => f.name === meta.field) : undefined;
  if (field?.signed) throw new LenteraError('ALREADY_SIGNED', `The signature line "${meta.field}" of this document is already signed.`, { field: meta.field });
  let fieldDict: PdfDict;
  let fieldRef: PdfRef;
  if (field) {
    fieldRef = field.ref;
    fieldDict = field.dict;
  } else {
    // No line drawn for this signer: a new field, invisible, on the first page.
    fieldRef = allocate();
    const pageRef = file.pages(rev)[0]?.ref;
    if (!pageRef) throw new LenteraError('PDF_UNSUPPORTED', 'This PDF has no page to sign.', {});
    const taken = new Set(sigFields.map((f) => f.name));
    let n = sigFields.length + 1;
    while (taken.has(`Signature${n}`)) n++;
    fieldDict = PdfDict.of({
      Type: name('Annot'),
      Subtype: name('Widget'),
      FT: name('Sig'),
      T: PdfString.text(meta.field ?? `Signature${n}`),
      F: 132,
      Rect: [0, 0, 0, 0],
      P: pageRef,
    });
    const page = dictAt(file, rev, pageRef);
    const annots = page.get('Annots');
    if (annots instanceof PdfRef) {
      const list = file.object(rev, annots.num, annots.gen);
      objects.push({ ref: annots, value: [...(Array.isArray(list) ? list : []), fieldRef] });
    } else objects.push({ ref: pageRef, value: page.with({ Annots: [...(Array.isArray(annots) ? annots : []), fieldRef] }) });
    const fields = acro.get('Fields');
    if (fields instanceof PdfRef) objects.push({ ref: fields, value: [...fieldRefs, fieldRef] });
    else acro = acro.with({ Fields: [...fieldRefs, fieldRef] });
    acroChanged = true;
  }
  fieldDict = fieldDict.with({ V: sigRef });

  const rect = numbers(fieldDict.get('Rect'));
  if (Math.abs(rect[2]! - rect[0]!) > 1 && Math.abs(rect[3]! - rect[1]!) > 1) {
    const fp = fingerprintOf(id.certDer);
    // The form's own Helvetica (its default resources), else two font objects of this update.
    const dr = file.resolve(rev, acro.get('DR'));
    const drFonts = dr instanceof PdfDict ? file.resolve(rev, dr.get('Font')) : undefined;
    const shared = (key: keyof typeof APPEARANCE_FONTS) => {
      const r = drFonts instanceof PdfDict ? drFonts.get(key) : undefined;
      if (r instanceof PdfRef) return r;
      const ref = allocate();
      objects.push({ ref, value: HELVETICA(APPEARANCE_FONTS[key]) });
      return ref;
    };
    const fonts = { regular: shared('Helv'), bold: shared('HeBo') };
    const apRef = allocate();
    objects.push({
      ref: apRef,
      value: appearanceObject(rect, [
        { text: meta.name, size: 8, bold: true },
        { text: meta.role ?? meta.reason, size: 7 },
        { text: `Ditandatangani: ${longDate(signingTime)}, ${wibTime(signingTime)}`, size: 7 },
        { text: `Sertifikat SHA-256 ${fp.slice(0, 47)}`, size: 6 },
        { text: fp.slice(48), size: 6 },
      ], fonts),
    });
    fieldDict = fieldDict.with({ AP: PdfDict.of({ N: apRef }) });
  }
  objects.push({ ref: fieldRef, value: fieldDict });

  if (acro.get('SigFlags') !== 3) {
    acro = acro.with({ SigFlags: 3 });
    acroChanged = true;
  }
  if (acroChanged) {
    if (acroValue instanceof PdfRef) objects.push({ ref: acroValue, value: acro });
    else if (acroValue instanceof PdfDict) {
      catalog = catalog.with({ AcroForm: acro });
      catalogChanged = true;
    } else {
      const ref = allocate();
      objects.push({ ref, value: acro });
      catalog = catalog.with({ AcroForm: ref });
      catalogChanged = true;
    }
  }
  if (certify) {
    catalog = catalog.with({ Perms: (perms instanceof PdfDict ? perms : PdfDict.of({})).with({ DocMDP: sigRef }) });
    catalogChanged = true;
  }
  if (catalogChanged) objects.push({ ref: rootRef, value: catalog });

  const reference = certify
    ? [PdfDict.of({ Type: name('SigRef'), TransformMethod: name('DocMDP'), TransformParams: PdfDict.of({ Type: name('TransformParams'), P: 2, V: name('1.2') }) })]
    : undefined;
  const sig = PdfDict.of({
    Type: name('Sig'),
    Filter: name('Adobe.PPKLite'),
    SubFilter: name('adbe.pkcs7.detached'),
    // Placeholders: the byte range is written once the update's length is known, the CMS once it is made.
    ByteRange: new PdfRaw(`[${' '.repeat(BYTE_RANGE_WIDTH)}]`),
    Contents: new PdfRaw(`<${'0'.repeat(SIGNATURE_BYTES * 2)}>`),
    Reference: reference,
    Name: PdfString.text(meta.name),
    Reason: PdfString.text(meta.reason),
    Location: PdfString.text(meta.location),
    M: PdfString.text(pdfDate(signingTime)),
  });
  objects.unshift({ ref: sigRef, value: sig });
  return { objects, sigRef };
}

/** The signature fields of a signed PDF: their names and whether each is signed (for choosing a signer's line). */
export function signatureFields(pdf: Buffer): { name: string; signed: boolean }[] {
  return readForUpdate(pdf, (file) => formOf(file).sigFields.map((f) => ({ name: f.name, signed: f.signed })));
}
