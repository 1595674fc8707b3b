import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { HASHED_HERE_UP_TO } from '../../src-main/core/bundles/digests-aside';
import { openBundle, readEntry, verifyBundle, type VerifyOptions } from '../../src-main/core/bundles/verify';
import { generateIdentity } from '../../src-main/core/keys/identities';
import { verifyBundle as referenceVerify } from './verify-reference';

const PASS = 'rahasia-koordinator';
const root = mkdtempSync(join(tmpdir(), 'lentera-onepass-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let bundle: Buffer;
let small: Buffer;
let n = 0;

beforeAll(async () => {
  const app = new LenteraApp({ dataDir: join(root, 'ws'), allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 40 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  const db = app.workstation!.db;
  const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
  await generateIdentity(db, app.workstation!.dir, { id: coord, displayName: 'Koordinator', nip: null }, 'Pemerintah Kota Semarang', PASS, new Date().toISOString());
  // Stored entries (PDFs) of several sizes, one larger than a scan block, so entries straddle the pass's reads.
  const pdfDir = join(root, 'pdfs');
  mkdirSync(pdfDir);
  for (const [i, size] of [0, 1, 700, 70_000, 4 * 1024 * 1024 + 123, 5].entries()) {
    writeFileSync(join(pdfDir, `hasil-${i}.pdf`), Buffer.from(Array.from({ length: size }, (_, k) => (k * 31 + i) & 0xff)));
  }
  const exam = db.prepare('SELECT code FROM exams').pluck().get() as string;
  // The exam's records without the PDFs: a file of less than one block, whose digests this thread takes.
  const s = await app.invokeAsync('bundle.export', { exam, passphrase: PASS, account: 'koordinator' }, { local: 't' });
  if (!s.ok) throw new Error(s.error.message);
  small = readFileSync((s.value as { file: string }).file);
  const r = await app.invokeAsync('bundle.export', { exam, passphrase: PASS, account: 'koordinator', pdfDir }, { local: 't' });
  if (!r.ok) throw new Error(r.error.message);
  bundle = readFileSync((r.value as { file: string }).file);
  app.close();
}, 120_000);

type Outcome = { ok: true; sha256: string; checks: string[]; kept: [string, string][] } | { ok: false; code: string; message: string };

async function outcome(verify: typeof verifyBundle, file: string, opts: VerifyOptions): Promise<Outcome> {
  try {
    const r = await verify(file, opts);
    return { ok: true, sha256: r.sha256, checks: r.checks, kept: [...r.kept].map(([k, v]) => [k, v.toString('base64')]) };
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { ok: false, code: err.code ?? 'thrown', message: err.message };
  }
}

async function same(bytes: Buffer, opts: VerifyOptions = { keep: () => true }): Promise<Outcome> {
  const f = join(root, `b${++n}.lentera`);
  writeFileSync(f, bytes);
  const mine = await outcome(verifyBundle, f, opts);
  const theirs = await outcome(referenceVerify as typeof verifyBundle, f, opts);
  expect(mine).toEqual(theirs);
  rmSync(f);
  return mine;
}

describe('bundle verify: the structure walked here, the digests on other threads', () => {
  it('accepts the genuine bundle exactly as the verifier that read each entry on its own did, kept bytes included', async () => {
    const r = await same(bundle);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.kept.map(([k]) => k)).toContain('pdf/hasil-4.pdf');
  });

  /** Up to three bytes of `bytes` changed, `runs` times: each copy refused, with the reference's first failure and message. */
  const refusesChangedBytes = (bytes: Buffer, runs: number) =>
    fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), async (flips) => {
        const copy = Buffer.from(bytes);
        for (const [at, x] of flips) copy[at]! ^= x;
        const r = await same(copy);
        return !r.ok && r.code.startsWith('BUNDLE_');
      }),
      { numRuns: runs },
    );

  it('refuses every changed byte with the same first failure and message', async () => {
    await refusesChangedBytes(bundle, 200);
  }, 120_000);

  it('a bundle of less than one block, hashed on this thread: accepted, and every changed byte refused, as the reference does', async () => {
    expect(small.length).toBeLessThanOrEqual(HASHED_HERE_UP_TO);
    expect(bundle.length).toBeGreaterThan(HASHED_HERE_UP_TO);
    expect((await same(small)).ok).toBe(true);
    await refusesChangedBytes(small, 150);
  }, 120_000);

  it('the headers, the central directory and the seal: the same refusal for each byte', async () => {
    const cd = bundle.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const firstCd = bundle.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const local = [...Array(bundle.length).keys()].filter((i) => i < firstCd && bundle.readUInt32LE(Math.min(i, bundle.length - 4)) === 0x04034b50);
    const positions = [...local.flatMap((p) => [p, p + 6, p + 8, p + 14, p + 18, p + 26, p + 30]), firstCd + 10, cd + 20, cd + 42, bundle.length - 10, bundle.length - 300, bundle.length - 30];
    for (const at of positions) {
      const copy = Buffer.from(bundle);
      copy[at]! ^= 0x01;
      const r = await same(copy);
      expect(r.ok).toBe(false);
    }
  }, 120_000);

  it('a truncated file, and the same file cut anywhere: the same refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bundle.length - 1 }), async (len) => {
        const r = await same(bundle.subarray(0, len));
        return !r.ok;
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('with the checks that need the data folder: an unregistered signer is refused the same', async () => {
    const r = await same(bundle, { trusted: () => undefined });
    expect(r).toMatchObject({ ok: false, code: 'BUNDLE_SIGNER_UNKNOWN' });
  });
  it('a ZIP64 block beside ordinary 32-bit sizes is refused: a reader would take the 32-bit offset and extract other bytes than the ones hashed', async () => {
    // Give the first stored PDF's central record a ZIP64 extra field that repeats its true sizes and offset while
    // the 32-bit fields stay ordinary (yazl writes 0xffffffff there). yauzl ignores such a block, so a signer could
    // point the 32-bit offset at other bytes of the same size.
    const eocd = bundle.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdSize = bundle.readUInt32LE(eocd + 12);
    const cdOffset = bundle.readUInt32LE(eocd + 16);
    let p = cdOffset;
    while (p < cdOffset + cdSize) {
      const nameLen = bundle.readUInt16LE(p + 28);
      const extraLen = bundle.readUInt16LE(p + 30);
      const name = bundle.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      if (name.endsWith('.pdf') && bundle.readUInt16LE(p + 10) === 0) break;
      p += 46 + nameLen + extraLen;
    }
    expect(p).toBeLessThan(cdOffset + cdSize);
    const nameLen = bundle.readUInt16LE(p + 28);
    const extraLen = bundle.readUInt16LE(p + 30);
    const zip64 = Buffer.alloc(28);
    zip64.writeUInt16LE(0x0001, 0);
    zip64.writeUInt16LE(24, 2);
    zip64.writeBigUInt64LE(BigInt(bundle.readUInt32LE(p + 24)), 4);
    zip64.writeBigUInt64LE(BigInt(bundle.readUInt32LE(p + 20)), 12);
    zip64.writeBigUInt64LE(BigInt(bundle.readUInt32LE(p + 42)), 20);
    const recordEnd = p + 46 + nameLen + extraLen;
    const forged = Buffer.concat([bundle.subarray(0, recordEnd), zip64, bundle.subarray(recordEnd)]);
    forged.writeUInt16LE(extraLen + 28, p + 30);
    forged.writeUInt16LE(45, p + 6);
    forged.writeUInt32LE(cdSize + 28, eocd + 28 + 12);
    const f = join(root, 'zip64.lentera');
    writeFileSync(f, forged);
    const r = await outcome(verifyBundle, f, { keep: () => true });
    rmSync(f);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toMatch(/ZIP64 sizes beside ordinary ones/);
  });
});

describe("verification's memory (issue 18)", () => {
  it("keeps yauzl's entry only for what it reads through yauzl: the compressed entries, the manifest and its signature", async () => {
    const f = join(root, 'memory.lentera');
    writeFileSync(f, bundle);
    const b = await openBundle(f);
    try {
      const all = [...b.entries.values()];
      // The PDFs are stored: nearly every entry of a real bundle, and none of them keeps yauzl's entry.
      const pdfs = all.filter((e) => e.name.endsWith('.pdf'));
      expect(pdfs.length).toBe(6);
      for (const e of all) {
        const throughYauzl = e.name === 'manifest.json' || e.name === 'manifest.sig' || !e.name.endsWith('.pdf');
        expect([e.name, e.entry !== undefined]).toEqual([e.name, throughYauzl]);
      }
      expect(pdfs.map((e) => e.uncompressedSize).sort((x, y) => x - y)).toEqual([0, 1, 5, 700, 70_000, 4 * 1024 * 1024 + 123]);
      expect(pdfs.every((e) => e.compressedSize === e.uncompressedSize)).toBe(true);
      expect((await readEntry(b, 'manifest.json', 1 << 20)).length).toBe(b.entries.get('manifest.json')!.uncompressedSize);
    } finally {
      b.close();
    }
    // And it still verifies whole, every stored entry hashed from the directory's layout.
    expect((await verifyBundle(f)).checks.at(-1)).toMatch(/^hashes: all \d+ files match their sha256$/);
  });
});
