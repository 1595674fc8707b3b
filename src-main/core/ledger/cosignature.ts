/**
 * Witness cosignatures on the log's checkpoints (c2sp.org/tlog-cosignature, the Ed25519 "cosignature/v1" type): a
 * witness (the Ombudsman, an inspectorate) that has checked a checkpoint is consistent with every earlier one it saw
 * signs it too, with a timestamp. A client that requires a witness's cosignature cannot be shown a log forked for it
 * alone, unless the witness is in on it. Browser-safe.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fromB64, isKeyName, keyIdOf, toB64 } from './signed-note';

const COSIGNATURE_V1 = 0x04;

export interface Witness {
  name: string;
  publicKeyRaw: Uint8Array;
}

const hex8 = (id: Uint8Array) => [...id].map((b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]: the id a cosignature line carries. */
export function cosignerKeyId(name: string, publicKeyRaw: Uint8Array): Uint8Array {
  return keyIdOf(name, COSIGNATURE_V1, publicKeyRaw);
}

/** The witness's verifier key, "name+id+base64(0x04 ‖ key)", as witnesses publish theirs. */
export function witnessKey(w: Witness): string {
  if (!isKeyName(w.name)) throw new RangeError(`"${w.name}" cannot be a witness name`);
  if (w.publicKeyRaw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  const typed = new Uint8Array(33);
  typed[0] = COSIGNATURE_V1;
  typed.set(w.publicKeyRaw, 1);
  return `${w.name}+${hex8(cosignerKeyId(w.name, w.publicKeyRaw))}+${toB64(typed)}`;
}

/** A witness key read back; null unless it is exactly one `witnessKey` writes. */
export function parseWitnessKey(vkey: string): Witness | null {
  const m = typeof vkey === 'string' ? /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(vkey) : null;
  if (!m) return null;
  try {
    const typed = fromB64(m[3]!);
    if (!isKeyName(m[1]!) || typed.length !== 33 || typed[0] !== COSIGNATURE_V1) return null;
    const w = { name: m[1]!, publicKeyRaw: typed.subarray(1) };
    return hex8(cosignerKeyId(w.name, w.publicKeyRaw)) === m[2] ? w : null;
  } catch {
    return null;
  }
}

/** What is signed: "cosignature/v1", "time <seconds>", then the checkpoint's note text (its signature lines left out). */
export function cosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('a cosignature time is whole seconds since 1970');
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/** The witness's signature line on a checkpoint: "— name base64(id ‖ u64 timestamp ‖ Ed25519 signature)". */
export function cosign(checkpointText: string, w: Witness, timestamp: number, sign: (message: Uint8Array) => Uint8Array): string {
  const sig = sign(cosignedMessage(checkpointText, timestamp));
  const body = new Uint8Array(4 + 8 + sig.length);
  body.set(cosignerKeyId(w.name, w.publicKeyRaw), 0);
  new DataView(body.buffer).setBigUint64(4, BigInt(timestamp));
  body.set(sig, 12);
  return `\u2014 ${w.name} ${toB64(body)}`;
}

/**
 * Whether a signature line names `w` by both its name and its key id: only then is it `w`'s to verify (the spec:
 * a line sharing only the name, or only the id, with a known key is someone else's, and ignored). Never throws.
 */
export function isCosignatureBy(line: string, w: Witness): boolean {
  try {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || m[1] !== w.name) return false;
    const body = fromB64(m[2]!);
    const id = cosignerKeyId(w.name, w.publicKeyRaw);
    return body.length >= 4 && id.every((b, i) => body[i] === b);
  } catch {
    return false;
  }
}

/**
 * The time a signature line of `w` vouches for `checkpointText` at; null when the line is not this witness's
 * (another name or key id) or does not verify. Never throws.
 */
export function verifyCosignature(line: string, checkpointText: string, w: Witness): { timestamp: number } | null {
  try {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || m[1] !== w.name) return null;
    const body = fromB64(m[2]!);
    const id = cosignerKeyId(w.name, w.publicKeyRaw);
    if (body.length !== 76 || !id.every((b, i) => body[i] === b)) return null;
    const ts = new DataView(body.buffer, body.byteOffset).getBigUint64(4);
    if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const timestamp = Number(ts);
    return ed25519.verify(body.subarray(12), cosignedMessage(checkpointText, timestamp), w.publicKeyRaw, { zip215: false }) ? { timestamp } : null;
  } catch {
    return null;
  }
}
