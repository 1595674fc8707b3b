/**
 * Issue 18, item 2: the log as C2SP tiles with a signed-note checkpoint. The note format is checked against the Go
 * checksum database's own test vectors (golang.org/x/mod/sumdb/note), the tiles against the in-memory tree, and the
 * hub's served log against an independent client in Python (tests/tools/tlog_client.py).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash, MerkleTree, toHex, verifyConsistency, verifyInclusion } from '../../src-main/core/ledger/merkle';
import { checkpointText, fromB64, openNote, parseCheckpointText, parseVerifierKey, signNote, toB64, verifierKey } from '../../src-main/core/ledger/signed-note';
import { entryBundle, parseTilePath, readEntryBundle, TileReader, tilePath, tilesOf, type TileRef } from '../../src-main/core/ledger/tiles';
import { cli } from './cli-run';
import { startHub, type RunningHub } from '../../src-main/server/hub';
import { loadLogKey } from '../../src-main/core/ledger/log';
import { followReceipt } from '../../src-main/core/ledger/receipt-tiles';

// golang.org/x/mod/sumdb/note's test keys and signatures.
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** The Go private key's seed as a node:crypto key (PKCS#8 of an Ed25519 seed). */
function goSigner(): { sign: (m: Uint8Array) => Uint8Array; publicKeyRaw: Uint8Array } {
  const seed = Buffer.from(fromB64(GO_SKEY.split('+').slice(4).join('+'))).subarray(1);
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return { sign: (m) => sign(null, m, key), publicKeyRaw: parseVerifierKey(GO_VKEY)!.publicKeyRaw };
}

describe('signed notes (c2sp.org/signed-note), against the Go checksum database test vectors', () => {
  it('gives the verifier key and the very signature line Go gives', () => {
    const g = goSigner();
    expect(verifierKey('PeterNeumann', g.publicKeyRaw)).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, 'PeterNeumann', g.publicKeyRaw, g.sign)).toBe(`${GO_TEXT}\n${PETER_SIG}`);
  });

  it("opens Go's note with the known key, ignores an unknown key's signature, and refuses what Go refuses", () => {
    const peter = parseVerifierKey(GO_VKEY)!;
    const enoch = parseVerifierKey(ENOCH_VKEY)!;
    expect(openNote(GO_TEXT + '\n' + PETER_SIG + ENOCH_SIG, [peter])).toEqual({ ok: true, text: GO_TEXT, verifiedBy: ['PeterNeumann'] });
    expect(openNote(GO_TEXT + '\n' + PETER_SIG + ENOCH_SIG, [peter, enoch])).toMatchObject({ ok: true, verifiedBy: ['PeterNeumann', 'EnochRoot'] });
    expect(openNote(GO_TEXT + '\n' + PETER_SIG + ENOCH_SIG, [])).toMatchObject({ ok: false, reason: 'no signature by a trusted key' });
    // A known key whose signature fails refuses the note; so does every malformed form of Go's list.
    expect(openNote(GO_TEXT + '\n' + PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60), [peter]).ok).toBe(false);
    expect(openNote(GO_TEXT.replace('answer', 'Answer') + '\n' + PETER_SIG, [peter])).toMatchObject({ ok: false, reason: 'the signature by PeterNeumann does not verify' });
    for (const bad of [GO_TEXT, GO_TEXT + '\n', GO_TEXT + '\n' + PETER_SIG.slice(0, -1), '\x01' + GO_TEXT + '\n' + PETER_SIG, GO_TEXT + '\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=', GO_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n']) {
      expect(openNote(bad, [peter]).ok, JSON.stringify(bad)).toBe(false);
    }
    expect(openNote(new Uint8Array([0xff, ...Buffer.from(GO_TEXT + '\n' + PETER_SIG)]), [peter]).ok).toBe(false);
  });

  it('reads back only the verifier keys it writes', () => {
    expect(parseVerifierKey(GO_VKEY)!.name).toBe('PeterNeumann');
    for (const bad of [GO_VKEY.replace('c74f20a3', 'c74f20a4'), GO_VKEY.replace('+ARpc', '+ZRpc'), 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', `${GO_VKEY}+x`, GO_VKEY.slice(0, -1)]) {
      expect(parseVerifierKey(bad), bad).toBeNull();
    }
  });

  it('writes checkpoints as c2sp.org/tlog-checkpoint shows them, and reads back only well-formed ones', () => {
    const root = fromB64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    const text = checkpointText('example.com/behind-the-sofa', 20852163, root);
    expect(text).toBe('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
    expect(parseCheckpointText(text)).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, root, extensions: [] });
    for (const bad of [text.replace('20852163', '020852163'), text.replace('20852163', '-1'), text.replace('=\n', '\n'), text.slice(0, -1), text + '\n', 'x\n1\n' + toB64(new Uint8Array(31)) + '\n']) expect(parseCheckpointText(bad), bad).toBeNull();
    expect(() => checkpointText('a log', 1, root)).toThrow(/origin/);
    expect(() => checkpointText('a+b', 1, root)).toThrow(/origin/);
  });
});

describe('tiles (c2sp.org/tlog-tiles)', () => {
  it('names tiles as the spec does, and reads back exactly those names', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 'entries', index: 5, width: 112 })).toBe('tile/entries/005.p/112');
    expect(tilePath({ level: 2, index: 1000, width: 1 })).toBe('tile/2/x001/000.p/1');
    fc.assert(
      fc.property(fc.oneof(fc.constant<'entries'>('entries'), fc.integer({ min: 0, max: 63 })), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 256 }), (level, index, width) => {
        const t: TileRef = { level, index, width };
        expect(parseTilePath(tilePath(t))).toEqual(t);
      }),
    );
    // Past 2^53 two paths would name one index: refused.
    expect(parseTilePath('tile/0/x009/x007/x199/x254/x740/992')).toBeNull();
    expect(parseTilePath('tile/0/x009/x007/x199/x254/x740/991')).toEqual({ level: 0, index: 2 ** 53 - 1, width: 256 });
    for (const bad of ['tile/00/000', 'tile/64/000', 'tile/0/1234', 'tile/0/00', 'tile/0/x000/001', 'tile/0/001/x234', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/0/000.p/010', 'tile/0/000/', 'tile/entries/x1/000', 'tile/0/../000', 'tile/0/000.p/1/x']) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
  });

  it("has the spec's tiles for sizes 70,000 and 256", () => {
    const of = (size: number) => tilesOf(size).map((t) => `${t.level}:${t.width}`);
    const t70 = of(70000);
    expect(t70.filter((t) => t === '0:256')).toHaveLength(273);
    expect(t70.filter((t) => t !== '0:256')).toEqual(['0:112', '1:256', '1:17', '2:1']);
    expect(of(256)).toEqual(['0:256', '1:1']);
    expect(of(0)).toEqual([]);
  });

  it('bundles entries with big-endian uint16 lengths, and reads back only a whole bundle', () => {
    const leaves = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const b = entryBundle(leaves);
    expect([...b.subarray(0, 5)]).toEqual([0, 3, 1, 2, 3]);
    expect(b.length).toBe(2 + 3 + 2 + 2 + 300);
    expect(readEntryBundle(b, 3)).toEqual(leaves);
    expect(readEntryBundle(b, 2)).toBeNull();
    expect(readEntryBundle(b.subarray(0, b.length - 1), 3)).toBeNull();
    expect(() => entryBundle([new Uint8Array(65536)])).toThrow(/65,535/);
  });

  /** A tree of `n` leaves and a fetch that serves its tiles (what the hub serves), counting what is asked. */
  function served(n: number, seed = 1) {
    const tree = new MerkleTree();
    for (let i = 0; i < n; i++) tree.append(leafHash(new TextEncoder().encode(`leaf ${seed}.${i}`)));
    const asked: string[] = [];
    const fetchTile = async (path: string) => {
      asked.push(path);
      const t = parseTilePath(path)!;
      return t.level === 'entries' ? null : tree.subtrees(8 * t.level, t.index * 256, t.width);
    };
    return { tree, asked, fetchTile };
  }

  it('gives the root, inclusion and consistency proofs of the tree from its tiles alone, for any sizes', async () => {
    const { tree, fetchTile } = served(2100);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2100 }), fc.nat(), fc.nat(), async (size, i, j) => {
        const reader = new TileReader(fetchTile, size);
        expect(toHex(await reader.root())).toBe(toHex(tree.root(size)));
        const index = i % size;
        const atSize = index + 1 + (j % (size - index));
        expect((await reader.inclusionProof(index, atSize)).map(toHex)).toEqual(tree.inclusionProof(index, atSize).map(toHex));
        const m = j % (size + 1);
        expect((await reader.consistencyProof(m, size)).map(toHex)).toEqual(tree.consistencyProof(m, size).map(toHex));
      }),
      { numRuns: 60 },
    );
  });

  it('reads three levels of a 70,000-leaf log in a handful of tiles per proof', async () => {
    const { tree, asked, fetchTile } = served(70000, 2);
    const reader = new TileReader(fetchTile, 70000);
    const root = await reader.root();
    expect(toHex(root)).toBe(toHex(tree.root()));
    asked.length = 0;
    const proof = await reader.inclusionProof(12345);
    expect(verifyInclusion(tree.leaf(12345), 12345, 70000, proof, root)).toBe(true);
    const fresh = new TileReader(fetchTile, 70000);
    asked.length = 0;
    const p2 = await fresh.inclusionProof(69999);
    expect(verifyInclusion(tree.leaf(69999), 69999, 70000, p2, root)).toBe(true);
    // One tile per level at most, and the right edge's partial tiles: not the 274 tiles of level 0.
    expect(asked.length).toBeLessThanOrEqual(6);
    expect(verifyConsistency(65536, 70000, tree.root(65536), root, await fresh.consistencyProof(65536))).toBe(true);
  });

  it('a changed hash in any tile gives a proof that fails against the signed root (the attack: a hub serving a forked tile)', async () => {
    const { tree, fetchTile } = served(1000, 3);
    const root = tree.root();
    // [the tile forged (its first hash), a leaf whose audit path runs through that hash, whether the root reads it]
    const cases: [string, number, boolean][] = [
      ['tile/0/001', 300, false], // leaves 256…511: the root reads their level-1 hash instead
      ['tile/0/003.p/232', 999, true],
      ['tile/1/000.p/3', 300, true],
    ];
    for (const [victim, index, rootReads] of cases) {
      const forged = async (path: string) => {
        const b = await fetchTile(path);
        if (path !== victim || !b) return b;
        const c = new Uint8Array(b);
        c[5] = c[5]! ^ 1;
        return c;
      };
      const reader = new TileReader(forged, 1000);
      expect(verifyInclusion(tree.leaf(index), index, 1000, await reader.inclusionProof(index), root), victim).toBe(false);
      expect(toHex(await reader.root()) === toHex(root), victim).toBe(!rootReads);
    }
    // A partial tile the log dropped once its full tile existed (the spec allows it): read from the full tile.
    const grown = served(1024, 3);
    const dropped = new TileReader(async (p) => (p === 'tile/0/003.p/232' ? null : grown.fetchTile(p)), 1000);
    expect(toHex(await dropped.root())).toBe(toHex(root));
    // A tile of the wrong length is refused outright.
    const short = new TileReader(async (p) => (await fetchTile(p))!.subarray(0, 32), 1000);
    await expect(short.root()).rejects.toThrow(/bytes, not/);
  });
});

describe("the hub's log as tiles", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-tiles-'));
  let hub: RunningHub;
  const digest = (i: number) => createHash('sha256').update(`hasil ${i}`).digest('hex');

  beforeAll(async () => {
    hub = await startHub({ dir, port: 0 });
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${hub.url}${path}`, { headers });
    return { status: r.status, headers: r.headers, bytes: new Uint8Array(await r.arrayBuffer()) };
  };
  // Appending blocks this process, which also serves the hub: on a loaded machine a connection kept alive from the
  // last request can pass the server's keep-alive timeout meanwhile, and a request sent on it at once can meet the
  // server closing it (ECONNRESET, once in CI). A few turns of the loop let the server close it first.
  const grow = async (from: number, to: number, at: string) => {
    const log = hub.publisher.log;
    hub.publisher.db.transaction(() => log.append(Array.from({ length: to - from }, (_, k) => ({ exam: 'CPNS-2026', nomor: `N${from + k}`, digest: digest(from + k) })), at))();
    const checkpoint = log.checkpoint(at);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return checkpoint;
  };

  it('answers 404 for the checkpoint and every tile before anything is logged', async () => {
    expect((await get('/checkpoint')).status).toBe(404);
    expect((await get('/tile/0/000.p/1')).status).toBe(404);
  });

  it('serves a checkpoint that opens with the verifier key /api/log gives, of the same head as the JSON checkpoint', async () => {
    const cp = await grow(0, 600, '2026-12-01T02:00:00.000Z');
    const info = (await (await fetch(`${hub.url}/api/log`)).json()) as { noteKey: string; origin: string; logKey: string };
    expect(info.origin).toBe(`lentera-log/${cp.log.slice(0, 16)}`);
    const r = await get('/checkpoint');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const opened = openNote(r.bytes, [parseVerifierKey(info.noteKey)!]);
    expect(opened.ok).toBe(true);
    const parsed = parseCheckpointText((opened as { text: string }).text)!;
    expect({ origin: parsed.origin, size: parsed.size, root: toHex(parsed.root) }).toEqual({ origin: info.origin, size: 600, root: cp.root });
    // The same key as the JSON checkpoints' (the pinned key a workstation holds).
    expect(toB64(parseVerifierKey(info.noteKey)!.publicKeyRaw)).toBe(toB64(new Uint8Array(Buffer.from(info.logKey, 'base64url'))));
    // The same bytes on every request (deterministic Ed25519): caches and witnesses see one note per head.
    expect(Buffer.from((await get('/checkpoint')).bytes).equals(Buffer.from(r.bytes))).toBe(true);
  });

  it('serves immutable tiles and entry bundles up to the checkpoint, 404 past it, gzip when asked', async () => {
    const full = await get('/tile/0/001');
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toMatch(/immutable/);
    expect(full.bytes.length).toBe(8192);
    expect((await get('/tile/0/002.p/88')).bytes.length).toBe(88 * 32);
    expect((await get('/tile/1/000.p/2')).bytes.length).toBe(64);
    const entries = await get('/tile/entries/002.p/88');
    const leaves = readEntryBundle(entries.bytes, 88)!;
    expect(JSON.parse(new TextDecoder().decode(leaves[0]))).toMatchObject({ e: 'CPNS-2026', v: 1 });
    expect(toHex(leafHash(leaves[87]!))).toBe(toHex((await get('/tile/0/002.p/88')).bytes.subarray(87 * 32)));
    // Compressed when asked (read raw: fetch would inflate it silently).
    const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((ok, fail) => {
      httpGet(`${hub.url}/tile/entries/002.p/88`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => ok({ encoding: res.headers['content-encoding'], body: Buffer.concat(parts) }));
      }).on('error', fail);
    });
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).equals(Buffer.from(entries.bytes))).toBe(true);
    expect(gz.body.length).toBeLessThan(entries.bytes.length);
    // Past the checkpoint: a full tile not yet full, a wider partial, a level not yet there, a malformed path.
    for (const p of ['/tile/0/002', '/tile/0/002.p/89', '/tile/entries/003.p/1', '/tile/2/000.p/1', '/tile/0/2', '/tile/0/x000/002']) expect((await get(p)).status, p).toBe(404);
    // Leaves appended but not yet checkpointed are not shown.
    hub.publisher.db.transaction(() => hub.publisher.log.append([{ exam: 'CPNS-2026', nomor: 'N-late', digest: digest(9999) }], '2026-12-01T02:30:00.000Z'))();
    expect((await get('/tile/0/002.p/89')).status).toBe(404);
  });

  it('is followed and verified by an independent client (Python, written from the C2SP specs)', async () => {
    await grow(601, 66_000, '2026-12-01T03:00:00.000Z');
    const info = (await (await fetch(`${hub.url}/api/log`)).json()) as { noteKey: string };
    // Run beside the hub (this process serves it: a synchronous child would wait on a server that cannot answer).
    const client = (key: string) => promisify(execFile)('python3', [join(__dirname, '..', 'tools', 'tlog_client.py'), hub.url, key], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const out = JSON.parse((await client(info.noteKey)).stdout) as { ok: boolean; size: number; root: string; levels: number };
    expect(out).toMatchObject({ ok: true, size: 66_000, root: hub.publisher.log.latestCheckpoint()!.root, levels: 3 });
    // With another key it refuses (exit 1, and says why).
    const refused = await client(verifierKey('lentera-log/lain', new Uint8Array(32).fill(9))).then(
      () => 'exit 0',
      (e: { code: number; stdout: string }) => ({ code: e.code, said: JSON.parse(e.stdout) as unknown }),
    );
    expect(refused).toEqual({ code: 1, said: { ok: false, error: 'the checkpoint carries no signature by the given key' } });
  }, 120_000);

  it('lets `lentera receipt verify --log-url` follow a receipt of an older checkpoint to the latest, through tiles', async () => {
    const log = hub.publisher.log;
    const older = log.checkpoints().find((c) => c.size === 600)!;
    const receipt = log.receipt('CPNS-2026', 'N7', older)!;
    expect(receipt.checkpoint.size).toBe(600);
    const file = join(dir, 'tanda-terima.json');
    writeFileSync(file, JSON.stringify(receipt));
    const ok = await cli(['receipt', 'verify', file, '--log-key', log.publicKey(), '--log-url', hub.url]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`ok      consistency: Log sekarang (ukuran ${log.latestCheckpoint()!.size}) melanjutkan checkpoint tanda terima (ukuran 600)`);
    expect(ok.out).toContain('ok      still in the log: Hasil masih tercatat sebagai entri ke-8');
    expect((await cli(['receipt', 'verify', file, '--log-key', log.publicKey(), '--log-url', 'file:///etc'])).code).toBe(2);
  });

  it('refuses to follow a receipt into a log forked with the same key (the attack: a hub that rewrites its history)', async () => {
    // A second hub holding the very same log key, whose log has other leaves: its checkpoints verify by the key.
    const forkDir = join(dir, 'cabang');
    mkdirSync(join(forkDir, 'keys'), { recursive: true, mode: 0o700 });
    copyFileSync(join(dir, 'keys', 'log-ed25519.pem'), join(forkDir, 'keys', 'log-ed25519.pem'));
    const fork = await startHub({ dir: forkDir, port: 0 });
    try {
      fork.publisher.db.transaction(() => fork.publisher.log.append(Array.from({ length: 700 }, (_, k) => ({ exam: 'CPNS-2026', nomor: `N${k}`, digest: digest(k + 1) })), '2026-12-01T05:00:00.000Z'))();
      fork.publisher.log.checkpoint('2026-12-01T05:00:00.000Z');
      const log = hub.publisher.log;
      const file = join(dir, 'tanda-terima.json');
      writeFileSync(file, JSON.stringify(log.receipt('CPNS-2026', 'N7', log.checkpoints().find((c) => c.size === 600)!)));
      const r = await cli(['receipt', 'verify', file, '--log-key', log.publicKey(), '--log-url', fork.url]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('ok      latest checkpoint');
      expect(r.err).toContain('FAILED  consistency: Log sekarang tidak melanjutkan checkpoint tanda terima (ukuran 600): log bercabang');
      expect(r.err).toContain('FAILED  still in the log');
      // And a log of another key: its checkpoint is not the pinned key's.
      const stranger = await startHub({ dir: join(dir, 'lain'), port: 0 });
      try {
        stranger.publisher.db.transaction(() => stranger.publisher.log.append([{ exam: 'CPNS-2026', nomor: 'N7', digest: digest(7) }], '2026-12-01T05:00:00.000Z'))();
        stranger.publisher.log.checkpoint('2026-12-01T05:00:00.000Z');
        const s2 = await cli(['receipt', 'verify', file, '--log-key', log.publicKey(), '--log-url', stranger.url]);
        expect(s2.code).toBe(1);
        expect(s2.err).toContain('FAILED  latest checkpoint: Checkpoint terbaru tidak ditandatangani kunci log yang dipercaya (no signature by a trusted key)');
      } finally {
        await stranger.close();
      }
    } finally {
      await fork.close();
    }
  });

  it('calls a latest checkpoint smaller than the receipt\'s a rollback, even signed by the right key', async () => {
    const log = hub.publisher.log;
    const receipt = log.receipt('CPNS-2026', 'N7')!;
    const key = loadLogKey(dir);
    const older = log.checkpoints().find((c) => c.size === 600)!;
    const note = signNote(checkpointText(log.origin(), 600, Buffer.from(older.root, 'hex')), log.origin(), key.publicKeyRaw, (m) => sign(null, m, key.privateKey));
    const served = async (path: string) => (path === 'checkpoint' ? new TextEncoder().encode(note) : (await get(`/${path}`)).bytes);
    const followed = await followReceipt(receipt, log.publicKey(), served);
    expect(followed.ok).toBe(false);
    expect(followed.checks.map((c) => [c.name, c.ok])).toEqual([['latest checkpoint', true], ['consistency', false]]);
    expect(followed.checks[1]!.detail).toMatch(/lebih kecil dari checkpoint tanda terima .*diputar mundur/);
    expect(followed.unreadable).toBe(false);
    // The genuine latest: both hold.
    const genuine = await followReceipt(receipt, log.publicKey(), async (path) => (await get(`/${path}`)).bytes);
    expect(genuine).toMatchObject({ ok: true, unreadable: false });
    // A log that cannot be read (a host down, a tile gone) says nothing against the receipt: unreadable, not a fork.
    const down = await followReceipt(receipt, log.publicKey(), async () => {
      throw new Error('ECONNREFUSED');
    });
    expect(down).toMatchObject({ ok: false, unreadable: true });
    const tileGone = await followReceipt(receipt, log.publicKey(), async (path) => (path === 'checkpoint' ? (await get('/checkpoint')).bytes : null));
    expect(tileGone).toMatchObject({ ok: false, unreadable: true });
    expect(tileGone.checks.at(-1)!.name).toBe('tiles');
  });

  it('refuses to rename a log once its origin is pinned, and an origin that cannot be a key name', async () => {
    const d = join(dir, 'bernama');
    const a = await startHub({ dir: d, port: 0, origin: 'hasil.example.go.id/log' });
    expect(a.publisher.log.noteKey()).toMatch(/^hasil\.example\.go\.id\/log\+[0-9a-f]{8}\+/);
    await a.close();
    await expect(startHub({ dir: d, port: 0, origin: 'lain.example.go.id/log' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(startHub({ dir: join(dir, 'salah'), port: 0, origin: 'dua kata' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // A log that already served checkpoints under its default name keeps it: witnesses cosigned those texts.
    await expect(startHub({ dir, port: 0, origin: 'hasil.example.go.id/log' })).rejects.toMatchObject({ code: 'CONFLICT', message: /named "lentera-log\/[0-9a-f]{16}"/ });
    const b = await startHub({ dir: d, port: 0, origin: 'hasil.example.go.id/log' });
    expect(b.publisher.log.origin()).toBe('hasil.example.go.id/log');
    await b.close();
  });

  it("is served by any static host from the site's log/ folder (python3 -m http.server), older heads' partial tiles kept", async () => {
    const site = join(dir, 'situs');
    const first = await hub.publisher.writeSite(site, '2026-12-01T04:00:00.000Z');
    expect(readFileSync(join(site, 'log', 'checkpoint'), 'utf8')).toBe(hub.publisher.log.checkpointNote()!.note);
    // The checkpoint page says how a tlog client or a witness is configured: the origin and the verifier key.
    const page = readFileSync(join(site, 'checkpoint.html'), 'utf8');
    expect(page).toContain(hub.publisher.log.noteKey());
    expect(page).toContain('<a href="log/checkpoint">log/checkpoint</a>');
    await grow(66_000, 66_100, '2026-12-01T04:10:00.000Z');
    const second = await hub.publisher.writeSite(site, '2026-12-01T04:20:00.000Z');
    // The full tiles of the first write are linked, not written again.
    expect(second.linked - first.linked).toBeGreaterThanOrEqual(2 * 257);
    // A client holding the checkpoint of 66,000 may still ask for its partial tiles: kept while their full tile is
    // not there (level 1), dropped once it is (level 0, as the spec allows); the latest head's are all there.
    const has = (p: string) => existsSync(join(site, 'log', ...p.split('/')));
    for (const p of ['tile/1/001.p/1', 'tile/1/001.p/2', 'tile/0/257', 'tile/entries/257', 'tile/0/258.p/52', 'tile/entries/258.p/52', 'tile/2/000.p/1']) expect(has(p), p).toBe(true);
    for (const p of ['tile/0/257.p/208', 'tile/entries/257.p/208']) expect(has(p), p).toBe(false);
    const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<string>((ok, fail) => {
        server.stdout.on('data', (d: Buffer) => {
          const m = /port (\d+)/.exec(d.toString());
          if (m) ok(m[1]!);
        });
        server.once('exit', () => fail(new Error('http.server stopped')));
      });
      const info = (await (await fetch(`${hub.url}/api/log`)).json()) as { noteKey: string };
      const { stdout } = await promisify(execFile)('python3', [join(__dirname, '..', 'tools', 'tlog_client.py'), `http://127.0.0.1:${port}/log`, info.noteKey], { encoding: 'utf8' });
      expect(JSON.parse(stdout)).toMatchObject({ ok: true, size: 66_100, root: hub.publisher.log.latestCheckpoint()!.root });
      // A receipt followed through the static copy: the same answer as from the hub.
      const log = hub.publisher.log;
      const file = join(dir, 'tanda-terima-statis.json');
      writeFileSync(file, JSON.stringify(log.receipt('CPNS-2026', 'N7', log.checkpoints().find((c) => c.size === 600)!)));
      const r = await cli(['receipt', 'verify', file, '--log-key', log.publicKey(), '--log-url', `http://127.0.0.1:${port}/log/`]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`still in the log at http://127.0.0.1:${port}/log: size 66100`);
    } finally {
      server.kill();
    }
  }, 120_000);
});
