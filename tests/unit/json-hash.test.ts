import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonHash } from '../../src-main/core/publish/json-hash';

/** What a key is: sha256 of each part's JSON and a newline, joined (a site written before keeps its groups by it). */
const joined = (parts: unknown[]) => createHash('sha256').update(parts.map((p) => `${JSON.stringify(p) ?? 'null'}\n`).join(''), 'utf8').digest('hex');

const keyOf = (parts: unknown[]) => {
  const { part, hex } = jsonHash();
  for (const p of parts) part(p);
  return hex();
};

describe('jsonHash (the site groups\' keys)', () => {
  it('is the sha256 of the parts\' JSON lines, whatever their characters and sizes', () => {
    // Texts beyond Latin-1 ("≥", emoji as surrogate pairs) and parts larger than its buffer, between small ones.
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '≥', '😀', '"', '\n', 'Z'), maxLength: 200 });
    const part = fc.oneof(text, fc.integer(), fc.constant(null), fc.constant(undefined), fc.array(text, { maxLength: 5 }), fc.record({ a: text, b: fc.integer() }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }), (parts, big) => {
        const all: unknown[] = [...parts];
        // A few very large parts (a whole exam's list), some with a two-byte character near the end.
        for (const at of big) all.splice(Math.min(at, all.length), 0, `${'x'.repeat(70_000 + at)}≥${'y'.repeat(at)}`);
        expect(keyOf(all)).toBe(joined(all));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the keys a site written before was filed under (a fixed example)', () => {
    // Computed with the joined text, as every key was made before 2026-12-05.
    const parts = [['CPNS-2026', 'Seleksi', 2026], { nomor: '2026000001', kata: 'nilai ≥ ambang batas' }, 'optimalisasi', null];
    expect(keyOf(parts)).toBe('78f630965258e8a3ebbadd5f7c2a5699be9ea10edd311c7c613bece6ee03020e');
  });

  it('two keys made at once do not mix their parts', () => {
    const a = jsonHash();
    const b = jsonHash();
    a.part('satu');
    b.part('dua');
    a.part('≥');
    expect(b.hex()).toBe(joined(['dua']));
    expect(a.hex()).toBe(joined(['satu', '≥']));
    // And the buffers handed back are reused cleanly.
    expect(keyOf(['tiga'])).toBe(joined(['tiga']));
  });
});
