// The bundle verifier as it was before the one-pass rewrite (container.ts, seal.ts checkSeal and verify.ts of that
// time, each check reading the file itself, one stream per entry): the reference tests/unit/bundle-verify-onepass.test.ts
// compares the new verifier with. Test only.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { createVerify } from 'node:crypto';
import { SEAL_PREFIX } from '../../src-main/core/bundles/seal';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { parseCertificate, keyUsage } from '../../src-main/core/keys/pki';
import { fingerprintOf } from '../../src-main/core/keys/identities';
import { BundleRefused } from '../../src-main/core/bundles/refusal';
import { sha256Hex } from '../../src-main/core/util/hash';
import { BUNDLE_FORMAT, LIMITS, MANIFEST, manifestSchema, SIGNATURE, type Manifest } from '../../src-main/core/bundles/format';


interface ZipEntry {
  name: string;
  entry: yauzl.Entry;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

function entryName(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new BundleRefused('BUNDLE_BAD_NAME', 'An entry name is not valid UTF-8.');
  }
}

/** Names that could escape an extraction folder or mean two things on two systems are refused outright. */
function checkName(name: string): void {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.startsWith('\\')) throw new BundleRefused('BUNDLE_PATH_ABSOLUTE', `Entry "${name}" is an absolute path.`, { entry: name });
  if (name.includes('\\')) throw new BundleRefused('BUNDLE_BAD_NAME', `Entry "${name}" contains a backslash.`, { entry: name });
  if (name.split('/').some((s) => s === '..')) throw new BundleRefused('BUNDLE_PATH_TRAVERSAL', `Entry "${name}" contains "..": a path traversal.`, { entry: name });
  if (name.split('/').some((s) => s === '' || s === '.')) throw new BundleRefused('BUNDLE_BAD_NAME', `Entry "${name}" has an empty or "." segment.`, { entry: name });
  if ([...name].some((ch) => ch.charCodeAt(0) < 0x20)) throw new BundleRefused('BUNDLE_BAD_NAME', `Entry "${name}" contains a control character.`, { entry: name });
}


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

function read(fd: number, at: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const got = readSync(fd, b, 0, length, at);
  if (got !== length) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The bundle ends too early: it is truncated.');
  return b;
}

const bad = (what: string) => new BundleRefused('BUNDLE_CONTAINER', `The bundle's zip structure was altered: ${what}.`);

/**
 * Checks every byte of the zip that the manifest's hashes do not cover: the end record, every central directory
 * record and local header (the two copies must agree and hold exactly what Lentera writes), the data
 * descriptors, and that entries follow each other with no bytes in between or after. Together with the
 * entries' sha256 and CRC, a change to any byte of the file is refused.
 */
export function checkContainer(file: string): { entries: ContainerEntry[]; mtime: number | null; comment: Buffer } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 22) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The file is too short to be a bundle.');
    // The end record, followed by the comment (the seal) up to the last byte of the file.
    const tail = read(fd, Math.max(0, size - 22 - 4096), Math.min(size, 22 + 4096));
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
    const eocd = read(fd, eocdAt, 22);
    const comment = read(fd, eocdAt + 22, commentLen);
    if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) throw bad('the end record names disks');
    let count = eocd.readUInt16LE(10);
    let cdSize = eocd.readUInt32LE(12);
    let cdOffset = eocd.readUInt32LE(16);
    let cdEnd = eocdAt;
    if (eocd.readUInt16LE(8) !== count) throw bad('the end record disagrees with itself');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64: the locator sits just before the end record and points at the ZIP64 end record.
      const loc = read(fd, eocdAt - 20, 20);
      if (loc.readUInt32LE(0) !== 0x07064b50) throw bad('no ZIP64 locator');
      const at = Number(loc.readBigUInt64LE(8));
      const z = read(fd, at, 56);
      if (z.readUInt32LE(0) !== 0x06064b50 || Number(z.readBigUInt64LE(4)) !== 44 || at + 56 !== eocdAt - 20) throw bad('the ZIP64 end record is not where it belongs');
      if (z.readUInt16LE(12) !== MADE_BY || z.readUInt16LE(14) !== 45 || z.readUInt32LE(16) !== 0 || z.readUInt32LE(20) !== 0 || loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) throw bad('the ZIP64 end record holds unexpected values');
      count = Number(z.readBigUInt64LE(32));
      if (Number(z.readBigUInt64LE(24)) !== count) throw bad('the ZIP64 end record disagrees with itself');
      cdSize = Number(z.readBigUInt64LE(40));
      cdOffset = Number(z.readBigUInt64LE(48));
      cdEnd = at;
    }
    if (cdOffset + cdSize !== cdEnd) throw bad('the central directory does not end where the end record begins');
    const cd = read(fd, cdOffset, cdSize);
    const entries: ContainerEntry[] = [];
    let p = 0;
    let expectLocal = 0;
    let mtime: string | null = null;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw bad(`central record ${i + 1} is damaged`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const name = cd.subarray(p + 46, p + 46 + nameLen);
      const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      if (cd.readUInt16LE(p + 4) !== MADE_BY || commentLen !== 0 || cd.readUInt16LE(p + 34) !== 0 || cd.readUInt16LE(p + 36) !== 0 || cd.readUInt32LE(p + 38) !== MODE_REGULAR) {
        throw bad(`central record of ${name.toString('utf8')} holds unexpected attributes`);
      }
      if ((flags & ~DESCRIPTOR) !== UTF8 || (method !== 0 && method !== 8)) throw bad(`central record of ${name.toString('utf8')} has unexpected flags or method`);
      let csize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      let offset = cd.readUInt32LE(p + 42);
      // Extra fields: yazl's "UT" modification time, the same for every entry, and ZIP64 sizes when needed.
      let e = 0;
      let ut: string | null = null;
      while (e < extra.length) {
        if (e + 4 > extra.length) throw bad(`the extra field of ${name.toString('utf8')} is damaged`);
        const tag = extra.readUInt16LE(e);
        const len = extra.readUInt16LE(e + 2);
        const body = extra.subarray(e + 4, e + 4 + len);
        if (body.length !== len) throw bad(`the extra field of ${name.toString('utf8')} is damaged`);
        if (tag === 0x5455 && len === 5 && body[0] === 3 && ut === null) ut = body.toString('hex');
        else if (tag === 0x0001 && len === 24) {
          usize = Number(body.readBigUInt64LE(0));
          csize = Number(body.readBigUInt64LE(8));
          offset = Number(body.readBigUInt64LE(16));
        } else throw bad(`${name.toString('utf8')} has an unexpected extra field`);
        e += 4 + len;
      }
      if (ut === null) throw bad(`${name.toString('utf8')} has no modification time field`);
      if (mtime !== null && ut !== mtime) throw bad(`${name.toString('utf8')} has another modification time than the other entries`);
      mtime = ut;
      const zip64 = cd.readUInt16LE(p + 6) === 45;
      if (cd.readUInt16LE(p + 6) !== 20 && !zip64) throw bad(`central record of ${name.toString('utf8')} needs an unexpected version`);
      if (offset !== expectLocal) throw bad(`${name.toString('utf8')} does not start right after the previous entry`);
      const local = read(fd, offset, 30 + nameLen);
      if (local.readUInt32LE(0) !== 0x04034b50) throw bad(`the local header of ${name.toString('utf8')} is missing`);
      if (local.readUInt16LE(4) !== 20 || local.readUInt16LE(6) !== flags || local.readUInt16LE(8) !== method || local.readUInt16LE(10) !== cd.readUInt16LE(p + 12) || local.readUInt16LE(12) !== cd.readUInt16LE(p + 14)) {
        throw bad(`the local header of ${name.toString('utf8')} disagrees with the central directory`);
      }
      const deferred = (flags & DESCRIPTOR) !== 0;
      const crc = cd.readUInt32LE(p + 16);
      const lc = [local.readUInt32LE(14), local.readUInt32LE(18), local.readUInt32LE(22)];
      const expected = deferred ? [0, 0, 0] : [crc, cd.readUInt32LE(p + 20), cd.readUInt32LE(p + 24)];
      if (lc.some((v, k) => v !== expected[k]) || local.readUInt16LE(26) !== nameLen || local.readUInt16LE(28) !== 0 || !local.subarray(30).equals(name)) {
        throw bad(`the local header of ${name.toString('utf8')} disagrees with the central directory`);
      }
      let end = offset + 30 + nameLen + csize;
      if (deferred) {
        const d = read(fd, end, zip64 ? 24 : 16);
        const ok = d.readUInt32LE(0) === 0x08074b50 && d.readUInt32LE(4) === crc && (zip64 ? Number(d.readBigUInt64LE(8)) === csize && Number(d.readBigUInt64LE(16)) === usize : d.readUInt32LE(8) === csize && d.readUInt32LE(12) === usize);
        if (!ok) throw bad(`the data descriptor of ${name.toString('utf8')} disagrees with the central directory`);
        end += d.length;
      }
      expectLocal = end;
      entries.push({ name: name.toString('utf8'), method, crc32: crc, compressedSize: csize, uncompressedSize: usize });
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (p !== cd.length) throw bad('the central directory has bytes after its last record');
    if (expectLocal !== cdOffset) throw bad('there are bytes between the last entry and the central directory');
    return { entries, mtime: mtime === null ? null : Buffer.from(mtime, 'hex').readUInt32LE(1), comment };
  } finally {
    closeSync(fd);
  }
}

async function signedStream(file: string, end: number, update: (chunk: Buffer) => void): Promise<void> {
  if (end <= 0) return;
  for await (const chunk of createReadStream(file, { start: 0, end: end - 1 })) update(chunk as Buffer);
}


/** Checks the seal in the zip comment against the signer's certificate; the comment is the file's last bytes. */
export async function checkSeal(file: string, comment: Buffer, cert: X509Certificate): Promise<void> {
  const text = comment.toString('latin1');
  if (!text.startsWith(SEAL_PREFIX)) throw new BundleRefused('BUNDLE_SEAL_INVALID', 'The bundle has no seal: it was not written by Lentera or was rewritten since.');
  const encoded = text.slice(SEAL_PREFIX.length);
  const sig = Buffer.from(encoded, 'base64');
  // Node's decoder forgives: it reads base64url's '-' and '_' as '+' and '/', and skips what is no base64. Only the
  // one spelling Lentera writes is a seal, so that no byte of the file can change and still verify.
  if (sig.toString('base64') !== encoded) throw new BundleRefused('BUNDLE_SEAL_INVALID', 'The seal is not written as Lentera writes it: some byte of it was changed.');
  const size = statSync(file).size;
  const verifier = createVerify('sha256');
  await signedStream(file, size - comment.length, (c) => verifier.update(c));
  if (!verifier.verify(cert.publicKey, sig)) throw new BundleRefused('BUNDLE_SEAL_INVALID', 'The seal over the bundle file does not verify: some byte of the file was changed.');
}

export interface OpenedBundle {
  zip: yauzl.ZipFile;
  entries: Map<string, ZipEntry>;
  close(): void;
}

/** Reads the central directory only and refuses anything suspicious in it; no entry is inflated here. */
export async function openBundle(file: string): Promise<OpenedBundle> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new BundleRefused('FILE_NOT_FOUND', `${file} cannot be read.`, { file });
  }
  if (size > LIMITS.bundleBytes) throw new BundleRefused('BUNDLE_TOO_LARGE', `The bundle is ${size} bytes; the limit is ${LIMITS.bundleBytes}.`, { size });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (e) {
    throw new BundleRefused('BUNDLE_NOT_ZIP', `Not a readable bundle (zip): ${(e as Error).message}. A truncated or damaged file gives this too.`);
  }
  const entries = new Map<string, ZipEntry>();
  try {
    if (zip.entryCount > LIMITS.entries + 2) throw new BundleRefused('BUNDLE_TOO_MANY_ENTRIES', `The bundle has ${zip.entryCount} entries; the limit is ${LIMITS.entries}.`);
    for await (const entry of zip.eachEntry()) {
      const name = entryName(entry.fileName as unknown as Buffer);
      checkName(name);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      const madeByUnix = entry.versionMadeBy >> 8 === 3;
      if (madeByUnix && mode === S_IFLNK) throw new BundleRefused('BUNDLE_SYMLINK', `Entry "${name}" is a symbolic link.`, { entry: name });
      if (name.endsWith('/') || (madeByUnix && mode === S_IFDIR) || (entry.externalFileAttributes & 0x10) !== 0) throw new BundleRefused('BUNDLE_EXTRA_ENTRY', `Entry "${name}" is a directory; bundles hold files only.`, { entry: name });
      if (entry.isEncrypted()) throw new BundleRefused('BUNDLE_ENCRYPTED', `Entry "${name}" is encrypted.`, { entry: name });
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new BundleRefused('BUNDLE_COMPRESSION', `Entry "${name}" uses compression method ${entry.compressionMethod}; only stored and deflate are read.`, { entry: name });
      if (entries.has(name)) throw new BundleRefused('BUNDLE_DUPLICATE_ENTRY', `Entry "${name}" appears twice.`, { entry: name });
      entries.set(name, { name, entry });
    }
  } catch (e) {
    zip.close();
    if (e instanceof BundleRefused) throw e;
    throw new BundleRefused('BUNDLE_NOT_ZIP', `The bundle's directory cannot be read: ${(e as Error).message}.`);
  }
  return { zip, entries, close: () => zip.close() };
}

/**
 * Streams one entry to `onChunk`, refusing it when it inflates past `limit` (yauzl also refuses more bytes than
 * the zip declares), and gives its size.
 */
async function streamEntry(b: OpenedBundle, e: ZipEntry, limit: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  let stream: Readable;
  try {
    stream = await b.zip.openReadStreamPromise(e.entry);
  } catch (err) {
    throw new BundleRefused('BUNDLE_DAMAGED', `${e.name} cannot be read: ${(err as Error).message}.`, { entry: e.name });
  }
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new BundleRefused('BUNDLE_BOMB', `${e.name} inflates past ${limit} bytes: a compression bomb.`, { entry: e.name });
      onChunk(chunk);
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof BundleRefused) throw err;
    throw new BundleRefused('BUNDLE_DAMAGED', `${e.name} cannot be read: ${(err as Error).message}.`, { entry: e.name });
  }
  return size;
}

/** One entry's bytes, refused when it declares or inflates to more than `limit`. */
export async function readEntry(b: OpenedBundle, name: string, limit: number): Promise<Buffer> {
  const e = b.entries.get(name);
  if (!e) throw new BundleRefused('BUNDLE_MISSING_ENTRY', `The bundle has no ${name}.`, { entry: name });
  if (e.entry.uncompressedSize > limit) throw new BundleRefused('BUNDLE_ENTRY_TOO_LARGE', `${name} declares ${e.entry.uncompressedSize} bytes; the limit is ${limit}.`, { entry: name });
  const chunks: Buffer[] = [];
  await streamEntry(b, e, limit, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

export interface BundleReport {
  file: string;
  sha256: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  signerFingerprint: string;
  checks: string[];
  /** the bytes of the entries asked for with `keep`, read during the one hashing pass */
  kept: Map<string, Buffer>;
}

export interface VerifyOptions {
  /** a registered signer's fingerprint → its exam (null: any exam); unknown → refused */
  trusted?: (fingerprint: string) => { exam: string | null } | undefined;
  /**
   * the binding rule (core/bundles/trust.ts checkBinding): throws when the registered signer may not sign for the
   * workstation the manifest names; asked right after `trusted`, before any entry is hashed
   */
  binding?: (fingerprint: string, manifest: Manifest) => void;
  /** the exam this place accepts */
  exam?: (code: string) => boolean;
  onProgress?: (done: number, total: number) => void;
  /** entries whose bytes the caller wants (an import's data files): kept while they are hashed, not read twice */
  keep?: (path: string) => boolean;
}

/**
 * Everything about a bundle that can be checked without the data it merges into, in the order it is cheap:
 * the zip's directory, the manifest and its signature, the entry list against the manifest, the sizes, then
 * every entry's bytes against its sha256. The first failure is thrown as a BundleRefused.
 */
export async function verifyBundle(file: string, opts: VerifyOptions = {}): Promise<BundleReport> {
  const b = await openBundle(file);
  const checks: string[] = [];
  try {
    checks.push(`zip directory: ${b.entries.size} entries, no absolute or ".." paths, no links, no duplicates`);
    const container = checkContainer(file);
    const crcOf = new Map(container.entries.map((e) => [e.name, e.crc32]));
    checks.push('zip structure: every header as Lentera writes it, local and central copies agree, no bytes in between or after');
    const manifestBytes = await readEntry(b, MANIFEST, LIMITS.manifestBytes);
    const signature = await readEntry(b, SIGNATURE, 4096);
    if (crc32(manifestBytes) !== crcOf.get(MANIFEST) || crc32(signature) !== crcOf.get(SIGNATURE)) throw new BundleRefused('BUNDLE_DAMAGED', 'The manifest or its signature does not match its CRC: the bundle is damaged.');
    let raw: unknown;
    try {
      raw = JSON.parse(manifestBytes.toString('utf8'));
    } catch (e) {
      throw new BundleRefused('BUNDLE_MANIFEST_INVALID', `manifest.json is not JSON: ${(e as Error).message}.`);
    }
    const format = (raw as { format?: unknown } | null)?.format;
    if (format !== BUNDLE_FORMAT) throw new BundleRefused('BUNDLE_FORMAT_UNKNOWN', `Unknown bundle format ${JSON.stringify(format ?? null)}; this Lentera reads ${BUNDLE_FORMAT}.`, { format });
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new BundleRefused('BUNDLE_MANIFEST_INVALID', `manifest.json: ${i.path.join('.') || '(root)'}: ${i.message}.`, { path: i.path.join('.') });
    }
    const manifest = parsed.data;
    checks.push(`manifest: ${BUNDLE_FORMAT}, exam ${manifest.exam.code}, workstation ${manifest.workstation.id}, bundle ${manifest.sequence}`);

    const certDer = Buffer.from(manifest.signer.certificate, 'base64');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certDer);
    } catch {
      throw new BundleRefused('BUNDLE_SIGNER_INVALID', 'The signer certificate in the manifest cannot be read.');
    }
    const fingerprint = fingerprintOf(certDer);
    if (!verifySignature('sha256', manifestBytes, cert.publicKey, signature)) {
      throw new BundleRefused('BUNDLE_SIGNATURE_INVALID', `The manifest signature does not verify with the certificate of ${manifest.signer.subject}: the manifest was changed or signed by another key.`, { fingerprint });
    }
    const ku = keyUsage(parseCertificate(certDer));
    if (!ku.digitalSignature && !ku.nonRepudiation) throw new BundleRefused('BUNDLE_SIGNER_INVALID', 'The signer certificate may not be used for signatures.', { fingerprint });
    const created = new Date(manifest.createdAt);
    if (container.mtime !== Math.floor(created.getTime() / 1000)) throw new BundleRefused('BUNDLE_CONTAINER', "The bundle's zip structure was altered: the entries' time is not the manifest's.");
    if (Number.isNaN(created.getTime()) || created < new Date(cert.validFrom) || created > new Date(cert.validTo)) {
      throw new BundleRefused('BUNDLE_SIGNER_INVALID', `The signer certificate was not valid at the bundle's time ${manifest.createdAt}.`, { fingerprint });
    }
    checks.push(`signature: RSA-SHA256 over the manifest's exact bytes, by ${manifest.signer.subject} (${fingerprint})`);
    await checkSeal(file, container.comment, cert);
    checks.push('seal: RSA-SHA256 over every byte of the file before it, by the same key');
    if (opts.trusted) {
      const t = opts.trusted(fingerprint);
      if (!t) throw new BundleRefused('BUNDLE_SIGNER_UNKNOWN', `The bundle is signed by a certificate that is not registered here (${fingerprint}); register the workstation's certificate first.`, { fingerprint });
      if (t.exam && t.exam !== manifest.exam.code) throw new BundleRefused('BUNDLE_WRONG_EXAM', `That certificate is registered for exam ${t.exam}, not ${manifest.exam.code}.`, { fingerprint });
      opts.binding?.(fingerprint, manifest);
      checks.push(`signer: registered here${opts.binding ? `, for workstation ${manifest.workstation.id}` : ''}`);
    }
    if (opts.exam && !opts.exam(manifest.exam.code)) throw new BundleRefused('BUNDLE_WRONG_EXAM', `The bundle is for exam ${manifest.exam.code}, which is not loaded here.`, { exam: manifest.exam.code });
    if ((manifest.sequence === 1) !== (manifest.previous === null)) {
      throw new BundleRefused('BUNDLE_CHAIN_BROKEN', `Bundle ${manifest.sequence} ${manifest.previous ? 'names a previous bundle but is the first' : 'names no previous bundle but is not the first'}.`);
    }

    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    if (listed.size !== manifest.files.length) throw new BundleRefused('BUNDLE_MANIFEST_INVALID', 'manifest.json lists a file twice.');
    if (!listed.has(manifest.ruleset.path)) throw new BundleRefused('BUNDLE_MANIFEST_INVALID', `manifest.json names ruleset ${manifest.ruleset.path} but does not list it.`);
    for (const f of manifest.files) if (!b.entries.has(f.path)) throw new BundleRefused('BUNDLE_MISSING_ENTRY', `${f.path} is listed in the manifest but not in the bundle.`, { entry: f.path });
    for (const name of b.entries.keys()) {
      if (name !== MANIFEST && name !== SIGNATURE && !listed.has(name)) throw new BundleRefused('BUNDLE_EXTRA_ENTRY', `${name} is in the bundle but not in the manifest.`, { entry: name });
    }
    let total = 0;
    for (const f of manifest.files) {
      const e = b.entries.get(f.path)!.entry;
      if (e.uncompressedSize !== f.size) throw new BundleRefused('BUNDLE_SIZE_MISMATCH', `${f.path}: the zip says ${e.uncompressedSize} bytes, the manifest ${f.size}.`, { entry: f.path });
      if (f.size > LIMITS.entryBytes) throw new BundleRefused('BUNDLE_ENTRY_TOO_LARGE', `${f.path} is ${f.size} bytes; the limit is ${LIMITS.entryBytes}.`, { entry: f.path });
      if (f.size > LIMITS.ratioFloor && f.size > e.compressedSize * LIMITS.ratio) {
        throw new BundleRefused('BUNDLE_BOMB', `${f.path} would inflate ${Math.round(f.size / Math.max(1, e.compressedSize))} times (${e.compressedSize} → ${f.size} bytes): a compression bomb.`, { entry: f.path });
      }
      total += f.size;
    }
    if (total > LIMITS.totalBytes) throw new BundleRefused('BUNDLE_TOO_LARGE', `The bundle inflates to ${total} bytes; the limit is ${LIMITS.totalBytes}.`);
    checks.push(`entries: exactly the ${manifest.files.length} files of the manifest, ${total} bytes, within the limits`);

    let done = 0;
    const kept = new Map<string, Buffer>();
    for (const f of manifest.files) {
      const hash = createHash('sha256');
      let crc = 0;
      const chunks: Buffer[] | null = opts.keep?.(f.path) ? [] : null;
      const size = await streamEntry(b, b.entries.get(f.path)!, f.size, (c) => {
        hash.update(c);
        crc = crc32(c, crc);
        chunks?.push(c);
      });
      if (crc !== crcOf.get(f.path)) throw new BundleRefused('BUNDLE_HASH_MISMATCH', `${f.path} does not match its CRC in the zip: it was changed.`, { entry: f.path });
      if (size !== f.size) throw new BundleRefused('BUNDLE_SIZE_MISMATCH', `${f.path} has ${size} bytes; the manifest says ${f.size}.`, { entry: f.path });
      if (hash.digest('hex') !== f.sha256) throw new BundleRefused('BUNDLE_HASH_MISMATCH', `${f.path} does not match its sha256 in the manifest: it was changed.`, { entry: f.path });
      if (chunks) kept.set(f.path, Buffer.concat(chunks));
      if (++done % 1000 === 0) opts.onProgress?.(done, manifest.files.length);
    }
    checks.push(`hashes: all ${manifest.files.length} files match their sha256`);
    return { file, sha256: sha256Hex(manifestBytes), manifest, manifestBytes, signerFingerprint: fingerprint, checks, kept };
  } finally {
    b.close();
  }
}
