import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { parseCertificate, keyUsage } from '../keys/pki';
import { fingerprintOf } from '../keys/identities';
import { BundleRefused } from './refusal';
import { checkContainer, checkLocalHeaders, expectedStructure, readDirectory, type EntryLayout, type Source } from './container';
import { openSealedZip, openZip } from './zip-reader';
import { isSealedFile, SealedFileReader } from '../custody/sealed-file';
import { isLenteraError } from '../util/errors';
import { scanBundle, type Scan } from './scan';
import { checkSealDigest } from './seal';
import { digestsAside, digestsInline, HASHED_HERE_UP_TO, type Digests, type DigestsAside } from './digests-aside';
import { sha256Hex } from '../util/hash';
import { BUNDLE_FORMAT, LIMITS, MANIFEST, manifestSchema, SIGNATURE, type Manifest } from './format';

export { BundleRefused };

/** A workstation's sealed copy of a bundle, given where the bundle itself is wanted: said so, with what to do. */
function sealedCopyRefusal(file: string): BundleRefused {
  return new BundleRefused(
    'BUNDLE_SEALED',
    `${basename(file)} is a bundle as an encrypted workstation keeps it (sealed with its data key), not the bundle itself: on that workstation, \`lentera bundle copy --data DIR --exam CODE --out FILE\` writes the bundle out.`,
    { file: basename(file) },
  );
}

interface ZipEntry {
  name: string;
  uncompressedSize: number;
  compressedSize: number;
  /**
   * yauzl's entry, for what is read through yauzl: a compressed entry, the manifest and its signature. A stored
   * entry (a signed PDF: nearly all of a bundle's 60,000) is hashed on other threads from the directory's layout
   * (container.ts); its yauzl entry, held to the end of a verification, was most of its memory (issue 18).
   */
  entry?: yauzl.Entry;
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

export interface OpenedBundle {
  zip: yauzl.ZipFile;
  entries: Map<string, ZipEntry>;
  close(): void;
}

/**
 * Reads the central directory only and refuses anything suspicious in it; no entry is inflated here. With `key`,
 * a bundle the workstation keeps sealed with it (its own, core/bundles/export.ts) is read through its opening.
 */
export async function openBundle(file: string, opts: { key?: Uint8Array } = {}): Promise<OpenedBundle> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new BundleRefused('FILE_NOT_FOUND', `${file} cannot be read.`, { file });
  }
  const sealed = opts.key && isSealedFile(file) ? new SealedFileReader(file, opts.key, basename(file)) : null;
  if (sealed) size = sealed.size;
  if (size > LIMITS.bundleBytes) {
    sealed?.close();
    throw new BundleRefused('BUNDLE_TOO_LARGE', `The bundle is ${size} bytes; the limit is ${LIMITS.bundleBytes}.`, { size });
  }
  let zip: yauzl.ZipFile;
  try {
    const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true };
    zip = sealed ? await openSealedZip(sealed, options) : await openZip(file, size, options);
  } catch (e) {
    if (isLenteraError(e)) throw e;
    if (!sealed && isSealedFile(file)) throw sealedCopyRefusal(file);
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
      const read = entry.compressionMethod !== 0 || name === MANIFEST || name === SIGNATURE;
      entries.set(name, { name, uncompressedSize: entry.uncompressedSize, compressedSize: entry.compressedSize, ...(read ? { entry } : {}) });
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
    // A stored entry has none: it is read here only if the container's directory and yauzl disagree on its method.
    if (!e.entry) throw new Error('its directory record does not say how it is stored');
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
  if (e.uncompressedSize > limit) throw new BundleRefused('BUNDLE_ENTRY_TOO_LARGE', `${name} declares ${e.uncompressedSize} bytes; the limit is ${limit}.`, { entry: name });
  const chunks: Buffer[] = [];
  await streamEntry(b, e, limit, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

export interface BundleReport {
  file: string;
  sha256: string;
  /** the sha256 of the whole file (the published download's), taken beside the entries' (digests-aside.ts) */
  fileSha256: string;
  manifest: Manifest;
  manifestBytes: Buffer;
  signerFingerprint: string;
  checks: string[];
  /** the bytes of the entries asked for with `keep`, as they were hashed */
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
  /** entries whose bytes the caller wants (an import's data files): kept as they are hashed, not read twice */
  keep?: (path: string) => boolean;
  /**
   * Told as soon as the manifest's signature verifies with the certificate it carries, before the digests are
   * awaited (bundles/ahead.ts starts reading the records then). Whatever it does or throws changes nothing here.
   */
  onSigned?: (fingerprint: string, manifest: Manifest) => void;
  /**
   * The key `file` is sealed with (core/custody/sealed-file.ts), when it is: an upload, sealed as it arrived. Its
   * plaintext is what is verified, read in place, never written out.
   */
  key?: Uint8Array;
}

/**
 * The zip's structure (container.ts, then every local header and descriptor, scan.ts) on this thread, while two
 * others take the digests (digests-aside.ts): the seal's, the whole file's, every stored entry's (a file of one
 * block and a sealed upload are hashed here, before the structure is walked). What is wrong in the structure is
 * thrown here, as the first failure; the seal and the hashes are judged later, in their place. On the threads'
 * path (`headersAside`) the local headers and descriptors are compared there instead, as the entries' thread reads
 * past them, and `verifyBundle` judges them before anything found after this.
 */
async function scanContainer(file: string, keep: VerifyOptions['keep'], key?: Uint8Array): Promise<{ entries: EntryLayout[]; mtime: number | null; comment: Buffer; scan: Scan; aside: DigestsAside; hashed: string[]; headersAside: boolean }> {
  const sealed = key && isSealedFile(file) ? new SealedFileReader(file, key, basename(file)) : null;
  let fd: number;
  try {
    fd = sealed ? -1 : openSync(file, 'r');
  } catch (e) {
    sealed?.close();
    throw e;
  }
  const source: Source = sealed ?? fd;
  let aside: DigestsAside | undefined;
  try {
    const size = sealed ? sealed.size : fstatSync(fd).size;
    const dir = readDirectory(source, size);
    if (dir.failure) {
      // The records before the damaged one are checked as a reader walking them would: their failure comes first.
      checkLocalHeaders(source, dir.entries, dir.failure.index);
      throw dir.failure.error;
    }
    // The digests on two other threads, over the same bytes, while this one checks the structure; a file of one
    // block on this thread, where hashing it costs less than starting them.
    const stored = dir.entries.filter((e) => e.method === 0);
    const ranges = stored.map((e) => ({ start: e.dataStart, length: e.compressedSize }));
    const signedEnd = size - dir.comment.length;
    // A plain file of more than a block: its local headers and descriptors are compared on the entries' thread too,
    // which reads every byte of it anyway, instead of one small read each here (60,000 of them: 0.7 s).
    const headersAside = !sealed && size > HASHED_HERE_UP_TO;
    if (sealed) aside = digestsInline((b, at) => sealed.read(b, 0, b.length, at), ranges, signedEnd);
    else if (!headersAside) aside = digestsInline((b, at) => readSync(fd, b, 0, b.length, at), ranges, signedEnd);
    else aside = digestsAside(file, ranges, signedEnd, expectedStructure(dir.entries));
    const hashed = stored.map((e) => e.name);
    // Bytes are kept only for an entry the limits let through (a refusal on the limits comes before they are judged).
    let total = 0;
    for (const e of dir.entries) if (e.name !== MANIFEST && e.name !== SIGNATURE) total += e.uncompressedSize;
    const keepStored = (e: EntryLayout) => !!keep && total <= LIMITS.totalBytes && e.uncompressedSize <= LIMITS.entryBytes && e.compressedSize === e.uncompressedSize && keep(e.name);
    const scan = await scanBundle(source, dir.entries, keepStored, headersAside);
    return { entries: dir.entries, mtime: dir.mtime, comment: dir.comment, scan, aside, hashed, headersAside };
  } catch (e) {
    await aside?.cancel();
    throw e;
  } finally {
    if (sealed) sealed.close();
    else closeSync(fd);
  }
}

/**
 * The other threads' digests, keyed by stored entry. A thread that failed (the file vanished, the machine ran out
 * of memory or handles) says nothing about the bundle: that is this place's fault, thrown as such, not a refusal.
 */
async function digestsOf(aside: DigestsAside, hashed: string[]): Promise<{ all: Digests; stored: Map<string, Digests['entries'][number]> }> {
  let all: Digests;
  try {
    all = await aside.digests;
  } catch (e) {
    throw new Error(`the bundle's digests could not be taken: ${(e as Error).message}`);
  }
  return { all, stored: new Map(hashed.map((n, i) => [n, all.entries[i] ?? null])) };
}

/**
 * The failure of the first local header or descriptor that is not what its central record says, read here, one by
 * one, as they were before the digests' thread compared them: thrown, so that the message names it. `found`: the
 * thread saw one; if this reading finds none, the file changed between the two.
 */
export function headersFirst(file: string, found: boolean): void {
  try {
    checkContainer(file);
  } catch (e) {
    if (e instanceof BundleRefused) throw e;
    // The file cannot be read again (gone, unreadable): the failure already found stands.
    if (!found) return;
    throw e;
  }
  if (found) throw new BundleRefused('BUNDLE_CONTAINER', "The bundle's zip structure was altered: it changed while it was verified.");
}

/**
 * Everything about a bundle that can be checked without the data it merges into: the zip's directory and its
 * structure, the manifest and its signature, the seal, the entry list against the manifest, the sizes, then every
 * entry's bytes against its sha256. The stored entries (the PDFs: nearly all the bytes) are hashed on two other
 * threads (digests-aside.ts); the compressed entries (the data files) are inflated here after the manifest's
 * checks. The first failure is thrown as a BundleRefused, the same one in the same order as when each check read
 * the file itself.
 */
export async function verifyBundle(file: string, opts: VerifyOptions = {}): Promise<BundleReport> {
  const b = await openBundle(file, opts.key ? { key: opts.key } : {});
  const checks: string[] = [];
  let aside: DigestsAside | undefined;
  // Whether the local headers, compared on the digests' thread, are not yet known to hold: until they are, any
  // failure found is preceded by theirs, as when they were read first (`headersFirst`).
  let headersPending = false;
  try {
    checks.push(`zip directory: ${b.entries.size} entries, no absolute or ".." paths, no links, no duplicates`);
    const container = await scanContainer(file, opts.keep, opts.key);
    aside = container.aside;
    headersPending = container.headersAside;
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
    try {
      opts.onSigned?.(fingerprint, manifest);
    } catch {
      // a listener's fault is no fault of the bundle's
    }
    const digests = await digestsOf(container.aside, container.hashed);
    // Judged here once, not again by the catch below.
    headersPending = false;
    if (digests.all.unexpected >= 0) headersFirst(file, true);
    checkSealDigest(digests.all.seal, container.comment, cert);
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
      const e = b.entries.get(f.path)!;
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
      let chunks: Buffer[] | null = opts.keep?.(f.path) ? [] : null;
      let size: number;
      let digest: string;
      const stored = container.scan.stored.get(f.path);
      if (stored) {
        // A stored entry's bytes are its data as they lie in the file: hashed on the other thread, or here when they
        // are kept (a few small files), so that the bytes kept are the bytes judged.
        const d = stored.bytes ? { sha256: sha256Hex(stored.bytes), crc32: crc32(stored.bytes) } : digests.stored.get(f.path);
        if (!d) throw new BundleRefused('BUNDLE_DAMAGED', `${f.path} cannot be read.`, { entry: f.path });
        size = stored.size;
        crc = d.crc32;
        digest = d.sha256;
        if (chunks) chunks = stored.bytes ? [stored.bytes] : null;
      } else {
        size = await streamEntry(b, b.entries.get(f.path)!, f.size, (c) => {
          hash.update(c);
          crc = crc32(c, crc);
          chunks?.push(c);
        });
        digest = hash.digest('hex');
      }
      if (crc !== crcOf.get(f.path)) throw new BundleRefused('BUNDLE_HASH_MISMATCH', `${f.path} does not match its CRC in the zip: it was changed.`, { entry: f.path });
      if (size !== f.size) throw new BundleRefused('BUNDLE_SIZE_MISMATCH', `${f.path} has ${size} bytes; the manifest says ${f.size}.`, { entry: f.path });
      if (digest !== f.sha256) throw new BundleRefused('BUNDLE_HASH_MISMATCH', `${f.path} does not match its sha256 in the manifest: it was changed.`, { entry: f.path });
      if (chunks) kept.set(f.path, Buffer.concat(chunks));
      if (++done % 1000 === 0) opts.onProgress?.(done, manifest.files.length);
    }
    checks.push(`hashes: all ${manifest.files.length} files match their sha256`);
    return { file, sha256: sha256Hex(manifestBytes), fileSha256: digests.all.sha256, manifest, manifestBytes, signerFingerprint: fingerprint, checks, kept };
  } catch (e) {
    if (headersPending) headersFirst(file, false);
    throw e;
  } finally {
    await aside?.cancel();
    b.close();
  }
}
