import { Fraction } from './exact';

export type AggregateMethod = 'mean' | 'median' | 'trimmed_mean';

/**
 * The panel's value for one criterion from each panelist's submitted value, exactly. Trimmed mean drops the
 * single highest and lowest value when there are at least three panelists (with two it is the mean).
 */
export function aggregate(values: readonly number[], method: AggregateMethod): Fraction {
  if (values.length === 0) throw new Error('no values to aggregate');
  const sorted = [...values].sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((acc, x) => acc.add(new Fraction(x)), new Fraction(0)).div(xs.length);
  switch (method) {
    case 'mean':
      return mean(sorted);
    case 'median': {
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? new Fraction(sorted[mid]!) : new Fraction(sorted[mid - 1]!).add(sorted[mid]!).div(2);
    }
    case 'trimmed_mean':
      return mean(sorted.length >= 3 ? sorted.slice(1, -1) : sorted);
  }
}

export function spread(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}
