/**
 * A hub whose log key is not the one its database's log is signed with: a second machine on a shared database
 * whose keys/ was not copied, or a key file lost and made anew on restart. It signed the shared log with a key of
 * its own (loadLogKey makes one when none is there), and every checkpoint after that belonged to another log: the
 * receipts issued before could no longer be proven against the pinned key. Found by review.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { readCertificate } from '../../src-main/core/keys/pki';
import { LOG_KEY_FILE } from '../../src-main/core/ledger/log';
import { Publisher } from '../../src-main/core/publish/publisher';
import { demoVenueBundle } from '../unit/helpers';
import { havePostgres, startPgCluster, type PgCluster } from '../unit/pg-cluster';

const root = mkdtempSync(join(tmpdir(), 'lentera-log-key-'));
let venues: Awaited<ReturnType<typeof demoVenueBundle>>[];
let cluster: PgCluster | undefined;

beforeAll(async () => {
  venues = [await demoVenueBundle(join(root, 'ws-a'), { candidates: 10 }), await demoVenueBundle(join(root, 'ws-b'), { candidates: 14, displayName: 'Budi Santoso' })];
  if (havePostgres) cluster = startPgCluster();
}, 180_000);

afterAll(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

const trust = (p: Publisher, v: (typeof venues)[number]) => addTrustedSigner(p.db, readCertificate(Buffer.from(v.pem)), { exam: v.exam, at: new Date().toISOString(), by: 'test' });

describe('a log key that is not the log\'s', () => {
  it('a key file lost and made anew: the hub refuses to open, and signs nothing', async () => {
    const dir = join(root, 'hub-lost-key');
    const p = Publisher.open(dir);
    trust(p, venues[0]!);
    const ack = await p.ingest(venues[0]!.file, new Date().toISOString(), 'test');
    const logId = p.log.logId();
    p.close();
    rmSync(join(dir, 'keys', LOG_KEY_FILE));
    expect(() => Publisher.open(dir)).toThrow(expect.objectContaining({ code: 'LOG_KEY_MISMATCH', details: expect.objectContaining({ expected: logId }) }));
    expect(ack.checkpoint.log).toBe(logId);
  }, 120_000);

  it.skipIf(!havePostgres)('a second machine on a shared database without its keys/: refused at open, or at its first signing if it opened first; every checkpoint is the log\'s', async () => {
    const url = cluster!.createDatabase('shared');
    const m1 = Publisher.open(join(root, 'machine-1'), { db: url });
    // Opened before anything is signed: it cannot know yet.
    const m2 = Publisher.open(join(root, 'machine-2'), { db: url });
    try {
      trust(m1, venues[0]!);
      trust(m1, venues[1]!);
      await m1.ingest(venues[0]!.file, new Date().toISOString(), 'test');
      await expect(m2.ingest(venues[1]!.file, new Date().toISOString(), 'test')).rejects.toMatchObject({ code: 'LOG_KEY_MISMATCH' });
      expect(() => Publisher.open(join(root, 'machine-3'), { db: url })).toThrow(expect.objectContaining({ code: 'LOG_KEY_MISMATCH' }));
      expect(new Set(m1.log.checkpoints().map((c) => c.log))).toEqual(new Set([m1.log.logId()]));
      // The machine with the log's key goes on.
      const ack = await m1.ingest(venues[1]!.file, new Date().toISOString(), 'test');
      expect(ack.leaves).toBeGreaterThan(0);
      expect(ack.checkpoint.log).toBe(m1.log.logId());
      expect(m1.log.leafProof(0)).not.toBeNull();
    } finally {
      m1.close();
      m2.close();
    }
  }, 180_000);
});
