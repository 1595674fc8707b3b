import type { LenteraBridge, Result } from './types';

/** How a command reaches the registry: Electron IPC in the desktop window, HTTP in a browser. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(command: string, input: unknown): Promise<Result>;
  subscribe(event: string, cb: (data: unknown) => void): () => void;
  /** The HTTP transport carries the session token itself; over IPC the main process keeps it. */
  setToken(token: string | null): void;
  hasToken(): boolean;
}

function failure(code: string, message: string, details: Record<string, unknown> = {}): Result {
  return { ok: false, error: { code, message, details } };
}

function isResult(x: unknown): x is Result {
  if (!x || typeof x !== 'object') return false;
  const r = x as { ok?: unknown; error?: unknown };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error === 'object' && r.error !== null;
}

export class IpcTransport implements Transport {
  readonly kind = 'ipc' as const;
  constructor(private readonly bridge: LenteraBridge) {}

  async invoke(command: string, input: unknown): Promise<Result> {
    try {
      const result = await this.bridge.invoke(command, input);
      return isResult(result) ? result : failure('INTERNAL', 'The workstation sent an answer of an unknown shape.');
    } catch (e) {
      return failure('TRANSPORT', e instanceof Error ? e.message : String(e));
    }
  }

  subscribe(event: string, cb: (data: unknown) => void): () => void {
    return this.bridge.subscribe(event, cb);
  }

  setToken(): void {}

  hasToken(): boolean {
    return true; // the main process knows; `accounts.me` tells whether the session is still alive
  }
}

const TOKEN_KEY = 'lentera.session';

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  private source: EventSource | undefined;
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>();

  constructor(private readonly base = '') {}

  private get token(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

  setToken(token: string | null): void {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // storage disabled: the session lasts as long as this page
    }
  }

  hasToken(): boolean {
    return Boolean(this.token);
  }

  async invoke(command: string, input: unknown): Promise<Result> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const token = this.token;
    if (token) headers['x-lentera-session'] = token;
    let response: Response;
    try {
      response = await fetch(`${this.base}/api/${encodeURIComponent(command)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input ?? {}),
        cache: 'no-store',
      });
    } catch (e) {
      return failure('TRANSPORT', e instanceof Error ? e.message : String(e));
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return failure('TRANSPORT', `HTTP ${response.status} ${response.statusText}`, { status: response.status });
    }
    return isResult(body) ? body : failure('TRANSPORT', `HTTP ${response.status}: unexpected answer`, { status: response.status });
  }

  subscribe(event: string, cb: (data: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
      this.eventSource().addEventListener(event, (e) => this.dispatch(event, e as MessageEvent<string>));
    }
    set.add(cb);
    return () => {
      set.delete(cb);
    };
  }

  private dispatch(event: string, e: MessageEvent<string>): void {
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    for (const cb of this.listeners.get(event) ?? []) cb(data);
  }

  private eventSource(): EventSource {
    if (!this.source) {
      this.source = new EventSource(`${this.base}/api/events`);
      // After a reconnect, events may have been missed: tell the subscribers of the synthetic "reconnected".
      this.source.addEventListener('open', () => {
        for (const cb of this.listeners.get('transport.open') ?? []) cb(null);
      });
    }
    return this.source;
  }
}

/** Picked once, at start-up: the desktop preload if it is there, else HTTP to the origin that served the page. */
export function pickTransport(): Transport {
  return window.lentera ? new IpcTransport(window.lentera) : new HttpTransport();
}
