/**
 * Writing PDF, the other half of pdf-structure.ts (which reads it, and whose values this writes): values in PDF
 * syntax, and an incremental update appended to a file Lentera wrote (pdfkit's output and Lentera's own updates):
 * the new and rewritten objects after the last byte, then a cross-reference section for exactly them and a
 * trailer. Earlier bytes are never touched, so earlier signatures stay valid.
 */
import { LenteraError } from '../util/errors';
import { PdfDict, PdfFile, PdfName, PdfRaw, PdfReadError, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-structure';

function unsupported(what: string): never {
  throw new LenteraError('PDF_UNSUPPORTED', `This PDF cannot be signed here (${what}); Lentera signs the PDFs it wrote itself.`, { what });
}

/**
 * `read` over a file that an update is to continue. What pdf-structure cannot read exactly, and what this writer
 * cannot continue (a cross-reference stream: it writes a classic table; encryption; bytes after the last %%EOF),
 * is PDF_UNSUPPORTED.
 */
export function readForUpdate<T>(pdf: Buffer, read: (file: PdfFile) => T): T {
  try {
    const file = new PdfFile(pdf);
    if (file.sections.some((s) => s.kind !== 'table')) unsupported('a cross-reference stream');
    if (file.sections.some((s) => s.trailer.has('Encrypt'))) unsupported('it is encrypted');
    if (file.trailingBytes) unsupported('bytes after its last %%EOF');
    return read(file);
  } catch (e) {
    if (e instanceof PdfReadError) unsupported(e.message);
    throw e;
  }
}

/** Integers as they are; other numbers in decimal notation, as short as reads back the same (pdfkit's spelling). */
function fmtNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = String(n);
  if (!s.includes('e')) return s;
  const fixed = n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** A value in PDF syntax: ASCII (strings that are not plain ASCII are written in hex), a stream's data as latin1. */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return fmtNumber(v);
  if (v instanceof PdfName) return `/${v.name.replace(/[^!-~]|[()<>[\]{}/%#]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfRaw) return v.text;
  if (v instanceof PdfString) {
    const b = Buffer.from(v.bytes);
    if (b.every((x) => x >= 0x20 && x <= 0x7e)) return `(${b.toString('latin1').replace(/[\\()]/g, '\\$&')})`;
    return `<${b.toString('hex').toUpperCase()}>`;
  }
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  if (v instanceof PdfStream) return `${serialize(v.dict.with({ Length: v.raw.length }))}\nstream\n${Buffer.from(v.raw).toString('latin1')}\nendstream`;
  return `<<${[...v.map].map(([k, x]) => `${serialize(new PdfName(k))} ${serialize(x)}`).join(' ')}>>`;
}

export interface NewObject {
  /** a new object's number, or a rewritten object's own number and generation */
  ref: PdfRef;
  value: PdfValue;
}

/**
 * The file with one incremental update appended: the objects, then a cross-reference section covering exactly
 * them (its startxref pointing at the "xref" keyword itself), and a trailer whose /Size is one more than the
 * highest object number and whose /Prev is the last section before it. Also where each object starts.
 */
export function appendUpdate(file: PdfFile, objects: NewObject[]): { pdf: Buffer; offsets: Map<number, number> } {
  const base = file.buf.length;
  let text = file.buf[base - 1] === 0x0a || file.buf[base - 1] === 0x0d ? '' : '\n';
  const offsets = new Map<number, number>();
  const gens = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.ref.num, base + text.length);
    gens.set(o.ref.num, o.ref.gen);
    text += `${o.ref.num} ${o.ref.gen} obj\n${serialize(o.value)}\nendobj\n`;
  }
  const xrefAt = base + text.length;
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    xref += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) xref += `${String(offsets.get(nums[k]!)).padStart(10, '0')} ${String(gens.get(nums[k]!)).padStart(5, '0')} n \n`;
    i = j + 1;
  }
  const last = file.sections[file.revisions - 1]!;
  const size = Math.max(file.size, nums.length ? nums[nums.length - 1]! + 1 : 0);
  const trailer = PdfDict.of({ Size: size, Root: last.trailer.get('Root'), Info: last.trailer.get('Info'), ID: last.trailer.get('ID'), Prev: last.offset });
  text += `${xref}trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`;
  const pdf = Buffer.allocUnsafe(base + text.length);
  file.buf.copy(pdf, 0);
  pdf.write(text, base, 'latin1');
  return { pdf, offsets };
}
