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
