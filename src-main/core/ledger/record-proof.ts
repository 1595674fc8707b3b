/**
 * Checking that a public record (an announcement, an objection, a report, an answer) is in the log: the record's
 * bytes hash to the leaf's "h", the leaf is proved into a checkpoint, and the checkpoint is signed by the log key
 * the verifier pinned. Browser-safe, like receipts: the site's pages and the tests use the same function.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { isCheckpointShape, logIdOf, verifyCheckpoint, type SignedCheckpoint } from './checkpoint';
import { parseLeaf } from './leaf';
import { fromB64url, fromHex, leafHash, toHex, verifyInclusion } from './merkle';

export interface RecordProof {
  index: number;
  /** the leaf's exact text (canonical JSON) */
  leaf: string;
  /** hex, leaf to root */
  proof: string[];
  checkpoint: SignedCheckpoint;
}

/** Null when the record is in the log as the proof says; otherwise why not, in words. */
export function recordProofProblem(record: Uint8Array | string, p: RecordProof, trustedLogKey: string): string | null {
  const bytes = typeof record === 'string' ? utf8ToBytes(record) : record;
  let key: Uint8Array;
  try {
    key = fromB64url(trustedLogKey);
  } catch {
    return 'kunci log tidak valid';
  }
  if (key.length !== 32) return 'kunci log tidak valid';
  const leafBytes = utf8ToBytes(p.leaf);
  const leaf = parseLeaf(leafBytes);
  if (!leaf || leaf.type !== 'catatan') return 'entri log bukan entri catatan';
  if (leaf.recordSha256 !== toHex(sha256(bytes))) return 'isi catatan tidak sama dengan yang dicatat di log';
  if (!isCheckpointShape(p.checkpoint)) return 'checkpoint tidak valid';
  if (p.checkpoint.log !== logIdOf(key)) return 'checkpoint ditandatangani log lain';
  if (!verifyCheckpoint(p.checkpoint, key)) return 'tanda tangan checkpoint tidak sah';
  if (!Array.isArray(p.proof) || p.proof.length > 64 || !p.proof.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))) return 'bukti inklusi tidak valid';
  if (!Number.isSafeInteger(p.index) || p.index < 0 || p.index >= p.checkpoint.size) return 'indeks di luar checkpoint';
  const ok = verifyInclusion(leafHash(leafBytes), p.index, p.checkpoint.size, p.proof.map(fromHex), fromHex(p.checkpoint.root));
  return ok ? null : 'bukti inklusi tidak menuju akar checkpoint';
}
