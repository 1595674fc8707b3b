import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import { SealedFileReader, SEGMENT, SegmentSealer } from '../custody/sealed-file';
import { postedSystemError, type PostedSystemError } from '../util/fs-errors';

/**
 * A bundle's zip, written byte for byte as yazl 3.3 writes it (the layout container.ts accepts; the property test
 * in tests/unit/zip-writer.test.ts compares the two). Written here because yazl was the export's bottleneck: it
 * CRCs every byte in JavaScript, scans all entries for each one it writes (quadratic in 60,000 PDFs) and passes
 * each file through five streams. Here the CRCs and sizes come from the pass that hashed the files for the
 * manifest, the files are copied in large blocks, and the bytes are hashed for the seal as they are written.
 */

/** yazl's addBuffer: sizes and CRC in the local header, no data descriptor. */
export interface BufferEntry {
  path: string;
  data: Buffer;
  compress: boolean;
}

/** yazl's addFile: zeros in the local header, the sizes and CRC in a data descriptor after the data. */
export interface FileEntry {
  path: string;
  file: string;
  size: number;
  /** the CRC of the file's bytes, as hashed for the manifest; the copy is checked against it */
  crc32: number;
  compress: boolean;
  /**
   * The file is sealed (core/custody/sealed-file.ts) with this key: its plaintext is what the zip carries, and what
   * `size` and `crc32` describe (an encrypted workstation's signed PDFs and the export's scratch records).
   */
  sealedWith?: Uint8Array;
}

export type ZipEntry = BufferEntry | FileEntry;

const MADE_BY = (3 << 8) | 63;
const UTF8 = 1 << 11;
const DESCRIPTOR = 1 << 3;
const BLOCK = 4 * 1024 * 1024;
/** yazl's default level, so that the compressed bytes are the same too */
const LEVEL = 6;

/** The MS-DOS date and time of `d` in local time, clamped, exactly as yazl computes them. */
export function dosDateTime(d: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const j = d < min ? min : d > max ? max : d;
  const date = (j.getDate() & 0x1f) | (((j.getMonth() + 1) & 0xf) << 5) | (((j.getFullYear() - 1980) & 0x7f) << 9);
  const time = Math.floor(j.getSeconds() / 2) | ((j.getMinutes() & 0x3f) << 5) | ((j.getHours() & 0x1f) << 11);
  return { date, time };
}

function u64(b: Buffer, n: number, at: number): void {
  b.writeUInt32LE(n % 0x100000000, at);
  b.writeUInt32LE(Math.floor(n / 0x100000000), at + 4);
}

function writeAll(fd: number, b: Buffer, at: number): void {
  for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done, at + done);
}

/** Where the zip's blocks are written, at their place in the file: on this thread for a small zip, on another for a large one (`ThreadSink`). */
interface Sink {
  /** an empty block to fill */
  take(): Buffer | Promise<Buffer>;
  /** hands over the first `n` bytes of `block` (from `take`), to be written at `at`: the block is the sink's again */
  put(block: Buffer, n: number, at: number): void;
  /** settles once every block handed over is written */
  end(): Promise<void>;
  /** stops: once this settles, nothing more is written */
  abort(): Promise<void>;
}

class DirectSink implements Sink {
  private readonly block = Buffer.allocUnsafe(BLOCK);

  constructor(private readonly fd: number) {}

  take(): Buffer {
    return this.block;
  }

  put(block: Buffer, n: number, at: number): void {
    writeAll(this.fd, block.subarray(0, n), at);
  }

  end(): Promise<void> {
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }
}

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let failed = null;
parentPort.on('message', (m) => {
  if (m.end) {
    parentPort.postMessage(failed ? { error: failed } : { ended: true });
    return;
  }
  if (failed === null) {
    try {
      const b = Buffer.from(m.buffer, 0, m.n);
      for (let done = 0; done < m.n; ) done += writeSync(workerData.fd, b, done, m.n - done, m.at + done);
    } catch (e) {
      failed = { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall };
    }
  }
  parentPort.postMessage({ buffer: m.buffer, error: failed }, [m.buffer]);
});
`;

/** Blocks in use at once (one being filled, the others written or waiting): at most this many times BLOCK. */
const BLOCKS = 4;

/**
 * Writes on another thread: a bundle is gigabytes of PDFs, and writing them (the kernel copying every byte into the
 * page cache) took this thread seconds after it had read them. Blocks travel to the thread and back (transferred,
 * not copied).
 */
class ThreadSink implements Sink {
  private readonly worker: Worker;
  private readonly free: ArrayBuffer[] = [];
  private made = 0;
  private waiting: ((b: ArrayBuffer) => void) | null = null;
  private failed: Error | null = null;
  private done: (() => void) | null = null;
  private readonly settled: Promise<void>;
  private rejectFailure: (e: Error) => void = () => {};
  /** rejects with the first failure: a take or an end waiting on the thread gives up at once */
  private readonly failure = new Promise<never>((_, reject) => (this.rejectFailure = reject));

  constructor(fd: number) {
    this.failure.catch(() => {});
    this.worker = new Worker(WRITER, { eval: true, workerData: { fd } });
    this.worker.on('message', (m: { buffer?: ArrayBuffer; error?: PostedSystemError | null; ended?: true }) => {
      if (m.error) this.fail(postedSystemError(m.error));
      if (m.ended) this.done?.();
      if (m.buffer) {
        const w = this.waiting;
        this.waiting = null;
        if (w) w(m.buffer);
        else this.free.push(m.buffer);
      }
    });
    this.worker.on('error', (e) => this.fail(new Error(`The bundle writing thread failed: ${e.message}`)));
    this.settled = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.fail(new Error('The bundle writing thread stopped before it was done.'));
        resolve();
      }),
    );
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    this.rejectFailure(e);
  }

  async take(): Promise<Buffer> {
    if (this.failed) throw this.failed;
    let b = this.free.pop();
    if (b === undefined && this.made < BLOCKS) {
      this.made++;
      b = new ArrayBuffer(BLOCK);
    }
    if (b === undefined) b = await Promise.race([new Promise<ArrayBuffer>((resolve) => (this.waiting = resolve)), this.failure]);
    return Buffer.from(b);
  }

  put(block: Buffer, n: number, at: number): void {
    if (this.failed) throw this.failed;
    this.worker.postMessage({ buffer: block.buffer, n, at }, [block.buffer as ArrayBuffer]);
  }

  async end(): Promise<void> {
    if (this.failed) throw this.failed;
    const ended = new Promise<void>((resolve) => (this.done = resolve));
    this.worker.postMessage({ end: true });
    try {
      await Promise.race([ended, this.failure]);
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    this.fail(new Error('The bundle writing thread was stopped.'));
    await this.worker.terminate();
    await this.settled;
  }
}

/**
 * The zip sealed on its way to the file (core/custody/sealed-file.ts): an encrypted workstation keeps no bundle in
 * the clear. The zip's blocks come here in file order and are sealed segment by segment on this thread; the sealed
 * bytes go to the sink below (on the writing thread for a large zip) at their place in the sealed file. The one
 * block of plaintext is lent back once what it held is sealed. `finish` seals the zip's last bytes (the comment,
 * which the seal does not sign) with the rest, and ends the file.
 */
class SealingSink implements Sink {
  private readonly sealer: SegmentSealer;
  private readonly plain = Buffer.allocUnsafe(BLOCK);
  /** bytes of `plain` handed over, not yet sealed */
  private queued = 0;
  private readonly segment = Buffer.allocUnsafe(SEGMENT);
  private held = 0;
  private started = false;
  /** the sink's block being filled with sealed bytes, and where it goes in the file */
  private block: Buffer | null = null;
  private used = 0;
  private at = 0;

  constructor(
    private readonly inner: Sink,
    key: Uint8Array,
  ) {
    this.sealer = new SegmentSealer(key);
  }

  async take(): Promise<Buffer> {
    await this.drain();
    return this.plain;
  }

  put(_block: Buffer, n: number): void {
    // The block is `plain`, lent by `take`; blocks come in file order (Out writes them so).
    this.queued = n;
  }

  private async drain(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.emit(this.sealer.header);
    }
    const n = this.queued;
    this.queued = 0;
    await this.add(this.plain.subarray(0, n));
  }

  /** Plaintext after what came before: a full segment is sealed once a byte after it is known (the last says it is last). */
  private async add(plain: Buffer): Promise<void> {
    for (let off = 0; off < plain.length; ) {
      if (this.held === SEGMENT) {
        await this.emit(this.sealer.segment(this.segment, false));
        this.held = 0;
      }
      const n = plain.copy(this.segment, this.held, off, Math.min(plain.length, off + SEGMENT - this.held));
      this.held += n;
      off += n;
    }
  }

  private async emit(bytes: Buffer): Promise<void> {
    for (let off = 0; off < bytes.length; ) {
      if (this.block === null) {
        this.block = await this.inner.take();
        this.used = 0;
      }
      const n = bytes.copy(this.block, this.used, off);
      this.used += n;
      off += n;
      if (this.used === this.block.length) this.hand();
    }
  }

  private hand(): void {
    if (this.block === null || this.used === 0) return;
    const block = this.block;
    this.block = null;
    this.inner.put(block, this.used, this.at);
    this.at += this.used;
    this.used = 0;
  }

  async finish(tail: Buffer): Promise<void> {
    await this.drain();
    await this.add(tail);
    await this.emit(this.sealer.segment(this.segment.subarray(0, this.held), true));
    this.held = 0;
    this.hand();
    await this.inner.end();
  }

  end(): Promise<void> {
    return this.finish(Buffer.alloc(0));
  }

  abort(): Promise<void> {
    return this.inner.abort();
  }
}

/**
 * Output in blocks of BLOCK bytes, each hashed here (the seal signs the sha256 of every byte before the comment) and
 * handed to the sink whole. The hash is taken on this thread: it waits on the writing thread anyway.
 */
class Out {
  position = 0;
  readonly hash = createHash('sha256');
  private block: Buffer | null = null;
  private used = 0;
  /** where the block being filled goes in the file */
  private at = 0;

  constructor(private readonly sink: Sink) {}

  async write(b: Buffer): Promise<void> {
    for (let off = 0; off < b.length; ) {
      const room = await this.reserve(Math.min(BLOCK, b.length - off));
      const n = b.copy(room, 0, off);
      this.commit(n);
      off += n;
    }
  }

  /** Room for `n` (≤ BLOCK) bytes, to be filled in place and then `commit`ted: a file's bytes are read straight into it. */
  async reserve(n: number): Promise<Buffer> {
    if (this.block === null || this.used + n > BLOCK) await this.next();
    return this.block!.subarray(this.used, this.used + n);
  }

  commit(n: number): void {
    this.used += n;
    this.position += n;
  }

  /** Hands the filled block over, if any, and takes an empty one. */
  private async next(): Promise<void> {
    this.flush();
    this.block = await this.sink.take();
  }

  /** Hands the filled block over, if any. */
  flush(): void {
    if (this.block === null || this.used === 0) return;
    const block = this.block;
    this.block = null;
    this.hash.update(block.subarray(0, this.used));
    this.sink.put(block, this.used, this.at);
    this.at += this.used;
    this.used = 0;
  }
}

interface Written {
  name: Buffer;
  method: number;
  descriptor: boolean;
  crc32: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const zip64 = (w: Written) => w.size > 0xfffffffe || w.compressedSize > 0xfffffffe || w.offset > 0xfffffffe;

function localHeader(w: Written, dos: { date: number; time: number }): Buffer {
  const h = Buffer.alloc(30 + w.name.length);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(UTF8 | (w.descriptor ? DESCRIPTOR : 0), 6);
  h.writeUInt16LE(w.method, 8);
  h.writeUInt16LE(dos.time, 10);
  h.writeUInt16LE(dos.date, 12);
  if (!w.descriptor) {
    h.writeUInt32LE(w.crc32, 14);
    h.writeUInt32LE(w.compressedSize, 18);
    h.writeUInt32LE(w.size, 22);
  }
  h.writeUInt16LE(w.name.length, 26);
  w.name.copy(h, 30);
  return h;
}

function dataDescriptor(w: Written): Buffer {
  const big = zip64(w);
  const d = Buffer.alloc(big ? 24 : 16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(w.crc32, 4);
  if (big) {
    u64(d, w.compressedSize, 8);
    u64(d, w.size, 16);
  } else {
    d.writeUInt32LE(w.compressedSize, 8);
    d.writeUInt32LE(w.size, 12);
  }
  return d;
}

function centralRecord(w: Written, dos: { date: number; time: number }, mtime: Date, mode: number): Buffer {
  const big = zip64(w);
  const r = Buffer.alloc(46 + w.name.length + 9 + (big ? 28 : 0));
  r.writeUInt32LE(0x02014b50, 0);
  r.writeUInt16LE(MADE_BY, 4);
  r.writeUInt16LE(big ? 45 : 20, 6);
  r.writeUInt16LE(UTF8 | (w.descriptor ? DESCRIPTOR : 0), 8);
  r.writeUInt16LE(w.method, 10);
  r.writeUInt16LE(dos.time, 12);
  r.writeUInt16LE(dos.date, 14);
  r.writeUInt32LE(w.crc32, 16);
  r.writeUInt32LE(big ? 0xffffffff : w.compressedSize, 20);
  r.writeUInt32LE(big ? 0xffffffff : w.size, 24);
  r.writeUInt16LE(w.name.length, 28);
  r.writeUInt16LE(9 + (big ? 28 : 0), 30);
  r.writeUInt32LE((mode << 16) >>> 0, 38);
  r.writeUInt32LE(big ? 0xffffffff : w.offset, 42);
  let at = 46;
  w.name.copy(r, at);
  at += w.name.length;
  // Info-ZIP's "UT" field: modification time (and the atime flag, as Info-ZIP sets it).
  r.writeUInt16LE(0x5455, at);
  r.writeUInt16LE(5, at + 2);
  r.writeUInt8(3, at + 4);
  r.writeInt32LE(Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(mtime.getTime() / 1000))), at + 5);
  at += 9;
  if (big) {
    r.writeUInt16LE(0x0001, at);
    r.writeUInt16LE(24, at + 2);
    u64(r, w.size, at + 4);
    u64(r, w.compressedSize, at + 12);
    u64(r, w.offset, at + 20);
  }
  return r;
}

function endRecords(count: number, cdOffset: number, cdSize: number, commentLength: number): Buffer {
  const needZip64 = count >= 0xffff || cdSize >= 0xffffffff || cdOffset >= 0xffffffff;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(count >= 0xffff ? 0xffff : count, 8);
  eocd.writeUInt16LE(count >= 0xffff ? 0xffff : count, 10);
  eocd.writeUInt32LE(cdSize >= 0xffffffff ? 0xffffffff : cdSize, 12);
  eocd.writeUInt32LE(cdOffset >= 0xffffffff ? 0xffffffff : cdOffset, 16);
  eocd.writeUInt16LE(commentLength, 20);
  if (!needZip64) return eocd;
  const z = Buffer.alloc(56);
  z.writeUInt32LE(0x06064b50, 0);
  u64(z, 44, 4);
  z.writeUInt16LE(MADE_BY, 12);
  z.writeUInt16LE(45, 14);
  u64(z, count, 24);
  u64(z, count, 32);
  u64(z, cdSize, 40);
  u64(z, cdOffset, 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  u64(loc, cdOffset + cdSize, 8);
  loc.writeUInt32LE(1, 16);
  return Buffer.concat([z, loc, eocd]);
}

const changed = (file: string) => new Error(`${file} changed while the bundle was being written`);

/** A stored file: copied in large blocks straight into the output buffer, its CRC checked against the manifest's pass. */
async function copyStored(out: Out, e: FileEntry): Promise<number> {
  // A sealed file is read as a plain one is, its plaintext opened segment by segment.
  const sealed = e.sealedWith ? new SealedFileReader(e.file, e.sealedWith, basename(e.file)) : null;
  const fd = sealed ? -1 : openSync(e.file, 'r');
  const read = (b: Buffer, at: number) => (sealed ? sealed.read(b, 0, b.length, at) : readSync(fd, b, 0, b.length, at));
  try {
    let crc = 0;
    let done = 0;
    while (done < e.size) {
      const room = await out.reserve(Math.min(BLOCK, e.size - done));
      const n = read(room, done);
      if (n <= 0) throw changed(e.file);
      crc = crc32(room.subarray(0, n), crc);
      out.commit(n);
      done += n;
    }
    if (read(Buffer.alloc(1), done) !== 0 || crc !== e.crc32) throw changed(e.file);
    return crc;
  } finally {
    if (sealed) sealed.close();
    else closeSync(fd);
  }
}

/** A compressed file: streamed through deflate (level 6, as yazl), its CRC checked against the manifest's pass. */
async function copyDeflated(out: Out, e: FileEntry): Promise<{ crc: number; compressed: number; size: number }> {
  const deflate = createDeflateRaw({ level: LEVEL });
  const source: Readable = e.sealedWith ? new SealedFileReader(e.file, e.sealedWith, basename(e.file)).stream(0, Infinity, true) : createReadStream(e.file, { highWaterMark: 1 << 20 });
  let crc = 0;
  let size = 0;
  source.on('data', (c) => {
    crc = crc32(c as Buffer, crc);
    size += (c as Buffer).length;
  });
  source.on('error', (err) => deflate.destroy(err));
  source.pipe(deflate);
  let compressed = 0;
  try {
    for await (const c of deflate as AsyncIterable<Buffer>) {
      await out.write(c);
      compressed += c.length;
    }
  } finally {
    // A write that failed leaves the source unpiped and paused: its file is closed here, not left open.
    source.destroy();
  }
  if (size !== e.size || crc !== e.crc32) throw changed(e.file);
  return { crc, compressed, size };
}

/** From this many bytes of entries on, a zip's blocks are written on another thread (`ThreadSink`). */
const THREAD_FROM = 64 << 20;

/**
 * Writes the zip to `fd` (from its start): the entries in order, the central directory, the end record and `comment`
 * (the seal's placeholder). Answers the sha256 of every byte before the comment (what the seal signs). A failure
 * stops the writing thread before it is thrown: nothing is written to `fd` after this settles.
 *
 * With `sealed`, the file is the zip sealed with `sealed.key` (core/custody/sealed-file.ts), and its comment is
 * `sealed.comment(digest)` (as long as `comment`): a sealed file cannot be changed in place afterwards, so the
 * seal goes in as the file is written. The zip inside, and the digest, are the same as without.
 */
export async function writeZipFile(
  fd: number,
  entries: ZipEntry[],
  opts: { mtime: Date; mode: number; comment: Buffer; threadFrom?: number; sealed?: { key: Uint8Array; comment: (digest: Buffer) => Buffer } },
): Promise<Buffer> {
  const bytes = entries.reduce((n, e) => n + ('data' in e ? e.data.length : e.size), 0);
  const below: Sink = bytes >= (opts.threadFrom ?? THREAD_FROM) ? new ThreadSink(fd) : new DirectSink(fd);
  const sealing = opts.sealed ? new SealingSink(below, opts.sealed.key) : null;
  const sink: Sink = sealing ?? below;
  try {
    const out = new Out(sink);
    const dos = dosDateTime(opts.mtime);
    const written: Written[] = [];
    for (const e of entries) {
      const name = Buffer.from(e.path);
      const method = e.compress ? 8 : 0;
      if ('data' in e) {
        const data = e.compress ? deflateRawSync(e.data, { level: LEVEL }) : e.data;
        const w: Written = { name, method, descriptor: false, crc32: crc32(e.data), compressedSize: data.length, size: e.data.length, offset: out.position };
        await out.write(localHeader(w, dos));
        await out.write(data);
        written.push(w);
        continue;
      }
      const w: Written = { name, method, descriptor: true, crc32: 0, compressedSize: 0, size: 0, offset: out.position };
      await out.write(localHeader(w, dos));
      if (e.compress) {
        const r = await copyDeflated(out, e);
        Object.assign(w, { crc32: r.crc, compressedSize: r.compressed, size: r.size });
      } else {
        w.crc32 = await copyStored(out, e);
        w.compressedSize = w.size = e.size;
      }
      await out.write(dataDescriptor(w));
      written.push(w);
    }
    const cdOffset = out.position;
    for (const w of written) await out.write(centralRecord(w, dos, opts.mtime, opts.mode));
    await out.write(endRecords(written.length, cdOffset, out.position - cdOffset, opts.comment.length));
    out.flush();
    if (sealing) {
      const digest = out.hash.digest();
      const comment = opts.sealed!.comment(digest);
      if (comment.length !== opts.comment.length) throw new Error('the comment is not as long as the end record says');
      await sealing.finish(comment);
      return digest;
    }
    await sink.end();
    writeAll(fd, opts.comment, out.position);
    return out.hash.digest();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
