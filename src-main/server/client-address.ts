import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a public door's limits count: an IPv4 address as it is (also when it comes IPv4-mapped,
 * "::ffff:a.b.c.d"), an IPv6 address by its /64. An ordinary IPv6 customer holds a /64 at least, and changing the
 * source address within it reset every per-address limit: one client filed reports without limit (found by review).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return '?';
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  return `${hextets(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address, each in lower-case hex without leading zeros. */
function hextets(address: string): string[] {
  let text = address.toLowerCase();
  // An IPv4 tail (::ffff:… is handled above; others, such as 64:ff9b::1.2.3.4) as its two hextets.
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, null];
  const left = head ? head.split(':') : [];
  const right = rest === null ? [] : rest ? rest.split(':') : [];
  const middle = rest === null ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((h) => parseInt(h, 16).toString(16));
}
