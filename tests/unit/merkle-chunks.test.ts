import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heldLevels, MerkleTree, type ChunkStore } from '../../src-main/core/ledger/merkle';

const leafAt = (i: number) => createHash('sha256').update(`daun ${i}`).digest();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A store of chunks of 2^height leaves over `leaves`; `wrong` chunks answer other leaves first (a tampered ledger_chunks row). */
function storeOver(leaves: Uint8Array[], height: number, wrong = new Set<number>(), wrongAgain = new Set<number>(), heldFrom = height): ChunkStore & { reads: number[] } {
  const width = 2 ** height;
  const reads: number[] = [];
  return {
    height,
    heldFrom,
    reads,
    leaves(index, again) {
      reads.push(index);
      const out = Buffer.concat(leaves.slice(index * width, (index + 1) * width));
      if ((again ? wrongAgain : wrong).has(index)) out[5] = out[5]! ^ 1;
      return out;
    },
  };
}

describe('a Merkle tree that lets go of its chunks (issue 18: memory flat in the log)', () => {
  it('answers every root, path, proof, leaf and tile as the tree that holds every hash, whatever it let go and when', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.oneof(fc.record({ add: fc.integer({ min: 1, max: 40 }) }), fc.record({ evict: fc.integer({ min: 0, max: 40 }) }), fc.record({ reopen: fc.constant(true) })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (height, held, ops, picks) => {
          const width = 2 ** height;
          const leaves: Uint8Array[] = [];
          // Levels held for every chunk from 1 up to the chunk's root.
          const store = storeOver(leaves, height, new Set(), new Set(), Math.min(held, height));
          const full = new MerkleTree();
          let tree = new MerkleTree(undefined, store);
          for (const op of ops) {
            if ('add' in op) {
              for (let k = 0; k < op.add; k++) {
                const h = leafAt(leaves.length);
                leaves.push(h);
                full.append(h);
                tree.append(h);
              }
            } else if ('evict' in op) {
              tree.evictChunks(Math.min(op.evict, Math.floor(tree.size / width)));
            } else {
              // As the log opens: the stored chunks' levels given, only their roots kept, the leaves after them appended.
              const chunks = Math.floor(leaves.length / width);
              tree = new MerkleTree(undefined, store);
              for (let c = 0; c < chunks; c++) tree.appendEvictedChunk(full.subtreeLevels(height, c).subarray(heldLevels(height, store.heldFrom!).start));
              for (let i = chunks * width; i < leaves.length; i++) tree.append(leaves[i]!);
              expect(tree.evictedChunks).toBe(chunks);
            }
            const n = full.size;
            expect(tree.size).toBe(n);
            if (n === 0) continue;
            const size = 1 + (picks[0]! % n);
            const index = picks[1]! % size;
            const m = picks[2]! % (size + 1);
            expect(hex(tree.root(size))).toBe(hex(full.root(size)));
            expect(tree.inclusionProof(index, size).map(hex)).toEqual(full.inclusionProof(index, size).map(hex));
            expect(tree.consistencyProof(m, size).map(hex)).toEqual(full.consistencyProof(m, size).map(hex));
            expect(hex(tree.leaf(index))).toBe(hex(full.leaf(index)));
            for (let h = 0; 2 ** h <= n; h++) {
              const have = Math.floor(n / 2 ** h);
              const from = picks[3]! % have;
              const count = picks[4]! % (have - from + 1);
              expect(hex(tree.subtrees(h, from, count))).toBe(hex(full.subtrees(h, from, count)));
            }
            const chunks = Math.floor(n / width);
            if (chunks > 0) expect(hex(tree.subtreeLevels(height, picks[5]! % chunks))).toBe(hex(full.subtreeLevels(height, picks[5]! % chunks)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds only the chunks after those let go: a log of 40,960 leaves in chunks of 4,096 keeps a few kilobytes below the roots', () => {
    const leaves = Array.from({ length: 10 * 4096 + 7 }, (_, i) => leafAt(i));
    const store = storeOver(leaves, 12);
    const tree = new MerkleTree(leaves, store);
    const before = hex(tree.root());
    tree.evictChunks(10);
    expect(tree.evictedChunks).toBe(10);
    expect(store.reads).toEqual([]);
    // A path through chunk 3 reads that chunk back, once (then it is cached).
    const full = new MerkleTree(leaves);
    expect(tree.inclusionProof(3 * 4096 + 11).map(hex)).toEqual(full.inclusionProof(3 * 4096 + 11).map(hex));
    expect(tree.inclusionProof(3 * 4096 + 12).map(hex)).toEqual(full.inclusionProof(3 * 4096 + 12).map(hex));
    expect(store.reads).toEqual([3]);
    expect(hex(tree.root())).toBe(before);

    // Held from level 8 up (as the log holds them): a tile of level 1 (hashes of 256 leaves) reads nothing back.
    const tiles = storeOver(leaves, 12, new Set(), new Set(), 8);
    const held = new MerkleTree(leaves, tiles);
    held.evictChunks(10);
    expect(hex(held.subtrees(8, 0, 160))).toBe(hex(full.subtrees(8, 0, 160)));
    expect(hex(held.subtrees(10, 3, 37))).toBe(hex(full.subtrees(10, 3, 37)));
    expect(tiles.reads).toEqual([]);
    // ...and a tile of level 0, or a path, reads its one chunk.
    expect(hex(held.subtrees(0, 5 * 4096 + 256, 256))).toBe(hex(full.subtrees(0, 5 * 4096 + 256, 256)));
    expect(held.inclusionProof(5 * 4096 + 300).map(hex)).toEqual(full.inclusionProof(5 * 4096 + 300).map(hex));
    expect(tiles.reads).toEqual([5]);
  });

  it('a chunk whose kept leaves do not give its root is read again from the other source; when neither does, it is an error, not a wrong proof', () => {
    const leaves = Array.from({ length: 3 * 8 + 3 }, (_, i) => leafAt(i));
    const full = new MerkleTree(leaves);
    const once = storeOver(leaves, 3, new Set([1]));
    const tree = new MerkleTree(leaves, once);
    tree.evictChunks(3);
    expect(tree.inclusionProof(9).map(hex)).toEqual(full.inclusionProof(9).map(hex));
    expect(once.reads).toEqual([1, 1]);

    const twice = new MerkleTree(leaves, storeOver(leaves, 3, new Set([1]), new Set([1])));
    twice.evictChunks(3);
    expect(() => twice.inclusionProof(9)).toThrow(/chunk 1 of the tree do not give/);
    expect(() => twice.leaf(8)).toThrow(/chunk 1/);
    // The chunks that hold are still read.
    expect(hex(twice.leaf(2))).toBe(hex(full.leaf(2)));
  });

  it('refuses what would lose a hash: letting go of a chunk not yet full, appending an evicted chunk after held leaves, a tree without a store', () => {
    const leaves = Array.from({ length: 12 }, (_, i) => leafAt(i));
    const tree = new MerkleTree(leaves, storeOver(leaves, 3));
    expect(() => tree.evictChunks(2)).toThrow(RangeError);
    expect(() => tree.appendEvictedChunk(new MerkleTree(leaves.slice(0, 8)).subtreeLevels(3, 0).subarray(heldLevels(3, 3).start))).toThrow(RangeError);
    expect(() => new MerkleTree(leaves).evictChunks(1)).toThrow(/without a chunk store/);
  });

  it('a chunk appended from the store must hash up to its root from the levels it holds: one changed there is refused', () => {
    const leaves = Array.from({ length: 16 }, (_, i) => leafAt(i));
    // Held from level 1: the chunk's levels from there up (4 + 2 + 1 hashes).
    const { start } = heldLevels(3, 1);
    const levels = new MerkleTree(leaves).subtreeLevels(3, 1).subarray(start);
    expect(levels.length).toBe(7 * 32);
    // A hash of level 2 changed (its root left as it was).
    const bad = new Uint8Array(levels);
    bad[4 * 32] = bad[4 * 32]! ^ 1;
    const tree = new MerkleTree(undefined, storeOver(leaves, 3, new Set(), new Set(), 1));
    tree.appendEvictedChunk(new MerkleTree(leaves).subtreeLevels(3, 0).subarray(start));
    expect(() => tree.appendEvictedChunk(bad)).toThrow(/levels from 1 up do not hash up to its root/);
    // Every level, or one hash short: not the levels held.
    expect(() => tree.appendEvictedChunk(new MerkleTree(leaves).subtreeLevels(3, 1))).toThrow(/7 hashes from level 1 up/);
    expect(() => tree.appendEvictedChunk(levels.subarray(32))).toThrow(/7 hashes from level 1 up/);
    tree.appendEvictedChunk(levels);
    expect(hex(tree.root())).toBe(hex(new MerkleTree(leaves).root()));
  });
});
