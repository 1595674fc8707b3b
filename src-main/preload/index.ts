// Runs sandboxed, before the page: it can reach only the renderer's half of 'electron'. It exposes exactly two
// functions and never ipcRenderer itself, nor an event object (whose `sender` would hand the page ipcRenderer).
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_EVENT_CHANNEL, BRIDGE_INVOKE_CHANNEL, BRIDGE_KEY, type BridgeResult, type LenteraBridge } from './bridge';

const bridge: LenteraBridge = {
  invoke(command: string, input?: unknown): Promise<BridgeResult> {
    return ipcRenderer.invoke(BRIDGE_INVOKE_CHANNEL, String(command), input) as Promise<BridgeResult>;
  },
  subscribe(event: string, callback: (data: unknown) => void): () => void {
    if (typeof callback !== 'function') throw new TypeError('subscribe(event, callback) needs a function');
    const wanted = String(event);
    const listener = (_e: unknown, type: unknown, data: unknown) => {
      if (type === wanted) callback(data);
    };
    ipcRenderer.on(BRIDGE_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(BRIDGE_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
