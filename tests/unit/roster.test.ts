import ExcelJS from 'exceljs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { demoPackage } from '../../src-main/core/demo/generate';
import { maskNik, parseDate, parseIpk } from '../../src-main/core/roster/fields';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { run } from '../../src-main/cli/main';
import { addUser, appWithExam, countRows, login, tempDir } from './helpers';

const local = { local: 'test' };
const EXAM = 'CPNS-SMG-2026';
const HEADER = 'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori';
const ROW = (n: string, nik = `33740112039500${n.slice(-2)}`, extra: Partial<Record<string, string>> = {}) => {
  const v = { nomor_peserta: n, nik, nama: 'Agus Salim', tanggal_lahir: '12/03/1995', jenis_kelamin: 'L', pendidikan: 'S1 Teknik Informatika', ipk: '3,51', kode_formasi: 'F01', kategori: 'umum', ...extra };
  return [v.nomor_peserta, v.nik, v.nama, v.tanggal_lahir, v.jenis_kelamin, v.pendidikan, v.ipk, v.kode_formasi, v.kategori].join(';');
};

const examApp = (): Promise<LenteraApp> => appWithExam(demoPackage(10));

function csv(text: string, name = 'roster.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

async function importRoster(app: LenteraApp, path: string, skipInvalid = false) {
  return app.invokeAsync('roster.import', { exam: EXAM, file: { path }, skipInvalid }, local) as Promise<any>;
}

describe('roster fields', () => {
  it('parses the date formats people type, and refuses impossible dates', () => {
    expect(parseDate('1995-03-12')).toEqual({ ok: true, value: '1995-03-12' });
    expect(parseDate('12/03/1995')).toEqual({ ok: true, value: '1995-03-12' });
    expect(parseDate('12-03-1995')).toEqual({ ok: true, value: '1995-03-12' });
    expect(parseDate(34770)).toEqual({ ok: true, value: '1995-03-12' }); // an Excel serial
    expect(parseDate(new Date(Date.UTC(1995, 2, 12)))).toEqual({ ok: true, value: '1995-03-12' });
    expect(parseDate('29/02/1996').ok).toBe(true);
    for (const bad of ['29/02/1995', '31/04/1990', '1995-13-01', '00/01/1990', 'kemarin', '12.03.1995']) expect(parseDate(bad).ok, bad).toBe(false);
    // a file's order decides: the same text is 4 March or 3 April; two-digit years by the applicants' ages in the exam's year
    const reading = { order: 'mdy', pivotYear: 2026, date1904: false } as const;
    expect(parseDate('03/04/1991', reading)).toEqual({ ok: true, value: '1991-03-04' });
    expect(parseDate('04/03/91', { ...reading, order: 'dmy' })).toEqual({ ok: true, value: '1991-03-04' });
    expect(parseDate('04/03/05', { ...reading, order: 'dmy' })).toEqual({ ok: true, value: '2005-03-04' });
    expect(parseDate('04/03/15', { ...reading, order: 'dmy' })).toMatchObject({ ok: false, reason: /two-digit year 15 .* four-digit years/ });
    expect(parseDate('20/03/1991', reading)).toMatchObject({ ok: false, reason: /not a real date \(read as MM\/DD\/YYYY/ });
    // a serial of a 1904 workbook counts from 1904-01-01
    expect(parseDate(34770 - 1462, { ...reading, date1904: true })).toEqual({ ok: true, value: '1995-03-12' });
  });

  it('keeps IPK exact in hundredths, with decimal comma or point', () => {
    expect(parseIpk('3,45')).toEqual({ ok: true, value: 345 });
    expect(parseIpk('3.5')).toEqual({ ok: true, value: 350 });
    expect(parseIpk(' 4 ')).toEqual({ ok: true, value: 400 });
    expect(parseIpk(2.75)).toEqual({ ok: true, value: 275 });
    expect(parseIpk('4,01')).toMatchObject({ ok: false, reason: /outside 0–4/ });
    expect(parseIpk('-1')).toMatchObject({ ok: false });
    expect(parseIpk('3,456')).toMatchObject({ ok: false, reason: /two decimals/ });
    expect(parseIpk('tiga')).toMatchObject({ ok: false, reason: /not a number/ });
  });

  it('masks NIK as first 6 and last 2 digits', () => {
    expect(maskNik('3374056003910427')).toBe('337405********27');
  });

  it('reads CSV with either separator, BOM, quotes holding separators, quotes and line breaks, stray spaces and trailing blank lines', () => {
    const text = '\uFEFF Nomor_Peserta , NIK,nama\r\n 1 ,"a,b","multi\nline ""q"""\r\n\r\n2,x, y \r\n\r\n\r\n';
    const t = parseCsvText(text);
    expect(t.headers).toEqual(['nomor_peserta', 'nik', 'nama']);
    expect(t.rows).toEqual([
      { line: 2, values: { nomor_peserta: ' 1 ', nik: 'a,b', nama: 'multi\nline "q"' } },
      { line: 5, values: { nomor_peserta: '2', nik: 'x', nama: ' y ' } },
    ]);
    expect(parseCsvText('a;b\n1;"2;3"\n').rows[0]!.values).toEqual({ a: '1', b: '2;3' });
  });
});

describe('roster import', () => {
  it('imports a semicolon CSV with decimal commas and Indonesian dates', async () => {
    const app = await examApp();
    const r = await importRoster(app, csv([HEADER, ROW('263374009001'), ROW('263374009002', '3374013101900002', { tanggal_lahir: '1990-01-31', ipk: '3.9' })].join('\n')));
    expect(r).toMatchObject({ ok: true, value: { rows: 2, inserts: 2, unchanged: 0, rejectedCount: 0 } });
    const c = app.workstation!.db.prepare("SELECT tanggal_lahir, ipk_x100 FROM candidates WHERE nomor_peserta = '263374009002'").get();
    expect(c).toEqual({ tanggal_lahir: '1990-01-31', ipk_x100: 390 });
  });

  it.each([
    ['NIK not 16 digits', ROW('263374009001', '33740112'), 'nik', /16 digits/],
    ['unknown formation', ROW('263374009001', undefined, { kode_formasi: 'F99' }), 'kode_formasi', /unknown formation "F99"/],
    ['impossible date', ROW('263374009001', undefined, { tanggal_lahir: '31/02/1995' }), 'tanggal_lahir', /not a real date/],
    ['IPK outside 0–4', ROW('263374009001', undefined, { ipk: '4,5' }), 'ipk', /outside 0–4/],
    ['unknown kategori', ROW('263374009001', undefined, { kategori: 'veteran' }), 'kategori', /unknown kategori "veteran"/],
    ['missing required field', ROW('263374009001', undefined, { nama: ' ' }), 'nama', /missing required value/],
  ])('reports %s with line and column, and imports nothing', async (_what, bad, column, reason) => {
    const app = await examApp();
    const before = countRows(app, 'candidates');
    const r = await importRoster(app, csv([HEADER, ROW('263374009010'), bad].join('\n')));
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_INVALID', details: { count: 1 } } });
    expect(r.error.details.problems[0]).toMatchObject({ line: 3, column, reason: expect.stringMatching(reason) });
    expect(r.error.message).toMatch(/line 3, column /);
    expect(countRows(app, 'candidates')).toBe(before);
  });

  it('reports a duplicate nomor_peserta in the file and one already in the database for another person', async () => {
    const app = await examApp();
    const taken = demoPackage(10).roster[0]!.nomor_peserta;
    const r = await importRoster(app, csv([HEADER, ROW('263374009001'), ROW('263374009001', '3374011203950099'), ROW(taken, '3374011203950098')].join('\n')));
    expect(r.error.details.problems).toEqual([
      expect.objectContaining({ line: 3, column: 'nomor_peserta', reason: expect.stringMatching(/duplicate nomor_peserta 263374009001 \(also on line 2\)/) }),
      expect.objectContaining({ line: 4, column: 'nik', reason: expect.stringMatching(new RegExp(`NIK differs from the one registered for ${taken} \\(\\d{6}\\*{8}\\d{2}\\): another person`)) }),
    ]);
  });

  it('reports a number that differs from another only in letter case, in the file or already registered, and "index"', async () => {
    // Published, a candidate's page is named by their number: on a disk that ignores case two such are one file, and
    // "index" is the list of candidates' own.
    const app = await examApp();
    expect((await importRoster(app, csv([HEADER, ROW('abcd9001', '3374011203950091')].join('\n')))).ok).toBe(true);
    const r = await importRoster(app, csv([HEADER, ROW('XY-9002', '3374011203950092'), ROW('xy-9002', '3374011203950093'), ROW('ABCD9001', '3374011203950094'), ROW('INDEX', '3374011203950095')].join('\n')));
    expect(r.error.details.problems).toEqual([
      expect.objectContaining({ line: 3, column: 'nomor_peserta', reason: 'nomor_peserta xy-9002 differs from XY-9002 only in letter case: on the published site the two would share one page (line 2)' }),
      expect.objectContaining({ line: 4, column: 'nomor_peserta', reason: 'nomor_peserta ABCD9001 differs from abcd9001 only in letter case: on the published site the two would share one page (on this workstation)' }),
      expect.objectContaining({ line: 5, column: 'nomor_peserta', reason: expect.stringMatching(/"INDEX" cannot be a registration number/) }),
    ]);
  });

  it('refuses a file without the required columns, naming them', async () => {
    const app = await examApp();
    const r = await importRoster(app, csv('nomor_peserta;nama\n1;A\n'));
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_INVALID' } });
    expect(r.error.message).toMatch(/line 1: missing column\(s\) nik, tanggal_lahir, jenis_kelamin, pendidikan, ipk, kode_formasi, kategori/);
  });

  it('refuses a file that is neither CSV nor XLSX', async () => {
    const app = await examApp();
    const r = await importRoster(app, csv('%PDF-1.7', 'roster.pdf'));
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FILE' } });
  });

  it('with skipInvalid imports the valid rows and the CLI writes the rejected ones to a report', async () => {
    const app = await examApp();
    const dir = app.workstation!.dir;
    app.close();
    const file = csv([HEADER, ROW('263374009001'), ROW('263374009002', '12'), ROW('263374009003')].join('\n'));
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), askSecret: async () => '', osUser: 't' };
    expect(await run(['roster', 'import', '--data', dir, '--exam', EXAM, file], io)).toBe(1);
    // Without it, the bad row with its line and column, and nothing imported.
    expect(out.join('\n')).toMatch(/, line 3, column \w+: .*\nlentera: 1 invalid row\(s\) in .*; nothing was imported \(use --skip-invalid to import the valid rows\)\./);
    expect(existsSync(`${file}.ditolak.csv`)).toBe(false);
    expect(await run(['roster', 'import', '--data', dir, '--exam', EXAM, '--skip-invalid', file], io)).toBe(0);
    expect(out.join('\n')).toMatch(/3 rows: 2 new, 0 updated, 0 unchanged, 1 rejected/);
    const report = readFileSync(`${file}.ditolak.csv`, 'utf8');
    expect(report).toContain('baris;kolom;alasan;nomor_peserta');
    expect(report).toMatch(/3;nik;NIK must be 16 digits \(got 2 characters\);263374009002;12;/);
  });

  it('re-importing identical rows changes nothing; a changed row is an audited update with before and after', async () => {
    const app = await examApp();
    const rows = [HEADER, ROW('263374009001'), ROW('263374009002')];
    await importRoster(app, csv(rows.join('\n')));
    const again = await importRoster(app, csv(rows.join('\n')));
    expect(again).toMatchObject({ ok: true, value: { inserts: 0, unchanged: 2, updates: [] } });
    const changed = await importRoster(app, csv([HEADER, ROW('263374009001', undefined, { nama: 'Agus Salim Wibowo', ipk: '3,60' }), ROW('263374009002')].join('\n')));
    expect(changed.value.updates).toEqual([
      expect.objectContaining({ nomorPeserta: '263374009001', line: 2, changed: ['nama', 'ipk'], before: expect.objectContaining({ nama: 'Agus Salim', ipk: '3.51', nik: '337401********01' }), after: expect.objectContaining({ nama: 'Agus Salim Wibowo', ipk: '3.60' }) }),
    ]);
    const event = app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'roster.import' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(event).updates[0]).toMatchObject({ nomorPeserta: '263374009001', before: { nama: 'Agus Salim' }, after: { nama: 'Agus Salim Wibowo' } });
    expect(event).not.toContain('3374011203950001'); // the full NIK never enters the log
  });

  it('refuses to change a candidate who already has a score', async () => {
    const app = await examApp();
    const first = demoPackage(10).roster[0]!;
    const scores = csv(`nomor_peserta;twk;tiu;tkp\n${first.nomor_peserta};85;90;170\n`, 'skd.csv');
    expect(await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path: scores } }, local)).toMatchObject({ ok: true, value: { written: 3 } });
    const changed = `${HEADER}\n${[first.nomor_peserta, first.nik, 'Orang Lain', first.tanggal_lahir, first.jenis_kelamin, first.pendidikan, '3,00', first.kode_formasi, first.kategori].join(';')}\n`;
    const r = await importRoster(app, csv(changed));
    expect(r.error.details.problems[0]).toMatchObject({ line: 2, column: 'nama', reason: expect.stringMatching(/already has scores/) });
  });

  it('reads XLSX, with Excel date cells and numeric IPK', async () => {
    const app = await examApp();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(['Nomor_Peserta', 'NIK', 'Nama', 'Tanggal_Lahir', 'Jenis_Kelamin', 'Pendidikan', 'IPK', 'Kode_Formasi', 'Kategori']);
    ws.addRow(['263374009001', '3374011203950001', 'Agus Salim', new Date(Date.UTC(1995, 2, 12)), 'L', 'S1 Teknik Informatika', 3.51, 'F01', 'umum']);
    ws.addRow(['263374009002', '3374015304960002', 'Sri Lestari', '13/04/1996', 'P', 'S1 Teknik Informatika', '3,2', 'F01', 'cumlaude']);
    ws.addRow([]);
    const path = join(tempDir(), 'peserta.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await importRoster(app, path);
    expect(r).toMatchObject({ ok: true, value: { inserts: 2 } });
    const rows = app.workstation!.db.prepare("SELECT nomor_peserta, tanggal_lahir, ipk_x100 FROM candidates WHERE nomor_peserta LIKE '26337400900%' ORDER BY 1").all();
    expect(rows).toEqual([
      { nomor_peserta: '263374009001', tanggal_lahir: '1995-03-12', ipk_x100: 351 },
      { nomor_peserta: '263374009002', tanggal_lahir: '1996-04-13', ipk_x100: 320 },
    ]);
  });

  it('reports XLSX problems with the spreadsheet row number', async () => {
    const app = await examApp();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori']);
    ws.addRow(['263374009001', '3374011203950001', 'Agus Salim', '12/03/1995', 'L', 'S1', 3.51, 'F01', 'umum']);
    ws.addRow(['263374009002', '3374015304960002', 'Sri Lestari', '13/04/1996', 'X', 'S1', 3.2, 'F01', 'umum']);
    const path = join(tempDir(), 'peserta.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await importRoster(app, path);
    expect(r.error.details.problems[0]).toMatchObject({ line: 3, column: 'jenis_kelamin' });
  });

  it('masks NIK for everyone but the coordinator', async () => {
    const app = await examApp();
    addUser(app, 'petugas1', 'clerk');
    const clerk = app.invoke('roster.list', { exam: EXAM, limit: 1 }, { token: login(app, 'petugas1', '739104') }) as any;
    const coord = app.invoke('roster.list', { exam: EXAM, limit: 1 }, { token: login(app) }) as any;
    expect(clerk.value.rows[0].nik).toMatch(/^\d{6}\*{8}\d{2}$/);
    expect(coord.value.rows[0].nik).toMatch(/^\d{16}$/);
    expect(clerk.value.rows[0].nik.slice(0, 6)).toBe(coord.value.rows[0].nik.slice(0, 6));
  });

  it('searches by number or name and filters by formation', async () => {
    const app = await examApp();
    const pkg = demoPackage(10);
    const target = pkg.roster[4]!;
    const byName = app.invoke('roster.list', { exam: EXAM, search: target.nama.split(' ')[2] }, local) as any;
    expect(byName.value.rows.map((r: any) => r.nomorPeserta)).toContain(target.nomor_peserta);
    const byNumber = app.invoke('roster.list', { exam: EXAM, search: target.nomor_peserta.slice(-3) }, local) as any;
    expect(byNumber.value.rows.map((r: any) => r.nomorPeserta)).toEqual([target.nomor_peserta]);
    const f = app.invoke('roster.list', { exam: EXAM, formation: 'F01' }, local) as any;
    expect(f.value.total).toBe(pkg.roster.filter((r) => r.kode_formasi === 'F01').length);
  });
});
