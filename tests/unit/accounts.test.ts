import { describe, expect, it } from 'vitest';
import { hashPin, pinSchema, verifyPin } from '../../src-main/core/accounts/pin';
import { listEvents } from '../../src-main/core/audit/chain';
import { addUser, ADMIN, atRealScryptCost, login, makeApp, ManualClock } from './helpers';

describe('PINs', () => {
  it('are hashed with scrypt (N=2^15, r=8) and a random salt, never stored in clear', () => {
    const [a, b] = atRealScryptCost(() => [hashPin('482913'), hashPin('482913')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('482913');
    expect(verifyPin('482913', a)).toBe(true);
    expect(verifyPin('482914', a)).toBe(false);
    expect(verifyPin('482913', 'plain$482913')).toBe(false);
  });

  it('must be 6–12 digits and not trivially guessable', () => {
    for (const ok of ['482913', '000111222', '918273645501']) expect(pinSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['12345', '1234567890123', '48291a', '111111', '123456', '654321', '']) {
      expect(pinSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('never reach the audit log', () => {
    const app = makeApp();
    addUser(app, 'penguji1', 'examiner', '739104');
    app.invoke('accounts.login', { name: 'penguji1', pin: '246801' }, {});
    login(app, 'penguji1', '739104');
    const all = JSON.stringify(listEvents(app.workstation!.db, { limit: 1000 }));
    expect(all).toContain('[redacted]');
    expect(all).not.toContain('739104');
    expect(all).not.toContain('246801');
    expect(all).not.toContain(ADMIN.pin);
  });
});

describe('login and lockout', () => {
  it('logs in, resolves the session, and logs out', () => {
    const app = makeApp();
    const token = login(app);
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: true, value: { name: ADMIN.name, role: 'coordinator' } });
    expect(app.invoke('accounts.logout', {}, { token })).toMatchObject({ ok: true });
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('a session stands for its person only until it expires, and only while that person is active', () => {
    const clock = new ManualClock();
    const app = makeApp({ clock });
    addUser(app, 'penguji1', 'examiner', '739104');
    const token = login(app, 'penguji1', '739104');
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: true, value: { name: 'penguji1', role: 'examiner', active: true } });
    // Made inactive behind the registry's back (another process, a restored backup): its open session stops at once.
    const db = app.workstation!.db;
    db.prepare("UPDATE accounts SET active = 0 WHERE name = 'penguji1'").run();
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    db.prepare("UPDATE accounts SET active = 1 WHERE name = 'penguji1'").run();
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: true, value: { name: 'penguji1' } });
    // The person's role is read with the session: a role changed in the database is the one the next command sees.
    db.prepare("UPDATE accounts SET role = 'clerk' WHERE name = 'penguji1'").run();
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: true, value: { role: 'clerk' } });
    // One venue day, then the session is over.
    clock.advance(14 * 3_600_000 - 1000);
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: true });
    clock.advance(1000);
    expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('counts wrong PINs from an unknown device, locks for 15 minutes at the fifth, audits it, and unlocks after', () => {
    const clock = new ManualClock();
    const app = makeApp({ clock });
    const attempts = [];
    for (let i = 0; i < 5; i++) attempts.push(app.invoke('accounts.login', { name: ADMIN.name, pin: '999888' }, {}));
    expect(attempts.slice(0, 4).map((r) => !r.ok && r.error.details.attemptsLeft)).toEqual([4, 3, 2, 1]);
    expect(attempts[4]).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED', details: { lockedUntil: '2026-11-30T01:15:00.000Z' } } });
    // Locked: even the right PIN is refused, and the refusal is audited.
    expect(app.invoke('accounts.login', { name: ADMIN.name, pin: ADMIN.pin }, {})).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    const refusals = listEvents(app.workstation!.db, { limit: 100 }).filter((e) => e.command === 'accounts.login');
    expect(refusals.map((e) => (e.payload as { code: string }).code)).toEqual([
      'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED',
    ]);
    expect(refusals.every((e) => e.actor === `user:${ADMIN.name}` && e.outcome === 'refused')).toBe(true);
    clock.advance(14 * 60_000 + 59_000);
    expect(app.invoke('accounts.login', { name: ADMIN.name, pin: ADMIN.pin }, {})).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    clock.advance(1_000);
    expect(app.invoke('accounts.login', { name: ADMIN.name, pin: ADMIN.pin }, {})).toMatchObject({ ok: true });
    // The count starts afresh after a lock has run out.
    expect(app.invoke('accounts.login', { name: ADMIN.name, pin: '999888' }, {})).toMatchObject({ ok: false, error: { details: { attemptsLeft: 4 } } });
  });

  it('a successful login resets the count', () => {
    const app = makeApp();
    for (let i = 0; i < 3; i++) app.invoke('accounts.login', { name: ADMIN.name, pin: '999888' }, {});
    login(app);
    expect(app.invoke('accounts.login', { name: ADMIN.name, pin: '999888' }, {})).toMatchObject({ error: { details: { attemptsLeft: 4 } } });
  });

  it('a coordinator reset lifts the lock and forces a new PIN', () => {
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner', '739104');
    for (let i = 0; i < 5; i++) app.invoke('accounts.login', { name: 'penguji1', pin: '999888' }, {});
    const coord = login(app);
    expect(app.invoke('accounts.resetPin', { id, pin: '615243' }, { token: coord })).toMatchObject({ ok: true, value: { mustChangePin: true, lockedUntil: null } });
    const t = login(app, 'penguji1', '615243');
    expect(app.invoke('accounts.changePin', { currentPin: '000000', newPin: '918273' }, { token: t })).toMatchObject({ ok: false, error: { code: 'PIN_WRONG' } });
    expect(app.invoke('accounts.changePin', { currentPin: '615243', newPin: '918273' }, { token: t })).toMatchObject({ ok: true, value: { mustChangePin: false } });
    login(app, 'penguji1', '918273');
  });

  it('a deactivated person cannot log in and their sessions end; the last coordinator stays', () => {
    const app = makeApp();
    const id = addUser(app, 'petugas1', 'clerk', '739104');
    const t = login(app, 'petugas1', '739104');
    const coord = login(app);
    expect(app.invoke('accounts.setActive', { id, active: false }, { token: coord })).toMatchObject({ ok: true, value: { active: false } });
    expect(app.invoke('accounts.me', {}, { token: t })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(app.invoke('accounts.login', { name: 'petugas1', pin: '739104' }, {})).toMatchObject({ ok: false, error: { code: 'ACCOUNT_INACTIVE' } });
    const me = app.invoke('accounts.me', {}, { token: coord });
    const coordId = me.ok ? (me.value as { id: string }).id : '';
    expect(app.invoke('accounts.setActive', { id: coordId, active: false }, { token: coord })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(app.invoke('accounts.setActive', { id: coordId, active: false }, { local: 'root' })).toMatchObject({ ok: false, error: { code: 'LAST_COORDINATOR' } });
  });

  it('refuses a second account with the same name, case-insensitively', () => {
    const app = makeApp();
    for (const name of ['KOORDINATOR', 'Koordinator', ' koordinator ']) {
      expect(app.invoke('accounts.create', { name, displayName: 'x', role: 'clerk', pin: '739104' }, { local: 't' })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', details: { field: 'name' } },
      });
    }
  });
});
