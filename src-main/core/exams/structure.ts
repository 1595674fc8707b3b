import type { Db } from '../db/open';
import { sql } from '../db/statements';
import type { ExamPackage } from './package-schema';

/**
 * How an exam is laid out on this workstation (formations, stages, venues, sessions), as its package put it:
 * the rows the screens and documents show, each typed as the schema stores it.
 */

export interface FormationSummary {
  code: string;
  position: string;
  unit: string;
  education: string;
  quota: number;
  /** candidates of the roster in this formation */
  candidates: number;
}

type PackageStage = ExamPackage['stages'][number];
export type StageKind = PackageStage['kind'];
/** What the package says of a stage beyond its code, name and kind (stored as canonical JSON). */
export type StageDefinition = Omit<PackageStage, 'code' | 'name' | 'kind'>;

export interface StageSummary {
  code: string;
  name: string;
  kind: StageKind;
  definition: StageDefinition;
}

export interface Venue {
  code: string;
  name: string;
  address: string;
}

export interface SessionPanelMember {
  name: string;
  nip: string;
  role: 'chair' | 'examiner';
}

export interface SessionSummary {
  code: string;
  stage: string;
  venue: string;
  room: string;
  startsAt: string;
  closedAt: string | null;
  /** candidates listed for the session */
  candidates: number;
  panel: SessionPanelMember[];
}

export function examFormations(db: Db, examId: string): FormationSummary[] {
  return sql(
    db,
    `SELECT code, position, unit, education, quota,
            (SELECT COUNT(*) FROM candidates c WHERE c.exam_id = f.exam_id AND c.kode_formasi = f.code) AS candidates
       FROM formations f WHERE exam_id = ? ORDER BY code`,
  ).all(examId) as FormationSummary[];
}

export function examStages(db: Db, examId: string): StageSummary[] {
  const rows = sql(db, 'SELECT code, name, kind, definition FROM stages WHERE exam_id = ? ORDER BY ord').all(examId) as (Omit<StageSummary, 'definition'> & { definition: string })[];
  return rows.map((s) => ({ ...s, definition: JSON.parse(s.definition) as StageDefinition }));
}

export function examVenues(db: Db, examId: string): Venue[] {
  return sql(db, 'SELECT code, name, address FROM venues WHERE exam_id = ? ORDER BY code').all(examId) as Venue[];
}

export function examSessions(db: Db, examId: string): SessionSummary[] {
  const rows = sql(
    db,
    `SELECT s.code, s.stage_code AS stage, s.venue_code AS venue, s.room, s.starts_at AS startsAt, s.closed_at AS closedAt,
            (SELECT COUNT(*) FROM session_candidates sc WHERE sc.session_id = s.id) AS candidates,
            (SELECT json_group_array(json_object('name', p.name, 'nip', p.nip, 'role', p.role)) FROM (SELECT * FROM session_panel WHERE session_id = s.id ORDER BY ord) p) AS panel
       FROM sessions s WHERE s.exam_id = ? ORDER BY s.starts_at, s.code`,
  ).all(examId) as (Omit<SessionSummary, 'panel'> & { panel: string })[];
  return rows.map((r) => ({ ...r, panel: JSON.parse(r.panel) as SessionPanelMember[] }));
}

export function findVenue(db: Db, examId: string, code: string): Pick<Venue, 'name' | 'address'> | undefined {
  return sql(db, 'SELECT name, address FROM venues WHERE exam_id = ? AND code = ?').get(examId, code) as Pick<Venue, 'name' | 'address'> | undefined;
}

export function stageName(db: Db, examId: string, code: string): string | undefined {
  return sql(db, 'SELECT name FROM stages WHERE exam_id = ? AND code = ?').pluck().get(examId, code) as string | undefined;
}

/** The name of the venue a session is held at (the place a signature on its minutes is given). */
export function sessionVenueName(db: Db, examId: string, sessionCode: string): string | undefined {
  return sql(db, 'SELECT v.name FROM sessions s JOIN venues v ON v.exam_id = s.exam_id AND v.code = s.venue_code WHERE s.exam_id = ? AND s.code = ?')
    .pluck()
    .get(examId, sessionCode) as string | undefined;
}
