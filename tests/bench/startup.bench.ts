import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printFigures } from './report';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'lentera.mjs');
const RUNS = Number(process.env.LENTERA_BENCH_STARTUP_RUNS ?? 15);

/** Wall time of one process from spawn to exit, in ms. */
function wall(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * How long the built `lentera` takes to start, against `node -e 0` in the same run: `--help` (commander and the
 * command table only) and `status` (the app, SQLite and the registry, no PDF or spreadsheet library). Runs are
 * interleaved, so a busy neighbour slows all three alike; the median of each is printed.
 */
export function benchStartup(): void {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('the CLI is not built: run "npm run build" first');
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const data = join(dir, 'ws');
    wall([CLI, 'demo', '--data', data, '--candidates', '10']);
    const runs = { node: [] as number[], help: [] as number[], status: [] as number[] };
    // One warm-up each: the first run reads the files from disk, the rest from the page cache.
    wall(['-e', '0']);
    wall([CLI, '--help']);
    wall([CLI, 'status', '--data', data]);
    for (let i = 0; i < RUNS; i++) {
      runs.node.push(wall(['-e', '0']));
      runs.help.push(wall([CLI, '--help']));
      runs.status.push(wall([CLI, 'status', '--data', data]));
    }
    const baseline = median(runs.node);
    printFigures(`startup (median of ${RUNS} processes, wall time)`, [
      { name: 'lentera --help', value: median(runs.help), unit: 'ms', baselineName: 'node -e 0', baseline, better: 'lower', target: '≤ 3x' },
      { name: 'lentera status --data DEMO', value: median(runs.status), unit: 'ms', baselineName: 'node -e 0', baseline, better: 'lower', target: '≤ 3x' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
