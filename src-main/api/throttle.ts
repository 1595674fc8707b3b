import type { Clock } from '../core/util/clock';

/**
 * Per-client limit on commands that check a person's secret (login, PIN change, sign-off, key passphrase).
 * The account's own counter (core/accounts/guard.ts) bounds the guesses per person; this bounds what one
 * client can try across people and keeps a flood from costing a scrypt each. A client is what the door can
 * tell apart: the remote address over HTTP, the window over IPC. The command line is the data folder's owner
 * and is not limited.
 */
export const THROTTLE_POLICY = {
  /** secret-checking calls per client per minute */
  callsPerMinute: 20,
  /** wrong secrets per client per 15 minutes, whichever people they were for */
  failuresPer15Minutes: 10,
  /** clients remembered at once (the longest idle is forgotten first) */
  maxClients: 10_000,
} as const;

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

interface ClientState {
  calls: number[];
  failures: number[];
}

export class ClientThrottle {
  private readonly clients = new Map<string, ClientState>();

  constructor(private readonly clock: Clock) {}

  /** Seconds until the client may try again, or 0 when it may now. */
  retryAfter(client: string): number {
    const s = this.clients.get(client);
    if (!s) return 0;
    const now = this.clock.now().getTime();
    prune(s, now);
    let wait = 0;
    if (s.calls.length >= THROTTLE_POLICY.callsPerMinute) wait = Math.max(wait, s.calls[s.calls.length - THROTTLE_POLICY.callsPerMinute]! + MINUTE - now);
    if (s.failures.length >= THROTTLE_POLICY.failuresPer15Minutes) wait = Math.max(wait, s.failures[s.failures.length - THROTTLE_POLICY.failuresPer15Minutes]! + QUARTER - now);
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  record(client: string, failed: boolean): void {
    const now = this.clock.now().getTime();
    let s = this.clients.get(client);
    if (s) this.clients.delete(client); // re-inserted: the map's order is least recently used first
    else s = { calls: [], failures: [] };
    prune(s, now);
    s.calls.push(now);
    if (failed) s.failures.push(now);
    this.clients.set(client, s);
    if (this.clients.size > THROTTLE_POLICY.maxClients) this.clients.delete(this.clients.keys().next().value!);
  }
}

function prune(s: ClientState, now: number): void {
  while (s.calls.length && s.calls[0]! <= now - MINUTE) s.calls.shift();
  while (s.failures.length && s.failures[0]! <= now - QUARTER) s.failures.shift();
}
