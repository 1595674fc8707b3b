import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { inKeyOrder, keepInKeyOrder, keepItemsInKeyOrder, keptLines, keptRecords, readRecords, type Records } from '../../src-main/core/bundles/merge';
import { lineDigest } from '../../src-main/core/bundles/collect';

/**
 * Issue 18: a data file written a record a line is read a line at a time from its bytes, no longer as one text split
 * into lines (at 100,000 candidates that was 240 MB beside the file's 120 MB). What it gives must be what the text
 * gave, for every file: the layout Lentera writes, any other JSON array, and bytes that are neither.
 */

/** The reading as it was (merge.ts before this change): the whole text, split. */
function referenceRecords(path: string, kind: string, data: Buffer, defer: boolean, viewKind: boolean): Records | string {
  const into: Records = { items: [], deferred: [] };
  try {
    const text = data.toString('utf8');
    let lines: string[];
    let verbatim = false;
    if (text.startsWith('[\n') && text.endsWith('\n]\n') && ((lines = text.slice(2, -3).split('\n')), lines.every((l, i) => (i < lines.length - 1 ? l.endsWith(',') : !l.endsWith(','))))) {
      lines = lines.map((l, i) => (i < lines.length - 1 ? l.slice(0, -1) : l));
      verbatim = true;
    } else {
      let rows: unknown;
      try {
        rows = JSON.parse(text);
      } catch (e) {
        throw new Error(`${path} is not JSON: ${(e as Error).message}.`);
      }
      if (!Array.isArray(rows)) throw new Error(`${path} is not a list.`);
      lines = rows.map((r) => JSON.stringify(r));
    }
    const deferIt = defer && verbatim && !viewKind;
    const keys: string[] = [];
    const digests = deferIt ? Buffer.alloc(lines.length * 32) : null;
    lines.forEach((line, n) => {
      let body: unknown;
      try {
        body = JSON.parse(line);
      } catch (e) {
        throw new Error(`${path}: record ${n + 1} is not JSON: ${(e as Error).message}.`);
      }
      const v = (body as { id?: unknown } | null)?.id;
      const key = body && typeof body === 'object' && typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
      if (!key) throw new Error(`${path}: record ${n + 1} has no key.`);
      if (digests) {
        keys.push(key);
        hash('sha256', line, 'buffer').copy(digests, n * 32);
      } else into.items.push({ kind, key, digest: lineDigest(line), body: line });
    });
    if (digests) into.deferred.push({ kind, path, count: keys.length, held: { keys, digests, order: new Uint32Array(0) }, lettered: keys.some((k) => /[A-Za-z]/.test(k)) });
    return into;
  } catch (e) {
    return (e as Error).message;
  }
}

function mine(path: string, data: Buffer, defer: boolean): Records | string {
  const into: Records = { items: [], deferred: [] };
  try {
    readRecords(path, data, { defer }, into);
    // The order is checked elsewhere (bundles.test.ts); the reference does not make one.
    for (const d of into.deferred) d.held!.order = new Uint32Array(0);
    return into;
  } catch (e) {
    return (e as Error).message;
  }
}

const id = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('a', 'é', '≥ 1', 'x,', '\u00a0'));
const record = fc.record({ id: fc.oneof(id, fc.constant(''), fc.integer()), v: fc.oneof(fc.string({ unit: 'grapheme' }), fc.double({ noNaN: true }), fc.constant('a\nb')) });

/** A file as Lentera writes it, or spoiled: an edit at a random place (a byte changed, dropped or added). */
const file = fc
  .tuple(
    fc.array(record, { maxLength: 12 }),
    fc.constantFrom('lentera', 'compact', 'pretty'),
    fc.option(fc.tuple(fc.nat(), fc.constantFrom('drop', 'set', 'insert'), fc.constantFrom(0x0a, 0x2c, 0x5b, 0x5d, 0x20, 0x22, 0x80, 0xc3, 0xff))),
  )
  .map(([rows, layout, edit]) => {
    const text = layout === 'lentera' ? (rows.length === 0 ? '[\n]\n' : `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`) : JSON.stringify(rows, null, layout === 'pretty' ? 2 : undefined);
    let bytes = Buffer.from(text);
    if (edit && bytes.length > 0) {
      const [at, how, b] = edit;
      const i = at % bytes.length;
      if (how === 'drop') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      else if (how === 'set') bytes[i] = b;
      else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([b]), bytes.subarray(i)]);
    }
    return bytes;
  });

describe('a data file read a line at a time from its bytes (merge.ts readRecords)', () => {
  it('gives what reading its whole text gave: the same records, keys and digests, or the same refusal', () => {
    fc.assert(
      fc.property(file, fc.boolean(), fc.constantFrom(['score_entry', 'data/score-entries.json', false], ['attendance', 'data/attendance.json', false], ['finalization', 'data/finalizations.json', true]), (data, defer, [kind, path, view]) => {
        expect(mine(path as string, data, defer)).toEqual(referenceRecords(path as string, kind as string, data, defer, view as boolean));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same at the edges of the layout: a comma after the last record, an empty line, no records, too short', () => {
    const edges = ['[\n{"id":"a"},\n]\n', '[\n{"id":"a"},\n\n{"id":"b"}\n]\n', '[\n{"id":"a"},\n\n]\n', '[\n]\n', '[\n\n]\n', '[]', '[\n]', '\n]\n', '[\n{"id":"a"}\n]\n\n', '[\n{"id":"a"},\n,\n{"id":"b"}\n]\n', '[\n{"id":"\u00e9"}\n]\n'];
    for (const text of edges) {
      for (const defer of [true, false]) {
        const data = Buffer.from(text);
        expect([text, mine('data/score-entries.json', data, defer)]).toEqual([text, referenceRecords('data/score-entries.json', 'score_entry', data, defer, false)]);
      }
    }
    // Bytes that are not UTF-8: the digest is of the text stored (U+FFFD in their place), as before.
    const bad = Buffer.concat([Buffer.from('[\n{"id":"a","v":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n]\n')]);
    expect(mine('data/score-entries.json', bad, true)).toEqual(referenceRecords('data/score-entries.json', 'score_entry', bad, true, false));
  });

  it('reads the layout Lentera writes without holding its text: records deferred by key, and a bad record named by its place', () => {
    const data = Buffer.from('[\n{"id":"b","v":1},\n{"id":"a","v":"é"}\n]\n');
    const got = mine('data/score-entries.json', data, true) as Records;
    expect(got.items).toEqual([]);
    expect(got.deferred[0]!.held!.keys).toEqual(['b', 'a']);
    expect(got.deferred[0]!.held!.digests.subarray(32).equals(hash('sha256', '{"id":"a","v":"é"}', 'buffer'))).toBe(true);
    expect(mine('data/score-entries.json', Buffer.from('[\n{"id":"b"},\n{"id":\n]\n'), true)).toMatch(/^data\/score-entries\.json: record 2 is not JSON/);
    expect(mine('data/score-entries.json', Buffer.from('[\n{"id":"b"},\n{"v":2}\n]\n'), true)).toBe('data/score-entries.json: record 2 has no key.');
  });
});

describe('the records only the commit reads, kept in key order (merge.ts keepInKeyOrder, keptRecords, keptLines)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-kept-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A record of 5 MB (larger than a 4 MB block, written and read past it) among small ones, out of key order; keys
  // with a newline, a quote, a lone surrogate and a non-ASCII letter (the copy gives each back as it was).
  const big = 'x'.repeat(5 * 1024 * 1024);
  const odd = ['a\nb', 'q"uote', '\ud800lone', 'é'];
  const rows = [{ id: 'm', v: 1 }, { id: 'b', v: big }, { id: 'z', v: 'é' }, { id: 'a', v: 2 }, ...odd.map((id) => ({ id, v: id })), ...Array.from({ length: 3000 }, (_, i) => ({ id: `k${String(3000 - i).padStart(5, '0')}`, v: 'y'.repeat(i % 97) }))];
  const data = Buffer.from(`[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  const read = () => {
    const into: Records = { items: [], deferred: [] };
    const spans = readRecords('data/score-entries.json', data, {}, into)!;
    return { d: into.deferred[0]!, spans };
  };
  const refused = () => new Error('refused');
  const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

  it('gives back every record in key order with its key and digest, one larger than a block included, and lets go of them', () => {
    const { d, spans } = read();
    const held = d.held!;
    const file = join(dir, 'kept.records');
    keepInKeyOrder(data, d, spans, file);
    expect(d.scratch).toEqual({ file, bytes: readFileSync(file).length });
    expect(d.held).toBeNull();
    const records = keptRecords(d.scratch!, d.count, refused);
    const got = Array.from({ length: d.count }, () => records.next());
    records.done();
    records.close();
    const lines = [...rows].sort(byId).map((r) => JSON.stringify(r));
    expect(got).toEqual(lines.map((l) => [(JSON.parse(l) as { id: string }).id, hash('sha256', l, 'hex'), l]));
    // the order it was kept in is the one read into `held`
    expect([...held.order].map((i) => held.keys[i])).toEqual(got.map(([key]) => key));
  });

  it('refuses a copy that is not as written: shorter, longer, a line more or less in as many bytes, a bad line before a record', () => {
    const { d, spans } = read();
    const count = d.count;
    const file = join(dir, 'spoiled.records');
    keepInKeyOrder(data, d, spans, file);
    const text = readFileSync(file, 'utf8');
    const attempt = (content: string, bytes = Buffer.byteLength(content)) => {
      writeFileSync(file, content);
      let records: ReturnType<typeof keptRecords> | undefined;
      try {
        records = keptRecords({ file, bytes }, count, refused);
        for (let i = 0; i < count; i++) records.next();
        records.done();
        return 'read';
      } catch (e) {
        return (e as Error).message;
      } finally {
        records?.close();
      }
    };
    expect(attempt(text)).toBe('read');
    expect(attempt(text.slice(0, -10), text.length)).toBe('refused');
    expect(attempt(`${text}{}\n`, text.length)).toBe('refused');
    // Its size as given: one newline fewer (two lines run together), or one more (a line split in two).
    const joined = text.replace('\n', ' ');
    expect(attempt(joined)).toBe('refused');
    const split = text.replace('"v":', '\n:');
    expect(Buffer.byteLength(split)).toBe(Buffer.byteLength(text) - 2);
    expect(attempt(split)).toBe('refused');
    // The line before a record: not 64 hex digits, or no key after them.
    expect(attempt(text.replace(/^[0-9a-f]/, 'g'))).toBe('refused');
    expect(attempt(text.replace(/^[0-9a-f]/, 'A'))).toBe('refused');
    expect(attempt(text.replace(/^([0-9a-f]{63})[0-9a-f]/, '$1é'))).toBe('refused');
    expect(attempt(text.replace(/^([0-9a-f]{63})[0-9a-f]/, '$1'))).toBe('refused');
    expect(attempt(text.replace(/^([0-9a-f]{64})"a"/, '$1 "a'))).toBe('refused');
    expect(attempt(text.replace(/^([0-9a-f]{64})"a"/, '$1123'))).toBe('refused');
    // keptLines alone: as many lines as asked, no more, no fewer
    writeFileSync(file, text);
    const lines = keptLines({ file, bytes: Buffer.byteLength(text) }, count * 2 + 1, refused);
    for (let i = 0; i < count * 2; i++) lines.next();
    expect(() => lines.next()).toThrow('refused');
    lines.close();
  });

  it("keeps a view's records of one kind the same way: in the order they are stored, two with one key in their own order", () => {
    const body = (id: string, v: unknown) => JSON.stringify({ id, v });
    const items = [...rows, { id: 'm', v: 'later' }, { id: 'é', v: 'é'.repeat(2 * 1024 * 1024) }].map((r) => ({ kind: 'candidate', key: r.id, digest: hash('sha256', body(r.id, r.v), 'hex'), body: body(r.id, r.v) }));
    const file = join(dir, 'items.records');
    const d = keepItemsInKeyOrder(items, 'candidate', file);
    expect(d).toEqual({ kind: 'candidate', path: 'data/candidates.json', count: items.length, held: null, scratch: { file, bytes: readFileSync(file).length }, lettered: true });
    const records = keptRecords(d.scratch!, d.count, refused);
    const got = Array.from({ length: d.count }, () => records.next());
    records.done();
    records.close();
    expect(got).toEqual(inKeyOrder(items).map((i) => [i.key, i.digest, i.body]));
    expect(got.filter(([key]) => key === 'm').map(([, , b]) => (JSON.parse(b) as { v: unknown }).v)).toEqual([1, 'later']);
    expect(() => keepItemsInKeyOrder(items, 'candidate', file)).toThrow();
    expect(readFileSync(file).length).toBe(d.scratch!.bytes);
  });

  it('a copy that cannot be written leaves no file, and the records as read, to be read again from the bundle', () => {
    const { d, spans } = read();
    const held = d.held;
    expect(() => keepInKeyOrder(data, d, spans, join(dir, 'no-such-folder', 'x.records'))).toThrow();
    expect(d.scratch).toBeUndefined();
    expect(d.held).toBe(held);
    const taken = join(dir, 'taken.records');
    writeFileSync(taken, 'not ours');
    expect(() => keepInKeyOrder(data, d, spans, taken)).toThrow();
    expect(readFileSync(taken, 'utf8')).toBe('not ours');
    expect(existsSync(taken)).toBe(true);
    expect(d.scratch).toBeUndefined();
    expect(d.held).toBe(held);
  });
});
