import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { refuseIfPurged, requireExam } from '../../core/exams/exams';
import { examSheetsDir } from '../../core/exams/purge';
import { sessionVenueName } from '../../core/exams/structure';
import { certificateOrganisation } from '../../core/keys/organisation';
import { findAccountByName, type Account } from '../../core/accounts/accounts';
import { importP12, listIdentities, makeLocalCertificate, MIN_PASSPHRASE, storeIdentity, unlockIdentity, type UnlockedIdentity } from '../../core/keys/identities';
import { assertUnlocked, rightSecret, wrongSecret } from '../../core/accounts/guard';
import { isLenteraError } from '../../core/util/errors';
import { secretScope } from './accounts';
import { latestMinutes, prepareCountersignature, publishCountersignature } from '../../core/sheets/batch';
import { readSignedPdf, sheetKeys } from '../../core/sheets/sheet-files';
import { OBSERVER_ROLE, observerField, panelField, panelRole } from '../../core/sheets/minutes';
import { signatureFields } from '../../core/sheets/sign';
import { loadPanel } from '../../core/scoring/panel';
import { assertCountersignable } from '../../core/sheets/minutes-check';
import { sha256Hex } from '../../core/util/hash';
import { LenteraError } from '../../core/util/errors';
import { fileRef, localFile, resolveFile } from '../files';
import { defineCommand, type CommandContext } from '../registry';

const passphrase = z.string().min(MIN_PASSPHRASE, `the passphrase needs at least ${MIN_PASSPHRASE} characters`).max(200);

/**
 * Whose key: a logged-in person always acts for themselves; the command line (the local user, who holds the
 * data directory anyway) names the account.
 */
export function holder(ctx: CommandContext, account?: string): Account {
  if (ctx.principal.kind === 'user') {
    if (account && account.toLowerCase() !== ctx.principal.account.name) throw new LenteraError('FORBIDDEN', 'You can only use your own signing identity.', {});
    return ctx.principal.account;
  }
  if (ctx.principal.kind === 'local' && account) {
    const a = findAccountByName(ctx.db, account);
    if (!a) throw new LenteraError('NOT_FOUND', `No account named ${account}.`, { account });
    return a;
  }
  throw new LenteraError('INVALID_INPUT', 'Say whose signing identity this is (account).', { field: 'account' });
}

const me = (ctx: CommandContext) => holder(ctx);

/**
 * Unlocks a signing key with its passphrase. For a logged-in person the passphrase is a secret like the PIN:
 * it counts on the same guard (a wrong one counts, too many lock), so a session cannot be used to guess it.
 */
export async function unlockSigner(ctx: CommandContext, accountId: string, passphrase: string): Promise<UnlockedIdentity> {
  if (ctx.principal.kind !== 'user') return unlockIdentity(ctx.db, ctx.dataDir, accountId, passphrase, new Date(ctx.at));
  const scope = secretScope(ctx);
  assertUnlocked(ctx.db, ctx.clock, scope);
  try {
    const signer = await unlockIdentity(ctx.db, ctx.dataDir, accountId, passphrase, new Date(ctx.at));
    rightSecret(ctx.db, scope, ctx.at);
    return signer;
  } catch (e) {
    if (isLenteraError(e) && e.code === 'PASSPHRASE_WRONG') throw wrongSecret(ctx.db, ctx.clock, scope, e);
    throw e;
  }
}
const account = z.string().trim().min(1).optional();

function sheetsDir(ctx: CommandContext, exam: string): string {
  return examSheetsDir(ctx.dataDir, exam);
}

function jobs(ctx: CommandContext) {
  if (!ctx.jobs) throw new LenteraError('INTERNAL', 'Background jobs are not available here.', {});
  return ctx.jobs;
}

/**
 * The line of the minutes this person signs on: the coordinator's first, then one per panelist (by NIP, as the
 * panel is matched to accounts). Someone not on the session's panel has no line; a file that has Lentera's
 * signature lines but none for this person is refused rather than given a new one after the certification.
 */
function signatureLine(ctx: CommandContext, a: Account, exam: string, session: string, pdf: Buffer): { field: string; role: string; location: string } {
  const examId = requireExam(ctx.db, exam).id;
  if (a.role === 'observer') {
    // No observer list per session exists: an observer with a key may cosign any session's minutes of the exam,
    // on a field of their own (the signature itself says who); their own signature twice is refused before this.
    const field = observerField(a);
    if (signatureFields(pdf).some((f) => f.name === field)) throw new LenteraError('ALREADY_SIGNED', 'You have already signed these minutes.', {});
    return { field, role: OBSERVER_ROLE, location: sessionVenueName(ctx.db, examId, session) ?? '' };
  }
  const panel = loadPanel(ctx.db, examId, session);
  const index = panel.members.findIndex((m) => m.accountId === a.id);
  if (index < 0) throw new LenteraError('NOT_ON_PANEL', `You are not on the panel of session ${session}: its minutes have no line for your signature.`, { session });
  const member = panel.members[index]!;
  const field = panelField(member, index);
  const lines = signatureFields(pdf).map((f) => f.name);
  if (lines.some((n) => n.startsWith('ttd-')) && !lines.includes(field)) {
    throw new LenteraError('NO_SIGNATURE_LINE', 'These minutes have no signature line for you (they were made for another panel).', { session });
  }
  const location = sessionVenueName(ctx.db, examId, session) ?? '';
  return { field, role: panelRole(member.role), location };
}

export const sheetCommands = [
  defineCommand({
    name: 'keys.mine',
    summary: 'My signing identities (certificate, fingerprint, certified or not)',
    input: z.object({}),
    access: 'authenticated',
    mutates: false,
    handler: (ctx) => listIdentities(ctx.db, ctx.dataDir, me(ctx).id),
  }),
  defineCommand({
    name: 'keys.list',
    summary: 'Every signing identity on this workstation',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx) => listIdentities(ctx.db, ctx.dataDir),
  }),
  defineCommand({
    name: 'keys.generate',
    summary: 'Generate my local self-signed certificate (RSA 3072; an uncertified signature)',
    input: z.object({ passphrase, account }),
    access: 'authenticated',
    mutates: true,
    prepare: async (ctx, input) => {
      const a = holder(ctx, input.account);
      // The certificate names the agency of the exams this person signs for (core/keys/organisation says why).
      return makeLocalCertificate({ displayName: a.displayName, nip: a.nip }, certificateOrganisation(ctx.db, a.id), ctx.at);
    },
    handler: (ctx, input, made) => storeIdentity(ctx.db, ctx.dataDir, holder(ctx, input.account).id, made.certDer, made.key, input.passphrase, 'local', ctx.at),
    auditPayload: (input, out) => ({ account: input.account ?? null, fingerprint: out.fingerprint, subject: out.subject }),
  }),
  defineCommand({
    name: 'keys.import',
    summary: 'Import my PKCS#12 (.p12) from a certification authority such as BSrE',
    input: z.object({ file: fileRef, p12Password: z.string().max(200), passphrase, account }),
    localInput: localFile,
    access: 'authenticated',
    mutates: true,
    prepare: async (ctx, input) => resolveFile(ctx, input.file).read(),
    handler: (ctx, input, bytes) => importP12(ctx.db, ctx.dataDir, holder(ctx, input.account).id, bytes, input.p12Password, input.passphrase, ctx.at),
    auditPayload: (_input, out) => ({ fingerprint: out.fingerprint, subject: out.subject, issuer: out.issuer, certified: out.certified }),
  }),
  defineCommand({
    name: 'sheets.start',
    summary: 'Start signing result sheets and minutes in the background (progress as live events)',
    input: z.object({ exam: z.string().min(1), session: z.string().optional(), passphrase: z.string().min(1).max(200), account }),
    /** the command line names the folder the PDFs go to, and may sign only some candidates' sheets */
    localInput: z.object({
      out: z.string().min(1).optional(),
      candidates: z.array(z.string().trim().min(1).max(40)).min(1).max(200_000).optional(),
    }),
    access: ['coordinator'],
    mutates: false,
    checksSecret: true,
    prepare: async (ctx, input) => {
      const local = input as { out?: string; candidates?: string[] };
      if ((local.out || local.candidates) && ctx.principal.kind !== 'local') throw new LenteraError('FORBIDDEN', 'Only the command line may name a folder or candidates.', {});
      const signer = holder(ctx, input.account);
      // Check the passphrase here, so a mistake is answered at once instead of by a failed job.
      const key = await unlockSigner(ctx, signer.id, input.passphrase);
      return { signer, key: { name: key.commonName, certified: key.certified, fingerprint: key.fingerprint } };
    },
    handler: (ctx, input, { signer, key }) => {
      const local = input as { out?: string; candidates?: string[] };
      const exam = requireExam(ctx.db, input.exam);
      refuseIfPurged(ctx.db, exam.id, 'signing its sheets');
      const job = jobs(ctx).startSheets({
        dataDir: ctx.dataDir,
        nativeBinding: ctx.nativeBinding,
        ...(ctx.dataKey ? { dataKey: Uint8Array.from(ctx.dataKey) } : {}),
        examId: exam.id,
        exam: exam.code,
        session: input.session,
        only: local.candidates,
        accountId: signer.id,
        passphrase: input.passphrase,
        outDir: local.out ? resolve(local.out) : sheetsDir(ctx, exam.code),
        actor: ctx.actor,
      });
      return { ...job, signer: { account: signer.name, ...key } };
    },
  }),
  defineCommand({
    name: 'sheets.cancel',
    summary: 'Cancel a running signing job (finished files stay; no half file is left)',
    input: z.object({ jobId: z.string().min(1) }),
    access: ['coordinator'],
    mutates: false,
    handler: (ctx, input) => ({ cancelled: jobs(ctx).cancel(input.jobId) }),
  }),
  defineCommand({
    name: 'sheets.jobs',
    summary: 'Signing jobs of this session of the workstation',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx) => jobs(ctx).list(),
  }),
  defineCommand({
    name: 'sheets.files',
    summary: 'The signed PDFs of an exam',
    input: z.object({ exam: z.string().min(1) }),
    access: ['coordinator', 'chair', 'examiner', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const dir = sheetsDir(ctx, requireExam(ctx.db, input.exam).code);
      return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort() : [];
    },
  }),
  defineCommand({
    name: 'sheets.file',
    summary: 'One signed PDF, to download',
    input: z.object({ exam: z.string().min(1), name: z.string().regex(/^[A-Za-z0-9._-]+\.pdf$/, 'a file name of this exam') }),
    access: ['coordinator', 'chair', 'examiner', 'observer'],
    mutates: false,
    handler: (ctx, input) => {
      const dir = sheetsDir(ctx, requireExam(ctx.db, input.exam).code);
      const path = join(dir, basename(input.name));
      if (!existsSync(path)) throw new LenteraError('NOT_FOUND', `No file ${input.name}.`, { name: input.name });
      // The PDF itself, opened when it is sealed (an encrypted workstation's); a sealed file changed on disk is refused.
      const pdf = readSignedPdf(path, sheetKeys(ctx.dataDir, dir, ctx.dataKey), input.name).plain;
      return { name: input.name, mime: 'application/pdf', dataBase64: pdf.toString('base64') };
    },
  }),
  defineCommand({
    name: 'minutes.sign',
    summary: 'Add my signature to the minutes of a session (after the coordinator); an observer cosigns as Pengamat',
    input: z.object({ exam: z.string().min(1), session: z.string().min(1), passphrase: z.string().min(1).max(200), account }),
    /** the command line may sign a copy of the minutes elsewhere on this machine */
    localInput: z.object({ file: z.string().min(1).optional() }),
    access: ['chair', 'examiner', 'observer'],
    mutates: true,
    checksSecret: true,
    prepare: async (ctx, input) => {
      const a = holder(ctx, input.account);
      const local = (input as { file?: string }).file;
      if (local && ctx.principal.kind !== 'local') throw new LenteraError('FORBIDDEN', 'Only the command line may name a file path.', {});
      // By default the newest version of the minutes (a changed session's minutes are a new version beside the old).
      const dir = sheetsDir(ctx, requireExam(ctx.db, input.exam).code);
      const file = local ?? latestMinutes(dir, input.session)?.file ?? join(dir, `berita-acara-${input.session}.pdf`);
      if (!existsSync(file)) throw new LenteraError('MINUTES_NOT_MADE', `The minutes of ${input.session} have not been made yet (the coordinator signs them first).`, { session: input.session });
      const signer = await unlockSigner(ctx, a.id, input.passphrase);
      // Only minutes that verify clean (no change after any signature that signing does not explain, the last
      // signature covering the whole file, every signer a key of this workstation) and that say what the
      // finalizations say get another signature; and it is those very bytes that get it (checked below).
      // Minutes the workstation keeps are sealed on an encrypted one: opened here, and signed back sealed (the scratch
      // copy beside them too); a copy the command line names outside the data folder stays plain.
      const keys = sheetKeys(ctx.dataDir, dirname(resolve(file)), ctx.dataKey);
      const checked = readSignedPdf(file, keys).plain;
      await assertCountersignable(ctx.db, ctx.dataDir, checked, { exam: input.exam, session: input.session, accountId: a.id });
      const line = signatureLine(ctx, a, input.exam, input.session, checked);
      // Signed beside the file; the handler gives it the file's name inside the audited transaction.
      const signed = await prepareCountersignature(file, signer, { reason: `Berita Acara ${input.exam} ${input.session}: ${line.role.toLowerCase()}`, location: line.location, field: line.field, role: line.role }, keys);
      if (signed.before !== sha256Hex(checked)) {
        rmSync(signed.tmp, { force: true });
        throw new LenteraError('CONFLICT', 'The minutes changed while they were being checked; nothing was added. Sign again.', {});
      }
      ctx.afterCommand(() => rmSync(signed.tmp, { force: true }));
      return { signer: signer.commonName, account: a.name, fingerprint: signer.fingerprint, signatures: signed.signatures, signed };
    },
    handler: (_ctx, _input, out) => {
      publishCountersignature(out.signed);
      const { signed, ...said } = out;
      return { ...said, file: basename(signed.file), sha256: signed.sha256, previousSha256: signed.before };
    },
    // Every signature is an audited event: who, with which key, on which document (its digest before and after).
    auditPayload: (input, out) => ({
      exam: input.exam,
      session: input.session,
      signer: { account: out.account, name: out.signer, fingerprint: out.fingerprint },
      document: { name: out.file, sha256: out.sha256, previousSha256: out.previousSha256, signatures: out.signatures },
    }),
  }),
];
