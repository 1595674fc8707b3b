/**
 * The attack: a hub forks its log (rewrites history under the same key), and then withholds the one tile the
 * inclusion proof needs. The consistency check has already proven the fork; a tile that cannot be read after that
 * must not turn the verdict into "the log could not be read", which the verification page takes as nothing learned
 * and answers with "Tanda terima sah".
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointBytes, logIdOf } from '../../src-main/core/ledger/checkpoint';
import { resultLeaf } from '../../src-main/core/ledger/leaf';
import { leafHash, MerkleTree, toB64url, toHex } from '../../src-main/core/ledger/merkle';
import { followReceipt } from '../../src-main/core/ledger/receipt-tiles';
import { cosign, cosignerKeyId } from '../../src-main/core/ledger/cosignature';
import { checkpointText, fromB64, signatureLine, signNote, splitNote } from '../../src-main/core/ledger/signed-note';
import { parseTilePath } from '../../src-main/core/ledger/tiles';
import { checkReceipt, followOnSite, publishedLogChecks } from '../../src-main/core/publish/verify-page';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const pub = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
const logKey = toB64url(pub);
const exam = 'CPNS-2026';
const nomor = 'N0007';
const digest = 'ab'.repeat(32);
const salt = new Uint8Array(randomBytes(16));
const mine = leafHash(resultLeaf({ exam, nomor, digest, salt }));

// The honest log at size 600, the receipt at index 7.
const honest = new MerkleTree();
for (let i = 0; i < 600; i++) honest.append(i === 7 ? mine : new Uint8Array(randomBytes(32)));
const cp = { v: 1 as const, log: logIdOf(pub), size: 600, root: toHex(honest.root()), at: '2026-12-01T00:00:00.000Z' };
const receipt = { v: 1 as const, exam, nomor, digest, salt: toB64url(salt), index: 7, proof: honest.inclusionProof(7).map(toHex), checkpoint: { ...cp, sig: toB64url(sign(null, checkpointBytes(cp), privateKey)) }, logKey };

// The same key's log rewritten: other leaves, size 700.
const fork = new MerkleTree();
for (let i = 0; i < 700; i++) fork.append(new Uint8Array(randomBytes(32)));
const origin = 'hasil.example.go.id/log';
const note = signNote(checkpointText(origin, 700, fork.root()), origin, pub, (m) => sign(null, m, privateKey));

/** The forked log's checkpoint and tiles, but for `withhold` (answered 404). */
function served(withhold: string | null) {
  return async (path: string): Promise<Uint8Array | null> => {
    if (path === 'checkpoint') return new TextEncoder().encode(note);
    if (path === withhold) return null;
    const t = parseTilePath(path);
    if (!t || t.level === 'entries') return null;
    return fork.subtrees(8 * t.level, t.index * 256, t.width);
  };
}

describe('a forked log that withholds a tile', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).LENTERA_LOG;
    delete (globalThis as Record<string, unknown>).LENTERA_DIGESTS;
  });

  it('stays a contradiction when the inclusion proof\'s tile is withheld after the fork was proven', async () => {
    const all = await followReceipt(receipt, logKey, served(null));
    expect(all).toMatchObject({ ok: false, unreadable: false });
    expect(all.checks.map((c) => [c.name, c.ok])).toEqual([['latest checkpoint', true], ['consistency', false], ['still in the log', false]]);

    const withheld = await followReceipt(receipt, logKey, served('tile/0/000'));
    expect(withheld.checks.map((c) => [c.name, c.ok])).toEqual([['latest checkpoint', true], ['consistency', false], ['tiles', false]]);
    expect(withheld).toMatchObject({ ok: false, unreadable: false });
  });

  it('is still "unreadable" when a tile is missing and nothing was found against the receipt', async () => {
    // The honest log, grown to 700, with the tile the consistency proof needs missing: nothing learned.
    const grown = new MerkleTree();
    for (let i = 0; i < 600; i++) grown.append(honest.leaf(i));
    for (let i = 600; i < 700; i++) grown.append(new Uint8Array(randomBytes(32)));
    const grownNote = signNote(checkpointText(origin, 700, grown.root()), origin, pub, (m) => sign(null, m, privateKey));
    const fetch = async (path: string): Promise<Uint8Array | null> => {
      if (path === 'checkpoint') return new TextEncoder().encode(grownNote);
      const t = parseTilePath(path);
      if (!t || t.level === 'entries' || path.startsWith('tile/0/')) return null;
      return grown.subtrees(8 * t.level, t.index * 256, t.width);
    };
    const r = await followReceipt(receipt, logKey, fetch);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([['latest checkpoint', true], ['tiles', false]]);
    expect(r).toMatchObject({ ok: false, unreadable: true });
  });

  it('makes the verification page answer "TIDAK sah", not "sah", when the tile withheld is one needed only after the fork is proven', async () => {
    (globalThis as Record<string, unknown>).LENTERA_LOG = { logKey, logId: logIdOf(pub), checkpoints: [receipt.checkpoint] };
    (globalThis as Record<string, unknown>).LENTERA_DIGESTS = { [exam]: { [nomor]: digest } };
    const offline = checkReceipt(receipt);
    expect(offline.kind).toBe('ok');
    const site = (withhold: string | null) => async (p: string) => {
      const b = await served(withhold)(p.replace(/^log\//, ''));
      return b ? new Response(new Uint8Array(b)) : new Response(null, { status: 404 });
    };
    // tile/0/000 holds the receipt's own leaf: only the inclusion proof needs it, after the fork is proven.
    for (const withhold of [null, 'tile/0/000']) {
      const page = await followOnSite(offline, site(withhold));
      expect(page.kind, String(withhold)).toBe('bad');
      expect(page.verdict, String(withhold)).toMatch(/TIDAK sah/);
    }
    // The last leaves' tile is needed to prove anything at all: withheld, the page says it could not read the log.
    const blind = await followOnSite(offline, site('tile/0/002.p/188'));
    expect(blind.kind).toBe('ok');
    expect(blind.notes.at(-1)).toMatch(/tidak dapat dibaca/);
  });
});

/**
 * A hub that signs a second history for one candidate: a checkpoint holding their leaf that it never publishes. The
 * site lists every checkpoint its log signed, so the verification page, even offline (a copy on a stick), can tell.
 */
describe("a receipt on a checkpoint the site's log never published", () => {
  // The published log: checkpoints 600 (the honest tree above) and 700 (the same tree grown); no leaf of the fork.
  const grown = new MerkleTree();
  for (let i = 0; i < 700; i++) grown.append(i < 600 ? honest.leaf(i) : new Uint8Array(randomBytes(32)));
  const signed = (size: number, tree: MerkleTree) => {
    const c = { v: 1 as const, log: logIdOf(pub), size, root: toHex(tree.root(size)), at: '2026-12-01T00:00:00.000Z' };
    return { ...c, sig: toB64url(sign(null, checkpointBytes(c), privateKey)) };
  };
  const listed = [signed(600, grown), signed(700, grown)];
  const proofs = [{ from: 600, to: 700, proof: grown.consistencyProof(600, 700).map(toHex) }];
  const receiptOf = (tree: MerkleTree, size: number, index: number) => ({ ...receipt, index, proof: tree.inclusionProof(index, size).map(toHex), checkpoint: signed(size, tree) });
  const offlineFetch = () => Promise.reject(new Error('halaman dibuka dari berkas, tanpa server'));

  afterEach(() => {
    delete (globalThis as Record<string, unknown>).LENTERA_LOG;
    delete (globalThis as Record<string, unknown>).LENTERA_DIGESTS;
  });

  it('is TIDAK sah offline when its size lies within the listed checkpoints: the log signed two histories', async () => {
    (globalThis as Record<string, unknown>).LENTERA_LOG = { logKey, logId: logIdOf(pub), checkpoints: listed, consistency: proofs };
    (globalThis as Record<string, unknown>).LENTERA_DIGESTS = { [exam]: { [nomor]: digest } };
    // The fork: the published first 600 leaves, then the candidate's leaf at 650, signed at size 680.
    const fork = new MerkleTree();
    for (let i = 0; i < 680; i++) fork.append(i < 600 ? grown.leaf(i) : i === 650 ? mine : new Uint8Array(randomBytes(32)));
    const page = await followOnSite(checkReceipt(receiptOf(fork, 680, 650)), offlineFetch);
    expect(page.kind).toBe('bad');
    expect(page.verdict).toMatch(/^Tanda terima TIDAK sah: Checkpoint ukuran 680 ditandatangani kunci log situs ini, tetapi tidak pernah diterbitkan di situs ini, .* sampai ukuran 700: log ini menandatangani dua riwayat/);
  });

  it('is not "sah" offline when it is newer than this copy of the site; the log as it is now confirms it', async () => {
    // This copy of the site lists only 600; the receipt is on 700, signed later.
    (globalThis as Record<string, unknown>).LENTERA_LOG = { logKey, logId: logIdOf(pub), checkpoints: [listed[0]], consistency: [] };
    (globalThis as Record<string, unknown>).LENTERA_DIGESTS = { [exam]: { [nomor]: digest } };
    const newer = checkReceipt(receiptOf(grown, 700, 7));
    expect(newer.kind).toBe('info');
    expect(newer.verdict).toMatch(/^Tanda terima BELUM dapat dipastikan/);
    const offline = await followOnSite(newer, offlineFetch);
    expect(offline.kind).toBe('info');
    expect(offline.notes.at(-1)).toMatch(/tidak tercantum di salinan situs ini, sehingga belum dapat dipastikan ada di log/);
    expect(offline.notes.join(' ')).not.toMatch(/diperiksa terhadap checkpoint yang diterbitkan di situs ini saja/);
    // Online, the log at 700 extends it and holds the result: sah.
    const note = signNote(checkpointText(origin, 700, grown.root()), origin, pub, (m) => sign(null, m, privateKey));
    const online = await followOnSite(newer, async (p) => {
      const path = p.replace(/^log\//, '');
      if (path === 'checkpoint') return new Response(note);
      const t = parseTilePath(path);
      return t && t.level !== 'entries' ? new Response(new Uint8Array(grown.subtrees(8 * t.level, t.index * 256, t.width))) : new Response(null, { status: 404 });
    });
    expect(online.kind).toBe('ok');
    expect(online.verdict).toBe('Tanda terima sah');
  });

  it("the page's own check of the site's log: two checkpoints of one size with two roots are a fork, not a clean history", () => {
    const other = new MerkleTree();
    for (let i = 0; i < 600; i++) other.append(new Uint8Array(randomBytes(32)));
    const honestChecks = publishedLogChecks({ logKey, logId: logIdOf(pub), checkpoints: listed, consistency: proofs });
    expect(honestChecks.map((c) => c.ok)).toEqual([true, true]);
    const forked = publishedLogChecks({ logKey, logId: logIdOf(pub), checkpoints: [listed[0]!, signed(600, other), listed[1]!], consistency: [{ from: 600, to: 600, proof: [] }, ...proofs] });
    expect(forked[0]).toMatchObject({ ok: true });
    expect(forked[1]).toMatchObject({ ok: false, detail: expect.stringMatching(/dua checkpoint ukuran 600 dengan akar berbeda \(log bercabang\)/) });
  });
});

/**
 * A mirror, a CDN or a plain-HTTP hop, holding no key, changes one byte of a tile of an honest log. The tiles are not
 * signed, only the checkpoint is: a proof that does not rebuild the signed root says the tiles are wrong, never that
 * the log forked (it was reported as "log bercabang", and by a witness as evidence against the log).
 */
describe('a tile changed on the way', () => {
  const grown = new MerkleTree();
  for (let i = 0; i < 700; i++) grown.append(i < 600 ? honest.leaf(i) : new Uint8Array(randomBytes(32)));
  const note700 = signNote(checkpointText(origin, 700, grown.root()), origin, pub, (m) => sign(null, m, privateKey));
  const flipped = (tree: MerkleTree, note: string, victim: string | null) => async (path: string): Promise<Uint8Array | null> => {
    if (path === 'checkpoint') return new TextEncoder().encode(note);
    const t = parseTilePath(path);
    if (!t || t.level === 'entries') return null;
    const b = new Uint8Array(tree.subtrees(8 * t.level, t.index * 256, t.width));
    if (path === victim) b[0] = b[0]! ^ 1;
    return b;
  };

  it('is "the log could not be read", not a fork nor "not in the log", whichever tile it is', async () => {
    expect((await followReceipt(receipt, logKey, flipped(grown, note700, null))).ok).toBe(true);
    // The last leaves' partial tile (consistency), the level-1 tile, and the receipt's own leaf tile (inclusion).
    for (const victim of ['tile/0/002.p/188', 'tile/1/000.p/2', 'tile/0/000']) {
      const r = await followReceipt(receipt, logKey, flipped(grown, note700, victim));
      expect(r, victim).toMatchObject({ ok: false, unreadable: true });
      expect(r.checks.at(-1), victim).toMatchObject({ name: 'tiles', ok: false, detail: expect.stringMatching(/the tiles do not rebuild the signed root of size 700/) });
      expect(r.checks.map((c) => c.detail).join(' '), victim).not.toMatch(/bercabang|tidak ada di log/);
    }
  });

  it('still proves a real fork, also from a size that is a power of two', async () => {
    // A receipt at size 512 of the honest tree; the log then rewritten under the same key: other leaves, size 700.
    const at512 = { ...receipt, proof: honest.inclusionProof(7, 512).map(toHex), checkpoint: (() => {
      const c = { v: 1 as const, log: logIdOf(pub), size: 512, root: toHex(honest.root(512)), at: '2026-12-01T00:00:00.000Z' };
      return { ...c, sig: toB64url(sign(null, checkpointBytes(c), privateKey)) };
    })() };
    const rewritten = new MerkleTree();
    for (let i = 0; i < 700; i++) rewritten.append(new Uint8Array(randomBytes(32)));
    const note = signNote(checkpointText(origin, 700, rewritten.root()), origin, pub, (m) => sign(null, m, privateKey));
    const r = await followReceipt(at512, logKey, flipped(rewritten, note, null));
    expect(r).toMatchObject({ ok: false, unreadable: false });
    expect(r.checks.find((c) => c.name === 'consistency')).toMatchObject({ ok: false, detail: expect.stringMatching(/log bercabang/) });
  });
});

describe('one witness under two names', () => {
  it('is refused, not counted as two: a cosignature does not sign its cosigner\'s name', async () => {
    const grown = new MerkleTree();
    for (let i = 0; i < 700; i++) grown.append(i < 600 ? honest.leaf(i) : new Uint8Array(randomBytes(32)));
    const note700 = signNote(checkpointText(origin, 700, grown.root()), origin, pub, (m) => sign(null, m, privateKey));
    const w = generateKeyPairSync('ed25519');
    const key = new Uint8Array(Buffer.from(w.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const a = { name: 'ombudsman.go.id/saksi', publicKeyRaw: key };
    const b = { name: 'bpkp.go.id/saksi', publicKeyRaw: key };
    const lineA = cosign(splitNote(note700)!.text, a, 1_800_000_000, (m) => new Uint8Array(sign(null, m, w.privateKey)));
    // The hub, with no witness key, relabels the same line under the second name (its key id made for that name).
    const body = fromB64(lineA.split(' ')[2]!);
    body.set(cosignerKeyId(b.name, key), 0);
    const note = `${note700}${lineA}\n${signatureLine(b.name, body)}\n`;
    const fetchLog = async (path: string): Promise<Uint8Array | null> => {
      if (path === 'checkpoint') return new TextEncoder().encode(note);
      const t = parseTilePath(path);
      return t && t.level !== 'entries' ? grown.subtrees(8 * t.level, t.index * 256, t.width) : null;
    };
    expect((await followReceipt(receipt, logKey, fetchLog, { witnesses: [a] })).ok).toBe(true);
    const both = await followReceipt(receipt, logKey, fetchLog, { witnesses: [a, b] });
    expect(both).toMatchObject({ ok: false, unreadable: false });
    expect(both.checks.find((c) => c.name === `witness ${b.name}`)).toMatchObject({ ok: false, detail: expect.stringMatching(/memakai kunci yang sama dengan saksi ombudsman\.go\.id\/saksi/) });
  });
});
