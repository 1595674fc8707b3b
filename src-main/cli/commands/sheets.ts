import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IdentityInfo } from '../../core/keys/identities';
import type { JobState } from '../../api/jobs';
import type { DocumentReport, TrustReport } from '../../core/sheets/document-report';
import { EXIT, type CliIo } from '../io';
import { dataOption, secret, optionalDataOption } from '../options';
import { CliExit, invoke, openApp, withApp } from '../workstation';

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
      await withApp(io, o.data, async (app) => {
        const id = await invoke<IdentityInfo>(io, app, 'keys.generate', { account: o.account, passphrase: pass });
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
      await withApp(io, o.data, async (app) => {
        const id = await invoke<IdentityInfo>(io, app, 'keys.import', { account: o.account, file: { path: resolve(file) }, p12Password, passphrase });
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
      withApp(io, o.data, async (app) => {
        const v = await invoke<{ fingerprint: string; pem: string }>(io, app, 'keys.certificate', { account: o.account });
        writeFileSync(resolve(o.out), v.pem);
        io.out(`certificate written to ${resolve(o.out)}\nSHA-256 fingerprint ${v.fingerprint}`);
      }),
    );
  keys
    .command('list')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action((o: { data: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const list = await invoke<(IdentityInfo & { account: string })[]>(io, app, 'keys.list', {});
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
    .action(async (o: { data: string; exam: string; out: string; session?: string; candidate?: string[]; signer: string; passphraseFile?: string }) => {
      const pass = await secret(io, o.passphraseFile, `Passphrase of ${o.signer}'s signing key: `);
      await withApp(io, o.data, async (app) => {
        const t0 = Date.now();
        // The same job the Dokumen page starts (a worker thread that audits each signature as cli:<user>); this
        // process only waits for it, showing its progress.
        const done = waitForJob(app.events, (p) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${p.done}/${p.total} lembar`);
        });
        const job = await invoke<JobState & { signer: { name: string; certified: boolean } }>(io, app, 'sheets.start', {
          exam: o.exam,
          session: o.session,
          passphrase: pass,
          account: o.signer,
          out: resolve(o.out),
          candidates: o.candidate,
        });
        const end = await done(job.id);
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (end.state !== 'done') {
          io.err(`lentera: ${end.error?.message ?? 'the signing job was stopped'}; the sheets signed before it stopped stay, each recorded in the audit chain.`);
          throw new CliExit(EXIT.FAILED);
        }
        const versions = end.versions ?? 0;
        io.out(
          `${end.written ?? 0} signed sheet(s) in ${resolve(o.out)} (${((Date.now() - t0) / 1000).toFixed(1)} s), signed by ${job.signer.name}${job.signer.certified ? '' : ' (uncertified certificate)'}` +
            `${versions ? `; ${versions} of them a new version beside a signed sheet whose result changed (the old one stays)` : ''}` +
            `${end.unchanged ? `; ${end.unchanged} unchanged, left as they were` : ''}`,
        );
        if (!o.candidate && (end.minutes || end.minutesUnchanged)) {
          io.out(
            `minutes: ${end.minutes ?? 0} signed by the coordinator (the chair and panelists add theirs with "lentera minutes sign")` +
              `${end.minutesUnchanged ? `; ${end.minutesUnchanged} unchanged, left as they were with their signatures` : ''}`,
          );
        }
      });
    });

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
      await withApp(io, o.data, async (app) => {
        const out = await invoke<{ signer: string; signatures: number }>(io, app, 'minutes.sign', { exam: o.exam, session: o.session, account: o.as, file: resolve(file), passphrase });
        io.out(`signed by ${out.signer}; ${out.signatures} signature(s) now`);
      });
    });

  program
    .command('verify <file>')
    .description(
      "check a signed PDF independently: every signature, what changed after each, and each signer's certificate path to a trust root; with --data, also that it says what the workstation's records say. " +
        'Exit 0: every signature valid, nothing changed after it, every signer certified (or, with --data, a key of that workstation); 4: all that, but a signer is not certified; 1: invalid, modified or not matching',
    )
    .addOption(optionalDataOption('the workstation to compare the results with (its trust/ folder gives the trust roots)'))
    .option('--trust <dir>', 'a folder of trust roots (certification providers such as BSrE) to validate signer certificates against; default: DATA/trust/ with --data')
    .action(async (file: string, o: { data?: string; trust?: string }) => {
      const [{ loadTrustAnchors }, { verifyPdf }, { documentReport }, { isSealed, openSealed }] = await Promise.all([
        import('../../core/keys/trust'),
        import('../../core/sheets/verify'),
        import('../../core/sheets/document-report'),
        import('../../core/custody/sealed-file'),
      ]);
      const stored = readFileSync(resolve(file));
      const app = o.data ? await openApp(io, o.data) : null;
      try {
        // A PDF an encrypted workstation keeps (DATA/sheets/) is sealed: opened with that workstation's data key.
        const pdf = isSealed(stored) ? openedWith(io, file, stored, o.data, app?.workstation?.key, openSealed) : stored;
        const trustDir = o.trust ? resolve(o.trust) : o.data ? join(resolve(o.data), 'trust') : null;
        const anchors = loadTrustAnchors(trustDir);
        if (o.trust && !anchors.length) io.err(`lentera: no certificate in ${trustDir}: every signer is reported as not certified`);
        const checked = await verifyPdf(pdf, { anchors });
        const report = documentReport(pdf, checked, { name: file, trustRoots: anchors.length, db: app?.workstation!.db });
        printReport(io, file, report, Boolean(app));
        if (report.exitCode !== 0) throw new CliExit(report.exitCode === 4 ? EXIT_NOT_CERTIFIED : EXIT.FAILED);
      } finally {
        app?.close();
      }
    });
}

/**
 * The plaintext of a sealed PDF (an encrypted workstation's own copy), with the key of the workstation --data names;
 * without one, what to do instead.
 */
function openedWith(io: CliIo, file: string, stored: Buffer, data: string | undefined, key: Buffer | undefined, open: (key: Uint8Array, sealed: Buffer, name: string) => Buffer): Buffer {
  if (!data) {
    io.err(
      `lentera: ${file} is encrypted: it is a PDF an encrypted workstation keeps in its data folder. Verify it with --data DIR, the folder of that workstation ` +
        '(its passphrase is asked, or read with --passphrase-file FILE), or download it from the workstation (the Dokumen page) and verify that copy.',
    );
    throw new CliExit(EXIT.FAILED);
  }
  if (!key) {
    io.err(`lentera: ${file} is encrypted, and the workstation in ${data} is not: it is another workstation's file. Verify it with --data naming that one.`);
    throw new CliExit(EXIT.FAILED);
  }
  try {
    return open(key, stored, file);
  } catch (e) {
    io.err(`lentera: ${(e as Error).message}`);
    throw new CliExit(EXIT.FAILED);
  }
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

/**
 * Resolves with a job's last state once it has ended. Listening starts before the job does, so no event is
 * missed; the job's events are told apart by its id once it is known.
 */
function waitForJob(events: { subscribe(fn: (e: { type: string; data: unknown }) => void): () => void }, onProgress: (s: JobState) => void): (id: string) => Promise<JobState> {
  const seen: JobState[] = [];
  let wanted: string | null = null;
  let settle: ((s: JobState) => void) | null = null;
  const ended = (s: JobState) => s.state !== 'running';
  const stop = events.subscribe((e) => {
    if (e.type !== 'jobs.progress') return;
    const s = e.data as JobState;
    if (wanted === null) return void seen.push(s);
    if (s.id !== wanted) return;
    onProgress(s);
    if (ended(s)) settle?.(s);
  });
  return (id) =>
    new Promise<JobState>((res) => {
      wanted = id;
      settle = (s) => {
        stop();
        res(s);
      };
      const early = seen.filter((s) => s.id === id);
      const last = early[early.length - 1];
      if (last && ended(last)) settle(last);
    });
}
