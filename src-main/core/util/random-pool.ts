import { randomFillSync } from 'node:crypto';

/**
 * Small random values (ids, the blind salts of scores, the log's salts) cut from a pool the system's CSPRNG fills
 * 4 KiB at a time, as Node's own `randomUUID` does. One `randomFillSync` call costs about 6 µs on these machines
 * whatever its size; an audited score write made several (its ids, the blind salt of its value), about 23 µs in
 * all: the pool makes that one call per 4 KiB.
 *
 * Each value is a fresh copy and its bytes are wiped from the pool as they are handed out (a salt is a secret of
 * its candidate's, a blind salt of its score's). Keys, tokens and PIN salts still come straight from `randomBytes`:
 * they are rare, and nothing of them should sit in a pool.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let at = POOL_BYTES;

/** Fills `into` with random bytes (at most 4 KiB). */
export function randomFillPooled(into: Uint8Array): void {
  const n = into.length;
  if (n > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (at + n > POOL_BYTES) {
    randomFillSync(pool);
    at = 0;
  }
  into.set(pool.subarray(at, at + n));
  pool.fill(0, at, at + n);
  at += n;
}

/** `n` random bytes of their own (no view on the pool). */
export function randomBytesPooled(n: number): Uint8Array {
  const out = new Uint8Array(n);
  randomFillPooled(out);
  return out;
}

/** `n` random bytes as lowercase hex. */
export function randomHexPooled(n: number): string {
  return Buffer.from(randomBytesPooled(n).buffer, 0, n).toString('hex');
}
