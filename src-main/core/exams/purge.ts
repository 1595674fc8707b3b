/**
 * Retention and purge (issue 17 point 4; docs/security.md, "Retention and purge"). Once an exam's results are final,
 * its objection period (masa sanggah) is over and the retention period has passed, the personal data of its
 * candidates is removed from this workstation (UU 27/2022, Pelindungan Data Pribadi): what stays is what the public
 * record already holds and what anyone needs to check the results again.
 *
 * What changes, in one write transaction (a refusal or a failure changes nothing):
 * - each candidate: the NIK becomes its masked form (as every sheet and bundle prints it), the name a placeholder,
 *   the birth date a date of the same year that keeps only the candidate's place in the exam's order of birth dates
 *   (the tie-break "the older candidate" and the bundles' `ageOrder` and `tahun_lahir` come out the same, so the
 *   ranking recomputed here is unchanged);
 * - the exam package kept beside the exam (its roster holds the same three fields), rewritten the same way;
 * - the reasons of declared conflicts of interest (an examiner's relation to a candidate), replaced;
 * - the roster's search index (trigrams of numbers and names), rebuilt from the rows as they now are;
 * - the exam's signed PDFs under DATA/sheets/EXAM (result sheets, minutes), moved aside and deleted once the
 *   transaction has committed (put back if it did not).
 * What does not change: the audit chain, the exported and merged bundles, the receipts and the transparency log's
 * leaves (each is hashed or signed, and none holds a full NIK or birth date), the scores and every other result.
 *
 * Afterwards the database is compacted (VACUUM) and its WAL emptied (checkpoint TRUNCATE), so the old values are
 * left neither in free pages nor in old WAL frames. The VACUUM is what it takes: `secure_delete` (on while the rows
 * are rewritten) zeroes only what the purge itself frees, while earlier edits and page splits leave copies in the
 * unused space of pages that only a rebuild removes (tests/unit/purge.test.ts finds NIKs in the file without it).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/chain';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { maskNik } from '../roster/fields';
import { LenteraError } from '../util/errors';
import { getSetting } from '../workstation/settings';
import { DB_FILE } from '../workstation/workstation';

/** The setting that holds the retention period, in whole days after the exam's last event (see `retentionDays`). */
export const RETENTION_SETTING = 'retention.days';
/**
 * Two years after the objection period ends, unless the agency sets its own. An assumption, not a rule of law: UU
 * 27/2022 says personal data is deleted once its purpose and retention period are over, and leaves the length to the
 * controller, i.e. the agency's records retention schedule (jadwal retensi arsip). Two years outlasts the 90 days in
 * which a candidate may sue at the administrative court (PTUN, UU 5/1986 Pasal 55) and a yearly audit cycle.
 */
export const DEFAULT_RETENTION_DAYS = 730;
/** The shortest retention the setting may give: the 90 days of a PTUN suit after the objection period. */
export const MIN_RETENTION_DAYS = 90;
const MAX_RETENTION_DAYS = 36_500;

/** What a purged candidate is called on this workstation. */
export const PURGED_NAME = '(dihapus)';
/** What a purged free text (a conflict's reason) says. */
export const PURGED_TEXT = '(dihapus: data pribadi)';

const DAY_MS = 86_400_000;

/** The folder of an exam's signed PDFs (as api/commands/sheets.ts writes them), and where a purge parks them. */
export function examSheetsDir(dataDir: string, examCode: string): string {
  return join(dataDir, 'sheets', examCode);
}
function parkedDir(dataDir: string, examCode: string): string {
  return join(dataDir, 'sheets', `.purge-${examCode}`);
}

/** The retention period in days: the setting when it is set (and valid), else the default. */
export function retentionDays(db: Db): number {
  const raw = getSetting(db, RETENTION_SETTING);
  if (raw === null) return DEFAULT_RETENTION_DAYS;
  const days = /^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS)) {
    throw new LenteraError(
      'RETENTION_SETTING_INVALID',
      `The setting ${RETENTION_SETTING} is "${raw}": it must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}. Correct it (lentera settings or the Settings screen); nothing was removed.`,
      { setting: RETENTION_SETTING, value: raw },
    );
  }
  return days;
}

/** An instant as a coordinator reads it: "2026-12-14 23:59 WIB". */
function wib(iso: string): string {
  const w = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${w.slice(0, 10)} ${w.slice(11, 16)} WIB`;
}

const later = (...xs: (string | null | undefined)[]): string | null => xs.reduce<string | null>((m, x) => (x && (!m || x > m) ? x : m), null);

interface ExamRef {
  id: string;
  code: string;
  purged_at: string | null;
}

/**
 * When the exam's results were last touched on this workstation: every kind of result record, and the closing of its
 * sessions. Roster changes count as changes of what a bundle carries (its candidate records), not as results.
 */
function lastResultAt(db: Db, examId: string): string | null {
  const one = (text: string) => sql(db, text).pluck().get(examId) as string | null;
  return later(
    one('SELECT MAX(at) FROM score_entries WHERE exam_id = ?'),
    one('SELECT MAX(a.at) FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE s.exam_id = ?'),
    one('SELECT MAX(p.at) FROM panel_submissions p JOIN sessions s ON s.id = p.session_id WHERE s.exam_id = ?'),
    one('SELECT MAX(f.at) FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ?'),
    one('SELECT MAX(so.at) FROM signoffs so JOIN finalizations f ON f.id = so.finalization_id JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ?'),
    one('SELECT MAX(at) FROM amendment_requests WHERE exam_id = ?'),
    one('SELECT MAX(d.at) FROM amendment_decisions d JOIN amendment_requests r ON r.id = d.request_id WHERE r.exam_id = ?'),
    one('SELECT MAX(closed_at) FROM sessions WHERE exam_id = ?'),
  );
}

/** Why the exam's results are not final here yet, as sentences; empty when they are. */
function unfinished(db: Db, exam: ExamRef): string[] {
  const out: string[] = [];
  const open = sql(db, 'SELECT code FROM sessions WHERE exam_id = ? AND closed_at IS NULL ORDER BY code').pluck().all(exam.id) as string[];
  if (open.length) out.push(`session${open.length === 1 ? '' : 's'} ${open.slice(0, 5).join(', ')}${open.length > 5 ? ` and ${open.length - 5} more` : ''} ${open.length === 1 ? 'is' : 'are'} still open (close ${open.length === 1 ? 'it' : 'them'} first)`);
  const unfinalized = sql(
    db,
    `SELECT COUNT(*) FROM (SELECT DISTINCT p.session_id, p.nomor_peserta FROM panel_submissions p JOIN sessions s ON s.id = p.session_id
      WHERE s.exam_id = ? AND NOT EXISTS (SELECT 1 FROM finalizations f WHERE f.session_id = p.session_id AND f.nomor_peserta = p.nomor_peserta))`,
  ).pluck().get(exam.id) as number;
  if (unfinalized) out.push(`${unfinalized} interview result${unfinalized === 1 ? ' was' : 's were'} scored but never finalized by the panel chair`);
  const unsettledPaper = sql(
    db,
    `SELECT COUNT(*) FROM (SELECT DISTINCT stage_code, nomor_peserta FROM score_entries e WHERE e.exam_id = ? AND e.source = 'paper'
      AND NOT EXISTS (SELECT 1 FROM score_entries r WHERE r.exam_id = e.exam_id AND r.stage_code = e.stage_code AND r.nomor_peserta = e.nomor_peserta AND r.source = 'resolution')
      AND (NOT EXISTS (SELECT 1 FROM score_entries s WHERE s.exam_id = e.exam_id AND s.stage_code = e.stage_code AND s.nomor_peserta = e.nomor_peserta AND s.source = 'paper' AND s.slot = 'second')
        OR EXISTS (SELECT 1 FROM score_entries s JOIN score_entries f ON f.exam_id = s.exam_id AND f.nomor_peserta = s.nomor_peserta AND f.stage_code = s.stage_code AND f.item = s.item AND f.source = 'paper' AND f.slot = 'first'
                   WHERE s.exam_id = e.exam_id AND s.stage_code = e.stage_code AND s.nomor_peserta = e.nomor_peserta AND s.source = 'paper' AND s.slot = 'second' AND s.units <> f.units)))`,
  ).pluck().get(exam.id) as number;
  if (unsettledPaper) out.push(`${unsettledPaper} paper sheet${unsettledPaper === 1 ? ' waits' : 's wait'} for a second entry or a resolution`);
  const undecided = sql(db, 'SELECT COUNT(*) FROM amendment_requests r WHERE r.exam_id = ? AND NOT EXISTS (SELECT 1 FROM amendment_decisions d WHERE d.request_id = r.id)').pluck().get(exam.id) as number;
  if (undecided) out.push(`${undecided} amendment request${undecided === 1 ? ' is' : 's are'} not decided`);
  const objections = sql(db, "SELECT COUNT(*) FROM objections WHERE exam_code = ? AND status = 'diajukan'").pluck().get(exam.code) as number;
  if (objections) out.push(`${objections} objection${objections === 1 ? ' is' : 's are'} not answered`);
  return out;
}

/** Everything a purge decides from, read before anything is written. */
export interface PurgeCheck {
  exam: string;
  /** the end of the objection period in force (the exam's latest announcement kept here) */
  objectionUntil: string;
  retentionDays: number;
  /** the later of the objection period's end and the exam's last result or bundle here */
  retentionFrom: string;
  /** from when the purge is allowed */
  allowedFrom: string;
}

/**
 * The refusals, in the order a coordinator can act on them. The objection rule has no override: while a candidate
 * may still object, the data that identifies them is kept. The retention period is the setting `retention.days`
 * (itself an audited change), never a flag of this command.
 */
export function checkPurge(db: Db, exam: ExamRef, now: string): PurgeCheck {
  const code = exam.code;
  const announced = sql(db, 'SELECT objection_until FROM announcements WHERE exam_code = ? ORDER BY seq DESC LIMIT 1').pluck().get(code) as string | undefined;
  if (announced === undefined) {
    throw new LenteraError(
      'PURGE_OBJECTION_UNKNOWN',
      `This workstation holds no announcement (pengumuman) of ${code}, so it cannot tell when the objection period (masa sanggah) ends; nothing was removed. For now only the workstation that published the exam's announcement (lentera announce --list shows it) can purge it.`,
      { exam: code },
    );
  }
  if (now <= announced) {
    throw new LenteraError(
      'PURGE_OBJECTION_OPEN',
      `The objection period (masa sanggah) of ${code} is not over: it ends ${wib(announced)}. Candidates may still object, so their data stays; nothing was removed.`,
      { exam: code, objectionUntil: announced },
    );
  }
  const problems = unfinished(db, exam);
  if (problems.length) {
    throw new LenteraError('PURGE_NOT_FINAL', `The results of ${code} are not final on this workstation: ${problems.join('; ')}. Nothing was removed.`, { exam: code, problems });
  }
  const resultsAt = lastResultAt(db, exam.id);
  const lastExport = sql(db, 'SELECT MAX(created_at) FROM bundle_exports WHERE exam_id = ?').pluck().get(exam.id) as string | null;
  const rosterAt = sql(db, 'SELECT MAX(updated_at) FROM candidates WHERE exam_id = ?').pluck().get(exam.id) as string | null;
  if (resultsAt !== null && lastExport === null) {
    throw new LenteraError('PURGE_NOT_EXPORTED', `The results of ${code} were never exported from this workstation (lentera bundle export): they would be kept here without the names they belong to. Export them first; nothing was removed.`, { exam: code });
  }
  const changed = later(resultsAt, rosterAt);
  if (lastExport !== null && changed !== null && changed > lastExport) {
    throw new LenteraError('PURGE_NOT_EXPORTED', `${code} changed on ${wib(changed)}, after its last bundle (${wib(lastExport)}): export the change first (lentera bundle export); nothing was removed.`, { exam: code, changedAt: changed, lastExport });
  }
  const days = retentionDays(db);
  const from = later(announced, resultsAt, lastExport)!;
  const allowed = new Date(Date.parse(from) + days * DAY_MS).toISOString();
  if (now < allowed) {
    throw new LenteraError(
      'PURGE_RETENTION',
      `The retention period of ${code} has not passed: ${days} days (setting ${RETENTION_SETTING}) from ${wib(from)}, so its personal data may be removed from ${wib(allowed)}. Nothing was removed.`,
      { exam: code, retentionDays: days, from, allowedFrom: allowed },
    );
  }
  return { exam: code, objectionUntil: announced, retentionDays: days, retentionFrom: from, allowedFrom: allowed };
}

/**
 * Birth dates replaced by a date of the same year that keeps their order: the k-th distinct birth date of a year
 * becomes that year's k-th day. Order, ties and year stay (all the ranking and the bundles use); the day is gone.
 */
export function orderKeepingDates(dates: Iterable<string>): Map<string, string> {
  const byYear = new Map<string, string[]>();
  for (const d of new Set(dates)) {
    const y = d.slice(0, 4);
    if (!byYear.has(y)) byYear.set(y, []);
    byYear.get(y)!.push(d);
  }
  const out = new Map<string, string>();
  for (const [year, list] of byYear) {
    list.sort();
    // A year always has at least as many days as distinct dates in it. What is no date at all keeps nothing.
    if (!/^\d{4}$/.test(year)) {
      for (const d of list) out.set(d, '');
      continue;
    }
    const start = Date.UTC(Number(year), 0, 1);
    list.forEach((d, k) => out.set(d, new Date(start + k * DAY_MS).toISOString().slice(0, 10)));
  }
  return out;
}

/** The counts a purge reports and audits: never a value. */
export interface PurgeCounts {
  candidates: number;
  packageRoster: number;
  conflicts: number;
  /** the exam's signed PDFs (result sheets, minutes) moved aside, deleted after the commit */
  files: number;
}

export interface PurgeOutcome {
  exam: string;
  status: 'purged' | 'already-purged';
  purgedAt: string;
  counts: PurgeCounts;
  check: PurgeCheck | null;
  /**
   * Audit events of this exam that hold a candidate's full name and birth date (a roster import's corrections,
   * recorded as before and after): hashed into the chain, so they stay; they are counted so the coordinator knows.
   */
  auditEventsWithPersonalData: number;
  /** what else on this machine still holds the data, for the coordinator to deal with */
  warnings: string[];
}

/** Moves the exam's signed PDFs aside (undone by `finishPurge` unless the purge committed). Returns the file count. */
function parkFiles(dataDir: string, examCode: string): number {
  const dir = examSheetsDir(dataDir, examCode);
  const parked = parkedDir(dataDir, examCode);
  if (!existsSync(dir)) return existsSync(parked) ? countFiles(parked) : 0;
  if (existsSync(parked)) {
    // Left by a purge whose clean-up did not finish: its files join this one's.
    for (const f of readdirSync(dir)) renameSync(join(dir, f), join(parked, f));
    rmSync(dir, { recursive: true, force: true });
  } else {
    renameSync(dir, parked);
  }
  return countFiles(parked);
}

function countFiles(dir: string): number {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).length;
}

function warningsFor(dataDir: string): string[] {
  const out: string[] = [];
  const upgrades = existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.startsWith(`${DB_FILE}.v`) && f.endsWith('.bak')) : [];
  if (upgrades.length) {
    out.push(`${upgrades.length} copy(ies) of the database taken before an upgrade (${upgrades.join(', ')}) still hold every exam's personal data: delete them once the upgraded workstation is known to work.`);
  }
  out.push('Backups taken before now, sheets printed or saved elsewhere (--out) and the publication hub keep their own copies: this purge reaches only this workstation.');
  return out;
}

/**
 * Purges one exam, inside the caller's write transaction (the registry's, with its audit event). A second purge of
 * the same exam changes no row: it says so, and only clears files an interrupted first one left behind.
 */
export function purgeExam(db: Db, dataDir: string, examCode: string, at: string): PurgeOutcome {
  const exam = sql(db, 'SELECT id, code, purged_at FROM exams WHERE code = ?').get(examCode) as ExamRef | undefined;
  if (!exam) throw new LenteraError('NOT_FOUND', `No exam with code "${examCode}" on this workstation: there is nothing to purge.`, { exam: examCode });
  const auditEventsWithPersonalData = sql(
    db,
    "SELECT COUNT(*) FROM audit_events WHERE command = 'roster.import' AND outcome = 'ok' AND json_extract(payload, '$.exam') = ? AND json_array_length(payload, '$.updates') > 0",
  ).pluck().get(exam.code) as number;
  if (exam.purged_at !== null) {
    const files = parkFiles(dataDir, exam.code);
    return { exam: exam.code, status: 'already-purged', purgedAt: exam.purged_at, counts: { candidates: 0, packageRoster: 0, conflicts: 0, files }, check: null, auditEventsWithPersonalData, warnings: [] };
  }
  const check = checkPurge(db, exam, at);

  // What this purge frees is zeroed as it goes (the compaction afterwards removes the older leftovers too).
  db.pragma('secure_delete = ON');
  const people = sql(db, 'SELECT nomor_peserta, nik, tanggal_lahir FROM candidates WHERE exam_id = ?').all(exam.id) as { nomor_peserta: string; nik: string; tanggal_lahir: string }[];
  const dates = orderKeepingDates(people.map((p) => p.tanggal_lahir));
  const update = sql(db, 'UPDATE candidates SET nik = ?, nama = ?, tanggal_lahir = ?, updated_at = ? WHERE exam_id = ? AND nomor_peserta = ?');
  const replaced = new Map<string, { nik: string; nama: string; tanggal_lahir: string }>();
  for (const p of people) {
    const now = { nik: maskNik(p.nik), nama: PURGED_NAME, tanggal_lahir: dates.get(p.tanggal_lahir)! };
    replaced.set(p.nomor_peserta, now);
    update.run(now.nik, now.nama, now.tanggal_lahir, at, exam.id, p.nomor_peserta);
  }
  // The roster's search index (migration 14) was told of each new name, but FTS5 only marks the old ones deleted:
  // their trigrams stay in its pages until segments merge. Rebuilt from the rows as they are now, it holds none.
  sql(db, "INSERT INTO candidates_search (candidates_search) VALUES ('rebuild')").run();

  // The package as imported: its roster holds the same fields (and, for a row never imported, the raw values).
  const pkg = JSON.parse(sql(db, 'SELECT package_json FROM exam_packages WHERE exam_id = ?').pluck().get(exam.id) as string) as { roster?: Record<string, unknown>[] };
  let packageRoster = 0;
  if (Array.isArray(pkg.roster)) {
    pkg.roster = pkg.roster.map((row) => {
      packageRoster++;
      const done = replaced.get(String(row.nomor_peserta ?? '').trim());
      const birth = String(row.tanggal_lahir ?? '');
      return { ...row, nik: done?.nik ?? maskNik(String(row.nik ?? '')), nama: PURGED_NAME, tanggal_lahir: done?.tanggal_lahir ?? (/^\d{4}-/.test(birth) ? `${birth.slice(0, 4)}-01-01` : '') };
    });
  }
  sql(db, 'UPDATE exam_packages SET package_json = ? WHERE exam_id = ?').run(canonicalJson(pkg), exam.id);
  sql(db, 'UPDATE exams SET purged_at = ? WHERE id = ?').run(at, exam.id);
  const conflicts = sql(db, 'UPDATE conflicts SET reason = ? WHERE exam_id = ?').run(PURGED_TEXT, exam.id).changes;

  // Last, so a failure above moves no file; a failure of the commit puts them back (finishPurge).
  const files = parkFiles(dataDir, exam.code);
  return { exam: exam.code, status: 'purged', purgedAt: at, counts: { candidates: people.length, packageRoster, conflicts, files }, check, auditEventsWithPersonalData, warnings: warningsFor(dataDir) };
}

/** What happened after the transaction: the parked files and the database's compaction. */
export interface PurgeCleanup {
  committed: boolean;
  filesRemoved: number;
  filesError: string | null;
  /** VACUUM done (the free pages and stale cells that held old values are gone) */
  vacuumed: boolean;
  vacuumError: string | null;
  /** the WAL emptied (checkpoint TRUNCATE); false when another connection kept reading (run the purge again) */
  walTruncated: boolean;
}

/**
 * After the purge's transaction, committed or not (the registry's afterCommand): committed, the parked files are
 * deleted and the database compacted; not committed, the files go back where they were.
 */
export function finishPurge(db: Db, dataDir: string, examCode: string): PurgeCleanup {
  db.pragma('secure_delete = OFF');
  const row = sql(db, 'SELECT purged_at FROM exams WHERE code = ?').get(examCode) as { purged_at: string | null } | undefined;
  const committed = row !== undefined && row.purged_at !== null;
  const out: PurgeCleanup = { committed, filesRemoved: 0, filesError: null, vacuumed: false, vacuumError: null, walTruncated: false };
  // Only an exam's own code (a package code: letters, digits, dot, dash, underscore) ever names a folder here.
  if (row === undefined) return out;
  const parked = parkedDir(dataDir, examCode);
  if (!committed) {
    if (existsSync(parked) && !existsSync(examSheetsDir(dataDir, examCode))) renameSync(parked, examSheetsDir(dataDir, examCode));
    return out;
  }
  if (existsSync(parked)) {
    const n = countFiles(parked);
    try {
      rmSync(parked, { recursive: true, force: true, maxRetries: 3 });
      out.filesRemoved = n;
    } catch (e) {
      out.filesError = `${(e as Error).message}: close any program that has one of the exam's PDFs open and run the purge again.`;
    }
  }
  // Also after a second purge: it finishes the compaction a first one could not do (a full disk).
  Object.assign(out, compactDatabase(db));
  return out;
}

/**
 * VACUUM rewrites the database from its live rows only (no free page, no stale cell left); in WAL mode its pages
 * pass through the WAL, which the TRUNCATE checkpoint then copies into the database and empties to zero bytes.
 */
export function compactDatabase(db: Db): Pick<PurgeCleanup, 'vacuumed' | 'vacuumError' | 'walTruncated'> {
  let vacuumed = false;
  let vacuumError: string | null = null;
  try {
    db.exec('VACUUM');
    vacuumed = true;
  } catch (e) {
    vacuumError = `${(e as Error).message}: free some disk space (the compaction needs about the database's size again, and as much memory on an encrypted workstation) and run the purge again.`;
  }
  const [cp] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  return { vacuumed, vacuumError, walTruncated: cp !== undefined && cp.busy === 0 };
}
