import type { TFunction } from 'i18next';
import type { ErrorBody } from '../../api';
import { errorMessage, lockedMessage, withAttemptsLeft } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';

/** What the refused command was doing: the same code means something else in each. */
export type DocumentsContext = 'identity' | 'sheets' | 'job' | 'minutes' | 'download' | 'verify';

/** The codes of signing and documents translated under `documents.errors`. */
const OWN = new Set([
  'P12_PASSWORD_WRONG',
  'P12_INVALID',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_NOT_FOR_SIGNING',
  'PASSPHRASE_WRONG',
  'NO_IDENTITY',
  'ALREADY_SIGNED',
  'NOT_FINALIZED',
  'NO_FINAL_RESULT',
  'NO_SIGNATURE_LINE',
  'MINUTES_NOT_INTACT',
  'NOT_A_PDF',
]);

const str = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '');

/**
 * A refusal of the Dokumen page in the person's language. The codes of signing have their own sentences;
 * NOT_FOUND says what was missing in this context; everything else goes to the shared translation.
 */
export function documentsError(t: TFunction, lang: string, error: ErrorBody, context: DocumentsContext): string {
  const d = error.details ?? {};
  if (error.code === 'CERT_EXPIRED' && typeof d.notAfter === 'string') {
    return t('documents.errors.CERT_EXPIRED_on', { date: formatDateTimeWib(d.notAfter, lang) });
  }
  if (error.code === 'NOT_FINALIZED' && typeof d.session === 'string') {
    return t('documents.errors.NOT_FINALIZED_session', { session: d.session });
  }
  if (error.code === 'MINUTES_NOT_MADE' && typeof d.session === 'string') return t('documents.errors.minutesNotMade', { session: d.session });
  if (error.code === 'NOT_ON_PANEL') return typeof d.session === 'string' ? t('documents.errors.NOT_ON_PANEL_session', { session: d.session }) : t('documents.errors.NOT_ON_PANEL');
  if (error.code === 'MINUTES_MISMATCH') {
    // Either other minutes than the session's, or minutes that no longer say what its finalizations say.
    return typeof d.session === 'string' ? t('documents.errors.MINUTES_MISMATCH_session', { session: d.session }) : t('documents.errors.MINUTES_MISMATCH');
  }
  if (error.code === 'UNKNOWN_CANDIDATE' && Array.isArray(d.missing)) return t('errors.UNKNOWN_CANDIDATE', { nomorPeserta: d.missing.join(', ') });
  if (error.code === 'JOB_RUNNING') return typeof d.exam === 'string' ? t('documents.errors.JOB_RUNNING_exam', { exam: d.exam }) : t('documents.errors.JOB_RUNNING');
  if (error.code === 'CONFLICT') {
    // Two at once on one file: the countersignature (minutes.sign), or a signing run (a group of the batch).
    if (context === 'minutes') return t('documents.errors.CONFLICT_minutes');
    if (context === 'job' || context === 'sheets') return t('documents.errors.CONFLICT_job');
  }
  if (error.code === 'SHEETS_INCOMPLETE') {
    // A job reports its failure without details: the counts are in its message ("12 of 40 sheet(s) were written…").
    const m = /^(\d+) of (\d+) sheet/.exec(error.message);
    const written = typeof d.written === 'number' ? d.written : m ? Number(m[1]) : null;
    const total = typeof d.total === 'number' ? d.total : m ? Number(m[2]) : null;
    return written !== null && total !== null ? t('documents.errors.SHEETS_INCOMPLETE_counts', { written: str(written), total: str(total) }) : t('documents.errors.SHEETS_INCOMPLETE');
  }
  // The signing key's passphrase counts on the same lock as the PIN: attempts left, then the lock with its time.
  if (error.code === 'PASSPHRASE_WRONG') return withAttemptsLeft(t, t('documents.errors.PASSPHRASE_WRONG'), d);
  if (error.code === 'ACCOUNT_LOCKED') return lockedMessage(t, lang, d, 'passphrase');
  if (OWN.has(error.code)) return t(`documents.errors.${error.code}`);
  if (error.code === 'NOT_FOUND' && typeof d.exam !== 'string') {
    // The minutes file is missing until the coordinator has signed it first.
    if (context === 'minutes' && typeof d.session === 'string') return t('documents.errors.minutesNotMade', { session: d.session });
    if (context === 'download') return t('documents.errors.fileGone', { name: typeof d.name === 'string' ? d.name : '' });
    // The worker says only NOT_FOUND when the chosen session has no candidate.
    if (context === 'job' || context === 'sheets') return t('documents.errors.sessionEmpty');
  }
  return errorMessage(t, lang, error);
}
