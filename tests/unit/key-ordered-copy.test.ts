import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyOrderedCopy } from '../../src-main/core/bundles/key-ordered-copy';
import { keepInKeyOrder, keptRecords, readRecords, type Records } from '../../src-main/core/bundles/merge';

/**
 * Issue 18 (memory flat in the bundle): the read-ahead makes a deferred data file's copy in key order from its bytes a
 * piece at a time, in runs merged at the end, instead of from the file inflated whole (the score entries: 120 MB at
 * 100,000 candidates, the hub's peak). The copy must be byte for byte the one made from the whole file, whatever
 * the runs and the pieces, or nothing (the file is then read whole, as before).
 */
const dir = mkdtempSync(join(tmpdir(), 'lentera-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PATH = 'data/score-entries.json';
let n = 0;

/** The copy as made from the whole file (merge.ts keepInKeyOrder), or null where the whole file is not read so. */
function fromWhole(data: Buffer): Buffer | null {
  const into: Records = { items: [], deferred: [] };
  let spans;
  try {
    spans = readRecords(PATH, data, {}, into);
  } catch {
    return null;
  }
  if (!spans) return null;
  const file = join(dir, `whole-${n++}`);
  keepInKeyOrder(data, into.deferred[0]!, spans, file);
  const bytes = readFileSync(file);
  rmSync(file);
  return bytes;
}

/** The copy made a piece at a time: `cuts` split the file, `runBytes` bounds a run. */
function streamed(data: Buffer, cuts: number[], runBytes: number, mergeBlock: number): { bytes: Buffer | null; count: number } {
  const file = join(dir, `streamed-${n++}`);
  const copy = new KeyOrderedCopy(PATH, 'score_entry', file, runBytes, mergeBlock);
  let at = 0;
  let going = true;
  for (const c of [...cuts.map((x) => x % (data.length + 1)).sort((a, b) => a - b), data.length]) {
    if (!going) break;
    going = copy.push(data.subarray(at, Math.max(at, c)));
    at = Math.max(at, c);
  }
  const kept = going ? copy.end() : (copy.abandon(), null);
  // Nothing is left beside the copy: no run, and no copy when there is none.
  expect(readdirSync(dir).filter((f) => f.startsWith(`streamed-`))).toEqual(kept ? [file.slice(dir.length + 1)] : []);
  if (!kept) return { bytes: null, count: 0 };
  expect(kept.scratch!.bytes).toBe(readFileSync(file).length);
  const bytes = readFileSync(file);
  rmSync(file);
  return { bytes, count: kept.count };
}

const key = fc.oneof(fc.constantFrom('a', 'b', 'é', '≥', 'x"y', 'k\nl', '\ud800', 'z'), fc.string({ minLength: 1, maxLength: 6 }));
const record = fc.record({ id: key, v: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant('ü'.repeat(30))) });
const lentera = (rows: unknown[]) => Buffer.from(rows.length === 0 ? '[\n]\n' : `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);

describe('a deferred file kept in key order a piece at a time (bundles/key-ordered-copy.ts)', () => {
  it('makes the copy the whole file makes, byte for byte, whatever the pieces and runs; or none where the whole file is not read so', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 40 }),
        // As a workstation writes its score entries (in key order), so; or one record out of its place
        fc.oneof(fc.constant(null), fc.constant('in key order'), fc.tuple(fc.nat(), fc.nat())),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom('drop', 'set', 'insert'), fc.constantFrom(0x0a, 0x2c, 0x5b, 0x5d, 0x20, 0x22, 0x80, 0xff))),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.integer({ min: 1, max: 300 }),
        (given, arranged, edit, cuts, runBytes, mergeBlock) => {
          const rows = arranged === null ? given : [...given].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          if (Array.isArray(arranged) && rows.length > 0) rows.splice(arranged[1] % rows.length, 0, ...rows.splice(arranged[0] % rows.length, 1));
          let data = lentera(rows);
          if (edit) {
            const [at, how, b] = edit;
            const i = at % data.length;
            if (how === 'drop') data = Buffer.concat([data.subarray(0, i), data.subarray(i + 1)]);
            else if (how === 'set') data = Buffer.from(data.map((x, k) => (k === i ? b : x)));
            else data = Buffer.concat([data.subarray(0, i), Buffer.from([b]), data.subarray(i)]);
          }
          const whole = fromWhole(data);
          const got = streamed(data, cuts, runBytes, mergeBlock);
          // A line larger than a run is read whole instead: only then may a file the whole reading keeps give none.
          const longest = Math.max(...data.toString('latin1').split('\n').map((l) => l.length + 1));
          if (longest < runBytes) expect(got.bytes === null ? null : got.bytes.toString('latin1')).toBe(whole === null ? null : whole.toString('latin1'));
          else if (got.bytes !== null) expect(got.bytes.equals(whole!)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps two records with one key in the order of the file across runs, and reads back through keptRecords', () => {
    // 3,000 records in runs of about 150: twenty runs merged; every key three times, each time with its place.
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `k${(i * 7919) % 1000}`, place: i }));
    const data = lentera(rows);
    const file = join(dir, 'dup.records');
    const copy = new KeyOrderedCopy(PATH, 'score_entry', file, 4096, 100);
    for (let at = 0; at < data.length; at += 1000) expect(copy.push(data.subarray(at, at + 1000))).toBe(true);
    const kept = copy.end()!;
    expect(kept.count).toBe(3000);
    const read = keptRecords(kept.scratch!, kept.count, () => new Error('refused'));
    const got = Array.from({ length: 3000 }, () => JSON.parse(read.next()[2]) as { id: string; place: number });
    read.done();
    read.close();
    const want = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.place - b.place));
    expect(got).toEqual(want);
    expect(readFileSync(file).equals(fromWhole(data)!)).toBe(true);
    rmSync(file);
  });

  it('writes records that come in key order straight into the copy, no run beside it; from the first run that does not, in runs merged', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `k${String(i).padStart(5, '0')}`, place: i }));
    const runsNow = () => readdirSync(dir).filter((f) => f.startsWith('ordered.records.run')).length;
    for (const [what, arranged] of [
      ['in key order', rows],
      // one record of the first runs' keys late in the file: runs from there on
      ['one late', [...rows.slice(0, 1500), ...rows.slice(1501, 2500), rows[1500]!, ...rows.slice(2500)]],
    ] as const) {
      const data = lentera([...arranged]);
      const file = join(dir, 'ordered.records');
      const copy = new KeyOrderedCopy(PATH, 'score_entry', file, 4096, 100);
      let most = 0;
      for (let at = 0; at < data.length; at += 1000) {
        expect(copy.push(data.subarray(at, at + 1000))).toBe(true);
        most = Math.max(most, runsNow());
      }
      const kept = copy.end()!;
      expect([what, kept.count, most > 0, runsNow()]).toEqual([what, 3000, what === 'one late', 0]);
      expect(readFileSync(file).equals(fromWhole(data)!)).toBe(true);
      rmSync(file);
    }
    // Abandoned while joining (20,000 bytes in), and in runs (60,000: the late record is at about 52,000): no copy, no run.
    for (const upTo of [20_000, 60_000]) {
      const data = lentera([...rows.slice(0, 1500), ...rows.slice(1501, 1800), rows[1500]!, ...rows.slice(1800)]);
      expect(data.indexOf('"k01500"')).toBeGreaterThan(40_000);
      expect(data.indexOf('"k01500"')).toBeLessThan(56_000);
      const copy = new KeyOrderedCopy(PATH, 'score_entry', join(dir, 'ordered.records'), 4096, 100);
      for (let at = 0; at < upTo; at += 1000) expect(copy.push(data.subarray(at, at + 1000))).toBe(true);
      expect([upTo, readdirSync(dir).filter((f) => f.startsWith('ordered.records.run')).length > 0]).toEqual([upTo, upTo > 50_000]);
      copy.abandon();
      expect([upTo, readdirSync(dir).filter((f) => f.startsWith('ordered.records'))]).toEqual([upTo, []]);
    }
  });

  it('gives none and leaves no file for what is not read so: a record without its key, a line larger than a run, bytes after the end', () => {
    const cases: [string, Buffer, number][] = [
      ['no key', Buffer.from('[\n{"id":"a"},\n{"v":1}\n]\n'), 4096],
      ['not JSON', Buffer.from('[\n{"id":"a"},\n{"id":\n]\n'), 4096],
      ['a line larger than a run', lentera([{ id: 'a' }, { id: 'b', v: 'x'.repeat(5000) }]), 4096],
      ['a line after the end', Buffer.from('[\n{"id":"a"}\n]\n\n'), 4096],
      ['bytes after the end', Buffer.from('[\n{"id":"a"}\n]\nx'), 4096],
      ['no end', Buffer.from('[\n{"id":"a"},\n{"id":"b"}\n'), 4096],
      ['no records', Buffer.from('[\n]\n'), 4096],
      ['another layout', Buffer.from(JSON.stringify([{ id: 'a' }])), 4096],
    ];
    for (const [what, data, runBytes] of cases) {
      const file = join(dir, `bad-${n++}`);
      const copy = new KeyOrderedCopy(PATH, 'score_entry', file, runBytes);
      // Past one run: runs are written before what is wrong is read.
      const pre = lentera(Array.from({ length: 200 }, (_, i) => ({ id: `p${i}` }))).subarray(0, -3);
      const body = what === 'another layout' ? data : Buffer.concat([pre, Buffer.from(',\n'), data.subarray(2)]);
      let going = true;
      for (let at = 0; at < body.length && going; at += 512) going = copy.push(body.subarray(at, at + 512));
      const kept = going ? copy.end() : null;
      if (!going) copy.abandon();
      expect([what, kept]).toEqual([what, null]);
      expect([what, readdirSync(dir).filter((f) => f.startsWith('bad-'))]).toEqual([what, []]);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('gives none, and throws nothing, when a run or the copy cannot be written: the file is then read whole', () => {
    const data = lentera(Array.from({ length: 300 }, (_, i) => ({ id: `r${(i * 37) % 300}` })));
    const nowhere = join(dir, 'no-such-folder', 'x.records');
    // in runs (the first written while the file is read), and in one (written at its end)
    for (const runBytes of [1024, 1 << 20]) {
      const copy = new KeyOrderedCopy(PATH, 'score_entry', nowhere, runBytes);
      let going = true;
      for (let at = 0; at < data.length && going; at += 256) going = copy.push(data.subarray(at, at + 256));
      expect([runBytes, going ? copy.end() : null]).toEqual([runBytes, null]);
      expect(going).toBe(runBytes === 1 << 20);
    }
    // A copy that is already there is not written over.
    const taken = join(dir, 'taken.records');
    writeFileSync(taken, 'x');
    const copy = new KeyOrderedCopy(PATH, 'score_entry', taken);
    expect(copy.push(data)).toBe(true);
    expect(copy.end()).toBeNull();
    expect(readFileSync(taken, 'utf8')).toBe('x');
    rmSync(taken);
  });
});
