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
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
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

/** Whether the file at `path` is sealed (a file too short to be one, or missing, is not). */
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

function refused(name: string, why: string): LenteraError {
  return new LenteraError('SEALED_FILE_DAMAGED', `${name} cannot be opened: ${why}. It is not used; nothing was changed.`, { file: name });
}

/**
 * Writes a sealed file segment by segment, holding at most one segment of plaintext: for files that arrive in
 * pieces (an upload) or are too large to hold. `end` writes the last segment; a writer never ended leaves a file
 * that `openSealed` refuses as cut short.
 */
export class SealWriter {
  private readonly key: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private position: number;
  private ended = false;
  /** plaintext bytes taken so far */
  size = 0;

  constructor(
    private readonly fd: number,
    key: Uint8Array,
  ) {
    const salt = randomBytes(SALT);
    this.key = fileKey(key, salt);
    const header = Buffer.concat([SEALED_MAGIC, salt]);
    this.position = 0;
    this.put(header);
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
      this.put(sealSegment(this.key, this.index++, false, data.subarray(0, SEGMENT)));
      data = data.subarray(SEGMENT);
    }
    this.pending = Buffer.from(data);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.put(sealSegment(this.key, this.index++, true, this.pending));
    this.pending = Buffer.alloc(0);
  }
}

/** `plain`, sealed with `key`. */
export function sealBytes(key: Uint8Array, plain: Buffer): Buffer {
  const salt = randomBytes(SALT);
  const k = fileKey(key, salt);
  const parts: Buffer[] = [SEALED_MAGIC, salt];
  let index = 0;
  for (let at = 0; ; at += SEGMENT) {
    const last = at + SEGMENT >= plain.length;
    parts.push(sealSegment(k, index++, last, plain.subarray(at, Math.min(at + SEGMENT, plain.length))));
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
 * The bytes of a file the workstation keeps, opened if it is sealed. A plain file (made before its workstation
 * was encrypted, or on a plain workstation) reads as it is; a sealed one without the key is refused.
 */
export function readMaybeSealed(path: string, key: Uint8Array | undefined, name = path): Buffer {
  const bytes = readFileSync(path);
  if (!isSealed(bytes)) return bytes;
  if (!key) throw new LenteraError('WORKSTATION_LOCKED', `${name} is encrypted; unlock the workstation to open it.`, { file: name });
  return openSealed(key, bytes, name);
}

/** A stream of sealed bytes in, their plaintext out: each segment is passed on only once its tag checked. */
export function openingStream(key: Uint8Array, name = 'The file'): Transform {
  let k: Buffer | null = null;
  let held: Buffer = Buffer.alloc(0);
  let index = 0;
  const segment = (bytes: Buffer, last: boolean): Buffer => {
    const d = createDecipheriv('aes-256-gcm', k!, nonce(index, last));
    d.setAuthTag(bytes.subarray(bytes.length - TAG));
    try {
      const out = Buffer.concat([d.update(bytes.subarray(0, bytes.length - TAG)), d.final()]);
      index++;
      return out;
    } catch {
      throw refused(name, 'it was changed, cut short or sealed with another key');
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        held = held.length ? Buffer.concat([held, chunk]) : chunk;
        if (k === null) {
          if (held.length < SEALED_HEADER) return done();
          if (!isSealed(held)) throw refused(name, 'it is not a sealed file');
          k = fileKey(key, held.subarray(SEALED_MAGIC.length, SEALED_HEADER));
          held = held.subarray(SEALED_HEADER);
        }
        // A whole segment is opened once a byte after it is in: only then is it known not to be the last.
        while (held.length > SEGMENT + TAG) {
          this.push(segment(held.subarray(0, SEGMENT + TAG), false));
          held = held.subarray(SEGMENT + TAG);
        }
        held = Buffer.from(held);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        if (k === null || held.length < TAG) throw refused(name, 'it is cut short');
        this.push(segment(held, true));
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/** A stream of plaintext in, a sealed file's bytes out. */
export function sealingStream(key: Uint8Array): Transform {
  const salt = randomBytes(SALT);
  const k = fileKey(key, salt);
  let held: Buffer = Buffer.alloc(0);
  let index = 0;
  let started = false;
  const start = (t: Transform) => {
    if (!started) t.push(Buffer.concat([SEALED_MAGIC, salt]));
    started = true;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      start(this);
      held = held.length ? Buffer.concat([held, chunk]) : chunk;
      while (held.length > SEGMENT) {
        this.push(sealSegment(k, index++, false, held.subarray(0, SEGMENT)));
        held = held.subarray(SEGMENT);
      }
      held = Buffer.from(held);
      done();
    },
    flush(done) {
      start(this);
      this.push(sealSegment(k, index++, true, held));
      done();
    },
  });
}

/** The plaintext of a file the workstation keeps, as a stream: opened on the way if it is sealed. */
export function readStreamMaybeSealed(path: string, key: Uint8Array | undefined, name = path): Readable {
  if (!isSealedFile(path)) return createReadStream(path);
  if (!key) throw new LenteraError('WORKSTATION_LOCKED', `${name} is encrypted; unlock the workstation to open it.`, { file: name });
  const opened = openingStream(key, name);
  const source = createReadStream(path);
  source.on('error', (e) => opened.destroy(e));
  return source.pipe(opened);
}
