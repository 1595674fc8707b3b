import { Fraction, toExactString, toFixedString } from '../scoring/exact';

/**
 * Exact rationals as scaled integers, so that ranking 100,000 candidates orders them without allocating a fraction
 * per comparison. Every value of one quantity (a SKD component, a stage, the final) is put once on one common
 * denominator; its numerator is an `Int`: a number while it is a safe integer (below 2^53, where a double is every
 * integer exactly), a bigint beyond. Each operation checks the bound on its result and moves to bigint when it is
 * exceeded, so a value is never rounded; and since a value has one representation (a number iff it is safe), equal
 * values compare equal whatever path made them. JavaScript compares a number with a bigint exactly, so `<` and `>`
 * order any two `Int`s.
 */
export type Int = number | bigint;

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as an Int: a number when safe. */
export function int(x: bigint): Int {
  return x <= MAX && x >= -MAX ? Number(x) : x;
}

// A double operation on safe integers is exact whenever its exact result is a safe integer; and rounding is
// monotone, so when the exact result is 2^53 or more the rounded one is too. Hence "is the result safe?" tells
// exactly when the number path was exact.
export function add(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return int(BigInt(a) + BigInt(b));
}

export function mul(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (Number.isSafeInteger(p)) return p;
  }
  return int(BigInt(a) * BigInt(b));
}

/** Negative when a < b, exactly (also between a number and a bigint). */
export function cmp(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The least common multiple of positive denominators. */
export function lcm(a: bigint, b: bigint): bigint {
  return a === b || b === 1n ? a : a === 1n ? b : (a / gcd(a, b)) * b;
}

/**
 * Collects the denominators of every value a quantity takes, then puts each value on their least common multiple.
 * The few distinct denominators are remembered with their multipliers, so scaling is one multiplication.
 */
export class CommonDenominator {
  private dens = new Set<bigint>();
  private mult = new Map<bigint, Int>();
  private den = 1n;
  private sealed = false;

  /** Notes one value's denominator (before any `scale`). */
  note(f: Fraction): void {
    if (f.d !== 1n) this.dens.add(f.d);
  }

  /** Notes a denominator directly: of a product, say, whose values are not fractions yet. */
  noteDen(d: bigint): void {
    if (d !== 1n) this.dens.add(d);
  }

  /** The common denominator, fixed once the first value is scaled. */
  get d(): bigint {
    if (!this.sealed) {
      for (const d of this.dens) this.den = lcm(this.den, d);
      this.sealed = true;
    }
    return this.den;
  }

  /** The numerator of f on the common denominator. f's denominator must have been noted. */
  scale(f: Fraction): Int {
    let m = this.mult.get(f.d);
    if (m === undefined) {
      const D = this.d;
      if (D % f.d !== 0n) throw new Error(`denominator ${f.d} was not noted`); // a bug, never data: fail loudly
      m = int(D / f.d);
      this.mult.set(f.d, m);
    }
    const n = f.s < 0n ? -f.n : f.n;
    return mul(n <= MAX && n >= -MAX ? Number(n) : n, m);
  }
}

/** The multiplier that turns a numerator on denominator `from`, times the fraction `coef`, into one on `to`. */
export function rescale(coef: Fraction, from: bigint, to: bigint): Int {
  const d = coef.d * from;
  if (to % d !== 0n) throw new Error(`${to} is not a multiple of ${d}`); // a bug, never data
  return int(coef.s * coef.n * (to / d));
}

/** n/d as a fraction.js Fraction (lowest terms), for the rare paths that compare with one. */
export function fraction(n: Int, d: bigint): Fraction {
  return new Fraction(BigInt(n), d);
}

/** n/d with exactly three decimals, half away from zero: the same string as toFixedString(n/d, 3). */
export function fixed3(n: Int, d: bigint): string {
  if (typeof n === 'number' && d <= MAX) {
    const D = Number(d);
    const m = n < 0 ? -n : n;
    // floor(1000·m/D + 1/2) = floor((2000·m + D) / 2D): integers, exact while they stay safe
    const num = m * 2000 + D;
    const den = 2 * D;
    if (Number.isSafeInteger(num) && Number.isSafeInteger(den)) {
      const q = (num - (num % den)) / den; // exact floor: num − num % den is a multiple of den
      const frac = q % 1000;
      return `${n < 0 ? '-' : ''}${(q - frac) / 1000}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
    }
  }
  return toFixedString(fraction(n, d), 3);
}

/** n/d as "n/d" in lowest terms (or "n"): the same string as toExactString. */
export function exactString(n: Int, d: bigint): string {
  if (typeof n === 'number' && d <= MAX) {
    let a = n < 0 ? -n : n;
    let b = Number(d);
    const D = b;
    while (b) [a, b] = [b, a % b]; // Euclid on safe integers: every step exact
    const g = a || 1;
    const num = (n < 0 ? -n : n) / g;
    const den = D / g;
    return `${n < 0 ? '-' : ''}${num}${den === 1 ? '' : `/${den}`}`;
  }
  return toExactString(fraction(n, d));
}

/** n/d to at most three decimals, trailing zeros dropped ("75.5", "71.091", "80"): the engine's stage and SKB display. */
export function trimmedString(n: Int, d: bigint): string {
  return fixed3(n, d).replace(/\.?0+$/, '') || '0';
}

/** An integer in full (without its sign, as the engine always showed it), anything else as trimmedString. */
export function shownString(n: Int, d: bigint): string {
  if (typeof n === 'number' && d <= MAX) {
    const D = Number(d);
    if (n % D === 0) return String((n < 0 ? -n : n) / D);
    return trimmedString(n, d);
  }
  const b = BigInt(n);
  return b % d === 0n ? String((b < 0n ? -b : b) / d) : trimmedString(n, d);
}

/** A display string per distinct value of one quantity: a column of 100,000 values has a few hundred distinct ones. */
export class Shown {
  private cache = new Map<Int, string>();
  constructor(
    private readonly d: () => bigint,
    private readonly format: (n: Int, d: bigint) => string,
  ) {}

  of(n: Int): string {
    let s = this.cache.get(n);
    if (s === undefined) this.cache.set(n, (s = this.format(n, this.d())));
    return s;
  }
}
