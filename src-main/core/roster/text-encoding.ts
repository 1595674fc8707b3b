/**
 * Which encoding a CSV file is in, decided from its bytes and never guessed silently: UTF-8 (with or without a
 * byte-order mark), UTF-16 (what Excel's "Unicode Text" writes), or Windows-1252 (what older Excel writes as
 * "CSV"). A file that is none of them is refused, with the place of the first byte that does not fit.
 */

export type TableEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'xlsx';

export type DecodeFailure = {
  ok: false;
  /** the encoding the file declared or was read in when the problem was found */
  encoding: TableEncoding;
  why: 'invalid-utf8-after-bom' | 'mixed' | 'not-text' | 'broken-utf16';
  /** the text as far as it could be read, to find the line and column in */
  text: string;
  /** where in `text` the problem is */
  index: number;
  /** the offending byte or character, e.g. "byte 0x81" or "control character U+0007" */
  found: string;
  /** the same, short: "0x81" for a byte, "U+0007" for a character */
  char: string;
};

export type Decoded = { ok: true; text: string; encoding: TableEncoding } | DecodeFailure;

/** Windows-1252 bytes 0x80–0x9F (the WHATWG table). The five it leaves undefined stay C1 controls. */
const CP1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Control characters other than tab, LF and CR (C0, DEL and C1): never in a roster, always a sign of binary. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const hex = (n: number, width = 2) => n.toString(16).toUpperCase().padStart(width, '0');

/**
 * Node's TextDecoder('windows-1252') decodes as Latin-1 in Node 20.18.3 and later (nodejs/node#60888): 0x80–0x9F
 * come out as C1 controls instead of €, ‚, “, ”, Š… So the table is applied here.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** The offset of the first byte that is not part of well-formed UTF-8, or -1; and how many multi-byte characters came before. */
export function scanUtf8(b: Uint8Array, from = 0): { invalidAt: number; multibyte: number } {
  let multibyte = 0;
  let invalidAt = -1;
  const n = b.length;
  let i = from;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else {
      if (invalidAt === -1) invalidAt = i;
      i++;
      continue;
    }
    let ok = i + need < n;
    for (let k = 1; ok && k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) ok = false;
    }
    if (ok) {
      multibyte++;
      i += need + 1;
    } else {
      if (invalidAt === -1) invalidAt = i;
      i++;
    }
  }
  return { invalidAt, multibyte };
}

/** The first control character that is not tab, LF or CR, as a failure; undefined when there is none. */
function controlIn(text: string, encoding: TableEncoding): DecodeFailure | undefined {
  const m = CONTROL.exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const found =
    encoding === 'windows-1252'
      ? CP1252_UNDEFINED.has(code)
        ? `byte 0x${hex(code)}, which Windows-1252 leaves undefined`
        : `byte 0x${hex(code)} (a control character)`
      : `control character U+${hex(code, 4)}`;
  const char = encoding === 'windows-1252' ? `0x${hex(code)}` : `U+${hex(code, 4)}`;
  return { ok: false, encoding, why: 'not-text', text, index: m.index, found, char };
}

/** BOM-less UTF-16: text of mostly ASCII characters has a NUL in every other byte, on one side only. */
function bomlessUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(Math.min(b.length, 4096) / 2);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (b[2 * i] === 0) evenNul++;
    if (b[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul >= pairs * 0.4 && evenNul <= oddNul * 0.05) return 'utf-16le';
  if (evenNul >= pairs * 0.4 && oddNul <= evenNul * 0.05) return 'utf-16be';
  return undefined;
}

function decodeUtf16(body: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  // As little-endian: a big-endian file is byte-swapped first (a copy; an odd last byte stays behind).
  let le = body;
  if (encoding === 'utf-16be') {
    const even = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
    le = even.swap16();
    if (body.length % 2) le = Buffer.concat([le, Buffer.from(body.subarray(body.length - 1))]);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(le), encoding };
  } catch {
    // Find the first code unit that does not fit: a lone surrogate, or half a code unit at the end.
    const units = Math.floor(le.length / 2);
    let at = units;
    let found = 'an odd number of bytes (half a character at the end)';
    let char = '';
    for (let i = 0; i < units; i++) {
      const u = le[2 * i]! | (le[2 * i + 1]! << 8);
      if (u >= 0xd800 && u <= 0xdbff) {
        const next = i + 1 < units ? le[2 * i + 2]! | (le[2 * i + 3]! << 8) : -1;
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      } else if (u < 0xdc00 || u > 0xdfff) continue;
      at = i;
      found = `an unpaired surrogate U+${hex(u, 4)}`;
      char = `U+${hex(u, 4)}`;
      break;
    }
    const text = new TextDecoder('utf-16le', { ignoreBOM: true }).decode(le.subarray(0, 2 * at));
    return { ok: false, encoding, why: 'broken-utf16', text, index: text.length, found, char };
  }
}

/**
 * The text of a CSV file and the encoding it was read in, or where and why it is not text in any of them.
 * Order: a byte-order mark decides; then UTF-16 by its NULs; then UTF-8 (strict); then Windows-1252.
 */
export function decodeTableBytes(bytes: Uint8Array): Decoded {
  const b = bytes;
  let result: Decoded;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    try {
      result = { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.subarray(3)), encoding: 'utf-8-bom' };
    } catch {
      const at = scanUtf8(b, 3).invalidAt;
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(b.subarray(3, at));
      const char = `0x${hex(b[at]!)}`;
      return { ok: false, encoding: 'utf-8-bom', why: 'invalid-utf8-after-bom', text, index: text.length, found: `byte ${char}`, char };
    }
  } else if (b[0] === 0xff && b[1] === 0xfe) {
    result = decodeUtf16(b.subarray(2), 'utf-16le');
  } else if (b[0] === 0xfe && b[1] === 0xff) {
    result = decodeUtf16(b.subarray(2), 'utf-16be');
  } else {
    const utf16 = bomlessUtf16(b);
    if (utf16) result = decodeUtf16(b, utf16);
    else {
      try {
        result = { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b), encoding: 'utf-8' };
      } catch {
        const scan = scanUtf8(b);
        const text = decodeWindows1252(b);
        if (scan.multibyte > 0) {
          // Some characters are UTF-8 and some are not: reading it as Windows-1252 would turn "ñ" into "Ã±".
          const prefix = new TextDecoder('utf-8').decode(b.subarray(0, scan.invalidAt));
          const char = `0x${hex(b[scan.invalidAt]!)}`;
          return { ok: false, encoding: 'utf-8', why: 'mixed', text: prefix, index: prefix.length, found: `byte ${char}`, char };
        }
        result = { ok: true, text, encoding: 'windows-1252' };
      }
    }
  }
  if (!result.ok) return result;
  return controlIn(result.text, result.encoding) ?? result;
}
