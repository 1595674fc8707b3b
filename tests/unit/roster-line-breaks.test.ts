import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRecords, parseCsvSteps, parseCsvText, parseUnquoted } from '../../src-main/core/roster/table-file';

// The quote-free readers take CRLF text in place (no LF copy of a 10 MB file): they must read exactly what the
// reference reads once every line break is mended to LF, whatever the mix of LF, CRLF and lone CR.
const HEADER = ['nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori', 'a,b,a', 'x;__proto__;y', 'kode formasi\tnama'];
const cell = fc.oneof(fc.constantFrom('', ' ', 'P-0001', '3374011203950001', '12/03/1995', '3,51', ' Agus  Salim ', 'F01', '\t'), fc.string({ maxLength: 5 }).map((s) => s.replace(/["\r\n]/g, '')));
const eol = fc.constantFrom('\n', '\r\n', '\r', '\r\n\r\n', '\n\r\n');
const text = fc
  .tuple(fc.constantFrom(...HEADER), fc.array(fc.tuple(fc.array(cell, { maxLength: 10 }), fc.constantFrom(';', ',', '\t'), eol), { maxLength: 12 }), fc.boolean(), fc.option(eol, { nil: '' }))
  .map(([header, lines, bom, trailing]) => `${bom ? '\uFEFF' : ''}${header}${lines.map(([cells, sep, e]) => `${e}${cells.join(sep)}`).join('')}${trailing}`);
const mended = (t: string) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t).replace(/\r\n?/g, '\n');

const dir = mkdtempSync(join(tmpdir(), 'lentera-line-breaks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quote-free CSV with CRLF read in place', () => {
  it('parseUnquoted and parseCsvText read any mix of line breaks as the step-by-step path reads the mended text', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(';', ',', '\t'), (t, delimiter) => {
        const reference = outcome(() => parseCsvSteps(mended(t), delimiter, 'f.csv', 'utf-8'));
        const raw = t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
        expect(outcome(() => parseUnquoted(raw, delimiter, 'f.csv', 'utf-8'))).toEqual(reference);
        expect(outcome(() => parseCsvText(t, 'f.csv'))).toEqual(outcome(() => parseCsvSteps(mended(t), detected(t), 'f.csv', 'utf-8')));
      }),
      { numRuns: 1500 },
    );
  });

  it('csvRecords hands on the same records and headers as readTableFile for CRLF files', () => {
    let n = 0;
    fc.assert(
      fc.property(text, (t) => {
        const file = join(dir, `r${n++}.csv`);
        writeFileSync(file, t);
        const table = outcome(() => parseCsvSteps(mended(t), detected(t), basename(file), 'utf-8'));
        // A repeated header (the 'a,b,a' line read with commas): both refuse it, the same way.
        if ('refused' in table) {
          expect(outcome(() => csvRecords(file))).toEqual(table);
          return;
        }
        const r = csvRecords(file)!;
        expect(r.headers).toEqual(table.headers);
        // Keyed by assignment, as the readers key a row (a "__proto__" header names no own key).
        const keyed = [...r.records].map(({ line, cells }) => {
          const values: Record<string, unknown> = {};
          r.headers.forEach((h, i) => (values[h] = cells[i]));
          return { line, values };
        });
        expect(keyed).toEqual(table.rows.map(({ line, values }) => ({ line, values: { ...values } })));
      }),
      { numRuns: 300 },
    );
  });

  it('a CRLF file keeps no CR in its last column, and a lone CR still ends a line', () => {
    const crlf = parseUnquoted('a;b\r\n1;2\r\n\r\n3;4\r\n', ';', 'f.csv', 'utf-8');
    expect(crlf.headers).toEqual(['a', 'b']);
    expect(crlf.rows).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 4, values: { a: '3', b: '4' } },
    ]);
    const mixed = parseUnquoted('a;b\r1;2\r\n3;4', ';', 'f.csv', 'utf-8');
    expect(mixed.rows).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: '3', b: '4' } },
    ]);
    // Short rows still have every header's key.
    expect(parseUnquoted('a;b;c\r\n1\r\n', ';', 'f.csv', 'utf-8').rows).toEqual([{ line: 2, values: { a: '1', b: undefined, c: undefined } }]);
  });

  it('a header repeated (after case, spaces and dashes are folded) is refused by every reader, naming both columns; blank headers may repeat', () => {
    const refusal = { code: 'TABLE_INVALID', details: { file: 'f.csv', line: 1, reason: 'duplicate-header', column: 'a_b', columns: ['A', 'C'], headers: ['A b', 'a-b '] } };
    const text = 'A b;x;a-b \r\n1;2;3\r\n';
    expect(() => parseUnquoted(text, ';', 'f.csv', 'utf-8')).toThrow(expect.objectContaining(refusal));
    expect(() => parseCsvSteps(mended(text), ';', 'f.csv', 'utf-8')).toThrow(expect.objectContaining(refusal));
    expect(() => parseCsvText(`"A b";x;a-b \n1;2;3\n`, 'f.csv')).toThrow(expect.objectContaining(refusal));
    const file = join(dir, 'twice.csv');
    writeFileSync(file, text);
    expect(() => csvRecords(file, 'f.csv')).toThrow(expect.objectContaining(refusal));
    expect(() => parseUnquoted('a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z;aa;A\n', ';', 'f.csv', 'utf-8')).toThrow(
      'f.csv, line 1: columns A and AB (a, A) are both "a": a column may appear only once. Delete or rename one of them, and import the file again.',
    );
    expect(parseUnquoted('a;;b;\n1;2;3;4\n', ';', 'f.csv', 'utf-8').headers).toEqual(['a', '', 'b', '']);
  });

  it('more rows than the limit below the header are refused by the quote-free readers at the first one too many, blank lines aside', () => {
    const text = 'a;b\n1;2\n\n3;4\n;\n5;6\n';
    const refusal = { code: 'TABLE_INVALID', details: { file: 'f.csv', reason: 'too-many-rows', line: 6, limit: 2 } };
    expect(parseUnquoted(text, ';', 'f.csv', 'utf-8', 3).rows).toHaveLength(3);
    expect(() => parseUnquoted(text, ';', 'f.csv', 'utf-8', 2)).toThrow(expect.objectContaining(refusal));
    const file = join(dir, 'rows.csv');
    writeFileSync(file, text);
    expect([...csvRecords(file, 'f.csv', 3)!.records]).toHaveLength(3);
    const records = csvRecords(file, 'f.csv', 2)!.records;
    expect(() => [...records]).toThrow(expect.objectContaining(refusal));
  });
});

/** What a reader gives: its table, or its refusal's code and message. */
function outcome<T>(read: () => T): T | { refused: string } {
  try {
    return read();
  } catch (e) {
    return { refused: `${(e as { code?: string }).code}: ${(e as Error).message}` };
  }
}

/** The separator parseCsvText picks from the header line. */
function detected(t: string): string {
  const header = mended(t).split('\n')[0]!;
  const count = (ch: string) => header.split(ch).length - 1;
  const [tabs, semicolons, commas] = [count('\t'), count(';'), count(',')];
  if (tabs > semicolons && tabs > commas) return '\t';
  return semicolons > commas ? ';' : ',';
}
