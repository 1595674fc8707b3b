/**
 * What one published result puts into the transparency log. Browser-safe: the verification page recomputes it.
 *
 * The log is public, so a leaf must not let anyone list candidates or read results: it names only the exam (public
 * anyway) and a salted commitment. Without the candidate's salt (printed on their own result sheet) the commitment
 * cannot be tested against guessed candidate numbers or results.
 */
import { canonicalText } from '../util/canonical-json';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { toHex } from './merkle';

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
  const text = canonicalText(value);
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
  return toHex(sha256(buf));
}

/** The leaf bytes: canonical {"c":commitment,"e":exam,"v":1}. Hash them with `leafHash` before the tree. */
export function resultLeaf(input: LeafInput): Uint8Array {
  return canonicalBytes({ c: commitment(input), e: input.exam, v: 1 });
}

/**
 * The kinds of public record the log holds beside results: the announcement, objections (sanggah) and public
 * reports (laporan), and the committee's answers to them. Each is published in full on the site, so it holds
 * nothing personal: no name, no contact, no candidate number in clear.
 */
export const RECORD_KINDS = ['pengumuman', 'sanggah', 'sanggah-jawaban', 'laporan', 'laporan-jawaban'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * A record leaf: canonical {"e":exam,"h":sha256 of the record's exact bytes,"k":kind,"v":1}. The record is
 * published beside it, so anyone can hash it, compare with "h" and prove the leaf into a checkpoint: a record
 * cannot be edited later or silently dropped, only followed by another.
 */
export function recordLeaf(input: { exam: string; kind: RecordKind; recordSha256: string }): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(input.recordSha256)) throw new RangeError('a record sha256 is 64 lowercase hex digits');
  return canonicalBytes({ e: input.exam, h: input.recordSha256, k: input.kind, v: 1 });
}

export type ParsedLeaf = { type: 'hasil'; exam: string; commitment: string } | { type: 'catatan'; exam: string; kind: RecordKind; recordSha256: string };

const LEAF_DECODER = new TextDecoder('utf-8', { fatal: true });

/** Byte for byte equal: compared in place (the site checks every leaf of the log, 100k and more, this way). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a leaf's bytes are, or null unless they are exactly one of the two canonical leaf forms. */
export function parseLeaf(leaf: Uint8Array): ParsedLeaf | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(LEAF_DECODER.decode(leaf)) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    if (!sameBytes(canonicalBytes(value), leaf)) return null;
  } catch {
    return null;
  }
  const keys = Object.keys(value).sort().join(',');
  if (value.v !== 1 || typeof value.e !== 'string' || !value.e) return null;
  if (keys === 'c,e,v' && typeof value.c === 'string' && /^[0-9a-f]{64}$/.test(value.c)) return { type: 'hasil', exam: value.e, commitment: value.c };
  if (keys === 'e,h,k,v' && typeof value.h === 'string' && /^[0-9a-f]{64}$/.test(value.h) && (RECORD_KINDS as readonly unknown[]).includes(value.k)) {
    return { type: 'catatan', exam: value.e, kind: value.k as RecordKind, recordSha256: value.h };
  }
  return null;
}
