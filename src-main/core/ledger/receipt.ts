/**
 * A candidate's inclusion receipt: everything needed to check, offline and without trusting the hub, that their
 * result is in the public log. Browser-safe: the static verification page runs `verifyReceipt` as is.
 *
 * A receipt is checked against the log key the verifier pinned, never against the key the receipt carries:
 * anyone can start a log of their own, record the same results and hand out receipts that agree with
 * themselves. The `logKey` field is only a label; a receipt naming another key is "signed by another log".
 */
import { verifyCheckpoint, isCheckpointShape, logIdOf, type SignedCheckpoint } from './checkpoint';
import { MIN_SALT_BYTES, resultLeaf } from './leaf';
import { fromB64url, fromHex, leafHash, toB64url, toHex, verifyInclusion } from './merkle';

export interface Receipt {
  v: 1;
  exam: string;
  nomor: string;
  digest: string;
  /** base64url */
  salt: string;
  index: number;
  /** hex, leaf to root */
  proof: string[];
  checkpoint: SignedCheckpoint;
  /** base64url raw Ed25519 public key of the log that says it signed: a label, never what a receipt is checked with */
  logKey: string;
}

export interface ReceiptOptions {
  /**
   * The publication log's key (base64url raw Ed25519) as the verifier pinned it: from the site's
   * log/kunci-log.txt, the hub, or the workstation's pinned hub key. Required: without it nothing is verified.
   */
  trustedLogKey: string;
  /** also require this result digest */
  expectedDigest?: string;
}

export interface ReceiptCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReceiptVerification {
  ok: boolean;
  checks: ReceiptCheck[];
  /** detail of the first failed check */
  failure: string | null;
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAX_TEXT = 200;
// 2^64 leaves would need 64 hashes; anything longer is not a proof but an attempt to make the page work hard.
const MAX_PROOF = 64;

function b64urlOfLength(s: unknown, min: number, max = min): Uint8Array | null {
  if (typeof s !== 'string' || s.length > 4 * max) return null;
  try {
    const b = fromB64url(s);
    return b.length >= min && b.length <= max ? b : null;
  } catch {
    return null;
  }
}

function isText(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= MAX_TEXT;
}

/** The first malformed field, in words for the failure message, or null when the receipt is well formed. */
function shapeProblem(x: unknown): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'bukan objek JSON';
  const r = x as Record<string, unknown>;
  if (r.v !== 1) return 'versi (v) harus 1';
  if (!isText(r.exam)) return 'kode ujian (exam) kosong atau tidak valid';
  if (!isText(r.nomor)) return 'nomor peserta (nomor) kosong atau tidak valid';
  if (typeof r.digest !== 'string' || !HEX64.test(r.digest)) return 'digest harus 64 digit heksadesimal';
  if (!b64urlOfLength(r.salt, MIN_SALT_BYTES, 64)) return 'salt tidak valid';
  if (typeof r.index !== 'number' || !Number.isSafeInteger(r.index) || r.index < 0) return 'indeks (index) tidak valid';
  if (!Array.isArray(r.proof) || r.proof.length > MAX_PROOF || !r.proof.every((h) => typeof h === 'string' && HEX64.test(h))) {
    return 'bukti (proof) harus daftar hash heksadesimal';
  }
  if (!isCheckpointShape(r.checkpoint) || !b64urlOfLength(r.checkpoint.sig, 64)) return 'checkpoint tidak valid';
  if (r.logKey !== undefined && !b64urlOfLength(r.logKey, 32)) return 'kunci log (logKey) tidak valid';
  return null;
}

/** The first 16 hex digits of a log id, as the pages show it. */
const shortId = (id: string) => `${id.slice(0, 16)}…`;

/**
 * Runs every check it can and reports each, so the page can show what held and what did not; `failure` is the
 * first failed one. Never throws, whatever `input` or `opts` are.
 *
 * Checks, in order: `shape`; `trusted log key` (a pinned key was given and is a 32-byte key; without one nothing
 * else is checked); `log id` (the checkpoint names the pinned log, and the receipt's own `logKey`, when present,
 * is the pinned key: otherwise the receipt is "ditandatangani log lain", signed by another log); `checkpoint
 * signature` (by the pinned key); `expected digest` (with `expectedDigest`); `inclusion proof`.
 */
export function verifyReceipt(input: unknown, opts: ReceiptOptions): ReceiptVerification {
  const checks: ReceiptCheck[] = [];
  const done = (): ReceiptVerification => {
    const failed = checks.find((c) => !c.ok);
    return { ok: !failed, checks, failure: failed ? failed.detail : null };
  };
  try {
    const problem = shapeProblem(input);
    checks.push({ name: 'shape', ok: !problem, detail: problem ? `Format tanda terima tidak valid: ${problem}` : 'Format tanda terima lengkap' });
    if (problem) return done();
    const r = input as Receipt;

    const pinnedText = typeof opts === 'object' && opts !== null ? opts.trustedLogKey : undefined;
    const key = b64urlOfLength(pinnedText, 32);
    checks.push({
      name: 'trusted log key',
      ok: key !== null,
      detail: key
        ? `Diperiksa dengan kunci log yang dipercaya (log ${shortId(logIdOf(key))})`
        : pinnedText === undefined
          ? 'Tidak ada kunci log yang dipercaya: tanda terima tidak dapat diverifikasi dengan kunci yang dibawanya sendiri'
          : 'Kunci log yang dipercaya tidak valid (harus kunci Ed25519 base64url, 43 karakter)',
    });
    if (!key) return done();

    const pinnedId = logIdOf(key);
    const claimed = r.logKey === undefined ? null : fromB64url(r.logKey);
    const sameLog = r.checkpoint.log === pinnedId && (claimed === null || toHex(claimed) === toHex(key));
    checks.push({
      name: 'log id',
      ok: sameLog,
      detail: sameLog
        ? `Checkpoint berasal dari log yang dipercaya (log ${shortId(pinnedId)})`
        : r.checkpoint.log !== pinnedId
          ? `Tanda terima ditandatangani log lain (log ${shortId(r.checkpoint.log)}), bukan log yang dipercaya (log ${shortId(pinnedId)})`
          : `Tanda terima ditandatangani log lain: kunci log di dalamnya (log ${shortId(logIdOf(claimed!))}) bukan kunci log yang dipercaya (log ${shortId(pinnedId)})`,
    });

    const signed = verifyCheckpoint(r.checkpoint, key);
    checks.push({
      name: 'checkpoint signature',
      ok: signed,
      detail: signed
        ? `Tanda tangan checkpoint sah oleh kunci log yang dipercaya (ukuran ${r.checkpoint.size}, ${r.checkpoint.at})`
        : 'Tanda tangan checkpoint tidak sah menurut kunci log yang dipercaya',
    });

    if (opts.expectedDigest !== undefined) {
      const ok = typeof opts.expectedDigest === 'string' && opts.expectedDigest.toLowerCase() === r.digest;
      checks.push({ name: 'expected digest', ok, detail: ok ? 'Digest sama dengan hasil yang diperiksa' : 'Digest pada tanda terima tidak sama dengan hasil yang diperiksa' });
    }

    const leaf = leafHash(resultLeaf({ exam: r.exam, nomor: r.nomor, digest: r.digest, salt: fromB64url(r.salt) }));
    const { index, checkpoint: cp } = r;
    const included = verifyInclusion(leaf, index, cp.size, r.proof.map(fromHex), fromHex(cp.root));
    checks.push({
      name: 'inclusion proof',
      ok: included,
      detail: included
        ? `Hasil tercatat sebagai entri ke-${index + 1} dari ${cp.size} di log`
        : index >= cp.size
          ? 'Indeks entri berada di luar ukuran checkpoint'
          : 'Bukti inklusi tidak cocok dengan akar checkpoint',
    });
    return done();
  } catch (e) {
    // Not expected after the shape check; a verifier still must not crash on hostile input.
    checks.push({ name: 'internal', ok: false, detail: `Tanda terima tidak dapat diperiksa: ${(e as Error)?.message ?? String(e)}` });
    return done();
  }
}

/**
 * The compact form under key "p" of the result sheet's QR JSON {"v":1,"e":exam,"n":nomor,"d":digest,"p":{...}}.
 * Hashes go as base64url (43 characters instead of 64) so a 100,000-leaf proof still fits one QR code; the log key
 * is left out because the verifier must get it from somewhere it trusts anyway, not from the sheet.
 */
export function receiptToQr(r: Receipt): Record<string, unknown> {
  return {
    i: r.index,
    s: r.salt,
    t: r.checkpoint.size,
    r: toB64url(fromHex(r.checkpoint.root)),
    h: r.proof.map((h) => toB64url(fromHex(h))),
    a: r.checkpoint.at,
    g: r.checkpoint.sig,
  };
}

/** Rebuilds the full receipt from the sheet's QR JSON and the log key; null when the payload is malformed. */
export function receiptFromQr(payload: { v: number; e: string; n: string; d: string; p?: unknown }, logKey: string): Receipt | null {
  try {
    if (typeof payload !== 'object' || payload === null || payload.v !== 1) return null;
    const { e, n, d, p } = payload;
    if (typeof e !== 'string' || typeof n !== 'string' || typeof d !== 'string') return null;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
    const q = p as Record<string, unknown>;
    const key = b64urlOfLength(logKey, 32);
    const root = b64urlOfLength(q.r, 32);
    if (!key || !root) return null;
    if (typeof q.i !== 'number' || typeof q.t !== 'number' || typeof q.s !== 'string' || typeof q.a !== 'string' || typeof q.g !== 'string') return null;
    if (!Array.isArray(q.h) || q.h.length > MAX_PROOF) return null;
    const proof: string[] = [];
    for (const h of q.h) {
      const b = b64urlOfLength(h, 32);
      if (!b) return null;
      proof.push(toHex(b));
    }
    return {
      v: 1,
      exam: e,
      nomor: n,
      digest: d,
      salt: q.s,
      index: q.i,
      proof,
      checkpoint: { v: 1, log: logIdOf(key), size: q.t, root: toHex(root), at: q.a, sig: q.g },
      logKey,
    };
  } catch {
    return null;
  }
}
