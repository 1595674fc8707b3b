import { pickTransport, type Transport } from './transport';
import type { ErrorBody, LoginValue, Result } from './types';

/** A refused command, carrying the registry's code, message and details. */
export class ApiError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.details = body.details ?? {};
  }

  get body(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function toErrorBody(e: unknown): ErrorBody {
  if (e instanceof ApiError) return e.body;
  return { code: 'CLIENT', message: e instanceof Error ? e.message : String(e), details: {} };
}

type Hook = (command: string, result: Result) => void;

/** Commands that only read the head or status: calling them must not trigger another status refresh. */
const QUIET = new Set(['system.status', 'audit.head']);

/** The one API client of the renderer. Every screen goes through it; it does not know which transport it has. */
export class ApiClient {
  private readonly afterHooks = new Set<Hook>();

  constructor(readonly transport: Transport) {}

  /** Runs a command and returns its answer as a Result, never throwing. */
  async invoke(command: string, input: unknown = {}): Promise<Result> {
    const result = await this.transport.invoke(command, input);
    if (result.ok && command === 'accounts.login') {
      const token = (result.value as LoginValue).token;
      if (token) this.transport.setToken(token);
    }
    if (command === 'accounts.logout' || (!result.ok && result.error.code === 'UNAUTHENTICATED')) {
      this.transport.setToken(null);
    }
    if (!QUIET.has(command)) for (const hook of this.afterHooks) hook(command, result);
    return result;
  }

  /** Runs a command and returns its value; a refusal is thrown as an ApiError. */
  async call<T>(command: string, input: unknown = {}): Promise<T> {
    const result = await this.invoke(command, input);
    if (!result.ok) throw new ApiError(result.error);
    return result.value as T;
  }

  subscribe(event: string, cb: (data: unknown) => void): () => void {
    return this.transport.subscribe(event, cb);
  }

  /** Called after each command (except status reads) with its result. */
  onAfterCommand(hook: Hook): () => void {
    this.afterHooks.add(hook);
    return () => {
      this.afterHooks.delete(hook);
    };
  }
}

export const api = new ApiClient(pickTransport());
