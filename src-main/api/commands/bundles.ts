import { mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { checkOwnChain, commitExport, copyBundle, finishExport, listExports, prepareExport, type PreparedExport } from '../../core/bundles/export';
import { checkChain, commitImport, mergedExams, mergedView, prepareImport } from '../../core/bundles/merge';
import { outboxList, receiptFor, retryRefused } from '../../core/bundles/outbox';
import { finishRecordedFile } from '../../core/bundles/recover';
import { addTrustedSigner, checkBinding, listTrustedSigners, trustLookup } from '../../core/bundles/trust';
import { certificatePem, readCertificate } from '../../core/keys/pki';
import { verifyBundle } from '../../core/bundles/verify';
import { findExam } from '../../core/exams/exams';
import { currentCertificate } from '../../core/keys/identities';
import { getSetting, setSetting } from '../../core/workstation/settings';
import { LenteraError } from '../../core/util/errors';
import { readMaybeSealed } from '../../core/custody/sealed-file';
import { fileRef, localFile, localFileRef, resolveFile, type FileRef } from '../files';
import { committeeTokenHint } from '../hub-client';
import { defineCommand, type CommandContext } from '../registry';
import { holder, unlockSigner } from './sheets';

const exam = z.string().trim().min(1).max(64);
/** The name an imported file is recorded by: the upload's name, or the path's last part from the command line. */
function fileName(ref: FileRef): string {
  return basename('path' in ref ? ref.path : ref.name);
}

const pemInput = z.object({ pem: z.string().min(1).max(20_000) }).strict();
/** A workstation id (UUIDv7 as Lentera makes them; `lentera status` shows it). */
const workstationId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a workstation id (`lentera status` on the workstation shows it)');

/** A prepared export, and what happens to it once the command is over (filled in after the commit). */
interface ExportJob {
  prepared: PreparedExport;
  after: { copied?: string; copyError?: string };
}

function workstationName(ctx: CommandContext): string {
  return getSetting(ctx.db, 'venue.label') ?? ctx.workstationId;
}

export const bundleCommands = [
  defineCommand({
    name: 'bundle.export',
    summary: 'Export the next signed result bundle of an exam (what changed since the last one)',
    input: z.object({ exam, passphrase: z.string().min(1).max(200), account: z.string().optional() }),
    // The bundle is made and kept in DATA/bundles/EXAM/. `out` is the command line's: a copy of the bundle once it
    // is recorded (a USB stick); the window saves one with its own dialog (bundle.file). Nothing is copied before.
    localInput: z.object({ out: z.string().min(1).optional(), pdfDir: z.string().min(1).optional() }),
    access: ['coordinator'],
    mutates: true,
    checksSecret: true,
    prepare: async (ctx, raw): Promise<ExportJob> => {
      const input = raw as typeof raw & { out?: string; pdfDir?: string };
      if ((input.out || input.pdfDir) && ctx.principal.kind !== 'local') throw new LenteraError('FORBIDDEN', 'Only the command line may name the output file; download the bundle instead.', {});
      const a = holder(ctx, input.account);
      const signer = await unlockSigner(ctx, a.id, input.passphrase);
      const prepared = await prepareExport(ctx.db, {
        examCode: input.exam,
        dataDir: ctx.dataDir,
        copyTo: input.out,
        pdfDir: input.pdfDir,
        signer,
        workstationId: ctx.workstationId,
        workstationName: workstationName(ctx),
        at: ctx.at,
        nativeBinding: ctx.nativeBinding,
        onProgress: (step, done, total) => ctx.progress('bundle.progress', { exam: input.exam, step, done, total }),
        // An encrypted workstation keeps its bundles sealed (core/custody/sealed-file.ts): they hold names.
        ...(ctx.dataKey ? { dataKey: ctx.dataKey } : {}),
      });
      const job: ExportJob = { prepared, after: {} };
      // Once the command's transaction is over, committed or rolled back: the recorded bundle gets its name (then
      // its copy), an unrecorded one is removed (core/bundles/export.ts finishExport). Never before the commit.
      ctx.afterCommand(() => Object.assign(job.after, finishExport(ctx.db, prepared)));
      return job;
    },
    handler: (ctx, input, { prepared, after }) => {
      const done = commitExport(ctx.db, prepared, ctx.at, ctx.actor);
      ctx.emit('bundles.changed', { exam: input.exam });
      return { ...done, exam: prepared.examCode, counts: prepared.manifest.counts, ...(prepared.copyTo ? { copy: after } : {}) };
    },
    auditPayload: (input, out) => ({ exam: input.exam, sequence: out.sequence, sha256: out.sha256, files: out.files, bytes: out.bytes, counts: out.counts }),
  }),
  defineCommand({
    name: 'bundle.list',
    summary: 'Bundles exported here, each with its state at the hub (pending until acknowledged)',
    input: z.object({ exam: exam.optional() }),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx, input) => listExports(ctx.db, input.exam),
  }),
  defineCommand({
    name: 'bundle.file',
    summary: 'One exported bundle, to download',
    input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    access: ['coordinator'],
    mutates: false,
    handler: (ctx, input) => {
      const row = listExports(ctx.db).find((b) => b.sha256 === input.sha256);
      if (!row) throw new LenteraError('NOT_FOUND', 'No such bundle here.', {});
      // Recorded, but a crash came before its file got its name: it gets it now.
      finishRecordedFile(row.file);
      // The bundle itself: opened when the workstation keeps it sealed.
      return { name: basename(row.file), mime: 'application/zip', dataBase64: readMaybeSealed(row.file, ctx.dataKey, basename(row.file)).toString('base64') };
    },
  }),
  defineCommand({
    name: 'bundle.copy',
    summary: 'Copy an exported bundle out of the data folder (a USB stick): the bundle itself, opened when the workstation keeps it sealed',
    input: z.object({ exam, sequence: z.number().int().min(1).optional() }),
    // The command line's: a path on this machine. The window saves a bundle with its own dialog (bundle.file).
    localInput: z.object({ out: z.string().min(1) }),
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, raw) => {
      const input = raw as typeof raw & { out?: string };
      if (!input.out || ctx.principal.kind !== 'local') throw new LenteraError('FORBIDDEN', 'Only the command line may copy a bundle to a path; download the bundle instead.', {});
      const rows = listExports(ctx.db, input.exam);
      const row = input.sequence === undefined ? rows[0] : rows.find((b) => b.sequence === input.sequence);
      if (!row) throw new LenteraError('NOT_FOUND', input.sequence === undefined ? `No bundle of ${input.exam} was exported here.` : `No bundle ${input.sequence} of ${input.exam} was exported here.`, {});
      const to = resolve(input.out);
      if (to === resolve(row.file)) throw new LenteraError('INVALID_INPUT', 'The copy must go somewhere other than the bundle itself.', {});
      finishRecordedFile(row.file);
      mkdirSync(dirname(to), { recursive: true });
      copyBundle(row.file, to, ctx.dataKey);
      return { exam: row.exam, sequence: row.sequence, sha256: row.sha256, bytes: row.bytes, copied: to };
    },
    handler: (_ctx, _input, out) => out,
    auditPayload: (_input, out) => ({ exam: out.exam, sequence: out.sequence, sha256: out.sha256, copied: out.copied }),
  }),
  defineCommand({
    name: 'bundle.verify',
    summary: 'Verify a bundle (signature, every hash, the chain link) without importing it',
    input: z.object({ file: fileRef }),
    localInput: localFile,
    access: ['coordinator', 'observer'],
    mutates: false,
    prepare: async (ctx, input) => {
      const src = resolveFile(ctx, input.file).source();
      const r = await verifyBundle(src.path, src.key ? { key: src.key } : {});
      const m = r.manifest;
      const fp = r.signerFingerprint;
      // This workstation's own bundle: signed by one of its own identities, and one it exported (its own chain).
      const own = m.workstation.id === ctx.workstationId;
      const reg = trustLookup(ctx.db, ctx.workstationId)(fp);
      let signer: { ok: boolean; detail: string };
      if (!reg) signer = { ok: false, detail: `${fp} is not registered here` };
      else if (reg.exam && reg.exam !== m.exam.code) signer = { ok: false, detail: `${fp} is registered here for exam ${reg.exam}, not ${m.exam.code}` };
      else {
        try {
          const { bind } = checkBinding(ctx.db, fp, m.workstation, ctx.workstationId);
          signer = { ok: true, detail: reg.own ? "one of this workstation's own signing identities" : bind ? `registered here, not yet bound (importing this bundle binds it to workstation ${m.workstation.id})` : `registered here for workstation ${m.workstation.id}` };
        } catch (e) {
          signer = { ok: false, detail: (e as Error).message };
        }
      }
      // The chain: of its own bundles, against what it exported; of others', against what was merged here.
      let chain: { ok: boolean; detail: string };
      try {
        chain = own ? checkOwnChain(ctx.db, m, r.sha256) : { ok: true, detail: checkChain(ctx.db, m, r.sha256).unchanged ? 'already merged here' : 'continues the bundles merged here' };
      } catch (e) {
        chain = { ok: false, detail: (e as Error).message };
      }
      return {
        sha256: r.sha256,
        exam: r.manifest.exam.code,
        workstation: r.manifest.workstation,
        sequence: r.manifest.sequence,
        previous: r.manifest.previous,
        counts: r.manifest.counts,
        checks: r.checks,
        fingerprint: r.signerFingerprint,
        registered: Boolean(reg),
        signer,
        own,
        chain,
      };
    },
    handler: (_ctx, _input, out) => out,
  }),
  defineCommand({
    name: 'bundle.import',
    summary: 'Merge a bundle from another workstation of an exam loaded here (verified first; conflicts shown, never resolved)',
    input: z.object({ file: fileRef }),
    localInput: localFile,
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, input) => {
      // An upload is verified where it lies, sealed, and opened as it is read: no plain copy of it is written.
      const src = resolveFile(ctx, input.file).source();
      return prepareImport(ctx.db, src.path, { ...(src.key ? { key: src.key } : {}), trusted: trustLookup(ctx.db, ctx.workstationId), self: ctx.workstationId, exam: (code) => Boolean(findExam(ctx.db, code)) });
    },
    handler: (ctx, _input, plan) => {
      // The view itself is not part of the answer: only its conflicts are.
      // An encrypted workstation keeps its merged copy sealed, as it keeps its own bundles.
      const { view, ...out } = commitImport(ctx.db, ctx.dataDir, plan, ctx.at, ctx.dataKey);
      ctx.emit('bundles.changed', { exam: out.exam });
      return { ...out, conflicts: (view ?? mergedView(ctx.db, out.exam)).conflicts };
    },
    auditPayload: (input, out) => ({ file: fileName(input.file), sha256: out.sha256, exam: out.exam, workstation: out.workstation, sequence: out.sequence, unchanged: out.unchanged, records: out.records, conflicts: out.conflicts.length }),
  }),
  defineCommand({
    name: 'bundle.merged',
    summary: 'What the merged bundles of an exam say: workstations, results, conflicts',
    input: z.object({ exam: exam.optional() }),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const codes = input.exam ? [input.exam] : mergedExams(ctx.db);
      return codes.map((code) => {
        const v = mergedView(ctx.db, code);
        const byStatus: Record<string, number> = {};
        for (const r of v.results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
        return { exam: code, workstations: v.workstations, candidates: v.results.length, byStatus, conflicts: v.conflicts };
      });
    },
  }),
  defineCommand({
    name: 'bundle.trust',
    summary: "Register a workstation's certificate: only bundles it signed are merged here, and only for its one workstation",
    input: z.object({ certificate: z.union([fileRef, pemInput]), exam: exam.optional(), workstation: workstationId.optional(), label: z.string().max(200).optional() }),
    localInput: z.object({ certificate: z.union([localFileRef, pemInput]) }),
    access: ['coordinator'],
    mutates: true,
    prepare: async (ctx, input) => readCertificate('pem' in input.certificate ? Buffer.from(input.certificate.pem) : resolveFile(ctx, input.certificate).read()),
    handler: (ctx, input, der) => addTrustedSigner(ctx.db, der, { exam: input.exam ?? null, workstation: input.workstation ?? null, label: input.label ?? null, at: ctx.at, by: ctx.actor }),
  }),
  defineCommand({
    name: 'bundle.trusted',
    summary: 'Registered workstation certificates',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx) => listTrustedSigners(ctx.db),
  }),
  defineCommand({
    name: 'keys.certificate',
    summary: 'My certificate (PEM), to register with the hub or a coordinator',
    input: z.object({ account: z.string().optional() }),
    access: 'authenticated',
    mutates: false,
    handler: (ctx, input) => {
      const cert = currentCertificate(ctx.db, holder(ctx, input.account).id);
      if (!cert) throw new LenteraError('NO_IDENTITY', 'There is no signing identity for this account yet.', {});
      return { fingerprint: cert.fingerprint, pem: certificatePem(cert.certDer) };
    },
  }),
  defineCommand({
    name: 'hub.settings',
    summary: 'The publication hub this workstation pushes to',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    // The committee token is told only as set or not, with its last four characters (to tell two apart).
    handler: (ctx) => ({ url: getSetting(ctx.db, 'hub.url'), logKey: getSetting(ctx.db, 'hub.log_key'), committeeToken: committeeTokenHint(ctx.db) }),
  }),
  defineCommand({
    name: 'hub.configure',
    summary: "Set the hub's address (and optionally its log key, else pinned at first contact)",
    input: z.object({ url: z.url({ protocol: /^https?$/ }).max(500), logKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url Ed25519 key (43 characters)').optional() }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      setSetting(ctx.db, 'hub.url', input.url, ctx.at, ctx.actor);
      const current = getSetting(ctx.db, 'hub.log_key');
      if (input.logKey) setSetting(ctx.db, 'hub.log_key', input.logKey, ctx.at, ctx.actor);
      else if (current) setSetting(ctx.db, 'hub.log_key', '', ctx.at, ctx.actor);
      ctx.emit('bundles.changed', {});
      return { url: input.url, logKey: input.logKey ?? null };
    },
  }),
  defineCommand({
    name: 'outbox.list',
    summary: 'Bundles waiting for the hub, and those it confirmed or refused',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx) => outboxList(ctx.db),
  }),
  defineCommand({
    name: 'outbox.push',
    summary: 'Push pending bundles to the hub now (also done every few seconds while the workstation runs)',
    input: z.object({}),
    access: ['coordinator'],
    mutates: false,
    prepare: async (ctx) => {
      if (!ctx.outbox) throw new LenteraError('INTERNAL', 'The outbox is not running here.', {});
      return ctx.outbox.pushDue();
    },
    handler: (_ctx, _input, out) => out,
  }),
  defineCommand({
    name: 'receipt.get',
    summary: "A candidate's receipt as the hub returned it (leaf, salt, inclusion proof, signed checkpoint)",
    input: z.object({ exam, nomor: z.string().trim().min(1).max(40) }),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const receipt = receiptFor(ctx.db, input.exam, input.nomor);
      if (!receipt) throw new LenteraError('NOT_FOUND', `No receipt for ${input.nomor} yet: the hub returns it when it confirms a bundle with this result.`, {});
      return receipt;
    },
  }),
  defineCommand({
    name: 'outbox.retry',
    summary: 'Send a bundle the hub refused once more (after registering the certificate there, say)',
    input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      if (!retryRefused(ctx.db, input.sha256)) throw new LenteraError('NOT_FOUND', 'No refused bundle with that hash here.', {});
      ctx.emit('outbox.changed', { bundle: input.sha256 });
      return { sha256: input.sha256, state: 'pending' };
    },
  }),
];
