import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { demoPackage, demoRosterCsv, prng } from '../../src-main/core/demo/generate';
import { median, printFigures, RUNS } from './report';

const N = 100_000;
const FORMATIONS = 500;
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'lentera.mjs');

function child(args: string[]): { ms: number; rows: number; maxRssMb: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ranking-child.ts'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rows: number; maxRssMb: number };
}

// Preloaded into a whole process: its own peak RSS, printed on stderr as it exits (stdout stays the command's).
const RSS_AT_EXIT = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBENCH_MAXRSS '+process.resourceUsage().maxRSS+'\\n'))`;

/** A whole Node process, stdout to /dev/null as in `… > /dev/null`: wall time (including start-up) and peak RSS. */
function wholeProcess(args: string[], stdout: 'ignore' | number = 'ignore'): { ms: number; maxRssMb: number; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', RSS_AT_EXIT, ...args], { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = /BENCH_MAXRSS (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !rss) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, maxRssMb: Number(rss[1]) / 1024, stderr: r.stderr };
}

// The baselines are plain Node scripts (no tsx, no Lentera code): the bare work the figure is measured against.
const readCsv = (file: string) => [
  '--input-type=module',
  '-e',
  `import Papa from 'papaparse'; import { readFileSync } from 'node:fs';
   const rows = Papa.parse(readFileSync(${JSON.stringify(file)}, 'utf8'), { delimiter: ';', skipEmptyLines: true }).data.length - 1;
   if (rows !== ${N}) throw new Error('parsed ' + rows);`,
];
/**
 * The floor of `rank --ruleset --input --json`: the baseline's read and parse of the CSV, then an answer of the same
 * shape and about the same size (one result per row: its components, SKD total, the passing-grade lines of its
 * kategori with their "≥"/"<" sentences, a status and reason; no ranking, no exact arithmetic) laid out as
 * JSON.stringify(…, null, 2) does and written to stdout (/dev/null). What the fixed output format costs on its own.
 * Prints its byte count on stderr, to be held against the real answer's.
 */
const floorScript = (file: string, rulesetFile: string) => [
  '--input-type=module',
  '-e',
  `import Papa from 'papaparse'; import { readFileSync, writeSync } from 'node:fs';
   const rows = Papa.parse(readFileSync(${JSON.stringify(file)}, 'utf8'), { delimiter: ';', skipEmptyLines: true }).data;
   if (rows.length - 1 !== ${N}) throw new Error('parsed ' + (rows.length - 1));
   const ruleset = JSON.parse(readFileSync(${JSON.stringify(rulesetFile)}, 'utf8'));
   const col = Object.fromEntries(rows[0].map((h, i) => [h, i]));
   const parts = ruleset.skd.components;
   let bytes = 0;
   const out = (s) => { const b = Buffer.from(s, 'utf8'); bytes += b.length; writeSync(1, b); };
   out(JSON.stringify({ ruleset: { id: ruleset.id, version: ruleset.version, sha256: '0'.repeat(64) } }, null, 2).slice(0, -2) + ',\\n  "results": [');
   const result = (r) => {
     const components = {};
     let total = 0;
     for (const p of parts) { components[p] = r[col[p]]; total += Number(r[col[p]]); }
     const thresholds = (ruleset.passing_grade[r[col.kategori]] ?? []).map((t) => {
       const name = t.component ? t.component.toUpperCase() : 'SKD';
       const value = t.component ? r[col[t.component]] : String(total);
       const pass = Number(value) >= t.min;
       return { rule: name + ' ≥ ' + t.min, pass, reason: name + ' ' + value + (pass ? ' ≥ ' : ' < ') + t.min };
     });
     return { nomor_peserta: r[col.nomor_peserta], kode_formasi: r[col.kode_formasi], kategori: r[col.kategori], components, stages: {}, skd_total: String(total), thresholds,
       skb: null, final: null, final_exact: null, rank: null, status: 'TL', reason: 'peringkat SKD ' + (total % 1000) + ' di luar 3 × ' + r[col.kuota] + ' = ' + 3 * r[col.kuota] + ' peserta SKB', decided_by: null };
   };
   // 256 results at a time, nested so that JSON.stringify lays them out at their indent in the answer.
   for (let i = 1; i < rows.length; i += 256) {
     const text = JSON.stringify([rows.slice(i, i + 256).map(result)], null, 2);
     out((i > 1 ? ',' : '') + text.slice(text.indexOf('{') - 5, text.lastIndexOf('}') + 1));
   }
   out('\\n  ]\\n}\\n');
   process.stderr.write('FLOOR_BYTES ' + bytes + '\\n');`,
];
const readRows = (dbFile: string) => [
  '--input-type=module',
  '-e',
  `import Database from 'better-sqlite3';
   const db = new Database(${JSON.stringify(dbFile)}, { readonly: true });
   const examId = db.prepare('SELECT id FROM exams').pluck().get();
   let rows = 0;
   for (const _ of db.prepare('SELECT nomor_peserta, kode_formasi, kategori, ipk_x100, tanggal_lahir FROM candidates WHERE exam_id = ?').iterate(examId)) rows++;
   for (const _ of db.prepare('SELECT nomor_peserta, stage_code, item, units, source, slot FROM score_entries WHERE exam_id = ? ORDER BY at, id').iterate(examId)) rows++;
   if (rows < ${N}) throw new Error('read ' + rows);`,
];

/** A workstation with 100,000 candidates in 500 formations, SKD and SKB-CAT imported (SKB-WWC not yet held), and the same data as a flat results file. */
async function makeData(dir: string): Promise<void> {
  const rnd = prng(5);
  const base = demoPackage(N, 9);
  const formations = Array.from({ length: FORMATIONS }, (_, i) => ({ code: `F${String(i + 1).padStart(3, '0')}`, position: `Jabatan ${i % 50}`, unit: `Unit ${i}`, education: `Pendidikan ${i % 20}`, quota: 1 + (i % 5) }));
  const roster = base.roster.map((r, i) => ({ ...r, kode_formasi: formations[i % FORMATIONS]!.code }));
  const all = roster.map((r) => r.nomor_peserta);
  const pkg = {
    ...base,
    formations,
    // SKB-WWC stays (the exam's cpns-2024 ruleset weighs it) with no session yet: `rank --data` ranks provisionally.
    stages: base.stages,
    sessions: [
      { code: 'SKD-ALL', stage: 'SKD', venue: 'BALAIKOTA', room: 'CAT', starts_at: '2026-11-30T08:00:00+07:00', panel: [], candidates: all },
      { code: 'SKB-ALL', stage: 'SKB-CAT', venue: 'BALAIKOTA', room: 'CAT', starts_at: '2026-12-01T08:00:00+07:00', panel: [], candidates: all },
    ],
    roster: [],
  };
  writeFileSync(join(dir, 'exam.json'), JSON.stringify({ ...pkg, sessions: [] }));
  writeFileSync(join(dir, 'exam2.json'), JSON.stringify(pkg));
  writeFileSync(join(dir, 'roster.csv'), demoRosterCsv({ ...pkg, roster }));
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const skd = all.map(() => [int(12, 30) * 5, int(14, 35) * 5, int(150, 225)] as const);
  const skb = all.map(() => int(30, 100));
  writeFileSync(join(dir, 'skd.csv'), ['nomor_peserta;twk;tiu;tkp', ...all.map((n, i) => `${n};${skd[i]!.join(';')}`)].join('\n'));
  writeFileSync(join(dir, 'skb.csv'), ['nomor_peserta;nilai', ...all.map((n, i) => `${n};${skb[i]}`)].join('\n'));
  // The same candidates and scores as a flat results file (core/ranking/flat.ts), for `rank --ruleset --input`.
  const quota = new Map(formations.map((f) => [f.code, f]));
  writeFileSync(
    join(dir, 'flat.csv'),
    [
      'nomor_peserta;kode_formasi;kuota;kategori;twk;tiu;tkp;skb;ipk;tanggal_lahir;jabatan;pendidikan',
      ...roster.map((r, i) => {
        const f = quota.get(r.kode_formasi)!;
        return [r.nomor_peserta, r.kode_formasi, f.quota, r.kategori, ...skd[i]!, skb[i], String(r.ipk).replace('.', ','), r.tanggal_lahir, f.position, f.education].join(';');
      }),
    ].join('\r\n') + '\r\n',
  );
  const ruleset = JSON.parse(readFileSync(join(ROOT, 'resources/rulesets/cpns-2024.json'), 'utf8'));
  ruleset.skb.weights = { 'SKB-CAT': 100 };
  writeFileSync(join(dir, 'ruleset.json'), JSON.stringify(ruleset));

  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  const local = { local: 'bench' };
  app.invoke('workstation.init', { adminName: 'koordinator', pin: '482913' }, local);
  for (const [cmd, input] of [
    ['exams.import', { file: { path: join(dir, 'exam.json') } }],
    ['roster.import', { exam: pkg.exam.code, file: { path: join(dir, 'roster.csv') } }],
    ['exams.import', { file: { path: join(dir, 'exam2.json') } }],
    ['scores.import', { exam: pkg.exam.code, stage: 'SKD', file: { path: join(dir, 'skd.csv') } }],
    ['scores.import', { exam: pkg.exam.code, stage: 'SKB-CAT', file: { path: join(dir, 'skb.csv') } }],
  ] as const) {
    const r = await app.invokeAsync(cmd, input, local);
    if (!r.ok) throw new Error(`${cmd}: ${r.error.message}`);
  }
  app.close();
  writeFileSync(join(dir, 'ready'), '');
}

/**
 * Ranking 100,000 candidates across 500 formations, as the figures: the whole CLI process (`… --json >
 * /dev/null`) beside a whole process doing only the bare reading, interleaved, medians of RUNS; plus peak RSS.
 * LENTERA_BENCH_RANKING_DIR reuses (or keeps) a data folder; LENTERA_BENCH_KEEP keeps the temporary one.
 */
export async function benchRanking(): Promise<void> {
  const given = process.env.LENTERA_BENCH_RANKING_DIR;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'lentera-bench-ranking-'));
  try {
    if (!existsSync(join(dir, 'ready'))) await makeData(dir);
    const exam = (JSON.parse(readFileSync(join(dir, 'exam.json'), 'utf8')) as { exam: { code: string } }).exam.code;

    const flatArgs = [CLI, 'rank', '--ruleset', join(dir, 'ruleset.json'), '--input', join(dir, 'flat.csv'), '--json'];
    // Once, kept: the real answer's size, for the floor's (and a file to compare builds with).
    const answerFd = openSync(join(dir, 'answer.json'), 'w');
    try {
      wholeProcess(flatArgs, answerFd);
    } finally {
      closeSync(answerFd);
    }
    const answerBytes = statSync(join(dir, 'answer.json')).size;
    const flat = { cli: [] as { ms: number; maxRssMb: number }[], base: [] as { ms: number; maxRssMb: number }[], floor: [] as { ms: number; maxRssMb: number }[] };
    const data = { cli: [] as { ms: number; maxRssMb: number }[], base: [] as { ms: number; maxRssMb: number }[] };
    let floorBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      flat.base.push(wholeProcess(readCsv(join(dir, 'flat.csv'))));
      const floor = wholeProcess(floorScript(join(dir, 'flat.csv'), join(dir, 'ruleset.json')));
      floorBytes = Number(/FLOOR_BYTES (\d+)/.exec(floor.stderr)?.[1]);
      flat.floor.push(floor);
      flat.cli.push(wholeProcess(flatArgs));
      data.base.push(wholeProcess(readRows(join(dir, 'ws', 'lentera.db'))));
      data.cli.push(wholeProcess([CLI, 'rank', '--data', join(dir, 'ws'), '--exam', exam, '--json']));
    }
    const ms = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
    const rss = (xs: { maxRssMb: number }[]) => median(xs.map((x) => x.maxRssMb));

    // In process, without start-up or output: what the engine and the fact gathering cost on their own.
    const read = child(['read', dir, join(dir, 'ruleset.json')]);
    const ranked = child(['rank', dir, join(dir, 'ruleset.json')]);
    const kept = child(['kept', dir, join(dir, 'ruleset.json')]) as unknown as { ms: number; whole: number };
    if (ranked.rows !== N) throw new Error(`ranked ${ranked.rows} of ${N}`);
    printFigures(`Ranking ${N.toLocaleString('en-US')} candidates across ${FORMATIONS} formations (cpns-2024 rules, exact fractions; whole processes, medians of ${RUNS})`, [
      {
        name: `rank --ruleset --input --json >/dev/null (${(ms(flat.cli) / 1000).toFixed(2)} s)`,
        key: 'Ranking / rank --ruleset --input --json, whole CLI',
        value: ms(flat.cli),
        unit: 'ms',
        baselineName: 'node: read + papaparse the same CSV',
        baseline: ms(flat.base),
        better: 'lower',
        goal: { kind: 'cost', max: 2 },
        // The output format is fixed (78 MB of indented JSON): when writing it alone, with no ranking, already costs
        // more than the goal allows, the goal cannot be met as the issue writes it, and the row says so.
        why:
          ms(flat.floor) > 2 * ms(flat.base)
            ? `not reachable as written: the floor alone (read + parse + write the same-shape 80 MB answer, no ranking) is ${(ms(flat.floor) / ms(flat.base)).toFixed(1)}x the baseline; over that floor ${(ms(flat.cli) / ms(flat.floor)).toFixed(2)}x (profiled: answer layout, engine, facts, GC)`
            : 'profiled: the answer layout (json-stream.ts), the engine (engine.ts) and reading the facts (flat.ts), then GC',
      },
      {
        name: `floor: read + papaparse + write a same-shape answer, no ranking (${(floorBytes / 1e6).toFixed(1)} MB; the real one ${(answerBytes / 1e6).toFixed(1)} MB)`,
        key: 'Ranking / floor of rank --ruleset --input --json',
        value: ms(flat.floor),
        unit: 'ms',
        baselineName: 'node: read + papaparse the same CSV',
        baseline: ms(flat.base),
        better: 'lower',
      },
      {
        name: 'rank --ruleset --input --json, over its floor',
        key: 'Ranking / rank --ruleset --input over its floor',
        value: ms(flat.cli),
        unit: 'ms',
        baselineName: 'floor: read + parse + write the same-shape answer',
        baseline: ms(flat.floor),
        better: 'lower',
      },
      {
        name: 'peak RSS, rank --ruleset --input --json',
        key: 'Ranking / peak RSS, rank --ruleset --input',
        value: rss(flat.cli),
        unit: 'MB',
        baselineName: 'peak RSS, read + papaparse the CSV',
        baseline: rss(flat.base),
        better: 'lower',
        goal: { kind: 'absolute', max: 300 },
        why: "profiled: the facts and the engine's per-candidate working set; neither the parsed rows nor the output are held",
      },
      {
        name: `rank --data --exam --json >/dev/null (${(ms(data.cli) / 1000).toFixed(2)} s)`,
        key: 'Ranking / rank --data --json, whole CLI',
        value: ms(data.cli),
        unit: 'ms',
        baselineName: 'node: read the raw rows (better-sqlite3)',
        baseline: ms(data.base),
        better: 'lower',
        goal: { kind: 'cost', max: 3 },
        why: 'profiled: reading the rows is the baseline itself (from the index alone since migration 29); then 110 MB of JSON laid out as bytes (json-stream.ts), the engine and GC',
      },
      {
        name: 'peak RSS, rank --data --json',
        key: 'Ranking / peak RSS, rank --data',
        value: rss(data.cli),
        unit: 'MB',
        baselineName: 'peak RSS, reading the raw rows',
        baseline: rss(data.base),
        better: 'lower',
        goal: { kind: 'absolute', max: 300 },
        why: "profiled: facts ~60 MB of heap, then the engine's working set adds ~150 MB (engine.ts)",
      },
      { name: `in process: gather facts + rank (${(ranked.ms / 1000).toFixed(2)} s)`, value: ranked.ms, unit: 'ms', baselineName: 'in process: read raw candidates and scores', baseline: read.ms, better: 'lower' },
      { name: 'in process: peak memory, ranking', value: ranked.maxRssMb, unit: 'MB', baselineName: 'in process: peak memory, reading', baseline: read.maxRssMb, better: 'lower' },
      {
        name: 'kept ranking: one formation answered after one candidate changed (issue 21)',
        key: 'Ranking / kept ranking after one change',
        value: kept.ms,
        unit: 'ms',
        baselineName: 'the whole exam ranked and answered',
        baseline: kept.whole,
        better: 'lower',
      },
    ]);
  } finally {
    if (process.env.LENTERA_BENCH_KEEP || given) console.log('kept', dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}
