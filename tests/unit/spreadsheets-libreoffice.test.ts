/**
 * Issue 19, played with a real spreadsheet: LibreOffice Calc, headless, as a venue clerk's would be (Indonesian
 * locale, id-ID) and as an English one (en-US). It makes the files a clerk makes from the example roster, Lentera
 * imports each (exactly, or refused with the reason), and it opens what Lentera writes to read back the numbers.
 * `.ci/run` installs libreoffice-calc-nogui.
 */
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { demoPackage } from '../../src-main/core/demo/generate';
import { rejectedReportCsv } from '../../src-main/shared/rejected-report';
import { appWithExam } from './helpers';

const run = promisify(execFile);
const local = { local: 'test' };
const EXAM = 'CPNS-SMG-2026';
const EXAMPLE = join(__dirname, '..', '..', 'resources', 'examples', 'cpns-smg-2026.roster.csv');
type Locale = 'id-ID' | 'en-US';
/** LibreOffice's language codes for the CSV filter (Windows LCIDs) and the environment that sets its default locale. */
const LCID: Record<Locale, number> = { 'id-ID': 1057, 'en-US': 1033 };
const LANG: Record<Locale, string> = { 'id-ID': 'id_ID.UTF-8', 'en-US': 'en_US.UTF-8' };

let profile: string;
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lentera-lo-'));
  profile = join(work, 'profile');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * `soffice --headless --convert-to`, one file, in `locale`: its own profile (so it runs beside any other), the
 * CSV filter's separator and language when the input is a CSV. Returns the converted file.
 */
async function convert(file: string, to: string, locale: Locale, csv?: { separator: ';' | ','; columns?: string; language?: Locale }): Promise<string> {
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out);
  const args = [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--norestore'];
  // separator, text delimiter ("), UTF-8 (76), from line 1, column formats, language
  if (csv) args.push(`--infilter=CSV:${csv.separator.charCodeAt(0)},34,76,1,${csv.columns ?? ''},${LCID[csv.language ?? locale]}`);
  args.push('--convert-to', to, '--outdir', out, file);
  await run('soffice', args, { env: { ...process.env, LC_ALL: LANG[locale], LANG: LANG[locale] }, timeout: 120_000 });
  const ext = to.startsWith('csv') ? 'csv' : to;
  return join(out, basename(file).replace(/\.[^.]+$/, `.${ext}`));
}

/** A CSV of Indonesian Excel: semicolons, UTF-8, the id-ID language for its numbers and dates. */
const ID_CSV = 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1057';

interface Row {
  nomor_peserta: string;
  nik: string;
  tanggal_lahir: string;
  ipk: string;
}

/** The example roster as the committee sent it: the values every import must keep exactly. */
function original(): Map<string, Row> {
  const rows = Papa.parse<Record<string, string>>(readFileSync(EXAMPLE, 'utf8').replace(/^\uFEFF/, ''), { header: true, delimiter: ';', skipEmptyLines: true }).data;
  return new Map(
    rows.map((r) => {
      const [d, m, y] = r.tanggal_lahir!.split('/');
      return [r.nomor_peserta!, { nomor_peserta: r.nomor_peserta!, nik: r.nik!, tanggal_lahir: `${y}-${m}-${d}`, ipk: r.ipk!.replace(',', '.') }];
    }),
  );
}

/** A workstation whose exam package has no roster: the import is the first the candidates are known. */
async function emptyExam(): Promise<LenteraApp> {
  const pkg = demoPackage(300);
  return appWithExam({ ...pkg, roster: [], sessions: pkg.sessions.map((s) => ({ ...s, candidates: [] })) });
}

const importRoster = (app: LenteraApp, path: string) => app.invokeAsync('roster.import', { exam: EXAM, file: { path } }, local) as Promise<any>;

function imported(app: LenteraApp): Map<string, Row> {
  const rows = app.workstation!.db.prepare('SELECT nomor_peserta, nik, tanggal_lahir, ipk_x100 FROM candidates ORDER BY nomor_peserta').all() as (Row & { ipk_x100: number })[];
  return new Map(rows.map((r) => [r.nomor_peserta, { nomor_peserta: r.nomor_peserta, nik: r.nik, tanggal_lahir: r.tanggal_lahir, ipk: String(r.ipk_x100 / 100) }]));
}

const normalIpk = (m: Map<string, Row>) => new Map([...m].map(([k, r]) => [k, { ...r, ipk: Number(r.ipk).toFixed(2) }]));

describe('what LibreOffice makes of the example roster imports exactly, or is refused with the reason', () => {
  it('XLSX saved from the CSV opened in id-ID (NIKs became numbers, rounded to 15 digits): refused, every row, naming the fix; nothing imported', async () => {
    const xlsx = await convert(EXAMPLE, 'xlsx', 'id-ID', { separator: ';' });
    // LibreOffice did what the issue found: the NIK cell is a number, its last digit gone
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets[0]!.getCell('B2').value).toBe(3374056003910430);
    const app = await emptyExam();
    const r = await importRoster(app, xlsx);
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_INVALID', details: { count: 600 } } });
    const nik = r.error.details.problems.filter((p: any) => p.column === 'nik');
    expect(nik).toHaveLength(300);
    for (const p of nik) expect(p.reason).toMatch(/^NIK must be stored as text; a spreadsheet turned it into a number and may have changed its last digits — format the column as Text and re-enter the NIKs$/);
    expect(r.error.details.problems.filter((p: any) => p.column === 'nomor_peserta')).toHaveLength(300);
    expect(app.workstation!.db.prepare('SELECT COUNT(*) FROM candidates').pluck().get()).toBe(0);
  });

  it('an Indonesian CSV saved from that XLSX (every NIK now ends in 0): refused as rounded, the whole file', async () => {
    const xlsx = await convert(EXAMPLE, 'xlsx', 'id-ID', { separator: ';' });
    const csv = await convert(xlsx, ID_CSV, 'id-ID');
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\n')[1]).toBe('263374000001;3374056003910430;Nur Dian Hartono;20/03/91;P;S1 Akuntansi;3,49;F05;umum');
    const app = await emptyExam();
    const r = await importRoster(app, csv);
    expect(r).toMatchObject({ ok: false, error: { code: 'ROSTER_NIK_ROUNDED', details: { count: 300 } } });
    expect(r.error.message).toMatch(/^cpns-smg-2026\.roster\.csv, column nik: every NIK in the file \(300\) ends in 0\. A spreadsheet held the NIKs as numbers/);
    expect(app.workstation!.db.prepare('SELECT COUNT(*) FROM candidates').pluck().get()).toBe(0);
  });

  it('the CSV opened in id-ID with NIK and nomor_peserta as Text, saved as an Indonesian CSV (20/03/91, 3,49) and as XLSX (date cells): every value exact', async () => {
    const want = normalIpk(original());
    // column 1 and 2 as Text (format 2); the rest as LibreOffice detects them
    const textColumns = { separator: ';' as const, columns: '1/2/2/2' };
    const csv = await convert(EXAMPLE, ID_CSV, 'id-ID', textColumns);
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toBe('263374000001;3374056003910427;Nur Dian Hartono;20/03/91;P;S1 Akuntansi;3,49;F05;umum');
    const a = await emptyExam();
    expect(await importRoster(a, csv)).toMatchObject({ ok: true, value: { inserts: 300, rejectedCount: 0, dates: { order: 'dmy', by: 'value', twoDigitYears: true } } });
    expect(normalIpk(imported(a))).toEqual(want);

    const xlsx = await convert(EXAMPLE, 'xlsx', 'id-ID', textColumns);
    const b = await emptyExam();
    expect(await importRoster(b, xlsx)).toMatchObject({ ok: true, value: { inserts: 300, rejectedCount: 0 } });
    expect(normalIpk(imported(b))).toEqual(want);
  });

  it('an en-US LibreOffice writes the same dates month first (03/20/91): read in that order, every value exact, and said so', async () => {
    const want = normalIpk(original());
    const csv = await convert(EXAMPLE, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033', 'en-US', { separator: ';', columns: '1/2/2/2', language: 'id-ID' });
    // LibreOffice read the Indonesian file's dates in id-ID, then wrote them as en-US writes them
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toBe('263374000001,3374056003910427,Nur Dian Hartono,03/20/91,P,S1 Akuntansi,3.49,F05,umum');
    const app = await emptyExam();
    expect(await importRoster(app, csv)).toMatchObject({ ok: true, value: { inserts: 300, dates: { order: 'mdy', by: 'value', line: 2, value: '03/20/91' } } });
    expect(normalIpk(imported(app))).toEqual(want);
  });

  it('a workbook in the 1904 date system, saved by LibreOffice (date1904="true"): every birth date exact', async () => {
    const want = original();
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('Peserta');
    ws.addRow(['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori']);
    const rows = Papa.parse<string[]>(readFileSync(EXAMPLE, 'utf8').replace(/^\uFEFF/, ''), { delimiter: ';', skipEmptyLines: true }).data.slice(1);
    for (const r of rows) {
      const w = want.get(r[0]!)!;
      ws.addRow([r[0], r[1], r[2], new Date(`${w.tanggal_lahir}T00:00:00Z`), r[4], r[5], Number(w.ipk), r[7], r[8]]).getCell(4).numFmt = 'dd/mm/yyyy';
    }
    const made = join(work, 'mac.xlsx');
    await wb.xlsx.writeFile(made);
    const saved = await convert(made, 'xlsx', 'id-ID');
    const wbXml = (await run('unzip', ['-p', saved, 'xl/workbook.xml'])).stdout;
    expect(wbXml).toMatch(/date1904="true"/);
    const app = await emptyExam();
    expect(await importRoster(app, saved)).toMatchObject({ ok: true, value: { inserts: 300 } });
    const got = imported(app);
    for (const [nomor, w] of want) expect(got.get(nomor)!.tanggal_lahir, nomor).toBe(w.tanggal_lahir);
  });
});

/** The cells of an exported results sheet, opened by LibreOffice and saved as XLSX: header row found by its first column. */
async function openedResults(file: string, locale: Locale, csv?: { separator: ';' | ',' }): Promise<Record<string, unknown>[]> {
  const xlsx = await convert(file, 'xlsx', locale, csv);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  const ws = wb.worksheets[0]!;
  let header = 0;
  ws.eachRow((row, n) => {
    if (!header && row.getCell(1).value === 'kode_formasi') header = n;
  });
  const names = (ws.getRow(header).values as unknown[]).slice(1) as string[];
  const out: Record<string, unknown>[] = [];
  for (let n = header + 1; n <= ws.rowCount; n++) {
    const row = ws.getRow(n);
    out.push(Object.fromEntries(names.map((k, i) => [k, row.getCell(i + 1).value])));
  }
  return out;
}

describe("Lentera's exports open with the right numbers in the spreadsheet each is for", () => {
  let dir: string;
  let results: { nomor_peserta: string; final: string | null; skd_total: number | null }[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lentera-lo-export-'));
    const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
    await app.invokeAsync('workstation.demo', { candidates: 60 }, local);
    results = (await app.invokeAsync('ranking.compute', { exam: EXAM }, local) as any).value.results;
    for (const format of ['csv', 'csv-excel', 'xlsx'] as const) {
      const r = (await app.invokeAsync('ranking.export', { exam: EXAM, format }, local)) as any;
      writeFileSync(join(dir, r.value.name), Buffer.from(r.value.dataBase64, 'base64'));
    }
    app.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const finals = () => results.filter((r) => r.final !== null && /\.\d*[1-9]/.test(r.final));

  function expectRight(rows: Record<string, unknown>[]) {
    const byNomor = new Map(rows.map((r) => [String(r.nomor_peserta), r]));
    expect(finals().length).toBeGreaterThan(4);
    for (const r of finals()) expect(byNomor.get(r.nomor_peserta)!.final, r.nomor_peserta).toBe(Number(r.final));
  }

  it('the CSV for Excel (semicolons, decimal commas) in id-ID, and the exact CSV (commas, points) in en-US: every final score right', async () => {
    expectRight(await openedResults(join(dir, `hasil-${EXAM}-excel.csv`), 'id-ID', { separator: ';' }));
    expectRight(await openedResults(join(dir, `hasil-${EXAM}.csv`), 'en-US', { separator: ',' }));
  });

  it('the XLSX in both locales: every final score right', async () => {
    for (const locale of ['id-ID', 'en-US'] as const) expectRight(await openedResults(join(dir, `hasil-${EXAM}.xlsx`), locale));
  });

  it('and why there are two CSVs: the exact one opened in id-ID reads 79.467 as 79467 (or as text)', async () => {
    const rows = await openedResults(join(dir, `hasil-${EXAM}.csv`), 'id-ID', { separator: ',' });
    const byNomor = new Map(rows.map((r) => [String(r.nomor_peserta), r]));
    const wrong = finals().filter((r) => byNomor.get(r.nomor_peserta)!.final !== Number(r.final));
    expect(wrong.length).toBe(finals().length);
  });

  it('the rejected-rows report opens in id-ID with its names as text (no formula) and the IPK as the number it was', async () => {
    const report = join(dir, 'roster.csv.ditolak.csv');
    writeFileSync(report, rejectedReportCsv([{ line: 5, column: 'ipk', reason: 'IPK 4,5 is outside 0–4', values: { nomor_peserta: '263374009001', nama: '=HYPERLINK("http://x.example","klik")', ipk: '3,45' } }]));
    copyFileSync(report, join(dir, 'report.csv'));
    const xlsx = await convert(join(dir, 'report.csv'), 'xlsx', 'id-ID', { separator: ';' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const row = wb.worksheets[0]!.getRow(2);
    const header = (wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (name: string) => row.getCell(header.indexOf(name) + 1);
    expect(cell('nama').formula).toBeUndefined();
    expect(String(cell('nama').value)).toMatch(/^'=HYPERLINK/);
    expect(cell('ipk').value).toBe(3.45);
  });
});
