import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listIdentities, unlockIdentity, type IdentityInfo } from '../../core/keys/identities';
import { requireExam } from '../../core/exams/exams';
import { finalizedSessions, generateMinutes, generateSheets, SignatureLog } from '../../core/sheets/batch';
import { verifyPdf } from '../../core/sheets/verify';
import { documentReport, type DocumentReport, type TrustReport } from '../../core/sheets/document-report';
import { loadTrustAnchors } from '../../core/keys/trust';
import { sql } from '../../core/db/statements';
import { isLenteraError, LenteraError } from '../../core/util/errors';
import { EXIT, type CliIo } from '../io';
import { dataOption } from '../main';
import { CliExit, invokeAsyncOrExit, openApp, withAppAsync } from '../workstation';

export async function secret(io: CliIo, file: string | undefined, prompt: string): Promise<string> {
  if (file) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return io.askSecret(prompt);
}

function accountId(db: import('../../core/db/open').Db, name: string): { id: string; displayName: string; nip: string | null } {
  const a = sql(db, 'SELECT id, display_name AS displayName, nip FROM accounts WHERE name = ?').get(name.toLowerCase()) as { id: string; displayName: string; nip: string | null } | undefined;
  if (!a) throw new LenteraError('NOT_FOUND', `No account named ${name}.`, {});
  return a;
}

/** Runs fn against the workstation; a refusal prints its message and exits 1 (3 for a newer database). */
async function guarded(io: CliIo, data: string, fn: (app: ReturnType<typeof openApp>) => Promise<void>): Promise<void> {
  const app = openApp(io, data);
  try {
    await fn(app);
  } catch (e) {
    if (!isLenteraError(e)) throw e;
    io.err(`lentera: ${e.message}`);
    throw new CliExit(EXIT.FAILED);
  } finally {
    app.close();
  }
}

/** `verify`: valid signatures, but a signer neither certified nor (with --data) a key of the workstation. */
const EXIT_NOT_CERTIFIED = 4;

export function registerSheetCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('signing identities (certificates and encrypted private keys)');
  keys
    .command('generate')
    .description('generate a local self-signed RSA-3072 certificate for an account (an uncertified signature)')
    .addOption(dataOption())
    .requiredOption('--account <name>', 'whose identity')
    .option('--passphrase-file <file>', 'read the passphrase from a file (else asked)')
    .action(async (o: { data: string; account: string; passphraseFile?: string }) => {
      const pass = await secret(io, o.passphraseFile, `Passphrase for ${o.account}'s key (8+ characters): `);
      await withAppAsync(io, o.data, async (app) => {
        const id = await invokeAsyncOrExit<IdentityInfo>(io, app, 'keys.generate', { account: o.account, passphrase: pass });
        io.out(`certificate for ${id.subject}\nSHA-256 fingerprint ${id.fingerprint}\n(register this fingerprint with the publication hub; the signature is not certified)`);
      });
    });
  keys
    .command('import <file>')
    .description('import a PKCS#12 (.p12) from a certification authority such as BSrE for an account')
    .addOption(dataOption())
    .requiredOption('--account <name>', 'whose identity')
    .option('--p12-password-file <file>', "the .p12 file's password (else asked)")
    .option('--passphrase-file <file>', 'the passphrase that will protect the key here (else asked)')
    .action(async (file: string, o: { data: string; account: string; p12PasswordFile?: string; passphraseFile?: string }) => {
      const p12Password = await secret(io, o.p12PasswordFile, 'Password of the .p12 file: ');
      const passphrase = await secret(io, o.passphraseFile, 'New passphrase for the key here (8+ characters): ');
      await withAppAsync(io, o.data, async (app) => {
        const id = await invokeAsyncOrExit<IdentityInfo>(io, app, 'keys.import', { account: o.account, file: { path: resolve(file) }, p12Password, passphrase });
        io.out(`imported ${id.subject}, issued by ${id.issuer}${id.certified ? ' (certified)' : ''}\nSHA-256 fingerprint ${id.fingerprint}`);
      });
    });
  keys
    .command('certificate')
    .description("write an account's certificate (PEM), to register it with the hub or a coordinator")
    .addOption(dataOption())
    .requiredOption('--account <name>', 'whose certificate')
    .requiredOption('--out <file>', 'the PEM file')
    .action((o: { data: string; account: string; out: string }) =>
      guarded(io, o.data, async (app) => {
        const c = app.invoke('keys.certificate', { account: o.account }, { local: io.osUser });
        if (!c.ok) throw new LenteraError(c.error.code, c.error.message, {});
        const v = c.value as { fingerprint: string; pem: string };
        writeFileSync(resolve(o.out), v.pem);
        io.out(`certificate written to ${resolve(o.out)}\nSHA-256 fingerprint ${v.fingerprint}`);
      }),
    );
  keys
    .command('list')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      guarded(io, o.data, async (app) => {
        const list = listIdentities(app.workstation!.db, app.workstation!.dir);
        if (o.json) return io.out(JSON.stringify(list, null, 2));
        for (const k of list) io.out(`${k.account.padEnd(14)} ${k.source.padEnd(6)} ${k.certified ? 'certified  ' : 'uncertified'} until ${k.notAfter.slice(0, 10)}  ${k.fingerprint}`);
      }),
    );

  program
    .command('sheets')
    .description('signed result sheets (Lembar Hasil Seleksi), one PDF per candidate with complete results')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .requiredOption('--out <dir>', 'where the PDFs go')
    .option('--session <code>', 'only the candidates of this session')
    .option('--candidate <nomor...>', 'only these candidates')
    .option('--signer <name>', 'the account that signs', 'koordinator')
    .option('--passphrase-file <file>', "the signer's key passphrase (else asked)")
    .action((o: { data: string; exam: string; out: string; session?: string; candidate?: string[]; signer: string; passphraseFile?: string }) =>
      guarded(io, o.data, async (app) => {
        const db = app.workstation!.db;
        const exam = requireExam(db, o.exam);
        const signerAccount = accountId(db, o.signer);
        const pass = await secret(io, o.passphraseFile, `Passphrase of ${o.signer}'s signing key: `);
        const signer = await unlockIdentity(db, app.workstation!.dir, signerAccount.id, pass, new Date());
        const t0 = Date.now();
        let last = 0;
        // Every signature of this run is recorded in the audit chain as cli:<user>, before its file gets its name.
        const log = new SignatureLog(db, { exam: exam.code, actor: `cli:${io.osUser}`, signer });
        const out = await generateSheets(db, {
          examId: exam.id,
          outDir: resolve(o.out),
          session: o.session,
          only: o.candidate,
          signer,
          log,
          onProgress: (done, total) => {
            if (process.stderr.isTTY && Date.now() - last > 200) {
              last = Date.now();
              process.stderr.write(`\r${done}/${total} lembar`);
            }
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        const versions = out.documents.filter((d) => d.version > 1).length;
        io.out(
          `${out.written.length} signed sheet(s) in ${resolve(o.out)} (${((Date.now() - t0) / 1000).toFixed(1)} s), signed by ${signer.commonName}${signer.certified ? '' : ' (uncertified certificate)'}` +
            `${versions ? `; ${versions} of them a new version beside a signed sheet whose result changed (the old one stays)` : ''}` +
            `${out.unchanged.length ? `; ${out.unchanged.length} unchanged, left as they were` : ''}`,
        );
        if (!o.candidate) {
          const sessions = finalizedSessions(db, exam.id).filter((s) => !o.session || s === o.session);
          try {
            for (const s of sessions) {
              const m = await generateMinutes(db, exam.id, s, signer, resolve(o.out), { log });
              if (m.status === 'unchanged') io.out(`minutes ${m.file}: unchanged, left as they were with their signatures`);
              else if (m.replaces) io.out(`minutes ${m.file}: a new version, signed by the coordinator (${m.replaces.name} stays as it was; the chair and panelists sign the new one with "lentera minutes sign")`);
              else io.out(`minutes ${m.file} (signed by the coordinator; the chair and panelists add theirs with "lentera minutes sign")`);
            }
            log.flush();
          } catch (e) {
            log.discard();
            throw e;
          }
        }
      }),
    );

  program
    .command('minutes')
    .description('session minutes (berita acara)')
    .command('sign <file>')
    .description('add your signature to the minutes, after the coordinator (the chair, then each panelist)')
    .addOption(dataOption())
    .requiredOption('--as <name>', 'the account that signs')
    .requiredOption('--exam <code>', 'exam code')
    .requiredOption('--session <code>', 'session code')
    .option('--passphrase-file <file>', 'the key passphrase (else asked)')
    .action(async (file: string, o: { data: string; as: string; exam: string; session: string; passphraseFile?: string }) => {
      const passphrase = await secret(io, o.passphraseFile, `Passphrase of ${o.as}'s signing key: `);
      await withAppAsync(io, o.data, async (app) => {
        const out = await invokeAsyncOrExit<{ signer: string; signatures: number }>(io, app, 'minutes.sign', { exam: o.exam, session: o.session, account: o.as, file: resolve(file), passphrase });
        io.out(`signed by ${out.signer}; ${out.signatures} signature(s) now`);
      });
    });

  program
    .command('verify <file>')
    .description(
      "check a signed PDF independently: every signature, what changed after each, and each signer's certificate path to a trust root; with --data, also that it says what the workstation's records say. " +
        'Exit 0: every signature valid, nothing changed after it, every signer certified (or, with --data, a key of that workstation); 4: all that, but a signer is not certified; 1: invalid, modified or not matching',
    )
    .option('--data <dir>', 'the workstation to compare the results with (its trust/ folder gives the trust roots)')
    .option('--trust <dir>', 'a folder of trust roots (certification providers such as BSrE) to validate signer certificates against; default: DATA/trust/ with --data')
    .action(async (file: string, o: { data?: string; trust?: string }) => {
      const pdf = readFileSync(resolve(file));
      const trustDir = o.trust ? resolve(o.trust) : o.data ? join(resolve(o.data), 'trust') : null;
      const anchors = loadTrustAnchors(trustDir);
      if (o.trust && !anchors.length) io.err(`lentera: no certificate in ${trustDir}: every signer is reported as not certified`);
      const checked = await verifyPdf(pdf, { anchors });
      const app = o.data ? openApp(io, o.data) : null;
      try {
        const report = documentReport(pdf, checked, { name: file, trustRoots: anchors.length, db: app?.workstation!.db });
        printReport(io, file, report, Boolean(app));
        if (report.exitCode !== 0) throw new CliExit(report.exitCode === 4 ? EXIT_NOT_CERTIFIED : EXIT.FAILED);
      } finally {
        app?.close();
      }
    });
}

const STATUS = { valid: 'VALID', modified: 'MODIFIED after it was signed', invalid: 'INVALID' } as const;

function trustWords(t: TrustReport): string {
  if (t.certified) return `certified by ${t.root}${t.rootFile ? ` (${t.rootFile})` : ''}`;
  const why = t.kind === 'selfSigned' ? 'self-signed' : t.kind === 'unknownIssuer' ? (t.reason ?? `unknown issuer ${t.issuer}`) : (t.reason ?? 'no path to a trust root');
  return `NOT certified (${why})`;
}

/** The report as `lentera verify` prints it: findings on stdout, what is wrong on stderr. */
function printReport(io: CliIo, file: string, r: DocumentReport, withData: boolean): void {
  if (!r.signatures.length) io.err(`${file}: no signature found`);
  for (const c of r.signatures) {
    io.out(`signature ${c.index}: ${STATUS[c.status]}  signer ${c.signer || '?'}${c.nip ? `  NIP ${c.nip}` : ''}  time ${c.signingTime ?? '?'}${c.coversWholeFile ? '  (covers the whole document)' : ''}${c.problem ? `  — ${c.problem}` : ''}`);
    if (c.fingerprint) io.out(`  certificate SHA-256 ${c.fingerprint}`);
    if (c.trust) io.out(`  ${trustWords(c.trust)}`);
    if (c.certification !== null) io.out(`  certification signature (DocMDP P=${c.certification}: ${c.certification === 1 ? 'no change allowed after it' : c.certification === 2 ? 'only signing allowed after it' : 'signing and annotations allowed after it'})`);
    if (withData) io.out(c.workstationKey ? `  a signing key of this workstation: ${c.workstationKey.account} (${c.workstationKey.role})` : '  NOT a signing key of this workstation');
  }
  for (const m of r.modifications) io.err(`MODIFIED after signature ${m.afterSignature} (revision ${m.revision}): ${m.changes.join('; ')}`);
  for (const p of r.problems) io.err(`the file: ${p}`);
  // Every revision after the last signature was analysed: what follows only adds what signing may (validation data).
  if (r.validationDataAfter) io.out('revision(s) after the last signature add validation data (/DSS) at most: nothing that changes the document');
  const rec = r.records;
  if (rec?.kind === 'sheet') io.out(`results of ${rec.nomor}: ${rec.match ? 'MATCH the workstation records' : 'DO NOT MATCH the workstation records'} (final ${rec.final ?? '-'}, status ${rec.status})`);
  if (rec?.kind === 'minutes') {
    io.out(`minutes of ${rec.exam} ${rec.session}: ${rec.match ? 'MATCH the workstation records' : 'DO NOT MATCH the workstation records'} (${rec.summary})`);
    for (const d of rec.differences) io.err(`  ${d}`);
  }
  if (rec?.kind === 'unknown') io.err('no Lentera result payload in this PDF, and it is no Lentera minutes');
  if (rec?.kind === 'error') io.err(`lentera: ${rec.message}`);
  if (r.exitCode === 4) {
    io.err(
      `valid, but signature${r.unvouched.length > 1 ? 's' : ''} ${r.unvouched.join(', ')} NOT certified: compare the certificate fingerprint with the signer's own, or verify with --trust DIR${withData ? '' : ' or --data DIR'}`,
    );
  }
}
