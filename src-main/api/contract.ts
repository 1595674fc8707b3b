/**
 * The one typed contract between the registry and its callers (the renderer above all): each command's name, what
 * a caller sends and what it gets back, read off the registry table itself. Changing a command's schema or its
 * handler's answer changes these types, so the renderer's typecheck breaks where it relied on the old shape.
 *
 * Type-only on purpose: every import here is `import type`, so the renderer may import this module (as a type)
 * without pulling the registry, SQLite or any Node module into its bundle.
 */
import type { z } from 'zod';
import type { RegisteredCommand } from './commands/index';
import type { DemoAccount } from '../core/demo/seed';
import type { ChainHead } from '../core/audit/chain';
import type { ErrorBody, Result } from './result';

export type { ErrorBody, Result };

type CommandNamed<K> = Extract<RegisteredCommand, { name: K }>;

/**
 * Commands `WorkstationApp` (api/workstation-app.ts) answers itself, outside the registry: before the workstation exists there is
 * no database and so no registry to hold them. Declared by hand because their schemas are private to workstation-app.ts and
 * their answers are built inline there; tests/unit/contract.test.ts runs them against a real app to keep this honest.
 */
interface AppCommands {
  'workstation.init': {
    /** `passphrase` (at least 12 characters): the workstation is encrypted, and the answer carries `recoveryKey`. */
    input: { adminName: string; adminDisplayName?: string | undefined; pin: string; passphrase?: string | undefined };
    /** `recoveryKey`: the 24 words, in this answer only (never stored), when a passphrase was given. */
    output: { workstationId: string; recoveryKey?: string };
  };
  /** Opens an encrypted workstation: its passphrase, or its recovery key (which may set a new passphrase at once). */
  'workstation.unlock': {
    input: { passphrase: string } | { recoveryKey: string; newPassphrase?: string | undefined };
    output: { workstationId: string };
  };
  'workstation.demo': {
    input: { candidates?: number | undefined; encrypt?: boolean | undefined };
    output: {
      workstationId: string;
      exam: string;
      accounts: DemoAccount[];
      /** Added by `invokeAsync` (every door): the demo coordinator's signing key, its passphrase shown once. */
      signingKey?: { account: string; passphrase: string; fingerprint: string };
      /** The demo's data is encrypted: its workstation passphrase (asked at every start) and recovery key, shown once. */
      workstation?: { passphrase: string; recoveryKey: string };
    };
  };
}

/** What `system.status` says before `workstation.init`: the app answers it, the registry does not exist yet. */
export interface UninitialisedStatus {
  initialised: false;
  canInit: boolean;
  workstationId: null;
  version: string;
  schemaVersion: number;
  chainHead: ChainHead;
  clockBehindMs: null;
  principal: null;
}

/**
 * What `system.status` says while an encrypted workstation waits for its passphrase: nothing of its data is
 * readable yet. `canUnlock` is false where the door refuses `workstation.unlock` (a LAN client of `lentera serve`).
 */
export interface LockedStatus {
  initialised: true;
  locked: true;
  canUnlock: boolean;
  version: string;
}

export type RegistryCommandName = RegisteredCommand['name'];
export type CommandName = RegistryCommandName | keyof AppCommands;

/** What a caller sends: the schema's input side, so fields with a default may be left out. */
export type CommandInput<K extends CommandName> = K extends keyof AppCommands
  ? AppCommands[K]['input']
  : z.input<CommandNamed<K>['input']>;

type RegistryOutput<K extends RegistryCommandName> = Awaited<ReturnType<CommandNamed<K>['handler']>>;

/** What the command answers on success (the `value` of its Result). */
export type CommandOutput<K extends CommandName> = K extends keyof AppCommands
  ? AppCommands[K]['output']
  : K extends 'system.status'
    ? RegistryOutput<K> | UninitialisedStatus | LockedStatus
    : K extends RegistryCommandName
      ? RegistryOutput<K>
      : never;

/** The Result of one command, as every door answers it. */
export type CommandResult<K extends CommandName> = Result<CommandOutput<K>>;
