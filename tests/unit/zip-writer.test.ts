import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import yazl from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';
import { dosDateTime, writeZipFile, type ZipEntry } from '../../src-main/core/bundles/zip-writer';
import { readDirectory, readEntryAt, streamEntryAt } from '../../src-main/core/bundles/container';
import { isSealed, openSealed, SealedFileReader, writeMaybeSealed } from '../../src-main/core/custody/sealed-file';

const dir = mkdtempSync(join(tmpdir(), 'lentera-zip-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

type Spec = { kind: 'buffer' | 'file'; compress: boolean; data: Uint8Array };

/** The zip yazl 3.3 writes for these entries, as the export wrote it before (yazl's own streams). */
async function viaYazl(specs: Spec[], mtime: Date, comment: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  specs.forEach((s, i) => {
    const data = Buffer.from(s.data);
    if (s.kind === 'buffer') zip.addBuffer(data, `e/${i}.bin`, { mtime, compress: s.compress });
    else {
      const f = join(dir, `in-${n++}`);
      writeFileSync(f, data);
      zip.addFile(f, `e/${i}.bin`, { mtime, mode: 0o100664, compress: s.compress });
    }
  });
  zip.end({ comment, forceZip64Format: false });
  const out = join(dir, `yazl-${n++}.zip`);
  await pipeline(zip.outputStream, createWriteStream(out));
  return readFileSync(out);
}

async function viaWriter(specs: Spec[], mtime: Date, comment: string, threadFrom?: number): Promise<{ bytes: Buffer; digest: Buffer }> {
  const entries: ZipEntry[] = specs.map((s, i) => {
    const data = Buffer.from(s.data);
    if (s.kind === 'buffer') return { path: `e/${i}.bin`, data, compress: s.compress };
    const f = join(dir, `in-${n++}`);
    writeFileSync(f, data);
    return { path: `e/${i}.bin`, file: f, size: data.length, crc32: crc32(data), compress: s.compress };
  });
  const out = join(dir, `mine-${n++}.zip`);
  const fd = openSync(out, 'w');
  let digest: Buffer;
  try {
    digest = await writeZipFile(fd, entries, { mtime, mode: 0o100664, comment: Buffer.from(comment, 'latin1'), ...(threadFrom === undefined ? {} : { threadFrom }) });
  } finally {
    closeSync(fd);
  }
  return { bytes: readFileSync(out), digest };
}

describe('the bundle zip writer', () => {
  it('writes byte for byte what yazl writes, here or on its writing thread, and hashes every byte before the comment', async () => {
    const spec = fc.record({
      kind: fc.constantFrom<'buffer' | 'file'>('buffer', 'file'),
      compress: fc.boolean(),
      data: fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.string({ maxLength: 20_000 }).map((s) => new TextEncoder().encode(s.repeat(3)))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 12 }), fc.date({ min: new Date('1985-01-01T00:00:00Z'), max: new Date('2037-12-31T00:00:00Z'), noInvalidDate: true }), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^ -~]/g, 'x')), async (specs, mtime, comment) => {
        const want = await viaYazl(specs, mtime, comment);
        const signed = createHash('sha256').update(want.subarray(0, want.length - comment.length)).digest('hex');
        // On this thread (a small zip), and on the writing thread (made to take even a small one).
        for (const threadFrom of [undefined, 0]) {
          const got = await viaWriter(specs, mtime, comment, threadFrom);
          expect(got.bytes.equals(want)).toBe(true);
          expect(got.digest.toString('hex')).toBe(signed);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('has the DOS date and time yazl computes, clamped at both ends', () => {
    for (const d of [new Date(1970, 0, 1), new Date(1980, 0, 1), new Date(2026, 4, 17, 13, 45, 59), new Date(2200, 0, 1)]) {
      expect(dosDateTime(d)).toEqual((yazl as unknown as { dateToDosDateTime(d: Date): { date: number; time: number } }).dateToDosDateTime(d));
    }
  });

  it('refuses a file that changed after it was hashed for the manifest', async () => {
    const f = join(dir, 'changing.pdf');
    writeFileSync(f, Buffer.from('%PDF-1.7 one'));
    const size = 12;
    const crc = crc32(Buffer.from('%PDF-1.7 one'));
    writeFileSync(f, Buffer.from('%PDF-1.7 two'));
    const fd = openSync(join(dir, 'changed.zip'), 'w');
    try {
      for (const threadFrom of [undefined, 0]) {
        await expect(writeZipFile(fd, [{ path: 'pdf/a.pdf', file: f, size, crc32: crc, compress: false }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0), threadFrom })).rejects.toThrow(/changed while the bundle was being written/);
        await expect(writeZipFile(fd, [{ path: 'data/a.json', file: f, size, crc32: crc, compress: true }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0), threadFrom })).rejects.toThrow(/changed while the bundle was being written/);
      }
    } finally {
      closeSync(fd);
    }
  });
});

describe('the zip writer over many blocks', () => {
  it('writes what yazl writes and hashes it, through all its blocks, here and on the writing thread', async () => {
    // Over five 4 MB blocks: a stored file (random), a deflated one (compressible) and buffers between them.
    const random = new Uint8Array(13 << 20);
    for (let i = 0; i < random.length; i += 65536) random.set(randomBytes(Math.min(65536, random.length - i)), i);
    const text = new TextEncoder().encode('Nilai SKD 437; Nilai SKB 81,250. '.repeat(300_000));
    const specs: Spec[] = [
      { kind: 'buffer', compress: true, data: new TextEncoder().encode('{"manifest":1}') },
      { kind: 'file', compress: false, data: random },
      { kind: 'buffer', compress: false, data: random.subarray(0, 5 << 20) },
      { kind: 'file', compress: true, data: text },
    ];
    const mtime = new Date('2026-11-30T08:00:00Z');
    const want = await viaYazl(specs, mtime, 'SEAL');
    const signed = createHash('sha256').update(want.subarray(0, want.length - 4)).digest('hex');
    for (const threadFrom of [undefined, 0]) {
      const got = await viaWriter(specs, mtime, 'SEAL', threadFrom);
      expect(got.bytes.length).toBe(want.length);
      expect(got.bytes.equals(want)).toBe(true);
      expect(got.digest.toString('hex')).toBe(signed);
    }
  });

  it('rejects with the system error, without waiting forever, when the writing thread fails with every block out', async () => {
    const f = join(dir, 'big-read-only.zip');
    writeFileSync(f, '');
    const input = join(dir, 'big-input.pdf');
    const data = randomBytes(30 << 20);
    writeFileSync(input, data);
    const fd = openSync(f, 'r');
    try {
      await expect(writeZipFile(fd, [{ path: 'pdf/big.pdf', file: input, size: data.length, crc32: crc32(data), compress: false }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0), threadFrom: 0 })).rejects.toMatchObject({ code: 'EBADF' });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(f).length).toBe(0);
  });
});

describe('the zip writer when the file cannot be written', () => {
  it('rejects with the system error, here and on the writing thread', async () => {
    const f = join(dir, 'read-only.zip');
    writeFileSync(f, '');
    const fd = openSync(f, 'r');
    try {
      for (const threadFrom of [undefined, 0]) {
        await expect(writeZipFile(fd, [{ path: 'a.txt', data: Buffer.from('a'), compress: false }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0), threadFrom })).rejects.toMatchObject({ code: 'EBADF' });
      }
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(f).length).toBe(0);
  });
});

describe('reading one entry where the central directory places it (container.ts readEntryAt)', () => {
  const spec = fc.record({ kind: fc.constantFrom<'buffer' | 'file'>('buffer', 'file'), compress: fc.boolean(), data: fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.constant(new Uint8Array(5000).fill(7))) });
  const entriesOf = (bytes: Buffer) => {
    const f = join(dir, `read-${n++}.zip`);
    writeFileSync(f, bytes);
    const fd = openSync(f, 'r');
    return { fd, entries: readDirectory(fd, bytes.length).entries };
  };

  it('gives each entry\'s bytes, stored or deflated, as they were written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 5 }), async (specs) => {
        const { bytes } = await viaWriter(specs, new Date('2026-11-30T08:00:00Z'), '');
        const { fd, entries } = entriesOf(bytes);
        try {
          expect(entries.map((e) => readEntryAt(fd, e, 1 << 20))).toEqual(specs.map((s) => Buffer.from(s.data)));
        } finally {
          closeSync(fd);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an entry whose declared size is one byte more or one byte less than its bytes inflate to', async () => {
    const data = new Uint8Array(50_000).map((_, i) => (i * 7) % 251);
    const { bytes } = await viaWriter([{ kind: 'buffer', compress: true, data }], new Date('2026-11-30T08:00:00Z'), '');
    const { fd, entries } = entriesOf(bytes);
    try {
      const e = entries[0]!;
      expect(readEntryAt(fd, e, 1 << 20).equals(Buffer.from(data))).toBe(true);
      for (const lie of [-1, 1]) {
        expect(() => readEntryAt(fd, { ...e, uncompressedSize: e.uncompressedSize + lie }, 1 << 20)).toThrow(expect.objectContaining({ code: 'BUNDLE_DAMAGED' }));
      }
    } finally {
      closeSync(fd);
    }
  });

  it('streams each entry as readEntryAt reads it (streamEntryAt): the same bytes and their sha256, stopped when told, refused as it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 4 }), async (specs) => {
        const { bytes } = await viaWriter(specs, new Date('2026-11-30T08:00:00Z'), '');
        const { fd, entries } = entriesOf(bytes);
        const file = join(dir, `read-${n - 1}.zip`);
        try {
          for (const [i, e] of entries.entries()) {
            const pieces: Buffer[] = [];
            const sha = await streamEntryAt(file, e, (c) => pieces.push(Buffer.from(c)) > 0);
            expect(Buffer.concat(pieces).equals(Buffer.from(specs[i]!.data))).toBe(true);
            expect(sha).toBe(createHash('sha256').update(specs[i]!.data).digest('hex'));
          }
        } finally {
          closeSync(fd);
        }
      }),
      { numRuns: 40 },
    );
    // 600 kB deflated: several pieces. Stopped at the second: null, and no more pieces given.
    const data = new Uint8Array(600_000).map((_, i) => (i * 7) % 251);
    const { bytes } = await viaWriter([{ kind: 'buffer', compress: true, data }], new Date('2026-11-30T08:00:00Z'), '');
    const { fd, entries } = entriesOf(bytes);
    const file = join(dir, `read-${n - 1}.zip`);
    try {
      const e = entries[0]!;
      let pieces = 0;
      expect(await streamEntryAt(file, e, () => ++pieces < 2)).toBe(null);
      expect(pieces).toBe(2);
      // A size one byte more or less than its bytes inflate to: refused as damaged, naming the entry.
      for (const lie of [-1, 1]) {
        await expect(streamEntryAt(file, { ...e, uncompressedSize: e.uncompressedSize + lie }, () => true)).rejects.toMatchObject({ code: 'BUNDLE_DAMAGED', details: { entry: e.name } });
      }
      // A byte of its data changed, or its local header: refused, as readEntryAt refuses them.
      for (const [at, code] of [[e.dataStart + Math.floor(e.compressedSize / 2), 'BUNDLE_DAMAGED'], [e.offset + 10, 'BUNDLE_CONTAINER']] as const) {
        const changed = Buffer.from(bytes);
        changed[at] = changed[at]! ^ 0x10;
        const spoiled = join(dir, `spoiled-${n++}.zip`);
        writeFileSync(spoiled, changed);
        const readFd = openSync(spoiled, 'r');
        try {
          expect(() => readEntryAt(readFd, e, 1 << 20)).toThrow(expect.objectContaining({ code }));
        } finally {
          closeSync(readFd);
        }
        await expect(streamEntryAt(spoiled, e, () => true)).rejects.toMatchObject({ code });
      }
    } finally {
      closeSync(fd);
    }
  });

  it('allocates no more for a small entry that declares a huge size than its bytes could inflate to', async () => {
    // The attack: a few hundred compressed bytes whose header declares 1 GiB (under a 2 GiB limit). The output
    // buffer is sized from the declared size, capped at what deflate can make of the compressed bytes.
    const data = new Uint8Array(1000).map((_, i) => (i * 13) % 251);
    const { bytes } = await viaWriter([{ kind: 'buffer', compress: true, data }], new Date('2026-11-30T08:00:00Z'), '');
    const { fd, entries } = entriesOf(bytes);
    try {
      const e = entries[0]!;
      const before = process.memoryUsage().arrayBuffers;
      expect(() => readEntryAt(fd, { ...e, uncompressedSize: 1 << 30 }, 2 ** 31)).toThrow(expect.objectContaining({ code: 'BUNDLE_DAMAGED' }));
      // Measured before any collection could free it: an uncapped output buffer would show here as 1 GiB.
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    } finally {
      closeSync(fd);
    }
  });

  it('refuses a changed byte, a changed local header and an entry over the limit, naming the entry', async () => {
    const data = new Uint8Array(5000).fill(7);
    for (const compress of [false, true]) {
      const { bytes } = await viaWriter([{ kind: 'buffer', compress, data }], new Date('2026-11-30T08:00:00Z'), '');
      const probe = entriesOf(bytes);
      const e = probe.entries[0]!;
      closeSync(probe.fd);
      const bent = Buffer.from(bytes);
      bent[e.dataStart + 10]! ^= 1;
      const a = entriesOf(bent);
      try {
        expect(() => readEntryAt(a.fd, a.entries[0]!, 1 << 20)).toThrow(expect.objectContaining({ code: 'BUNDLE_DAMAGED', message: expect.stringContaining('e/0.bin') }));
        expect(() => readEntryAt(a.fd, a.entries[0]!, 4999)).toThrow(expect.objectContaining({ code: 'BUNDLE_ENTRY_TOO_LARGE' }));
      } finally {
        closeSync(a.fd);
      }
      const header = Buffer.from(bytes);
      header[e.offset + 30]! ^= 1; // the name in the local header
      const b = entriesOf(header);
      try {
        expect(() => readEntryAt(b.fd, b.entries[0]!, 1 << 20)).toThrow(expect.objectContaining({ code: 'BUNDLE_CONTAINER' }));
      } finally {
        closeSync(b.fd);
      }
    }
  });
});

describe('the zip writer on an encrypted workstation (sealed output, sealed inputs)', () => {
  const key = randomBytes(32);

  /** The same entries as `viaWriter`, each file input sealed or not, the output sealed; the comment made from the digest. */
  async function viaSealedWriter(specs: Spec[], sealedInputs: boolean[], mtime: Date, comment: string, threadFrom?: number): Promise<{ file: string; digest: Buffer; told: Buffer | null }> {
    const entries: ZipEntry[] = specs.map((s, i) => {
      const data = Buffer.from(s.data);
      if (s.kind === 'buffer') return { path: `e/${i}.bin`, data, compress: s.compress };
      const f = join(dir, `in-${n++}`);
      writeMaybeSealed(f, data, sealedInputs[i] ? key : undefined);
      return { path: `e/${i}.bin`, file: f, size: data.length, crc32: crc32(data), compress: s.compress, ...(sealedInputs[i] ? { sealedWith: key } : {}) };
    });
    const out = join(dir, `sealed-${n++}.zip`);
    const fd = openSync(out, 'w');
    let told: Buffer | null = null;
    let digest: Buffer;
    try {
      const placeholder = Buffer.from(comment, 'latin1');
      digest = await writeZipFile(fd, entries, {
        mtime,
        mode: 0o100664,
        comment: placeholder,
        ...(threadFrom === undefined ? {} : { threadFrom }),
        sealed: { key, comment: (d) => ((told = d), placeholder) },
      });
    } finally {
      closeSync(fd);
    }
    return { file: out, digest, told };
  }

  it('seals byte for byte the zip a plain workstation writes, here or on the writing thread; its inputs, sealed or not, read as their plaintext', async () => {
    const spec = fc.record({
      kind: fc.constantFrom<'buffer' | 'file'>('buffer', 'file'),
      compress: fc.boolean(),
      sealed: fc.boolean(),
      data: fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 65_000, maxLength: 140_000 }), fc.string({ maxLength: 20_000 }).map((s) => new TextEncoder().encode(s.repeat(3)))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^ -~]/g, 'x')), async (specs, comment) => {
        const mtime = new Date('2026-11-30T08:00:00Z');
        const want = await viaWriter(specs, mtime, comment);
        for (const threadFrom of [undefined, 0]) {
          const got = await viaSealedWriter(specs, specs.map((s) => s.sealed), mtime, comment, threadFrom);
          const stored = readFileSync(got.file);
          expect(isSealed(stored)).toBe(true);
          expect(openSealed(key, stored).equals(want.bytes)).toBe(true);
          expect(got.digest.equals(want.digest)).toBe(true);
          // The comment is made from the digest of every byte before it.
          expect(got.told?.equals(want.digest)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('seals a zip of many blocks (over the writing thread) to the plain zip, and the sealed file reads at any offset', async () => {
    const random = new Uint8Array(9 << 20);
    for (let i = 0; i < random.length; i += 65536) random.set(randomBytes(Math.min(65536, random.length - i)), i);
    const text = new TextEncoder().encode('Nilai SKD 437; Nilai SKB 81,250. '.repeat(200_000));
    const specs: Spec[] = [
      { kind: 'buffer', compress: true, data: new TextEncoder().encode('{"manifest":1}') },
      { kind: 'file', compress: false, data: random },
      { kind: 'file', compress: true, data: text },
    ];
    const mtime = new Date('2026-11-30T08:00:00Z');
    const want = await viaWriter(specs, mtime, 'SEAL');
    for (const threadFrom of [undefined, 0]) {
      const got = await viaSealedWriter(specs, [false, true, true], mtime, 'SEAL', threadFrom);
      const opened = openSealed(key, readFileSync(got.file));
      expect(opened.length).toBe(want.bytes.length);
      expect(opened.equals(want.bytes)).toBe(true);
      const reader = new SealedFileReader(got.file, key);
      try {
        expect(reader.size).toBe(want.bytes.length);
        for (const [at, len] of [[0, 10], [65_530, 20], [3 << 20, 1 << 20], [want.bytes.length - 7, 50]] as const) {
          const b = Buffer.alloc(len);
          const n2 = reader.read(b, 0, len, at);
          expect(b.subarray(0, n2).equals(want.bytes.subarray(at, at + len))).toBe(true);
        }
      } finally {
        reader.close();
      }
    }
  });

  it('refuses a sealed input changed on disk (its tag fails), or whose plaintext is not what was hashed', async () => {
    const data = Buffer.from('%PDF-1.7 '.repeat(10_000));
    const f = join(dir, 'sealed.pdf');
    writeMaybeSealed(f, data, key);
    const bent = readFileSync(f);
    bent[bent.length - 100]! ^= 1;
    writeFileSync(f, bent);
    const out = join(dir, 'sealed-out.zip');
    for (const compress of [false, true]) {
      const fd = openSync(out, 'w');
      try {
        await expect(writeZipFile(fd, [{ path: 'pdf/a.pdf', file: f, size: data.length, crc32: crc32(data), compress, sealedWith: key }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0), sealed: { key, comment: () => Buffer.alloc(0) } })).rejects.toMatchObject({ code: 'SEALED_FILE_DAMAGED' });
      } finally {
        closeSync(fd);
      }
    }
    writeMaybeSealed(f, Buffer.from('%PDF-1.7 other'), key);
    for (const compress of [false, true]) {
      const fd = openSync(out, 'w');
      try {
        await expect(writeZipFile(fd, [{ path: 'pdf/a.pdf', file: f, size: data.length, crc32: crc32(data), compress, sealedWith: key }], { mtime: new Date(), mode: 0o100664, comment: Buffer.alloc(0) })).rejects.toThrow(/changed while the bundle was being written/);
      } finally {
        closeSync(fd);
      }
    }
  });
});
