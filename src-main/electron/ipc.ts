import type { DoorTarget } from '../api/door';
import { fail, REGISTRY_CODES, type Result } from '../api/result';
import { BRIDGE_EVENT_CHANNEL, BRIDGE_INVOKE_CHANNEL } from '../preload/bridge';
import { isAppUrl } from './protocol';

/** The one request channel (renderer → main) and the one event channel (main → renderer). */
export const INVOKE_CHANNEL = BRIDGE_INVOKE_CHANNEL;
export const EVENT_CHANNEL = BRIDGE_EVENT_CHANNEL;

/** Only our own page may call the door: the frame's URL must be on app://lentera, exactly. */
export function isTrustedSender(frame: { url: string } | null | undefined): boolean {
  return Boolean(frame) && isAppUrl(frame!.url);
}

/** The parts of Electron's WebContents the door uses. */
export interface DoorContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  getURL(): string;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface DoorInvokeEvent {
  sender: DoorContents;
  senderFrame: { url: string } | null;
}

/** The parts of Electron's ipcMain the door uses. */
export interface DoorIpcMain {
  handle(channel: string, listener: (event: DoorInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcDoor {
  /** How many WebContents currently hold a session (for tests and diagnostics). */
  readonly sessionCount: number;
  /** Removes the handler and the event subscription, forgets every session. */
  dispose(): void;
}

const LOGIN = 'accounts.login';
const LOGOUT = 'accounts.logout';

/**
 * The Electron door onto the registry. The renderer never sees a session token: the door keeps it per WebContents
 * and adds it to every call that WebContents makes, so a script in the page has nothing to steal or replay.
 * `target` is the desktop's WorkstationHost (the workstation in a worker thread, so the main process never waits
 * on SQLite); being a DoorTarget, it offers the door no synchronous entry to call by mistake.
 */
export function registerIpc(ipcMain: DoorIpcMain, target: DoorTarget, getWebContents: () => readonly DoorContents[]): IpcDoor {
  const tokens = new Map<number, string>();
  const watched = new Set<number>();

  const watch = (contents: DoorContents) => {
    if (watched.has(contents.id)) return;
    watched.add(contents.id);
    contents.once('destroyed', () => {
      tokens.delete(contents.id);
      watched.delete(contents.id);
    });
  };

  ipcMain.handle(INVOKE_CHANNEL, async (event, command, input): Promise<Result> => {
    if (!isTrustedSender(event.senderFrame)) {
      return fail(REGISTRY_CODES.FORBIDDEN, 'This page may not call Lentera.', {});
    }
    if (typeof command !== 'string' || command.length === 0 || command.length > 200) {
      return fail(REGISTRY_CODES.INVALID_INPUT, 'A command name is required.', {});
    }
    const id = event.sender.id;
    watch(event.sender);

    let result: Result;
    try {
      // Each window is its own client for the per-client limit on PIN checks.
      result = await target.invokeAsync(command, input, { token: tokens.get(id), client: `ipc:${id}` });
    } catch (e) {
      console.error(`[lentera] ${command} failed:`, e);
      return fail(REGISTRY_CODES.INTERNAL, `Internal error in ${command}.`, { command });
    }

    if (command === LOGOUT) {
      tokens.delete(id); // whatever the answer, this window is logged out
      return result;
    }
    if (!result.ok) {
      // A token the registry no longer accepts is of no use to keep.
      if (result.error.code === REGISTRY_CODES.UNAUTHENTICATED) tokens.delete(id);
      return result;
    }
    if (command === LOGIN && result.value && typeof result.value === 'object') {
      const { token, ...rest } = result.value as { token?: unknown } & Record<string, unknown>;
      if (typeof token === 'string') tokens.set(id, token);
      return { ok: true, value: rest };
    }
    return result;
  });

  const unsubscribe = target.events.subscribe((e) => {
    for (const contents of getWebContents()) {
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      try {
        contents.send(EVENT_CHANNEL, e.type, e.data);
      } catch (err) {
        console.error('[lentera] could not forward an event:', err);
      }
    }
  });

  return {
    get sessionCount() {
      return tokens.size;
    },
    dispose() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      unsubscribe();
      tokens.clear();
    },
  };
}
