import { pickTransport, type Transport } from './transport';
import type { CommandInput, CommandName, CommandOutput, ErrorBody, LoginValue, Result } from './types';

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

/**
 * `current`: whether the answer belongs to the session this page holds now. An answer to a request sent before a
 * logout or a login (an audit list still polling as the next person logs in) is not: its UNAUTHENTICATED speaks of
 * a session that has already ended, and must not end the one that replaced it.
 */
type Hook = (command: CommandName, result: Result, current: boolean) => void;

/** The commands whose every input field is optional: their input may be left out. */
type OptionalInput = { [K in CommandName]: Record<never, never> extends CommandInput<K> ? K : never }[CommandName];

/** Commands that only read the head or status: calling them must not trigger another status refresh. */
const QUIET = new Set(['system.status', 'audit.head']);

const LOGIN = 'accounts.login';
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const deviceKey = (name: string) => `lentera.device.${name}`;

/**
 * The device token of a person on this browser or window: the workstation hands one out at each login and
 * counts wrong PINs sent with it apart from everyone else's, so nobody on the LAN can lock a person out of their
 * own device. Kept in localStorage (it outlives the session on purpose); where storage is disabled, there is
 * none, and the login simply counts like any unknown device.
 */
function storedDeviceToken(name: string): string | null {
  try {
    const token = localStorage.getItem(deviceKey(name));
    return token && DEVICE_TOKEN.test(token) ? token : null;
  } catch {
    return null;
  }
}

function storeDeviceToken(name: string, token: unknown): void {
  if (typeof token !== 'string' || !DEVICE_TOKEN.test(token)) return;
  try {
    localStorage.setItem(deviceKey(name), token);
  } catch {
    // storage disabled: the next login counts as an unknown device
  }
}

/** The login name as the workstation keys it (names are lower case), or null when the input has none. */
function loginName(input: unknown): string | null {
  const name = input && typeof input === 'object' ? (input as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? name.trim().toLowerCase() : null;
}

/** The one API client of the renderer. Every screen goes through it; it does not know which transport it has. */
export class ApiClient {
  private readonly afterHooks = new Set<Hook>();

  /** Counts the page's sessions: moved by every login, logout and session found ended. */
  private epoch = 0;

  constructor(readonly transport: Transport) {}

  /** Which session the page holds now: an answer to a request sent under another one speaks of that one. */
  get sessionEpoch(): number {
    return this.epoch;
  }

  /**
   * Runs a command and returns its answer as a Result, never throwing. The answer's type is the registry's own
   * (api/contract.ts): the one place the renderer takes the transport's word for a value's shape.
   */
  invoke<K extends CommandName>(command: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>>;
  invoke<K extends OptionalInput>(command: K): Promise<Result<CommandOutput<K>>>;
  invoke(command: CommandName, input: unknown = {}): Promise<Result> {
    return this.send(command, input);
  }

  /** Runs a command and returns its value; a refusal is thrown as an ApiError. */
  call<K extends CommandName>(command: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  call<K extends OptionalInput>(command: K): Promise<CommandOutput<K>>;
  async call(command: CommandName, input: unknown = {}): Promise<unknown> {
    const result = await this.send(command, input);
    if (!result.ok) throw new ApiError(result.error);
    return result.value;
  }

  private async send(command: CommandName, input: unknown): Promise<Result> {
    // A login carries this device's token for that person, if it has one; the answer brings the one to keep.
    const name = command === LOGIN ? loginName(input) : null;
    const device = name ? storedDeviceToken(name) : null;
    const sent = name && device && !(input as { deviceToken?: unknown }).deviceToken ? { ...(input as object), deviceToken: device } : input;
    const sentIn = this.epoch;
    const result = await this.transport.invoke(command, sent);
    const current = sentIn === this.epoch;
    if (result.ok && command === LOGIN) {
      const value = result.value as LoginValue;
      if (value.token) this.transport.setToken(value.token);
      const who = name ?? value.account?.name;
      if (who) storeDeviceToken(who, value.deviceToken);
      this.epoch++;
    }
    if (command === 'accounts.logout' || (current && !result.ok && result.error.code === 'UNAUTHENTICATED')) {
      this.transport.setToken(null);
      this.epoch++;
    }
    if (!QUIET.has(command)) for (const hook of this.afterHooks) hook(command, result, current);
    return result;
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
