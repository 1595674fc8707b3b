/**
 * The log as tiles (c2sp.org/tlog-tiles): the Merkle tree served as immutable 8 KiB files of 256 hashes, from which
 * any client computes the proofs it wants, so the public side can be served by a static host or a CDN. Browser-safe.
 *
 * A tile at level L, index N, holds MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]) for i < its width: the
 * hashes of complete subtrees of 2^(8L) leaves. The entry bundle N holds leaves N·256… themselves, each prefixed
 * with its length as a big-endian uint16.
 */
import { consistencyRanges, consistencyRoots, EMPTY_ROOT, exactLog2, inclusionRanges, nodeHash, sameBytes, splitPoint, verifyConsistency } from './merkle';

/** A tile holds the hashes of 2^8 subtrees: a level-L tile's are subtrees of 2^(8L) leaves. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;
const HASH = 32;
/** tlog-tiles' largest level; far past any size a safe integer reaches. */
const MAX_LEVEL = 63;

/** A tile: `level` 'entries' for an entry bundle; `width` 256 for a full tile. */
export interface TileRef {
  level: number | 'entries';
  index: number;
  width: number;
}

/** N as zero-padded 3-digit elements, all but the last prefixed with x: 1234067 → x001/x234/067. */
function indexPath(n: number): string {
  const parts: string[] = [];
  do {
    parts.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
}

/** The path under the log's prefix: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]. */
export function tilePath(t: TileRef): string {
  const suffix = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  return `tile/${t.level}/${indexPath(t.index)}${suffix}`;
}

/** A tile path read back; null unless it is exactly the one form the spec allows (no extra zeros, no slashes). */
export function parseTilePath(path: string): TileRef | null {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return null;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > MAX_LEVEL) return null;
  const parts = m[2]!.split('/').map((p) => p.replace('x', ''));
  // One encoding per index: no leading 000 element.
  if (parts.length > 1 && parts[0] === '000') return null;
  if (parts.length > 6) return null;
  const index = parts.reduce((n, p) => n * 1000 + Number(p), 0);
  // Past 2^53 two paths would name one index.
  if (!Number.isSafeInteger(index)) return null;
  // A partial tile is 1 to 255 wide; a full one names no width.
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) return null;
  return { level, index, width };
}

/** How many hashes of level `level` (complete subtrees of 256^level leaves) a tree of `size` leaves has. */
function hashesAt(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** Whether a tree of `size` leaves holds tile `t` as asked: a full tile only once complete, a partial one of exactly that width or as part of a fuller tile. */
export function tileExists(t: TileRef, size: number): boolean {
  const have = hashesAt(t.level === 'entries' ? 0 : t.level, size) - t.index * TILE_WIDTH;
  return t.width >= 1 && t.width <= TILE_WIDTH && have >= t.width;
}

/** The tiles a tree of `size` leaves is made of, full and partial, level by level (what a static copy of it holds). */
export function tilesOf(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; hashesAt(level, size) > 0; level++) {
    const n = hashesAt(level, size);
    for (let i = 0; i * TILE_WIDTH < n; i++) out.push({ level, index: i, width: Math.min(TILE_WIDTH, n - i * TILE_WIDTH) });
  }
  return out;
}

/** The partial tiles of a tree of `size` leaves: the right edge of each level, at most one per level. */
export function edgeTiles(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; hashesAt(level, size) > 0; level++) {
    const n = hashesAt(level, size);
    if (n % TILE_WIDTH > 0) out.push({ level, index: Math.floor(n / TILE_WIDTH), width: n % TILE_WIDTH });
  }
  return out;
}

/** The entry bundle of `leaves` (each at most 65,535 bytes). */
export function entryBundle(leaves: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const l of leaves) {
    if (l.length > 0xffff) throw new RangeError('a log entry is at most 65,535 bytes');
    total += 2 + l.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const l of leaves) {
    out[at] = l.length >> 8;
    out[at + 1] = l.length & 0xff;
    out.set(l, at + 2);
    at += 2 + l.length;
  }
  return out;
}

/** The entries of a bundle; null unless it is exactly `count` length-prefixed entries. */
export function readEntryBundle(bytes: Uint8Array, count: number): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return null;
    const n = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + n > bytes.length) return null;
    out.push(bytes.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return out.length === count ? out : null;
}

/** Fetches a tile's bytes by its path; rejects (or answers null) when it is not there. */
export type TileFetch = (path: string) => Promise<Uint8Array | null>;

/**
 * A verifier's view of a log at one signed size, read from tiles only. Hashes are not trusted as fetched: every
 * root and proof computed from them is checked against the signed root, so a wrong tile gives a proof that fails.
 */
export class TileReader {
  private readonly tiles = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly fetchTile: TileFetch,
    /** the size of the checkpoint the reader was opened with: which tiles exist, and how wide */
    readonly size: number,
  ) {}

  /** Tile (level, index) at the width this size gives it; every hash in it is there or this throws. */
  private tile(level: number, index: number): Promise<Uint8Array> {
    const width = Math.min(TILE_WIDTH, hashesAt(level, this.size) - index * TILE_WIDTH);
    if (width < 1) return Promise.reject(new RangeError(`the log of size ${this.size} has no tile ${level}/${index}`));
    const path = tilePath({ level, index, width });
    let hit = this.tiles.get(path);
    if (!hit) {
      hit = this.fetchTile(path).then(async (b) => {
        // A log may drop a partial tile once its full tile exists (the spec): the full one begins with the same hashes.
        if (!b && width < TILE_WIDTH) {
          const full = await this.fetchTile(tilePath({ level, index, width: TILE_WIDTH }));
          if (full && full.length === TILE_WIDTH * HASH) return full.subarray(0, width * HASH);
        }
        if (!b || b.length !== width * HASH) throw new Error(`${path}: ${b ? `${b.length} bytes, not ${width * HASH}` : 'not served'}`);
        return b;
      });
      this.tiles.set(path, hit);
    }
    return hit;
  }

  /** The hash of the complete subtree of 2^height leaves starting at leaf index·2^height. */
  async subtree(height: number, index: number): Promise<Uint8Array> {
    const level = Math.floor(height / 8);
    const below = height % 8;
    const span = 2 ** below;
    const first = index * span;
    const tile = await this.tile(level, Math.floor(first / TILE_WIDTH));
    const at = first % TILE_WIDTH;
    let row: Uint8Array[] = [];
    for (let i = 0; i < span; i++) row.push(tile.subarray((at + i) * HASH, (at + i + 1) * HASH));
    while (row.length > 1) {
      const up: Uint8Array[] = [];
      for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i]!, row[i + 1]!));
      row = up;
    }
    return row[0]!;
  }

  /** MTH(D[start:end]) for the ranges the RFC 6962 recursion visits (start a multiple of the largest power of two in the range). */
  async range(start: number, end: number): Promise<Uint8Array> {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    const h = exactLog2(n);
    if (h >= 0) return this.subtree(h, start / n);
    const k = splitPoint(n);
    const [l, r] = await Promise.all([this.range(start, start + k), this.range(start + k, end)]);
    return nodeHash(l, r);
  }

  /** The root at this size. */
  root(): Promise<Uint8Array> {
    return this.range(0, this.size);
  }

  /** PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf first, at any size up to this one. */
  inclusionProof(index: number, size = this.size): Promise<Uint8Array[]> {
    if (!(index >= 0 && index < size && size <= this.size)) return Promise.reject(new RangeError(`no leaf ${index} in a tree of ${size}`));
    return Promise.all(inclusionRanges(index, size).map(([start, end]) => this.range(start, end)));
  }

  /** PROOF(m, D[0:n]) of RFC 6962 §2.1.2, n at most this size. */
  consistencyProof(m: number, n = this.size): Promise<Uint8Array[]> {
    if (!(m >= 0 && m <= n && n <= this.size)) return Promise.reject(new RangeError(`no consistency proof from ${m} to ${n}`));
    return Promise.all(consistencyRanges(m, n).map(([start, end]) => this.range(start, end)));
  }
}

/**
 * Whether a log's head `latest` (its signature checked by the caller) extends the earlier head `earlier`: smaller
 * is a rollback; a consistency proof computed from the log's tiles that does not join the two roots is a fork.
 * Throws when the tiles cannot be read (which says nothing either way).
 */
export async function extendsHead(fetch: TileFetch, earlier: { size: number; root: Uint8Array }, latest: { size: number; root: Uint8Array }): Promise<'extends' | 'rollback' | 'fork'> {
  if (latest.size < earlier.size) return 'rollback';
  const reader = new TileReader(fetch, latest.size);
  const proof = await reader.consistencyProof(earlier.size);
  if (verifyConsistency(earlier.size, latest.size, earlier.root, latest.root, proof)) return 'extends';
  if (earlier.size === 0 || earlier.size === latest.size) return 'fork';
  // A fork only when the tiles rebuild the signed latest root: tiles that do not (one byte changed by a mirror, a
  // CDN, a transfer) say nothing of the log, and were reported as proof that it forked (found by review). The
  // earlier size's own subtree, when it is one (a power of two), is the later tree's as the tiles give it.
  const k = exactLog2(earlier.size);
  const roots = consistencyRoots(earlier.size, latest.size, k >= 0 ? await reader.subtree(k, 0) : earlier.root, proof);
  if (!roots || !sameBytes(roots.second, latest.root)) throw new Error(`the tiles do not rebuild the signed root of size ${latest.size}`);
  return 'fork';
}
