import type { ExamPackage } from '../exams/package-schema';
import { rank, type CandidateFacts } from '../ranking/engine';
import { loadRuleset } from '../ranking/rulesets';
import { Fraction } from '../scoring/exact';

/** A small deterministic PRNG (mulberry32): the same seed gives the same venue, so examples stay stable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE = ['Budi', 'Agus', 'Ahmad', 'Rizky', 'Dimas', 'Fajar', 'Hendra', 'Joko', 'Muhammad', 'Yusuf', 'Bayu', 'Teguh', 'Wahyu', 'Arif', 'Dwi', 'Eko', 'Galih', 'Ilham', 'Nugroho', 'Rudi', 'Slamet', 'Taufik', 'Adi', 'Bagus', 'Fikri'];
const FEMALE = ['Siti', 'Dewi', 'Sri', 'Ayu', 'Rina', 'Putri', 'Wulan', 'Nur', 'Fitri', 'Indah', 'Lestari', 'Maya', 'Ratna', 'Sari', 'Yuni', 'Anisa', 'Dian', 'Endah', 'Kartika', 'Novita', 'Rahayu', 'Retno', 'Tri', 'Umi', 'Wening'];
const SURNAMES = ['Santoso', 'Wibowo', 'Setiawan', 'Pratama', 'Saputra', 'Hidayat', 'Nugraha', 'Kurniawan', 'Susanto', 'Purnomo', 'Rahmawati', 'Wulandari', 'Handayani', 'Permatasari', 'Maharani', 'Hartono', 'Sulistyo', 'Prasetyo', 'Utomo', 'Wijaya', 'Suryani', 'Lestari', 'Kusuma', 'Anggraini', 'Ramadhan'];

const FORMATIONS: ExamPackage['formations'] = [
  { code: 'F01', position: 'Pranata Komputer Ahli Pertama', unit: 'Dinas Komunikasi, Informatika, Statistik dan Persandian', education: 'S1 Teknik Informatika', quota: 3 },
  { code: 'F02', position: 'Analis Kebijakan Ahli Pertama', unit: 'Badan Perencanaan Pembangunan Daerah', education: 'S1 Ilmu Pemerintahan', quota: 2 },
  { code: 'F03', position: 'Perawat Terampil', unit: 'RSUD K.R.M.T. Wongsonegoro', education: 'D3 Keperawatan', quota: 4 },
  { code: 'F04', position: 'Guru Ahli Pertama Matematika', unit: 'Dinas Pendidikan', education: 'S1 Pendidikan Matematika', quota: 3 },
  { code: 'F05', position: 'Auditor Ahli Pertama', unit: 'Inspektorat', education: 'S1 Akuntansi', quota: 2 },
  { code: 'F06', position: 'Pranata Komputer Ahli Pertama', unit: 'Dinas Kependudukan dan Pencatatan Sipil', education: 'S1 Teknik Informatika', quota: 1 },
];

const LEVELS = [
  { score: 1, label: 'Sangat kurang', description: 'Tidak menunjukkan perilaku yang diharapkan.' },
  { score: 2, label: 'Kurang', description: 'Menunjukkan sebagian kecil perilaku, dengan banyak arahan.' },
  { score: 3, label: 'Cukup', description: 'Menunjukkan perilaku yang diharapkan pada situasi biasa.' },
  { score: 4, label: 'Baik', description: 'Konsisten menunjukkan perilaku, juga pada situasi sulit.' },
  { score: 5, label: 'Sangat baik', description: 'Menjadi teladan dan mampu mengembangkan orang lain.' },
];

export interface DemoPerson {
  name: string;
  displayName: string;
  role: 'coordinator' | 'chair' | 'examiner' | 'clerk' | 'observer';
  nip?: string;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { name: 'koordinator', displayName: 'Sri Wahyuni, S.Sos.', role: 'coordinator', nip: '197805122005012003' },
  { name: 'petugas1', displayName: 'Andi Firmansyah', role: 'clerk', nip: '199103042019031005' },
  { name: 'petugas2', displayName: 'Dewi Kusumawati', role: 'clerk', nip: '199207152020122011' },
  { name: 'ketua1', displayName: 'Dr. Bambang Sutrisno, M.Si.', role: 'chair', nip: '197006201995031002' },
  { name: 'penguji1', displayName: 'Ir. Retno Handayani, M.T.', role: 'examiner', nip: '197512082001122004' },
  { name: 'penguji2', displayName: 'Hendro Prasetyo, S.Kom., M.Kom.', role: 'examiner', nip: '198203142006041007' },
  { name: 'ketua2', displayName: 'Drs. Suharto, M.M.', role: 'chair', nip: '196909091994031006' },
  { name: 'penguji3', displayName: 'Ns. Laras Pertiwi, S.Kep., M.Kep.', role: 'examiner', nip: '198410102009022008' },
  { name: 'penguji4', displayName: 'Agung Nugroho, S.E., Ak.', role: 'examiner', nip: '198601252010011009' },
  { name: 'pengawas', displayName: 'Kartika Sari (Ombudsman RI Jateng)', role: 'observer' },
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * The demo exam: Pemerintah Kota Semarang CPNS, SKD + SKB (CAT and an interview), a few hundred candidates.
 * The shipped example files keep a fixed calendar: SKD on 30 November 2026, SKB CAT the day after, then one
 * interview session each half day from 2 December. A seeded demo venue passes `interviewDay` (YYYY-MM-DD, WIB),
 * the day its interviews took place: SKD two days before, SKB CAT the day before, and that day two interview
 * sessions at 08.00 and two at 13.00 (the rest the next morning), so the sessions it has scored took place before
 * their scores were recorded and their minutes signed.
 */
export function demoPackage(candidates = 300, seed = 2026, interviewDay?: string): ExamPackage {
  const day = (offset: number) => new Date(Date.parse(`${interviewDay ?? '2026-12-02'}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  const interviewStart = (i: number) =>
    interviewDay ? `${day(Math.floor(i / 4))}T${i % 4 < 2 ? '08' : '13'}:00:00+07:00` : `${day(Math.floor(i / 2))}T${i % 2 === 0 ? '08' : '13'}:00:00+07:00`;
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const roster: ExamPackage['roster'] = [];
  const usedNik = new Set<string>();
  for (let i = 0; i < candidates; i++) {
    const female = rnd() < 0.5;
    const nama = `${pick(female ? FEMALE : MALE)} ${pick(female ? FEMALE : MALE)} ${pick(SURNAMES)}`.replace(/^(\w+) \1 /, '$1 ');
    const year = 1990 + Math.floor(rnd() * 12);
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const formation = FORMATIONS[Math.floor(rnd() * FORMATIONS.length)]!;
    const district = 1 + Math.floor(rnd() * 16); // Semarang's 16 kecamatan: 3374 01..16
    let nik: string;
    do {
      nik = `3374${pad(district, 2)}${pad(day + (female ? 40 : 0), 2)}${pad(month, 2)}${pad(year % 100, 2)}${pad(1 + Math.floor(rnd() * 9999), 4)}`;
    } while (usedNik.has(nik));
    usedNik.add(nik);
    const kat = rnd();
    roster.push({
      nomor_peserta: `2633740${pad(i + 1, 5)}`,
      nik,
      nama,
      tanggal_lahir: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
      jenis_kelamin: female ? 'P' : 'L',
      pendidikan: formation.education,
      ipk: Math.round((2.75 + rnd() * 1.2) * 100) / 100,
      kode_formasi: formation.code,
      kategori: kat < 0.9 ? 'umum' : kat < 0.95 ? 'cumlaude' : kat < 0.98 ? 'disabilitas' : 'tertinggal',
    });
  }
  const perSession = 100;
  const skdSessions: ExamPackage['sessions'] = [];
  for (let s = 0; s * perSession < roster.length; s++) {
    skdSessions.push({
      code: `SKD-${s + 1}`,
      stage: 'SKD',
      venue: 'BALAIKOTA',
      room: `Ruang CAT ${s + 1}`,
      // Five sittings that day, two hours apart; past five rooms' worth the rooms sit side by side (a large venue's
      // CAT rooms), never past 16.00 (the times went on two hours a room, to 24.00 and beyond at 900 candidates).
      starts_at: `${day(-2)}T${pad(8 + (s % 5) * 2, 2)}:00:00+07:00`,
      panel: [],
      candidates: roster.slice(s * perSession, (s + 1) * perSession).map((r) => r.nomor_peserta),
    });
  }
  // The SKB goes to whom the SKD ranking sends there, as the committee decides it: the ruleset's cap (3 × the quota)
  // per formation, by SKD rank and its tie-breaks, among those who passed the passing grade.
  const shortlist = skbShortlist(roster, demoSkdResults(roster, seed));
  const panelA = DEMO_PEOPLE.filter((p) => ['ketua1', 'penguji1', 'penguji2'].includes(p.name));
  const panelB = DEMO_PEOPLE.filter((p) => ['ketua2', 'penguji3', 'penguji4'].includes(p.name));
  const interviewSessions: ExamPackage['sessions'] = FORMATIONS.map((f, i) => ({
    code: `WWC-${f.code}`,
    stage: 'SKB-WWC',
    venue: 'SMKN7',
    room: `Ruang Wawancara ${i % 2 === 0 ? 'A' : 'B'}`,
    starts_at: interviewStart(i),
    panel: (i % 2 === 0 ? panelA : panelB).map((p) => ({ name: p.displayName, nip: p.nip!, role: p.role === 'chair' ? 'chair' : 'examiner' })),
    candidates: shortlist.get(f.code) ?? [],
  }));
  // The teachers' formation also sits a practical test, scored by assessors on paper and typed twice by the clerks.
  const practicalSessions: ExamPackage['sessions'] = [
    {
      code: `PRAKTIK-${PRACTICAL_FORMATION}`,
      stage: PRACTICAL_STAGE,
      venue: 'SMKN7',
      room: 'Ruang Praktik Mengajar',
      starts_at: `${day(-1)}T13:00:00+07:00`,
      panel: [],
      candidates: shortlist.get(PRACTICAL_FORMATION) ?? [],
    },
  ];
  // SKB CAT: the same candidates as the interviews, in one morning session at the CAT room.
  const skbCatSessions: ExamPackage['sessions'] = [
    {
      code: 'SKB-CAT-1',
      stage: 'SKB-CAT',
      venue: 'BALAIKOTA',
      room: 'Ruang CAT 1',
      starts_at: `${day(-1)}T08:00:00+07:00`,
      panel: [],
      candidates: interviewSessions.flatMap((s) => s.candidates),
    },
  ];
  return {
    format: 'lentera.exam/1',
    exam: { code: 'CPNS-SMG-2026', name: 'Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026', agency: 'Pemerintah Kota Semarang', year: 2026, ruleset: 'cpns-2024' },
    formations: FORMATIONS,
    stages: [
      {
        code: 'SKD',
        name: 'Seleksi Kompetensi Dasar',
        kind: 'cat',
        weight: 40,
        components: [
          { code: 'twk', name: 'Tes Wawasan Kebangsaan', min: 0, max: 150, step: 5 },
          { code: 'tiu', name: 'Tes Intelegensia Umum', min: 0, max: 175, step: 5 },
          { code: 'tkp', name: 'Tes Karakteristik Pribadi', min: 0, max: 225, step: 1 },
        ],
        score: { method: 'sum' },
      },
      {
        code: 'SKB-CAT',
        name: 'Seleksi Kompetensi Bidang (CAT)',
        kind: 'cat',
        weight: 60,
        components: [{ code: 'nilai', name: 'Nilai SKB CAT', min: 0, max: 100, step: 1 }],
        score: { method: 'sum' },
      },
      {
        code: 'SKB-WWC',
        name: 'Seleksi Kompetensi Bidang (Wawancara)',
        kind: 'interview',
        weight: 40,
        components: [],
        score: { method: 'sum' },
        rubric: {
          criteria: [
            { code: 'integritas', label: 'Integritas', description: 'Konsisten berperilaku selaras dengan nilai, norma dan etika organisasi.', levels: LEVELS, min: 1, max: 5, step: 1, weight: 25 },
            { code: 'komunikasi', label: 'Komunikasi', description: 'Menyampaikan gagasan dengan jelas, runtut dan santun.', levels: LEVELS, min: 1, max: 5, step: 1, weight: 20 },
            { code: 'kerjasama', label: 'Kerja sama', description: 'Membangun kerja sama untuk hasil bersama.', levels: LEVELS, min: 1, max: 5, step: 1, weight: 20 },
            { code: 'pelayanan', label: 'Orientasi pelayanan publik', description: 'Mengutamakan kepuasan masyarakat yang dilayani.', levels: LEVELS, min: 1, max: 5, step: 1, weight: 20 },
            { code: 'teknis', label: 'Pengetahuan teknis jabatan', description: 'Menguasai pengetahuan yang dibutuhkan jabatan.', levels: LEVELS, min: 1, max: 5, step: 1, weight: 15 },
          ],
          aggregate: 'mean',
          divergence: 2,
        },
      },
      {
        // Not weighted by the cpns-2024 ruleset (SKB = 60 % CAT + 40 % interview): its scores are recorded and checked by
        // double entry like any other, and the name says that it does not count in the final score.
        code: PRACTICAL_STAGE,
        name: 'Uji Praktik Mengajar (tidak dibobot)',
        kind: 'practical',
        components: [
          { code: 'rpp', name: 'Rencana pelaksanaan pembelajaran', min: 0, max: 40, step: 0.5 },
          { code: 'praktik', name: 'Praktik mengajar', min: 0, max: 60, step: 1 },
        ],
        score: { method: 'sum' },
      },
    ],
    venues: [
      { code: 'BALAIKOTA', name: 'Gedung Moch. Ichsan, Balai Kota Semarang', address: 'Jl. Pemuda No. 148, Sekayu, Semarang Tengah, Kota Semarang' },
      { code: 'SMKN7', name: 'SMK Negeri 7 Semarang', address: 'Jl. Simpang Lima, Mugassari, Semarang Selatan, Kota Semarang' },
    ],
    sessions: [...skdSessions, ...skbCatSessions, ...practicalSessions, ...interviewSessions],
    roster,
  };
}

/** The demo's practical test on paper, for the teachers' formation. */
export const PRACTICAL_STAGE = 'SKB-PRAKTIK';
export const PRACTICAL_FORMATION = 'F04';

/** One candidate's SKD as the CAT reports it, in steps of each component (TWK and TIU ×5, TKP ×1), or absent. */
export type DemoSkd = { twk: number; tiu: number; tkp: number } | 'absent';

/**
 * The demo's SKD results, drawn once for every candidate (about 3 % absent), before anyone is sent to the SKB:
 * the SKB sessions are made from them, and the seeded venue records exactly them.
 */
export function demoSkdResults(roster: ExamPackage['roster'], seed = 2026): Map<string, DemoSkd> {
  const rnd = prng(seed ^ 0x5bd1e995);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out = new Map<string, DemoSkd>();
  for (const r of roster) {
    const absent = rnd() < 0.03;
    const twk = int(10, 27);
    const tiu = int(12, 31);
    const tkp = int(145, 218);
    out.set(r.nomor_peserta, absent ? 'absent' : { twk, tiu, tkp });
  }
  return out;
}

/** Who goes to the SKB, per formation: what the ruleset's engine says with no SKB result yet. */
function skbShortlist(roster: ExamPackage['roster'], skd: Map<string, DemoSkd>): Map<string, string[]> {
  const { ruleset } = loadRuleset('cpns-2024');
  const candidates = roster.map((r): CandidateFacts => {
    const s = skd.get(r.nomor_peserta)!;
    return {
      nomorPeserta: r.nomor_peserta,
      kodeFormasi: r.kode_formasi,
      kategori: r.kategori,
      ipk: Math.round(Number(r.ipk) * 100), // the generator writes numbers
      tanggalLahir: r.tanggal_lahir,
      skd: s === 'absent' ? 'absent' : { twk: new Fraction(s.twk * 5), tiu: new Fraction(s.tiu * 5), tkp: new Fraction(s.tkp) },
      skb: 'missing',
    };
  });
  const formations = FORMATIONS.map((f) => ({ code: f.code, quota: f.quota, position: f.position, education: f.education }));
  const out = new Map<string, string[]>();
  // Within the seats with the SKB still to come: BL (the engine never guesses a missing result).
  for (const r of rank(ruleset, formations, candidates)) {
    if (r.status !== 'BL') continue;
    out.set(r.kode_formasi, [...(out.get(r.kode_formasi) ?? []), r.nomor_peserta]);
  }
  // The session lists are by number, as the committee's announcement lists them.
  for (const list of out.values()) list.sort();
  return out;
}

/** The same candidates as a roster file, the way Indonesian Excel saves CSV: semicolons and decimal commas. */
export function demoRosterCsv(pkg: ExamPackage): string {
  const header = 'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori';
  const lines = pkg.roster.map((r) => {
    const [year, month, day] = r.tanggal_lahir.split('-');
    const date = `${day}/${month}/${year}`;
    return [r.nomor_peserta, r.nik, r.nama, date, r.jenis_kelamin, r.pendidikan, String(r.ipk).replace('.', ','), r.kode_formasi, r.kategori].join(';');
  });
  return [header, ...lines].join('\r\n') + '\r\n';
}
