import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../src-main/core/util/canonical-json';

const same = (v: unknown) => {
  let want: string | undefined | Error;
  try {
    want = canonicalize(v);
  } catch (e) {
    want = e as Error;
  }
  if (want instanceof Error) expect(() => canonicalText(v)).toThrow();
  else expect(canonicalText(v)).toBe(want);
};

describe('canonicalText (RFC 8785, fast path)', () => {
  it('gives the text canonicalize gives, on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), same), { numRuns: 2000 });
  });

  it('gives the text canonicalize gives with undefined, functions, full unicode and odd numbers', () => {
    const leaf = fc.oneof(fc.constant(undefined), fc.constant(() => 1), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.date());
    const anyValue = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v')), fc.dictionary(fc.string({ unit: 'binary' }), tie('v'))),
    })).v;
    fc.assert(fc.property(anyValue, same), { numRuns: 2000 });
  });

  it('sorts keys by UTF-16 code units and escapes as JSON.stringify', () => {
    const v = { b: 1, a: [true, null, undefined], '\u20ac': 'x', '\ud83d\ude00': '"', A: { z: 1e21, y: -0 } };
    expect(canonicalText(v)).toBe(canonicalize(v));
    expect(canonicalText({ b: 1, a: [true, undefined], A: { z: 1e21, y: -0 } })).toBe('{"A":{"y":0,"z":1e+21},"a":[true,null],"b":1}');
  });

  it('refuses what has no canonical form: a lone surrogate, NaN, Infinity, a cycle', () => {
    expect(() => canonicalText({ a: '\ud800' })).toThrow(/surrogate/);
    expect(() => canonicalText({ '\udc00': 1 })).toThrow(/surrogate/);
    expect(canonicalText('\\ud800')).toBe('"\\\\ud800"');
    expect(() => canonicalText([Number.NaN])).toThrow(/NaN/);
    expect(() => canonicalText({ x: Infinity })).toThrow(/Infinity/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalText(cycle)).toThrow();
    expect(canonicalText(undefined)).toBeUndefined();
  });

  it('writes an object shared by many places the same each time (an acknowledgement\'s one checkpoint)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 5 }), (shared, n) => {
        const o = { cp: shared };
        same({ receipts: Array.from({ length: n }, (_, i) => ({ i, checkpoint: o, again: [o] })), o });
      }),
      { numRuns: 300 },
    );
  });

  it('quotes keys the same once it remembers them, past its bound, and never remembers a refused one', () => {
    const many = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`k${i}\u20ac"`, i]));
    same(many);
    same(many);
    for (let i = 0; i < 3; i++) expect(() => canonicalText({ ok: 1, '\udc00': 1 })).toThrow(/surrogate/);
    same({ 'k5999\u20ac"': [{ 'k1\u20ac"': 'x' }] });
  });

  it('records of one kind after another: keys from a few names in any order and number, each sorted as canonicalize sorts them', () => {
    // Few names, so that records share their first key and key count (the sorted order remembered per shape) but
    // differ in the others or their order; and a record of more keys than are remembered.
    const name = fc.constantFrom('nomor', 'kode', 'a', 'b', 'B', '\u20ac', 'z', 'x"y', 'skd');
    const record = fc.uniqueArray(fc.tuple(name, fc.oneof(fc.integer(), fc.string(), fc.constant(null))), { selector: ([k]) => k, maxLength: 9 }).map((kv) => Object.fromEntries(kv));
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), (records) => {
        for (const r of records) same(r);
        same(records);
      }),
      { numRuns: 500 },
    );
    // Past the bound of remembered shapes: small maps keyed by number, each its own first key, a record among them.
    for (let i = 0; i < 3000; i++) {
      same({ [`26337${i}`]: 1, [`1${i}`]: 2, a: 3 });
      if (i % 500 === 0) same({ nomor: 'x', kode: 'y', a: 1, B: 2 });
    }
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${(i * 37) % 100}`, i]));
    same(wide);
    same({ ...wide, k0: 'x' });
  });

  it('strings with nothing to escape, and with a quote, a backslash, a control character or a surrogate pair', () => {
    for (const s of ['', 'umum', 'TWK 130 ≥ 65', 'a"b', 'a\\b', 'tab\there', '\u001f', '\u007f', '\u2028', '\ud83d\ude00', 'é']) same({ s, [s]: s });
  });

  it('takes a deep value to the package, with the same text', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    same(deep);
  });
});
