import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitImport, inKeyOrder, type ImportPlan } from '../../src-main/core/bundles/merge';
import type { Db } from '../../src-main/core/db/open';

type Item = ImportPlan['items'][number];

/** What an upsert per item leaves stored: per (kind, key) the last item given. */
const stored = (items: Item[]) => {
  const m = new Map<string, Item>();
  for (const i of items) m.set(`${i.kind}\u0000${i.key}`, i);
  return m;
};

describe('inKeyOrder (the order a bundle\'s records are stored in)', () => {
  const item = fc.record({ kind: fc.constantFrom('candidate', 'facts', 'score_entry'), key: fc.string({ maxLength: 4 }), digest: fc.string({ maxLength: 3 }), body: fc.string({ maxLength: 3 }) });
  // As prepareImport gives them: grouped by kind, one data file after another.
  const grouped = fc.array(item, { maxLength: 60 }).map((xs) => ['candidate', 'score_entry', 'facts'].flatMap((k) => xs.filter((x) => x.kind === k)));

  it('stores the same rows as the order given: a permutation, the later of two equal keys still last', () => {
    fc.assert(
      fc.property(grouped, (items) => {
        const out = inKeyOrder(items);
        expect(out.length).toBe(items.length);
        expect(new Set(out)).toEqual(new Set(items));
        expect(stored(out)).toEqual(stored(items));
        for (let i = 1; i < out.length; i++) if (out[i]!.kind === out[i - 1]!.kind) expect(out[i - 1]!.key <= out[i]!.key).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('returns items already in order as they are', () => {
    const items: Item[] = [
      { kind: 'facts', key: 'a', digest: '', body: '1' },
      { kind: 'facts', key: 'b', digest: '', body: '2' },
      { kind: 'candidate', key: 'a', digest: '', body: '3' },
    ];
    expect(inKeyOrder(items)).toEqual(items);
    expect(inKeyOrder([])).toEqual([]);
  });

  it('a plan whose records were stored and released is never committed again (a retry would merge no records)', () => {
    const spent = { spent: true, items: [] } as unknown as ImportPlan;
    expect(() => commitImport(null as unknown as Db, '/nonexistent', spent, '2026-12-01T00:00:00Z')).toThrow(/already committed once/);
  });
});
