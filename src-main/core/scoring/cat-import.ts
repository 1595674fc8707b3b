import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { formulaRefusal } from '../roster/formula-cells';
import type { SourceTable } from '../roster/table-file';
import { parseScore, stageInfo, toUnits, type StageInfo } from './items';

export interface CatProblem {
  line: number;
  column: string;
  reason: string;
}

export interface CatPlan {
  stage: StageInfo;
  rows: number;
  /** entries to write: one per candidate and component whose value is new or different */
  entries: { nomorPeserta: string; item: string; units: number }[];
  unchanged: number;
  problems: CatProblem[];
  alreadyImported: boolean;
}

/** Checks a CAT results file against the stage's components, the roster and attendance; writes nothing. */
export function planCatImport(db: Db, examId: string, stageCode: string, table: SourceTable, sha256: string): CatPlan {
  const stage = stageInfo(db, examId, stageCode);
  if (stage.kind === 'interview') {
    throw new LenteraError('WRONG_STAGE', `Stage ${stageCode} is an interview: its scores come from the panel, not from a file.`, { stage: stageCode });
  }
  const missing = ['nomor_peserta', ...stage.items.map((i) => i.code)].filter((c) => !table.headers.includes(c));
  if (missing.length) {
    throw new LenteraError('SCORES_INVALID', `${table.file}, line 1: missing column(s) ${missing.join(', ')} (stage ${stageCode} has ${stage.items.map((i) => i.code).join(', ')}).`, {
      file: table.file,
      problems: missing.map((column) => ({ line: 1, column, reason: 'missing column in the header' })),
      count: missing.length,
    });
  }
  // A formula's stored result is whatever the file's author put there; Excel shows what the formula gives.
  const formula = formulaRefusal(table, ['nomor_peserta', ...stage.items.map((i) => i.code)], 'SCORES_INVALID');
  if (formula) throw formula;
  const alreadyImported = Boolean(sql(db, 'SELECT 1 FROM score_imports WHERE exam_id = ? AND stage_code = ? AND sha256 = ?').get(examId, stageCode, sha256));
  const candidates = new Set(sql(db, 'SELECT nomor_peserta FROM candidates WHERE exam_id = ?').pluck().all(examId) as string[]);
  // Registered for the stage: listed in one of its sessions. Absent: marked TH there when the session closed.
  const registered = new Map<string, { session: string; absent: boolean }>();
  for (const r of sql(
    db,
    `SELECT sc.nomor_peserta AS nomor, s.code AS session,
            (SELECT kind FROM attendance_events a WHERE a.session_id = s.id AND a.nomor_peserta = sc.nomor_peserta ORDER BY seq DESC LIMIT 1) AS last
       FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? AND s.stage_code = ?`,
  ).all(examId, stageCode) as { nomor: string; session: string; last: string | null }[]) {
    registered.set(r.nomor, { session: r.session, absent: r.last === 'absent' });
  }
  const current = currentCatUnits(db, examId, stageCode);
  const problems: CatProblem[] = [];
  const entries: CatPlan['entries'] = [];
  const seen = new Map<string, number>();
  let unchanged = 0;
  for (const row of table.rows) {
    const nomor = String(row.values.nomor_peserta ?? '').trim();
    const problem = (column: string, reason: string) => problems.push({ line: row.line, column, reason });
    if (!nomor) {
      problem('nomor_peserta', 'missing required value');
      continue;
    }
    if (seen.has(nomor)) {
      problem('nomor_peserta', `duplicate nomor_peserta ${nomor} (also on line ${seen.get(nomor)})`);
      continue;
    }
    seen.set(nomor, row.line);
    if (!candidates.has(nomor)) {
      problem('nomor_peserta', `unknown candidate ${nomor}`);
      continue;
    }
    const reg = registered.get(nomor);
    if (!reg) {
      problem('nomor_peserta', `candidate ${nomor} is not registered for stage ${stageCode}`);
      continue;
    }
    if (reg.absent) {
      problem('nomor_peserta', `candidate ${nomor} was absent (TH) in session ${reg.session}`);
      continue;
    }
    const rowEntries: CatPlan['entries'] = [];
    let rowOk = true;
    for (const item of stage.items) {
      const value = parseScore(row.values[item.code]);
      if (value === undefined) {
        problem(item.code, row.values[item.code] === undefined || String(row.values[item.code]).trim() === '' ? 'missing required value' : `"${String(row.values[item.code])}" is not a number`);
        rowOk = false;
        continue;
      }
      const u = toUnits(item, value);
      if (!u.ok) {
        problem(item.code, u.reason);
        rowOk = false;
        continue;
      }
      rowEntries.push({ nomorPeserta: nomor, item: item.code, units: u.units });
    }
    if (!rowOk) continue;
    for (const e of rowEntries) {
      if (current.get(`${nomor}\u0000${e.item}`) === e.units) unchanged++;
      else entries.push(e);
    }
  }
  return { stage, rows: table.rows.length, entries, unchanged, problems, alreadyImported };
}

function currentCatUnits(db: Db, examId: string, stageCode: string): Map<string, number> {
  const m = new Map<string, number>();
  const rows = sql(db, "SELECT nomor_peserta, item, units FROM score_entries WHERE exam_id = ? AND stage_code = ? AND source = 'cat' ORDER BY at, id").all(examId, stageCode) as {
    nomor_peserta: string;
    item: string;
    units: number;
  }[];
  for (const r of rows) m.set(`${r.nomor_peserta}\u0000${r.item}`, r.units);
  return m;
}

export function applyCatImport(
  db: Db,
  examId: string,
  plan: CatPlan,
  file: { name: string; sha256: string },
  at: string,
  actor: string,
  workstationId: string,
): { importId: string | null; written: number } {
  if (plan.problems.length) {
    throw new LenteraError('SCORES_INVALID', `${file.name}: ${plan.problems.length} problem(s); nothing was imported.`, { file: file.name, problems: plan.problems.slice(0, 1000), count: plan.problems.length });
  }
  if (plan.alreadyImported && plan.entries.length === 0) return { importId: null, written: 0 };
  const importId = newId();
  sql(db, 'INSERT INTO score_imports (id, exam_id, stage_code, file_name, sha256, rows, at, actor, workstation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    importId, examId, plan.stage.code, file.name, file.sha256, plan.rows, at, actor, workstationId,
  );
  const insert = sql(
    db,
    `INSERT INTO score_entries (id, exam_id, stage_code, nomor_peserta, item, units, source, import_id, actor, at, workstation_id)
     VALUES (?, ?, ?, ?, ?, ?, 'cat', ?, ?, ?, ?)`,
  );
  for (const e of plan.entries) insert.run(newId(), examId, plan.stage.code, e.nomorPeserta, e.item, e.units, importId, actor, at, workstationId);
  return { importId, written: plan.entries.length };
}
