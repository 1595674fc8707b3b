import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockOut } from '../../src-main/core/bundles/block-out';

/** What the scratch files of the export and the hub's copies in key order are written through (bundles/block-out.ts). */
describe('BlockOut', () => {
  it('hands over exactly the bytes given, in order, never more than a block at once but a piece larger than it', () => {
    const piece = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => ({ byte: b })),
      fc.string({ maxLength: 40, unit: 'grapheme' }).map((text) => ({ text })),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ bytes: Buffer.from(bytes) })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (pieces, size) => {
        const got: Buffer[] = [];
        const out = new BlockOut(size, (b) => got.push(Buffer.from(b)));
        const want: Buffer[] = [];
        for (const p of pieces) {
          if ('byte' in p) {
            out.byte(p.byte);
            want.push(Buffer.from([p.byte]));
          } else if ('text' in p) {
            out.text(p.text);
            want.push(Buffer.from(p.text, 'utf8'));
          } else {
            // a view into a larger buffer, as the copies give their lines
            const around = Buffer.concat([Buffer.from('xx'), p.bytes, Buffer.from('yy')]);
            out.bytes(around, 2, 2 + p.bytes.length);
            want.push(p.bytes);
          }
        }
        out.flush();
        expect(Buffer.concat(got).equals(Buffer.concat(want))).toBe(true);
        // A handover larger than the block is one piece handed over on its own.
        const single = new Set(pieces.map((p) => ('text' in p ? Buffer.byteLength(p.text) : 'bytes' in p ? p.bytes.length : 1)));
        for (const b of got) expect(b.length <= size || single.has(b.length)).toBe(true);
        expect(got.every((b) => b.length > 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
