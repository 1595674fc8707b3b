import { z } from 'zod';
import type { Account } from '../core/accounts/accounts';
import { resolveSession } from '../core/accounts/sessions';
import type { Role } from '../core/accounts/roles';
import { appendEvent, type ChainHead } from '../core/audit/chain';
import type { Db } from '../core/db/open';
import type { Clock } from '../core/util/clock';
import { isLenteraError, LenteraError } from '../core/util/errors';
import type { EventBus } from './events';
import type { Jobs } from './jobs';
import { fail, REGISTRY_CODES as C, type Result } from './result';
import { writeTransaction } from '../core/db/transaction';

/** Who is asking. The CLI acts as the local OS user, who owns the data directory anyway. */
export type Principal =
  | { kind: 'user'; account: Account; token: string }
  | { kind: 'local'; osUser: string }
  | { kind: 'anonymous' };

/** How a door identifies its caller: a session token (IPC, HTTP) or the local OS user (CLI). */
export type Auth = { token?: string | undefined } | { local: string };

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
  /** Pushes pending bundles to the publication hub now (the server's outbox). */
  outbox?: { pushDue(): Promise<unknown[]> };
  nativeBinding?: string;
}

export interface Command<S extends z.ZodType = z.ZodType, O = unknown, P = unknown> {
  name: string;
  summary: string;
  input: S;
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
  /** Actor recorded for the event when the caller is not yet known (a login). */
  auditActor?(input: z.output<S>): string;
  /** Side effects of a refusal (a failed login counts), written with the refusal's audit event. */
  onRefused?(ctx: CommandContext, input: z.output<S>, error: LenteraError): void;
}

export function defineCommand<S extends z.ZodType, O, P = undefined>(c: Command<S, O, P>): Command<S, O, P> {
  return c;
}

interface Admitted {
  command: Command;
  ctx: CommandContext;
  input: unknown;
  queued: { type: string; data: unknown }[];
}

export interface RegistryDeps {
  jobs?: Jobs;
  outbox?: { pushDue(): Promise<unknown[]> };
  nativeBinding?: string;
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

  constructor(
    commands: readonly Command<z.ZodType, unknown, unknown>[],
    private readonly deps: RegistryDeps,
  ) {
    for (const c of commands) {
      if (!NAME.test(c.name)) throw new Error(`command name "${c.name}" is not of the form area.verb`);
      if (this.commands.has(c.name)) throw new Error(`duplicate command name "${c.name}"`);
      this.commands.set(c.name, c);
    }
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
    const account = resolveSession(this.deps.db, this.deps.clock, auth.token);
    return account ? { kind: 'user', account, token: auth.token } : 'expired';
  }

  /** Runs a command whose work is synchronous (all but file imports). */
  invoke(name: string, rawInput: unknown, auth: Auth): Result {
    const admitted = this.admit(name, rawInput, auth);
    if ('result' in admitted) return admitted.result;
    if (admitted.command.prepare) {
      return fail(C.INTERNAL, `${name} reads files and must be run with invokeAsync.`, { command: name });
    }
    return this.execute(admitted, undefined);
  }

  /** Runs any command; the doors use this one. */
  async invokeAsync(name: string, rawInput: unknown, auth: Auth): Promise<Result> {
    const admitted = this.admit(name, rawInput, auth);
    if ('result' in admitted) return admitted.result;
    const { command, ctx, input } = admitted;
    if (!command.prepare) return this.execute(admitted, undefined);
    let prepared: unknown;
    try {
      prepared = await command.prepare(ctx, input);
    } catch (e) {
      return this.failure(command, ctx, input, e);
    }
    return this.execute(admitted, prepared);
  }

  /** Finds the command, the caller, checks the role and validates the input; refusals are audited. */
  private admit(name: string, rawInput: unknown, auth: Auth): { result: Result } | Admitted {
    const command = this.commands.get(name);
    if (!command) {
      return { result: fail(C.UNKNOWN_COMMAND, `Unknown command "${name}".`, { command: name }) };
    }
    const resolved = this.principalFor(auth);
    const principal: Principal = resolved === 'expired' ? { kind: 'anonymous' } : resolved;
    const queued: { type: string; data: unknown }[] = [];
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
      outbox: this.deps.outbox,
      nativeBinding: this.deps.nativeBinding,
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
    if (Array.isArray(access) && principal.kind === 'user' && !access.includes(principal.account.role)) {
      const error = new LenteraError(C.FORBIDDEN, `Role "${principal.account.role}" may not run ${name}.`, {
        command: name,
        role: principal.account.role,
        allowed: access,
      });
      return { result: this.refuse(command, ctx, undefined, redact(rawInput), error) };
    }

    const parsed = command.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const error = new LenteraError(
        C.INVALID_INPUT,
        `Invalid input for ${name}: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`,
        { command: name, issues },
      );
      return { result: this.refuse(command, ctx, undefined, redact(rawInput), error) };
    }
    return { command, ctx, input: parsed.data, queued };
  }

  /** The handler and its audit event, in one transaction for a mutation. */
  private execute({ command, ctx, input, queued }: Admitted, prepared: unknown): Result {
    try {
      let value: unknown;
      if (command.mutates) {
        const db = this.deps.db;
        let head: ChainHead | undefined;
        writeTransaction(db, () => {
          value = command.handler(ctx, input, prepared);
          const event = appendEvent(db, {
            at: ctx.at,
            actor: command.auditActor?.(input) ?? ctx.actor,
            command: command.name,
            outcome: 'ok',
            payload: command.auditPayload ? command.auditPayload(input, value) : redact(input),
          });
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

  private failure(command: Command, ctx: CommandContext, input: unknown, e: unknown): Result {
    if (isLenteraError(e)) {
      // A read that finds nothing is an answer, not an event worth a permanent record.
      if (!command.mutates && !command.onRefused) return fail(e.code, e.message, e.details);
      return this.refuse(command, ctx, input, redact(input), e);
    }
    const message = e instanceof Error ? e.message : String(e);
    console.error(`[lentera] ${command.name} failed:`, e);
    return this.refuse(command, ctx, input, redact(input), new LenteraError(C.INTERNAL, `Internal error in ${command.name}: ${message}`, { command: command.name }));
  }

  /** Records a refusal in its own transaction: nothing of the refused change, only the fact it was refused. */
  private refuse(command: Command, ctx: CommandContext, input: unknown, shownInput: unknown, error: LenteraError): Result {
    const db = this.deps.db;
    let head: ChainHead | undefined;
    try {
      writeTransaction(db, () => {
        if (input !== undefined) command.onRefused?.(ctx, input, error);
        const event = appendEvent(db, {
          at: ctx.at,
          actor: (input !== undefined && command.auditActor?.(input)) || ctx.actor,
          command: command.name,
          outcome: 'refused',
          payload: { code: error.code, message: error.message, input: shownInput ?? null },
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
