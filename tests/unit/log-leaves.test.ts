import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import type { TreeReader } from '../../src-main/core/ledger/merkle';
import { LogLeaves } from '../../src-main/core/publish/log-leaves';

/** Issue 18: the site reads the hub's log a block at a time (`publish/log-leaves.ts`); its lists and when one continues another. */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A log of `n` distinct leaves in memory, counting the ranges read. */
function memoryLog(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
  const reads: [number, number][] = [];
  const log = {
    leaves(from: number, to: number) {
      reads.push([from, to]);
      return leaves.slice(from, to);
    },
  };
  return { log: log as unknown as TransparencyLog, tree: { size: n } as TreeReader, leaves, reads };
}

describe('the log as the site reads it', () => {
  it('property: a slice is the array slice of the leaves the list was made for, read in blocks of 4,096', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13_000 }), fc.array(fc.tuple(fc.integer({ min: -5, max: 14_000 }), fc.integer({ min: -5, max: 14_000 })), { maxLength: 6 }), (n, ranges) => {
        const { log, tree, leaves, reads } = memoryLog(n);
        const list = new LogLeaves(log, tree);
        leaves.push(new TextEncoder().encode('appended after the list was made'));
        expect(list.length).toBe(n);
        for (const [a, b] of ranges) expect(list.slice(a, b)).toEqual(leaves.slice(0, n).slice(Math.max(0, a), Math.max(0, Math.min(b, n))));
        for (const [from, to] of reads) expect(from % 4096 === 0 && to - from <= 4096 && to <= n).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a list continues the one before while the log only grew; once the log replaced its tree (a rollback, a database put back) it does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-log-leaves-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'hub.sqlite'), { create: true });
    const log = new TransparencyLog(db, dir);
    const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ exam: 'E', nomor: `N${from + i}`, digest: createHash('sha256').update(`${from + i}`).digest('hex') }));
    try {
      db.transaction(() => log.append(entries(0, 10), 't1'))();
      const first = new LogLeaves(log, log.treeReader());
      db.transaction(() => log.append(entries(10, 1), 't2'))();
      const second = new LogLeaves(log, log.treeReader());
      expect(second.length).toBe(11);
      expect(second.continues(first, 10)).toBe(true);
      expect(second.continues(first, 11)).toBe(false); // more than the earlier list held
      // Appended, then rolled back: the table is not the tree's leaves extended, so the log reads a tree anew.
      expect(() =>
        db.transaction(() => {
          log.append(entries(11, 1), 't3');
          throw new Error('the merge fails');
        })(),
      ).toThrow(/merge fails/);
      const after = new LogLeaves(log, log.treeReader());
      expect(after.length).toBe(11);
      expect(after.continues(second, 11)).toBe(false);
      expect(after.slice(0, 11).map((l) => Buffer.from(l).toString())).toEqual(second.slice(0, 11).map((l) => Buffer.from(l).toString()));
      // An array is never taken as continued.
      expect(second.continues(first.slice(0, 10) as unknown as LogLeaves, 10)).toBe(false);
    } finally {
      db.close();
    }
  });
});
