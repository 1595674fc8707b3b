/**
 * The attack: the coordinator who made (or reset) an examiner's account knows the PIN it was given. Until the
 * examiner chooses their own, whoever knows that PIN can log in as them from any device on the venue's LAN and
 * score in their name. The window showed only "choose your own PIN" to such an account, but the registry ran
 * every command of its role for a caller who skipped the window (found by review, session 70).
 */
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src-main/api/commands';
import { ROLES } from '../../src-main/core/accounts/roles';
import { httpStatusFor } from '../../src-main/api/result';
import { login } from '../unit/helpers';
import { CRITERIA, EXAM, PIN, venue } from '../unit/venue';
import { SAMPLE_INPUTS, type WalkFixture } from './registry-walk';

const GIVEN = '502817'; // the PIN the coordinator typed, and so knows

/** All an account that still holds its given PIN may do: choose its own, see who it is (and that it must), leave. */
const BEFORE_OWN_PIN = ['accounts.changePin', 'accounts.logout', 'accounts.me', 'system.status'];

describe('an account still holding the PIN it was given', () => {
  it("cannot score in its holder's name until the holder chooses their own PIN; the refusal is audited and changes nothing", async () => {
    const { app, tokens, f01, present } = await venue();
    const coord = { token: tokens.koordinator!, client: 'koordinator' };
    const db = app.workstation!.db;
    const id = db.prepare("SELECT id FROM accounts WHERE name = 'penguji1'").pluck().get() as string;
    // The examiner forgot their PIN; the coordinator reset it, and so knows the one it was reset to.
    expect(app.invoke('accounts.resetPin', { id, pin: GIVEN }, coord).ok).toBe(true);
    present(f01[0]!);

    // Someone who knows the given PIN, on a device of their own.
    const impostor = { token: login(app, 'penguji1', GIVEN), client: 'lan-device' };
    const entries = () => db.prepare('SELECT COUNT(*) FROM score_entries').pluck().get() as number;
    const before = entries();
    const score = { exam: EXAM, session: 'WWC-F01', nomorPeserta: f01[0]!, criterion: CRITERIA[0], value: 3 };
    const r = app.invoke('panel.score', score, impostor);
    expect(r).toMatchObject({ ok: false, error: { code: 'PIN_CHANGE_REQUIRED' } });
    expect(httpStatusFor('PIN_CHANGE_REQUIRED')).toBe(403);
    expect(entries()).toBe(before);
    const event = db.prepare('SELECT actor, outcome, command FROM audit_events ORDER BY seq DESC LIMIT 1').get();
    expect(event).toEqual({ actor: 'user:penguji1', outcome: 'refused', command: 'panel.score' });
    // Nor may it read what its role reads.
    expect(app.invoke('panel.sheet', { exam: EXAM, session: 'WWC-F01', nomorPeserta: f01[0]! }, impostor)).toMatchObject({ ok: false, error: { code: 'PIN_CHANGE_REQUIRED' } });

    // What it may do: see that it must choose, and choose.
    expect(app.invoke('accounts.me', {}, impostor)).toMatchObject({ ok: true, value: { name: 'penguji1', mustChangePin: true } });
    expect(app.invoke('accounts.changePin', { currentPin: GIVEN, newPin: '641930' }, impostor)).toMatchObject({ ok: true, value: { mustChangePin: false } });
    // Once chosen, the session it was chosen in works, and the coordinator's PIN no longer opens the account.
    expect(app.invoke('panel.score', score, impostor)).toMatchObject({ ok: true });
    expect(entries()).toBe(before + 1);
    expect(() => login(app, 'penguji1', GIVEN)).toThrow();
  });

  it('a new account must choose its own PIN before working', async () => {
    const { app, tokens } = await venue();
    const coord = { token: tokens.koordinator!, client: 'koordinator' };
    expect(app.invoke('accounts.create', { name: 'petugas9', displayName: 'Petugas Sembilan', role: 'clerk', pin: GIVEN }, coord).ok).toBe(true);
    const fresh = { token: login(app, 'petugas9', GIVEN), client: 'd' };
    const list = { exam: EXAM, session: 'WWC-F01' };
    expect(app.invoke('attendance.list', list, fresh)).toMatchObject({ ok: false, error: { code: 'PIN_CHANGE_REQUIRED' } });
    expect(app.invoke('accounts.changePin', { currentPin: GIVEN, newPin: PIN }, fresh).ok).toBe(true);
    expect(app.invoke('attendance.list', list, fresh).ok).toBe(true);
  });

  it('generated over every command and role: refused (audited, nothing changed) but for choosing a PIN; a public command answers it as it answers a stranger', async () => {
    const { app, tokens, f01 } = await venue();
    const coord = { token: tokens.koordinator!, client: 'koordinator' };
    const byRole: Record<string, { token: string; client: string }> = {};
    for (const role of ROLES) {
      expect(app.invoke('accounts.create', { name: `baru-${role}`, displayName: `Baru ${role}`, role, pin: GIVEN }, coord).ok).toBe(true);
      byRole[role] = { token: login(app, `baru-${role}`, GIVEN), client: `walk-${role}` };
    }
    const f: WalkFixture = { exam: EXAM, session: 'WWC-F01', nomor: f01[0]!, paperStage: 'TULIS', uploadId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' };
    const db = app.workstation!.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_events')").pluck().all() as string[];
    const state = () => tables.map((t) => `${t}:${db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()}`).join(',');
    const events = () => db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;
    let refused = 0;
    for (const c of allCommands) {
      if (BEFORE_OWN_PIN.includes(c.name)) continue; // played above, and changing state is their point
      for (const input of SAMPLE_INPUTS[c.name]!(f)) {
        for (const role of ROLES) {
          if (c.access === 'public') {
            // As a stranger: a must-choose account learns nothing its role would be told (e.g. the clock's gap).
            if (c.mutates) continue; // a login is a login, whoever's token rides along
            const asIt = await app.invokeAsync(c.name, input, byRole[role]!);
            const asStranger = await app.invokeAsync(c.name, input, { client: 'stranger' });
            expect({ command: c.name, role, answer: asIt }).toEqual({ command: c.name, role, answer: asStranger });
            continue;
          }
          const before = state();
          const n = events();
          const r = await app.invokeAsync(c.name, input, byRole[role]!);
          expect({ command: c.name, role, code: r.ok ? 'ok' : r.error.code }).toEqual({ command: c.name, role, code: 'PIN_CHANGE_REQUIRED' });
          expect(state()).toBe(before);
          expect(events()).toBe(n + 1);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(400);
    // The commands left open are exactly those that let the account choose its PIN.
    expect(allCommands.filter((c) => c.beforeOwnPin).map((c) => c.name).sort()).toEqual(BEFORE_OWN_PIN);
    // The status names the account (the window must know whom to ask for a PIN), and tells it nothing its role is told.
    const status = () => app.invoke('system.status', {}, byRole.coordinator!) as { value: { principal: unknown; clockBehindMs: unknown } };
    expect(status().value).toMatchObject({ principal: { name: 'baru-coordinator', role: 'coordinator' }, clockBehindMs: null });
    // And the same accounts, once their holders chose, are let through to their role's commands.
    for (const role of ROLES) {
      expect(app.invoke('accounts.changePin', { currentPin: GIVEN, newPin: PIN }, byRole[role]!).ok).toBe(true);
      expect(app.invoke('home.tasks', {}, byRole[role]!)).toMatchObject({ ok: true });
    }
    expect(status().value.clockBehindMs).toBe(0);
  }, 120_000);
});

