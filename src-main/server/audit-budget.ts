import { clientKey } from './client-address';

/**
 * How often a refusal anyone can provoke is written to the audit chain. Each audited refusal is a write (about 750
 * bytes and the store's write lock): one client sending made-up signers grew the hub's database by 2.3 MB in 3,000
 * requests and 2.7 s, without bound (found by review). So a door audits such a refusal at most once per client in
 * each window (an IPv6 client by its /64, `clientKey`), for at most `clients` clients in it; the rest are only
 * logged. Forgotten on restart.
 */
export interface AuditBudget {
  /** true when this refusal from `address` is to be audited (and counted), false when it is only to be logged */
  take(address: string | undefined): boolean;
}

export function auditBudget(opts: { windowMs: number; clients: number; now: () => number }): AuditBudget {
  /** per client: when a refusal of theirs was last audited */
  const audited = new Map<string, number>();
  return {
    take(address) {
      const now = opts.now();
      for (const [k, t] of audited) if (t <= now - opts.windowMs) audited.delete(k);
      const client = clientKey(address);
      if (audited.has(client) || audited.size >= opts.clients) return false;
      audited.set(client, now);
      return true;
    },
  };
}
