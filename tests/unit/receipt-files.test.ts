/**
 * The receipts handed out (`lentera publish --receipts DIR`): each holds its candidate's salt, so no two candidates
 * may ever share a file, on a disk that tells case apart or one that does not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receiptPaths } from '../../src-main/core/publish/receipts';

// Wider than what the hub takes as an exam code and a registration number (ranking/ruleset-schema.ts code,
// roster/fields.ts): a dot or a dash may come first here.
const examCode = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const nomor = fc.stringMatching(/^[A-Za-z0-9.-]{1,12}$/);

describe('receipt files', () => {
  it('gives exam SKB, nomor 2-0001 and exam SKB-2, nomor 0001 two files (joined by a dash they were one)', () => {
    const paths = receiptPaths([
      { exam: 'SKB', nomor: '2-0001' },
      { exam: 'SKB-2', nomor: '0001' },
    ]);
    expect(paths).toEqual(['SKB/tanda-terima-2-0001.json', 'SKB-2/tanda-terima-0001.json']);
  });

  it('gives numbers that differ only in case names a disk that ignores case still tells apart, and leaves the rest plain', () => {
    const paths = receiptPaths([
      { exam: 'SKB', nomor: 'AB01' },
      { exam: 'SKB', nomor: 'ab01' },
      { exam: 'skb', nomor: 'AB01' },
      { exam: 'SKB', nomor: '0002' },
    ]);
    expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(4);
    expect(paths[3]).toBe('SKB/tanda-terima-0002.json');
    for (const p of paths.slice(0, 3)) expect(p).toMatch(/^(SKB|skb)\/tanda-terima-(AB01|ab01)-[0-9a-f]{12}\.json$/);
  });

  it('never gives two candidates one file, nor a path out of the folder, whatever their codes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ exam: examCode, nomor }), { selector: (c) => `${c.exam}\n${c.nomor}`, maxLength: 40 }), (candidates) => {
        const paths = receiptPaths(candidates);
        expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(candidates.length);
        for (const p of paths) {
          const parts = p.split('/');
          expect(parts).toHaveLength(2);
          for (const part of parts) expect(part === '.' || part === '..' || part.startsWith('.')).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
