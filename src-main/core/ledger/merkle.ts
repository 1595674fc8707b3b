/**
 * The Merkle tree of RFC 6962 §2.1 (kept unchanged in RFC 9162 §2.1). Browser-safe on purpose: the public
 * verification page bundles this file, so it imports nothing from Node and never touches Buffer.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';

const HASH_LEN = 32;
/** How many incomplete ranges a tree remembers (a few per checkpoint size asked about). */
const MAX_PARTIAL = 4096;

/** SHA-256 of the empty string: MTH({}) for the tree of no leaves. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

let digest: (data: Uint8Array) => Uint8Array = sha256;

/**
 * Where Node runs (the hub, the command line), its own SHA-256 in place of the portable one this file must use in a
 * browser: the same digest, about twice as fast, and a hub's start hashes a million nodes per million leaves.
 */
export function useSha256(fn: (data: Uint8Array) => Uint8Array): void {
  digest = fn;
}

/** SHA-256(0x00 ‖ leaf). The prefix keeps a leaf from ever being taken for an inner node (second preimages). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(leaf.length + 1);
  buf.set(leaf, 1);
  return digest(buf);
}

// One scratch buffer: the tree computes node hashes by the hundred thousand, and allocation would dominate.
const nodeBuf = new Uint8Array(1 + 2 * HASH_LEN);
nodeBuf[0] = 0x01;

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_LEN || right.length !== HASH_LEN) return digest(concat3(0x01, left, right));
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 1 + HASH_LEN);
  return digest(nodeBuf);
}

function concat3(prefix: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + a.length + b.length);
  buf[0] = prefix;
  buf.set(a, 1);
  buf.set(b, 1 + a.length);
  return buf;
}

/** The largest power of two strictly below n (n ≥ 2): the split point k of RFC 6962. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** h when n = 2^h, else -1. Arithmetic, not `&`: sizes may pass 2^31, where bit operators wrap. */
export function exactLog2(n: number): number {
  if (!(n >= 1)) return -1;
  let h = 0;
  while (n % 2 === 0) {
    n /= 2;
    h++;
  }
  return n === 1 ? h : -1;
}

function checkIndex(value: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} ${value} is outside ${min}..${max}`);
  }
}

/**
 * One level of the tree: its hashes end to end in one buffer that doubles as it fills. A million leaves are two
 * million hashes: as that many Uint8Array objects they took about 500 MB and seconds of allocation to load; here
 * they take 64 MB. The first `offset` hashes may be let go (`dropBefore`): a tree with a `ChunkStore` reads them
 * from it again when asked.
 */
class Level {
  private buf = new Uint8Array(HASH_LEN * 64);
  count = 0;
  /** hashes before this one are not held */
  offset = 0;

  private room(more: number): void {
    const used = (this.count - this.offset) * HASH_LEN;
    let size = this.buf.length;
    while (used + more * HASH_LEN > size) size *= 2;
    if (size > this.buf.length) {
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, used));
      this.buf = grown;
    }
  }

  push(hash: Uint8Array): void {
    this.room(1);
    this.buf.set(hash, (this.count - this.offset) * HASH_LEN);
    this.count++;
  }

  /** Appends the hashes end to end in `hashes` (a multiple of 32 bytes). */
  pushMany(hashes: Uint8Array): void {
    const count = hashes.length / HASH_LEN;
    this.room(count);
    this.buf.set(hashes, (this.count - this.offset) * HASH_LEN);
    this.count += count;
  }

  /** Counts `count` hashes as appended without holding them (their chunk is stored elsewhere). */
  skip(count: number): void {
    if (this.offset !== this.count) throw new RangeError('a level skips hashes only when it holds none');
    this.count += count;
    this.offset = this.count;
  }

  /** Lets go of the hashes before `index`: what is after it moves into a buffer of its own size. */
  dropBefore(index: number): void {
    if (index <= this.offset) return;
    const keep = this.buf.subarray((index - this.offset) * HASH_LEN, (this.count - this.offset) * HASH_LEN);
    const buf = new Uint8Array(Math.max(HASH_LEN * 64, keep.length * 2));
    buf.set(keep);
    this.buf = buf;
    this.offset = index;
  }

  /**
   * Hash `i` (held: `i` ≥ `offset`), as a view of the level's buffer, never to be written to. A stored hash never
   * changes, so a view taken before the level grew (into a new buffer) still holds it.
   */
  at(i: number): Uint8Array {
    const at = (i - this.offset) * HASH_LEN;
    return this.buf.subarray(at, at + HASH_LEN);
  }

  /** Hashes `from` … `from + count - 1` (held), copied out end to end. */
  copy(from: number, count: number): Uint8Array {
    return this.buf.slice((from - this.offset) * HASH_LEN, (from - this.offset + count) * HASH_LEN);
  }
}

/**
 * Where a tree finds again the hashes it let go (`MerkleTree.evictChunks`): the log keeps each full chunk of 2^height
 * leaves in its database (log.ts, ledger_chunks), so that the hub's memory does not grow with the log (issue 18). What
 * is read back is hashed up, a block of 2^heldFrom leaves at a time, and compared with the hash the tree holds over
 * that block.
 */
export interface ChunkStore {
  /** chunks of 2^height leaves */
  readonly height: number;
  /**
   * The lowest level held for every chunk (at most `height`; `height` when not given): the log holds from the height
   * of its tiles' level 1 (8) up, a few hundred kilobytes a million leaves, so that no tile but a level 0 one needs a
   * chunk read back.
   */
  readonly heldFrom?: number;
  /**
   * Chunk `index`'s 2^height leaf hashes, end to end. `again`: the first answer did not give the hash held over one of
   * its blocks, so from the most trusted source (the log: its leaves table, not its kept chunks).
   */
  leaves(index: number, again: boolean): Uint8Array;
}

/** Chunks read back from a `ChunkStore` kept at once (each its leaves and its blocks' levels: up to 384 KiB at height 12). */
const CHUNKS_CACHED = 16;

/**
 * An append-only Merkle tree. Level h's hash i is the hash of the complete subtree of 2^h leaves starting at
 * leaf i·2^h; it is filled in as soon as the subtree is complete and never changes after that. Every subtree that
 * the RFC 6962 recursion visits starts at a multiple of its own split point, so MTH of any prefix, an audit path or
 * a consistency proof reads O(log n) stored hashes and computes at most O(log n) new ones, for any earlier size.
 */
export class MerkleTree {
  private readonly levels: Level[] = [new Level()];
  private readonly partial = new Map<string, Uint8Array>();
  /** chunks whose levels below `heldFrom` are let go, from chunk 0 on */
  private evicted = 0;
  /**
   * Chunks read back from the store, the latest used last: their leaves (from the store, and again from its other
   * source when a block did not give its hash), and the levels of each block checked so far.
   */
  private readonly cached = new Map<number, { leaves: Uint8Array; again?: Uint8Array; blocks: Map<number, Uint8Array> }>();

  constructor(
    leafHashes?: Iterable<Uint8Array>,
    /** where the levels below `heldFrom` are found again once let go; none: every hash is held */
    private readonly store?: ChunkStore,
  ) {
    if (store) {
      checkIndex(store.height, 1, 30, 'chunk height');
      checkIndex(store.heldFrom ?? store.height, 1, store.height, 'level held from');
    }
    if (leafHashes) for (const h of leafHashes) this.append(h);
  }

  /** Chunks (of the store's height) whose lower levels the tree no longer holds, from chunk 0 on. */
  get evictedChunks(): number {
    return this.evicted;
  }

  /**
   * Lets go of the levels below `heldFrom` of chunks 0 … `chunks` - 1, which the store holds (issue 18: the hub's
   * memory does not grow with the log). They are read back from the store when asked, each block checked against the
   * hash held over it.
   */
  evictChunks(chunks: number): void {
    const store = this.store;
    if (!store) throw new Error('a tree without a chunk store holds every hash');
    const width = 2 ** store.height;
    checkIndex(chunks, 0, Math.floor(this.size / width), 'chunk count');
    if (chunks <= this.evicted) return;
    for (let h = 0; h < this.heldFrom; h++) this.levels[h]!.dropBefore(chunks * (width >> h));
    this.evicted = chunks;
  }

  /**
   * Appends a whole chunk of the store's height from its levels from `heldFrom` up (as `heldLevels` cuts them from
   * what `subtreeLevels` gives), keeping them and the nodes above: the lower levels stay in the store. So a log opened
   * again reads 31 hashes of each chunk of 4,096 leaves, not its 8,191. Only while no leaf after the evicted chunks
   * is held.
   */
  appendEvictedChunk(held: Uint8Array): void {
    const store = this.store;
    if (!store) throw new Error('a tree without a chunk store holds every hash');
    const height = store.height;
    const width = 2 ** height;
    const from = this.heldFrom;
    if (this.size !== this.evicted * width) throw new RangeError(`an evicted chunk is appended right after the evicted ones (${this.evicted * width}), not at ${this.size}`);
    const range = heldLevels(height, from);
    if (held.length !== range.length) throw new RangeError(`a chunk of ${width} leaves has ${range.length / HASH_LEN} hashes from level ${from} up`);
    // The levels it holds must hash up to the chunk's root: what is read back below them is checked against them.
    const hashedUp = levelsOf(held.subarray(0, (width >> from) * HASH_LEN), height - from);
    if (!hashedUp || !sameBytes(hashedUp, held)) throw new RangeError(`the chunk's levels from ${from} up do not hash up to its root`);
    for (let h = 0, at = 0; h <= height; h++) {
      if (this.levels.length === h) this.levels.push(new Level());
      if (h < from) this.levels[h]!.skip(width >> h);
      else {
        this.levels[h]!.pushMany(held.subarray(at, at + (width >> h) * HASH_LEN));
        at += (width >> h) * HASH_LEN;
      }
    }
    this.evicted++;
    this.climb(height);
  }

  /** The nodes above level `height`'s last hash that its arrival completes. */
  private climb(height: number): void {
    let index = this.levels[height]!.count - 1;
    for (let h = height; index % 2 === 1; h++) {
      const level = this.levels[h]!;
      const parent = nodeHash(level.at(index - 1), level.at(index));
      if (this.levels.length === h + 1) this.levels.push(new Level());
      this.levels[h + 1]!.push(parent);
      index = (index - 1) / 2;
    }
  }

  /** The lowest level held for every chunk (`ChunkStore.heldFrom`). */
  private get heldFrom(): number {
    return this.store!.heldFrom ?? this.store!.height;
  }

  /**
   * Hash `i` of level `h`, held or read back from the store. Below `heldFrom` a chunk is read back in blocks of
   * 2^heldFrom leaves: a block's levels are hashed up from its leaves when first asked for, and its top must be the
   * hash the tree holds at level `heldFrom` (so a proof reads back one block's hashing, not the whole chunk's).
   */
  private hashAt(h: number, i: number): Uint8Array {
    const level = this.levels[h]!;
    if (i >= level.offset) return level.at(i);
    const store = this.store!;
    const held = this.heldFrom;
    const per = 2 ** (held - h);
    const block = Math.floor(i / per);
    const chunk = Math.floor(block / 2 ** (store.height - held));
    const at = levelStart(2 ** held, h) + (i - block * per) * HASH_LEN;
    return this.blockLevels(chunk, block).subarray(at, at + HASH_LEN);
  }

  /** Block `block`'s levels (as `subtreeLevels` gives them, at height `heldFrom`), read back and checked. */
  private blockLevels(chunk: number, block: number): Uint8Array {
    let c = this.cached.get(chunk);
    if (c) {
      this.cached.delete(chunk);
      this.cached.set(chunk, c);
    } else {
      if (this.cached.size >= CHUNKS_CACHED) this.cached.delete(this.cached.keys().next().value!);
      c = { leaves: this.store!.leaves(chunk, false), blocks: new Map() };
      this.cached.set(chunk, c);
    }
    const kept = c.blocks.get(block);
    if (kept) return kept;
    const store = this.store!;
    const held = this.heldFrom;
    const width = 2 ** held;
    const first = (block - chunk * 2 ** (store.height - held)) * width * HASH_LEN;
    const top = this.levels[held]!.at(block);
    const from = (leaves: Uint8Array) => {
      const levels = levelsOf(leaves.subarray(first, first + width * HASH_LEN), held);
      return levels && sameBytes(levels.subarray(levels.length - HASH_LEN), top) ? levels : null;
    };
    const levels = from(c.leaves) ?? from((c.again ??= store.leaves(chunk, true)));
    if (!levels) throw new Error(`The leaves kept for chunk ${chunk} of the tree do not give its hash ${block} of level ${held}.`);
    c.blocks.set(block, levels);
    return levels;
  }

  /** Appends one leaf hash (not the leaf: see `leafHash`) and returns its index. The hash is copied in. */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_LEN) throw new TypeError('a leaf hash is 32 bytes');
    const leaves = this.levels[0]!;
    leaves.push(leafHash);
    let index = leaves.count - 1;
    for (let h = 0; index % 2 === 1; h++) {
      const level = this.levels[h]!;
      const parent = nodeHash(level.at(index - 1), level.at(index));
      if (this.levels.length === h + 1) this.levels.push(new Level());
      this.levels[h + 1]!.push(parent);
      index = (index - 1) / 2;
    }
    return leaves.count - 1;
  }

  /**
   * Appends a whole complete subtree of 2^height leaves at once, given as `subtreeLevels` gives it (its leaf hashes,
   * then each level's hashes up to its root, end to end): what `append` would store for its leaves one by one, with
   * no hash computed except the nodes above it. The tree's size must be a multiple of 2^height. The hashes are taken
   * as given: the caller checks what it loads (log.ts compares the root with its last signed checkpoint).
   */
  appendSubtree(height: number, levels: Uint8Array): void {
    checkIndex(height, 0, 40, 'subtree height');
    const width = 2 ** height;
    if (this.size % width !== 0) throw new RangeError(`a subtree of ${width} leaves starts at a multiple of ${width}, not at ${this.size}`);
    if (levels.length !== (2 * width - 1) * HASH_LEN) throw new RangeError(`a subtree of ${width} leaves has ${2 * width - 1} hashes`);
    for (let h = 0, at = 0; h <= height; at += (width >> h) * HASH_LEN, h++) {
      if (this.levels.length === h) this.levels.push(new Level());
      this.levels[h]!.pushMany(levels.subarray(at, at + (width >> h) * HASH_LEN));
    }
    this.climb(height);
  }

  /** The complete subtree `index` of 2^height leaves as `appendSubtree` takes it: each level's hashes, leaves first. */
  subtreeLevels(height: number, index: number): Uint8Array {
    const width = 2 ** height;
    const parts = Array.from({ length: height + 1 }, (_, h) => this.subtrees(h, index * (width >> h), width >> h));
    const out = new Uint8Array((2 * width - 1) * HASH_LEN);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  get size(): number {
    return this.levels[0]!.count;
  }

  /** The stored hash of leaf `index` (a copy). */
  leaf(index: number): Uint8Array {
    checkIndex(index, 0, this.size - 1, 'leaf index');
    return this.hashAt(0, index).slice();
  }

  /**
   * The stored hashes of the complete subtrees of 2^height leaves numbered `from` … `from + count - 1`, written
   * one after another: a tile of the log (tiles.ts) is such a run at a height that is a multiple of 8.
   */
  subtrees(height: number, from: number, count: number): Uint8Array {
    const have = this.levels[height]?.count ?? 0;
    checkIndex(from, 0, have, 'subtree index');
    checkIndex(count, 0, have - from, 'subtree count');
    if (count === 0) return new Uint8Array(0);
    const level = this.levels[height]!;
    if (from >= level.offset) return level.copy(from, count);
    const out = new Uint8Array(count * HASH_LEN);
    for (let k = 0; k < count; k++) out.set(this.hashAt(height, from + k), k * HASH_LEN);
    return out;
  }

  /** MTH of the first `size` leaves (the tree as it was at that size). */
  root(size = this.size): Uint8Array {
    checkIndex(size, 0, this.size, 'tree size');
    return new Uint8Array(this.mth(0, size));
  }

  /** PATH(index, D[0:size]) of RFC 6962 §2.1.1, ordered from the leaf up. */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return this.inclusionPath(index, size).map((h) => new Uint8Array(h));
  }

  /**
   * The audit path as views of the tree's own stored hashes, not copies; they must not be modified. A stored node is
   * at the same offset of the same buffer in every path that holds it, so a caller writing 100k receipts can turn
   * each into hex once.
   */
  inclusionPath(index: number, size = this.size): readonly Uint8Array[] {
    checkIndex(size, 1, this.size, 'tree size');
    checkIndex(index, 0, size - 1, 'leaf index');
    return inclusionRanges(index, size).map(([start, end]) => this.mth(start, end));
  }

  /** PROOF(m, D[0:n]) of RFC 6962 §2.1.2; empty when m is 0 or m equals n (nothing to prove). */
  consistencyProof(m: number, n = this.size): Uint8Array[] {
    checkIndex(n, 0, this.size, 'tree size');
    checkIndex(m, 0, n, 'old tree size');
    return consistencyRanges(m, n).map(([start, end]) => new Uint8Array(this.mth(start, end)));
  }

  /** MTH(D[start:end]) for a range the RFC recursion can produce (start a multiple of the range's split point). */
  private mth(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    const h = exactLog2(n);
    if (h >= 0) return this.hashAt(h, start / n);
    // A range that is not a complete subtree is recomputed from O(log n) stored hashes; the receipts of one
    // checkpoint all ask for the same few ranges along its right edge, so each is kept (leaves only append: the
    // hash of a range that exists never changes).
    const key = `${start},${end}`;
    const hit = this.partial.get(key);
    if (hit) return hit;
    const k = splitPoint(n);
    const hash = nodeHash(this.mth(start, start + k), this.mth(start + k, end));
    if (this.partial.size >= MAX_PARTIAL) this.partial.clear();
    this.partial.set(key, hash);
    return hash;
  }
}

/**
 * The ranges [start, end) whose MTHs make PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf first: the one walk
 * down the tree that the in-memory tree and a reader of tiles (tiles.ts) both take, each with its own hashes.
 */
export function inclusionRanges(index: number, size: number): [number, number][] {
  const path: [number, number][] = [];
  let start = 0;
  let end = size;
  // Walk down from the root; each step's sibling belongs one place nearer the root than the next one's.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push([start + k, end]);
      end = start + k;
    } else {
      path.push([start, start + k]);
      start += k;
    }
  }
  return path.reverse();
}

/** The ranges whose MTHs make PROOF(m, D[0:n]) of RFC 6962 §2.1.2, in proof order; none when m is 0 or n. */
export function consistencyRanges(m: number, n: number): [number, number][] {
  if (m === 0 || m === n) return [];
  const proof: [number, number][] = [];
  let start = 0;
  let end = n;
  let mm = m;
  let whole = true; // the b flag of SUBPROOF: the old tree is the whole subtree so far
  while (mm !== end - start) {
    const k = splitPoint(end - start);
    if (mm <= k) {
      proof.push([start + k, end]);
      end = start + k;
    } else {
      proof.push([start, start + k]);
      start += k;
      mm -= k;
      whole = false;
    }
  }
  if (!whole) proof.push([start, end]);
  return proof.reverse();
}

/** MTH of a complete subtree of 2^height leaves, given their hashes end to end. */
export function completeRoot(leafHashes: Uint8Array, height: number): Uint8Array {
  const levels = levelsOf(leafHashes, height);
  if (!levels) throw new RangeError(`a complete subtree of height ${height} has ${2 ** height} leaves, not ${leafHashes.length / HASH_LEN}`);
  return levels.subarray(levels.length - HASH_LEN);
}

/**
 * Where a subtree of 2^height leaves holds its levels from `from` up, in the bytes `subtreeLevels` gives: they are its
 * last bytes (the leaves come first), 2^(height - from + 1) - 1 hashes. What a tree that lets go of its chunks keeps
 * of each (`appendEvictedChunk`), and all the log reads of a kept chunk when it opens.
 */
export function heldLevels(height: number, from: number): { start: number; length: number } {
  const width = 2 ** height;
  return { start: levelStart(width, from), length: (2 * (width >> from) - 1) * HASH_LEN };
}

/** Where level `h` starts in a subtree's levels of `width` leaves (as `subtreeLevels` gives them), in bytes. */
function levelStart(width: number, h: number): number {
  let at = 0;
  for (let j = 0; j < h; j++) at += (width >> j) * HASH_LEN;
  return at;
}

/** A chunk's levels as `subtreeLevels` gives them, hashed up from its 2^height leaf hashes; null when they are not that many. */
function levelsOf(leaves: Uint8Array, height: number): Uint8Array | null {
  const width = 2 ** height;
  if (leaves.length !== width * HASH_LEN) return null;
  const out = new Uint8Array((2 * width - 1) * HASH_LEN);
  out.set(leaves);
  for (let h = 1, below = 0, at = width * HASH_LEN; h <= height; h++) {
    const n = width >> h;
    for (let i = 0; i < n; i++) {
      const left = out.subarray(below + 2 * i * HASH_LEN, below + (2 * i + 1) * HASH_LEN);
      const right = out.subarray(below + (2 * i + 1) * HASH_LEN, below + (2 * i + 2) * HASH_LEN);
      out.set(nodeHash(left, right), at + i * HASH_LEN);
    }
    below = at;
    at += n * HASH_LEN;
  }
  return out;
}

function isHash(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === HASH_LEN;
}

function isSize(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// Arithmetic rather than bit operators: sizes can pass 2^31, where JavaScript's `>>` and `&` would wrap.
const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/**
 * RFC 9162 §2.1.3.2, written from the RFC text rather than from the tree above, so that one mistake cannot
 * hide in both. False for any malformed input; never throws.
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array): boolean {
  try {
    if (!isHash(leafHash) || !isHash(root) || !isSize(index) || !isSize(size) || !Array.isArray(proof)) return false;
    if (index >= size) return false;
    let fn = index;
    let sn = size - 1;
    let r = leafHash;
    for (const p of proof) {
      if (!isHash(p)) return false;
      if (sn === 0) return false;
      if (lsb(fn) || fn === sn) {
        r = nodeHash(p, r);
        if (!lsb(fn)) {
          while (!lsb(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && sameBytes(r, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 §2.1.4.2 for 0 < m < n. Outside that range: m == n is consistent only with an empty proof and equal
 * roots; m == 0 only with an empty proof and the empty-tree root. False for any malformed input; never throws.
 */
export function verifyConsistency(m: number, n: number, rootM: Uint8Array, rootN: Uint8Array, proof: Uint8Array[]): boolean {
  try {
    if (!isSize(m) || !isSize(n) || !isHash(rootM) || !isHash(rootN) || !Array.isArray(proof)) return false;
    if (!proof.every(isHash)) return false;
    if (m > n) return false;
    if (m === n) return proof.length === 0 && sameBytes(rootM, rootN);
    if (m === 0) return proof.length === 0 && sameBytes(rootM, EMPTY_ROOT);
    const roots = consistencyRoots(m, n, rootM, proof);
    return roots !== null && sameBytes(roots.first, rootM) && sameBytes(roots.second, rootN);
  } catch {
    return false;
  }
}

/**
 * The two roots a consistency proof from size m to n (0 < m < n) rebuilds, the earlier and the later (RFC 9162
 * 2.1.4.2); null when the proof has the wrong length for m and n. Apart, they tell a proof that does not reach the
 * signed later root (wrong tiles: a mirror's, a transfer's) from a later root that does not contain the earlier one
 * (a fork).
 */
export function consistencyRoots(m: number, n: number, rootM: Uint8Array, proof: Uint8Array[]): { first: Uint8Array; second: Uint8Array } | null {
  if (!(m > 0 && m < n) || proof.length === 0 || !proof.every(isHash)) return null;
  const path = exactLog2(m) >= 0 ? [rootM, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return null;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? { first: fr, second: sr } : null;
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
/** ASCII in, the same characters out (the label means windows-1252, which agrees with ASCII), in both Node and browsers. */
const ASCII = new TextDecoder('latin1');

/**
 * Lowercase hex. Made as one flat string: @noble/hashes' bytesToHex adds two digits at a time, and the rope V8 keeps
 * for that holds about 870 bytes for a 32-byte hash, not 88; the hub keeps 100,000 of them while it writes a site.
 */
export function toHex(u8: Uint8Array): string {
  const out = new Uint8Array(u8.length * 2);
  for (let i = 0; i < u8.length; i++) {
    out[2 * i] = HEX_DIGITS[u8[i]! >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[u8[i]! & 15]!;
  }
  return ASCII.decode(out);
}

/** Lowercase or uppercase hex, even length; throws on anything else. */
export function fromHex(s: string): Uint8Array {
  return hexToBytes(s);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Map([...B64URL].map((c, i) => [c, i]));

/** base64url without padding (RFC 4648 §5). */
export function toB64url(u8: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < u8.length; i += 3) {
    const n = (u8[i]! << 16) | (u8[i + 1]! << 8) | u8[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = u8.length - i;
  if (rest === 1) {
    const n = u8[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (u8[i]! << 16) | (u8[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict base64url: no padding, no whitespace, no other alphabet, and unused trailing bits must be zero, so
 * that each byte string has exactly one accepted text (two texts must never name the same key or signature).
 * Throws on anything else.
 */
export function fromB64url(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length % 4 === 1) throw new TypeError('invalid base64url');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of s) {
    const v = B64URL_INDEX.get(c);
    if (v === undefined) throw new TypeError('invalid base64url');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) throw new TypeError('invalid base64url (non-zero trailing bits)');
  return out;
}

/** What a reader of a tree it does not own may use: the site reads the log's own tree and never changes it. */
export type TreeReader = Pick<MerkleTree, 'size' | 'leaf' | 'root' | 'subtrees'>;
