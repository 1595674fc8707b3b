import { z } from 'zod';
import type { BackupStatus } from './backups';
import type { Account } from '../core/accounts/accounts';
import { resolveSession } from '../core/accounts/sessions';
import type { Role } from '../core/accounts/roles';
import { appendEvent, chainTip, recordedAt, type ChainHead } from '../core/audit/chain';
import type { Db } from '../core/db/open';
import type { Clock } from '../core/util/clock';
import { isLenteraError, LenteraError } from '../core/util/errors';
import type { EventBus } from './events';
import type { RankerControl } from './ranker';
import type { Jobs } from './jobs';
import type { Uploads } from './files';
import type { PushOutcome } from './outbox';
import { fail, REGISTRY_CODES as C, type Result } from './result';
import { writeTransaction } from '../core/db/transaction';
import { newId } from '../core/util/ids';
import { fileSystemRefusal } from '../core/util/fs-errors';
import { blindSalt, isBlindCommand } from '../core/scoring/blind';
import { ClientThrottle } from './throttle';

/** Who is asking. The CLI acts as the local OS user, who owns the data directory anyway. */
export type Principal =
  | { kind: 'user'; account: Account; token: string; deviceHash: string | null }
  | { kind: 'local'; osUser: string }
  | { kind: 'anonymous' };

/**
 * How a door identifies its caller: a session token (IPC, HTTP) or the local OS user (CLI). `client` names the
 * remote end as the door sees it (an address, a window) for the per-client limit on secret checks.
 */
export type Auth = { token?: string | undefined; client?: string | undefined } | { local: string };

export type Access = 'public' | 'authenticated' | readonly Role[];

export interface CommandContext {
  db: Db;
  clock: Clock;
  workstationId: string;
  /** The workstation's data directory (uploads, keys). */
  dataDir: string;
  principal: Principal;
  actor: string;
  /** ISO time of this command, the same for every row and event it writes. */
  at: string;
  /** Queues a live event, delivered only after the transaction commits. */
  emit(type: string, data: unknown): void;
  /** Publishes a progress notice at once (slow work in `prepare`): it reports, it changes nothing. */
  progress(type: string, data: unknown): void;
  /** Background work of this process (signing batches). */
  jobs?: Jobs;
  /** Files sent by this process's sessions, waiting for the command that uses them. */
  uploads?: Uploads;
  /** Runs `fn` when this command has ended, whatever its outcome (an upload it used is deleted). */
  afterCommand(fn: () => void): void;
  /** Pushes pending bundles to the publication hub now (the server's outbox). */
  outbox?: { pushDue(): Promise<PushOutcome[]> };
  nativeBinding?: string;
  /** the workstation's data key when it is encrypted: for this process's other connections (signing workers) */
  dataKey?: Buffer;
  /** the backups written while the workstation is open (api/backups.ts) */
  backups?: BackupControl;
  /** ranks on a thread of its own (api/ranker.ts); without it, a command ranks on this thread */
  ranker?: RankerControl;
}

/** What commands may ask of the backup scheduler. */
export interface BackupControl {
  status(): BackupStatus;
  runNow(): Promise<BackupStatus['last']>;
}

export interface Command<S extends z.ZodType = z.ZodType, O = unknown, P = unknown, N extends string = string> {
  /** A literal in the table, so the renderer's contract (api/contract.ts) can look a command up by its name. */
  name: N;
  summary: string;
  input: S;
  /**
   * Fields only the command line may send (a path on this machine): merged into `input` for the local OS user,
   * unknown to every remote door, so no schema a browser or window can reach names a path.
   */
  localInput?: z.ZodObject;
  /** The command checks a person's PIN or key passphrase: its calls count on the per-client limit. */
  checksSecret?: boolean;
  access: Access;
  mutates: boolean;
  // Method signatures (not arrow properties) so a table of commands with different inputs type-checks.
  handler(ctx: CommandContext, input: z.output<S>, prepared: P): O;
  /**
   * Slow or asynchronous work (reading and parsing a file) done before the transaction opens, so the
   * transaction stays short. Its result is handed to the handler. Commands with it need `invokeAsync`.
   */
  prepare?(ctx: CommandContext, input: z.output<S>): Promise<P>;
  /** Payload of the audit event; by default the input with secrets redacted. */
  auditPayload?(input: z.output<S>, output: O): unknown;
  /** What a refusal's audit event shows of the input, where the input holds what must stay blind (a panel value). */
  refusalInput?(input: unknown): unknown;
  /**
   * Open to an account that still holds the PIN it was given, which may do nothing else until it chooses its own
   * (see `admit`): choosing it, and what the window needs to show that it must.
   */
  beforeOwnPin?: boolean;
  /** Actor recorded for the event when the caller is not yet known (a login). */
  auditActor?(input: z.output<S>): string;
}

export function defineCommand<const N extends string, S extends z.ZodType, O, P = undefined>(c: Command<S, O, P, N>): Command<S, O, P, N> {
  return c;
}

interface Admitted {
  command: Command;
  ctx: CommandContext;
  input: unknown;
  queued: { type: string; data: unknown }[];
  /** the client whose secret-checking call this is, for the per-client limit */
  client?: string;
  ended: (() => void)[];
}

/** Answers that mean a wrong secret was given (or the attempt that locked it). */
const SECRET_FAILURES = new Set(['LOGIN_FAILED', 'PIN_WRONG', 'PASSPHRASE_WRONG', 'ACCOUNT_LOCKED']);

export interface RegistryDeps {
  jobs?: Jobs;
  uploads?: Uploads;
  outbox?: { pushDue(): Promise<PushOutcome[]> };
  nativeBinding?: string;
  dataKey?: Buffer;
  backups?: BackupControl;
  ranker?: RankerControl;
  db: Db;
  clock: Clock;
  workstationId: string;
  dataDir: string;
  events: EventBus;
}

const NAME = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;
const SECRET = /pin|passphrase|password|token|secret/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

/** The input as a refusal's audit event shows it: secrets redacted, blind values left out. */
function shownInput(command: Command, input: unknown): unknown {
  return redact(command.refusalInput ? command.refusalInput(input) : input);
}

export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'user':
      return `user:${p.account.name}`;
    case 'local':
      return `cli:${p.osUser}`;
    default:
      return 'anonymous';
  }
}

function zodIssues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

export class Registry {
  private readonly commands = new Map<string, Command>();
  private readonly localSchemas = new Map<string, z.ZodType>();
  private readonly throttle: ClientThrottle;

  constructor(
    commands: readonly Command<z.ZodType, unknown, unknown>[],
    private readonly deps: RegistryDeps,
  ) {
    this.add(commands);
    this.throttle = new ClientThrottle(deps.clock);
  }

  /** More commands, for an app that loads a command's module when it is first called (the command line's). */
  add(commands: readonly Command<z.ZodType, unknown, unknown>[]): void {
    for (const c of commands) {
      if (!NAME.test(c.name)) throw new Error(`command name "${c.name}" is not of the form area.verb`);
      if (this.commands.has(c.name)) throw new Error(`duplicate command name "${c.name}"`);
      if (c.localInput && !(c.input instanceof z.ZodObject)) throw new Error(`${c.name}: localInput needs an object input`);
      this.commands.set(c.name, c);
      if (c.localInput) this.localSchemas.set(c.name, (c.input as unknown as z.ZodObject).extend(c.localInput.shape));
    }
  }

  /** The schema a caller's input is checked against: the command line's may name paths, no one else's. */
  schemaFor(command: Command, principal: Principal): z.ZodType {
    return (principal.kind === 'local' && this.localSchemas.get(command.name)) || command.input;
  }

  /** Every command of the table (for tests that must hold for all of them). */
  commandList(): readonly Command[] {
    return [...this.commands.values()];
  }

  get events(): EventBus {
    return this.deps.events;
  }

  list(): { name: string; summary: string; access: Access; mutates: boolean }[] {
    return [...this.commands.values()].map((c) => ({ name: c.name, summary: c.summary, access: c.access, mutates: c.mutates }));
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  principalFor(auth: Auth): Principal | 'expired' {
    if ('local' in auth) return { kind: 'local', osUser: auth.local };
    if (!auth.token) return { kind: 'anonymous' };
    const session = resolveSession(this.deps.db, this.deps.clock, auth.token);
    return session ? { kind: 'user', account: session.account, token: auth.token, deviceHash: session.deviceHash } : 'expired';
  }

  /** Runs a command whose work is synchronous (all but file imports). */
  invoke(name: string, rawInput: unknown, auth: Auth): Result {
    const admitted = this.admit(name, rawInput, auth);
    if ('result' in admitted) return admitted.result;
    if (admitted.command.prepare) {
      return fail(C.INTERNAL, `${name} reads files and must be run with invokeAsync.`, { command: name });
    }
    return this.counted(admitted, this.execute(admitted, undefined));
  }

  /** Runs any command; the doors use this one. */
  async invokeAsync(name: string, rawInput: unknown, auth: Auth): Promise<Result> {
    const admitted = this.admit(name, rawInput, auth);
    if ('result' in admitted) return admitted.result;
    const { command, ctx, input } = admitted;
    if (!command.prepare) return this.counted(admitted, this.execute(admitted, undefined));
    let prepared: unknown;
    try {
      prepared = await command.prepare(ctx, input);
    } catch (e) {
      return this.counted(admitted, this.failure(command, ctx, input, e));
    }
    return this.counted(admitted, this.execute(admitted, prepared));
  }

  /**
   * The end of every admitted command: what it asked to run afterwards runs, and a secret-checking call counts
   * on its client's limit (a wrong secret also as a failure).
   */
  private counted(admitted: Admitted, result: Result): Result {
    for (const fn of admitted.ended.splice(0)) {
      try {
        fn();
      } catch (e) {
        console.error(`[lentera] clean-up after ${admitted.command.name} failed:`, e);
      }
    }
    if (admitted.client) this.throttle.record(admitted.client, !result.ok && SECRET_FAILURES.has(result.error.code));
    return result;
  }

  /** Finds the command, the caller, checks the role and validates the input; refusals are audited. */
  private admit(name: string, rawInput: unknown, auth: Auth): { result: Result } | Admitted {
    const command = this.commands.get(name);
    if (!command) {
      return { result: fail(C.UNKNOWN_COMMAND, `Unknown command "${name}".`, { command: name }) };
    }
    const resolved = this.principalFor(auth);
    // An account still holding the PIN it was given (made or reset by a coordinator, who so knows it) is only a way
    // to choose its own: otherwise whoever knows that PIN could work in the holder's name from any device on the LAN.
    // A public command answers it as it answers anyone.
    const mustChoose = resolved !== 'expired' && resolved.kind === 'user' && resolved.account.mustChangePin && !command.beforeOwnPin;
    const principal: Principal = resolved === 'expired' || (mustChoose && command.access === 'public') ? { kind: 'anonymous' } : resolved;
    const queued: { type: string; data: unknown }[] = [];
    const ended: (() => void)[] = [];
    const ctx: CommandContext = {
      db: this.deps.db,
      clock: this.deps.clock,
      workstationId: this.deps.workstationId,
      dataDir: this.deps.dataDir,
      principal,
      actor: actorOf(principal),
      at: this.deps.clock.now().toISOString(),
      emit: (type, data) => queued.push({ type, data }),
      progress: (type, data) => this.deps.events.publish({ type, data }),
      jobs: this.deps.jobs,
      uploads: this.deps.uploads,
      afterCommand: (fn) => ended.push(fn),
      outbox: this.deps.outbox,
      nativeBinding: this.deps.nativeBinding,
      ...(this.deps.dataKey ? { dataKey: this.deps.dataKey } : {}),
      ...(this.deps.backups ? { backups: this.deps.backups } : {}),
      ...(this.deps.ranker ? { ranker: this.deps.ranker } : {}),
    };

    const access = command.access;
    if (access !== 'public' && principal.kind === 'anonymous') {
      return {
        result: fail(
          C.UNAUTHENTICATED,
          resolved === 'expired' ? 'Your session has ended; please log in again.' : 'Please log in first.',
          { command: name },
        ),
      };
    }
    if (mustChoose && principal.kind === 'user') {
      const error = new LenteraError(C.PIN_CHANGE_REQUIRED, 'Choose your own PIN first: the one you were given opens nothing else.', { command: name });
      return { result: this.refuse(command, ctx, undefined, shownInput(command, rawInput), error) };
    }
    if (Array.isArray(access) && principal.kind === 'user' && !access.includes(principal.account.role)) {
      const error = new LenteraError(C.FORBIDDEN, `Role "${principal.account.role}" may not run ${name}.`, {
        command: name,
        role: principal.account.role,
        allowed: access,
      });
      return { result: this.refuse(command, ctx, undefined, shownInput(command, rawInput), error) };
    }

    // Before the input is read: a client over its limit costs no scrypt and learns nothing.
    const client = command.checksSecret && !('local' in auth) ? (auth.client ?? 'unknown') : undefined;
    if (client) {
      const retryAfter = this.throttle.retryAfter(client);
      // Not audited one by one: a flood of these would only fill the log (the attempts before it are there).
      if (retryAfter > 0) return { result: fail(C.RATE_LIMITED, `Too many attempts from this device; try again in ${retryAfter} s.`, { retryAfter }) };
    }

    const parsed = this.schemaFor(command, principal).safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const error = new LenteraError(
        C.INVALID_INPUT,
        `Invalid input for ${name}: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`,
        { command: name, issues },
      );
      // Not audited for a caller with no account: any LAN client could write a permanent, fsync'd audit event per
      // request, unthrottled (the per-client limit counts calls whose input reads), filling the disk and burying the
      // events that matter (found by review). A signed-in caller's refusals are audited as before.
      if (principal.kind === 'anonymous') return { result: fail(error.code, error.message, error.details) };
      return { result: this.refuse(command, ctx, undefined, shownInput(command, rawInput), error) };
    }
    return { command, ctx, input: parsed.data, queued, client, ended };
  }

  /** The handler and its audit event, in one transaction for a mutation. */
  private execute({ command, ctx, input, queued }: Admitted, prepared: unknown): Result {
    try {
      let value: unknown;
      if (command.mutates) {
        const db = this.deps.db;
        let head: ChainHead | undefined;
        writeTransaction(db, () => {
          // What the change records is dated as its audit event will be: never before the last event (chain.ts
          // recordedAt), so that a clock put back cannot file a correction before the value it corrects.
          const tip = chainTip(db);
          ctx.at = recordedAt(ctx.at, tip.at);
          value = command.handler(ctx, input, prepared);
          const event = appendEvent(
            db,
            {
              at: ctx.at,
              actor: command.auditActor?.(input) ?? ctx.actor,
              command: command.name,
              outcome: 'ok',
              payload: command.auditPayload ? command.auditPayload(input, value) : redact(input),
            },
            tip,
          );
          head = { seq: event.seq, hash: event.hash };
        });
        this.publish(queued, head);
      } else {
        value = command.handler(ctx, input, prepared);
      }
      return { ok: true, value };
    } catch (e) {
      return this.failure(command, ctx, input, e);
    }
  }

  private failure(command: Command, ctx: CommandContext, input: unknown, thrown: unknown): Result {
    const e = fileSystemRefusal(thrown, { showPath: ctx.principal.kind === 'local' }); // a full disk or a missing folder is said plainly
    if (isLenteraError(e)) {
      // A read that finds nothing is an answer, not an event worth a permanent record; a wrong secret is.
      if (!command.mutates && !e.consequence) return fail(e.code, e.message, e.details);
      return this.refuse(command, ctx, input, shownInput(command, input), e);
    }
    // The exception's text stays in the log, under a reference the answer gives: it may name paths or data.
    const ref = newId().slice(-12);
    console.error(`[lentera] ${command.name} failed (ref ${ref}):`, e);
    return this.refuse(
      command,
      ctx,
      input,
      shownInput(command, input),
      new LenteraError(C.INTERNAL, `Something went wrong in ${command.name}; nothing was changed. Tell the coordinator the reference ${ref} (it is in the workstation's log).`, { command: command.name, ref }),
    );
  }

  /** Records a refusal in its own transaction: nothing of the refused change, only the fact it was refused. */
  private refuse(command: Command, ctx: CommandContext, input: unknown, shownInput: unknown, error: LenteraError): Result {
    const db = this.deps.db;
    let head: ChainHead | undefined;
    try {
      writeTransaction(db, () => {
        error.consequence?.();
        const event = appendEvent(db, {
          at: ctx.at,
          actor: (input !== undefined && command.auditActor?.(input)) || ctx.actor,
          command: command.name,
          outcome: 'refused',
          payload: { code: error.code, message: error.message, input: shownInput ?? null, ...(isBlindCommand(command.name) ? { salt: blindSalt() } : {}) },
        });
        head = { seq: event.seq, hash: event.hash };
      });
      this.publish([], head);
    } catch (e) {
      console.error('[lentera] could not record a refusal:', e);
    }
    return fail(error.code, error.message, error.details);
  }

  private publish(queued: { type: string; data: unknown }[], head: ChainHead | undefined): void {
    for (const e of queued) this.deps.events.publish(e);
    if (head) this.deps.events.publish({ type: 'audit.head', data: head });
  }
}
