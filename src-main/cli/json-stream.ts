import type { CliIo } from './io';

/**
 * `JSON.stringify(value, null, 2)`, byte for byte, in pieces: a 100,000-candidate ranking is a 78 MB answer, and
 * one string of it (two bytes a character once any "≥" is in it), plus its copy with a newline, plus its
 * UTF-8 bytes, is what made the command line peak near a gigabyte. Written piece by piece, only a piece is held.
 *
 * Objects and arrays near the top (where the big lists are) are walked here; anything deeper (one result, one
 * reasons entry) is left to JSON.stringify and re-indented, so every rule of JSON.stringify (toJSON, undefined
 * and functions dropped from objects or null in arrays, key order, escapes) is JSON.stringify's own.
 */

/** How deep the walk goes before JSON.stringify takes over: the answer object, then its lists. */
const WALK_DEPTH = 2;

/** A plain object or array JSON.stringify would itself walk (no toJSON of its own). */
function walkable(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== 'object' || v === null) return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
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

/** `io.out(JSON.stringify(value, null, 2))`, streamed where the output can take a stream. */
export async function outJson(io: CliIo, value: unknown): Promise<void> {
  if (io.write) await writePrettyJson(value, (chunk) => io.write!(chunk));
  else io.out(JSON.stringify(value, null, 2));
}
