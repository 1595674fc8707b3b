import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { BundleRefused } from './refusal';

/** How Lentera writes a bundle's zip (yazl's layout): the only layout it reads back. */
const MADE_BY = (3 << 8) | 63;
const MODE_REGULAR = (0o100664 << 16) >>> 0;
const UTF8 = 1 << 11;
const DESCRIPTOR = 1 << 3;

export interface ContainerEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

/**
 * Where a bundle's bytes are read from: a file descriptor, or a reader that reads like one (a sealed file's
 * opening, core/custody/sealed-file.ts SealedFileReader, for a bundle an encrypted workstation keeps).
 */
export type Source = number | { read(buffer: Buffer, offset: number, length: number, position: number): number };

/** `length` bytes of the file from `at`; fewer mean the bundle was cut short. */
export function readExactly(fd: Source, at: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const got = typeof fd === 'number' ? readSync(fd, b, 0, length, at) : fd.read(b, 0, length, at);
  if (got !== length) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The bundle ends too early: it is truncated.');
  return b;
}

const bad = (what: string) => new BundleRefused('BUNDLE_CONTAINER', `The bundle's zip structure was altered: ${what}.`);

/** Where an entry lies and what its local header and data descriptor must say, from its central record. */
export interface EntryLayout extends ContainerEntry {
  nameBytes: Buffer;
  offset: number;
  flags: number;
  /** the DOS time and date words of the central record, which the local header repeats */
  time: number;
  date: number;
  zip64: boolean;
  deferred: boolean;
  /** first byte of the entry's (compressed) data, and the byte after its data descriptor */
  dataStart: number;
  end: number;
  /** the central record's 32-bit size fields as written (0xffffffff where ZIP64 holds the size): the local header repeats them */
  sizes32: [number, number];
}

export interface Directory {
  entries: EntryLayout[];
  mtime: number | null;
  comment: Buffer;
  cdOffset: number;
  /**
   * The first thing wrong in the central directory, at the index of its record (`entries.length` for what is
   * checked after the last record). The local headers of the records before it are checked first, as a reader
   * walking the records one by one would find them: that one's failure is the one named.
   */
  failure: { index: number; error: BundleRefused } | null;
}

/**
 * The end record and every central directory record: everything about the zip that does not need its local
 * headers. Throws for a damaged end record; a damaged central record is returned as `failure` (see there).
 */
export function readDirectory(fd: Source, size: number): Directory {
  if (size < 22) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The file is too short to be a bundle.');
  // The end record, followed by the comment (the seal) up to the last byte of the file.
  const tail = readExactly(fd, Math.max(0, size - 22 - 4096), Math.min(size, 22 + 4096));
  let commentLen = -1;
  for (let l = 0; l <= tail.length - 22; l++) {
    const at = tail.length - 22 - l;
    if (tail.readUInt32LE(at) === 0x06054b50 && tail.readUInt16LE(at + 20) === l) {
      commentLen = l;
      break;
    }
  }
  if (commentLen < 0) throw bad('no end record where it belongs');
  const eocdAt = size - 22 - commentLen;
  const eocd = readExactly(fd, eocdAt, 22);
  const comment = readExactly(fd, eocdAt + 22, commentLen);
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) throw bad('the end record names disks');
  let count = eocd.readUInt16LE(10);
  let cdSize = eocd.readUInt32LE(12);
  let cdOffset = eocd.readUInt32LE(16);
  let cdEnd = eocdAt;
  if (eocd.readUInt16LE(8) !== count) throw bad('the end record disagrees with itself');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
    const loc = readExactly(fd, eocdAt - 20, 20);
    if (loc.readUInt32LE(0) !== 0x07064b50) throw bad('no ZIP64 locator');
    const at = Number(loc.readBigUInt64LE(8));
    const z = readExactly(fd, at, 56);
    if (z.readUInt32LE(0) !== 0x06064b50 || Number(z.readBigUInt64LE(4)) !== 44 || at + 56 !== eocdAt - 20) throw bad('the ZIP64 end record is not where it belongs');
    if (z.readUInt16LE(12) !== MADE_BY || z.readUInt16LE(14) !== 45 || z.readUInt32LE(16) !== 0 || z.readUInt32LE(20) !== 0 || loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) throw bad('the ZIP64 end record holds unexpected values');
    count = Number(z.readBigUInt64LE(32));
    if (Number(z.readBigUInt64LE(24)) !== count) throw bad('the ZIP64 end record disagrees with itself');
    cdSize = Number(z.readBigUInt64LE(40));
    cdOffset = Number(z.readBigUInt64LE(48));
    cdEnd = at;
  }
  if (cdOffset + cdSize !== cdEnd) throw bad('the central directory does not end where the end record begins');
  const cd = readExactly(fd, cdOffset, cdSize);
  const entries: EntryLayout[] = [];
  let p = 0;
  let expectLocal = 0;
  let mtime: string | null = null;
  const directory = (failure: Directory['failure']): Directory => ({ entries, mtime: mtime === null ? null : Buffer.from(mtime, 'hex').readUInt32LE(1), comment, cdOffset, failure });
  for (let i = 0; i < count; i++) {
    const fail = (error: BundleRefused) => directory({ index: i, error });
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return fail(bad(`central record ${i + 1} is damaged`));
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const name = cd.subarray(p + 46, p + 46 + nameLen);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    if (cd.readUInt16LE(p + 4) !== MADE_BY || commentLen !== 0 || cd.readUInt16LE(p + 34) !== 0 || cd.readUInt16LE(p + 36) !== 0 || cd.readUInt32LE(p + 38) !== MODE_REGULAR) {
      return fail(bad(`central record of ${name.toString('utf8')} holds unexpected attributes`));
    }
    if ((flags & ~DESCRIPTOR) !== UTF8 || (method !== 0 && method !== 8)) return fail(bad(`central record of ${name.toString('utf8')} has unexpected flags or method`));
    let csize = cd.readUInt32LE(p + 20);
    let usize = cd.readUInt32LE(p + 24);
    let offset = cd.readUInt32LE(p + 42);
    // Extra fields: yazl's "UT" modification time, the same for every entry, and ZIP64 sizes when needed.
    let e = 0;
    let ut: string | null = null;
    let sawZip64 = false;
    while (e < extra.length) {
      if (e + 4 > extra.length) return fail(bad(`the extra field of ${name.toString('utf8')} is damaged`));
      const tag = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      const body = extra.subarray(e + 4, e + 4 + len);
      if (body.length !== len) return fail(bad(`the extra field of ${name.toString('utf8')} is damaged`));
      if (tag === 0x5455 && len === 5 && body[0] === 3 && ut === null) ut = body.toString('hex');
      else if (tag === 0x0001 && len === 24 && !sawZip64) {
        // As yazl writes it: all three 32-bit fields say 0xffffffff and the extra field holds them. A reader
        // (yauzl) takes a ZIP64 value only where the 32-bit field says 0xffffffff, so anything else would let the
        // hashed bytes differ from the bytes a reader extracts.
        if (csize !== 0xffffffff || usize !== 0xffffffff || offset !== 0xffffffff) return fail(bad(`${name.toString('utf8')} has ZIP64 sizes beside ordinary ones`));
        sawZip64 = true;
        usize = Number(body.readBigUInt64LE(0));
        csize = Number(body.readBigUInt64LE(8));
        offset = Number(body.readBigUInt64LE(16));
      } else return fail(bad(`${name.toString('utf8')} has an unexpected extra field`));
      e += 4 + len;
    }
    if (ut === null) return fail(bad(`${name.toString('utf8')} has no modification time field`));
    if (mtime !== null && ut !== mtime) return fail(bad(`${name.toString('utf8')} has another modification time than the other entries`));
    mtime = ut;
    const zip64 = cd.readUInt16LE(p + 6) === 45;
    if (cd.readUInt16LE(p + 6) !== 20 && !zip64) return fail(bad(`central record of ${name.toString('utf8')} needs an unexpected version`));
    if (zip64 !== sawZip64 || (!sawZip64 && (csize === 0xffffffff || usize === 0xffffffff || offset === 0xffffffff))) {
      return fail(bad(`${name.toString('utf8')} has ZIP64 sizes beside ordinary ones`));
    }
    if (offset !== expectLocal) return fail(bad(`${name.toString('utf8')} does not start right after the previous entry`));
    const deferred = (flags & DESCRIPTOR) !== 0;
    const dataStart = offset + 30 + nameLen;
    const end = dataStart + csize + (deferred ? (zip64 ? 24 : 16) : 0);
    expectLocal = end;
    entries.push({
      name: name.toString('utf8'),
      nameBytes: name,
      method,
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: csize,
      uncompressedSize: usize,
      offset,
      flags,
      time: cd.readUInt16LE(p + 12),
      date: cd.readUInt16LE(p + 14),
      zip64,
      deferred,
      dataStart,
      end,
      sizes32: [cd.readUInt32LE(p + 20), cd.readUInt32LE(p + 24)],
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== cd.length) return directory({ index: count, error: bad('the central directory has bytes after its last record') });
  if (expectLocal !== cdOffset) return directory({ index: count, error: bad('there are bytes between the last entry and the central directory') });
  return directory(null);
}

/** Checks an entry's local header (its first 30 + name length bytes) against its central record. */
export function checkLocalHeader(e: EntryLayout, local: Buffer): void {
  const name = e.nameBytes.toString('utf8');
  if (local.readUInt32LE(0) !== 0x04034b50) throw bad(`the local header of ${name} is missing`);
  if (local.readUInt16LE(4) !== 20 || local.readUInt16LE(6) !== e.flags || local.readUInt16LE(8) !== e.method || local.readUInt16LE(10) !== e.time || local.readUInt16LE(12) !== e.date) {
    throw bad(`the local header of ${name} disagrees with the central directory`);
  }
  // Sizes as the central record's 32-bit fields hold them (0xffffffff under ZIP64), or zeros before a descriptor.
  const expected = e.deferred ? [0, 0, 0] : [e.crc32, ...e.sizes32];
  const lc = [local.readUInt32LE(14), local.readUInt32LE(18), local.readUInt32LE(22)];
  if (lc.some((v, k) => v !== expected[k]) || local.readUInt16LE(26) !== e.nameBytes.length || local.readUInt16LE(28) !== 0 || !local.subarray(30).equals(e.nameBytes)) {
    throw bad(`the local header of ${name} disagrees with the central directory`);
  }
}

/** The data descriptor's length after an entry's data (0: none). */
export function descriptorLength(e: EntryLayout): number {
  return e.deferred ? (e.zip64 ? 24 : 16) : 0;
}

/** Checks an entry's data descriptor against its central record. */
export function checkDescriptor(e: EntryLayout, d: Buffer): void {
  const ok =
    d.readUInt32LE(0) === 0x08074b50 &&
    d.readUInt32LE(4) === e.crc32 &&
    (e.zip64 ? Number(d.readBigUInt64LE(8)) === e.compressedSize && Number(d.readBigUInt64LE(16)) === e.uncompressedSize : d.readUInt32LE(8) === e.compressedSize && d.readUInt32LE(12) === e.uncompressedSize);
  if (!ok) throw bad(`the data descriptor of ${e.nameBytes.toString('utf8')} disagrees with the central directory`);
}

/**
 * The only bytes `checkLocalHeader` accepts as `e`'s local header: it checks every field of it against a value,
 * so passing it is holding exactly these.
 */
export function localHeaderBytes(e: EntryLayout): Buffer {
  const h = Buffer.alloc(30 + e.nameBytes.length);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(e.flags, 6);
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(e.time, 10);
  h.writeUInt16LE(e.date, 12);
  if (!e.deferred) {
    h.writeUInt32LE(e.crc32, 14);
    h.writeUInt32LE(e.sizes32[0], 18);
    h.writeUInt32LE(e.sizes32[1], 22);
  }
  h.writeUInt16LE(e.nameBytes.length, 26);
  e.nameBytes.copy(h, 30);
  return h;
}

/** The only bytes `checkDescriptor` accepts as `e`'s data descriptor (`descriptorLength(e)` of them). */
export function descriptorBytes(e: EntryLayout): Buffer {
  const d = Buffer.alloc(descriptorLength(e));
  if (d.length === 0) return d;
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(e.crc32, 4);
  if (e.zip64) {
    d.writeBigUInt64LE(BigInt(e.compressedSize), 8);
    d.writeBigUInt64LE(BigInt(e.uncompressedSize), 16);
  } else {
    d.writeUInt32LE(e.compressedSize, 8);
    d.writeUInt32LE(e.uncompressedSize, 12);
  }
  return d;
}

/**
 * Every local header and data descriptor of `entries` as the bytes they must hold, in file order, for a thread
 * that reads the whole file anyway to compare (digests-aside.ts): 60,000 small reads here cost the verifying
 * thread 0.7 s. Which one differs is read again here (verify.ts `headersFirst`), for its message.
 */
export function expectedStructure(entries: readonly EntryLayout[]): ExpectedBytes {
  const parts: Buffer[] = [];
  const at: number[] = [];
  for (const e of entries) {
    parts.push(localHeaderBytes(e));
    at.push(e.offset);
    if (e.deferred) {
      parts.push(descriptorBytes(e));
      at.push(e.end - descriptorLength(e));
    }
  }
  return { at: Float64Array.from(at), lengths: Uint32Array.from(parts, (p) => p.length), bytes: Buffer.concat(parts) };
}

/**
 * Byte ranges of a file (`at`, `lengths`, in file order, none overlapping: one out of order is taken as not holding)
 * and what they must hold, one after another in `bytes`.
 */
export interface ExpectedBytes {
  at: Float64Array;
  lengths: Uint32Array;
  bytes: Buffer;
}

/** The local headers and descriptors of entries `from` to `count` − 1, read one by one (small reads). */
export function checkLocalHeaders(fd: Source, entries: EntryLayout[], count: number, from = 0): void {
  for (let i = from; i < count; i++) {
    const e = entries[i]!;
    checkLocalHeader(e, readExactly(fd, e.offset, 30 + e.nameBytes.length));
    const dl = descriptorLength(e);
    if (dl) checkDescriptor(e, readExactly(fd, e.end - dl, dl));
  }
}

/**
 * Checks every byte of the zip that the manifest's hashes do not cover: the end record, every central directory
 * record and local header (the two copies must agree and hold exactly what Lentera writes), the data
 * descriptors, and that entries follow each other with no bytes in between or after. Together with the
 * entries' sha256 and CRC, a change to any byte of the file is refused. (verify.ts walks them with `readDirectory`
 * and scan.ts, and takes the digests on other threads.)
 */
export function checkContainer(file: string): { entries: ContainerEntry[]; mtime: number | null; comment: Buffer } {
  const fd = openSync(file, 'r');
  try {
    const dir = readDirectory(fd, fstatSync(fd).size);
    checkLocalHeaders(fd, dir.entries, dir.failure?.index ?? dir.entries.length);
    if (dir.failure) throw dir.failure.error;
    return { entries: dir.entries.map((e) => ({ name: e.name, method: e.method, crc32: e.crc32, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize })), mtime: dir.mtime, comment: dir.comment };
  } finally {
    closeSync(fd);
  }
}

/**
 * One entry's bytes, read where the central directory places it (its local header checked first), inflated within
 * `limit` when deflated, and refused unless its CRC and size are the directory's. For bundles already verified
 * (the hub's kept copies): a few entries picked out of tens of thousands without a reader's round trip per entry.
 */
export function readEntryAt(fd: Source, e: EntryLayout, limit: number): Buffer {
  const name = e.nameBytes.toString('utf8');
  if (e.uncompressedSize > limit) throw new BundleRefused('BUNDLE_ENTRY_TOO_LARGE', `${name} declares ${e.uncompressedSize} bytes; the limit is ${limit}.`, { entry: name });
  checkLocalHeader(e, readExactly(fd, e.offset, 30 + e.nameBytes.length));
  const raw = readExactly(fd, e.dataStart, e.compressedSize);
  let data: Buffer;
  try {
    // No more than it declares (one byte over tells a lie): memory stays within `limit` whatever the bytes say.
    // In one output buffer (no chunks to join: a copy of every byte saved), never larger than deflate can make of
    // these compressed bytes (at most 1032 to 1): a header's lie allocates no more than inflating it would.
    data = e.method === 8 ? inflateRawSync(raw, { maxOutputLength: e.uncompressedSize + 1, chunkSize: Math.max(64, Math.min(e.uncompressedSize + 1, raw.length * 1032 + 1024)) }) : raw;
  } catch (err) {
    throw new BundleRefused('BUNDLE_DAMAGED', `${name} cannot be read: ${(err as Error).message}.`, { entry: name });
  }
  if (data.length !== e.uncompressedSize || crc32(data) !== e.crc32) throw new BundleRefused('BUNDLE_DAMAGED', `${name} is not the bytes its CRC names.`, { entry: name });
  return data;
}

/**
 * One entry of `file` handed to `take` a piece at a time as it is inflated, with `readEntryAt`'s checks (its local
 * header, no byte past the size it declares, its CRC), for an entry too large to hold whole; gives the sha256 of its
 * bytes. Null, with what is left unread, once `take` answers false.
 */
export async function streamEntryAt(file: string, e: EntryLayout, take: (chunk: Buffer) => boolean): Promise<string | null> {
  const name = e.nameBytes.toString('utf8');
  const damaged = (what: string) => new BundleRefused('BUNDLE_DAMAGED', `${name} ${what}.`, { entry: name });
  const fd = openSync(file, 'r');
  try {
    checkLocalHeader(e, readExactly(fd, e.offset, 30 + e.nameBytes.length));
  } finally {
    closeSync(fd);
  }
  const sha256 = createHash('sha256');
  let size = 0;
  let crc = 0;
  let stopped = false;
  // An empty stored entry has no bytes to read (a stream from start to start - 1 is refused).
  const raw = e.compressedSize === 0 ? null : createReadStream(file, { start: e.dataStart, end: e.dataStart + e.compressedSize - 1, highWaterMark: 1 << 20 });
  const each = async (source: AsyncIterable<Buffer> | Iterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > e.uncompressedSize) throw damaged('inflates past the size it declares');
      crc = crc32(chunk, crc);
      sha256.update(chunk);
      if (!take(chunk)) {
        stopped = true;
        return;
      }
    }
  };
  try {
    if (raw === null) await each([]);
    else if (e.method === 8) await pipeline(raw, createInflateRaw({ chunkSize: 1 << 18 }), each);
    else await pipeline(raw, each);
  } catch (err) {
    if (stopped) return null;
    throw err instanceof BundleRefused ? err : damaged(`cannot be read: ${(err as Error).message}`);
  } finally {
    raw?.destroy();
  }
  if (stopped) return null;
  if (size !== e.uncompressedSize || crc !== e.crc32) throw damaged('is not the bytes its CRC names');
  return sha256.digest('hex');
}
