import { z } from 'zod';
import {
  accountNameSchema,
  changePin,
  checkLogin,
  createAccount,
  getAccount,
  listAccounts,
  newAccountSchema,
  resetPin,
  sessionScope,
  setActive,
} from '../../core/accounts/accounts';
import { rememberDevice } from '../../core/accounts/guard';
import { pinSchema } from '../../core/accounts/pin';
import { createSession, endSession } from '../../core/accounts/sessions';
import { LenteraError } from '../../core/util/errors';
import { defineCommand, type CommandContext } from '../registry';
import { uploadOwner } from '../files';

function currentAccountId(ctx: CommandContext): string {
  if (ctx.principal.kind !== 'user') {
    throw new LenteraError('FORBIDDEN', 'Only a logged-in person has a PIN to change.', {});
  }
  return ctx.principal.account.id;
}

/** Where the logged-in person's secret checks count (their session's device, else their shared counter). */
export function secretScope(ctx: CommandContext) {
  if (ctx.principal.kind !== 'user') throw new LenteraError('FORBIDDEN', 'Only a logged-in person has a PIN.', {});
  return sessionScope(ctx.db, ctx.principal.account.id, ctx.principal.deviceHash);
}

export const accountsCommands = [
  defineCommand({
    name: 'accounts.login',
    summary: 'Log in with name and PIN; returns a session token (and the token this device keeps for the next login)',
    input: z.object({
      name: accountNameSchema,
      pin: z.string().min(1).max(64),
      /** what this browser or window was given at its last login as this person: its wrong PINs count apart */
      deviceToken: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
    }),
    access: 'public',
    mutates: true,
    checksSecret: true,
    handler: (ctx, input) => {
      const { account, device } = checkLogin(ctx.db, ctx.clock, input.name, input.pin, input.deviceToken);
      const kept = rememberDevice(ctx.db, account.id, device && input.deviceToken ? { token: input.deviceToken, hash: device } : null, ctx.at);
      const session = createSession(ctx.db, ctx.clock, account.id, kept.hash);
      return { token: session.token, expiresAt: session.expiresAt, account, deviceToken: kept.token };
    },
    auditActor: (input) => `user:${input.name}`,
    auditPayload: (input) => ({ name: input.name, knownDevice: Boolean(input.deviceToken) }),
  }),
  defineCommand({
    name: 'accounts.logout',
    summary: 'End the current session',
    input: z.object({}),
    access: 'authenticated',
    beforeOwnPin: true,
    mutates: true,
    handler: (ctx) => {
      if (ctx.principal.kind === 'user') {
        endSession(ctx.db, ctx.clock, ctx.principal.token);
        ctx.uploads?.removeOwner(uploadOwner(ctx)); // files the session sent and never used
      }
      return { loggedOut: true };
    },
  }),
  defineCommand({
    name: 'accounts.me',
    summary: 'The logged-in account',
    input: z.object({}),
    access: 'authenticated',
    beforeOwnPin: true,
    mutates: false,
    handler: (ctx) => (ctx.principal.kind === 'user' ? getAccount(ctx.db, ctx.principal.account.id) : null),
  }),
  defineCommand({
    name: 'accounts.list',
    summary: 'List accounts',
    input: z.object({}),
    access: ['coordinator', 'observer'],
    mutates: false,
    handler: (ctx) => listAccounts(ctx.db),
  }),
  defineCommand({
    name: 'accounts.create',
    summary: 'Add a person (the holder must change the PIN at first login)',
    input: newAccountSchema,
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => createAccount(ctx.db, ctx.clock, ctx.workstationId, input, { mustChangePin: true }),
    auditPayload: (input, out) => ({ id: out.id, name: input.name, role: input.role, nip: input.nip ?? null }),
  }),
  defineCommand({
    name: 'accounts.setActive',
    summary: 'Deactivate or reactivate a person',
    input: z.object({ id: z.string().min(1), active: z.boolean() }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      if (!input.active && ctx.principal.kind === 'user' && ctx.principal.account.id === input.id) {
        throw new LenteraError('FORBIDDEN', 'You cannot deactivate your own account.', { id: input.id });
      }
      return setActive(ctx.db, input.id, input.active);
    },
  }),
  defineCommand({
    name: 'accounts.resetPin',
    summary: "Reset a person's PIN and lift a lock",
    input: z.object({ id: z.string().min(1), pin: pinSchema }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => resetPin(ctx.db, input.id, input.pin),
    auditPayload: (input) => ({ id: input.id }),
  }),
  defineCommand({
    name: 'accounts.changePin',
    summary: 'Change your own PIN',
    input: z.object({ currentPin: z.string().min(1).max(64), newPin: pinSchema }),
    access: 'authenticated',
    beforeOwnPin: true,
    mutates: true,
    checksSecret: true,
    handler: (ctx, input) => changePin(ctx.db, ctx.clock, currentAccountId(ctx), secretScope(ctx), input.currentPin, input.newPin, ctx.principal.kind === 'user' ? ctx.principal.token : undefined),
    auditPayload: () => ({}),
  }),
];
