/**
 * The verification payload a result sheet carries in its PDF Info dictionary under /LenteraResult, read from the
 * raw bytes. Browser-safe (no Buffer, no Node module): the publication site's verification page runs it too.
 * `lentera verify` reads it through the file's structure instead, from the revision its signatures sign
 * (result-sheet.ts embeddedPayload).
 *
 * pdfkit writes Info strings as literal strings `( … )` with backslash escapes, in UTF-16BE with a byte-order
 * mark when the text is not ASCII; other writers use hex strings `< … >`. An incremental update may write the
 * Info dictionary again: the last one wins, among the bytes the first signature signs when the sheet is signed.
 */
export interface SheetPayload {
  v: number;
  e: string;
  n: string;
  d: string;
  p?: unknown;
}

/** Bytes as a string of code points 0–255 (ISO-8859-1; TextDecoder's "latin1" is really windows-1252). */
function latin1(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return s;
}

function lastMatch(re: RegExp, text: string): RegExpExecArray | null {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let last: RegExpExecArray | null = null;
  for (let m = g.exec(text); m; m = g.exec(text)) {
    last = m;
    if (m[0] === '') g.lastIndex++;
  }
  return last;
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };

/** A literal string starting at `at` (the opening parenthesis), as its bytes; null when unterminated. */
function literalBytes(text: string, at: number): number[] | null {
  const out: number[] = [];
  let depth = 1;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const e = text[++i];
      if (e === undefined) return null;
      if (e in ESCAPES) out.push(ESCAPES[e]!);
      else if (e >= '0' && e <= '7') {
        let oct = e;
        while (oct.length < 3 && text[i + 1]! >= '0' && text[i + 1]! <= '7') oct += text[++i];
        out.push(parseInt(oct, 8) & 0xff);
      } else if (e === '\r') {
        if (text[i + 1] === '\n') i++; // a line continuation
      } else if (e !== '\n') out.push(e.charCodeAt(0));
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return out;
    out.push(c.charCodeAt(0));
  }
  return null;
}

function hexBytes(text: string, at: number): number[] | null {
  const end = text.indexOf('>', at);
  if (end < 0) return null;
  const hex = text.slice(at + 1, end).replace(/\s/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
  const padded = hex.length % 2 ? `${hex}0` : hex;
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 2) out.push(parseInt(padded.slice(i, i + 2), 16));
  return out;
}

/** A PDF text string's bytes as text: UTF-16BE with its byte-order mark, else one byte a character. */
function textString(bytes: number[]): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  return String.fromCharCode(...bytes);
}

/**
 * The bytes the first signature signs, when the file has one: what comes after it (an update anyone can append,
 * a comment in it) vouches for nothing. Null when its byte range is not one of this file.
 */
function signedText(text: string): string | null {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text);
  if (!m) return text;
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  if (a !== 0 || b > c || c + d > text.length) return null;
  return text.slice(0, b) + text.slice(c, c + d);
}

/** A payload's JSON text as a payload; null when it is not one. */
export function payloadOfText(text: string): SheetPayload | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const o = value as Record<string, unknown>;
    if (typeof o.v !== 'number' || typeof o.e !== 'string' || typeof o.n !== 'string' || typeof o.d !== 'string') return null;
    return o as unknown as SheetPayload;
  } catch {
    return null;
  }
}

/** The payload embedded in a sheet's metadata, or null when there is none or it cannot be read. */
export function embeddedPayloadFromBytes(pdf: Uint8Array): SheetPayload | null {
  const text = signedText(latin1(pdf));
  if (text === null) return null;
  let at: number;
  const ref = lastMatch(/\/LenteraResult\s+(\d+)\s+(\d+)\s+R/, text);
  const direct = lastMatch(/\/LenteraResult\s*(?=[(<])/, text);
  if (ref && (!direct || ref.index > direct.index)) {
    const obj = lastMatch(new RegExp(`(?:^|[\\r\\n\\s])${ref[1]}\\s+${ref[2]}\\s+obj\\s*`), text);
    if (!obj) return null;
    at = obj.index + obj[0].length;
  } else if (direct) {
    at = direct.index + direct[0].length;
  } else return null;
  let bytes: number[] | null;
  if (text[at] === '<' && text[at + 1] !== '<') bytes = hexBytes(text, at);
  else if (text[at] === '(') bytes = literalBytes(text, at);
  else return null;
  if (!bytes) return null;
  return payloadOfText(textString(bytes));
}
