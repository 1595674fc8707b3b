/**
 * The publication site: static, self-contained HTML in Bahasa Indonesia that works opened from a USB stick
 * (file://) or any plain web host. Only relative links; data the verification page needs is embedded as
 * scripts (`window.LENTERA_…`), because browsers refuse fetch() on file://.
 *
 * Written into a sibling temporary folder and swapped in at the end, so a failure never leaves a half site under
 * the real name: the previous site stays until the new one is complete. The hub's site is kept in two folders behind
 * a link instead (`twoFolders`): the one not served is brought up to date in place, then the link turns to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, existsSync, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { logIdOf, verifyCheckpoint, type SignedCheckpoint } from '../ledger/checkpoint';
import { parseLeaf } from '../ledger/leaf';
import { completeRoot, fromB64url, fromHex, MerkleTree, toHex, verifyConsistency, type TreeReader } from '../ledger/merkle';
import { leafHashNode } from '../ledger/leaf-node';
import { ExamLeaves, type ExamLeaf } from '../ledger/exam-leaves';
import { openCheckpoint } from '../ledger/signed-note';
import { edgeTiles, entryBundle, TILE_HEIGHT, TILE_WIDTH, tileExists, tilePath, tilesOf, type TileRef } from '../ledger/tiles';
import type { RankedCandidate } from '../ranking/engine';
import { resultsCsvLines, resultsSpreadsheetCsvLines } from '../ranking/export';
import { resultDigest } from '../sheets/result-sheet';
import { LenteraError } from '../util/errors';
import { sha256File, sha256Hex } from '../util/hash';
import { bundlesPage, candidatePage, candidatesPageLines, checkpointPage, examPage, examView, formationPageLines, indexPage, leafEntries, leafOf, rulesPage, strengthsOf, verifyPage, type ExamView, type IndexExam } from './pages';
import { LEAVES_PER_FILE, logPaths, sitePaths } from './paths';
import { SITE_CSS } from './style';
import type { CandidateStrengths } from '../ranking/strengths';
import type { StagePublication } from './stages';
import type { ObservedSession } from './observers';
import { verifyScript } from './verify-bundle';
import type { SiteAnnouncement } from './announcement-hub';
import { writeAnnouncementPages } from './announcement-pages';
import { writeVoicePages, type VoiceSiteInput } from './voice-pages';
import {
  audited,
  collectGroups,
  forgetFolderStats,
  loadCopyStats,
  loadFolderStats,
  loadGroupFiles,
  loadGroupStats,
  loadSiteState,
  recordFolderStats,
  recordSiteStats,
  saveGroupFiles,
  saveSiteState,
  siteState,
  writeSiteState,
  type SiteFileState,
  type SiteFolder,
  PlacedFiles,
  type SiteGroupFiles,
  type SiteGroupState,
  type SiteState,
} from './site-state';
import { ctimeTrusted, sameStat, StatTable, statOf, statRecord, unchangedSince, type FileStat } from '../util/file-stat';
import { hashFileAside, type FileHash } from '../bundles/digests-aside';
import { BAD, checkAside, UNCHANGED, type FileToCheck, type FilesCheck } from './file-checker';
import { siteCodeId } from './site-code';
import { hasFullNik } from './full-nik';
import { SiteFileWriter } from './file-writer';
import { withSiteLock } from './site-lock';
import { jsonHash } from './json-hash';

export interface SiteExam {
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: { id: string; version: string; sha256: string; json: string /* exact bytes of the ruleset file */ };
  formations: { code: string; position: string; unit: string; quota: number; education: string }[];
  candidates: { nomor: string; nama: string; nikMasked: string; kodeFormasi: string; kategori: string }[];
  results: RankedCandidate[];
  /** the interview stages among the results' stages: their score is "Nilai wawancara (skala 0–100)", as on the sheet */
  interviewStages?: string[];
  /** the ranking inputs, JSON-serializable: written as data/<code>/facts.json for recomputation */
  facts: unknown;
  /**
   * The exam package the hub took the order of birth dates from (`lentera hub package`): its sha256, which each venue
   * can compare with the package it imported, and when. Absent where none was given (ties that only the birth order
   * breaks are then held back) or the site is not the hub's.
   */
  agePackage?: { sha256: string; at: string; rosters?: readonly { file: string; sha256: string; candidates: number }[] } | null;
  /** facts two workstations disagree on: shown, never resolved */
  conflicts: { nomor: string; field: string; values: { workstation: string; value: string }[] }[];
  /** nomor → the candidate's latest leaf in the log (the hub's: held compactly) */
  leaves: Record<string, ExamLeaf> | ExamLeaves;
  /**
   * The result digests already computed from these very `results` objects by `resultDigest` (the merged view's):
   * taken as they are rather than computed again. Without it (or for a result not in it) the site computes them.
   * A formation's key names each result by its digest (`formationContent`), so a digest that is not its result's
   * would keep that formation's pages when the result changes.
   */
  digests?: ReadonlyMap<string, string>;
  /**
   * nomor → "Kekuatan dan kelemahan Anda" (core/ranking/strengths.ts), shown on the candidate's page: each
   * candidate's, or a function that makes one as its page is written (the hub's: all of them at once are 130 MB
   * at 100,000 candidates)
   */
  strengths?: Record<string, CandidateStrengths> | ((nomor: string) => CandidateStrengths | undefined);
  /** every stage of the ruleset: published or not, SEMENTARA or final, and when (kept at the hub) */
  stages?: StagePublication[];
  /** the sessions whose signed minutes carry an observer's signature (read from the PDFs in the bundles) */
  observed?: ObservedSession[];
  /**
   * ISO; when the exam's published data last changed at the hub (its latest merged bundle, announcement or stage
   * publication): the time its pages show, so that they keep their bytes from one write to the next while the
   * data stays the same. Without it they show the write's time.
   */
  dataAt?: string;
  /**
   * Names the exam's candidates, results, facts, leaves, strengths and digests, when the caller knows them by a
   * name that changes whenever they do (the hub: its merged bundles and announcements, both append-only). Without
   * it the site hashes them to tell whether its pages can be kept.
   */
  source?: string;
}

/**
 * An exam the caller names and loads only when its pages must be made (the hub): its head, the `source` that names
 * everything else its pages are made from (as `SiteExam.source`, but also its formations, conflicts, stages, observed
 * sessions and interview stages), and `load` for the rest. An exam whose pages the last site already holds for the
 * same key is never loaded, so a write after one bundle holds that bundle's exam in memory, not every exam's.
 */
export interface SiteExamRef {
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: SiteExam['ruleset'];
  dataAt?: string;
  source: string;
  load(): Promise<SiteExam>;
}

/** An exam of the input: given whole, or named and loaded when needed. */
export type SiteExamInput = SiteExam | SiteExamRef;

const isRef = (e: SiteExamInput): e is SiteExamRef => typeof (e as SiteExamRef).load === 'function';

/** A site's input with every exam given whole. */
export type LoadedSiteInput = Omit<SiteInput, 'exams'> & { exams: SiteExam[] };

/** The input with every exam loaded: what a caller that inspects or changes the exams' data works on. */
export async function loadedExams(input: SiteInput): Promise<LoadedSiteInput> {
  const exams: SiteExam[] = [];
  for (const e of input.exams) exams.push(isRef(e) ? await e.load() : e);
  return { ...input, exams };
}

export interface SiteInput {
  /** ISO; shown in WIB */
  generatedAt: string;
  /** b64url raw Ed25519 public key of the log */
  logKey: string;
  logId: string;
  /** ascending size */
  checkpoints: SignedCheckpoint[];
  /** between successive checkpoints */
  consistency: { from: number; to: number; proof: string[] }[];
  /**
   * Every leaf of the log, in index order, superseded ones included (each the exact bytes that were hashed): the
   * site publishes them in log/entri/ so that every checkpoint's root can be recomputed from the site alone. Read a
   * range at a time (an array is such a list; the hub's reads its database).
   */
  leaves: SiteLeaves;
  /**
   * The log's Merkle tree, when the caller holds it (the hub): each published leaf's hash is then compared with the
   * tree's leaf at its index, and the site builds no tree of its own (85 MB a million leaves). It may hold more
   * leaves than are published (the log grew meanwhile); only those are used.
   */
  tree?: TreeReader;
  /** the public records behind record leaves (announcements, objections, reports, answers), each its exact bytes */
  records?: { index: number; record: Uint8Array }[];
  /**
   * The latest checkpoint as a C2SP signed note (its head is the last of `checkpoints`'): with it the site also
   * serves the log as tiles under log/ (log/checkpoint, log/tile/…), for tlog clients and witnesses.
   */
  checkpointNote?: string;
  exams: SiteExamInput[];
  /** every announcement (pengumuman) kept at the hub, of merged exams or not yet (core/publish/announcement-hub.ts) */
  announcements?: SiteAnnouncement[];
  /** objections (sanggah) and public reports (laporan) as published: no names, no numbers, no contact (voice-pages.ts) */
  voice?: VoiceSiteInput;
  bundles: {
    file: string /* absolute path to copy */;
    /**
     * `file`'s inode and ctime when its bytes were verified as `sha256` (the hub's ingest): while it still has them,
     * its copy is not read back and hashed (`copyTo`).
     */
    verified?: FileStat | null;
    name: string;
    sha256: string;
    exam: string;
    workstation: string;
    sequence: number;
    signer: string;
  }[];
  /**
   * The time each formation's pages show (its page and its candidates'), given what each is made from (`contents`:
   * formation code → sha256, `formationContent`) and the exam's data time. The hub answers the exam's data time at
   * which it first published that very content (formation-times.ts), kept in its database: a formation whose data did not change keeps its
   * time, so its pages keep their bytes and are not made again when another venue's bundle changes other formations
   * of the exam (issue 18); a full write gives the same times. Without it (or for a formation it does not answer)
   * they show the exam's data time.
   */
  formationTimes?: (exam: string, contents: ReadonlyMap<string, string>, dataAt: string | undefined) => ReadonlyMap<string, string>;
}

/** The file that marks a folder as a Lentera site: only such a folder (or an empty one) is ever replaced. */
export const SITE_MARKER = 'lentera-situs.json';

const json = (value: unknown) => `${JSON.stringify(value === undefined ? null : value, null, 2)}\n`;

/** A long list as one record per line: readable, diff-able, and half the size of indented JSON. */
function jsonLines(rows: readonly unknown[]): string {
  return [...jsonListLines(rows)].join('');
}

/** `jsonLines` a line at a time, each ending in a newline: the site writes a long one out as it is made. */
function* jsonListLines(rows: readonly unknown[]): Generator<string> {
  if (rows.length === 0) {
    yield '[]\n';
    return;
  }
  yield '[\n';
  for (let i = 0; i < rows.length; i++) yield `${JSON.stringify(rows[i])}${i < rows.length - 1 ? ',' : ''}\n`;
  yield ']\n';
}

/** The facts object with its candidate list one per line, a line at a time. */
function* factsJsonLines(facts: unknown): Generator<string> {
  const f = facts as { formations?: unknown; candidates?: unknown[] } | null;
  if (!f || !Array.isArray(f.candidates)) {
    yield json(facts);
    return;
  }
  // Not a line: the list's first line ends it.
  yield `{\n"formations": ${JSON.stringify(f.formations ?? [])},\n"candidates": `;
  yield* jsonListLines(f.candidates);
  yield '}\n';
}
const byKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Refuses input that would publish something false: a bad signature, a broken proof, a ruleset not its hash. */
function check(input: SiteInput): void {
  const bad = (message: string, details: Record<string, unknown> = {}) => new LenteraError('PUBLISH_INVALID', message, details);
  let key: Uint8Array;
  try {
    key = fromB64url(input.logKey);
  } catch {
    throw bad('The log key is not base64url.');
  }
  if (key.length !== 32) throw bad('The log key is not a 32-byte Ed25519 public key.');
  if (logIdOf(key) !== input.logId) throw bad(`The log id ${input.logId} is not the sha256 of the log key.`);
  let last = -1;
  for (const cp of input.checkpoints) {
    if (!verifyCheckpoint(cp, key)) throw bad(`Checkpoint of size ${cp.size} is not signed by the log key.`, { size: cp.size });
    if (cp.size <= last) throw bad('Checkpoints must be in ascending size.', { size: cp.size });
    last = cp.size;
  }
  for (const p of input.consistency) {
    const a = input.checkpoints.find((c) => c.size === p.from);
    const b = input.checkpoints.find((c) => c.size === p.to);
    if (!a || !b) throw bad(`Consistency proof ${p.from} → ${p.to} names a checkpoint that is not published.`, { from: p.from, to: p.to });
    let ok = false;
    try {
      ok = verifyConsistency(p.from, p.to, fromHex(a.root), fromHex(b.root), p.proof.map(fromHex));
    } catch {
      ok = false;
    }
    if (!ok) throw bad(`Consistency proof ${p.from} → ${p.to} does not hold.`, { from: p.from, to: p.to });
  }
  checkLeaves(input, bad);
  const codes = new Set<string>();
  for (const e of input.exams) {
    if (codes.has(e.code)) throw bad(`Exam ${e.code} appears twice.`, { exam: e.code });
    codes.add(e.code);
    if (sha256Hex(e.ruleset.json) !== e.ruleset.sha256) throw bad(`The ruleset text of ${e.code} does not have the sha256 ${e.ruleset.sha256}.`, { exam: e.code });
  }
}

/**
 * The log's leaves as the site reads them: a range at a time, so that a log of millions is never held whole in
 * memory (issue 18). An array is one.
 */
export interface SiteLeaves {
  readonly length: number;
  slice(start: number, end: number): Uint8Array[];
  /**
   * Whether leaves [0, n) are `earlier`'s, byte for byte, known without reading them again: a list over an
   * append-only log that has checked it is the same log. Without it they are read and compared.
   */
  continues?(earlier: SiteLeaves, n: number): boolean;
}

/** Leaves the check reads at a time: the log's chunk, as the hub's list reads them. */
const CHECK_PAGE = 4096;

const LEAF_TEXT = new TextDecoder('utf-8', { fatal: true });

/**
 * The published leaves must be what the log says and nothing more: each a canonical {"c","e","v":1} commitment
 * (one line of text: canonical JSON has no raw line break), together giving the root of every checkpoint, and the
 * leaf each candidate page names.
 */
function checkLeaves(input: SiteInput, bad: (message: string, details?: Record<string, unknown>) => LenteraError): void {
  const records = new Map((input.records ?? []).map((r) => [r.index, r.record]));
  // The log only grows: leaves the last write in this process checked are taken as checked when the list says it
  // continues that one, or else when each is the same bytes (compared). Cleared while checking, so that a refused
  // input leaves no half-grown tree.
  const prior = verified;
  verified = null;
  const leaves = input.leaves;
  // The log's own tree, when the caller gives it: each leaf's hash is compared with it, and no second tree is built.
  const shared = input.tree;
  if (shared && shared.size < leaves.length) throw bad(`The log's tree holds ${shared.size} leaves; ${leaves.length} are published.`, { size: shared.size });
  const same =
    prior !== null &&
    (shared ? prior.tree === shared : !prior.shared) &&
    prior.size <= leaves.length &&
    (leaves.continues
      ? leaves.continues(prior.source, prior.size)
      : prior.copy !== null && leaves.slice(0, prior.size).every((leaf, i) => leaf === prior.copy![i] || Buffer.compare(leaf, prior.copy![i]!) === 0));
  const own = shared ? null : same ? (prior.tree as MerkleTree) : new MerkleTree();
  const tree: TreeReader = shared ?? own!;
  const recordLeaves = same ? [...prior.recordLeaves] : [];
  const start = same ? prior.size : 0;
  // With the log's own tree: from the first whole block of TILE_WIDTH leaves on, by blocks (below); before it, leaf
  // by leaf. A block's hashes are gathered end to end.
  const blockFrom = own ? Infinity : Math.ceil(start / TILE_WIDTH) * TILE_WIDTH;
  const block = new Uint8Array(TILE_WIDTH * 32);
  let inBlock = 0;
  const notTheTrees = (i: number) => bad(`Leaf ${i} is not the leaf the log's tree holds at that index.`, { index: i });
  for (let from = start; from < leaves.length; from += CHECK_PAGE) {
    const to = Math.min(leaves.length, from + CHECK_PAGE);
    const page = leaves.slice(from, to);
    if (page.length !== to - from) throw bad(`Leaves ${from}–${to - 1} of the log could not be read (${page.length} were).`, { index: from });
    for (let i = from; i < to; i++) {
      const leaf = page[i - from]!;
      const parsed = parseLeaf(leaf);
      if (!parsed) throw bad(`Leaf ${i} is neither a canonical {"c","e","v":1} commitment nor a {"e","h","k","v":1} record leaf.`, { index: i });
      if (parsed.type === 'catatan') recordLeaves.push({ index: i, kind: parsed.kind, sha256: parsed.recordSha256 });
      const hash = leafHashNode(leaf);
      if (own) own.append(hash);
      else if (i >= blockFrom) {
        // Compared by blocks with the hash the tree holds over each (the log's tree holds every chunk's from
        // TILE_HEIGHT up, but no leaf hash of its older chunks; reading each back would hash every block anyway). A
        // block that differs is then looked at leaf by leaf, for the index to name.
        block.set(hash, inBlock++ * 32);
        if (inBlock === TILE_WIDTH) {
          inBlock = 0;
          const b = (i + 1) / TILE_WIDTH - 1;
          if (Buffer.compare(completeRoot(block, TILE_HEIGHT), tree.subtrees(TILE_HEIGHT, b, 1)) !== 0) {
            for (let k = 0; k < TILE_WIDTH; k++) if (Buffer.compare(block.subarray(k * 32, (k + 1) * 32), tree.leaf(b * TILE_WIDTH + k)) !== 0) throw notTheTrees(b * TILE_WIDTH + k);
            throw notTheTrees(b * TILE_WIDTH);
          }
        }
      } else if (Buffer.compare(hash, tree.leaf(i)) !== 0) throw notTheTrees(i);
    }
  }
  // The leaves after the last whole block, one by one (the latest chunks: the tree holds their hashes).
  for (let k = 0; k < inBlock; k++) {
    const i = leaves.length - inBlock + k;
    if (Buffer.compare(block.subarray(k * 32, (k + 1) * 32), tree.leaf(i)) !== 0) throw notTheTrees(i);
  }
  // A record leaf is published with its record, or the public could not read what the log vouches for.
  for (const r of recordLeaves) {
    const record = records.get(r.index);
    if (!record) throw bad(`Leaf ${r.index} is a ${r.kind} record whose text is not published.`, { index: r.index });
    if (sha256Hex(Buffer.from(record)) !== r.sha256) throw bad(`The published record of leaf ${r.index} is not the one the log holds.`, { index: r.index });
  }
  for (const cp of input.checkpoints) {
    if (cp.size > leaves.length) throw bad(`Checkpoint of size ${cp.size} has leaves that are not published (${leaves.length} are).`, { size: cp.size });
    if (toHex(tree.root(cp.size)) !== cp.root) throw bad(`The published leaves do not give the root of the checkpoint of size ${cp.size}.`, { size: cp.size });
  }
  if (input.checkpointNote !== undefined) {
    // The tiles' note: the latest checkpoint's head, signed by the same key (the name in it is the log's origin).
    const opened = openCheckpoint(input.checkpointNote, fromB64url(input.logKey));
    const last = input.checkpoints[input.checkpoints.length - 1];
    if (!opened.ok || !last || opened.head.size !== last.size || toHex(opened.head.root) !== last.root) {
      throw bad("The log's signed note is not the latest checkpoint signed by the log's key.", { size: last?.size ?? 0 });
    }
  }
  for (const e of input.exams) if (!isRef(e)) checkExamLeaves(e, leaves.length, tree);
  // A list that can say it continues this one is kept by reference; any other's leaves are copied to compare with.
  verified = { source: leaves, size: leaves.length, copy: leaves.continues ? null : leaves.slice(0, leaves.length), tree, shared: shared !== undefined, recordLeaves };
}

/** Each leaf an exam's pages name is the leaf the published log holds at that index. */
function checkExamLeaves(e: SiteExam, published: number, tree: TreeReader): void {
  // In the log's order: the hub's tree holds only its latest chunks, and reads each older one back once this way
  // (at random, an exam of 100,000 candidates over a large log would read its chunks again and again).
  const entries = [...leafEntries(e)].sort((a, b) => a[1].index - b[1].index);
  for (const [nomor, l] of entries) {
    if (!(Number.isInteger(l.index) && l.index >= 0 && l.index < published) || toHex(tree.leaf(l.index)) !== l.leafHash) {
      throw new LenteraError('PUBLISH_INVALID', `The leaf of ${nomor} (${e.code}) is not leaf ${l.index} of the published leaves.`, { exam: e.code, nomor, index: l.index });
    }
  }
}

/**
 * The leaves the last successful check in this process verified (their list and how many; their bytes only when the
 * list cannot vouch for itself), their tree (the log's own when it was given) and their record leaves.
 */
let verified: { source: SiteLeaves; size: number; copy: Uint8Array[] | null; tree: TreeReader; shared: boolean; recordLeaves: { index: number; kind: string; sha256: string }[] } | null = null;

/** Bytes of a streamed file (`SiteWriter.lines`) checked and written at a time. */
const LINES_PIECE = 1 << 20;

/** Files a two-folder write checks on another thread at once at the least (`SiteWriter.checkAhead`). */
const CHECK_THREAD_AFTER = 2000;

/** The refusal of a file that holds what may be a full NIK: the whole site is then not published. */
const fullNikRefused = (rel: string) => new LenteraError('PUBLISH_PERSONAL_DATA', `${rel} would contain a 16-digit number that may be a full NIK: nothing was published.`, { path: rel });

/**
 * Writes files under one root, counting them, refusing a full NIK and two names one case-insensitive disk merges.
 * With the state of the site being replaced (site-state.ts), a file whose bytes that site already has is
 * hard-linked from it instead of written: the new site is still built whole in its own folder, so what ends up
 * under the real name is exactly what a full write gives.
 */
class SiteWriter {
  files = 0;
  bytes = 0;
  linked = 0;
  /** files of groups kept as they were, without being made again */
  kept = 0;
  /** files taken from the previous site that were read and hashed, their inode, size or ctime not as recorded */
  checked = 0;
  /**
   * files left as they were in the folder brought up to date in place (two folders, `base`): nothing written,
   * linked or even opened unless their records say they may have changed
   */
  stayed = 0;
  /** files of groups offered to `keep` whose check ran on another thread (`checkAhead`), kept or not */
  checkedAside = 0;
  /** bundles copied and not hashed: the hub's record of their verified bytes vouched for them (`copyTo`) */
  vouched = 0;
  /** the groups left in place whole whose files' records still hold (none needs recording again) */
  readonly settled = new Set<string>();
  /** the files in no group, as placed */
  readonly state: Record<string, SiteFileState> = {};
  readonly groups: Record<string, SiteGroupState> = {};
  /** each group's paths in the order placed, for the stats taken once the site is in place (`recordSiteStats`) */
  readonly groupPaths = new Map<string, readonly string[]>();
  /**
   * The group open since `begin`: its files as placed, and what the previous site's group of that name recorded
   * (the files it may link), read from that group's own state file; no other group's state is held.
   */
  private group: { files: PlacedFiles; prior: Map<string, SiteFileState>; here: Map<string, SiteFileState> } | null = null;
  private readonly dirs = new Set<string>();
  private readonly names = new Map<string, string>();
  /** where `lines` encodes its pieces */
  private linesBuffer = Buffer.alloc(0);

  constructor(
    readonly root: string,
    readonly generatedAt: string,
    /** the site under the real name and its state, when that state describes it */
    private readonly prev: { dir: string; state: SiteState } | null = null,
    private readonly out = new SiteFileWriter(),
    /** the state file (site-state.ts) beside which each group's files are saved as the group ends */
    private readonly stateFile?: string,
    private readonly audit = true,
    private readonly linesPiece = LINES_PIECE,
    /**
     * Two folders (`twoFolders`): the state of what `root` held when it was last served, when it still describes it;
     * then `root` is brought up to date in place rather than filled from empty.
     */
    private readonly base: SiteState | null = null,
    /** how many of `base`'s files `checkAhead` must have to check them on another thread */
    private readonly checkThreadAfter = CHECK_THREAD_AFTER,
    /** starts that check (file-checker.ts); a test gives one whose thread fails */
    private readonly checkFiles: (files: readonly FileToCheck[]) => FilesCheck = checkAside,
    /** whether the previous site stays where it is through this write (two folders), not removed once it is in place */
    private readonly prevStays = false,
  ) {
    this.copyStats = prev && stateFile ? loadCopyStats(stateFile, prev.state.folder) : new Map();
    this.baseCopyStats = base && stateFile ? loadCopyStats(stateFile, base.folder) : new Map();
    if (base && stateFile) {
      this.recordedFolders = loadFolderStats(stateFile, base.folder!);
      this.disturbed = disturbedFolders(root, this.recordedFolders);
    }
  }

  /** the change time of each of `root`'s folders as recorded when it was last served */
  private recordedFolders = new Map<string, string>();

  /** the previous site's copied files (the bundles) as recorded once it was in place */
  private readonly copyStats: Map<string, FileStat>;
  /** the same for `base` */
  private readonly baseCopyStats: Map<string, FileStat>;
  /**
   * `root`'s folders whose change time moved since it was last served, before this write changed anything (names
   * added or removed behind the hub: looked into by `sweep`); null: every folder is looked into.
   */
  private disturbed: Set<string> | null = null;

  /** Whether this write reads and hashes `name`'s files (a group's, or a copied file) whatever their records say. */
  private audited(name: string): boolean {
    return this.audit && audited(this.generation, name);
  }

  /** this write's place in its line of incremental writes (the previous state's, plus one) */
  get generation(): number {
    const g = this.prev?.state.generation;
    return Number.isSafeInteger(g) && g! >= 0 ? g! + 1 : 0;
  }

  /** The site's paths of the files `startCopies` copies. */
  get copiedPaths(): string[] {
    return [...this.copies.keys()];
  }

  /** The path of a new file `rel`, its folder made; synchronous like the writes (see `text`). */
  private place(rel: string): string {
    const folded = rel.toLowerCase();
    const taken = this.names.get(folded);
    if (taken !== undefined) throw new LenteraError('PUBLISH_INVALID', `Two site files would share the name ${rel} (${taken}) on a case-insensitive disk.`, { path: rel });
    this.names.set(folded, rel);
    const file = join(this.root, ...rel.split('/'));
    const dir = dirname(file);
    if (!this.dirs.has(dir)) {
      if (this.base === null) mkdirSync(dir, { recursive: true });
      else this.realFolders(dir);
      this.dirs.add(dir);
    }
    return file;
  }

  /**
   * Makes `dir` and the folders above it (up to `root`) in a folder brought up to date in place, each a real folder:
   * anything else put there behind the hub is removed first, above all a symbolic link, through which the write
   * would go on outside the site.
   */
  private realFolders(dir: string): void {
    let at = this.root;
    for (const part of relative(this.root, dir).split(sep)) {
      if (part === '') continue;
      at = join(at, part);
      if (this.dirs.has(at) || this.real.has(at)) continue;
      const st = lstatSync(at, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) rmSync(at, { force: true });
      if (!st || !st.isDirectory()) {
        mkdirSync(at);
        this.made.add(at);
      }
      this.real.add(at);
    }
  }

  /**
   * Whether `rel`'s folder in `root` and each one above it is a folder, not a link (nor anything else) put there
   * behind the hub. Found once per folder: a group's files share a few.
   */
  private inRealFolder(rel: string): boolean {
    const folder = rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
    let real = this.realRel.get(folder);
    if (real === undefined) {
      const at = join(this.root, ...folder.split('/'));
      real = folder === '' || ((this.dirs.has(at) || this.real.has(at) || lstatSync(at, { throwIfNoEntry: false })?.isDirectory() === true) && this.inRealFolder(folder));
      this.realRel.set(folder, real);
    }
    return real;
  }

  /** `inRealFolder`'s answers, by folder relative to `root` ('' the root itself) */
  private readonly realRel = new Map<string, boolean>();

  /** folders `realFolders` found real or made */
  private readonly real = new Set<string>();
  /** folders `realFolders` made (empty until this write fills them) */
  private readonly made = new Set<string>();

  private prevPath(rel: string): string {
    return join(this.prev!.dir, ...rel.split('/'));
  }

  private rootPath(rel: string): string {
    return join(this.root, ...rel.split('/'));
  }

  /**
   * Removes what `root` holds at `file` before anything is written there: in a folder brought up to date in place a
   * file may be a hard link to the served site's, which writing through would change under the readers' feet.
   */
  private clear(file: string): void {
    // A folder this write made holds only what it wrote (a new exam's twenty thousand pages: nothing to look for).
    if (this.base === null || this.made.has(dirname(file))) return;
    // Looked at first: an unlink of nothing throws, and a thrown error costs three lstats.
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.isDirectory()) rmSync(file, { recursive: true, force: true }); // a folder where a file goes, put there behind the hub
    else unlinkSync(file);
  }

  /**
   * Whether `root` already holds `data` as `rel`, as `base` recorded it (its bytes read and compared: the folder
   * may have been changed since it was served).
   */
  private here(rel: string, data: Buffer, sha: string | null): boolean {
    if (this.base === null || sha === null) return false;
    const before = this.group ? this.group.here.get(rel) : this.base.files[rel];
    if (before === undefined || before.s !== data.length || before.h !== sha) return false;
    const st = holdsAt(this.rootPath(rel), data);
    if (st !== null) this.know(rel, st);
    return st !== null;
  }

  /**
   * Whether the previous site's `rel` still holds `data`. Its bytes are read and compared, not trusted on size and
   * modification time: a file changed in place in the live site, even with its time put back, is written again,
   * so every write still repairs the site as a full write did.
   */
  private holds(rel: string, data: Buffer): boolean {
    return holdsAt(this.prevPath(rel), data) !== null;
  }

  /** The same for a copied file: hashed as `hash` hashes it (a bundle's gigabytes on another thread). */
  private async holdsHash(path: string, size: number, sha256: string, hash: (file: string) => Promise<string>): Promise<FileStat | null> {
    try {
      // Taken before it is hashed: a change after that moves it.
      const st = lstatSync(path, { bigint: true });
      if (!st.isFile() || st.size !== BigInt(size)) return null;
      return (await hash(path)) === sha256 ? statRecord(st.ino, st.ctimeNs) : null;
    } catch {
      return null;
    }
  }

  /** Links the previous site's copy of `rel` to `file`; false when it cannot (then the caller writes). */
  private link(rel: string, file: string): boolean {
    this.clear(file);
    try {
      linkSync(this.prevPath(rel), file);
      this.linked++;
    } catch {
      return false;
    }
    // A link changes the ctime of the file it links, and so does removing the folder linked from (one folder).
    // When that folder stays (two folders), the file is recorded as it is now, just checked and linked.
    if (this.prevStays) {
      const st = statOf(file);
      if (st !== null) this.know(rel, st);
    }
    return true;
  }

  /** Whether the previous site holds exactly `data` (of sha256 `sha`, none for a stamped file) as `rel`. */
  private unchanged(rel: string, content: string, data: Buffer, sha: string | null): boolean {
    const before = this.group?.prior.get(rel) ?? this.prev?.state.files[rel];
    if (!before || before.s !== data.length) return false;
    // Worth reading the old file only when it can match: a file that held the previous write's time (a page
    // footer) only if this text holds that time too, any other only if the hashes agree.
    const candidate = before.h === null ? content.includes(this.prev!.state.generatedAt) : (sha ?? sha256Hex(data)) === before.h;
    return candidate && this.holds(rel, data);
  }

  /** Writes `data` as `file` (`rel`), anything there first removed (`clear`). */
  private writeNew(rel: string, file: string, data: Buffer): void {
    this.clear(file);
    // Its number for the writer, below zero: its stat is taken as it is written, maybe on the writer's thread.
    this.known.set(rel, -1 - this.out.write(file, data));
  }

  /**
   * Files placed by this write whose inode and change time it knows as it last knew their bytes (`placedStat`): as
   * written (`SiteFileWriter.statOf`); as read and found the same; as recorded, when the check found them so; as
   * linked, in two folders. Each one's number in `knownStats`, or (below zero) for the writer.
   */
  private readonly known = new Map<string, number>();
  private readonly knownStats = new StatTable();

  private know(rel: string, st: FileStat): void {
    this.known.set(rel, this.knownStats.add(st));
  }

  /**
   * `rel`'s inode and change time as this write last knew its bytes, so that a change made to a file after this write
   * wrote or checked it, and before its record is saved, is not vouched for by that record. Undefined where it does
   * not know them (a file linked from a site removed after it, or copied from it where it could not be linked): then
   * they are looked up once the site is in place.
   */
  placedStat(rel: string): FileStat | undefined {
    const n = this.known.get(rel);
    if (n === undefined) return undefined;
    return (n < 0 ? this.out.statOf(-1 - n) : this.knownStats.get(n)) ?? undefined;
  }

  /** The state of a file just placed: a group's always holds its sha256 (`text`). */
  private record(rel: string, size: number, sha: string | null): void {
    if (this.group) this.group.files.push(rel, size, sha!);
    else this.state[rel] = { s: size, h: sha };
  }

  /** The sha256 recorded for `rel`, placed by this write (in the open group or in none). */
  recorded(rel: string): string | null | undefined {
    return this.group ? this.group.files.hashOf(rel) : this.state[rel]?.h;
  }

  /** At least `files` more files are coming (an exam's pages): see `SiteFileWriter.expect`. */
  expect(files: number): void {
    this.out.expect(files);
  }

  async text(rel: string, content: string): Promise<void> {
    // Everything below is synchronous: `data` is valid until the next `text`.
    const data = this.out.encode(content);
    if (hasFullNik(data)) throw fullNikRefused(rel);
    const file = this.place(rel);
    // A file holding this write's time changes with every write: its hash would never be matched again. A group's
    // file is kept by its group's key, which holds the time it shows: its hash is always recorded.
    const stamped = this.group === null && content.includes(this.generatedAt);
    const sha = stamped ? null : sha256Hex(data);
    if (this.here(rel, data, sha)) this.stayed++;
    else {
      const same = this.unchanged(rel, content, data, sha);
      // Not through the thread pool: ten thousand small pages are written three times slower that way. A large
      // site's files are created on a thread of their own, beside the pages being made (file-writer.ts).
      if (!same || !this.link(rel, file)) this.writeNew(rel, file, data);
    }
    this.record(rel, data.length, sha);
    this.files++;
    this.bytes += data.length;
  }

  /**
   * A long file of a group (a data file of 100,000 results, the list of every candidate), written as its lines
   * are made: about a megabyte at a time is checked, hashed and written, so that neither its text nor its
   * bytes are ever held whole. It is written even where the previous site holds the same bytes (never linked): such
   * a file is made only when its exam's group is made again, because what that group is made from changed.
   *
   * Cut only after a newline, each piece is checked for a full NIK as the whole would be: a 16-digit run cannot
   * cross a newline, and a newline is as much a boundary as the file's start or end.
   */
  lines(rel: string, lines: Iterable<string>): void {
    if (this.group === null) throw new Error(`lines(${rel}): a streamed file belongs to a group`);
    const file = this.place(rel);
    const hash = createHash('sha256');
    this.clear(file);
    const fd = openSync(file, 'w', 0o666);
    let size = 0;
    // Each line is encoded where the last one ended, into one buffer reused from file to file, never joined with the
    // others as text first: that join was a third of this method's time. (A new buffer per piece, hundreds of
    // megabytes of them at 100,000 candidates, left the allocator's heap holding 60 MB more after they were freed.)
    let used = 0;
    const put = () => {
      const data = this.linesBuffer.subarray(0, used);
      if (hasFullNik(data)) throw fullNikRefused(rel);
      hash.update(data);
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
      size += used;
      used = 0;
    };
    try {
      for (const line of lines) {
        // At most 3 bytes per UTF-16 unit: the line always fits whole. What is held stays, as it cannot be
        // written before its line ends.
        const room = line.length * 3;
        if (used + room > this.linesBuffer.length) {
          const bigger = Buffer.allocUnsafe(Math.max(used + room, this.linesBuffer.length * 2, 1 << 16));
          this.linesBuffer.copy(bigger, 0, 0, used);
          this.linesBuffer = bigger;
        }
        used += this.linesBuffer.write(line, used, 'utf8');
        if (used >= this.linesPiece && this.linesBuffer[used - 1] === 0x0a) put();
      }
      if (used > 0 || size === 0) put();
      const st = fstatSync(fd, { bigint: true });
      this.know(rel, statRecord(st.ino, st.ctimeNs));
    } finally {
      closeSync(fd);
    }
    this.record(rel, size, hash.digest('hex'));
    this.files++;
    this.bytes += size;
  }

  /** A binary file (a tile of the log): checked and kept as `text` keeps a page, never stamped with the time. */
  async binary(rel: string, content: Uint8Array): Promise<void> {
    const data = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (hasFullNik(data)) throw fullNikRefused(rel);
    const file = this.place(rel);
    const sha = sha256Hex(data);
    if (this.here(rel, data, sha)) this.stayed++;
    else if (!this.unchanged(rel, '', data, sha) || !this.link(rel, file)) this.writeNew(rel, file, data);
    this.record(rel, data.length, sha);
    this.files++;
    this.bytes += data.length;
  }

  /** Opens group `name`: the files placed until `end` are made from what its key names, and nothing else. */
  begin(name: string): void {
    const g = this.prev?.state.groups?.[name];
    const before = g && this.stateFile ? loadGroupFiles(this.stateFile, name, g.key, g.count) : null;
    const b = this.base?.groups?.[name];
    const here = b && this.stateFile ? loadGroupFiles(this.stateFile, name, b.key, b.count) : null;
    const map = (files: SiteGroupFiles | null) => new Map((files ?? []).map((f) => [f.rel, { s: f.s, h: f.h }]));
    this.group = { files: new PlacedFiles(), prior: map(before), here: map(here) };
  }

  /** Closes the group, its files' state saved in a file of its own (the site's state names it by `key`). */
  end(name: string, key: string, meta?: unknown): void {
    const files = this.group!.files;
    if (this.stateFile) saveGroupFiles(this.stateFile, name, key, files);
    this.groups[name] = meta === undefined ? { key, count: files.length } : { key, count: files.length, meta };
    this.groupPaths.set(name, files.paths);
    this.group = null;
  }


  /**
   * The formation groups of exam group `exam` (`formationGroup`), each with the key it was made from, as recorded
   * beside the exam's own group this write kept: the folder brought up to date in place's when it stayed there, the
   * previous site's when it was taken from that. (The same exam's data in both, their formations' may still differ:
   * kept from one folder, they must be the ones made with that exam group.)
   */
  priorFormations(exam: string): [string, string][] {
    return this.formationsIn(this.keptFrom.get(exam) === 'base' ? 'base' : 'prev', exam);
  }

  /** The formation groups of exam group `exam` in the folder brought up to date in place (two folders). */
  baseFormations(exam: string): string[] {
    return this.formationsIn('base', exam).map(([name]) => name);
  }

  /** The formation groups of exam group `exam` and their keys, in `base` or in the previous site's state. */
  private formationsIn(index: 'base' | 'prev', exam: string): [string, string][] {
    const from = index === 'base' ? this.base : this.prev?.state;
    let byExam = this.formationsByExam[index];
    if (byExam === null) {
      // Indexed once: a national hub's state names hundreds of exams and a hundred thousand formations.
      byExam = this.formationsByExam[index] = new Map();
      for (const [name, g] of Object.entries(from?.groups ?? {})) {
        const at = name.indexOf(FORMATION_GROUP);
        if (at < 0) continue;
        const list = byExam.get(name.slice(0, at)) ?? [];
        list.push([name, g.key]);
        byExam.set(name.slice(0, at), list);
      }
    }
    return byExam.get(exam) ?? [];
  }

  private readonly formationsByExam: Record<'base' | 'prev', Map<string, [string, string][]> | null> = { base: null, prev: null };
  /** where each group `keep` kept came from: left in place (`base`) or taken from the previous site */
  private readonly keptFrom = new Map<string, 'base' | 'prev'>();

  /**
   * Places group `name`'s files as they are, when they were made from the same `key` and each still holds the bytes
   * recorded for it (read and hashed: a file changed since is made again), and what was recorded with them passes
   * `meta`. First from the folder brought up to date in place (two folders, `base`), where they are left untouched:
   * nothing is linked or written, which is what makes a write's cost follow what changed rather than what the site
   * holds; else from the previous site, linked. False, having placed nothing, when they cannot be kept: then the
   * caller makes them.
   */
  keep(name: string, key: string, meta?: (m: unknown) => boolean): boolean {
    const here = this.checkedGroup(this.base, (rel) => this.rootPath(rel), name, key, meta);
    if (here) {
      for (let i = 0; i < here.files.length; i++) {
        const f = here.files[i]!;
        this.place(f.rel);
        // A settled group's records are not saved again; an unsure one's are its files as checked.
        if (here.unsure > 0) {
          const st = here.stat(i);
          if (st !== null) this.know(f.rel, st);
        }
        this.stayed++;
        this.count(f.s);
      }
      if (here.unsure === 0) this.settled.add(name);
      this.took(name, 'base', here.g, here.files);
      return true;
    }
    const prior = this.checkedGroup(this.prev?.state, (rel) => this.prevPath(rel), name, key, meta);
    if (!prior) return false;
    for (const f of prior.files) {
      const file = this.place(f.rel);
      if (!this.link(f.rel, file)) copyFileSync(this.prevPath(f.rel), file); // `link` cleared it
      this.count(f.s);
    }
    // Its group file, named by the same name and key, is already the one this state names.
    this.took(name, 'prev', prior.g, prior.files);
    return true;
  }

  /**
   * Group `name`'s files as `from` (the previous site's state, or `base`) recorded them for `key`, when every one
   * still holds its bytes at `at(rel)`, and how many had to be read and hashed to know it: every file that may have
   * been written since that site was put in place (its inode, size or ctime not as recorded then), and every file of
   * the group on its audit's turn. So a write repairs what was changed behind the hub, as a full write would (a
   * change made while the last write ran, after the file's check, within AUDIT_EVERY writes: site-state.ts).
   */
  private checkedGroup(
    from: SiteState | null | undefined,
    at: (rel: string) => string,
    name: string,
    key: string,
    meta?: (m: unknown) => boolean,
  ): { g: SiteGroupState; files: SiteGroupFiles; unsure: number; stat: (i: number) => FileStat | null } | null {
    const g = from?.groups?.[name];
    if (!g || g.key !== key || !Number.isSafeInteger(g.count) || (meta && !meta(g.meta)) || !this.stateFile) return null;
    const ahead = from === this.base ? this.ahead.get(name) : undefined;
    this.ahead.delete(name);
    const found = ahead?.check.wait();
    const files = ahead && found ? ahead.files : loadGroupFiles(this.stateFile, name, key, g.count);
    if (!files || files.some((f) => this.names.has(f.rel.toLowerCase()))) return null;
    // A file reached through a link put where a folder goes is not in the site: the link is replaced by a folder
    // as soon as anything is placed under it (`realFolders`), and what was kept through it would be gone.
    if (from === this.base && files.some((f) => !this.inRealFolder(f.rel))) return null;
    if (ahead && found) {
      // Checked on the other thread when the write began: none of these files has been placed since (above).
      let unsure = 0;
      let bad = false;
      for (let i = ahead.from; i < ahead.from + files.length; i++) {
        if (found[i] !== UNCHANGED) unsure++;
        if (found[i] === BAD) bad = true;
      }
      this.checked += unsure;
      this.checkedAside += files.length;
      const check = ahead.check;
      return bad ? null : { g, files, unsure, stat: (i) => check.statOf(ahead.from + i) };
    }
    const stats = this.audited(name) ? null : loadGroupStats(this.stateFile, name, key, files.length, from!.folder);
    const unsure: number[] = [];
    files.forEach((f, i) => {
      if (!unchangedSince(at(f.rel), stats?.[i], f.s)) unsure.push(i);
    });
    this.checked += unsure.length;
    const read = allHold(unsure.map((i) => ({ file: at(files[i]!.rel), size: files[i]!.s, sha256: files[i]!.h })));
    if (read === null) return null;
    const readStat = new Map(unsure.map((i, k) => [i, read[k]!]));
    return { g, files, unsure: unsure.length, stat: (i) => readStat.get(i) ?? stats?.[i] ?? null };
  }

  /** `base`'s groups whose files are being checked on another thread (`checkAhead`): each one's files and place in the check. */
  private readonly ahead = new Map<string, { files: SiteGroupFiles; check: FilesCheck; from: number }>();

  /**
   * Starts checking, on another thread, the files of `base`'s groups `names` (an exam's formations) as `keep` would,
   * so that it runs beside what this thread makes meanwhile (the exam's data files). Nothing when there is no `base`,
   * or fewer than `checkThreadAfter` files to check: starting a thread would cost more than it saves.
   */
  checkAhead(names: Iterable<string>): void {
    const base = this.base;
    if (base === null || !this.stateFile || !ctimeTrusted) return;
    const wanted = [...names].filter((name) => Number.isSafeInteger(base.groups?.[name]?.count) && !this.ahead.has(name));
    // Counted from the state before any list is read: below the threshold `keep` reads each list once, itself.
    if (wanted.length === 0 || wanted.reduce((n, name) => n + base.groups![name]!.count, 0) < this.checkThreadAfter) return;
    const groups: { name: string; files: SiteGroupFiles; from: number }[] = [];
    const list: FileToCheck[] = [];
    for (const name of wanted) {
      const g = base.groups![name]!;
      const files = loadGroupFiles(this.stateFile, name, g.key, g.count);
      if (!files) continue;
      const stats = this.audited(name) ? null : loadGroupStats(this.stateFile, name, g.key, files.length, base.folder);
      groups.push({ name, files, from: list.length });
      files.forEach((f, i) => list.push({ file: this.rootPath(f.rel), size: f.s, sha256: f.h, stat: stats?.[i] ?? null }));
    }
    if (list.length === 0) return;
    const check = this.checkFiles(list);
    for (const g of groups) this.ahead.set(g.name, { files: g.files, check, from: g.from });
  }

  /** A kept file of `size` bytes counted. */
  private count(size: number): void {
    this.kept++;
    this.files++;
    this.bytes += size;
  }

  /** Group `name`, kept from `from`, recorded as this write's. */
  private took(name: string, from: 'base' | 'prev', g: SiteGroupState, files: SiteGroupFiles): void {
    this.keptFrom.set(name, from);
    this.groups[name] = g.meta === undefined ? { key: g.key, count: files.length } : { key: g.key, count: files.length, meta: g.meta };
    this.groupPaths.set(name, files.map((f) => f.rel));
  }

  /**
   * Removes from the folder brought up to date in place what this write did not place: the files `base` recorded
   * that are no longer part of the site, and anything put behind the hub into a folder whose change time moved
   * since it was served (`disturbed`); then the folders left empty.
   */
  sweep(): void {
    const base = this.base;
    if (base === null || !this.stateFile) return;
    const placed = (rel: string) => this.names.get(rel.toLowerCase()) === rel;
    const folders = this.placedFolders();
    const emptied = new Set<string>();
    const remove = (rel: string) => {
      rmSync(this.rootPath(rel), { recursive: true, force: true });
      emptied.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
    };
    for (const rel of Object.keys(base.files)) if (!placed(rel)) remove(rel);
    for (const [name, g] of Object.entries(base.groups ?? {})) {
      // Left in place whole: every file of it placed again.
      if (this.keptFrom.get(name) === 'base') continue;
      const files = loadGroupFiles(this.stateFile, name, g.key, g.count);
      // A group whose list is gone: whatever it held is found by looking into every folder.
      if (files === null) this.disturbed = null;
      for (const f of files ?? []) if (!placed(f.rel)) remove(f.rel);
    }
    // Names put behind the hub (or by a write that stopped), in the folders whose time moved.
    const look = this.disturbed === null ? [''] : [...this.disturbed];
    for (let rel; (rel = look.pop()) !== undefined; ) {
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(rel === '' ? this.root : this.rootPath(rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of entries) {
        const child = rel === '' ? d.name : `${rel}/${d.name}`;
        if (d.isDirectory() && folders.has(child)) {
          if (this.disturbed === null || !this.recordedFolders.has(child)) look.push(child);
        } else if (!(d.isFile() && placed(child))) remove(child);
      }
    }
    // Folders left empty, deepest first, up to the first that holds something of the site.
    for (const rel of [...emptied].sort((a, b) => b.length - a.length)) {
      for (let at = rel; at !== '' && !folders.has(at); at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '') {
        try {
          rmdirSync(this.rootPath(at));
        } catch {
          break;
        }
      }
    }
  }

  /**
   * Every folder (relative to `root`, '' for it) that holds a file of this write, and the folders above them; once
   * every file is placed (`sweep`, then the records).
   */
  placedFolders(): ReadonlySet<string> {
    if (this.folders) return this.folders;
    const folders = (this.folders = new Set<string>(['']));
    for (const dir of this.dirs) {
      let rel = relative(this.root, dir).split(sep).join('/');
      while (rel !== '' && !folders.has(rel)) {
        folders.add(rel);
        rel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      }
    }
    return folders;
  }

  private folders: Set<string> | null = null;

  /** Copies a file and checks that what was written has the sha256 it is published with. */
  async copy(rel: string, source: string, sha256: string): Promise<number> {
    return this.placed(rel, await this.copyTo(rel, this.place(rel), source, sha256, false));
  }

  /** the bundles' copies, started together by `startCopies` and taken in order by `copied` */
  private readonly copies = new Map<string, Promise<{ size: number; sha256: string }>>();
  /** set by `settle`: copies not yet begun never begin, and the one hashing stops */
  private stopped = false;
  private hashing: FileHash | null = null;

  /**
   * Starts copying the bundles (gigabytes) into the site, one after another, each hashed on another thread: they
   * run beside the pages being made instead of after them. `copied` takes each one's outcome where the site lists
   * it; `settle` waits for all of them before the folder may be removed.
   */
  startCopies(list: { rel: string; source: string; sha256: string; verified?: FileStat | null }[]): void {
    let chain: Promise<unknown> = Promise.resolve();
    for (const b of list) {
      const file = this.place(b.rel);
      const done = chain.then(() => this.copyTo(b.rel, file, b.source, b.sha256, { verified: b.verified ?? null }));
      done.catch(() => undefined);
      this.copies.set(b.rel, done);
      chain = done.catch(() => undefined);
    }
  }

  /** The outcome of the copy `startCopies` began for `rel`: its size, or the copy's failure. */
  async copied(rel: string): Promise<number> {
    return this.placed(rel, await this.copies.get(rel)!);
  }

  /** Stops the copies (a failed write): settles once none is still writing into the folder. */
  async settle(): Promise<void> {
    this.stopped = true;
    await this.hashing?.cancel();
    await Promise.allSettled(this.copies.values());
  }

  private placed(rel: string, f: { size: number; sha256: string }): number {
    this.record(rel, f.size, f.sha256);
    this.files++;
    this.bytes += f.size;
    return f.size;
  }

  /** A file's sha256 on another thread, in large reads; stopped by `settle`. */
  private async hashAside(file: string): Promise<string> {
    if (this.stopped) throw new Error('the site write stopped');
    this.hashing = hashFileAside(file);
    try {
      return await this.hashing.sha256;
    } finally {
      this.hashing = null;
    }
  }

  /**
   * Places `source` at `file` (linked from the previous site when it holds the same bytes), checked against
   * `sha256`; `aside`: a bundle (gigabytes), hashed on another thread rather than on this one, or not at all while
   * `source` is still the file its `verified` record names.
   */
  private async copyTo(rel: string, file: string, source: string, sha256: string, aside: false | { verified: FileStat | null }): Promise<{ size: number; sha256: string }> {
    const want = sha256.toLowerCase();
    const before = this.prev?.state.files[rel];
    const hash = aside !== false ? (f: string) => this.hashAside(f) : sha256File;
    // The previous site's copy was checked against this very sha256 when it was written.
    const trusted = () => !this.audited(rel) && unchangedSince(this.prevPath(rel), this.copyStats.get(rel), before!.s);
    const here = this.base?.files[rel];
    if (here !== undefined && here.h === want) {
      // Already in the folder brought up to date in place: left there.
      const path = this.rootPath(rel);
      const trustedHere = !this.audited(rel) && unchangedSince(path, this.baseCopyStats.get(rel), here.s);
      const held = trustedHere ? this.baseCopyStats.get(rel)! : (this.checked++, await this.holdsHash(path, here.s, want, hash));
      if (held !== null) {
        this.know(rel, held);
        this.stayed++;
        return { size: here.s, sha256: want };
      }
    }
    const same = before !== undefined && before.h === want && (trusted() || (this.checked++, (await this.holdsHash(this.prevPath(rel), before.s, want, hash)) !== null));
    if (same && this.link(rel, file)) return { size: before.s, sha256: want };
    if (this.stopped) throw new Error('the site write stopped');
    // The hub hashed these very bytes as it verified the bundle: untouched before and after the copy, their copy is
    // them (at 100,000 candidates 3 GB read back and hashed, seconds of a core the pages are made on meanwhile).
    const vouched = () => aside !== false && !this.audited(rel) && sameStat(statOf(source), aside.verified);
    const vouchedBefore = vouched();
    this.clear(file);
    try {
      await copyFile(source, file);
    } catch (e) {
      throw new LenteraError('FILE_NOT_FOUND', `${source} cannot be copied into the site: ${(e as Error).message}`, { file: source });
    }
    const taken = vouchedBefore && vouched();
    if (taken) this.vouched++;
    // The copy as it was before it was hashed (or vouched for): a change after that moves it.
    const copied = statOf(file);
    const got = taken ? want : await hash(file);
    if (got !== want) throw new LenteraError('PUBLISH_INVALID', `${source} has sha256 ${got}, not ${sha256}.`, { file: source, expected: sha256, got });
    if (copied !== null) this.know(rel, copied);
    return { size: (await stat(file)).size, sha256: want };
  }
}

/**
 * Whether `path` is a regular file (not a link to one) holding exactly `data`, read and compared: its inode and
 * change time as they were before it was read (a change after that moves them), or null when it does not.
 */
function holdsAt(path: string, data: Buffer): FileStat | null {
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isFile() && st.size === BigInt(data.length) && readFileSync(path).equals(data) ? statRecord(st.ino, st.ctimeNs) : null;
  } catch {
    return null;
  }
}

/**
 * The folders of `root` whose change time is not the one recorded (`recorded`, relative paths): a name was added or
 * removed there since. Null when nothing was recorded: then every folder is to be looked into.
 */
function disturbedFolders(root: string, recorded: ReadonlyMap<string, string>): Set<string> | null {
  if (recorded.size === 0) return null;
  const moved = new Set<string>();
  for (const [rel, ctime] of recorded) {
    try {
      const st = lstatSync(rel === '' ? root : join(root, ...rel.split('/')), { bigint: true });
      if (!st.isDirectory() || String(st.ctimeNs) !== ctime) moved.add(rel);
    } catch {
      // gone: nothing to look into
    }
  }
  return moved;
}

/**
 * Whether every file still has its size and sha256, stopping at the first that does not. Read synchronously into
 * one buffer: for 100,000 small pages the thread pool's open, stat, read and close round trips cost four times the
 * reading.
 */
function allHold(files: { file: string; size: number; sha256: string }[]): FileStat[] | null {
  let buf = Buffer.allocUnsafe(1 << 16);
  const stats: FileStat[] = [];
  for (const f of files) {
    let fd: number;
    try {
      // Never through a symbolic link (O_NOFOLLOW): a link put in the site would be kept, and served, as a file.
      fd = openSync(f.file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch {
      return null;
    }
    try {
      // Taken before the read: a change after it moves the ctime from this one, a change before it is read.
      const st = fstatSync(fd, { bigint: true });
      // One byte more than expected: a file that grew is told by reading it, not by a stat that may be stale.
      if (buf.length < f.size + 1) buf = Buffer.allocUnsafe(f.size + 1);
      let n = 0;
      for (let got; n < f.size + 1 && (got = readSync(fd, buf, n, f.size + 1 - n, n)) > 0; ) n += got;
      if (n !== f.size || sha256Hex(buf.subarray(0, n)) !== f.sha256) return null;
      stats.push(statRecord(st.ino, st.ctimeNs));
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }
  return stats;
}

/** Only an absent folder, an empty one, or an earlier Lentera site is replaced. */
async function checkTarget(out: string): Promise<void> {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new LenteraError('PUBLISH_TARGET', `${out} exists and is not a folder.`, { path: out });
  const entries = await readdir(out);
  if (entries.length && !entries.includes(SITE_MARKER)) {
    throw new LenteraError('PUBLISH_TARGET', `${out} is not empty and is not a Lentera site: choose an empty or new folder.`, { path: out });
  }
}

/** Swaps the finished site in: the old one moves aside, the new one takes the name, the old one is removed. */
async function swapIn(out: string, tmp: string): Promise<void> {
  let old: string | null = null;
  if (existsSync(out)) {
    old = `${out}.old-${randomBytes(6).toString('hex')}`;
    await rename(out, old);
  }
  try {
    await rename(tmp, out);
  } catch (e) {
    if (old) await rename(old, out);
    throw e;
  }
  if (old) await rm(old, { recursive: true, force: true });
}

const DATA_FILES = ['aturan.json', 'facts.json', 'hasil.json', 'hasil.csv', 'hasil-excel.csv'] as const;
type DataFile = (typeof DATA_FILES)[number];

/**
 * The files under data/<exam>/ that recompute the results: the ruleset, the inputs, the results. Each made a line
 * at a time as it is written (`SiteWriter.lines`): at 100,000 candidates they come to 80-200 MB of text, and
 * hasil.json alone, whole, was a string of 47-87 MB (twice that in memory, its reasons holding "≥") beside its bytes.
 */
function examData(e: SiteExam): Record<DataFile, () => Iterable<string>> {
  return {
    'aturan.json': () => [e.ruleset.json],
    'facts.json': () => factsJsonLines(e.facts),
    'hasil.json': () => jsonListLines(e.results),
    'hasil.csv': () => resultsCsvLines(e.results, e.ruleset),
    'hasil-excel.csv': () => resultsSpreadsheetCsvLines(e.results, e.ruleset),
  };
}

/**
 * sha256 of everything an exam's data files, candidate list, formation pages and candidate pages are made from:
 * the exam's part of the input, its announcements (the notice on formation pages), the time the pages show, and
 * the code that makes them. Equal keys make equal bytes.
 */
function examKey(input: SiteInput, e: SiteExamInput): string {
  const { part, hex } = jsonHash();
  part([siteCodeId(), e.dataAt ?? input.generatedAt, e.code, e.name, e.agency, e.year, e.ruleset]);
  part((input.announcements ?? []).filter((a) => a.exam === e.code));
  // A named exam's source names the rest; it is what lets its pages be kept without loading it.
  if (isRef(e)) part(['ref', e.source]);
  else {
    for (const value of [e.interviewStages ?? null, e.formations, e.conflicts, e.stages ?? null, e.observed ?? null]) part(value);
    if (e.source !== undefined) part(['source', e.source]);
    else for (const value of [e.candidates, e.results, e.facts, Object.fromEntries(leafEntries(e)), strengthsRecord(e), e.digests ? [...e.digests] : null]) part(value);
  }
  return hex();
}

/** An exam's strengths as a record, for a key that names them by value (an exam with no source). */
function strengthsRecord(e: SiteExam): Record<string, CandidateStrengths> | null {
  if (typeof e.strengths !== 'function') return e.strengths ?? null;
  const out: Record<string, CandidateStrengths> = {};
  for (const c of e.candidates) {
    const s = strengthsOf(e, c.nomor);
    if (s) out[c.nomor] = s;
  }
  return out;
}

/** What the home page says of an exam, kept with its pages so that a kept exam need not be loaded for it. */
interface ExamSummary {
  formations: number;
  people: number;
}

const isSummary = (x: unknown): x is ExamSummary => typeof x === 'object' && x !== null && Number.isInteger((x as ExamSummary).formations) && Number.isInteger((x as ExamSummary).people);

/** Each bundle's name in the site: its own, made safe, and told apart from another of the same name. */
function bundleNames(input: SiteInput): (SiteInput['bundles'][number] & { href: string })[] {
  const used = new Set<string>();
  return input.bundles.map((b) => {
    let name = basename(b.name).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'bundel';
    if (used.has(name.toLowerCase())) name = `${b.sha256.slice(0, 12)}-${name}`;
    used.add(name.toLowerCase());
    return { ...b, name, href: `bundel/${name}` };
  });
}

/**
 * The script that gives the verification page an exam's result digests by candidate number
 * (`window.LENTERA_DIGESTS[exam][nomor]`), a candidate a line, by number: at 100,000 candidates 8 MB, which made as
 * one object and one string (then its bytes) held three times that at once.
 */
function* digestsLines(e: SiteExam): Generator<string> {
  yield `(window.LENTERA_DIGESTS = window.LENTERA_DIGESTS || {})[${JSON.stringify(e.code)}] = {\n`;
  const digests = byKey([...leafEntries(e)].map(([n, l]) => [n, l.digest]));
  // Each line ends with its newline: a streamed file is cut only there.
  for (let i = 0; i < digests.length; i++) yield `${JSON.stringify(digests[i]![0])}:${JSON.stringify(digests[i]![1])}${i < digests.length - 1 ? ',' : ''}\n`;
  yield '};\n';
}

/**
 * The exam's own files made from the whole exam, a line at a time: its data files, the digests the verification page
 * looks candidates up in, and the candidate list. Any change to the exam makes them all again (`writeExam`), and
 * `npm run bench formations` makes them alone, for the floor of what an update must make.
 */
export function* examStreams(input: SiteInput, v: ExamView): Generator<[rel: string, lines: Iterable<string>]> {
  const e = v.exam;
  for (const [f, lines] of Object.entries(examData(e))) yield [sitePaths.data(e.code, f as DataFile), lines()];
  yield [sitePaths.digests(e.code), digestsLines(e)];
  yield [sitePaths.candidates(e.code), candidatesPageLines(input, v)];
}

const FORMATION_GROUP = '/formasi/';
/** The group of formation `code`'s pages in exam group `exam`. */
const formationGroup = (exam: string, code: string) => `${exam}${FORMATION_GROUP}${code}`;

/**
 * Makes an exam's own group (`wide`): its data files, digests, candidate list, exam and rules pages, with the summary
 * the home page shows; then each formation's group (its page and its candidates' pages) not already `kept`, kept
 * again when what it is made from did not change, or made.
 */
async function writeExam(w: SiteWriter, input: SiteInput, e: SiteExam, name: string, key: string, wide: boolean, kept: ReadonlySet<string>): Promise<ExamSummary> {
  const v = examView(e, (r) => e.digests?.get(r.nomor_peserta) ?? resultDigest(e.code, r, e.ruleset.sha256));
  const summary: ExamSummary = { formations: v.formations.length, people: v.people.size };
  if (wide) {
    // The formations' pages left in the folder brought up to date are checked meanwhile, on another thread.
    w.checkAhead(w.baseFormations(name));
    w.begin(name);
    for (const [rel, lines] of examStreams(input, v)) w.lines(rel, lines);
    // A group's files always record their sha256 (`text`, `lines`).
    const dataSha = Object.fromEntries(DATA_FILES.map((f) => [f, w.recorded(sitePaths.data(e.code, f))!]));
    await w.text(sitePaths.exam(e.code), examPage(input, v));
    await w.text(sitePaths.rules(e.code), rulesPage(input, v, dataSha));
    w.end(name, key, summary);
  }
  const todo = v.formations.filter((f) => !kept.has(formationGroup(name, f.code)));
  const shared = examContent(input, e);
  const contents = new Map(todo.map((f) => [f.code, formationContent(shared, v, f)]));
  const times = input.formationTimes?.(e.code, contents, e.dataAt);
  const make: { f: (typeof todo)[number]; group: string; key: string; time: string | undefined }[] = [];
  for (const f of todo) {
    const time = times?.get(f.code) ?? e.dataAt;
    const group = formationGroup(name, f.code);
    // The code that renders them too: a new Lentera makes the pages again without dating their data anew.
    const fkey = sha256Hex(Buffer.from(`${siteCodeId()}\n${contents.get(f.code)!}\n${time ?? input.generatedAt}`));
    if (!w.keep(group, fkey)) make.push({ f, group, key: fkey, time });
  }
  // The candidates' pages (`text`; a formation's page is streamed here, `lines`).
  w.expect(make.reduce((n, m) => n + (v.members.get(m.f.code)?.length ?? 0), 0));
  for (const m of make) {
    // The formation's pages show its own time: its view, but for that, the exam's.
    const fv = m.time === e.dataAt ? v : { ...v, exam: { ...e, dataAt: m.time } };
    w.begin(m.group);
    w.lines(sitePaths.formation(e.code, m.f.code), formationPageLines(input, fv, m.f));
    for (const nomor of v.members.get(m.f.code) ?? []) await w.text(sitePaths.candidate(e.code, nomor), candidatePage(input, fv, nomor));
    w.end(m.group, m.key);
  }
  return summary;
}

/** sha256 of what every formation page and candidate page of the exam shows of the exam itself. */
function examContent(input: SiteInput, e: SiteExam): string {
  const { part, hex } = jsonHash();
  part([e.code, e.name, e.agency, e.year, e.ruleset.id, e.ruleset.version, e.ruleset.sha256, e.interviewStages ?? null]);
  // The notice of the rules the results were ranked by (formation pages).
  part((input.announcements ?? []).filter((a) => a.exam === e.code));
  return hex();
}

/**
 * sha256 of the data formation `f`'s page and its candidates' pages show: the exam's part (`shared`), the formation,
 * and each of its candidates' and of those optimalisasi brings to it: their entry, result, leaf, strengths and
 * conflicts. Equal contents, times and code make equal bytes.
 *
 * A result is named by its digest, which the pages show, and not by its text too: the digest is the sha256 of the
 * whole result's canonical JSON (`resultDigest`, or the merged view's, computed from these very objects:
 * `SiteExam.digests`), so it changes whenever the result does. The result's JSON was some 60 % of the keys' time (profiled: 165–295 ms for 1,000 formations with it, 68–77 ms without), which
 * an update pays for every formation of a changed exam to find the few that changed.
 */
function formationContent(shared: string, v: ExamView, f: ExamView['formations'][number]): string {
  const e = v.exam;
  const { part, hex } = jsonHash();
  part([shared, f, v.passed.get(f.code) ?? 0]);
  const person = (n: string) => {
    const p = v.people.get(n);
    part([n, p?.formation ?? null, p?.candidate ?? null, p?.result ? v.digestOf(p.result) : null, leafOf(e, n) ?? null, strengthsOf(e, n) ?? null, v.conflictsByNomor.get(n) ?? null]);
  };
  for (const n of v.members.get(f.code) ?? []) person(n);
  part('optimalisasi');
  for (const r of v.incoming.get(f.code) ?? []) person(r.nomor_peserta);
  return hex();
}

async function build(w: SiteWriter, input: SiteInput, tree: TreeReader, published: number): Promise<void> {

  const named = bundleNames(input);
  w.startCopies(named.map((b) => ({ rel: b.href, source: b.file, sha256: b.sha256, verified: b.verified })));
  await w.text('assets/situs.css', SITE_CSS);
  await w.text('assets/verify.js', await verifyScript());
  await w.text(
    'assets/log-data.js',
    `window.LENTERA_LOG = ${JSON.stringify({ logKey: input.logKey, logId: input.logId, checkpoints: input.checkpoints, consistency: input.consistency })};\n`,
  );
  await writeLog(w, input, tree);

  const home: IndexExam[] = [];
  for (const head of input.exams) {
    // The exam's data files, its pages and the digests the verification page looks its candidates up in: at
    // 100,000 candidates nearly the whole site, and after a report, an objection or another exam's bundle the same
    // bytes as before, kept rather than made again (and a named exam not even loaded).
    const name = `ujian/${head.code}`;
    const key = examKey(input, head);
    let summary: ExamSummary | undefined;
    const kept = new Set<string>();
    if (w.keep(name, key, isSummary)) {
      summary = w.groups[name]!.meta as ExamSummary;
      // The exam's data as it was, so are its formations' pages (a group each): each kept by the key it was made with.
      for (const [group, k] of w.priorFormations(name)) if (w.keep(group, k)) kept.add(group);
    }
    // Loaded only when its own group or a formation's must be made (one changed in the live site, or gone).
    if (summary === undefined || kept.size < summary.formations) {
      let e: SiteExam;
      if (isRef(head)) {
        const loaded = await head.load();
        if (loaded.code !== head.code) throw new LenteraError('PUBLISH_INVALID', `Exam ${head.code} was loaded as exam ${loaded.code}.`, { exam: head.code });
        // Its pages are kept or made by the key its source gave at the start of the write: data that changed since
        // (another hub process on the same database merged a bundle) would be filed under the old key.
        if (loaded.source !== head.source)
          throw new LenteraError('PUBLISH_INVALID', `Exam ${head.code} changed while the site was written (now ${loaded.source ?? 'unnamed'}, not ${head.source}): the site stays as it was until the next write.`, {
            exam: head.code,
            expected: head.source,
            got: loaded.source ?? null,
          });
        checkExamLeaves(loaded, published, tree);
        // The pages are made from what their key names: the head, as given, and the rest as loaded.
        e = { ...loaded, name: head.name, agency: head.agency, year: head.year, ruleset: head.ruleset, dataAt: head.dataAt };
      } else e = head;
      summary = await writeExam(w, input, e, name, key, summary === undefined, kept);
    }
    home.push({ code: head.code, name: head.name, agency: head.agency, year: head.year, ruleset: head.ruleset, ...summary });
  }

  const bundles = [];
  for (const b of named) bundles.push({ ...b, bytes: await w.copied(b.href) });

  await writeAnnouncementPages(input, (rel, text) => w.text(rel, text), (rel, file, sha) => w.copy(rel, file, sha));
  await writeVoicePages((rel, text) => w.text(rel, text), input, input.voice);
  await w.text('index.html', indexPage(input, home));
  await w.text('checkpoint.html', checkpointPage(input));
  await w.text('bundel.html', bundlesPage(input, bundles));
  await w.text('verifikasi.html', verifyPage(input, input.exams.map((e) => e.code)));
  await w.text(SITE_MARKER, json({ format: 'lentera.site/1', generatedAt: input.generatedAt, logId: input.logId, exams: input.exams.map((e) => e.code) }));
}

/**
 * Leaves per kept chunk of the log's files (2^12): its leaf files, level-0 tiles and entry bundles never change once
 * the chunk is full, and the tree's node over the chunk commits to every leaf in it.
 */
const LOG_CHUNK_HEIGHT = 12;
const LOG_CHUNK = 1 << LOG_CHUNK_HEIGHT;

/**
 * The log as plain files (docs/bundles.md, "Rebuilding the log from the site"): the key to pin, every checkpoint,
 * and every leaf in files of LEAVES_PER_FILE lines. A full leaf file's bytes never change again and the last one
 * only grows, so a mirror (or a verifier that kept an earlier copy) fetches only what is new.
 *
 * So the site's log grows with what is new, not with the log: each full chunk of LOG_CHUNK leaves (its leaf files,
 * level-0 tiles and entry bundles) is a group kept by the tree's node over it (a hash of every leaf it holds, checked
 * against the checkpoints by `checkLeaves`), linked from the previous site once its files are read and hashed.
 */
async function writeLog(w: SiteWriter, input: SiteInput, tree: TreeReader): Promise<void> {
  // Tiles are served up to the latest checkpoint: a chunk holds its tiles only when that checkpoint covers it.
  const latest = input.checkpointNote ? input.checkpoints[input.checkpoints.length - 1] : undefined;
  const tiled = latest !== undefined;
  const chunks = Math.floor(Math.min(input.leaves.length, latest?.size ?? Infinity) / LOG_CHUNK);
  const leafFile = async (i: number) => {
    const lines = input.leaves.slice(i * LEAVES_PER_FILE, (i + 1) * LEAVES_PER_FILE).map((leaf) => `${LEAF_TEXT.decode(leaf)}\n`);
    await w.text(logPaths.leaves(i), lines.join(''));
  };
  for (let c = 0; c < chunks; c++) {
    const name = `log/${c}`;
    const key = `${siteCodeId()}:${tiled ? 'tiles' : 'leaves'}:${toHex(tree.subtrees(LOG_CHUNK_HEIGHT, c, 1))}`;
    if (w.keep(name, key)) continue;
    w.begin(name);
    for (let i = (c * LOG_CHUNK) / LEAVES_PER_FILE; i < ((c + 1) * LOG_CHUNK) / LEAVES_PER_FILE; i++) await leafFile(i);
    if (tiled) {
      for (let t = (c * LOG_CHUNK) / TILE_WIDTH; t < ((c + 1) * LOG_CHUNK) / TILE_WIDTH; t++) await writeTile(w, input, tree, { level: 0, index: t, width: TILE_WIDTH });
    }
    w.end(name, key);
  }
  for (let i = (chunks * LOG_CHUNK) / LEAVES_PER_FILE; i * LEAVES_PER_FILE < input.leaves.length; i++) await leafFile(i);
  const files = Array.from({ length: Math.ceil(input.leaves.length / LEAVES_PER_FILE) }, (_, i) => logPaths.leavesRel(i));
  const records = (input.records ?? []).map((r) => r.index).sort((a, b) => a - b);
  for (const r of input.records ?? []) await w.text(logPaths.record(r.index), LEAF_TEXT.decode(r.record));
  await writeTiles(w, input, tree, tiled ? chunks * LOG_CHUNK : 0);
  await w.text(logPaths.key, `${input.logKey}\n`);
  await w.text(logPaths.checkpoints, jsonLines(input.checkpoints));
  await w.text(
    logPaths.index,
    json({
      format: 'lentera.log/1',
      logKey: input.logKey,
      logId: input.logId,
      size: input.leaves.length,
      perFile: LEAVES_PER_FILE,
      files,
      checkpoints: logPaths.checkpoints.slice('log/'.length),
      // leaf index → log/catatan/<index>.json, the exact bytes whose sha256 the record leaf holds
      records,
    }),
  );
}

/** One tile, and at level 0 its entry bundle too. */
async function writeTile(w: SiteWriter, input: SiteInput, tree: TreeReader, t: TileRef): Promise<void> {
  const level = t.level as number;
  await w.binary(`log/${tilePath(t)}`, tree.subtrees(8 * level, t.index * TILE_WIDTH, t.width));
  if (level === 0) await w.binary(`log/${tilePath({ ...t, level: 'entries' })}`, entryBundle(input.leaves.slice(t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width)));
}

/**
 * The log as c2sp.org/tlog-tiles under log/ (the prefix a static host serves it from): the latest signed note, every
 * tile and entry bundle of the latest checkpoint, and the partial tiles of earlier checkpoints whose full tile is
 * not there yet (a client holding an older checkpoint may ask for them). A full tile's bytes never change, so an
 * incremental write links it from the previous site. The full level-0 tiles of the first `placed` leaves are placed
 * already, with their chunk (`writeLog`).
 */
async function writeTiles(w: SiteWriter, input: SiteInput, tree: TreeReader, placed: number): Promise<void> {
  const latest = input.checkpoints[input.checkpoints.length - 1];
  if (!input.checkpointNote || !latest) return;
  const tiles = new Map<string, TileRef>();
  for (const t of tilesOf(latest.size)) if (!(t.level === 0 && t.width === TILE_WIDTH && (t.index + 1) * TILE_WIDTH <= placed)) tiles.set(tilePath(t), t);
  // An earlier head's partial tiles, until the full tile replaces them.
  for (const cp of input.checkpoints) for (const t of edgeTiles(cp.size)) if (!tileExists({ ...t, width: TILE_WIDTH }, latest.size)) tiles.set(tilePath(t), t);
  for (const t of tiles.values()) await writeTile(w, input, tree, t);
  await w.text('log/checkpoint', input.checkpointNote);
}

export interface WriteSiteOptions {
  /**
   * A file (outside the site) where the size and sha256 of every file written are kept (each group's in a file of
   * its own, in a folder beside it: site-state.ts). When it describes the site now at `outDir`, the next write
   * links each unchanged file from it instead of writing it again; the bytes are the same either way. Without it
   * every file is written.
   */
  state?: string;
  /** How many files are written before the rest are created on another thread (default 2000; tests set 0). */
  writerThreadAfter?: number;
  /** Characters of a data file encoded and written at a time (default 1 MiB; tests set a few to cut it often). */
  linesPiece?: number;
  /**
   * Whether the write reads and hashes the files of the groups and bundles whose turn it is (site-state.ts
   * `audited`), whatever their records say (default true; false only where a test looks at the records alone).
   */
  audit?: boolean;
  /**
   * With `state`: keep the site in two folders, `<outDir>.situs/a` and `/b`, and make `outDir` a symbolic link to
   * the one served. A write brings the other one up to date in place (only what changed since it was served is
   * written, linked or removed), then turns the link to it in one rename. Without it (and on Windows, where a
   * link to a folder needs rights a hub may not have) the whole site is built in a new folder and swapped in.
   */
  twoFolders?: boolean;
  /** How long a two-folder write waits for another process's to end (site-lock.ts; tests set a little). */
  lockWaitMs?: number;
  /**
   * With `twoFolders`: how many files an exam's formations in the folder brought up to date must have for them to be
   * checked on another thread while its data files are made (default 2000; tests set 0 or Infinity).
   */
  checkThreadAfter?: number;
  /** Starts that check on another thread (default `checkAside`): tests give one whose thread fails. */
  checkFiles?: (files: readonly FileToCheck[]) => FilesCheck;
  /**
   * Called once the site is served, before the write saves the records of its files (`recordSiteStats`), with the
   * folder served: tests change a file there, as anyone who may write the site could while a write ends.
   */
  beforeRecords?: (served: string) => void;
}

/** The folder that holds a two-folder site's folders (`twoFolders`). */
export const siteFolders = (out: string): string => `${out}.situs`;

/** The state of the folder not served, beside the state of the one served (`twoFolders`). */
export const idleState = (state: string): string => `${state}.idle`;

/** Writes the whole site to `outDir`, replacing an earlier site there only once the new one is complete. */
export async function writeSite(outDir: string, input: SiteInput, opts: WriteSiteOptions = {}): Promise<SiteWritten> {
  check(input);
  // The tree this input was checked against, held here: another write in this process may check another log meanwhile.
  const tree = verified!.tree;
  const out = resolve(outDir);
  await checkTarget(out);
  await mkdir(dirname(out), { recursive: true });
  if (opts.state && opts.twoFolders && process.platform !== 'win32' && linksAllowed(dirname(out))) {
    const state = opts.state;
    // One writer at a time: another process's write would be changing the same folder (site-lock.ts).
    return await withSiteLock(`${state}.lock`, () => writeTwoFolders(out, input, tree, state, opts), opts.lockWaitMs);
  }
  const tmp = `${out}.tmp-${randomBytes(6).toString('hex')}`;
  await mkdir(tmp);
  const prev = opts.state ? loadSiteState(opts.state, out) : null;
  const files = new SiteFileWriter(opts.writerThreadAfter);
  const w = new SiteWriter(tmp, input.generatedAt, prev ? { dir: out, state: prev } : null, files, opts.state, opts.audit ?? true, opts.linesPiece);
  try {
    await build(w, input, tree, input.leaves.length);
    files.finish();
    // Kept before the swap and naming the new folder (its inode moves with it): should the swap not happen,
    // the state names no site at all, and the next write is a full one.
    if (opts.state) saveSiteState(opts.state, out, tmp, input.generatedAt, w.state, w.groups, w.generation);
    await swapIn(out, tmp);
  } catch (e) {
    // The writing thread and the bundles' copies stop before the folder they write into is removed.
    await files.abort();
    await w.settle();
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  await files.close();
  opts.beforeRecords?.(out);
  if (opts.state) {
    try {
      recordSiteStats(opts.state, out, w.groups, w.groupPaths, w.copiedPaths, undefined, (rel) => w.placedStat(rel));
    } catch {
      // The site is in place: without the records the next write reads and hashes what it takes from it.
    }
  }
  return { files: w.files, bytes: w.bytes, linked: w.linked, kept: w.kept, checked: w.checked, stayed: 0, checkedAside: 0, vouched: w.vouched };
}

export interface SiteWritten {
  /** files and bytes the site holds */
  files: number;
  bytes: number;
  /** files hard-linked from the site served before */
  linked: number;
  /** files of groups kept without being made again */
  kept: number;
  /** files taken as they were that were read and hashed first (their records did not vouch for them) */
  checked: number;
  /** files left as they were in the folder brought up to date in place (`twoFolders`) */
  stayed: number;
  /** files whose check ran on another thread while the write made other files (`checkThreadAfter`), kept or not */
  checkedAside: number;
  /** bundles copied in without being read back and hashed: still the files the hub verified (`verified`) */
  vouched: number;
}

/**
 * `writeSite` with two folders (`WriteSiteOptions.twoFolders`): the folder not served is brought up to date in place
 * and the link `out` turned to it.
 *
 * Crash safety, step by step: the idle folder's state is removed before the folder is touched (a write that stops
 * leaves it unknown: the next one empties it and fills it whole); the new state is saved aside before the link
 * turns; once it has turned, the served state becomes the idle one and the new one the served one, by renames. A
 * write that stops between two of these leaves a state that names the wrong folder (identity: inode and birth
 * time), and the next write is a full one; the site served is whole throughout.
 */
async function writeTwoFolders(out: string, input: SiteInput, tree: TreeReader, state: string, opts: WriteSiteOptions): Promise<SiteWritten> {
  const home = siteFolders(out);
  const folderPath = (f: SiteFolder) => join(home, f);
  // What is served now: one of the two folders through the link, or a folder of its own (a site written before
  // the two folders, or a link Lentera did not make: the site is then built whole beside it).
  let served: { dir: string; folder?: SiteFolder } | null = null;
  const lst = lstatSync(out, { throwIfNoEntry: false });
  if (lst?.isSymbolicLink()) {
    const to = resolve(dirname(out), readlinkSync(out));
    const folder = (['a', 'b'] as const).find((f) => folderPath(f) === to);
    served = folder && existsSync(to) ? { dir: to, folder } : existsSync(out) ? { dir: out } : null;
  } else if (lst?.isDirectory()) served = { dir: out };
  const folder: SiteFolder = served?.folder === 'a' ? 'b' : 'a';
  const root = folderPath(folder);
  const loaded = loadSiteState(state, out);
  const prev = served && loaded && (loaded.folder ?? undefined) === served.folder ? { dir: served.dir, state: loaded } : null;
  // The folder to write: kept when its state still describes it (then brought up to date in place), else emptied.
  const idle = idleState(state);
  const recorded = loadSiteState(idle, out, root);
  const base = recorded && recorded.folder === folder && lstatSync(root).isDirectory() ? recorded : null;
  if (base === null) {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
  }
  const files = new SiteFileWriter(opts.writerThreadAfter);
  // (It reads what was recorded of the folder before anything in it changes.)
  const w = new SiteWriter(root, input.generatedAt, prev, files, state, opts.audit ?? true, opts.linesPiece, base, opts.checkThreadAfter, opts.checkFiles, true);
  // From here the folder is being changed: until the new state is saved, nothing vouches for it.
  rmSync(idle, { force: true });
  forgetFolderStats(state, folder);
  const next = `${state}.next`;
  try {
    await build(w, input, tree, input.leaves.length);
    files.finish();
    w.sweep();
    const made = siteState(out, root, input.generatedAt, w.state, w.groups, w.generation, folder);
    writeSiteState(next, made);
    await turnLink(out, root, served !== null && served.folder === undefined);
    // The served folder is now the idle one, as its state describes it (when one did).
    const still = prev?.state.folder ? prev.state : null;
    if (still) renameSync(state, idle);
    else rmSync(state, { force: true });
    renameSync(next, state);
    collectGroups(state, still ? [made, still] : [made]);
  } catch (e) {
    await files.abort();
    await w.settle();
    rmSync(next, { force: true });
    throw e;
  }
  await files.close();
  opts.beforeRecords?.(root);
  try {
    const unsettled = Object.fromEntries(Object.entries(w.groups).filter(([name]) => !w.settled.has(name)));
    recordSiteStats(state, root, unsettled, w.groupPaths, w.copiedPaths, folder, (rel) => w.placedStat(rel));
    recordFolderStats(state, folder, root, w.placedFolders());
  } catch {
    // The site is in place: without the records the next write into this folder reads and hashes what it keeps.
  }
  return { files: w.files, bytes: w.bytes, linked: w.linked, kept: w.kept, checked: w.checked, stayed: w.stayed, checkedAside: w.checkedAside, vouched: w.vouched };
}

/**
 * Whether symbolic links can be made in `dir`: not on a FAT-formatted USB stick, say, where the site is then written
 * as a folder of its own. Tried, not guessed from the platform.
 */
function linksAllowed(dir: string): boolean {
  const probe = join(dir, `.lentera-link-${randomBytes(6).toString('hex')}`);
  try {
    symlinkSync('.', probe, 'dir');
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns the link `out` to `root` in one rename: a reader finds the old site or the new one, whole. A site that is a
 * folder of its own (`wasFolder`) cannot be replaced by a link in one step: it is moved aside first, for as long as
 * two renames take, and removed once the link is in place.
 */
async function turnLink(out: string, root: string, wasFolder: boolean): Promise<void> {
  const link = `${out}.link-${randomBytes(6).toString('hex')}`;
  // Relative, so that the site and its folders can be moved (or mounted elsewhere) together.
  symlinkSync(relative(dirname(out), root), link, 'dir');
  try {
    if (wasFolder) await swapIn(out, link);
    else renameSync(link, out);
  } catch (e) {
    rmSync(link, { force: true });
    throw e;
  }
}
