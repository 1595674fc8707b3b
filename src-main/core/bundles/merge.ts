import { isUtf8 } from 'node:buffer';
import { hash, randomUUID } from 'node:crypto';
import { accessSync, closeSync, constants, copyFileSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Db } from '../db/open';
import { insertRows, sql, valuesInsert } from '../db/statements';
import { canonicalJson } from '../audit/chain';
import { rankWithAgeTies, type FormationFacts, type RankedCandidate } from '../ranking/engine';
import type { Ruleset } from '../ranking/ruleset-schema';
import { agePackageKey, ageOrdersOf, type AgeOrders } from './age-order';
import { readRuleset } from '../ranking/rulesets';
import { resultDigest } from '../sheets/result-sheet';
import { BlockOut } from './block-out';
import { lineDigest } from './collect';
import { bindSigner, checkBinding } from './trust';
import { agePublished, factsFromJson, type FactsJson } from './facts';
import type { Fraction } from '../scoring/exact';
import { DATA_FILES, DATA_PATHS, LIMITS, type Manifest } from './format';
import { formationSchema } from '../exams/package-schema';
import { foldCase, hasLetter, takesPageName } from '../publish/paths';
import { NOMOR_PESERTA } from '../roster/fields';
import { BundleRefused, verifyBundle, type BundleReport, type VerifyOptions } from './verify';
import { LenteraError } from '../util/errors';
import { statOf } from '../util/file-stat';
import { transcribe } from '../custody/sealed-file';
import { withPending, type ItemRow, type PendingItem } from './merged-rows';
import { agree, conflictOf, formationConflicts, mergedCandidates, mergedFormations, type BirthYears, type Conflict, type Value } from './merged-records';
import { eachVerifiedFile, listedAs, readVerified } from './listed-entries';

export interface ImportPlan {
  report: BundleReport;
  /** the same bundle was merged before: nothing to do */
  unchanged: boolean;
  rulesetText: string;
  /** the records a merged view reads (`VIEW_KINDS`), each kept as its line, and any file not written a record a line */
  items: { kind: string; key: string; digest: string; body: string }[];
  /** the other data files' records, read again from the verified bundle as they are stored */
  deferred: DeferredRecords[];
  /** whether the signer's registration was checked (a place that merges always checks it) */
  registered: boolean;
  /** this place's own workstation id, whose own identities sign for it alone (none at the hub) */
  self?: string;
  /** set once its records were stored and released: a plan is committed once, never again with no records */
  spent?: boolean;
  /** the copy of the bundle that was verified (`stageIn`), until the commit gives it its name */
  staged?: string;
  /**
   * the merged view once these items are stored, ranked while the bundle was verified (bundles/ahead.ts) from the
   * merged items as `mergedStateKey` named them: good only while that key has not moved
   */
  speculated?: { view: MergedView; stateKey: string };
  /** the key the verified file is sealed with (an upload, sealed as it arrived): it is copied opened */
  sourceKey?: Uint8Array;
}

export interface ImportOptions extends VerifyOptions {
  /** the importing workstation's id: its own signing identities count as registered for its own bundles */
  self?: string;
  /**
   * The data folder that keeps merged bundles: the bundle is copied there first (by the kernel, outside any
   * transaction), and the copy is what is verified and kept. `discardImport` removes it when the plan is not
   * committed.
   */
  stageIn?: string;
  /** the file is the caller's to give (an upload the hub received): moved into `stageIn` rather than copied */
  moveIn?: boolean;
  /**
   * Reads, parses and merges the file (the staged copy, when there is one) while it is verified (bundles/ahead.ts
   * `speculate`), once its manifest's signature verified and its signer is found registered here (`trusted`):
   * what it makes is used only when found equal to the verified bytes.
   */
  ahead?: (file: string, manifest: Manifest) => Promise<Speculation | null>;
  /** stops the read-ahead (the bundle refused, or already merged): what it has not yet done is skipped */
  stopAhead?: () => void;
}

/** What `speculate` made of a bundle's bytes before they were verified: used only when found equal to them. */
export interface Speculation {
  /** the sha256 of each data file and of the ruleset read, by path: the bytes parsed were the verified ones iff the verified manifest lists these */
  sha256: Map<string, string>;
  /** null: the records could not be read (verification reads them again and refuses in its place) */
  items: Records | null;
  view: MergedView | null;
  stateKey: string;
}

/** Staged copies are named so: a crash between staging and commit leaves one behind, and `sweepStaged` finds it. */
const STAGED = /^\.incoming-[0-9a-f-]{36}\.part$/;
/**
 * A staged copy's records kept in key order (`keepInKeyOrder`), and the runs such a copy is merged from while it is
 * made (key-ordered-copy.ts: `….records.run3`; a crash while they are written leaves them): swept with it.
 */
const KEPT = /^\.incoming-[0-9a-f-]{36}\.part\.[0-9]+\.records(\.run[0-9]+)?$/;

function mergedDir(dataDir: string): string {
  return join(dataDir, 'bundles', 'merged');
}

/**
 * Removes the staged copies a crash left behind, as a hub opens. Another process may be merging into the same
 * folder (the hub's server and `lentera hub ingest`): a copy being written or waiting for its commit was touched
 * within seconds, so only one untouched for an hour is taken as left behind.
 */
export function sweepStaged(dataDir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(mergedDir(dataDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!STAGED.test(name) && !KEPT.test(name)) continue;
    const file = join(mergedDir(dataDir), name);
    try {
      if (now - statSync(file).mtimeMs > STAGED_LEFT_MS) rmSync(file, { force: true });
    } catch {
      // gone meanwhile: its process committed or discarded it
    }
  }
}

const STAGED_LEFT_MS = 60 * 60 * 1000;

/** Renames `file` to `to`; false when it cannot be (another filesystem, a file held open on Windows): copy instead. */
function movedTo(file: string, to: string): boolean {
  try {
    renameSync(file, to);
    return true;
  } catch {
    return false;
  }
}

/** Removes a plan's staged copy and its records' copies when the plan was not (or could not be) committed; safe to call at any time. */
export function discardImport(plan: ImportPlan): void {
  dropStaged(plan);
  dropScratch(plan.deferred);
}

function dropStaged(plan: ImportPlan): void {
  if (plan.staged) rmSync(plan.staged, { force: true });
}

/** Removes the copies in key order (`DeferredRecords.scratch`) of `deferred`. */
export function dropScratch(deferred: readonly DeferredRecords[]): void {
  for (const d of deferred) if (d.scratch) rmSync(d.scratch.file, { force: true });
}

/**
 * Where the records of a deferred data file are kept in key order while `staged` (a bundle copied into the hub's
 * folder) is verified and merged: beside it, under a name `sweepStaged` knows. None for a file that is not staged.
 */
export function scratchFor(staged: string, n: number): string | undefined {
  return STAGED.test(basename(staged)) ? `${staged}.${n}.records` : undefined;
}

/**
 * Where the bundle `m` describes would stand in its workstation's chain of the exam here: the next place, or a place
 * taken (replayed or forked), a gap, or a link to a bundle not the last merged. `have` is the last sequence merged.
 */
function chainPlace(db: Db, m: Manifest): { place: 'next' | 'taken' | 'gap' | 'broken'; have: number } {
  const last = sql(db, 'SELECT sequence, sha256 FROM merged_bundles WHERE exam_code = ? AND workstation_id = ? ORDER BY sequence DESC LIMIT 1').get(m.exam.code, m.workstation.id) as { sequence: number; sha256: string } | undefined;
  const have = last?.sequence ?? 0;
  if (m.sequence <= have) return { place: 'taken', have };
  if (m.sequence !== have + 1) return { place: 'gap', have };
  return { place: (last?.sha256 ?? null) === m.previous ? 'next' : 'broken', have };
}

/** Whether the bundle `m` describes takes the next place in its workstation's chain here: not merged, nor refused. */
export function takesNextPlace(db: Db, m: Manifest): boolean {
  return chainPlace(db, m).place === 'next';
}

/** Where this bundle stands in its workstation's chain; a replay, a fork or a gap is refused with what is missing. */
export function checkChain(db: Db, m: Manifest, sha256: string): { unchanged: boolean } {
  if (sql(db, 'SELECT 1 FROM merged_bundles WHERE sha256 = ?').get(sha256)) return { unchanged: true };
  const { place, have } = chainPlace(db, m);
  const who = `workstation ${m.workstation.name || m.workstation.id}`;
  if (place === 'taken') {
    throw new BundleRefused('BUNDLE_REPLAYED', `Bundle ${m.sequence} of ${who} was already merged with different content: a replayed or forked bundle is refused.`, { sequence: m.sequence, have });
  }
  if (place === 'gap') {
    const missing = have + 1 === m.sequence - 1 ? `${have + 1}` : `${have + 1}–${m.sequence - 1}`;
    throw new BundleRefused('BUNDLE_GAP', `Bundle ${m.sequence} of ${who} is out of order: bundle${have + 1 === m.sequence - 1 ? '' : 's'} ${missing} ${have + 1 === m.sequence - 1 ? 'is' : 'are'} missing. Import ${have + 1 === m.sequence - 1 ? 'it' : 'them'} first.`, { sequence: m.sequence, have, missing });
  }
  if (place === 'broken') {
    throw new BundleRefused('BUNDLE_CHAIN_BROKEN', `Bundle ${m.sequence} of ${who} does not link to bundle ${have} merged here (previous hash differs).`, { sequence: m.sequence });
  }
  return { unchanged: false };
}

/**
 * The merged exams whose code is `code` but for ASCII letter case, on both stores alike. lower() of the column is
 * ASCII only on both (SQLite's, and PostgreSQL's under the column's C collation); lower() of the parameter took the
 * database's default collation on PostgreSQL, which on a cluster not made with --locale C lowers "É" too, so the
 * stores disagreed on which codes clash. The code is lowered here instead, ASCII only.
 */
export function examsAlike(db: Db, code: string): { code: string; sha256: string }[] {
  return sql(db, 'SELECT exam_code AS code, ruleset_sha256 AS sha256 FROM merged_exams WHERE lower(exam_code) = ?').all(foldCase(code)) as { code: string; sha256: string }[];
}

/**
 * Refused, inside the merge's transaction with the bundle's items stored: two candidates (or formations) of the exam
 * whose codes differ only in letter case, from this bundle or any merged before. Each has a page named by its code,
 * and on a case-insensitive disk or web host the two are one file: the site write refuses that, and merged items are
 * never taken back, so the hub could publish nothing again (found by review, 2026-12-07). Only codes with a letter
 * can clash (lower() and upper() differ), and a bundle none of whose registration numbers has one adds no clash:
 * the numbers of CPNS are digits, and the candidates' check (a scan of the exam's 300,000 rows at 100,000
 * candidates, about 0.2 s) is then not made (`candidates` false).
 */
function checkPageNames(db: Db, exam: string, candidates: boolean): void {
  for (const [what, kinds] of [
    ...(candidates ? ([['candidates', "'candidate', 'facts', 'result'"]] as const) : []),
    ['formations', "'formation'"] as const,
  ]) {
    const clash = sql(db, `SELECT min(key) AS a, max(key) AS b FROM merged_items WHERE exam_code = ? AND kind IN (${kinds}) AND lower(key) <> upper(key) GROUP BY lower(key) HAVING min(key) <> max(key) LIMIT 1`).get(exam) as { a: string; b: string } | undefined;
    if (clash) {
      throw new BundleRefused('BUNDLE_CODE_CONFLICT', `The bundle's ${what} of ${exam} would then include ${clash.a} and ${clash.b}, which differ only in letter case: published, the two would share one page. Nothing was merged; the venue must give each the code the exam's package gives.`, { exam, codes: [clash.a, clash.b] });
    }
  }
}

function checkExam(db: Db, m: Manifest): void {
  // The site publishes an exam under folders named by its code, and a case-insensitive disk (or web host) makes
  // two codes that differ only in letter case one folder: the hub could then write no site at all.
  const merged = examsAlike(db, m.exam.code);
  const alike = merged.find((e) => e.code !== m.exam.code);
  if (alike !== undefined) {
    throw new BundleRefused('BUNDLE_EXAM_CONFLICT', `The bundle's exam ${m.exam.code} differs from exam ${alike.code}, merged here, only in letter case: published, the two would share one folder. The venue's exam package must use the code ${alike.code}.`, { exam: m.exam.code, merged: alike.code });
  }
  const known = merged[0]?.sha256;
  if (known && known !== m.ruleset.sha256) {
    throw new BundleRefused('BUNDLE_RULESET_CONFLICT', `The bundle ranks ${m.exam.code} with ruleset ${m.ruleset.id} sha256 ${m.ruleset.sha256.slice(0, 12)}…, but bundles merged here use ${known.slice(0, 12)}…; the exam's ruleset must be the same everywhere.`);
  }
}

/**
 * Verifies everything, then reads the records (or takes those read ahead while it verified, `ahead`, when they are
 * the verified bytes): all before a transaction opens, so a refusal changes nothing.
 * The signer must be registered here and registered for the workstation the bundle names (the binding rule,
 * `checkBinding`), checked before the chain: a bundle signed for another workstation is refused for that, and
 * takes no place in anyone's chain.
 */
export async function prepareImport(db: Db, file: string, opts: ImportOptions): Promise<ImportPlan> {
  const { self, stageIn, moveIn, ahead, stopAhead, ...verify } = opts;
  const staged = stageIn !== undefined ? await stageCopy(file, stageIn, moveIn === true) : undefined;
  let plan: ImportPlan | undefined;
  try {
    // The copy is what is verified: the bytes checked are the bytes kept, and their sha256 the one recorded.
    plan = await prepareVerified(db, staged ?? file, self, verify, ahead, stopAhead);
    if (staged !== undefined) plan.staged = staged;
    if (verify.key) plan.sourceKey = verify.key;
    return plan;
  } finally {
    // A refused bundle leaves no copy behind.
    if (plan === undefined && staged !== undefined) rmSync(staged, { force: true });
  }
}

/**
 * The bundle copied into the data folder, under a name a crash leaves for `sweepStaged` (the kernel copies, on
 * libuv's threads: no bytes through this one), or moved there when it is the caller's to give (`move`; copied
 * after all across filesystems). What is missing, no regular file or larger than any bundle may be is not
 * staged: the verification refuses it as it is.
 */
async function stageCopy(file: string, dataDir: string, move: boolean): Promise<string | undefined> {
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > LIMITS.bundleBytes) return undefined;
  } catch {
    return undefined;
  }
  mkdirSync(mergedDir(dataDir), { recursive: true });
  const staged = join(mergedDir(dataDir), `.incoming-${randomUUID()}.part`);
  try {
    if (!move || !movedTo(file, staged)) await copyFile(file, staged, constants.COPYFILE_EXCL);
  } catch (e) {
    rmSync(staged, { force: true });
    // The bundle unreadable is the sender's to fix; this folder full or locked is this place's, and worth a retry.
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new BundleRefused('FILE_NOT_FOUND', `${basename(file)} cannot be read.`, { file: basename(file) });
    }
    throw new Error(`the bundle could not be copied into ${mergedDir(dataDir)}: ${(e as Error).message}`);
  }
  try {
    // Windows and macOS give a copy its source's modification time (a move keeps it): a copy made now must look
    // made now to a sweep of copies left behind. Only the sweep's judgement rests on it.
    const now = new Date();
    utimesSync(staged, now, now);
  } catch {
    // An hour's grace then counts from the source's time: at worst an old upload's copy is swept and sent again.
  }
  return staged;
}

async function prepareVerified(db: Db, file: string, self: string | undefined, verify: VerifyOptions, ahead: ImportOptions['ahead'], stopAhead: ImportOptions['stopAhead']): Promise<ImportPlan> {
  // Started as soon as the manifest is found signed by a signer registered here: the verification then waits on its
  // hashing threads for seconds, this thread idle. Nothing is read ahead for anyone else.
  let spec: Promise<Speculation | null> | undefined;
  const registered = (fingerprint: string) => {
    try {
      return Boolean(verify.trusted?.(fingerprint));
    } catch {
      return false;
    }
  };
  let report: BundleReport;
  try {
    report = await verifyBundle(file, {
      ...verify,
      ...(ahead ? { onSigned: (fingerprint: string, m: Manifest) => void (registered(fingerprint) && (spec = ahead(file, m))) } : {}),
      // The data files and the ruleset are kept as verification hashes them: not read again. While the records are
      // read ahead, no second copy of them is kept (at 100,000 candidates a few hundred MB): should what was read ahead
      // not be the verified bytes, the verified file is read again. A sealed file is kept as read.
      keep: (p) => p.startsWith('ruleset/') || (DATA_PATHS.has(p) && (spec === undefined || verify.key !== undefined)),
      ...(verify.trusted ? { binding: (fp: string, m: Manifest) => void checkBinding(db, fp, m.workstation, self) } : {}),
    });
  } catch (e) {
    await dropAhead(spec, stopAhead);
    throw e;
  }
  try {
    return await planOf(db, file, report, self, verify, spec, stopAhead);
  } catch (e) {
    await dropAhead(spec, stopAhead);
    throw e;
  }
}

/**
 * Refused, or nothing to merge: the read-ahead stopped and what it kept on disk removed, before the answer, so that a
 * refused or replayed bundle leaves nothing behind.
 */
async function dropAhead(spec: Promise<Speculation | null> | undefined, stop: (() => void) | undefined): Promise<void> {
  if (!spec) return;
  // Its own trouble never takes the place of the refusal being answered.
  try {
    stop?.();
    const made = await Promise.resolve(spec).catch(() => null);
    if (made?.items) dropScratch(made.items.deferred);
  } catch {
    // a copy left behind is swept within the hour (`sweepStaged`)
  }
}

async function planOf(db: Db, file: string, report: BundleReport, self: string | undefined, verify: VerifyOptions, spec: Promise<Speculation | null> | undefined, stopAhead: (() => void) | undefined): Promise<ImportPlan> {
  const m = report.manifest;
  const { unchanged } = checkChain(db, m, report.sha256);
  if (unchanged) {
    await dropAhead(spec, stopAhead);
    return { report, unchanged, rulesetText: '', items: [], deferred: [], registered: Boolean(verify.trusted), self };
  }
  checkExam(db, m);
  const files = report.kept;
  const rulesetText = files.get(m.ruleset.path)!.toString('utf8');
  readRuleset(rulesetText, m.ruleset.path);
  // Read and parsed while the bundle was verified, from bytes now found equal to the verified ones: the same items.
  const made = spec ? await spec : null;
  const same = made !== null && listedAs(made.sha256, m);
  const kept = [...DATA_PATHS].every((p) => files.has(p) || !m.files.some((f) => f.path === p));
  // A sealed file (an upload sealed as it arrived) cannot be read again as plain bytes at the commit: all its
  // records are held.
  const use = same && made.items && (verify.key === undefined || made.items.deferred.length === 0);
  // What was read ahead and is not used keeps nothing on disk.
  if (!use && made?.items) dropScratch(made.items.deferred);
  const { items, deferred } = use ? made.items! : itemsOf(kept ? files : readVerified(file, m), { defer: verify.key === undefined });
  for (const path of DATA_PATHS) files.delete(path);
  const plan: ImportPlan = { report, unchanged, rulesetText, items, deferred, registered: Boolean(verify.trusted), self };
  if (same && made.view) plan.speculated = { view: made.view, stateKey: made.stateKey };
  return plan;
}

/**
 * The kinds `mergedView` reads: their records are held from the read until the commit, or, read ahead of the
 * verification, kept in key order beside the staged copy and read back a kind at a time (bundles/ahead.ts).
 */
const VIEW_KINDS: ReadonlySet<string> = new Set(['formation', 'candidate', 'session', 'facts', 'finalization']);

/**
 * A data file whose records only the commit needs (score entries, attendance, results: at 100,000 candidates about
 * 200 MB of text, held until the commit they were most of an ingest's memory). Each record is parsed and checked
 * when the file is read, then let go but for its key and digest; the commit reads the file again from the verified
 * bundle, refused if it is no longer the bytes its manifest lists, and stores its lines. Only a file written a
 * record a line is read so: its lines are the same bytes read again. Read ahead of the verification, such a file's
 * records, and those of the kinds a view reads, are kept in key order beside the staged copy instead (`scratch`).
 */
export interface DeferredRecords {
  kind: string;
  path: string;
  /** how many records the file holds */
  count: number;
  /** what is kept of each record until the records are kept in key order (`scratch`), then let go */
  held: HeldRecords | null;
  /** whether a record's key has a letter: only such a key can differ from another by letter case (`checkPageNames`) */
  lettered: boolean;
  /**
   * Each record in the order it is stored, its key and digest on a line before it, in a file of the hub's own beside
   * the staged bundle (`keepInKeyOrder`, written while the bundle was verified): the commit reads it straight
   * through instead of reading the data file again from the bundle (inflating and hashing it) and holding it whole.
   */
  scratch?: { file: string; bytes: number };
}

export interface HeldRecords {
  /** each record's key, in the file's order */
  keys: string[];
  /** each record's digest (the sha256 of its line), 32 bytes a record, in the file's order */
  digests: Buffer;
  /** the records' places in the file in the order they are stored: by key, two with one key as in the file */
  order: Uint32Array;
}

export interface Records {
  items: ImportPlan['items'];
  deferred: DeferredRecords[];
}

/**
 * The records of a bundle's data files (`files`, by path), in the order of DATA_FILES: those a merged view reads
 * kept as their lines, the others (with `defer`, where the commit can read the file again) as `DeferredRecords`.
 * Each file's bytes are taken out of `files` as they are read: no more than one of them is held twice.
 */
export function itemsOf(files: Map<string, Buffer>, opts: { defer?: boolean } = {}): Records {
  const into: Records = { items: [], deferred: [] };
  for (const path of DATA_PATHS) {
    const data = files.get(path);
    if (!data) continue;
    files.delete(path);
    readRecords(path, data, opts, into);
  }
  return into;
}

const KIND_OF = new Map<string, string>(Object.entries(DATA_FILES).map(([kind, path]) => [path, kind]));

/** The kind of the data file at `path` when `readRecords` defers its records (only the commit reads them), else undefined. */
export function deferredKind(path: string): string | undefined {
  const kind = KIND_OF.get(path);
  return kind === undefined || VIEW_KINDS.has(kind) ? undefined : kind;
}

/** Where each record of a file written a record a line lies in its bytes (`verbatimSpans`). */
export interface LineSpans {
  starts: number[];
  ends: number[];
}

/**
 * One data file's records (`itemsOf`), added to `into`; a path that is no data file adds nothing. A file written a
 * record a line is read a line at a time from its bytes: at 100,000 candidates the score entries are 120 MB, and
 * their text and lines beside the bytes were twice that again, the ingest's peak (issue 18). Gives the places of a
 * deferred file's records in `data` (for `keepInKeyOrder`).
 */
export function readRecords(path: string, data: Buffer, opts: { defer?: boolean }, into: Records): LineSpans | undefined {
  const kind = KIND_OF.get(path);
  if (kind === undefined) return undefined;
  const spans = verbatimSpans(data);
  if (!spans) {
    const lines = recordLines(data.toString('utf8'), path);
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      into.items.push({ kind, key: keyOfLine(kind, line, path, n), digest: lineDigest(line), body: line });
    }
    return undefined;
  }
  const { starts, ends } = spans;
  const count = starts.length;
  const defer = opts.defer !== false && !VIEW_KINDS.has(kind);
  if (!defer) {
    for (let n = 0; n < count; n++) {
      const line = data.toString('utf8', starts[n], ends[n]);
      into.items.push({ kind, key: keyOfLine(kind, line, path, n), digest: lineDigest(line), body: line });
    }
    return undefined;
  }
  // The digest is of the line as stored (its text, in UTF-8): of its bytes as they are, when they are UTF-8 already.
  const bytesAreText = isUtf8(data);
  const keys: string[] = new Array<string>(count);
  const digests = Buffer.allocUnsafe(count * 32);
  for (let n = 0; n < count; n++) {
    const line = data.toString('utf8', starts[n], ends[n]);
    keys[n] = keyOfLine(kind, line, path, n);
    hash('sha256', bytesAreText ? data.subarray(starts[n], ends[n]) : line, 'buffer').copy(digests, n * 32);
  }
  into.deferred.push({ kind, path, count, held: { keys, digests, order: keyOrder(keys) }, lettered: keys.some(hasLetter) });
  return spans;
}

export function keyOfLine(kind: string, line: string, path: string, n: number): string {
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch (e) {
    throw new BundleRefused('BUNDLE_DATA_INVALID', `${path}: record ${n + 1} is not JSON: ${(e as Error).message}.`, { entry: path, index: n });
  }
  const key = keyOf(kind, body);
  if (!key) throw new BundleRefused('BUNDLE_DATA_INVALID', `${path}: record ${n + 1} has no key.`, { entry: path, index: n });
  if (kind === 'formation') checkFormation(body, path, n);
  else if (NOMOR_KINDS.has(kind)) checkNomor(key, path, n);
  return key;
}

/** The kinds keyed by a candidate's registration number: each gives the candidate a page of the site. */
const NOMOR_KINDS: ReadonlySet<string> = new Set(['candidate', 'facts', 'result']);

/**
 * A registration number as a roster takes it, or the bundle is refused: the site names a candidate's page by it, and
 * one it cannot write (a name too long for a disk, the candidates' list's own) stopped every later site write, for
 * every exam of the hub (found by review, 2026-12-07).
 */
function checkNomor(key: string, path: string, n: number): void {
  if (NOMOR_PESERTA.test(key) && !takesPageName(key)) return;
  throw new BundleRefused('BUNDLE_DATA_INVALID', `${path}: record ${n + 1} gives ${JSON.stringify(key.slice(0, 60))} as a registration number: one is 4–40 letters, digits, dot or dash, and not "index".`, { entry: path, index: n });
}

/**
 * A formation as the exam package has it (its code, texts and a whole quota), or the bundle is refused: its fields
 * are published and ranked as they are, and a quota of HTML went into three pages of the site (found by review).
 */
function checkFormation(body: unknown, path: string, n: number): void {
  const r = formationSchema.safeParse(body);
  if (r.success) return;
  const issue = r.error.issues[0]!;
  throw new BundleRefused('BUNDLE_DATA_INVALID', `${path}: record ${n + 1} is not a formation (${issue.path.join('.') || 'record'}: ${issue.message}).`, { entry: path, index: n });
}

/** The places of `keys` sorted by key (UTF-16 order, as `inKeyOrder`), two equal keys in their own order. */
export function keyOrder(keys: readonly string[]): Uint32Array {
  const order = new Uint32Array(keys.length);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    order[i] = i;
    if (i > 0 && keys[i - 1]! > keys[i]!) sorted = false;
  }
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  return order;
}

/**
 * Where each record of a file Lentera wrote lies ("[\n", lines ending in ",", "\n]\n"; `lineSpans`), or null for any
 * other file: each record is then its line's bytes, never the whole array held as objects or as one text.
 */
function verbatimSpans(data: Buffer): LineSpans | null {
  const n = data.length;
  if (n < 4 || data[0] !== 0x5b || data[1] !== 0x0a || data[n - 3] !== 0x0a || data[n - 2] !== 0x5d || data[n - 1] !== 0x0a) return null;
  const last = Math.max(2, n - 3);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 2; ; ) {
    const nl = data.indexOf(0x0a, at);
    if (nl < 0 || nl >= last) {
      // The last record: no comma after it.
      if (last > at && data[last - 1] === 0x2c) return null;
      starts.push(at);
      ends.push(last);
      return { starts, ends };
    }
    if (nl === at || data[nl - 1] !== 0x2c) return null;
    starts.push(at);
    ends.push(nl - 1);
    at = nl + 1;
  }
}

/** The records of a data file not written a record a line: any valid JSON array, each record as its JSON text. */
function recordLines(text: string, path: string): string[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    throw new BundleRefused('BUNDLE_DATA_INVALID', `${path} is not JSON: ${(e as Error).message}.`, { entry: path });
  }
  if (!Array.isArray(rows)) throw new BundleRefused('BUNDLE_DATA_INVALID', `${path} is not a list.`, { entry: path });
  return rows.map((r) => JSON.stringify(r));
}

function keyOf(kind: string, body: unknown): string | null {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object') return null;
  const v =
    kind === 'candidate'
      ? b.nomor_peserta
      : kind === 'formation' || kind === 'session'
        ? b.code
        : kind === 'facts'
          ? b.nomorPeserta
          : kind === 'result'
            ? (b.result as { nomor_peserta?: unknown } | undefined)?.nomor_peserta
            : b.id;
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
}

const byKey = (a: ImportPlan['items'][number], b: ImportPlan['items'][number]) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The items of each kind in the order of merged_items' key. A bundle lists score entries by candidate, whose ids
 * are in no such order: inserted as they come, 300k rows land on random pages of the table. The items come
 * grouped by kind (one data file each); within a kind the sort is stable, so two records with one key still
 * leave the later one stored, as before.
 */
export function inKeyOrder(items: ImportPlan['items']): ImportPlan['items'] {
  const out: ImportPlan['items'] = [];
  for (let start = 0; start < items.length; ) {
    let end = start + 1;
    let sorted = true;
    while (end < items.length && items[end]!.kind === items[start]!.kind) {
      if (sorted && byKey(items[end - 1]!, items[end]!) > 0) sorted = false;
      end++;
    }
    const group = items.slice(start, end);
    if (!sorted) group.sort(byKey);
    for (const i of group) out.push(i);
    start = end;
  }
  return out;
}

// The exam, workstation and bundle are the same for every row: bound once per statement, by name.
const itemsInsert = valuesInsert(
  'INSERT INTO merged_items (exam_code, workstation_id, kind, key, digest, body, bundle_sha256)',
  '(@exam, @workstation, ?, ?, ?, ?, @bundle)',
  ' ON CONFLICT (exam_code, kind, key, workstation_id) DO UPDATE SET digest = excluded.digest, body = excluded.body, bundle_sha256 = excluded.bundle_sha256',
);

/** Stores a bundle's items, latest version per (kind, key) and workstation, many rows per statement. */
export function putItems(db: Db, exam: string, workstation: string, bundle: string, items: ImportPlan['items']): void {
  insertRows(
    db,
    itemsInsert,
    4,
    items.length,
    (args, at, row) => {
      const i = items[row]!;
      args[at] = i.kind;
      args[at + 1] = i.key;
      args[at + 2] = i.digest;
      args[at + 3] = i.body;
    },
    { exam, workstation, bundle },
    [0, 1],
  );
}

/**
 * Stores a deferred data file's records from `data`, the file read again from the verified bundle (or its copy) and
 * found the bytes the manifest lists (`eachVerifiedFile`). The lines are those `itemsOf` read, byte for byte, so the
 * keys and digests taken then are theirs; each is decoded as it is bound, never the whole file as one text.
 */
function putDeferred(db: Db, data: Buffer, m: Manifest, bundle: string, d: DeferredRecords): void {
  // The bytes `readRecords` split (their sha256 is the manifest's): the same lines, in the same places.
  const spans = verbatimSpans(data);
  const held = d.held;
  if (!held || spans?.starts.length !== d.count) throw new LenteraError('INTERNAL', `${d.path} no longer splits into the records read from it: nothing was merged.`, { entry: d.path });
  const { starts, ends } = spans;
  putDeferredRows(db, m, bundle, d, (row, args, at) => {
    const i = held.order[row]!;
    args[at] = held.keys[i];
    args[at + 1] = held.digests.toString('hex', i * 32, i * 32 + 32);
    args[at + 2] = data.toString('utf8', starts[i], ends[i]);
  });
}

/** Stores a deferred data file's records in the order they are stored, each row's key, digest and line put by `row`. */
function putDeferredRows(db: Db, m: Manifest, bundle: string, d: DeferredRecords, row: (row: number, args: unknown[], at: number) => void): void {
  insertRows(
    db,
    itemsInsert,
    4,
    d.count,
    (args, at, n) => {
      args[at] = d.kind;
      row(n, args, at + 1);
    },
    { exam: m.exam.code, workstation: m.workstation.id, bundle },
    [0, 1],
  );
}

const SCRATCH_BLOCK = 4 * 1024 * 1024;

/**
 * Writes the records of `data` (a deferred data file, as `readRecords` read it into `d`, its records at `spans`) to
 * `file` in the order they are stored (`order`), a block at a time, each on a line after one of its digest (64 hex
 * digits) and its key (as JSON: one line whatever it holds): the commit then reads them straight through
 * (`keptRecords`). Then `d` lets go of its keys and digests (at 100,000 candidates 490,000 of each, 45 MB held
 * until the commit). A failed write leaves no file, and `d` as it was.
 */
export function keepInKeyOrder(data: Buffer, d: DeferredRecords, spans: LineSpans, file: string): void {
  const { starts, ends } = spans;
  const { keys, digests, order } = d.held!;
  d.scratch = writeKept(file, (put) => {
    for (let row = 0; row < order.length; row++) {
      const i = order[row]!;
      put(`${digests.toString('hex', i * 32, i * 32 + 32)}${JSON.stringify(keys[i])}`, data, starts[i]!, ends[i]!);
    }
  });
  d.held = null;
}

/**
 * Writes the records of one kind a view reads (`items`, as `readRecords` read them) to `file` as `keepInKeyOrder`
 * writes a deferred file's, in the order `inKeyOrder` stores them, and gives them as a deferred file's records kept
 * there. Once the view they make is ranked they are only to be stored, and held until the commit they were the
 * largest part of an ingest's memory (at 100,000 candidates 200,000 records, about 80 MB). A failed write leaves
 * no file.
 */
export function keepItemsInKeyOrder(items: Records['items'], kind: string, file: string): DeferredRecords {
  const sorted = inKeyOrder(items);
  const scratch = writeKept(file, (put) => {
    for (const i of sorted) put(`${i.digest}${JSON.stringify(i.key)}`, i.body);
  });
  return { kind, path: DATA_FILES[kind as keyof typeof DATA_FILES] ?? kind, count: items.length, held: null, scratch, lettered: items.some((i) => hasLetter(i.key)) };
}

/**
 * A copy in key order written a 4 MB block at a time: each `put` writes a record, its digest and key on a line
 * (`head`, at most a few hundred characters: a key is at most 200) and then its line, the text or `data`'s bytes
 * from `start` to `end`. Created new (never over another file); `finish` ends it, `abandon` removes it.
 */
export class KeptWriter {
  private readonly fd: number;
  private readonly out: BlockOut;
  private bytes = 0;
  private open = true;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'wx', 0o600);
    this.out = new BlockOut(SCRATCH_BLOCK, (b) => {
      for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
      this.bytes += b.length;
    });
  }

  put(head: string, data: Buffer | string, start = 0, end = data.length): void {
    this.out.text(head);
    this.out.byte(0x0a);
    // A record larger than a block (a bundle's entry may be up to LIMITS.entryBytes) is written as it is.
    if (typeof data === 'string') this.out.text(data);
    else this.out.bytes(data, start, end);
    this.out.byte(0x0a);
  }

  /** Everything put is written, and the file closed: the file and its size. */
  finish(): { file: string; bytes: number } {
    try {
      this.out.flush();
    } catch (e) {
      this.abandon();
      throw e;
    }
    this.open = false;
    closeSync(this.fd);
    return { file: this.file, bytes: this.bytes };
  }

  /** Stops: the file is removed (nothing if it was finished). */
  abandon(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
    rmSync(this.file, { force: true });
  }
}

/** A copy in key order (`KeptWriter`), `each` putting every record: a failed write leaves no file. */
export function writeKept(file: string, each: (put: KeptWriter['put']) => void): { file: string; bytes: number } {
  const w = new KeptWriter(file);
  try {
    each((head, data, start, end) => w.put(head, data, start, end));
    return w.finish();
  } finally {
    w.abandon();
  }
}

/** A line's bytes in a block of a reader's: valid until the reader's next line. */
export interface LineBytes {
  block: Buffer;
  start: number;
  end: number;
}

/**
 * The lines of a copy in key order (`keepInKeyOrder`), read `size` bytes at a time (a larger block for a record
 * larger than one). The copy is the hub's own, written moments before from bytes the verified manifest lists; it
 * is refused (`refused()`) when it is not the size written or does not split into exactly `count` lines.
 */
export function keptLines(kept: NonNullable<DeferredRecords['scratch']>, count: number, refused: () => Error, size = SCRATCH_BLOCK): { next(): string; nextBytes(): LineBytes; done(): void; close(): void } {
  const fd = openSync(kept.file, 'r');
  try {
    if (fstatSync(fd).size !== kept.bytes) throw refused();
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let block = Buffer.allocUnsafe(size);
  let start = 0;
  let end = 0;
  let read = 0;
  let lines = 0;
  const line: LineBytes = { block, start: 0, end: 0 };
  const nextBytes = (): LineBytes => {
    if (lines === count) throw refused();
    let nl = block.indexOf(0x0a, start);
    while (nl < 0 || nl >= end) {
      // The rest of this block moved to its front (into a larger block when it fills one) and more read after it.
      const rest = end - start;
      const into = rest * 2 > block.length ? Buffer.allocUnsafe(block.length * 2) : block;
      block.copy(into, 0, start, end);
      block = into;
      start = 0;
      end = rest;
      const n = readSync(fd, block, end, block.length - end, read);
      if (n === 0) throw refused();
      read += n;
      end += n;
      nl = block.indexOf(0x0a, rest);
    }
    line.block = block;
    line.start = start;
    line.end = nl;
    start = nl + 1;
    lines++;
    return line;
  };
  return {
    next(): string {
      const l = nextBytes();
      return l.block.toString('utf8', l.start, l.end);
    },
    nextBytes,
    /** Refused unless every line was read and nothing is left after them. */
    done(): void {
      if (lines !== count || start !== end || read !== kept.bytes) throw refused();
    },
    close: () => closeSync(fd),
  };
}

/** 1 at the char code of each lowercase hex digit. */
const HEX_DIGIT = new Uint8Array(128);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * Whether `h` starts with 64 lowercase hex digits and then a quote (a kept record's digest, then its key as JSON).
 * A loop, not /^[0-9a-f]{64}"/: the regular expression cost 0.35 µs a line, 0.45 s of a 100,000-candidate ingest's
 * main thread (1.3 million lines), the loop a third of that.
 */
function digestThenKey(h: string): boolean {
  if (h.length < 65 || h.charCodeAt(64) !== 0x22) return false;
  for (let i = 0; i < 64; i++) if (HEX_DIGIT[h.charCodeAt(i)] !== 1) return false;
  return true;
}

/**
 * The records of a copy in key order (`keepInKeyOrder`): each record's digest, key and line, read through
 * `keptLines`, and refused (`refused()`) as it is when a line before a record is not a digest and a key.
 * `nextBytes` gives the record's key, the whole line before it (digest and key) and its line's bytes, as a merge of
 * such copies copies them (key-ordered-copy.ts).
 */
export function keptRecords(
  kept: NonNullable<DeferredRecords['scratch']>,
  count: number,
  refused: () => Error,
  size?: number,
): { next(): [key: string, digest: string, line: string]; nextBytes(): [key: string, head: string, line: LineBytes]; done(): void; close(): void } {
  const lines = keptLines(kept, count * 2, refused, size);
  const head = (): [string, string] => {
    const h = lines.next();
    let key: unknown;
    try {
      key = digestThenKey(h) ? JSON.parse(h.slice(64)) : undefined;
    } catch {
      key = undefined;
    }
    if (typeof key !== 'string') throw refused();
    return [key, h];
  };
  return {
    next() {
      const [key, h] = head();
      return [key, h.slice(0, 64), lines.next()];
    },
    nextBytes() {
      const [key, h] = head();
      return [key, h, lines.nextBytes()];
    },
    done: () => lines.done(),
    close: () => lines.close(),
  };
}

/** Stores a deferred data file's records from its copy in key order (`keptRecords`). */
function putDeferredKept(db: Db, m: Manifest, bundle: string, d: DeferredRecords): void {
  const records = keptRecords(d.scratch!, d.count, () => new LenteraError('INTERNAL', `the copy of ${d.path} kept while the bundle was verified is not as written: nothing was merged. Send the bundle again.`, { entry: d.path }));
  try {
    putDeferredRows(db, m, bundle, d, (_, args, at) => {
      const [key, digest, line] = records.next();
      args[at] = key;
      args[at + 1] = digest;
      args[at + 2] = line;
    });
    records.done();
  } finally {
    records.close();
  }
}

const recordCount = (plan: ImportPlan) => plan.items.length + plan.deferred.reduce((n, d) => n + d.count, 0);

export interface ImportOutcome {
  sha256: string;
  exam: string;
  workstation: string;
  sequence: number;
  unchanged: boolean;
  records: number;
  /** the exam's merged view after this commit, when it was ranked while the bundle was verified (bundles/ahead.ts) */
  view?: MergedView;
}

/**
 * Writes a prepared import in the caller's transaction, checking the chain again (another import may have run).
 * With `key` (an encrypted workstation's data key) the bundle is kept sealed with it; the hub keeps its plain.
 */
export function commitImport(db: Db, dataDir: string, plan: ImportPlan, at: string, key?: Uint8Array): ImportOutcome {
  if (plan.spent) throw new LenteraError('INTERNAL', 'this bundle plan was already committed once: prepare the import again.', {});
  const m = plan.report.manifest;
  const base = { sha256: plan.report.sha256, exam: m.exam.code, workstation: m.workstation.id, sequence: m.sequence };
  // Again inside the transaction: another merge may have bound the signer (or the workstation) meanwhile.
  const { bind } = plan.registered ? checkBinding(db, plan.report.signerFingerprint, m.workstation, plan.self) : { bind: false };
  if (plan.unchanged || checkChain(db, m, plan.report.sha256).unchanged) {
    discardImport(plan);
    return { ...base, unchanged: true, records: 0 };
  }
  checkExam(db, m);
  // The view ranked ahead holds after this commit only if the merged items are still those it was ranked on.
  const ahead = plan.speculated && mergedStateKey(db, m.exam.code) === plan.speculated.stateKey ? plan.speculated.view : undefined;
  plan.speculated = undefined;
  const stored = join(mergedDir(dataDir), `${plan.report.sha256}.lentera`);
  mkdirSync(mergedDir(dataDir), { recursive: true });
  // Where the deferred records are read again: the bundle as it is kept, or, kept sealed, the file verified (the
  // staged copy is then let go only once they are stored). A sealed upload has none deferred (`prepareVerified`).
  let plain = `${stored}.part`;
  let sourceHeld = false;
  // Whether the kept file's bytes are those verified (`file_stat`): the verified file itself, renamed, or written
  // plain by `transcribe` as it hashed them; not a sealed one, nor a copy no one hashed.
  let vouched = false;
  if (key || plan.sourceKey) {
    // The file verified (the staged copy, or the sealed upload opened where it lies), sealed with `key` or written
    // plain; read once, and kept only when those bytes are the ones verified. The staged copy then goes.
    const keys = { ...(plan.sourceKey ? { fromKey: plan.sourceKey } : {}), ...(key ? { toKey: key } : {}) };
    if (transcribe(plan.report.file, `${stored}.part`, keys) !== plan.report.fileSha256) {
      rmSync(`${stored}.part`, { force: true });
      throw new BundleRefused('BUNDLE_CHANGED', `${basename(plan.report.file)} changed after it was verified: nothing was merged. Import it again.`, { file: basename(plan.report.file) });
    }
    vouched = !key;
    sourceHeld = plan.deferred.length > 0;
    if (sourceHeld) plain = plan.report.file;
    else dropStaged(plan);
  } else if (plan.staged !== undefined && plan.staged.startsWith(mergedDir(dataDir))) {
    renameSync(plan.staged, `${stored}.part`);
    plan.staged = undefined;
    vouched = true;
  } else {
    // Copied before the staged copy (which may be what was verified) is let go.
    copyFileSync(plan.report.file, `${stored}.part`);
    dropStaged(plan);
  }
  const records = recordCount(plan);
  const lettered = plan.items.some((i) => NOMOR_KINDS.has(i.kind) && hasLetter(i.key)) || plan.deferred.some((d) => NOMOR_KINDS.has(d.kind) && d.lettered);
  let scratch: DeferredRecords[] = [];
  try {
    sql(db, 'INSERT INTO merged_exams (exam_code, exam, ruleset_sha256, ruleset_json) VALUES (?, ?, ?, ?) ON CONFLICT (exam_code) DO UPDATE SET exam = excluded.exam').run(m.exam.code, JSON.stringify(m.exam), m.ruleset.sha256, plan.rulesetText);
    sql(db, 'INSERT INTO merged_bundles (sha256, exam_code, workstation_id, sequence, previous, signer, audit_seq, audit_hash, ruleset_sha256, manifest, file, file_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      plan.report.sha256,
      m.exam.code,
      m.workstation.id,
      m.sequence,
      m.previous,
      plan.report.signerFingerprint,
      m.auditHead.seq,
      m.auditHead.hash,
      m.ruleset.sha256,
      plan.report.manifestBytes.toString('utf8'),
      stored,
      plan.report.fileSha256,
      at,
    );
    // Each record let go once stored: the held ones before the deferred files are read again (the largest is 120 MB
    // at 100,000 candidates), and all before the view is ranked. The plan is marked spent first, so that a retry
    // after a rollback is refused instead of merging no records.
    plan.spent = true;
    putItems(db, m.exam.code, m.workstation.id, plan.report.sha256, inKeyOrder(plan.items.splice(0)));
    const all = plan.deferred.splice(0);
    scratch = all;
    // Those kept in key order while the bundle was verified are read from there; the others again from the bundle.
    for (const d of all) if (d.scratch) putDeferredKept(db, m, plan.report.sha256, d);
    const deferred = new Map(all.filter((d) => !d.scratch).map((d) => [d.path, d]));
    eachVerifiedFile(plain, m, [...deferred.keys()], (path, data) => {
      putDeferred(db, data, m, plan.report.sha256, deferred.get(path)!);
      deferred.delete(path);
    });
    checkPageNames(db, m.exam.code, lettered);
    if (sourceHeld) dropStaged(plan);
    if (bind) bindSigner(db, plan.report.signerFingerprint, m.workstation.id);
    renameSync(`${stored}.part`, stored);
    // Taken under its kept name (a rename sets a file's ctime): the site copies it without hashing it again while
    // it still has them (publish/site.ts `copyTo`).
    if (vouched) sql(db, 'UPDATE merged_bundles SET file_stat = ? WHERE sha256 = ?').run(JSON.stringify(statOf(stored)), plan.report.sha256);
  } catch (e) {
    rmSync(`${stored}.part`, { force: true });
    if (sourceHeld) dropStaged(plan);
    throw e;
  } finally {
    dropScratch(scratch);
  }
  return { ...base, unchanged: false, records, ...(ahead ? { view: { ...ahead, workstations: workstationsOf(db, m.exam.code) } } : {}) };
}

export type { Conflict } from './merged-records';

export interface MergedView {
  exam: { code: string; name: string; agency: string; year: number };
  ruleset: { id: string; version: string; sha256: string; json: string };
  formations: { code: string; position: string; unit: string; quota: number; education: string }[];
  candidates: { nomor: string; nama: string; nikMasked: string; kodeFormasi: string; kategori: string }[];
  facts: { formations: unknown[]; candidates: FactsJson[] };
  results: RankedCandidate[];
  /** the stages whose sessions have a panel's finalizations: interview stages, named "Nilai wawancara" on the site */
  interviewStages: string[];
  digests: Map<string, string>;
  conflicts: Conflict[];
  workstations: { id: string; bundles: number; last: number }[];
}

/** A verified bundle's items not yet stored, for the view they will make (`mergedView`, bundles/ahead.ts). */
export interface PendingBundle {
  workstation: string;
  exam: Manifest['exam'];
  ruleset: { sha256: string; text: string };
  /** its items of a kind, asked for a kind at a time (read back from where they are kept: bundles/ahead.ts) */
  items: (kind: string) => readonly PendingItem[];
}

const missing = (t: string) => t === JSON.stringify('missing');

/**
 * What all merged bundles of an exam say together, independent of the order they arrived in: per item the
 * latest version from each workstation; per candidate the facts the workstations agree on; every
 * disagreement listed as a conflict, and the candidate left out of the ranking (BL) until someone decides.
 */
export function mergedView(db: Db, examCode: string, pending?: PendingBundle): MergedView {
  let ex = sql(db, 'SELECT exam, ruleset_sha256, ruleset_json FROM merged_exams WHERE exam_code = ?').get(examCode) as { exam: string; ruleset_sha256: string; ruleset_json: string } | undefined;
  // As commitImport leaves the exam: named as the latest bundle names it, ranked by the ruleset it first came with.
  if (pending) ex = { exam: JSON.stringify(pending.exam), ruleset_sha256: ex?.ruleset_sha256 ?? pending.ruleset.sha256, ruleset_json: ex?.ruleset_json ?? pending.ruleset.text };
  if (!ex) throw new BundleRefused('NOT_FOUND', `No bundle of exam ${examCode} was merged here.`, { exam: examCode });
  const loaded = readRuleset(ex.ruleset_json, 'ruleset.json');
  const rows = (kind: string) => {
    const stored = sql(db, 'SELECT workstation_id AS ws, key, body FROM merged_items WHERE exam_code = ? AND kind = ? ORDER BY key, workstation_id').all(examCode, kind) as ItemRow[];
    return pending ? withPending(stored, pending.workstation, pending.items(kind), kind) : stored;
  };
  const byKey = (kind: string) => {
    const m = new Map<string, { ws: string; body: string }[]>();
    for (const r of rows(kind)) {
      if (!m.has(r.key)) m.set(r.key, []);
      m.get(r.key)!.push(r);
    }
    return m;
  };
  const { formations, facts: formationFacts, disputed } = mergedFormations(byKey('formation'));
  // The candidates' versions are let go here: only their birth years are needed after.
  const { candidates, conflicts, birthYears } = mergedCandidates(byKey('candidate'));
  // Each candidate's formation as each workstation's facts give it: a disputed formation holds back all of its own.
  const formationsOf = new Map<string, Set<string>>();

  const merged: FactsJson[] = [];
  const baseOf = (f: FactsJson) => canonicalJson({ kodeFormasi: f.kodeFormasi, kategori: f.kategori, ipk: f.ipk, flag: f.flag ?? null });
  for (const [nomor, versions] of byKey('facts')) {
    const facts = versions.map((v) => ({ ws: v.ws, f: JSON.parse(v.body) as FactsJson }));
    if (disputed.size) formationsOf.set(nomor, new Set(facts.map((x) => x.f.kodeFormasi)));
    const conflictOn = (field: string, vals: Value[] | null) => vals && conflicts.push(conflictOf(nomor, field, vals));
    // Canonical even for one workstation's facts: text with no canonical form (a lone surrogate) is refused at the
    // first merge, not accepted and then refused at every later one.
    conflictOn('data peserta', agree(facts.map((x) => ({ ws: x.ws, text: baseOf(x.f) })), () => false).conflict);
    // The birth order only bundles made before it was taken out carry: compared among those that do.
    const orders = facts.filter((x) => x.f.ageOrder !== undefined);
    if (orders.length > 1) conflictOn('urutan usia', agree(orders.map((x) => ({ ws: x.ws, text: JSON.stringify(x.f.ageOrder) })), () => false).conflict);
    // Whether a candidate is held back is the merge's to say, never a bundle's.
    const { heldBack: _sent, ...out }: FactsJson = { ...facts[0]!.f };
    const only = facts.length === 1 ? facts[0]!.f : null;
    const pick = (field: string, get: (f: FactsJson) => unknown): unknown => {
      // One workstation's value cannot conflict: what `agree` gives for it, without the text round trip for a string.
      if (only) {
        const v = get(only) ?? 'missing';
        return v === 'missing' || typeof v === 'string' ? v : JSON.parse(JSON.stringify(v));
      }
      const a = agree(facts.map((x) => ({ ws: x.ws, text: JSON.stringify(get(x.f) ?? 'missing') })), missing);
      conflictOn(field, a.conflict);
      return a.text === null ? 'missing' : JSON.parse(a.text);
    };
    if (out.skd !== undefined) out.skd = pick('skd', (f) => f.skd) as FactsJson['skd'];
    if (out.skb !== undefined) {
      if (typeof out.skb === 'string') out.skb = pick('skb', (f) => f.skb) as string;
      else out.skb = Object.fromEntries(Object.keys(out.skb).map((s) => [s, pick(s, (f) => (f.skb as Record<string, string> | undefined)?.[s]) as string]));
    }
    if (out.stages !== undefined) out.stages = Object.fromEntries(Object.keys(out.stages).map((s) => [s, pick(s, (f) => f.stages?.[s]) as string]));
    merged.push(out);
  }
  // Two workstations finalizing one candidate's interview differently: shown, never settled here.
  const finals = new Map<string, Value[]>();
  for (const r of rows('finalization')) {
    const f = JSON.parse(r.body) as { session: string; nomor_peserta: string; result: unknown };
    const k = `${f.nomor_peserta}\u0000${f.session}`;
    if (!finals.has(k)) finals.set(k, []);
    finals.get(k)!.push({ ws: r.ws, text: canonicalJson(f.result) });
  }
  for (const [k, vals] of finals) {
    const a = agree(vals, () => false);
    if (a.conflict) {
      const [nomor, session] = k.split('\u0000') as [string, string];
      conflicts.push(conflictOf(nomor, `finalisasi ${session}`, a.conflict));
    }
  }
  conflicts.push(...formationConflicts(disputed, formationsOf));
  conflicts.sort((a, b) => (a.nomor === b.nomor ? (a.field < b.field ? -1 : 1) : a.nomor < b.nomor ? -1 : 1));
  // Only an interview panel finalizes: the stages of the sessions with finalizations are the interview stages.
  const stageOf = new Map([...byKey('session').values()].map((v) => JSON.parse(v[0]!.body) as { code: string; stage_code: string }).map((x) => [x.code, x.stage_code]));
  const interviewStages = [...new Set([...finals.keys()].map((k) => stageOf.get(k.split('\u0000')[1]!)).filter((x): x is string => typeof x === 'string'))].sort();
  const fieldsOf = new Map<string, string[]>();
  for (const c of conflicts) {
    const fields = fieldsOf.get(c.nomor);
    if (fields) fields.push(c.field);
    else fieldsOf.set(c.nomor, [c.field]);
  }
  // A conflicted candidate is not ranked on either side's value: every stage is held back, as the facts published
  // say (`heldBack`), so that recomputing them gives what was published.
  for (let i = 0; i < merged.length; i++) if (fieldsOf.has(merged[i]!.nomorPeserta)) merged[i] = { ...merged[i]!, heldBack: true };
  const { ranking, waitingForAge, ageOf } = rankedWithAgeOrder(loaded.ruleset, formationFacts, merged, ageOrdersOf(db, examCode), birthYears);
  const results = ranking.results.map((r) => {
    const fields = fieldsOf.get(r.nomor_peserta);
    if (fields) return { ...r, reason: `Data bertentangan antar-workstation (${fields.join(', ')}): belum diputuskan` };
    return waitingForAge.has(r.nomor_peserta) ? { ...r, reason: AGE_ORDER_MISSING } : r;
  });
  const exam = JSON.parse(ex.exam) as MergedView['exam'];
  const digests = new Map(results.map((r) => [r.nomor_peserta, resultDigest(examCode, r, ex.ruleset_sha256)]));
  const workstations = workstationsOf(db, examCode);
  return {
    exam,
    ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: ex.ruleset_sha256, json: ex.ruleset_json },
    formations,
    candidates,
    // Not the exam's order of birth dates: only each compared candidate's place among those it was compared with.
    facts: { formations: formationFacts, candidates: agePublished(merged, ranking.ageClasses, ageOf) },
    results,
    interviewStages,
    digests,
    conflicts,
    workstations,
  };
}

/** Why a candidate is held back whose tie only the birth order breaks, and the hub has none for them. */
export const AGE_ORDER_MISSING = 'Nilai sama persis dengan peserta lain; urutan usia belum diterima hub (paket ujian belum didaftarkan): belum diputuskan';

/**
 * Ranks the merged facts with the exam's order of birth dates (`orders`, age-order.ts; else each bundle's own).
 * A tie that only the birth order breaks, where a candidate's order is unknown, is not broken by guessing: every
 * candidate of that class is held back, and the ranking made again (holding back changes who is compared with
 * whom), until no class has an unknown order. A held-back candidate's facts in `merged` are replaced by a copy
 * that says so (`heldBack`); the order is read into the ranking's input only (`ageOf`, for publication too).
 */
function rankedWithAgeOrder(ruleset: Ruleset, formations: FormationFacts[], merged: FactsJson[], orders: AgeOrders | null, birthYears: BirthYears) {
  /** the package's places not used: their candidate's bundles give another birth year (another package's place) */
  const unplaced = new Set<string>();
  // Read into the ranking's input, never written into the facts: those are published, and stay as the bundles sent them.
  const ageOf = (f: FactsJson): string | undefined => (orders ? (unplaced.has(f.nomorPeserta) ? undefined : orders.places.get(f.nomorPeserta)) : f.ageOrder);
  // A candidate no workstation sent is not known to be born in another year.
  const bornIn = (n: string, year: string) => !birthYears.has(n) || birthYears.get(n) === year;
  const checked = new Set<string>();
  const index = new Map(merged.map((f, i) => [f.nomorPeserta, i]));
  const waitingForAge = new Set<string>();
  for (;;) {
    const shared = new Map<string, Fraction>();
    const input = merged.map((f) => {
      const c = factsFromJson(f, shared);
      if (orders) c.tanggalLahir = ageOf(f) ?? '';
      return c;
    });
    const ranking = rankWithAgeTies(ruleset, formations, input);
    // A place stands only for the candidate the bundles say was born that year: checked for those the ranking
    // compared on it, the only ones it decides for.
    let again = false;
    if (orders) {
      for (const n of ranking.ageClasses.flat()) {
        if (checked.has(n)) continue;
        checked.add(n);
        const year = orders.yearOf(n);
        if (year !== undefined && !bornIn(n, year)) {
          unplaced.add(n);
          again = true;
        }
      }
    }
    if (again) continue;
    const hold: number[] = [];
    for (const members of ranking.ageClasses) {
      const at = members.map((n) => index.get(n)!);
      // A held-back candidate's unknown order ('') only ever makes others wait for them: no guess is made there.
      if (!at.some((i) => ageOf(merged[i]!) === undefined && !merged[i]!.heldBack)) continue;
      for (const i of at) if (!merged[i]!.heldBack) hold.push(i);
    }
    if (!hold.length) return { ranking, waitingForAge, ageOf };
    for (const i of hold) {
      merged[i] = { ...merged[i]!, heldBack: true };
      waitingForAge.add(merged[i]!.nomorPeserta);
    }
  }
}

/** The exam's workstations and how many of their bundles are merged here. */
export function workstationsOf(db: Db, examCode: string): MergedView['workstations'] {
  return sql(db, 'SELECT workstation_id AS id, COUNT(*) AS bundles, MAX(sequence) AS last FROM merged_bundles WHERE exam_code = ? GROUP BY workstation_id ORDER BY workstation_id').all(examCode) as MergedView['workstations'];
}

/**
 * Names the state of an exam's merged items and of the package registered for it: the items change only as a
 * bundle is merged, and bundles are only ever added, each with its time; the package only as another is
 * registered. A view made while the key was K is the view for as long as the key is K. (A workstation's own
 * candidates, whose birth order its merges read, are not named: its merged views are made when asked.)
 */
export function mergedStateKey(db: Db, examCode: string): string {
  const bundles = sql(db, "SELECT COUNT(*) || ':' || COALESCE(MAX(imported_at), '') FROM merged_bundles WHERE exam_code = ?").pluck().get(examCode) as string;
  return `${bundles}:${agePackageKey(db, examCode)}`;
}

export function mergedExams(db: Db): string[] {
  return sql(db, 'SELECT exam_code FROM merged_exams ORDER BY exam_code').pluck().all() as string[];
}
