// The result sheets of the sheets bench (tests/bench/sheets-child.ts): CPNS candidates with every part the real
// sheet has, both pages (the strengths page of a formation of 41). Each sheet has its own person and numbers, as
// in a real batch, so no sheet is a copy of the one before (what repeats is what repeats on real sheets: the
// labels, the sentences, the exam).
import { createHash } from 'node:crypto';
import type { CandidateStrengths, ComponentSummary } from '../../src-main/core/ranking/strengths';
import type { SheetData } from '../../src-main/core/sheets/result-sheet';

const FIRST = ['Sri', 'Ahmad', 'Dwi', 'Ni Luh Putu', 'Bambang', 'Siti', 'Yohanes', 'Rina', 'Agus', 'Fransiska', 'Muhammad', 'Dewi', 'Eko', 'Theresia', 'Hendra', 'Nur'];
const MIDDLE = ['', 'Ayu', 'Rizky', 'Putri', 'Adi', 'Kurnia', 'Wahyu', 'Indah'];
const LAST = ['Susanto', 'Rahman', 'Lestari', 'Kusumawati', 'Prasetyo', 'Nugroho', 'Hidayat', 'Situmorang', 'Wibowo', 'Santoso', 'Saputra', 'Pratiwi', 'Simanjuntak', 'Setiawan'];

/** The numbers of sheet i: scores on each test and stage, the panel's criteria, the rank. Deterministic. */
export interface Variant {
  nomor: string;
  nama: string;
  nik: string;
  twk: number;
  tiu: number;
  tkp: number;
  cat: number;
  /** the interview on 0–100 (three places) and on the 1–5 scale */
  wwc: string;
  wwcScale: string;
  criteria: [string, string, string, string];
  skb: string;
  final: string;
  rank: number;
  /** percentiles and "higher than" of each component, as the formation has them */
  pct: number[];
}

const three = (x: number) => String(Math.round(x * 1000) / 1000);

export function variant(i: number): Variant {
  const h = (k: number) => Math.abs(((i + 1) * 2654435761 + k * 40503) | 0);
  const twk = 65 + (h(1) % 86);
  const tiu = 80 + (h(2) % 96);
  const tkp = 166 + (h(3) % 60);
  const cat = 40 + (h(4) % 61);
  const criteria = [0, 1, 2, 3].map((k) => 1 + (h(10 + k) % 13) / 3) as [number, number, number, number];
  const mean = criteria.reduce((a, b) => a + b, 0) / 4;
  const wwc = mean * 20;
  const skb = (cat + wwc) / 2;
  const final = ((twk + tiu + tkp) / 550) * 100 * 0.4 + skb * 0.6;
  return {
    nomor: `2633740${String(i % 100000).padStart(5, '0')}`,
    nama: [FIRST[h(5) % FIRST.length], MIDDLE[h(6) % MIDDLE.length], LAST[h(7) % LAST.length]].filter(Boolean).join(' '),
    nik: `3374${String(h(8) % 100).padStart(2, '0')}********${String(h(9) % 100).padStart(2, '0')}`,
    twk,
    tiu,
    tkp,
    cat,
    wwc: three(wwc),
    wwcScale: three(mean),
    criteria: criteria.map(three) as Variant['criteria'],
    skb: three(skb),
    final: three(final),
    rank: 1 + (h(20) % 41),
    pct: Array.from({ length: 10 }, (_, k) => h(30 + k) % 100),
  };
}

const cmp = (median: string, q1: string, q3: string, percentile: number) => ({ n: 41, median, q1, q3, percentile, higherThan: Math.max(0, percentile - 3) });
const LEVELS = [
  { score: 1, label: 'Sangat kurang' },
  { score: 2, label: 'Kurang' },
  { score: 3, label: 'Cukup', description: 'menunjukkan perilaku yang diharapkan dalam situasi biasa' },
  { score: 4, label: 'Baik', description: 'menunjukkan perilaku yang diharapkan secara konsisten, juga di bawah tekanan' },
  { score: 5, label: 'Sangat baik' },
];
export const CRITERIA = ['Integritas', 'Komunikasi', 'Kerja sama', 'Orientasi pada hasil'] as const;
export const levelOf = (score: string) => LEVELS[Math.min(4, Math.max(0, Math.round(Number(score)) - 1))]!;

const criterion = (k: number, score: string, pct: number): ComponentSummary => ({
  key: `c${k}`, group: 'criterion', label: CRITERIA[k]!, stage: 'SKB-WWC', score, exact: score, max: '5', passLine: null, distance: null, distanceExact: null, passes: null,
  comparison: cmp('3.5', '3', '4', pct), method: 'mean', level: levelOf(score),
});

/** The strengths page of sheet i: three SKD tests, their total, two SKB stages, four interview criteria. */
export function strengthsOf(v: Variant): CandidateStrengths {
  const skd = (key: string, label: string, score: number, max: number, line: number, k: number, median: string, q1: string, q3: string): ComponentSummary => ({
    key, group: 'skd', label, score: String(score), exact: String(score), max: String(max), passLine: String(line), distance: String(score - line), distanceExact: String(score - line), passes: score >= line, comparison: cmp(median, q1, q3, v.pct[k]!),
  });
  const stage = (key: string, label: string, score: string, k: number, median: string, q1: string, q3: string): ComponentSummary => ({
    key, group: 'stage', label, stage: key, score, exact: score, max: '100', passLine: null, distance: null, distanceExact: null, passes: null, comparison: cmp(median, q1, q3, v.pct[k]!),
  });
  return {
    nomor: v.nomor,
    formation: 'F01',
    minComparable: 5,
    components: [
      skd('twk', 'TWK', v.twk, 150, 65, 0, '90', '80', '105'),
      skd('tiu', 'TIU', v.tiu, 175, 80, 1, '105', '95', '115'),
      skd('tkp', 'TKP', v.tkp, 225, 166, 2, '190', '180', '198'),
      { key: 'skd', group: 'skd', label: 'SKD (jumlah)', score: String(v.twk + v.tiu + v.tkp), exact: String(v.twk + v.tiu + v.tkp), max: '550', passLine: null, distance: null, distanceExact: null, passes: null, comparison: cmp('385', '362', '404', v.pct[3]!) },
      stage('SKB-CAT', 'Seleksi Kompetensi Bidang (CAT)', String(v.cat), 4, '71', '64.5', '76'),
      stage('SKB-WWC', 'Nilai wawancara (skala 0–100)', v.wwc, 5, '70', '65', '75'),
      ...v.criteria.map((c, k) => criterion(k, c, v.pct[6 + k]!)),
    ],
  };
}

/** The audit chain's head when sheet i was made (it moves with every signature the batch records). */
export const chainHash = (i: number) => createHash('sha256').update(`head ${i}`).digest('hex');

/** Sheet i as the workstation hands it to renderResultSheet. */
export function sheetData(i: number): SheetData {
  const v = variant(i);
  const skd = v.twk + v.tiu + v.tkp;
  return {
    agency: 'Pemerintah Kota Semarang',
    exam: { code: 'CPNS-SMG-2026', name: 'Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026', year: 2026 },
    formation: { code: 'F01', position: 'Pranata Komputer Ahli Pertama', unit: 'Dinas Komunikasi, Informatika, Statistik dan Persandian', quota: 3 },
    candidate: { nomorPeserta: v.nomor, nama: v.nama, nikMasked: v.nik, kategori: 'umum' },
    result: {
      nomor_peserta: v.nomor, kode_formasi: 'F01', kategori: 'umum', components: { twk: String(v.twk), tiu: String(v.tiu), tkp: String(v.tkp) }, stages: { 'SKB-CAT': String(v.cat), 'SKB-WWC': v.wwc }, skd_total: String(skd),
      thresholds: [{ rule: 'TWK ≥ 65', pass: true, reason: `TWK ${v.twk} ≥ 65` }, { rule: 'TIU ≥ 80', pass: true, reason: `TIU ${v.tiu} ≥ 80` }, { rule: 'TKP ≥ 166', pass: true, reason: `TKP ${v.tkp} ≥ 166` }],
      skb: v.skb, final: v.final, final_exact: v.final, rank: v.rank, status: v.rank <= 3 ? 'P/L' : 'P/TL', reason: `peringkat ${v.rank} dari kebutuhan 3`, decided_by: null,
    },
    stageNames: { 'SKB-CAT': 'Seleksi Kompetensi Bidang (CAT)', 'SKB-WWC': 'Seleksi Kompetensi Bidang (Wawancara)' },
    interview: { 'SKB-WWC': { scale: { min: 1, max: 5 }, onScale: v.wwcScale } },
    ruleset: { id: 'cpns-2024', version: '2024.1', sha256: 'a'.repeat(64) },
    chainHead: { seq: 1234 + i, hash: chainHash(i) },
    generatedAt: new Date('2026-12-03T09:00:00+07:00'),
    signer: { name: 'Sri Wahyuni, S.Sos.', certified: false },
    strengths: strengthsOf(v),
  };
}
