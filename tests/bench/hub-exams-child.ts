// One step of the hub-exams bench in its own process, so its peak memory (maxRSS) is its own. Prints one JSON line.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { verifyBundle } from '../../src-main/core/bundles/verify';
import { demoPackage, demoSkdResults } from '../../src-main/core/demo/generate';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { keepHubHeapNearLive } from '../../src-main/server/hub-heap';
import { Publisher } from '../../src-main/core/publish/publisher';

const [mode, dir, ...args] = process.argv.slice(2) as [string, string, ...string[]];
// The hub's steps run in a process set as the hub's is (`lentera hub`); making the venues' bundles is only the means.
if (mode !== 'make') keepHubHeapNearLive();
const now = () => Number(process.hrtime.bigint()) / 1e6;
const PASS = 'rahasia-bench';
let detail: Record<string, number> = {};

/** A hub process's upload: the file received into its incoming folder, then merged and moved in to be kept. */
async function ingest(p: Publisher, bundle: string): Promise<void> {
  const manifest = (await verifyBundle(bundle)).manifest;
  addTrustedSigner(p.db, Buffer.from(manifest.signer.certificate, 'base64'), { at: new Date().toISOString(), by: 'bench' });
  mkdirSync(join(p.dir, 'incoming'), { recursive: true });
  const upload = join(p.dir, 'incoming', 'upload.lentera');
  copyFileSync(bundle, upload);
  await p.ingest(upload, new Date().toISOString(), 'bench', { owned: true });
}

if (mode === 'make') {
  // One workstation holding `count` exams of `candidates` each (other agencies' codes), every SKD score imported,
  // and each exam's bundle exported (no sheets: the site's part is what is measured).
  const [count, candidates] = args.map(Number) as [number, number];
  const app = new LenteraApp({ dataDir: join(dir, 'ws'), allowInit: true });
  const ok = async <T>(name: string, input: unknown): Promise<T> => {
    const r = await app.invokeAsync(name, input, { local: 'bench' });
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value as T;
  };
  await ok('workstation.init', { adminName: 'koordinator', adminDisplayName: 'Sri Wahyuni', pin: '482913' });
  for (let i = 1; i <= count; i++) {
    const base = demoPackage(candidates);
    const pkg = { ...base, exam: { ...base.exam, code: `CPNS-BENCH-${i}`, name: `Seleksi CPNS instansi ${i}`, agency: `Instansi ${i}` } };
    writeFileSync(join(dir, `exam-${i}.json`), JSON.stringify(pkg));
    await ok('exams.import', { file: { path: join(dir, `exam-${i}.json`) } });
    const skd = demoSkdResults(pkg.roster);
    const rows = pkg.roster.map((c) => {
      const v = skd.get(c.nomor_peserta)!;
      const s = v === 'absent' ? { twk: 15, tiu: 20, tkp: 170 } : v;
      return `${c.nomor_peserta};${s.twk * 5};${s.tiu * 5};${s.tkp}`;
    });
    writeFileSync(join(dir, `skd-${i}.csv`), `nomor_peserta;twk;tiu;tkp\n${rows.join('\n')}\n`);
    await ok('scores.import', { exam: pkg.exam.code, stage: 'SKD', file: { path: join(dir, `skd-${i}.csv`) } });
    if (i === 1) {
      const db = app.workstation!.db;
      const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
      await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Sri Wahyuni, S.Sos.', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
    }
    const b = await ok<{ file: string }>('bundle.export', { exam: pkg.exam.code, passphrase: PASS, account: 'koordinator' });
    const plain = join(dir, `exam-${i}.lentera`);
    await ok('bundle.copy', { exam: pkg.exam.code, out: plain });
    void b;
  }
  app.close();
} else if (mode === 'prepare') {
  // A hub that already publishes these exams: each bundle merged, the site written.
  const [hub, site, ...bundles] = args as [string, string, ...string[]];
  const p = Publisher.open(hub);
  for (const b of bundles) await ingest(p, b);
  await p.writeSite(site, new Date().toISOString());
  p.close();
} else {
  // `update`: as a running hub does it: its site written (untimed, the same process), then one more exam's bundle
  // merged and the site written again (timed), and how many merged views that write ranked.
  const [hub, site, bundle] = args as [string, string, string];
  const p = Publisher.open(hub);
  await p.writeSite(site, new Date().toISOString());
  await ingest(p, bundle);
  const ranked = (p as { viewsRanked?: number }).viewsRanked ?? NaN;
  const t = now();
  const w = await p.writeSite(site, new Date().toISOString());
  detail = { siteMs: now() - t, ranked: ((p as { viewsRanked?: number }).viewsRanked ?? NaN) - ranked, files: w.files, kept: w.kept, checked: w.checked };
  p.close();
}
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, detail }));
