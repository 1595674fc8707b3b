/**
 * What one published result puts into the transparency log. Browser-safe: the verification page recomputes it.
 *
 * The log is public, so a leaf must not let anyone list candidates or read results: it names only the exam (public
 * anyway) and a salted commitment. Without the candidate's salt (printed on their own result sheet) the commitment
 * cannot be tested against guessed candidate numbers or results.
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Below this a salt could be brute-forced together with the (guessable) candidate number and result. */
export const MIN_SALT_BYTES = 16;

export interface LeafInput {
  exam: string;
  nomor: string;
  /** hex SHA-256 of the candidate's result record */
  digest: string;
  salt: Uint8Array;
}

/** UTF-8 of RFC 8785 canonical JSON: the same value gives the same bytes in any language. */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return utf8ToBytes(text);
}

/** hex SHA-256(salt ‖ canonical {"d":digest,"e":exam,"n":nomor}). */
export function commitment(input: LeafInput): string {
  if (!(input.salt instanceof Uint8Array) || input.salt.length < MIN_SALT_BYTES) {
    throw new RangeError(`a salt has at least ${MIN_SALT_BYTES} bytes`);
  }
  const body = canonicalBytes({ d: input.digest, e: input.exam, n: input.nomor });
  const buf = new Uint8Array(input.salt.length + body.length);
  buf.set(input.salt, 0);
  buf.set(body, input.salt.length);
  return bytesToHex(sha256(buf));
}

/** The leaf bytes: canonical {"c":commitment,"e":exam,"v":1}. Hash them with `leafHash` before the tree. */
export function resultLeaf(input: LeafInput): Uint8Array {
  return canonicalBytes({ c: commitment(input), e: input.exam, v: 1 });
}
