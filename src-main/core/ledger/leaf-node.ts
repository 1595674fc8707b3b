/**
 * The hub's own way of making result leaves: the bytes of leaf.ts `resultLeaf` and the hash of merkle.ts
 * `leafHash`, written as text and hashed with node:crypto. A bundle appends 100k leaves; the browser-safe path
 * (a generic canonical JSON per object, noble's JavaScript SHA-256) spent seconds on them. Node only: the
 * verification page keeps leaf.ts. tests/unit/leaf-node.test.ts checks both give the same bytes.
 */
import { createHash, hash } from 'node:crypto';
import { canonicalString } from '../util/canonical-json';
import { MIN_SALT_BYTES } from './leaf';
import { useSha256 } from './merkle';

const LEAF_PREFIX = Buffer.from([0x00]);
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * `resultLeaf(input)` and `leafHash` of it. The keys are written in RFC 8785 order ("d" < "e" < "n", "c" < "e" < "v");
 * a digest that is not 64 lowercase hex digits goes through canonicalString as leaf.ts would write it.
 */
export function resultLeafAndHash(exam: string, nomor: string, digest: string, salt: Uint8Array): { leaf: Buffer; hash: Buffer } {
  if (!(salt instanceof Uint8Array) || salt.length < MIN_SALT_BYTES) throw new RangeError(`a salt has at least ${MIN_SALT_BYTES} bytes`);
  const e = canonicalString(exam);
  const d = HEX64.test(digest) ? `"${digest}"` : canonicalString(digest);
  const c = createHash('sha256').update(salt).update(`{"d":${d},"e":${e},"n":${canonicalString(nomor)}}`, 'utf8').digest('hex');
  const leaf = Buffer.from(`{"c":"${c}","e":${e},"v":1}`, 'utf8');
  return { leaf, hash: leafHashNode(leaf) };
}

/** SHA-256 by node:crypto, as a plain Uint8Array (a view of the digest's own buffer). */
export function sha256Node(data: Uint8Array): Uint8Array {
  const d = hash('sha256', data, 'buffer');
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

// Every tree this process builds (the hub's at start: a node hash per leaf) hashes with node:crypto.
useSha256(sha256Node);

/** merkle.ts `leafHash`, by node:crypto: SHA-256(0x00 ‖ leaf). */
export function leafHashNode(leaf: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}
