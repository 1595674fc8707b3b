/**
 * Signed notes (c2sp.org/signed-note) and the checkpoints of c2sp.org/tlog-checkpoint: the form in which tlog
 * clients, witnesses and the Go checksum database's tools read a log's tree head. Browser-safe (noble), so the
 * verification page can open the checkpoint the hub serves.
 *
 * Only Ed25519 (signature type 0x01) is produced or checked; a signature by any other key is ignored, as the
 * spec asks, so a note that also carries a witness's cosignature still opens.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fromB64url, toB64url, toHex } from './merkle';

const ED25519 = 0x01;
/** More than any honest checkpoint carries (the log's own and a few witnesses'), fewer than a page should try. */
const MAX_SIGNATURES = 100;
const MAX_NOTE_BYTES = 1 << 16;
// ignoreBOM: a byte-order mark is part of the text, as Go's note.Open reads it (and then refuses the signature).
const DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Unicode White_Space, as Go's unicode.IsSpace (which the note spec's "Unicode spaces" follows), and "+". */
const NOT_IN_NAME = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/;

/** Standard base64 with padding (RFC 4648 §4), as notes use; strict on the way in (one text per byte string). */
export function toB64(u8: Uint8Array): string {
  const s = toB64url(u8).replace(/-/g, '+').replace(/_/g, '/');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

export function fromB64(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new TypeError('invalid base64');
  return fromB64url(s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
}

/** A key name: non-empty, no Unicode space, no "+" (the spec's rule, which keeps "name+id+key" unambiguous). */
export function isKeyName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && name.length <= 256 && !NOT_IN_NAME.test(name) && !hasControl(name);
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20 && s[i] !== '\n') return true;
  return false;
}

/**
 * SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]: the key id a signature line carries before its signature, for the
 * signature type (0x01 a note's Ed25519 signature; 0x04 a witness's cosignature, cosignature.ts).
 */
export function keyIdOf(name: string, type: number, publicKeyRaw: Uint8Array): Uint8Array {
  const n = utf8ToBytes(name);
  const buf = new Uint8Array(n.length + 2 + publicKeyRaw.length);
  buf.set(n, 0);
  buf[n.length] = 0x0a;
  buf[n.length + 1] = type;
  buf.set(publicKeyRaw, n.length + 2);
  return sha256(buf).subarray(0, 4);
}

/** The id of the log's own Ed25519 key in its notes. */
export function noteKeyId(name: string, publicKeyRaw: Uint8Array): Uint8Array {
  return keyIdOf(name, ED25519, publicKeyRaw);
}

/**
 * The verifier key "<name>+<key id, 8 hex>+<base64(type ‖ public key)>" that Go's note package and witnesses take:
 * type 0x01 for a note's signer (the log), 0x04 for a witness (cosignature.ts).
 */
export function typedVerifierKey(name: string, type: number, publicKeyRaw: Uint8Array): string {
  if (!isKeyName(name)) throw new RangeError(`"${name}" cannot be a key name`);
  if (publicKeyRaw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const typed = new Uint8Array(33);
  typed[0] = type;
  typed.set(publicKeyRaw, 1);
  return `${name}+${toHex(keyIdOf(name, type, publicKeyRaw))}+${toB64(typed)}`;
}

export interface NoteVerifier {
  name: string;
  publicKeyRaw: Uint8Array;
}

/** A verifier key of `type` read back; null unless it is exactly one `typedVerifierKey` would write. */
export function readTypedVerifierKey(vkey: string, type: number): NoteVerifier | null {
  // The key's base64 may hold "+" itself: only the first two separate fields (as Go's note.NewVerifier reads it).
  const m = typeof vkey === 'string' ? /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(vkey) : null;
  if (!m) return null;
  const [, name, id, key] = m as unknown as [string, string, string, string];
  try {
    const typed = fromB64(key);
    if (!isKeyName(name) || typed.length !== 33 || typed[0] !== type) return null;
    const publicKeyRaw = typed.subarray(1);
    return id === toHex(keyIdOf(name, type, publicKeyRaw)) ? { name, publicKeyRaw } : null;
  } catch {
    return null;
  }
}

/** The log's verifier key (type 0x01). */
export function verifierKey(name: string, publicKeyRaw: Uint8Array): string {
  return typedVerifierKey(name, ED25519, publicKeyRaw);
}

export function parseVerifierKey(vkey: string): NoteVerifier | null {
  return readTypedVerifierKey(vkey, ED25519);
}

/** A signature line, "— <name> base64(key id ‖ signature)". */
export function signatureLine(name: string, body: Uint8Array): string {
  return `\u2014 ${name} ${toB64(body)}`;
}

/** A signature line read back: its key name and decoded body (key id first); null unless well formed. */
export function readSignatureLine(line: string): { name: string; body: Uint8Array } | null {
  const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
  if (!m || !isKeyName(m[1]!)) return null;
  try {
    const body = fromB64(m[2]!);
    return body.length >= 5 ? { name: m[1]!, body } : null;
  } catch {
    return null;
  }
}

/** Whether a line read back is by the key `name` of `keyId`: the spec's rule, both must match. */
export function lineIsBy(line: { name: string; body: Uint8Array }, name: string, keyId: Uint8Array): boolean {
  return line.name === name && sameBytes(line.body.subarray(0, 4), keyId);
}

/** A note split at its last blank line: its text (with the final newline) and its signature lines; null if none. */
export function splitNote(note: string): { text: string; lines: string[] } | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return null;
  return { text: note.slice(0, split + 1), lines: note.slice(split + 2, -1).split('\n') };
}

/** The note: `text` (ending in a newline), a blank line, and one signature line by the Ed25519 key `name`. */
export function signNote(text: string, name: string, publicKeyRaw: Uint8Array, sign: (message: Uint8Array) => Uint8Array): string {
  if (!text.endsWith('\n') || text.includes('\n\n') || text.length === 1 || hasControl(text)) throw new RangeError('a note text is non-empty lines, each ending in a newline');
  if (!isKeyName(name)) throw new RangeError(`"${name}" cannot be a note key name`);
  const sig = sign(utf8ToBytes(text));
  const body = new Uint8Array(4 + sig.length);
  body.set(noteKeyId(name, publicKeyRaw), 0);
  body.set(sig, 4);
  return `${text}\n${signatureLine(name, body)}\n`;
}

export type OpenedNote = { ok: true; text: string; verifiedBy: string[] } | { ok: false; reason: string };

/**
 * Opens a note with the keys the reader trusts. As the spec says: a malformed note is refused; signatures by
 * unknown keys are ignored; a known key's signature that fails refuses the whole note; at least one known key
 * must have signed. Never throws.
 */
export function openNote(note: Uint8Array | string, trusted: NoteVerifier[]): OpenedNote {
  let s: string;
  try {
    const bytes = typeof note === 'string' ? utf8ToBytes(note) : note;
    if (bytes.length > MAX_NOTE_BYTES) return { ok: false, reason: 'the note is too large' };
    s = DECODER.decode(bytes);
  } catch {
    return { ok: false, reason: 'the note is not UTF-8' };
  }
  if (hasControl(s)) return { ok: false, reason: 'the note holds a control character' };
  const parts = splitNote(s);
  if (!parts) return { ok: false, reason: 'the note has no signature block' };
  if (parts.lines.length > MAX_SIGNATURES) return { ok: false, reason: 'the note carries too many signatures' };
  const verifiedBy: string[] = [];
  for (const raw of parts.lines) {
    const line = readSignatureLine(raw);
    if (!line) return { ok: false, reason: `a signature line cannot be read: ${JSON.stringify(raw.slice(0, 80))}` };
    const known = trusted.find((k) => lineIsBy(line, k.name, noteKeyId(k.name, k.publicKeyRaw)));
    if (!known) continue;
    let good = false;
    try {
      good = line.body.length === 68 && ed25519.verify(line.body.subarray(4), utf8ToBytes(parts.text), known.publicKeyRaw, { zip215: false });
    } catch {
      good = false;
    }
    if (!good) return { ok: false, reason: `the signature by ${line.name} does not verify` };
    if (!verifiedBy.includes(line.name)) verifiedBy.push(line.name);
  }
  if (verifiedBy.length === 0) return { ok: false, reason: 'no signature by a trusted key' };
  return { ok: true, text: parts.text, verifiedBy };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The checkpoint's note text: origin, size, base64 root (c2sp.org/tlog-checkpoint; no extension lines). */
export function checkpointText(origin: string, size: number, root: Uint8Array): string {
  if (!origin || NOT_IN_NAME.test(origin) || hasControl(origin)) throw new RangeError(`"${origin}" cannot be a log origin`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('a tree size is a whole number');
  if (root.length !== 32) throw new RangeError('a root is 32 bytes');
  return `${origin}\n${size}\n${toB64(root)}\n`;
}

export type ParsedCheckpoint = { origin: string; size: number; root: Uint8Array; extensions: string[] };

/** A checkpoint's text read back; null unless it is well formed (a size with no leading zero, a 32-byte root). */
export function parseCheckpointText(text: string): ParsedCheckpoint | null {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.pop() !== '') return null;
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(size) || extensions.some((e) => e === '')) return null;
  const n = Number(size);
  if (!Number.isSafeInteger(n)) return null;
  try {
    const r = fromB64(root);
    return r.length === 32 ? { origin, size: n, root: r, extensions } : null;
  } catch {
    return null;
  }
}

export type OpenedCheckpoint = { ok: true; head: ParsedCheckpoint; text: string; lines: string[] } | { ok: false; reason: string };

/**
 * A log's checkpoint note opened with the log's key, under whatever origin it names (the key is what the reader
 * pinned; the origin comes with it): its head, its text and its signature lines (witnesses' included). Never throws.
 */
export function openCheckpoint(note: Uint8Array | string, publicKeyRaw: Uint8Array): OpenedCheckpoint {
  let s: string;
  try {
    s = typeof note === 'string' ? note : DECODER.decode(note);
  } catch {
    return { ok: false, reason: 'the note is not UTF-8' };
  }
  const parts = splitNote(s);
  const head = parts ? parseCheckpointText(parts.text) : null;
  if (!parts || !head) return { ok: false, reason: 'the checkpoint cannot be read' };
  const opened = openNote(note, [{ name: head.origin, publicKeyRaw }]);
  return opened.ok ? { ok: true, head, text: parts.text, lines: parts.lines } : opened;
}
