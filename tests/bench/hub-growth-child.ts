// One step of the hub-growth bench in its own process, so its peak memory (maxRSS) is its own. Prints one JSON line.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { Publisher, SITE_STATE } from '../../src-main/core/publish/publisher';
import { siteStateFiles } from '../../src-main/core/publish/site-state';
import { keepHubHeapNearLive } from '../../src-main/server/hub-heap';

const [mode, dir, arg, db] = process.argv.slice(2) as [string, string, string, string | undefined];
// Every step is the hub's: in a process set as the hub's is (`lentera hub`).
keepHubHeapNearLive();
/** The hub's store: its folder's SQLite file, or the PostgreSQL database the bench names. */
const store = db ? { db } : {};
const now = () => Number(process.hrtime.bigint()) / 1e6;
let detail: Record<string, number> = {};
if (mode === 'prefill') {
  // Synthetic results of another exam until the log holds `arg` leaves, a checkpoint at the end: what the hub has
  // logged before this bundle comes (other agencies' exams), in transactions of 100k as bundles would bring them.
  const want = Number(arg);
  const p = Publisher.open(join(dir, 'hub'), store);
  const t = now();
  for (let have = p.log.size; have < want; have = p.log.size) {
    const n = Math.min(100_000, want - have);
    const entries = Array.from({ length: n }, (_, k) => ({ exam: 'SINTETIS-2026', nomor: `S${have + k}`, digest: createHash('sha256').update(`sintetis ${have + k}`).digest('hex') }));
    p.db.transaction(() => p.log.append(entries, new Date().toISOString()))();
  }
  if (want > 0) p.log.checkpoint(new Date().toISOString());
  detail = { leaves: p.log.size, ms: now() - t };
  p.close();
} else if (mode === 'ingest') {
  // The hub's work for one upload into a log of that size: open (the tree is read into memory), verify, merge, log,
  // sign a checkpoint and the acknowledgement; then its receipts, page by page. The site is a separate figure.
  const t0 = now();
  const p = Publisher.open(join(dir, 'hub'), store);
  const size = p.log.size;
  const openMs = now() - t0;
  const manifest = (await verifyBundle(join(dir, 'bench.lentera'))).manifest;
  addTrustedSigner(p.db, Buffer.from(manifest.signer.certificate, 'base64'), { at: new Date().toISOString(), by: 'bench' });
  mkdirSync(join(dir, 'hub', 'incoming'), { recursive: true });
  const upload = join(dir, 'hub', 'incoming', 'upload.lentera');
  copyFileSync(join(dir, 'bench.lentera'), upload);
  const t1 = now();
  const ack = await p.ingest(upload, new Date().toISOString(), 'bench', { owned: true });
  const ingestMs = now() - t1;
  // Every receipt as the sender fetches them after the acknowledgement (issue 18), each page's JSON made.
  const t2 = now();
  const token = readFileSync(join(dir, 'bench.lentera.receipt-token'), 'utf8');
  for (let from: number | null = 0; from !== null && ack.leaves > 0; ) {
    const page = p.receiptPage(ack.bundle, token, from);
    JSON.stringify(page);
    from = page.next;
  }
  detail = { before: size, openMs, ingestMs, receiptsMs: now() - t2, after: ack.checkpoint.size };
  p.close();
} else if (mode === 'update') {
  // Publication after the bundle, as a running hub does it: its site already written for the log as it was (the same
  // process, untimed, three times), then the bundle ingested and the site written again (timed). Beside it, the floor issue 18
  // names: writing only the files that changed (their bytes already in memory), read from the two site states.
  const p = Publisher.open(join(dir, 'hub'), store);
  const site = join(dir, 'site');
  // Three times, as a hub has written it many times: its two folders both hold the site, and the one the timed write
  // brings up to date in place has its records (the second write linked every file from the first folder, the third
  // read and recorded them all again: site.ts, twoFolders).
  for (let i = 0; i < 3; i++) await p.writeSite(site, new Date().toISOString());
  const before = siteStateFiles(join(dir, 'hub', SITE_STATE));
  const manifest = (await verifyBundle(join(dir, 'bench.lentera'))).manifest;
  addTrustedSigner(p.db, Buffer.from(manifest.signer.certificate, 'base64'), { at: new Date().toISOString(), by: 'bench' });
  mkdirSync(join(dir, 'hub', 'incoming'), { recursive: true });
  const upload = join(dir, 'hub', 'incoming', 'upload.lentera');
  copyFileSync(join(dir, 'bench.lentera'), upload);
  await p.ingest(upload, new Date().toISOString(), 'bench', { owned: true });
  const t = now();
  // Its CPU time too (every thread of the process: the pages', the file writer's, the collector's), to say how much
  // of the update two cores could take at most.
  const cpu = process.cpuUsage();
  const written = await p.writeSite(site, new Date().toISOString());
  const siteMs = now() - t;
  const used = process.cpuUsage(cpu);
  const siteCpuMs = (used.user + used.system) / 1000;
  p.close();
  const after = siteStateFiles(join(dir, 'hub', SITE_STATE));
  const changed = Object.entries(after)
    .filter(([rel, f]) => f.h === null || before[rel]?.h !== f.h)
    .map(([rel]) => ({ rel, data: readFileSync(join(site, rel)) }));
  const out = join(dir, 'site-changed');
  rmSync(out, { recursive: true, force: true });
  const t2 = now();
  const made = new Set<string>();
  for (const f of changed) {
    const file = join(out, f.rel);
    const parent = dirname(file);
    if (!made.has(parent)) mkdirSync(parent, { recursive: true });
    made.add(parent);
    writeFileSync(file, f.data);
  }
  detail = { siteMs, siteCpuMs, changedMs: now() - t2, files: written.files, changed: changed.length, changedBytes: changed.reduce((n, f) => n + f.data.length, 0) };
} else {
  // `bundle verify` of the same file in the same kind of process: the baseline.
  const t = now();
  await verifyBundle(join(dir, 'bench.lentera'));
  detail = { verifyMs: now() - t };
}
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, detail }));
