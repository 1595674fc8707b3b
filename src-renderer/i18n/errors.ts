import type { TFunction } from 'i18next';
import type { ErrorBody } from '../api/types';
import { formatLongDateTimeWib, formatTimeWib } from './format';

/** "user:petugas1" → "petugas1": who did it, as the person knows them. */
export function actorName(actor: string): string {
  return actor.replace(/^(user|cli):/, '');
}

function str(x: unknown): string {
  return typeof x === 'string' || typeof x === 'number' ? String(x) : '';
}

/** "30 detik", "15 menit": a wait of a minute or more in whole minutes (rounded up, never too early). */
export function waitText(t: TFunction, seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s >= 60 ? t('errors.wait.minutes', { count: Math.ceil(s / 60) }) : t('errors.wait.seconds', { count: s });
}

/**
 * A wrong PIN or passphrase counts towards a lock (of the account, or of this device): the refusal's own sentence
 * followed by the attempts left, when the workstation says how many.
 */
export function withAttemptsLeft(t: TFunction, sentence: string, details: Record<string, unknown> | undefined): string {
  const left = details?.attemptsLeft;
  return typeof left === 'number' ? `${sentence} ${t('errors.attemptsLeft', { count: left })}` : sentence;
}

/**
 * ACCOUNT_LOCKED in words, with the time in WIB. It comes back from the login and from every check of a secret
 * while logged in (sign-off and PIN change: `pin`; the signing key's passphrase: `passphrase`), which all count
 * on the same lock.
 */
export function lockedMessage(t: TFunction, lang: string, details: Record<string, unknown> | undefined, secret: 'pin' | 'passphrase' = 'pin'): string {
  const until = details?.lockedUntil;
  if (secret === 'passphrase') {
    return typeof until === 'string' ? t('errors.ACCOUNT_LOCKED_passphrase_until', { time: formatTimeWib(until, lang) }) : t('errors.ACCOUNT_LOCKED_passphrase');
  }
  return typeof until === 'string' ? t('errors.ACCOUNT_LOCKED_until', { time: formatTimeWib(until, lang) }) : t('errors.ACCOUNT_LOCKED');
}

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
      return lockedMessage(t, lang, d);
    case 'PIN_WRONG':
      return withAttemptsLeft(t, t('errors.PIN_WRONG'), d);
    case 'RATE_LIMITED':
      return typeof d.retryAfter === 'number' ? t('errors.RATE_LIMITED', { wait: waitText(t, d.retryAfter) }) : t('errors.RATE_LIMITED_plain');
    case 'UPLOAD_LIMIT':
      // The limit is either a number of files or a number of bytes (256 MB).
      return typeof d.limit === 'number' && d.limit >= 1048576
        ? t('errors.UPLOAD_LIMIT_bytes', { size: Math.round(d.limit / 1048576) })
        : t('errors.UPLOAD_LIMIT', { count: typeof d.limit === 'number' ? d.limit : 4 });
    case 'FILE_SYSTEM':
      // The workstation's sentence names the file and what to do (a full disk, a read-only stick).
      return t('errors.FILE_SYSTEM', { message: error.message });
    case 'INTERNAL':
      // The details stay in the workstation's log under this reference; the answer never carries them.
      return typeof d.ref === 'string' ? t('errors.INTERNAL_ref', { ref: d.ref }) : t('errors.INTERNAL', { message: error.message });
    case 'WRONG_HOST':
    case 'CROSS_ORIGIN':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return t('errors.REQUEST_REFUSED');
    case 'INVALID_INPUT': {
      if (d.field === 'newPin') return t('errors.PIN_SAME');
      const issues = Array.isArray(d.issues) ? (d.issues as { path?: string; message?: string }[]) : [];
      const list = issues.map((i) => (i.path ? `${i.path}: ${i.message ?? ''}` : (i.message ?? ''))).join('; ');
      return list ? t('errors.INVALID_INPUT_issues', { issues: list }) : t('errors.INVALID_INPUT', { message: error.message });
    }
    case 'MALFORMED_JSON':
      return typeof d.line === 'number'
        ? t('errors.MALFORMED_JSON_at', { line: d.line, column: d.column, expected: str(d.expected) })
        : t('errors.MALFORMED_JSON');
    case 'INVALID_PACKAGE':
      return t('errors.INVALID_PACKAGE', { count: Array.isArray(d.problems) ? d.problems.length : 0 });
    case 'ROSTER_INVALID':
      return t('errors.ROSTER_INVALID', { count: typeof d.count === 'number' ? d.count : 0, file: str(d.file) });
    case 'ROSTER_NIK_ROUNDED':
      return t('errors.ROSTER_NIK_ROUNDED', { file: str(d.file), count: typeof d.count === 'number' ? d.count : 0 });
    case 'ROSTER_DATE_ORDER': {
      const at = (v: unknown) => (v && typeof v === 'object' ? (v as { line?: unknown; value?: unknown }) : {});
      return d.kind === 'mixed'
        ? t('errors.ROSTER_DATE_ORDER_mixed', { file: str(d.file), dayLine: str(at(d.dayFirst).line), dayValue: str(at(d.dayFirst).value), monthLine: str(at(d.monthFirst).line), monthValue: str(at(d.monthFirst).value) })
        : t('errors.ROSTER_DATE_ORDER_ambiguous', { file: str(d.file), line: str(d.line), value: str(d.value) });
    }
    case 'UNSUPPORTED_FILE': {
      if (d.found === 'ods') return t('errors.UNSUPPORTED_FILE_ods', { file: str(d.file) });
      const expected = Array.isArray(d.expected) ? (d.expected as unknown[]).map((x) => str(x).toUpperCase()) : [];
      return expected.length
        ? t('errors.UNSUPPORTED_FILE_expected', { expected: expected.join(t('common.or')) })
        : t('errors.UNSUPPORTED_FILE');
    }
    case 'TABLE_INVALID': {
      // A file whose table could be read two ways (a column twice, a hidden first sheet) or is too large.
      const file = str(d.file);
      if (d.reason === 'duplicate-header') {
        const columns = Array.isArray(d.columns) ? d.columns.map(str) : [];
        const headers = Array.isArray(d.headers) ? d.headers.map(str) : [];
        return t('errors.TABLE_INVALID_duplicate', { file, first: columns[0] ?? '', second: columns[1] ?? '', headers: headers.join(', '), column: str(d.column) });
      }
      if (d.reason === 'hidden-sheet') return t('errors.TABLE_INVALID_hidden', { file, sheet: str(d.sheet) });
      if (d.reason === 'too-many-rows') return t('errors.TABLE_INVALID_rows', { file, limit: typeof d.limit === 'number' ? d.limit.toLocaleString(lang === 'id' ? 'id-ID' : 'en-US') : '' });
      if (d.reason === 'formula') return t('errors.TABLE_INVALID_formula', { file, cell: str(d.cell) });
      return error.message;
    }
    case 'FILE_TOO_LARGE':
      return t('errors.FILE_TOO_LARGE', { limit: typeof d.limit === 'number' ? Math.round(d.limit / 1048576) : 200 });
    case 'WRONG_SESSION': {
      const sessions = Array.isArray(d.sessions) ? (d.sessions as { code?: unknown; room?: unknown; startsAt?: unknown }[]) : [];
      const list = sessions
        .map((s) => t('errors.WRONG_SESSION_item', { code: str(s.code), room: str(s.room), time: formatLongDateTimeWib(str(s.startsAt), lang) }))
        .join('; ');
      return list
        ? t('errors.WRONG_SESSION', { nama: str(d.nama), sessions: list })
        : t('errors.WRONG_SESSION_none', { nama: str(d.nama) });
    }
    case 'ALREADY_CHECKED_IN':
      return t('errors.ALREADY_CHECKED_IN', {
        nama: str(d.nama),
        time: typeof d.at === 'string' ? formatTimeWib(d.at, lang) : '',
        by: actorName(str(d.by)),
      });
    case 'NOT_FOUND':
      if (typeof d.exam === 'string') return t('errors.NOT_FOUND_exam', { exam: d.exam });
      if (typeof d.session === 'string') return t('errors.NOT_FOUND_session', { session: d.session });
      // An upload serves one command and is deleted when it ends: choosing the file again sends it anew.
      if (typeof d.uploadId === 'string') return t('errors.NOT_FOUND_upload');
      if (typeof d.account === 'string') return t('errors.NOT_FOUND_account', { account: d.account });
      return t('errors.NOT_FOUND');
    case 'CONFLICT':
      return d.field === 'name' && typeof d.name === 'string' ? t('errors.CONFLICT_name', { name: d.name }) : t('errors.CONFLICT');
    default: {
      const key = `errors.${error.code}`;
      return t(key, { ...d, defaultValue: error.message, message: error.message });
    }
  }
}
