import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Conflict, ImportOutcome } from '../../core/bundles/merge';
import { isLenteraError } from '../../core/util/errors';
import { EXIT, type CliIo } from '../io';
import { dataOption, secret, optionalDataOption } from '../options';
import { CliExit, exitCodeFor, invoke, withApp } from '../workstation';

function conflictsText(io: CliIo, conflicts: Conflict[]): void {
  if (!conflicts.length) return;
  io.out(`${conflicts.length} conflicting fact(s) between workstations, NOT resolved (those candidates stay BL until decided):`);
  for (const c of conflicts) io.out(`  ${c.nomor ? `${c.nomor} ` : ''}${c.field}: ${c.values.map((v) => `${v.workstation.slice(-12)}=${v.value}`).join('  vs  ')}`);
}

export function registerBundleCommands(program: Command, io: CliIo): void {
  const bundle = program.command('bundle').description('signed result bundles: export, verify, import (merge), trust');
  bundle
    .command('export')
    .description('export the next bundle of an exam: what changed since the previous one, signed by the coordinator')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--out <file>', 'also copy the bundle here once it is recorded (a USB stick); it is kept in DATA/bundles/EXAM/ either way')
    .option('--pdfs <dir>', 'the folder of signed sheets and minutes to carry (default DATA/sheets/EXAM, where the UI writes them)')
    .option('--account <name>', 'whose signing identity (a coordinator)', 'koordinator')
    .option('--passphrase-file <file>', 'read the passphrase from a file (else asked)')
    .action(async (o: { data: string; exam: string; out?: string; pdfs?: string; account: string; passphraseFile?: string }) => {
      const passphrase = await secret(io, o.passphraseFile, `Passphrase of ${o.account}'s signing key: `);
      await withApp(io, o.data, async (app) => {
        const r = await invoke<{ sequence: number; sha256: string; file: string; bytes: number; files: number; counts: Record<string, number>; copy?: { copied?: string; copyError?: string } }>(io, app, 'bundle.export', {
          exam: o.exam,
          passphrase,
          account: o.account,
          ...(o.out ? { out: resolve(o.out) } : {}),
          ...(o.pdfs ? { pdfDir: resolve(o.pdfs) } : {}),
        });
        io.out(`bundle ${r.sequence} of ${o.exam}: ${r.file}\n  ${r.files} files, ${r.bytes} bytes, sha256 ${r.sha256}`);
        io.out(`  ${Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
        if (r.copy?.copied) io.out(`  copied to ${r.copy.copied}`);
        if (r.copy?.copyError) {
          // The file in the data folder may be sealed (an encrypted workstation's): a copy by hand would not be the bundle.
          io.err(`lentera: ${r.copy.copyError}. Copy it again with: lentera bundle copy --data ${o.data} --exam ${o.exam} --sequence ${r.sequence} --out FILE`);
          throw new CliExit(EXIT.FAILED);
        }
      });
    });
  bundle
    .command('copy')
    .description('copy an exported bundle out of the data folder (a USB stick): the bundle itself, also when an encrypted workstation keeps it sealed')
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--sequence <n>', 'which bundle of the exam (default: the latest)', (v) => Number.parseInt(v, 10))
    .requiredOption('--out <file>', 'where the copy goes')
    .action(async (o: { data: string; exam: string; sequence?: number; out: string }) => {
      await withApp(io, o.data, async (app) => {
        const r = await invoke<{ sequence: number; sha256: string; bytes: number; copied: string }>(io, app, 'bundle.copy', { exam: o.exam, ...(o.sequence === undefined ? {} : { sequence: o.sequence }), out: resolve(o.out) });
        io.out(`bundle ${r.sequence} of ${o.exam} copied to ${r.copied}\n  ${r.bytes} bytes, sha256 ${r.sha256}`);
      });
    });
  bundle
    .command('verify <file>')
    .description('check a bundle: its signature, every hash and the chain link; exit 0 only when all hold')
    .addOption(optionalDataOption("also check the signer is registered here for the bundle's workstation (its own bundles: one of its own identities) and the chain (its own: what it exported; others': what it merged)"))
    .action(async (file: string, o: { data?: string }) => {
      // With --data the workstation's own command verifies (and adds registration and chain); else the core alone.
      let r: { sha256: string; checks: string[]; sequence: number; previous: string | null; fingerprint: string; registered?: boolean; signer?: { ok: boolean; detail: string }; chain?: { ok: boolean; detail: string } };
      try {
        if (o.data) {
          r = await withApp(io, o.data, async (app) => {
            const res = await app.invokeAsync('bundle.verify', { file: { path: resolve(file) } }, { local: io.osUser });
            if (res.ok) return res.value as typeof r;
            io.err(`FAILED  ${res.error.message}`);
            throw new CliExit(exitCodeFor(res.error.code));
          });
        } else {
          const { verifyBundle } = await import('../../core/bundles/verify');
          const v = await verifyBundle(resolve(file));
          r = { sha256: v.sha256, checks: v.checks, sequence: v.manifest.sequence, previous: v.manifest.previous, fingerprint: v.signerFingerprint };
        }
      } catch (e) {
        if (!isLenteraError(e)) throw e;
        io.err(`FAILED  ${e.message}`);
        throw new CliExit(EXIT.FAILED);
      }
      for (const c of r.checks) io.out(`ok  ${c}`);
      io.out(`ok  chain: bundle ${r.sequence}${r.previous ? ` follows ${r.previous}` : ' is the first of its workstation'}`);
      if (r.signer) {
        if (!r.signer.ok) {
          io.err(`FAILED  signer: ${r.signer.detail} (${o.data})`);
          throw new CliExit(EXIT.FAILED);
        }
        io.out(`ok  signer: ${r.signer.detail}`);
      }
      if (r.chain) {
        if (!r.chain.ok) {
          io.err(`FAILED  chain: ${r.chain.detail}`);
          throw new CliExit(EXIT.FAILED);
        }
        io.out(`ok  chain: ${r.chain.detail}`);
      }
      io.out(`bundle ${r.sha256} verified`);
    });
  bundle
    .command('import <files...>')
    .description('merge bundles of an exam loaded here (in order per workstation; the same bundle twice changes nothing)')
    .addOption(dataOption())
    .action(async (files: string[], o: { data: string }) => {
      await withApp(io, o.data, async (app) => {
        for (const f of files) {
          const r = await invoke<ImportOutcome & { conflicts: Conflict[] }>(io, app, 'bundle.import', { file: { path: resolve(f) } });
          io.out(`${f}: bundle ${r.sequence} of ${r.exam} from workstation ${r.workstation}: ${r.unchanged ? 'already merged, nothing changed' : `merged ${r.records} records`}`);
          conflictsText(io, r.conflicts);
        }
      });
    });
  bundle
    .command('trust <certificate>')
    .description("register a workstation's certificate (PEM or DER): only bundles it signed are merged here, for its one workstation")
    .addOption(dataOption())
    .option('--workstation <id>', 'the workstation it signs for (`lentera status` there shows the id); else the first bundle merged from it binds it')
    .option('--exam <code>', 'accept its bundles for this exam only')
    .option('--label <text>', 'a note (venue, room)')
    .action(async (cert: string, o: { data: string; workstation?: string; exam?: string; label?: string }) => {
      await withApp(io, o.data, async (app) => {
        const t = await invoke<{ fingerprint: string; subject: string; workstation: string | null }>(io, app, 'bundle.trust', { certificate: { path: resolve(cert) }, exam: o.exam, workstation: o.workstation, label: o.label });
        io.out(`registered ${t.subject}\n  ${t.fingerprint}`);
        io.out(t.workstation ? `  signs for workstation ${t.workstation} only` : '  not bound yet: the first bundle merged from it binds it to its workstation (give --workstation ID to bind it now)');
      });
    });
  bundle
    .command('status')
    .description('bundles exported here and their state at the hub; bundles merged here and their conflicts')
    .addOption(dataOption())
    .option('--exam <code>', 'only this exam')
    .option('--json', 'print JSON')
    .action((o: { data: string; exam?: string; json?: boolean }) =>
      withApp(io, o.data, async (app) => {
        const exported = await invoke<{ exam: string; sequence: number; sha256: string; state: string | null; lastError: string | null; file: string }[]>(io, app, 'bundle.list', { exam: o.exam });
        const merged = await invoke<{ exam: string; workstations: { id: string; bundles: number; last: number }[]; candidates: number; byStatus: Record<string, number>; conflicts: Conflict[] }[]>(io, app, 'bundle.merged', { exam: o.exam }) ?? [];
        if (o.json) return io.out(JSON.stringify({ exported, merged }, null, 2));
        for (const b of exported) io.out(`exported ${b.exam} #${b.sequence} ${b.sha256.slice(0, 16)}… ${b.state ?? '-'}${b.lastError ? ` (${b.lastError})` : ''}`);
        for (const m of merged) {
          io.out(`merged ${m.exam}: ${m.workstations.map((w) => `${w.id.slice(-12)} up to #${w.last}`).join(', ')}; ${m.candidates} candidates ${JSON.stringify(m.byStatus)}`);
          conflictsText(io, m.conflicts);
        }
      }),
    );
  bundle
    .command('push')
    .description("push pending bundles to the hub now (the running workstation does this by itself); --hub sets the hub's address")
    .addOption(dataOption())
    .option('--hub <url>', "the hub's address, kept for later")
    .option('--log-key <key>', "the hub's log key (base64url), else pinned at first contact")
    .action(async (o: { data: string; hub?: string; logKey?: string }) => {
      await withApp(io, o.data, async (app) => {
        if (o.hub) await invoke(io, app, 'hub.configure', { url: o.hub, ...(o.logKey ? { logKey: o.logKey } : {}) });
        const results = await invoke<{ exam: string; sequence: number; state: string; message: string }[]>(io, app, 'outbox.push', {});
        if (!results.length) io.out('nothing to push (no pending bundle due, or no hub set)');
        for (const r of results) io.out(`${r.exam} #${r.sequence}: ${r.state}: ${r.message}`);
        if (results.some((r) => r.state !== 'confirmed')) throw new CliExit(EXIT.FAILED);
      });
    });
}
