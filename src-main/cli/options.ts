/**
 * What several commands share: the --data option, secrets read from a file or asked for, JSON files read with a
 * sentence on failure. Command files import this, never each other nor main.ts: each loads on its own when run.
 * Kept light (commander and node:fs only), since `lentera --help` loads it.
 */
import { Option } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, type CliIo } from './io';
import { CliExit } from './exit';

/** The --data options that name a workstation (main.ts gives each of their commands --passphrase-file). */
export const workstationDataOptions = new WeakSet<Option>();

export function dataOption(): Option {
  const o = new Option('--data <dir>', 'the workstation data directory').makeOptionMandatory();
  workstationDataOptions.add(o);
  return o;
}

/** An optional --data naming a workstation (a check against it): an encrypted one is unlocked like any other. */
export function optionalDataOption(description: string): Option {
  const o = new Option('--data <dir>', description);
  workstationDataOptions.add(o);
  return o;
}

/** The hub's data folder: the log's key, staged bundles, the site, and its state unless --db names a database. */
export function hubDataOption(): Option {
  return new Option('--data <dir>', 'the hub data directory').makeOptionMandatory(true);
}

/** Where the hub keeps its state: DATA/hub.sqlite, or the PostgreSQL database --db (or LENTERA_HUB_DB) names. */
export function hubDbOption(): Option {
  return new Option(
    '--db <url>',
    "keep the hub's state in this PostgreSQL database (postgres://USER@HOST:PORT/DATABASE; the password from ~/.pgpass or PGPASSWORD, never the command line) instead of DATA/hub.sqlite; several hubs may share one",
  ).env('LENTERA_HUB_DB');
}

/** The store `Publisher.open` is given: none (the folder's SQLite file) or a PostgreSQL connection string. */
export function hubStore(io: CliIo, o: { db?: string }): { db?: string } {
  if (o.db === undefined || o.db === '') return {};
  if (!/^postgres(ql)?:\/\//i.test(o.db)) {
    io.err('lentera: --db (or LENTERA_HUB_DB) must be a PostgreSQL connection string: postgres://USER@HOST:PORT/DATABASE');
    throw new CliExit(EXIT.USAGE);
  }
  return { db: o.db };
}

/** The workstation's passphrase on commands whose --passphrase-file is another one's (a signing key's). */
export function workstationPassphraseFileOption(): Option {
  return new Option('--workstation-passphrase-file <file>', "an encrypted workstation's passphrase, the file's first line (on commands whose --passphrase-file is a signing key's)");
}

export function passphraseFileOption(description = "an encrypted workstation's passphrase, the file's first line (asked for on a terminal when not given)"): Option {
  return new Option('--passphrase-file <file>', description);
}

/** A passphrase or password: the file's first line when a file is named, else asked without echo. */
export async function secret(io: CliIo, file: string | undefined, prompt: string): Promise<string> {
  if (file) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return io.askSecret(prompt);
}

export function readJsonFile(io: CliIo, file: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (e) {
    io.err(`lentera: ${file} cannot be read as JSON: ${(e as Error).message}`);
    throw new CliExit(EXIT.FAILED);
  }
}

/**
 * The hub's upload limit in MiB, for `lentera hub --help`: stated here so the help does not load the hub and
 * its bundle format; tests/unit/cli.test.ts holds these to HUB_DEFAULTS and LIMITS.
 */
export const HUB_UPLOAD_MIB = { default: 1024, max: 4096 } as const;
