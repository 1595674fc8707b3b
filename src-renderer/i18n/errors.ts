import type { TFunction } from 'i18next';
import type { ErrorBody } from '../api/types';
import { formatTimeWib } from './format';

/**
 * Turns a refusal into a sentence in the current language: a translation per code, with the details filled in;
 * the server's own message when the code has no translation.
 */
export function errorMessage(t: TFunction, lang: string, error: ErrorBody): string {
  const d = error.details ?? {};
  switch (error.code) {
    case 'LOGIN_FAILED':
      return typeof d.attemptsLeft === 'number'
        ? t('errors.LOGIN_FAILED_attempts', { count: d.attemptsLeft })
        : t('errors.LOGIN_FAILED');
    case 'ACCOUNT_LOCKED':
      return typeof d.lockedUntil === 'string'
        ? t('errors.ACCOUNT_LOCKED_until', { time: formatTimeWib(d.lockedUntil, lang) })
        : t('errors.ACCOUNT_LOCKED');
    case 'INVALID_INPUT': {
      if (d.field === 'newPin') return t('errors.PIN_SAME');
      const issues = Array.isArray(d.issues) ? (d.issues as { path?: string; message?: string }[]) : [];
      const list = issues.map((i) => (i.path ? `${i.path}: ${i.message ?? ''}` : (i.message ?? ''))).join('; ');
      return list ? t('errors.INVALID_INPUT_issues', { issues: list }) : t('errors.INVALID_INPUT', { message: error.message });
    }
    case 'CONFLICT':
      return d.field === 'name' && typeof d.name === 'string' ? t('errors.CONFLICT_name', { name: d.name }) : t('errors.CONFLICT');
    default: {
      const key = `errors.${error.code}`;
      return t(key, { ...d, defaultValue: error.message, message: error.message });
    }
  }
}
