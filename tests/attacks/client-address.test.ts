/**
 * The attack: one IPv6 client walking through the addresses of its /64 (an ordinary customer holds at least that
 * many) to reset the public doors' per-address limits, filing reports without limit, each a permanent log entry, a
 * checkpoint and a site rewrite. The doors count an IPv6 client by its /64 (found by review).
 */
import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientKey } from '../../src-main/server/client-address';

const hextet = fc.integer({ min: 0, max: 0xffff });
/** An address's eight hextets written out: full, with leading zeros, or with its longest run of zeros as "::". */
function writings(h: number[]): string[] {
  const plain = h.map((x) => x.toString(16));
  const padded = h.map((x) => x.toString(16).padStart(4, '0').toUpperCase());
  const out = [plain.join(':'), padded.join(':')];
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (h[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && h[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len > 1) out.push(`${plain.slice(0, best.at).join(':')}::${plain.slice(best.at + best.len).join(':')}`);
  return out;
}

describe('the client a public door counts', () => {
  it('is one for every address of one /64, however written, and another for another /64', () => {
    fc.assert(
      fc.property(fc.array(hextet, { minLength: 8, maxLength: 8 }), fc.array(hextet, { minLength: 4, maxLength: 4 }), fc.array(hextet, { minLength: 4, maxLength: 4 }), (h, otherHost, otherNet) => {
        const keys = new Set(writings(h).filter((w) => isIPv6(w)).map(clientKey));
        expect(keys.size).toBe(1);
        const key = [...keys][0]!;
        expect(clientKey([...h.slice(0, 4), ...otherHost].map((x) => x.toString(16)).join(':'))).toBe(key);
        const elsewhere = [...otherNet, ...h.slice(4)];
        if (otherNet.some((x, i) => x !== h[i])) expect(clientKey(elsewhere.map((x) => x.toString(16)).join(':'))).not.toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('is an IPv4 address itself, also when it comes mapped into IPv6', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('203.0.113.8')).not.toBe(clientKey('203.0.113.7'));
  });

  it('takes the /64 of the examples a review used, and of loopback and zoned addresses', () => {
    const one = new Set(Array.from({ length: 30 }, (_, i) => clientKey(`2001:db8:1:2::${(i + 1).toString(16)}`)));
    expect([...one]).toEqual(['2001:db8:1:2::/64']);
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
    expect(clientKey(undefined)).toBe('?');
  });
});

describe("the workstation's LAN door", () => {
  it('counts a client of its secret-checking limits by its /64 too, not by the address it chose within it', async () => {
    // Found by review (2026-12-07): `lentera serve --host ::` keyed its per-client PIN limits on the full address.
    const { createHttpServer, listen } = await import('../../src-main/server/http');
    const { EventBus } = await import('../../src-main/api/events');
    const { connect } = await import('node:net');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const clients: (string | undefined)[] = [];
    const app = { events: new EventBus(), invokeAsync: (_name: string, _input: unknown, ctx: { client?: string }) => (clients.push(ctx.client), Promise.resolve({ ok: true as const, value: {} })) };
    const renderer = mkdtempSync(join(tmpdir(), 'lentera-door-'));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lentera</title>');
    const s = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir: renderer, log: () => {} });
    const from = new Map<number, string>();
    s.on('connection', (socket) => {
      const port = socket.remotePort!;
      Object.defineProperty(socket, 'remoteAddress', { get: () => from.get(port), configurable: true });
    });
    const { port } = await listen(s, '127.0.0.1', 0);
    const ask = (address: string) =>
      new Promise<void>((done) => {
        const c = connect(port, '127.0.0.1');
        c.on('connect', () => {
          from.set(c.localPort!, address);
          const body = JSON.stringify({ name: 'koordinator', pin: '000000' });
          c.write(`POST /api/accounts.login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        });
        c.on('data', () => undefined);
        c.on('close', () => done());
      });
    try {
      for (const a of ['2001:db8:5:6::1', '2001:db8:5:6::beef', '2001:0db8:0005:0006:0:0:0:2', '2001:db8:5:7::1', '10.20.0.7']) await ask(a);
      expect(clients).toEqual(['http:2001:db8:5:6::/64', 'http:2001:db8:5:6::/64', 'http:2001:db8:5:6::/64', 'http:2001:db8:5:7::/64', 'http:10.20.0.7']);
    } finally {
      await new Promise((ok) => s.close(ok));
    }
  });
});
