/**
 * Who can open a workstation's data: its data key, and the two ways to reach it (docs/security.md, "Data
 * custody").
 *
 * - The **recovery key** is the root: 32 random bytes shown once at `init` as 24 words (BIP-39's English list, whose
 *   checksum catches a mistyped word) for the committee's safe. The data key is derived from it (HKDF-SHA256), so
 *   the words alone open the database and every backup, even on another laptop, even if this folder's custody file
 *   is lost. Nothing on disk holds them.
 * - The **passphrase** the coordinator types each morning unwraps a copy of the data key kept in DATA/custody.json
 *   (scrypt, then AES-256-GCM). Changing it re-wraps that copy; the database is not touched.
 *
 * Wrong secrets are counted in the custody file, like PINs (5, then 15 minutes' lock). That bounds guessing at the
 * doors only: whoever copies the folder guesses offline against scrypt, which is why the passphrase has a minimum
 * length and the KDF its cost.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GUARD_POLICY } from '../accounts/guard';
import type { Clock } from '../util/clock';
import { replaceFileDurably } from '../util/durable-file';
import { LenteraError } from '../util/errors';
import { scryptCost } from '../util/kdf-cost';
import { parseRecoveryKey, recoveryWords } from './recovery-words';

export { parseRecoveryKey, recoveryWords };

export const CUSTODY_FILE = 'custody.json';
const FORMAT = 'lentera.custody/1';
/** The database's format: SQLCipher 4 (AES-256-CBC pages, HMAC-SHA512), keyed with the raw data key. */
export const DATABASE_CIPHER = 'sqlcipher-4';

const MAXMEM = 256 * 1024 * 1024;
const KEY_BYTES = 32;

export const passphraseSchema = z
  .string()
  .min(12, 'The workstation passphrase has at least 12 characters (a few words are easier to remember than symbols).')
  .max(1024, 'The workstation passphrase has at most 1024 characters.');

/** Refuses a passphrase the schema refuses, saying why: every place that sets one asks here. */
export function assertPassphrase(passphrase: string): void {
  const p = passphraseSchema.safeParse(passphrase);
  if (!p.success) throw new LenteraError('PASSPHRASE_TOO_WEAK', p.error.issues[0]!.message, {});
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** Base64 of exactly `n` bytes: a field of another length is refused as unreadable, never passed to the ciphers. */
const bytes = (n: number) => b64.refine((s) => Buffer.from(s, 'base64').length === n, `${n} bytes in base64`);
const wrapSchema = z.object({
  kdf: z.literal('scrypt'),
  N: z.number().int().min(2 ** 14).max(2 ** 22),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: bytes(16),
  iv: bytes(12),
  data: bytes(32),
  tag: bytes(16),
});
const custodySchema = z.object({
  format: z.literal(FORMAT),
  database: z.literal(DATABASE_CIPHER),
  /** HMAC of a fixed label under the data key: tells a recovery key of another workstation at once */
  check: bytes(16),
  passphrase: wrapSchema,
  attempts: z.object({ failed: z.number().int().min(0), lockedUntil: z.string().nullable() }),
});
type CustodyFile = z.infer<typeof custodySchema>;

export type Secret = { passphrase: string } | { recoveryKey: string };

export function custodyPath(dir: string): string {
  return join(dir, CUSTODY_FILE);
}

/** The first 16 bytes of every plain SQLite database; an encrypted one starts with its random salt instead. */
const PLAIN_HEADER = 'SQLite format 3\0';

/** Whether a database file is plain SQLite (an empty or missing one counts as plain: nothing is encrypted in it). */
export function isPlainDatabase(file: string): boolean {
  if (!existsSync(file)) return true;
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(16);
    const n = readSync(fd, b, 0, 16, 0);
    return n === 0 || b.subarray(0, n).toString('latin1') === PLAIN_HEADER.slice(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the workstation in `dir` keeps its data encrypted: it has a custody file, or its database does not begin
 * as plain SQLite does (the custody file was lost: the recovery key still opens it).
 */
export function isEncrypted(dir: string): boolean {
  return existsSync(custodyPath(dir)) || !isPlainDatabase(join(dir, 'lentera.db'));
}

/** The data key the recovery key's bytes stand for. */
function dataKeyOf(recovery: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', recovery, Buffer.alloc(0), 'lentera workstation data key v1', KEY_BYTES));
}

function checkOf(dataKey: Buffer): string {
  return createHmac('sha256', dataKey).update('lentera data key check v1').digest().subarray(0, 16).toString('base64');
}

/** Whether `dataKey` is the key the custody file was made for (its check value, compared in constant time). */
function isKeyOf(dataKey: Buffer, c: CustodyFile): boolean {
  return timingSafeEqual(Buffer.from(checkOf(dataKey), 'base64'), Buffer.from(c.check, 'base64'));
}

/** A fresh custody record: `dataKey` wrapped under `passphrase`, nothing counted. */
function custodyRecord(dataKey: Buffer, passphrase: string): CustodyFile {
  return { format: FORMAT, database: DATABASE_CIPHER, check: checkOf(dataKey), passphrase: wrap(dataKey, passphrase), attempts: { failed: 0, lockedUntil: null } };
}

/** The passphrase's slot is bound to its purpose: its bytes cannot be moved into another field and still open. */
const AAD = Buffer.from(`${FORMAT} passphrase`);

function wrap(dataKey: Buffer, passphrase: string): CustodyFile['passphrase'] {
  const salt = randomBytes(16);
  const { N, r, p } = scryptCost('passphrase');
  const kek = scryptSync(passphrase.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem: MAXMEM });
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv).setAAD(AAD);
  const data = Buffer.concat([c.update(dataKey), c.final()]);
  kek.fill(0);
  return { kdf: 'scrypt', N, r, p, salt: salt.toString('base64'), iv: iv.toString('base64'), data: data.toString('base64'), tag: c.getAuthTag().toString('base64') };
}

/** The data key under `w`, or null when the passphrase is not the one it was wrapped with. */
function unwrap(w: CustodyFile['passphrase'], passphrase: string): Buffer | null {
  const kek = scryptSync(passphrase.normalize('NFC'), Buffer.from(w.salt, 'base64'), KEY_BYTES, { N: w.N, r: w.r, p: w.p, maxmem: MAXMEM });
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.iv, 'base64')).setAAD(AAD);
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(w.data, 'base64')), d.final()]);
    // A key of its own, not a slice of Node's shared pool (which a worker's copy would carry whole).
    const key = Buffer.alloc(plain.length);
    plain.copy(key);
    plain.fill(0);
    return key;
  } catch {
    return null;
  } finally {
    kek.fill(0);
  }
}

function readCustody(dir: string, file = custodyPath(dir)): CustodyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LenteraError('CUSTODY_UNREADABLE', `${file} cannot be read (${(e as Error).message}). The recovery key still opens the data: unlock with it.`, { file });
  }
  const parsed = custodySchema.safeParse(raw);
  if (!parsed.success) {
    throw new LenteraError('CUSTODY_UNREADABLE', `${file} is not a Lentera custody file (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}). The recovery key still opens the data: unlock with it.`, { file });
  }
  return parsed.data;
}

function writeCustody(dir: string, c: CustodyFile, file = custodyPath(dir)): void {
  replaceFileDurably(file, `${JSON.stringify(c, null, 2)}\n`);
}

/**
 * Makes the custody of a new workstation in `dir`: a fresh recovery key, the data key it stands for, and that key
 * wrapped under `passphrase`. Returns the data key (to create the database with) and the words to show once.
 * Refuses a folder that has a custody file already.
 */
export function createCustody(dir: string, passphrase: string, file = custodyPath(dir)): { dataKey: Buffer; recoveryKey: string } {
  assertPassphrase(passphrase);
  if (existsSync(custodyPath(dir))) throw new LenteraError('ALREADY_INITIALISED', `${custodyPath(dir)} exists already; nothing was changed.`, { dir });
  const recovery = randomBytes(KEY_BYTES);
  const dataKey = dataKeyOf(recovery);
  writeCustody(dir, custodyRecord(dataKey, passphrase), file);
  const recoveryKey = recoveryWords(recovery);
  recovery.fill(0);
  return { dataKey, recoveryKey };
}

/**
 * The custody of a workstation restored with its recovery key where no custody file came along: the data key it
 * already has, wrapped under a new passphrase.
 */
export function custodyForKey(dir: string, dataKey: Buffer, passphrase: string): void {
  assertPassphrase(passphrase);
  writeCustody(dir, custodyRecord(dataKey, passphrase));
}

/** Removes what `createCustody` made (an `init` that failed after it). */
export function removeCustody(dir: string): void {
  rmSync(custodyPath(dir), { force: true });
}

function lockedError(until: string, justLocked: boolean): LenteraError {
  return new LenteraError('ACCOUNT_LOCKED', `${justLocked ? `${GUARD_POLICY.maxFailures} wrong passphrases` : 'Too many wrong passphrases'}: the workstation cannot be unlocked until ${until}. The recovery key is not counted.`, {
    lockedUntil: until,
    ...(justLocked ? { justLocked: true } : {}),
  });
}

/**
 * The data key, from the passphrase or the recovery key. A wrong passphrase is counted (the fifth locks the
 * passphrase for 15 minutes); a recovery key is never locked out (its 256 bits are not guessed) but must be this
 * workstation's. Nothing else is changed.
 */
export function unlockCustody(dir: string, secret: Secret, clock: Clock, file = custodyPath(dir)): Buffer {
  if ('recoveryKey' in secret) {
    const recovery = parseRecoveryKey(secret.recoveryKey);
    const dataKey = dataKeyOf(recovery);
    recovery.fill(0);
    // The custody file may be the very thing that was lost or damaged: then the key is tried on the database itself
    // (it opens, or DATA_KEY_WRONG), and a new passphrase is wrapped with `custodyForKey`.
    let c: CustodyFile;
    try {
      c = readCustody(dir, file);
    } catch {
      return dataKey;
    }
    if (!isKeyOf(dataKey, c)) {
      dataKey.fill(0);
      throw new LenteraError('RECOVERY_KEY_WRONG', 'That recovery key belongs to another workstation: its words are valid, but they do not open this one.', {});
    }
    return dataKey;
  }
  const c = readCustody(dir, file);
  const now = clock.now();
  if (c.attempts.lockedUntil && new Date(c.attempts.lockedUntil) > now) throw lockedError(c.attempts.lockedUntil, false);
  const dataKey = unwrap(c.passphrase, secret.passphrase);
  if (!dataKey || !isKeyOf(dataKey, c)) {
    // A custody file beside a backup (on a USB stick, perhaps read-only) counts nothing: the doors' count is here.
    if (file !== custodyPath(dir)) throw new LenteraError('PASSPHRASE_WRONG', "That is not the passphrase the backup's custody file was made with. Forgotten? Restore with the recovery key.", {});
    // Read again: another process may have counted meanwhile. An expired lock starts a fresh count.
    const fresh = readCustody(dir, file);
    const previous = fresh.attempts.lockedUntil ? 0 : fresh.attempts.failed;
    const failed = previous + 1;
    const until = failed >= GUARD_POLICY.maxFailures ? new Date(now.getTime() + GUARD_POLICY.poolLockMinutes * 60_000).toISOString() : null;
    writeCustody(dir, { ...fresh, attempts: { failed: until ? GUARD_POLICY.maxFailures : failed, lockedUntil: until } }, file);
    if (until) throw lockedError(until, true);
    throw new LenteraError('PASSPHRASE_WRONG', 'That is not the workstation passphrase. Forgotten? Unlock with the recovery key and set a new one.', { attemptsLeft: GUARD_POLICY.maxFailures - failed });
  }
  if (c.attempts.failed !== 0 || c.attempts.lockedUntil !== null) writeCustody(dir, { ...c, attempts: { failed: 0, lockedUntil: null } }, file);
  return dataKey;
}
