import { randomFillPooled } from './random-pool';

/*
 * UUIDv7 (RFC 9562) made here rather than by the `uuid` package: its ESM build is twenty files that every process
 * loads before its first command (the registry, the jobs and the workstation make ids), some 20 ms of a one-shot
 * `lentera status`. This is the same layout and the same monotonic rule as `uuid`'s v7: 48 bits of Unix
 * milliseconds, then a 31-bit counter that starts at a random value each new millisecond and counts up within one
 * (so ids made in order sort in order), then random bits. tests/unit/ids.test.ts checks it against `uuid`.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const rnds = new Uint8Array(16);
let lastMs = -Infinity;
let seq = 0;

/** Sortable random ids (UUIDv7): rows made on different workstations merge without collisions. */
export function newId(): string {
  randomFillPooled(rnds);
  const now = Date.now();
  if (now > lastMs) {
    seq = ((rnds[6]! & 0x7f) << 24) | (rnds[7]! << 16) | (rnds[8]! << 8) | rnds[9]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    // The counter ran out within one millisecond (or the clock went back): borrow the next millisecond.
    if (seq === 0) lastMs++;
  }
  const ms = lastMs;
  const b = [
    (ms / 0x10000000000) & 0xff,
    (ms / 0x100000000) & 0xff,
    (ms / 0x1000000) & 0xff,
    (ms / 0x10000) & 0xff,
    (ms / 0x100) & 0xff,
    ms & 0xff,
    0x70 | ((seq >>> 28) & 0x0f),
    (seq >>> 20) & 0xff,
    0x80 | ((seq >>> 14) & 0x3f),
    (seq >>> 6) & 0xff,
    ((seq << 2) & 0xff) | (rnds[10]! & 0x03),
    rnds[11]!,
    rnds[12]!,
    rnds[13]!,
    rnds[14]!,
    rnds[15]!,
  ].map((x) => HEX[x]!);
  return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b.slice(10).join('')}`;
}
