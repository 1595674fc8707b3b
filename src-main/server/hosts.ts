import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** 127.0.0.0/8, ::1, the IPv4-mapped loopback, and the name localhost. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost' || a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The host part of a Host header: "a.b:5170" → "a.b", "[::1]:5170" → "::1". */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * The names and addresses this server may be asked for: loopback, the address it is bound to, the machine's
 * own names and LAN addresses (re-read when an unknown one comes, since DHCP may hand out a new address), and
 * any name configured. Everything else is a request meant for another host (DNS rebinding) and is refused.
 */
export class OwnHosts {
  private names = new Set<string>();
  private readAt = 0;

  constructor(
    private readonly bound: string,
    private readonly extra: readonly string[],
  ) {
    this.refresh();
  }

  private refresh(): void {
    const names = new Set<string>(['localhost', '127.0.0.1', '::1']);
    const b = this.bound.toLowerCase().replace(/^\[|\]$/g, '');
    if (!WILDCARD.has(b)) names.add(b);
    const me = hostname().toLowerCase();
    names.add(me);
    names.add(`${me}.local`);
    for (const n of this.extra) names.add(n.toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) names.add(a.address.toLowerCase().replace(/%.*$/, ''));
    }
    this.names = names;
    this.readAt = Date.now();
  }

  isOwn(header: string | undefined): boolean {
    if (!header) return false;
    const host = hostOf(header);
    if (this.names.has(host) || isLoopback(host)) return true;
    if (Date.now() - this.readAt > 5_000) {
      this.refresh();
      return this.names.has(host);
    }
    return false;
  }
}
