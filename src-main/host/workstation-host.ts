// The main-process side of the hosted workstation (the model is Signal-Desktop's ts/sql/main.ts): one worker
// thread holds the LenteraApp and its database; each door call is a message with a request id, answered by
// exactly one promise. The main thread only passes messages, so it keeps answering while SQLite works.
import { Worker } from 'node:worker_threads';
import type { DoorAuth, DoorTarget } from '../api/door';
import { EventBus } from '../api/events';
import { fail, REGISTRY_CODES, type Result } from '../api/result';
import { LenteraError } from '../core/util/errors';
import { workerEntry } from '../core/util/worker-entry';
import type { HostRequest, WorkerMessage, WorkstationOptions } from './protocol';

export type { WorkstationOptions } from './protocol';

/** The reason `stopped` holds after a clean close. */
const CLOSED = 'it was closed';

/** How long close() waits for the worker to finish its calls and close the database before stopping it. */
const CLOSE_TIMEOUT_MS = 30_000;

export interface HostHooks {
  /** The worker ended without being asked to (a crash): the workstation no longer answers. */
  onStopped?: (reason: string) => void;
}

export class WorkstationHost implements DoorTarget {
  /** The worker's live events, published again on this thread for the doors. */
  readonly events = new EventBus();
  private readonly pending = new Map<number, { name: string; resolve: (r: Result) => void }>();
  private nextId = 1;
  /** Why calls are no longer answered (the worker crashed, or was closed); undefined while it runs. */
  private stopped: string | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly hooks: HostHooks,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: WorkerMessage) => this.receive(m));
    // An uncaught error in the worker ends it; 'exit' follows and settles the calls.
    worker.on('error', (e) => {
      console.error('[lentera] the workstation worker failed:', e);
      this.stop(`it failed: ${e.message}`);
    });
    worker.on('exit', (code) => this.stop(`it ended with exit code ${code}`));
  }

  /**
   * Starts the worker and opens the workstation in it. Rejects, with the workstation's own code and message, when
   * it cannot be opened (another owner holds it, the folder is not a workstation...).
   */
  static start(opts: WorkstationOptions, hooks: HostHooks = {}): Promise<WorkstationHost> {
    const worker = new Worker(workerEntry(import.meta.url, './worker-dev.mjs', './workstation-worker.js'), { workerData: opts, execArgv: [] });
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.type !== 'ready' && m.type !== 'failed') return;
        cleanup();
        if (m.type === 'ready') return resolve(new WorkstationHost(worker, hooks));
        void worker.terminate();
        reject(new LenteraError(m.error.code, m.error.message, m.error.details));
      };
      const onError = (e: Error) => {
        cleanup();
        void worker.terminate();
        reject(e);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`The workstation worker ended before it was ready (exit code ${code}).`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  }

  invokeAsync(name: string, input: unknown, auth: DoorAuth): Promise<Result> {
    if (this.stopped) return Promise.resolve(this.unavailable(name));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { name, resolve });
      try {
        this.send({ type: 'call', id, name, input, auth: { token: auth.token, client: auth.client } });
      } catch (e) {
        // Only plain data crosses to the worker; a door passes JSON (HTTP) or structured-cloned values (IPC).
        this.pending.delete(id);
        resolve(fail(REGISTRY_CODES.INVALID_INPUT, `The input of ${name} is not plain data: ${e instanceof Error ? e.message : String(e)}`, { command: name }));
      }
    });
  }

  /** Lets the calls in flight finish, closes the workstation (releasing its owner lock) and ends the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.stopped) {
        const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
        this.send({ type: 'close' });
        await this.exited;
        clearTimeout(timer);
      }
    })();
    return this.closing;
  }

  /** Stops the worker at once, without closing the workstation: for a worker that no longer answers. */
  async abort(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private send(m: HostRequest): void {
    this.worker.postMessage(m);
  }

  private receive(m: WorkerMessage): void {
    if (m.type === 'event') return this.events.publish(m.event);
    if (m.type === 'closed') {
      this.stopped ??= CLOSED;
      return;
    }
    if (m.type !== 'result') return;
    const call = this.pending.get(m.id);
    if (!call) return;
    this.pending.delete(m.id);
    call.resolve(m.result);
  }

  private stop(reason: string): void {
    const unexpected = !this.stopped && !this.closing;
    this.stopped ??= reason;
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.resolve(this.unavailable(call.name));
    }
    if (unexpected) this.hooks.onStopped?.(reason);
  }

  private unavailable(name: string): Result {
    const why = this.stopped === CLOSED ? 'Lentera is closing' : `The workstation stopped (${this.stopped})`;
    return fail(
      REGISTRY_CODES.INTERNAL,
      `${why}; ${name} got no answer. Whether it was carried out shows in the audit log once Lentera is started again.`,
      { command: name },
    );
  }
}
