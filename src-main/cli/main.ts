/**
 * The `lentera` command line. Every command file registers its commands, options and help up front and imports
 * what its action needs (the app, SQLite, the PDF and spreadsheet libraries) only when that action runs: this
 * module and the command files load nothing heavy, so `lentera --help` starts in about the time of Node itself.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version';
import { registerBundleCommands } from './commands/bundles';
import { registerPublishCommands } from './commands/publish';
import { registerAnnounceCommand } from './commands/announce';
import { registerVoiceCommands } from './commands/voice';
import { registerAccountCommands } from './commands/accounts';
import { registerAuditCommands } from './commands/audit';
import { registerDemoCommand } from './commands/demo';
import { registerExamCommands } from './commands/exams';
import { registerScoreCommands } from './commands/scores';
import { registerRankCommand } from './commands/rank';
import { registerSheetCommands } from './commands/sheets';
import { registerInitCommand } from './commands/init';
import { registerServeCommand } from './commands/serve';
import { registerStatusCommand } from './commands/status';
import { registerCustodyCommands } from './commands/custody';
import { registerPurgeCommand } from './commands/purge';
import { registerBackupCommands } from './commands/backup';
import { registerWitnessCommands } from './commands/witness';
import { passphraseFileOption, workstationDataOptions, workstationPassphraseFileOption } from './options';
import { exitCodeFor, setPassphraseFile } from './workstation';
import { EXIT, processIo, type CliIo } from './io';
import { CliExit } from './exit';
import { randomBytes } from 'node:crypto';
import { isLenteraError } from '../core/util/errors';
import { fileSystemRefusal } from '../core/util/fs-errors';

export function buildProgram(io: CliIo): Command {
  const program = new Command('lentera')
    .description('Lentera: offline assessment workstation for transparent ASN recruitment')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run "lentera --help" for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    // Options after a subcommand belong to it ("hub trust --data" is not "hub --data").
    .enablePositionalOptions();
  registerInitCommand(program, io);
  registerServeCommand(program, io);
  registerStatusCommand(program, io);
  registerAuditCommands(program, io);
  registerAccountCommands(program, io);
  registerExamCommands(program, io);
  registerDemoCommand(program, io);
  registerScoreCommands(program, io);
  registerRankCommand(program, io);
  registerSheetCommands(program, io);
  registerBundleCommands(program, io);
  registerPublishCommands(program, io);
  registerAnnounceCommand(program, io);
  registerVoiceCommands(program, io);
  registerCustodyCommands(program, io);
  registerPurgeCommand(program, io);
  registerBackupCommands(program, io);
  registerWitnessCommands(program, io);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  // Every command that opens a workstation can unlock an encrypted one: --workstation-passphrase-file everywhere, and
  // --passphrase-file too where the command has no passphrase of its own (a signing key's, for sheets or keys).
  const withData = (c: Command): Command[] => [c, ...c.commands.flatMap(withData)];
  const ours = new WeakSet<Command>();
  for (const c of withData(program)) {
    if (!c.options.some((o) => workstationDataOptions.has(o))) continue;
    if (!c.options.some((o) => o.long === '--passphrase-file')) {
      c.addOption(passphraseFileOption());
      ours.add(c);
    }
    c.addOption(workstationPassphraseFileOption());
  }
  program.hook('preAction', (_program, action) => {
    const o = action.opts() as { passphraseFile?: string; workstationPassphraseFile?: string };
    setPassphraseFile(io, o.workstationPassphraseFile ?? (ours.has(action) ? o.passphraseFile : undefined));
  });
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 refused or failed, 2 usage, 3 database from a newer Lentera. */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    // A file-system failure (a full disk, a path that is a file) is said in a sentence; anything else is a bug,
    // reported with a reference, and its stack trace only when asked for.
    const said = fileSystemRefusal(e);
    if (isLenteraError(said)) {
      io.err(`lentera: ${said.message}`);
      return exitCodeFor(said.code);
    }
    const ref = randomBytes(6).toString('hex');
    io.err(`lentera: something went wrong (ref ${ref}): ${e instanceof Error ? e.message : String(e)}. Nothing more was done.`);
    if (process.env.LENTERA_DEBUG) io.err(e instanceof Error ? (e.stack ?? '') : '');
    else io.err('lentera: run again with LENTERA_DEBUG=1 to see the details for a bug report.');
    return EXIT.FAILED;
  }
}
