import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A goal, judged on the figure against its baseline from the same run:
 * - `cost`: value ÷ baseline (times, memory) must be at most `max`;
 * - `share`: value ÷ baseline (rates) must be at least `min`;
 * - `absolute`: the value itself must be at most `max` (in the figure's unit).
 */
export type Goal = { kind: 'cost'; max: number } | { kind: 'share'; min: number } | { kind: 'absolute'; max: number };

/** Every figure is printed beside a baseline measured in the same run, so the ratio means something. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** 'higher' when a bigger value is better (rates), 'lower' for times. */
  better: 'higher' | 'lower';
  /** An older, informal target, printed as written (no verdict). */
  target?: string;
  /** A goal from an issue: the row then says MET or NOT MET. */
  goal?: Goal;
  /** Said beside a NOT MET goal: the profiled reason the gap is not ours (kept short). */
  why?: string;
  /** A stable key for results.json, so runs can be compared; defaults to the section and name. */
  key?: string;
}

export interface Row {
  key: string;
  section: string;
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  ratio: number;
  goal: string | null;
  met: boolean | null;
  why?: string;
  /** when it was measured (rows of sections not run this time are kept from earlier runs) */
  at?: string;
}

const rows: Row[] = [];

/** value ÷ baseline, the way the goals read it: a cost for times and memory, a share for rates. */
function ratioOf(f: Figure): number {
  return f.value / f.baseline;
}

export function goalText(g: Goal): string {
  if (g.kind === 'cost') return `<= ${g.max}x`;
  if (g.kind === 'share') return `>= ${g.min} of baseline`;
  return `<= ${g.max}`;
}

export function goalMet(g: Goal, f: { value: number; baseline: number }): boolean {
  if (g.kind === 'cost') return f.value / f.baseline <= g.max;
  if (g.kind === 'share') return f.value / f.baseline >= g.min;
  return f.value <= g.max;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n## ${title}`);
  for (const f of figures) {
    // A measurement that gave no number (NaN becomes null in JSON) is named, not printed as a crash in the layout.
    if (typeof f.value !== 'number' || !Number.isFinite(f.value) || typeof f.baseline !== 'number' || !Number.isFinite(f.baseline)) {
      throw new Error(`figure "${f.name}" was measured as ${String(f.value)} against ${String(f.baseline)} (${f.baselineName}): its measurement gave no number`);
    }
    const ratio = ratioOf(f);
    const goal = f.goal ? goalText(f.goal) : null;
    const met = f.goal ? goalMet(f.goal, f) : null;
    const verdict = met === null ? (f.target ? `  (target ${f.target})` : '') : met ? '  MET' : `  NOT MET${f.why ? ` (${f.why})` : ''}`;
    console.log(
      `${f.name.padEnd(48)} ${fmt(f.value).padStart(12)} ${f.unit.padEnd(8)} | ${f.baselineName.padEnd(40)} ${fmt(f.baseline).padStart(12)} ${f.unit.padEnd(8)} | ${ratio.toFixed(2)}x${goal ? `  goal ${f.goal!.kind === 'absolute' ? `${goal} ${f.unit}` : goal}` : ''}${verdict}`,
    );
    const key = f.key ?? `${title.split(/[,:(]/)[0]!.trim()} / ${f.name.replace(/\s*\(.*\)$/, '')}`;
    rows.push({ key, section: title, name: f.name, value: f.value, unit: f.unit, baselineName: f.baselineName, baseline: f.baseline, ratio, goal, met, ...(f.why ? { why: f.why } : {}) });
  }
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** How many times a whole-process figure is measured (its median is printed): the issue's "medians of 3". */
export const RUNS = Number(process.env.LENTERA_BENCH_RUNS ?? 3);

/** Runs `measure` RUNS times and keeps the run whose `pick` is the median, so its other fields belong to it. */
export async function medianRun<T>(measure: () => Promise<T> | T, pick: (t: T) => number, runs = RUNS): Promise<T> {
  const all: T[] = [];
  for (let i = 0; i < runs; i++) all.push(await measure());
  all.sort((a, b) => pick(a) - pick(b));
  return all[Math.floor(all.length / 2)]!;
}

/**
 * Writes this run's rows to bench/results.json (the previous file becomes results.previous.json) and prints,
 * for each goal, how the ratio moved since the previous run. Returns how many goals were not met; the bench
 * reports, it never fails the suite.
 */
export function saveResults(root: string, meta: Record<string, unknown>): number {
  const file = join(root, 'bench', 'results.json');
  mkdirSync(dirname(file), { recursive: true });
  let previous: { rows?: Row[] } = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as { rows?: Row[] };
      writeFileSync(join(root, 'bench', 'results.previous.json'), readFileSync(file));
    } catch {
      previous = {};
    }
  }
  const before = new Map((previous.rows ?? []).map((r) => [r.key, r]));
  // A run of one section keeps the other sections' rows from earlier runs (each row says when it was measured).
  const at = new Date().toISOString();
  const fresh = new Set(rows.map((r) => r.key));
  const kept = (previous.rows ?? []).filter((r) => !fresh.has(r.key));
  writeFileSync(file, `${JSON.stringify({ ...meta, rows: [...rows.map((r) => ({ ...r, at })), ...kept] }, null, 2)}\n`);
  const goals = rows.filter((r) => r.goal !== null);
  console.log(`\n## Goals (${goals.filter((r) => r.met).length} of ${goals.length} met; rows saved to bench/results.json)`);
  for (const r of goals) {
    const was = before.get(r.key);
    const delta = was ? `  (previous run ${was.ratio.toFixed(2)}x${was.met === null ? '' : was.met ? ' MET' : ' NOT MET'})` : '';
    console.log(`${r.met ? 'MET    ' : 'NOT MET'}  ${r.key.padEnd(70)} ${r.ratio.toFixed(2)}x, goal ${r.goal}${delta}`);
  }
  return goals.filter((r) => !r.met).length;
}
