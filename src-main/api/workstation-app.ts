import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { pinSchema } from '../core/accounts/pin';
import { accountNameSchema, findAccountByName } from '../core/accounts/accounts';
import { appendEvent, GENESIS_HASH } from '../core/audit/chain';
import { LATEST_SCHEMA } from '../core/db/migrations';
import { writeTransaction } from '../core/db/transaction';
import { systemClock, type Clock } from '../core/util/clock';
import { isLenteraError } from '../core/util/errors';
import { fileSystemRefusal } from '../core/util/fs-errors';
import { initWorkstation, isWorkstation, openWorkstation, PRIVATE_DIR_MODE, type Workstation } from '../core/workstation/workstation';
import { custodyForKey, isEncrypted, passphraseSchema, unlockCustody, type Secret } from '../core/custody/custody';
import { OwnerLock } from '../core/workstation/owner-lock';
import { VERSION } from '../version';
import { recoverExports } from '../core/bundles/recover';
import type { DoorTarget } from './door';
import { ClientThrottle } from './throttle';
import { EventBus } from './events';
import { BackupScheduler } from './backups';
import { Ranker } from './ranker';
import { Uploads } from './files';
import { Jobs } from './jobs';
import type { OutboxPusher, PushOutcome } from './outbox';
import { Registry, type Auth, type Command } from './registry';
import { fail, REGISTRY_CODES, type Result } from './result';

export interface AppOptions {
  dataDir: string;
  /** Lets the first-run screen create the workstation (npm start, the desktop); `lentera serve` alone refuses. */
  allowInit?: boolean;
  clock?: Clock;
  nativeBinding?: string;
  commands?: readonly Command[];
  /**
   * This app owns the workstation while it is open: the long-running doors (`serve`, the desktop) say so, naming
   * themselves. It takes the owner lock at once (creating the data directory when it may initialise one), so a
   * second owner on the same directory is refused with WORKSTATION_IN_USE naming the holder. One-shot CLI calls
   * are not owners: they work beside the owner and wait their turn for the database.
   */
  owner?: boolean | { door: string };
  /**
   * The secret that unlocks an encrypted workstation (core/custody): the command line's --passphrase-file. Without
   * it an encrypted workstation stays locked, answering only `system.status` and `workstation.unlock` (the desktop
   * and the browser ask for the passphrase).
   */
  unlock?: Secret;
  /**
   * Rank on a thread of its own (api/ranker.ts), so that a ranking of 100,000 never holds up the requests behind it:
   * the doors (LenteraApp) do; a one-shot command line ranks on its own thread, having nothing else to answer.
   */
  rankingThread?: boolean;
}

const demoInput = z.object({
  candidates: z.number().int().min(10).max(200_000).default(300),
  /** encrypted at rest, its generated passphrase and recovery key in the answer (the doors ask for it: CLI, first-run screen) */
  encrypt: z.boolean().default(false),
});

const initInput = z.object({
  adminName: accountNameSchema,
  adminDisplayName: z.string().trim().min(1).max(120).optional(),
  pin: pinSchema,
  /** the workstation passphrase: the database is encrypted, and the answer carries the recovery key's words once */
  passphrase: passphraseSchema.optional(),
});

const unlockInput = z.union([
  z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
  z.object({ recoveryKey: z.string().min(1).max(1000), newPassphrase: passphraseSchema.optional() }).strict(),
]);

/** Refusals of `workstation.unlock` that count as a wrong secret on the client's limit. */
const WRONG_SECRET = new Set(['PASSPHRASE_WRONG', 'ACCOUNT_LOCKED']);

/** The data folder, or the nearest existing folder above it, when that is a file instead. */
function fileInTheWay(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(d)) return statSync(d).isDirectory() ? null : d;
    if (dirname(d) === d) return null;
  }
}

/**
 * The one object behind every door: it owns the workstation and its registry. Before the workstation exists it
 * answers only `system.status` and (where allowed) `workstation.init` and `workstation.demo`.
 *
 * It imports no command module and nothing only one command needs (the demo venue, key generation, the hub
 * client): which commands it serves is its caller's choice. `LenteraApp` (api/app.ts) is this with the whole
 * table, for the doors and the tests; the command line starts with none and loads the module of the command it
 * runs (cli/one-shot-app.ts), so `lentera status` starts without pkijs, node-forge, qrcode and the rest.
 */
export class WorkstationApp implements DoorTarget {
  readonly events = new EventBus();
  readonly jobs = new Jobs(this.events);
  private ws: Workstation | undefined;
  private reg: Registry | undefined;
  private readonly commands: Command[];
  private readonly clock: Clock;
  /** An outbox pusher made on first use by an app that has none of its own (see `pushDue`). */
  private lazyOutbox: Promise<OutboxPusher> | undefined;
  /** The owner lock, when this app is an owner (see AppOptions.owner); `announce` tells others where it is. */
  readonly ownerLock: OwnerLock | undefined;
  /** Files uploaded by this process's sessions, deleted when used; the owner sweeps what an earlier run left. */
  readonly uploads: Uploads;
  /**
   * The per-client limit on passphrase attempts of `workstation.unlock`, as the registry applies it to logins (there
   * is no registry while locked). The custody file counts wrong passphrases for the workstation; this bounds what
   * one client tries.
   */
  private readonly unlockThrottle: ClientThrottle;
  /** Backups while the workstation is open: the long-running doors start it (serve, the desktop). */
  readonly backups: BackupScheduler;
  /** The ranking thread, where the app has one (AppOptions.rankingThread). */
  readonly ranker: Ranker | undefined;

  constructor(
    protected readonly opts: AppOptions,
    commands: readonly Command[],
  ) {
    this.commands = [...commands];
    this.clock = opts.clock ?? systemClock;
    this.backups = new BackupScheduler({ workstation: () => this.ws, events: this.events, clock: this.clock, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    this.unlockThrottle = new ClientThrottle(this.clock);
    this.ranker = opts.rankingThread ? new Ranker({ workstation: () => this.ws, events: this.events, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) }) : undefined;
    if (!isWorkstation(opts.dataDir) && !opts.allowInit) openWorkstation(opts.dataDir); // throws NOT_A_WORKSTATION with its message
    if (opts.owner) {
      // An owner that may initialise needs the directory now: the lock lives in it, before `workstation.init`.
      if (!existsSync(opts.dataDir)) {
        mkdirSync(dirname(opts.dataDir), { recursive: true });
        mkdirSync(opts.dataDir, { mode: PRIVATE_DIR_MODE });
      }
      const door = typeof opts.owner === 'object' ? opts.owner.door : 'lentera';
      this.ownerLock = OwnerLock.acquire(opts.dataDir, { door, nativeBinding: opts.nativeBinding });
    }
    this.uploads = new Uploads(join(opts.dataDir, 'uploads'));
    if (this.ownerLock) this.uploads.sweep();
    try {
      if (isWorkstation(opts.dataDir)) {
        if (!isEncrypted(opts.dataDir)) this.attach(openWorkstation(opts.dataDir, { nativeBinding: opts.nativeBinding }));
        else if (opts.unlock) this.openWith(opts.unlock);
      }
    } catch (e) {
      this.ownerLock?.release();
      throw e;
    }
  }

  /** Whether the workstation is encrypted and waits for its passphrase (`workstation.unlock`). */
  get locked(): boolean {
    return !this.ws && isWorkstation(this.opts.dataDir) && isEncrypted(this.opts.dataDir);
  }

  /**
   * Unlocks and opens an encrypted workstation. A recovery key may set a new passphrase at once (the forgotten
   * one is replaced; the data key, the database and its backups stay as they are); that is audited.
   */
  private openWith(secret: Secret & { newPassphrase?: string }): void {
    const key = unlockCustody(this.opts.dataDir, secret, this.clock);
    const ws = openWorkstation(this.opts.dataDir, { nativeBinding: this.opts.nativeBinding, key });
    try {
      if ('recoveryKey' in secret) {
        // The key has just opened the database: its new wrapping replaces the custody file, even a lost or damaged one.
        if (secret.newPassphrase !== undefined) custodyForKey(this.opts.dataDir, key, secret.newPassphrase);
        const at = this.clock.now().toISOString();
        writeTransaction(ws.db, () => appendEvent(ws.db, { at, actor: 'recovery-key', command: 'workstation.unlock', outcome: 'ok', payload: { with: 'recovery key', newPassphrase: secret.newPassphrase !== undefined } }));
      }
    } catch (e) {
      ws.close();
      throw e;
    }
    this.attach(ws);
  }

  private unlock(raw: unknown, auth: Auth): Result {
    // Passphrase attempts only, checked before the passphrase is, as the registry does for logins: a client over its
    // limit costs no scrypt. The recovery key is never limited (its 256 bits are not guessed, and it costs no scrypt
    // unless it is right): it stays the way in when the passphrase is locked.
    const byPassphrase = typeof raw === 'object' && raw !== null && 'passphrase' in raw;
    const client = 'local' in auth || !byPassphrase ? undefined : (auth.client ?? 'unknown');
    if (client) {
      const retryAfter = this.unlockThrottle.retryAfter(client);
      if (retryAfter > 0) return fail(REGISTRY_CODES.RATE_LIMITED, `Too many attempts from this device; try again in ${retryAfter} s.`, { retryAfter });
    }
    const result = this.tryUnlock(raw);
    if (client) this.unlockThrottle.record(client, !result.ok && WRONG_SECRET.has(result.error.code));
    return result;
  }

  private tryUnlock(raw: unknown): Result {
    const parsed = unlockInput.safeParse(raw ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return fail(REGISTRY_CODES.INVALID_INPUT, 'Give the workstation passphrase, or the recovery key\'s 24 words.', { command: 'workstation.unlock', issues });
    }
    if (this.ws) return { ok: true, value: { workstationId: this.ws.id } };
    try {
      this.openWith(parsed.data);
    } catch (e) {
      if (isLenteraError(e)) return fail(e.code, e.message, e.details);
      throw e;
    }
    this.events.publish({ type: 'workstation.unlocked', data: { workstationId: this.ws!.id } });
    return { ok: true, value: { workstationId: this.ws!.id } };
  }

  private attach(ws: Workstation): void {
    this.ws = ws;
    // What an export cut short by a crash left: a recorded bundle gets its name, an unrecorded one is removed.
    try {
      recoverExports(ws.db, ws.dir, { nativeBinding: this.opts.nativeBinding });
    } catch (e) {
      console.error('[lentera] interrupted exports could not be set right:', e);
    }
    this.reg = new Registry(this.commands, {
      db: ws.db,
      clock: this.clock,
      workstationId: ws.id,
      dataDir: ws.dir,
      events: this.events,
      jobs: this.jobs,
      uploads: this.uploads,
      // A function, not the pusher: a subclass's own pusher does not exist yet while this constructor runs.
      outbox: { pushDue: () => this.pushDue() },
      nativeBinding: this.opts.nativeBinding,
      ...(ws.key ? { dataKey: ws.key } : {}),
      backups: { status: () => this.backups.status(), runNow: () => this.backups.runNow() },
      ...(this.ranker ? { ranker: this.ranker } : {}),
    });
  }

  /** Serves these commands too, from now on (before or after the workstation is opened). */
  protected addCommands(commands: readonly Command[]): void {
    this.commands.push(...commands);
    this.reg?.add(commands);
  }

  /**
   * One round of pushing due bundles to the hub, for `outbox.push`. An app that runs no pusher of its own (a
   * one-shot CLI call) loads the hub client only here; `LenteraApp` hands the call to the pusher it starts.
   */
  protected async pushDue(): Promise<PushOutcome[]> {
    this.lazyOutbox ??= import('./outbox').then(({ OutboxPusher }) => new OutboxPusher({ db: () => this.ws?.db, events: this.events, key: () => this.ws?.key }));
    return (await this.lazyOutbox).pushDue();
  }

  get registry(): Registry | undefined {
    return this.reg;
  }

  get workstation(): Workstation | undefined {
    return this.ws;
  }

  invoke(name: string, input: unknown, auth: Auth): Result {
    if (this.reg) {
      if (name === 'workstation.init' || name === 'workstation.demo') {
        return fail('ALREADY_INITIALISED', 'This workstation is already set up.', {});
      }
      // Another window or tab unlocked it first: nothing to check, the screen goes on to the login.
      if (name === 'workstation.unlock') return fail('ALREADY_UNLOCKED', 'The workstation is already unlocked.', {});
      return this.reg.invoke(name, input, auth);
    }
    if (this.locked) {
      if (name === 'workstation.unlock') return this.unlock(input, auth);
      // `canUnlock`: the HTTP door says false to a client that is not on this machine (server/http.ts).
      if (name === 'system.status') return { ok: true, value: { initialised: true, locked: true, canUnlock: true, version: VERSION } };
      return fail('WORKSTATION_LOCKED', 'The workstation is locked: unlock it with its passphrase first.', { command: name });
    }
    if (name === 'system.status') {
      return {
        ok: true,
        value: {
          initialised: false,
          canInit: Boolean(this.opts.allowInit),
          workstationId: null,
          version: VERSION,
          schemaVersion: LATEST_SCHEMA,
          chainHead: { seq: 0, hash: GENESIS_HASH },
          clockBehindMs: null,
          principal: null,
        },
      };
    }
    if (name === 'workstation.init' && this.opts.allowInit) return this.init(input, auth);
    if (name === 'workstation.demo' && this.opts.allowInit) {
      // As the registry answers a command that reads files: the demo generates a signing key, which takes a moment.
      return fail(REGISTRY_CODES.INTERNAL, 'workstation.demo must be run with invokeAsync.', { command: name });
    }
    return fail(REGISTRY_CODES.NOT_INITIALISED, 'This workstation has not been set up yet.', { command: name });
  }

  /** The doors call this one: it also runs commands that read files before their transaction. */
  async invokeAsync(name: string, input: unknown, auth: Auth): Promise<Result> {
    if (this.reg && name !== 'workstation.init' && name !== 'workstation.demo' && name !== 'workstation.unlock') return this.reg.invokeAsync(name, input, auth);
    if (name === 'workstation.demo' && !this.reg && this.opts.allowInit) return this.demo(input, auth);
    return this.invoke(name, input, auth);
  }

  private init(raw: unknown, auth: Auth): Result {
    const parsed = initInput.safeParse(raw ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return fail(REGISTRY_CODES.INVALID_INPUT, issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
        command: 'workstation.init',
        issues,
      });
    }
    // The doors people use (the first-run screen, the desktop window) make encrypted workstations only; a plain one
    // is for the command line's --plain and for tests in this process.
    if (!('local' in auth) && parsed.data.passphrase === undefined) {
      return fail(REGISTRY_CODES.INVALID_INPUT, 'passphrase: a workstation is created encrypted; choose its passphrase.', { command: 'workstation.init', issues: [{ path: 'passphrase', message: 'required' }] });
    }
    const file = fileInTheWay(this.opts.dataDir);
    if (file) {
      return fail('NOT_A_FOLDER', `${'local' in auth ? file : 'The data folder'} is a file, not a folder: choose a folder for the workstation's data. Nothing was changed.`, {});
    }
    try {
      const actor = 'local' in auth ? `cli:${auth.local}` : `user:${parsed.data.adminName}`;
      const made = initWorkstation(this.opts.dataDir, { ...parsed.data, actor }, { clock: this.clock, nativeBinding: this.opts.nativeBinding });
      this.attach(made);
      this.events.publish({ type: 'workstation.initialised', data: { workstationId: this.ws!.id } });
      // The recovery key's words are in this answer only: nothing keeps them.
      return { ok: true, value: { workstationId: this.ws!.id, ...(made.recoveryKey ? { recoveryKey: made.recoveryKey } : {}) } };
    } catch (thrown) {
      const e = fileSystemRefusal(thrown, { showPath: 'local' in auth });
      if (isLenteraError(e)) return fail(e.code, e.message, e.details);
      throw e;
    }
  }

  /**
   * A ready-made venue for newcomers: a workstation, its people and the demo exam, in one step; the demo
   * coordinator also gets a signing key, so `lentera sheets` works at once (its passphrase is shown once).
   */
  private async demo(raw: unknown, auth: Auth): Promise<Result> {
    const parsed = demoInput.safeParse(raw ?? {});
    if (!parsed.success) {
      return fail(REGISTRY_CODES.INVALID_INPUT, parsed.error.issues.map((i) => i.message).join('; '), { command: 'workstation.demo' });
    }
    // Loaded here, not at start: the demo generator and key generation (node-forge, pkijs) serve this command only.
    const [{ randomPin, seedDemo }, { generateIdentity }] = await Promise.all([import('../core/demo/seed'), import('../core/keys/identities')]);
    // Another call may have set the workstation up while those loaded.
    if (this.reg) return fail('ALREADY_INITIALISED', 'This workstation is already set up.', {});
    if (!('local' in auth) && !parsed.data.encrypt) {
      return fail(REGISTRY_CODES.INVALID_INPUT, 'encrypt: a demo venue made from the window is encrypted like any workstation (encrypt: true).', { command: 'workstation.demo' });
    }
    const pin = randomPin();
    // Encrypted at rest when the door asks (the command line and the first-run screen always do): its passphrase is
    // shown once with the PINs, and asked at every start.
    const workstationPassphrase = parsed.data.encrypt ? `demo-workstation-${randomPin()}-${randomPin()}` : undefined;
    const created = this.init({ adminName: 'koordinator', adminDisplayName: 'Sri Wahyuni, S.Sos.', pin, ...(workstationPassphrase ? { passphrase: workstationPassphrase } : {}) }, auth);
    if (!created.ok) return created;
    const recoveryKey = (created.value as { recoveryKey?: string }).recoveryKey;
    const actor = 'local' in auth ? `cli:${auth.local}` : 'user:koordinator';
    const seeded = seedDemo(this.ws!, this.clock.now().toISOString(), actor, pin, parsed.data.candidates);
    this.events.publish({ type: 'exams.changed', data: { exam: seeded.exam } });
    const db = this.ws!.db;
    const coord = findAccountByName(db, 'koordinator');
    if (!coord) throw new Error('the demo made no koordinator account');
    const passphrase = `demo-${randomPin()}-${randomPin()}`;
    const at = this.clock.now().toISOString();
    const id = await generateIdentity(db, this.ws!.dir, coord, 'Pemerintah Kota Semarang', passphrase, at);
    writeTransaction(db, () => appendEvent(db, { at, actor: 'local' in auth ? `cli:${auth.local}` : 'user:koordinator', command: 'keys.generate', outcome: 'ok', payload: { account: 'koordinator', fingerprint: id.fingerprint, demo: true } }));
    return { ok: true, value: { workstationId: this.ws!.id, ...seeded, signingKey: { account: 'koordinator', passphrase, fingerprint: id.fingerprint }, ...(workstationPassphrase && recoveryKey ? { workstation: { passphrase: workstationPassphrase, recoveryKey } } : {}) } };
  }

  close(): void {
    this.backups.stop();
    this.ranker?.close();
    void this.jobs.closeAll();
    this.ws?.close();
    this.ws = undefined;
    this.reg = undefined;
    this.ownerLock?.release();
  }
}
