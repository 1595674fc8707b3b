import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { formationTimesInMemory } from '../../src-main/core/publish/formation-times';
import { examStreams, writeSite, type LoadedSiteInput, type SiteExam } from '../../src-main/core/publish/site';
import { candidatePage, examView, formationPageLines } from '../../src-main/core/publish/pages';
import { siteStateFiles } from '../../src-main/core/publish/site-state';
import { readFlatResults } from '../../src-main/core/ranking/flat';
import { rank, type RankedCandidate } from '../../src-main/core/ranking/engine';
import { readRuleset } from '../../src-main/core/ranking/rulesets';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { resultDigest } from '../../src-main/core/sheets/result-sheet';
import { resourcesDir } from '../../src-main/core/util/resources';
import { median, printFigures, type Figure } from './report';

/** One large exam: its candidates, in formations of a few dozen applicants each, as the CPNS intake has them. */
const CANDIDATES = 20_000;
const FORMATIONS = 1_000;
/** Formations sharing a position and education (optimalisasi may move seats between them). */
const SHARING = 4;
const ROUNDS = 3;
const EXAM = 'CPNS-BESAR-2026';
const HEAD = 'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan;keterangan';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const code = (f: number) => `F${String(f).padStart(4, '0')}`;

/** The flat results of every candidate: `bump` added to the SKB of formation F0000's. */
function rows(bump: number): string[] {
  const out = [HEAD];
  for (let i = 0; i < CANDIDATES; i++) {
    const f = i % FORMATIONS;
    const skb = 50 + ((i * 37) % 50) + (f === 0 ? bump : 0);
    out.push(`${String(2026_000_000 + i)};${code(f)};2;umum;${65 + (i % 40)};${80 + ((i * 7) % 60)};${166 + ((i * 13) % 60)};${skb};3,${String(i % 90).padStart(2, '0')};1995-01-01;Jabatan ${Math.floor(f / SHARING)};S1;`);
  }
  return out;
}

/**
 * Issue 18's "a bundle rewrites only the pages it changes (its formations, its candidates)", at the site: an exam of
 * 20,000 candidates in 1,000 formations, and a venue's next bundle that changes one formation's results (its
 * candidates' SKB). The site update after it, beside writing only the files it changed, and beside the same update
 * as it was before 2026-12-04 (every page of the exam made again, each dated by the exam's data time).
 */
export async function benchSiteFormations(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-formations-'));
  try {
    const file = join(resourcesDir(), 'rulesets', 'cpns-2024.json');
    const json = readFileSync(file, 'utf8');
    const loaded = readRuleset(json, file);
    const db = openDatabase(join(dir, 'log.db'), { create: true });
    const log = new TransparencyLog(db, dir);
    const ranked = (bump: number) => {
      const lines = rows(bump);
      const facts = readFlatResults(parseCsvText(lines.join('\n'), 'hasil.csv'), loaded.ruleset);
      return { lines, facts, results: rank(loaded.ruleset, facts.formations, facts.candidates) };
    };
    const digest = (r: RankedCandidate) => resultDigest(EXAM, r, loaded.sha256);
    const exam = (r: ReturnType<typeof ranked>, dataAt: string): SiteExam => ({
      code: EXAM,
      name: 'Seleksi CPNS 2026 (bench)',
      agency: 'Badan Kepegawaian Negara',
      year: 2026,
      ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256, json },
      formations: r.facts.formations.map((f) => ({ code: f.code, position: f.position, unit: `Unit ${f.code}`, quota: f.quota, education: f.education })),
      candidates: r.facts.candidates.map((c, i) => ({ nomor: c.nomorPeserta, nama: `Peserta ${i}`, nikMasked: '3374**********01', kodeFormasi: c.kodeFormasi, kategori: c.kategori })),
      results: r.results,
      facts: { format: 'lentera.flat/1', rows: r.lines.slice(1).map((l) => Object.fromEntries(l.split(';').map((v, i) => [HEAD.split(';')[i]!, v]))) },
      conflicts: [],
      leaves: Object.fromEntries(r.results.map((x) => [x.nomor_peserta, log.leafIndex(EXAM, x.nomor_peserta)!])),
      // As the hub gives them: its merged view's, computed once as it ranks.
      digests: new Map(r.results.map((x) => [x.nomor_peserta, digest(x)])),
      dataAt,
      // As the hub names an exam (publisher.ts, siteSource): by what it was made from, not by hashing all of it.
      source: `bench data of ${dataAt}`,
    });
    const input = (e: SiteExam, at: string, withTimes: boolean): LoadedSiteInput => {
      const checkpoints = log.checkpoints();
      return {
        generatedAt: at,
        logKey: log.publicKey(),
        logId: log.logId(),
        checkpoints,
        consistency: checkpoints.slice(1).map((c, i) => ({ from: checkpoints[i]!.size, to: c.size, proof: log.consistencyProof(checkpoints[i]!.size, c.size) })),
        leaves: log.leaves(),
        exams: [e],
        bundles: [],
        ...(withTimes ? { formationTimes: times } : {}),
      };
    };
    // The hub's site_formation_times, kept in memory.
    const times = formationTimesInMemory();

    const before = ranked(0);
    db.transaction(() => log.append(before.results.map((r) => ({ exam: EXAM, nomor: r.nomor_peserta, digest: digest(r) })), '2026-12-01T01:00:00.000Z'))();
    log.checkpoint('2026-12-01T01:00:00.000Z');
    const first = exam(before, '2026-12-01T01:00:00.000Z');

    const figures = { update: [] as number[], floor: [] as number[], made: [] as number[], every: [] as number[], one: [] as number[], changed: 0, files: 0, changedMb: 0, stayed: 0 };
    /** The three sites: the hub's (two folders, its formation times), the same in one folder (as before 2026-12-05), and as before 2026-12-04. */
    const kinds = ['two', 'one', 'plain'] as const;
    type Kind = (typeof kinds)[number];
    const write = (out: string, kind: Kind, e: SiteExam, at: string) => writeSite(out, input(e, at, kind !== 'plain'), { state: `${out}.state.json`, twoFolders: kind === 'two' });
    for (let round = 0; round < ROUNDS; round++) {
      // Each round's venue bundle: formation F0000's SKB raised again, its changed results logged, a checkpoint.
      const at = `2026-12-01T0${2 + round}:00:00.000Z`;
      const prevAt = round === 0 ? first.dataAt! : `2026-12-01T0${1 + round}:00:00.000Z`;
      const prev = round === 0 ? first : exam(ranked(5 * round), prevAt);
      // The sites as they were before the bundle (untimed), as a hub's are after many: the bundle before the last, the
      // last, and a write of the same (a report, say). With two folders, the one brought up to date then holds the
      // last bundle's site, and its records hold but for what the write after it linked from it. (Just after a site
      // moves to two folders, every file is linked from one to the other once: the next write into each reads and
      // hashes them all, as a write without records does.)
      const sites: Record<Kind, string> = { two: join(dir, `situs-${round}`), one: join(dir, `satu-${round}`), plain: join(dir, `polos-${round}`) };
      const site = sites.two;
      const older = exam(ranked(5 * round - 5), `2026-12-01T00:${String(30 + round).padStart(2, '0')}:00.000Z`);
      for (const kind of kinds) {
        await write(sites[kind], kind, older, older.dataAt!);
        await write(sites[kind], kind, prev, prevAt);
        await write(sites[kind], kind, prev, prevAt);
      }
      const after = ranked(5 * (round + 1));
      const old = new Map(prev.results.map((r) => [r.nomor_peserta, digest(r)]));
      const moved = after.results.filter((r) => old.get(r.nomor_peserta) !== digest(r));
      db.transaction(() => log.append(moved.map((r) => ({ exam: EXAM, nomor: r.nomor_peserta, digest: digest(r) })), at))();
      log.checkpoint(at);
      const next = exam(after, at);
      const stateBefore = siteStateFiles(`${site}.state.json`);
      // Alternated, so that neither always meets the disk just after the other's deletes.
      const timeWrite = async (kind: Kind) => {
        const t = now();
        const w = await write(sites[kind], kind, next, at);
        return { ms: now() - t, w };
      };
      const took = new Map<Kind, Awaited<ReturnType<typeof timeWrite>>>();
      for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) took.set(kind, await timeWrite(kind));
      const a2 = took.get('two')!;
      figures.update.push(a2.ms);
      figures.one.push(took.get('one')!.ms);
      figures.every.push(took.get('plain')!.ms);
      figures.stayed = a2.w.stayed;
      // The floor: only the files this update changed, their bytes already in memory, written into a new folder.
      const stateAfter = siteStateFiles(`${site}.state.json`);
      const changed = Object.entries(stateAfter)
        .filter(([rel, f]) => f.h === null || stateBefore[rel]?.h !== f.h)
        .map(([rel]) => ({ rel, data: readFileSync(join(site, rel)) }));
      const floor = join(dir, `berubah-${round}`);
      const made = new Set<string>();
      const t = now();
      for (const f of changed) {
        const to = join(floor, f.rel);
        if (!made.has(dirname(to))) mkdirSync(dirname(to), { recursive: true });
        made.add(dirname(to));
        writeFileSync(to, f.data);
      }
      figures.floor.push(now() - t);
      // The other floor: the same changed files made from the exam and encoded, as the update makes them, but not
      // written: the exam's own files from the whole exam, and formation F0000's page and its candidates' pages.
      {
        const into = Buffer.allocUnsafe(1 << 20);
        let used = 0;
        const encode = (text: string) => {
          if (used + text.length * 3 > into.length) used = 0;
          if (text.length * 3 > into.length) Buffer.byteLength(text);
          else used += into.write(text, used);
        };
        const t2 = now();
        const siteIn = input(next, at, true);
        const v = examView(next, (r) => next.digests!.get(r.nomor_peserta)!);
        for (const [, lines] of examStreams(siteIn, v)) for (const line of lines) encode(line);
        const f = v.formationByCode.get(code(0))!;
        for (const line of formationPageLines(siteIn, v, f)) encode(line);
        for (const nomor of v.members.get(f.code) ?? []) encode(candidatePage(siteIn, v, nomor));
        figures.made.push(now() - t2);
      }
      figures.changed = changed.length;
      figures.files = a2.w.files;
      figures.changedMb = changed.reduce((n, f) => n + f.data.length, 0) / 1e6;
      // Not removed until the end: this disk creates files slowly just after a mass delete (hub growth: this disk).
    }
    db.close();
    console.log(
      `(each update changed ${figures.changed.toLocaleString('en-US')} of ${figures.files.toLocaleString('en-US')} files, ${figures.changedMb.toFixed(1)} MB: the exam's own files and formation F0000's group; with two folders ${figures.stayed.toLocaleString('en-US')} files stayed in place untouched)`,
    );
    const rowsOut: Figure[] = [
      {
        name: `site update after a bundle changing 1 of ${FORMATIONS.toLocaleString('en-US')} formations, an exam of ${CANDIDATES.toLocaleString('en-US')} candidates (median of ${ROUNDS})`,
        value: median(figures.update),
        unit: 'ms',
        baselineName: 'writing only the changed files',
        baseline: median(figures.floor),
        better: 'lower',
        goal: { kind: 'cost', max: 2 },
        why: `not reachable as written: making the changed files alone (the exam's own 28 MB of data files and lists serialized from the whole exam, formation F0000's pages; encoded, not written) is ${(median(figures.made) / median(figures.floor)).toFixed(1)}x writing them, and the published format has one file of each per exam; the update is ${(median(figures.update) / median(figures.made)).toFixed(2)}x that floor: the 1,000 formations' keys (to know which changed), reading the kept groups' lists and records, an lstat of each of the 21,061 unchanged files on another thread (that nothing changed them behind the hub), garbage collection (docs/performance.md, Two folders)`,
      },
      {
        name: 'floor: the same changed files made from the exam and encoded, not written (its own files from the whole exam, F0000\'s pages)',
        value: median(figures.made),
        unit: 'ms',
        baselineName: 'writing only the changed files',
        baseline: median(figures.floor),
        better: 'lower',
      },
      {
        name: 'the same update, over the floor of making its changed files',
        value: median(figures.update),
        unit: 'ms',
        baselineName: 'the changed files made and encoded, not written',
        baseline: median(figures.made),
        better: 'lower',
        target: 'what the update adds to making its files: knowing which formations changed, keeping the rest, writing',
      },
      {
        name: 'the same update, the site in two folders (the one not served brought up to date in place)',
        value: median(figures.update),
        unit: 'ms',
        baselineName: 'the same site built whole in a new folder and swapped in (as before 2026-12-05)',
        baseline: median(figures.one),
        better: 'lower',
        target: 'the unchanged files not touched',
      },
      {
        name: 'the same update, each formation\'s pages kept while what they show stays the same',
        value: median(figures.update),
        unit: 'ms',
        baselineName: "every page of the exam made again, dated by the exam's data time (as before 2026-12-04)",
        baseline: median(figures.every),
        better: 'lower',
        target: 'grows with the change: the formations the bundle reached, not the exam',
      },
    ];
    printFigures(`site: one formation's change in an exam of ${CANDIDATES.toLocaleString('en-US')} candidates`, rowsOut);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
