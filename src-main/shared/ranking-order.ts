import { statusFamily, type StatusFamily } from './rules';

// The order a ranking is shown and printed in, one rule for the results page and the A4 print.

/**
 * Compares two non-negative decimals given as text ("79.467", "463") exactly, without a float: order of display
 * must never depend on rounding either.
 */
export function compareDecimal(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const ia = ai.replace(/^0+(?=\d)/, '');
  const ib = bi.replace(/^0+(?=\d)/, '');
  if (ia.length !== ib.length) return ia.length - ib.length;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const fa = af.padEnd(n, '0');
  const fb = bf.padEnd(n, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** Where the unranked come in the table: those still in play first, then the failed, the absent, the withdrawn. */
const UNRANKED_ORDER: Record<StatusFamily, number> = { pass: 0, neutral: 1, absent: 3, pending: 2, fail: 4, other: 5 };

/** What the order reads of a result. */
export interface Orderable {
  rank: number | null;
  status: string;
  skd_total: string | null;
  nomor_peserta: string;
}

/** Ranked rows by rank; then the others by status group, higher SKD total first, then number. */
export function displayOrder(a: Orderable, b: Orderable): number {
  if (a.rank !== null || b.rank !== null) {
    if (a.rank === null) return 1;
    if (b.rank === null) return -1;
    if (a.rank !== b.rank) return a.rank - b.rank;
  } else {
    const g = UNRANKED_ORDER[statusFamily(a.status)] - UNRANKED_ORDER[statusFamily(b.status)];
    if (g !== 0) return g;
    if (a.skd_total !== b.skd_total) {
      if (a.skd_total === null) return 1;
      if (b.skd_total === null) return -1;
      const c = compareDecimal(b.skd_total, a.skd_total);
      if (c !== 0) return c;
    }
  }
  return a.nomor_peserta < b.nomor_peserta ? -1 : a.nomor_peserta > b.nomor_peserta ? 1 : 0;
}
