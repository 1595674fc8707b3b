import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { checkIn, closeSession, undoCheckIn } from '../../src-main/core/attendance/attendance';
import { migrations } from '../../src-main/core/db/migrations';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { demoPackage } from '../../src-main/core/demo/generate';
import { requireExam } from '../../src-main/core/exams/exams';
import { insertCandidates, listCandidates, type CandidateFilter } from '../../src-main/core/roster/candidates';
import type { CandidateInput } from '../../src-main/core/roster/row';
import { referenceListCandidates } from '../unit/roster-list-reference';
import { median, printFigures, timed, type Figure } from './report';

const N = Number(process.env.LENTERA_BENCH_ROSTER_LIST_CANDIDATES ?? 100_000);
const SESSIONS = 211;
/** Timings of each query (the new one); the old one is slower by far and timed fewer times (once when over a second). */
const REPEAT = 7;
const REPEAT_OLD = 3;

/**
 * The exam of the figures: N candidates in SESSIONS CAT sessions (plus the demo's SKB sessions), attendance
 * taken in most of them through core/attendance (check-ins, a few undone, the session closed so the rest are absent).
 */
async function workstation(dir: string): Promise<{ app: LenteraApp; db: Db; examId: string; pkg: ReturnType<typeof demoPackage> }> {
  const pkg = demoPackage(N, 7);
  const per = Math.ceil(pkg.roster.length / SESSIONS);
  const template = pkg.sessions.find((s) => s.code.startsWith('SKD-'))!;
  pkg.sessions = [
    ...Array.from({ length: SESSIONS }, (_, i) => ({
      ...template,
      code: `SKD-${i + 1}`,
      room: `Ruang CAT ${(i % 20) + 1}`,
      starts_at: `2026-10-${String(1 + Math.floor(i / 10)).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:00:00+07:00`,
      candidates: pkg.roster.slice(i * per, (i + 1) * per).map((r) => r.nomor_peserta),
    })),
    ...pkg.sessions.filter((s) => !s.code.startsWith('SKD-')),
  ];
  const file = join(dir, 'exam.json');
  writeFileSync(file, JSON.stringify(pkg));
  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, { local: 'bench' });
  const imported = await app.invokeAsync('exams.import', { file: { path: file } }, { local: 'bench' });
  if (!imported.ok) throw new Error(imported.error.message);
  const db = app.workstation!.db;
  const examId = requireExam(db, pkg.exam.code).id;
  let clock = Date.parse('2026-10-01T01:00:00Z');
  const at = () => new Date((clock += 1000)).toISOString();
  writeTransaction(db, () => {
    for (const s of pkg.sessions.slice(0, Math.floor(SESSIONS * 0.85))) {
      s.candidates.forEach((n, i) => {
        if (i % 10 < 8) checkIn(db, examId, s.code, n, at(), 'bench');
        if (i % 25 === 0) undoCheckIn(db, examId, s.code, n, 'salah pindai', at(), 'bench');
      });
      if (Number(s.code.slice(4)) % 2 === 0) closeSession(db, examId, s.code, at(), 'bench');
    }
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { app, db, examId, pkg };
}

/** Median ms of `fn` (one warm-up first), and what it answered; one run only when that one took over a second. */
function medianMs<T>(fn: () => T, times: number): { ms: number; value: T } {
  const first = timed(fn);
  if (first.ms > 1000) return first;
  let value = first.value;
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = timed(fn);
    ms.push(t.ms);
    value = t.value;
  }
  return { ms: median(ms), value };
}

/** The write cost of the index: 100k candidates inserted with its triggers, and with them dropped. */
function insertCost(dir: string, pkg: ReturnType<typeof demoPackage>): { indexed: number; bare: number } {
  const people: CandidateInput[] = pkg.roster.map((r) => ({
    nomorPeserta: r.nomor_peserta,
    nik: r.nik,
    nama: r.nama,
    tanggalLahir: r.tanggal_lahir,
    jenisKelamin: r.jenis_kelamin as 'L' | 'P',
    pendidikan: r.pendidikan,
    ipk: Math.round(Number(r.ipk) * 100),
    kodeFormasi: r.kode_formasi,
    kategori: r.kategori as CandidateInput['kategori'],
  }));
  const once = (name: string, withIndex: boolean) => {
    const db = openDatabase(join(dir, `${name}.db`), { create: true, migrations });
    if (!withIndex) for (const t of ['insert', 'unindex', 'reindex', 'delete']) db.exec(`DROP TRIGGER candidates_search_${t}`);
    db.exec("INSERT INTO exams (id, code, name, agency, year, ruleset, package_sha256, imported_at, workstation_id) VALUES ('e', 'E', 'n', 'a', 2026, 'r', 'x', 't', 'w')");
    db.exec("INSERT INTO exam_packages (exam_id, package_json) VALUES ('e', '{}')");
    for (const f of pkg.formations) db.prepare("INSERT INTO formations (exam_id, code, position, unit, education, quota) VALUES ('e', ?, 'p', 'u', 'e', 1)").run(f.code);
    const ms = timed(() => writeTransaction(db, () => insertCandidates(db, 'e', people, 'at', 'ws'))).ms;
    db.close();
    return ms;
  };
  const indexed: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 3; i++) {
    bare.push(once(`bare${i}`, false));
    indexed.push(once(`indexed${i}`, true));
  }
  return { indexed: median(indexed), bare: median(bare) };
}

/**
 * Issue 21's figures: roster.list's search and attendance filter at N candidates, the query as it is now beside the
 * query as it was (tests/unit/roster-list-reference.ts, LIKE over every row and a correlated subquery per candidate),
 * both beside the bare read of one page in number order. Both answers are compared on every query measured.
 */
export async function benchRosterList(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-roster-list-'));
  try {
    const t0 = Date.now();
    const { app, db, examId, pkg } = await workstation(dir);
    console.log(`\n(roster-list: a ${N.toLocaleString('en-US')}-candidate workstation with ${SESSIONS} sessions' attendance made in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const page = medianMs(() => db.prepare('SELECT nomor_peserta FROM candidates WHERE exam_id = ? ORDER BY nomor_peserta LIMIT 200').pluck().all(examId), 51).ms;
    const base = { offset: 0, limit: 200 };

    const measure = (filter: CandidateFilter) => {
      const now = medianMs(() => listCandidates(db, examId, filter), REPEAT);
      const before = medianMs(() => referenceListCandidates(db, examId, filter), REPEAT_OLD);
      if (JSON.stringify(now.value) !== JSON.stringify(before.value)) throw new Error(`roster.list answers differently from the old query for ${JSON.stringify(filter)}`);
      return { now: now.ms, before: before.ms, total: now.value.total };
    };
    const rosterAt = (i: number) => pkg.roster[Math.floor((i * pkg.roster.length) / 5) + 17]!;
    const kinds: { name: string; searches: string[] }[] = [
      // the middle three letters of a surname, as typed
      { name: '3-letter substring of a name', searches: [0, 1, 2, 3, 4].map((i) => rosterAt(i).nama.split(' ').at(-1)!.slice(2, 5).toLowerCase()) },
      // the first nine digits of a number (all numbers share the first seven)
      { name: 'number prefix (9 digits)', searches: [0, 1, 2, 3, 4].map((i) => rosterAt(i).nomor_peserta.slice(0, 9)) },
      { name: 'full name', searches: [0, 1, 2, 3, 4].map((i) => rosterAt(i).nama) },
    ];
    const figures: Figure[] = [];
    const all: { now: number; before: number }[] = [];
    for (const k of kinds) {
      const runs = k.searches.map((search) => measure({ ...base, search }));
      all.push(...runs);
      const totals = runs.map((r) => r.total).join(', ');
      figures.push(
        { name: `search, ${k.name}: now (found ${totals})`, key: `roster-list / search ${k.name}`, value: median(runs.map((r) => r.now)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower', goal: { kind: 'absolute', max: 10 } },
        { name: `search, ${k.name}: before (LIKE)`, key: `roster-list / search ${k.name}, before`, value: median(runs.map((r) => r.before)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower' },
      );
    }
    figures.push(
      { name: `search as you type, all ${all.length} searches: now`, key: 'roster-list / search as you type', value: median(all.map((r) => r.now)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower', goal: { kind: 'absolute', max: 10 } },
      { name: `search as you type, all ${all.length} searches: before`, key: 'roster-list / search as you type, before', value: median(all.map((r) => r.before)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower' },
    );
    // Two letters: no trigram, so still LIKE over every row (unchanged; shown for what it costs).
    const short = measure({ ...base, search: 'sa' });
    figures.push({ name: `search of 2 letters "sa" (LIKE, as before; found ${short.total})`, key: 'roster-list / search 2 letters', value: short.now, unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower' });

    const session = `SKD-${Math.floor(SESSIONS / 2)}`;
    for (const scope of ['whole exam', `session ${session}`]) {
      const runs = (['present', 'absent', 'pending'] as const).map((attendance) => measure({ ...base, attendance, ...(scope === 'whole exam' ? {} : { session }) }));
      const totals = runs.map((r) => r.total).join(' / ');
      figures.push(
        { name: `attendance filter, ${scope}: now (present/absent/pending ${totals}, slowest)`, key: `roster-list / attendance ${scope === 'whole exam' ? 'exam' : 'session'}`, value: Math.max(...runs.map((r) => r.now)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower', goal: { kind: 'absolute', max: 100 } },
        { name: `attendance filter, ${scope}: before (slowest)`, key: `roster-list / attendance ${scope === 'whole exam' ? 'exam' : 'session'}, before`, value: Math.max(...runs.map((r) => r.before)), unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower' },
      );
    }
    const both = measure({ ...base, attendance: 'present', search: kinds[0]!.searches[0]! });
    figures.push({ name: `present and a 3-letter search: now (found ${both.total})`, key: 'roster-list / attendance and search', value: both.now, unit: 'ms', baselineName: 'one page read in number order', baseline: page, better: 'lower', goal: { kind: 'absolute', max: 100 } });
    app.close();

    const cost = insertCost(dir, pkg);
    figures.push({ name: `insert ${N.toLocaleString('en-US')} candidates, with the search index`, key: 'roster-list / insert with index', value: cost.indexed, unit: 'ms', baselineName: 'the same, its triggers dropped', baseline: cost.bare, better: 'lower' });
    printFigures(`Roster screen at ${N.toLocaleString('en-US')} candidates (issue 21): roster.list, median of ${REPEAT} (before: of ${REPEAT_OLD})`, figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
