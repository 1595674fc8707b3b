import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeAtExit, runFolder } from './kept-folders';
import { printFigures } from './report';

const run = promisify(execFile);
/** Candidates per exam. */
const CANDIDATES = Number(process.env.LENTERA_BENCH_EXAMS_CANDIDATES ?? 20_000);
/** Exams the hub already publishes when one more exam's bundle comes, beside a hub that publishes none. */
const OTHERS = Number(process.env.LENTERA_BENCH_EXAMS_OTHERS ?? 3);

interface Out {
  maxRssMb: number;
  detail: Record<string, number>;
}

async function child(...args: string[]): Promise<Out> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hub-exams-child.ts'), ...args], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
}

/**
 * Issue 18 (publication grows with the change; memory stays flat): the site written after one exam's bundle, at a
 * hub that already publishes OTHERS exams of the same size, beside the same at a hub that publishes none. The
 * other exams' pages are kept without their data being loaded; before, the hub ranked and held every exam.
 */
export async function benchHubExams(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-exams-'));
  try {
    await child('make', dir, String(OTHERS + 1), String(CANDIDATES));
    const last = join(dir, `exam-${OTHERS + 1}.lentera`);
    const rows: { others: number; out: Out }[] = [];
    for (const others of [0, OTHERS]) {
      // Three runs, each on a hub prepared anew (its site's state names the folder it wrote, so it cannot be copied);
      // the median kept.
      const runs: Out[] = [];
      for (let r = 0; r < 3; r++) {
        // Nothing removed between runs: a site written right after another was removed is timed on this disk's
        // memory of the removal (kept-folders.ts).
        const run = runFolder(dir, `hub-${others}-${r}`);
        const hub = join(run, 'hub');
        const site = join(run, 'site');
        await child('prepare', dir, hub, site, ...Array.from({ length: others }, (_, i) => join(dir, `exam-${i + 1}.lentera`)));
        runs.push(await child('update', dir, hub, site, last));
      }
      runs.sort((a, b) => a.detail.siteMs! - b.detail.siteMs!);
      rows.push({ others, out: runs[1]! });
    }
    console.log(`\nthe site after one more exam's bundle (${CANDIDATES.toLocaleString('en-US')} candidates an exam), the hub publishing others already`);
    console.log('| exams already published | site update | merged views ranked by it | files (kept) | files read to check | process peak RSS |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.others} | ${(r.out.detail.siteMs! / 1000).toFixed(2)} s | ${r.out.detail.ranked} | ${r.out.detail.files!.toLocaleString('en-US')} (${r.out.detail.kept!.toLocaleString('en-US')}) | ${r.out.detail.checked!.toLocaleString('en-US')} | ${r.out.maxRssMb.toFixed(0)} MB |`);
    const none = rows[0]!;
    const many = rows[1]!;
    printFigures('hub-exams', [
      { name: `site update after one exam's bundle, hub publishing ${OTHERS} other exams`, value: many.out.detail.siteMs!, unit: 'ms', baselineName: 'the same on a hub publishing none', baseline: none.out.detail.siteMs!, better: 'lower', target: 'flat (≈ 1×)' },
      { name: `hub process peak RSS, ${OTHERS} other exams`, value: many.out.maxRssMb, unit: 'MB', baselineName: 'the same on a hub publishing none', baseline: none.out.maxRssMb, better: 'lower', target: 'flat (≈ 1×)' },
    ]);
  } finally {
    removeAtExit(dir);
  }
}
