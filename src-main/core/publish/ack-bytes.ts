/**
 * The bytes an acknowledgement is signed over: canonicalBytes(ack), built faster. A bundle's acknowledgement carries
 * 100k receipts (about 150 MB of canonical JSON); the generic writer sorted the keys of every receipt and quoted
 * each of their 1.7M proof hashes on its own. A receipt as the log makes it (exactly its nine fields, hex proof) is
 * written here field by field in RFC 8785 key order; anything else goes to the generic writer, so the bytes are
 * the same either way (tests/unit/hub-ingest-fast.test.ts checks them against canonicalBytes).
 */
import { randomBytes } from 'node:crypto';
import { canonicalString, canonicalText } from '../util/canonical-json';
import { canonicalBytes } from '../ledger/leaf';
import type { Receipt } from '../ledger/receipt';

const HEX64 = /^[0-9a-f]{64}$/;
const RECEIPT_KEYS = 9;
const RESERVE_MAX = 1 << 30;

/** Bytes written one after another into a buffer that grows by doubling. */
class ByteSink {
  private buf: Buffer;
  at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, size));
  }

  /** At least `total` bytes in all. */
  reserve(total: number): void {
    this.room(total - this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** Text as UTF-8. */
  text(s: string): void {
    this.room(s.length * 3);
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  /** Text known to be ASCII (a tested hex string): latin1 writes it byte for byte, faster than UTF-8 would. */
  ascii(s: string): void {
    this.room(s.length);
    this.at += this.buf.write(s, this.at, 'latin1');
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.at += b.copy(this.buf, this.at);
  }

  /** The bytes written: a view of the buffer, not a copy. */
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Whether `r` is a receipt as the log makes it (exactly its nine fields, hex proof): written by `writeReceipt`. */
function plainReceipt(r: Receipt, hex: Set<string>): boolean {
  if (
    typeof r !== 'object' ||
    r === null ||
    Object.getPrototypeOf(r) !== Object.prototype ||
    Object.keys(r).length !== RECEIPT_KEYS ||
    r.v !== 1 ||
    typeof r.exam !== 'string' ||
    typeof r.nomor !== 'string' ||
    typeof r.digest !== 'string' ||
    typeof r.salt !== 'string' ||
    typeof r.logKey !== 'string' ||
    typeof r.index !== 'number' ||
    !Number.isSafeInteger(r.index) ||
    !Array.isArray(r.proof) ||
    typeof r.checkpoint !== 'object' ||
    r.checkpoint === null
  ) {
    return false;
  }
  for (const h of r.proof) {
    // The receipts of one checkpoint share their upper nodes' strings: each is tested once.
    if (typeof h !== 'string') return false;
    if (!hex.has(h)) {
      if (!HEX64.test(h)) return false;
      hex.add(h);
    }
  }
  return true;
}

/** One receipt's canonical text into `out`; `checkpoints` keeps the bytes of each checkpoint object already written. */
function writeReceipt(out: ByteSink, r: Receipt, checkpoints: Map<object, Buffer>, hex: Set<string>): void {
  // As the generic writer writes a list's element (null for what has no text).
  if (typeof r !== 'object' || r === null) return out.text(canonicalText(r) ?? 'null');
  if (!plainReceipt(r, hex)) return out.text(generic(r));
  let cp = checkpoints.get(r.checkpoint);
  if (cp === undefined) checkpoints.set(r.checkpoint, (cp = Buffer.from(generic(r.checkpoint), 'utf8')));
  out.ascii('{"checkpoint":');
  out.bytes(cp);
  out.text(`,"digest":${HEX64.test(r.digest) ? `"${r.digest}"` : canonicalString(r.digest)},"exam":${canonicalString(r.exam)},"index":${r.index},"logKey":${canonicalString(r.logKey)},"nomor":${canonicalString(r.nomor)},"proof":[`);
  // Tested hex, all of it: one ASCII write for the whole list.
  if (r.proof.length > 0) out.ascii(`"${r.proof.join('","')}"`);
  out.text(`],"salt":${canonicalString(r.salt)},"v":1}`);
}

function generic(v: unknown): string {
  const t = canonicalText(v);
  if (t === undefined) throw new TypeError('value cannot be represented as canonical JSON');
  return t;
}

/** canonicalBytes(ack) for an object with a `receipts` list beside its other fields. */
export function ackBytes(ack: { receipts: Receipt[] }): Uint8Array {
  // The list's place is held by a string no other value holds (random for each call), found exactly once: the
  // top-level field wherever the key order puts it, never a `receipts` field nested somewhere inside.
  const mark = `"receipts":"lentera-ack-${randomBytes(16).toString('hex')}"`;
  const rest = generic({ ...ack, receipts: mark.slice('"receipts":"'.length, -1) });
  const at = rest.indexOf(mark);
  if (at < 0 || rest.indexOf(mark, at + 1) >= 0 || !Array.isArray(ack.receipts)) return canonicalBytes(ack);
  const checkpoints = new Map<object, Buffer>();
  const hex = new Set<string>();
  // Written straight as UTF-8 into one buffer: no 150 MB string to join, encode and collect. Sized from the first
  // receipt; grown if the others are longer.
  const out = new ByteSink(rest.length * 3 + 64);
  out.text(`${rest.slice(0, at)}"receipts":[`);
  const head = out.at;
  for (let i = 0; i < ack.receipts.length; i++) {
    if (i > 0) out.ascii(',');
    writeReceipt(out, ack.receipts[i]!, checkpoints, hex);
    // Room for all of them as long as the first, at once (up to a GiB): doubling would copy the bytes again and again.
    if (i === 0) out.reserve(Math.min(RESERVE_MAX, head + (out.at - head + 1) * ack.receipts.length + rest.length * 3));
  }
  out.text(`]${rest.slice(at + mark.length)}`);
  return out.done();
}
