import { z } from 'zod';
import { chainHead, verifyChainInSteps } from '../../core/audit/chain';
import { queryEvents } from '../../core/audit/query';
import { blindAuditEvents } from '../../core/scoring/blind';
import { schemaVersion } from '../../core/db/open';
import { listSettings, SECRET_SETTINGS, setSetting } from '../../core/workstation/settings';
import { LenteraError } from '../../core/util/errors';
import { VERSION } from '../../version';
import { defineCommand } from '../registry';

export const systemCommands = [
  defineCommand({
    name: 'system.status',
    summary: 'Workstation id, versions and audit chain head',
    input: z.object({}),
    access: 'public',
    mutates: false,
    handler: (ctx) => ({
      initialised: true as const,
      workstationId: ctx.workstationId,
      version: VERSION,
      schemaVersion: schemaVersion(ctx.db),
      chainHead: chainHead(ctx.db),
      principal:
        ctx.principal.kind === 'user'
          ? { name: ctx.principal.account.name, role: ctx.principal.account.role }
          : ctx.principal.kind === 'local'
            ? { name: ctx.actor, role: 'local' }
            : null,
    }),
  }),
  defineCommand({
    name: 'audit.head',
    summary: 'The head of the audit chain',
    input: z.object({}),
    access: 'authenticated',
    mutates: false,
    handler: (ctx) => chainHead(ctx.db),
  }),
  defineCommand({
    name: 'audit.list',
    summary: 'Audit events, newest first, narrowed by command, person, outcome and time',
    input: z.object({
      before: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(500).default(100),
      command: z.string().trim().min(1).max(100).optional(),
      actor: z.string().trim().min(1).max(100).optional(),
      outcome: z.enum(['ok', 'refused']).optional(),
      from: z.string().datetime().optional(),
      to: z.string().datetime().optional(),
    }),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    // A chair also scores: unsettled panel and paper values of others stay hidden here too (core/scoring/blind.ts).
    handler: (ctx, input) => blindAuditEvents(ctx.db, queryEvents(ctx.db, input), { local: ctx.principal.kind === 'local', actor: ctx.actor }),
  }),
  defineCommand({
    name: 'audit.verify',
    summary: 'Recompute the whole audit chain',
    input: z.object({}),
    access: ['coordinator', 'chair', 'observer'],
    mutates: false,
    // A long chain takes seconds: the walk reports "checked of total" as it goes, for the page waiting on it.
    prepare: (ctx) => verifyChainInSteps(ctx.db, (checked, total) => ctx.progress('audit.verifyProgress', { checked, total })),
    handler: (_ctx, _input, result) => result,
  }),
  defineCommand({
    name: 'settings.list',
    summary: 'Workstation settings',
    input: z.object({}),
    access: 'authenticated',
    mutates: false,
    // A secret setting is shown as set, with its last four characters: every logged-in person may list settings.
    handler: (ctx) => Object.fromEntries(Object.entries(listSettings(ctx.db)).map(([k, v]) => [k, SECRET_SETTINGS.has(k) && v ? `…${v.slice(-4)}` : v])),
  }),
  defineCommand({
    name: 'settings.set',
    summary: 'Set a workstation setting (venue label, default language; workstation.agency: the agency a signing certificate names when its holder sits on panels of no single agency)',
    input: z.object({
      key: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'key: lowercase letters, digits, dot or underscore'),
      value: z.string().max(2000),
    }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, input) => {
      // Its own command sets a secret: this one would write it into the audit log and answer the old one.
      if (SECRET_SETTINGS.has(input.key)) throw new LenteraError('SETTING_SECRET', `${input.key} holds a secret and is set with its own command (hub.committee), which never writes it into the audit log.`, { key: input.key });
      const result = setSetting(ctx.db, input.key, input.value, ctx.at, ctx.actor);
      ctx.emit('settings.changed', { key: input.key });
      return result;
    },
    // A refusal of a secret setting (the key is not trimmed: a near miss is redacted too) keeps its value out of the log.
    refusalInput: (input) => {
      const i = input as { key?: unknown; value?: unknown } | null;
      return i && typeof i === 'object' && typeof i.key === 'string' && /token|secret|password|passphrase|pin/i.test(i.key) ? { ...i, value: '[redacted]' } : input;
    },
  }),
];
