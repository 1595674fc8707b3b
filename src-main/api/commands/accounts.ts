import { z } from 'zod';
import {
  accountNameSchema,
  changePin,
  checkLogin,
  createAccount,
  getAccount,
  listAccounts,
  newAccountSchema,
  recordFailedLogin,
  recordSuccessfulLogin,
  resetPin,
  setActive,
} from '../../core/accounts/accounts';
import { pinSchema } from '../../core/accounts/pin';
import { createSession, endSession } from '../../core/accounts/sessions';
import { LenteraError } from '../../core/util/errors';
import { defineCommand, type CommandContext } from '../registry';

function currentAccountId(ctx: CommandContext): string {
  if (ctx.principal.kind !== 'user') {
    throw new LenteraError('FORBIDDEN', 'Only a logged-in person has a PIN to change.', {});
  }
  return ctx.principal.account.id;
}

export const accountsCommands = [
  defineCommand({
    name: 'accounts.login',
    summary: 'Log in with name and PIN; returns a session token',
    input: z.object({ name: accountNameSchema, pin: z.string().min(1).max(64) }),
    access: 'public',
    mutates: true,
    handler: (ctx, input) => {
      const account = checkLogin(ctx.db, ctx.clock, input.name, input.pin);
      recordSuccessfulLogin(ctx.db, account.id);
      const session = createSession(ctx.db, ctx.clock, account.id);
      return { token: session.token, expiresAt: session.expiresAt, account };
    },
    auditActor: (input) => `user:${input.name}`,
    auditPayload: (input) => ({ name: input.name }),
    onRefused: (ctx, input, error) => {
      if (error.code === 'LOGIN_FAILED' || error.details.justLocked) {
        recordFailedLogin(ctx.db, input.name, error.details.justLocked ? String(error.details.lockedUntil) : undefined);
      }
    },
  }),
  defineCommand({
    name: 'accounts.logout',
    summary: 'End the current session',
    input: z.object({}),
    access: 'authenticated',
    mutates: true,
    handler: (ctx) => {
      if (ctx.principal.kind === 'user') endSession(ctx.db, ctx.clock, ctx.principal.token);
      return { loggedOut: true };
    },
  }),
  defineCommand({
    name: 'accounts.me',
    summary: 'The logged-in account',
    input: z.object({}),
    access: 'authenticated',
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
    mutates: true,
    handler: (ctx, input) => changePin(ctx.db, currentAccountId(ctx), input.currentPin, input.newPin),
    auditPayload: () => ({}),
  }),
];
