import type { TFunction } from 'i18next';
import type { ErrorBody } from '../../api';
import { errorMessage } from '../../i18n/errors';
import type { Reason, ReasonList } from '../../../src-main/core/ranking/reasons';

export type { Reason };

// The colour family of a status chip: the ranking's status codes, read by the rule both sides share.
import { statusFamily, type StatusFamily } from '../../../src-main/shared/rules';

export { statusFamily, type StatusFamily };

/** The i18n key (under results.status) of a status code's short label, with the seat number of P/L-n. */
export function statusKey(code: string): { key: string; n?: string } | null {
  const fixed: Record<string, string> = { 'P/L': 'PL', 'P/TL': 'PTL', 'P/TH': 'PTH', TL: 'TL', TH: 'TH', TMS: 'TMS', APS: 'APS', BL: 'BL' };
  if (fixed[code]) return { key: fixed[code] };
  const opt = /^P\/L-(\d+|n)$/.exec(code);
  if (opt) return { key: 'PLn', n: opt[1]! };
  const tms = /^TMS-(\d+|n)$/.exec(code);
  if (tms) return { key: 'TMS', n: tms[1]! };
  return null;
}

/** The statuses that can be provisional (missing results could still change them) have their own words. */
const PROVISIONAL_KEYS = new Set(['PL', 'PLn', 'PTL', 'PTH']);

/**
 * A status code's short label. A provisional one ("P/L" while BL candidates could still pass it) never reads as a
 * final pass: "dalam kebutuhan, belum final" / "within the quota, not final", shown beside a SEMENTARA badge.
 */
export function statusLabel(t: TFunction, code: string, provisional = false): string {
  const k = statusKey(code);
  if (provisional) {
    return k && PROVISIONAL_KEYS.has(k.key) ? t(`results.statusProvisional.${k.key}`, { n: k.n ?? '' }) : t('results.statusProvisional.other', { label: k ? t(`results.status.${k.key}`, { n: k.n ?? '' }) : code });
  }
  return k ? t(`results.status.${k.key}`, { n: k.n ?? '' }) : code;
}

/** A decimal kept with a point, in the reader's notation: every "75.5" in a text becomes "75,5" in Bahasa Indonesia. */
export function localizeNumbers(text: string, lang: string): string {
  return lang === 'en' ? text : text.replace(/(\d)\.(\d)/g, '$1,$2');
}

export { compareDecimal, displayOrder } from '../../../src-main/shared/ranking-order';

/** "a, b and c" or "a, …, e and 7 others", in the reader's language. */
function listText(t: TFunction, list: ReasonList): string {
  const shown = list.items.join(', ');
  if (list.more > 0) return t(list.of === 'candidates' ? 'results.reason.andOthers' : 'results.reason.andOtherFormations', { list: shown, n: list.more });
  return list.items.length <= 1 ? shown : `${list.items.slice(0, -1).join(', ')} ${t('results.reason.and')} ${list.items.at(-1)!}`;
}

/** One reason of the engine (a code and its parameters), in the reader's language. */
export function reasonPart(t: TFunction, lang: string, r: Reason): string {
  switch (r.code) {
    case 'threshold':
      return t('results.reason.threshold', { ...r.params, value: localizeNumbers(r.params.value, lang), min: localizeNumbers(r.params.min, lang) });
    case 'waitsCandidates':
    case 'waitsFormations':
      return t(`results.reason.${r.code}`, { ...r.params, list: listText(t, r.params.list) });
    default:
      return t(`results.reason.${r.code}`, r.params);
  }
}

/**
 * Why a candidate has its status, in the reader's language, from the engine's reasons as data (several, "; "
 * between: failed grades, or what a provisional status waits for). The signed and exported sentence stays the
 * engine's Indonesian; it is only the fallback here, for an answer that came without the data.
 */
export function reasonText(t: TFunction, lang: string, reasons: readonly Reason[] | undefined, fallback = ''): string {
  if (!reasons?.length) return fallback;
  return reasons.map((r) => reasonPart(t, lang, r)).join('; ');
}

/** "ditentukan oleh TKP": the tie-break that separated a candidate from the next rank. */
export function decidedByText(t: TFunction, key: string): string {
  if (key.startsWith('stage:')) return t('results.decidedBy.stage', { stage: key.slice(6) });
  const known = ['final', 'skd_total', 'twk', 'tiu', 'tkp', 'ipk', 'older', 'nomor_peserta'];
  return known.includes(key) ? t(`results.decidedBy.${key}`) : t('results.decidedBy.other', { key });
}

/** Ruleset refusals get their own sentence here; the rest as everywhere else. */
export function resultsError(t: TFunction, lang: string, error: ErrorBody): string {
  const d = error.details ?? {};
  const list = (x: unknown) => (Array.isArray(x) ? x.map(String).join(', ') : '');
  switch (error.code) {
    case 'RULESET_MISMATCH':
      return t('results.errors.RULESET_MISMATCH', { unknown: list(d.unknown) || '—' });
    case 'UNKNOWN_RULESET':
      return list(d.known)
        ? t('results.errors.UNKNOWN_RULESET_known', { ruleset: String(d.ruleset ?? ''), known: list(d.known) })
        : t('results.errors.UNKNOWN_RULESET', { ruleset: String(d.ruleset ?? '') });
    case 'INVALID_RULESET': {
      const problems = Array.isArray(d.problems) ? (d.problems as { path?: unknown; message?: unknown }[]) : [];
      return t('results.errors.INVALID_RULESET', {
        file: String(d.file ?? ''),
        problems: problems.map((p) => `${String(p.path ?? '')}: ${String(p.message ?? '')}`).join('; ') || error.message,
      });
    }
    default:
      return errorMessage(t, lang, error);
  }
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

const NICE_WIDTHS = [0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100];

/**
 * Scores in bins of a round width, at most `maxBins` of them: [from, to), from the multiple of the width at or
 * below the lowest score. Only for drawing: no rank depends on it.
 */
export function histogram(values: readonly number[], maxBins = 12): { bins: Bin[]; width: number } {
  if (values.length === 0) return { bins: [], width: 0 };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = NICE_WIDTHS.find((w) => Math.floor(max / w) - Math.floor(min / w) + 1 <= maxBins) ?? 100;
  const start = Math.floor(min / width);
  const n = Math.floor(max / width) - start + 1;
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ from: (start + i) * width, to: (start + i + 1) * width, count: 0 }));
  for (const v of values) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(v / width) - start));
    bins[i]!.count++;
  }
  return { bins, width };
}

/** "12", "12,5" (id) or "12.5" (en): a bin edge, at most one decimal. */
export function formatEdge(x: number, lang: string): string {
  const s = Number.isInteger(x) ? String(x) : x.toFixed(1);
  return lang === 'en' ? s : s.replace('.', ',');
}

/** Text as search compares it: lower case, without accents ("Dwi Ângga" is found by "dwi angga"). */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** Whether a candidate matches what was typed: part of the registration number or of the name. */
export function matchesSearch(query: string, nomor: string, nama: string | undefined): boolean {
  const q = searchKey(query);
  if (!q) return true;
  return nomor.toLowerCase().includes(q.replace(/\s+/g, '')) || (nama !== undefined && searchKey(nama).includes(q));
}
