/**
 * Reading digits by character code, for the cells every row of a roster holds (dates, IPK, NIK): no slice, Number
 * or regex match per row.
 */

/** The value of s[from..to) when every character there is an ASCII digit, else -1. */
export function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `/` or `-`, the separators of DD/MM/YYYY and DD-MM-YYYY. */
export const isDateSeparator = (c: number) => c === 47 /* / */ || c === 45; /* - */
