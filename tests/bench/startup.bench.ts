import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printFigures } from './report';
import { demoWorkstationPassphrase } from '../unit/demo-output';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'lentera.mjs');
const RUNS = Number(process.env.LENTERA_BENCH_STARTUP_RUNS ?? 15);

/** Wall time of one process from spawn to exit, in ms, and what it printed. */
function spawnTimed(args: string[]): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const wall = (args: string[]): number => spawnTimed(args).ms;

/**
 * How long the built `lentera` takes to start, against `node -e 0` in the same run: `--help` (commander and the
 * command table only) and `status` (the app, SQLite and the registry, no PDF or spreadsheet library), on a
 * workstation not encrypted at rest as issue 10 measured it; then `status` on an encrypted one (as shipped since
 * issue 17), whose passphrase is stretched by scrypt before the database opens. Runs are interleaved, so a busy
 * neighbour slows all alike; the median of each is printed.
 */
export function benchStartup(): void {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('the CLI is not built: run "npm run build" first');
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-'));
  try {
    const data = join(dir, 'ws');
    wall([CLI, 'demo', '--data', data, '--candidates', '10', '--plain']);
    const enc = join(dir, 'ws-enc');
    const passphrase = demoWorkstationPassphrase(spawnTimed([CLI, 'demo', '--data', enc, '--candidates', '10']).stdout);
    writeFileSync(join(dir, 'ws-pass'), `${passphrase}\n`, { mode: 0o600 });
    const encStatus = [CLI, 'status', '--data', enc, '--passphrase-file', join(dir, 'ws-pass')];
    const runs = { node: [] as number[], help: [] as number[], status: [] as number[], encStatus: [] as number[] };
    // One warm-up each: the first run reads the files from disk, the rest from the page cache.
    wall(['-e', '0']);
    wall([CLI, '--help']);
    wall([CLI, 'status', '--data', data]);
    wall(encStatus);
    for (let i = 0; i < RUNS; i++) {
      runs.node.push(wall(['-e', '0']));
      runs.help.push(wall([CLI, '--help']));
      runs.status.push(wall([CLI, 'status', '--data', data]));
      runs.encStatus.push(wall(encStatus));
    }
    const baseline = median(runs.node);
    const plainStatus = median(runs.status);
    printFigures(`startup (median of ${RUNS} processes, wall time)`, [
      { name: 'lentera --help', value: median(runs.help), unit: 'ms', baselineName: 'node -e 0', baseline, better: 'lower', target: '≤ 3x' },
      { name: 'lentera status --data DEMO', value: plainStatus, unit: 'ms', baselineName: 'node -e 0', baseline, better: 'lower', target: '≤ 3x' },
      { name: 'lentera status, encrypted workstation (--passphrase-file)', value: median(runs.encStatus), unit: 'ms', baselineName: 'the same, not encrypted', baseline: plainStatus, better: 'lower' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
