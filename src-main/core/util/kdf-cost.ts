/**
 * scrypt's work factors for the two secrets people type: a PIN (accounts/pin.ts) and the workstation passphrase
 * (custody/custody.ts). Each stored record names the factors it was made with and every check reads them from the
 * record, so what is chosen here only decides how new records are made.
 */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const PRODUCTION = {
  // ~60 ms per check here: guessing a 6-digit PIN from a stolen file costs hours of one core per account.
  pin: { N: 2 ** 15, r: 8, p: 1 },
  // OWASP's floor for scrypt: 128 MiB and about a third of a second here, per guess.
  passphrase: { N: 2 ** 17, r: 8, p: 1 },
} as const satisfies Record<string, ScryptCost>;

// The unit tests make hundreds of accounts and workstations; at the real cost scrypt was most of their time.
// The passphrase's is the lowest a custody file may name (custody.ts refuses a record below 2^14).
const CHEAP = {
  pin: { N: 2 ** 10, r: 8, p: 1 },
  passphrase: { N: 2 ** 14, r: 8, p: 1 },
} as const satisfies Record<keyof typeof PRODUCTION, ScryptCost>;

let current: Record<keyof typeof PRODUCTION, ScryptCost> = PRODUCTION;

export function scryptCost(secret: keyof typeof PRODUCTION): ScryptCost {
  return current[secret];
}

/**
 * Makes new PIN hashes and custody records cheaply, for the unit tests' set-up (tests/unit/cheap-scrypt.ts); the
 * tests of the costs themselves put the real ones back. Nothing of Lentera calls it, so no setting, file or request
 * lowers what guessing a new secret costs; and it is refused in any process Vitest did not start.
 */
export function useCheapScryptForTests(cheap: boolean): void {
  if (!process.env.VITEST) throw new Error('useCheapScryptForTests: only the unit tests may lower the scrypt cost.');
  current = cheap ? CHEAP : PRODUCTION;
}
