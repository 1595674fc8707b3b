import { sha256 } from '@noble/hashes/sha2.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { leafHash, MerkleTree, verifyConsistency, verifyInclusion } from '../../src-main/core/ledger/merkle';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';
import { printFigures, timed } from './report';

const LEAVES = 100_000;
const PROOFS = 20_000;

/** Deterministic spread of indexes, so runs compare; not Math.random. */
function indexes(count: number, n: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 2_654_435_761) % n);
}

/** Raw SHA-256 of a 65-byte node input (0x01 ‖ left ‖ right), with the same library the tree uses. */
function hashRate(): number {
  const buf = new Uint8Array(65).fill(7);
  const n = 200_000;
  const { ms } = timed(() => {
    for (let i = 0; i < n; i++) {
      buf[1] = i & 0xff;
      sha256(buf);
    }
  });
  return (n / ms) * 1000;
}

/** The Merkle tree of 100,000 leaves: build, inclusion proofs made and checked, consistency proofs; and the SQLite log. */
export function benchLedger(): void {
  const leaves = Array.from({ length: LEAVES }, (_, i) => leafHash(createHash('sha256').update(`leaf ${i}`).digest()));
  sha256(new Uint8Array(65)); // warm up before the first figure

  const before = hashRate();
  const built = timed(() => new MerkleTree(leaves));
  const tree = built.value;
  const root = tree.root();

  const idx = indexes(PROOFS, LEAVES);
  const made = timed(() => idx.map((i) => tree.inclusionProof(i)));
  const proofs = made.value;
  const avgLen = proofs.reduce((s, p) => s + p.length, 0) / proofs.length;
  const checked = timed(() => {
    let ok = 0;
    for (let k = 0; k < idx.length; k++) if (verifyInclusion(leaves[idx[k]!]!, idx[k]!, LEAVES, proofs[k]!, root)) ok++;
    return ok;
  });
  if (checked.value !== PROOFS) throw new Error(`only ${checked.value} of ${PROOFS} proofs verified`);

  // Proofs against earlier tree sizes (what an old checkpoint needs): ranges are recomputed, not cached.
  const sizes = indexes(PROOFS, LEAVES - 1).map((s) => s + 1);
  const madeOld = timed(() => sizes.map((s, k) => tree.inclusionProof(idx[k]! % s, s)));

  const pairs = indexes(2_000, LEAVES - 1).map((m) => [m + 1, LEAVES] as const);
  const cons = timed(() => pairs.map(([m, n]) => tree.consistencyProof(m, n)));
  const consChecked = timed(() => pairs.every(([m, n], k) => verifyConsistency(m, n, tree.root(m), root, cons.value[k]!)));
  if (!consChecked.value) throw new Error('a consistency proof failed');
  const after = hashRate();
  const rate = (before + after) / 2;

  printFigures(`Transparency log Merkle tree (RFC 6962), ${LEAVES.toLocaleString('en-US')} leaves, proofs of ${avgLen.toFixed(1)} hashes on average`, [
    {
      name: 'tree build from 100,000 leaf hashes',
      value: (LEAVES / built.ms) * 1000,
      unit: 'leaves/s',
      baselineName: 'raw SHA-256 of 65 B (noble), 1 per leaf',
      baseline: rate,
      better: 'higher',
    },
    {
      name: 'inclusion proofs made, current size',
      value: (PROOFS / made.ms) * 1000,
      unit: 'proofs/s',
      baselineName: `raw SHA-256 of 65 B / ${avgLen.toFixed(1)} (path length)`,
      baseline: rate / avgLen,
      better: 'higher',
      target: 'thousands/s',
    },
    {
      name: 'inclusion proofs made, random earlier size',
      value: (PROOFS / madeOld.ms) * 1000,
      unit: 'proofs/s',
      baselineName: `raw SHA-256 of 65 B / ${avgLen.toFixed(1)} (path length)`,
      baseline: rate / avgLen,
      better: 'higher',
      target: 'thousands/s',
    },
    {
      name: 'inclusion proofs verified (RFC 9162 2.1.3.2)',
      value: (PROOFS / checked.ms) * 1000,
      unit: 'proofs/s',
      baselineName: `raw SHA-256 of 65 B / ${avgLen.toFixed(1)} (path length)`,
      baseline: rate / avgLen,
      better: 'higher',
      target: 'thousands/s',
    },
    {
      name: 'consistency proofs made (random m, n = 100k)',
      value: (pairs.length / cons.ms) * 1000,
      unit: 'proofs/s',
      baselineName: `raw SHA-256 of 65 B / ${avgLen.toFixed(1)} (path length)`,
      baseline: rate / avgLen,
      better: 'higher',
    },
    {
      name: 'consistency proofs verified (+ MTH of old size)',
      value: (pairs.length / consChecked.ms) * 1000,
      unit: 'proofs/s',
      baselineName: `raw SHA-256 of 65 B / ${(2 * avgLen).toFixed(1)} (2 x path)`,
      baseline: rate / (2 * avgLen),
      better: 'higher',
    },
  ]);

  // The hub's side: 100,000 candidates published through SQLite, the log reopened, receipts served.
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-ledger-'));
  try {
    const file = join(dir, 'hub.db');
    const db = openDatabase(file, { create: true });
    const log = new TransparencyLog(db, dir);
    const batch = 10_000;
    const appended = timed(() => {
      for (let b = 0; b < LEAVES; b += batch) {
        const entries = Array.from({ length: batch }, (_, i) => ({
          exam: 'SKD-2026-SMG',
          nomor: `2610011${String(b + i).padStart(7, '0')}`,
          digest: createHash('sha256').update(`hasil ${b + i}`).digest('hex'),
        }));
        db.transaction(() => log.append(entries, '2026-12-01T03:00:00.000Z'))();
      }
    });
    log.checkpoint('2026-12-01T03:10:00.000Z');
    db.close();
    const db2 = openDatabase(file);
    const reopened = timed(() => new TransparencyLog(db2, dir));
    const hub = reopened.value;
    const some = indexes(2_000, LEAVES);
    const receipts = timed(() => some.map((i) => hub.receipt('SKD-2026-SMG', `2610011${String(i).padStart(7, '0')}`)!));
    const verified = timed(() => receipts.value.filter((r) => verifyReceipt(r, { trustedLogKey: hub.publicKey() }).ok).length);
    if (verified.value !== some.length) throw new Error('a receipt failed to verify');
    db2.close();
    console.log(
      `SQLite log: ${LEAVES.toLocaleString('en-US')} candidates appended in 10 transactions in ${(appended.ms / 1000).toFixed(2)} s ` +
        `(${Math.round((LEAVES / appended.ms) * 1000).toLocaleString('en-US')} leaves/s, salts and leaves written); reopened (all leaf hashes loaded, tree rebuilt) in ` +
        `${(reopened.ms / 1000).toFixed(2)} s; receipts served ${Math.round((some.length / receipts.ms) * 1000).toLocaleString('en-US')}/s; ` +
        `receipts fully verified (shape, Ed25519 signature, leaf, inclusion) ${Math.round((some.length / verified.ms) * 1000).toLocaleString('en-US')}/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
