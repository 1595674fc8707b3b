import { basename } from 'node:path';
import { z } from 'zod';
import { closeSession, checkIn, sessionAttendance, sessionCounts, undoCheckIn } from '../../core/attendance/attendance';
import { declareConflict, listConflicts } from '../../core/exams/conflicts';
import { applyPackageImport, listExams, planPackageImport, readPackage, requireExam, type PackagePlan } from '../../core/exams/exams';
import { examFormations, examSessions, examStages, examVenues, findVenue, stageName } from '../../core/exams/structure';
import { findAccountByName } from '../../core/accounts/accounts';
import { listCandidates } from '../../core/roster/candidates';
import { formatIpk, maskNik } from '../../core/roster/fields';
import { importRoster, planRosterImport, rosterInvalid, type RosterOutcome, type RosterPlan, type RosterUpdate } from '../../core/roster/roster';
import { checkImportBytes, checkImportFile } from '../../core/roster/table-file';
import { LenteraError } from '../../core/util/errors';
import { sha256Hex } from '../../core/util/hash';
import { appendUpload, fileRef, localFile, loadTable, resolveFile, uploadInput, type FileRef } from '../files';
import { defineCommand, type CommandContext } from '../registry';

const examCode = z.string().trim().min(1).max(40);
const nomor = z.string().trim().min(1).max(40);

interface LoadedFile {
  name: string;
  sha256: string;
}

function seesFullNik(ctx: CommandContext): boolean {
  return ctx.principal.kind === 'local' || (ctx.principal.kind === 'user' && ctx.principal.account.role === 'coordinator');
}

async function loadPackage(ctx: CommandContext, ref: FileRef) {
  const file = resolveFile(ctx, ref);
  // A named file's size is checked before it is read into memory (an upload's was, as it arrived).
  if (file.localPath) checkImportFile(file.localPath, ['json'], file.name);
  const bytes = file.read();
  checkImportBytes(bytes, ['json'], file.name);
  try {
    return { pkg: readPackage(bytes.toString('utf8')), file: { name: basename(file.name), sha256: sha256Hex(bytes) } };
  } catch (e) {
    if (e instanceof LenteraError) throw new LenteraError(e.code, `${basename(file.name)}: ${e.message}`, { ...e.details, file: basename(file.name) });
    throw e;
  }
}

function planSummary(plan: PackagePlan, file: LoadedFile) {
  return { file, status: plan.status, sha256: plan.sha256, exam: plan.exam, counts: plan.counts, changes: plan.changes, problems: plan.problems };
}


// Generic in the file so the answer keeps what loadTable said of it (its encoding, which the screens show).
function rosterSummary<F extends LoadedFile>(plan: RosterPlan | RosterOutcome, file: F, limit = 1000) {
  return {
    file,
    rows: plan.rows,
    inserts: typeof plan.inserts === 'number' ? plan.inserts : plan.inserts.length,
    updates: plan.updates.map(({ candidate: _c, ...u }: RosterUpdate & { candidate?: unknown }) => u),
    unchanged: plan.unchanged,
    rejectedCount: plan.rejected.length,
    rejectedRows: new Set(plan.rejected.map((r) => r.line)).size,
    rejected: plan.rejected.slice(0, limit),
    dates: plan.dates,
    reportDelimiter: plan.reportDelimiter,
  };
}

export const examCommands = [
  defineCommand({
    name: 'files.upload',
    summary: 'Send a file for an import, in chunks (it is deleted when the command that uses it ends)',
    input: uploadInput,
    // Whoever sends a file: the coordinator's imports, a chair or examiner's own signing key, an observer's
    // check of a bundle (bundle.verify).
    access: ['coordinator', 'chair', 'examiner', 'observer'],
    mutates: false,
    handler: (ctx, input) => appendUpload(ctx, input),
  }),
  defineCommand({
    name: 'exams.preview',
    summary: 'Check an exam package and show what importing it would do',
    input: z.object({ file: fileRef }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: false,
    prepare: (ctx, input) => loadPackage(ctx, input.file),
    handler: (ctx, _input, loaded) => planSummary(planPackageImport(ctx.db, loaded.pkg), loaded.file),
  }),
  defineCommand({
    name: 'exams.import',
    summary: 'Import an exam package (the same package again changes nothing)',
    input: z.object({ file: fileRef }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: true,
    prepare: (ctx, input) => loadPackage(ctx, input.file),
    handler: (ctx, _input, loaded) => {
      const plan = planPackageImport(ctx.db, loaded.pkg);
      const out = applyPackageImport(ctx.db, plan, ctx.at, ctx.actor, ctx.workstationId);
      if (out.status !== 'unchanged') ctx.emit('exams.changed', { exam: plan.exam.code });
      return planSummary(plan, loaded.file);
    },
    auditPayload: (_input, out) => ({ file: out.file, exam: out.exam.code, status: out.status, sha256: out.sha256, counts: out.counts, changes: out.changes.length }),
  }),
  defineCommand({
    name: 'exams.list',
    summary: 'Exams on this workstation',
    input: z.object({}),
    access: 'authenticated',
    mutates: false,
    handler: (ctx) => listExams(ctx.db),
  }),
  defineCommand({
    name: 'exams.get',
    summary: 'An exam: formations, stages, venues and sessions',
    input: z.object({ exam: examCode }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      return {
        exam,
        formations: examFormations(ctx.db, exam.id),
        stages: examStages(ctx.db, exam.id),
        venues: examVenues(ctx.db, exam.id),
        sessions: examSessions(ctx.db, exam.id),
      };
    },
  }),
  defineCommand({
    name: 'roster.preview',
    summary: 'Check a roster file (CSV or XLSX) and show every invalid row',
    input: z.object({ exam: examCode, file: fileRef }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: false,
    prepare: (ctx, input) => loadTable(ctx, input.file),
    handler: (ctx, input, loaded) => rosterSummary(planRosterImport(ctx.db, requireExam(ctx.db, input.exam).id, loaded.table), loaded.file),
  }),
  defineCommand({
    name: 'roster.import',
    summary: 'Import a roster: all or nothing, or the valid rows with skipInvalid',
    input: z.object({ exam: examCode, file: fileRef, skipInvalid: z.boolean().default(false) }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: true,
    prepare: (ctx, input) => loadTable(ctx, input.file),
    handler: (ctx, input, loaded) => {
      const exam = requireExam(ctx.db, input.exam);
      // Checked and written in one pass; a refusal below rolls the writes back with the rest of the transaction.
      const plan = importRoster(ctx.db, exam.id, loaded.table, { skipInvalid: input.skipInvalid, at: ctx.at, workstationId: ctx.workstationId });
      if (plan.rejected.length && !input.skipInvalid) throw rosterInvalid(loaded.file.name, plan.rejected, 'nothing was imported');
      if (plan.inserts || plan.updates.length) ctx.emit('roster.changed', { exam: input.exam });
      return rosterSummary(plan, loaded.file, Number.MAX_SAFE_INTEGER);
    },
    auditPayload: (input, out) => ({
      exam: input.exam,
      file: out.file,
      skipInvalid: input.skipInvalid,
      rows: out.rows,
      inserted: out.inserts,
      unchanged: out.unchanged,
      rejected: out.rejectedCount,
      updates: out.updates,
    }),
  }),
  defineCommand({
    name: 'roster.list',
    summary: 'Candidates of an exam, searchable and filterable (NIK masked for all but the coordinator)',
    input: z.object({
      exam: examCode,
      search: z.string().trim().max(100).optional(),
      formation: z.string().optional(),
      session: z.string().optional(),
      attendance: z.enum(['present', 'absent', 'pending']).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(200_000).default(200),
    }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const { total, rows } = listCandidates(ctx.db, exam.id, input);
      const full = seesFullNik(ctx);
      return {
        total,
        offset: input.offset,
        rows: rows.map((r) => ({
          ...r,
          nik: full ? r.nik : maskNik(r.nik),
          ipk: formatIpk(r.ipk),
          attendance: r.attendance === 'present' || r.attendance === 'absent' ? r.attendance : ('pending' as const),
        })),
      };
    },
  }),
  defineCommand({
    name: 'attendance.checkIn',
    summary: 'Record a candidate present (scanned or typed number)',
    input: z.object({ exam: examCode, session: z.string().min(1), nomorPeserta: nomor }),
    access: ['clerk', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = checkIn(ctx.db, exam.id, input.session, input.nomorPeserta, ctx.at, ctx.actor);
      // The number (an id, as panel.changed carries it): a screen updates that one line, not the whole list.
      ctx.emit('attendance.changed', { exam: input.exam, session: input.session, nomorPeserta: out.nomorPeserta });
      return out;
    },
    auditPayload: (input) => ({ exam: input.exam, session: input.session, nomorPeserta: input.nomorPeserta }),
  }),
  defineCommand({
    name: 'attendance.undo',
    summary: 'Undo a check-in, with a reason, while the session is open',
    input: z.object({ exam: examCode, session: z.string().min(1), nomorPeserta: nomor, reason: z.string().trim().min(5, 'give a reason (at least 5 characters)').max(500) }),
    access: ['clerk', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = undoCheckIn(ctx.db, exam.id, input.session, input.nomorPeserta, input.reason, ctx.at, ctx.actor);
      ctx.emit('attendance.changed', { exam: input.exam, session: input.session, nomorPeserta: out.nomorPeserta });
      return out;
    },
  }),
  defineCommand({
    name: 'attendance.list',
    summary: 'The attendance list (daftar hadir) of a session; with nomorPeserta, only that line (the counts stay the session\'s)',
    input: z.object({ exam: examCode, session: z.string().min(1), nomorPeserta: nomor.optional() }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      // One line (a desk following another's check-in) is read alone, with its session's counts from one statement.
      const { session, lines } = sessionAttendance(ctx.db, exam.id, input.session, input.nomorPeserta);
      const counts =
        input.nomorPeserta === undefined
          ? {
              listed: lines.length,
              present: lines.filter((l) => l.state === 'present').length,
              absent: lines.filter((l) => l.state === 'absent').length,
              pending: lines.filter((l) => l.state === 'pending').length,
            }
          : sessionCounts(ctx.db, session.id);
      const full = seesFullNik(ctx);
      const venue = findVenue(ctx.db, exam.id, session.venue_code);
      const stage = stageName(ctx.db, exam.id, session.stage_code);
      return {
        exam: { code: exam.code, name: exam.name, agency: exam.agency },
        session: { code: session.code, stage: session.stage_code, stageName: stage, room: session.room, startsAt: session.starts_at, closedAt: session.closed_at, venue },
        counts,
        lines: lines.map((l) => ({
          ...l,
          nik: full ? l.nik : maskNik(l.nik),
        })),
      };
    },
  }),
  defineCommand({
    name: 'sessions.close',
    summary: 'Close a session: everyone not checked in is marked absent (TH)',
    input: z.object({ exam: examCode, session: z.string().min(1) }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = closeSession(ctx.db, exam.id, input.session, ctx.at, ctx.actor);
      ctx.emit('attendance.changed', { exam: input.exam, session: input.session });
      return out;
    },
  }),
  defineCommand({
    name: 'conflicts.declare',
    summary: 'Declare your conflict of interest with a candidate (you are recused from scoring them)',
    input: z.object({ exam: examCode, nomorPeserta: nomor, reason: z.string().trim().min(3).max(500), account: z.string().optional() }),
    access: ['examiner', 'chair', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      let accountId: string | undefined;
      if (input.account) {
        const isCoordinator = ctx.principal.kind === 'local' || (ctx.principal.kind === 'user' && ctx.principal.account.role === 'coordinator');
        if (!isCoordinator) throw new LenteraError('FORBIDDEN', 'Only a coordinator records a conflict on behalf of someone else.', {});
        accountId = findAccountByName(ctx.db, input.account)?.id;
        if (!accountId) throw new LenteraError('NOT_FOUND', `No account named ${input.account}.`, { account: input.account });
      } else if (ctx.principal.kind === 'user') {
        accountId = ctx.principal.account.id;
      } else {
        throw new LenteraError('INVALID_INPUT', 'Say whose conflict this is (account).', { field: 'account' });
      }
      return declareConflict(ctx.db, exam.id, accountId, input.nomorPeserta, input.reason, ctx.at);
    },
  }),
  defineCommand({
    name: 'conflicts.list',
    summary: 'Declared conflicts of interest (an examiner sees their own)',
    input: z.object({ exam: examCode }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const all = listConflicts(ctx.db, requireExam(ctx.db, input.exam).id);
      const role = ctx.principal.kind === 'user' ? ctx.principal.account.role : 'local';
      if (['coordinator', 'chair', 'observer', 'local'].includes(role)) return all;
      const me = ctx.principal.kind === 'user' ? ctx.principal.account.name : '';
      return all.filter((c) => c.examiner === me);
    },
  }),
];
