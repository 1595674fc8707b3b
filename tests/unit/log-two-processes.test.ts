import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/db/open';
import { openPgStore } from '../../src-main/core/db/pg/schema';
import { verifyCheckpoint, type SignedCheckpoint } from '../../src-main/core/ledger/checkpoint';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { fromB64url, fromHex, MerkleTree, toHex, verifyConsistency } from '../../src-main/core/ledger/merkle';
import { startPgCluster, type PgCluster } from './pg-cluster';

/**
 * Issue 18: hub processes on one store append to one log at once, and it never forks. Each process merges many small
 * batches, each with its checkpoint in the same transaction, as the hub does; the two interleave. On PostgreSQL the
 * hub's write lock (an advisory lock taken at BEGIN) makes them take turns, as SQLite's single writer does: without
 * it, both would read the same last leaf and write the same index.
 */

const root = mkdtempSync(join(tmpdir(), 'lentera-log-two-'));
const run = promisify(execFile);
let cluster: PgCluster;

beforeAll(() => {
  cluster = startPgCluster();
});
afterAll(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

const BATCHES = 25;
const PER_BATCH = 8;

const script = join(root, 'append.mts');
const src = (p: string) => JSON.stringify(join(import.meta.dirname, '..', '..', 'src-main', ...p.split('/')));
writeFileSync(
  script,
  `import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from ${src('core/db/open.ts')};
import { openPgStore } from ${src('core/db/pg/schema.ts')};
import { writeTransaction } from ${src('core/db/transaction.ts')};
import { TransparencyLog } from ${src('core/ledger/log.ts')};
const [store, dir, me, other, who] = process.argv.slice(2);
const db = store.startsWith('postgres') ? openPgStore(store).asDb() : openDatabase(join(dir, 'hub.db'));
const log = new TransparencyLog(db, dir);
writeFileSync(me, '');
while (!existsSync(other)) await new Promise((ok) => setTimeout(ok, 5));
const heads = [];
for (let b = 0; b < ${BATCHES}; b++) {
  const entries = Array.from({ length: ${PER_BATCH} }, (_, i) => ({ exam: 'E', nomor: who + '-' + (b * ${PER_BATCH} + i), digest: String(b % 10).repeat(64), bundle: who }));
  heads.push(writeTransaction(db, () => {
    log.append(entries, 't');
    return log.checkpoint('t');
  }));
  // A moment between merges, as a hub has (the next upload arriving): the other process's turn comes in between.
  await new Promise((ok) => setTimeout(ok, 2));
}
db.close();
console.log(JSON.stringify(heads));
`,
);

async function race(store: string, dir: string): Promise<SignedCheckpoint[][]> {
  const ready = [join(dir, 'ready-a'), join(dir, 'ready-b')];
  const outs = await Promise.all(
    ['a', 'b'].map((who, i) => run(process.execPath, ['--import', 'tsx', script, store, dir, ready[i]!, ready[1 - i]!, who], { maxBuffer: 1 << 24 })),
  );
  return outs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as SignedCheckpoint[]);
}

describe.each(['SQLite', 'PostgreSQL'])('two processes appending to one log (%s)', (name) => {
  it('both succeed; every head is the root of the leaves below it, each extends the one before, none is signed twice', async () => {
    const dir = mkdtempSync(join(root, 'store-'));
    let store: string;
    if (name === 'PostgreSQL') {
      store = cluster.createDatabase(`race_${dir.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, '_')}`);
      openPgStore(store).close(); // the schema made before the two start, as a hub's first start does
    } else {
      store = 'sqlite';
      openDatabase(join(dir, 'hub.db'), { create: true }).close();
    }
    // Both processes sign with the hub's one key: made once, before them.
    const first = name === 'PostgreSQL' ? openPgStore(store).asDb() : openDatabase(join(dir, 'hub.db'));
    const publicKey = new TransparencyLog(first, dir).publicKey();
    first.close();

    const [a, b] = await race(store, dir);
    const heads = [...a!, ...b!].sort((x, y) => x.size - y.size);
    expect(heads).toHaveLength(2 * BATCHES);
    // Every batch landed whole, in its own turn: the sizes are the multiples of a batch, each once.
    expect(heads.map((h) => h.size)).toEqual(Array.from({ length: 2 * BATCHES }, (_, i) => (i + 1) * PER_BATCH));
    // Each process's heads grow; the two interleaved (neither ran all its batches first), or the race was not one.
    for (const mine of [a!, b!]) expect(mine.map((h) => h.size)).toEqual([...mine.map((h) => h.size)].sort((x, y) => x - y));
    expect(a!.some((h) => h.size < b!.at(-1)!.size && h.size > b![0]!.size) || b!.some((h) => h.size < a!.at(-1)!.size && h.size > a![0]!.size)).toBe(true);

    const db = name === 'PostgreSQL' ? openPgStore(store).asDb() : openDatabase(join(dir, 'hub.db'));
    try {
      const tree = new MerkleTree();
      for (const h of db.prepare('SELECT leaf_hash FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[]) tree.append(h);
      expect(tree.size).toBe(2 * BATCHES * PER_BATCH);
      const key = fromB64url(publicKey);
      const log = new TransparencyLog(db, dir);
      expect(log.checkpoints()).toEqual(heads);
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        expect(verifyCheckpoint(h, key)).toBe(true);
        expect(h.root).toBe(toHex(tree.root(h.size)));
        if (i > 0) {
          const prev = heads[i - 1]!;
          const proof = log.consistencyProof(prev.size, h.size).map(fromHex);
          expect(verifyConsistency(prev.size, h.size, fromHex(prev.root), fromHex(h.root), proof)).toBe(true);
        }
      }
    } finally {
      db.close();
    }
  }, 120_000);
});
