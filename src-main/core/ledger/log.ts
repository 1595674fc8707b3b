/**
 * The hub's transparency log: leaves and checkpoints in SQLite (tables of migration 6), the Merkle tree in memory,
 * checkpoints signed with the log's own Ed25519 key.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { insertRows, ROWS_PER_INSERT, sql, valuesInsert } from '../db/statements';
import { LenteraError } from '../util/errors';
import { createSecretFile } from '../util/secret-file';
import { randomBytesPooled } from '../util/random-pool';
import { checkpointBytes, logIdOf, type Checkpoint, type SignedCheckpoint } from './checkpoint';
import { recordLeaf, type RecordKind } from './leaf';
import { resultLeafAndHash } from './leaf-node';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromB64url, fromHex, heldLevels, leafHash, MerkleTree, toB64url, toHex, type ChunkStore, type TreeReader } from './merkle';
import type { Receipt } from './receipt';
import { checkpointText, isKeyName, parseCheckpointText, signNote, splitNote, verifierKey } from './signed-note';
import { isCosignatureBy, parseWitnessKey, verifyCosignature, type Witness } from './cosignature';
import { entryBundle, TILE_HEIGHT, TILE_WIDTH, tileExists, type TileRef } from './tiles';

export const LOG_KEY_FILE = 'log-ed25519.pem';
const SALT_BYTES = 16;
const HEX64 = /^[0-9a-f]{64}$/;
/**
 * The tree is kept in the database by chunks of 2^12 leaves (`ledger_chunks`): the same chunks the site keeps its
 * log files by (site.ts LOG_CHUNK).
 */
const TREE_CHUNK_HEIGHT = 12;
const TREE_CHUNK = 1 << TREE_CHUNK_HEIGHT;
/** Kept chunks read a statement when the log opens (their held levels, 992 bytes each): 62 statements at 4 M leaves. */
const CHUNKS_READ = 16;
/**
 * Full chunks whose levels below TILE_HEIGHT stay in memory after they are kept in the database: the latest (the
 * bundle just taken, whose receipts are fetched next). Older ones are let go and read back when asked, so that the
 * hub's memory does not grow with the log (85 MB a million leaves when every hash was held). From TILE_HEIGHT up
 * every chunk's hashes are held (a few hundred kilobytes a million leaves): no tile above level 0 reads one back.
 */
const CHUNKS_HELD = 16;
/** From this many entries on, an exam's leaves and salts are read at once rather than per candidate. */
const BATCH = 64;

/** A result to log: its exam, candidate and digest, and the bundle that made it. */
export interface LogEntry {
  exam: string;
  nomor: string;
  digest: string;
  bundle?: string;
  /**
   * Logged only when the candidate has a leaf already: a result with nothing to show (held back, no score) that
   * withdraws one published before, which the log must then say, or the earlier one would still verify as current.
   */
  ifLogged?: boolean;
}
/**
 * ...unless the exam already holds more than this many times as many candidates as the entries name (one venue's
 * bundle of a large exam): then only the named candidates' are read, LOOKUP_CHUNK to a statement.
 */
const WHOLE_EXAM_UP_TO = 2;
const LOOKUP_CHUNK = 500;
/** The blocks `leaves` copies leaves into: from 64 KiB, doubling up to 4 MiB (a block is freed with its last leaf). */
const LEAF_BLOCK_MIN = 64 * 1024;
const LEAF_BLOCK_MAX = 4 * 1024 * 1024;

interface ExamState {
  digests: Map<string, string>;
  salts: Map<string, Uint8Array>;
}

export interface LogKey {
  privateKey: KeyObject;
  publicKeyRaw: Uint8Array;
  logId: string;
}

/**
 * The log's signing key, DATA/keys/log-ed25519.pem, made on first use.
 *
 * Deliberately NOT encrypted, unlike the people's signing identities: the hub signs checkpoints unattended, with no
 * one there to type a passphrase. It is protected by file permissions (0600 in a 0700 directory) and by being
 * only a log key: a thief could sign a forked checkpoint, but not change a result, and a fork is caught by anyone
 * holding an older checkpoint and asking for a consistency proof.
 */
export function loadLogKey(dataDir: string): LogKey {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOG_KEY_FILE);
  if (!existsSync(file)) createKeyFile(file);
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new LenteraError('INVALID_KEY', `${file} does not hold an Ed25519 key.`, { file });
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKeyRaw = fromB64url(String(jwk.x));
  return { privateKey, publicKeyRaw, logId: logIdOf(publicKeyRaw) };
}

/** Two processes starting together end up sharing one key (see createSecretFile), never a torn file. */
function createKeyFile(file: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  createSecretFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}

interface LeafRow {
  idx: number;
  digest: string;
  leaf_hash: Uint8Array;
}

export class TransparencyLog {
  private readonly key: LogKey;
  /** Where the tree reads back the chunks it let go: the kept chunk's leaves, or the leaves table when that fails. */
  private readonly chunkStore: ChunkStore = { height: TREE_CHUNK_HEIGHT, heldFrom: TILE_HEIGHT, leaves: (chunk, again) => this.chunkLeaves(chunk, again) };
  private tree = new MerkleTree(undefined, this.chunkStore);

  /** Loads every leaf hash, in index order, into the in-memory tree. */
  constructor(
    private readonly db: Db,
    dataDir: string,
  ) {
    this.key = loadLogKey(dataDir);
    this.reload();
    this.assertOwnLog();
  }

  /**
   * The log in the database is signed with this key: a hub whose `keys/` was not copied from the others sharing its
   * database (or lost, and made anew by `loadLogKey`) would otherwise sign the shared log with a key of its own, and
   * every checkpoint after it would belong to another log, its receipts unprovable against the pinned key.
   */
  private assertOwnLog(): void {
    const latest = this.latestCheckpoint();
    if (latest && latest.log !== this.key.logId) {
      throw new LenteraError(
        'LOG_KEY_MISMATCH',
        `The log in this database is signed with the key of log ${latest.log}, and this hub's keys/${LOG_KEY_FILE} is another (log ${this.key.logId}): nothing is signed with it. A hub sharing a database needs the same keys/ folder as the others (copied, 0600); a lost key is restored from its backup, never made anew.`,
        { expected: latest.log, found: this.key.logId },
      );
    }
  }

  /**
   * Rebuilds the in-memory tree from the database. Every public method first calls `sync()`, which calls this
   * when the tree and the table disagree, so callers never need to: it is public for tests and for the hub
   * after restoring a database file.
   */
  reload(): void {
    // The kept chunks first (migration 17), then the leaves after them. What the chunks give is checked against the
    // table's leaf at their end and against the last signed checkpoint they cover; on any difference the tree is
    // built from the leaves alone, as before there were chunks.
    const fromChunks = this.treeFromChunks();
    this.keptChunks = fromChunks?.chunks ?? 0;
    if (fromChunks) {
      this.tree = fromChunks.tree;
      this.letGo();
      return;
    }
    const tree = new MerkleTree(undefined, this.chunkStore);
    this.appendLeavesFrom(tree);
    this.tree = tree;
  }

  /** Lets the tree go of the lower levels of the kept chunks but the latest CHUNKS_HELD. */
  private letGo(): void {
    const upTo = Math.min(this.keptChunks, Math.floor(this.tree.size / TREE_CHUNK)) - CHUNKS_HELD;
    if (upTo > this.tree.evictedChunks) this.tree.evictChunks(upTo);
  }

  /**
   * Chunk `chunk`'s leaf hashes, for the tree to read back: from its kept chunk, or (`again`: a block of them did not
   * give the hash the tree holds over it, or there is no kept chunk) from the leaves table.
   */
  private chunkLeaves(chunk: number, again: boolean): Uint8Array {
    if (!again) {
      // Its leaves' part only (the levels above are hashed up from them again, block by block, and checked).
      const leaves = sql(this.db, 'SELECT substr(levels, 1, ?) FROM ledger_chunks WHERE chunk = ?').pluck().get(TREE_CHUNK * 32, chunk) as Uint8Array | null | undefined;
      if (leaves) return leaves;
    }
    const rows = sql(this.db, 'SELECT leaf_hash FROM ledger_leaves WHERE idx >= ? AND idx < ? ORDER BY idx').pluck().all(chunk * TREE_CHUNK, (chunk + 1) * TREE_CHUNK) as Uint8Array[];
    return Buffer.concat(rows);
  }

  /** Full chunks of the tree known to be in `ledger_chunks`, from chunk 0 on. */
  private keptChunks = 0;

  /** The tree from the kept chunks and the leaves after them; null when the chunks disagree with the leaves. */
  private treeFromChunks(): { tree: MerkleTree; chunks: number } | null {
    // Each chunk's levels from TILE_HEIGHT up are held (`appendEvictedChunk`); below them it is read back when asked.
    // So only those are read: 992 bytes of a chunk's 262,112 (at a million leaves 240 KB, not 64 MB, which on
    // PostgreSQL crossed as hex text and took 1.8 s to open). SQL's substr counts from 1, on both stores.
    const held = heldLevels(TREE_CHUNK_HEIGHT, TILE_HEIGHT);
    const tree = new MerkleTree(undefined, this.chunkStore);
    let chunks = 0;
    // By key, a bounded number a statement: on PostgreSQL a cursor held outside a transaction would first copy every
    // row it reads to a temporary file of the server's.
    for (let taken = CHUNKS_READ; taken === CHUNKS_READ; ) {
      taken = 0;
      const rows = sql(this.db, 'SELECT chunk, substr(levels, ?, ?) FROM ledger_chunks WHERE chunk >= ? ORDER BY chunk LIMIT ?').raw().all(held.start + 1, held.length, chunks, CHUNKS_READ) as [number, Uint8Array | null][];
      for (const [chunk, levels] of rows) {
        if (chunk !== chunks || !levels) break;
        try {
          tree.appendEvictedChunk(levels);
        } catch {
          // Its levels do not hash up to its root (or are cut short): not to be trusted below it.
          return null;
        }
        chunks++;
        taken++;
      }
    }
    if (chunks > 0) {
      const last = sql(this.db, 'SELECT leaf_hash FROM ledger_leaves WHERE idx = ?').get(tree.size - 1) as Pick<LeafRow, 'leaf_hash'> | undefined;
      // The last leaf is read back, its block hashed up to the hash held over it: when neither the kept leaves nor the
      // table's give that hash, the chunks disagree with the leaves too.
      let held: Uint8Array;
      try {
        held = tree.leaf(tree.size - 1);
      } catch {
        return null;
      }
      if (!last || !sameHex(last.leaf_hash, held)) return null;
    }
    this.appendLeavesFrom(tree);
    if (chunks > 0) {
      const cp = sql(this.db, 'SELECT size, root FROM ledger_checkpoints WHERE size <= ? ORDER BY size DESC LIMIT 1').get(tree.size) as { size: number; root: string } | undefined;
      if (cp && cp.size > 0 && toHex(tree.root(cp.size)) !== cp.root) return null;
    }
    return { tree, chunks };
  }

  /**
   * Writes each full chunk of the tree not yet in `ledger_chunks`, in the caller's transaction (so a rollback takes
   * them with the leaves). Another process may have written one already: the same bytes, left as they are.
   */
  private keepChunks(): void {
    const full = Math.floor(this.tree.size / TREE_CHUNK);
    for (; this.keptChunks < full; this.keptChunks++) {
      sql(this.db, 'INSERT OR IGNORE INTO ledger_chunks (chunk, levels) VALUES (?, ?)').run(this.keptChunks, this.tree.subtreeLevels(TREE_CHUNK_HEIGHT, this.keptChunks));
    }
  }

  /**
   * Brings the tree in line with the table. `append` runs inside the caller's transaction and adds to the tree as
   * it inserts; if that transaction rolls back, the table loses leaves the tree still has. Rather than make every
   * caller remember to undo, each public method compares the last leaf in the table with the tree's (one indexed
   * read) and rebuilds on any difference; leaves added by another connection are read in incrementally.
   */
  private sync(): void {
    const last = sql(this.db, 'SELECT idx, leaf_hash FROM ledger_leaves ORDER BY idx DESC LIMIT 1').get() as Pick<LeafRow, 'idx' | 'leaf_hash'> | undefined;
    const dbSize = last ? last.idx + 1 : 0;
    const size = this.tree.size;
    if (dbSize === size) {
      if (size === 0 || sameHex(this.tree.leaf(size - 1), last!.leaf_hash)) {
        // The table has what the tree has: the chunks kept with it are there too (or in this very transaction).
        this.letGo();
        return;
      }
      this.reload();
      return;
    }
    if (dbSize < size) {
      this.reload();
      return;
    }
    // Grown elsewhere: our last leaf must still be there, or the table was replaced and we start over.
    if (size > 0) {
      const mine = sql(this.db, 'SELECT leaf_hash FROM ledger_leaves WHERE idx = ?').get(size - 1) as Pick<LeafRow, 'leaf_hash'> | undefined;
      if (!mine || !sameHex(this.tree.leaf(size - 1), mine.leaf_hash)) {
        this.reload();
        return;
      }
    }
    this.appendLeavesFrom(this.tree);
    // The other process kept the chunks its leaves filled, in their transaction: a process that only reads (serves
    // proofs and tiles) lets go of them too.
    const full = Math.floor(this.tree.size / TREE_CHUNK);
    if (full > this.keptChunks) {
      const there = sql(this.db, 'SELECT COUNT(*) AS n FROM ledger_chunks WHERE chunk >= ? AND chunk < ?').get(this.keptChunks, full) as { n: number | string };
      if (Number(there.n) === full - this.keptChunks) this.keptChunks = full;
    }
    this.letGo();
  }

  /** Appends to `tree` the table's leaf hashes from its size on. */
  private appendLeavesFrom(tree: MerkleTree): void {
    // Raw rows: a million leaves read as objects took a second more.
    for (const [idx, hash] of sql(this.db, 'SELECT idx, leaf_hash FROM ledger_leaves WHERE idx >= ? ORDER BY idx').raw().iterate(tree.size) as IterableIterator<[number, Uint8Array]>) {
      if (idx !== tree.size) throw new LenteraError('LEDGER_CORRUPT', `The transparency log has no leaf ${tree.size}.`, { index: tree.size });
      tree.append(hash);
    }
  }

  get size(): number {
    this.sync();
    return this.tree.size;
  }

  /**
   * The tree as the table holds it now, to read (the site compares the leaves it publishes with it rather than
   * build a second tree of its own); only the log changes it, and only by appending or by replacing it whole.
   */
  treeReader(): TreeReader {
    this.sync();
    return this.tree;
  }

  /** base64url of the raw 32-byte Ed25519 public key. */
  publicKey(): string {
    return toB64url(this.key.publicKeyRaw);
  }

  logId(): string {
    return this.key.logId;
  }

  /** An Ed25519 signature (base64url) by the log's key over `bytes`: checkpoints, and the hub's acknowledgements. */
  sign(bytes: Uint8Array): string {
    return toB64url(sign(null, bytes, this.key.privateKey));
  }

  /**
   * Appends a leaf per entry whose result changed (an entry `ifLogged` only when its candidate has a leaf already), and returns the new leaves' indexes. An entry whose latest leaf
   * for (exam, nomor) already has that digest is skipped (re-publishing a bundle adds nothing); a candidate's salt is
   * made the first time they are seen and kept for every later leaf.
   *
   * Must run inside the caller's transaction, so leaves land together with whatever published them; it opens none
   * itself. If that transaction rolls back, the next call to any method notices and rebuilds the tree (`sync`).
   */
  append(entries: LogEntry[], at: string): number[] {
    this.sync();
    const added: number[] = [];
    // A whole exam at once (a bundle's 100k results) reads the exam's latest digests and salts in two queries
    // rather than two per candidate; a few entries ask per candidate, as reading a large log whole would cost more.
    const known = entries.length >= BATCH ? new Map<string, ExamState>() : null;
    const named = known ? nomorsByExam(entries) : null;
    // With the state read at once, rows go in ROWS_PER_INSERT at a time; asking per candidate, each entry's rows
    // must be in before the next entry asks, so one at a time.
    const rows = new PendingLeaves(this.db, this.tree, known ? ROWS_PER_INSERT : 1);
    try {
      for (const e of entries) {
        if (!HEX64.test(e.digest)) throw new LenteraError('INVALID_INPUT', 'A result digest is 64 lowercase hex digits.', { exam: e.exam, nomor: e.nomor });
        if (!e.exam || !e.nomor) throw new LenteraError('INVALID_INPUT', 'A log entry needs an exam code and a candidate number.', {});
        let state: ExamState | undefined;
        if (known) {
          state = known.get(e.exam);
          if (!state) known.set(e.exam, (state = this.examState(e.exam, named!.get(e.exam)!)));
        }
        const latestDigest = state ? state.digests.get(e.nomor) : this.latestLeaf(e.exam, e.nomor)?.digest;
        if (latestDigest === e.digest || (e.ifLogged && latestDigest === undefined)) continue;
        const salt = this.saltOf(e.exam, e.nomor, state?.salts, rows);
        const { leaf, hash } = resultLeafAndHash(e.exam, e.nomor, e.digest, salt);
        added.push(rows.add(e.exam, e.nomor, e.digest, leaf, hash, e.bundle ?? null, at));
        state?.digests.set(e.nomor, e.digest);
      }
    } finally {
      // Also on a refused entry: the ones before it are in, as when each went in on its own.
      rows.flush();
      this.keepChunks();
    }
    return added;
  }

  /**
   * The latest result digest and the salt of each candidate of `nomors` in an exam: what `append` checks per entry,
   * read at once. The exam's every candidate is read when that is about as many (a bundle of a new exam, or of a whole
   * one); when the exam holds many more (another venue's bundle of an exam of a million), only theirs, so that the
   * ingest's cost follows the bundle and not what the exam already holds (issue 18).
   */
  private examState(exam: string, nomors: readonly string[]): ExamState {
    const state: ExamState = { digests: new Map(), salts: new Map() };
    const take = (digests: Iterable<unknown>, salts: Iterable<unknown>) => {
      // Leaves in index order: a candidate's latest digest is the last one set.
      for (const [nomor, digest] of digests as Iterable<[string, string]>) state.digests.set(nomor, digest);
      for (const [nomor, salt] of salts as Iterable<[string, Uint8Array]>) state.salts.set(nomor, salt);
    };
    // Counted only as far as the choice needs: the count then follows the bundle too, not the exam.
    const most = WHOLE_EXAM_UP_TO * nomors.length;
    const held = Number((sql(this.db, 'SELECT COUNT(*) AS n FROM (SELECT 1 FROM ledger_salts WHERE exam_code = ? LIMIT ?) AS held').get(exam, most + 1) as { n: number | string }).n);
    if (held <= most) {
      take(
        sql(this.db, "SELECT nomor_peserta, digest FROM ledger_leaves WHERE exam_code = ? AND kind = 'hasil' ORDER BY idx").raw().iterate(exam),
        sql(this.db, 'SELECT nomor_peserta, salt FROM ledger_salts WHERE exam_code = ?').raw().iterate(exam),
      );
      return state;
    }
    const marks = Array.from({ length: LOOKUP_CHUNK }, () => '?').join(', ');
    const latest = sql(this.db, `SELECT nomor_peserta, digest FROM ledger_leaves WHERE exam_code = ? AND kind = 'hasil' AND nomor_peserta IN (${marks}) ORDER BY idx`);
    const salted = sql(this.db, `SELECT nomor_peserta, salt FROM ledger_salts WHERE exam_code = ? AND nomor_peserta IN (${marks})`);
    for (let i = 0; i < nomors.length; i += LOOKUP_CHUNK) {
      // The last piece filled up with its last name again: one statement for every piece.
      const part = Array.from({ length: LOOKUP_CHUNK }, (_, k) => nomors[Math.min(i + k, nomors.length - 1)]!);
      take(latest.raw().iterate(exam, ...part), salted.raw().iterate(exam, ...part));
    }
    return state;
  }

  /**
   * Appends a public record (an announcement, an objection, a report, an answer) as a record leaf and returns its
   * index. `key` names the record ("sanggah:SGH-…") so it can be found again; the record's exact bytes are kept
   * and published beside the leaf. Like `append`, it runs inside the caller's transaction.
   */
  appendRecord(r: { exam: string; kind: RecordKind; key: string; record: Uint8Array }, at: string): number {
    this.sync();
    if (!r.exam || !r.key.includes(':')) throw new LenteraError('INVALID_INPUT', 'A record needs an exam code and a key of the form "kind:id".', { key: r.key });
    const digest = toHex(sha256(r.record));
    const leaf = recordLeaf({ exam: r.exam, kind: r.kind, recordSha256: digest });
    const hash = leafHash(leaf);
    const idx = this.tree.size;
    sql(
      this.db,
      "INSERT INTO ledger_leaves (idx, exam_code, nomor_peserta, digest, leaf, leaf_hash, bundle_sha256, at, kind, record) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
    ).run(idx, r.exam, r.key, digest, leaf, hash, at, r.kind, r.record);
    this.tree.append(hash);
    this.keepChunks();
    return idx;
  }

  /** Every record leaf from `from` on: index, kind, key and the record's exact bytes (what the site publishes). */
  records(from = 0): { index: number; exam: string; kind: RecordKind; key: string; record: Uint8Array; at: string }[] {
    const rows = sql(this.db, "SELECT idx, exam_code, kind, nomor_peserta, record, at FROM ledger_leaves WHERE kind <> 'hasil' AND idx >= ? ORDER BY idx").all(from) as {
      idx: number;
      exam_code: string;
      kind: RecordKind;
      nomor_peserta: string;
      record: Uint8Array;
      at: string;
    }[];
    return rows.map((r) => ({ index: r.idx, exam: r.exam_code, kind: r.kind, key: r.nomor_peserta, record: new Uint8Array(r.record), at: r.at }));
  }

  /**
   * The proof that leaf `index` is in the log at `checkpoint` (default: the latest): the leaf's bytes, its audit path
   * and the signed checkpoint. Null when there is no checkpoint yet or the leaf came after it.
   */
  leafProof(index: number, checkpoint?: SignedCheckpoint): { index: number; leaf: string; proof: string[]; checkpoint: SignedCheckpoint } | null {
    this.sync();
    const cp = checkpoint ?? this.latestCheckpoint();
    if (!cp || index < 0 || index >= cp.size) return null;
    if (cp.log !== this.key.logId || cp.size > this.tree.size || toHex(this.tree.root(cp.size)) !== cp.root) {
      throw new LenteraError('CONFLICT', 'The checkpoint does not belong to this transparency log.', { size: cp.size, root: cp.root });
    }
    const row = sql(this.db, 'SELECT leaf FROM ledger_leaves WHERE idx = ?').get(index) as { leaf: Uint8Array };
    return { index, leaf: Buffer.from(row.leaf).toString('utf8'), proof: this.tree.inclusionProof(index, cp.size).map(toHex), checkpoint: cp };
  }

  /** Signs the current tree head, or returns the stored checkpoint when one of this size exists already. */
  checkpoint(at: string): SignedCheckpoint {
    this.sync();
    const size = this.tree.size;
    const root = toHex(this.tree.root(size));
    const stored = this.storedCheckpoint(size);
    if (stored) {
      // Two heads of one size with different roots would be a fork of our own making: refuse, never re-sign.
      if (stored.root !== root) throw new LenteraError('LEDGER_CORRUPT', `The stored checkpoint of size ${size} does not match the leaves.`, { size });
      return stored;
    }
    // Another process on the same database may have signed since this one opened: with this key, or not.
    this.assertOwnLog();
    const body: Checkpoint = { v: 1, log: this.key.logId, size, root, at };
    const sig = this.sign(checkpointBytes(body));
    const signed: SignedCheckpoint = { ...body, sig };
    sql(this.db, 'INSERT INTO ledger_checkpoints (size, root, at, signed) VALUES (?, ?, ?, ?)').run(size, body.root, at, JSON.stringify(signed));
    return signed;
  }

  latestCheckpoint(): SignedCheckpoint | null {
    const row = sql(this.db, 'SELECT signed FROM ledger_checkpoints ORDER BY size DESC LIMIT 1').get() as { signed: string } | undefined;
    return row ? (JSON.parse(row.signed) as SignedCheckpoint) : null;
  }

  /** Every checkpoint, ascending size. */
  checkpoints(): SignedCheckpoint[] {
    const rows = sql(this.db, 'SELECT signed FROM ledger_checkpoints ORDER BY size').all() as { signed: string }[];
    return rows.map((r) => JSON.parse(r.signed) as SignedCheckpoint);
  }

  /**
   * The receipt for the candidate's latest leaf against `checkpoint` (default: the latest). Null when the
   * candidate has no leaf, there is no checkpoint, or their latest leaf came after it. Throws when the
   * checkpoint is not one of this log's (another key, or a root this tree never had).
   */
  receipt(exam: string, nomor: string, checkpoint?: SignedCheckpoint): Receipt | null {
    this.sync();
    const cp = checkpoint ?? this.latestCheckpoint();
    if (!cp) return null;
    const latest = this.latestLeaf(exam, nomor);
    if (!latest || latest.idx >= cp.size) return null;
    if (cp.log !== this.key.logId || cp.size > this.tree.size || toHex(this.tree.root(cp.size)) !== cp.root) {
      throw new LenteraError('CONFLICT', 'The checkpoint does not belong to this transparency log.', { size: cp.size, root: cp.root });
    }
    const salt = sql(this.db, 'SELECT salt FROM ledger_salts WHERE exam_code = ? AND nomor_peserta = ?').get(exam, nomor) as { salt: Uint8Array };
    return {
      v: 1,
      exam,
      nomor,
      digest: latest.digest,
      salt: toB64url(salt.salt),
      index: latest.idx,
      proof: this.tree.inclusionProof(latest.idx, cp.size).map(toHex),
      checkpoint: cp,
      logKey: this.publicKey(),
    };
  }

  /**
   * One page of a bundle's receipts: those of its result leaves from index `from` up to `last`, at most `limit`, in
   * index order, proved against `checkpoint` (the one its acknowledgement carried). A bundle's leaves are appended
   * together just before that checkpoint is signed, so each is its candidate's latest leaf at the checkpoint: the
   * receipt `receipt` gives for that candidate against it. Three queries per page, not three per candidate.
   */
  bundleReceipts(bundle: string, from: number, last: number, limit: number, checkpoint: SignedCheckpoint): Receipt[] {
    this.sync();
    const cp = checkpoint;
    if (cp.log !== this.key.logId || cp.size > this.tree.size || toHex(this.tree.root(cp.size)) !== cp.root) {
      throw new LenteraError('CONFLICT', 'The checkpoint does not belong to this transparency log.', { size: cp.size, root: cp.root });
    }
    const rows = sql(
      this.db,
      `SELECT l.idx, l.exam_code, l.nomor_peserta, l.digest, s.salt FROM ledger_leaves l
         JOIN ledger_salts s ON s.exam_code = l.exam_code AND s.nomor_peserta = l.nomor_peserta
        WHERE l.idx >= ? AND l.idx <= ? AND l.idx < ? AND l.bundle_sha256 = ? AND l.kind = 'hasil' ORDER BY l.idx LIMIT ?`,
    )
      .raw()
      .all(from, last, cp.size, bundle, limit) as [number, string, string, string, Uint8Array][];
    const logKey = this.publicKey();
    // A node near the root is in every path: its hex is made once and shared. The path holds views of the tree's
    // buffers: a node is known by where it lies.
    const hexOf = new Map<ArrayBufferLike, Map<number, string>>();
    const hex = (h: Uint8Array) => {
      let inBuffer = hexOf.get(h.buffer);
      if (!inBuffer) hexOf.set(h.buffer, (inBuffer = new Map()));
      let t = inBuffer.get(h.byteOffset);
      if (t === undefined) inBuffer.set(h.byteOffset, (t = toHex(h)));
      return t;
    };
    return rows.map(([idx, exam, nomor, digest, salt]) => ({ v: 1, exam, nomor, digest, salt: toB64url(salt), index: idx, proof: this.tree.inclusionPath(idx, cp.size).map(hex), checkpoint: cp, logKey }));
  }

  /**
   * Leaves [from, to)'s bytes (canonical JSON {"c","e","v"}: a salted commitment, no candidate, no result), in index
   * order, superseded ones included: what the site publishes so that anyone can rebuild the tree. The site reads the
   * log a chunk at a time through this, never the whole log at once.
   */
  leaves(from = 0, to = this.size): Uint8Array[] {
    // Views into a few shared blocks, not an array buffer per leaf: a million leaves took 990 MB that way, 160 MB so.
    const out: Uint8Array[] = [];
    let block = new Uint8Array(0);
    let at = 0;
    for (const [idx, leaf] of sql(this.db, 'SELECT idx, leaf FROM ledger_leaves WHERE idx >= ? AND idx < ? ORDER BY idx').raw().iterate(from, to) as IterableIterator<[number, Uint8Array]>) {
      if (idx !== from + out.length) throw new LenteraError('LEDGER_CORRUPT', `The transparency log has no leaf ${from + out.length}.`, { index: from + out.length });
      if (at + leaf.length > block.length) {
        block = new Uint8Array(Math.max(leaf.length, Math.min(LEAF_BLOCK_MAX, 2 * block.length || LEAF_BLOCK_MIN)));
        at = 0;
      }
      block.set(leaf, at);
      out.push(block.subarray(at, at + leaf.length));
      at += leaf.length;
    }
    if (from < to && out.length !== to - from) throw new LenteraError('LEDGER_CORRUPT', `The transparency log has no leaf ${from + out.length}.`, { index: from + out.length });
    return out;
  }

  /** The bytes of leaf `index`, or null when the log has no such leaf. */
  leafAt(index: number): Uint8Array | null {
    const row = sql(this.db, 'SELECT leaf FROM ledger_leaves WHERE idx = ?').get(index) as { leaf: Uint8Array } | undefined;
    return row ? new Uint8Array(row.leaf) : null;
  }

  /** `leafIndex` of every candidate of an exam with a result leaf, in one query, the leaf hash as its bytes. */
  leafIndexes(exam: string): Map<string, { index: number; leafHash: Uint8Array; digest: string }> {
    const out = new Map<string, { index: number; leafHash: Uint8Array; digest: string }>();
    for (const r of sql(this.db, "SELECT idx, nomor_peserta, digest, leaf_hash FROM ledger_leaves WHERE exam_code = ? AND kind = 'hasil' ORDER BY idx").raw().iterate(exam) as IterableIterator<[number, string, string, Uint8Array]>) {
      out.set(r[1], { index: r[0], leafHash: r[3], digest: r[2] });
    }
    return out;
  }

  leafIndex(exam: string, nomor: string): { index: number; leafHash: string; digest: string } | null {
    const row = this.latestLeaf(exam, nomor);
    return row ? { index: row.idx, leafHash: toHex(row.leaf_hash), digest: row.digest } : null;
  }

  /** hex PROOF(m, D[n]) of RFC 6962; empty when m is 0 or equals n. */
  consistencyProof(m: number, n: number): string[] {
    this.sync();
    return this.tree.consistencyProof(m, n).map(toHex);
  }

  rootAt(size: number): string {
    this.sync();
    return toHex(this.tree.root(size));
  }

  /**
   * The origin line of this log's C2SP checkpoints and the name of its key in them: the one pinned (`pinOrigin`:
   * the public URL the log is served under, without the scheme), else one made from the log's id, which never
   * changes either.
   */
  origin(): string {
    const pinned = sql(this.db, "SELECT value FROM meta WHERE key = 'log.origin'").pluck().get() as string | undefined;
    if (pinned !== undefined) return pinned;
    // About one key in 1,850 has an id whose first 16 hex digits are all decimal: a name the site's guard reads as a
    // full NIK, refusing every site write. Such a log is named by one more hex digit, not a 16-digit number (its
    // site could never have been written under the short name, so no one has it).
    const id = this.key.logId.slice(0, 16);
    return `lentera-log/${/^\d{16}$/.test(id) ? this.key.logId.slice(0, 17) : id}`;
  }

  /**
   * Names the log for good: witnesses and clients pin the origin with the key, so once set it cannot be changed
   * (a log under another name is another log). Setting the same name again is nothing.
   */
  pinOrigin(origin: string): void {
    if (!isKeyName(origin) || origin.startsWith('{')) {
      throw new LenteraError('INVALID_INPUT', `"${origin}" cannot name a log: no spaces, no "+", no control characters, at most 256 characters.`, { origin });
    }
    const pinned = sql(this.db, "SELECT value FROM meta WHERE key = 'log.origin'").pluck().get() as string | undefined;
    if (pinned === origin) return;
    const named = pinned ?? (this.latestCheckpoint() ? this.origin() : undefined);
    if (named !== undefined && named !== origin) {
      // Its checkpoints were served under that name (the default one too, once there is a checkpoint), and witnesses
      // cosigned those texts: under another name it would be another log to them.
      throw new LenteraError('CONFLICT', `This log is named "${named}" in its checkpoints; it cannot be renamed "${origin}" (a log under another name is another log to its witnesses).`, { origin, pinned: named });
    }
    sql(this.db, "INSERT INTO meta (key, value) VALUES ('log.origin', ?)").run(origin);
  }

  /** The verifier key ("name+id+key") that tlog clients and witnesses are configured with. */
  noteKey(): string {
    return verifierKey(this.origin(), this.key.publicKeyRaw);
  }

  /**
   * The latest checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): the same size and root as the JSON
   * checkpoint, signed by the same key. Ed25519 is deterministic, so the same head always gives the same bytes.
   * Null while nothing was checkpointed.
   */
  checkpointNote(): { size: number; note: string } | null {
    const cp = this.latestCheckpoint();
    if (!cp) return null;
    const name = this.origin();
    const note = signNote(checkpointText(name, cp.size, fromHex(cp.root)), name, this.key.publicKeyRaw, (m) => sign(null, m, this.key.privateKey));
    // The witnesses' cosignatures of this head follow the log's own signature (clients ignore keys they do not know).
    const lines = sql(this.db, 'SELECT line FROM log_cosignatures WHERE size = ? ORDER BY witness').pluck().all(cp.size) as string[];
    return { size: cp.size, note: note + lines.map((l) => `${l}\n`).join('') };
  }

  /** Registers a witness by its verifier key; the same name with another key is refused (a key is not replaced quietly). */
  addWitness(vkey: string, at: string, by: string): Witness {
    const w = parseWitnessKey(vkey);
    if (!w) throw new LenteraError('INVALID_INPUT', 'A witness key is "name+id+base64(0x04 ‖ Ed25519 key)", as `lentera witness init` prints it.', {});
    const known = sql(this.db, 'SELECT vkey FROM log_witnesses WHERE name = ?').pluck().get(w.name) as string | undefined;
    if (known === vkey) return w;
    if (known !== undefined) throw new LenteraError('CONFLICT', `A witness named ${w.name} is registered with another key.`, { name: w.name });
    // A v1 cosignature does not sign the witness's name: one key under two names would let anyone relabel its lines.
    const sameKey = this.witnesses().find((r) => toHex(parseWitnessKey(r.vkey)!.publicKeyRaw) === toHex(w.publicKeyRaw));
    if (sameKey) throw new LenteraError('CONFLICT', `This key is registered already, as the witness ${sameKey.name}: each witness has a key of its own.`, { name: sameKey.name });
    sql(this.db, 'INSERT INTO log_witnesses (name, vkey, added_at, added_by) VALUES (?, ?, ?, ?)').run(w.name, vkey, at, by);
    return w;
  }

  /** The registered witnesses, each with the size of the latest checkpoint it cosigned (null: none yet). */
  witnesses(): { name: string; vkey: string; addedAt: string; lastCosigned: number | null }[] {
    return sql(this.db, 'SELECT w.name, w.vkey, w.added_at AS addedAt, (SELECT MAX(size) FROM log_cosignatures c WHERE c.witness = w.name) AS lastCosigned FROM log_witnesses w ORDER BY w.name').all() as {
      name: string;
      vkey: string;
      addedAt: string;
      lastCosigned: number | null;
    }[];
  }

  /**
   * Keeps the cosignatures a note carries: its text must be one of this log's signed heads, word for word, and each
   * line by a registered witness must verify (one that does not refuses the whole note). Lines by other keys are
   * ignored. `now` in seconds: a cosignature dated more than ten minutes ahead is refused. `accepted` names the
   * witnesses whose cosignature is new here (empty when all were kept already).
   */
  acceptCosignatures(note: string, at: string, now: number): { size: number; accepted: string[] } {
    const parts = splitNote(note);
    const text = parts?.text ?? '';
    const head = parseCheckpointText(text);
    const stored = head ? this.storedCheckpoint(head.size) : null;
    if (!head || !stored || head.origin !== this.origin() || stored.root !== toHex(head.root) || text !== checkpointText(head.origin, head.size, head.root)) {
      throw new LenteraError('COSIGNATURE_UNKNOWN_HEAD', 'The note is not one of this log\'s signed checkpoints, word for word.', {});
    }
    const witnesses = (sql(this.db, 'SELECT vkey FROM log_witnesses').pluck().all() as string[]).map((v) => parseWitnessKey(v)!);
    const accepted: string[] = [];
    const seen = new Set<string>();
    let known = 0;
    for (const line of parts!.lines) {
      for (const w of witnesses) {
        // One line per witness is read: a note repeating a line a hundred times is not a hundred checks.
        if (seen.has(w.name) || !isCosignatureBy(line, w)) continue;
        seen.add(w.name);
        known++;
        const v = verifyCosignature(line, text, w);
        if (!v) throw new LenteraError('COSIGNATURE_INVALID', `The cosignature of ${w.name} does not verify with its registered key.`, { witness: w.name });
        if (v.timestamp > now + 600) throw new LenteraError('COSIGNATURE_INVALID', `The cosignature of ${w.name} is dated in the future.`, { witness: w.name });
        // Only a newer cosignature replaces the one kept: a line replayed (anyone can copy it from /checkpoint) changes nothing.
        const { changes } = sql(
          this.db,
          'INSERT INTO log_cosignatures (size, witness, signed_time, line, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (size, witness) DO UPDATE SET signed_time = excluded.signed_time, line = excluded.line, received_at = excluded.received_at WHERE excluded.signed_time > log_cosignatures.signed_time',
        ).run(head.size, w.name, v.timestamp, line, at);
        if (changes > 0) accepted.push(w.name);
      }
    }
    if (known === 0) throw new LenteraError('WITNESS_UNKNOWN', 'The note carries no cosignature by a witness registered at this hub.', {});
    return { size: head.size, accepted };
  }

  /**
   * A tile (c2sp.org/tlog-tiles) of the tree at `size` (the latest checkpoint's: no tile shows a leaf a signed
   * head does not cover): null when that tree has no such tile.
   */
  tile(t: TileRef, size: number): Uint8Array | null {
    this.sync();
    if (size > this.tree.size || !tileExists(t, size)) return null;
    const from = t.index * TILE_WIDTH;
    if (t.level !== 'entries') return this.tree.subtrees(8 * t.level, from, t.width);
    const rows = sql(this.db, 'SELECT leaf FROM ledger_leaves WHERE idx >= ? AND idx < ? ORDER BY idx').pluck().all(from, from + t.width) as Uint8Array[];
    if (rows.length !== t.width) throw new LenteraError('LEDGER_CORRUPT', `The transparency log is missing leaves ${from}…${from + t.width - 1}.`, { index: from });
    return entryBundle(rows);
  }

  private latestLeaf(exam: string, nomor: string): LeafRow | undefined {
    return sql(this.db, "SELECT idx, digest, leaf_hash FROM ledger_leaves WHERE exam_code = ? AND nomor_peserta = ? AND kind = 'hasil' ORDER BY idx DESC LIMIT 1").get(exam, nomor) as
      | LeafRow
      | undefined;
  }

  private saltOf(exam: string, nomor: string, salts: Map<string, Uint8Array> | undefined, rows: PendingLeaves): Uint8Array {
    const kept = salts ? salts.get(nomor) : (sql(this.db, 'SELECT salt FROM ledger_salts WHERE exam_code = ? AND nomor_peserta = ?').get(exam, nomor) as { salt: Uint8Array } | undefined)?.salt;
    if (kept) return kept;
    // A salt of its own, wiped from the process's random pool as it is taken: a salt is a secret of its candidate's.
    const salt = randomBytesPooled(SALT_BYTES);
    rows.addSalt(exam, nomor, salt);
    salts?.set(nomor, salt);
    return salt;
  }

  /** The checkpoint of this size the log signed, if it signed one. */
  storedCheckpoint(size: number): SignedCheckpoint | null {
    const row = sql(this.db, 'SELECT signed FROM ledger_checkpoints WHERE size = ?').get(size) as { signed: string } | undefined;
    return row ? (JSON.parse(row.signed) as SignedCheckpoint) : null;
  }
}

const leavesInsert = valuesInsert('INSERT INTO ledger_leaves (idx, exam_code, nomor_peserta, digest, leaf, leaf_hash, bundle_sha256, at)', '(?, ?, ?, ?, ?, ?, ?, ?)');
const saltsInsert = valuesInsert('INSERT INTO ledger_salts (exam_code, nomor_peserta, salt)', '(?, ?, ?)');

/**
 * Leaves (and the salts they use) on their way into the table, many rows per statement: 100k single-row inserts
 * spent more in the calls into better-sqlite3 than in SQLite. A leaf's hash joins the tree only once its row is
 * in, so a failed insert leaves the tree as the table has it.
 */
class PendingLeaves {
  private leaves: unknown[] = [];
  private salts: unknown[] = [];
  private hashes: Uint8Array[] = [];

  constructor(
    private readonly db: Db,
    private readonly tree: MerkleTree,
    private readonly per: number,
  ) {}

  addSalt(exam: string, nomor: string, salt: Uint8Array): void {
    this.salts.push(exam, nomor, salt);
  }

  /** Queues a leaf row and returns the index it will have. */
  add(exam: string, nomor: string, digest: string, leaf: Uint8Array, hash: Uint8Array, bundle: string | null, at: string): number {
    const idx = this.tree.size + this.hashes.length;
    this.leaves.push(idx, exam, nomor, digest, leaf, hash, bundle, at);
    this.hashes.push(hash);
    if (this.hashes.length >= this.per) this.flush();
    return idx;
  }

  flush(): void {
    // Taken first: should an insert fail, the rows are not tried again by a later flush.
    const salts = this.salts;
    const leaves = this.leaves;
    const hashes = this.hashes;
    this.salts = [];
    this.leaves = [];
    this.hashes = [];
    insertRows(this.db, saltsInsert, 3, salts.length / 3, (args, at, row) => copyRow(salts, 3, args, at, row));
    insertRows(this.db, leavesInsert, 8, leaves.length / 8, (args, at, row) => copyRow(leaves, 8, args, at, row));
    for (const h of hashes) this.tree.append(h);
  }
}

/** Row `row` of the flat `values` (`width` per row) into `args` from `at`. */
function copyRow(values: unknown[], width: number, args: unknown[], at: number, row: number): void {
  for (let k = 0; k < width; k++) args[at + k] = values[row * width + k];
}

function sameHex(a: Uint8Array, b: Uint8Array): boolean {
  return toHex(a) === toHex(b);
}

/** Each exam's candidates among `entries`, each once. */
function nomorsByExam(entries: readonly { exam: string; nomor: string }[]): Map<string, string[]> {
  const seen = new Map<string, Set<string>>();
  for (const e of entries) {
    let s = seen.get(e.exam);
    if (!s) seen.set(e.exam, (s = new Set()));
    s.add(e.nomor);
  }
  return new Map([...seen].map(([exam, s]) => [exam, [...s]]));
}
