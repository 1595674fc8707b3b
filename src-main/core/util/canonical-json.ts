/**
 * RFC 8785 canonical JSON (JCS), the same text the `canonicalize` package gives, faster. Browser-safe.
 *
 * Written here because the package is the bottleneck at the hub: it checks every string with `isWellFormed` and
 * walks an explicit frame stack with a cycle set, and a 100k-candidate ingest spent 9 s of its profile in it
 * (every leaf, every acknowledgement with its 100k receipts, every leaf parsed back on the site). This path
 * handles plain objects, arrays and primitives; anything else (toJSON, boxed values, deep nesting, where
 * cycles would show) goes to the package, so the output is the package's by construction there and by the
 * property test in tests/unit/canonical-json.test.ts everywhere else.
 */
import canonicalize from 'canonicalize';

/** Deeper than this the package takes over: it detects cycles and needs no call stack. */
const MAX_DEPTH = 200;

/** A lone surrogate: a high one not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What JSON.stringify escapes (a quote, a backslash, a control character) or may (a surrogate). */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_LOOK = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as RFC 8785 writes it; refused, as the package refuses it, when it is not well-formed UTF-16. */
export function canonicalString(s: string): string {
  // Nothing to escape and no surrogate at all (most names, codes and numbers): the string in quotes.
  if (!NEEDS_LOOK.test(s)) return `"${s}"`;
  const t = JSON.stringify(s);
  // JSON.stringify escapes a lone surrogate as \udXXX; only then can the string be ill-formed.
  if (t.includes('\\u') && LONE_SURROGATE.test(s)) throw new Error('Lone surrogate is not allowed');
  return t;
}

function prim(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return canonicalString(v);
    case 'number':
      if (Number.isNaN(v)) throw new Error('NaN is not allowed');
      if (!Number.isFinite(v)) throw new Error('Infinity is not allowed');
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(v);
  }
}

/**
 * The text of each object key met lately: the same few dozen keys recur in every record, and quoting one costs a
 * JSON.stringify and a scan. Bounded: a map keyed by candidate number fills it, and it then starts again, so that
 * the recurring keys are soon remembered again instead of never.
 */
const KEY_TEXT = new Map<string, string>();
const KEY_TEXT_MAX = 4096;

function keyText(k: string): string {
  let t = KEY_TEXT.get(k);
  if (t === undefined) {
    t = canonicalString(k);
    if (KEY_TEXT.size >= KEY_TEXT_MAX) KEY_TEXT.clear();
    KEY_TEXT.set(k, t);
  }
  return t;
}

/**
 * The keys of records met lately, as given and sorted. Records of one kind have the same keys in the same order (a
 * hundred thousand results: 0.2 s of sorting them again and again at the hub), so a record's keys are compared with
 * those of recent records with the same first key, and a match's sorted order is reused. Only records of up to
 * SHAPE_KEYS keys: a map keyed by candidate number is sorted each time, never held here. Bounded (at most SHAPES_MAX
 * first keys, a few shapes each, about 1 MB of arrays): small maps keyed by number (a formation's members) each
 * bring a first key of their own, and it then starts again, the recurring shapes soon learnt anew.
 */
const SHAPES = new Map<string, { given: string[]; sorted: string[] }[]>();
const SHAPES_PER_KEY = 8;
const SHAPES_MAX = 1024;
const SHAPE_KEYS = 64;

function sortedKeys(keys: string[]): string[] {
  // Default sort: UTF-16 code units, the order RFC 8785 requires.
  if (keys.length < 2 || keys.length > SHAPE_KEYS) return keys.sort();
  let list = SHAPES.get(keys[0]!);
  if (list !== undefined) {
    outer: for (const s of list) {
      if (s.given.length !== keys.length) continue;
      for (let i = 1; i < keys.length; i++) if (s.given[i] !== keys[i]) continue outer;
      return s.sorted;
    }
  } else {
    if (SHAPES.size >= SHAPES_MAX) SHAPES.clear();
    list = [];
    SHAPES.set(keys[0]!, list);
  }
  const sorted = [...keys].sort();
  if (list.length >= SHAPES_PER_KEY) list.shift();
  list.push({ given: keys, sorted });
  return sorted;
}

const plain = (v: object) => {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * `seen` holds the text of each object already written in this call: an acknowledgement's 100k receipts all
 * share one checkpoint object, written once and then reused.
 */
function value(v: unknown, depth: number, seen: Map<object, string>): string | undefined {
  if (v === null || typeof v !== 'object') return prim(v);
  if (depth > MAX_DEPTH || !plain(v)) return canonicalize(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      const e: unknown = v[i];
      out += e === undefined || typeof e === 'symbol' || typeof e === 'function' ? 'null' : (value(e, depth + 1, seen) ?? 'null');
    }
    return `${out}]`;
  }
  const known = seen.get(v);
  if (known !== undefined) return known;
  const o = v as Record<string, unknown>;
  const keys = sortedKeys(Object.keys(o));
  let out = '{';
  let first = true;
  for (const k of keys) {
    const e = o[k];
    if (e === undefined || typeof e === 'symbol' || typeof e === 'function') continue;
    const text = value(e, depth + 1, seen);
    if (text === undefined) continue;
    out += `${first ? '' : ','}${keyText(k)}:${text}`;
    first = false;
  }
  out += '}';
  seen.set(v, out);
  return out;
}

/**
 * The canonical text of a value, or undefined when it has none (as `canonicalize`). A value this path refuses
 * (NaN, Infinity, a lone surrogate) is handed to the package, so the error, and which fault it names first, is the
 * package's own.
 */
export function canonicalText(v: unknown): string | undefined {
  try {
    return value(v, 0, new Map());
  } catch {
    return canonicalize(v);
  }
}
