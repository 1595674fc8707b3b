import { z } from 'zod';
import { receiptFor } from '../../core/bundles/outbox';
import { requireExam } from '../../core/exams/exams';
import { LenteraError } from '../../core/util/errors';
import { fromB64url } from '../../core/ledger/merkle';
import { recordProofProblem, type RecordProof } from '../../core/ledger/record-proof';
import { plainForm } from '../../core/publish/committee';
import { sha256Hex } from '../../core/util/hash';
import { getSetting, setSetting } from '../../core/workstation/settings';
import type { Db } from '../../core/db/open';
import { committeeTokenHint, HUB_COMMITTEE_TOKEN, hubRequest, hubTarget } from '../hub-client';
import { defineCommand } from '../registry';
import { objectionAnswered, objectionFiled, objectionList, OBJECTION_STATUSES, REPORT_ANSWER_STATUSES, REPORT_STATUSES, reportAnswered, reportList, sentRecordProblem, type SentRecord } from '../voice-wire';

/**
 * The committee's side of objections (sanggah) and public reports (laporan), from the workstation: they live at
 * the publication hub (every one and every answer a log entry there), so each command is a request to the hub's
 * committee endpoints with this workstation's committee token. A clerk files an objection for a candidate who
 * came to the venue, proving the candidate with the salt of the receipt the hub returned for their result.
 */

const exam = z.string().trim().min(1).max(64);
/** An id the hub made: it goes into a URL path, so nothing but these characters. */
const hubId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'the tracking code as the hub gave it (letters, digits, - and _)');
const answer = z.string().trim().min(10, 'write the answer in at least 10 characters: the candidate and the public read it').max(4000);

/** The token as `lentera hub komite add` prints it; '' removes it. */
const token = z.union([z.literal(''), z.string().trim().regex(/^[\x21-\x7e]{16,256}$/, 'the token as the hub printed it (16 to 256 characters, no spaces)')]);

/**
 * Where the hub logged a record, checked against the hub key pinned here: `verified` null when no key is pinned yet
 * (the outbox pins it at its first contact), false with the reason when the proof does not hold.
 */
function logEntry(db: Db, got: { record: string; proof: { index: number } }, sent: SentRecord): { logIndex: number; logVerified: boolean | null; logProblem: string | null } {
  // Known to be wrong even before a key is pinned: the hub logged something other than what was sent.
  const other = sentRecordProblem(got.record, sent);
  if (other) return { logIndex: got.proof.index, logVerified: false, logProblem: other };
  const key = getSetting(db, 'hub.log_key');
  if (!key) return { logIndex: got.proof.index, logVerified: null, logProblem: null };
  const problem = recordProofProblem(got.record, got.proof as unknown as RecordProof, key);
  return { logIndex: got.proof.index, logVerified: problem === null, logProblem: problem };
}

export const voiceCommands = [
  defineCommand({
    name: 'hub.committee',
    summary: "Set (or with '' remove) the committee token this workstation presents at the hub for objections and reports",
    input: z.object({ token }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      setSetting(ctx.db, HUB_COMMITTEE_TOKEN, input.token, ctx.at, ctx.actor);
      ctx.emit('settings.changed', { key: HUB_COMMITTEE_TOKEN });
      ctx.emit('voice.changed', {});
      return committeeTokenHint(ctx.db);
    },
    // Only that it changed and how it ends: the token itself is never written down here.
    auditPayload: (_input, out) => ({ committee: out.set ? 'set' : 'removed', endsWith: out.last4 }),
  }),
  defineCommand({
    name: 'sanggah.file',
    summary: "File a candidate's objection about their result at the hub, for a candidate at the venue (the receipt here proves who they are)",
    input: z.object({
      exam,
      nomor: z.string().trim().min(1).max(40),
      stage: z.string().trim().min(1).max(32),
      text: z.string().trim().min(10, 'write what the candidate objects to in at least 10 characters').max(4000),
    }),
    access: ['clerk', 'coordinator'],
    mutates: true,
    prepare: async (ctx, input) => {
      requireExam(ctx.db, input.exam);
      const target = hubTarget(ctx.db);
      const receipt = receiptFor(ctx.db, input.exam, input.nomor);
      if (!receipt) {
        throw new LenteraError('SANGGAH_NO_RECEIPT', 'Hasil peserta ini belum tercatat di hub; sanggah dapat diajukan setelah hasilnya diumumkan.', { exam: input.exam, nomor: input.nomor });
      }
      const filed = await hubRequest(target, {
        method: 'POST',
        path: '/api/sanggah',
        body: { exam: input.exam, nomor: input.nomor, salt: receipt.salt, stage: input.stage, text: input.text },
        answer: objectionFiled,
        unsent: 'sanggah belum terkirim',
      });
      // The record names no candidate and holds no text, only sha256(salt ‖ text as the hub keeps it): checkable here.
      const textSha256 = sha256Hex(Buffer.concat([fromB64url(receipt.salt.replace(/=+$/, '')), Buffer.from(plainForm(input.text), 'utf8')]));
      return { filed, textSha256 };
    },
    handler: (ctx, input, { filed, textSha256 }) => {
      ctx.emit('voice.changed', { sanggah: filed.sanggah.id });
      const sent: SentRecord = { k: 'sanggah', id: filed.sanggah.id, exam: input.exam, stage: input.stage, channel: 'tempat', textSha256 };
      return { ...filed.sanggah, ...logEntry(ctx.db, filed, sent) };
    },
    // The salt stays out: it is what proves the candidate.
    auditPayload: (input, out) => ({ exam: input.exam, nomor: input.nomor, stage: input.stage, text: input.text, id: out.id, logIndex: out.logIndex, logVerified: out.logVerified }),
  }),
  defineCommand({
    name: 'sanggah.list',
    summary: 'Objections of an exam at the hub, with the candidate number, text and answer (for the committee and observers)',
    input: z.object({ exam, status: z.enum(OBJECTION_STATUSES).optional() }),
    access: ['coordinator', 'observer'],
    mutates: false,
    prepare: async (ctx, input) => {
      const got = await hubRequest(hubTarget(ctx.db), {
        method: 'GET',
        path: `/api/komite/sanggah?exam=${encodeURIComponent(input.exam)}`,
        answer: objectionList,
        unsent: 'daftar sanggah belum dapat dibaca',
      });
      return got.sanggah.filter((s) => !input.status || s.status === input.status);
    },
    handler: (_ctx, _input, rows) => rows,
  }),
  defineCommand({
    name: 'sanggah.answer',
    summary: 'Answer an objection at the hub: accepted (the correction then goes through an amendment here) or rejected, with the reasons',
    input: z.object({ id: hubId, decision: z.enum(['diterima', 'ditolak']), answer }),
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, input) =>
      hubRequest(hubTarget(ctx.db), {
        method: 'POST',
        path: `/api/komite/sanggah/${encodeURIComponent(input.id)}/jawab`,
        body: { decision: input.decision, answer: input.answer },
        answer: objectionAnswered,
        unsent: 'jawaban belum terkirim',
      }),
    handler: (ctx, input, answered) => {
      ctx.emit('voice.changed', { sanggah: answered.sanggah.id });
      const sent: SentRecord = { k: 'sanggah-jawaban', id: input.id.toUpperCase(), exam: answered.sanggah.exam, decision: input.decision, answer: plainForm(input.answer) };
      return { ...answered.sanggah, ...logEntry(ctx.db, answered, sent) };
    },
    auditPayload: (input, out) => ({ id: input.id, exam: out.exam, stage: out.stage, decision: input.decision, answer: input.answer, logIndex: out.logIndex, logVerified: out.logVerified }),
  }),
  defineCommand({
    name: 'laporan.list',
    summary: 'Public reports of an exam at the hub, with the contact a reporter left (for the committee and observers)',
    input: z.object({ exam, status: z.enum(REPORT_STATUSES).optional() }),
    access: ['coordinator', 'observer'],
    mutates: false,
    prepare: async (ctx, input) => {
      const got = await hubRequest(hubTarget(ctx.db), {
        method: 'GET',
        path: `/api/komite/laporan?exam=${encodeURIComponent(input.exam)}`,
        answer: reportList,
        unsent: 'daftar laporan belum dapat dibaca',
      });
      return got.laporan.filter((r) => !input.status || r.status === input.status);
    },
    handler: (_ctx, _input, rows) => rows,
  }),
  defineCommand({
    name: 'laporan.answer',
    summary: 'Answer a public report at the hub: under review, followed up or rejected, with what was done',
    input: z.object({ id: hubId, status: z.enum(REPORT_ANSWER_STATUSES), answer }),
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, input) =>
      hubRequest(hubTarget(ctx.db), {
        method: 'POST',
        path: `/api/komite/laporan/${encodeURIComponent(input.id)}/jawab`,
        body: { status: input.status, answer: input.answer },
        answer: reportAnswered,
        unsent: 'jawaban belum terkirim',
      }),
    handler: (ctx, input, answered) => {
      ctx.emit('voice.changed', { laporan: answered.laporan.id });
      const sent: SentRecord = { k: 'laporan-jawaban', id: input.id.toUpperCase(), exam: answered.laporan.exam, status: input.status, answer: plainForm(input.answer) };
      return { ...answered.laporan, ...logEntry(ctx.db, answered, sent) };
    },
    auditPayload: (input, out) => ({ id: input.id, exam: out.exam, status: input.status, answer: input.answer, logIndex: out.logIndex, logVerified: out.logVerified }),
  }),
];
