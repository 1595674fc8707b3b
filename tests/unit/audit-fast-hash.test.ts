import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventHash, eventHashOfText, GENESIS_HASH } from '../../src-main/core/audit/chain';
import { TALLIED_TABLES, tallyText, type TalliedTable } from '../../src-main/core/audit/tally';

/** The library's answer, or its error's message: what canonicalJson must give or throw. */
function reference(value: unknown): { text?: string; error?: string } {
  try {
    const text = canonicalize(value);
    return text === undefined ? { error: 'value cannot be represented as canonical JSON' } : { text };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function ours(value: unknown): { text?: string; error?: string } {
  try {
    return { text: canonicalJson(value) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

// Strings with lone surrogates, pairs, escapes and non-ASCII, beside plain ones.
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\uD800', 'a\uDC00b', '\uD83D\uDE00', '"\\\n\u2028', '__proto__', 'toJSON'));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, 5e-324, NaN, Infinity),
    text,
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
    fc.date({ noInvalidDate: true }),
  ),
})).value;

describe('audit: canonical JSON and the event hash without the second canonicalization', () => {
  it('canonicalJson gives exactly what the canonicalize library gives (or throws where it throws), on random values', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(ours(v)).toEqual(reference(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('eventHashOfText equals eventHash over the parsed payload, on random events', () => {
    const event = fc.record({
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), text),
      actor: text,
      command: text,
      outcome: fc.constantFrom('ok' as const, 'refused' as const),
      payload: json,
    });
    fc.assert(
      fc.property(event, fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')), (e, prev) => {
        let payloadText: string;
        try {
          payloadText = canonicalJson(e.payload ?? null);
        } catch {
          return; // a payload that cannot be stored is refused before any hash
        }
        const payload = JSON.parse(payloadText) as unknown;
        let expected: string | Error;
        try {
          expected = eventHash(prev, { ...e, payload: payload as never });
        } catch (err) {
          expected = err as Error;
        }
        if (expected instanceof Error) expect(() => eventHashOfText(prev, e, payloadText)).toThrow(expected.message);
        else expect(eventHashOfText(prev, e, payloadText)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('with a tally, eventHashOfText over its stored text equals eventHash over the tally, on random tallies', () => {
    const tableTally = fc.record({ rows: fc.nat(), last: fc.nat(), digest: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')) });
    const tally = fc.record(Object.fromEntries(TALLIED_TABLES.map((t) => [t, tableTally])) as Record<TalliedTable, typeof tableTally>, { requiredKeys: [] });
    const e = { seq: 7, at: '2026-12-08T01:00:00.000Z', actor: 'user:x', command: 'panel.score', outcome: 'ok' as const };
    fc.assert(
      fc.property(tally, (t) => {
        const text = tallyText(t);
        expect(JSON.parse(text)).toEqual(t);
        expect(eventHashOfText(GENESIS_HASH, e, '{}', text)).toBe(eventHash(GENESIS_HASH, { ...e, payload: {}, tally: t }));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the known hash of a fixed event and refuses what canonicalize refuses', () => {
    const e = { seq: 2, at: '2026-01-01T00:00:00.000Z', actor: 'cli:x', command: 'settings.set', outcome: 'ok' as const };
    const payloadText = canonicalJson({ value: '0', key: 'k0' });
    expect(payloadText).toBe('{"key":"k0","value":"0"}');
    expect(eventHashOfText(GENESIS_HASH, e, payloadText)).toBe(eventHash(GENESIS_HASH, { ...e, payload: { key: 'k0', value: '0' } }));
    expect(() => eventHashOfText(GENESIS_HASH, { ...e, actor: 'a\uD800' }, payloadText)).toThrow('Lone surrogate is not allowed');
    expect(() => canonicalJson({ a: NaN })).toThrow('NaN is not allowed');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('Circular reference detected');
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
