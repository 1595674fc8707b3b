// Checks done before sending, so that a person sees the problem in their language at once. The rules are the
// registry's own (src-main/shared/rules.ts); the registry checks them again and stays the authority.
import { brokenPinRule, isAccountName, NIP, type PinRule } from '../../src-main/shared/rules';

const PIN_KEYS: Record<PinRule, string> = {
  format: 'validation.pinFormat',
  repeated: 'validation.pinRepeated',
  run: 'validation.pinRun',
};

/** The i18n key of what is wrong with a PIN, or null. */
export function pinProblem(pin: string): string | null {
  const broken = brokenPinRule(pin);
  return broken ? PIN_KEYS[broken] : null;
}

export function accountNameProblem(name: string): string | null {
  return isAccountName(name) ? null : 'validation.name';
}

/** An empty NIP is no NIP (the field is optional); anything else must be one. */
export function nipProblem(nip: string): string | null {
  return nip === '' || NIP.test(nip) ? null : 'validation.nip';
}

/** The i18n key of what is wrong with a new PIN (as 'pin') or else with its repetition (as 'pin2'): at most one of them. */
export function newPinProblems(pin: string, repeat: string): { pin?: string; pin2?: string } {
  const key = pinProblem(pin);
  if (key) return { pin: key };
  if (pin !== repeat) return { pin2: 'validation.pinMismatch' };
  return {};
}

/** The workstation passphrase's bounds (src-main/core/custody/custody.ts `passphraseSchema`): the registry checks them again. */
export const PASSPHRASE_MIN = 12;
export const PASSPHRASE_MAX = 1024;

/** The i18n key of what is wrong with a new workstation passphrase (as 'passphrase') or else with its repetition (as 'passphrase2'). */
export function newPassphraseProblems(passphrase: string, repeat: string): { passphrase?: string; passphrase2?: string } {
  if (passphrase.length < PASSPHRASE_MIN) return { passphrase: 'validation.passphraseShort' };
  if (passphrase.length > PASSPHRASE_MAX) return { passphrase: 'validation.passphraseLong' };
  if (passphrase !== repeat) return { passphrase2: 'validation.passphraseMismatch' };
  return {};
}
