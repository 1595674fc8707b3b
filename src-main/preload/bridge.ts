/**
 * What the preload puts on `window.lentera` in the desktop app. The renderer imports this type
 * (`import type { LenteraBridge } from '../../src-main/preload/bridge'`) and declares the global itself.
 *
 * - `invoke` runs a registry command and resolves to the registry's Result, `{ ok: true, value }` or
 *   `{ ok: false, error: { code, message, details } }`; it never rejects for a refusal. The session token stays in
 *   the main process: `accounts.login` answers without `token`, and later calls are authenticated by the window.
 * - `subscribe` listens to one live event type (e.g. 'audit.head') and returns the function that stops listening.
 */
export interface LenteraBridge {
  invoke(command: string, input?: unknown): Promise<BridgeResult>;
  subscribe(event: string, callback: (data: unknown) => void): () => void;
}

export type BridgeResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details: Record<string, unknown> } };

/** The global the preload defines. */
export const BRIDGE_KEY = 'lentera';

/** Channel names, repeated here so the preload bundle stays free of main-process code. */
export const BRIDGE_INVOKE_CHANNEL = 'lentera:invoke';
export const BRIDGE_EVENT_CHANNEL = 'lentera:event';
