/** The pages of the publication site, as HTML text. Pure: data in, text out; no clock, no file system. */
import type { RankedCandidate } from '../ranking/engine';
import { rulesetSchema, type Ruleset } from '../ranking/ruleset-schema';
import { decimalComma } from '../sheets/format';
import { statusWords } from '../sheets/result-sheet';
import { FINAL_SCORE, INTERVIEW_SCORE_100, threePlaces } from '../../shared/score-labels';
import { esc, facts, page, pageLines, rel, table, tableLines, timeTag, whenWib } from './html';
import { LEAVES_PER_FILE, logPaths, sitePaths } from './paths';
import { parseCheckpointText, splitNote, verifierKey } from '../ledger/signed-note';
import { fromB64url } from '../ledger/merkle';
import { ExamLeaves, type ExamLeaf } from '../ledger/exam-leaves';

const LOG_CHECKPOINT = 'log/checkpoint';
import type { SiteExam, SiteInput } from './site';
import type { CandidateStrengths } from '../ranking/strengths';
import { strengthsSection } from './strengths-section';
import { stagesSection } from './stages';
import { observedSection } from './observers';
import { announcementIndexSection, announcementNotice } from './announcement-pages';

const fmtNum = (s: string | null | undefined) => esc(decimalComma(s));
const hash = (h: string) => `<code class="hash">${esc(h)}</code>`;

/**
 * Status code and its words, coloured by outcome. A provisional status (missing results could still change it)
 * says SEMENTARA and what it is for now, never LULUS.
 */
export function statusHtml(status: string, provisional = false): string {
  if (provisional) return `<span class="status status-open">${esc(status)}</span> <strong>SEMENTARA</strong> — ${esc(statusWords(status, true))}`;
  const cls = status === 'P/L' || status.startsWith('P/L-') ? 'status-pass' : status === 'BL' ? 'status-open' : 'status-fail';
  return `<span class="status ${cls}">${esc(status || '–')}</span> ${esc(statusWords(status))}`;
}

/** The reason, and for a provisional status what it still waits for. */
function reasonHtml(r: RankedCandidate): string {
  return r.provisional ? `${esc(r.reason)}<br><small>Sementara: ${esc(r.provisional_reason ?? '')}</small>` : esc(r.reason);
}

/** Said wherever provisional statuses are listed. */
const PROVISIONAL_NOTICE =
  'Status bertanda SEMENTARA masih dapat berubah: ada peserta yang nilainya belum lengkap (BL) di formasi ini, atau, untuk optimalisasi, di formasi lain dengan jabatan yang sama. Status tanpa tanda SEMENTARA sudah final: tidak ada nilai yang belum lengkap yang dapat mengubahnya.';

const TIE_WORDS: Record<string, string> = {
  final: 'nilai akhir',
  skd_total: 'nilai SKD',
  twk: 'nilai TWK',
  tiu: 'nilai TIU',
  tkp: 'nilai TKP',
  ipk: 'IPK',
  older: 'usia lebih tua',
  nomor_peserta: 'nomor peserta (nilai lain semuanya sama)',
};

export function tieWords(key: string): string {
  return TIE_WORDS[key] ?? (key.startsWith('stage:') ? `nilai tahap ${key.slice(6)}` : key);
}

/** "F01 — Analis Kebijakan" */
function formationLabel(f: SiteExam['formations'][number] | undefined, code: string): string {
  return f ? `${code} — ${f.position}` : code;
}

interface Person {
  candidate?: SiteExam['candidates'][number];
  result?: RankedCandidate;
  formation: string;
}

/** Everything about one exam the pages need, joined once. */
export interface ExamView {
  exam: SiteExam;
  formations: { code: string; position: string; unit: string; quota: number; education: string; known: boolean }[];
  formationByCode: Map<string, ExamView['formations'][number]>;
  people: Map<string, Person>;
  byFormation: Map<string, RankedCandidate[]>;
  conflictsByNomor: Map<string, SiteExam['conflicts']>;
  /** each formation's people's numbers, in order (their `people` entries hold the rest) */
  members: Map<string, string[]>;
  /** each formation's filled seats: its own P/L and the P/L-n it took by optimalisasi */
  passed: Map<string, number>;
  /** each formation's seats filled by optimalisasi from other formations (P/L-n), in rank order */
  incoming: Map<string, RankedCandidate[]>;
  /** the digest computed here from the published result, for each candidate with a result */
  /** a result's digest, as this site computes it (made as a page asks: a map of 100,000 was 10 MB held) */
  digestOf: (r: RankedCandidate) => string;
  ruleset: Ruleset | null;
}

function rankOrder(a: RankedCandidate, b: RankedCandidate): number {
  if (a.rank !== b.rank) return a.rank === null ? 1 : b.rank === null ? -1 : a.rank - b.rank;
  return a.nomor_peserta < b.nomor_peserta ? -1 : a.nomor_peserta > b.nomor_peserta ? 1 : 0;
}

export function examView(exam: SiteExam, digestOf: (r: RankedCandidate) => string): ExamView {
  const people: ExamView['people'] = new Map();
  for (const c of exam.candidates) people.set(c.nomor, { candidate: c, result: undefined, formation: c.kodeFormasi });
  for (const r of exam.results) {
    const p = people.get(r.nomor_peserta);
    // One object a person (100,000 of them live while the pages are made): a candidate's, given its result.
    if (p) {
      p.result = r;
      p.formation = r.kode_formasi;
    } else people.set(r.nomor_peserta, { candidate: undefined, result: r, formation: r.kode_formasi });
  }
  const byFormation = new Map<string, RankedCandidate[]>();
  for (const r of exam.results) {
    const list = byFormation.get(r.kode_formasi) ?? [];
    list.push(r);
    byFormation.set(r.kode_formasi, list);
  }
  for (const list of byFormation.values()) list.sort(rankOrder);
  const formations: ExamView['formations'] = exam.formations.map((f) => ({ ...f, known: true }));
  const seen = new Set(formations.map((f) => f.code));
  for (const p of people.values()) {
    if (!seen.has(p.formation)) {
      seen.add(p.formation);
      formations.push({ code: p.formation, position: '–', unit: '–', quota: 0, education: '–', known: false });
    }
  }
  formations.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const conflictsByNomor = new Map<string, SiteExam['conflicts']>();
  for (const c of exam.conflicts) {
    const list = conflictsByNomor.get(c.nomor) ?? [];
    list.push(c);
    conflictsByNomor.set(c.nomor, list);
  }
  const members = new Map<string, string[]>(formations.map((f) => [f.code, []]));
  for (const n of [...people.keys()].sort()) members.get(people.get(n)!.formation)!.push(n);
  const passed = new Map<string, number>(formations.map((f) => [f.code, 0]));
  // Once for the exam, not a scan of every result per formation (thousands of formations at 100,000 candidates).
  const incoming = new Map<string, RankedCandidate[]>();
  for (const r of exam.results) {
    const seat = r.status === 'P/L' ? r.kode_formasi : r.status.startsWith('P/L-') ? r.optimalisasi_ke : undefined;
    if (seat !== undefined && passed.has(seat)) passed.set(seat, passed.get(seat)! + 1);
    if (r.status.startsWith('P/L-') && r.optimalisasi_ke) {
      const list = incoming.get(r.optimalisasi_ke) ?? [];
      list.push(r);
      incoming.set(r.optimalisasi_ke, list);
    }
  }
  for (const list of incoming.values()) list.sort(rankOrder);
  let ruleset: Ruleset | null = null;
  try {
    const parsed = rulesetSchema.safeParse(JSON.parse(exam.ruleset.json));
    if (parsed.success) ruleset = parsed.data;
  } catch {
    ruleset = null;
  }
  return { exam, formations, formationByCode: new Map(formations.map((f) => [f.code, f])), people, byFormation, conflictsByNomor, members, passed, incoming, digestOf, ruleset };
}

/** Per status, final and provisional apart: "P/L" and "P/L SEMENTARA" are counted on their own rows. */
function countStatuses(results: RankedCandidate[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results) {
    const k = r.provisional ? `${r.status} SEMENTARA` : r.status;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return new Map([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function statusSummary(caption: string, results: RankedCandidate[]): string {
  const counts = countStatuses(results);
  if (!counts.size) return '<p>Belum ada hasil.</p>';
  const row = (k: string, n: number) => {
    const provisional = k.endsWith(' SEMENTARA');
    const s = provisional ? k.slice(0, -' SEMENTARA'.length) : k;
    return [`<span class="status">${esc(s)}</span>${provisional ? ' <strong>SEMENTARA</strong>' : ''}`, esc(statusWords(s, provisional)), String(n)];
  };
  return table(caption, ['Kode status', 'Arti', 'Jumlah peserta'], [...counts.entries()].map(([k, n]) => row(k, n)), { numeric: [2] });
}

const passedFor = (v: ExamView, code: string) => v.passed.get(code) ?? 0;

/** A formation's quota as the site shows it: every quota the workstations gave, where they disagree on it. */
function quotaText(v: ExamView, f: ExamView['formations'][number], unknown: string): string {
  const disputed = v.conflictsByNomor.get('')?.find((c) => c.field === `formasi ${f.code}`);
  if (disputed) return `${[...new Set(disputed.values.map((x) => (JSON.parse(x.value) as { quota: number }).quota))].sort((a, b) => a - b).join(' atau ')} (bertentangan antar-workstation, belum diputuskan)`;
  return f.known ? String(f.quota) : unknown;
}

function conflictSection(v: ExamView, from: string, nomors: string[]): string {
  const rows: string[][] = [];
  for (const n of nomors) {
    for (const c of v.conflictsByNomor.get(n) ?? []) {
      // '' is a whole formation's conflict (bundles/merged-records.ts): no candidate's, all of its candidates'.
      const nama = n === '' ? 'seluruh formasi' : (v.people.get(n)?.candidate?.nama ?? '–');
      const values = c.values.map((x) => `<li><strong>${esc(x.workstation)}</strong>: ${esc(x.value)}</li>`).join('');
      const who = v.people.has(n) ? `<a href="${esc(rel(from, sitePaths.candidate(v.exam.code, n)))}">${esc(n)}</a>` : esc(n || '–');
      rows.push([who, esc(nama), `<code>${esc(c.field)}</code>`, `<ul>${values}</ul>`]);
    }
  }
  if (!rows.length) return '';
  return `<section class="conflicts" aria-labelledby="konflik">
<h2 id="konflik">Data bertentangan antar-workstation — belum diputuskan</h2>
<p class="notice">Workstation berikut mencatat nilai yang berbeda untuk data yang sama. Lentera tidak memilih salah satunya: hasil di halaman ini dihitung dari data yang tercatat, dan pertentangan ini harus diputuskan panitia melalui koreksi resmi yang diterbitkan ulang.</p>
${table('Data bertentangan', ['Nomor peserta', 'Nama', 'Data', 'Nilai menurut workstation'], rows)}
</section>`;
}

function crumbsFor(v: ExamView, ...rest: [string, string | null][]): [string, string | null][] {
  return [['Beranda', 'index.html'], [v.exam.code, rest.length ? sitePaths.exam(v.exam.code) : null], ...rest];
}

// ---------------------------------------------------------------------------------------------- the home page

/** An exam as the home page lists it: its head and how many formations and people its pages show. */
export interface IndexExam {
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: { id: string; version: string };
  formations: number;
  people: number;
}

export function indexPage(input: SiteInput, list: IndexExam[]): string {
  const path = 'index.html';
  const latest = input.checkpoints[input.checkpoints.length - 1];
  const exams = list.map((e) => [
    `<a href="${esc(sitePaths.exam(e.code))}">${esc(e.code)}</a>`,
    esc(e.name),
    esc(e.agency),
    String(e.year),
    String(e.formations),
    String(e.people),
    `<a href="${esc(sitePaths.rules(e.code))}">${esc(e.ruleset.id)} ${esc(e.ruleset.version)}</a>`,
  ]);
  const checkpoint = latest
    ? facts([
        ['Ukuran log', `${latest.size} entri`],
        ['Akar (root)', hash(latest.root)],
        ['Waktu', timeTag(latest.at)],
      ])
    : '<p>Belum ada checkpoint yang diterbitkan.</p>';
  const body = `<h1>Hasil Seleksi</h1>
<p class="lead">Hasil resmi yang diterbitkan panitia, dengan aturan penilaian, data untuk menghitung ulang, dan bukti bahwa setiap hasil tercatat di log transparansi yang tidak dapat diubah diam-diam.</p>
<h2>Ujian</h2>
${exams.length ? table('Ujian yang diterbitkan', ['Kode', 'Nama ujian', 'Instansi', 'Tahun', 'Formasi', 'Peserta', 'Aturan'], exams, { numeric: [3, 4, 5] }) : '<p>Belum ada ujian yang diterbitkan.</p>'}
${announcementIndexSection(input, path)}
<h2>Checkpoint terakhir log transparansi</h2>
${checkpoint}
<p><a href="checkpoint.html">Riwayat checkpoint dan bukti konsistensi</a></p>
<h2>Periksa sendiri</h2>
<ul>
<li><a href="verifikasi.html">Verifikasi tanda terima atau lembar hasil</a>: di peramban ini, tanpa internet.</li>
<li><a href="bundel.html">Unduh bundel hasil bertanda tangan</a> dari setiap workstation.</li>
${list.map((e) => `<li><a href="${esc(sitePaths.rules(e.code))}">Aturan dan cara menghitung ulang ${esc(e.code)}</a></li>`).join('\n')}
</ul>`;
  return page({ path, title: 'Beranda', crumbs: [], body, generatedAt: input.generatedAt });
}

// ---------------------------------------------------------------------------------------------- one exam

export function examPage(input: SiteInput, v: ExamView): string {
  const e = v.exam;
  const path = sitePaths.exam(e.code);
  // Counted in one pass: a pass over every result for each formation was 0.1 s at 20,000 candidates in 1,000
  // formations, and grows with their product.
  const provisionalIn = new Map<string, number>();
  for (const r of e.results) {
    const at = r.provisional ? (r.status === 'P/L' ? r.kode_formasi : r.status.startsWith('P/L-') ? r.optimalisasi_ke : undefined) : undefined;
    if (at !== undefined) provisionalIn.set(at, (provisionalIn.get(at) ?? 0) + 1);
  }
  const rows = v.formations.map((f) => {
    const list = v.byFormation.get(f.code) ?? [];
    const bl = list.filter((r) => r.status === 'BL').length;
    const provisional = provisionalIn.get(f.code) ?? 0;
    return [
      `<a href="${esc(rel(path, sitePaths.formation(e.code, f.code)))}">${esc(f.code)}</a>`,
      esc(f.position),
      esc(f.unit),
      esc(f.education),
      esc(quotaText(v, f, '–')),
      String(v.members.get(f.code)?.length ?? 0),
      provisional ? `${passedFor(v, f.code)} (${provisional} sementara)` : String(passedFor(v, f.code)),
      String(bl),
    ];
  });
  const data = (['aturan.json', 'facts.json', 'hasil.json', 'hasil.csv', 'hasil-excel.csv'] as const).map((f) => `<a href="${esc(rel(path, sitePaths.data(e.code, f)))}">${f}</a>`).join(', ');
  const body = `<h1>${esc(e.name)}</h1>
<p class="lead">${esc(e.agency)} · ${esc(e.year)}</p>
${facts([
  ['Kode ujian', esc(e.code)],
  ['Instansi', esc(e.agency)],
  ['Tahun', esc(e.year)],
  ['Aturan penilaian', `<a href="${esc(rel(path, sitePaths.rules(e.code)))}">${esc(e.ruleset.id)} versi ${esc(e.ruleset.version)}</a>`],
  ['sha256 aturan', hash(e.ruleset.sha256)],
  ['Jumlah peserta', String(v.people.size)],
  ['Data untuk menghitung ulang', data],
])}
${announcementNotice(input, e.code, e.ruleset.sha256, path)}
<p><a href="${esc(rel(path, sitePaths.candidates(e.code)))}">Daftar semua peserta</a> · <a href="${esc(rel(path, sitePaths.rules(e.code)))}">Cara menghitung ulang</a></p>
<h2>Formasi</h2>
${table('Formasi, kebutuhan dan jumlah peserta', ['Kode formasi', 'Jabatan', 'Unit kerja', 'Pendidikan', 'Kebutuhan', 'Peserta', 'Lulus', 'Belum lengkap'], rows, { numeric: [4, 5, 6, 7] })}
${stagesSection(e.stages, e.interviewStages)}
${observedSection(e.observed)}
<h2>Ringkasan status</h2>
${e.results.some((r) => r.provisional) ? `<p class="notice">${esc(PROVISIONAL_NOTICE)}</p>\n` : ''}${statusSummary('Jumlah peserta per status', e.results)}
${conflictSection(v, path, [...v.conflictsByNomor.keys()].sort())}`;
  return page({ path, title: e.name, crumbs: crumbsFor(v), body, generatedAt: input.generatedAt, dataAt: e.dataAt });
}

function resultRow(v: ExamView, from: string, r: RankedCandidate): string[] {
  const c = v.people.get(r.nomor_peserta)?.candidate;
  const opt = r.optimalisasi_ke ? ` (mengisi formasi <a href="${esc(rel(from, sitePaths.formation(v.exam.code, r.optimalisasi_ke)))}">${esc(r.optimalisasi_ke)}</a>)` : '';
  return [
    r.rank === null ? '–' : String(r.rank),
    `<a href="${esc(rel(from, sitePaths.candidate(v.exam.code, r.nomor_peserta)))}">${esc(r.nomor_peserta)}</a>`,
    esc(c?.nama ?? '–'),
    `<code>${esc(c?.nikMasked ?? '–')}</code>`,
    esc(r.kategori),
    fmtNum(r.final),
    statusHtml(r.status, r.provisional === true) + opt,
    reasonHtml(r),
  ];
}

export function formationPage(input: SiteInput, v: ExamView, f: ExamView['formations'][number]): string {
  return [...formationPageLines(input, v, f)].join('');
}

/**
 * A formation's page a few lines at a time, its ranking a row a line (`pageLines`): a formation of 16,000 applicants
 * is 5.5 MB of HTML, which made whole (its rows, the table, the page, its bytes) held twice that at once.
 */
export function formationPageLines(input: SiteInput, v: ExamView, f: ExamView['formations'][number]): Iterable<string> {
  const e = v.exam;
  const path = sitePaths.formation(e.code, f.code);
  const list = v.byFormation.get(f.code) ?? [];
  const members = v.members.get(f.code) ?? [];
  const noResult = members.filter((n) => !v.people.get(n)!.result);
  const incoming = v.incoming.get(f.code) ?? [];
  const head = ['Peringkat', 'Nomor peserta', 'Nama', 'NIK tersamar', 'Kategori', 'Nilai akhir', 'Status', 'Keterangan'];
  const body = function* () {
    yield `<h1>Formasi ${esc(formationLabel(f, f.code))}</h1>
<p class="lead">${esc(e.name)}</p>
${facts([
  ['Kode formasi', esc(f.code)],
  ['Jabatan', esc(f.position)],
  ['Unit kerja', esc(f.unit)],
  ['Pendidikan', esc(f.education)],
  ['Kebutuhan (kuota)', esc(quotaText(v, f, '– (formasi tidak tercantum dalam data formasi)'))],
  ['Jumlah peserta', String(members.length)],
  ['Lulus (termasuk optimalisasi)', String(passedFor(v, f.code))],
])}
${conflictSection(v, path, members)}
${[...list, ...incoming].some((r) => r.provisional) ? `<p class="notice">Hasil formasi ini masih SEMENTARA. ${esc(PROVISIONAL_NOTICE)}</p>\n` : ''}<h2>Peringkat</h2>
<p>Nilai akhir dibulatkan tiga angka di belakang koma hanya untuk ditampilkan; peringkat ditentukan dari nilai tepat (pecahan) menurut <a href="${esc(rel(path, sitePaths.rules(e.code)))}">aturan ${esc(e.ruleset.id)} versi ${esc(e.ruleset.version)}</a>.</p>
${announcementNotice(input, e.code, e.ruleset.sha256, path)}
`;
    if (list.length) yield* tableLines(`Peringkat formasi ${f.code}`, head, (function* () {
      for (const r of list) yield resultRow(v, path, r);
    })(), { numeric: [0, 5], className: 'ranking' });
    else yield '<p>Belum ada hasil untuk formasi ini.</p>';
    yield `
${incoming.length ? `<h2>Diisi melalui optimalisasi</h2>\n<p>Kursi formasi ini yang tidak terpenuhi diisi peserta dari formasi lain dengan jabatan dan pendidikan yang sama.</p>\n${table(`Peserta optimalisasi untuk formasi ${f.code}`, head, incoming.map((r) => resultRow(v, path, r)), { numeric: [0, 5] })}` : ''}
${noResult.length ? `<h2>Peserta tanpa hasil</h2>\n<ul>${noResult.map((n) => `<li><a href="${esc(rel(path, sitePaths.candidate(e.code, n)))}">${esc(n)}</a> ${esc(v.people.get(n)!.candidate?.nama ?? '')}</li>`).join('')}</ul>` : ''}
<h2>Ringkasan status</h2>
${statusSummary(`Jumlah peserta per status, formasi ${f.code}`, list)}`;
  };
  return pageLines({ path, title: `Formasi ${f.code} — ${e.code}`, crumbs: crumbsFor(v, [`Formasi ${f.code}`, null]), generatedAt: input.generatedAt, dataAt: e.dataAt, dataOf: 'formasi' }, body());
}

/**
 * Every candidate of the exam, a line at a time (`pageLines`): at 100,000 candidates 29 MB of HTML, which made
 * whole (its rows, their cells, the table, the page, its bytes) was the site write's largest moment.
 */
export function candidatesPageLines(input: SiteInput, v: ExamView): Iterable<string> {
  const e = v.exam;
  const path = sitePaths.candidates(e.code);
  const rows = function* () {
    for (const n of [...v.people.keys()].sort()) {
      const p = v.people.get(n)!;
      yield [
        `<a href="${esc(rel(path, sitePaths.candidate(e.code, n)))}">${esc(n)}</a>`,
        esc(p.candidate?.nama ?? '–'),
        `<a href="${esc(rel(path, sitePaths.formation(e.code, p.formation)))}">${esc(p.formation)}</a>`,
        p.result ? fmtNum(p.result.final) : '–',
        p.result ? statusHtml(p.result.status, p.result.provisional === true) : 'belum ada hasil',
      ];
    }
  };
  const body = function* () {
    yield `<h1>Daftar peserta ${esc(e.code)}</h1>
<p class="lead">${esc(e.name)}: ${v.people.size} peserta, urut nomor peserta.</p>
`;
    yield* tableLines('Semua peserta', ['Nomor peserta', 'Nama', 'Formasi', 'Nilai akhir', 'Status'], rows(), { numeric: [3] });
  };
  return pageLines({ path, title: `Peserta ${e.code}`, crumbs: crumbsFor(v, ['Peserta', null]), generatedAt: input.generatedAt, dataAt: e.dataAt }, body());
}

// ---------------------------------------------------------------------------------------------- one candidate

/** A candidate's latest leaf, however the exam gives its leaves. */
export function leafOf(e: SiteExam, nomor: string): ExamLeaf | undefined {
  return e.leaves instanceof ExamLeaves ? e.leaves.get(nomor) : Object.hasOwn(e.leaves, nomor) ? e.leaves[nomor] : undefined;
}

/** Every candidate's latest leaf. */
export function leafEntries(e: SiteExam): Iterable<[string, ExamLeaf]> {
  return e.leaves instanceof ExamLeaves ? e.leaves.entries() : Object.entries(e.leaves);
}

/** A candidate's strengths, however the exam gives them. */
export function strengthsOf(e: SiteExam, nomor: string): CandidateStrengths | undefined {
  return typeof e.strengths === 'function' ? e.strengths(nomor) : e.strengths?.[nomor];
}

export function candidatePage(input: SiteInput, v: ExamView, nomor: string): string {
  const e = v.exam;
  const path = sitePaths.candidate(e.code, nomor);
  const p = v.people.get(nomor)!;
  const c = p.candidate;
  const r = p.result;
  const f = v.formationByCode.get(p.formation);
  const identity = facts([
    ['Nomor peserta', esc(nomor)],
    ['Nama', esc(c?.nama ?? '–')],
    ['NIK (tersamar)', `<code>${esc(c?.nikMasked ?? '–')}</code>`],
    ['Kategori', esc(c?.kategori ?? r?.kategori ?? '–')],
    ['Formasi', `<a href="${esc(rel(path, sitePaths.formation(e.code, p.formation)))}">${esc(formationLabel(f?.known ? f : undefined, p.formation))}</a>`],
    ['Unit kerja', esc(f?.unit ?? '–')],
  ]);
  let scores = '<p>Belum ada hasil untuk peserta ini.</p>';
  if (r) {
    const rows: string[][] = [];
    for (const [k, val] of Object.entries(r.components)) rows.push([`SKD — ${esc(k.toUpperCase())}`, fmtNum(val)]);
    if (r.skd_total !== null) rows.push([`<strong>SKD — jumlah</strong>${v.ruleset?.model === 'integration' ? ` (maksimal ${esc(v.ruleset.skd.max)})` : ''}`, `<strong>${fmtNum(r.skd_total)}</strong>`]);
    const interviews = Object.keys(r.stages).filter((k) => e.interviewStages?.includes(k));
    for (const [k, val] of Object.entries(r.stages)) {
      // An interview stage is named and printed as on the result sheet and the venue screen: "Nilai wawancara".
      if (interviews.includes(k)) rows.push([`${INTERVIEW_SCORE_100}${interviews.length > 1 ? ` — tahap ${esc(k)}` : ''}`, fmtNum(threePlaces(val))]);
      else rows.push([`Tahap ${esc(k)} (skala 0–100)`, fmtNum(val)]);
    }
    if (r.skb !== null) rows.push(['<strong>SKB (skala 0–100)</strong>', `<strong>${fmtNum(r.skb)}</strong>`]);
    rows.push([`<strong>${FINAL_SCORE}</strong>`, `<strong>${fmtNum(r.final)}</strong>`]);
    rows.push(['Nilai akhir, pecahan tepat', r.final_exact === null ? '–' : `<code>${esc(r.final_exact)}</code>`]);
    const thresholds = r.thresholds.length
      ? table('Nilai ambang batas', ['Syarat', 'Hasil', 'Rincian'], r.thresholds.map((t) => [esc(t.rule), t.pass ? '<span class="ok">memenuhi</span>' : '<span class="bad">tidak memenuhi</span>', esc(t.reason)]))
      : '<p>Tidak ada nilai ambang batas yang diperiksa (lihat keterangan status).</p>';
    const outcome: [string, string][] = [
      ['Peringkat dalam formasi', r.rank === null ? '–' : `${r.rank}${f?.known ? ` (kebutuhan ${esc(String(f.quota))})` : ''}`],
      ['Status', statusHtml(r.status, r.provisional === true)],
      ['Keterangan', esc(r.reason)],
    ];
    if (r.provisional) outcome.push(['Status ini SEMENTARA karena', `${esc(r.provisional_reason ?? '')}. Status akhir ditetapkan setelah nilai tersebut lengkap.`]);
    if (r.decided_by) outcome.push(['Nilai akhir sama dengan peringkat berikutnya; urutan ditentukan oleh', esc(tieWords(r.decided_by))]);
    if (r.optimalisasi_ke) outcome.push(['Optimalisasi: mengisi formasi', `<a href="${esc(rel(path, sitePaths.formation(e.code, r.optimalisasi_ke)))}">${esc(r.optimalisasi_ke)}</a>`]);
    scores = `${table('Nilai', ['Komponen', 'Nilai'], rows, { numeric: [1] })}
<h3>Nilai ambang batas</h3>
${thresholds}
<h2>Hasil</h2>
${facts(outcome)}`;
  }
  const leaf = leafOf(e, nomor);
  const result = v.people.get(nomor)?.result;
  const computed = result ? v.digestOf(result) : undefined;
  let log = '<p>Hasil peserta ini belum tercatat di log transparansi yang diterbitkan.</p>';
  if (leaf) {
    const same = computed === undefined ? '' : computed === leaf.digest ? ' <span class="ok">✓ sama dengan ringkasan hasil yang ditampilkan di halaman ini</span>' : ` <span class="bad">✗ berbeda dari ringkasan hasil di halaman ini (${hash(computed)})</span>`;
    log = `${facts([
      ['Ringkasan hasil (sha256)', hash(leaf.digest) + same],
      ['Indeks entri di log', `${leaf.index} (entri ke-${leaf.index + 1})`],
      ['Hash entri (leaf hash)', hash(leaf.leafHash)],
    ])}
<p>Entri log tidak memuat nama atau nilai: hanya komitmen bergaram (salt) atas ringkasan hasil ini. Salt ada pada tanda terima dan lembar hasil peserta.</p>`;
  } else if (computed) {
    log += facts([['Ringkasan hasil (sha256)', hash(computed)]]);
  }
  const body = `<h1>${esc(c?.nama ?? nomor)}</h1>
<p class="lead">Nomor peserta ${esc(nomor)} · ${esc(e.name)}</p>
${identity}
${conflictSection(v, path, [nomor])}
<h2>Nilai</h2>
${scores}
${strengthsSection(strengthsOf(e, nomor))}
<h2>Pencatatan di log transparansi</h2>
${log}
<p><a href="${esc(rel(path, 'verifikasi.html'))}">Periksa tanda terima atau lembar hasil Anda</a> · <a href="${esc(rel(path, 'checkpoint.html'))}">Checkpoint log</a> · <a href="${esc(rel(path, sitePaths.rules(e.code)))}">Aturan penilaian</a></p>`;
  return page({ path, title: `${nomor} — ${e.code}`, crumbs: crumbsFor(v, ['Peserta', sitePaths.candidates(e.code)], [nomor, null]), body, generatedAt: input.generatedAt, dataAt: e.dataAt, dataOf: 'formasi' });
}

// ---------------------------------------------------------------------------------------------- the ruleset

function explain(r: Ruleset): string {
  if (r.model === 'integration') {
    const grades = Object.entries(r.passing_grade)
      .map(([kat, list]) => `<li><strong>${esc(kat)}</strong>: ${list.map((t) => ('component' in t ? `${esc(t.component.toUpperCase())} ≥ ${esc(t.min)}` : `jumlah SKD ≥ ${esc(t.min)}`)).join(', ')}</li>`)
      .join('');
    const weights = Object.entries(r.skb.weights)
      .map(([s, w]) => `${esc(w)} % × ${esc(s)}`)
      .join(' + ');
    return `<ol>
<li>Nilai SKD adalah jumlah ${r.skd.components.map((c) => esc(c.toUpperCase())).join(' + ')} (maksimal ${esc(r.skd.max)}). Peserta yang tidak hadir SKD berstatus TH; yang nilainya belum lengkap berstatus BL (status tidak ditebak); peserta yang mengundurkan diri APS, yang tidak memenuhi syarat TMS.</li>
<li>Setiap peserta dinilai dengan nilai ambang batas kategori yang ia pilih saat mendaftar:<ul>${grades}</ul>Peserta di bawah nilai ambang batas berstatus TL; keterangannya menyebut nilai yang kurang.</li>
<li>Di setiap formasi, paling banyak ${esc(r.skb_cap)} × kebutuhan peserta yang memenuhi nilai ambang batas, menurut peringkat SKD, mengikuti SKB; sisanya TL.</li>
<li>Nilai SKB (skala 0–100) = ${weights}; setiap tahap SKB dinyatakan dalam skala 0–100. Peserta yang tidak hadir SKB berstatus P/TH.</li>
<li>Nilai akhir = ${esc(r.integration.skd)} % × (SKD ÷ ${esc(r.skd.max)} × 100) + ${esc(r.integration.skb)} % × SKB. Semua hitungan memakai pecahan tepat; pembulatan tiga angka di belakang koma hanya untuk tampilan, tidak pernah untuk menentukan peringkat.</li>
<li>Peringkat dalam formasi: nilai akhir tertinggi lebih dulu; bila sama, berturut-turut ${r.tie_break.map((k) => esc(tieWords(k))).join(', ')}, lalu nomor peserta.</li>
<li>Peserta dengan peringkat sampai dengan kebutuhan formasi berstatus P/L (lulus); peserta lain yang mengikuti semua tahap berstatus P/TL.</li>
${r.optimalisasi ? `<li>Optimalisasi: kursi formasi yang tidak terpenuhi diisi peserta P/TL terbaik dari formasi lain dengan ${r.optimalisasi.match.map((m) => (m === 'position' ? 'jabatan' : 'pendidikan')).join(' dan ')} yang sama; statusnya P/L-1, P/L-2, dan seterusnya. Hanya formasi yang lengkap (tanpa peserta BL) yang memberi atau menerima kursi optimalisasi.</li>` : ''}
<li>Status SEMENTARA: selama ada peserta BL, status yang masih dapat diubah oleh nilai mereka, dengan nilai berapa pun (sampai nilai tertinggi yang mungkin, dengan aturan nilai sama), ditandai SEMENTARA beserta alasannya, dan tidak diumumkan sebagai lulus. Status lain sudah final.</li>
</ol>`;
  }
  const stages = Object.entries(r.stages)
    .map(([s, x]) => `<li><strong>${esc(s)}</strong>: bobot ${esc(x.weight)} %, nilai minimal ${esc(x.min)}</li>`)
    .join('');
  return `<ol>
<li>Setiap tahap dinilai pada skala 0–100. Peserta yang tidak hadir pada salah satu tahap berstatus P/TH; yang nilainya belum lengkap BL; APS dan TMS tidak dinilai.</li>
<li>Bobot dan nilai minimal setiap tahap:<ul>${stages}</ul>Peserta di bawah nilai minimal suatu tahap berstatus TL.</li>
<li>Nilai akhir = jumlah bobot × nilai tahap, dengan pecahan tepat; pembulatan hanya untuk tampilan.</li>
<li>Peringkat dalam formasi menurut ${r.tie_break.map((k) => esc(tieWords(k))).join(', ')}, lalu nomor peserta. Peringkat sampai dengan kebutuhan berstatus P/L, lainnya P/TL.</li>
<li>Status SEMENTARA: selama ada peserta BL yang masih dapat melampaui seorang P/L (nilai tahap yang belum ada paling tinggi 100), status P/L itu ditandai SEMENTARA beserta alasannya. Status lain sudah final.</li>
</ol>`;
}

/**
 * What the published facts say of birth dates, and where the hub's order of them came from: a venue compares the
 * package's sha256 with the one it imported (`lentera exam list --json`).
 */
function ageOrderNote(e: SiteExam): string {
  const what =
    '<p>Tanggal lahir tidak diterbitkan. Nilai yang sama persis sampai kunci terakhir diputus dengan usia (yang lebih tua lebih dulu). Karena itu <code>facts.json</code> memuat urutan usia (<code>ageOrder</code>) hanya bagi peserta yang dibandingkan menurut usia, sebagai urutan di antara mereka saja (<code>u0000000</code> yang tertua). Itu cukup untuk menghitung ulang, tanpa mengungkap urutan usia seluruh peserta.</p>';
  if (e.agePackage === undefined) return what;
  if (e.agePackage === null) return `${what}\n<p>Paket ujian belum didaftarkan di hub. Peserta yang nilainya sama persis dan hanya dapat dibedakan menurut usia ditahan (BL) sampai paket didaftarkan.</p>`;
  const rosters = e.agePackage.rosters ?? [];
  // Roster files sent apart from the package (`lentera hub package --roster`): a venue compares each with the file
  // it imported (`sha256sum`).
  const files = rosters.length
    ? ` beserta berkas daftar peserta ${rosters.map((r) => `${esc(r.file)} (sha256 ${hash(r.sha256)}, ${r.candidates} peserta)`).join(', ')}; bila seorang peserta tercantum lebih dari sekali, berkas yang terakhir yang berlaku`
    : '';
  return `${what}\n<p>Urutan usia diambil dari paket ujian dengan sha256 ${hash(e.agePackage.sha256)}${files}, yang diterima hub pada ${esc(whenWib(e.agePackage.at))}. Setiap lokasi dapat mencocokkannya dengan sha256 paket yang diimpornya (<code>lentera exam list --json</code>)${rosters.length ? ' dan dengan berkas daftar peserta yang diimpornya' : ''}.</p>`;
}

export function rulesPage(input: SiteInput, v: ExamView, dataSha: Record<string, string>): string {
  const e = v.exam;
  const path = sitePaths.rules(e.code);
  const r = v.ruleset;
  let pretty = e.ruleset.json;
  try {
    pretty = JSON.stringify(JSON.parse(e.ruleset.json), null, 2);
  } catch {
    // shown as published
  }
  const files = (['aturan.json', 'facts.json', 'hasil.json', 'hasil.csv', 'hasil-excel.csv'] as const).map((f) => {
    const what = {
      'aturan.json': 'aturan penilaian, byte demi byte sama dengan berkas aturan',
      'facts.json': 'data masukan peringkat (nilai setiap peserta, kuota formasi; urutan usia hanya di antara peserta yang nilainya sama persis)',
      'hasil.json': 'hasil peringkat yang diterbitkan',
      'hasil.csv': 'hasil yang sama, tepat (dipisah koma, titik desimal, nilai pecahan): untuk program dan hitung ulang',
      'hasil-excel.csv': 'hasil yang sama untuk Excel atau LibreOffice berbahasa Indonesia (dipisah titik koma, koma desimal)',
    }[f];
    return [`<a href="${esc(rel(path, sitePaths.data(e.code, f)))}">${f}</a>`, esc(what), hash(dataSha[f] ?? '')];
  });
  const statuses = r ? table('Kode status menurut aturan', ['Kode', 'Arti'], Object.entries(r.statuses).map(([k, s]) => [`<span class="status">${esc(k)}</span>`, esc(s)])) : '';
  const legal = r ? `<h2>Dasar hukum</h2>\n<ul>${r.legal_basis.map((l) => `<li>${esc(l.rule)}<br><small>${esc(l.source)}</small></li>`).join('')}</ul>` : '';
  const body = `<h1>Aturan penilaian ${esc(e.ruleset.id)} versi ${esc(e.ruleset.version)}</h1>
${r ? `<p class="lead">${esc(r.title)}</p>` : ''}
${facts([
  ['Ujian', `<a href="${esc(rel(path, sitePaths.exam(e.code)))}">${esc(e.code)}</a> — ${esc(e.name)}`],
  ['Aturan', `${esc(e.ruleset.id)} versi ${esc(e.ruleset.version)}`],
  ['sha256 berkas aturan', hash(e.ruleset.sha256)],
])}
<h2 id="menghitung-ulang">Cara menghitung ulang</h2>
<p>Peringkat dihitung oleh mesin peringkat Lentera dari dua hal saja: berkas aturan ini dan data nilai peserta. Aturan berupa data, bukan kode; setiap angka (nilai ambang batas, bobot, kuota) diambil dari berkas ini.</p>
${r ? explain(r) : '<p>Berkas aturan tidak dapat dibaca oleh versi Lentera ini; lihat isinya di bawah.</p>'}
${e.interviewStages?.length ? `<p>${esc(INTERVIEW_SCORE_100)} (tahap ${e.interviewStages.map(esc).join(', ')}) adalah nilai tahap wawancara: jumlah nilai panel per kriteria × bobotnya, dibagi jumlah nilai maksimum kriteria × bobotnya, dikali 100; misalnya, pada rubrik berskala 1–5, Nilai wawancara (skala 1–5) 3,650 menjadi 73,000. Layar hasil di lokasi dan lembar hasil peserta menampilkan keduanya dengan nama yang sama. ${esc(FINAL_SCORE)} selalu berarti nilai akhir seleksi, tidak pernah nilai satu tahap.</p>` : ''}
<h3>Menghitung ulang sendiri</h3>
<p>Siapa pun dapat menghitung ulang semua hasil ujian ini dan membandingkannya dengan yang diterbitkan:</p>
<ol>
<li>Unduh ketiga berkas di bawah ini ke satu folder.</li>
<li>Pastikan berkas aturan tidak berubah: sha256 dari <code>aturan.json</code> harus sama dengan <code class="hash">${esc(e.ruleset.sha256)}</code> (misalnya dengan <code>sha256sum aturan.json</code>).</li>
<li>Jalankan, di folder itu:<pre><code>npx lentera recompute --ruleset aturan.json --facts facts.json --results hasil.json</code></pre>Perintah itu menghitung peringkat dari aturan dan data masukan, lalu menyebutkan setiap hasil yang berbeda dari yang diterbitkan.</li>
</ol>
${ageOrderNote(e)}
${table('Berkas data', ['Berkas', 'Isi', 'sha256'], files)}
${statuses}
${legal}
<h2>Isi berkas aturan</h2>
<pre><code>${esc(pretty)}</code></pre>`;
  return page({ path, title: `Aturan ${e.code}`, crumbs: crumbsFor(v, ['Aturan', null]), body, generatedAt: input.generatedAt, dataAt: e.dataAt });
}

// ---------------------------------------------------------------------------------------------- the log

/** The log as files, to rebuild it without Lentera (docs/bundles.md). */
/**
 * The log as C2SP tiles under log/: what a tlog client or a witness is configured with (the prefix and the
 * verifier key), and the latest signed note itself, witnesses' cosignatures included.
 */
function tilesSection(input: SiteInput): string {
  const note = input.checkpointNote;
  const parts = note ? splitNote(note) : null;
  const head = parts ? parseCheckpointText(parts.text) : null;
  if (!note || !parts || !head) return '';
  const lines = parts.lines;
  return `<h2 id="tile">Log sebagai tile C2SP, untuk klien tlog dan saksi</h2>
<p>Log yang sama juga disajikan dalam bentuk tlog-tiles dan checkpoint C2SP (c2sp.org/tlog-tiles, c2sp.org/tlog-checkpoint), yang dibaca alat transparansi lain (Go checksum database, Tessera, para saksi): awalan <code>log/</code>, checkpoint terbaru di <a href="${LOG_CHECKPOINT}">${LOG_CHECKPOINT}</a>.</p>
${facts([
  ['Asal (origin)', esc(head.origin)],
  ['Kunci verifikasi (verifier key)', hash(verifierKey(head.origin, fromB64url(input.logKey)))],
  ['Tanda tangan pada checkpoint terbaru', `${lines.length} (${lines.length > 1 ? `log dan ${lines.length - 1} saksi` : 'log'})`],
])}
<pre class="note">${esc(note)}</pre>
<p>Periksa tanda terima terhadap log sekarang: <code>lentera receipt verify tanda-terima.json --log-key-file ${logPaths.key} --log-url ALAMAT-SITUS/log</code>.</p>
`;
}

function logFilesSection(input: SiteInput): string {
  const n = Math.ceil(input.leaves.length / LEAVES_PER_FILE);
  const leafFiles = Array.from({ length: n }, (_, i) => {
    const from = i * LEAVES_PER_FILE;
    const to = Math.min(input.leaves.length, from + LEAVES_PER_FILE) - 1;
    return `<li><a href="${esc(logPaths.leaves(i))}">${esc(logPaths.leaves(i))}</a>: entri ${from}–${to}</li>`;
  });
  return `<h2 id="berkas-log">Semua entri log, untuk membangun ulang log</h2>
<p>Setiap entri yang pernah dicatat, termasuk hasil lama yang telah dikoreksi, diterbitkan di sini, sehingga akar setiap checkpoint dapat dihitung ulang dari situs ini saja, tanpa Lentera. Entri tidak memuat nama, nomor peserta atau nilai: hanya komitmen bergaram (salt) <code>{"c":…,"e":ujian,"v":1}</code>.</p>
<ul>
<li><a href="${logPaths.key}">${logPaths.key}</a>: kunci publik log (satu baris).</li>
<li><a href="${logPaths.checkpoints}">${logPaths.checkpoints}</a>: semua checkpoint bertanda tangan, satu per baris.</li>
<li><a href="${logPaths.index}">${logPaths.index}</a>: format, kunci, jumlah entri dan daftar berkas entri.</li>
</ul>
<p>Berkas entri: setiap baris adalah byte persis satu entri; hash entri = SHA-256(0x00 ‖ baris), simpul = SHA-256(0x01 ‖ kiri ‖ kanan) (RFC 6962). Setiap berkas memuat ${LEAVES_PER_FILE} entri; berkas yang sudah penuh tidak pernah berubah lagi, berkas terakhir hanya bertambah.</p>
${leafFiles.length ? `<ul class="log-files">${leafFiles.join('')}</ul>` : '<p>Belum ada entri.</p>'}`;
}

export function checkpointPage(input: SiteInput): string {
  const path = 'checkpoint.html';
  const rows = [...input.checkpoints].reverse().map((c) => [String(c.size), hash(c.root), timeTag(c.at), hash(c.sig)]);
  const proofs = input.consistency.map(
    (p) => `<li><h3>Dari ukuran ${p.from} ke ukuran ${p.to}</h3>${p.proof.length ? `<ol>${p.proof.map((h) => `<li>${hash(h)}</li>`).join('')}</ol>` : '<p>Bukti kosong (tidak ada yang perlu dibuktikan antara kedua ukuran ini).</p>'}</li>`,
  );
  const body = `<h1>Checkpoint log transparansi</h1>
<p class="lead">Setiap hasil yang diterbitkan dicatat sebagai entri di log transparansi (pohon Merkle, RFC 6962). Checkpoint adalah ukuran dan akar pohon pada satu waktu, ditandatangani kunci log. Bukti konsistensi menunjukkan bahwa setiap checkpoint hanya menambah entri pada checkpoint sebelumnya: tidak ada entri lama yang diubah atau dihapus.</p>
${facts([
  ['Kunci publik log (Ed25519, base64url)', `${hash(input.logKey)} (<a href="${logPaths.key}">${logPaths.key}</a>)`],
  ['Identitas log (sha256 kunci)', hash(input.logId)],
  ['Jumlah checkpoint', String(input.checkpoints.length)],
  ['Jumlah entri', String(input.leaves.length)],
])}
<p>Kunci inilah yang dipakai untuk memeriksa tanda terima: <code>lentera receipt verify tanda-terima.json --log-key-file ${logPaths.key}</code> (atau <code>--log-key</code> dengan kunci di atas). Tanda terima tidak pernah diperiksa dengan kunci yang dibawanya sendiri: siapa pun dapat membuat log dan tanda terima dengan kuncinya sendiri.</p>
<h2>Riwayat checkpoint</h2>
${rows.length ? table('Checkpoint, terbaru lebih dulu', ['Ukuran', 'Akar (root)', 'Waktu', 'Tanda tangan'], rows, { numeric: [0] }) : '<p>Belum ada checkpoint.</p>'}
<h2>Bukti konsistensi</h2>
${proofs.length ? `<ul class="proofs">${proofs.join('\n')}</ul>` : '<p>Belum ada bukti konsistensi (kurang dari dua checkpoint).</p>'}
<p>Halaman <a href="verifikasi.html">verifikasi</a> memeriksa tanda tangan setiap checkpoint dan setiap bukti konsistensi ini di peramban Anda.</p>
${tilesSection(input)}${logFilesSection(input)}`;
  return page({ path, title: 'Checkpoint log', crumbs: [['Beranda', 'index.html'], ['Checkpoint log', null]], body, generatedAt: input.generatedAt });
}

export function bundlesPage(input: SiteInput, bundles: { href: string; name: string; sha256: string; exam: string; workstation: string; sequence: number; signer: string; bytes: number }[]): string {
  const path = 'bundel.html';
  const rows = bundles.map((b) => [`<a href="${esc(b.href)}" download>${esc(b.name)}</a>`, hash(b.sha256), esc(b.exam), esc(b.workstation), String(b.sequence), esc(b.signer), `${b.bytes.toLocaleString('id-ID')} byte`]);
  const body = `<h1>Bundel hasil</h1>
<p class="lead">Bundel adalah berkas yang ditandatangani setiap workstation saat hasil keluar dari lokasi ujian. Situs ini dibangun dari bundel-bundel ini; unduh dan periksa sendiri dengan <code>lentera</code>.</p>
${rows.length ? table('Bundel yang diterbitkan', ['Berkas', 'sha256', 'Ujian', 'Workstation', 'Urutan', 'Penanda tangan', 'Ukuran'], rows, { numeric: [4, 6] }) : '<p>Belum ada bundel.</p>'}`;
  return page({ path, title: 'Bundel', crumbs: [['Beranda', 'index.html'], ['Bundel', null]], body, generatedAt: input.generatedAt });
}

/** `exams`: the codes of the exams whose digests (`sitePaths.digests`) the page loads. */
export function verifyPage(input: SiteInput, exams: string[]): string {
  const path = 'verifikasi.html';
  const body = `<h1>Verifikasi tanda terima atau lembar hasil</h1>
<p class="lead">Pemeriksaan berlangsung sepenuhnya di peramban ini, tanpa internet dan tanpa mengirim berkas ke mana pun. Yang diperiksa: tanda tangan checkpoint oleh kunci log situs ini, bukti bahwa hasil Anda tercatat di log, dan kesamaan ringkasan hasil dengan hasil yang diterbitkan di situs ini.</p>
<label class="drop" id="drop" for="berkas">
<strong>Letakkan berkas di sini, atau pilih berkas</strong>
Tanda terima (<code>.json</code>) atau lembar hasil (<code>.pdf</code>)<br>
<input type="file" id="berkas" name="berkas" accept=".json,.pdf,application/json,application/pdf">
</label>
<details class="no-print">
<summary>Atau tempel isi kode QR lembar hasil</summary>
<label for="teks-qr">Isi kode QR (teks JSON)</label>
<textarea id="teks-qr" spellcheck="false"></textarea>
<p><button type="button" id="periksa-teks">Periksa teks</button></p>
</details>
<section id="hasil" aria-live="polite" aria-labelledby="judul-hasil">
<h2 id="judul-hasil">Hasil pemeriksaan</h2>
<p id="belum">Belum ada berkas yang diperiksa.</p>
</section>
<section aria-labelledby="judul-log">
<h2 id="judul-log">Log yang diterbitkan</h2>
<p>Tanda terima dan lembar hasil diperiksa hanya dengan kunci log situs ini, <code class="hash">${esc(input.logKey)}</code> (<a href="${logPaths.key}">${logPaths.key}</a>), tidak pernah dengan kunci yang dibawa tanda terima itu sendiri. Tanda terima dari log lain ditolak: “ditandatangani log lain”.</p>
<p id="status-log">Pemeriksaan checkpoint berjalan di peramban ini…</p>
</section>
<noscript><p class="notice">Halaman ini membutuhkan JavaScript untuk memeriksa berkas. Semua halaman lain dapat dibaca tanpa JavaScript.</p></noscript>
<p>Tanda tangan elektronik PDF itu sendiri tidak diperiksa di sini: periksa dengan pembaca PDF (mis. panel tanda tangan Adobe Acrobat Reader) atau dengan <code>lentera verify lembar.pdf</code>.</p>`;
  return page({
    path,
    title: 'Verifikasi',
    crumbs: [['Beranda', 'index.html'], ['Verifikasi', null]],
    body,
    scripts: ['assets/log-data.js', ...exams.map((code) => sitePaths.digests(code)), 'assets/verify.js'],
    generatedAt: input.generatedAt,
  });
}
