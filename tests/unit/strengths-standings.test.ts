import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src-main/core/scoring/exact';
import { distribution, floorDiv, standing, standingsOf } from '../../src-main/core/ranking/strengths';

/**
 * Issue 16: the candidate pages' strengths take each candidate's standing from one pass over the formation's sorted
 * values and round percentages in integers. Both must give what the definitions (binary search, exact fractions)
 * give, for every list, ties included.
 */

const value = fc.tuple(fc.integer({ min: -50, max: 200 }), fc.constantFrom(1, 2, 3, 4, 6)).map(([n, d]) => new Fraction(n, d));

describe('standings of a whole formation at once', () => {
  it('equal the binary-search standing of every value, and the percentages equal the exact fractions rounded down', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), (values) => {
        const { sorted, n } = distribution(values);
        const at = standingsOf(sorted);
        for (const x of values) {
          const want = standing(sorted, x);
          // looked up by the very object, as the summaries do: each value is one of the list's objects
          const got = at.get(x)!;
          expect(got).toEqual({ lower: want.lower, equal: want.equal });
          expect(floorDiv((2 * got.lower + got.equal) * 50, n)).toBe(Number(want.percentile.floor().valueOf()));
          expect(floorDiv(got.lower * 100, n)).toBe(Number(new Fraction(got.lower * 100).div(n).floor().valueOf()));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a value not in the list is not found (the summaries then fall back to the binary search)', () => {
    const { sorted } = distribution([new Fraction(1), new Fraction(2)]);
    expect(standingsOf(sorted).get(new Fraction(1))).toBeUndefined();
    expect(standing(sorted, new Fraction(3, 2))).toMatchObject({ lower: 1, equal: 0 });
  });

  it('floorDiv rounds down at the largest sizes a formation reaches', () => {
    expect(floorDiv(199 * 50, 100)).toBe(99);
    expect(floorDiv(2 * 99_999 * 50 + 50, 100_000)).toBe(99);
    expect(floorDiv(0, 7)).toBe(0);
  });
});
