// A hub process that ingests one bundle twice, with the hub's heap policy ("policy") or without it, and prints the
// full collections forced during each ingest, as V8 reports them (perf_hooks, not the code that asks for them).
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { readCertificate } from '../../src-main/core/keys/pki';
import { Publisher } from '../../src-main/core/publish/publisher';
import { keepHubHeapNearLive } from '../../src-main/server/hub-heap';

const [mode, dir, bundle, cert] = process.argv.slice(2) as [string, string, string, string];
if (mode === 'policy') keepHubHeapNearLive();
let forced = 0;
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((((e as unknown as { detail: { flags: number } }).detail).flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced++;
});
gcs.observe({ entryTypes: ['gc'] });
const settled = () => new Promise((ok) => setTimeout(ok, 100));

const hub = Publisher.open(dir);
addTrustedSigner(hub.db, readCertificate(readFileSync(cert)), { at: new Date().toISOString(), by: 'test' });
await settled();
const counts: { unchanged: boolean; forced: number }[] = [];
for (let i = 0; i < 2; i++) {
  forced = 0;
  const ack = await hub.ingest(bundle, new Date().toISOString(), 'test');
  await settled();
  counts.push({ unchanged: ack.unchanged, forced });
}
hub.close();
gcs.disconnect();
process.stdout.write(`${JSON.stringify(counts)}\n`);
