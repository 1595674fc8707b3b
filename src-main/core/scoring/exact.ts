import Fraction from 'fraction.js';

export { Fraction };

/**
 * A fraction read from its text, the same object for the same text when `shared` is given: an exam's scores take a
 * few thousand distinct values, and 100,000 candidates' facts held as their own fractions (two BigInts each) came to
 * about 50 MB at the hub. Fractions are never changed in place, so sharing one is safe.
 */
export function fractionOf(s: string, shared?: Map<string, Fraction>): Fraction {
  if (!shared) return new Fraction(s);
  let f = shared.get(s);
  if (f === undefined) shared.set(s, (f = new Fraction(s)));
  return f;
}

/** A fraction shown with exactly `decimals` places (half away from zero). Display only: never compared. */
export function toFixedString(f: Fraction, decimals = 3): string {
  const scale = 10n ** BigInt(decimals);
  const neg = f.s < 0n;
  const num = f.n * scale * 2n + f.d; // round half up on the magnitude
  const scaled = num / (2n * f.d);
  const int = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  return `${neg ? '-' : ''}${int}${decimals ? `.${frac}` : ''}`;
}

/** "n/d" in lowest terms: what machine-readable output carries so anyone can recompute exactly. */
export function toExactString(f: Fraction): string {
  const s = f.s < 0n ? '-' : '';
  return f.d === 1n ? `${s}${f.n}` : `${s}${f.n}/${f.d}`;
}
