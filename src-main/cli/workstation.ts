import { LenteraApp } from '../api/app';
import type { Result } from '../api/result';
import { isLenteraError } from '../core/util/errors';
import { EXIT, type CliIo } from './io';

export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Exit code for a refusal: 3 for a database from a newer Lentera (so scripts can tell), 1 otherwise. */
export function exitCodeFor(code: string): number {
  return code === 'SCHEMA_TOO_NEW' ? EXIT.SCHEMA_TOO_NEW : EXIT.FAILED;
}

/** Opens the workstation for a command; `owner` only for `serve` (one-shot commands work beside the owner). */
export function openApp(io: CliIo, dataDir: string, allowInit = false, owner?: { door: string }): LenteraApp {
  try {
    return new LenteraApp({ dataDir, allowInit, owner });
  } catch (e) {
    if (isLenteraError(e)) {
      io.err(`lentera: ${e.message}`);
      throw new CliExit(exitCodeFor(e.code));
    }
    throw e;
  }
}

/** Runs one registry command as the local OS user and returns its value, or reports and exits. */
export function invokeOrExit<T>(io: CliIo, app: LenteraApp, name: string, input: unknown): T {
  return valueOrExit<T>(io, app.invoke(name, input, { local: io.osUser }));
}

/** The same for commands that read files first. */
export async function invokeAsyncOrExit<T>(io: CliIo, app: LenteraApp, name: string, input: unknown): Promise<T> {
  return valueOrExit<T>(io, await app.invokeAsync(name, input, { local: io.osUser }));
}

function valueOrExit<T>(io: CliIo, result: Result): T {
  if (!result.ok) {
    io.err(`lentera: ${result.error.message}`);
    throw new CliExit(exitCodeFor(result.error.code));
  }
  return result.value as T;
}

export function withApp<T>(io: CliIo, dataDir: string, fn: (app: LenteraApp) => T): T {
  const app = openApp(io, dataDir);
  try {
    return fn(app);
  } finally {
    app.close();
  }
}

export async function withAppAsync<T>(io: CliIo, dataDir: string, fn: (app: LenteraApp) => Promise<T>): Promise<T> {
  const app = openApp(io, dataDir);
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}
