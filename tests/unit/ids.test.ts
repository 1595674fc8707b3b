import { validate, version } from 'uuid';
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../src-main/core/util/ids';

describe('newId (UUIDv7, made without the uuid package at run time)', () => {
  it('is a valid version-7 UUID, with the RFC variant, that the uuid package accepts', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
  });

  it('carries the time of its making in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('ids made one after another sort in the order they were made, also within one millisecond, and never repeat', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps its order when the clock goes back, and when one millisecond runs out of counter', () => {
    const now = vi.spyOn(Date, 'now');
    try {
      now.mockReturnValue(Date.UTC(2030, 0, 1));
      const a = newId();
      now.mockReturnValue(Date.UTC(2029, 0, 1)); // an NTP step back
      const b = newId();
      expect(b > a).toBe(true);
      // 2^32 ids in one millisecond are not made in a test; what matters is that the order holds past many.
      const burst = Array.from({ length: 10_000 }, () => newId());
      expect([...burst].sort()).toEqual(burst);
      expect(burst[0]! > b).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
