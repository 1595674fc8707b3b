// Every read command's SQL, planned: no statement may walk a whole roster-sized table unless it is on the list of
// those that must (an export, a ranking, the audit chain's check), each with its reason.
//
// The workstation serves a venue's LAN from one Node thread: at 100,000 candidates a read whose SQL does a full SCAN
// of candidates, score_entries or the audit log costs tens to hundreds of milliseconds, every call, for everyone.
// This test opens the demo venue, records every SQL text prepared on (and every statement run by) the workstation's
// connection while it invokes EVERY command of the registry with `mutates: false` (as each role that may, where the
// answer differs by role) and a few hot mutating commands, then asks SQLite for each text's plan.
//
// The plans on the small demo are those of a 100,000-candidate venue: the workstation never runs ANALYZE (no
// sqlite_stat1, checked below), so SQLite plans by its fixed heuristics, not by row counts.
//
// A new read command fails here until it has a case (or an exclusion with its reason). A new scan fails until it is
// fixed, or allowlisted with its reason. When this test was written it found eight (migration 22 has their indexes).
//
// Not recorded: what runs on other connections in other threads (the signing worker, the backup worker); the ranking
// thread's functions (core/ranking/answer.ts) are called here on the workstation's connection instead. Triggers run
// inside the statements that fire them and are not in their plans (theirs look rows up by key).
// LENTERA_PLAN_REPORT=file.json writes every plan and every scan, for review.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { JobState } from '../../src-main/api/jobs';
import type { Auth } from '../../src-main/api/registry';
import { demoPackage, demoRosterCsv } from '../../src-main/core/demo/generate';
import { demoInterviewDay } from '../../src-main/core/demo/seed';
import { scoresPage } from '../../src-main/core/scoring/scores-page';
import { rankingAnswer } from '../../src-main/core/ranking/answer';
import { unlockIdentity } from '../../src-main/core/keys/identities';
import { generateMinutes, generateSheets } from '../../src-main/core/sheets/batch';
import { ManualClock } from './helpers';

const EXAM = 'CPNS-SMG-2026';
// 14.00 WIB on the interview day (as home-tasks.test.ts): WWC-F03 and WWC-F04 have begun, the next morning's not.
const AT = new Date('2026-12-02T07:00:00.000Z');
const CANDIDATES = 300;

/** Tables that grow with the roster (or faster: the audit log, the bundle's items): a full walk of one is the cost. */
const ROSTER_TABLES = new Set([
  'candidates',
  'candidates_search',
  'session_candidates',
  'attendance_events',
  'attendance_latest',
  'attendance_session_latest',
  'score_entries',
  'panel_submissions',
  'panel_notes',
  'finalizations',
  'signoffs',
  'amendment_requests',
  'amendment_decisions',
  'audit_events',
  'ledger_salts',
  'ledger_leaves',
  'receipts',
  'bundle_export_items',
  'merged_items',
  'ranking_changes',
  'objections',
]);

type Role = 'coordinator' | 'chair' | 'examiner' | 'clerk' | 'observer';
const ROLES: readonly Role[] = ['coordinator', 'chair', 'examiner', 'clerk', 'observer'];
/** Who acts for each role: panel A's chair and examiner (WWC-F01, F03, F05), the first clerk, the observer. */
const PERSON: Record<Role, string> = { coordinator: 'koordinator', chair: 'ketua1', examiner: 'penguji1', clerk: 'petugas1', observer: 'pengawas' };

type As = Role | 'local' | 'anonymous';
interface Case {
  command: string;
  input: unknown;
  /** who calls it: by default every role the command's access allows (all five for 'authenticated') */
  as?: readonly As[];
  /** a refusal that is the point of the case (its SQL ran before it), by caller ('*' for any) */
  refused?: Partial<Record<As | '*', string>>;
  /** why this case is here when it is not obvious */
  note?: string;
}

/** Filled in beforeAll from the demo venue (numbers of candidates in a given state). */
interface Demo {
  pins: Record<string, string>;
  passphrase: string;
  nomor: { finalized: string; f03: string; f04: string; f04b: string; skd: string; paperUntyped: string; paperConfirmed: string };
  /** the confirmed practical sheet's `praktik`, changed by one (an amendment asks for it) */
  amended: number;
  files: { pkg: string; roster: string; sheet: string; bundle: string; sheetsOut: string };
  bundleSha: string;
  sheetName: string;
}

function readCases(d: Demo): Case[] {
  const ses = { exam: EXAM, session: 'WWC-F01' };
  return [
    { command: 'system.status', input: {}, as: ['anonymous', 'coordinator', 'observer'] },
    { command: 'audit.head', input: {}, as: ['coordinator'] },
    { command: 'audit.list', input: {} },
    { command: 'audit.list', input: { command: 'panel.score', outcome: 'ok', limit: 50 }, as: ['coordinator'] },
    { command: 'audit.list', input: { actor: 'user:petugas1', from: '2026-01-01T00:00:00.000Z', before: 5 }, as: ['coordinator'] },
    { command: 'audit.verify', input: {}, as: ['coordinator'] },
    { command: 'settings.list', input: {}, as: ['coordinator', 'clerk'] },
    { command: 'backup.status', input: {} },
    { command: 'backup.now', input: {}, as: ['coordinator'] },
    { command: 'accounts.me', input: {} },
    { command: 'accounts.list', input: {} },
    { command: 'files.upload', input: { offset: 0, dataBase64: Buffer.from('nomor\n').toString('base64') }, as: ['coordinator'] },
    { command: 'exams.preview', input: { file: { path: d.files.pkg } }, as: ['local'] },
    { command: 'exams.list', input: {} },
    { command: 'exams.get', input: { exam: EXAM } },
    { command: 'roster.preview', input: { exam: EXAM, file: { path: d.files.roster } }, as: ['local'] },
    { command: 'roster.list', input: { exam: EXAM } },
    { command: 'roster.list', input: { exam: EXAM, search: 'sri', limit: 20 }, as: ['coordinator'] },
    { command: 'roster.list', input: { exam: EXAM, search: d.nomor.skd.slice(-5) }, as: ['clerk'] },
    { command: 'roster.list', input: { exam: EXAM, search: 'a' }, as: ['clerk'] },
    { command: 'roster.list', input: { exam: EXAM, formation: 'F03', offset: 10, limit: 10 }, as: ['coordinator'] },
    { command: 'roster.list', input: { exam: EXAM, session: 'SKD-1' }, as: ['coordinator'] },
    { command: 'roster.list', input: { exam: EXAM, session: 'WWC-F04', attendance: 'pending' }, as: ['clerk'] },
    { command: 'roster.list', input: { exam: EXAM, attendance: 'present' }, as: ['coordinator'] },
    { command: 'roster.list', input: { exam: EXAM, attendance: 'absent', formation: 'F01' }, as: ['coordinator'] },
    { command: 'attendance.list', input: { exam: EXAM, session: 'WWC-F04' } },
    { command: 'attendance.list', input: { exam: EXAM, session: 'SKD-1', nomorPeserta: d.nomor.skd }, as: ['clerk'] },
    { command: 'conflicts.list', input: { exam: EXAM } },
    { command: 'scores.list', input: { exam: EXAM } },
    { command: 'scores.list', input: { exam: EXAM, stage: 'SKB-WWC' }, as: ['coordinator'] },
    { command: 'scores.page', input: { exam: EXAM } },
    { command: 'scores.page', input: { exam: EXAM, stage: 'SKD', search: 'sri', state: 'confirmed', offset: 10, limit: 20 }, as: ['coordinator'] },
    { command: 'scores.page', input: { exam: EXAM, search: 'a' }, as: ['observer'] },
    { command: 'scores.history', input: { exam: EXAM, stage: 'SKD', nomorPeserta: d.nomor.skd, item: 'twk' } },
    { command: 'panel.overview', input: ses },
    { command: 'panel.overview', input: { exam: EXAM, session: 'WWC-F03' }, as: ['chair', 'examiner'] },
    { command: 'panel.sheet', input: { ...ses, nomorPeserta: d.nomor.finalized } },
    { command: 'panel.sheet', input: { exam: EXAM, session: 'WWC-F03', nomorPeserta: d.nomor.f03 }, as: ['coordinator', 'chair', 'examiner'] },
    { command: 'display.board', input: ses, as: ['anonymous', 'coordinator'] },
    { command: 'paper.status', input: { exam: EXAM, stage: 'SKB-PRAKTIK' } },
    { command: 'paper.mismatches', input: { exam: EXAM, stage: 'SKB-PRAKTIK' } },
    { command: 'amendments.list', input: { exam: EXAM } },
    { command: 'ranking.compute', input: { exam: EXAM }, as: ['coordinator'] },
    { command: 'ranking.compute', input: { exam: EXAM, formation: 'F01' }, as: ['observer'] },
    { command: 'ranking.export', input: { exam: EXAM, format: 'csv' }, as: ['coordinator'] },
    { command: 'keys.mine', input: {}, as: ['coordinator', 'chair'] },
    { command: 'keys.list', input: {} },
    // The signing itself runs on a worker thread, on a connection of its own (not recorded here): one sheet, waited for.
    { command: 'sheets.start', input: { exam: EXAM, session: 'WWC-F01', passphrase: d.passphrase, account: 'koordinator', candidates: [d.nomor.finalized], out: d.files.sheetsOut }, as: ['local'] },
    { command: 'sheets.cancel', input: { jobId: 'no-such-job' }, as: ['coordinator'] },
    { command: 'sheets.jobs', input: {} },
    { command: 'sheets.files', input: { exam: EXAM } },
    { command: 'sheets.file', input: { exam: EXAM, name: d.sheetName }, as: ['coordinator', 'examiner'] },
    { command: 'documents.verify', input: { file: { path: d.files.sheet } }, as: ['local'] },
    { command: 'bundle.list', input: {} },
    { command: 'bundle.list', input: { exam: EXAM }, as: ['coordinator'] },
    { command: 'bundle.file', input: { sha256: d.bundleSha } },
    { command: 'bundle.verify', input: { file: { path: d.files.bundle } }, as: ['local'] },
    { command: 'bundle.merged', input: {} },
    { command: 'bundle.merged', input: { exam: EXAM }, as: ['coordinator'], refused: { coordinator: 'NOT_FOUND' }, note: 'nothing merged on the demo: its lookup ran' },
    { command: 'bundle.trusted', input: {} },
    { command: 'keys.certificate', input: {}, as: ['coordinator', 'chair'], refused: { chair: 'NO_IDENTITY' } },
    { command: 'hub.settings', input: {} },
    { command: 'outbox.list', input: {} },
    { command: 'outbox.push', input: {}, as: ['coordinator'] },
    { command: 'receipt.get', input: { exam: EXAM, nomor: d.nomor.finalized }, refused: { '*': 'NOT_FOUND' }, note: 'no hub here: no receipt, but its lookup ran' },
    { command: 'home.tasks', input: {} },
    { command: 'home.tasks', input: {}, as: ['local'] },
    { command: 'print.ranking', input: { exam: EXAM, formation: 'F01' }, as: ['coordinator'] },
    { command: 'print.scoringForms', input: { exam: EXAM, session: 'WWC-F03' }, as: ['examiner'] },
    { command: 'sanggah.list', input: { exam: EXAM }, refused: { '*': 'HUB_TOKEN_MISSING' }, note: 'answered by the hub; locally only its settings are read' },
    { command: 'laporan.list', input: { exam: EXAM }, refused: { '*': 'HUB_TOKEN_MISSING' }, note: 'answered by the hub; locally only its settings are read' },
    { command: 'announcement.list', input: {} },
    { command: 'announcement.list', input: { exam: EXAM }, as: ['coordinator'] },
  ];
}

/** Read commands with no case, and why. */
const EXCLUDED: Record<string, string> = {};

/** The hot writes of a venue day, once each or so (their statements are planned too). */
function writeCases(d: Demo): Case[] {
  const f03 = { exam: EXAM, session: 'WWC-F03' };
  const f04 = { exam: EXAM, session: 'WWC-F04' };
  const criteria = ['integritas', 'komunikasi', 'kerjasama', 'pelayanan', 'teknis'];
  return [
    { command: 'attendance.checkIn', input: { ...f04, nomorPeserta: d.nomor.f04 }, as: ['clerk'] },
    { command: 'attendance.checkIn', input: { ...f04, nomorPeserta: d.nomor.f04b }, as: ['coordinator'] },
    { command: 'attendance.undo', input: { ...f04, nomorPeserta: d.nomor.f04b, reason: 'salah pindai nomor' }, as: ['clerk'] },
    ...criteria.map((criterion, i): Case => ({ command: 'panel.score', input: { ...f03, nomorPeserta: d.nomor.f03, criterion, value: 1 + (i % 5) }, as: ['examiner'] })),
    { command: 'panel.submit', input: { ...f03, nomorPeserta: d.nomor.f03 }, as: ['examiner'] },
    { command: 'paper.enter', input: { exam: EXAM, stage: 'SKB-PRAKTIK', nomorPeserta: d.nomor.paperUntyped, values: { rpp: 30.5, praktik: 45 } }, as: ['clerk'] },
    { command: 'amendments.request', input: { exam: EXAM, stage: 'SKB-PRAKTIK', nomorPeserta: d.nomor.paperConfirmed, item: 'praktik', value: d.amended, reason: 'salah ketik pada lembar nilai' }, as: ['coordinator'] },
  ];
}

/** The end of the day: a session closed, the next bundle exported (the whole exam read: what changed since the last). */
function closingCases(d: Demo): Case[] {
  return [
    { command: 'sessions.close', input: { exam: EXAM, session: 'WWC-F04' }, as: ['coordinator'] },
    { command: 'bundle.export', input: { exam: EXAM, passphrase: d.passphrase, account: 'koordinator' }, as: ['local'] },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Recording: every SQL text prepared on a connection, and which case ran each statement.

type Db = Database.Database;
interface Seen {
  /** the cases that prepared it (first use on the connection: statements are cached, core/db/statements.ts) */
  prepared: Set<string>;
  /** the cases that ran it */
  ran: Set<string>;
}
const seen = new Map<Db, Map<string, Seen>>();
let recording = false;
let current = 'opening the workstation';

function note(db: Db, text: string, kind: keyof Seen): void {
  if (!recording) return;
  let texts = seen.get(db);
  if (!texts) seen.set(db, (texts = new Map()));
  let s = texts.get(text);
  if (!s) texts.set(text, (s = { prepared: new Set(), ran: new Set() }));
  s[kind].add(current);
}

const originalPrepare = Database.prototype.prepare;
type StatementProto = Record<'run' | 'get' | 'all' | 'iterate', (this: Database.Statement, ...args: unknown[]) => unknown>;
let statementProto: StatementProto | undefined;
const originalRuns: Partial<StatementProto> = {};

function startRecording(): void {
  const probe = new Database(':memory:');
  statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as StatementProto;
  probe.close();
  Database.prototype.prepare = function prepare(this: Db, source: string) {
    note(this, source, 'prepared');
    return originalPrepare.call(this, source);
  } as typeof Database.prototype.prepare;
  for (const m of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementProto[m];
    originalRuns[m] = original;
    statementProto[m] = function (this: Database.Statement, ...args: unknown[]) {
      note(this.database, this.source, 'ran');
      return original.apply(this, args);
    };
  }
  recording = true;
}

function stopRecording(): void {
  recording = false;
  Database.prototype.prepare = originalPrepare;
  if (statementProto) for (const [m, f] of Object.entries(originalRuns)) statementProto[m as keyof StatementProto] = f;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning: EXPLAIN QUERY PLAN needs every parameter bound (better-sqlite3 refuses otherwise); NULLs do, and the plan
// does not depend on them (no STAT4 here).

/** The parameters of a statement: how many positional ones (`?`, `?NNN`), and the names of the named ones. */
function parameters(text: string): { positional: number; named: string[] } {
  let positional = 0;
  const named = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      for (i++; i < text.length; i++) {
        if (text[i] === close) {
          if (close !== ']' && text[i + 1] === close) i++;
          else break;
        }
      }
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '?') {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j]!)) j++;
      positional = j > i + 1 ? Math.max(positional, Number(text.slice(i + 1, j))) : positional + 1;
      i = j - 1;
    } else if ((c === ':' || c === '@' || c === '$') && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      named.add(text.slice(i + 1, j));
      i = j - 1;
    }
  }
  return { positional, named: [...named] };
}

interface PlanLine {
  id: number;
  parent: number;
  detail: string;
}

function plan(db: Db, text: string): PlanLine[] {
  const { positional, named } = parameters(text);
  const args: unknown[] = Array.from({ length: positional }, () => null);
  if (named.length) args.push(Object.fromEntries(named.map((n) => [n, null])));
  return db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args) as PlanLine[];
}

const KEYWORDS = new Set(
  'as on using where join left right full inner outer cross natural order group limit offset having window union except intersect set values returning indexed not default select from and or when then else end case by collate'.split(' '),
);

/** What each name in a plan line may stand for: the table itself, or the tables an alias names in this text. */
function aliases(text: string, tables: ReadonlySet<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, table: string) => {
    const k = name.toLowerCase();
    if (!out.has(k)) out.set(k, new Set());
    out.get(k)!.add(table);
  };
  const tokens = text.replace(/'(?:[^']|'')*'/g, "''").match(/[A-Za-z_][A-Za-z0-9_]*|\S/g) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.toLowerCase();
    if (!tables.has(t) || tokens[i - 1] === '.') continue;
    add(t, t);
    let j = i + 1;
    if (tokens[j]?.toLowerCase() === 'as') j++;
    const alias = tokens[j];
    if (alias && /^[A-Za-z_]/.test(alias) && !KEYWORDS.has(alias.toLowerCase())) add(alias, t);
  }
  return out;
}

interface Walk {
  text: string;
  table: string;
  line: string;
  /** the cases that ran it (or prepared it, when it never ran) */
  by: string[];
}

/**
 * The table (or alias) a plan line walks whole: a SCAN of it or of a whole index of it (a covering index is still
 * every row), a virtual table read with no constraint, or an automatic index (SQLite builds it by reading the whole
 * table, every time the statement runs). A SEARCH is a lookup, a SCAN of a CTE or subquery is of rows already found.
 */
function walkedTable(detail: string): string | undefined {
  if (/^SCAN CONSTANT ROW/.test(detail)) return undefined;
  const automatic = /^(?:SEARCH|SCAN) (\S+) USING AUTOMATIC /.exec(detail);
  if (automatic) return automatic[1];
  const scan = /^SCAN (\S+)(.*)$/.exec(detail);
  if (!scan) return undefined;
  const virtual = /VIRTUAL TABLE INDEX \d+:(\S*)/.exec(scan[2]!);
  return virtual && virtual[1] !== '' ? undefined : scan[1];
}


// ---------------------------------------------------------------------------------------------------------------
// What may walk a whole table, and why. Keyed by a stable part of the statement's text (whitespace folded to one
// space) and the table the plan walks.

interface Allowed {
  /** a stable part of the statement's text */
  sql: string;
  /** the table its plan walks */
  table: string;
  why: string;
}

const ALLOWED: Allowed[] = [
  {
    sql: 'SELECT seq, hash, at FROM audit_events ORDER BY seq DESC LIMIT 1',
    table: 'audit_events',
    why: "the chain's tip (core/audit/chain.ts), read by every write for its time (recordedAt) and for the head: the rowid order walked from its end and stopped at the first row",
  },
  {
    sql: 'SELECT tally FROM audit_events WHERE tally IS NOT NULL ORDER BY seq DESC LIMIT 1',
    table: 'audit_events',
    why: "the latest tally (core/audit/tally.ts latestTally), read at open and by a process's first write: the partial index of tallied events walked from its end and stopped at the first entry",
  },
  {
    sql: 'SELECT seq, tally FROM audit_events WHERE tally IS NOT NULL ORDER BY seq',
    table: 'audit_events',
    why: "audit.verify (core/audit/tally.ts verifyTallies): every event's tally, in order",
  },
  {
    sql: 'SELECT seq, at, payload FROM audit_events WHERE command = ? ORDER BY seq',
    table: 'audit_events',
    why: 'audit.verify (core/audit/unrecorded.ts): the events that recorded rows added outside Lentera, named at every verification; the check reads every event anyway',
  },
  {
    sql: 'SELECT COALESCE(MAX(seq), 0) AS last, COUNT(*) AS total FROM audit_events',
    table: 'audit_events',
    why: 'audit.verify (core/audit/chain.ts verifyChainInSteps): the total for its progress; the check reads every event anyway',
  },
];

const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
const matches = (a: Allowed, w: Walk) => a.table === w.table && fold(w.text).includes(fold(a.sql));

// ---------------------------------------------------------------------------------------------------------------

interface Outcome {
  label: string;
  ok: boolean;
  code?: string;
  expected?: string;
  message?: string;
}

let root: string;
let dir: string;
let app: LenteraApp | undefined;
let readNames: string[] = [];
const covered = new Set<string>();
const outcomes: Outcome[] = [];
const walks: Walk[] = [];
const unplanned: { text: string; error: string }[] = [];
let statTables: string[] = [];
const allPlans: { text: string; by: string[]; lines: string[] }[] = [];

function defaultCallers(access: unknown): As[] {
  if (access === 'public') return ['anonymous', 'coordinator'];
  if (access === 'authenticated') return [...ROLES];
  return ROLES.filter((r) => (access as readonly string[]).includes(r));
}

async function setUp(): Promise<Demo> {
  const clock = new ManualClock(AT);
  const setup = new LenteraApp({ dataDir: dir, allowInit: true, clock, rankingThread: false });
  try {
    const made = await setup.invokeAsync('workstation.demo', { candidates: CANDIDATES }, { local: 'test' });
    if (!made.ok) throw new Error(made.error.message);
    const value = made.value as { accounts: { name: string; pin: string }[]; signingKey: { passphrase: string } };
    const db = setup.workstation!.db;
    const examId = db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
    const inSession = (code: string) => db.prepare('SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = ? ORDER BY 1').pluck().all(code) as string[];
    const finalized = db.prepare("SELECT f.nomor_peserta FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.code = 'WWC-F01' ORDER BY 1").pluck().get() as string;
    const penguji1 = db.prepare("SELECT id FROM accounts WHERE name = 'penguji1'").pluck().get() as string;
    const f03 = inSession('WWC-F03').find((n) => !db.prepare("SELECT 1 FROM score_entries WHERE nomor_peserta = ? AND account_id = ? AND stage_code = 'SKB-WWC'").get(n, penguji1))!;
    const [f04, f04b] = inSession('WWC-F04');
    const pkg = demoPackage(CANDIDATES, undefined, demoInterviewDay(AT.toISOString()));
    const paperConfirmed = pkg.sessions.find((s) => s.code === 'PRAKTIK-F04')!.candidates[0]!;
    const praktik = db.prepare("SELECT units FROM score_entries WHERE nomor_peserta = ? AND stage_code = 'SKB-PRAKTIK' AND item = 'praktik' ORDER BY at DESC LIMIT 1").pluck().get(paperConfirmed) as number;
    const paperUntyped = inSession('PRAKTIK-F04').find((n) => !db.prepare("SELECT 1 FROM score_entries WHERE nomor_peserta = ? AND stage_code = 'SKB-PRAKTIK'").get(n))!;
    // A signed sheet and minutes (for sheets.file, documents.verify), and an exported bundle (bundle.file, .verify).
    const coord = db.prepare("SELECT id FROM accounts WHERE name = 'koordinator'").pluck().get() as string;
    const signer = await unlockIdentity(db, dir, coord, value.signingKey.passphrase, AT);
    const sheets = join(dir, 'sheets', EXAM);
    const written = await generateSheets(db, { examId, outDir: sheets, session: 'WWC-F01', signer });
    await generateMinutes(db, examId, 'WWC-F01', signer, sheets);
    const exported = await setup.invokeAsync('bundle.export', { exam: EXAM, passphrase: value.signingKey.passphrase, account: 'koordinator' }, { local: 'test' });
    if (!exported.ok) throw new Error(exported.error.message);
    const bundle = db.prepare('SELECT sha256, file FROM bundle_exports ORDER BY sequence DESC').get() as { sha256: string; file: string };
    const backups = await setup.invokeAsync('backup.configure', { folder: join(root, 'backups') }, { local: 'test' });
    if (!backups.ok) throw new Error(backups.error.message);
    // A hub nobody answers at: outbox.push then runs its statements (and fails to connect, at once).
    const hub = setup.invokeAsync('hub.configure', { url: 'http://127.0.0.1:9' }, { local: 'test' });
    if (!(await hub).ok) throw new Error('hub.configure');
    const files = { pkg: join(root, 'exam.json'), roster: join(root, 'roster.csv'), sheet: written.written[0]!, bundle: bundle.file, sheetsOut: join(root, 'sheets-out') };
    writeFileSync(files.pkg, JSON.stringify(pkg));
    writeFileSync(files.roster, demoRosterCsv(pkg));
    return {
      pins: Object.fromEntries(value.accounts.map((a) => [a.name, a.pin])),
      passphrase: value.signingKey.passphrase,
      nomor: { finalized, f03, f04: f04!, f04b: f04b!, skd: inSession('SKD-1')[0]!, paperUntyped, paperConfirmed },
      amended: praktik < 60 ? praktik + 1 : praktik - 1,
      files,
      bundleSha: bundle.sha256,
      sheetName: basename(written.written[0]!),
    };
  } finally {
    setup.close();
  }
}

async function jobEnded(a: LenteraApp, id: string): Promise<JobState | undefined> {
  for (let waited = 0; a.jobs.get(id)?.state === 'running'; waited += 20) {
    if (waited > 60_000) throw new Error(`job ${id} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return a.jobs.get(id);
}

async function runCases(a: LenteraApp, demo: Demo): Promise<void> {
  const tokens: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    current = `accounts.login as ${role}`;
    const r = a.invoke('accounts.login', { name: PERSON[role], pin: demo.pins[PERSON[role]] }, { client: 'test' });
    if (!r.ok) throw new Error(`login ${PERSON[role]}: ${r.error.message}`);
    tokens[role] = (r.value as { token: string }).token;
  }
  const auth = (who: As): Auth => (who === 'local' ? { local: 'test' } : who === 'anonymous' ? {} : { token: tokens[who]! });
  const commands = new Map(a.registry!.list().map((c) => [c.name, c]));
  const runCase = async (c: Case) => {
    const command = commands.get(c.command);
    if (!command) throw new Error(`a case for ${c.command}, which the registry does not have`);
    covered.add(c.command);
    for (const who of c.as ?? defaultCallers(command.access)) {
      const label = `${c.command} as ${who}`;
      current = label;
      const r = await a.invokeAsync(c.command, c.input, auth(who));
      const expected = c.refused?.[who] ?? c.refused?.['*'];
      outcomes.push(r.ok ? { label, ok: expected === undefined, expected } : { label, ok: r.error.code === expected, code: r.error.code, expected, message: r.error.message });
      // A background job (sheets.start) is waited for, and must have done its work: its worker writes to the database.
      const job = r.ok ? (r.value as { id?: unknown; state?: unknown }) : undefined;
      if (job && typeof job.id === 'string' && job.state === 'running') {
        const ended = await jobEnded(a, job.id);
        if (ended?.state !== 'done') outcomes.push({ label: `${label}: its job`, ok: false, code: ended?.state, message: ended?.error?.message });
      }
    }
  };
  const run = async (cases: Case[]) => {
    for (const c of cases) await runCase(c);
  };
  await run(readCases(demo));
  // The ranking thread's statements (api/ranker.ts runs these on a connection of its own): a kept ranking and the
  // kept scores made, then brought up to date after the writes below (what came after the rowids they read).
  const db = a.workstation!.db;
  const examId = db.prepare('SELECT id FROM exams WHERE code = ?').pluck().get(EXAM) as string;
  const viewer = { local: false, actor: 'user:koordinator', name: 'koordinator' };
  current = 'ranking thread: kept ranking';
  rankingAnswer(db, EXAM);
  current = 'ranking thread: kept scores';
  scoresPage(db, examId, { stage: 'SKD', search: 'sri', offset: 0, limit: 500 }, viewer);
  await run(writeCases(demo));
  current = 'ranking thread: kept ranking brought up to date';
  rankingAnswer(db, EXAM);
  current = 'ranking thread: kept scores brought up to date';
  scoresPage(db, examId, { offset: 0, limit: 500 }, viewer);
  await run(closingCases(demo));
  current = 'after the cases';
}

function planAll(db: Db): void {
  const texts = seen.get(db) ?? new Map<string, Seen>();
  const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')").pluck().all() as string[]).map((t) => t.toLowerCase()));
  for (const [text, s] of texts) {
    if (/^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/i.test(text)) continue;
    let lines: PlanLine[];
    try {
      lines = plan(db, text);
    } catch (e) {
      unplanned.push({ text: fold(text), error: (e as Error).message });
      continue;
    }
    const names = aliases(text, tables);
    const by = [...(s.ran.size ? s.ran : s.prepared)].sort();
    allPlans.push({ text: fold(text), by, lines: lines.map((l) => `${l.id}/${l.parent} ${l.detail}`) });
    for (const l of lines) {
      const walked = walkedTable(l.detail);
      for (const table of names.get(walked?.toLowerCase() ?? '') ?? []) {
        if (ROSTER_TABLES.has(table)) walks.push({ text, table, line: l.detail, by });
      }
    }
  }
}

describe('query plans of every read command on the demo venue', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lentera-plans-'));
    dir = join(root, 'ws');
    const demo = await setUp();
    startRecording();
    try {
      app = new LenteraApp({ dataDir: dir, clock: new ManualClock(AT), rankingThread: false });
      readNames = app.registry!.list().filter((c) => !c.mutates).map((c) => c.name);
      await runCases(app, demo);
    } finally {
      stopRecording();
    }
    const db = app.workstation!.db;
    statTables = db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'").pluck().all() as string[];
    planAll(db);
    if (process.env.LENTERA_PLAN_REPORT) {
      writeFileSync(process.env.LENTERA_PLAN_REPORT, JSON.stringify({ outcomes, walks: walks.map((w) => ({ ...w, text: fold(w.text) })), unplanned, statTables, allPlans, statements: seen.get(db)?.size }, null, 2));
    }
  }, 120_000);
  afterAll(() => {
    stopRecording();
    app?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has a case for every read command of the registry, or says why not', () => {
    const missing = readNames.filter((n) => !covered.has(n) && !(n in EXCLUDED));
    expect(missing, 'read commands with no case in query-plans.test.ts (add one, or an EXCLUDED entry with its reason)').toEqual([]);
    const stale = Object.keys(EXCLUDED).filter((n) => !readNames.includes(n) || covered.has(n));
    expect(stale, 'EXCLUDED entries for commands that are gone, that write, or that have a case now').toEqual([]);
  });

  it('ran every case to its answer (a refusal only where it is the point)', () => {
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it('plans as at 100,000 candidates: the workstation keeps no planner statistics (no ANALYZE)', () => {
    expect(statTables, 'sqlite_stat tables make plans depend on row counts: the demo no longer stands for a big venue').toEqual([]);
  });

  it('recorded the statements and planned every one', () => {
    // A few hundred texts: far fewer means the recording missed the workstation's connection.
    expect(allPlans.length).toBeGreaterThan(100);
    expect(unplanned).toEqual([]);
  });

  it('walks no roster-sized table but where a whole exam or table is the point', () => {
    const unexplained = walks.filter((w) => !ALLOWED.some((a) => matches(a, w)));
    expect(
      unexplained.map((w) => `${w.line} [${w.by.join(', ')}]: ${fold(w.text).slice(0, 300)}`),
      'statements that walk a whole roster-sized table: look it up by exam, session or candidate (an index), or, for work that must read it all, add it to ALLOWED with the reason',
    ).toEqual([]);
  });

  it("brings a kept ranking and the kept scores up to date from the rows appended since (by rowid), not by walking the exam's", () => {
    // core/db/changes.ts changedSince: with the exam_id indexes, its score entries' branch walked all of the exam's
    // entries (60 ms at 100,000) at every change; the rows appended since a ranking are few.
    const catchUps = allPlans.filter((p) => p.text.includes('WHERE rowid > @score'));
    // The ranking's reads the attendance appended too; the scores' does not (a check-in changes no score).
    const ranking = catchUps.find((p) => p.text.includes('@attendance'));
    const scores = catchUps.find((p) => !p.text.includes('@attendance'));
    expect(ranking, 'the ranking caught up (rankingAnswer after a write)').toBeDefined();
    expect(scores, 'the kept scores caught up (scores.page after a write)').toBeDefined();
    expect(ranking!.lines.filter((l) => l.includes('USING INTEGER PRIMARY KEY (rowid>?)'))).toHaveLength(5);
    expect(scores!.lines.filter((l) => l.includes('USING INTEGER PRIMARY KEY (rowid>?)'))).toHaveLength(4);
    for (const p of [ranking!, scores!]) expect(p.lines.join('\n')).not.toMatch(/exam_id=\?/);
    // and the candidates noted since, by generation (migration 23): walking the exam's notes was 12-27 ms at 100,000
    const noted = allPlans.find((p) => p.text.includes('FROM ranking_changes WHERE exam_id = ? AND generation > ?'));
    expect(noted?.lines.join('\n')).toMatch(/ranking_changes_by_generation \(exam_id=\? AND generation>\?\)/);
  });

  it("finds a stage's paper sheets among the paper entries, not among all of the exam's score entries", () => {
    // core/scoring/paper.ts stageSheets (paper.status, paper.mismatches): by the (exam, candidate, stage) index its
    // branch of the candidates with an entry walked all of the exam's entries, 364,000 at 100,000 (migration 24).
    const sheets = allPlans.find((p) => p.text.includes('WITH sheets(nomor, present)') && p.text.includes('UNION ALL'));
    expect(sheets, 'paper.status planned').toBeDefined();
    expect(sheets!.lines.join('\n')).toMatch(/SEARCH score_entries USING (?:COVERING )?INDEX score_entries_paper \(exam_id=\? AND stage_code=\?\)/);
  });

  it("reads the exam's score entries for the ranking from the candidates' index alone, in its order (migration 29)", () => {
    // core/ranking/inputs.ts settledValues: 400,000 entries at 100,000 candidates, each a row looked up in the table
    // and the last two terms sorted apart, 1.2 s; from the index alone, 0.78 s.
    const entries = allPlans.filter((p) => p.text.includes("FROM score_entries WHERE exam_id = ? AND source <> 'panel' ORDER BY nomor_peserta, stage_code, item, at, id"));
    expect(entries.length, 'the ranking planned').toBeGreaterThan(0);
    for (const p of entries) {
      expect(p.lines.join('\n')).toMatch(/SEARCH score_entries USING COVERING INDEX score_entries_candidate \(exam_id=\?\)/);
      expect(p.lines.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('lists no allowed scan that no longer happens (delete the entry)', () => {
    const stale = ALLOWED.filter((a) => !walks.some((w) => matches(a, w)));
    expect(stale, 'entries no statement needs any more (fixed, or the text changed): delete them').toEqual([]);
  });
});
