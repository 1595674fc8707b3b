/**
 * A receipt followed to the log as it is now, through its tiles (c2sp.org/tlog-tiles): the latest checkpoint, signed
 * by the pinned key, must extend the receipt's checkpoint (a consistency proof computed from tiles), and still hold
 * the receipt's leaf (an inclusion proof at the latest size). Together they show that the log the receipt was
 * issued from was not forked or rolled back since. Browser-safe: the verification page runs it with the site's
 * own log/ folder as the prefix, `lentera receipt verify --log-url` with the hub's.
 *
 * Run only after `verifyReceipt` holds: it checks the receipt's own proof and checkpoint signature.
 */
import { resultLeaf } from './leaf';
import { fromB64url, fromHex, leafHash, toHex, verifyInclusion } from './merkle';
import type { Receipt, ReceiptCheck } from './receipt';
import { openCheckpoint } from './signed-note';
import { extendsHead, TileReader, type TileFetch } from './tiles';
import { isCosignatureBy, verifyCosignature, type Witness } from './cosignature';

export interface FollowedReceipt {
  ok: boolean;
  /**
   * The log could not be read (no checkpoint served, a fetch failed, a tile missing): nothing was learned for or
   * against the receipt. Otherwise a failed check is a contradiction: a head not signed by the pinned key, a smaller
   * head, a fork, the leaf gone.
   */
  unreadable: boolean;
  checks: ReceiptCheck[];
  /** the latest head, when its note opened with the pinned key */
  latest: { origin: string; size: number; root: string } | null;
}

/**
 * `fetch` answers a path under the log's prefix ("checkpoint", "tile/0/001", …) with its bytes, or null when it
 * is not there. Never throws: a log that cannot be read is a failed check, said in words.
 */
export async function followReceipt(r: Receipt, pinnedLogKey: string, fetch: TileFetch, opts: { witnesses?: Witness[] } = {}): Promise<FollowedReceipt> {
  const checks: ReceiptCheck[] = [];
  let unreadable = false;
  const done = (latest: FollowedReceipt['latest']): FollowedReceipt => ({ ok: checks.length > 0 && checks.every((c) => c.ok), unreadable, checks, latest });
  let key: Uint8Array;
  try {
    key = fromB64url(pinnedLogKey);
    if (key.length !== 32) throw new Error('not 32 bytes');
  } catch {
    checks.push({ name: 'latest checkpoint', ok: false, detail: 'Kunci log yang dipercaya tidak valid (harus kunci Ed25519 base64url, 43 karakter)' });
    return done(null);
  }
  let note: Uint8Array | null;
  try {
    note = await fetch('checkpoint');
  } catch (e) {
    unreadable = true;
    checks.push({ name: 'latest checkpoint', ok: false, detail: `Checkpoint terbaru log tidak dapat diambil: ${(e as Error).message}` });
    return done(null);
  }
  if (!note) {
    unreadable = true;
    checks.push({ name: 'latest checkpoint', ok: false, detail: 'Log tidak menyajikan checkpoint terbaru (checkpoint)' });
    return done(null);
  }
  const opened = openCheckpoint(note, key);
  if (!opened.ok) {
    checks.push({ name: 'latest checkpoint', ok: false, detail: opened.reason === 'the checkpoint cannot be read' ? 'Checkpoint terbaru log tidak dapat dibaca' : `Checkpoint terbaru tidak ditandatangani kunci log yang dipercaya (${opened.reason})` });
    return done(null);
  }
  const { head } = opened;
  const latest = { origin: head.origin, size: head.size, root: toHex(head.root) };
  checks.push({ name: 'latest checkpoint', ok: true, detail: `Checkpoint terbaru log ${head.origin} sah oleh kunci log yang dipercaya (ukuran ${head.size})` });
  // Each witness the verifier requires must have cosigned this very head: a log cannot show this verifier a view
  // of its own (a split view) unless the witness saw it too.
  const keys = new Map<string, string>();
  for (const w of opts.witnesses ?? []) {
    // A cosignature does not sign its cosigner's name: one key under two names is one witness, whose line the log
    // could show under both (found by review). Such a pair is refused, not counted twice.
    const same = keys.get(toHex(w.publicKeyRaw));
    if (same !== undefined) {
      checks.push({ name: `witness ${w.name}`, ok: false, detail: `Saksi ${w.name} memakai kunci yang sama dengan saksi ${same}: keduanya satu saksi, bukan dua` });
      continue;
    }
    keys.set(toHex(w.publicKeyRaw), w.name);
    const seen = opened.lines.filter((l) => isCosignatureBy(l, w)).map((l) => verifyCosignature(l, opened.text, w));
    const good = seen.find((v) => v !== null);
    const ok = !!good && seen.every((v) => v !== null);
    checks.push({
      name: `witness ${w.name}`,
      ok,
      detail: ok ? `Checkpoint terbaru disaksikan ${w.name} (${new Date(good.timestamp * 1000).toISOString()})` : seen.length ? `Tanda tangan saksi ${w.name} pada checkpoint terbaru tidak sah` : `Checkpoint terbaru belum disaksikan ${w.name}`,
    });
  }
  const cp = r.checkpoint;
  try {
    const verdict = await extendsHead(fetch, { size: cp.size, root: fromHex(cp.root) }, head);
    if (verdict === 'rollback') {
      checks.push({ name: 'consistency', ok: false, detail: `Log sekarang (ukuran ${head.size}) lebih kecil dari checkpoint tanda terima (ukuran ${cp.size}): log telah diputar mundur` });
      return done(latest);
    }
    checks.push({
      name: 'consistency',
      ok: verdict === 'extends',
      detail: verdict === 'extends' ? `Log sekarang (ukuran ${head.size}) melanjutkan checkpoint tanda terima (ukuran ${cp.size}) tanpa mengubah isinya` : `Log sekarang tidak melanjutkan checkpoint tanda terima (ukuran ${cp.size}): log bercabang`,
    });
    const leaf = leafHash(resultLeaf({ exam: r.exam, nomor: r.nomor, digest: r.digest, salt: fromB64url(r.salt) }));
    if (r.index >= head.size) throw new Error(`entry ${r.index + 1} is beyond the log's ${head.size} entries`);
    const reader = new TileReader(fetch, head.size);
    const proof = await reader.inclusionProof(r.index);
    // The entry the tiles hold at that index must rebuild the signed root with the path: else the tiles are wrong (a
    // mirror's byte), which says nothing of the log, and "the result is not in the log" was said of an honest one.
    const served = await reader.subtree(0, r.index);
    if (!verifyInclusion(served, r.index, head.size, proof, head.root)) throw new Error(`the tiles do not rebuild the signed root of size ${head.size}`);
    const still = verifyInclusion(leaf, r.index, head.size, proof, head.root);
    checks.push({ name: 'still in the log', ok: still, detail: still ? `Hasil masih tercatat sebagai entri ke-${r.index + 1} dari ${head.size} di log sekarang` : 'Hasil tidak ada di log sekarang pada indeksnya' });
  } catch (e) {
    // A contradiction found before the tiles failed (a fork proven, a witness missing) stands: only a log that
    // has told nothing against the receipt so far is unreadable. A log that forks and then withholds the tile the
    // inclusion proof needs must not turn "log bercabang" into "nothing learned".
    unreadable = checks.every((c) => c.ok);
    checks.push({ name: 'tiles', ok: false, detail: `Tile log tidak dapat dibaca: ${(e as Error).message}` });
  }
  return done(latest);
}
