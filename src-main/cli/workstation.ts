import type { LenteraApp } from '../api/app';
import type { OneShotApp } from './one-shot-app';
import type { Auth } from '../api/registry';
import type { Result } from '../api/result';
import { isLenteraError } from '../core/util/errors';
import { EXIT, type CliIo } from './io';
import { secret } from './options';
import { CliExit } from './exit';

export { CliExit } from './exit';

/**
 * What the CLI may call on the workstation: the asynchronous entry every door uses, nothing synchronous.
 * (The same shape as the doors' DoorTarget, without its events: a one-shot command listens to none.)
 */
export interface CliTarget {
  invokeAsync(name: string, input: unknown, auth: Auth): Promise<Result>;
}

/** Exit code for a refusal: 3 for a database from a newer Lentera (so scripts can tell), 1 otherwise. */
export function exitCodeFor(code: string): number {
  return code === 'SCHEMA_TOO_NEW' ? EXIT.SCHEMA_TOO_NEW : EXIT.FAILED;
}

/** Makes the app, reporting a folder that is no workstation (or from a newer Lentera) as the CLI does. */
function opened<T>(io: CliIo, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (isLenteraError(e)) {
      io.err(`lentera: ${e.message}`);
      throw new CliExit(exitCodeFor(e.code));
    }
    throw e;
  }
}

/** The --passphrase-file of the command being run, per io (main.ts sets it before the action). */
const passphraseFiles = new WeakMap<CliIo, string>();

export function setPassphraseFile(io: CliIo, file: string | undefined): void {
  if (file === undefined) passphraseFiles.delete(io);
  else passphraseFiles.set(io, file);
}

/**
 * What unlocks the workstation in `dataDir`: nothing when it is plain (or not there yet), else its passphrase
 * from --passphrase-file, or typed on a terminal. A script with neither is told so, and no attempt is counted;
 * unless it may `wait` (serve): then it gets nothing and the app starts locked, to be unlocked in the browser.
 */
export async function unlockSecret(io: CliIo, dataDir: string, opts: { wait?: boolean } = {}): Promise<{ passphrase: string } | undefined> {
  const [{ isEncrypted }, { isWorkstation }] = await Promise.all([import('../core/custody/custody'), import('../core/workstation/workstation')]);
  if (!isWorkstation(dataDir) || !isEncrypted(dataDir)) return undefined;
  const file = passphraseFiles.get(io);
  if (file !== undefined) return { passphrase: await secret(io, file, '') };
  if (!process.stdin.isTTY) {
    if (opts.wait) return undefined;
    io.err(`lentera: the workstation in ${dataDir} is encrypted: give its passphrase with --passphrase-file FILE (--workstation-passphrase-file where --passphrase-file is a signing key's), or run this on a terminal to type it.`);
    throw new CliExit(EXIT.FAILED);
  }
  return { passphrase: await io.askSecret('Workstation passphrase: ') };
}

/**
 * Opens the workstation for a one-shot command, beside whoever owns it. The app and SQLite load here, on first
 * use (`lentera --help` never loads them), and each command's module only when it is invoked (./one-shot-app).
 */
export async function openApp(io: CliIo, dataDir: string, allowInit = false): Promise<OneShotApp> {
  const { OneShotApp } = await import('./one-shot-app');
  const unlock = await unlockSecret(io, dataDir);
  return opened(io, () => new OneShotApp({ dataDir, allowInit, ...(unlock ? { unlock } : {}) }));
}

/**
 * Opens the workstation as its owner, with every command and the hub pusher: for `serve`, which serves them all.
 * An encrypted workstation with no passphrase given and no terminal to type it on is opened locked: the browser
 * on this machine unlocks it (`workstation.unlock`, loopback only; see `app.locked`).
 */
export async function openOwnerApp(io: CliIo, dataDir: string, allowInit: boolean, owner: { door: string }): Promise<LenteraApp> {
  const { LenteraApp } = await import('../api/app');
  const unlock = await unlockSecret(io, dataDir, { wait: true });
  return opened(io, () => new LenteraApp({ dataDir, allowInit, owner, ...(unlock ? { unlock } : {}) }));
}

/** Runs one registry command as the local OS user and returns its value, or reports and exits. */
export async function invoke<T>(io: CliIo, app: CliTarget, name: string, input: unknown): Promise<T> {
  const result = await app.invokeAsync(name, input, { local: io.osUser });
  if (!result.ok) {
    io.err(`lentera: ${result.error.message}`);
    throw new CliExit(exitCodeFor(result.error.code));
  }
  return result.value as T;
}

/** Opens the workstation, runs fn with it and closes it, whatever fn does. */
export async function withApp<T>(io: CliIo, dataDir: string, fn: (app: OneShotApp) => Promise<T>): Promise<T> {
  const app = await openApp(io, dataDir);
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}
