import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (original) => {
  const real = await original<typeof import('node:crypto')>();
  // Counted, still the real CSPRNG: the pool's whole point is how often it is called.
  return { ...real, randomFillSync: vi.fn(real.randomFillSync) };
});

const { randomBytesPooled, randomFillPooled, randomHexPooled } = await import('../../src-main/core/util/random-pool');
const { newId } = await import('../../src-main/core/util/ids');
const { blindSalt } = await import('../../src-main/core/scoring/blind');

describe('the random pool (ids, blind salts, the log salts)', () => {
  it('calls the system CSPRNG once per 4 KiB, not once per value', () => {
    const fill = vi.mocked(crypto.randomFillSync);
    // Drain what an earlier test left in the pool, so the count starts at a refill.
    randomBytesPooled(4096);
    fill.mockClear();
    for (let i = 0; i < 256; i++) randomBytesPooled(16); // exactly one pool
    expect(fill).toHaveBeenCalledTimes(1);
    randomBytesPooled(16);
    expect(fill).toHaveBeenCalledTimes(2);
    // newId and blindSalt take theirs from it too: 1,000 of each is 32,000 bytes, 8 pools.
    fill.mockClear();
    for (let i = 0; i < 1000; i++) {
      newId();
      blindSalt();
    }
    expect(fill.mock.calls.length).toBeLessThanOrEqual(9);
  });

  it('hands out values of their own that never repeat and do not change as the pool is refilled', () => {
    const seen = new Set<string>();
    const values: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = randomBytesPooled(16);
      expect(v.byteLength).toBe(16);
      expect(v.buffer.byteLength).toBe(16); // not a view on the pool
      values.push(v);
      seen.add(Buffer.from(v).toString('hex'));
    }
    expect(seen.size).toBe(2000);
    // What was handed out stays as it was while the pool is refilled and drawn from again.
    const copy = values.map((v) => Buffer.from(v).toString('hex'));
    for (let i = 0; i < 1000; i++) randomBytesPooled(32);
    expect(values.map((v) => Buffer.from(v).toString('hex'))).toEqual(copy);
  });

  it('gives bytes that look random: every byte value, each about as often', () => {
    const counts = new Array<number>(256).fill(0);
    const n = 256 * 400;
    for (let i = 0; i < n / 64; i++) for (const b of randomBytesPooled(64)) counts[b]!++;
    // 400 expected per value; a pool that repeats or zeroes would be far outside this.
    expect(Math.min(...counts)).toBeGreaterThan(300);
    expect(Math.max(...counts)).toBeLessThan(500);
  });

  it('fills a buffer, gives hex, and refuses more than a pool at a time', () => {
    const b = new Uint8Array(24);
    randomFillPooled(b);
    expect(b.some((x) => x !== 0)).toBe(true);
    expect(randomHexPooled(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(() => randomBytesPooled(4097)).toThrow(RangeError);
  });
});
