import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { demoPackage } from '../../src-main/core/demo/generate';
import { decideDateOrder, fullBirthYear } from '../../src-main/core/roster/date-order';
import { looksLikeSpreadsheetNumber, nikMismatch, roundedBySpreadsheet } from '../../src-main/core/roster/nik';
import { workbookDate1904 } from '../../src-main/core/roster/workbook-date-system';
import { run } from '../../src-main/cli/main';
import { appWithExam, countRows, tempDir } from './helpers';

const local = { local: 'test' };
const EXAM = 'CPNS-SMG-2026';
const COLUMNS = ['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The NIK of someone registered in `region`, born on `iso`, of sex `sex`: PPKKCC DDMMYY SSSS, day + 40 for women. */
export function nikOf(iso: string, sex: 'L' | 'P', serial: number, region = '337401'): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${region}${pad(d + (sex === 'P' ? 40 : 0))}${pad(m)}${pad(y % 100)}${pad(serial, 4)}`;
}

interface Person {
  nomor: string;
  iso: string;
  sex: 'L' | 'P';
  nik?: string;
  date?: string;
}

/** A roster CSV of these people, their dates written by `date` (Indonesian: DD/MM/YYYY). */
function roster(people: Person[], sep = ';', date = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`): string {
  return [
    COLUMNS.join(sep),
    ...people.map((p, i) => [p.nomor, p.nik ?? nikOf(p.iso, p.sex, i + 1), `Peserta ${i}`, p.date ?? date(p.iso), p.sex, 'S1 Teknik Informatika', sep === ';' ? '3,51' : '3.51', 'F01', 'umum'].join(sep)),
  ].join('\r\n');
}

function write(text: string | Buffer, name = 'roster.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

const examApp = (): Promise<LenteraApp> => appWithExam(demoPackage(10));
const importRoster = (app: LenteraApp, path: string, skipInvalid = false) =>
  app.invokeAsync('roster.import', { exam: EXAM, file: { path }, skipInvalid }, local) as Promise<any>;
const stored = (app: LenteraApp) =>
  app.workstation!.db.prepare("SELECT nomor_peserta, nik, tanggal_lahir FROM candidates WHERE nomor_peserta LIKE '2633740090%' ORDER BY nomor_peserta").all() as {
    nomor_peserta: string;
    nik: string;
    tanggal_lahir: string;
  }[];

/** People born on the 20th–28th (no day ≤ 12), and people born on days ≤ 12 with day ≠ month (every date ambiguous). */
const LATE: Person[] = Array.from({ length: 6 }, (_, i) => ({ nomor: `2633740090${pad(i + 1)}`, iso: `199${i}-${pad(i + 2)}-${20 + i}`, sex: i % 2 ? 'P' : 'L' }));
const EARLY: Person[] = Array.from({ length: 6 }, (_, i) => ({ nomor: `2633740090${pad(i + 1)}`, iso: `199${i}-${pad(i + 1)}-${pad(i + 3)}`, sex: i % 2 ? 'P' : 'L' }));
const us = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`;

describe('NIK: what a spreadsheet did to it, and what it says of its holder', () => {
  it('refuses an XLSX whose NIK or nomor_peserta cells are numbers, saying why, and converts nothing', async () => {
    const app = await examApp();
    const before = countRows(app, 'candidates');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(COLUMNS);
    ws.addRow(['263374009001', 3374011203950001, 'Agus Salim', new Date(Date.UTC(1995, 2, 12)), 'L', 'S1', 3.51, 'F01', 'umum']);
    ws.addRow([263374009002, '3374011203950002', 'Budi Santoso', new Date(Date.UTC(1995, 2, 12)), 'L', 'S1', 3.51, 'F01', 'umum']);
    const path = join(tempDir(), 'angka.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await importRoster(app, path);
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_INVALID', details: { count: 2 } } });
    expect(r.error.details.problems).toEqual([
      expect.objectContaining({ line: 2, column: 'nik', reason: expect.stringMatching(/^NIK must be stored as text; a spreadsheet turned it into a number and may have changed its last digits — format the column as Text/) }),
      expect.objectContaining({ line: 3, column: 'nomor_peserta', reason: expect.stringMatching(/^nomor_peserta must be stored as text; .* format the column as Text/) }),
    ]);
    expect(countRows(app, 'candidates')).toBe(before);
  });

  it('refuses NIKs a spreadsheet wrote back as numbers (3,37405600391043E+15), with the same reason', async () => {
    expect(['3,37405600391043E+15', '3.37405600391043e+15', '3374056003910430,00', '3E+15'].map(looksLikeSpreadsheetNumber)).toEqual([true, true, true, true]);
    expect(['3374056003910427', '33740112', 'abc'].map(looksLikeSpreadsheetNumber)).toEqual([false, false, false]);
    const app = await examApp();
    const r = await importRoster(app, write(roster([{ ...LATE[0]!, nik: '3,37401200395000E+15' }])));
    expect(r.error.details.problems).toEqual([expect.objectContaining({ line: 2, column: 'nik', reason: expect.stringMatching(/^NIK must be stored as text/) })]);
  });

  it('checks every NIK against its row: birth date, sex (day + 40 for women) and region, naming line and column', async () => {
    const app = await examApp();
    const rows: Person[] = [
      LATE[0]!, // right
      { ...LATE[1]!, nik: nikOf('1991-03-22', 'P', 2) }, // NIK says the 22nd, the row the 21st
      { ...LATE[2]!, nik: nikOf(LATE[2]!.iso, 'P', 3) }, // a man with a woman's NIK
      { ...LATE[3]!, nik: nikOf(LATE[3]!.iso, 'P', 4, '997401') }, // no province 99
      { ...LATE[4]!, nik: nikOf(LATE[4]!.iso, 'L', 5, '330001') }, // regency 00
      { ...LATE[5]!, nik: '3374019913950006' }, // digits 7–12 are no date
    ];
    const r = await importRoster(app, write(roster(rows)));
    expect(r.error.details.problems.map((p: any) => [p.line, p.column])).toEqual([3, 4, 5, 6, 7].map((l) => [l, 'nik']));
    const reasons = r.error.details.problems.map((p: any) => p.reason);
    expect(reasons[0]).toBe('digits 7–12 of the NIK (620391) say born 22-03-91, P, but tanggal_lahir is 1991-03-21: one of the two is wrong');
    expect(reasons[1]).toBe('digits 7–12 of the NIK (620492) say 22-04-92, P, but jenis_kelamin is L: one of the two is wrong');
    expect(reasons[2]).toMatch(/first six digits of the NIK \(997401\) are no region code: 99 is no province/);
    expect(reasons[3]).toMatch(/\(330001\) are no region code: regency and district are never 00/);
    expect(reasons[4]).toMatch(/digits 7–12 of the NIK \(991395\) are no birth date/);
    // nothing of the NIK beyond the digits at fault is in a reason
    for (const reason of reasons) expect(reason).not.toMatch(/\d{16}/);
  });

  it('for any applicant, the NIK made from their birth date, sex and region agrees, and changing any of them does not', () => {
    const provinces = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96];
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1960-01-01T00:00:00Z'), max: new Date('2008-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom<'L' | 'P'>('L', 'P'),
        fc.constantFrom(...provinces),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 400 * 365 }),
        (born, sex, province, regency, district, serial, shift) => {
          const date = iso(born);
          const nik = nikOf(date, sex, serial, `${province}${pad(regency)}${pad(district)}`);
          expect(nikMismatch(nik, date, sex)).toBeUndefined();
          expect(nikMismatch(nik, date, sex === 'L' ? 'P' : 'L')).toMatch(/jenis_kelamin/);
          // another birth date, unless it is the same day and month of a year a century away (same DDMMYY)
          const other = iso(new Date(born.getTime() + shift * 86_400_000));
          if (other.slice(2) !== date.slice(2)) expect(nikMismatch(nik, other, sex)).toMatch(/tanggal_lahir/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a file whose NIKs all end in 0 (a spreadsheet kept 15 digits); nine such NIKs may be chance', async () => {
    const people = (n: number) => Array.from({ length: n }, (_, i): Person => ({ nomor: `2633740090${pad(i + 1)}`, iso: `1995-03-${12 + i}`, sex: 'L', nik: `33740${i + 1}${12 + i}0395${pad(i + 1)}00`.slice(0, 16) }));
    for (const p of people(10)) expect(p.nik!.endsWith('0') && p.nik!.length === 16).toBe(true);
    const app = await examApp();
    const before = countRows(app, 'candidates');
    const r = await importRoster(app, write(roster(people(10))), true);
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_NIK_ROUNDED', details: { count: 10, file: 'roster.csv' } } });
    expect(r.error.message).toMatch(/column nik: every NIK in the file \(10\) ends in 0\. A spreadsheet held the NIKs as numbers and kept only 15 digits.*format the NIK column as Text/);
    expect(countRows(app, 'candidates')).toBe(before);
    expect(await importRoster(app, write(roster(people(9))))).toMatchObject({ ok: true, value: { inserts: 9 } });
  });

  it("names a registered candidate's NIK rounded by a spreadsheet as rounded, not as a duplicate nomor_peserta", async () => {
    const app = await examApp();
    const first = demoPackage(10).roster[0]!;
    expect(first.nik.endsWith('0')).toBe(false);
    const rounded = String(Number(Number(first.nik).toPrecision(15)));
    expect(roundedBySpreadsheet(first.nik, rounded)).toBe(true);
    const row = [first.nomor_peserta, rounded, first.nama, first.tanggal_lahir, first.jenis_kelamin, first.pendidikan, '3,00', first.kode_formasi, first.kategori].join(';');
    const r = await importRoster(app, write(`${COLUMNS.join(';')}\n${row}\n`));
    expect(r.error.details.problems).toEqual([
      expect.objectContaining({ line: 2, column: 'nik', reason: `this NIK is the NIK registered for ${first.nomor_peserta} rounded to 15 digits by a spreadsheet that held NIKs as numbers: format the column as Text and re-enter the NIKs` }),
    ]);
  });
});

describe('dates: one order for the whole file', () => {
  it('reads a US-order file (3/20/1991) right when some day is over 12, and says which order and why', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(roster(LATE, ',', us)));
    expect(r).toMatchObject({ ok: true, value: { inserts: 6, dates: { order: 'mdy', by: 'value', line: 2, value: '2/20/1990' } } });
    expect(stored(app).map((c) => c.tanggal_lahir)).toEqual(LATE.map((p) => p.iso));
  });

  it('reads a US-order file where every day is 12 or less right, by the NIKs, where each value alone would be swapped', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(roster(EARLY, ',', us)));
    expect(r).toMatchObject({ ok: true, value: { inserts: 6, dates: { order: 'mdy', by: 'nik', line: 2 } } });
    expect(stored(app).map((c) => c.tanggal_lahir)).toEqual(EARLY.map((p) => p.iso));
    // and the Indonesian order of the same people, by the same NIKs
    const app2 = await examApp();
    expect(await importRoster(app2, write(roster(EARLY)))).toMatchObject({ ok: true, value: { dates: { order: 'dmy', by: 'nik' } } });
    expect(stored(app2).map((c) => c.tanggal_lahir)).toEqual(EARLY.map((p) => p.iso));
  });

  it('refuses a file that mixes both orders, naming a line of each, and imports nothing, even with skipInvalid', async () => {
    const app = await examApp();
    const before = countRows(app, 'candidates');
    const mixed = [...LATE.slice(0, 3).map((p) => ({ ...p, date: us(p.iso) })), ...LATE.slice(3)];
    const r = await importRoster(app, write(roster(mixed)), true);
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_DATE_ORDER', details: { kind: 'mixed', dayFirst: { line: 5, value: '23/05/1993' }, monthFirst: { line: 2, value: '2/20/1990' } } } });
    expect(r.error.message).toBe(
      'roster.csv, column tanggal_lahir: the dates are written in two orders: line 5 has 23/05/1993 (day first), line 2 has 2/20/1990 (month first). Nothing was imported; write every date one way, best as YYYY-MM-DD.',
    );
    expect(countRows(app, 'candidates')).toBe(before);
  });

  it('refuses a file whose order nothing tells (no day over 12, no NIK that says)', () => {
    const rows = [{ line: 2, date: '03/04/1991', nik: '' }, { line: 3, date: '05/05/1990', nik: 'x' }];
    expect(() => decideDateOrder('r.csv', 'tanggal_lahir', rows)).toThrow(/r\.csv, line 2, column tanggal_lahir: 03\/04\/1991 may be 3 April or 4 March, and no date or NIK in the file tells which order it uses/);
    // the same day and month either way is no question; ISO dates say nothing and need nothing
    expect(decideDateOrder('r.csv', 'tanggal_lahir', [{ line: 2, date: '05/05/1990', nik: '' }, { line: 3, date: '1991-04-03', nik: '' }])).toEqual({ order: 'dmy', by: 'none', twoDigitYears: false });
  });

  it('reads two-digit years (20/03/91) by the applicants\' ages in the exam year, and refuses a year that fits no applicant', async () => {
    expect([fullBirthYear(91, 2026), fullBirthYear(5, 2026), fullBirthYear(15, 2026), fullBirthYear(56, 2026)]).toEqual([1991, 2005, undefined, 1956]);
    const app = await examApp();
    const two = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)}`;
    const r = await importRoster(app, write(roster(LATE, ';', two)));
    expect(r).toMatchObject({ ok: true, value: { inserts: 6, dates: { order: 'dmy', twoDigitYears: true } } });
    expect(stored(app).map((c) => c.tanggal_lahir)).toEqual(LATE.map((p) => p.iso));
    const late = await importRoster(app, write(roster([{ nomor: '263374009099', iso: '2015-03-20', sex: 'L' }], ';', two)));
    expect(late.error.details.problems).toEqual([
      expect.objectContaining({ line: 2, column: 'tanggal_lahir', reason: '20/03/15: the two-digit year 15 gives no applicant\'s age in 2026 either as 1915 or 2015; save the file with four-digit years (format the column as DD/MM/YYYY)' }),
    ]);
  });

  it('the CLI says which order it read the dates in', async () => {
    const app = await examApp();
    const dir = app.workstation!.dir;
    app.close();
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), askSecret: async () => '', osUser: 't' };
    expect(await run(['roster', 'import', '--data', dir, '--exam', EXAM, write(roster(EARLY, ',', us))], io)).toBe(0);
    expect(out).toContain('dates read as MM/DD/YYYY (month first): the NIK on line 2 agrees with 1/3/1990 read so');
    // a file refused whole says so in one sentence, not as rows
    out.length = 0;
    const mixed = [...LATE.slice(0, 3).map((p) => ({ ...p, nomor: `9${p.nomor.slice(1)}`, date: us(p.iso) })), ...LATE.slice(3).map((p) => ({ ...p, nomor: `9${p.nomor.slice(1)}` }))];
    expect(await run(['roster', 'import', '--data', dir, '--exam', EXAM, write(roster(mixed))], io)).toBe(1);
    expect(out).toEqual([expect.stringMatching(/^lentera: roster\.csv, column tanggal_lahir: the dates are written in two orders: line 5 has 23\/05\/1993 \(day first\), line 2 has 2\/20\/1990 \(month first\)\./)]);
  });
});

describe('workbooks: the 1904 date system, and ODS', () => {
  /** A workbook in the 1904 system, its flag spelled as Excel (1) or as LibreOffice ("true") writes it. */
  async function workbook1904(spelling: '1' | 'true'): Promise<string> {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('Peserta');
    ws.addRow([...COLUMNS, 'serial']);
    LATE.forEach((p, i) => {
      const row = ws.addRow([p.nomor, nikOf(p.iso, p.sex, i + 1), `Peserta ${i}`, new Date(`${p.iso}T00:00:00Z`), p.sex, 'S1', 3.51, 'F01', 'umum']);
      row.getCell(4).numFmt = 'dd/mm/yyyy';
    });
    const dir = tempDir();
    const path = join(dir, `w${spelling}.xlsx`);
    await wb.xlsx.writeFile(path);
    if (spelling === 'true') {
      const x = join(dir, 'x');
      mkdirSync(x);
      execFileSync('unzip', ['-q', path, '-d', x]);
      const wbXml = join(x, 'xl', 'workbook.xml');
      writeFileSync(wbXml, readFileSync(wbXml, 'utf8').replace('date1904="1"', 'date1904="true"'));
      execFileSync('zip', ['-q', '-r', '-X', join(dir, 'true.xlsx'), '.'], { cwd: x });
      return join(dir, 'true.xlsx');
    }
    return path;
  }

  it.each(['1', 'true'] as const)('imports every birth date of a 1904 workbook exactly (date1904="%s")', async (spelling) => {
    const path = await workbook1904(spelling);
    expect(await workbookDate1904(path)).toBe(true);
    expect(await workbookDate1904(readFileSync(path))).toBe(true);
    const app = await examApp();
    expect(await importRoster(app, path)).toMatchObject({ ok: true, value: { inserts: 6 } });
    expect(stored(app).map((c) => c.tanggal_lahir)).toEqual(LATE.map((p) => p.iso));
  });

  it('reads the date system of a workbook without a workbook.xml as 1900, and refuses what is no zip', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'x');
    execFileSync('zip', ['-q', join(dir, 'bare.xlsx'), 'a.txt'], { cwd: dir });
    expect(await workbookDate1904(join(dir, 'bare.xlsx'))).toBe(false);
    await expect(workbookDate1904(Buffer.from('not a zip at all'))).rejects.toThrow();
    // and the import says the file is no XLSX it can read, nothing imported
    const app = await examApp();
    const r = await importRoster(app, write(Buffer.from('PK\x03\x04 broken'), 'rusak.xlsx'));
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FILE', message: expect.stringMatching(/^rusak\.xlsx could not be read as XLSX: /) } });
  });

  it('refuses an ODS file, saying how to save it as XLSX or CSV', async () => {
    const app = await examApp();
    const r = await importRoster(app, write(Buffer.from('PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet'), 'peserta.ods'));
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FILE', details: { found: 'ods' } } });
    expect(r.error.message).toMatch(/^peserta\.ods is an OpenDocument spreadsheet \(ODS\), which Lentera does not read\. In LibreOffice, choose File → Save As, and save it as "Excel 2007-365 \(\.xlsx\)"/);
  });
});
