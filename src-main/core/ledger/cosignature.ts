/**
 * Witness cosignatures on the log's checkpoints (c2sp.org/tlog-cosignature, the Ed25519 "cosignature/v1" type): a
 * witness (the Ombudsman, an inspectorate) that has checked a checkpoint is consistent with every earlier one it saw
 * signs it too, with a timestamp. A client that requires a witness's cosignature cannot be shown a log forked for it
 * alone, unless the witness is in on it. Browser-safe.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { keyIdOf, lineIsBy, readSignatureLine, readTypedVerifierKey, signatureLine, typedVerifierKey } from './signed-note';

const COSIGNATURE_V1 = 0x04;

export interface Witness {
  name: string;
  publicKeyRaw: Uint8Array;
}

/** SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]: the id a cosignature line carries. */
export function cosignerKeyId(name: string, publicKeyRaw: Uint8Array): Uint8Array {
  return keyIdOf(name, COSIGNATURE_V1, publicKeyRaw);
}

/** The witness's verifier key, "name+id+base64(0x04 ‖ key)", as witnesses publish theirs. */
export function witnessKey(w: Witness): string {
  return typedVerifierKey(w.name, COSIGNATURE_V1, w.publicKeyRaw);
}

/** A witness key read back; null unless it is exactly one `witnessKey` writes. */
export function parseWitnessKey(vkey: string): Witness | null {
  return readTypedVerifierKey(vkey, COSIGNATURE_V1);
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
  return signatureLine(w.name, body);
}

/**
 * Whether a signature line names `w` by both its name and its key id: only then is it `w`'s to verify (the spec:
 * a line sharing only the name, or only the id, with a known key is someone else's, and ignored). Never throws.
 */
export function isCosignatureBy(line: string, w: Witness): boolean {
  const read = readSignatureLine(line);
  return !!read && lineIsBy(read, w.name, cosignerKeyId(w.name, w.publicKeyRaw));
}

/**
 * The time a signature line of `w` vouches for `checkpointText` at; null when the line is not this witness's
 * (another name or key id) or does not verify. Never throws.
 */
export function verifyCosignature(line: string, checkpointText: string, w: Witness): { timestamp: number } | null {
  try {
    const read = readSignatureLine(line);
    if (!read || read.body.length !== 76 || !lineIsBy(read, w.name, cosignerKeyId(w.name, w.publicKeyRaw))) return null;
    const ts = new DataView(read.body.buffer, read.body.byteOffset).getBigUint64(4);
    if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    const timestamp = Number(ts);
    return ed25519.verify(read.body.subarray(12), cosignedMessage(checkpointText, timestamp), w.publicKeyRaw, { zip215: false }) ? { timestamp } : null;
  } catch {
    return null;
  }
}
