import type { CliIo } from './io';

/**
 * `JSON.stringify(value, null, 2)`, byte for byte, in pieces: a 100,000-candidate ranking is a 78 MB answer, and
 * one string of it (two bytes a character once any "≥" is in it), plus its copy with a newline, plus its
 * UTF-8 bytes, is what made the command line peak near a gigabyte. Written piece by piece, only a piece is held.
 *
 * Two ways: `prettyJsonPieces` gives text (objects and arrays near the top walked here, anything deeper left to
 * JSON.stringify and re-indented, so every rule of JSON.stringify is its own); `prettyJsonBuffers` (ByteLayout,
 * below) gives the UTF-8 bytes, laid out here, and is what the command line writes. Both equal JSON.stringify's
 * output exactly (tests/unit/rank-cli-stream.test.ts, tests/unit/json-bytes.test.ts).
 */

/** How deep the walk goes before JSON.stringify takes over: the answer object, then its lists. */
const WALK_DEPTH = 2;

/** A plain object or array JSON.stringify would itself walk (no toJSON of its own). */
function walkable(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== 'object' || v === null) return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  return plainProto(v);
}

/** An array, or an object made as `{}` or with a null prototype (not a Date, a Map, a class instance). */
function plainProto(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** [[…[0]…]] nested `depth` deep, laid out: where the 0 sits, and how much follows it. */
const wrappers: [number, number][] = [];
function wrapper(depth: number): [number, number] {
  if (!wrappers[depth]) {
    let nested: unknown = 0;
    for (let i = 0; i < depth; i++) nested = [nested];
    const text = JSON.stringify(nested, null, 2);
    const at = text.indexOf('0');
    wrappers[depth] = [at, text.length - at - 1];
  }
  return wrappers[depth];
}

/** One value, indented as if it began at `indent`; undefined where JSON.stringify leaves it out. */
function leaf(v: unknown, indent: string): string | undefined {
  if (typeof v !== 'object' || v === null || indent === '') return JSON.stringify(v, null, 2) as string | undefined;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const s = JSON.stringify(v, null, 2) as string | undefined;
    // A JSON string never holds a raw line break (it is escaped), so every "\n" is a line of the layout.
    return s === undefined ? s : s.replaceAll('\n', `\n${indent}`);
  }
  // Nested in arrays as deep as `indent`, JSON.stringify lays the value out at that indent itself; the wrapping is
  // cut off again (a slice, not a copy). Re-indenting each line afterwards cost as much as the stringify.
  const depth = indent.length / 2;
  let nested: unknown = v;
  for (let i = 0; i < depth; i++) nested = [nested];
  const text = JSON.stringify(nested, null, 2);
  const [before, after] = wrapper(depth);
  return text.slice(before, text.length - after);
}

/** Members JSON.stringify lays out in one call: one call per member cost more than the layout itself. */
const BATCH = 256;

/** `v` nested `depth` arrays deep, laid out by JSON.stringify: `v` then sits at the indent of that depth. */
function laidOut(v: unknown, depth: number): string {
  let nested = v;
  for (let i = 0; i < depth; i++) nested = [nested];
  return JSON.stringify(nested, null, 2);
}

/** The pieces of `JSON.stringify(value, null, 2)`, in order; joined, they are that string exactly. */
export function* prettyJsonPieces(value: unknown, indent = '', depth = 0): Generator<string> {
  if (depth >= WALK_DEPTH || !walkable(value)) {
    // At the top, a value JSON.stringify drops (undefined, a function) gives no text at all.
    const s = leaf(value, indent);
    if (s !== undefined) yield s;
    return;
  }
  const inner = `${indent}  `;
  const walkChildren = depth + 1 < WALK_DEPTH;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    if (walkChildren) {
      for (let i = 0; i < value.length; i++) {
        yield `${i ? ',' : ''}\n${inner}`;
        const v = value[i];
        // In an array, what JSON.stringify drops becomes null.
        if (walkable(v)) yield* prettyJsonPieces(v, inner, depth + 1);
        else yield leaf(v, inner) ?? 'null';
      }
    } else {
      // A batch of elements as an array at this array's own indent: its elements come out as this array's would.
      const [before, after] = wrapper(depth + 1);
      for (let i = 0; i < value.length; i += BATCH) {
        const text = laidOut(value.slice(i, i + BATCH), depth);
        yield `${i ? ',' : ''}\n${inner}${text.slice(before, text.length - after)}`;
      }
    }
    return yield `\n${indent}]`;
  }
  const keys = Object.keys(value);
  let first = true;
  if (walkChildren) {
    for (const key of keys) {
      const v = value[key];
      const walk = walkable(v);
      const text = walk ? undefined : leaf(v, inner);
      if (!walk && text === undefined) continue; // dropped from an object, as JSON.stringify does
      yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      first = false;
      if (walk) yield* prettyJsonPieces(v, inner, depth + 1);
      else yield text!;
    }
  } else {
    // A batch of members as an object at this object's indent (no prototype, so "__proto__" stays a member; the
    // keys keep their order, integer-like ones first as before). JSON.stringify drops what it would drop.
    const [before, after] = wrapper(depth);
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = Object.create(null) as Record<string, unknown>;
      for (const key of keys.slice(i, i + BATCH)) batch[key] = value[key];
      const text = laidOut(batch, depth);
      if (text[before + 1] === '}') continue; // every member dropped
      yield `${first ? '{' : ','}\n${inner}${text.slice(before + 2 + inner.length, text.length - after - 2 - indent.length)}`;
      first = false;
    }
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** Where the pieces go: a write that may ask the caller to wait (a full pipe) before the next one. */
export type TextSink = (chunk: string) => void | Promise<void>;

/** Pieces gathered to about this many characters per write: fewer system calls, little held at once. */
const CHUNK = 64 * 1024;

/** Writes `JSON.stringify(value, null, 2)` and a newline to `sink`, a chunk at a time, waiting whenever it asks. */
export async function writePrettyJson(value: unknown, sink: TextSink): Promise<void> {
  let buf = '';
  for (const piece of prettyJsonPieces(value)) {
    buf += piece;
    if (buf.length >= CHUNK) {
      const wait = sink(buf);
      buf = '';
      if (wait) await wait;
    }
  }
  await sink(`${buf}\n`);
}

/**
 * `JSON.stringify(value, null, 2)` as UTF-8 bytes, laid out here straight into byte buffers. The text way lays the
 * answer out with JSON.stringify, a two-byte string (every "≥"), then encodes it again and copies the pieces into
 * chunks; here plain ASCII text is copied byte by byte, the indentation and `"key": ` prefixes are bytes made once,
 * and only text that needs escaping or is not ASCII goes through JSON.stringify and the encoder (remembered, as the
 * shared reason sentences recur). Anything that is not plain data (a Date, a class instance, a BigInt, what a toJSON
 * returns when that is not plain) is left to JSON.stringify, as in `prettyJsonPieces`, so its rules stay its own.
 */
class ByteLayout {
  private buf: Buffer;
  private at = 0;
  /** filled buffers not yet handed on */
  readonly full: Buffer[] = [];
  private readonly quoted = new Map<string, Buffer>();
  private readonly keys: Map<string, Buffer>[] = [];
  private readonly newlines: Buffer[] = [];

  /** Whether for-in over a plain object gives exactly its own keys: nothing enumerable on Object.prototype. */
  private readonly ownKeysOnly = (() => {
    for (const _ in {}) return false;
    return true;
  })();

  /**
   * @param spare buffers of `size` bytes handed back once written (`writePrettyJsonBytes`), filled again before any
   *   new one is made: a buffer written is garbage V8 does not see (its bytes lie outside the heap), so 110 MB of
   *   answer made in fresh buffers stayed in memory until the process ended (measured: `rank --data` at 100,000
   *   candidates rose from 190 to 300 MB while it wrote, with no collection).
   */
  constructor(
    private readonly size: number,
    private readonly spare: Buffer[] = [],
  ) {
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(size);
  }

  /** Hands on the filled buffers and, with `all`, the one being filled. */
  take(all: boolean): Buffer[] {
    if (all && this.at) this.spill(0);
    return this.full.splice(0);
  }

  private spill(need: number): void {
    if (this.at) this.full.push(this.buf.subarray(0, this.at));
    this.buf = (need <= this.size && this.spare.pop()) || Buffer.allocUnsafe(Math.max(this.size, need));
    this.at = 0;
  }

  /** Copies bytes (one `set`: the prefixes are 10 to 30 bytes, where a loop costs more than the call). */
  private bytes(u: Uint8Array): void {
    if (this.at + u.length > this.buf.length) this.spill(u.length);
    this.buf.set(u, this.at);
    this.at += u.length;
  }

  /** Text known to be ASCII: numbers and the literals. */
  private ascii(s: string): void {
    const n = s.length;
    if (this.at + n > this.buf.length) this.spill(n);
    const b = this.buf;
    let p = this.at;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.at = p;
  }

  private byte(c: number): void {
    if (this.at >= this.buf.length) this.spill(1);
    this.buf[this.at++] = c;
  }

  /** A JSON string: printable ASCII without `"` or `\\` as it is; anything else as JSON.stringify writes it. */
  string(s: string): void {
    const n = s.length;
    // At most 3 bytes a UTF-16 unit (a pair of them, 4 bytes, is 2 units).
    if (this.at + 3 * n + 2 > this.buf.length) this.spill(3 * n + 2);
    const b = this.buf;
    let p = this.at;
    b[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        // Below space, the quote and the backslash are escaped by JSON.stringify; DEL is not.
        if (c < 32 || c === 34 || c === 92) return this.escaped(s);
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      } else {
        // A surrogate pair is one character in 4 bytes; a lone surrogate JSON.stringify writes escaped.
        const d = c < 0xdc00 && i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (d < 0xdc00 || d > 0xdfff) return this.escaped(s);
        const u = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (u >> 18);
        b[p++] = 0x80 | ((u >> 12) & 63);
        b[p++] = 0x80 | ((u >> 6) & 63);
        b[p++] = 0x80 | (u & 63);
        i++;
      }
    }
    b[p++] = 34;
    this.at = p;
  }

  private escaped(s: string): void {
    let u = this.quoted.get(s);
    if (u === undefined) {
      u = Buffer.from(JSON.stringify(s), 'utf8');
      if (this.quoted.size < 4096) this.quoted.set(s, u);
    }
    this.bytes(u);
  }

  private newline(depth: number): Buffer {
    return (this.newlines[depth] ??= Buffer.from(`\n${'  '.repeat(depth)}`, 'latin1'));
  }

  /** A line break, the indent of `depth` and `"key": `, as bytes made once per key and depth. */
  private key(depth: number, k: string): void {
    const known = (this.keys[depth] ??= new Map());
    const u = known.get(k);
    if (u !== undefined) return this.bytes(u);
    if (known.size < 1024) {
      const made = Buffer.from(`\n${'  '.repeat(depth)}${JSON.stringify(k)}: `, 'utf8');
      known.set(k, made);
      return this.bytes(made);
    }
    // Keys of a big dictionary (a reason list per candidate) are each used once: laid out in place, not kept.
    this.bytes(this.newline(depth));
    this.string(k);
    this.ascii(': ');
  }

  /** Whether a value is plain data laid out here; anything else JSON.stringify lays out (see `other`). */
  private static plain(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case 'string':
      case 'number':
      case 'boolean':
        return true;
      case 'object':
        // Deep nesting (or a cycle, which JSON.stringify refuses with its own error) is left to JSON.stringify.
        return v === null || (depth < MAX_LAYOUT_DEPTH && walkable(v));
      default:
        return false;
    }
  }

  /** A value `plain` accepted, at `depth`. */
  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.ascii(Number.isFinite(v) ? String(v) : 'null');
      case 'boolean':
        return this.ascii(v ? 'true' : 'false');
      default:
        if (v === null) return this.ascii('null');
        if (Array.isArray(v)) return this.array(v, depth);
        return this.object(v as Record<string, unknown>, depth);
    }
  }

  /** Any other value as JSON.stringify lays it out at `depth`; undefined where it drops it. */
  private static other(v: unknown, depth: number): Buffer | undefined {
    const s = leaf(v, '  '.repeat(depth));
    return s === undefined ? undefined : Buffer.from(s, 'utf8');
  }

  /** An array element (number `index`) at `depth`: what JSON.stringify drops becomes null. */
  element(index: number, x: unknown, depth: number): void {
    // As in `member`: the common elements first, without making the index's key unless a toJSON takes it.
    if (typeof x === 'string') return this.string(x);
    if (typeof x === 'object' && x !== null && depth < MAX_LAYOUT_DEPTH && typeof (x as { toJSON?: unknown }).toJSON !== 'function' && plainProto(x)) {
      return Array.isArray(x) ? this.array(x, depth) : this.object(x as Record<string, unknown>, depth);
    }
    const v = toJson(x, String(index));
    if (ByteLayout.plain(v, depth)) return this.value(v, depth);
    const text = ByteLayout.other(v, depth);
    if (text === undefined) this.ascii('null');
    else this.bytes(text);
  }

  /** An object member at `depth`, after `first` others; false when JSON.stringify drops it. */
  member(k: string, x: unknown, depth: number, first: boolean): boolean {
    // The common members first: a string, or plain data without toJSON (looked up once, not in toJson and plain).
    if (typeof x === 'string') {
      if (!first) this.byte(44);
      this.key(depth, k);
      this.string(x);
      return true;
    }
    if (typeof x === 'object' && x !== null && depth < MAX_LAYOUT_DEPTH && typeof (x as { toJSON?: unknown }).toJSON !== 'function' && plainProto(x)) {
      if (!first) this.byte(44);
      this.key(depth, k);
      if (Array.isArray(x)) this.array(x, depth);
      else this.object(x as Record<string, unknown>, depth);
      return true;
    }
    const v = toJson(x, k);
    if (ByteLayout.plain(v, depth)) {
      if (!first) this.byte(44);
      this.key(depth, k);
      this.value(v, depth);
      return true;
    }
    const text = ByteLayout.other(v, depth);
    if (text === undefined) return false;
    if (!first) this.byte(44);
    this.key(depth, k);
    this.bytes(text);
    return true;
  }

  private array(v: unknown[], depth: number): void {
    if (v.length === 0) return this.ascii('[]');
    this.byte(91);
    const line = this.newline(depth + 1);
    for (let i = 0; i < v.length; i++) {
      if (i) this.byte(44);
      this.bytes(line);
      this.element(i, v[i], depth + 1);
    }
    this.bytes(this.newline(depth));
    this.byte(93);
  }

  private object(v: Record<string, unknown>, depth: number): void {
    this.byte(123);
    let first = true;
    // for-in reads each member by its place in the object's layout (V8's enum cache), where `Object.keys` then
    // `v[k]` made an array per object and looked every member up by name. With nothing enumerable inherited (checked
    // once per layout), for-in gives the own keys in Object.keys order, as JSON.stringify takes them.
    if (this.ownKeysOnly) {
      for (const k in v) if (this.member(k, v[k], depth + 1, first)) first = false;
    } else {
      for (const k of Object.keys(v)) if (this.member(k, v[k], depth + 1, first)) first = false;
    }
    if (!first) this.bytes(this.newline(depth));
    this.byte(125);
  }

  /** A whole value at the top. */
  whole(x: unknown): void {
    const v = toJson(x, '');
    if (ByteLayout.plain(v, 0)) return this.value(v, 0);
    const text = ByteLayout.other(v, 0);
    if (text !== undefined) this.bytes(text); // at the top, a value JSON.stringify drops gives no text at all
  }

  /**
   * The answer's top: the lists and objects near it are walked here, handing on the filled buffers between their
   * members, so that a slow reader holds back the layout rather than letting buffers pile up.
   */
  *top(v: unknown[] | Record<string, unknown>, depth: number): Generator<Buffer[]> {
    const deeper = depth + 1 < WALK_DEPTH;
    if (Array.isArray(v)) {
      if (v.length === 0) return this.ascii('[]');
      this.byte(91);
      const line = this.newline(depth + 1);
      for (let i = 0; i < v.length; i++) {
        if (i) this.byte(44);
        this.bytes(line);
        const x = v[i];
        if (deeper && walkable(x)) yield* this.top(x, depth + 1);
        else this.element(i, x, depth + 1);
        if (this.full.length) yield this.take(false);
      }
      this.bytes(this.newline(depth));
      return this.byte(93);
    }
    this.byte(123);
    let first = true;
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (deeper && walkable(x)) {
        if (!first) this.byte(44);
        this.key(depth + 1, k);
        yield* this.top(x, depth + 1);
      } else if (!this.member(k, x, depth + 1, first)) continue;
      first = false;
      if (this.full.length) yield this.take(false);
    }
    if (!first) this.bytes(this.newline(depth));
    this.byte(125);
  }
}

/**
 * What JSON.stringify lays out in place of `v` under `key`: `v.toJSON(key)` where there is one (a Date, say).
 * Called here, with the key, because the value is then laid out away from its parent (nested in arrays, `leaf`).
 */
function toJson(v: unknown, key: string): unknown {
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const f = (v as { toJSON?: unknown }).toJSON;
    if (typeof f === 'function') return (f as (key: string) => unknown).call(v, key);
  }
  return v;
}

/** Below this depth the byte layout walks plain data itself; deeper, JSON.stringify does (and finds any cycle). */
const MAX_LAYOUT_DEPTH = 64;

/** Bytes per buffer handed to the sink. */
const BYTE_CHUNK = 64 * 1024;

/**
 * The UTF-8 bytes of `JSON.stringify(value, null, 2)`, in buffers of about `chunk` bytes; empty where it gives
 * undefined. A buffer given back in `spare` once its bytes are done with (see `spareOf`) is filled again.
 */
export function* prettyJsonBuffers(value: unknown, chunk = BYTE_CHUNK, spare: Buffer[] = []): Generator<Buffer> {
  const layout = new ByteLayout(chunk, spare);
  if (walkable(value)) for (const ready of layout.top(value, 0)) yield* ready;
  else layout.whole(value);
  yield* layout.take(true);
}

/** The whole buffer a yielded one was cut from, when it is one of `chunk` bytes of its own (not a pooled slice). */
function spareOf(b: Buffer, chunk: number): Buffer | undefined {
  return b.byteOffset === 0 && b.buffer.byteLength === chunk ? Buffer.from(b.buffer, 0, chunk) : undefined;
}

/**
 * Writes the UTF-8 bytes of `JSON.stringify(value, null, 2)` and a newline to `sink`, waiting whenever it asks.
 * `written`, when given, says whether everything handed to the sink so far has left it (nothing of it is held):
 * only then is a buffer filled again; otherwise each buffer is new, and the sink may keep what it was given.
 */
export async function writePrettyJsonBytes(value: unknown, sink: (chunk: Buffer) => void | Promise<void>, written?: () => boolean): Promise<void> {
  const spare: Buffer[] = [];
  for (const b of prettyJsonBuffers(value, BYTE_CHUNK, spare)) {
    const wait = sink(b);
    if (wait) await wait;
    if (written?.()) {
      const whole = spareOf(b, BYTE_CHUNK);
      if (whole) spare.push(whole);
    }
  }
  await sink(Buffer.from('\n'));
}

/** `io.out(JSON.stringify(value, null, 2))`, streamed where the output can take a stream: as bytes where it can, else as text. */
export async function outJson(io: CliIo, value: unknown): Promise<void> {
  if (io.writeBytes) await writePrettyJsonBytes(value, (chunk) => io.writeBytes!(chunk), io.bytesWritten && (() => io.bytesWritten!()));
  else if (io.write) await writePrettyJson(value, (chunk) => io.write!(chunk));
  else io.out(JSON.stringify(value, null, 2));
}
