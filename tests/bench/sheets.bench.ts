import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { medianRun, printFigures } from './report';

const run = promisify(execFile);
/** Sheets per process per measurement (issue 16's figure: one process). */
const N = Number(process.env.LENTERA_BENCH_SHEETS ?? 300);
/** The older figure: a larger batch over both cores, with memory at each quarter. */
const N2 = Number(process.env.LENTERA_BENCH_SHEETS_2P ?? 1_000);
const PROCESSES = 2; // the two cores

type Mode = 'signed' | 'unsigned' | 'plain';

interface Out {
  ms: number;
  count: number;
  rate: number;
  /** sheets per second of the process's CPU time */
  cpuRate: number;
  rss: number[];
  maxRssMb: number;
}

/** One child process making `count` sheets; its own rate counts only the loop (not Node's start or the warm-up). */
async function child(mode: Mode, count: number): Promise<Out> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sheets-child.ts'), mode, String(count)], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
}

async function twoProcesses(mode: Mode): Promise<{ rate: number; outs: Out[] }> {
  const per = Math.ceil(N2 / PROCESSES);
  const t0 = Date.now();
  const outs = await Promise.all(Array.from({ length: PROCESSES }, () => child(mode, per)));
  return { rate: (per * PROCESSES) / ((Date.now() - t0) / 1000), outs };
}

/**
 * Issue 16: signed result sheets per second in one process (the real sheet, both pages, signed with the RSA-3072
 * CMS signature) beside "a plain pdfkit page of similar content": pdfkit alone drawing the same text, fonts, QR-sized
 * squares and table on the same two pages, unsigned. Each run measures the baseline and the figure back to back
 * (interleaved, so the load of the moment weighs on both); the median run by ratio is printed.
 */
export async function benchSheets(): Promise<void> {
  const one = await medianRun(async () => {
    const plain = await child('plain', N);
    const signed = await child('signed', N);
    const unsigned = await child('unsigned', N);
    return { plain, signed, unsigned };
  }, (r) => r.signed.rate / r.plain.rate);
  printFigures(`Result sheets, one process, ${N} sheets per run (real sheet: result + strengths page, DejaVu embedded)`, [
    {
      key: 'Result sheets / signed sheets, one process',
      name: 'signed sheets (render + RSA-3072 CMS sign)',
      value: one.signed.rate,
      unit: 'sheets/s',
      baselineName: 'plain pdfkit, same text/table/fonts, 2 pages',
      baseline: one.plain.rate,
      better: 'higher',
      goal: { kind: 'share', min: 0.7 },
    },
    {
      // The same run by CPU time (every thread of each process): steadier than wall time when other processes share the cores.
      key: 'Result sheets / signed sheets per CPU second, one process',
      name: 'signed sheets per CPU second',
      value: one.signed.cpuRate,
      unit: 'sheets/s',
      baselineName: 'plain pdfkit per CPU second',
      baseline: one.plain.cpuRate,
      better: 'higher',
    },
    {
      key: 'Result sheets / unsigned sheets, one process',
      name: 'our sheets unsigned (render only)',
      value: one.unsigned.rate,
      unit: 'sheets/s',
      baselineName: 'plain pdfkit, same text/table/fonts, 2 pages',
      baseline: one.plain.rate,
      better: 'higher',
    },
  ]);

  const unsigned = await twoProcesses('unsigned');
  const signed = await twoProcesses('signed');
  printFigures(`Result sheets, ${N2.toLocaleString('en-US')} sheets on ${PROCESSES} processes (real sheet, both pages, RSA-3072 CMS signature)`, [
    { name: 'signed sheets, 2 processes', value: signed.rate, unit: 'sheets/s', baselineName: 'our sheets unsigned, 2 processes', baseline: unsigned.rate, better: 'higher', target: 'signed >= half the unsigned rate' },
    { name: 'peak memory per process, signed', value: Math.max(...signed.outs.map((o) => o.maxRssMb)), unit: 'MB', baselineName: 'peak memory per process, unsigned', baseline: Math.max(...unsigned.outs.map((o) => o.maxRssMb)), better: 'lower', target: '< 300 MB' },
  ]);
  console.log(`resident memory at each quarter of the batch (MB), signed: ${signed.outs.map((o) => o.rss.join(' → ')).join(' | ')}`);
}
