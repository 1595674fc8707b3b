// `rank --ruleset --input` reads a CSV straight to facts (ranking/flat.ts readFlatResultsFile, table-file.ts
// csvRecords): the same facts, and the same refusals, as reading the file into keyed rows first.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFlatResults, readFlatResultsFile } from '../../src-main/core/ranking/flat';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import type { Ruleset } from '../../src-main/core/ranking/ruleset-schema';
import { csvRecords, readTableFile } from '../../src-main/core/roster/table-file';
import { tempDir } from './helpers';

const cpns = loadRuleset('cpns-2024').ruleset as Ruleset;
const open = loadRuleset('seleksi-terbuka-2024').ruleset as Ruleset;

type Outcome = { ok: true; value: unknown } | { ok: false; code: unknown; message: string; details: unknown };
async function outcome(f: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    const x = e as { code?: unknown; message: string; details?: unknown };
    return { ok: false, code: x.code, message: x.message, details: x.details };
  }
}

const cell = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('100', '65', '80,5', '3,50', '70', '0', '99.75', '1990-01-02', '31/12/1991', 'F1', 'F2', '1', '2', 'umum', 'papua', 'APS', 'tms') },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\u00a0100', 'x', '101', '-1', '0', '2,5,5', 'é', 'Ö') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('1', '0', ',', '.', 'a', ' ', '\u3000', '"'), maxLength: 6 }) },
);
const integrationColumns = ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', 'twk', 'tiu', 'tkp', 'skb', 'ipk', 'tanggal_lahir', 'jabatan', 'pendidikan', 'keterangan'];
const stageColumns = ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', 'asesmen', 'makalah', 'wawancara', 'ipk', 'tanggal_lahir', 'keterangan'];

/** A file of random cells under a shuffled (sometimes incomplete, sometimes repeated, sometimes oddly written) header. */
const file = (columns: string[]) =>
  fc.record({
    header: fc.shuffledSubarray([...columns, 'twk', 'Catatan'], { minLength: columns.length - 3 }).chain((h) =>
      fc.tuple(fc.constant(h), fc.array(fc.constantFrom(...h.keys()), { maxLength: 2 })).map(([hs, upper]) => hs.map((c, i) => (upper.includes(i) ? ` ${c.toUpperCase()} ` : c))),
    ),
    rows: fc.array(fc.tuple(fc.nat({ max: 40 }), fc.array(cell, { minLength: 8, maxLength: 16 })), { maxLength: 25 }),
    blank: fc.array(fc.nat({ max: 30 }), { maxLength: 3 }),
    delimiter: fc.constantFrom(';', ',', '\t'),
    lineBreak: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    trailing: fc.boolean(),
  });

function text(f: { header: string[]; rows: [number, string[]][]; blank: number[]; delimiter: string; lineBreak: string; bom: boolean; trailing: boolean }): string {
  // Cells that carry the separator would be other cells: the separator in a cell is dropped.
  const line = (cells: string[]) => cells.map((c) => c.split(f.delimiter).join('')).join(f.delimiter);
  const lines = f.rows.map(([n, cells]) => line([`N${n}`, ...cells.slice(1)]));
  for (const b of f.blank) lines.splice(Math.min(b, lines.length), 0, b % 2 ? '' : f.delimiter.repeat(3));
  return `${f.bom ? '\ufeff' : ''}${[line(f.header), ...lines].join(f.lineBreak)}${f.trailing ? f.lineBreak : ''}`;
}

describe('readFlatResultsFile', () => {
  it('equals readFlatResults(readTableFile(file)) on random files, facts or refusal, for both ruleset models', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(file(integrationColumns).map((f) => ({ f, ruleset: cpns })), file(stageColumns).map((f) => ({ f, ruleset: open }))), async ({ f, ruleset }) => {
        const path = join(dir, `hasil-${n++}.csv`);
        writeFileSync(path, text(f));
        const want = await outcome(async () => readFlatResults(await readTableFile(path), ruleset));
        const got = await outcome(() => readFlatResultsFile(path, ruleset));
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });

  it('a realistic file gives facts (not only refusals): the same ones either way', async () => {
    const dir = tempDir();
    const path = join(dir, 'ok.csv');
    const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan';
    const rows = Array.from({ length: 300 }, (_, i) => `N${i};F${i % 7};${1 + (i % 7)};${i % 5 ? 'umum' : 'papua'};${60 + (i % 50)};${80 + (i % 40)};${150 + (i % 70)};${i % 9 ? `${50 + (i % 50)},5` : ''};3,${i % 99};1990-01-${String(1 + (i % 28)).padStart(2, '0')};Jabatan ${i % 3}`);
    writeFileSync(path, [header, ...rows].join('\r\n') + '\r\n');
    const got = await readFlatResultsFile(path, cpns);
    expect(got).toEqual(readFlatResults(await readTableFile(path), cpns));
    expect(got.candidates).toHaveLength(300);
    expect(got.formations).toHaveLength(7);
  });

  it('refuses as readTableFile does: a missing file, a missing column (line 1), a bad cell with its line', async () => {
    const dir = tempDir();
    await expect(readFlatResultsFile(join(dir, 'none.csv'), cpns)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;ipk;tanggal_lahir\n1;F1;1;umum;100;100;200;3,5;1990-01-01\n');
    await expect(readFlatResultsFile(path, cpns)).rejects.toMatchObject({ code: 'RESULTS_INVALID', message: 'bad.csv, line 1: missing column(s) skb.' });
    writeFileSync(path, 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir\n1;F1;1;umum;100;x;200;80;3,5;1990-01-01\n');
    await expect(readFlatResultsFile(path, cpns)).rejects.toMatchObject({ code: 'RESULTS_INVALID', details: { problems: [{ line: 2, column: 'tiu', reason: '"x" is not a number' }] } });
  });
});

describe('csvRecords', () => {
  it('hands a quoted CSV back to readTableFile (undefined), and reads records as cell arrays otherwise', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'q.csv'), 'a;b\n"1;2";3\n');
    expect(csvRecords(join(dir, 'q.csv'))).toBeUndefined();
    writeFileSync(join(dir, 'p.csv'), '\ufeffA;B b\r\n1;2\r\n\r\n;\r3\n');
    const r = csvRecords(join(dir, 'p.csv'))!;
    expect(r.headers).toEqual(['a', 'b_b']);
    expect([...r.records]).toEqual([
      { line: 2, cells: ['1', '2'] },
      { line: 5, cells: ['3'] },
    ]);
  });
});

describe('a results workbook with a formula in a column it reads', () => {
  it('is refused (RESULTS_INVALID, naming the cell): the value shown is not the one stored', () => {
    // Found by review (2026-12-07): an XLSX keeps a formula's last result, which its author may set to anything.
    const headers = ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', 'twk', 'tiu', 'tkp', 'skb', 'ipk', 'tanggal_lahir', 'catatan'];
    const values = { nomor_peserta: '263374000001', kode_formasi: 'F1', kuota: 1, kategori: 'umum', twk: 150, tiu: 100, tkp: 200, skb: 80, ipk: 3.5, tanggal_lahir: '1990-01-02', catatan: 'x' };
    const table = { file: 'hasil.xlsx', kind: 'xlsx' as const, encoding: 'xlsx' as const, headers, rows: [{ line: 2, values }], formulas: new Map([['twk', { line: 2, column: 'twk', cell: 'E2' }]]) };
    expect(() => readFlatResults(table as never, cpns)).toThrow(expect.objectContaining({ code: 'RESULTS_INVALID', message: expect.stringContaining('cell E2 holds a formula') }));
    // One in a column nothing reads is the author's own.
    const notes = { ...table, formulas: new Map([['catatan', { line: 2, column: 'catatan', cell: 'K2' }]]) };
    expect(readFlatResults(notes as never, cpns).candidates.map((c) => c.nomorPeserta)).toEqual(['263374000001']);
  });
});
