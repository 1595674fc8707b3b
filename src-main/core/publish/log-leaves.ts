import type { TransparencyLog } from '../ledger/log';
import type { TreeReader } from '../ledger/merkle';
import type { SiteLeaves } from './site';

/** Leaves read from the database at a time: the site's chunk (its leaf files, tiles and entry bundles). */
const BLOCK = 4096;

/**
 * The log's leaves for one site write, read from the database a block at a time as the site asks for them, the
 * last block kept for the next ask. The site then holds a block, not the log: a million leaves kept between writes
 * took about 160 MB, and grew with the log (issue 18: memory stays flat).
 *
 * Two lists over the same tree object continue one another: the log replaces its tree whenever the table is not
 * the tree's leaves extended (a rollback, a database put back from a backup; `TransparencyLog.sync`), so a site
 * write that checked the leaves of the last one need not read them again.
 */
export class LogLeaves implements SiteLeaves {
  private block: { from: number; leaves: Uint8Array[] } | null = null;

  constructor(
    private readonly log: TransparencyLog,
    readonly tree: TreeReader,
    readonly length = tree.size,
  ) {}

  slice(start: number, end: number): Uint8Array[] {
    const to = Math.min(end, this.length);
    const out: Uint8Array[] = [];
    for (let i = Math.max(0, start); i < to; ) {
      const from = i - (i % BLOCK);
      if (this.block?.from !== from) this.block = { from, leaves: this.log.leaves(from, Math.min(this.length, from + BLOCK)) };
      const upto = Math.min(to, from + BLOCK);
      for (; i < upto; i++) out.push(this.block.leaves[i - from]!);
    }
    return out;
  }

  continues(earlier: SiteLeaves, n: number): boolean {
    return earlier instanceof LogLeaves && earlier.tree === this.tree && n <= earlier.length && n <= this.length;
  }
}
