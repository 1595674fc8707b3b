/**
 * Rules the registry enforces and the renderer checks before sending, kept once so the two cannot drift: the
 * registry's zod schemas (core/accounts, core/keys, core/roster) are built from these, and the screens import
 * them to say what is wrong in the person's language before a round trip.
 *
 * Browser-safe and without imports (no zod: it is not in the renderer bundle), like spreadsheet-cell.ts. The
 * registry stays the authority; this module only keeps both sides reading the same rule.
 */

// --- PIN ---

/** 6 to 12 digits. */
export const PIN_FORMAT = /^\d{6,12}$/;
/** One digit repeated ("000000"). */
const REPEATED_DIGIT = /^(\d)\1+$/;
/** The six-digit straight runs, up and down: the first PINs anyone tries. */
const STRAIGHT_RUNS: ReadonlySet<string> = new Set(['012345', '123456', '234567', '345678', '456789', '987654', '876543', '765432', '654321', '543210']);

export type PinRule = 'format' | 'repeated' | 'run';

/** The first PIN rule `pin` breaks, or null when it is an acceptable PIN. */
export function brokenPinRule(pin: string): PinRule | null {
  if (!PIN_FORMAT.test(pin)) return 'format';
  if (REPEATED_DIGIT.test(pin)) return 'repeated';
  if (STRAIGHT_RUNS.has(pin)) return 'run';
  return null;
}

// --- accounts ---

/** A login name after trimming and lower-casing: 2–32 characters, letters, digits, dot, dash or underscore. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** The name as the workstation keys it: names are compared trimmed and lower case. */
export function normalAccountName(name: string): string {
  return name.trim().toLowerCase();
}

export function isAccountName(name: string): boolean {
  return ACCOUNT_NAME.test(normalAccountName(name));
}

/** A civil servant's NIP (Nomor Induk Pegawai): 18 digits. */
export const NIP = /^\d{18}$/;

export const ROLES = ['coordinator', 'chair', 'examiner', 'clerk', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** The shortest passphrase that may protect a signing key. */
export const MIN_PASSPHRASE = 8;

// --- roster ---

/** The columns of a roster file, in the order of docs/formats.md (the rejected-rows report repeats them). */
export const ROSTER_COLUMNS = [
  'nomor_peserta',
  'nik',
  'nama',
  'tanggal_lahir',
  'jenis_kelamin',
  'pendidikan',
  'ipk',
  'kode_formasi',
  'kategori',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

// --- ranking statuses ---

/**
 * The family of a ranking status code (core/ranking/engine.ts writes the codes): what a screen colours it by.
 * P/L and P/L-n (a seat by optimalisasi) pass; P/TL is within the rules but outside the quota; P/TH and TH are
 * absences; TL, TMS, TMS-n and APS are out; BL waits for missing scores.
 */
export type StatusFamily = 'pass' | 'neutral' | 'absent' | 'fail' | 'pending' | 'other';

const OPTIMALISASI = /^P\/L-(\d+|n)$/;
const TMS = /^TMS(-(\d+|n))?$/;

export function statusFamily(code: string): StatusFamily {
  if (code === 'P/L' || OPTIMALISASI.test(code)) return 'pass';
  if (code === 'P/TL') return 'neutral';
  if (code === 'P/TH' || code === 'TH') return 'absent';
  if (code === 'TL' || code === 'APS' || TMS.test(code)) return 'fail';
  if (code === 'BL') return 'pending';
  return 'other';
}
