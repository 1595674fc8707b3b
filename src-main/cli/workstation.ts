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

export function openApp(io: CliIo, dataDir: string, allowInit = false): LenteraApp {
  try {
    return new LenteraApp({ dataDir, allowInit });
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
  const result: Result = app.invoke(name, input, { local: io.osUser });
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
