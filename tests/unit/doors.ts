// Fakes of Electron's ipcMain and WebContents, as far as the IPC door uses them, shared by the door tests.
import type { DoorTarget } from '../../src-main/api/door';
import type { Result } from '../../src-main/api/result';
import { INVOKE_CHANNEL, type DoorContents, type DoorInvokeEvent } from '../../src-main/electron/ipc';

/** Electron's ipcMain, as far as the door uses it. */
export class FakeIpcMain {
  readonly handlers = new Map<string, (event: DoorInvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: DoorInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

/** A window's WebContents, as far as the door uses it. */
export class FakeContents implements DoorContents {
  readonly sent: unknown[][] = [];
  private destroyed = false;
  private readonly onDestroyed: (() => void)[] = [];
  constructor(
    readonly id: number,
    public url = 'app://lentera/index.html',
  ) {}
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.onDestroyed.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const l of this.onDestroyed.splice(0)) l();
  }
}

/**
 * What ipcRenderer.invoke(INVOKE_CHANNEL, command, input) from `contents` would get. Electron structured-clones
 * what crosses the door both ways; so does this, so an answer that only works in-process fails here too.
 */
export async function ipcCall(ipc: FakeIpcMain, contents: FakeContents, command: unknown, input?: unknown, frameUrl: string | null = contents.url): Promise<Result> {
  const handler = ipc.handlers.get(INVOKE_CHANNEL);
  if (!handler) throw new Error('no handler');
  const answer = await handler({ sender: contents, senderFrame: frameUrl === null ? null : { url: frameUrl } }, structuredClone(command), structuredClone(input));
  return structuredClone(answer) as Result;
}

/** A file sent through a door the way the renderer does it: files.upload in chunks, then the upload id. */
export async function uploadThrough(call: (command: string, input: unknown) => Promise<Result>, data: Buffer, chunkBytes = 6 * 1024 * 1024): Promise<string> {
  let uploadId: string | undefined;
  for (let offset = 0; offset < data.length || uploadId === undefined; offset += chunkBytes) {
    const chunk = data.subarray(offset, offset + chunkBytes);
    const r = await call('files.upload', { ...(uploadId ? { uploadId } : {}), offset, dataBase64: chunk.toString('base64') });
    if (!r.ok) throw new Error(`upload refused: ${r.error.code} ${r.error.message}`);
    uploadId = (r.value as { uploadId: string }).uploadId;
  }
  return uploadId;
}

/**
 * The app as a door may see it: its asynchronous entry and its events, nothing else. Reaching for anything more
 * (the synchronous `invoke`, the database) throws and is recorded in `reached`, so a door that bypasses
 * DoorTarget at run time (a cast, an `any`) fails the test that uses this.
 */
export function asyncOnly(app: DoorTarget): DoorTarget & { readonly reached: string[] } {
  const reached: string[] = [];
  const door: DoorTarget = { invokeAsync: (name, input, auth) => app.invokeAsync(name, input, auth), events: app.events };
  return new Proxy(door as DoorTarget & { reached: string[] }, {
    get(target, key, receiver) {
      if (key === 'reached') return reached;
      if (key === 'invokeAsync' || key === 'events' || key === 'then') return Reflect.get(target, key, receiver);
      reached.push(String(key));
      throw new Error(`a door reached for ${String(key)}, which is not part of DoorTarget`);
    },
  });
}
