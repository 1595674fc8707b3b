import type { TFunction } from 'i18next';
import type { ErrorBody } from '../../api';
import { i18n } from '../../i18n';
import { errorMessage, withAttemptsLeft } from '../../i18n/errors';

function list(x: unknown, sep: string): string {
  return Array.isArray(x) ? x.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')).filter(Boolean).join(sep) : '';
}

/**
 * A refusal of a scoring command in the person's language: the scoring namespace first (with the details filled
 * in), then the shared translations. `context` tells apart the same code from two commands.
 */
export function scoringError(t: TFunction, lang: string, error: ErrorBody, context?: 'resolve' | 'signoff'): string {
  const d = error.details ?? {};
  const sep = t('scoring.listSeparator');
  switch (error.code) {
    case 'SAME_CLERK':
      return t(context === 'resolve' ? 'scoring.errors.SAME_CLERK_resolve' : 'scoring.errors.SAME_CLERK', { nomorPeserta: d.nomorPeserta ?? '' });
    case 'PIN_WRONG':
      return withAttemptsLeft(t, t('scoring.errors.PIN_WRONG'), d);
    // ACCOUNT_LOCKED (a sign-off PIN counts on the same lock as the login) is said by errorMessage, with its time.
    case 'PANEL_INCOMPLETE':
      return t('scoring.errors.PANEL_INCOMPLETE', { nomorPeserta: d.nomorPeserta ?? '', names: list(d.waitingFor, sep) });
    case 'DISCUSSION_NEEDED':
      return t('scoring.errors.DISCUSSION_NEEDED', { nomorPeserta: d.nomorPeserta ?? '', criteria: list(d.criteria, sep) });
    case 'INCOMPLETE':
      return t('scoring.errors.INCOMPLETE', { missing: list(d.missing, sep) });
    case 'SCORE_OUT_OF_RANGE': {
      const problems = Array.isArray(d.problems) ? (d.problems as { item?: unknown }[]).map((p) => p.item) : [];
      const which = problems.length ? list(problems, sep) : list([d.criterion ?? d.item], sep);
      return which ? t('scoring.errors.SCORE_OUT_OF_RANGE_items', { items: which }) : t('scoring.errors.SCORE_OUT_OF_RANGE');
    }
    case 'SCORES_INVALID': {
      const count = typeof d.count === 'number' ? d.count : Array.isArray(d.problems) ? d.problems.length : 0;
      return t('scoring.errors.SCORES_INVALID', { count, file: typeof d.file === 'string' ? d.file : '' });
    }
    default: {
      const key = `scoring.errors.${error.code}`;
      if (i18n.exists(key)) return t(key, { ...d });
      return errorMessage(t, lang, error);
    }
  }
}
