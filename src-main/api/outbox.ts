import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { plainStream } from '../core/custody/sealed-file';
import { isLenteraError } from '../core/util/errors';
import { appendEvent } from '../core/audit/chain';
import { LIMITS, MANIFEST } from '../core/bundles/format';
import { dueBundles, noReceipts, receiptPageOf, receiptsDue, recordAck, recordFailure, recordReceipts, recordReceiptsFailure, verifyAck, type ReceiptsDue } from '../core/bundles/outbox';
import { openBundle, readEntry } from '../core/bundles/verify';
import { fingerprintOf } from '../core/keys/identities';
import type { Db } from '../core/db/open';
import { getSetting, setSetting } from '../core/workstation/settings';
import type { Clock } from '../core/util/clock';
import { systemClock } from '../core/util/clock';
import type { EventBus } from './events';
import { writeTransaction } from '../core/db/transaction';

export const HUB_URL = 'hub.url';
export const HUB_LOG_KEY = 'hub.log_key';

export interface PushOutcome {
  sha256: string;
  exam: string;
  sequence: number;
  state: 'confirmed' | 'pending' | 'refused';
  message: string;
}

/**
 * Pushes the workstation's pending bundles to the publication hub, oldest first per exam, with back-off on
 * failure. A bundle becomes confirmed only on the hub's signed acknowledgement, checked against the hub key
 * pinned at the first contact (or set by the coordinator).
 */
export class OutboxPusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PushOutcome[]> | undefined;

  constructor(
    private readonly deps: {
      db: () => Db | undefined;
      events?: EventBus;
      clock?: Clock;
      fetchTimeoutMs?: number;
      /** receipts asked for per page (the hub gives at most 4,096) */
      receiptsPerPage?: number;
      /** the open workstation's data key when it is encrypted: its bundles are kept sealed, and sent opened */
      key?: () => Uint8Array | undefined;
    },
  ) {}

  start(intervalMs = 5000): void {
    this.timer ??= setInterval(() => void this.pushDue().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: every bundle that is due. Rounds never overlap. */
  pushDue(): Promise<PushOutcome[]> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<PushOutcome[]> {
    const db = this.deps.db();
    if (!db) return [];
    const url = getSetting(db, HUB_URL);
    if (!url) return [];
    const clock = this.deps.clock ?? systemClock;
    const out: PushOutcome[] = [];
    // Receipts a cut-off fetch left at the hub, before anything new is sent.
    await this.fetchReceipts(db, url, receiptsDue(db, clock.now()));
    for (const row of dueBundles(db, clock.now())) {
      const base = { sha256: row.bundle_sha256, exam: row.exam_code, sequence: row.sequence };
      try {
        const logKey = await this.hubKey(db, url);
        const res = await this.post(`${url.replace(/\/$/, '')}/api/bundles`, row.file);
        const body = (await res.json().catch(() => null)) as { ok?: boolean; ack?: unknown; error?: { code?: string; message?: string } } | null;
        if (res.ok && body?.ok) {
          const ack = verifyAck(body.ack, logKey, row.bundle_sha256);
          const at = clock.now().toISOString();
          writeTransaction(db, () => {
            recordAck(db, ack, at);
            appendEvent(db, { at, actor: 'system:outbox', command: 'outbox.confirmed', outcome: 'ok', payload: { bundle: ack.bundle, exam: ack.exam, sequence: ack.sequence, size: ack.checkpoint.size, root: ack.checkpoint.root, leaves: ack.leaves } });
          });
          // Its receipts at once: the result sheets print them.
          const fetched = await this.fetchReceipts(db, url, receiptsDue(db, clock.now(), ack.bundle));
          // An "unchanged" answer names no leaves: what its fetch found says whether the first send logged any.
          const receipts = fetched.failed ? `receipts not fetched yet (${fetched.failed})` : ack.leaves > 0 || fetched.kept > 0 ? `${fetched.kept} receipts` : 'no result logged';
          out.push({ ...base, state: 'confirmed', message: `confirmed by the hub at log size ${ack.checkpoint.size}; ${receipts}` });
        } else {
          const message = body?.error?.message ?? `the hub answered HTTP ${res.status}`;
          // A refusal (the hub read the bundle and said no) is final; a busy or broken hub is tried again.
          const final = res.status >= 400 && res.status < 500 && body?.error?.code !== 'BUNDLE_GAP' && res.status !== 408 && res.status !== 429;
          this.fail(db, row.bundle_sha256, message, final, clock);
          out.push({ ...base, state: final ? 'refused' : 'pending', message });
        }
      } catch (e) {
        // The copy kept here damaged is this workstation's to mend (a backup), not the hub's: said as such.
        const local = isLenteraError(e) && (e.code === 'SEALED_FILE_DAMAGED' || e.code === 'FILE_ENCRYPTED');
        const message = local ? `the bundle kept on this workstation cannot be read: ${e.message}` : `hub not reachable or answer invalid: ${(e as Error).message}`;
        this.fail(db, row.bundle_sha256, message, false, clock);
        out.push({ ...base, state: 'pending', message });
      }
      this.deps.events?.publish({ type: 'outbox.changed', data: { bundle: row.bundle_sha256 } });
    }
    return out;
  }

  /**
   * Fetches the receipts of confirmed bundles from the hub, page by page, with the token of each one's
   * acknowledgement; each page is kept as it arrives, so a fetch cut off resumes where it stopped, a minute later.
   */
  private async fetchReceipts(db: Db, url: string, due: ReceiptsDue[]): Promise<{ kept: number; failed: string | null }> {
    const clock = this.deps.clock ?? systemClock;
    let kept = 0;
    let failed: string | null = null;
    for (const d of due) {
      try {
        for (let from: number | null = d.next; from !== null; ) {
          const res = await fetch(`${url.replace(/\/$/, '')}/api/bundles/${d.bundle}/receipts?from=${from}${this.deps.receiptsPerPage ? `&limit=${this.deps.receiptsPerPage}` : ''}`, {
            headers: { Authorization: `Bearer ${d.token}` },
            signal: AbortSignal.timeout(this.deps.fetchTimeoutMs ?? 120_000),
          });
          const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
          if (res.status === 404 && body?.error?.code === 'NOT_FOUND' && d.ack.unchanged && d.next === 0) {
            // Sent again after an answer that never came: the first send logged no result, so there is none to fetch.
            writeTransaction(db, () => noReceipts(db, d.bundle));
            break;
          }
          if (!res.ok) throw new Error(body?.error?.message ?? `the hub answered HTTP ${res.status}`);
          const page = receiptPageOf(body, { ...d, next: from });
          const at = clock.now().toISOString();
          const r = writeTransaction(db, () => {
            const r = recordReceipts(db, d, page, at);
            if (page.next === null) appendEvent(db, { at, actor: 'system:outbox', command: 'outbox.receipts', outcome: 'ok', payload: { bundle: d.bundle, exam: d.exam, leaves: d.ack.leaves } });
            return r;
          });
          kept += r.kept;
          from = page.next;
        }
      } catch (e) {
        failed = (e as Error).message;
        writeTransaction(db, () => recordReceiptsFailure(db, d.bundle, failed!, clock.now()));
      }
      this.deps.events?.publish({ type: 'outbox.changed', data: { bundle: d.bundle } });
    }
    return { kept, failed };
  }

  private fail(db: Db, sha: string, message: string, final: boolean, clock: Clock): void {
    const at = clock.now().toISOString();
    writeTransaction(db, () => {
      recordFailure(db, sha, message, clock.now(), final);
      if (final) appendEvent(db, { at, actor: 'system:outbox', command: 'outbox.refused', outcome: 'refused', payload: { bundle: sha, message } });
    });
  }

  private hubKey(db: Db, url: string): Promise<string> {
    return hubLogKey(db, url, this.deps.clock ?? systemClock, this.deps.fetchTimeoutMs ?? 15_000);
  }

  private async post(url: string, file: string): Promise<Response> {
    const key = this.deps.key?.();
    const signer = await signerOf(file, key);
    // The bundle itself, opened on the way when the workstation keeps it sealed.
    const { size, stream } = plainStream(file, key, basename(file));
    try {
      return await fetch(url, {
        method: 'POST',
        // The hub admits an upload from its headers: its length, and the certificate that signed it.
        headers: { 'Content-Type': 'application/zip', 'Content-Length': String(size), 'X-Lentera-Signer': signer },
        body: Readable.toWeb(stream) as ReadableStream,
        duplex: 'half',
        signal: AbortSignal.timeout(this.deps.fetchTimeoutMs ?? 600_000),
      } as RequestInit);
    } catch (e) {
      // Not sent (the hub unreachable): the file is let go now, not when the stream is collected.
      stream.destroy();
      throw e;
    }
  }
}

/**
 * The sha256 fingerprint (64 lowercase hex digits) of the certificate that signed a bundle, from its manifest:
 * the hub refuses an upload whose signer it does not know before taking its body, and then checks that the
 * bundle's verified signer is this one. With `key`, a bundle the workstation keeps sealed with it is read opened.
 */
export async function signerOf(file: string, key?: Uint8Array): Promise<string> {
  const bundle = await openBundle(file, { key });
  try {
    const manifest = JSON.parse((await readEntry(bundle, MANIFEST, LIMITS.manifestBytes)).toString('utf8')) as { signer?: { certificate?: unknown } };
    if (typeof manifest.signer?.certificate !== 'string') throw new Error(`${file} names no signer certificate`);
    return fingerprintOf(Buffer.from(manifest.signer.certificate, 'base64')).replace(/:/g, '').toLowerCase();
  } finally {
    bundle.close();
  }
}

/**
 * The hub's log key: pinned here on first contact; a hub presenting another key later is not believed. Shared by
 * the outbox and the announcement's push (api/announce-push.ts).
 */
export async function hubLogKey(db: Db, url: string, clock: Clock, timeoutMs = 15_000): Promise<string> {
  const pinned = getSetting(db, HUB_LOG_KEY);
  if (pinned) return pinned;
  const res = await fetch(`${url.replace(/\/$/, '')}/api/log`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json()) as { logKey?: unknown };
  if (typeof body.logKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(body.logKey)) throw new Error('the hub did not give its log key');
  const at = clock.now().toISOString();
  writeTransaction(db, () => {
    setSetting(db, HUB_LOG_KEY, body.logKey as string, at, 'system:outbox');
    appendEvent(db, { at, actor: 'system:outbox', command: 'outbox.pin', outcome: 'ok', payload: { url, logKey: body.logKey } });
  });
  return body.logKey;
}
