import { randomBytes } from 'node:crypto';

let installed = false;

/**
 * The last line of defence of a long-running server (serve, hub): an exception that escaped every handler is
 * logged with a reference and the process keeps serving. Every write is one SQLite transaction, so a request
 * that died half-way left the last committed state intact; ending the process would instead hand any client
 * that can trigger such a bug a way to stop the venue's server.
 */
export function keepServing(log: (line: string) => void = (l) => console.error(`[lentera] ${l}`)): void {
  if (installed) return;
  installed = true;
  const report = (kind: string) => (e: unknown) => {
    const ref = randomBytes(6).toString('hex');
    log(`${kind} (ref ${ref}), the server keeps running: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
}
