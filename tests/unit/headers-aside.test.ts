// The zip's local headers and descriptors compared on the digests' thread (digests-aside.ts, `expect`), against the
// bytes container.ts says they must hold: the same verdict as checkLocalHeader / checkDescriptor reading them here.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDescriptor, checkLocalHeader, descriptorBytes, descriptorLength, expectedStructure, localHeaderBytes, readDirectory, readExactly, type EntryLayout } from '../../src-main/core/bundles/container';
import { digestsAside } from '../../src-main/core/bundles/digests-aside';
import { headersFirst } from '../../src-main/core/bundles/verify';
import { writeZipFile } from '../../src-main/core/bundles/zip-writer';

const root = mkdtempSync(join(tmpdir(), 'lentera-headers-aside-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const passes = (f: () => void) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/** What the digests' thread answers for `expect` over `bytes` written as a file. */
async function unexpectedIn(bytes: Buffer, expect: { at: number[]; lengths: number[]; bytes: Buffer }): Promise<number> {
  const file = join(root, `f${++n}`);
  writeFileSync(file, bytes);
  const aside = digestsAside(file, [], bytes.length, { at: Float64Array.from(expect.at), lengths: Uint32Array.from(expect.lengths), bytes: expect.bytes });
  try {
    return (await aside.digests).unexpected;
  } finally {
    await aside.cancel();
  }
}

/** Stored and deflated entries, one copied from a file (its sizes in a data descriptor), as Lentera writes them. */
async function lenteraZip(name: string): Promise<string> {
  const file = join(root, name);
  const pdf = randomBytes(3000);
  writeFileSync(join(root, `${name}.pdf`), pdf);
  const out = openSync(file, 'w');
  try {
    await writeZipFile(
      out,
      [
        { path: 'a.json', data: Buffer.from('[\n{"id":"x"}\n]\n'), compress: true },
        { path: 'pdf/b.pdf', file: join(root, `${name}.pdf`), size: pdf.length, crc32: crc32(pdf), compress: false },
        { path: 'c.json', data: Buffer.from('{}'), compress: false },
      ],
      { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0) },
    );
  } finally {
    closeSync(out);
  }
  return file;
}

describe('local headers and descriptors compared where the file is read anyway', () => {
  it('the bytes a header or descriptor must hold are exactly the ones its check accepts: one changed bit refused by both', async () => {
    const file = await lenteraZip('z.zip');
    const fd = openSync(file, 'r');
    let entries: EntryLayout[];
    try {
      entries = readDirectory(fd, fstatSync(fd).size).entries;
      for (const e of entries) {
        const local = readExactly(fd, e.offset, 30 + e.nameBytes.length);
        expect(local.equals(localHeaderBytes(e))).toBe(true);
        expect(passes(() => checkLocalHeader(e, local))).toBe(true);
        if (descriptorLength(e)) {
          const d = readExactly(fd, e.end - descriptorLength(e), descriptorLength(e));
          expect(d.equals(descriptorBytes(e))).toBe(true);
          expect(passes(() => checkDescriptor(e, d))).toBe(true);
        }
      }
    } finally {
      closeSync(fd);
    }
    // Every single-bit change of every header and descriptor: the check refuses it, and it no longer equals.
    for (const e of entries) {
      const local = localHeaderBytes(e);
      for (let i = 0; i < local.length * 8; i++) {
        const c = Buffer.from(local);
        c[i >> 3]! ^= 1 << (i & 7);
        expect(passes(() => checkLocalHeader(e, c))).toBe(false);
      }
      const d = descriptorBytes(e);
      for (let i = 0; i < d.length * 8; i++) {
        const c = Buffer.from(d);
        c[i >> 3]! ^= 1 << (i & 7);
        expect(passes(() => checkDescriptor(e, c))).toBe(false);
      }
    }
    // Entries of every kind, ZIP64 ones too, give the same verdict both ways on any change.
    const zip64: EntryLayout = { ...entries[1]!, zip64: true, deferred: true, compressedSize: 2 ** 33 + 5, uncompressedSize: 2 ** 33 + 5, sizes32: [0xffffffff, 0xffffffff] };
    fc.assert(
      fc.property(fc.constantFrom(...entries, zip64), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (e, at, x, header) => {
        const good = header ? localHeaderBytes(e) : descriptorBytes(e);
        if (good.length === 0) return true;
        const c = Buffer.from(good);
        c[at % c.length]! ^= x;
        const check = header ? () => checkLocalHeader(e, c) : () => checkDescriptor(e, c);
        return passes(check) === c.equals(good) && !c.equals(good);
      }),
      { numRuns: 3000 },
    );
    expect(passes(() => checkDescriptor(zip64, descriptorBytes(zip64)))).toBe(true);
    expect(passes(() => checkLocalHeader(zip64, localHeaderBytes(zip64)))).toBe(true);
    // In file order, each header then its descriptor, and the entry each belongs to.
    const s = expectedStructure(entries);
    expect([...s.at]).toEqual(entries.flatMap((e) => (e.deferred ? [e.offset, e.end - descriptorLength(e)] : [e.offset])));
    expect([...s.lengths]).toEqual(entries.flatMap((e) => (e.deferred ? [30 + e.nameBytes.length, descriptorLength(e)] : [30 + e.nameBytes.length])));
    expect(s.bytes.equals(Buffer.concat(entries.flatMap((e) => [localHeaderBytes(e), descriptorBytes(e)])))).toBe(true);
    expect(s.bytes.length).toBe([...s.lengths].reduce((a, b) => a + b, 0));
  });

  it('what the thread found is named by reading the headers again; a file that then holds them changed meanwhile, and is refused', async () => {
    const file = await lenteraZip('again.zip');
    const refusal = (found: boolean) => {
      try {
        headersFirst(file, found);
        return 'none';
      } catch (e) {
        return `${(e as { code?: string }).code ?? 'thrown'}: ${(e as Error).message}`;
      }
    };
    // Nothing wrong: nothing to say before another failure; but the thread saw a header differ, so the file changed.
    expect(refusal(false)).toBe('none');
    expect(refusal(true)).toMatch(/^BUNDLE_CONTAINER: .*changed while it was verified/);
    // A local header spoiled (the stored PDF's method): its own message, whatever the thread said.
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from('pdf/b.pdf')) - 30;
    expect(bytes.readUInt32LE(at)).toBe(0x04034b50);
    bytes[at + 8]! ^= 8;
    writeFileSync(file, bytes);
    expect(refusal(false)).toMatch(/^BUNDLE_CONTAINER: .*the local header of pdf\/b\.pdf disagrees with the central directory/);
    expect(refusal(true)).toBe(refusal(false));
    // Gone before it could be read again: the failure found first stands, or, found by the thread, the reading's error.
    rmSync(file);
    expect(refusal(false)).toBe('none');
    expect(refusal(true)).toMatch(/ENOENT/);
  });

  it("the thread names the first range whose bytes differ, across its 4 MB reads, or that lies out of order or past the file's end", async () => {
    const BLOCK = 4 * 1024 * 1024;
    const bytes = randomBytes(2 * BLOCK + 5000);
    const ranges = [
      [7, 40],
      [BLOCK - 13, 30], // straddles the first read's end
      [BLOCK + 100, 0],
      [2 * BLOCK - 1, 2], // its last byte in the third read
      [2 * BLOCK + 4990, 10], // the file's last bytes
    ] as const;
    const expectOf = (rs: readonly (readonly [number, number])[], spoil?: { range: number; at: number }) => {
      const parts = rs.map(([at, len]) => Buffer.from(bytes.subarray(at, at + len)));
      if (spoil) parts[spoil.range]![spoil.at]! ^= 0x40;
      return { at: rs.map((r) => r[0]), lengths: rs.map((r) => r[1]), bytes: Buffer.concat(parts) };
    };
    expect(await unexpectedIn(bytes, expectOf(ranges))).toBe(-1);
    for (const [range, at] of [
      [0, 0],
      [1, 12],
      [1, 13],
      [1, 29],
      [3, 0],
      [3, 1],
      [4, 9],
    ] as const) {
      expect(await unexpectedIn(bytes, expectOf(ranges, { range, at }))).toBe(range);
    }
    // Two ranges spoiled: the first in file order is named.
    const two = expectOf(ranges, { range: 3, at: 1 });
    two.bytes[40 + 5]! ^= 1;
    expect(await unexpectedIn(bytes, two)).toBe(1);
    // Past the end (the file is shorter than its directory says), and behind the pass: never taken as holding.
    expect(await unexpectedIn(bytes, { ...expectOf(ranges), at: [7, BLOCK - 13, BLOCK + 100, 2 * BLOCK - 1, 2 * BLOCK + 4995] })).toBe(4);
    expect(await unexpectedIn(bytes, expectOf([[BLOCK + 10, 4], [BLOCK + 12, 4]]))).toBe(1);
    expect(await unexpectedIn(bytes, expectOf([[BLOCK + 10, 4], [100, 4]]))).toBe(1);
  }, 60_000);
});
