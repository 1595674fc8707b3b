import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { brokenPinRule, PIN_FORMAT } from '../../shared/rules';
import { scryptCost } from '../util/kdf-cost';

const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/**
 * 6–12 digits, not one digit repeated, not a straight run: the rule of shared/rules.ts, which the renderer checks
 * before sending too.
 */
export const pinSchema = z
  .string()
  .regex(PIN_FORMAT, 'PIN must be 6 to 12 digits')
  .refine((p) => brokenPinRule(p) !== 'repeated', 'PIN must not repeat one digit')
  .refine((p) => brokenPinRule(p) !== 'run', 'PIN must not be a straight run of digits');

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const { N, r, p } = scryptCost('pin');
  const key = scryptSync(pin, salt, KEYLEN, { N, r, p, maxmem: MAXMEM });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(actual, expected);
}
