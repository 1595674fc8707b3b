/**
 * Just enough of PDF to add an incremental update to a file Lentera wrote (pdfkit's output and Lentera's own
 * updates: classic cross-reference tables, uncompressed dictionaries): read the cross-reference sections, read a
 * dictionary object, write objects anew after the last byte, and close the update with its own cross-reference
 * section and trailer. Earlier bytes are never touched, so earlier signatures stay valid.
 */
import { LenteraError } from '../util/errors';

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen = 0,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/** A string as its bytes (text strings are UTF-16BE with a byte-order mark or PDFDocEncoding). */
export class PdfString {
  constructor(readonly bytes: Buffer) {}
  static text(s: string): PdfString {
    // ASCII stays one byte a character; anything else is UTF-16BE with its byte-order mark.
    if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'));
    const utf16 = Buffer.from(s, 'utf16le').swap16();
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
  }
  toText(): string {
    const b = this.bytes;
    if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
    return b.toString('latin1');
  }
}

/** Written as is: a number kept in its own spelling, or text already in PDF syntax. */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfRaw | PdfValue[] | PdfDict;
export type PdfDict = Map<string, PdfValue>;

export const name = (n: string) => new PdfName(n);

export function dict(entries: Record<string, PdfValue | undefined>): PdfDict {
  const m: PdfDict = new Map();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) m.set(k, v);
  return m;
}

function unsupported(what: string): never {
  throw new LenteraError('PDF_UNSUPPORTED', `This PDF cannot be signed here (${what}); Lentera signs the PDFs it wrote itself.`, { what });
}

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set('()<>[]{}/%'.split('').map((c) => c.charCodeAt(0)));

/** A reader over a PDF's bytes, as a latin1 string (one character a byte). */
class Lexer {
  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  skip(): void {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && WS.has(t.charCodeAt(this.pos))) this.pos++;
      if (t[this.pos] !== '%') return;
      while (this.pos < t.length && t[this.pos] !== '\n' && t[this.pos] !== '\r') this.pos++;
    }
  }

  word(): string {
    this.skip();
    const start = this.pos;
    while (this.pos < this.text.length && !WS.has(this.text.charCodeAt(this.pos)) && !DELIM.has(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  value(): PdfValue {
    this.skip();
    const t = this.text;
    const c = t[this.pos];
    if (c === undefined) unsupported('the file ends inside an object');
    if (c === '<' && t[this.pos + 1] === '<') {
      this.pos += 2;
      const d: PdfDict = new Map();
      for (;;) {
        this.skip();
        if (t.startsWith('>>', this.pos)) {
          this.pos += 2;
          return d;
        }
        const key = this.value();
        if (!(key instanceof PdfName)) unsupported('a dictionary key that is not a name');
        d.set(key.name, this.value());
      }
    }
    if (c === '[') {
      this.pos++;
      const a: PdfValue[] = [];
      for (;;) {
        this.skip();
        if (t[this.pos] === ']') {
          this.pos++;
          return a;
        }
        a.push(this.value());
      }
    }
    if (c === '/') {
      this.pos++;
      const start = this.pos;
      while (this.pos < t.length && !WS.has(t.charCodeAt(this.pos)) && !DELIM.has(t.charCodeAt(this.pos))) this.pos++;
      return new PdfName(t.slice(start, this.pos).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
    if (c === '(') return this.literal();
    if (c === '<') {
      const end = t.indexOf('>', this.pos);
      if (end < 0) unsupported('an unterminated hex string');
      const hex = t.slice(this.pos + 1, end).replace(/\s+/g, '');
      this.pos = end + 1;
      return new PdfString(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    }
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) {
      // An indirect reference: "num gen R".
      if (/^\d+$/.test(w)) {
        const save = this.pos;
        const gen = this.word();
        if (/^\d+$/.test(gen)) {
          const r = this.word();
          if (r === 'R') return new PdfRef(Number(w), Number(gen));
        }
        this.pos = save;
      }
      return w.includes('.') ? new PdfRaw(w) : Number(w);
    }
    return unsupported(`an unexpected token "${w.slice(0, 20)}"`);
  }

  private literal(): PdfString {
    const t = this.text;
    const out: number[] = [];
    let depth = 1;
    const ESC: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
    for (let i = this.pos + 1; i < t.length; i++) {
      const c = t[i]!;
      if (c === '\\') {
        const e = t[++i]!;
        if (e in ESC) out.push(ESC[e]!);
        else if (e >= '0' && e <= '7') {
          let oct = e;
          while (oct.length < 3 && t[i + 1]! >= '0' && t[i + 1]! <= '7') oct += t[++i];
          out.push(parseInt(oct, 8) & 0xff);
        } else if (e === '\r') {
          if (t[i + 1] === '\n') i++;
        } else if (e !== '\n') out.push(e.charCodeAt(0));
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        this.pos = i + 1;
        return new PdfString(Buffer.from(out));
      }
      out.push(c.charCodeAt(0));
    }
    return unsupported('an unterminated string');
  }
}

function fmtNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** A value in PDF syntax (ASCII only: strings that are not plain ASCII are written in hex). */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return fmtNumber(v);
  if (v instanceof PdfName) return `/${v.name.replace(/[^!-~]|[()<>[\]{}/%#]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (v instanceof PdfRef) return v.toString();
  if (v instanceof PdfRaw) return v.text;
  if (v instanceof PdfString) {
    const b = v.bytes;
    if (b.every((x) => x >= 0x20 && x <= 0x7e)) return `(${b.toString('latin1').replace(/[\\()]/g, '\\$&')})`;
    return `<${b.toString('hex').toUpperCase()}>`;
  }
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  return `<<${[...v].map(([k, x]) => `${serialize(new PdfName(k))} ${serialize(x)}`).join(' ')}>>`;
}

export interface XrefEntry {
  offset: number;
  gen: number;
}

/** The structure of a PDF as its last cross-reference section and the ones before it say. */
export class PdfFile {
  readonly text: string;
  readonly xref = new Map<number, XrefEntry>();
  readonly trailer: PdfDict;
  /** the offset of the last cross-reference section (the new update's /Prev) */
  readonly startxref: number;

  constructor(readonly bytes: Buffer) {
    this.text = bytes.toString('latin1');
    const tail = this.text.slice(-1024);
    const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    if (!m) unsupported('no startxref at its end');
    this.startxref = Number(m[1]);
    let trailer: PdfDict | undefined;
    const seen = new Set<number>();
    for (let at: number | undefined = this.startxref; at !== undefined; ) {
      if (seen.has(at)) unsupported('a cross-reference loop');
      seen.add(at);
      const section = this.readXref(at);
      trailer ??= section.trailer;
      const prev = section.trailer.get('Prev');
      at = typeof prev === 'number' ? prev : undefined;
    }
    this.trailer = trailer!;
  }

  private readXref(at: number): { trailer: PdfDict } {
    if (!this.text.startsWith('xref', at)) unsupported('a cross-reference stream, or startxref not pointing at "xref"');
    const lx = new Lexer(this.text, at + 4);
    for (;;) {
      const w = lx.word();
      if (w === 'trailer') break;
      const first = Number(w);
      const count = Number(lx.word());
      if (!Number.isInteger(first) || !Number.isInteger(count)) unsupported('a damaged cross-reference section');
      for (let i = 0; i < count; i++) {
        const offset = Number(lx.word());
        const gen = Number(lx.word());
        const kind = lx.word();
        // An entry already known comes from a newer section: it wins.
        if (kind === 'n' && !this.xref.has(first + i)) this.xref.set(first + i, { offset, gen });
        else if (kind === 'f' && !this.xref.has(first + i)) this.xref.set(first + i, { offset: -1, gen });
      }
    }
    const trailer = lx.value();
    if (!(trailer instanceof Map)) unsupported('a trailer that is not a dictionary');
    if (trailer.has('Encrypt')) unsupported('it is encrypted');
    return { trailer };
  }

  /** The object's value (for a stream: its dictionary). */
  object(ref: PdfRef): PdfValue {
    const e = this.xref.get(ref.num);
    if (!e || e.offset < 0) unsupported(`object ${ref.num} is missing`);
    const lx = new Lexer(this.text, e.offset);
    const num = lx.word();
    const gen = lx.word();
    const obj = lx.word();
    if (Number(num) !== ref.num || Number(gen) !== e.gen || obj !== 'obj') unsupported(`object ${ref.num} is not where the cross-reference table says`);
    return lx.value();
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    return v instanceof PdfRef ? this.object(v) : v;
  }

  dictAt(ref: PdfRef): PdfDict {
    const v = this.object(ref);
    if (!(v instanceof Map)) unsupported(`object ${ref.num} is not a dictionary`);
    return v;
  }

  get rootRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef)) unsupported('no document catalog');
    return r;
  }

  /** The highest object number in use, or declared by /Size. */
  get size(): number {
    const declared = this.trailer.get('Size');
    return Math.max(typeof declared === 'number' ? declared : 0, ...[...this.xref.keys()].map((n) => n + 1));
  }

  /** Page object references in order. */
  pages(): PdfRef[] {
    const out: PdfRef[] = [];
    const walk = (ref: PdfRef, depth: number) => {
      if (depth > 32) unsupported('a page tree too deep');
      const node = this.dictAt(ref);
      const kids = this.resolve(node.get('Kids'));
      if (Array.isArray(kids)) {
        for (const k of kids) if (k instanceof PdfRef) walk(k, depth + 1);
      } else out.push(ref);
    };
    const pagesRef = this.dictAt(this.rootRef).get('Pages');
    if (!(pagesRef instanceof PdfRef)) unsupported('no page tree');
    walk(pagesRef, 0);
    return out;
  }
}

export interface NewObject {
  ref: PdfRef;
  /** the object's body in PDF syntax (a stream object includes its "stream ... endstream") */
  body: string;
}

/**
 * The text of an incremental update: the objects, then a cross-reference section covering exactly them (its
 * startxref pointing at the "xref" keyword itself), and a trailer whose /Size is one more than the highest object
 * number. ASCII only, so characters are bytes.
 */
export function updateText(file: PdfFile, objects: NewObject[]): { text: string; offsets: Map<number, number> } {
  const base = file.bytes.length;
  let text = file.bytes[base - 1] === 0x0a || file.bytes[base - 1] === 0x0d ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.ref.num, base + text.length);
    text += `${o.ref.num} ${o.ref.gen} obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = base + text.length;
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    xref += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const gen = objects.find((o) => o.ref.num === nums[k])!.ref.gen;
      xref += `${String(offsets.get(nums[k]!)).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`;
    }
    i = j + 1;
  }
  const size = Math.max(file.size, nums.length ? nums[nums.length - 1]! + 1 : 0);
  const trailer = dict({ Size: size, Root: file.trailer.get('Root'), Info: file.trailer.get('Info'), ID: file.trailer.get('ID'), Prev: file.startxref });
  text += `${xref}trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`;
  return { text, offsets };
}
