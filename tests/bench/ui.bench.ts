import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL_CHROMIUM } from '../../playwright.config';
import { printFigures, type Figure } from './report';

const ROOT = join(import.meta.dirname, '..', '..');
/** The UI's figures (issue 21), measured in Chromium by the perf specs, which run on demand only. */
const SPECS = ['tests/e2e/candidates-perf.spec.ts', 'tests/e2e/attendance-perf.spec.ts', 'tests/e2e/results-perf.spec.ts'];

/**
 * `npm run bench ui`: Playwright drives Debian's Chromium at 1366×768 against `lentera serve` on a workstation of
 * 100,300 candidates (candidates table), of 10,000 in one session (attendance) and of 100,000 in 500 formations with their SKD scores (results); each spec writes its figures,
 * each beside a baseline from the same run (a static page scrolled, the bare registry call). Needs `out/` built.
 */
export async function benchUi(): Promise<void> {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('bench ui: build first (npx electron-vite build)');
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-ui-'));
  const out = join(dir, 'figures.jsonl');
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...SPECS, '--workers=1', '--reporter=line'], {
      cwd: ROOT,
      // The full browser, as a person's (and Electron's) is, not the headless shell the tests use.
      env: { ...process.env, LENTERA_CHROMIUM: process.env.LENTERA_CHROMIUM || FULL_CHROMIUM, LENTERA_PERF: '1', LENTERA_PERF_OUT: out },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const lines = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean) : [];
    if (r.status !== 0 || lines.length === 0) throw new Error(`bench ui: the perf specs failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    const figures: Figure[] = lines.map((l) => ({ ...(JSON.parse(l) as Omit<Figure, 'better'>), better: 'lower' }));
    printFigures('UI at 100,000 candidates (Chromium, 1366×768)', figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
