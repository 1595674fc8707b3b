import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_NIK, hasFullNik } from '../../src-main/core/publish/full-nik';

// The site refuses a full NIK by scanning each file's UTF-8 bytes: it must find exactly what the regular expression
// finds in the text, anywhere in the file.

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Texts full of near misses: digit runs of 14 to 18, word and non-word neighbours, non-ASCII, lone surrogates. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 18 }).map((n) => '7'.repeat(n)) },
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{1,20}$/) },
  { weight: 3, arbitrary: fc.constantFrom(' ', '-', '_', 'a', 'Z', '.', '<', '>', '"', '\n', '—', '≥', '·', '–', 'é', '٣', '１', '\u00a0', '\ud800', '\udc00', '😀') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

describe('hasFullNik (the site files’ NIK check, on bytes)', () => {
  it('answers as /\\b\\d{16}\\b/ on the text, for random texts with non-ASCII characters', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(hasFullNik(utf8(s))).toBe(FULL_NIK.test(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('answers as the regular expression at every offset and length of a page-like text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 40 }), fc.constantFrom(15, 16, 17), (before, pad, after, n) => {
        const s = `${before}${'x'.repeat(pad)} ${'1'.repeat(n)}${after}`;
        expect(hasFullNik(utf8(s))).toBe(FULL_NIK.test(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds a NIK at the start, at the end, beside non-ASCII, and alone; not one run into a longer number or a word', () => {
    const nik = '3374011203850004';
    for (const s of [nik, `${nik} awal`, `akhir ${nik}`, `—${nik}—`, `<td>${nik}</td>`, `≥${nik}`, `x\n${nik}\n`, `${'a'.repeat(100)}.${nik}`]) {
      expect(hasFullNik(utf8(s)), s).toBe(true);
    }
    for (const s of ['', '123456789012345', `${nik}0`, `0${nik}`, `a${nik}`, `${nik}_`, `NIK${nik}`, '337409********94', `${nik.slice(0, 8)} ${nik.slice(8)}`, `1${'2'.repeat(40)}`]) {
      expect(hasFullNik(utf8(s)), s).toBe(false);
    }
  });

  it('reads only the given length of a larger buffer', () => {
    const b = utf8(`kode 12345 ${'9'.repeat(16)}`);
    expect(hasFullNik(b)).toBe(true);
    expect(hasFullNik(b, b.length - 16)).toBe(false);
    // cut inside the run: fewer than 16 digits before the end
    expect(hasFullNik(b, b.length - 1)).toBe(false);
  });
});
