/**
 * Signed checkpoints ("signed tree heads"): the log's Ed25519 key vouches for one (size, root). Verification is
 * browser-safe; signing happens on the hub only (log.ts, with node:crypto).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalBytes } from './leaf';
import { fromB64url, toHex } from './merkle';

export interface Checkpoint {
  v: 1;
  /** hex SHA-256 of the 32-byte raw Ed25519 public key */
  log: string;
  size: number;
  /** hex MTH of the first `size` leaves */
  root: string;
  /** ISO time */
  at: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** base64url Ed25519 signature over checkpointBytes */
  sig: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The signed bytes: canonical JSON of exactly {v, log, size, root, at}, so extra fields are never signed over. */
export function checkpointBytes(c: Checkpoint): Uint8Array {
  return canonicalBytes({ v: c.v, log: c.log, size: c.size, root: c.root, at: c.at });
}

export function logIdOf(publicKeyRaw: Uint8Array): string {
  return toHex(sha256(publicKeyRaw));
}

/** Well-formed checkpoint fields (not the signature). Shared with the receipt checks. */
export function isCheckpointShape(c: unknown): c is SignedCheckpoint {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  return (
    o.v === 1 &&
    typeof o.log === 'string' &&
    HEX64.test(o.log) &&
    typeof o.size === 'number' &&
    Number.isSafeInteger(o.size) &&
    o.size >= 0 &&
    typeof o.root === 'string' &&
    HEX64.test(o.root) &&
    typeof o.at === 'string' &&
    o.at.length > 0 &&
    o.at.length <= 64 &&
    typeof o.sig === 'string'
  );
}

/**
 * True only when `sig` (base64url) is the log key's Ed25519 signature over `bytes`. Never throws.
 * zip215: false = RFC 8032 strict decoding (canonical points, S < L), closer to Node's crypto.verify than
 * ZIP-215, which accepts non-canonical encodings: one signature should not have several accepted texts.
 */
export function verifyLogSignature(bytes: Uint8Array, sig: string, publicKeyRaw: Uint8Array): boolean {
  try {
    const s = fromB64url(sig);
    if (s.length !== 64 || publicKeyRaw.length !== 32) return false;
    const seen = `${sig}.${toHex(sha256.create().update(publicKeyRaw).update(bytes).digest())}`;
    if (remembered.has(seen)) return true;
    if (!ed25519.verify(s, bytes, publicKeyRaw, { zip215: false })) return false;
    remember(seen);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signatures this process has found valid, by their text and a hash of the key and the bytes signed. Every site
 * write checks every checkpoint the log has published (one more for each bundle the hub accepts), and Ed25519 in
 * JavaScript costs 1.2–2 ms a signature: seconds a write at a few thousand checkpoints, growing with the log's
 * history rather than with the change (issue 18). The answer is a function of those three alone, so a remembered
 * one is the answer; only valid ones are kept, at most REMEMBERED (about 150 bytes each), the oldest let go first.
 */
const remembered = new Set<string>();
const REMEMBERED = 50_000;

function remember(seen: string): void {
  if (remembered.size >= REMEMBERED) remembered.delete(remembered.values().next().value!);
  remembered.add(seen);
}

/** How many valid signatures are remembered (`verifyLogSignature`): for the tests. */
export function rememberedSignatures(): number {
  return remembered.size;
}

/** True only when the checkpoint names this key's log and carries a valid signature by it. Never throws. */
export function verifyCheckpoint(sc: SignedCheckpoint, publicKeyRaw: Uint8Array): boolean {
  try {
    if (!isCheckpointShape(sc) || !(publicKeyRaw instanceof Uint8Array) || publicKeyRaw.length !== 32) return false;
    if (logIdOf(publicKeyRaw) !== sc.log) return false;
    return verifyLogSignature(checkpointBytes(sc), sc.sig, publicKeyRaw);
  } catch {
    return false;
  }
}
