import { z } from 'zod';
import { confirmPin } from '../../core/accounts/accounts';
import { secretScope } from './accounts';
import { requireExam } from '../../core/exams/exams';
import { decideAmendment, listAmendments, requestAmendment } from '../../core/scoring/amendments';
import { enterPaper, paperMismatches, paperStatus, resolvePaper } from '../../core/scoring/paper';
import { finalizeCandidate, loadPanel, recordNote, scoreAsPanelist, scoreTarget, signOff, submit } from '../../core/scoring/panel';
import { displayBoard, panelOverview, panelSheet } from '../../core/scoring/panel-views';
import { LenteraError } from '../../core/util/errors';
import { defineCommand, type CommandContext } from '../registry';
import { blindSalt } from '../../core/scoring/blind';

const examCode = z.string().trim().min(1).max(40);
const nomor = z.string().trim().min(1).max(40);
const reason = z.string().trim().min(5, 'give a reason (at least 5 characters)').max(1000);

/** Panel work is personal: it needs a logged-in person, never the CLI's local user. */
function me(ctx: CommandContext): string {
  if (ctx.principal.kind !== 'user') throw new LenteraError('FORBIDDEN', 'Scores are given by a logged-in person on their own account.', {});
  return ctx.principal.account.id;
}

function accountIdOrNull(ctx: CommandContext): string | null {
  return ctx.principal.kind === 'user' ? ctx.principal.account.id : null;
}

function roleOf(ctx: CommandContext): string {
  return ctx.principal.kind === 'user' ? ctx.principal.account.role : 'local';
}

const sessionRef = { exam: examCode, session: z.string().min(1) };

/** A refused score's input without its value: a refusal is listed to everyone who reads the log. */
function withoutField(input: unknown, field: string): unknown {
  if (!input || typeof input !== 'object') return input;
  const { [field]: _dropped, ...rest } = input as Record<string, unknown>;
  return rest;
}

export const panelCommands = [
  defineCommand({
    name: 'panel.overview',
    summary: 'An interview session: panel and candidates with their progress (no values)',
    input: z.object(sessionRef),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => panelOverview(ctx.db, loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session)),
  }),
  defineCommand({
    name: 'panel.sheet',
    summary: "One candidate's interview sheet, as the viewer may see it",
    input: z.object({ ...sessionRef, nomorPeserta: nomor }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const panel = loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session);
      return panelSheet(ctx.db, panel, input.nomorPeserta, { accountId: accountIdOrNull(ctx), role: roleOf(ctx) });
    },
  }),
  defineCommand({
    name: 'panel.score',
    summary: 'Save one criterion score (autosave on every change; every change kept)',
    input: z.object({ ...sessionRef, nomorPeserta: nomor, criterion: z.string().min(1), value: z.number().finite() }),
    access: ['examiner', 'chair'],
    mutates: true,
    // The hot path of an interview: reads only the caller's seat, not the whole panel (scoreAsPanelist keeps
    // loadPanel + scoreCriterion's checks, order and errors).
    handler: (ctx, input) => {
      const target = scoreTarget(ctx.db, input.exam, input.session, accountIdOrNull(ctx));
      return scoreAsPanelist(ctx.db, target, input.nomorPeserta, me(ctx), input.criterion, input.value, ctx.at, ctx.actor, ctx.workstationId);
    },
    // The chain keeps the value, salted so its few possible values cannot be tried against the hash; listings
    // hide it from everyone but its author until the candidate is finalized.
    auditPayload: (input) => ({ ...input, salt: blindSalt() }),
    refusalInput: (input) => withoutField(input, 'value'),
  }),
  defineCommand({
    name: 'panel.submit',
    summary: 'Submit your scores for a candidate (then you see the others)',
    input: z.object({ ...sessionRef, nomorPeserta: nomor }),
    access: ['examiner', 'chair'],
    mutates: true,
    handler: (ctx, input) => {
      const panel = loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session);
      const out = submit(ctx.db, panel, input.nomorPeserta, me(ctx), ctx.at, ctx.workstationId);
      ctx.emit('panel.changed', { exam: input.exam, session: input.session, nomorPeserta: input.nomorPeserta });
      return out;
    },
  }),
  defineCommand({
    name: 'panel.note',
    summary: "Record the panel's discussion of a candidate (the chair; an examiner once all have submitted)",
    input: z.object({ ...sessionRef, nomorPeserta: nomor, criterion: z.string().optional(), note: reason }),
    // An examiner records it too: a note never unlocks its author's change, so the chair's own needs theirs. (The
    // chair first: the chair is who records it by default, and generated walks act as the first role.)
    access: ['chair', 'examiner'],
    mutates: true,
    handler: (ctx, input) => {
      const panel = loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session);
      const out = recordNote(ctx.db, panel, input.nomorPeserta, me(ctx), input.criterion, input.note, ctx.at);
      ctx.emit('panel.changed', { exam: input.exam, session: input.session, nomorPeserta: input.nomorPeserta });
      return out;
    },
  }),
  defineCommand({
    name: 'panel.finalize',
    summary: 'The chair finalizes one candidate, or every ready candidate of the session',
    input: z.object({ ...sessionRef, nomorPeserta: nomor.optional() }),
    access: ['chair'],
    mutates: true,
    handler: (ctx, input) => {
      const panel = loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session);
      const chair = me(ctx);
      let targets: string[];
      if (input.nomorPeserta) targets = [input.nomorPeserta];
      else {
        // The whole session: every candidate who attended and is not yet finalized; any one not ready stops it all.
        targets = (panelOverview(ctx.db, panel).candidates.filter((c) => c.attendance === 'present' && c.finalization === 'open').map((c) => c.nomorPeserta));
        if (!targets.length) throw new LenteraError('NOTHING_TO_FINALIZE', `No candidate of session ${input.session} is waiting to be finalized.`, {});
      }
      const done = targets.map((n) => finalizeCandidate(ctx.db, panel, n, chair, ctx.at, ctx.workstationId));
      ctx.emit('panel.changed', { exam: input.exam, session: input.session });
      // Results a panel can no longer change: the backup scheduler writes a backup at once (api/backups.ts).
      ctx.emit('panel.finalized', { exam: input.exam, session: input.session });
      return { finalized: done };
    },
  }),
  defineCommand({
    name: 'panel.signoff',
    summary: 'Sign off the finalized results of a session with your PIN',
    input: z.object({ ...sessionRef, pin: z.string().min(1).max(64) }),
    access: ['examiner', 'chair'],
    mutates: true,
    checksSecret: true,
    handler: (ctx, input) => {
      const panel = loadPanel(ctx.db, requireExam(ctx.db, input.exam).id, input.session);
      const id = me(ctx);
      confirmPin(ctx.db, ctx.clock, id, secretScope(ctx), input.pin);
      const out = signOff(ctx.db, panel, id, ctx.at);
      ctx.emit('panel.changed', { exam: input.exam, session: input.session });
      ctx.emit('display.changed', { exam: input.exam, session: input.session });
      return out;
    },
  }),
  defineCommand({
    name: 'display.board',
    summary: 'Venue display: finalized results of a session, name and number only (read-only, no login)',
    input: z.object(sessionRef),
    access: 'public',
    mutates: false,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      return { exam: { code: exam.code, name: exam.name, agency: exam.agency }, ...displayBoard(ctx.db, loadPanel(ctx.db, exam.id, input.session)) };
    },
  }),
  defineCommand({
    name: 'paper.enter',
    summary: 'Type a paper score sheet (blind double entry: the second entry must be by another clerk)',
    input: z.object({ exam: examCode, stage: z.string().min(1), nomorPeserta: nomor, values: z.record(z.string(), z.number().finite()) }),
    access: ['clerk', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = enterPaper(ctx.db, exam.id, input.stage, input.nomorPeserta, input.values, me(ctx), ctx.actor, ctx.at, ctx.workstationId);
      ctx.emit('scores.changed', { exam: input.exam, stage: input.stage });
      return out;
    },
    auditPayload: (input) => ({ ...input, salt: blindSalt() }),
    refusalInput: (input) => withoutField(input, 'values'),
  }),
  defineCommand({
    name: 'paper.status',
    summary: 'Which sheets have one entry, agree, or differ (no values)',
    input: z.object({ exam: examCode, stage: z.string().min(1) }),
    access: ['clerk', 'coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => paperStatus(ctx.db, requireExam(ctx.db, input.exam).id, input.stage),
  }),
  defineCommand({
    name: 'paper.mismatches',
    summary: 'Mismatched sheets with both entries, for the person who resolves them',
    input: z.object({ exam: examCode, stage: z.string().min(1) }),
    access: ['chair', 'coordinator'],
    mutates: false,
    handler: (ctx, input) => paperMismatches(ctx.db, requireExam(ctx.db, input.exam).id, input.stage),
  }),
  defineCommand({
    name: 'paper.resolve',
    summary: 'Resolve a mismatched sheet: choose or type the values, with a reason',
    input: z.object({ exam: examCode, stage: z.string().min(1), nomorPeserta: nomor, values: z.record(z.string(), z.number().finite()), reason }),
    access: ['chair', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = resolvePaper(ctx.db, exam.id, input.stage, input.nomorPeserta, input.values, input.reason, me(ctx), ctx.actor, ctx.at, ctx.workstationId);
      ctx.emit('scores.changed', { exam: input.exam, stage: input.stage });
      return out;
    },
  }),
  defineCommand({
    name: 'amendments.request',
    summary: 'Ask to correct a settled score: new value and reason (the coordinator approves)',
    input: z.object({ exam: examCode, stage: z.string().min(1), nomorPeserta: nomor, item: z.string().min(1), value: z.number().finite(), reason }),
    access: ['chair', 'coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const exam = requireExam(ctx.db, input.exam);
      const out = requestAmendment(ctx.db, exam.id, input.stage, input.nomorPeserta, input.item, input.value, input.reason, accountIdOrNull(ctx), ctx.actor, ctx.at);
      ctx.emit('scores.changed', { exam: input.exam, stage: input.stage });
      return out;
    },
  }),
  defineCommand({
    name: 'amendments.decide',
    summary: 'Approve or reject an amendment (not your own request)',
    input: z.object({ requestId: z.string().min(1), approve: z.boolean(), note: z.string().max(1000).optional() }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      const out = decideAmendment(ctx.db, input.requestId, input.approve, input.note, accountIdOrNull(ctx), ctx.actor, ctx.at, ctx.workstationId);
      ctx.emit('scores.changed', { exam: out.exam, stage: out.stage });
      return out;
    },
  }),
  defineCommand({
    name: 'amendments.list',
    summary: 'Amendments of an exam, pending and decided',
    input: z.object({ exam: examCode }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    handler: (ctx, input) => listAmendments(ctx.db, requireExam(ctx.db, input.exam).id),
  }),
];
