/**
 * Sends a kept announcement to the publication hub (`POST /api/pengumuman`) and checks the hub's answer against the
 * log key pinned here: signed by it, about this very announcement, with an inclusion proof of its exact bytes.
 * Transport only; the caller records the leaf (core/publish/announcement.ts).
 */
import type { Db } from '../core/db/open';
import { fingerprintOf } from '../core/keys/identities';
import { storedAnnouncement, verifyAnnouncementAck, type SignedAnnouncementAck } from '../core/publish/announcement';
import type { Clock } from '../core/util/clock';
import { LenteraError } from '../core/util/errors';
import { getSetting } from '../core/workstation/settings';
import { hubCode } from './hub-client';
import { HUB_URL, hubLogKey } from './outbox';

export async function sendAnnouncement(db: Db, exam: string, seq: number, opts: { clock: Clock; fetchTimeoutMs?: number }): Promise<SignedAnnouncementAck> {
  const url = getSetting(db, HUB_URL);
  if (!url) throw new LenteraError('HUB_NOT_SET', 'No publication hub is set here. Set one (hub.configure), or take the files to the hub and run "lentera hub announce" there.', {});
  const kept = storedAnnouncement(db, exam, seq);
  if (!kept) throw new LenteraError('NOT_FOUND', `No announcement ${seq} of ${exam} here.`, { exam, seq });
  let logKey: string;
  let res: Response;
  try {
    logKey = await hubLogKey(db, url, opts.clock, opts.fetchTimeoutMs);
    const body = JSON.stringify({ announcement: kept.signed, ...(kept.pdf ? { pdf: Buffer.from(kept.pdf).toString('base64') } : {}) });
    res = await fetch(`${url.replace(/\/$/, '')}/api/pengumuman`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'X-Lentera-Signer': fingerprintOf(Buffer.from(kept.signed.certificate, 'base64')).replace(/:/g, '').toLowerCase() },
      body,
      signal: AbortSignal.timeout(opts.fetchTimeoutMs ?? 60_000),
    });
  } catch (e) {
    throw new LenteraError('HUB_UNREACHABLE', `The hub at ${url} cannot be reached (${(e as Error).message}); the announcement is kept here: send it again later.`, { url });
  }
  const answer = (await res.json().catch(() => null)) as { ok?: boolean; ack?: unknown; error?: { code?: string; message?: string } } | null;
  if (!res.ok || !answer?.ok) {
    // Through hubCode: a hub's UNAUTHENTICATED (another Lentera server at that address) must not end the session here.
    const raw = answer?.error?.code;
    throw new LenteraError(hubCode(raw), `The hub refused announcement ${seq} of ${exam}: ${answer?.error?.message ?? `HTTP ${res.status}`}`, {
      status: res.status,
      hub: true,
      ...(typeof raw === 'string' ? { hubCode: raw.slice(0, 64) } : {}),
    });
  }
  return verifyAnnouncementAck(answer.ack, logKey, { exam, seq, document: kept.signed.document });
}
