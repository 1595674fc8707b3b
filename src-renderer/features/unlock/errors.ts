import type { TFunction } from 'i18next';
import type { ErrorBody } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { formatTimeWib } from '../../i18n/format';

/**
 * A refusal of `workstation.unlock` in the person's language. The workstation passphrase counts on its own lock
 * (five wrong, then 15 minutes), not on a person's account: its sentences say so, with the time in WIB.
 */
export function unlockError(t: TFunction, lang: string, error: ErrorBody): string {
  const d = error.details ?? {};
  switch (error.code) {
    case 'PASSPHRASE_WRONG':
      return typeof d.attemptsLeft === 'number' ? t('unlock.errors.PASSPHRASE_WRONG_attempts', { count: d.attemptsLeft }) : t('unlock.errors.PASSPHRASE_WRONG');
    case 'ACCOUNT_LOCKED':
      return typeof d.lockedUntil === 'string' ? t('unlock.errors.LOCKED_until', { time: formatTimeWib(d.lockedUntil, lang) }) : t('unlock.errors.LOCKED');
    case 'RECOVERY_KEY_INVALID':
      // Which word, or how many: the workstation's checks of the words (src-main/core/custody/recovery-words.ts).
      if (typeof d.word === 'number') return t('unlock.errors.RECOVERY_KEY_INVALID_word', { word: d.word });
      if (typeof d.words === 'number') return t('unlock.errors.RECOVERY_KEY_INVALID_count', { count: d.words });
      return t('unlock.errors.RECOVERY_KEY_INVALID_order');
    case 'RECOVERY_KEY_WRONG':
      return t('unlock.errors.RECOVERY_KEY_WRONG');
    case 'PASSPHRASE_TOO_WEAK':
      return t('validation.passphraseShort');
    case 'CUSTODY_UNREADABLE':
      return t('unlock.errors.CUSTODY_UNREADABLE');
    default:
      return errorMessage(t, lang, error);
  }
}
