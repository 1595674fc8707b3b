import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { demoPackage, demoRosterCsv, prng } from '../../src-main/core/demo/generate';
import { printFigures } from './report';

const N = 100_000;
const FORMATIONS = 500;

function child(args: string[]): { ms: number; rows: number; maxRssMb: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ranking-child.ts'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rows: number; maxRssMb: number };
}

/** Ranking 100,000 candidates across 500 formations, beside merely reading their raw scores from SQLite. */
export async function benchRanking(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-ranking-'));
  try {
    const rnd = prng(5);
    const base = demoPackage(N, 9);
    const formations = Array.from({ length: FORMATIONS }, (_, i) => ({ code: `F${String(i + 1).padStart(3, '0')}`, position: `Jabatan ${i % 50}`, unit: `Unit ${i}`, education: `Pendidikan ${i % 20}`, quota: 1 + (i % 5) }));
    const roster = base.roster.map((r, i) => ({ ...r, kode_formasi: formations[i % FORMATIONS]!.code }));
    const all = roster.map((r) => r.nomor_peserta);
    const pkg = {
      ...base,
      formations,
      stages: base.stages.filter((s) => s.code !== 'SKB-WWC'),
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
    writeFileSync(join(dir, 'skd.csv'), ['nomor_peserta;twk;tiu;tkp', ...all.map((n) => `${n};${int(12, 30) * 5};${int(14, 35) * 5};${int(150, 225)}`)].join('\n'));
    writeFileSync(join(dir, 'skb.csv'), ['nomor_peserta;nilai', ...all.map((n) => `${n};${int(30, 100)}`)].join('\n'));
    const ruleset = JSON.parse(readFileSync('resources/rulesets/cpns-2024.json', 'utf8'));
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

    const read = child(['read', dir, join(dir, 'ruleset.json')]);
    const ranked = child(['rank', dir, join(dir, 'ruleset.json')]);
    if (ranked.rows !== N) throw new Error(`ranked ${ranked.rows} of ${N}`);
    printFigures(`Ranking ${N.toLocaleString('en-US')} candidates across ${FORMATIONS} formations (cpns-2024 rules, exact fractions)`, [
      { name: `read facts + rank (${(ranked.ms / 1000).toFixed(2)} s)`, value: ranked.ms, unit: 'ms', baselineName: 'read raw candidates and scores', baseline: read.ms, better: 'lower' },
      { name: 'peak memory, ranking', value: ranked.maxRssMb, unit: 'MB', baselineName: 'peak memory, reading', baseline: read.maxRssMb, better: 'lower' },
    ]);
  } finally {
    if (process.env.LENTERA_BENCH_KEEP) console.log('kept', dir);
    else rmSync(dir, { recursive: true, force: true });
  }
}
