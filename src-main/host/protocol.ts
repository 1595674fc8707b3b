// The messages between WorkstationHost (main thread) and its worker. Everything in them is structured-cloned:
// Results and events are plain JSON, so they cross unchanged.
import type { DoorAuth } from '../api/door';
import type { LiveEvent } from '../api/events';
import type { ErrorBody, Result } from '../api/result';

/** What the worker opens: the same options the desktop gave the in-process LenteraApp, plus the outbox. */
export interface WorkstationOptions {
  dataDir: string;
  allowInit?: boolean;
  owner?: boolean | { door: string };
  nativeBinding?: string;
  /** Push exported bundles to the hub from the worker, as a long-running door does. */
  outbox?: boolean;
}

export type HostRequest =
  | { type: 'call'; id: number; name: string; input: unknown; auth: DoorAuth }
  /** Finish the calls in flight, close the workstation (and its owner lock), then end the thread. */
  | { type: 'close' };

export type WorkerMessage =
  | { type: 'ready' }
  /** The workstation could not be opened (in use by another owner, not a workstation, ...): the thread ends. */
  | { type: 'failed'; error: ErrorBody }
  | { type: 'result'; id: number; result: Result }
  | { type: 'event'; event: LiveEvent }
  | { type: 'closed' };
