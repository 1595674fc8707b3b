import type { TFunction } from 'i18next';
import type { ErrorBody } from '../../api';
import { errorMessage, lockedMessage, withAttemptsLeft } from '../../i18n/errors';

/** The codes of this page that have their own sentence under `bundles.errors`. */
const OWN = new Set(['PASSPHRASE_WRONG', 'NO_IDENTITY', 'CERT_INVALID', 'CERT_EXPIRED', 'CERT_NOT_YET_VALID', 'ACK_INVALID']);

/**
 * A refusal on the Bundel page in the person's language. A bundle that is refused (BUNDLE_…) keeps the
 * server's own reason, which names the entry, the sequence or the certificate concerned.
 */
export function bundlesError(t: TFunction, lang: string, error: ErrorBody): string {
  const d = error.details ?? {};
  if (error.code === 'NOTHING_TO_EXPORT') {
    return typeof d.sequence === 'number' ? t('bundles.errors.NOTHING_TO_EXPORT', { sequence: d.sequence }) : t('bundles.errors.NOTHING_TO_EXPORT_plain');
  }
  // A certificate signs for one workstation only (the binding rule, docs/bundles.md).
  if (error.code === 'BUNDLE_WORKSTATION_MISMATCH') {
    const workstation = typeof d.workstation === 'string' ? d.workstation : '';
    return typeof d.registeredFor === 'string'
      ? t('bundles.errors.BUNDLE_WORKSTATION_MISMATCH_registered', { workstation, registeredFor: d.registeredFor })
      : t('bundles.errors.BUNDLE_WORKSTATION_MISMATCH', { workstation });
  }
  if (error.code === 'SIGNER_BOUND') return t('bundles.errors.SIGNER_BOUND', { workstation: typeof d.workstation === 'string' ? d.workstation : '' });
  // Two exports of one exam at once: the later one is refused and nothing of it is kept.
  if (error.code === 'CONFLICT') return t('bundles.errors.CONFLICT');
  if (error.code.startsWith('BUNDLE_') || error.code === 'FILE_NOT_FOUND') return t('bundles.errors.refused', { message: error.message });
  // The signing key's passphrase counts on the same lock as the PIN: attempts left, then the lock with its time.
  if (error.code === 'PASSPHRASE_WRONG') return withAttemptsLeft(t, t('bundles.errors.PASSPHRASE_WRONG'), d);
  if (error.code === 'ACCOUNT_LOCKED') return lockedMessage(t, lang, d, 'passphrase');
  if (OWN.has(error.code)) return t(`bundles.errors.${error.code}`);
  return errorMessage(t, lang, error);
}
