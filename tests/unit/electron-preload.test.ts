import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LenteraBridge } from '../../src-main/preload/bridge';

// Electron's renderer half, faked: the real module cannot load outside the runtime. Nothing of ours is mocked.
const fake = vi.hoisted(() => {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  return {
    listeners,
    exposed,
    invoked,
    emit(channel: string, ...args: unknown[]) {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer-would-leak-here' }, ...args);
    },
    electron: {
      contextBridge: {
        exposeInMainWorld(key: string, api: unknown) {
          exposed[key] = api;
        },
      },
      ipcRenderer: {
        invoke(...args: unknown[]) {
          invoked.push(args);
          return Promise.resolve({ ok: true, value: 'pong' });
        },
        on(channel: string, l: (...args: unknown[]) => void) {
          listeners.set(channel, [...(listeners.get(channel) ?? []), l]);
        },
        removeListener(channel: string, l: (...args: unknown[]) => void) {
          listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l));
        },
      },
    },
  };
});

vi.mock('electron', () => fake.electron);

let bridge: LenteraBridge;

beforeAll(async () => {
  await import('../../src-main/preload/index');
  bridge = fake.exposed.lentera as LenteraBridge;
});

describe('the preload bridge', () => {
  it('exposes exactly invoke and subscribe on window.lentera, nothing else', () => {
    expect(Object.keys(fake.exposed)).toEqual(['lentera']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(bridge)).not.toContain(fake.electron.ipcRenderer);
  });

  it('invoke sends command and input on the one channel', async () => {
    await expect(bridge.invoke('system.status', { a: 1 })).resolves.toEqual({ ok: true, value: 'pong' });
    expect(fake.invoked.at(-1)).toEqual(['lentera:invoke', 'system.status', { a: 1 }]);
  });

  it('subscribe filters by type, hands over only the data, and unsubscribes', () => {
    const got: unknown[] = [];
    const stop = bridge.subscribe('audit.head', (data) => got.push(data));
    fake.emit('lentera:event', 'audit.head', { seq: 2 });
    fake.emit('lentera:event', 'other.thing', { seq: 99 });
    fake.emit('lentera:event', 'audit.head', { seq: 3 });
    expect(got).toEqual([{ seq: 2 }, { seq: 3 }]); // never the IPC event (its sender is ipcRenderer)
    stop();
    fake.emit('lentera:event', 'audit.head', { seq: 4 });
    expect(got).toHaveLength(2);
    expect(fake.listeners.get('lentera:event')).toHaveLength(0);
  });

  it('refuses a subscriber that is not a function', () => {
    expect(() => bridge.subscribe('audit.head', 'nope' as unknown as () => void)).toThrow(TypeError);
  });
});
