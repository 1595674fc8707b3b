import { inflateSync } from 'node:zlib';

/**
 * A focused reader of a PDF's object graph, revision by revision: the cross-reference sections (tables and
 * streams) chained by /Prev, each revision's objects as a conforming viewer resolves them, object streams and
 * the values inside them. It reads what signature verification needs and refuses what it cannot read exactly
 * (a hybrid-reference file, an object whose header does not match its cross-reference entry, a revision that
 * points past its own end), rather than guessing: verification fails closed. Signing reads with it too; its values
 * are what pdf-update.ts writes (PdfRaw, text written as it is, only ever written).
 *
 * Why not a library: pdf-lib (the one maintained JavaScript parser that exposes objects) reads a file
 * front to back and lets later definitions win, ignoring the cross-reference chain, so it cannot say what each
 * revision contained; pdfkit and @signpdf write PDFs but do not read object graphs.
 */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

/**
 * A string's bytes; `start`/`end` are its file offsets (the delimiters included), -1 inside an object stream or
 * for a string made to be written.
 */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly start = -1,
    readonly end = -1,
  ) {}

  /** A text string to write (textOf reads it back): ASCII one byte a character, else UTF-16BE with its byte-order mark. */
  static text(s: string): PdfString {
    if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'));
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]));
  }
}

/** Written as it is, never read: text already in PDF syntax (the placeholders of a signature dictionary). */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export class PdfDict {
  constructor(readonly map: Map<string, PdfValue>) {}
  /** A dictionary of the entries given, in their order; undefined ones are left out. */
  static of(entries: Record<string, PdfValue | undefined>): PdfDict {
    return new PdfDict(new Map()).with(entries);
  }
  /** A copy with these entries set (an existing key keeps its place, a new one goes last; undefined: removed). */
  with(entries: Record<string, PdfValue | undefined>): PdfDict {
    const map = new Map(this.map);
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined) map.delete(k);
      else map.set(k, v);
    }
    return new PdfDict(map);
  }
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
}

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
  ) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfRaw | PdfDict | PdfStream | PdfValue[];

export class PdfReadError extends Error {}

function fail(message: string): never {
  throw new PdfReadError(message);
}

const WS = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set([40, 41, 60, 62, 91, 93, 123, 125, 47, 37]);
const isRegular = (c: number | undefined) => c !== undefined && !WS.has(c) && !DELIM.has(c);
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;
const MAX_DEPTH = 64;

/** Tokens and values over a byte range [pos, limit); `inFile`: offsets are file offsets (else: a decoded stream's). */
class Parser {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly limit: number,
    readonly inFile: boolean,
  ) {}

  private at(i = this.pos): number | undefined {
    return i < this.limit ? this.buf[i] : undefined;
  }

  skipWs(): void {
    for (;;) {
      const c = this.at();
      if (c === undefined) return;
      if (WS.has(c)) this.pos++;
      else if (c === 37) {
        while (this.pos < this.limit && this.buf[this.pos] !== 10 && this.buf[this.pos] !== 13) this.pos++;
      } else return;
    }
  }

  /** The next keyword (a run of regular characters), consumed only when it equals `word`. */
  keyword(word: string): boolean {
    this.skipWs();
    let i = this.pos;
    while (isRegular(this.at(i))) i++;
    if (i - this.pos !== word.length) return false;
    for (let k = 0; k < word.length; k++) if (this.buf[this.pos + k] !== word.charCodeAt(k)) return false;
    this.pos = i;
    return true;
  }

  expectKeyword(word: string): void {
    if (!this.keyword(word)) fail(`expected "${word}" at ${this.pos}`);
  }

  integer(): number {
    this.skipWs();
    const start = this.pos;
    while (isDigit(this.at())) this.pos++;
    if (this.pos === start || this.pos - start > 15) fail(`expected an integer at ${start}`);
    if (isRegular(this.at())) fail(`expected an integer at ${start}`);
    return Number(Buffer.from(this.buf.subarray(start, this.pos)).toString('latin1'));
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) fail('objects nested too deeply');
    this.skipWs();
    const c = this.at();
    if (c === undefined) fail('unexpected end of data');
    if (c === 91) {
      this.pos++;
      const out: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        if (this.at() === 93) {
          this.pos++;
          return out;
        }
        out.push(this.value(depth + 1));
      }
    }
    if (c === 60 && this.at(this.pos + 1) === 60) {
      this.pos += 2;
      const map = new Map<string, PdfValue>();
      for (;;) {
        this.skipWs();
        if (this.at() === 62 && this.at(this.pos + 1) === 62) {
          this.pos += 2;
          return new PdfDict(map);
        }
        const key = this.value(depth + 1);
        if (!(key instanceof PdfName)) fail(`a dictionary key that is not a name at ${this.pos}`);
        if (map.has(key.name)) fail(`dictionary key /${key.name} given twice at ${this.pos}`);
        map.set(key.name, this.value(depth + 1));
      }
    }
    if (c === 60) return this.hexString();
    if (c === 40) return this.literalString();
    if (c === 47) return this.name();
    if (isDigit(c) || c === 43 || c === 45 || c === 46) return this.numberOrRef();
    const start = this.pos;
    while (isRegular(this.at())) this.pos++;
    const word = Buffer.from(this.buf.subarray(start, this.pos)).toString('latin1');
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    fail(`unexpected "${word || String.fromCharCode(c)}" at ${start}`);
  }

  private name(): PdfName {
    this.pos++;
    const bytes: number[] = [];
    while (isRegular(this.at())) {
      const c = this.buf[this.pos++]!;
      if (c === 35) {
        const hex = Buffer.from(this.buf.subarray(this.pos, this.pos + 2)).toString('latin1');
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`a bad #-escape in a name at ${this.pos}`);
        bytes.push(parseInt(hex, 16));
        this.pos += 2;
      } else bytes.push(c);
    }
    return new PdfName(Buffer.from(bytes).toString('latin1'));
  }

  private numberOrRef(): number | PdfRef {
    const start = this.pos;
    while (this.at() !== undefined && /[0-9+\-.]/.test(String.fromCharCode(this.at()!))) this.pos++;
    if (isRegular(this.at())) fail(`a bad number at ${start}`);
    const text = Buffer.from(this.buf.subarray(start, this.pos)).toString('latin1');
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) fail(`a bad number "${text}" at ${start}`);
    const n = Number(text);
    if (!/^\d+$/.test(text)) return n;
    // An integer may start a reference: "12 0 R".
    const save = this.pos;
    this.skipWs();
    const genStart = this.pos;
    while (isDigit(this.at())) this.pos++;
    if (this.pos > genStart && !isRegular(this.at())) {
      const gen = Number(Buffer.from(this.buf.subarray(genStart, this.pos)).toString('latin1'));
      this.skipWs();
      if (this.at() === 82 && !isRegular(this.at(this.pos + 1))) {
        this.pos++;
        return new PdfRef(n, gen);
      }
    }
    this.pos = save;
    return n;
  }

  private hexString(): PdfString {
    const start = this.pos;
    this.pos++;
    const digits: number[] = [];
    for (;;) {
      const c = this.at();
      if (c === undefined) fail(`an unterminated hex string at ${start}`);
      this.pos++;
      if (c === 62) break;
      if (WS.has(c)) continue;
      const d = parseInt(String.fromCharCode(c), 16);
      if (Number.isNaN(d)) fail(`a bad character in a hex string at ${this.pos - 1}`);
      digits.push(d);
    }
    if (digits.length % 2) digits.push(0);
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
    return new PdfString(bytes, this.inFile ? start : -1, this.inFile ? this.pos : -1);
  }

  private literalString(): PdfString {
    const start = this.pos;
    this.pos++;
    const out: number[] = [];
    let depth = 1;
    const ESC: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
    for (;;) {
      const c = this.at();
      if (c === undefined) fail(`an unterminated string at ${start}`);
      this.pos++;
      if (c === 92) {
        const e = this.at();
        if (e === undefined) fail(`an unterminated string at ${start}`);
        this.pos++;
        if (e in ESC) out.push(ESC[e]!);
        else if (e >= 48 && e <= 55) {
          let v = e - 48;
          for (let k = 0; k < 2 && this.at() !== undefined && this.at()! >= 48 && this.at()! <= 55; k++) v = v * 8 + (this.buf[this.pos++]! - 48);
          out.push(v & 0xff);
        } else if (e === 13) {
          if (this.at() === 10) this.pos++;
        } else if (e !== 10) out.push(e);
        continue;
      }
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
      out.push(c);
    }
    return new PdfString(Uint8Array.from(out), this.inFile ? start : -1, this.inFile ? this.pos : -1);
  }
}

export type XrefEntry = { kind: 'free' } | { kind: 'at'; offset: number; gen: number } | { kind: 'in'; stream: number; index: number };

export interface XrefSection {
  /** where this section (the "xref" keyword or the xref stream object) starts */
  offset: number;
  /** a classic cross-reference table ("xref" … "trailer") or a cross-reference stream */
  kind: 'table' | 'stream';
  /** the first byte of this revision (0, or the end of the previous one) */
  start: number;
  /** just after this revision's "%%EOF" */
  end: number;
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
}

function dictInt(d: PdfDict, key: string): number | null {
  const v = d.get(key);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function nameOf(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

/** PNG predictors (10–15), as xref and object streams use them. */
function unpredict(data: Uint8Array, parms: PdfDict | null): Uint8Array {
  const predictor = parms ? (dictInt(parms, 'Predictor') ?? 1) : 1;
  if (predictor === 1) return data;
  if (predictor < 10) fail(`predictor ${predictor} is not supported`);
  const colors = dictInt(parms!, 'Colors') ?? 1;
  const bpc = dictInt(parms!, 'BitsPerComponent') ?? 8;
  const columns = dictInt(parms!, 'Columns') ?? 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const row = Math.ceil((colors * bpc * columns) / 8);
  if (data.length % (row + 1)) fail('predicted data has a partial row');
  const rows = data.length / (row + 1);
  const out = new Uint8Array(rows * row);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (row + 1)]!;
    const src = data.subarray(r * (row + 1) + 1, (r + 1) * (row + 1));
    for (let i = 0; i < row; i++) {
      const left = i >= bpp ? out[r * row + i - bpp]! : 0;
      const up = r > 0 ? out[(r - 1) * row + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[(r - 1) * row + i - bpp]! : 0;
      let v = src[i]!;
      if (type === 1) v += left;
      else if (type === 2) v += up;
      else if (type === 3) v += (left + up) >> 1;
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (type !== 0) fail(`PNG filter type ${type} is not valid`);
      out[r * row + i] = v & 0xff;
    }
  }
  return out;
}

/** A stream's data with its filters undone (FlateDecode only; anything else is refused). */
export function decodeStream(s: PdfStream): Uint8Array {
  const filter = s.dict.get('Filter');
  const filters = filter === undefined || filter === null ? [] : Array.isArray(filter) ? filter : [filter];
  const parmsRaw = s.dict.get('DecodeParms');
  const parmsList = Array.isArray(parmsRaw) ? parmsRaw : [parmsRaw ?? null];
  let data: Uint8Array = s.raw;
  filters.forEach((f, i) => {
    const name = nameOf(f);
    if (name !== 'FlateDecode') fail(`stream filter ${name ?? '?'} is not supported`);
    try {
      data = inflateSync(data);
    } catch {
      fail('a FlateDecode stream does not inflate');
    }
    const p = parmsList[i];
    data = unpredict(data, p instanceof PdfDict ? p : null);
  });
  return data;
}

const MAX_SECTIONS = 500;

interface ObjectStream {
  data: Uint8Array;
  offsets: Map<number, number>;
  numbers: Map<number, number>;
  first: number;
}

/**
 * A PDF file read as its chain of revisions. Revision 0 is the original document; each incremental update adds
 * one. Objects are read lazily and cached.
 */
export class PdfFile {
  readonly sections: XrefSection[];
  /** bytes after the last "%%EOF" that are not white space (a viewer ignores them; nothing signs them) */
  readonly trailingBytes: number;
  private readonly parsed = new Map<string, { num: number; gen: number; value: PdfValue }>();
  private readonly objStreams = new Map<string, ObjectStream>();

  constructor(readonly buf: Buffer) {
    this.sections = this.readSections();
    const last = this.sections[this.sections.length - 1]!;
    let trailing = 0;
    for (let i = last.end; i < buf.length; i++) if (!WS.has(buf[i]!)) trailing++;
    this.trailingBytes = trailing;
  }

  get revisions(): number {
    return this.sections.length;
  }

  /** One more than the highest object number any revision lists or the last trailer declares (/Size). */
  get size(): number {
    let size = dictInt(this.sections[this.sections.length - 1]!.trailer, 'Size') ?? 0;
    for (const s of this.sections) for (const n of s.entries.keys()) size = Math.max(size, n + 1);
    return size;
  }

  private readSections(): XrefSection[] {
    const text = this.buf.toString('latin1', Math.max(0, this.buf.length - 2048));
    const at = text.lastIndexOf('startxref');
    if (at < 0) fail('no "startxref" near the end of the file');
    const p = new Parser(this.buf, this.buf.length - text.length + at + 'startxref'.length, this.buf.length, true);
    let offset: number | null = p.integer();
    const chain: XrefSection[] = [];
    const seen = new Set<number>();
    while (offset !== null) {
      if (seen.has(offset) || chain.length >= MAX_SECTIONS) fail('the cross-reference chain loops');
      seen.add(offset);
      if (chain.length && offset >= chain[chain.length - 1]!.offset) fail('a /Prev that does not point back to an earlier revision');
      const section = this.readSection(offset);
      chain.push(section);
      const prev = section.trailer.get('Prev');
      if (prev === undefined) offset = null;
      else if (typeof prev === 'number' && Number.isInteger(prev) && prev >= 0) offset = prev;
      else fail('a /Prev that is not an offset');
    }
    chain.reverse();
    for (let i = 0; i < chain.length; i++) {
      const s = chain[i]!;
      s.start = i === 0 ? 0 : chain[i - 1]!.end;
      if (i > 0 && s.offset < s.start) fail(`the cross-reference section of revision ${i + 1} lies inside an earlier revision`);
      if (s.end <= s.start) fail('revisions out of order');
    }
    return chain;
  }

  private readSection(offset: number): XrefSection {
    if (offset >= this.buf.length) fail('a cross-reference offset past the end of the file');
    const p = new Parser(this.buf, offset, this.buf.length, true);
    const entries = new Map<number, XrefEntry>();
    let trailer: PdfDict;
    const kind = p.keyword('xref') ? 'table' : 'stream';
    if (kind === 'table') {
      for (;;) {
        if (p.keyword('trailer')) break;
        const first = p.integer();
        const count = p.integer();
        if (count > 10_000_000) fail('a cross-reference subsection too large');
        for (let i = 0; i < count; i++) {
          const off = p.integer();
          const gen = p.integer();
          p.skipWs();
          const kind = this.buf[p.pos];
          if (kind !== 110 && kind !== 102) fail(`a bad cross-reference entry at ${p.pos}`);
          p.pos++;
          const num = first + i;
          if (num === 0) continue;
          if (entries.has(num)) fail(`object ${num} listed twice in one cross-reference section`);
          entries.set(num, kind === 110 ? { kind: 'at', offset: off, gen } : { kind: 'free' });
        }
      }
      const t = p.value();
      if (!(t instanceof PdfDict)) fail('a trailer that is not a dictionary');
      trailer = t;
      if (trailer.has('XRefStm')) fail('hybrid-reference files (/XRefStm) are not supported');
    } else {
      const obj = this.parseIndirectAt(p, offset, this.buf.length, () => fail('an xref stream with an indirect /Length'));
      const s = obj.value;
      if (!(s instanceof PdfStream) || nameOf(s.dict.get('Type')) !== 'XRef') fail('the cross-reference offset points to neither "xref" nor an xref stream');
      trailer = s.dict;
      const w = s.dict.get('W');
      if (!Array.isArray(w) || w.length !== 3 || w.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) fail('an xref stream with a bad /W');
      const [w0, w1, w2] = w as number[];
      // Wider than poppler reads: it refuses the section and rebuilds the cross-reference from the raw bytes, where
      // an object no section lists may win. What one reader refuses, this one does not read differently.
      if (w0! > 4 || w1! > 8 || w2! > 4) fail(`a cross-reference stream with /W [${w.join(' ')}]: wider fields than PDF readers accept (type and generation at most 4 bytes, offset at most 8)`);
      const size = dictInt(s.dict, 'Size');
      if (size === null) fail('an xref stream without /Size');
      const indexRaw = s.dict.get('Index') ?? [0, size];
      if (!Array.isArray(indexRaw) || indexRaw.length % 2 || indexRaw.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 0)) fail('an xref stream with a bad /Index');
      const data = decodeStream(s);
      const rowLen = w0! + w1! + w2!;
      let pos = 0;
      const field = (width: number, dflt: number) => {
        if (!width) return dflt;
        let v = 0;
        for (let k = 0; k < width; k++) v = v * 256 + data[pos++]!;
        return v;
      };
      for (let k = 0; k < indexRaw.length; k += 2) {
        const first = indexRaw[k] as number;
        const count = indexRaw[k + 1] as number;
        for (let i = 0; i < count; i++) {
          if (pos + rowLen > data.length) fail('an xref stream shorter than its /Index');
          const type = field(w0!, 1);
          const f2 = field(w1!, 0);
          const f3 = field(w2!, 0);
          const num = first + i;
          if (num === 0) continue;
          if (entries.has(num)) fail(`object ${num} listed twice in one cross-reference section`);
          if (type === 0) entries.set(num, { kind: 'free' });
          else if (type === 1) entries.set(num, { kind: 'at', offset: f2, gen: f3 });
          else if (type === 2) entries.set(num, { kind: 'in', stream: f2, index: f3 });
          // ISO 32000-1 (7.5.8.3) says to ignore other types; poppler and qpdf refuse the section and rebuild the
          // cross-reference from the raw bytes instead. Readers that disagree on what the document is: refused.
          else fail(`object ${num} has a cross-reference entry of unknown type ${type} (readers disagree on it: one ignores it, another rebuilds the cross-reference from the raw bytes)`);
        }
      }
      p.pos = obj.end;
    }
    p.expectKeyword('startxref');
    if (p.integer() !== offset) fail('a "startxref" that does not point to its own cross-reference section');
    // White space only: "%%EOF" would read as a comment.
    while (p.pos < this.buf.length && WS.has(this.buf[p.pos]!)) p.pos++;
    if (this.buf.toString('latin1', p.pos, p.pos + 5) !== '%%EOF') fail('no "%%EOF" after a cross-reference section');
    return { offset, kind, start: 0, end: p.pos + 5, entries, trailer };
  }

  /** Parses "num gen obj … endobj" at p.pos, not reading past `limit`. */
  private parseIndirectAt(p: Parser, offset: number, limit: number, length: (ref: PdfRef) => PdfValue): { num: number; gen: number; value: PdfValue; end: number } {
    p.pos = offset;
    const num = p.integer();
    const gen = p.integer();
    p.expectKeyword('obj');
    let value = p.value();
    if (p.keyword('stream')) {
      if (!(value instanceof PdfDict)) fail(`object ${num}: a stream without a dictionary`);
      if (this.buf[p.pos] === 13 && this.buf[p.pos + 1] === 10) p.pos += 2;
      else if (this.buf[p.pos] === 10) p.pos += 1;
      else fail(`object ${num}: "stream" not followed by an end of line`);
      let len = value.get('Length');
      if (len instanceof PdfRef) len = length(len);
      if (typeof len !== 'number' || !Number.isInteger(len) || len < 0) fail(`object ${num}: a stream without a valid /Length`);
      const start = p.pos;
      if (start + len > limit) fail(`object ${num}: a stream longer than its revision`);
      p.pos = start + len;
      p.expectKeyword('endstream');
      value = new PdfStream(value, this.buf.subarray(start, start + len));
    }
    p.expectKeyword('endobj');
    if (p.pos > limit) fail(`object ${num} runs past the end of its revision`);
    return { num, gen, value, end: p.pos };
  }

  /**
   * The indirect objects revision `rev` writes before its cross-reference section, in file order, each read to its
   * "endobj" (a stream's data skipped by its /Length). Anything between them but white space and comments is
   * refused: bytes no cross-reference can account for.
   */
  bodyObjects(rev: number): { num: number; gen: number; offset: number }[] {
    const s = this.sections[rev]!;
    const p = new Parser(this.buf, s.start, s.offset, true);
    const out: { num: number; gen: number; offset: number }[] = [];
    for (;;) {
      p.skipWs();
      if (p.pos >= s.offset) return out;
      const offset = p.pos;
      try {
        const r = this.parseIndirectAt(p, offset, s.offset, (ref) => this.object(rev, ref.num, ref.gen));
        out.push({ num: r.num, gen: r.gen, offset });
      } catch (e) {
        if (e instanceof PdfReadError) fail(`revision ${rev + 1} holds bytes at ${offset} that are no object, cross-reference or trailer (${e.message})`);
        throw e;
      }
    }
  }

  /** The object numbers an object stream of revision `rev` holds, in the order of its header. */
  objectStreamMembers(rev: number, streamNum: number): number[] {
    const os = this.objectStream(rev, streamNum);
    return [...os.numbers.keys()].sort((a, b) => a - b).map((i) => os.numbers.get(i)!);
  }

  /** The cross-reference entry of an object as of revision `rev` (0-based), or undefined. */
  entry(rev: number, num: number): XrefEntry | undefined {
    for (let i = rev; i >= 0; i--) {
      const e = this.sections[i]!.entries.get(num);
      if (e) return e;
    }
    return undefined;
  }

  /** Every object number defined (not free) as of revision `rev`. */
  objectNumbers(rev: number): number[] {
    const seen = new Map<number, XrefEntry>();
    for (let i = rev; i >= 0; i--) for (const [n, e] of this.sections[i]!.entries) if (!seen.has(n)) seen.set(n, e);
    return [...seen].filter(([, e]) => e.kind !== 'free').map(([n]) => n);
  }

  /** An object's value as a viewer of revision `rev` sees it: null when free or undefined. */
  object(rev: number, num: number, gen?: number, depth = 0): PdfValue {
    if (depth > 8) fail('stream lengths refer to each other');
    const e = this.entry(rev, num);
    if (!e || e.kind === 'free') return null;
    const limit = this.sections[rev]!.end;
    if (e.kind === 'at') {
      if (gen !== undefined && gen !== e.gen) return null;
      if (e.offset >= limit) fail(`revision ${rev + 1} places object ${num} at ${e.offset}, outside the revision`);
      const key = `${e.offset}@${rev}`;
      let got = this.parsed.get(key);
      if (!got) {
        const p = new Parser(this.buf, e.offset, limit, true);
        const r = this.parseIndirectAt(p, e.offset, limit, (ref) => this.object(rev, ref.num, ref.gen, depth + 1));
        got = { num: r.num, gen: r.gen, value: r.value };
        this.parsed.set(key, got);
      }
      if (got.num !== num || got.gen !== e.gen) fail(`the cross-reference entry of object ${num} points to object ${got.num} ${got.gen}`);
      return got.value;
    }
    if (gen !== undefined && gen !== 0) return null;
    const os = this.objectStream(rev, e.stream);
    const off = os.offsets.get(e.index);
    if (off === undefined) fail(`object ${num} is not in object stream ${e.stream}`);
    const p = new Parser(os.data, os.first + off, os.data.length, false);
    const value = p.value();
    if (value instanceof PdfStream) fail('a stream inside an object stream');
    const header = os.numbers.get(e.index);
    if (header !== num) fail(`object stream ${e.stream} holds object ${header} where object ${num} was expected`);
    return value;
  }

  private objectStream(rev: number, streamNum: number): ObjectStream {
    const key = `${streamNum}@${rev}`;
    const cached = this.objStreams.get(key);
    if (cached) return cached;
    const e = this.entry(rev, streamNum);
    if (!e || e.kind !== 'at') fail(`object stream ${streamNum} is missing`);
    const s = this.object(rev, streamNum);
    if (!(s instanceof PdfStream) || nameOf(s.dict.get('Type')) !== 'ObjStm') fail(`object ${streamNum} is not an object stream`);
    const n = dictInt(s.dict, 'N');
    const first = dictInt(s.dict, 'First');
    if (n === null || first === null) fail(`object stream ${streamNum} without /N or /First`);
    const data = decodeStream(s);
    const p = new Parser(data, 0, Math.min(first, data.length), false);
    const offsets = new Map<number, number>();
    const numbers = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      numbers.set(i, p.integer());
      offsets.set(i, p.integer());
    }
    const out = { data, offsets, numbers, first };
    this.objStreams.set(key, out);
    return out;
  }

  /** The pages of revision `rev` in order: each page object's reference and dictionary. */
  pages(rev: number): { ref: PdfRef; page: PdfDict }[] {
    const out: { ref: PdfRef; page: PdfDict }[] = [];
    const seen = new Set<number>();
    const walk = (ref: PdfValue | undefined, depth: number) => {
      if (!(ref instanceof PdfRef) || seen.has(ref.num) || depth > 32) return;
      seen.add(ref.num);
      const node = this.object(rev, ref.num, ref.gen);
      if (!(node instanceof PdfDict)) return;
      const kids = this.resolve(rev, node.get('Kids'));
      if (nameOf(node.get('Type')) === 'Page' || !Array.isArray(kids)) out.push({ ref, page: node });
      else for (const k of kids) walk(k, depth + 1);
    };
    const catalog = this.resolve(rev, this.sections[rev]!.trailer.get('Root'));
    if (catalog instanceof PdfDict) walk(catalog.get('Pages'), 0);
    return out;
  }

  /** A value with one level of indirection resolved in revision `rev`. */
  resolve(rev: number, v: PdfValue | undefined): PdfValue {
    if (v instanceof PdfRef) return this.object(rev, v.num, v.gen);
    return v ?? null;
  }
}

/** Structural equality of two values: references compare by number, streams by dictionary and raw bytes. */
export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined, ignoreKeys: readonly string[] = []): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (a instanceof PdfStream) return b instanceof PdfStream && Buffer.from(a.raw).equals(Buffer.from(b.raw)) && sameValue(a.dict, b.dict, ['Length']);
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict)) return false;
    const ka = a.keys().filter((k) => !ignoreKeys.includes(k));
    const kb = b.keys().filter((k) => !ignoreKeys.includes(k));
    return ka.length === kb.length && ka.every((k) => b.has(k) && sameValue(a.get(k), b.get(k)));
  }
  return false;
}

/** A PDF text string as text: UTF-16BE with its byte-order mark, UTF-8 with its mark, else one byte a character. */
export function textOf(v: PdfValue | undefined): string | null {
  if (!(v instanceof PdfString)) return null;
  const b = v.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
    return s;
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return Buffer.from(b.subarray(3)).toString('utf8');
  return Buffer.from(b).toString('latin1');
}

/**
 * The document information (/Info) of `revision` (1-based; the last by default), as text values; {} when it cannot
 * be read.
 */
export function documentInfo(pdf: Buffer, revision?: number): Record<string, string> {
  try {
    const file = new PdfFile(pdf);
    const rev = (revision ?? file.revisions) - 1;
    if (rev < 0 || rev >= file.revisions) return {};
    const info = file.resolve(rev, file.sections[rev]!.trailer.get('Info'));
    const out: Record<string, string> = {};
    if (info instanceof PdfDict) {
      for (const [k, v] of info.map) {
        const t = textOf(file.resolve(rev, v));
        if (t !== null) out[k] = t;
      }
    }
    return out;
  } catch {
    return {};
  }
}
