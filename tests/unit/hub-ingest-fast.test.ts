import { createHash, createVerify, generateKeyPairSync, sign, type X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { digestsAside, digestsInline, hashFileAside } from '../../src-main/core/bundles/digests-aside';
import { checkSealDigest, SEAL_PREFIX, sealSignature, signSealDigest } from '../../src-main/core/bundles/seal';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { putItems, type ImportPlan } from '../../src-main/core/bundles/merge';
import { codePointOrder, withPending, type ItemRow } from '../../src-main/core/bundles/merged-rows';
import { ROWS_PER_INSERT } from '../../src-main/core/db/statements';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { resultLeaf } from '../../src-main/core/ledger/leaf';
import { leafHashNode, resultLeafAndHash } from '../../src-main/core/ledger/leaf-node';
import { TransparencyLog } from '../../src-main/core/ledger/log';
import { leafHash, toHex } from '../../src-main/core/ledger/merkle';
import { verifyReceipt } from '../../src-main/core/ledger/receipt';

/**
 * Issue 16, the hub's ingest: leaves written as text and hashed by node:crypto, a bundle's items and leaves inserted many rows per statement, the file's sha256 on another
 * thread. Each gives exactly what the path it replaced gives.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lentera-ingest-fast-'));
  dirs.push(d);
  return d;
};

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));
const text = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 }), fc.constantFrom('CPNS-SMG-2026', 'a"b\\c', '≥ 1', '\u0000\u001f'));

describe('result leaves (leaf-node.ts)', () => {
  it('gives the bytes of resultLeaf and the hash of leafHash, for any exam, number, digest and salt', () => {
    fc.assert(
      fc.property(text, text, fc.oneof(hex64, text), fc.uint8Array({ minLength: 16, maxLength: 40 }), (exam, nomor, digest, salt) => {
        const fast = resultLeafAndHash(exam, nomor, digest, salt);
        const leaf = resultLeaf({ exam, nomor, digest, salt });
        expect(toHex(fast.leaf)).toBe(toHex(leaf));
        expect(toHex(fast.hash)).toBe(toHex(leafHash(leaf)));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes any bytes as leafHash does (the site checks the log with it)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (leaf) => {
        expect(toHex(leafHashNode(leaf))).toBe(toHex(leafHash(leaf)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what resultLeaf refuses: a short salt, a lone surrogate', () => {
    expect(() => resultLeafAndHash('E', 'N1', '0'.repeat(64), new Uint8Array(15))).toThrow(RangeError);
    expect(() => resultLeaf({ exam: 'E', nomor: 'N1', digest: '0'.repeat(64), salt: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => resultLeafAndHash('E', 'N\ud800', '0'.repeat(64), new Uint8Array(16))).toThrow(/surrogate/i);
    expect(() => resultLeaf({ exam: 'E', nomor: 'N\ud800', digest: '0'.repeat(64), salt: new Uint8Array(16) })).toThrow(/surrogate/i);
  });
});

const ITEMS_DDL = `
  CREATE TABLE merged_items (exam_code TEXT NOT NULL, workstation_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL, body TEXT NOT NULL,
    bundle_sha256 TEXT NOT NULL, PRIMARY KEY (exam_code, kind, key, workstation_id)) WITHOUT ROWID, STRICT;`;

function itemsDb(): Db {
  const db = openDatabase(join(tmp(), 'items.sqlite'), { create: true, migrations: [{ version: 1, name: 'items', sql: ITEMS_DDL }] });
  return db;
}

describe("a bundle's items, many rows per statement (merge.ts putItems)", () => {
  it('leaves the rows one upsert per item leaves: the later of two items with one key wins', () => {
    const item = fc.record({ kind: fc.constantFrom('candidate', 'facts'), key: fc.integer({ min: 0, max: 150 }).map(String), digest: fc.string({ maxLength: 4 }), body: fc.string({ maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(item, { minLength: ROWS_PER_INSERT - 5, maxLength: 3 * ROWS_PER_INSERT + 7, size: 'max' }), fc.array(item, { maxLength: 40 }), (first, second) => {
        const a = itemsDb();
        const b = itemsDb();
        a.transaction(() => {
          putItems(a, 'E', 'W', 'B1', first);
          putItems(a, 'E', 'W', 'B2', second);
        })();
        const one = b.prepare(`INSERT INTO merged_items (exam_code, workstation_id, kind, key, digest, body, bundle_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (exam_code, kind, key, workstation_id) DO UPDATE SET digest = excluded.digest, body = excluded.body, bundle_sha256 = excluded.bundle_sha256`);
        b.transaction(() => {
          for (const i of first) one.run('E', 'W', i.kind, i.key, i.digest, i.body, 'B1');
          for (const i of second) one.run('E', 'W', i.kind, i.key, i.digest, i.body, 'B2');
        })();
        const rows = (db: Db) => db.prepare('SELECT * FROM merged_items ORDER BY kind, key').all();
        expect(rows(a)).toEqual(rows(b));
        a.close();
        b.close();
      }),
      { numRuns: 40 },
    );
  });

  it('stores nothing of a batch with a value the table refuses (the caller rolls back)', () => {
    const db = itemsDb();
    const items: ImportPlan['items'] = Array.from({ length: ROWS_PER_INSERT }, (_, i) => ({ kind: 'facts', key: `k${i}`, digest: 'd', body: i === 5 ? (null as unknown as string) : 'x' }));
    expect(() => db.transaction(() => putItems(db, 'E', 'W', 'B', items))()).toThrow(/NOT NULL/);
    expect(db.prepare('SELECT COUNT(*) FROM merged_items').pluck().get()).toBe(0);
    db.close();
  });
});

describe("the merged items as they will be once a bundle's items are stored (merged-rows.ts)", () => {
  it('orders texts as SQLite does: by their UTF-8 bytes, above U+FFFF after U+E000–U+FFFF', () => {
    const t = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\uE000', '\uFFFD', '😀', 'a', ''));
    fc.assert(
      fc.property(t, t, (a, b) => {
        expect(Math.sign(codePointOrder(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
    // JavaScript's own order puts these the other way round.
    expect('😀' < '\uE000').toBe(true);
    expect(codePointOrder('😀', '\uE000')).toBeGreaterThan(0);
  });

  it("gives the rows the table gives after putItems: each workstation's latest per key, ordered by key and workstation", () => {
    const key = fc.array(fc.constantFrom('a', 'B', 'é', '\uE000', '😀', '1'), { minLength: 1, maxLength: 3 }).map((c) => c.join(''));
    const item = fc.record({ kind: fc.constantFrom('candidate', 'facts'), key, digest: fc.constant('d'), body: fc.string({ maxLength: 4 }) });
    const wsItems = fc.record({ ws: fc.constantFrom('W1', 'W2', 'w3'), items: fc.array(item, { maxLength: 30 }) });
    fc.assert(
      fc.property(fc.array(wsItems, { maxLength: 4 }), fc.constantFrom('W1', 'W2', 'w3'), fc.array(item, { maxLength: 30 }), (stored, ws, pending) => {
        const db = itemsDb();
        db.transaction(() => {
          for (const s of stored) putItems(db, 'E', s.ws, 'B', s.items);
        })();
        const rows = (kind: string) => db.prepare('SELECT workstation_id AS ws, key, body FROM merged_items WHERE exam_code = ? AND kind = ? ORDER BY key, workstation_id').all('E', kind) as ItemRow[];
        const before = { candidate: rows('candidate'), facts: rows('facts') };
        db.transaction(() => putItems(db, 'E', ws, 'B2', pending))();
        for (const kind of ['candidate', 'facts'] as const) expect(withPending(before[kind], ws, pending, kind)).toEqual(rows(kind));
        db.close();
      }),
      { numRuns: 150 },
    );
  });
});

describe('the log, appending many leaves per statement (log.ts)', () => {
  it('keeps the leaves before a refused entry, and the tree agrees with the table', () => {
    const dir = tmp();
    const db = openDatabase(join(dir, 'hub.sqlite'), { create: true });
    const log = new TransparencyLog(db, dir);
    const n = 2 * ROWS_PER_INSERT + 10;
    const entries = Array.from({ length: n }, (_, i) => ({ exam: 'E', nomor: `N${i}`, digest: i === n - 3 ? 'not hex' : '1'.repeat(64), bundle: 'B' }));
    db.transaction(() => {
      expect(() => log.append(entries, 't')).toThrow(/64 lowercase hex/);
      expect(db.prepare('SELECT COUNT(*) FROM ledger_leaves').pluck().get()).toBe(n - 3);
      expect(db.prepare('SELECT COUNT(*) FROM ledger_salts').pluck().get()).toBe(n - 3);
      expect(log.size).toBe(n - 3);
      const cp = log.checkpoint('t');
      const receipts = log.bundleReceipts('B', 0, n, n, cp);
      expect(receipts.map((r) => r.index)).toEqual(Array.from({ length: n - 3 }, (_, i) => i));
      for (const r of receipts) expect(verifyReceipt(r, { trustedLogKey: log.publicKey() }).ok).toBe(true);
    })();
    db.close();
  });
});

describe("a file's sha256 on another thread (digests-aside.ts hashFileAside)", () => {
  it('is the sha256 of the file, empty or several read blocks long', async () => {
    const dir = tmp();
    for (const size of [0, 1, 4 * 1024 * 1024 + 3]) {
      const file = join(dir, `f${size}`);
      const bytes = Buffer.alloc(size, 7);
      writeFileSync(file, bytes);
      expect(await hashFileAside(file).sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('rejects for a file that cannot be read, and a cancelled one never answers with a hash', async () => {
    await expect(hashFileAside(join(tmp(), 'missing')).sha256).rejects.toThrow(/ENOENT/);
    const dir = tmp();
    const file = join(dir, 'big');
    writeFileSync(file, Buffer.alloc(64 * 1024 * 1024));
    const h = hashFileAside(file);
    await h.cancel();
    await expect(h.sha256).rejects.toThrow(/stopped/);
  });

});

describe("a bundle's digests on another thread (digests-aside.ts)", () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  it('gives each range its sha256 and CRC, the seal its prefix, and the whole file, over several read blocks', async () => {
    const dir = tmp();
    const file = join(dir, 'f');
    const size = 9 * 1024 * 1024 + 17;
    const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + (i >> 13)) & 255));
    writeFileSync(file, bytes);
    const fd = openSync(file, 'r');
    const readAt = (b: Buffer, at: number) => readSync(fd, b, 0, b.length, at);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: size }), { minLength: 0, maxLength: 12 }), fc.integer({ min: 0, max: size }), async (cuts, signedEnd) => {
        // Ranges in file order, touching or apart, some empty.
        const points = [...cuts].sort((a, b) => a - b);
        const ranges = [];
        for (let i = 0; i + 1 < points.length; i += 2) ranges.push({ start: points[i]!, length: points[i + 1]! - points[i]! });
        const d = await digestsAside(file, ranges, signedEnd).digests;
        expect(d.sha256).toBe(sha(bytes));
        expect(d.seal!.toString('hex')).toBe(sha(bytes.subarray(0, signedEnd)));
        expect(d.entries).toEqual(ranges.map((r) => ({ sha256: sha(bytes.subarray(r.start, r.start + r.length)), crc32: crc32(bytes.subarray(r.start, r.start + r.length)) })));
        // The same digests taken on this thread (a sealed upload's reader), whatever the block a read gives.
        for (const block of [4 * 1024 * 1024, 65536 + (signedEnd % 70000)]) expect(await digestsInline(readAt, ranges, signedEnd, block).digests).toEqual(d);
      }),
      { numRuns: 25 },
    );
    closeSync(fd);
  });

  it('gives no digest for a range past the end or out of order, no seal past the end, and rejects for a missing file', async () => {
    const dir = tmp();
    const file = join(dir, 'f');
    writeFileSync(file, Buffer.alloc(1000, 3));
    const d = await digestsAside(file, [{ start: 500, length: 10 }, { start: 100, length: 10 }, { start: 990, length: 20 }], 2000).digests;
    expect(d.entries.map((e) => e !== null)).toEqual([true, false, false]);
    expect(d.seal).toBeNull();
    const fd = openSync(file, 'r');
    const inline = await digestsInline((b, at) => readSync(fd, b, 0, b.length, at), [{ start: 500, length: 10 }, { start: 100, length: 10 }, { start: 990, length: 20 }], 2000, 300).digests;
    closeSync(fd);
    expect(inline).toEqual(d);
    await expect(digestsAside(join(dir, 'missing'), [], 0).digests).rejects.toThrow(/ENOENT/);
  });
});

describe('the seal checked against a digest taken elsewhere (seal.ts checkSealDigest)', () => {
  it('agrees with the verifier fed the bytes: the genuine seal passes; another key, another byte, a bent signature do not', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = { publicKey: key.publicKey } as unknown as X509Certificate;
    const otherCert = { publicKey: other.publicKey } as unknown as X509Certificate;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (data, flip) => {
        const bytes = Buffer.from(data);
        const sig = sign('sha256', bytes, key.privateKey);
        const comment = Buffer.from(SEAL_PREFIX + sig.toString('base64'), 'latin1');
        // The reference: OpenSSL's verifier fed the bytes themselves (as verify.ts checked the seal before).
        const viaBytes = (c: X509Certificate, sealComment: Buffer, b: Buffer) =>
          verdict(() => {
            const v = createVerify('sha256');
            v.update(b);
            if (!v.verify(c.publicKey, sealSignature(sealComment))) throw Object.assign(new Error('seal'), { code: 'BUNDLE_SEAL_INVALID' });
          });
        const viaDigest = (c: X509Certificate, sealComment: Buffer, b: Buffer) => verdict(() => checkSealDigest(createHash('sha256').update(b).digest(), sealComment, c));
        expect(viaDigest(cert, comment, bytes)).toBe('ok');
        expect(viaBytes(cert, comment, bytes)).toBe('ok');
        expect(viaDigest(otherCert, comment, bytes)).toBe(viaBytes(otherCert, comment, bytes));
        const changed = Buffer.concat([bytes, Buffer.from([flip & 255])]);
        expect(viaDigest(cert, comment, changed)).toBe(viaBytes(cert, comment, changed));
        const bent = Buffer.from(sig);
        bent[flip % bent.length]! ^= 1 << (flip % 8);
        const bentComment = Buffer.from(SEAL_PREFIX + bent.toString('base64'), 'latin1');
        expect(viaDigest(cert, bentComment, bytes)).toBe(viaBytes(cert, bentComment, bytes));
        expect(viaDigest(cert, bentComment, bytes)).toBe('BUNDLE_SEAL_INVALID');
      }),
      { numRuns: 60 },
    );
    // A signature one byte short, and no digest at all (a file shorter than its seal's place).
    const sig = sign('sha256', Buffer.from('x'), key.privateKey);
    expect(verdict(() => checkSealDigest(createHash('sha256').update('x').digest(), Buffer.from(SEAL_PREFIX + sig.subarray(1).toString('base64'), 'latin1'), cert))).toBe('BUNDLE_SEAL_INVALID');
    expect(verdict(() => checkSealDigest(null, Buffer.from(SEAL_PREFIX + sig.toString('base64'), 'latin1'), cert))).toBe('BUNDLE_SEAL_INVALID');
    // A key that is not RSA: refused, and the message says why (the old verifier would have checked an ECDSA seal).
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecSig = sign('sha256', Buffer.from('x'), ec.privateKey);
    expect(() => checkSealDigest(createHash('sha256').update('x').digest(), Buffer.from(SEAL_PREFIX + ecSig.toString('base64'), 'latin1'), { publicKey: ec.publicKey } as unknown as X509Certificate)).toThrow(/key is ec; Lentera seals bundles with RSA keys only/);
  });
});

describe('the seal signed from a digest taken as the zip is written (seal.ts signSealDigest)', () => {
  it('gives the bytes an RSA-SHA256 signer fed the bytes gives, and openssl verifies it; a digest of other bytes does not verify', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const bytes = Buffer.from(data);
        const viaDigest = signSealDigest(createHash('sha256').update(bytes).digest(), key.privateKey);
        expect(viaDigest.toString('hex')).toBe(sign('sha256', bytes, key.privateKey).toString('hex'));
        expect(createVerify('sha256').update(Buffer.concat([bytes, Buffer.from([1])])).verify(key.publicKey, viaDigest)).toBe(false);
      }),
      { numRuns: 40 },
    );
    // OpenSSL, fed the bytes themselves, as an auditor checks a seal (seal.ts).
    const dir = tmp();
    const bytes = Buffer.from('every byte of a bundle before its seal');
    writeFileSync(join(dir, 'signed.bin'), bytes);
    writeFileSync(join(dir, 'seal.bin'), signSealDigest(createHash('sha256').update(bytes).digest(), key.privateKey));
    writeFileSync(join(dir, 'pub.pem'), key.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'seal.bin', 'signed.bin'], { cwd: dir, encoding: 'utf8' })).toContain('Verified OK');
    // Only a sha256 digest, only an RSA key.
    expect(() => signSealDigest(Buffer.alloc(31), key.privateKey)).toThrow(/32 bytes/);
    expect(() => signSealDigest(Buffer.alloc(32), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/RSA keys only/);
  });
});

function verdict(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
