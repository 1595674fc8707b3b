import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransparencyLog } from '../../src-main/core/ledger/log';
import { LeafLineage, LogLeaves } from '../../src-main/core/publish/log-leaves';

/** Issue 18: the site reads the hub's log a block at a time (`publish/log-leaves.ts`); its lists and their lineage. */

/** A log of `n` distinct leaves in memory, counting the ranges read. */
function memoryLog(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
  const reads: [number, number][] = [];
  const log = {
    get size() {
      return leaves.length;
    },
    leafAt: (i: number) => leaves[i] ?? null,
    leaves(from: number, to: number) {
      reads.push([from, to]);
      return leaves.slice(from, to);
    },
  };
  return { log: log as unknown as TransparencyLog, leaves, reads };
}

describe('the log as the site reads it', () => {
  it('property: a slice is the array slice of the leaves the list was made for, read in blocks of 4,096', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13_000 }), fc.array(fc.tuple(fc.integer({ min: -5, max: 14_000 }), fc.integer({ min: -5, max: 14_000 })), { maxLength: 6 }), (n, ranges) => {
        const { log, leaves, reads } = memoryLog(n);
        const list = LeafLineage.next(new LeafLineage(), log).leaves(log);
        leaves.push(new TextEncoder().encode('appended after the list was made'));
        expect(list.length).toBe(n);
        for (const [a, b] of ranges) expect(list.slice(a, b)).toEqual(leaves.slice(0, n).slice(Math.max(0, a), Math.max(0, Math.min(b, n))));
        for (const [from, to] of reads) expect(from % 4096 === 0 && to - from <= 4096 && to <= n).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a list continues the one before while the log only grew; a log put back or cut starts a new lineage', () => {
    const { log, leaves } = memoryLog(10);
    let lineage = LeafLineage.next(new LeafLineage(), log);
    const first = lineage.leaves(log);
    leaves.push(new TextEncoder().encode('leaf 10'));
    lineage = LeafLineage.next(lineage, log);
    const second = lineage.leaves(log);
    expect(second.continues(first, 10)).toBe(true);
    expect(second.continues(first, 11)).toBe(false); // more than the earlier list held
    // The leaf the lineage saw last is not the table's any more (a backup put back, then other leaves appended).
    leaves[10] = new TextEncoder().encode('another leaf 10');
    leaves.push(new TextEncoder().encode('leaf 11'));
    const restored = LeafLineage.next(lineage, log);
    expect(restored).not.toBe(lineage);
    expect(restored.leaves(log).continues(second, 11)).toBe(false);
    // A log cut shorter than the lineage's last size: a new lineage too.
    leaves.length = 5;
    expect(LeafLineage.next(restored, log)).not.toBe(restored);
    // An array, or a list of another lineage, is never taken as continued.
    const other = memoryLog(11);
    expect(LeafLineage.next(new LeafLineage(), other.log).leaves(other.log).continues(second, 11)).toBe(false);
    expect(second.continues(leaves as unknown as LogLeaves, 5)).toBe(false);
  });
});
