import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { verifyLogSignature } from '../ledger/checkpoint';
import { canonicalBytes } from '../ledger/leaf';
import { fromB64url } from '../ledger/merkle';
import { verifyReceipt, type Receipt } from '../ledger/receipt';
import type { SignedAck } from '../publish/publisher';
import { LenteraError } from '../util/errors';
import { finishRecordedFile } from './recover';

export interface OutboxRow {
  bundle_sha256: string;
  exam_code: string;
  sequence: number;
  file: string;
  state: 'pending' | 'confirmed' | 'refused';
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
}

/** Seconds to wait after the n-th failed attempt: 2, 4, 8 … up to five minutes. */
export function backoffSeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}

/**
 * The bundles to push now: per exam only the oldest pending one (the hub refuses a bundle whose predecessor it
 * has not merged), and only once its back-off has passed. A recorded bundle whose file a crash left as `.part`
 * (an export in another process killed after its commit) gets its name first.
 */
export function dueBundles(db: Db, now: Date): OutboxRow[] {
  const rows = sql(db, "SELECT * FROM outbox WHERE state = 'pending' ORDER BY exam_code, sequence").all() as OutboxRow[];
  const first = new Map<string, OutboxRow>();
  for (const r of rows) if (!first.has(r.exam_code)) first.set(r.exam_code, r);
  const due = [...first.values()].filter((r) => !r.next_attempt_at || new Date(r.next_attempt_at) <= now);
  for (const r of due) {
    try {
      finishRecordedFile(r.file);
    } catch {
      // The push names the file's problem itself.
    }
  }
  return due;
}

export function recordFailure(db: Db, sha: string, error: string, now: Date, refused: boolean): void {
  const row = sql(db, 'SELECT attempts FROM outbox WHERE bundle_sha256 = ?').get(sha) as { attempts: number } | undefined;
  if (!row) return;
  const attempts = row.attempts + 1;
  const next = new Date(now.getTime() + backoffSeconds(attempts) * 1000).toISOString();
  sql(db, 'UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, state = ? WHERE bundle_sha256 = ?').run(attempts, error, refused ? null : next, refused ? 'refused' : 'pending', sha);
}

/**
 * An acknowledgement of the hub (a bundle's, an announcement's) signed with the key this workstation pinned: its
 * fields are the hub's own only once this holds, so callers check what it is about afterwards.
 */
export function signedByPinnedHub<T extends { sig: string }>(raw: unknown, logKey: string): T {
  const ack = raw as T | null;
  if (!ack || typeof ack !== 'object' || typeof ack.sig !== 'string') throw new LenteraError('ACK_INVALID', 'The hub answered without a signed acknowledgement.', {});
  const { sig, ...body } = ack;
  let key: Uint8Array;
  try {
    key = fromB64url(logKey);
  } catch {
    throw new LenteraError('ACK_INVALID', 'The pinned hub key is not a base64url key.', {});
  }
  if (!verifyLogSignature(canonicalBytes(body), sig, key)) throw new LenteraError('ACK_INVALID', "The hub's acknowledgement is not signed by the hub key pinned here.", {});
  return ack;
}

/** Checks the hub's signature with the key this workstation pinned, and that the ack is for this bundle. */
export function verifyAck(raw: unknown, logKey: string, bundle: string): SignedAck {
  const ack = signedByPinnedHub<SignedAck>(raw, logKey);
  if (ack.v !== 2) throw new LenteraError('ACK_INVALID', `The acknowledgement is of version ${String(ack.v)}, not 2: the hub runs another version of Lentera.`, {});
  if (ack.bundle !== bundle) throw new LenteraError('ACK_INVALID', `The acknowledgement is for bundle ${String(ack.bundle).slice(0, 12)}…, not ${bundle.slice(0, 12)}….`, {});
  if (ack.logKey !== logKey) throw new LenteraError('ACK_INVALID', 'The acknowledgement names another log key.', {});
  if (!Number.isSafeInteger(ack.leaves) || ack.leaves < 0 || !(ack.receiptToken === null || typeof ack.receiptToken === 'string')) {
    throw new LenteraError('ACK_INVALID', 'The acknowledgement does not say how its receipts are fetched.', {});
  }
  return ack;
}

/**
 * Marks the bundle confirmed; its receipts, when it logged any, are then fetched from the hub (`receiptsDue`), with
 * the acknowledgement's token or the bundle's own. A bundle answered "unchanged" was merged by an earlier send whose
 * answer never came here (or carried to the hub by hand): with its own token its receipts are asked for too, and a
 * hub that logged none says so (`noReceipts`).
 */
export function recordAck(db: Db, ack: SignedAck, at: string): void {
  const own = sql(db, 'SELECT receipt_token FROM outbox WHERE bundle_sha256 = ?').pluck().get(ack.bundle) as string | null | undefined;
  const fetch = tokenFor(ack, own) !== null && (ack.leaves > 0 || ack.unchanged) ? 0 : null;
  sql(db, "UPDATE outbox SET state = 'confirmed', ack = ?, confirmed_at = ?, last_error = NULL, next_attempt_at = NULL, receipts_next = ? WHERE bundle_sha256 = ?").run(JSON.stringify(ack), at, fetch, ack.bundle);
}

/** What opens a bundle's receipts: the token its acknowledgement gave (a bundle made before `receiptKey`), or its own. */
const tokenFor = (ack: SignedAck, own: string | null | undefined): string | null => ack.receiptToken ?? own ?? null;

/** A confirmed bundle whose receipts are still (partly) at the hub. */
export interface ReceiptsDue {
  bundle: string;
  exam: string;
  next: number;
  ack: SignedAck;
  /** what opens them: the acknowledgement's token, or the one kept with the bundle here */
  token: string;
}

/** Confirmed bundles with receipts still to fetch, oldest first, once any wait after a failed fetch has passed. */
export function receiptsDue(db: Db, now: Date, bundle?: string): ReceiptsDue[] {
  const rows = sql(
    db,
    "SELECT bundle_sha256, exam_code, receipts_next, ack, next_attempt_at, receipt_token FROM outbox WHERE state = 'confirmed' AND receipts_next IS NOT NULL AND (? IS NULL OR bundle_sha256 = ?) ORDER BY exam_code, sequence",
  ).all(bundle ?? null, bundle ?? null) as { bundle_sha256: string; exam_code: string; receipts_next: number; ack: string; next_attempt_at: string | null; receipt_token: string | null }[];
  return rows
    .filter((r) => !r.next_attempt_at || new Date(r.next_attempt_at) <= now)
    .map((r) => {
      const ack = JSON.parse(r.ack) as SignedAck;
      return { bundle: r.bundle_sha256, exam: r.exam_code, next: r.receipts_next, ack, token: tokenFor(ack, r.receipt_token) ?? '' };
    });
}

/** The hub logged no result of a bundle sent again "unchanged": there is nothing to fetch, and nothing is missing. */
export function noReceipts(db: Db, bundle: string): void {
  sql(db, 'UPDATE outbox SET receipts_next = NULL, next_attempt_at = NULL, last_error = NULL WHERE bundle_sha256 = ?').run(bundle);
}

/** A page of receipts as the hub answers it, checked for shape (each receipt is verified on its own). */
export function receiptPageOf(raw: unknown, due: ReceiptsDue): { receipts: unknown[]; next: number | null } {
  const body = raw as { ok?: unknown; bundle?: unknown; receipts?: unknown; next?: unknown } | null;
  if (!body || body.ok !== true || body.bundle !== due.bundle || !Array.isArray(body.receipts)) throw new LenteraError('ACK_INVALID', "The hub's page of receipts is not one of this bundle's.", {});
  // Each page must move on: a hub answering the same page again would otherwise keep the workstation fetching forever.
  if (!(body.next === null || (Number.isSafeInteger(body.next) && (body.next as number) > due.next))) throw new LenteraError('ACK_INVALID', "The hub's page of receipts does not move on.", {});
  return { receipts: body.receipts, next: body.next as number | null };
}

/**
 * Keeps every receipt of a page that verifies against the pinned key and is for the bundle's exam, unless a receipt
 * for a later leaf of that candidate is kept already (pages of an older bundle fetched late), and moves the bundle
 * on to the page's next (NULL: all in). One transaction per page, so a fetch cut off resumes where it stopped.
 */
export function recordReceipts(db: Db, due: ReceiptsDue, page: { receipts: unknown[]; next: number | null }, at: string): { kept: number; refused: number } {
  const put = sql(
    db,
    `INSERT INTO receipts (exam_code, nomor_peserta, digest, receipt, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (exam_code, nomor_peserta) DO UPDATE SET digest = excluded.digest, receipt = excluded.receipt, received_at = excluded.received_at
     WHERE json_extract(excluded.receipt, '$.index') >= json_extract(receipts.receipt, '$.index')`,
  );
  let kept = 0;
  let refused = 0;
  for (const raw of page.receipts) {
    const r = raw as Receipt;
    if (!verifyReceipt(r, { trustedLogKey: due.ack.logKey }).ok || r.exam !== due.exam) {
      refused++;
      continue;
    }
    put.run(r.exam, r.nomor, r.digest, JSON.stringify(r), at);
    kept++;
  }
  sql(db, 'UPDATE outbox SET receipts_next = ?, next_attempt_at = NULL, last_error = NULL WHERE bundle_sha256 = ?').run(page.next, due.bundle);
  return { kept, refused };
}

/** A fetch of receipts that failed: tried again after `RECEIPTS_RETRY_S`, the bundle staying confirmed. */
export function recordReceiptsFailure(db: Db, bundle: string, error: string, now: Date): void {
  sql(db, 'UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE bundle_sha256 = ?').run(`receipts not fetched yet: ${error}`, new Date(now.getTime() + RECEIPTS_RETRY_S * 1000).toISOString(), bundle);
}

export const RECEIPTS_RETRY_S = 60;

/** The receipt for a candidate's latest logged result; with `digest`, only if the hub logged exactly that result. */
export function receiptFor(db: Db, exam: string, nomor: string, digest?: string): Receipt | null {
  const row = sql(db, 'SELECT receipt FROM receipts WHERE exam_code = ? AND nomor_peserta = ? AND (? IS NULL OR digest = ?)').get(exam, nomor, digest ?? null, digest ?? null) as { receipt: string } | undefined;
  return row ? (JSON.parse(row.receipt) as Receipt) : null;
}

/** Puts a bundle the hub refused back in line, from its first attempt; false when no such refused bundle. */
export function retryRefused(db: Db, sha: string): boolean {
  return sql(db, "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = NULL WHERE bundle_sha256 = ? AND state = 'refused'").run(sha).changes > 0;
}

export function outboxList(db: Db) {
  return sql(db, 'SELECT bundle_sha256 AS sha256, exam_code AS exam, sequence, file, state, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, created_at AS createdAt, confirmed_at AS confirmedAt FROM outbox ORDER BY created_at DESC, sequence DESC').all() as {
    sha256: string;
    exam: string;
    sequence: number;
    file: string;
    state: string;
    attempts: number;
    nextAttemptAt: string | null;
    lastError: string | null;
    createdAt: string;
    confirmedAt: string | null;
  }[];
}
