import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedSigner } from '../../src-main/core/bundles/trust';
import { readCertificate } from '../../src-main/core/keys/pki';
import { verifyCheckpoint } from '../../src-main/core/ledger/checkpoint';
import { fromB64url, fromHex, MerkleTree, verifyConsistency } from '../../src-main/core/ledger/merkle';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';
import { Publisher, type SignedAck } from '../../src-main/core/publish/publisher';
import { demoVenueBundle } from './helpers';
import { startPgCluster, type PgCluster } from './pg-cluster';

/**
 * Issue 18: two hub processes on one store ingest different bundles at the same moment. Both must succeed and leave
 * one log: every leaf once, each checkpoint the root of the leaves below it, the later one extending the earlier, no
 * two heads of one size. SQLite serialises the two merges (an immediate transaction each, the busy timeout, begun
 * again if need be); on PostgreSQL the hub's write lock does (an advisory lock at BEGIN). The log's tree in each
 * process reads what the other appended before it appends.
 */

const root = mkdtempSync(join(tmpdir(), 'lentera-hub-two-'));
const run = promisify(execFile);
const bundles: string[] = [];

/** A demo venue's bundle of `candidates` candidates, its coordinator named after the venue. */
const venue = (name: string, candidates: number) => demoVenueBundle(join(root, name), { candidates, displayName: `Koordinator ${name}` });

const venues: { file: string; pem: string; exam: string }[] = [];
let cluster: PgCluster;

beforeAll(async () => {
  venues.push(await venue('a', 400), await venue('b', 300));
  for (const v of venues) bundles.push(v.file);
  cluster = startPgCluster();
}, 180_000);

afterAll(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.each(['SQLite', 'PostgreSQL'])('two hub processes on one store (%s)', (store) => {
  it('ingest different bundles at once: both succeed, one consistent log', async () => {
    // One data folder (the log's key), and one store: its SQLite file, or a PostgreSQL database both connect to.
    const hubDir = join(root, `hub-${store}`);
    const db = store === 'PostgreSQL' ? cluster.createDatabase('hub') : '';
    const opts = db ? { db } : {};
    const setup = Publisher.open(hubDir, opts);
    for (const v of venues) addTrustedSigner(setup.db, readCertificate(Buffer.from(v.pem)), { exam: v.exam, at: new Date().toISOString(), by: 'test' });
    setup.close();
    // Each process opens the hub, then waits for the other to be ready, so the two merges overlap.
    const script = join(root, 'ingest.mts');
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from 'node:fs';
import { Publisher } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'src-main', 'core', 'publish', 'publisher.ts'))};
const [dir, file, me, other, db] = process.argv.slice(2);
const p = Publisher.open(dir, db ? { db } : {});
writeFileSync(me, '');
while (!existsSync(other)) await new Promise((ok) => setTimeout(ok, 5));
const ack = await p.ingest(file, new Date().toISOString(), 'test');
p.close();
console.log(JSON.stringify(ack));
`,
    );
    const ready = [join(root, `ready-${store}-0`), join(root, `ready-${store}-1`)];
    const acks = (
      await Promise.all(bundles.map((file, i) => run(process.execPath, ['--import', 'tsx', script, hubDir, file, ready[i]!, ready[1 - i]!, db], { maxBuffer: 1 << 26 })))
    ).map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!) as SignedAck);

    const hub = Publisher.open(hubDir, opts);
    try {
      // Both merged, and neither saw the other's as its own.
      expect(acks.map((a) => a.unchanged)).toEqual([false, false]);
      expect(hub.db.prepare('SELECT COUNT(*) FROM merged_bundles').pluck().get()).toBe(2);
      const leaves = hub.db.prepare('SELECT COUNT(*) FROM ledger_leaves').pluck().get() as number;
      expect(leaves).toBe(acks[0]!.leaves + acks[1]!.leaves);
      // The two heads: one after the other, the later of the whole log, the earlier a prefix of it.
      const [first, second] = [...acks].sort((x, y) => x.checkpoint.size - y.checkpoint.size);
      expect(second!.checkpoint.size).toBe(leaves);
      expect(first!.checkpoint.size).toBe(first!.leaves);
      const key = fromB64url(hub.log.publicKey());
      for (const a of acks) expect(verifyCheckpoint(a.checkpoint, key)).toBe(true);
      // Rebuilt from the table by a tree of this test's own: every stored head is the root of the leaves below it.
      const tree = new MerkleTree();
      for (const h of hub.db.prepare('SELECT leaf_hash FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[]) tree.append(h);
      const heads = hub.log.checkpoints();
      expect(heads.map((c) => c.size)).toEqual([first!.checkpoint.size, second!.checkpoint.size]);
      for (const c of heads) expect(Buffer.from(tree.root(c.size)).toString('hex')).toBe(c.root);
      const proof = hub.log.consistencyProof(first!.checkpoint.size, second!.checkpoint.size).map(fromHex);
      expect(verifyConsistency(first!.checkpoint.size, second!.checkpoint.size, fromHex(first!.checkpoint.root), fromHex(second!.checkpoint.root), proof)).toBe(true);
      // Each bundle's receipts: all of its leaves, each proved against its own acknowledgement's head.
      for (const a of acks) {
        const receipts = hub.receiptsOfBundle(a.bundle);
        expect(receipts).toHaveLength(a.leaves);
        for (const r of receipts) {
          expect(r.checkpoint).toEqual(a.checkpoint);
          expect(verifyReceipt(r, { trustedLogKey: hub.log.publicKey() }).ok).toBe(true);
        }
      }
    } finally {
      hub.close();
    }
  }, 180_000);
});
