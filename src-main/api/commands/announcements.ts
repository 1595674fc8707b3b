import { basename } from 'node:path';
import { z } from 'zod';
import { requireExam } from '../../core/exams/exams';
import {
  buildAnnouncement,
  dateSchema,
  insertAnnouncement,
  listAnnouncements,
  pendingAnnouncements,
  recordAnnouncementLeaf,
  signAnnouncement,
  verifyAnnouncement,
  writeAnnouncementFiles,
  type SignedAnnouncementAck,
} from '../../core/publish/announcement';
import { signedAnnouncementPdf } from '../../core/publish/announcement-pdf';
import { isLenteraError } from '../../core/util/errors';
import { getSetting } from '../../core/workstation/settings';
import { sendAnnouncement } from '../announce-push';
import { HUB_URL } from '../outbox';
import { defineCommand } from '../registry';
import { holder, unlockSigner } from './sheets';

const exam = z.string().trim().min(1).max(40);

const publishInput = z
  .object({
    exam,
    /** the first and the last day of the objection period (sanggah), in WIB */
    objectionFrom: dateSchema,
    objectionUntil: dateSchema,
    passphrase: z.string().min(1).max(200),
    account: z.string().trim().min(1).optional(),
  })
  .refine((p) => p.objectionFrom <= p.objectionUntil, { path: ['objectionUntil'], message: 'the objection period must end on or after its first day (sanggah selesai ≥ sanggah mulai)' });

export const announcementCommands = [
  defineCommand({
    name: 'announcement.publish',
    summary: "Publish the exam's announcement (pengumuman): formations, stages and weights, passing grades, ruleset, schedule, rubrics and the objection period, signed",
    input: publishInput,
    access: ['coordinator'],
    mutates: true,
    checksSecret: true,
    prepare: async (ctx, input) => {
      const code = requireExam(ctx.db, input.exam).code;
      const a = holder(ctx, input.account);
      const signer = await unlockSigner(ctx, a.id, input.passphrase);
      const doc = buildAnnouncement(ctx.db, code, { objectionFrom: input.objectionFrom, objectionUntil: input.objectionUntil, at: ctx.at });
      // Checked as the hub will check it, so what is kept here is what the hub takes.
      const verified = verifyAnnouncement(await signAnnouncement(doc, signer));
      const pdf = await signedAnnouncementPdf(doc, verified.sha256, signer);
      return { verified, pdf, account: a.name };
    },
    handler: (ctx, _input, p) => {
      insertAnnouncement(ctx.db, p.verified, p.pdf, ctx.at, null);
      const files = writeAnnouncementFiles(ctx.dataDir, p.verified, p.pdf);
      const d = p.verified.document;
      ctx.emit('announcements.changed', { exam: d.exam.code });
      const shown = (f: string) => (ctx.principal.kind === 'local' ? f : basename(f));
      return {
        exam: d.exam.code,
        seq: d.seq,
        sha256: p.verified.sha256,
        previous: d.previous,
        ruleset: d.ruleset,
        objectionFrom: d.objectionPeriod.from,
        objectionUntil: d.objectionPeriod.until,
        signer: { account: p.account, name: p.verified.commonName, fingerprint: p.verified.fingerprint },
        files: { json: shown(files.json), pdf: files.pdf ? shown(files.pdf) : null },
        /** the hub it goes to next (announcement.push); null: take the files to the hub ("lentera hub announce") */
        hub: getSetting(ctx.db, HUB_URL),
      };
    },
    auditPayload: (_input, out) => ({ exam: out.exam, seq: out.seq, sha256: out.sha256, previous: out.previous, ruleset: out.ruleset.sha256, objectionFrom: out.objectionFrom, objectionUntil: out.objectionUntil, signer: out.signer }),
  }),
  defineCommand({
    name: 'announcement.push',
    summary: "Send the exam's announcements not yet logged to the publication hub, oldest first, and keep where the hub logged them",
    input: z.object({ exam }),
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, input) => {
      const code = requireExam(ctx.db, input.exam).code;
      const pending = pendingAnnouncements(ctx.db, code);
      const acks: SignedAnnouncementAck[] = [];
      let failed: { seq: number; code: string; message: string } | null = null;
      for (const seq of pending) {
        try {
          acks.push(await sendAnnouncement(ctx.db, code, seq, { clock: ctx.clock }));
        } catch (e) {
          if (!isLenteraError(e)) throw e;
          // Nothing sent yet: the refusal is the command's. Some sent: those are kept, and the rest waits.
          if (!acks.length) throw e;
          failed = { seq, code: e.code, message: e.message };
          break;
        }
      }
      return { exam: code, acks, failed };
    },
    handler: (ctx, _input, p) => {
      for (const a of p.acks) recordAnnouncementLeaf(ctx.db, a.exam, a.seq, a.proof.index);
      if (p.acks.length) ctx.emit('announcements.changed', { exam: p.exam });
      return { exam: p.exam, logged: p.acks.map((a) => ({ seq: a.seq, leaf: a.proof.index, unchanged: a.unchanged, checkpoint: { size: a.proof.checkpoint.size, root: a.proof.checkpoint.root } })), failed: p.failed };
    },
    auditPayload: (_input, out) => out,
  }),
  defineCommand({
    name: 'announcement.list',
    summary: "An exam's announcements: number, sha256, ruleset, objection period, and whether the hub has logged each",
    input: z.object({ exam: exam.optional() }),
    access: ['coordinator', 'observer', 'chair'],
    mutates: false,
    handler: (ctx, input) => {
      if (input.exam) requireExam(ctx.db, input.exam);
      return { hub: getSetting(ctx.db, HUB_URL), announcements: listAnnouncements(ctx.db, input.exam) };
    },
  }),
];
