import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { canonicalJson } from '../audit/chain';
import { LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { newId } from '../util/ids';
import { jsonPath } from '../util/paths';
import { parseJsonText } from '../util/json-text';
import { caseFolds } from '../publish/paths';
import { caseClash } from '../roster/fields';
import { validateRow, type CandidateInput } from '../roster/row';
import { DEFAULT_READING, type DateReading } from '../roster/date-order';
import { insertCandidates } from '../roster/candidates';
import { examPackageSchema, type ExamPackage } from './package-schema';

export interface Problem {
  path: string;
  message: string;
}

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
}

export interface PackagePlan {
  status: 'new' | 'unchanged' | 'update';
  sha256: string;
  exam: ExamPackage['exam'];
  counts: { formations: number; stages: number; venues: number; sessions: number; roster: number };
  changes: Change[];
  /** Why the import would be refused; empty when it can go ahead. */
  problems: Problem[];
  pkg: ExamPackage;
  roster: CandidateInput[];
}

export interface ExamRow {
  id: string;
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: string;
  package_sha256: string;
  imported_at: string;
}

export function findExam(db: Db, code: string): ExamRow | undefined {
  return sql(db, 'SELECT id, code, name, agency, year, ruleset, package_sha256, imported_at FROM exams WHERE code = ?').get(code) as
    | ExamRow
    | undefined;
}

export function requireExam(db: Db, code: string): ExamRow {
  const exam = findExam(db, code);
  if (!exam) throw new LenteraError('NOT_FOUND', `No exam with code "${code}" on this workstation. Import its package first.`, { exam: code });
  return exam;
}

/**
 * Refuses what would bring personal data back into an exam whose personal data was purged (a package or roster
 * import) or publish its placeholders as results (a bundle, a sheet): core/exams/purge.ts.
 */
export function refuseIfPurged(db: Db, examId: string, what: string): void {
  const row = sql(db, 'SELECT code, purged_at FROM exams WHERE id = ?').get(examId) as { code: string; purged_at: string | null } | undefined;
  if (row?.purged_at) {
    throw new LenteraError('EXAM_PURGED', `The personal data of ${row.code} was purged on ${row.purged_at.slice(0, 10)} (retention period over): ${what} is no longer possible for it.`, { exam: row.code, purgedAt: row.purged_at });
  }
}

/** An exam as the list of exams shows it. */
export interface ExamSummary {
  code: string;
  name: string;
  agency: string;
  year: number;
  ruleset: string;
  sha256: string;
  importedAt: string;
  formations: number;
  sessions: number;
  candidates: number;
}

export function listExams(db: Db): ExamSummary[] {
  return sql(
    db,
    `SELECT e.code, e.name, e.agency, e.year, e.ruleset, e.package_sha256 AS sha256, e.imported_at AS importedAt,
              (SELECT COUNT(*) FROM formations f WHERE f.exam_id = e.id) AS formations,
              (SELECT COUNT(*) FROM sessions s WHERE s.exam_id = e.id) AS sessions,
              (SELECT COUNT(*) FROM candidates c WHERE c.exam_id = e.id) AS candidates
         FROM exams e ORDER BY e.year DESC, e.code`,
  ).all() as ExamSummary[];
}

/** Has anything been recorded against this exam (a check-in, a score) that a changed package could orphan? */
export function examHasResults(db: Db, examId: string): boolean {
  const attendance = sql(
    db,
    'SELECT 1 FROM attendance_events a JOIN sessions s ON s.id = a.session_id WHERE s.exam_id = ? LIMIT 1',
  ).get(examId);
  return Boolean(attendance) || Boolean(sql(db, 'SELECT 1 FROM score_entries WHERE exam_id = ? LIMIT 1').get(examId));
}

/** Flattens a package to path → canonical value, so two versions compare entity by entity. */
function facts(pkg: ExamPackage): Map<string, string> {
  const m = new Map<string, string>();
  m.set('exam', canonicalJson(pkg.exam));
  for (const f of pkg.formations) m.set(`formations.${f.code}`, canonicalJson(f));
  for (const s of pkg.stages) m.set(`stages.${s.code}`, canonicalJson(s));
  for (const v of pkg.venues) m.set(`venues.${v.code}`, canonicalJson(v));
  for (const s of pkg.sessions) {
    const { panel, candidates, ...rest } = s;
    m.set(`sessions.${s.code}`, canonicalJson(rest));
    for (const p of panel) m.set(`sessions.${s.code}.panel.${p.nip}`, canonicalJson(p));
    for (const c of candidates) m.set(`sessions.${s.code}.candidates.${c}`, 'true');
  }
  for (const r of pkg.roster) m.set(`roster.${r.nomor_peserta.trim()}`, canonicalJson(r));
  return m;
}

export function diffPackages(before: ExamPackage, after: ExamPackage): Change[] {
  const a = facts(before);
  const b = facts(after);
  const changes: Change[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) changes.push({ path: k, kind: 'removed' });
    else if (b.get(k) !== v) changes.push({ path: k, kind: 'changed' });
  }
  for (const k of b.keys()) if (!a.has(k)) changes.push({ path: k, kind: 'added' });
  return changes;
}

/** Parses and validates a package file's text. Every schema problem is reported with its JSON path. */
export function readPackage(text: string): ExamPackage {
  const raw = parseJsonText(text, 'The exam package');
  const parsed = examPackageSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message }));
    throw new LenteraError('INVALID_PACKAGE', `The exam package has ${problems.length} problem(s): ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
  return parsed.data;
}

/** Works out what importing the package would do, without writing anything (the UI's preview). */
export function planPackageImport(db: Db, pkg: ExamPackage): PackagePlan {
  const problems: Problem[] = [];
  const sha256 = sha256Hex(canonicalJson(pkg));
  const existing = findExam(db, pkg.exam.code);
  const formations = new Set(pkg.formations.map((f) => f.code));

  const roster: CandidateInput[] = [];
  const seen = new Set<string>();
  const clashOf = caseFolds();
  // The package's dates are YYYY-MM-DD (docs/formats.md); a two-digit year is read by the applicants' ages in the exam's year.
  const reading: DateReading = { ...DEFAULT_READING, pivotYear: pkg.exam.year };
  pkg.roster.forEach((row, i) => {
    const { candidate, problems: rowProblems } = validateRow(row, formations, reading);
    for (const p of rowProblems) problems.push({ path: `roster[${i}].${p.column}`, message: p.reason });
    if (candidate) {
      const nomor = candidate.nomorPeserta;
      if (seen.has(nomor)) problems.push({ path: `roster[${i}].nomor_peserta`, message: `duplicate nomor_peserta ${nomor}` });
      const other = clashOf(nomor);
      if (other !== undefined) problems.push({ path: `roster[${i}].nomor_peserta`, message: caseClash(nomor, other) });
      seen.add(nomor);
      roster.push(candidate);
    }
  });

  const known = new Set(seen);
  if (existing) {
    for (const r of sql(db, 'SELECT nomor_peserta FROM candidates WHERE exam_id = ?').all(existing.id) as { nomor_peserta: string }[]) {
      known.add(r.nomor_peserta);
      const other = clashOf(r.nomor_peserta);
      if (other !== undefined) problems.push({ path: `roster[${pkg.roster.findIndex((x) => x.nomor_peserta.trim() === other)}].nomor_peserta`, message: `${caseClash(other, r.nomor_peserta)} (on this workstation)` });
    }
  }
  pkg.sessions.forEach((s, i) =>
    s.candidates.forEach((c, j) => {
      if (!known.has(c)) problems.push({ path: `sessions[${i}].candidates[${j}]`, message: `unknown candidate "${c}" (not in the package roster nor on this workstation)` });
    }),
  );

  let status: PackagePlan['status'] = 'new';
  let changes: Change[] = [];
  const purgedAt = existing ? (sql(db, 'SELECT purged_at FROM exams WHERE id = ?').pluck().get(existing.id) as string | null) : null;
  if (purgedAt) problems.push({ path: 'exam.code', message: `the personal data of ${pkg.exam.code} was purged on ${purgedAt.slice(0, 10)} (retention period over): its package cannot be imported again` });
  if (existing) {
    const before = examPackageSchema.parse(JSON.parse(sql(db, 'SELECT package_json FROM exam_packages WHERE exam_id = ?').pluck().get(existing.id) as string));
    changes = diffPackages(before, pkg);
    status = changes.length === 0 ? 'unchanged' : 'update';
    const destructive = changes.filter((c) => c.kind !== 'added');
    if (destructive.length && examHasResults(db, existing.id)) {
      for (const c of destructive) {
        problems.push({ path: c.path, message: `${c.kind} after results were recorded for this exam: only additions are accepted now` });
      }
    }
  }
  return {
    status,
    sha256,
    exam: pkg.exam,
    counts: {
      formations: pkg.formations.length,
      stages: pkg.stages.length,
      venues: pkg.venues.length,
      sessions: pkg.sessions.length,
      roster: pkg.roster.length,
    },
    changes,
    problems,
    pkg,
    roster,
  };
}

/** Writes a planned import. Run inside the command's transaction; refuses a plan with problems. */
export function applyPackageImport(db: Db, plan: PackagePlan, at: string, actor: string, workstationId: string): { examId: string; status: PackagePlan['status'] } {
  if (plan.problems.length) {
    throw new LenteraError('INVALID_PACKAGE', `The exam package has ${plan.problems.length} problem(s); nothing was imported.`, { problems: plan.problems });
  }
  const { pkg } = plan;
  const existing = findExam(db, pkg.exam.code);
  if (existing && plan.status === 'unchanged') return { examId: existing.id, status: 'unchanged' };
  const examId = existing?.id ?? newId();
  const json = canonicalJson(pkg);
  if (existing) {
    sql(db, 'UPDATE exams SET name = ?, agency = ?, year = ?, ruleset = ?, package_sha256 = ?, imported_at = ? WHERE id = ?').run(
      pkg.exam.name, pkg.exam.agency, pkg.exam.year, pkg.exam.ruleset, plan.sha256, at, examId,
    );
    sql(db, 'UPDATE exam_packages SET package_json = ? WHERE exam_id = ?').run(json, examId);
  } else {
    sql(db, 'INSERT INTO exams (id, code, name, agency, year, ruleset, package_sha256, imported_at, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      examId, pkg.exam.code, pkg.exam.name, pkg.exam.agency, pkg.exam.year, pkg.exam.ruleset, plan.sha256, at, workstationId,
    );
    sql(db, 'INSERT INTO exam_packages (exam_id, package_json) VALUES (?, ?)').run(examId, json);
  }
  sql(db, 'INSERT OR IGNORE INTO exam_package_imports (exam_id, sha256, imported_at, actor) VALUES (?, ?, ?, ?)').run(examId, plan.sha256, at, actor);

  // Upserts keep rows that results point at; what the new package no longer names is removed (only possible
  // while nothing has been recorded, which planPackageImport has checked).
  for (const f of pkg.formations) {
    sql(db, `INSERT INTO formations (exam_id, code, position, unit, education, quota) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(exam_id, code) DO UPDATE SET position = excluded.position, unit = excluded.unit, education = excluded.education, quota = excluded.quota`).run(
      examId, f.code, f.position, f.unit, f.education, f.quota,
    );
  }
  pkg.stages.forEach((s, i) => {
    const { code, name, kind, ...definition } = s;
    sql(db, `INSERT INTO stages (exam_id, code, ord, name, kind, definition) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(exam_id, code) DO UPDATE SET ord = excluded.ord, name = excluded.name, kind = excluded.kind, definition = excluded.definition`).run(
      examId, code, i, name, kind, canonicalJson(definition),
    );
  });
  for (const v of pkg.venues) {
    sql(db, `INSERT INTO venues (exam_id, code, name, address) VALUES (?, ?, ?, ?)
             ON CONFLICT(exam_id, code) DO UPDATE SET name = excluded.name, address = excluded.address`).run(examId, v.code, v.name, v.address);
  }
  for (const r of plan.roster) upsertCandidate(db, examId, r, at, workstationId);
  for (const s of pkg.sessions) {
    const sessionId = (sql(db, 'SELECT id FROM sessions WHERE exam_id = ? AND code = ?').pluck().get(examId, s.code) as string | undefined) ?? newId();
    sql(db, `INSERT INTO sessions (id, exam_id, code, stage_code, venue_code, room, starts_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET stage_code = excluded.stage_code, venue_code = excluded.venue_code, room = excluded.room, starts_at = excluded.starts_at`).run(
      sessionId, examId, s.code, s.stage, s.venue, s.room, s.starts_at,
    );
    sql(db, 'DELETE FROM session_panel WHERE session_id = ?').run(sessionId);
    s.panel.forEach((p, i) => sql(db, 'INSERT INTO session_panel (session_id, nip, name, role, ord) VALUES (?, ?, ?, ?, ?)').run(sessionId, p.nip, p.name, p.role, i));
    const keep = new Set(s.candidates);
    for (const c of sql(db, 'SELECT nomor_peserta FROM session_candidates WHERE session_id = ?').pluck().all(sessionId) as string[]) {
      if (!keep.has(c)) sql(db, 'DELETE FROM session_candidates WHERE session_id = ? AND nomor_peserta = ?').run(sessionId, c);
    }
    for (const c of s.candidates) sql(db, 'INSERT OR IGNORE INTO session_candidates (session_id, nomor_peserta) VALUES (?, ?)').run(sessionId, c);
  }
  if (existing) removeDropped(db, examId, pkg);
  return { examId, status: plan.status };
}

function removeDropped(db: Db, examId: string, pkg: ExamPackage): void {
  const keepSessions = new Set(pkg.sessions.map((s) => s.code));
  for (const s of sql(db, 'SELECT id, code FROM sessions WHERE exam_id = ?').all(examId) as { id: string; code: string }[]) {
    if (keepSessions.has(s.code)) continue;
    sql(db, 'DELETE FROM session_panel WHERE session_id = ?').run(s.id);
    sql(db, 'DELETE FROM session_candidates WHERE session_id = ?').run(s.id);
    sql(db, 'DELETE FROM sessions WHERE id = ?').run(s.id);
  }
  const drop = (table: string, codes: string[]) => {
    const keep = new Set(codes);
    for (const c of sql(db, `SELECT code FROM ${table} WHERE exam_id = ?`).pluck().all(examId) as string[]) {
      if (!keep.has(c)) sql(db, `DELETE FROM ${table} WHERE exam_id = ? AND code = ?`).run(examId, c);
    }
  };
  drop('venues', pkg.venues.map((v) => v.code));
  drop('stages', pkg.stages.map((s) => s.code));
  drop('formations', pkg.formations.map((f) => f.code));
}

const UPDATE_CANDIDATE = `UPDATE candidates SET nik = ?, nama = ?, tanggal_lahir = ?, jenis_kelamin = ?, pendidikan = ?, ipk_x100 = ?, kode_formasi = ?, kategori = ?, updated_at = ?
  WHERE exam_id = ? AND nomor_peserta = ?`;

export function insertCandidate(db: Db, examId: string, c: CandidateInput, at: string, workstationId: string): void {
  insertCandidates(db, examId, [c], at, workstationId);
}

export function updateCandidate(db: Db, examId: string, c: CandidateInput, at: string): void {
  sql(db, UPDATE_CANDIDATE).run(c.nik, c.nama, c.tanggalLahir, c.jenisKelamin, c.pendidikan, c.ipk, c.kodeFormasi, c.kategori, at, examId, c.nomorPeserta);
}

export function upsertCandidate(db: Db, examId: string, c: CandidateInput, at: string, workstationId: string): void {
  const exists = sql(db, 'SELECT 1 FROM candidates WHERE exam_id = ? AND nomor_peserta = ?').get(examId, c.nomorPeserta);
  if (exists) updateCandidate(db, examId, c, at);
  else insertCandidate(db, examId, c, at, workstationId);
}
