import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { page, pageLines, table, tableLines } from '../../src-main/core/publish/html';

// A page too long to hold whole (the list of every candidate) is written a line at a time: its bytes must be those
// of the page made whole, and every piece but the last must end a line (the site's NIK check cuts only there).

const cell = fc.string({ maxLength: 12 });
const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 });
const options = fc.record({ numeric: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), className: fc.option(fc.constantFrom('ranking', 'a"b'), { nil: undefined }) });

describe('a page and its table, a line at a time', () => {
  it('give the bytes of the page made whole, for any rows', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }), rows, options, (caption, head, body, opts) => {
        const lines = [...tableLines(caption, head, body, opts)];
        expect(lines.join('')).toBe(table(caption, head, body, opts));
        // Every line but the table's last ends with a newline: the pieces are cut only after one.
        for (const l of lines.slice(0, -1)) expect(l.endsWith('\n')).toBe(true);
        const spec = { path: 'ujian/X/peserta/index.html', title: `Peserta ${caption}`, crumbs: [['Beranda', 'index.html'], ['Peserta', null]] as [string, string | null][], generatedAt: '2026-12-02T03:00:00.000Z', dataAt: '2026-12-01T03:00:00.000Z' };
        const whole = page({ ...spec, body: `<h1>x</h1>\n${table(caption, head, body, opts)}` });
        expect([...pageLines(spec, ['<h1>x</h1>\n', ...lines])].join('')).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });
});
