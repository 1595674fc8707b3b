import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { printFigures } from './report';

const run = promisify(execFile);
const CANDIDATES = Number(process.env.LENTERA_BENCH_BUNDLE_CANDIDATES ?? 100_000);
const PDFS = Number(process.env.LENTERA_BENCH_BUNDLE_PDFS ?? 10_000);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'lentera.mjs');

interface Out {
  ms: number;
  maxRssMb: number;
  detail: { bytes?: number; files?: number; ingestMs?: number; siteMs?: number; leaves?: number } | null;
}

async function child(mode: string, dir: string, arg = ''): Promise<Out> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'bundles-child.ts'), mode, dir, arg], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
}

/** `sha256sum` over the same files, timed from here: the floor for reading and hashing those bytes. */
async function sha256sum(files: string[]): Promise<{ ms: number; maxRssMb: number }> {
  const list = join(tmpdir(), `lentera-bench-list-${process.pid}`);
  writeFileSync(list, files.join('\0'));
  const t0 = Date.now();
  const { stderr } = await run('sh', ['-c', `xargs -0 /usr/bin/time -f '%M' sha256sum < '${list}' > /dev/null`], { maxBuffer: 1 << 24 });
  const ms = Date.now() - t0;
  rmSync(list);
  return { ms, maxRssMb: Math.max(...stderr.trim().split('\n').map(Number).filter(Number.isFinite)) / 1024 };
}

/** Export and verification of a bundle of 100,000 candidates and 10,000 signed PDFs, beside sha256sum. */
export async function benchBundles(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-bench-bundle-'));
  try {
    const demo = (await run(process.execPath, [CLI, 'demo', '--data', join(dir, 'ws'), '--candidates', String(CANDIDATES)], { maxBuffer: 1 << 26 })).stdout;
    const passphrase = /passphrase (\S+)/.exec(demo)![1]!;
    // One real signed sheet, copied with a distinct trailer: 10,000 different files of a real sheet's size.
    writeFileSync(join(dir, 'pass'), passphrase);
    const nomor = '263374000001';
    await run(process.execPath, [CLI, 'sheets', '--data', join(dir, 'ws'), '--exam', 'CPNS-SMG-2026', '--candidate', nomor, '--passphrase-file', join(dir, 'pass'), '--out', join(dir, 'one')], { maxBuffer: 1 << 24 }).catch(() => undefined);
    const sample = readdirSync(join(dir, 'one')).find((f) => f.endsWith('.pdf'));
    mkdirSync(join(dir, 'pdfs'));
    const base = sample ? readFileSync(join(dir, 'one', sample)) : Buffer.alloc(60_000, 1);
    for (let i = 0; i < PDFS; i++) writeFileSync(join(dir, 'pdfs', `hasil-${String(i).padStart(12, '0')}.pdf`), Buffer.concat([base, Buffer.from(`%${i}\n`)]));
    const inputs = [join(dir, 'ws', 'lentera.db'), ...readdirSync(join(dir, 'pdfs')).map((f) => join(dir, 'pdfs', f))];
    const inputBytes = inputs.reduce((s, f) => s + statSync(f).size, 0);

    const baseIn = await sha256sum(inputs);
    const nodeIn = await child('hash', dir, 'inputs');
    const exported = await child('export', dir, passphrase);
    const bundleBytes = statSync(join(dir, 'bench.lentera')).size;
    const baseBundle = await sha256sum([join(dir, 'bench.lentera')]);
    const nodeBundle = await child('hash', dir, 'bundle');
    const verified = await child('verify', dir);
    const published = await child('publish', dir);
    const t0 = Date.now();
    await run('cp', ['-r', join(dir, 'site'), join(dir, 'site-copy')]);
    const copyMs = Date.now() - t0;
    printFigures(`Bundles: ${CANDIDATES.toLocaleString('en-US')} candidates and ${PDFS.toLocaleString('en-US')} signed PDFs (inputs ${(inputBytes / 1e6).toFixed(0)} MB, bundle ${(bundleBytes / 1e6).toFixed(0)} MB)`, [
      { name: 'export (collect, hash, zip, sign, seal)', value: exported.ms / 1000, unit: 's', baselineName: 'sha256sum over the database and PDFs', baseline: baseIn.ms / 1000, better: 'lower' },
      { name: 'export peak memory', value: exported.maxRssMb, unit: 'MB', baselineName: 'Node hashing the same files', baseline: nodeIn.maxRssMb, better: 'lower' },
      { name: 'verify (structure, signature, seal, every sha256)', value: verified.ms / 1000, unit: 's', baselineName: 'sha256sum over the bundle file', baseline: baseBundle.ms / 1000, better: 'lower' },
      { name: 'verify peak memory', value: verified.maxRssMb, unit: 'MB', baselineName: 'Node hashing the bundle file', baseline: nodeBundle.maxRssMb, better: 'lower' },
      { name: `hub ingest (verify, merge, log ${published.detail?.leaves ?? 0} results)`, value: published.detail!.ingestMs! / 1000, unit: 's', baselineName: 'verify alone', baseline: verified.ms / 1000, better: 'lower' },
      { name: `site written (${published.detail?.files ?? 0} files)`, value: published.detail!.siteMs! / 1000, unit: 's', baselineName: 'cp -r of the same site', baseline: copyMs / 1000, better: 'lower' },
      { name: 'hub peak memory (ingest and site)', value: published.maxRssMb, unit: 'MB', baselineName: 'export peak memory', baseline: exported.maxRssMb, better: 'lower' },
    ]);
    console.log(`sha256sum peak memory: inputs ${baseIn.maxRssMb.toFixed(1)} MB, bundle ${baseBundle.maxRssMb.toFixed(1)} MB; Node hashing: inputs ${(nodeIn.ms / 1000).toFixed(2)} s, bundle ${(nodeBundle.ms / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

