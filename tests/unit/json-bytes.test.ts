// `lentera rank --json` lays its answer out as UTF-8 bytes (cli/json-stream.ts, ByteLayout): the bytes must be
// exactly those of `JSON.stringify(answer, null, 2)`, whatever the answer holds, however the buffers are cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src-main/cli/io';
import { outJson, prettyJsonBuffers, writePrettyJsonBytes } from '../../src-main/cli/json-stream';

const utf8 = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2) ?? '', 'utf8');
const laidOut = (v: unknown, chunk?: number) => Buffer.concat([...prettyJsonBuffers(v, chunk)]);

class Point {
  constructor(
    public x: number,
    public label: string,
  ) {}
}

/** Values JSON.stringify takes: any text (lone surrogates, "≥", controls), numbers, dropped values, non-plain objects. */
const anyJsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme-ascii' }),
    fc.constantFrom('≥ 65', 'a\nb', '\u2028', '\ud800', '\udc00x', '"', '\\', '\u007f', '\u0000', 'ä', '😀'),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 5e-7),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.constant(Symbol('s')),
    fc.date({ noInvalidDate: true }),
    fc.constant({ toJSON: () => undefined }),
    fc.constant({ toJSON: (k: string) => ({ key: k, at: '≥' }) }),
    fc.constant(new Point(1, 'p ≥ q')),
    fc.constant(new String('boxed ≥')), // boxed: JSON.stringify unwraps it
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '10', '2', '__proto__x', 'b', 'ké\u0001', '"q"')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('prettyJsonBuffers', () => {
  it('the bytes are JSON.stringify(value, null, 2) in UTF-8 exactly, on random values and buffer sizes', () => {
    fc.assert(
      fc.property(anyJsonish, fc.integer({ min: 1, max: 64 }), (v, chunk) => {
        expect(laidOut(v, chunk).equals(utf8(v))).toBe(true);
        expect(laidOut(v).equals(utf8(v))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('an answer with big lists: the same bytes, handed on in several buffers of the asked size', () => {
    const results = Array.from({ length: 3000 }, (_, i) => ({
      nomor_peserta: `2633740${String(i).padStart(5, '0')}`,
      components: { twk: String(i % 150) },
      stages: {},
      thresholds: [{ rule: 'TWK ≥ 65', pass: i % 3 !== 0, reason: `TWK ${i % 150} ${i % 3 ? '≥' : '<'} 65` }],
      final: i % 7 ? '74.145' : null,
      rank: i % 5 ? i : null,
      provisional: i % 11 === 0 ? true : undefined,
      gone: () => 1,
    }));
    const answer = { ruleset: { id: 'cpns-2024', version: '2024.1' }, results, reasons: Object.fromEntries(results.map((r) => [r.nomor_peserta, [r.thresholds[0]!.reason]])), none: [], empty: {}, dropped: undefined };
    const buffers = [...prettyJsonBuffers(answer, 4096)];
    expect(Buffer.concat(buffers).equals(utf8(answer))).toBe(true);
    expect(buffers.length).toBeGreaterThan(100);
    expect(buffers.slice(0, -1).every((b) => b.length <= 4096 && b.length > 4000)).toBe(true);
  });

  it('top-level values that are not lists or objects, and ones JSON.stringify drops (no bytes at all)', () => {
    for (const v of ['≥', 12.5, null, true, new Date(0), [], {}, [[]], { a: {} }, new Point(2, 'x')]) expect(laidOut(v).equals(utf8(v))).toBe(true);
    for (const v of [undefined, () => 1, Symbol('x'), { toJSON: () => undefined }]) expect(laidOut(v).length).toBe(0);
  });

  it('an own "__proto__" key, integer-like keys, sparse arrays and deep nesting past the layout depth', () => {
    const o: Record<string, unknown> = { b: 1, 10: 'ten', 2: 'two' };
    Object.defineProperty(o, '__proto__', { value: { a: '≥' }, enumerable: true });
    // eslint-disable-next-line no-sparse-arrays -- a hole is null in JSON
    const sparse = [1, , 3];
    let deep: unknown = { leaf: 'é' };
    for (let i = 0; i < 150; i++) deep = i % 2 ? [deep] : { d: deep, n: i };
    for (const v of [o, sparse, deep, { results: [deep] }]) expect(laidOut(v, 16).equals(utf8(v))).toBe(true);
  });

  it('what JSON.stringify refuses is refused the same way: a BigInt, a cycle (deep or near the top)', () => {
    expect(() => [...prettyJsonBuffers({ results: [{ n: 1n }] })]).toThrow(TypeError);
    expect(() => [...prettyJsonBuffers(1n)]).toThrow(TypeError);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { again: cycle };
    expect(() => [...prettyJsonBuffers(cycle)]).toThrow(TypeError);
    expect(() => [...prettyJsonBuffers({ results: [cycle] })]).toThrow(TypeError);
  });
});

describe('writePrettyJsonBytes and outJson', () => {
  it('waits for the sink before the next buffer, and ends with one newline', async () => {
    const big = { results: Array.from({ length: 20_000 }, (_, i) => ({ nomor: String(i), reason: `TWK ${i} ≥ 65` })) };
    const chunks: Buffer[] = [];
    let waiting = false;
    await writePrettyJsonBytes(big, (c) => {
      expect(waiting).toBe(false);
      chunks.push(c);
      waiting = true;
      return new Promise<void>((r) => setImmediate(() => ((waiting = false), r())));
    });
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).equals(Buffer.from(`${JSON.stringify(big, null, 2)}\n`))).toBe(true);
  });

  it('a sink that fails stops the writing with its error', async () => {
    let calls = 0;
    const big = { results: Array.from({ length: 50_000 }, (_, i) => ({ i })) };
    await expect(
      writePrettyJsonBytes(big, () => {
        calls++;
        return Promise.reject(new Error('EPIPE'));
      }),
    ).rejects.toThrow('EPIPE');
    expect(calls).toBe(1);
  });

  it('a buffer is filled again only once the sink says everything given it has left: the bytes stay the same', async () => {
    // Long strings across buffers, two-byte text, escapes, and pieces larger than a buffer (never reused).
    const big = { results: Array.from({ length: 30_000 }, (_, i) => ({ n: i, why: i % 7 ? `SKD ${i} ≥ 311` : 'a\n"b"'.repeat(i % 50), long: i % 9_999 ? null : 'x'.repeat(200_000) })) };
    const want = Buffer.from(`${JSON.stringify(big, null, 2)}\n`);
    const arrays = (chunks: Buffer[]) => new Set(chunks.map((c) => c.buffer)).size;

    // A sink that keeps what it is given and says so: every buffer is new, and what it kept stays as it was.
    const kept: Buffer[] = [];
    await writePrettyJsonBytes(big, (c) => void kept.push(c), () => false);
    expect(Buffer.concat(kept).equals(want)).toBe(true);
    expect(arrays(kept)).toBe(kept.length);

    // A sink done with each buffer at once (it copies): the few buffers of the answer are filled again and again.
    const copied: Buffer[] = [];
    const given: Buffer[] = [];
    await writePrettyJsonBytes(big, (c) => void (given.push(c), copied.push(Buffer.from(c))), () => true);
    expect(Buffer.concat(copied).equals(want)).toBe(true);
    expect(given.length).toBeGreaterThan(30);
    // One buffer filled again throughout, the few larger than a buffer (each `long`), and the final newline's.
    expect(arrays(given)).toBeLessThanOrEqual(8);

    // A sink that keeps its buffers but says they left: what it kept is written over (why `written` must be true).
    const lied: Buffer[] = [];
    await writePrettyJsonBytes(big, (c) => void lied.push(c), () => true);
    expect(Buffer.concat(lied).equals(want)).toBe(false);
  });

  it('outJson prefers bytes, then text, then one `out`; all give the same text', async () => {
    const answer = { ruleset: { id: 'r' }, results: [{ reason: 'SKD ≥ 311', rank: 1 }, { reason: 'TWK < 65', rank: null }] };
    const bytes: Buffer[] = [];
    const text: string[] = [];
    const whole: string[] = [];
    const base = { err: () => {}, askSecret: async () => '', osUser: 't' };
    await outJson({ ...base, out: () => expect.fail('out'), write: () => expect.fail('write'), writeBytes: (b) => void bytes.push(Buffer.from(b)) } as CliIo, answer);
    await outJson({ ...base, out: () => expect.fail('out'), write: (t) => void text.push(t) }, answer);
    await outJson({ ...base, out: (t) => void whole.push(t) }, answer);
    expect(Buffer.concat(bytes).toString('utf8')).toBe(`${JSON.stringify(answer, null, 2)}\n`);
    expect(text.join('')).toBe(`${JSON.stringify(answer, null, 2)}\n`);
    expect(whole).toEqual([JSON.stringify(answer, null, 2)]);
  });
});
