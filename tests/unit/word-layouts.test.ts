import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { resourcesDir } from '../../src-main/core/util/resources';
import { shareWordLayouts } from '../../src-main/core/sheets/word-layouts';

/**
 * Word layouts shared between documents (issue 16): a document whose fonts use the process's word layouts has
 * the same bytes as one laid out from scratch, whatever other documents laid out before it.
 */
const body = fontkit.create(readFileSync(join(resourcesDir(), 'fonts', 'DejaVuSans.ttf')));
const bold = fontkit.create(readFileSync(join(resourcesDir(), 'fonts', 'DejaVuSans-Bold.ttf')));

interface Piece {
  text: string;
  bold: boolean;
  size: number;
  align: 'left' | 'right' | 'center' | 'justify';
  width: number;
}

function render(pieces: Piece[], shared: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const at = new Date('2026-12-03T02:00:00Z');
    const doc = new PDFDocument({ size: 'A4', info: { CreationDate: at, ModDate: at } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', body as unknown as string);
    doc.registerFont('bold', bold as unknown as string);
    if (shared) shareWordLayouts(doc, ['body', 'bold']);
    else doc.font('body').font('bold');
    for (const p of pieces) {
      doc.font(p.bold ? 'bold' : 'body').fontSize(p.size);
      // Measured first, as the sheets measure table cells, then drawn.
      doc.heightOfString(p.text, { width: p.width });
      doc.text(p.text, 56, doc.y, { width: p.width, align: p.align });
    }
    doc.end();
  });
}

// Words the sheets have, and odd ones: diacritics, compound glyphs, ligatures, digits, dashes, tabs.
const word = fc.oneof(
  fc.constantFrom('Nilai', 'ambang', 'batas', 'TWK', '≥', '65', '–', '“Baik”', 'formasi', 'peserta', 'Ŝtefan', 'Ñoño', 'ﬁnal', 'office', 'AVATAR', 'Ǆemal', '3,667', '•'),
  fc.stringMatching(/^[A-Za-z0-9,.()%·À-ž]{1,12}$/),
);
const piece = fc.record({
  text: fc.array(word, { minLength: 1, maxLength: 25 }).chain((ws) => fc.constantFrom(' ', '  ', '\t').map((sep) => ws.join(sep))),
  bold: fc.boolean(),
  size: fc.constantFrom(7.5, 8, 8.5, 9, 10, 13),
  align: fc.constantFrom('left', 'right', 'center', 'justify'),
  width: fc.integer({ min: 40, max: 483 }),
}) as fc.Arbitrary<Piece>;

describe('shared word layouts', () => {
  it('give every document the bytes of its own layouts, after any other documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), async (pieces) => {
        const [shared, own] = [await render(pieces, true), await render(pieces, false)];
        expect(shared.equals(own)).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('are shared by the documents of a process, and start afresh now and then (words seen once do not pile up)', async () => {
    const cacheOf = (doc: PDFKit.PDFDocument) => (doc as unknown as { _font: { layoutCache: object } })._font.layoutCache;
    const open = () => {
      const doc = new PDFDocument();
      doc.registerFont('body', body as unknown as string);
      shareWordLayouts(doc, ['body']);
      return doc;
    };
    const first = cacheOf(open());
    expect(cacheOf(open())).toBe(first);
    const seen = new Set<object>();
    for (let i = 0; i < 450; i++) seen.add(cacheOf(open()));
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeLessThanOrEqual(4);
  });

  it('leave a standard font alone: it has no word layouts to share', () => {
    const doc = new PDFDocument();
    shareWordLayouts(doc, ['Helvetica']);
    expect((doc as unknown as { _font: { layoutCache?: object; name: string } })._font.name).toBe('Helvetica');
    expect((doc as unknown as { _font: { layoutCache?: object } })._font.layoutCache).toBeUndefined();
  });
});
