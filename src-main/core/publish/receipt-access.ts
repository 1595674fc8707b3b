/**
 * Who may fetch a bundle's receipts from the hub: the one its acknowledgement answered. A receipt carries its
 * candidate's salt, the secret that keeps the public log from saying whose result a leaf is, and bundles are
 * published, so holding a bundle's file must not be enough. The acknowledgement hands its sender a random token; the
 * hub keeps only the token's sha256 (migration 16), so its database, or a backup of it, gives no one the receipts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { toB64url } from '../ledger/merkle';

export interface ReceiptAccess {
  token_sha256: string;
  exam_code: string;
  first_idx: number;
  last_idx: number;
  leaves: number;
  checkpoint_size: number;
}

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A token for a bundle's receipts, made by the workstation that exports it: the token stays with it (its outbox),
 * its sha256 goes in the signed manifest (`receiptKey`), and the hub keeps that. So an acknowledgement lost on the
 * way, or the bundle carried to the hub on a stick by someone else, does not lose the receipts.
 */
export function newReceiptToken(): { token: string; key: string } {
  const token = toB64url(randomBytes(32));
  return { token, key: tokenHash(token) };
}

/**
 * Records who may fetch the receipts of the leaves a merge just appended (in the merge's transaction): the holder of
 * the token whose sha256 the bundle's manifest names (`key`), and then no token is returned; for a bundle without
 * one, the holder of a new token, returned to put in the acknowledgement. A bundle logs its leaves once: merged
 * again, it appends none and gets no token.
 */
export function grantReceipts(db: Db, bundle: string, exam: string, appended: number[], checkpointSize: number, at: string, key?: string): string | null {
  const made = key === undefined ? newReceiptToken() : null;
  let first = Infinity;
  let last = -1;
  for (const i of appended) {
    if (i < first) first = i;
    if (i > last) last = i;
  }
  sql(db, 'INSERT INTO hub_receipt_access (bundle_sha256, token_sha256, exam_code, first_idx, last_idx, leaves, checkpoint_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    bundle,
    made?.key ?? key,
    exam,
    first,
    last,
    appended.length,
    checkpointSize,
    at,
  );
  return made?.token ?? null;
}

export function receiptAccess(db: Db, bundle: string): ReceiptAccess | undefined {
  return sql(db, 'SELECT token_sha256, exam_code, first_idx, last_idx, leaves, checkpoint_size FROM hub_receipt_access WHERE bundle_sha256 = ?').get(bundle) as ReceiptAccess | undefined;
}

/** Whether `token` hashes to the kept hash; compared in constant time, so timing tells nothing of it. */
export function sameToken(kept: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length === 0 || token.length > 256) return false;
  return timingSafeEqual(Buffer.from(kept, 'hex'), Buffer.from(tokenHash(token), 'hex'));
}
