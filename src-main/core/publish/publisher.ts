import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appendEvent } from '../audit/chain';
import { openDatabase, type Db } from '../db/open';
import { openPgStore } from '../db/pg/schema';
import { sql } from '../db/statements';
import { CheckpointAside } from '../db/checkpoint-aside';
import { commitImport, discardImport, mergedExams, mergedStateKey, mergedView, sweepStaged, type ImportOutcome, type ImportPlan, type MergedView } from '../bundles/merge';
import { prepareImportAhead } from '../bundles/ahead';
import { trustLookup } from '../bundles/trust';
import { BundleRefused } from '../bundles/verify';
import type { SignedCheckpoint } from '../ledger/checkpoint';
import type { TreeReader } from '../ledger/merkle';
import { canonicalBytes } from '../ledger/leaf';
import { grantReceipts, receiptAccess, sameToken, type ReceiptAccess } from './receipt-access';
import { TransparencyLog, type LogEntry } from '../ledger/log';
import { ExamLeaves } from '../ledger/exam-leaves';
import type { Receipt } from '../ledger/receipt';
import { isLenteraError, LenteraError } from '../util/errors';
import { forgetOldSenders } from './reports';
import { idleState, writeSite, type SiteExam, type SiteExamRef, type SiteInput, type SiteWritten } from './site';
import { LogLeaves } from './log-leaves';
import { watchDatabaseFile, writeTransaction } from '../db/transaction';
import { hubStrengths } from './strengths-data';
import { readRuleset } from '../ranking/rulesets';
import { recordStagePublications, rulesetStages, stagePublications, stageStates } from './stages';
import { observedSessions, type ObservedSession } from './observers';
import { announceAtHub, siteAnnouncements } from './announcement-hub';
import type { SignedAnnouncementAck } from './announcement';
import { voiceSiteInput } from './voice';
import { formationTimes } from './formation-times';
import { parseStat } from '../util/file-stat';
import { phaseLetGo } from '../util/heap';
import { registerAgeOrder, type AgeOrderRegistered, type RosterFile, type RosterFileRecord } from '../bundles/age-order';
import type { ExamPackage } from '../exams/package-schema';

/** The merged view's stage states, from its ruleset text. */
const stageStatesOf = (v: MergedView) => stageStates(readRuleset(v.ruleset.json, 'ruleset.json').ruleset, v.facts.candidates, v.results);
/** The stages whose results the view publishes. */
const publishedIn = (v: MergedView) => stageStatesOf(v).filter((s) => s.published).map((s) => s.stage);

/**
 * The hub's answer to a merged bundle. It carries no receipts: at 100,000 candidates they made it 150 MB, built and
 * signed before the sender heard anything. The sender fetches them afterwards, page by page, with `receiptToken`
 * (`receiptPage`; `GET /api/bundles/<sha256>/receipts`).
 */
export interface Ack {
  v: 2;
  bundle: string;
  exam: string;
  workstation: string;
  sequence: number;
  unchanged: boolean;
  records: number;
  conflicts: number;
  checkpoint: SignedCheckpoint;
  /** results this bundle put into the log: the receipts there are to fetch */
  leaves: number;
  /**
   * base64url; only for the acknowledgement of the merge that logged them (null when it logged none, and for a
   * bundle sent again): whoever holds a bundle's file (they are published) must not get its candidates' salts.
   */
  receiptToken: string | null;
  at: string;
  logKey: string;
}

/** One page of a bundle's receipts, and where the next one starts (null: none left). */
export interface ReceiptPage {
  bundle: string;
  exam: string;
  leaves: number;
  receipts: Receipt[];
  next: number | null;
}

/** Receipts per page at most: about 1.2 KB each with a 17-hash proof, so a page stays near 5 MB. */
export const RECEIPTS_PER_PAGE = 4096;

/** An acknowledgement signed with the log's key: the workstation checks it against the key it pinned. */
export interface SignedAck extends Ack {
  sig: string;
}

export const HUB_DB = 'hub.sqlite';
/** Sizes and hashes of the files of the site last written (site-state.ts), beside the hub's database. */
export const SITE_STATE = 'site-state.json';
/**
 * The hub connection's page cache while a bundle is merged, KiB: its transaction writes 700k rows, and with SQLite's
 * default 2 MB cache it spills pages to the WAL and reads them back many times over (a 100,000-candidate ingest
 * 10-15 % slower). Given back after each ingest: kept full, it stayed the hub's memory for as long as the hub ran
 * (issue 18). 8 MB merges as fast as 32 MB did; 32 MB of freed pages left the allocator's heap holding 20-25 MB more
 * through the site write that follows, in holes it could not give back.
 */
export const INGEST_CACHE_KIB = 8 * 1024;
/** The page cache otherwise: SQLite's default. */
const HUB_CACHE_KIB = 2000;
/** SQLite's default: a commit that leaves more pages than this in the WAL checkpoints before it returns. */
const WAL_AUTOCHECKPOINT = 1000;

/** A result with something to show: decided, or BL with at least one published score. */
export function isPublishedResult(r: { status: string; components: Record<string, string>; stages: Record<string, string> }): boolean {
  return r.status !== 'BL' || Object.keys(r.components).length > 0 || Object.keys(r.stages).length > 0;
}

/**
 * The log's entries for a view's results: every result with something to show, and one with nothing (held back:
 * a conflict, a birth order not yet known) only where the candidate was logged before. That withdraws the earlier
 * result: otherwise a final "P/L" later held back stayed the candidate's latest leaf, and its receipt and sheet
 * verified as the published result (found by review, 2026-12-07).
 */
function logEntries(view: MergedView, exam: string, bundle?: string): LogEntry[] {
  return view.results.map((r) => ({ exam, nomor: r.nomor_peserta, digest: view.digests.get(r.nomor_peserta)!, ...(bundle ? { bundle } : {}), ...(isPublishedResult(r) ? {} : { ifLogged: true }) }));
}

/**
 * The publication side: merges verified bundles, appends every published result to the transparency log,
 * signs a checkpoint and answers with a signed acknowledgement. `lentera hub` and `lentera publish` both use it.
 */
export class Publisher {
  readonly log: TransparencyLog;
  /**
   * Since when, and why, the site cannot be written (null once a write succeeds). A running hub only logs a failed
   * write, having merged what caused it: its health says so, for an operator's monitor to find.
   */
  siteFailing: { since: string; message: string } | null = null;

  private constructor(
    readonly dir: string,
    readonly db: Db,
    /** the SQLite store's WAL copied back on another thread after an ingest (none on PostgreSQL) */
    readonly checkpoints?: CheckpointAside,
  ) {
    this.log = new TransparencyLog(db, dir);
  }

  /**
   * The hub on its data folder (the log's key, staged bundles, the site) and its store: the folder's SQLite file, or
   * the PostgreSQL database `opts.db` names (`postgres://…`), where several hub processes may share one state.
   */
  static open(dir: string, opts: { db?: string } = {}): Publisher {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let db: Db;
    let checkpoints: CheckpointAside | undefined;
    if (opts.db !== undefined) {
      db = openPgStore(opts.db).asDb();
    } else {
      db = openDatabase(join(dir, HUB_DB), { create: true });
      // Its file gone or replaced under the running hub, a merge must fail (503) rather than be acknowledged.
      watchDatabaseFile(db, join(dir, HUB_DB));
      checkpoints = new CheckpointAside(join(dir, HUB_DB));
      db.pragma(`cache_size = -${HUB_CACHE_KIB}`);
    }
    sweepStaged(dir);
    try {
      return new Publisher(dir, db, checkpoints);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.checkpoints?.close();
    this.db.close();
  }

  /** SQLite's own checkpoints back on for the hub's small writes; the ingest's pages copied back on another thread. */
  private afterIngest(): void {
    this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
    // Lowering it frees the pages above it now.
    this.db.pragma(`cache_size = -${HUB_CACHE_KIB}`);
    this.checkpoints!.request();
  }

  /** Whether a certificate (fingerprint as `fingerprintOf` gives it) is registered here, for any exam. */
  isRegistered(fingerprint: string): boolean {
    return trustLookup(this.db)(fingerprint) !== undefined;
  }

  /**
   * Publishes a coordinator's signed announcement (pengumuman): verified, its signer registered for the exam, the
   * next of the exam's chain; kept and logged as a record leaf in one transaction (core/publish/announcement-hub.ts).
   */
  announce(signed: unknown, pdf: Buffer | null, at: string, actor: string, opts: { signer?: string } = {}): Promise<SignedAnnouncementAck> {
    return announceAtHub(this, signed, pdf, at, actor, opts);
  }

  /** Audits a refusal made before a bundle was read (the hub's door: a signer it does not know). */
  auditRefusal(at: string, actor: string, code: string, message: string, details: Record<string, unknown> = {}): void {
    writeTransaction(this.db, () => appendEvent(this.db, { at, actor, command: 'hub.ingest', outcome: 'refused', payload: { ...details, code, message } }));
  }

  /**
   * Verifies a bundle against the registered certificates, merges it, logs every changed result and signs a
   * checkpoint, all in one transaction; a refusal is audited and changes nothing else. With `signer` (the
   * fingerprint the sender named before sending), a bundle signed by any other certificate is refused. With
   * `owned` (an upload the hub received into its own folder), the file is moved in to be kept instead of copied.
   */
  async ingest(file: string, at: string, actor: string, opts: { signer?: string; owned?: boolean } = {}): Promise<SignedAck> {
    let outcome: ImportOutcome;
    let appended: number[] = [];
    let checkpoint: SignedCheckpoint;
    let receiptToken: string | null = null;
    const lookup = trustLookup(this.db);
    const trusted = (fingerprint: string) => {
      if (opts.signer !== undefined && fingerprint !== opts.signer) {
        throw new BundleRefused('BUNDLE_SIGNER_MISMATCH', `The bundle is signed by ${fingerprint}, not by ${opts.signer} named when it was sent.`, { fingerprint, named: opts.signer });
      }
      return lookup(fingerprint);
    };
    let plan: ImportPlan | undefined;
    let checkpointAside = false;
    /** the bundle's kept file, put in place inside the transaction: removed again if that transaction is not kept */
    let kept: { file: string; sha256: string } | undefined;
    try {
      // The hub keeps the bundle: it is copied (or, an upload, moved) into the hub's folder first, and that is what
      // is verified and kept (see `stageIn`).
      // Its records are parsed and merged while it is verified (bundles/ahead.ts).
      plan = await prepareImportAhead(this.db, file, { trusted, stageIn: this.dir, moveIn: opts.owned === true });
      const prepared = plan;
      // What the verification and the ranking ahead made and dropped goes before the commit's rows come on top of it.
      if (!plan.unchanged) phaseLetGo();
      // The ingest's commit leaves its pages in the WAL (flushed: durable) and its checkpoint to another thread.
      if (this.checkpoints) {
        this.db.pragma('wal_autocheckpoint = 0');
        this.db.pragma(`cache_size = -${INGEST_CACHE_KIB}`);
        checkpointAside = true;
      }
      ({ outcome, appended, checkpoint, receiptToken } = writeTransaction(this.db, () => {
        const { view: ahead, ...outcome } = commitImport(this.db, this.dir, prepared, at);
        if (!outcome.unchanged) kept = { file: join(this.dir, 'bundles', 'merged', `${outcome.sha256}.lentera`), sha256: outcome.sha256 };
        let appended: number[] = [];
        if (!outcome.unchanged) {
          // The deferred records are stored: gone before the log's leaves and the view are made.
          phaseLetGo();
          if (ahead) this.keepView(outcome.exam, this.viewKey(outcome.exam), ahead);
          const view = this.view(outcome.exam);
          // Every result the site shows is logged: a decided one, and (stage by stage) a BL one whose published
          // scores (SKD before SKB exists) a candidate may already object to with their receipt; and one held back
          // that withdraws a logged one (`logEntries`).
          appended = this.log.append(logEntries(view, outcome.exam, outcome.sha256), at);
          recordStagePublications(this.db, outcome.exam, stageStatesOf(view), at);
        }
        const checkpoint = this.log.checkpoint(at);
        const receiptToken = appended.length > 0 ? grantReceipts(this.db, outcome.sha256, outcome.exam, appended, checkpoint.size, at, prepared.report.manifest.receiptKey) : null;
        appendEvent(this.db, {
          at,
          actor,
          command: 'hub.ingest',
          outcome: 'ok',
          payload: { bundle: outcome.sha256, exam: outcome.exam, workstation: outcome.workstation, sequence: outcome.sequence, unchanged: outcome.unchanged, leaves: appended.length, size: checkpoint.size, root: checkpoint.root },
        });
        return { outcome, appended, checkpoint, receiptToken };
      }));
    } catch (e) {
      if (checkpointAside) this.afterIngest();
      if (plan) discardImport(plan);
      if (kept) {
        try {
          if (!sql(this.db, 'SELECT 1 FROM merged_bundles WHERE sha256 = ?').get(kept.sha256)) rmSync(kept.file, { force: true });
        } catch {
          // the database cannot say whether it was kept: the file stays
        }
      }
      this.log.reload();
      if (isLenteraError(e)) {
        writeTransaction(this.db, () => appendEvent(this.db, { at, actor, command: 'hub.ingest', outcome: 'refused', payload: { file: basename(file), code: e.code, message: e.message } }));
      }
      throw e;
    }
    if (checkpointAside) this.afterIngest();
    return this.signAck({
      v: 2,
      bundle: outcome.sha256,
      exam: outcome.exam,
      workstation: outcome.workstation,
      sequence: outcome.sequence,
      unchanged: outcome.unchanged,
      records: outcome.records,
      conflicts: this.view(outcome.exam).conflicts.length,
      checkpoint,
      leaves: appended.length,
      receiptToken,
      at,
      logKey: this.log.publicKey(),
    });
  }

  /**
   * Keeps the exam package's order of birth dates (bundles/age-order.ts) and, if the exam has merged bundles, logs
   * every result it changes (a tie it breaks that was held back for want of it), with a new checkpoint, in one
   * transaction. The caller writes the site after it.
   */
  registerPackage(pkg: ExamPackage, at: string, actor: string, rosters: readonly RosterFile[] = []): AgeOrderRegistered & { leaves: number; size: number } {
    try {
      return writeTransaction(this.db, () => {
        const registered = registerAgeOrder(this.db, pkg, at, actor, rosters);
        let appended: number[] = [];
        if (!registered.unchanged && sql(this.db, 'SELECT 1 FROM merged_exams WHERE exam_code = ?').get(registered.exam)) {
          const view = this.view(registered.exam);
          appended = this.log.append(logEntries(view, registered.exam), at);
          recordStagePublications(this.db, registered.exam, stageStatesOf(view), at);
        }
        const checkpoint = this.log.checkpoint(at);
        appendEvent(this.db, { at, actor, command: 'hub.package', outcome: 'ok', payload: { exam: registered.exam, sha256: registered.sha256, candidates: registered.candidates, rosters: registered.rosters, replaced: registered.replaced, unchanged: registered.unchanged, leaves: appended.length, size: checkpoint.size } });
        return { ...registered, leaves: appended.length, size: checkpoint.size };
      });
    } catch (e) {
      this.log.reload();
      if (isLenteraError(e)) writeTransaction(this.db, () => appendEvent(this.db, { at, actor, command: 'hub.package', outcome: 'refused', payload: { exam: pkg.exam.code, code: e.code, message: e.message } }));
      throw e;
    }
  }

  /**
   * The merged view last made, with the key it was made for: one exam's, however many the hub holds, so that memory
   * follows the largest exam and not their number (issue 18). The ingest, its acknowledgement and the site write
   * after it share it; a site write loads only the exams whose pages changed.
   */
  private readonly views = new Map<string, { key: string; view: MergedView }>();
  /** How many merged views this hub has ranked (tests and benches: what a write had to load). */
  viewsRanked = 0;

  /** How many exams' merged views this hub holds in memory now: one at most. */
  get viewsHeld(): number {
    return this.views.size;
  }

  /** The merged view of an exam, ranked once per merged bundle (ingest, acknowledgement and site share it). */
  view(exam: string): MergedView {
    const key = this.viewKey(exam);
    const hit = this.views.get(exam);
    if (hit && hit.key === key) return hit.view;
    const view = mergedView(this.db, exam);
    this.viewsRanked++;
    this.keepView(exam, key, view);
    return view;
  }

  private keepView(exam: string, key: string, view: MergedView): void {
    this.views.clear();
    this.views.set(exam, { key, view });
  }

  /** each exam's published stages by the key of its merged view: a few names an exam, kept for every write */
  private readonly stagesOf = new Map<string, { key: string; stages: string[] }>();

  /**
   * The stages of an exam whose results are published here: an objection is about one of them. Read from the stage
   * publications every merge records (a stage, once published, stays so), in the ruleset's order; an exam with none
   * recorded is asked of its merged view, so that a hub started again ranks no exam for its site's forms.
   */
  publishedStages(exam: string): string[] {
    const key = this.viewKey(exam);
    const hit = this.stagesOf.get(exam);
    if (hit && hit.key === key) return hit.stages;
    const recorded = new Set(sql(this.db, 'SELECT stage FROM stage_publications WHERE exam_code = ?').pluck().all(exam) as string[]);
    const ruleset = sql(this.db, 'SELECT ruleset_json FROM merged_exams WHERE exam_code = ?').pluck().get(exam) as string | undefined;
    const stages =
      recorded.size === 0 || ruleset === undefined ? publishedIn(this.view(exam)) : rulesetStages(readRuleset(ruleset, 'ruleset.json').ruleset).filter((s) => recorded.has(s));
    this.stagesOf.set(exam, { key, stages });
    return stages;
  }

  private viewKey(exam: string): string {
    return mergedStateKey(this.db, exam);
  }

  /** Names the exam's announcements (the strengths take the rubric's names and levels from them). */
  private announcedKey(exam: string): string {
    return sql(this.db, "SELECT COUNT(*) || ':' || COALESCE(MAX(seq), 0) FROM announcements WHERE exam_code = ?").pluck().get(exam) as string;
  }

  signAck(ack: Ack): SignedAck {
    return { ...ack, sig: this.log.sign(canonicalBytes(ack)) };
  }

  /**
   * A page of the receipts of a bundle's leaves, from log index `from`, for whoever holds the token its
   * acknowledgement gave; each is proved against that acknowledgement's checkpoint. Refused (`NOT_FOUND`) for a
   * bundle that logged nothing here, and (`RECEIPTS_FORBIDDEN`) without its token.
   */
  receiptPage(bundle: string, token: string, from = 0, limit = RECEIPTS_PER_PAGE): ReceiptPage {
    const access = receiptAccess(this.db, bundle);
    if (!access) throw new LenteraError('NOT_FOUND', `No receipts are kept here for bundle ${bundle.slice(0, 12)}…: it is not merged, or it logged no result.`, { bundle });
    if (!sameToken(access.token_sha256, token)) throw new LenteraError('RECEIPTS_FORBIDDEN', "The receipts of a bundle are given only with the token of the hub's acknowledgement of it.", { bundle });
    return this.pageOf(bundle, access, from, Math.max(1, Math.min(RECEIPTS_PER_PAGE, limit)));
  }

  /** Every receipt of a bundle's leaves, for a caller in this process (a test, a bench): no token asked. */
  receiptsOfBundle(bundle: string): Receipt[] {
    const access = receiptAccess(this.db, bundle);
    const out: Receipt[] = [];
    for (let from: number | null = 0; access && from !== null; ) {
      const page = this.pageOf(bundle, access, from, RECEIPTS_PER_PAGE);
      out.push(...page.receipts);
      from = page.next;
    }
    return out;
  }

  private pageOf(bundle: string, access: ReceiptAccess, from: number, limit: number): ReceiptPage {
    const checkpoint = this.log.storedCheckpoint(access.checkpoint_size);
    if (!checkpoint) throw new LenteraError('LEDGER_CORRUPT', `The checkpoint of size ${access.checkpoint_size} is missing.`, { size: access.checkpoint_size });
    const receipts = this.log.bundleReceipts(bundle, Math.max(from, access.first_idx), access.last_idx, limit, checkpoint);
    const after = receipts.length === limit ? receipts[receipts.length - 1]!.index + 1 : null;
    return { bundle, exam: access.exam_code, leaves: access.leaves, receipts, next: after !== null && after <= access.last_idx ? after : null };
  }

  /** Everything the static site shows, from the merged bundles and the log. */
  siteInput(at: string): SiteInput {
    const checkpoints = this.log.checkpoints();
    const consistency = checkpoints.slice(1).map((c, i) => ({ from: checkpoints[i]!.size, to: c.size, proof: this.log.consistencyProof(checkpoints[i]!.size, c.size) }));
    const exams = mergedExams(this.db).map((code) => this.siteExam(code));
    const bundles = (sql(this.db, 'SELECT file_sha256 AS sha256, exam_code AS exam, workstation_id AS workstation, sequence, file, file_stat AS stat, manifest FROM merged_bundles ORDER BY exam_code, workstation_id, sequence').all() as {
      sha256: string;
      exam: string;
      workstation: string;
      sequence: number;
      file: string;
      stat: string | null;
      manifest: string;
    }[]).map((b) => ({
      file: b.file,
      verified: parseStat(b.stat),
      name: `${b.exam}-${b.workstation.slice(-12)}-${String(b.sequence).padStart(4, '0')}.lentera`,
      sha256: b.sha256,
      exam: b.exam,
      workstation: b.workstation,
      sequence: b.sequence,
      signer: (JSON.parse(b.manifest) as { signer: { subject: string } }).signer.subject,
    }));
    return { generatedAt: at, logKey: this.log.publicKey(), logId: this.log.logId(), checkpoints, consistency, ...this.logForSite(), checkpointNote: this.log.checkpointNote()?.note, records: this.log.records().map((r) => ({ index: r.index, record: r.record })), exams, bundles, announcements: siteAnnouncements(this), voice: voiceSiteInput(this), formationTimes: (exam, contents, dataAt) => this.formationTimes(exam, contents, dataAt) };
  }

  /**
   * Each formation's page time for the site (`formationTimes` in formation-times.ts), over the times this hub keeps in
   * site_formation_times. Under the hub's write lock: two hub processes writing at once agree on one time.
   */
  private formationTimes(exam: string, contents: ReadonlyMap<string, string>, dataAt: string | undefined): Map<string, string> {
    if (dataAt === undefined || contents.size === 0) return new Map();
    return writeTransaction(this.db, () => {
      const rows = sql(this.db, 'SELECT formation, content, data_at FROM site_formation_times WHERE exam_code = ?').all(exam) as { formation: string; content: string; data_at: string }[];
      const { times, changed } = formationTimes(new Map(rows.map((r) => [r.formation, { content: r.content, at: r.data_at }])), contents, dataAt);
      const put = sql(
        this.db,
        'INSERT INTO site_formation_times (exam_code, formation, content, data_at) VALUES (?, ?, ?, ?) ON CONFLICT (exam_code, formation) DO UPDATE SET content = excluded.content, data_at = excluded.data_at',
      );
      for (const [formation, t] of changed) put.run(exam, formation, t.content, t.at);
      return times;
    });
  }

  /**
   * An exam as the site names it: its head from merged_exams and a source naming everything else its pages are made
   * of (the merged bundles, announcements and stage publications, all only ever added to or changed with a time);
   * loaded only when its pages must be made again.
   */
  private siteExam(code: string): SiteExamRef {
    const ex = sql(this.db, 'SELECT exam, ruleset_sha256, ruleset_json FROM merged_exams WHERE exam_code = ?').get(code) as { exam: string; ruleset_sha256: string; ruleset_json: string };
    const head = JSON.parse(ex.exam) as MergedView['exam'];
    const { ruleset } = readRuleset(ex.ruleset_json, 'ruleset.json');
    return {
      code: head.code,
      name: head.name,
      agency: head.agency,
      year: head.year,
      ruleset: { id: ruleset.id, version: ruleset.version, sha256: ex.ruleset_sha256, json: ex.ruleset_json },
      dataAt: this.dataAt(code),
      source: this.siteSource(code),
      load: () => this.loadSiteExam(code),
    };
  }

  /** The package an exam's order of birth dates came from, and its roster files, as its rules page names them. */
  private agePackage(exam: string): SiteExam['agePackage'] {
    const row = sql(this.db, 'SELECT sha256, registered_at AS at, rosters FROM hub_packages WHERE exam_code = ?').get(exam) as { sha256: string; at: string; rosters: string | null } | undefined;
    if (!row) return null;
    return { sha256: row.sha256, at: row.at, rosters: row.rosters === null ? [] : (JSON.parse(row.rosters) as RosterFileRecord[]) };
  }

  private siteSource(exam: string): string {
    const stages = sql(this.db, "SELECT COUNT(*) || ':' || COALESCE(MAX(first_at), '') || ':' || COALESCE(MAX(final_at), '') || ':' || COUNT(final_at) FROM stage_publications WHERE exam_code = ?").pluck().get(exam) as string;
    return `hub:${this.viewKey(exam)}|${this.announcedKey(exam)}|${stages}`;
  }

  /** An exam whole, for its pages: the merged view (kept, or ranked again), its leaves, strengths, stages, observers. */
  private async loadSiteExam(code: string): Promise<SiteExam> {
    // Named before and after: another hub process on the same database may merge into this exam meanwhile, and what
    // is loaded must be what its source names.
    const source = this.siteSource(code);
    const v = this.view(code);
    const leaves = new ExamLeaves();
    const latest = this.log.leafIndexes(code);
    for (const r of v.results) {
      const l = latest.get(r.nomor_peserta);
      if (!l) continue;
      // The view's text where it is the same digest (nearly always): one string for both, not two.
      const digest = v.digests.get(r.nomor_peserta);
      leaves.set(r.nomor_peserta, l.index, l.leafHash, digest === l.digest ? digest : l.digest);
    }
    return {
      ...v.exam,
      ruleset: v.ruleset,
      formations: v.formations,
      candidates: v.candidates,
      results: v.results,
      interviewStages: v.interviewStages,
      facts: v.facts,
      agePackage: this.agePackage(code),
      conflicts: v.conflicts,
      leaves,
      digests: v.digests,
      strengths: this.strengths(code, v),
      stages: stagePublications(this.db, code, v.ruleset.json, v.facts.candidates, v.results),
      observed: await observedSessions(this.db, code, this.observed),
      dataAt: this.dataAt(code),
      source: this.siteSource(code) === source ? source : `${source} (changed while loaded)`,
    };
  }

  /**
   * The log's leaves for the site, read from the database a chunk at a time as it asks, and the log's own tree they
   * are compared with (no second tree; leaves checked by a write over the same tree are not checked again).
   */
  private logForSite(): { leaves: LogLeaves; tree: TreeReader } {
    const tree = this.log.treeReader();
    return { leaves: new LogLeaves(this.log, tree), tree };
  }

  /** When the exam's published data last changed here: its latest merged bundle, announcement or stage publication. */
  private dataAt(exam: string): string {
    return sql(
      this.db,
      `SELECT MAX(t) FROM (SELECT MAX(imported_at) AS t FROM merged_bundles WHERE exam_code = @exam
        UNION ALL SELECT MAX(at) FROM announcements WHERE exam_code = @exam
        UNION ALL SELECT MAX(first_at) FROM stage_publications WHERE exam_code = @exam
        UNION ALL SELECT MAX(final_at) FROM stage_publications WHERE exam_code = @exam) AS changes`,
    )
      .pluck()
      .get({ exam }) as string;
  }

  /**
   * The exam's strengths for the site: each candidate's made as their page is written (the distributions once a
   * write). Not kept between writes: an exam's pages are made again only when its source moved, and then mostly
   * because its view did; kept, they held 150 MB at 100,000 candidates for as long as the hub ran.
   */
  private strengths(exam: string, view: MergedView): ReturnType<typeof hubStrengths> {
    return hubStrengths(this.db, exam, view);
  }

  /** each merged bundle's observer signatures, by its sha256: read once, as a merged bundle never changes */
  private readonly observed = new Map<string, ObservedSession[]>();

  /**
   * The keyed hashes of reporters' addresses (the rate limit's) let go once a day old (`forgetOldSenders`). Filing a
   * report did it, so the last reports' hashes stayed for as long as nobody filed another: whoever holds the hub's
   * key could try every IPv4 address against them (found by review). Also done at each site write, and every hour
   * by a running hub (`server/hub.ts`).
   */
  forgetOldReporters(at: string): number {
    return writeTransaction(this.db, () => forgetOldSenders(this.db, at));
  }

  /**
   * Writes the site to `out`. Files whose bytes the site there already has are linked or left in place, not written
   * again (`opts.full` writes every one); the result is the same bytes either way.
   */
  async writeSite(out: string, at: string, opts: { full?: boolean; oneFolder?: boolean } = {}): Promise<SiteWritten> {
    try {
      this.forgetOldReporters(at);
    } catch {
      // A store that cannot take this write does not stop the site: the running hub's hourly turn says why.
    }
    try {
      const input = this.siteInput(at);
      const state = join(this.dir, SITE_STATE);
      if (opts.full) for (const f of [state, idleState(state)]) rmSync(f, { force: true });
      // The site the hub serves: two folders behind a link, so that a bundle's write touches what it changed, not the
      // whole site. A site to copy elsewhere (`oneFolder`: a USB stick, a web host) is a plain folder.
      const written = await writeSite(out, input, { state, twoFolders: !opts.oneFolder });
      this.siteFailing = null;
      return written;
    } catch (e) {
      this.siteFailing = { since: this.siteFailing?.since ?? at, message: (e as Error).message };
      throw e;
    }
  }
}

export { BundleRefused };
