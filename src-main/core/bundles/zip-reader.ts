/**
 * yauzl over a file whose central directory is read in one piece. yauzl reads the directory a record at a time, two
 * small reads each through libuv's threads: for a bundle of 60,000 entries that was 120,000 round trips, about 5 s
 * before any check could start. Here those reads are answered from memory; every other read (the entries' bytes)
 * goes to the file as before. yauzl still reads and judges every byte itself: the window only changes where its
 * reads are served from, never what they give.
 */
import { close, closeSync, createReadStream, open, openSync, read, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { SealedFileReader } from '../custody/sealed-file';

/** The most of a file's end kept in memory for its directory: 100,000 records of a long name fit. */
const WINDOW_MAX = 64 << 20;
/** The end record, the longest comment after it, a ZIP64 locator and end record before it. */
const TAIL = 22 + 0xffff + 20 + 56;

const KEEP_OPEN = { open, read, close: (_fd: number, callback: (err: Error | null) => void) => callback(null) };

class WindowedReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly fd: number,
    private readonly at: number,
    private readonly bytes: Buffer,
  ) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    const from = position - this.at;
    if (from >= 0 && from + length <= this.bytes.length) {
      this.bytes.copy(buffer, offset, from, from + length);
      process.nextTick(callback, null, length);
    } else {
      read(this.fd, buffer, offset, length, position, (err, n) => callback(err, n));
    }
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // A stream destroyed early closes its descriptor whatever autoClose says: this one is shared, closed by `close`.
    return createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false, fs: KEEP_OPEN });
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, callback);
  }
}

/**
 * Where the central directory starts, as the end record (or the ZIP64 end record) says; null when that cannot be
 * told: the window is then the end of the file alone, and yauzl finds whatever is wrong as it would anyway.
 */
function directoryStart(fd: number, size: number, tail: Buffer, tailAt: number): number | null {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== 0x06054b50) continue;
    const offset = tail.readUInt32LE(i + 16);
    if (offset !== 0xffffffff) return offset <= tailAt + i ? offset : null;
    if (i < 20 || tail.readUInt32LE(i - 20) !== 0x07064b50) return null;
    const z64At = Number(tail.readBigUInt64LE(i - 20 + 8));
    if (!(z64At >= 0 && z64At + 56 <= size)) return null;
    const z = Buffer.alloc(56);
    if (readSync(fd, z, 0, 56, z64At) !== 56 || z.readUInt32LE(0) !== 0x06064b50) return null;
    const start = Number(z.readBigUInt64LE(48));
    return start <= z64At ? start : null;
  }
  return null;
}

/** Opens `file` (of `size` bytes) for yauzl, its directory served from memory. */
export async function openZip(file: string, size: number, options: yauzl.Options): Promise<yauzl.ZipFile> {
  const fd = openSync(file, 'r');
  try {
    const tailLength = Math.min(size, TAIL);
    const tail = Buffer.alloc(tailLength);
    // Fewer bytes than asked (the file shrank meanwhile): the window holds only what was read, never zeros.
    const got = readSync(fd, tail, 0, tailLength, size - tailLength);
    const start = directoryStart(fd, size, tail.subarray(0, got), size - tailLength);
    const at = start !== null && size - start <= WINDOW_MAX ? Math.min(start, size - tailLength) : size - tailLength;
    let bytes = tail.subarray(0, got);
    if (at < size - tailLength && got === tailLength) {
      bytes = Buffer.alloc(size - at);
      let n = 0;
      for (let r; n < bytes.length && (r = readSync(fd, bytes, n, bytes.length - n, at + n)) > 0; ) n += r;
      bytes = bytes.subarray(0, n);
    }
    return await yauzl.fromRandomAccessReaderPromise(new WindowedReader(fd, at, bytes), size, options);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** yauzl over a sealed file (core/custody/sealed-file.ts), read at any offset through its opening. */
class SealedReader extends yauzl.RandomAccessReader {
  constructor(private readonly file: SealedFileReader) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    let n: number;
    try {
      n = this.file.read(buffer, offset, length, position);
    } catch (e) {
      process.nextTick(callback, e as Error);
      return;
    }
    process.nextTick(callback, null, n);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return this.file.stream(start, end);
  }

  override close(callback: (err: Error | null) => void): void {
    this.file.close();
    callback(null);
  }
}

/** Opens the zip a workstation keeps sealed, for yauzl; closing the zip closes `file`. */
export async function openSealedZip(file: SealedFileReader, options: yauzl.Options): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.fromRandomAccessReaderPromise(new SealedReader(file), file.size, options);
  } catch (e) {
    file.close();
    throw e;
  }
}
