import type { Listener } from './events';
import type { Result } from './result';

/**
 * Who a door says is calling: a session token and the client it came from, never `{ local }`. Acting as the
 * local user is the command line's privilege alone; a door that could pass it would let a window or a LAN client
 * name paths on this machine.
 */
export interface DoorAuth {
  token?: string | undefined;
  client?: string | undefined;
}

/** The live events as a door sees them: it may listen, not publish. */
export interface DoorEvents {
  subscribe(listener: Listener): () => void;
}

/**
 * All a door (IPC, HTTP) may reach of the workstation. Only the asynchronous entry is here: commands that read a
 * file do it before their transaction and fail through the synchronous one, and a workstation hosted in a worker
 * thread can only answer asynchronously anyway. `LenteraApp` and `WorkstationHost` both implement it.
 */
export interface DoorTarget {
  invokeAsync(name: string, input: unknown, auth: DoorAuth): Promise<Result>;
  readonly events: DoorEvents;
}
