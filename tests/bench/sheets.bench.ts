import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { printFigures } from './report';

const run = promisify(execFile);
const N = Number(process.env.LENTERA_BENCH_SHEETS ?? 10_000);
const PROCESSES = 2; // the two cores

interface Out {
  ms: number;
  count: number;
  rss: number[];
  maxRssMb: number;
}

async function batch(mode: 'signed' | 'unsigned'): Promise<{ rate: number; outs: Out[] }> {
  const per = Math.ceil(N / PROCESSES);
  const t0 = Date.now();
  const outs = await Promise.all(
    Array.from({ length: PROCESSES }, async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sheets-child.ts'), mode, String(per)], { maxBuffer: 1 << 24 });
      return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
    }),
  );
  return { rate: (per * PROCESSES) / ((Date.now() - t0) / 1000), outs };
}

/** Signed sheets per second on 2 cores beside unsigned pages of the same layout; memory at each quarter. */
export async function benchSheets(): Promise<void> {
  const unsigned = await batch('unsigned');
  const signed = await batch('signed');
  printFigures(`Result sheets, ${N.toLocaleString('en-US')} candidates on ${PROCESSES} processes (real layout, embedded font, RSA-3072 CMS signature)`, [
    { name: 'signed sheets', value: signed.rate, unit: 'sheets/s', baselineName: 'unsigned pdfkit pages, same layout', baseline: unsigned.rate, better: 'higher', target: 'signed >= half the unsigned rate' },
    { name: 'peak memory per process, signed', value: Math.max(...signed.outs.map((o) => o.maxRssMb)), unit: 'MB', baselineName: 'peak memory per process, unsigned', baseline: Math.max(...unsigned.outs.map((o) => o.maxRssMb)), better: 'lower', target: '< 300 MB' },
  ]);
  console.log(`resident memory at each quarter of the batch (MB), signed: ${signed.outs.map((o) => o.rss.join(' → ')).join(' | ')}`);
}
