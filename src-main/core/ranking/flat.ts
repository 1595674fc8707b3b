import { parseDate, parseIpk } from '../roster/fields';
import { formulaRefusal } from '../roster/formula-cells';
import type { RawCell } from '../roster/row';
import { csvRecords, readTableFile, type SourceTable } from '../roster/table-file';
import { Fraction } from '../scoring/exact';
import { LenteraError } from '../util/errors';
import type { CandidateFacts, FormationFacts, StageValue } from './engine';
import type { Ruleset } from './ruleset-schema';

interface Problem {
  line: number;
  column: string;
  reason: string;
}

/** An exact number from text as Indonesian Excel writes it (decimal comma), or undefined when empty. */
function exact(s: string): Fraction | undefined | 'bad' {
  if (s === '') return undefined;
  // Digits, at most one decimal point or comma, read as integer/10^places while every digit is exact in a double;
  // anything longer goes to the fraction.js parser.
  let n = 0;
  let places = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (places >= 0) places++;
    } else if ((c === 44 || c === 46) && places < 0 && i > 0 && i < s.length - 1) places = 0;
    else return 'bad';
  }
  if (s.length > 15) return new Fraction(s.replace(',', '.'));
  return new Fraction(BigInt(n), places > 0 ? 10n ** BigInt(places) : 1n);
}

/** Like memo, for a column of scores: once it holds many distinct values, each is parsed as it comes. */
function scoreReader(): (s: string) => Fraction | undefined | 'bad' {
  const seen = new Map<string, Fraction | undefined | 'bad'>();
  return (s) => {
    const v = seen.get(s);
    if (v !== undefined || s === '') return v;
    const x = exact(s);
    if (seen.size < 2000) seen.set(s, x);
    return x;
  };
}

/** A cell as trimmed text ('' when empty). */
function cellText(x: unknown): string {
  if (x === undefined || x === null) return '';
  const s = typeof x === 'string' ? x : String(x);
  // Most cells have nothing to trim: skip the call (and its copy) when both ends are printable ASCII. Anything
  // else goes to trim(), which also removes the no-break and ideographic spaces Excel leaves behind.
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return s.length && first > 32 && first < 127 && last > 32 && last < 127 ? s : s.trim();
}

/**
 * A pure parse of text, once per distinct text: a 100,000-row file holds a few hundred distinct scores and dates.
 * Fractions are immutable, so the candidates with one score share one.
 */
function memo<T>(parse: (s: string) => T): (s: string) => T {
  const seen = new Map<string, T>();
  return (s) => {
    let v = seen.get(s);
    if (v === undefined && !seen.has(s)) seen.set(s, (v = parse(s)));
    return v as T;
  };
}

/** The columns a ruleset reads from a flat results file. */
function flatColumns(ruleset: Ruleset): { scoreColumns: string[]; required: string[] } {
  const scoreColumns = ruleset.model === 'integration' ? [...ruleset.skd.components, 'skb'] : Object.keys(ruleset.stages).map((s) => s.toLowerCase());
  return { scoreColumns, required: ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', ...scoreColumns, 'ipk', 'tanggal_lahir'] };
}

/**
 * A flat results file, so anyone can recompute published results without a workstation. Columns:
 * nomor_peserta, kode_formasi, kuota, kategori, twk, tiu, tkp, skb, ipk, tanggal_lahir (integration rulesets;
 * a weighted-stages ruleset reads one column per stage instead of twk…skb). Optional: jabatan and pendidikan
 * (for optimalisasi), keterangan (APS or TMS). An empty skb (or stage) means absent at that stage.
 */
export function readFlatResults(table: SourceTable, ruleset: Ruleset): { formations: FormationFacts[]; candidates: CandidateFacts[] } {
  const { headers } = table;
  // An XLSX keeps a formula's last result, which its author may set to anything: a score read from it is refused.
  const formula = formulaRefusal(table, [...READ_COLUMNS, ...flatColumns(ruleset).scoreColumns], 'RESULTS_INVALID');
  if (formula) throw formula;
  const rows = (function* () {
    for (const row of table.rows) yield { line: row.line, cells: headers.map((h) => row.values[h]) };
  })();
  return flatFacts(table.file, headers, rows, ruleset);
}

/**
 * `readFlatResults(await readTableFile(path), ruleset)`, the same facts and the same errors, read straight from the
 * CSV records (table-file.ts `csvRecords`) where the file allows: no keyed row is made, and each record is dropped
 * once its facts are taken. XLSX and quoted CSV files go through readTableFile.
 */
export async function readFlatResultsFile(path: string, ruleset: Ruleset, name = path): Promise<{ formations: FormationFacts[]; candidates: CandidateFacts[] }> {
  const csv = csvRecords(path, name);
  if (!csv) return readFlatResults(await readTableFile(path, name), ruleset);
  return flatFacts(csv.file, csv.headers, csv.records, ruleset);
}

/** The columns of a flat results file read besides the ruleset's scores, in the order `flatFacts` takes them. */
const READ_COLUMNS = ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', 'ipk', 'tanggal_lahir', 'jabatan', 'pendidikan', 'keterangan'];

/** The facts of a flat results file's records, cells in header order (no header repeats: table-file.ts refuses that). */
function flatFacts(file: string, headers: string[], rows: Iterable<{ line: number; cells: RawCell[] }>, ruleset: Ruleset): { formations: FormationFacts[]; candidates: CandidateFacts[] } {
  const { scoreColumns, required } = flatColumns(ruleset);
  const missing = required.filter((c) => !headers.includes(c));
  if (missing.length) {
    throw new LenteraError('RESULTS_INVALID', `${file}, line 1: missing column(s) ${missing.join(', ')}.`, { problems: missing.map((c) => ({ line: 1, column: c, reason: 'missing column' })) });
  }
  const col = (name: string) => headers.lastIndexOf(name);
  const [iNomor, iKode, iKuota, iKategori, iIpk, iLahir, iJabatan, iPendidikan, iKeterangan] = READ_COLUMNS.map(col) as number[];
  const scoreAt = scoreColumns.map(col);
  const problems: Problem[] = [];
  const formations = new Map<string, FormationFacts & { line: number }>();
  const candidates: CandidateFacts[] = [];
  const seen = new Map<string, number>();
  const readers = scoreColumns.map(() => scoreReader());
  const date = memo(parseDate);
  const ipkOf = memo(parseIpk);
  const stageNames = ruleset.model === 'integration' ? [] : Object.keys(ruleset.stages);
  const parts = ruleset.model === 'integration' ? ruleset.skd.components : [];
  const skbAt = scoreColumns.indexOf('skb');
  for (const row of rows) {
    const v = row.cells;
    // A column the file lacks (an optional one) is empty, as a keyed row would have it.
    const text = (i: number) => (i < 0 ? '' : cellText(v[i]));
    const bad = (column: string, reason: string) => problems.push({ line: row.line, column, reason });
    const nomor = text(iNomor!);
    const kode = text(iKode!);
    const before = nomor ? seen.get(nomor) : undefined;
    if (!nomor) bad('nomor_peserta', 'missing required value');
    else if (before !== undefined) bad('nomor_peserta', `duplicate nomor_peserta ${nomor} (also on line ${before})`);
    else seen.set(nomor, row.line);
    if (!kode) bad('kode_formasi', 'missing required value');
    const kuotaText = text(iKuota!);
    const kuota = Number(kuotaText);
    if (!Number.isInteger(kuota) || kuota < 1) bad('kuota', `"${kuotaText}" is not a quota (a whole number, at least 1)`);
    else if (kode) {
      const f = formations.get(kode);
      if (f && f.quota !== kuota) bad('kuota', `formation ${kode} has kuota ${f.quota} on line ${f.line}`);
      if (!f) formations.set(kode, { code: kode, quota: kuota, position: text(iJabatan!) || kode, education: text(iPendidikan!) || '', line: row.line });
    }
    const born = date(text(iLahir!));
    if (!born.ok) bad('tanggal_lahir', born.reason);
    const ipkText = text(iIpk!);
    const ipk = ipkText ? ipkOf(ipkText) : undefined;
    if (ipk && !ipk.ok) bad('ipk', ipk.reason);
    const keteranganText = text(iKeterangan!);
    const keterangan = keteranganText && keteranganText.toUpperCase();
    if (keterangan && keterangan !== 'APS' && keterangan !== 'TMS') bad('keterangan', `"${keterangan}" is not APS or TMS`);
    const scores: (Fraction | undefined)[] = [];
    for (let i = 0; i < scoreColumns.length; i++) {
      const t = text(scoreAt[i]!);
      const x = readers[i]!(t);
      if (x === 'bad') bad(scoreColumns[i]!, `"${t}" is not a number`);
      scores.push(x === 'bad' ? undefined : x);
    }
    const nomorPeserta = nomor;
    const kodeFormasi = kode;
    const kategori = text(iKategori!).toLowerCase();
    const ipkValue = ipk?.ok ? ipk.value : null;
    const tanggalLahir = born.ok ? born.value : '';
    const flag = keterangan ? (keterangan as 'APS' | 'TMS') : undefined;
    if (ruleset.model === 'integration') {
      let given = 0;
      for (let i = 0; i < parts.length; i++) if (scores[i] !== undefined) given++;
      let skd: CandidateFacts['skd'] = given === 0 ? 'absent' : 'missing';
      if (given === parts.length) {
        const all: Record<string, Fraction> = {};
        for (let i = 0; i < parts.length; i++) all[parts[i]!] = scores[i]!;
        skd = all;
      }
      const skbScore = scores[skbAt];
      const skb: StageValue = skbScore === undefined ? 'absent' : skbScore;
      if (skbScore && skbScore.n > 100n * skbScore.d) bad('skb', `SKB ${text(scoreAt[skbAt]!)} is above 100 (the column is on 0–100)`);
      candidates.push(flag ? { nomorPeserta, kodeFormasi, kategori, ipk: ipkValue, tanggalLahir, flag, skd, skb } : { nomorPeserta, kodeFormasi, kategori, ipk: ipkValue, tanggalLahir, skd, skb });
    } else {
      const stages: Record<string, StageValue> = {};
      for (let i = 0; i < stageNames.length; i++) stages[stageNames[i]!] = scores[i] ?? 'absent';
      candidates.push(flag ? { nomorPeserta, kodeFormasi, kategori, ipk: ipkValue, tanggalLahir, flag, stages } : { nomorPeserta, kodeFormasi, kategori, ipk: ipkValue, tanggalLahir, stages });
    }
  }
  if (problems.length) {
    throw new LenteraError('RESULTS_INVALID', `${file}: ${problems.length} problem(s): ${problems.slice(0, 5).map((p) => `line ${p.line}, column ${p.column}: ${p.reason}`).join('; ')}`, { problems });
  }
  return { formations: [...formations.values()].map(({ line: _l, ...f }) => f), candidates };
}
