import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { resourcesDir } from '../../src-main/core/util/resources';
import { rememberGlyphs } from '../../src-main/core/sheets/glyph-subsets';

/**
 * Subsets that remember glyphs (issue 16): the subset fontkit writes for any glyphs, in any order, after any other
 * subsets of the same font, has exactly the bytes fontkit's own subsetter writes.
 */
interface Font {
  numGlyphs: number;
  glyphForCodePoint(c: number): { id: number };
  createSubset(): { includeGlyph(g: number): number; encode(): Uint8Array };
}
const file = readFileSync(join(resourcesDir(), 'fonts', 'DejaVuSans.ttf'));
const fast = fontkit.create(file) as unknown as Font;
const plain = fontkit.create(file) as unknown as Font;
rememberGlyphs(fast);

const subsetOf = (font: Font, gids: number[]) => {
  const s = font.createSubset();
  for (const g of gids) s.includeGlyph(g);
  return Buffer.from(s.encode());
};

// Compound glyphs (letters with accents built from parts) and their parts, and any glyph of the font.
const compound = ['Ŝ', 'Ñ', 'ǆ', 'Ǆ', 'é', 'Å', 'ǖ', 'ﬁ'].map((c) => fast.glyphForCodePoint(c.codePointAt(0)!).id);

describe('subsets that remember glyphs', () => {
  it('are byte for byte fontkit\'s subsets, on random glyph lists, one after another', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: fast.numGlyphs - 1 }), fc.constantFrom(...compound)), { maxLength: 60 }), (gids) => {
        expect(subsetOf(fast, gids).equals(subsetOf(plain, gids))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a compound glyph brings its parts, numbered in this subset, not in the one before', () => {
    subsetOf(fast, [compound[0]!]);
    const gids = [...compound].reverse();
    expect(subsetOf(fast, gids).equals(subsetOf(plain, gids))).toBe(true);
  });

  it('leave what is not a plain TrueType font alone', () => {
    const notAFont = { createSubset: () => 'untouched' };
    rememberGlyphs(notAFont);
    expect(notAFont.createSubset()).toBe('untouched');
    // Twice is once.
    const before = fast.createSubset;
    rememberGlyphs(fast);
    expect(fast.createSubset).toBe(before);
  });
});
