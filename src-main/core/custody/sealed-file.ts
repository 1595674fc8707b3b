/**
 * Files other than the database, encrypted at rest (docs/security.md, "Data custody"): the database is SQLCipher,
 * and what the workstation keeps beside it that holds personal data is sealed in this format.
 *
 * Segmented AES-256-GCM, the construction of Tink's streaming AEAD and of age's payload (Hoang, Reyhanitabar,
 * Rogaway and Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance"):
 *
 *     header   "LNTSEAL1" (8 bytes) | salt (32 random bytes)
 *     segment  AES-256-GCM(key, nonce = index (4 bytes, big-endian) | last (1 byte) | 7 zero bytes) of up to
 *              64 KiB: the ciphertext, then its 16-byte tag
 *
 * Each file has its own key, HKDF-SHA256(key it is sealed with, its salt, "lentera sealed file v1"), so a counter
 * nonce never repeats under one key. Every segment but the last holds exactly 64 KiB and the last says it is last:
 * a file cut short, reordered, spliced from two files or changed anywhere is refused, never half read. An auditor
 * with the data key opens one with any AES-GCM library; the format is small enough to write in ten lines.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { LenteraError } from '../util/errors';

export const SEALED_MAGIC = Buffer.from('LNTSEAL1', 'latin1');
const SALT = 32;
export const SEALED_HEADER = SEALED_MAGIC.length + SALT;
export const SEGMENT = 64 * 1024;
const TAG = 16;
const INFO = Buffer.from('lentera sealed file v1');

/** Whether `head` (a file's first bytes) starts like a sealed file. */
export function isSealed(head: Buffer): boolean {
  return head.length >= SEALED_MAGIC.length && head.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC);
}

/** Whether the file at `path` is sealed (a file too short to be one, missing or unreadable, a folder, is not). */
export function isSealedFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(SEALED_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && isSealed(head);
  } catch {
    // A folder opens on some systems, and then cannot be read.
    return false;
  } finally {
    closeSync(fd);
  }
}

function fileKey(key: Uint8Array, salt: Buffer): Buffer {
  if (key.length !== 32) throw new LenteraError('INTERNAL', 'A sealing key has 32 bytes.', {});
  return Buffer.from(hkdfSync('sha256', key, salt, INFO, 32));
}

function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(index, 0);
  n[4] = last ? 1 : 0;
  return n;
}

function sealSegment(key: Buffer, index: number, last: boolean, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce(index, last));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** A sealed file met without a key: not the workstation's lock (that code sends a window to its unlock screen). */
function encrypted(name: string): LenteraError {
  return new LenteraError('FILE_ENCRYPTED', `${name} is encrypted: it opens only on the encrypted workstation that keeps it, unlocked.`, { file: name });
}

function refused(name: string, why: string): LenteraError {
  return new LenteraError('SEALED_FILE_DAMAGED', `${name} cannot be opened: ${why}. It is not used; nothing was changed.`, { file: name });
}

/**
 * Seals segment by segment for a writer that places the bytes itself (the bundle's zip writer hands them to its
 * writing thread): `header` first, then `segment` for every SEGMENT bytes of plaintext in order, the last (which
 * may hold fewer, or none) said to be last. The file is what `SealWriter` writes.
 */
export class SegmentSealer {
  readonly header: Buffer;
  private readonly key: Buffer;
  private index = 0;
  private ended = false;

  constructor(key: Uint8Array) {
    const salt = randomBytes(SALT);
    this.key = fileKey(key, salt);
    this.header = Buffer.concat([SEALED_MAGIC, salt]);
  }

  /** The next segment's bytes: `plain` sealed, 16 bytes longer. Only the last may hold fewer than SEGMENT bytes. */
  segment(plain: Buffer, last: boolean): Buffer {
    if (this.ended) throw new Error('the sealed file was already ended');
    if (plain.length > SEGMENT || (!last && plain.length !== SEGMENT)) throw new Error('a sealed segment holds 64 KiB; only the last may hold fewer');
    this.ended = last;
    return sealSegment(this.key, this.index++, last, plain);
  }
}

/**
 * Writes a sealed file segment by segment, holding at most one segment of plaintext: for files that arrive in
 * pieces (an upload) or are too large to hold. `end` writes the last segment; a writer never ended leaves a file
 * that `openSealed` refuses as cut short.
 */
export class SealWriter {
  private readonly sealer: SegmentSealer;
  private pending: Buffer = Buffer.alloc(0);
  private position = 0;
  private ended = false;
  /** plaintext bytes taken so far */
  size = 0;

  constructor(
    private readonly fd: number,
    key: Uint8Array,
  ) {
    this.sealer = new SegmentSealer(key);
    this.put(this.sealer.header);
  }

  private put(b: Buffer): void {
    for (let done = 0; done < b.length; ) done += writeSync(this.fd, b, done, b.length - done, this.position + done);
    this.position += b.length;
  }

  write(chunk: Buffer): void {
    if (this.ended) throw new Error('the sealed file was already ended');
    this.size += chunk.length;
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // A full segment is written only once more bytes follow it: the last segment must say it is last.
    while (data.length > SEGMENT) {
      this.put(this.sealer.segment(data.subarray(0, SEGMENT), false));
      data = data.subarray(SEGMENT);
    }
    this.pending = Buffer.from(data);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.put(this.sealer.segment(this.pending, true));
    this.pending = Buffer.alloc(0);
  }
}

/** `plain`, sealed with `key`. */
export function sealBytes(key: Uint8Array, plain: Buffer): Buffer {
  const sealer = new SegmentSealer(key);
  const parts: Buffer[] = [sealer.header];
  for (let at = 0; ; at += SEGMENT) {
    const last = at + SEGMENT >= plain.length;
    parts.push(sealer.segment(plain.subarray(at, Math.min(at + SEGMENT, plain.length)), last));
    if (last) break;
  }
  return Buffer.concat(parts);
}

/** The plaintext of a sealed file's bytes; `name` says which file in a refusal. */
export function openSealed(key: Uint8Array, sealed: Buffer, name = 'The file'): Buffer {
  if (!isSealed(sealed) || sealed.length < SEALED_HEADER + TAG) throw refused(name, 'it is not a sealed file or is cut short');
  const k = fileKey(key, sealed.subarray(SEALED_MAGIC.length, SEALED_HEADER));
  const out: Buffer[] = [];
  let index = 0;
  for (let at = SEALED_HEADER; at < sealed.length; index++) {
    const end = Math.min(at + SEGMENT + TAG, sealed.length);
    const last = end === sealed.length;
    if (end - at < TAG) throw refused(name, 'it is cut short');
    const d = createDecipheriv('aes-256-gcm', k, nonce(index, last));
    d.setAuthTag(sealed.subarray(end - TAG, end));
    try {
      out.push(d.update(sealed.subarray(at, end - TAG)), d.final());
    } catch {
      throw refused(name, index === 0 && last ? 'it was sealed with another key, changed or cut short' : 'it was changed, cut short or sealed with another key');
    }
    at = end;
  }
  return Buffer.concat(out);
}

/** Writes `plain` to `path`, sealed with `key` when there is one, whole or not at all (aside, flushed, renamed). */
export function writeMaybeSealed(path: string, plain: Buffer, key: Uint8Array | undefined, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.seal`;
  const bytes = key ? sealBytes(key, plain) : plain;
  const fd = openSync(tmp, 'w', mode);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * A file's bytes, opened if they are sealed. A plain file (made before its workstation was encrypted, or on a plain
 * workstation) reads as it is; a sealed one without the key is refused (FILE_ENCRYPTED).
 */
export function openMaybeSealed(bytes: Buffer, key: Uint8Array | undefined, name: string): Buffer {
  if (!isSealed(bytes)) return bytes;
  if (!key) throw encrypted(name);
  return openSealed(key, bytes, name);
}

/** The bytes of a file the workstation keeps, opened if it is sealed (`openMaybeSealed`). */
export function readMaybeSealed(path: string, key: Uint8Array | undefined, name = path): Buffer {
  return openMaybeSealed(readFileSync(path), key, name);
}

/** The plaintext length of a sealed file of `sealedSize` bytes; null when no sealed file is that long. */
export function sealedPlainSize(sealedSize: number): number | null {
  const body = sealedSize - SEALED_HEADER;
  if (body < TAG) return null;
  const segments = Math.ceil(body / (SEGMENT + TAG));
  if (body - (segments - 1) * (SEGMENT + TAG) < TAG) return null;
  return body - segments * TAG;
}

/**
 * A sealed file read at any offset, as a plain one is with readSync: a bundle of gigabytes has its central
 * directory, one entry or a range read without opening the rest. Each segment's tag is checked before a byte of
 * it is given, and its place with it (its index, and whether it is the last, are in its nonce): bytes moved,
 * dropped or added anywhere are refused when the segment they touch is read. What is never read is never judged.
 */
export class SealedFileReader {
  /** plaintext bytes */
  readonly size: number;
  private readonly fd: number;
  private readonly key: Buffer;
  private readonly sealedSize: number;
  private readonly segments: number;
  private readonly raw = Buffer.allocUnsafe(SEGMENT + TAG);
  private cached = -1;
  private plain: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    path: string,
    key: Uint8Array,
    private readonly name = path,
  ) {
    const fd = openSync(path, 'r');
    try {
      this.sealedSize = fstatSync(fd).size;
      const head = Buffer.alloc(SEALED_HEADER);
      const size = sealedPlainSize(this.sealedSize);
      if (size === null || readSync(fd, head, 0, SEALED_HEADER, 0) !== SEALED_HEADER || !isSealed(head)) throw refused(name, 'it is not a sealed file or is cut short');
      this.size = size;
      this.segments = Math.ceil((this.sealedSize - SEALED_HEADER) / (SEGMENT + TAG));
      this.key = fileKey(key, head.subarray(SEALED_MAGIC.length));
      this.fd = fd;
      // The last segment is authenticated at once: a file cut short (down to an empty-looking one) is refused when
      // it is opened, not taken for a shorter file by a reader that never reaches its end.
      this.segment(this.segments - 1);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  private segment(index: number): Buffer {
    if (index === this.cached) return this.plain;
    const at = SEALED_HEADER + index * (SEGMENT + TAG);
    const last = index === this.segments - 1;
    const length = last ? this.sealedSize - at : SEGMENT + TAG;
    let got = 0;
    for (let n; got < length && (n = readSync(this.fd, this.raw, got, length - got, at + got)) > 0; ) got += n;
    if (got !== length) throw refused(this.name, 'it is cut short');
    const d = createDecipheriv('aes-256-gcm', this.key, nonce(index, last));
    d.setAuthTag(this.raw.subarray(length - TAG, length));
    try {
      this.plain = Buffer.concat([d.update(this.raw.subarray(0, length - TAG)), d.final()]);
    } catch {
      this.cached = -1;
      throw refused(this.name, 'it was changed, cut short or sealed with another key');
    }
    this.cached = index;
    return this.plain;
  }

  /** Up to `length` plaintext bytes from `position` into `buffer` at `offset`; fewer only at the end. */
  read(buffer: Buffer, offset: number, length: number, position: number): number {
    if (this.closed) throw new Error('the sealed file was closed');
    let done = 0;
    while (done < length && position + done < this.size) {
      const at = position + done;
      const index = Math.floor(at / SEGMENT);
      const plain = this.segment(index);
      const from = at - index * SEGMENT;
      done += plain.copy(buffer, offset + done, from, Math.min(plain.length, from + length - done));
    }
    return done;
  }

  /** The plaintext from `start` up to (not including) `end`, as a stream; `own`: the stream closes this reader when it ends. */
  stream(start = 0, end = this.size, own = false): Readable {
    let at = start;
    const stop = Math.min(end, this.size);
    const next = (b: Buffer) => this.read(b, 0, b.length, at);
    const s = new Readable({
      read() {
        try {
          if (at >= stop) {
            this.push(null);
            return;
          }
          const b = Buffer.allocUnsafe(Math.min(1 << 20, stop - at));
          const n = next(b);
          at += n;
          this.push(b.subarray(0, n));
        } catch (e) {
          this.destroy(e as Error);
        }
      },
    });
    if (own) s.once('close', () => this.close());
    return s;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.plain = Buffer.alloc(0);
    closeSync(this.fd);
  }
}

/** A file's bytes as a stream with their length: a sealed one opened (`key` needed), a plain one as it is. */
export function plainStream(path: string, key: Uint8Array | undefined, name = path): { size: number; stream: Readable } {
  if (!isSealedFile(path)) return { size: statSync(path).size, stream: createReadStream(path) };
  if (!key) throw encrypted(name);
  const reader = new SealedFileReader(path, key, name);
  return { size: reader.size, stream: reader.stream(0, reader.size, true) };
}

/**
 * Copies `from` into a new file `to` in 4 MB blocks (a bundle is gigabytes), flushed: opened on the way when `from`
 * is sealed (with `fromKey`; without it the copy is refused), sealed with `toKey` when there is one. Answers the
 * sha256 of the plaintext copied, so the caller can tell it is the file it checked. A failed copy leaves no `to`.
 */
export function transcribe(from: string, to: string, keys: { fromKey?: Uint8Array; toKey?: Uint8Array } = {}): string {
  const name = basename(from);
  let reader: SealedFileReader | null = null;
  let src = -1;
  let fd = -1;
  try {
    if (isSealedFile(from)) {
      if (!keys.fromKey) throw encrypted(name);
      reader = new SealedFileReader(from, keys.fromKey, name);
    } else src = openSync(from, 'r');
    const read = (b: Buffer, at: number) => (reader ? reader.read(b, 0, b.length, at) : readSync(src, b, 0, b.length, at));
    fd = openSync(to, 'w', 0o600);
    const writer = keys.toKey ? new SealWriter(fd, keys.toKey) : null;
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let at = 0, n; (n = read(buf, at)) > 0; at += n) {
      hash.update(buf.subarray(0, n));
      if (writer) writer.write(buf.subarray(0, n));
      else for (let w = 0; w < n; ) w += writeSync(fd, buf, w, n - w, at + w);
    }
    writer?.end();
    fsyncSync(fd);
    return hash.digest('hex');
  } catch (e) {
    if (fd >= 0) rmSync(to, { force: true });
    throw e;
  } finally {
    if (fd >= 0) closeSync(fd);
    reader?.close();
    if (src >= 0) closeSync(src);
  }
}
