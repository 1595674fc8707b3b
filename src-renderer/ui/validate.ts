// Checks done before sending, so that a person sees the problem in their language at once.
// The registry checks the same rules again; it is the authority.

const STRAIGHT_RUNS = new Set(['012345', '123456', '234567', '345678', '456789', '987654', '876543', '765432', '654321', '543210']);

/** The i18n key of what is wrong with a PIN, or null. */
export function pinProblem(pin: string): string | null {
  if (!/^\d{6,12}$/.test(pin)) return 'validation.pinFormat';
  if (/^(\d)\1+$/.test(pin)) return 'validation.pinRepeated';
  if (STRAIGHT_RUNS.has(pin)) return 'validation.pinRun';
  return null;
}

export function accountNameProblem(name: string): string | null {
  return /^[a-z0-9][a-z0-9._-]{1,31}$/.test(name.trim().toLowerCase()) ? null : 'validation.name';
}

export function nipProblem(nip: string): string | null {
  return nip === '' || /^\d{18}$/.test(nip) ? null : 'validation.nip';
}

/** The i18n key of what is wrong with a new PIN (as 'pin') or else with its repetition (as 'pin2'): at most one of them. */
export function newPinProblems(pin: string, repeat: string): { pin?: string; pin2?: string } {
  const key = pinProblem(pin);
  if (key) return { pin: key };
  if (pin !== repeat) return { pin2: 'validation.pinMismatch' };
  return {};
}
