import { accessSync, closeSync, constants, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash, KeyObject, webcrypto } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Db } from '../db/open';
import { insertRows, sql, valuesInsert } from '../db/statements';
import { chainHead } from '../audit/chain';
import { refuseIfPurged, requireExam } from '../exams/exams';
import type { UnlockedIdentity } from '../keys/identities';
import { RSA_SHA256 } from '../keys/pki';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { isSealed, isSealedFile, SealedFileReader, sealedPlainSize, SealWriter, transcribe } from '../custody/sealed-file';
import { BlockOut } from './block-out';
import { collectExam, lineDigest, type Collected } from './collect';
import { SEAL_PREFIX, sealLength, sealPlaceholder, signSealDigest } from './seal';
import { writeZipFile, type ZipEntry } from './zip-writer';
import { BUNDLE_FORMAT, DATA_FILES, MANIFEST, SIGNATURE, type Manifest } from './format';
import { holdExamExportLock, holdExportLock } from './recover';
import { fileDigestsAside, type FileDigest, type FileDigestsAside } from './file-digests-aside';
import { newReceiptToken } from '../publish/receipt-access';

/** The steps of an export, for a progress display: records by kind, then PDFs, then the zip and its seal. */
export type ExportStep = keyof typeof DATA_FILES | 'pdf' | 'zip';

export interface PreparedExport {
  examId: string;
  examCode: string;
  sequence: number;
  previous: string | null;
  sha256: string;
  manifest: Manifest;
  /** the file being made: `out` + ".part" until the record is committed */
  part: string;
  /** the bundle's place in the data folder (DATA/bundles/EXAM/…), as recorded */
  out: string;
  /** where a copy of the committed bundle also goes (the command line's --out: a USB stick, say) */
  copyTo?: string;
  bytes: number;
  /** what the next bundle compares against: kind, key, digest */
  exported: [string, string, string][];
  /** ends this export's hold on the export lock (core/bundles/recover.ts) */
  release: () => void;
  /** the data key the file is sealed with (an encrypted workstation's): the copy to `copyTo` is opened with it */
  sealedWith?: Uint8Array;
  /** the token for this bundle's receipts at the hub, kept in its outbox entry; its sha256 is the manifest's `receiptKey` */
  receiptToken: string;
}

/** A JSON array written one record per line, hashed while it is written; sealed with `key` when there is one. */
class LineFile {
  count = 0;
  private readonly fd: number;
  private readonly sealer: SealWriter | null;
  private readonly hash = createHash('sha256');
  private crc = 0;
  private size = 0;
  private readonly out = new BlockOut(1 << 20, (b) => this.put(b));

  constructor(path: string, key?: Uint8Array) {
    this.fd = openSync(path, 'w');
    try {
      this.sealer = key ? new SealWriter(this.fd, key) : null;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  add(line: string): void {
    this.out.byte(this.count++ === 0 ? 0x5b : 0x2c);
    this.out.byte(0x0a);
    this.out.text(line);
  }

  /** Bytes after those written: hashed, then written (the sealer keeps its own copy of what it holds back). */
  private put(b: Buffer): void {
    this.hash.update(b);
    this.crc = crc32(b, this.crc);
    if (this.sealer) this.sealer.write(b);
    else for (let done = 0; done < b.length; ) done += writeSync(this.fd, b, done, b.length - done);
    this.size += b.length;
  }

  close(): { size: number; sha256: string; crc32: number } {
    try {
      if (this.count) this.out.text('\n]\n');
      this.out.flush();
      this.sealer?.end();
    } finally {
      closeSync(this.fd);
    }
    return { size: this.size, sha256: this.hash.digest('hex'), crc32: this.crc };
  }
}

/**
 * Test only: with LENTERA_TEST_KILL_AT=<step> in the environment the process kills itself (SIGKILL) at that step
 * of an export, so tests/attacks/bundle-trust.test.ts can play a crash at each one. The steps: `scratch` (records
 * staged in .parts/), `zip` (the .part written, not yet sealed), `part` (sealed, before the transaction),
 * `commit` (inside the transaction, rows written, not committed), `committed` (committed, not renamed),
 * `renamed` (the file has its name). Nothing else reads this variable.
 */
export function testKillPoint(step: string): void {
  if (process.env.LENTERA_TEST_KILL_AT === step) process.kill(process.pid, 'SIGKILL');
}

type Progress = (step: ExportStep, done: number, total: number) => void;
/** A file to carry: its plaintext's size and digests; `sealedWith`: the file is sealed with that key (its plaintext goes in). */
type Staged = { path: string; file: string; size: number; sha256: string; crc32: number; sealedWith?: Uint8Array };

/**
 * Each kind of record into its own scratch file, line by line and hashed as it goes (an exam of 100,000
 * candidates never sits in memory as one string); only records whose line differs from the last export. On an
 * encrypted workstation (`key`) the scratch files are sealed: they hold names.
 */
async function writeChangedRecords(collected: Collected, known: Map<string, string>, scratch: string, exported: [string, string, string][], onProgress?: Progress, key?: Uint8Array) {
  const files: Staged[] = [];
  const counts: Record<string, number> = {};
  for (const [kind, path] of Object.entries(DATA_FILES) as [keyof typeof DATA_FILES, string][]) {
    onProgress?.(kind, 0, 0);
    const file = join(scratch, kind);
    const writer = new LineFile(file, key);
    for (const item of collected.items[kind]()) {
      const line = JSON.stringify(item.body);
      const digest = lineDigest(line);
      if (known.get(`${kind}\u0000${item.key}`) === digest) continue;
      writer.add(line);
      exported.push([kind, item.key, digest]);
    }
    counts[kind] = writer.count;
    const done = writer.close();
    if (writer.count) files.push({ path, file, ...done, ...(key ? { sealedWith: key } : {}) });
    // Lets the progress notice out (and other requests in) between kinds.
    await new Promise((r) => setImmediate(r));
  }
  return { files, counts };
}

/**
 * A file's sha256, CRC and size in one read of large blocks (no stream per file: an exam has thousands of PDFs). On
 * an encrypted workstation (`key`) a sealed file's plaintext is what is read: the bundle carries the PDF itself.
 */
function digestFile(file: string, buf: Buffer, key?: Uint8Array): { sha256: string; crc32: number; size: number; sealed: boolean } {
  const fd = openSync(file, 'r');
  let sealed: SealedFileReader | null = null;
  try {
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    let n = readSync(fd, buf, 0, buf.length, 0);
    if (isSealed(buf.subarray(0, n))) {
      // A sealed file on a workstation with no key (a folder copied from an encrypted one) is not a PDF to carry.
      if (!key) throw new LenteraError('FILE_ENCRYPTED', `${basename(file)} is encrypted: it was made on an encrypted workstation and cannot go into this one's bundle. Remove it from ${dirname(file)}, or sign the sheets again.`, { file: basename(file) });
      sealed = new SealedFileReader(file, key, basename(file));
      n = sealed.read(buf, 0, buf.length, 0);
    }
    while (n > 0) {
      hash.update(buf.subarray(0, n));
      crc = crc32(buf.subarray(0, n), crc);
      size += n;
      n = sealed ? sealed.read(buf, 0, buf.length, size) : readSync(fd, buf, 0, buf.length, size);
    }
    return { sha256: hash.digest('hex'), crc32: crc, size, sealed: sealed !== null };
  } finally {
    sealed?.close();
    closeSync(fd);
  }
}

/**
 * The signed PDFs whose bytes changed since the last export, from their digests taken aside (`fileDigestsAside`,
 * started before the records): a file the thread left alone (sealed, or unreadable) is read here.
 */
async function changedPdfs(collected: Collected, aside: FileDigestsAside, known: Map<string, string>, exported: [string, string, string][], onProgress?: Progress, key?: Uint8Array): Promise<Staged[]> {
  const total = collected.pdfs.size;
  const files = [...collected.pdfs];
  // The progress of what is still being hashed, until the thread answers.
  onProgress?.('pdf', aside.done(), total);
  const ticker = onProgress ? setInterval(() => onProgress('pdf', aside.done(), total), 250) : null;
  let digests: (FileDigest | null)[];
  try {
    digests = await aside.digests;
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const pdfs: Staged[] = [];
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let i = 0; i < files.length; i++) {
    const [name, file] = files[i]!;
    const taken = digests[i];
    const { sealed, ...d } = taken ? { ...taken, sealed: false } : digestFile(file, buf, key);
    if (known.get(`pdf\u0000${name}`) === d.sha256) continue;
    pdfs.push({ path: `pdf/${name}`, file, ...d, ...(sealed ? { sealedWith: key } : {}) });
    exported.push(['pdf', name, d.sha256]);
  }
  onProgress?.('pdf', total, total);
  return pdfs;
}

/**
 * The zip: manifest and signature first, then the files, then the seal over all of it in the comment. On an
 * encrypted workstation (`dataKey`) the file is the zip sealed with the data key, the seal written in as the file
 * ends; the zip inside is byte for byte the one a plain workstation writes.
 */
async function writeZip(part: string, at: string, manifestBytes: Buffer, signature: Buffer, ruleset: { path: string; data: Buffer }, records: Staged[], pdfs: Staged[], key: CryptoKey, dataKey?: Uint8Array): Promise<void> {
  try {
    const sealedWith = (d: Staged) => (d.sealedWith ? { sealedWith: d.sealedWith } : {});
    const entries: ZipEntry[] = [
      { path: MANIFEST, data: manifestBytes, compress: true },
      { path: SIGNATURE, data: signature, compress: false },
      ...records.map((d) => ({ path: d.path, file: d.file, size: d.size, crc32: d.crc32, compress: true, ...sealedWith(d) })),
      { path: ruleset.path, data: ruleset.data, compress: true },
      // PDFs are compressed already: stored as they are.
      ...pdfs.map((p) => ({ path: p.path, file: p.file, size: p.size, crc32: p.crc32, compress: false, ...sealedWith(p) })),
    ];
    const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
    const sealOf = (digest: Buffer) => {
      const seal = Buffer.from(SEAL_PREFIX + signSealDigest(digest, KeyObject.from(key)).toString('base64'), 'latin1');
      if (seal.length !== sealLength(bits)) throw new Error('unexpected seal length');
      return seal;
    };
    const placeholder = Buffer.from(sealPlaceholder(bits), 'latin1');
    // The seal signs every byte before the comment: their sha256 is taken as they are written (seal.ts says what the
    // seal is; applySeal there does the same by reading the file again).
    const fd = openSync(part, 'w');
    try {
      if (dataKey) {
        const comment = (digest: Buffer) => {
          testKillPoint('zip');
          return sealOf(digest);
        };
        await writeZipFile(fd, entries, { mtime: new Date(at), mode: 0o100664, comment: placeholder, sealed: { key: dataKey, comment } });
        return;
      }
      const digest = await writeZipFile(fd, entries, { mtime: new Date(at), mode: 0o100664, comment: placeholder });
      testKillPoint('zip');
      const seal = sealOf(digest);
      writeSync(fd, seal, 0, seal.length, fstatSync(fd).size - seal.length);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
}

/** A folder the copy of a bundle can be written to: made if missing, and writable. Checked before anything is built. */
function checkCopyTarget(copyTo: string): void {
  const dir = dirname(copyTo);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new LenteraError('COPY_TARGET_UNWRITABLE', `The bundle cannot be copied to ${copyTo}: ${(e as Error).message}. Nothing was exported.`, { file: copyTo });
  }
}

/**
 * Builds the next bundle of an exam into `DATA/bundles/EXAM/NAME.lentera.part`: every record whose digest differs
 * from the one last exported, the ruleset, the signed PDFs that changed, and a manifest signed by the
 * coordinator's key. Nothing in the database changes here; `commitExport` records it once the file is complete,
 * and `finishExport`, after the commit, gives it its name (then copies it to `copyTo`, if asked). The export holds
 * the export lock from here until `finishExport` (core/bundles/recover.ts says why).
 */
export async function prepareExport(
  db: Db,
  opts: {
    examCode: string;
    dataDir: string;
    copyTo?: string;
    pdfDir?: string;
    signer: UnlockedIdentity;
    workstationId: string;
    workstationName: string;
    at: string;
    nativeBinding?: string;
    onProgress?: Progress;
    /** an encrypted workstation's data key: the bundle, its scratch files and its `.part` are kept sealed with it */
    dataKey?: Uint8Array;
  },
): Promise<PreparedExport> {
  const exam = requireExam(db, opts.examCode);
  refuseIfPurged(db, exam.id, 'a new bundle');
  // Before the last bundle is read: the sequence, the .part and the .parts/ are this export's alone.
  const examLock = holdExamExportLock(opts.dataDir, exam.id, opts.nativeBinding);
  let shared: (() => void) | undefined;
  const release = () => {
    try {
      shared?.();
    } finally {
      examLock();
    }
  };
  try {
    return await prepareLocked(db, opts, exam, release, (s) => (shared = s));
  } catch (e) {
    release();
    throw e;
  }
}

async function prepareLocked(
  db: Db,
  opts: Parameters<typeof prepareExport>[1],
  exam: { id: string; code: string },
  release: () => void,
  holding: (shared: () => void) => void,
): Promise<PreparedExport> {
  const examRow = sql(db, 'SELECT code, name, agency, year FROM exams WHERE id = ?').get(exam.id) as { code: string; name: string; agency: string; year: number };
  const collected = collectExam(db, exam.id, exam.code, opts.pdfDir ?? join(opts.dataDir, 'sheets', exam.code));
  const last = sql(db, 'SELECT sequence, sha256 FROM bundle_exports WHERE exam_id = ? ORDER BY sequence DESC LIMIT 1').get(exam.id) as { sequence: number; sha256: string } | undefined;
  const known = new Map((sql(db, 'SELECT kind, key, digest FROM bundle_export_items WHERE exam_id = ?').all(exam.id) as { kind: string; key: string; digest: string }[]).map((r) => [`${r.kind}\u0000${r.key}`, r.digest]));
  const sequence = (last?.sequence ?? 0) + 1;
  const out = join(opts.dataDir, 'bundles', exam.code, `${exam.code}-${opts.workstationId.slice(-12)}-${String(sequence).padStart(4, '0')}.lentera`);
  const copyTo = opts.copyTo && resolve(opts.copyTo) !== out ? resolve(opts.copyTo) : undefined;
  if (copyTo) checkCopyTarget(copyTo);
  const part = `${out}.part`;
  const scratch = `${out}.parts`;
  mkdirSync(dirname(out), { recursive: true });
  holding(holdExportLock(opts.dataDir, opts.nativeBinding));
  const exported: [string, string, string][] = [];
  let made = false;
  let pdfDigests: FileDigestsAside | undefined;
  try {
    // The PDFs hashed on another thread while the records are collected on this one.
    pdfDigests = fileDigestsAside([...collected.pdfs.values()]);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const records = await writeChangedRecords(collected, known, scratch, exported, opts.onProgress, opts.dataKey);
    testKillPoint('scratch');
    const pdfs = await changedPdfs(collected, pdfDigests, known, exported, opts.onProgress, opts.dataKey);
    if (last && exported.length === 0) {
      throw new LenteraError('NOTHING_TO_EXPORT', `Nothing changed since bundle ${last.sequence} of ${exam.code}; no bundle was made.`, { sequence: last.sequence });
    }
    // Recorded in the order of the table's key (a stable sort: a key twice keeps its later digest): 790,000 rows at
    // 100,000 candidates took SQLite 2.6 s in the order they were exported, 1.8 s so, for 0.2 s of sorting.
    exported.sort(byKindThenKey);
    const ruleset = { path: `ruleset/${collected.ruleset.ruleset.id}.json`, data: Buffer.from(collected.ruleset.text) };
    const head = chainHead(db);
    const receipts = newReceiptToken();
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      exam: examRow,
      workstation: { id: opts.workstationId, name: opts.workstationName },
      signer: { certificate: Buffer.from(opts.signer.certDer).toString('base64'), fingerprint: opts.signer.fingerprint, subject: opts.signer.subject },
      sequence,
      previous: last?.sha256 ?? null,
      auditHead: { seq: head.seq, hash: head.hash },
      createdAt: opts.at,
      ruleset: { id: collected.ruleset.ruleset.id, version: collected.ruleset.ruleset.version, sha256: collected.ruleset.sha256, path: ruleset.path },
      counts: { ...records.counts, pdf: pdfs.length },
      receiptKey: receipts.key,
      files: [...records.files, { path: ruleset.path, size: ruleset.data.length, sha256: sha256Hex(ruleset.data) }, ...pdfs].map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
    const signature = Buffer.from(await webcrypto.subtle.sign(RSA_SHA256, opts.signer.privateKey, manifestBytes));
    opts.onProgress?.('zip', 0, manifest.files.length);
    await writeZip(part, opts.at, manifestBytes, signature, ruleset, records.files, pdfs, opts.signer.privateKey, opts.dataKey);
    opts.onProgress?.('zip', manifest.files.length, manifest.files.length);
    testKillPoint('part');
    // The bundle's own size, sealed or not.
    const bytes = opts.dataKey ? sealedPlainSize(statSync(part).size) : statSync(part).size;
    if (bytes === null) throw new Error('the sealed bundle has no sealed file length');
    const prepared: PreparedExport = { examId: exam.id, examCode: exam.code, sequence, previous: last?.sha256 ?? null, sha256: sha256Hex(manifestBytes), manifest, part, out, copyTo, bytes, exported, release, receiptToken: receipts.token, ...(opts.dataKey ? { sealedWith: opts.dataKey } : {}) };
    made = true;
    return prepared;
  } finally {
    await pdfDigests?.cancel();
    rmSync(scratch, { recursive: true, force: true });
    if (!made) {
      rmSync(part, { force: true });
      release();
    }
  }
}

const EXPORTED_INSERT = valuesInsert('INSERT INTO bundle_export_items (exam_id, kind, key, digest, sequence)', '(:exam, ?, ?, ?, :sequence)', ' ON CONFLICT (exam_id, kind, key) DO UPDATE SET digest = excluded.digest, sequence = excluded.sequence');

function byKindThenKey(a: [string, string, string], b: [string, string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * Records a prepared bundle, its outbox entry and (the caller's) audit event, inside the caller's transaction.
 * The file keeps its `.part` name here: `finishExport` renames it once the transaction has committed, so a file
 * under a bundle's name is always a recorded bundle.
 */
export function commitExport(db: Db, p: PreparedExport, at: string, actor: string): { sequence: number; sha256: string; file: string; bytes: number; files: number } {
  const last = sql(db, 'SELECT MAX(sequence) FROM bundle_exports WHERE exam_id = ?').pluck().get(p.examId) as number | null;
  if ((last ?? 0) + 1 !== p.sequence) {
    throw new LenteraError('CONFLICT', `Another bundle of ${p.examCode} was made meanwhile (now at ${last}); export again.`, {});
  }
  if (!existsSync(p.part)) {
    throw new LenteraError('CONFLICT', `The bundle being made for ${p.examCode} was removed before it was recorded; export again.`, {});
  }
  sql(db, 'INSERT INTO bundle_exports (exam_id, sequence, sha256, previous, file, audit_seq, audit_hash, files, bytes, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    p.examId,
    p.sequence,
    p.sha256,
    p.previous,
    p.out,
    p.manifest.auditHead.seq,
    p.manifest.auditHead.hash,
    p.manifest.files.length,
    p.bytes,
    at,
    actor,
  );
  // A first bundle records every item (790,000 at 100,000 candidates): many rows a statement.
  insertRows(db, EXPORTED_INSERT, 3, p.exported.length, (args, at, row) => {
    const [kind, key, digest] = p.exported[row]!;
    args[at] = kind;
    args[at + 1] = key;
    args[at + 2] = digest;
  }, { exam: p.examId, sequence: p.sequence });
  sql(db, "INSERT INTO outbox (bundle_sha256, exam_code, sequence, file, state, created_at, receipt_token) VALUES (?, ?, ?, ?, 'pending', ?, ?)").run(p.sha256, p.examCode, p.sequence, p.out, at, p.receiptToken);
  testKillPoint('commit');
  return { sequence: p.sequence, sha256: p.sha256, file: p.out, bytes: p.bytes, files: p.manifest.files.length };
}

/**
 * Copies a committed bundle out (a USB stick): to `to.part`, then renamed, so a cut-off copy never has a bundle's
 * name. The copy is the bundle itself: one the workstation keeps sealed is opened with `key` on the way.
 */
export function copyBundle(from: string, to: string, key?: Uint8Array): void {
  try {
    if (isSealedFile(from)) transcribe(from, `${to}.part`, key ? { fromKey: key } : {});
    else copyFileSync(from, `${to}.part`);
    renameSync(`${to}.part`, to);
  } catch (e) {
    rmSync(`${to}.part`, { force: true });
    throw e;
  }
}

/**
 * After the export's transaction ended, committed or not (the command runs it once the command is over): a recorded
 * bundle gets its name, then its copy if one was asked for; an unrecorded one is removed. A failed copy leaves the
 * export as it is (recorded, named, pending for the hub) and says why.
 */
export function finishExport(db: Db, p: PreparedExport): { copied?: string; copyError?: string } {
  try {
    if (!sql(db, 'SELECT 1 FROM bundle_exports WHERE sha256 = ?').get(p.sha256)) {
      rmSync(p.part, { force: true });
      return {};
    }
    testKillPoint('committed');
    if (existsSync(p.part)) renameSync(p.part, p.out);
    testKillPoint('renamed');
  } finally {
    p.release();
  }
  if (!p.copyTo) return {};
  try {
    copyBundle(p.out, p.copyTo, p.sealedWith);
    return { copied: p.copyTo };
  } catch (e) {
    return { copyError: `bundle ${p.sequence} of ${p.examCode} was exported and recorded (${p.out}), but the copy to ${p.copyTo} failed: ${(e as Error).message}` };
  }
}

export function listExports(db: Db, examCode?: string) {
  return sql(
    db,
    `SELECT e.code AS exam, b.sequence, b.sha256, b.previous, b.file, b.files, b.bytes, b.created_at AS createdAt, b.actor,
            o.state, o.attempts, o.last_error AS lastError, o.confirmed_at AS confirmedAt, o.receipts_next IS NOT NULL AS receiptsPending
       FROM bundle_exports b JOIN exams e ON e.id = b.exam_id LEFT JOIN outbox o ON o.bundle_sha256 = b.sha256
      WHERE (? IS NULL OR e.code = ?) ORDER BY e.code, b.sequence DESC`,
  ).all(examCode ?? null, examCode ?? null) as { exam: string; sequence: number; sha256: string; previous: string | null; file: string; files: number; bytes: number; createdAt: string; actor: string; state: string | null; attempts: number | null; lastError: string | null; confirmedAt: string | null; receiptsPending: 0 | 1 | null }[];
}

/**
 * Where a bundle naming this workstation stands in its own chain: it must be the very bundle this workstation
 * exported under that sequence (its manifest links to the one before, which was this workstation's too).
 */
export function checkOwnChain(db: Db, m: Manifest, sha256: string): { ok: boolean; detail: string } {
  const row = sql(db, 'SELECT b.sha256 FROM bundle_exports b JOIN exams e ON e.id = b.exam_id WHERE e.code = ? AND b.sequence = ?').get(m.exam.code, m.sequence) as { sha256: string } | undefined;
  if (!row) return { ok: false, detail: `this workstation exported no bundle ${m.sequence} of ${m.exam.code}: the bundle is in its name, not its own` };
  if (row.sha256 !== sha256) return { ok: false, detail: `this workstation's bundle ${m.sequence} of ${m.exam.code} is ${row.sha256.slice(0, 16)}…, not this one: a bundle in its name it did not make` };
  return { ok: true, detail: `bundle ${m.sequence} exported here${m.sequence > 1 ? `, following bundle ${m.sequence - 1} exported here` : ''}` };
}
