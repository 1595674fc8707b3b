// The workstation off the main thread: a LenteraApp with its SQLite database lives here, so a 100k-row import,
// a ranking or an export never stops the desktop's main process from answering its windows. It talks to
// WorkstationHost by messages only (see protocol.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { LenteraApp } from '../api/app';
import type { DoorAuth } from '../api/door';
import { fail, REGISTRY_CODES, type Result } from '../api/result';
import { isLenteraError } from '../core/util/errors';
import { yieldToMainThread } from '../core/util/thread-priority';
import type { HostRequest, WorkerMessage, WorkstationOptions } from './protocol';

const port = parentPort!;
const opts = workerData as WorkstationOptions;
const post = (m: WorkerMessage) => port.postMessage(m);

/** Only what a door may say passes: a `local` principal (the command line's) cannot be smuggled in. */
function doorAuth(auth: DoorAuth | undefined): DoorAuth {
  return {
    token: typeof auth?.token === 'string' ? auth.token : undefined,
    client: typeof auth?.client === 'string' ? auth.client : undefined,
  };
}

function open(): LenteraApp | undefined {
  try {
    return new LenteraApp({ dataDir: opts.dataDir, allowInit: opts.allowInit, owner: opts.owner, nativeBinding: opts.nativeBinding });
  } catch (e) {
    const error = isLenteraError(e)
      ? { code: e.code, message: e.message, details: e.details }
      : { code: REGISTRY_CODES.INTERNAL, message: e instanceof Error ? e.message : String(e), details: {} };
    post({ type: 'failed', error: JSON.parse(JSON.stringify(error)) as typeof error });
    return undefined;
  }
}

yieldToMainThread();
const app = open();
if (!app) {
  port.close();
} else {
  const inflight = new Set<Promise<void>>();
  let closing = false;

  app.events.subscribe((event) => {
    try {
      post({ type: 'event', event });
    } catch (e) {
      console.error(`[lentera] event ${event.type} could not be passed on:`, e);
    }
  });

  const answer = async (id: number, name: string, input: unknown, auth: DoorAuth): Promise<void> => {
    let result: Result;
    try {
      result = closing ? fail(REGISTRY_CODES.INTERNAL, 'Lentera is closing; the command was not run.', { command: name }) : await app.invokeAsync(name, input, doorAuth(auth));
    } catch (e) {
      console.error(`[lentera] ${name} failed:`, e);
      result = fail(REGISTRY_CODES.INTERNAL, `Internal error in ${name}.`, { command: name });
    }
    try {
      post({ type: 'result', id, result });
    } catch (e) {
      // Not plain data (a Buffer is, a function is not): the caller still gets an answer instead of waiting forever.
      console.error(`[lentera] the answer of ${name} could not be passed on:`, e);
      post({ type: 'result', id, result: fail(REGISTRY_CODES.INTERNAL, `Internal error in ${name}: its answer could not be passed on.`, { command: name }) });
    }
  };

  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    // Calls already sent finish first: a command half-way through its file read is not cut off.
    await Promise.allSettled([...inflight]);
    app.close();
    post({ type: 'closed' });
    port.close();
  };

  port.on('message', (m: HostRequest) => {
    if (m.type === 'close') return void close();
    if (m.type !== 'call') return;
    const p = answer(m.id, m.name, m.input, m.auth).finally(() => inflight.delete(p));
    inflight.add(p);
  });

  if (opts.outbox) {
    app.outbox.start();
    app.backups.start();
    app.ranker?.start();
  }
  post({ type: 'ready' });
}
