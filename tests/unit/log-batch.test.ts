import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { MerkleTree, toHex } from '../../src-main/core/ledger/merkle';
import { verifyReceipt, type Receipt } from '../../src-main/core/ledger/receipt';
import { logStores } from './log-stores';

/**
 * Issue 16: a bundle's 100k results are appended and receipted in a few queries (`append` from 64 entries on,
 * `receiptsOf`), and the tree keeps the hashes of incomplete ranges. Each must give exactly what the one-by-one
 * path gives.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const hex64 = fc.integer({ min: 0, max: 7 }).map((n) => String(n).repeat(64));

function freshLog() {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-log-batch-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'hub.sqlite'), { create: true });
  return { db, log: new TransparencyLog(db, dir) };
}

const STORES = logStores();

/** `db` counting into `read.bytes` the bytes of every blob its statements give back: what a caller reads. */
function countingReads(db: Db, read: { bytes: number }): Db {
  const count = (x: unknown): unknown => {
    if (x instanceof Uint8Array) read.bytes += x.length;
    else if (Array.isArray(x)) x.forEach(count);
    else if (x && typeof x === 'object') Object.values(x).forEach(count);
    return x;
  };
  const statement = (stmt: object): object =>
    new Proxy(stmt, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        if (key === 'raw' || key === 'pluck' || key === 'expand') return (...args: unknown[]) => (value.apply(target, args), statement(target));
        if (key === 'get' || key === 'all') return (...args: unknown[]) => count(value.apply(target, args));
        if (key === 'iterate')
          return function* (...args: unknown[]) {
            for (const row of value.apply(target, args) as Iterable<unknown>) yield count(row);
          };
        return value.bind(target);
      },
    });
  return new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'prepare') return (text: string) => statement((value as (t: string) => object).call(target, text));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * `chunks` chunks of 4,096 leaves and 5 leaves more appended to `log`, then a checkpoint; a leaf's proof by a log, and
 * by a tree holding every hash (as the log's tree did before it let chunks go).
 */
function filled(db: Db, log: TransparencyLog, chunks: number) {
  const entries = Array.from({ length: chunks * 4096 + 5 }, (_, i) => ({ exam: 'E', nomor: `N${i}`, digest: (i % 16).toString(16).repeat(64), bundle: 'B' }));
  db.transaction(() => log.append(entries, 't'))();
  const cp = db.transaction(() => log.checkpoint('t'))();
  const all = new MerkleTree((db.prepare('SELECT leaf_hash FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[]).map((h) => new Uint8Array(h)));
  return { cp, proved: (l: TransparencyLog, index: number) => l.leafProof(index, cp)!.proof, truth: (index: number) => all.inclusionProof(index, cp.size).map(toHex) };
}

describe.each(STORES)('the transparency log, a whole exam at once ($name)', (store) => {
  const freshLog = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-log-batch-'));
    dirs.push(dir);
    const db = store.open(dir);
    return { db, log: new TransparencyLog(db, dir) };
  };

  it("append in one batch skips and salts as one entry at a time does; a bundle's receipts, page by page, prove each of its leaves", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ nomor: fc.integer({ min: 1, max: 90 }).map((n) => `N${n}`), digest: hex64 }), { minLength: 64, maxLength: 150 }),
        fc.array(fc.record({ nomor: fc.integer({ min: 1, max: 90 }).map((n) => `N${n}`), digest: hex64 }), { maxLength: 100 }),
        (first, second) => {
          const a = freshLog();
          const b = freshLog();
          const entries = (xs: { nomor: string; digest: string }[], bundle: string) => xs.map((x) => ({ exam: 'E', nomor: x.nomor, digest: x.digest, bundle }));
          const batch = a.db.transaction(() => [a.log.append(entries(first, 'B1'), 't1'), a.log.append(entries(second, 'B2'), 't2')])();
          const single = b.db.transaction(() => [first.flatMap((e) => b.log.append(entries([e], 'B1'), 't1')), second.flatMap((e) => b.log.append(entries([e], 'B2'), 't2'))])();
          expect(batch).toEqual(single);
          const rows = (db: typeof a.db) => db.prepare('SELECT idx, nomor_peserta, digest FROM ledger_leaves ORDER BY idx').all();
          expect(rows(a.db)).toEqual(rows(b.db));
          // One salt per candidate, kept for every later leaf.
          const salts = a.db.prepare('SELECT COUNT(*) FROM ledger_salts').pluck().get();
          expect(salts).toBe(new Set([...first, ...second].map((x) => x.nomor)).size);
          const cp = a.db.transaction(() => a.log.checkpoint('t3'))();
          const all = [...batch[0]!, ...batch[1]!];
          const whole = (bundle: string) => a.log.bundleReceipts(bundle, 0, a.log.size, 1e6, cp);
          const many = [...whole('B1'), ...whole('B2')];
          expect(many.map((r) => r.index)).toEqual(all);
          // In pages of 7, each from the index after the last one given: the same receipts.
          const paged: Receipt[] = [];
          for (const bundle of ['B1', 'B2']) {
            for (let from = 0, page = a.log.bundleReceipts(bundle, from, a.log.size, 7, cp); page.length > 0; from = page[page.length - 1]!.index + 1, page = a.log.bundleReceipts(bundle, from, a.log.size, 7, cp)) paged.push(...page);
          }
          expect(paged).toEqual(many);
          const leaf = a.db.prepare('SELECT nomor_peserta AS nomor, digest FROM ledger_leaves WHERE idx = ?');
          const latest = a.db.prepare('SELECT MAX(idx) FROM ledger_leaves WHERE nomor_peserta = ?').pluck();
          for (const r of many) {
            expect(leaf.get(r.index)).toEqual({ nomor: r.nomor, digest: r.digest });
            expect(verifyReceipt(r, { trustedLogKey: a.log.publicKey() })).toMatchObject({ ok: true, failure: null });
            // The candidate's latest leaf: exactly the receipt `receipt` gives them.
            if (latest.get(r.nomor) === r.index) expect(r).toEqual(a.log.receipt('E', r.nomor, cp));
          }
          a.db.close();
          b.db.close();
        },
      ),
      // Each run is a few thousand round trips on PostgreSQL (entries appended one by one): fewer runs there.
      { numRuns: store.name === 'PostgreSQL' ? 4 : 12 },
    );
  });

  it('an entry ifLogged (a result withdrawn) is logged for a candidate logged before, and for no other, in a batch as one at a time', () => {
    for (const size of [1, 100]) {
      const { db, log } = freshLog();
      const logged = Array.from({ length: size }, (_, i) => ({ exam: 'E', nomor: `L${i}`, digest: 'a'.repeat(64) }));
      db.transaction(() => log.append(logged, 't1'))();
      // The same candidates held back (a new digest), and as many never logged, held back too.
      const held = [...logged.map((e) => ({ ...e, digest: 'b'.repeat(64), ifLogged: true })), ...logged.map((e, i) => ({ ...e, nomor: `N${i}`, digest: 'b'.repeat(64), ifLogged: true }))];
      const added = db.transaction(() => log.append(held, 't2'))();
      expect(added, `${size}`).toHaveLength(size);
      const rows = db.prepare("SELECT nomor_peserta FROM ledger_leaves WHERE digest = ? ORDER BY idx").pluck().all('b'.repeat(64));
      expect(rows, `${size}`).toEqual(logged.map((e) => e.nomor));
    }
  });

  it("another venue's bundle of a large exam reads only its own candidates' leaves and salts, and skips and salts as one entry at a time does", () => {
    // The exam holds far more candidates than the second bundle names (more than twice as many): the second append
    // looks its candidates up by the index instead of reading the exam whole, in pieces of 500 on SQLite.
    const held = store.name === 'PostgreSQL' ? 300 : 1_200;
    const most = store.name === 'PostgreSQL' ? 100 : 590;
    fc.assert(
      fc.property(
        fc.array(hex64, { minLength: held, maxLength: held }),
        fc.array(fc.record({ nomor: fc.integer({ min: 1, max: held + held / 4 }).map((n) => `N${n}`), digest: hex64 }), { minLength: 64, maxLength: most }),
        (firstDigests, second) => {
          const a = freshLog();
          const b = freshLog();
          const first = firstDigests.map((digest, i) => ({ nomor: `N${i + 1}`, digest }));
          const entries = (xs: { nomor: string; digest: string }[], bundle: string) => xs.map((x) => ({ exam: 'E', nomor: x.nomor, digest: x.digest, bundle }));
          // the first into both at once (it is not what is compared), the second at once into one and one by one into the other
          a.db.transaction(() => a.log.append(entries(first, 'B1'), 't1'))();
          b.db.transaction(() => b.log.append(entries(first, 'B1'), 't1'))();
          const named = new Set(second.map((x) => x.nomor)).size;
          expect(held).toBeGreaterThan(2 * named);
          const batch = a.db.transaction(() => a.log.append(entries(second, 'B2'), 't2'))();
          const single = b.db.transaction(() => second.flatMap((e) => b.log.append(entries([e], 'B2'), 't2')))();
          expect(batch).toEqual(single);
          const rows = (db: typeof a.db) => db.prepare('SELECT idx, nomor_peserta, digest FROM ledger_leaves ORDER BY idx').all();
          expect(rows(a.db)).toEqual(rows(b.db));
          // Each candidate's salt made once and kept for their later leaves: none made again for one the exam holds.
          expect(a.db.prepare('SELECT COUNT(*) FROM ledger_salts').pluck().get()).toBe(new Set([...first, ...second].map((x) => x.nomor)).size);
          a.db.close();
          b.db.close();
        },
      ),
      { numRuns: store.name === 'PostgreSQL' ? 2 : 6 },
    );
  });

  it("bundleReceipts refuses a checkpoint of another log, and gives no receipt for a leaf after the checkpoint or of another bundle", () => {
    const a = freshLog();
    const b = freshLog();
    const e = Array.from({ length: 70 }, (_, i) => ({ exam: 'E', nomor: `N${i}`, digest: '1'.repeat(64), bundle: 'B1' }));
    a.db.transaction(() => a.log.append(e, 't'))();
    const cp = a.db.transaction(() => a.log.checkpoint('t'))();
    b.db.transaction(() => b.log.append(e, 't'))();
    const other = b.db.transaction(() => b.log.checkpoint('t'))();
    expect(() => a.log.bundleReceipts('B1', 0, 69, 100, other)).toThrow(/does not belong/);
    a.db.transaction(() => a.log.append(e.map((x) => ({ ...x, digest: '2'.repeat(64), bundle: 'B2' })), 't2'))();
    expect(a.log.bundleReceipts('B2', 0, 139, 100, cp)).toEqual([]);
    expect(a.log.bundleReceipts('B1', 0, 139, 100, cp)).toHaveLength(70);
    expect(a.log.bundleReceipts('B3', 0, 139, 100, cp)).toEqual([]);
    a.db.close();
    b.db.close();
  });

  it('leaves(from) gives each leaf\'s exact bytes across the shared blocks it copies them into, from any index', () => {
    // 3,000 leaves of about 100 bytes: several blocks (64 KiB, then doubling), leaves on either side of each seam.
    const { db, log } = freshLog();
    const e = Array.from({ length: 3000 }, (_, i) => ({ exam: 'E', nomor: `N${i}`, digest: (i % 16).toString(16).repeat(64), bundle: 'B1' }));
    db.transaction(() => log.append(e, 't'))();
    // The stored bytes, read in one query (a leafAt per leaf is 12,000 round trips on PostgreSQL); leafAt agrees.
    const stored = db.prepare('SELECT leaf FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[];
    for (const i of [0, 1, 1499, 2999]) expect(Buffer.compare(stored[i]!, log.leafAt(i)!)).toBe(0);
    for (const from of [0, 1, 655, 2999, 3000]) {
      const got = log.leaves(from);
      expect(got).toHaveLength(3000 - from);
      got.forEach((leaf, k) => expect(Buffer.compare(leaf, stored[from + k]!)).toBe(0));
    }
    // A leaf is its own bytes: no view reaches into its neighbour.
    const all = log.leaves();
    expect(new Set(all.map((l) => l.buffer)).size).toBeGreaterThan(1);
    expect(all.reduce((n, l) => n + l.length, 0)).toBe(stored.reduce((n, l) => n + l.length, 0));
    db.close();
  });

  it('the tree is kept by chunks of 4,096 leaves: a log opened again loads them and gives the roots and paths of the leaves themselves', () => {
    const { db, log } = freshLog();
    const entries = (from: number, n: number, bundle: string) => Array.from({ length: n }, (_, i) => ({ exam: 'E', nomor: `N${from + i}`, digest: ((from + i) % 16).toString(16).repeat(64), bundle }));
    // Batches across the seams of chunks, a record leaf between them, a checkpoint in the middle.
    db.transaction(() => log.append(entries(0, 4000, 'B1'), 't1'))();
    db.transaction(() => log.appendRecord({ exam: 'E', kind: 'pengumuman', key: 'pengumuman:1', record: new TextEncoder().encode('{}') }, 't2'))();
    db.transaction(() => log.append(entries(4000, 3000, 'B2'), 't3'))();
    const cp = db.transaction(() => log.checkpoint('t4'))();
    db.transaction(() => log.append(entries(7000, 2000, 'B3'), 't5'))();
    expect(log.size).toBe(9001);
    const chunks = db.prepare('SELECT chunk, length(levels) AS bytes FROM ledger_chunks ORDER BY chunk').all();
    expect(chunks).toEqual([{ chunk: 0, bytes: 8191 * 32 }, { chunk: 1, bytes: 8191 * 32 }]);
    const hashes = (db.prepare('SELECT leaf_hash FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[]).map((h) => new Uint8Array(h));
    const fresh = new MerkleTree(hashes);
    const again = new TransparencyLog(db, dirs[dirs.length - 1]!);
    for (const size of [1, 4095, 4096, 4097, cp.size, 8192, 8193, 9001]) {
      expect(again.rootAt(size)).toBe(toHex(fresh.root(size)));
      for (const i of [0, size >> 1, size - 1]) expect(again.leafProof(i, { ...cp, size, root: toHex(fresh.root(size)) })!.proof).toEqual(fresh.inclusionProof(i, size).map(toHex));
    }
    expect(again.leafProof(4096, cp)!.proof).toEqual(fresh.inclusionProof(4096, cp.size).map(toHex));
    db.close();
  });

  it('a log opened again loads its chunks sixteen to a statement, reading of each only the levels it holds: every one of 17, across the page, and the roots of the leaves themselves', () => {
    const { db, log } = freshLog();
    const n = 17 * 4096 + 5;
    db.transaction(() => log.append(Array.from({ length: n }, (_, i) => ({ exam: 'E', nomor: `N${i}`, digest: (i % 16).toString(16).repeat(64) })), 't1'))();
    const hashes = (db.prepare('SELECT leaf_hash FROM ledger_leaves ORDER BY idx').pluck().all() as Uint8Array[]).map((h) => new Uint8Array(h));
    const fresh = new MerkleTree(hashes);
    const read = { bytes: 0 };
    const again = new TransparencyLog(countingReads(db, read), dirs[dirs.length - 1]!);
    expect(again.size).toBe(n);
    // Loaded from the kept chunks, not rebuilt from the leaves (a page's end misread would still give the roots).
    expect((again as unknown as { keptChunks: number }).keptChunks).toBe(17);
    // Of each chunk, the 31 hashes it holds from level 8 up (992 bytes), not its 8,191 (262 KB, 4.5 MB in all); the
    // last kept chunk's leaves read back to check its last leaf (128 KB), the 5 leaves after it.
    expect(read.bytes).toBeGreaterThanOrEqual(17 * 992 + 4096 * 32);
    expect(read.bytes).toBeLessThan(17 * 992 + 4096 * 32 + 4096);
    for (const size of [16 * 4096 - 1, 16 * 4096, 16 * 4096 + 1, 17 * 4096, n]) expect(again.rootAt(size)).toBe(toHex(fresh.root(size)));
    db.close();
  });

  it("holds only its latest chunks' lower levels (memory flat in the log, issue 18): every older leaf still proved right, before and after it is opened again, and by another process's log that only reads", () => {
    const { db, log } = freshLog();
    const dir = dirs[dirs.length - 1]!;
    const CHUNK = 4096;
    const chunks = 20;
    // Another hub process on the same store, open before the leaves come: it reads them in as they grow elsewhere.
    const reader = new TransparencyLog(store.connect(dir), dir);
    expect(reader.size).toBe(0);
    const { cp, proved, truth } = filled(db, log, chunks);
    // The log that took them lets go of all but the latest 16 chunks once the table has them.
    expect((log.treeReader() as MerkleTree).evictedChunks).toBe(chunks - 16);
    for (const index of [0, 5, 3 * CHUNK + 17, 4 * CHUNK - 1, 19 * CHUNK, chunks * CHUNK + 4]) expect(proved(log, index)).toEqual(truth(index));
    expect(reader.size).toBe(chunks * CHUNK + 5);
    expect((reader.treeReader() as MerkleTree).evictedChunks).toBe(chunks - 16);
    for (const index of [9, 6 * CHUNK + 1, chunks * CHUNK + 3]) expect(proved(reader, index)).toEqual(truth(index));
    // A log opened on it holds only the chunks' roots, and reads a chunk back when a proof needs it.
    const reopened = new TransparencyLog(db, dir);
    expect((reopened.treeReader() as MerkleTree).evictedChunks).toBe(chunks);
    expect(reopened.rootAt(cp.size)).toBe(cp.root);
    for (const index of [1, 2 * CHUNK + 5, 11 * CHUNK + 4095, chunks * CHUNK + 2]) expect(proved(reopened, index)).toEqual(truth(index));
    db.close();
  }, 120_000);

});

describe('the transparency log, a whole exam at once (SQLite)', () => {
  it("a kept chunk changed below its root (its leaves, not its root) is read back from the leaves table: its leaves still proved right", () => {
    const { db, log } = freshLog();
    const dir = dirs[dirs.length - 1]!;
    const CHUNK = 4096;
    const chunks = 17;
    const { proved, truth } = filled(db, log, chunks);
    // A kept chunk whose leaves were changed (its root left as it was): the proofs come from the leaves table.
    const levels = db.prepare('SELECT levels FROM ledger_chunks WHERE chunk = 7').pluck().get() as Uint8Array;
    const bad = new Uint8Array(levels);
    bad[100] = bad[100]! ^ 1;
    db.exec('DROP TRIGGER IF EXISTS ledger_chunks_no_delete');
    db.prepare('DELETE FROM ledger_chunks WHERE chunk = 7').run();
    db.prepare('INSERT INTO ledger_chunks (chunk, levels) VALUES (7, ?)').run(bad);
    const tampered = new TransparencyLog(db, dir);
    for (const index of [7 * CHUNK, 7 * CHUNK + 3, 7 * CHUNK + 4095]) expect(proved(tampered, index)).toEqual(truth(index));
    db.close();
  }, 120_000);

  it('a rolled-back fill keeps no chunk; a log with none (from before migration 17) is read from its leaves and keeps them at its next append; a chunk that disagrees with the leaves is not used', () => {
    const { db, log } = freshLog();
    const dir = dirs[dirs.length - 1]!;
    const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ exam: 'E', nomor: `N${from + i}`, digest: ((from + i) % 16).toString(16).repeat(64), bundle: 'B' }));
    expect(() =>
      db.transaction(() => {
        log.append(entries(0, 5000), 't');
        throw new Error('crash after the append');
      })(),
    ).toThrow(/crash/);
    expect(db.prepare('SELECT COUNT(*) FROM ledger_chunks').pluck().get()).toBe(0);
    expect(log.size).toBe(0);
    db.transaction(() => log.append(entries(0, 5000), 't'))();
    db.transaction(() => log.checkpoint('t'))();
    const root = log.rootAt(5000);
    // As a log from before the chunks were kept.
    db.exec('DROP TRIGGER ledger_chunks_no_delete; DELETE FROM ledger_chunks');
    const old = new TransparencyLog(db, dir);
    expect(old.rootAt(5000)).toBe(root);
    db.transaction(() => old.append(entries(5000, 10), 't'))();
    expect(db.prepare('SELECT chunk FROM ledger_chunks').pluck().all()).toEqual([0]);
    // A chunk whose root is not the leaves' (its last hash changed): the log is read from the leaves instead.
    const levels = db.prepare('SELECT levels FROM ledger_chunks WHERE chunk = 0').pluck().get() as Uint8Array;
    const bad = new Uint8Array(levels);
    bad[bad.length - 1]! ^= 1;
    db.exec('DELETE FROM ledger_chunks');
    db.prepare('INSERT INTO ledger_chunks (chunk, levels) VALUES (0, ?)').run(bad);
    expect(new TransparencyLog(db, dir).rootAt(5000)).toBe(root);
    // The same with the chunk's last leaf hash changed (a tree the checkpoint's root would not catch below it).
    const badLeaf = new Uint8Array(levels);
    badLeaf[4096 * 32 - 1]! ^= 1;
    db.exec('DELETE FROM ledger_chunks');
    db.prepare('INSERT INTO ledger_chunks (chunk, levels) VALUES (0, ?)').run(badLeaf);
    const reread = new TransparencyLog(db, dir);
    expect(reread.rootAt(5000)).toBe(root);
    expect(reread.rootAt(4096)).toBe(old.rootAt(4096));
    // The open reads a row's held levels where a whole row keeps them. A row cut short by a hash gives too few: it is
    // refused, and the log is read from its leaves. A row grown by a hash still has them in their place, checked as
    // ever (the bytes after them are never read).
    for (const [row, kept] of [[levels.subarray(0, levels.length - 32), 0], [Buffer.concat([levels, new Uint8Array(32)]), 1]] as const) {
      db.exec('DELETE FROM ledger_chunks');
      db.prepare('INSERT INTO ledger_chunks (chunk, levels) VALUES (0, ?)').run(row);
      const cut = new TransparencyLog(db, dir);
      expect((cut as unknown as { keptChunks: number }).keptChunks).toBe(kept);
      expect(cut.rootAt(5000)).toBe(root);
    }
    // The leaf beside it is proved with its true neighbour.
    const cp = old.latestCheckpoint()!;
    expect(reread.leafProof(4094, cp)!.proof).toEqual(old.leafProof(4094, cp)!.proof);
    db.close();
  });

  it('appendSubtree gives the tree that appending its leaves one by one gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 }), (height, before, after) => {
        const width = 2 ** height;
        const leaves = Array.from({ length: (before + 1) * width + after }, (_, i) => new Uint8Array(32).fill(i % 251));
        const grown = new MerkleTree(leaves);
        const loaded = new MerkleTree(leaves.slice(0, before * width));
        loaded.appendSubtree(height, grown.subtreeLevels(height, before));
        for (const l of leaves.slice((before + 1) * width)) loaded.append(l);
        expect(loaded.size).toBe(grown.size);
        for (let size = 1; size <= grown.size; size++) expect(toHex(loaded.root(size))).toBe(toHex(grown.root(size)));
        expect(() => new MerkleTree(leaves.slice(0, 1)).appendSubtree(height + 1, grown.subtreeLevels(height, 0))).toThrow(RangeError);
      }),
      { numRuns: 40 },
    );
  });

  it('the tree gives the same roots and paths with its kept ranges as a tree built afresh at each size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 140 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (n, picks) => {
        const leaves = Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i % 251));
        const grown = new MerkleTree();
        for (const [i, l] of leaves.entries()) {
          grown.append(l);
          if (i % 5 !== 4 && i !== n - 1) continue;
          for (const p of picks) {
            const size = 1 + (p % (i + 1));
            const fresh = new MerkleTree(leaves.slice(0, size));
            expect(toHex(grown.root(size))).toBe(toHex(fresh.root()));
            const at = p % size;
            expect(grown.inclusionProof(at, size).map(toHex)).toEqual(fresh.inclusionProof(at).map(toHex));
            expect(grown.inclusionPath(at, size).map(toHex)).toEqual(fresh.inclusionProof(at).map(toHex));
          }
        }
      }),
      { numRuns: 20 },
    );
  }, 60_000);
});
