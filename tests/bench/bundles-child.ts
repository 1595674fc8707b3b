// One measurement in its own process, so its peak memory (maxRSS) is its own. Prints one JSON line.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LenteraApp } from '../../src-main/api/app';
import { verifyBundle } from '../../src-main/core/bundles/verify';

const [mode, dir, arg] = process.argv.slice(2) as [string, string, string];

/** CPU time of this process, every thread of it, since `since`. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};
let t0 = process.hrtime.bigint();
let detail: unknown = null;
if (mode === 'export') {
  // The command as the window and `lentera bundle export` run it (no --out copy: that is a plain file copy after it).
  const app = new LenteraApp({ dataDir: join(dir, 'ws') });
  // `lentera demo` makes an encrypted workstation (issue 17): the parent passes the passphrase it printed.
  if (!app.workstation) {
    const u = app.invoke('workstation.unlock', { passphrase: process.env.LENTERA_BENCH_WS_PASSPHRASE ?? '' }, { local: 'bench' });
    if (!u.ok) throw new Error(u.error.message);
  }
  const r = await app.invokeAsync('bundle.export', { exam: 'CPNS-SMG-2026', passphrase: arg, account: 'koordinator', pdfDir: join(dir, 'pdfs') }, { local: 'bench' });
  if (!r.ok) throw new Error(r.error.message);
  detail = r.value;
  // The token for the bundle's receipts stays with the workstation (its outbox): written beside the bundle as
  // BUNDLE.receipt-token, moved with it, for the hub's runs to fetch them with.
  const token = app.workstation!.db.prepare('SELECT receipt_token FROM outbox WHERE bundle_sha256 = ?').pluck().get((r.value as { sha256: string }).sha256) as string;
  (await import('node:fs')).writeFileSync(`${(r.value as { file: string }).file}.receipt-token`, token);
  // The workstation keeps its bundle sealed (issue 17): the plain bundle the hub gets is copied out, not timed.
  const exported = r.value as { file: string };
  const plain = `${exported.file}.plain`;
  const tc = process.hrtime.bigint();
  const c = await app.invokeAsync('bundle.copy', { exam: 'CPNS-SMG-2026', out: plain }, { local: 'bench' });
  if (!c.ok) throw new Error(c.error.message);
  (await import('node:fs')).renameSync(plain, exported.file);
  t0 += process.hrtime.bigint() - tc;
  app.close();
} else if (mode === 'verify') {
  const c0 = process.cpuUsage();
  const r = await verifyBundle(join(dir, 'bench.lentera'));
  detail = { files: r.manifest.files.length, cpuMs: cpuMs(c0) };
} else if (mode === 'publish') {
  // The hub's work for one upload: verify, merge, log every result, sign a checkpoint; then the site. In a process
  // set as the hub's is (`lentera hub`).
  (await import('../../src-main/server/hub-heap')).keepHubHeapNearLive();
  const { Publisher } = await import('../../src-main/core/publish/publisher');
  const { addTrustedSigner } = await import('../../src-main/core/bundles/trust');
  const p = Publisher.open(join(dir, 'hub'));
  const manifest = (await verifyBundle(join(dir, 'bench.lentera'))).manifest;
  addTrustedSigner(p.db, Buffer.from(manifest.signer.certificate, 'base64'), { at: new Date().toISOString(), by: 'bench' });
  // As a hub is set up: the exam's package given first (`lentera hub package`), for its order of birth dates.
  const { demoPackage } = await import('../../src-main/core/demo/generate');
  p.registerPackage(demoPackage(manifest.counts.candidate!), new Date().toISOString(), 'bench');
  // As the hub's server takes an upload: the received file in its incoming folder (the network's part, not
  // timed), then merged and moved in to be kept.
  const { copyFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'hub', 'incoming'), { recursive: true });
  const upload = join(dir, 'hub', 'incoming', 'upload.lentera');
  copyFileSync(join(dir, 'bench.lentera'), upload);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  const ack = await p.ingest(upload, new Date().toISOString(), 'bench', { owned: true });
  const ingestMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const ingestCpuMs = cpuMs(c1);
  // Then every receipt, as the hub serves the sender's fetches page by page (each page's JSON made): off the ingest
  // since issue 18, but still the hub's work for this bundle, so measured beside it.
  const tr = process.hrtime.bigint();
  let receiptBytes = 0;
  const token = (await import('node:fs')).readFileSync(join(dir, 'bench.lentera.receipt-token'), 'utf8');
  for (let from: number | null = 0; from !== null && ack.leaves > 0; ) {
    const page = p.receiptPage(ack.bundle, token, from);
    receiptBytes += Buffer.byteLength(JSON.stringify({ ok: true, ...page }));
    from = page.next;
  }
  const receiptsMs = Number(process.hrtime.bigint() - tr) / 1e6;
  const t2 = process.hrtime.bigint();
  const site = await p.writeSite(join(dir, 'site'), new Date().toISOString());
  const siteMs = Number(process.hrtime.bigint() - t2) / 1e6;
  // One public report, then the site again: the hub's rewrite after a small change (incremental since issue 16).
  const { fileReport } = await import('../../src-main/core/publish/reports');
  fileReport(p, { exam: 'CPNS-SMG-2026', category: 'kecurangan', text: 'Bench: satu laporan masyarakat untuk menulis ulang situs.', website: '' }, { at: new Date().toISOString(), clientHash: 'bench', actor: 'bench' });
  const t3 = process.hrtime.bigint();
  const again = await p.writeSite(join(dir, 'site'), new Date().toISOString());
  const site2Ms = Number(process.hrtime.bigint() - t3) / 1e6;
  p.close();
  detail = { ingestMs, ingestCpuMs, receiptsMs, receiptBytes, siteMs, site2Ms, leaves: ack.checkpoint.size, files: site.files, files2: again.files, bytes: site.bytes };
} else if (mode === 'store') {
  // The floor of what an ingest must store once the bundle is verified: the same item rows and log leaves the hub
  // stored (read back from it), inserted by bare prepared statements into the same tables, in one transaction,
  // with the hub's pragmas (its page size, WAL, synchronous FULL, its ingest's page cache). No checks, no merging, no
  // tree, no receipts.
  const Database = (await import('better-sqlite3')).default;
  const { rmSync } = await import('node:fs');
  const { INGEST_CACHE_KIB } = await import('../../src-main/core/publish/publisher');
  const hub = new Database(join(dir, 'hub', 'hub.sqlite'), { readonly: true });
  const pageSize = hub.pragma('page_size', { simple: true }) as number;
  const tables = ['merged_items', 'ledger_leaves'];
  const ddl = hub.prepare(`SELECT sql FROM sqlite_master WHERE tbl_name IN (${tables.map(() => '?').join(',')}) AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC`).pluck().all(...tables) as string[];
  const rows = tables.map((t) => hub.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]);
  hub.close();
  const file = join(dir, 'store-floor.sqlite');
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = -${INGEST_CACHE_KIB}`);
  // Its foreign key names a table the floor does not have.
  for (const sql of ddl) db.exec(sql.replace(/REFERENCES\s+\w+\s*\(\w+\)/g, ''));
  const inserts = tables.map((t, i) => db.prepare(`INSERT INTO ${t} VALUES (${rows[i]![0]!.map(() => '?').join(',')})`));
  const c2 = process.cpuUsage();
  const t4 = process.hrtime.bigint();
  db.exec('BEGIN');
  tables.forEach((_, i) => {
    for (const r of rows[i]!) inserts[i]!.run(r);
  });
  db.exec('COMMIT');
  const storeMs = Number(process.hrtime.bigint() - t4) / 1e6;
  detail = { storeMs, storeCpuMs: cpuMs(c2), rows: rows.reduce((n, r) => n + r.length, 0) };
  db.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
} else if (mode === 'floor') {
  // The floor of writing a site from Node: the same files, already in memory (nothing rendered, checked or
  // hashed), written one by one as the site writes them; the bundle copied with copyFile, as the site copies it.
  const { mkdirSync, readdirSync, readFileSync, copyFileSync, writeFileSync } = await import('node:fs');
  const src = join(dir, 'site');
  const files: { rel: string; data: Buffer | null }[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else files.push({ rel: `${rel}${e.name}`, data: statSync(join(d, e.name)).size > 64 << 20 ? null : readFileSync(join(d, e.name)) });
    }
  };
  walk(src, '');
  const out = join(dir, 'site-floor');
  const t = process.hrtime.bigint();
  const made = new Set<string>();
  for (const f of files) {
    const file = join(out, f.rel);
    const parent = file.slice(0, file.lastIndexOf('/'));
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if (f.data) writeFileSync(file, f.data);
    else copyFileSync(join(src, f.rel), file);
  }
  detail = { files: files.length, floorMs: Number(process.hrtime.bigint() - t) / 1e6 };
} else {
  // The bare cost of reading and hashing the bundle's bytes in Node (the memory baseline).
  const file = join(dir, 'bench.lentera');
  const h = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 22 }), h);
  detail = { files: 1, bytes: statSync(file).size };
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, detail }));
