import type { TransparencyLog } from '../ledger/log';
import type { SiteLeaves } from './site';

/** Leaves read from the database at a time: the site's chunk (its leaf files, tiles and entry bundles). */
const BLOCK = 4096;

/**
 * The log's leaves for one site write, read from the database a block at a time as the site asks for them, the
 * last block kept for the next ask. The site then holds a block, not the log: a million leaves kept between writes
 * took about 160 MB, and grew with the log (issue 18: memory stays flat).
 *
 * Lists made from one `LeafLineage` continue one another: the log is append-only (triggers), and the lineage checks
 * at each write that its last leaf is still the table's, so a site write that checked the leaves of the last one
 * need not read them again. A database put back from a backup starts a new lineage, and the site reads it whole.
 */
export class LogLeaves implements SiteLeaves {
  private block: { from: number; leaves: Uint8Array[] } | null = null;

  constructor(
    private readonly log: TransparencyLog,
    readonly length: number,
    private readonly lineage: LeafLineage,
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
    return earlier instanceof LogLeaves && earlier.lineage === this.lineage && n <= earlier.length && n <= this.length;
  }
}

/** One unbroken history of the log as this process has seen it: its size and last leaf at the last site write. */
export class LeafLineage {
  private size = 0;
  private last: Uint8Array | null = null;

  /**
   * The lineage a site write of the log as it is now continues: this one while the leaf it saw last is still the
   * table's, a new one otherwise.
   */
  static next(current: LeafLineage, log: TransparencyLog): LeafLineage {
    let lineage = current;
    if (current.size > 0) {
      const last = log.leafAt(current.size - 1);
      if (!last || !current.last || Buffer.compare(last, current.last) !== 0) lineage = new LeafLineage();
    }
    const size = log.size;
    lineage.size = size;
    lineage.last = size > 0 ? log.leafAt(size - 1) : null;
    return lineage;
  }

  leaves(log: TransparencyLog): LogLeaves {
    return new LogLeaves(log, this.size, this);
  }
}
