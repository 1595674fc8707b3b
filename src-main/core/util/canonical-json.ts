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

/** A string as RFC 8785 writes it; refused, as the package refuses it, when it is not well-formed UTF-16. */
export function canonicalString(s: string): string {
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
  // Default sort: UTF-16 code units, the order RFC 8785 requires.
  const keys = Object.keys(o).sort();
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
