import { parseDate, parseIpk } from '../roster/fields';
import type { SourceTable } from '../roster/table-file';
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
function exact(raw: unknown): Fraction | undefined | 'bad' {
  const s = raw === undefined || raw === null ? '' : String(raw).trim().replace(',', '.');
  if (s === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(s)) return 'bad';
  return new Fraction(s);
}

/**
 * A flat results file, so anyone can recompute published results without a workstation. Columns:
 * nomor_peserta, kode_formasi, kuota, kategori, twk, tiu, tkp, skb, ipk, tanggal_lahir (integration rulesets;
 * a weighted-stages ruleset reads one column per stage instead of twk…skb). Optional: jabatan and pendidikan
 * (for optimalisasi), keterangan (APS or TMS). An empty skb (or stage) means absent at that stage.
 */
export function readFlatResults(table: SourceTable, ruleset: Ruleset): { formations: FormationFacts[]; candidates: CandidateFacts[] } {
  const scoreColumns = ruleset.model === 'integration' ? [...ruleset.skd.components, 'skb'] : Object.keys(ruleset.stages).map((s) => s.toLowerCase());
  const required = ['nomor_peserta', 'kode_formasi', 'kuota', 'kategori', ...scoreColumns, 'ipk', 'tanggal_lahir'];
  const missing = required.filter((c) => !table.headers.includes(c));
  if (missing.length) {
    throw new LenteraError('RESULTS_INVALID', `${table.file}, line 1: missing column(s) ${missing.join(', ')}.`, { problems: missing.map((c) => ({ line: 1, column: c, reason: 'missing column' })) });
  }
  const problems: Problem[] = [];
  const formations = new Map<string, FormationFacts & { line: number }>();
  const candidates: CandidateFacts[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const v = row.values;
    const text = (c: string) => (v[c] === undefined || v[c] === null ? '' : String(v[c]).trim());
    const bad = (column: string, reason: string) => problems.push({ line: row.line, column, reason });
    const nomor = text('nomor_peserta');
    const kode = text('kode_formasi');
    if (!nomor) bad('nomor_peserta', 'missing required value');
    else if (seen.has(nomor)) bad('nomor_peserta', `duplicate nomor_peserta ${nomor} (also on line ${seen.get(nomor)})`);
    else seen.set(nomor, row.line);
    if (!kode) bad('kode_formasi', 'missing required value');
    const kuota = Number(text('kuota'));
    if (!Number.isInteger(kuota) || kuota < 1) bad('kuota', `"${text('kuota')}" is not a quota (a whole number, at least 1)`);
    else if (kode) {
      const f = formations.get(kode);
      if (f && f.quota !== kuota) bad('kuota', `formation ${kode} has kuota ${f.quota} on line ${f.line}`);
      if (!f) formations.set(kode, { code: kode, quota: kuota, position: text('jabatan') || kode, education: text('pendidikan') || '', line: row.line });
    }
    const date = parseDate(text('tanggal_lahir'));
    if (!date.ok) bad('tanggal_lahir', date.reason);
    const ipkText = text('ipk');
    const ipk = ipkText ? parseIpk(ipkText) : undefined;
    if (ipk && !ipk.ok) bad('ipk', ipk.reason);
    const keterangan = text('keterangan').toUpperCase();
    if (keterangan && keterangan !== 'APS' && keterangan !== 'TMS') bad('keterangan', `"${keterangan}" is not APS or TMS`);
    const scores: Record<string, Fraction | undefined> = {};
    for (const c of scoreColumns) {
      const x = exact(v[c]);
      if (x === 'bad') bad(c, `"${text(c)}" is not a number`);
      else scores[c] = x;
    }
    const base: CandidateFacts = {
      nomorPeserta: nomor,
      kodeFormasi: kode,
      kategori: text('kategori').toLowerCase(),
      ipk: ipk?.ok ? ipk.value : null,
      tanggalLahir: date.ok ? date.value : '',
      ...(keterangan ? { flag: keterangan as 'APS' | 'TMS' } : {}),
    };
    if (ruleset.model === 'integration') {
      const parts = ruleset.skd.components;
      const given = parts.filter((p) => scores[p] !== undefined);
      const skd = given.length === 0 ? ('absent' as const) : given.length < parts.length ? ('missing' as const) : Object.fromEntries(parts.map((p) => [p, scores[p]!]));
      const skb: StageValue = scores.skb === undefined ? 'absent' : scores.skb;
      if (scores.skb && scores.skb.compare(100) > 0) bad('skb', `SKB ${text('skb')} is above 100 (the column is on 0–100)`);
      candidates.push({ ...base, skd, skb });
    } else {
      candidates.push({ ...base, stages: Object.fromEntries(Object.keys(ruleset.stages).map((s) => [s, scores[s.toLowerCase()] ?? ('absent' as const)])) });
    }
  }
  if (problems.length) {
    throw new LenteraError('RESULTS_INVALID', `${table.file}: ${problems.length} problem(s): ${problems.slice(0, 5).map((p) => `line ${p.line}, column ${p.column}: ${p.reason}`).join('; ')}`, { problems });
  }
  return { formations: [...formations.values()].map(({ line: _l, ...f }) => f), candidates };
}
