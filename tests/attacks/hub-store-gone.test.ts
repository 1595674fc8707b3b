/**
 * The hub's SQLite file deleted, moved away or replaced under the running hub (an operator "restoring" its data
 * folder, a cleanup script). In WAL mode SQLite goes on writing into the file it has open without an error: the hub
 * acknowledged the bundle with a signed receipt token, the venue's outbox marked it confirmed and never sent it
 * again, and after a restart the merge was nowhere. Now the merge fails, nothing of it is kept, and the upload is
 * answered 503, so the outbox sends it again. Found by review.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerOf } from '../../src-main/api/outbox';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { readCertificate } from '../../src-main/core/keys/pki';
import { Publisher } from '../../src-main/core/publish/publisher';
import { startHub } from '../../src-main/server/hub';
import { demoVenueBundle } from '../unit/helpers';

const root = mkdtempSync(join(tmpdir(), 'lentera-store-gone-'));
let venue: Awaited<ReturnType<typeof demoVenueBundle>>;

beforeAll(async () => {
  venue = await demoVenueBundle(join(root, 'ws'), { candidates: 10 });
}, 180_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the hub\'s database file gone under it', () => {
  for (const how of ['deleted', 'moved away'] as const) {
    it(`${how}: the upload is answered 503, and after a restart on the file the bundle merges`, async () => {
      const dir = join(root, `hub-${how.replace(' ', '-')}`);
      const hub = await startHub({ dir, port: 0, log: () => {} });
      let status: number;
      let code: string | undefined;
      try {
        addTrustedSigner(hub.publisher.db, readCertificate(Buffer.from(venue.pem)), { exam: venue.exam, at: new Date().toISOString(), by: 'test' });
        for (const f of ['hub.sqlite', 'hub.sqlite-wal', 'hub.sqlite-shm']) {
          if (how === 'deleted') rmSync(join(dir, f), { force: true });
          else renameSync(join(dir, f), join(root, `${f}.aside`));
        }
        const r = await fetch(`${hub.url}/api/bundles`, { method: 'POST', headers: { 'X-Lentera-Signer': await signerOf(venue.file) }, body: readFileSync(venue.file) });
        status = r.status;
        code = ((await r.json()) as { error?: { code: string } }).error?.code;
      } finally {
        await hub.close();
      }
      expect(status).toBe(503);
      expect(code).toBe('HUB_STORE_UNAVAILABLE');
      if (how === 'moved away') for (const f of ['hub.sqlite', 'hub.sqlite-wal', 'hub.sqlite-shm']) rmSync(join(dir, f), { force: true });
      if (how === 'moved away') for (const f of ['hub.sqlite', 'hub.sqlite-wal', 'hub.sqlite-shm']) renameSync(join(root, `${f}.aside`), join(dir, f));
      // Nothing was acknowledged: the hub, back on its file, takes the bundle sent again.
      const again = Publisher.open(dir);
      try {
        if (how === 'deleted') addTrustedSigner(again.db, readCertificate(Buffer.from(venue.pem)), { exam: venue.exam, at: new Date().toISOString(), by: 'test' });
        const ack = await again.ingest(venue.file, new Date().toISOString(), 'test');
        expect(ack.unchanged).toBe(false);
        expect(ack.leaves).toBe(10);
      } finally {
        again.close();
      }
    }, 180_000);
  }
});
