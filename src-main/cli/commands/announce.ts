import type { Command } from 'commander';
import { EXIT, type CliIo } from '../io';
import { dataOption, secret } from '../options';
import { CliExit, invoke, withApp } from '../workstation';

interface Published {
  exam: string;
  seq: number;
  sha256: string;
  ruleset: { id: string; version: string; sha256: string };
  objectionFrom: string;
  objectionUntil: string;
  files: { json: string; pdf: string | null };
  hub: string | null;
}

interface Pushed {
  logged: { seq: number; leaf: number; unchanged: boolean; checkpoint: { size: number } }[];
  failed: { seq: number; code: string; message: string } | null;
}

/**
 * `lentera announce`: the exam's announcement (pengumuman), signed by the coordinator, written to
 * DATA/pengumuman/ and sent to the hub when one is set; without a hub the files go to it on a USB stick
 * (`lentera hub announce` there). docs/publication.md.
 */
export function registerAnnounceCommand(program: Command, io: CliIo): void {
  program
    .command('announce')
    .description("publish the exam's announcement (pengumuman): formations, stages, weights, passing grades, ruleset, schedule, rubrics, objection period; signed, and sent to the hub if one is set")
    .addOption(dataOption())
    .requiredOption('--exam <code>', 'exam code')
    .option('--sanggah-mulai <date>', 'first day of the objection period, YYYY-MM-DD (WIB)')
    .option('--sanggah-selesai <date>', 'last day of the objection period, YYYY-MM-DD (WIB)')
    .option('--account <name>', 'whose signing identity (a coordinator)', 'koordinator')
    .option('--passphrase-file <file>', 'read the passphrase from a file (else asked)')
    .option('--no-push', 'do not send it to the hub now (it waits; "lentera announce --push-only" sends it later)')
    .option('--push-only', 'publish nothing: send the announcements the hub has not logged yet')
    .option('--list', "list the exam's announcements and stop")
    .action(async (o: { data: string; exam: string; sanggahMulai?: string; sanggahSelesai?: string; account: string; passphraseFile?: string; push: boolean; pushOnly?: boolean; list?: boolean }) => {
      if (o.list) {
        await withApp(io, o.data, async (app) => {
          const r = await invoke<{ hub: string | null; announcements: { seq: number; sha256: string; at: string; rulesetSha256: string; objectionFrom: string; objectionUntil: string; leafIdx: number | null }[] }>(io, app, 'announcement.list', { exam: o.exam });
          if (!r.announcements.length) io.out(`no announcement of ${o.exam} yet`);
          for (const a of r.announcements) io.out(`#${a.seq} ${a.sha256} ${a.at} ruleset ${a.rulesetSha256.slice(0, 16)}… sanggah ${a.objectionFrom} – ${a.objectionUntil} ${a.leafIdx === null ? 'not yet logged at the hub' : `log entry ${a.leafIdx}`}`);
        });
        return;
      }
      const push = async (app: Parameters<Parameters<typeof withApp>[2]>[0]) => {
        const r = await invoke<Pushed>(io, app, 'announcement.push', { exam: o.exam });
        if (!r.logged.length && !r.failed) io.out('nothing to send: the hub has logged every announcement');
        for (const l of r.logged) io.out(`announcement ${l.seq}: ${l.unchanged ? 'already logged' : 'logged'} at the hub as log entry ${l.leaf} (checkpoint size ${l.checkpoint.size}); the proof verifies against the pinned log key`);
        if (r.failed) {
          io.err(`lentera: announcement ${r.failed.seq} not sent: ${r.failed.message}`);
          throw new CliExit(EXIT.FAILED);
        }
      };
      if (o.pushOnly) {
        await withApp(io, o.data, push);
        return;
      }
      if (!o.sanggahMulai || !o.sanggahSelesai) {
        io.err('lentera announce: give the objection period: --sanggah-mulai YYYY-MM-DD --sanggah-selesai YYYY-MM-DD');
        throw new CliExit(EXIT.USAGE);
      }
      const passphrase = await secret(io, o.passphraseFile, `Passphrase of ${o.account}'s signing key: `);
      await withApp(io, o.data, async (app) => {
        const r = await invoke<Published>(io, app, 'announcement.publish', { exam: o.exam, objectionFrom: o.sanggahMulai, objectionUntil: o.sanggahSelesai, passphrase, account: o.account });
        io.out(`announcement ${r.seq} of ${r.exam} signed: sha256 ${r.sha256}`);
        io.out(`  ruleset ${r.ruleset.id} ${r.ruleset.version} (sha256 ${r.ruleset.sha256}); objections from ${r.objectionFrom} until ${r.objectionUntil}`);
        io.out(`  ${r.files.json}`);
        if (r.files.pdf) io.out(`  ${r.files.pdf}`);
        if (!r.hub) {
          io.out('no hub is set here: take both files to the hub and run there "lentera hub announce --data HUB FILE.json FILE.pdf"');
          return;
        }
        if (!o.push) {
          io.out(`not sent to ${r.hub} (--no-push); send it with "lentera announce --push-only"`);
          return;
        }
        await push(app);
      });
    });
}
