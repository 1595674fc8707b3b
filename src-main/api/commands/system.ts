import { z } from 'zod';
import { chainHead, chainTip, verifyChainInSteps } from '../../core/audit/chain';
import { unrecordedEvents } from '../../core/audit/unrecorded';
import { queryEvents } from '../../core/audit/query';
import { blindAuditEvents } from '../../core/scoring/blind';
import { schemaVersion } from '../../core/db/open';
import { isAbsolute, resolve } from 'node:path';
import { deleteSetting, getSetting, listSettings, SECRET_SETTINGS, setSetting } from '../../core/workstation/settings';
import { assertOutsideData, ensureBackupFolder } from '../../core/custody/backup';
import { BACKUP_DEFAULTS, BACKUP_FOLDER, BACKUP_INTERVAL, BACKUP_KEEP, type BackupStatus } from '../backups';
import { LenteraError } from '../../core/util/errors';
import { VERSION } from '../../version';
import { defineCommand } from '../registry';

export const systemCommands = [
  defineCommand({
    name: 'system.status',
    summary: 'Workstation id, versions and audit chain head',
    input: z.object({}),
    access: 'public',
    // The window asks it to learn who is logged in, and so that an account must still choose its PIN.
    beforeOwnPin: true,
    mutates: false,
    handler: (ctx) => {
      const tip = chainTip(ctx.db);
      // How far the clock is behind the last event recorded (a clock put back): what is recorded meanwhile is dated
      // just after that event (chain.ts recordedAt), and the coordinator and the chair are told why. Not for others.
      const told =
        ctx.principal.kind === 'local' ||
        (ctx.principal.kind === 'user' && !ctx.principal.account.mustChangePin && ['coordinator', 'chair'].includes(ctx.principal.account.role));
      return {
        initialised: true as const,
        workstationId: ctx.workstationId,
        version: VERSION,
        schemaVersion: schemaVersion(ctx.db),
        chainHead: { seq: tip.seq, hash: tip.hash },
        clockBehindMs: told ? (tip.at === null ? 0 : Math.max(0, Date.parse(tip.at) - ctx.clock.now().getTime()) || 0) : null,
        principal:
          ctx.principal.kind === 'user'
            ? { name: ctx.principal.account.name, role: ctx.principal.account.role }
            : ctx.principal.kind === 'local'
              ? { name: ctx.actor, role: 'local' }
              : null,
      };
    },
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
    // An intact chain that recorded rows added outside Lentera says so, every time (core/audit/unrecorded.ts).
    handler: (ctx, _input, result) => (result.ok ? { ...result, unrecorded: unrecordedEvents(ctx.db) } : result),
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
      if (input.key.startsWith('backup.')) throw new LenteraError('SETTING_OWN_COMMAND', `${input.key} is set with backup.configure (lentera backups), which checks the folder.`, { key: input.key });
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
  defineCommand({
    name: 'backup.configure',
    summary: 'Where and how often backups are written while the workstation is open (the folder: from the command line only)',
    input: z.object({
      intervalMinutes: z.number().int().min(1).max(24 * 60).optional(),
      keep: z.number().int().min(1).max(1000).optional(),
    }),
    // A folder is a place on this machine's disks: only the command line names one (as for every path).
    localInput: z.object({ folder: z.string().trim().min(1).max(1000).nullable().optional() }),
    access: ['coordinator'],
    mutates: true,
    handler: (ctx, raw) => {
      const input = raw as typeof raw & { folder?: string | null };
      if (typeof input.folder === 'string') {
        if (!isAbsolute(input.folder)) throw new LenteraError('INVALID_INPUT', `The backup folder is a full path (${input.folder} is not).`, { folder: input.folder });
        assertOutsideData(input.folder, ctx.dataDir);
        ensureBackupFolder(input.folder);
      }
      if (input.folder !== undefined) {
        if (input.folder === null) deleteSetting(ctx.db, BACKUP_FOLDER);
        else setSetting(ctx.db, BACKUP_FOLDER, resolve(input.folder), ctx.at, ctx.actor);
      }
      if (input.intervalMinutes !== undefined) setSetting(ctx.db, BACKUP_INTERVAL, String(input.intervalMinutes), ctx.at, ctx.actor);
      if (input.keep !== undefined) setSetting(ctx.db, BACKUP_KEEP, String(input.keep), ctx.at, ctx.actor);
      ctx.emit('backup.changed', {});
      return { folder: getSetting(ctx.db, BACKUP_FOLDER), intervalMinutes: Number(getSetting(ctx.db, BACKUP_INTERVAL) ?? BACKUP_DEFAULTS.intervalMinutes), keep: Number(getSetting(ctx.db, BACKUP_KEEP) ?? BACKUP_DEFAULTS.keep) };
    },
  }),
  defineCommand({
    name: 'backup.status',
    summary: 'The last good backup, the last failure, and whether the backups are late',
    input: z.object({}),
    access: ['coordinator', 'chair'],
    mutates: false,
    handler: (ctx): BackupStatus => ctx.backups?.status() ?? { folder: getSetting(ctx.db, BACKUP_FOLDER), intervalMinutes: BACKUP_DEFAULTS.intervalMinutes, last: null, lastError: null, stale: false },
  }),
  defineCommand({
    name: 'backup.now',
    summary: 'Write a backup into the backup folder now',
    input: z.object({}),
    access: ['coordinator'],
    mutates: false,
    // Written on a worker thread (seconds at 100k candidates): awaited before the answer, which is its outcome.
    prepare: async (ctx) => {
      if (!ctx.backups) throw new LenteraError('BACKUP_NOT_RUNNING', 'Backups are written by the open workstation (lentera serve, the desktop); from the command line use "lentera backup --out FILE".', {});
      if (!getSetting(ctx.db, BACKUP_FOLDER)) throw new LenteraError('BACKUP_NO_FOLDER', 'No backup folder is set: choose one with "lentera backups --folder DIR".', {});
      await ctx.backups.runNow();
    },
    handler: (ctx): BackupStatus => {
      const s = ctx.backups!.status();
      if (s.lastError && (!s.last || s.lastError.at >= s.last.at)) throw new LenteraError(s.lastError.code, s.lastError.message, {});
      return s;
    },
  }),
];
