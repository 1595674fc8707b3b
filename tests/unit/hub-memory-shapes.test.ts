/**
 * What the hub keeps per candidate while it writes a site (issue 18's memory): hashes in hex as flat strings, and
 * facts' equal values as one fraction. Each is checked for its values against the plain form, and for what it holds
 * in a child process that can collect garbage on request.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factsFromJson, type FactsJson } from '../../src-main/core/bundles/facts';
import { ExamLeaves } from '../../src-main/core/ledger/exam-leaves';
import { toHex } from '../../src-main/core/ledger/merkle';
import { groupFile, groupsDir, loadGroupFiles, loadGroupStats, PlacedFiles, recordSiteStats, saveGroupFiles } from '../../src-main/core/publish/site-state';
import { statOf } from '../../src-main/core/util/file-stat';
import { Fraction, fractionOf, toExactString } from '../../src-main/core/scoring/exact';

/** Heap bytes held per item by `make(i)` for 50,000 items, measured in a child with --expose-gc. */
function heldPerItem(make: string, imports: string): number {
  const script = `${imports}
const gc = globalThis.gc; gc(); gc();
const before = process.memoryUsage().heapUsed;
const kept = []; for (let i = 0; i < 50000; i++) kept.push(${make});
gc(); gc();
process.stdout.write(String((process.memoryUsage().heapUsed - before) / kept.length));`;
  return Number(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: resolve('.'), encoding: 'utf8' }));
}

describe('toHex', () => {
  it('gives the lowercase hex Node gives, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 2000 },
    );
    const big = new Uint8Array(randomBytes(1 << 16));
    expect(toHex(big)).toBe(Buffer.from(big).toString('hex'));
    expect(toHex(big.subarray(7, 39))).toBe(Buffer.from(big.subarray(7, 39)).toString('hex'));
  });

  it('holds a 32-byte hash in about 88 bytes, not the ~870 of a rope of two-digit pieces', () => {
    const held = heldPerItem(`toHex(crypto.getRandomValues(new Uint8Array(32)))`, `import { toHex } from './src-main/core/ledger/merkle.ts';`);
    expect(held).toBeGreaterThan(60);
    expect(held).toBeLessThan(200);
    // The measure can tell: a rope of two-digit pieces, as @noble/hashes' bytesToHex makes, is caught by it.
    const rope = heldPerItem(`bytesToHex(crypto.getRandomValues(new Uint8Array(32)))`, `import { bytesToHex } from '@noble/hashes/utils.js';`);
    expect(rope).toBeGreaterThan(400);
  });
});

const facts = (skd: Record<string, string>, skb: Record<string, string>): FactsJson => ({ nomorPeserta: '1', kodeFormasi: 'F01', kategori: 'umum', ipk: null, ageOrder: 'u0000001', skd, skb });

describe('facts read with shared fractions', () => {
  it('give the same values as facts read alone, one object per text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('missing', 'absent', null)), { minLength: 1, maxLength: 30 }), (values) => {
        const shared = new Map<string, Fraction>();
        const texts = values.map(([n, d, word]) => word ?? `${n}/${d}`);
        const j = facts({ twk: `${values[0]![0]}` }, Object.fromEntries(texts.map((t, i) => [`S${i}`, t])));
        const alone = factsFromJson(j);
        const withShared = factsFromJson(j, shared);
        const twice = factsFromJson(j, shared);
        const skb = (c: typeof alone) => Object.values(c.skb as Record<string, Fraction | string>).map((v) => (v instanceof Fraction ? toExactString(v) : v));
        expect(skb(withShared)).toEqual(skb(alone));
        expect(toExactString((withShared.skd as Record<string, Fraction>).twk!)).toBe(toExactString((alone.skd as Record<string, Fraction>).twk!));
        for (const [k, v] of Object.entries(withShared.skb as Record<string, Fraction | string>)) expect((twice.skb as Record<string, unknown>)[k]).toBe(v);
      }),
    );
    // Equal values written differently stay apart (their text is what is shared), and stay equal in value.
    const shared = new Map<string, Fraction>();
    expect(fractionOf('2/4', shared)).not.toBe(fractionOf('1/2', shared));
    expect(fractionOf('2/4', shared).compare(fractionOf('1/2', shared))).toBe(0);
    expect(fractionOf('7', shared)).toBe(fractionOf('7', shared));
    expect(fractionOf('7')).not.toBe(fractionOf('7'));
  });

  it('holds a candidate of repeated scores in far less than one read alone', () => {
    const imports = `import { factsFromJson } from './src-main/core/bundles/facts.ts'; const shared = new Map();
const j = (i) => ({ nomorPeserta: String(i), kodeFormasi: 'F01', kategori: 'umum', ipk: null, ageOrder: 'u0000001', skd: { twk: String(i % 150), tiu: String(i % 170), tkp: String(i % 160) }, skb: { A: String(i % 90), B: '87/2' } });`;
    const alone = heldPerItem(`factsFromJson(j(i))`, imports);
    const withShared = heldPerItem(`factsFromJson(j(i), shared)`, imports);
    expect(alone - withShared).toBeGreaterThan(300);
  });
});

/** Heap bytes a leaf adds, 50,000 of them held as `hold` holds them (their numbers and digests made beforehand). */
function heldPerLeaf(hold: string): number {
  const script = `import { ExamLeaves } from './src-main/core/ledger/exam-leaves.ts';
import { toHex } from './src-main/core/ledger/merkle.ts';
const n = 50000;
const nomors = Array.from({ length: n }, (_, i) => String(263374000000 + i));
const digests = nomors.map(() => toHex(crypto.getRandomValues(new Uint8Array(32))));
const hashes = nomors.map(() => crypto.getRandomValues(new Uint8Array(32)));
const gc = globalThis.gc; gc(); gc();
const before = process.memoryUsage().heapUsed;
const held = (() => { ${hold} })();
gc(); gc();
process.stdout.write(String((process.memoryUsage().heapUsed - before) / n));
if (!held) throw new Error('nothing held');`;
  return Number(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: resolve('.'), encoding: 'utf8' }));
}

describe("an exam's leaves for its pages (ledger/exam-leaves.ts)", () => {
  it('give back every leaf as given, the later of a number given twice in its first place', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ minLength: 1, maxLength: 64 })), { maxLength: 1200 }), (given) => {
        const leaves = new ExamLeaves();
        const model = new Map<string, { index: number; leafHash: string; digest: string }>();
        for (const [n, index, hash, digest] of given) {
          leaves.set(`N${n}`, index, hash, digest);
          model.set(`N${n}`, { index, leafHash: Buffer.from(hash).toString('hex'), digest });
        }
        expect(leaves.size).toBe(model.size);
        expect([...leaves.entries()]).toEqual([...model.entries()]);
        for (let n = 0; n <= 41; n++) expect(leaves.get(`N${n}`)).toEqual(model.get(`N${n}`));
      }),
    );
    expect(() => new ExamLeaves().set('N1', 0, new Uint8Array(31), 'd')).toThrow(/31 bytes, not 32/);
  });

  it('hold a leaf in far less than an object with its hash as text, in a record by number', () => {
    const compact = heldPerLeaf(`const l = new ExamLeaves(); for (let i = 0; i < n; i++) l.set(nomors[i], i, hashes[i], digests[i]); return l;`);
    const record = heldPerLeaf(`const r = {}; for (let i = 0; i < n; i++) r[nomors[i]] = { index: i, leafHash: toHex(hashes[i]), digest: digests[i] }; return r;`);
    // measured: about 60 bytes of heap (and 32 of a shared buffer beside it) against 190
    expect(compact).toBeLessThan(100);
    expect(record - compact).toBeGreaterThan(80);
  });
});

describe("a site group's files and their stats, written a piece at a time (site-state.ts)", () => {
  it('are held as placed (PlacedFiles): every path, size and hash given back, the first of a path found', () => {
    const placed = new PlacedFiles();
    const files = Array.from({ length: 5000 }, (_, i) => ({ rel: `f/${i % 4999}`, s: i, h: createHash('sha256').update(String(i)).digest('hex') }));
    for (const f of files) placed.push(f.rel, f.s, f.h);
    expect(placed.length).toBe(5000);
    expect([...placed]).toEqual(files);
    expect(placed.hashOf('f/0')).toBe(files[0]!.h);
    expect(placed.hashOf('f/4998')).toBe(files[4998]!.h);
    expect(placed.hashOf('f/5000')).toBeUndefined();
    expect(() => placed.push('g', 1, 'ABC')).toThrow(/sha256 in lowercase hex/);
    expect(placed.length).toBe(5000);
  });

  it('are the bytes JSON.stringify gave, and read back as written, across many pieces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-group-'));
    try {
      const state = join(dir, 'site-state.json');
      const site = join(dir, 'site');
      mkdirSync(site);
      const files = Array.from({ length: 30_000 }, (_, i) => ({ rel: `ujian/X/peserta/${String(i).padStart(12, '0')}${i % 7 === 0 ? '"é' : ''}.html`, s: i * 13, h: createHash('sha256').update(String(i)).digest('hex') }));
      mkdirSync(join(site, 'ujian', 'X', 'peserta'), { recursive: true });
      for (const f of files.slice(0, 50)) writeFileSync(join(site, ...f.rel.split('/')), 'x');
      for (const list of [files, files.slice(0, 1), []]) {
        saveGroupFiles(state, 'ujian/X', 'k"1', list);
        const written = readFileSync(groupFile(state, 'ujian/X', 'k"1'), 'utf8');
        expect(written).toBe(JSON.stringify({ format: 'lentera.site-group/1', name: 'ujian/X', key: 'k"1', files: list.map((f) => [f.rel, f.s, f.h]) }));
        expect(loadGroupFiles(state, 'ujian/X', 'k"1', list.length)).toEqual(list);
      }
      saveGroupFiles(state, 'ujian/X', 'k"1', files);
      const group = { 'ujian/X': { key: 'k"1', count: files.length } };
      recordSiteStats(state, site, group, new Map([['ujian/X', files.map((f) => f.rel)]]), []);
      const stats = loadGroupStats(state, 'ujian/X', 'k"1', files.length)!;
      expect(stats).toHaveLength(files.length);
      // each placed file's inode and change time, in the order of its paths; none for a file not there
      expect(stats.slice(0, 50)).toEqual(files.slice(0, 50).map((f) => statOf(join(site, ...f.rel.split('/')))));
      expect(stats.slice(0, 50).every((s) => Array.isArray(s) && s.length === 2)).toBe(true);
      expect(stats.slice(50).every((s) => s === null)).toBe(true);
      // A group the writer gives no paths for, or paths of another count than its state's, records nothing.
      const statFile = readdirSync(groupsDir(state)).find((f) => f.endsWith('.stat.json'))!;
      rmSync(join(groupsDir(state), statFile));
      recordSiteStats(state, site, group, new Map(), []);
      recordSiteStats(state, site, group, new Map([['ujian/X', files.slice(1).map((f) => f.rel)]]), []);
      expect(existsSync(join(groupsDir(state), statFile))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
