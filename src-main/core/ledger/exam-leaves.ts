/**
 * The latest leaf of each candidate of an exam, as the site's pages name it: its index in the log, its leaf hash
 * and the result digest it commits to.
 *
 * Held compactly: the hub's site write keeps one for every candidate of the exam while its pages are made, and at
 * 100,000 candidates an object each in a record (with its hash as 64 characters of text) held 18 MB at the write's
 * peak; here they are an index in an array, 32 bytes of a shared buffer and the digest's string (the merged view's
 * own, where it is the same text).
 */
import { toHex } from './merkle';

export interface ExamLeaf {
  index: number;
  /** lowercase hex */
  leafHash: string;
  digest: string;
}

export class ExamLeaves {
  private readonly at = new Map<string, number>();
  private readonly nomors: string[] = [];
  private readonly indexes: number[] = [];
  private readonly digests: string[] = [];
  private hashes = Buffer.allocUnsafe(32 * 1024);

  get size(): number {
    return this.nomors.length;
  }

  /** Adds `nomor`'s leaf; a number given again keeps the later leaf (in its first place). */
  set(nomor: string, index: number, leafHash: Uint8Array, digest: string): void {
    if (leafHash.length !== 32) throw new Error(`The leaf hash of ${nomor} is ${leafHash.length} bytes, not 32.`);
    let i = this.at.get(nomor);
    if (i === undefined) {
      i = this.nomors.length;
      this.at.set(nomor, i);
      this.nomors.push(nomor);
      this.indexes.push(index);
      this.digests.push(digest);
      if ((i + 1) * 32 > this.hashes.length) {
        const more = Buffer.allocUnsafe(this.hashes.length * 2);
        this.hashes.copy(more, 0, 0, i * 32);
        this.hashes = more;
      }
    } else {
      this.indexes[i] = index;
      this.digests[i] = digest;
    }
    this.hashes.set(leafHash, i * 32);
  }

  get(nomor: string): ExamLeaf | undefined {
    const i = this.at.get(nomor);
    return i === undefined ? undefined : this.leafAt(i);
  }

  /** Every candidate's leaf, in the order first given. */
  *entries(): IterableIterator<[string, ExamLeaf]> {
    for (let i = 0; i < this.nomors.length; i++) yield [this.nomors[i]!, this.leafAt(i)];
  }

  private leafAt(i: number): ExamLeaf {
    return { index: this.indexes[i]!, leafHash: toHex(this.hashes.subarray(i * 32, i * 32 + 32)), digest: this.digests[i]! };
  }
}
