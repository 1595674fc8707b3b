/**
 * The hub's side of announcements: a signed announcement from a registered coordinator is checked, kept, appended
 * to the transparency log as a record leaf and answered with a signed acknowledgement carrying its inclusion proof.
 * Nothing is kept from a refusal but its audit event.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendEvent } from '../audit/chain';
import { mayAnnounce, trustLookup } from '../bundles/trust';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { writeTransaction } from '../db/transaction';
import { canonicalBytes } from '../ledger/leaf';
import type { TransparencyLog } from '../ledger/log';
import { documentInfo, verifyPdfSignatures } from '../sheets/verify';
import { isLenteraError, LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import {
  ANNOUNCEMENT_DIR,
  announcementName,
  insertAnnouncement,
  PDF_INFO_KEY,
  storedAnnouncement,
  verifyAnnouncement,
  writeAnnouncementFiles,
  type AnnouncementAck,
  type AnnouncementDocument,
  type SignedAnnouncementAck,
  type VerifiedAnnouncement,
} from './announcement';

/** What the hub needs of the Publisher (kept narrow: this module does not import the publisher). */
export interface AnnouncementHub {
  dir: string;
  db: Db;
  log: TransparencyLog;
}

/** A refusal of an announcement; its HTTP status goes by the code (server/hub.ts). */
export function announcementStatus(code: string): number {
  if (code === 'ANNOUNCEMENT_SIGNER_UNKNOWN' || code === 'ANNOUNCEMENT_WRONG_EXAM' || code === 'ANNOUNCEMENT_SIGNER_MISMATCH' || code === 'ANNOUNCEMENT_SIGNER_NOT_ANNOUNCER') return 403;
  if (code === 'ANNOUNCEMENT_REPLAYED' || code === 'ANNOUNCEMENT_GAP' || code === 'ANNOUNCEMENT_CHAIN_BROKEN') return 409;
  if (code === 'ANNOUNCEMENT_TOO_LARGE') return 413;
  return 422;
}

/** The PDF shows this very announcement: one valid signature over the whole file, by the same key, naming its sha256. */
async function checkPdf(pdf: Buffer, v: VerifiedAnnouncement): Promise<void> {
  if (documentInfo(pdf)[PDF_INFO_KEY] !== v.sha256) throw new LenteraError('ANNOUNCEMENT_PDF_INVALID', `The PDF does not name the announcement's sha256 ${v.sha256} (${PDF_INFO_KEY}): it is the PDF of another document.`);
  const sigs = await verifyPdfSignatures(pdf);
  const ok = sigs.length === 1 && sigs[0]!.valid && sigs[0]!.coversWholeFile && sigs[0]!.fingerprint === v.fingerprint;
  if (!ok) throw new LenteraError('ANNOUNCEMENT_PDF_INVALID', 'The PDF is not signed, over its whole file, by the key that signed the announcement.', { signatures: sigs.length });
}

/** Who may announce for an exam: a certificate registered here with --announce (`lentera hub trust`), for that exam or for any. */
function checkSigner(db: Db, v: VerifiedAnnouncement, named: string | undefined): void {
  if (named !== undefined && named !== v.fingerprint) {
    throw new LenteraError('ANNOUNCEMENT_SIGNER_MISMATCH', `The announcement is signed by ${v.fingerprint}, not by ${named} named when it was sent.`, { fingerprint: v.fingerprint, named });
  }
  const reg = trustLookup(db)(v.fingerprint);
  if (!reg) throw new LenteraError('ANNOUNCEMENT_SIGNER_UNKNOWN', `The announcement is signed by a certificate that is not registered here (${v.fingerprint}); register the coordinator's certificate with "lentera hub trust" first.`, { fingerprint: v.fingerprint });
  if (reg.exam && reg.exam !== v.document.exam.code) throw new LenteraError('ANNOUNCEMENT_WRONG_EXAM', `That certificate is registered for exam ${reg.exam}, not ${v.document.exam.code}.`, { fingerprint: v.fingerprint });
  // A venue's key signs its bundles; the rules and the objection period are the committee's to announce.
  if (!mayAnnounce(db, v.fingerprint)) {
    throw new LenteraError('ANNOUNCEMENT_SIGNER_NOT_ANNOUNCER', `The certificate ${v.fingerprint} is registered to sign bundles, not announcements; register the committee coordinator's certificate with "lentera hub trust --announce".`, { fingerprint: v.fingerprint });
  }
}

/**
 * The chain: announcement 1 names no previous one; each later one is the next number and names the last one's
 * sha256. The very announcement sent again is `unchanged`; another one under a number already taken is a replay,
 * one naming another predecessor a fork.
 */
function checkChain(db: Db, d: AnnouncementDocument, sha256: string): { unchanged: number | null } {
  const same = sql(db, 'SELECT sha256, leaf_idx FROM announcements WHERE exam_code = ? AND seq = ?').get(d.exam.code, d.seq) as { sha256: string; leaf_idx: number } | undefined;
  if (same) {
    if (same.sha256 === sha256) return { unchanged: same.leaf_idx };
    throw new LenteraError('ANNOUNCEMENT_REPLAYED', `Announcement ${d.seq} of ${d.exam.code} is already published here with other content (sha256 ${same.sha256.slice(0, 16)}…); a change of rules is the next announcement, never a new version of an old one.`, { seq: d.seq });
  }
  const last = sql(db, 'SELECT seq, sha256 FROM announcements WHERE exam_code = ? ORDER BY seq DESC LIMIT 1').get(d.exam.code) as { seq: number; sha256: string } | undefined;
  const next = (last?.seq ?? 0) + 1;
  if (d.seq !== next) throw new LenteraError('ANNOUNCEMENT_GAP', `Announcement ${d.seq} of ${d.exam.code} cannot come yet: the next one here is ${next}. Send the missing ones first.`, { seq: d.seq, next });
  if (d.previous !== (last?.sha256 ?? null)) {
    throw new LenteraError(
      'ANNOUNCEMENT_CHAIN_BROKEN',
      last
        ? `Announcement ${d.seq} of ${d.exam.code} names ${d.previous ? `${d.previous.slice(0, 16)}…` : 'no previous announcement'} as the one before it, but announcement ${last.seq} here is ${last.sha256.slice(0, 16)}…: it was made from another history.`
        : `Announcement 1 of ${d.exam.code} must name no previous announcement.`,
      { seq: d.seq },
    );
  }
  return { unchanged: null };
}

/**
 * A published announcement sent again: its PDF is compared, never parsed. None, or the very PDF kept, is the same
 * announcement; another PDF is refused (a published PDF is never replaced). One kept without a PDF is answered as
 * it is: the PDF sent is not taken later, as a USB publication and a later push may differ in that.
 */
function samePdf(db: Db, d: AnnouncementDocument, pdf: Buffer | null): void {
  if (!pdf) return;
  const kept = storedAnnouncement(db, d.exam.code, d.seq)?.pdf;
  if (kept && !Buffer.from(kept).equals(pdf)) {
    throw new LenteraError('ANNOUNCEMENT_PDF_INVALID', `Announcement ${d.seq} of ${d.exam.code} is already published here with another PDF; a published announcement's PDF is never replaced.`, { seq: d.seq });
  }
}

/**
 * Takes a signed announcement (and its signed PDF, optional): verifies it, checks its signer and its place in the
 * exam's chain, then its PDF (never for an announcement already published or out of turn), then in one transaction keeps it, appends its document's exact bytes as a `pengumuman` record leaf,
 * signs a checkpoint and audits it. Answers with an acknowledgement signed by the log key, proving the leaf.
 */
export async function announceAtHub(hub: AnnouncementHub, raw: unknown, pdf: Buffer | null, at: string, actor: string, opts: { signer?: string } = {}): Promise<SignedAnnouncementAck> {
  let v: VerifiedAnnouncement | undefined;
  let outcome: { index: number; unchanged: boolean };
  try {
    v = verifyAnnouncement(raw);
    const verified = v;
    checkSigner(hub.db, verified, opts.signer);
    // The chain is checked before the PDF: anyone can resend a published announcement, or an old number, with a PDF
    // of their own, and the PDF parser must never see it. The transaction below checks the chain again.
    const first = checkChain(hub.db, verified.document, verified.sha256);
    if (first.unchanged !== null) samePdf(hub.db, verified.document, pdf);
    else if (pdf) await checkPdf(pdf, verified);
    outcome = writeTransaction(hub.db, () => {
      const { unchanged } = checkChain(hub.db, verified.document, verified.sha256);
      if (unchanged !== null) return { index: unchanged, unchanged: true };
      const index = hub.log.appendRecord({ exam: verified.document.exam.code, kind: 'pengumuman', key: `pengumuman:${verified.document.exam.code}:${verified.document.seq}`, record: verified.bytes }, at);
      insertAnnouncement(hub.db, verified, pdf, at, index);
      const checkpoint = hub.log.checkpoint(at);
      appendEvent(hub.db, {
        at,
        actor,
        command: 'hub.announce',
        outcome: 'ok',
        payload: { exam: verified.document.exam.code, seq: verified.document.seq, sha256: verified.sha256, signer: verified.fingerprint, ruleset: verified.document.ruleset.sha256, leaf: index, size: checkpoint.size, root: checkpoint.root },
      });
      return { index, unchanged: false };
    });
  } catch (e) {
    hub.log.reload();
    if (isLenteraError(e)) {
      const payload = { code: e.code, message: e.message, ...(v ? { exam: v.document.exam.code, seq: v.document.seq, sha256: v.sha256, signer: v.fingerprint } : {}) };
      writeTransaction(hub.db, () => appendEvent(hub.db, { at, actor, command: 'hub.announce', outcome: 'refused', payload }));
    }
    throw e;
  }
  // The files the site copies (the signed file and the PDF); a crash before this leaves them to `announcementFiles`.
  const kept = storedAnnouncement(hub.db, v.document.exam.code, v.document.seq)!;
  writeAnnouncementFiles(hub.dir, { signed: kept.signed, document: v.document }, kept.pdf);
  const proof = hub.log.leafProof(outcome.index)!;
  const ack: AnnouncementAck = { v: 1, kind: 'pengumuman', exam: v.document.exam.code, seq: v.document.seq, sha256: v.sha256, unchanged: outcome.unchanged, proof, at, logKey: hub.log.publicKey() };
  return { ...ack, sig: hub.log.sign(canonicalBytes(ack)) };
}

/** Audits a refusal made at the hub's door, before an announcement's body was read (a signer it does not know). */
export function auditAnnouncementRefusal(hub: Pick<AnnouncementHub, 'db'>, at: string, actor: string, code: string, message: string, details: Record<string, unknown> = {}): void {
  writeTransaction(hub.db, () => appendEvent(hub.db, { at, actor, command: 'hub.announce', outcome: 'refused', payload: { ...details, code, message } }));
}

/** One announcement as the site shows it (docs/publication.md). */
export interface SiteAnnouncement {
  exam: string;
  seq: number;
  /** the document's exact text (canonical JSON) and its sha256 */
  text: string;
  sha256: string;
  document: AnnouncementDocument;
  signer: { fingerprint: string; subject: string };
  leafIdx: number | null;
  at: string;
  /** the signed file's text, as the site publishes it */
  signedJson: string;
  /** the signed PDF on the hub's disk (copied into the site) and its sha256 */
  pdf: { file: string; sha256: string } | null;
}

/**
 * Every announcement kept at the hub, for the site: with or without merged bundles of its exam (an announcement
 * comes before anything is scored). The files are written again when missing (a crash after the commit).
 */
export function siteAnnouncements(hub: Pick<AnnouncementHub, 'db' | 'dir'>): SiteAnnouncement[] {
  const rows = sql(hub.db, 'SELECT exam_code, seq, document, sha256, signer, certificate, leaf_idx, at FROM announcements ORDER BY exam_code, seq').all() as {
    exam_code: string;
    seq: number;
    document: string;
    sha256: string;
    signer: string;
    certificate: string;
    leaf_idx: number | null;
    at: string;
  }[];
  return rows.map((r) => {
    const kept = storedAnnouncement(hub.db, r.exam_code, r.seq)!;
    const document = JSON.parse(r.document) as AnnouncementDocument;
    const base = join(hub.dir, ANNOUNCEMENT_DIR, announcementName(r.exam_code, r.seq));
    if (kept.pdf && !existsSync(`${base}.pdf`)) writeAnnouncementFiles(hub.dir, { signed: kept.signed, document }, kept.pdf);
    const v = verifyAnnouncement(kept.signed);
    return {
      exam: r.exam_code,
      seq: r.seq,
      text: r.document,
      sha256: r.sha256,
      document,
      signer: { fingerprint: r.signer, subject: v.subject },
      leafIdx: r.leaf_idx,
      at: r.at,
      signedJson: `${JSON.stringify(kept.signed, null, 1)}\n`,
      pdf: kept.pdf ? { file: `${base}.pdf`, sha256: sha256Hex(kept.pdf) } : null,
    };
  });
}
