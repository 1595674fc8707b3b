import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allCommands } from '../../src-main/api/commands';
import { EventBus } from '../../src-main/api/events';
import { defineCommand, Registry } from '../../src-main/api/registry';
import { listEvents } from '../../src-main/core/audit/chain';
import { LATEST_SCHEMA } from '../../src-main/core/db/migrations';
import { LenteraError } from '../../src-main/core/util/errors';
import { systemClock } from '../../src-main/core/util/clock';
import { addUser, countRows, login, makeApp } from './helpers';

const writeThenThrow = defineCommand({
  name: 'test.writeThenThrow',
  summary: 'writes a setting, then fails',
  input: z.object({ kind: z.enum(['domain', 'crash']) }),
  access: ['coordinator'],
  mutates: true,
  handler: (ctx, input) => {
    ctx.db.prepare("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('half', 'done', ?, ?)").run(ctx.at, ctx.actor);
    if (input.kind === 'domain') throw new LenteraError('NOPE', 'refused on purpose', { why: 'test' });
    throw new Error('disk on fire');
  },
});

describe('command registry', () => {
  it('refuses duplicate and malformed command names at start-up', () => {
    const app = makeApp();
    const deps = { db: app.workstation!.db, clock: systemClock, workstationId: 'w', dataDir: '/nowhere', events: new EventBus() };
    expect(() => new Registry([...allCommands, allCommands[0]!], deps)).toThrow(/duplicate command name "system.status"/);
    expect(() => new Registry([{ ...allCommands[0]!, name: 'nodot' }], deps)).toThrow(/area\.verb/);
  });

  it('answers an unknown command with a structured error and writes nothing', () => {
    const app = makeApp();
    const before = countRows(app, 'audit_events');
    const r = app.invoke('exam.explode', {}, { local: 'test' });
    expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "exam.explode".', details: { command: 'exam.explode' } } });
    expect(countRows(app, 'audit_events')).toBe(before);
  });

  it('validates input with zod and names the path of each problem; the refusal is audited', () => {
    const app = makeApp();
    const r = app.invoke('accounts.create', { name: 'x', displayName: '', role: 'king', pin: '12' }, { local: 'test' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_INPUT');
    const paths = (r.error.details.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['displayName', 'name', 'pin', 'role']);
    const last = listEvents(app.workstation!.db, { descending: true, limit: 1 })[0]!;
    expect(last).toMatchObject({ command: 'accounts.create', outcome: 'refused', actor: 'cli:test' });
    expect((last.payload as { input: { pin: string } }).input.pin).toBe('[redacted]');
  });

  it('asks for a login when there is no session, and refuses a wrong role with FORBIDDEN, audited', () => {
    const app = makeApp();
    expect(app.invoke('accounts.list', {}, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(app.invoke('accounts.list', {}, { token: 'forged' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    addUser(app, 'penguji1', 'examiner');
    const token = login(app, 'penguji1', '739104');
    const before = countRows(app, 'audit_events');
    const r = app.invoke('accounts.create', { name: 'sneaky', displayName: 'S', role: 'coordinator', pin: '739104' }, { token });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { role: 'examiner' } } });
    expect(countRows(app, 'audit_events')).toBe(before + 1);
    expect(countRows(app, 'accounts')).toBe(2);
    const last = listEvents(app.workstation!.db, { descending: true, limit: 1 })[0]!;
    expect(last).toMatchObject({ actor: 'user:penguji1', command: 'accounts.create', outcome: 'refused', payload: { code: 'FORBIDDEN' } });
  });

  it('runs a mutating command and its audit event in one transaction: a domain refusal leaves neither row nor ok-event', () => {
    const app = makeApp({ commands: [...allCommands, writeThenThrow] });
    const db = app.workstation!.db;
    const before = listEvents(db, { limit: 1000 }).length;
    const r = app.invoke('test.writeThenThrow', { kind: 'domain' }, { local: 'test' });
    expect(r).toEqual({ ok: false, error: { code: 'NOPE', message: 'refused on purpose', details: { why: 'test' } } });
    expect(db.prepare("SELECT COUNT(*) AS n FROM settings WHERE key = 'half'").get()).toEqual({ n: 0 });
    const events = listEvents(db, { limit: 1000 });
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ command: 'test.writeThenThrow', outcome: 'refused' });
  });

  it('a crashing handler leaves no row either, and answers INTERNAL', () => {
    const app = makeApp({ commands: [...allCommands, writeThenThrow] });
    const db = app.workstation!.db;
    const r = app.invoke('test.writeThenThrow', { kind: 'crash' }, { local: 'test' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(db.prepare("SELECT COUNT(*) AS n FROM settings WHERE key = 'half'").get()).toEqual({ n: 0 });
    expect(listEvents(db, { limit: 1000 }).filter((e) => e.outcome === 'ok').map((e) => e.command)).toEqual(['workstation.init']);
  });

  it('a successful mutation lands with exactly one ok event and publishes the new head after commit', () => {
    const app = makeApp();
    const seen: { type: string; data: unknown }[] = [];
    app.events.subscribe((e) => seen.push(e));
    const r = app.invoke('settings.set', { key: 'venue.label', value: 'SMKN 7 Semarang' }, { local: 'test' });
    expect(r).toMatchObject({ ok: true, value: { key: 'venue.label', value: 'SMKN 7 Semarang', previous: null } });
    const last = listEvents(app.workstation!.db, { descending: true, limit: 1 })[0]!;
    expect(last).toMatchObject({ command: 'settings.set', outcome: 'ok', payload: { key: 'venue.label', value: 'SMKN 7 Semarang' } });
    expect(seen.map((e) => e.type)).toEqual(['settings.changed', 'audit.head']);
    expect(seen[1]!.data).toEqual({ seq: last.seq, hash: last.hash });
  });

  it('reads are not audited', () => {
    const app = makeApp();
    const before = countRows(app, 'audit_events');
    expect(app.invoke('system.status', {}, {})).toMatchObject({ ok: true, value: { initialised: true, schemaVersion: LATEST_SCHEMA } });
    expect(app.invoke('settings.list', {}, { local: 'test' })).toEqual({ ok: true, value: {} });
    expect(countRows(app, 'audit_events')).toBe(before);
  });

  it('refuses workstation.init once initialised, and everything but status before', () => {
    const app = makeApp();
    expect(app.invoke('workstation.init', { adminName: 'lain', pin: '482913' }, { local: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_INITIALISED' },
    });
  });
});
