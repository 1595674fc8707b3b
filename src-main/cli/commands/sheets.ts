import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listIdentities, unlockIdentity, type IdentityInfo } from '../../core/keys/identities';
import { requireExam } from '../../core/exams/exams';
import { finalizedSessions, generateMinutes, generateSheets, sheetInputs } from '../../core/sheets/batch';
import { embeddedPayload, resultDigest } from '../../core/sheets/result-sheet';
import { verifyPdfSignatures } from '../../core/sheets/verify';
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
        const out = await generateSheets(db, {
          examId: exam.id,
          outDir: resolve(o.out),
          session: o.session,
          only: o.candidate,
          signer,
          onProgress: (done, total) => {
            if (process.stderr.isTTY && Date.now() - last > 200) {
              last = Date.now();
              process.stderr.write(`\r${done}/${total} lembar`);
            }
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        io.out(`${out.written.length} signed sheet(s) in ${resolve(o.out)} (${((Date.now() - t0) / 1000).toFixed(1)} s), signed by ${signer.commonName}${signer.certified ? '' : ' (uncertified certificate)'}`);
        if (!o.candidate) {
          const sessions = finalizedSessions(db, exam.id).filter((s) => !o.session || s === o.session);
          for (const s of sessions) io.out(`minutes ${await generateMinutes(db, exam.id, s, signer, resolve(o.out))} (signed by the coordinator; the chair and panelists add theirs with "lentera minutes sign")`);
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
    .description("check a signed PDF's signatures independently; with --data, also that its results match the workstation")
    .option('--data <dir>', 'the workstation to compare the results with')
    .action(async (file: string, o: { data?: string }) => {
      const pdf = readFileSync(resolve(file));
      const checks = await verifyPdfSignatures(pdf);
      let ok = checks.length > 0;
      if (!checks.length) io.err(`${file}: no signature found`);
      for (const c of checks) {
        io.out(`signature ${c.index}: ${c.valid ? 'VALID' : 'INVALID'}  signer ${c.signer}  time ${c.signingTime ?? '?'}${c.coversWholeFile ? '  (covers the whole document)' : ''}${c.problem ? `  — ${c.problem}` : ''}`);
        ok &&= c.valid;
      }
      if (checks.length && !checks.some((c) => c.coversWholeFile)) {
        io.err('the last signature does not cover the whole file: something was appended after signing');
        ok = false;
      }
      const payload = embeddedPayload(pdf);
      if (o.data) {
        if (!payload) {
          io.err('no Lentera result payload in this PDF');
          ok = false;
        } else {
          const app = openApp(io, o.data);
          try {
            const exam = requireExam(app.workstation!.db, payload.e);
            const inputs = sheetInputs(app.workstation!.db, exam.id, { only: [payload.n] });
            const r = inputs.results[0]!;
            const digest = resultDigest(payload.e, r, inputs.ruleset.sha256);
            const match = digest === payload.d;
            io.out(`results of ${payload.n}: ${match ? 'MATCH the workstation records' : 'DO NOT MATCH the workstation records'} (final ${r.final ?? '-'}, status ${r.status})`);
            ok &&= match;
          } catch (e) {
            if (!isLenteraError(e)) throw e;
            io.err(`lentera: ${e.message}`);
            ok = false;
          } finally {
            app.close();
          }
        }
      }
      if (!ok) throw new CliExit(EXIT.FAILED);
    });
}
