import type { z } from 'zod';
import type { Db } from '../core/db/open';
import { LenteraError } from '../core/util/errors';
import { getSetting } from '../core/workstation/settings';

/** The committee token this workstation presents at the hub (`lentera hub komite add` printed it once). */
export const HUB_COMMITTEE_TOKEN = 'hub.committee_token';
/** As in api/outbox.ts, which this module does not import: it drags the bundle code along. */
const HUB_URL = 'hub.url';

/** What the workstation tells about its token: whether one is set and its last four characters, never more. */
export function committeeTokenHint(db: Db): { set: boolean; last4: string | null } {
  const token = getSetting(db, HUB_COMMITTEE_TOKEN);
  return token ? { set: true, last4: token.slice(-4) } : { set: false, last4: null };
}

export interface HubTarget {
  url: string;
  token: string;
}

/** The hub's address and the committee token, or a refusal that says where the coordinator sets them. */
export function hubTarget(db: Db): HubTarget {
  const url = getSetting(db, HUB_URL);
  if (!url) throw new LenteraError('HUB_NOT_CONFIGURED', 'No publication hub is set on this workstation: the coordinator sets its address under Bundles & publication (hub.configure).', {});
  const token = getSetting(db, HUB_COMMITTEE_TOKEN);
  if (!token) throw new LenteraError('HUB_TOKEN_MISSING', "No committee token is set on this workstation: the hub's operator makes one with `lentera hub komite add`, and the coordinator enters it (hub.committee).", {});
  return { url: url.replace(/\/+$/, ''), token };
}

export interface HubRequest<T> {
  method: 'GET' | 'POST';
  /** the path and query, already encoded (`/api/komite/sanggah?exam=…`) */
  path: string;
  body?: unknown;
  /** the shape of a successful answer; anything else is refused as an answer the workstation cannot read */
  answer: z.ZodType<T>;
  /** what was not done when the hub cannot be reached, for the message ("sanggah belum terkirim") */
  unsent: string;
  timeoutMs?: number;
}

export const HUB_TIMEOUT_MS = 15_000;
/** A committee's list of a large exam is still far below this; anything larger is not an answer of the hub. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const HUB_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
/** The hub's own codes keep their name; any other is prefixed, so it never reads as this workstation's own (an UNAUTHENTICATED would end the user's session here). */
const HUB_OWN = /^(SANGGAH|LAPORAN|KOMITE|HUB|ANNOUNCEMENT)_/;

/** The refusal's code as the workstation passes it on. */
export function hubCode(code: unknown): string {
  if (typeof code !== 'string' || !HUB_CODE.test(code)) return 'HUB_REFUSED';
  return HUB_OWN.test(code) ? code : `HUB_${code}`;
}

/** Why a request never got an answer, in words (the network's own code where there is one). */
function unreachable(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `tidak menjawab dalam ${Math.max(1, Math.ceil(timeoutMs / 1000))} detik`;
  const cause = err?.cause;
  if (cause?.code) return cause.code;
  return cause?.message ?? err?.message ?? String(e);
}

async function readText(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new LenteraError('HUB_ANSWER_INVALID', `The hub's answer is too large (${declared} bytes; at most ${limit}).`, { status: res.status });
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new LenteraError('HUB_ANSWER_INVALID', `The hub's answer is too large (more than ${limit} bytes).`, { status: res.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One request to the hub's committee endpoints with the committee token. A refusal of the hub
 * (`{ok:false, error:{code, message}}`) becomes a LenteraError with the hub's code and its own words (Indonesian,
 * as the hub speaks to people); a hub that does not answer, a refusal with no body and an answer of another shape
 * each become a refusal that says so. Redirects are not followed: the token goes to the address the coordinator
 * set and nowhere else.
 */
export async function hubRequest<T>(target: HubTarget, req: HubRequest<T>): Promise<T> {
  const timeoutMs = req.timeoutMs ?? HUB_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${target.token}` };
  let payload: string | undefined;
  if (req.body !== undefined) {
    payload = JSON.stringify(req.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${target.url}${req.path}`, { method: req.method, headers, body: payload, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    text = await readText(res, MAX_ANSWER_BYTES);
  } catch (e) {
    if (e instanceof LenteraError) throw e;
    const reason = unreachable(e, timeoutMs);
    throw new LenteraError('HUB_UNREACHABLE', `Hub tidak dapat dihubungi: ${reason}; ${req.unsent}.`, { url: target.url, reason });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const b = body as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (res.ok && (b === undefined || b === null || typeof b !== 'object')) throw new LenteraError('HUB_ANSWER_INVALID', `The hub answered HTTP ${res.status} with something that is not JSON: is ${target.url} the hub's address?`, { status: res.status });
  if (!res.ok || b?.ok !== true) {
    const message = typeof b?.error?.message === 'string' && b.error.message.trim() ? b.error.message.trim().slice(0, 1000) : `Hub menolak permintaan ini (HTTP ${res.status}); ${req.unsent}.`;
    throw new LenteraError(hubCode(b?.error?.code), message, { status: res.status, hub: true, ...(typeof b?.error?.code === 'string' ? { hubCode: b.error.code.slice(0, 64) } : {}) });
  }
  const parsed = req.answer.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    throw new LenteraError('HUB_ANSWER_INVALID', `The hub's answer is not what this workstation expects${where ? ` (${where.path.join('.') || 'answer'}: ${where.message})` : ''}; is the hub a Lentera hub of the same version?`, { status: res.status });
  }
  return parsed.data;
}
