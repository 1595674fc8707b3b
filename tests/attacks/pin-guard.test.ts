import type { Server } from 'node:http';
import { request } from 'node:http';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import type { Result } from '../../src-main/api/result';
import { THROTTLE_POLICY } from '../../src-main/api/throttle';
import { GUARD_POLICY } from '../../src-main/core/accounts/guard';
import { createHttpServer, listen } from '../../src-main/server/http';
import { ADMIN, addUser, atRealScryptCost, login, makeApp, ManualClock, tempDir } from '../unit/helpers';
import { EXAM, PIN, venue } from '../unit/venue';

/**
 * PIN guessing as an attacker would try it: inside a stolen session, across many names, from many addresses,
 * and by locking a panelist out of their own device. docs/security.md states the bounds these tests hold.
 */

const WRONG = '902184';
const failedAttempts = (app: LenteraApp, name: string): number => app.workstation!.db.prepare('SELECT failed_attempts FROM accounts WHERE name = ?').pluck().get(name) as number;
const codeOf = (r: Result) => (r.ok ? 'ok' : r.error.code);

describe('every check of a secret counts on one counter and locks the same way', () => {
  it('wrong PINs through accounts.changePin and panel.signoff count, lock at the fifth, and are audited; then even the right PIN is refused', async () => {
    const clock = new ManualClock();
    const { app } = await venue({ clock });
    const session = (app.invoke('accounts.login', { name: 'ketua1', pin: PIN }, { client: 'ipc:1' }) as { value: { token: string; deviceToken: string } }).value;
    const chair = { token: session.token, client: 'ipc:1' };
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push(codeOf(app.invoke('accounts.changePin', { currentPin: WRONG, newPin: '615243' }, chair)));
    for (let i = 0; i < 3; i++) answers.push(codeOf(app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: WRONG }, chair)));
    expect(answers).toEqual(['PIN_WRONG', 'PIN_WRONG', 'PIN_WRONG', 'PIN_WRONG', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    // Locked: the right PIN changes nothing either, in the session and at a login from the same device.
    expect(codeOf(app.invoke('accounts.changePin', { currentPin: PIN, newPin: '615243' }, chair))).toBe('ACCOUNT_LOCKED');
    expect(codeOf(app.invoke('accounts.login', { name: 'ketua1', pin: PIN, deviceToken: session.deviceToken }, { client: 'ipc:1' }))).toBe('ACCOUNT_LOCKED');
    const events = app.workstation!.db.prepare("SELECT command, outcome, json_extract(payload, '$.code') AS code FROM audit_events WHERE actor = 'user:ketua1' AND command IN ('accounts.changePin', 'panel.signoff') AND outcome = 'refused' ORDER BY seq").all() as { code: string }[];
    expect(events.map((e) => e.code)).toEqual([...answers, 'ACCOUNT_LOCKED']);
    const counted = app.workstation!.db.prepare('SELECT failed_attempts AS failed, locked_until AS until FROM account_devices WHERE account_id = (SELECT id FROM accounts WHERE name = ?) AND locked_until IS NOT NULL').all('ketua1');
    expect(counted).toEqual([{ failed: GUARD_POLICY.maxFailures, until: new Date(clock.now().getTime() + GUARD_POLICY.deviceLockMinutes * 60_000).toISOString() }]);
    // The lock of the session's device runs out after its minutes; the right PIN then works and clears the count.
    clock.advance(GUARD_POLICY.deviceLockMinutes * 60_000 + 1_000);
    expect(codeOf(app.invoke('accounts.changePin', { currentPin: PIN, newPin: '615243' }, chair))).toBe('ok');
  });

  it('a wrong key passphrase counts on the same counter (bundle export, signing)', async () => {
    const { app, tokens } = await venue();
    const coord = { token: tokens.koordinator!, client: 'ipc:1' };
    const made = await app.invokeAsync('keys.generate', { passphrase: 'sandi-kunci-rahasia' }, coord);
    expect(made.ok).toBe(true);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push(codeOf(await app.invokeAsync(i % 2 ? 'sheets.start' : 'bundle.export', { exam: EXAM, passphrase: `tebakan-${i}` }, coord)));
    expect(answers).toEqual(['PASSPHRASE_WRONG', 'PASSPHRASE_WRONG', 'PASSPHRASE_WRONG', 'PASSPHRASE_WRONG', 'ACCOUNT_LOCKED']);
    expect(codeOf(await app.invokeAsync('bundle.export', { exam: EXAM, passphrase: 'sandi-kunci-rahasia' }, coord))).toBe('ACCOUNT_LOCKED');
    expect(codeOf(app.invoke('accounts.changePin', { currentPin: ADMIN.pin, newPin: '615243' }, coord))).toBe('ACCOUNT_LOCKED');
  });
});

describe('account names cannot be enumerated', () => {
  it('an unknown name answers exactly like a known one: code, details, status, and the lock at the fifth try', () => {
    const app = makeApp();
    addUser(app, 'penguji1', 'examiner');
    const known: Result[] = [];
    const unknown: Result[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(app.invoke('accounts.login', { name: 'penguji1', pin: WRONG }, { client: `a${i}` }));
      unknown.push(app.invoke('accounts.login', { name: 'penguji9', pin: WRONG }, { client: `b${i}` }));
    }
    const shape = (r: Result) => (r.ok ? 'ok' : `${r.error.code} ${JSON.stringify(Object.keys(r.error.details).sort())} ${r.error.message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, 'T')}`);
    expect(known.map(shape)).toEqual(unknown.map(shape));
    expect(known.map(codeOf)).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
  });

  it('a deactivated account says so only to someone who knows its PIN', () => {
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner');
    app.invoke('accounts.setActive', { id, active: false }, { local: 't' });
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: WRONG }, {}))).toBe('LOGIN_FAILED');
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '739104' }, {}))).toBe('ACCOUNT_INACTIVE');
  });

  it('an unknown name costs the same scrypt work as a known one (it used to answer in 4 ms against 116 ms)', () => {
    // At the real cost: the account's PIN, and the dummy an unknown name is checked against.
    atRealScryptCost(() => {
      const app = makeApp();
      addUser(app, 'penguji1', 'examiner');
      const time = (name: string, i: number) => {
        const t = process.hrtime.bigint();
        app.invoke('accounts.login', { name, pin: WRONG }, { client: `t${i}` });
        return Number(process.hrtime.bigint() - t);
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      time('penguji9', 99); // warm the dummy hash
      const k: number[] = [];
      const u: number[] = [];
      // Fresh names each round: no lock stops the check early.
      for (let i = 0; i < 4; i++) {
        app.invoke('accounts.resetPin', { id: app.workstation!.db.prepare("SELECT id FROM accounts WHERE name = 'penguji1'").pluck().get(), pin: '739104' }, { local: 't' });
        k.push(time('penguji1', i));
        u.push(time(`tamu${i}`, i));
      }
      // A security property, not a benchmark: without the dummy check the ratio is about 0.03.
      expect(median(u) / median(k)).toBeGreaterThan(0.5);
      expect(app.workstation!.db.prepare("SELECT pin_hash FROM accounts WHERE name = 'penguji1'").pluck().get()).toMatch(/^scrypt\$32768\$8\$1\$/);
    });
  });
});

describe('per-client limit and lockout bounds', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  function post(port: number, localAddress: string, name: string, body: unknown): Promise<{ status: number; retryAfter: string | undefined; code: string }> {
    return new Promise((done, fail) => {
      const text = JSON.stringify(body);
      const req = request({ host: '127.0.0.1', port, localAddress, method: 'POST', path: `/api/${name}`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
        let raw = '';
        res.on('data', (d) => (raw += String(d)));
        res.on('end', () => done({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, code: (JSON.parse(raw) as { error?: { code: string } }).error?.code ?? 'ok' }));
      });
      req.on('error', fail);
      req.end(text);
    });
  }

  it('200 quick login tries from one address: 429 with Retry-After once past the limit, while another address still gets its answers', async () => {
    const app = makeApp();
    for (let i = 1; i <= 30; i++) addUser(app, `penguji${i}`, 'examiner');
    server = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir: tempDir(), log: () => undefined });
    const { port } = await listen(server, '127.0.0.1', 0);
    const answers = [];
    for (let i = 0; i < 200; i++) answers.push(await post(port, '127.0.0.1', 'accounts.login', { name: `penguji${(i % 30) + 1}`, pin: WRONG }));
    const limited = answers.filter((a) => a.status === 429);
    const checked = answers.filter((a) => a.code === 'LOGIN_FAILED' || a.code === 'ACCOUNT_LOCKED');
    expect(checked.length).toBeLessThanOrEqual(THROTTLE_POLICY.failuresPer15Minutes);
    expect(limited.length).toBe(200 - checked.length);
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThan(0);
    expect(limited[0]!.code).toBe('RATE_LIMITED');
    // The limit is per client: the examiner at another address is not throttled by the attacker.
    expect(await post(port, '127.0.0.2', 'accounts.login', { name: 'penguji1', pin: '739104' })).toMatchObject({ status: 200 });
  });

  it('property: however many clients guess, at most 5 wrong PINs of an account are checked per 15 minutes, and its holder is never locked out of their own device for more than 5 minutes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dtSeconds: fc.integer({ min: 0, max: 400 }), who: fc.constantFrom('attacker', 'attacker', 'attacker', 'holder-right', 'holder-wrong') }), { minLength: 20, maxLength: 80 }),
        (steps) => {
          const clock = new ManualClock();
          const app = makeApp({ clock });
          addUser(app, 'penguji1', 'examiner');
          // The holder's own device: it logged in once before the attack.
          const first = app.invoke('accounts.login', { name: 'penguji1', pin: '739104' }, { client: 'holder' });
          const device = (first as { value: { deviceToken: string } }).value.deviceToken;
          const attackerChecks: number[] = [];
          // The holder's device, as a model: only the holder's own five mistakes lock it, for 5 minutes.
          let wrongs = 0;
          let lockedUntil = 0;
          let client = 0;
          for (const s of steps) {
            clock.advance(s.dtSeconds * 1000);
            const now = clock.now().getTime();
            if (s.who === 'attacker') {
              // A new address every time: the per-client limit never helps here, only the account's own bound.
              const r = app.invoke('accounts.login', { name: 'penguji1', pin: WRONG }, { client: `attacker-${client++}` });
              if (!r.ok && (r.error.code === 'LOGIN_FAILED' || r.error.details.justLocked)) attackerChecks.push(now);
              continue;
            }
            const r = app.invoke('accounts.login', { name: 'penguji1', pin: s.who === 'holder-right' ? '739104' : WRONG, deviceToken: device }, { client: 'holder' });
            if (now < lockedUntil) {
              expect(codeOf(r)).toBe('ACCOUNT_LOCKED');
              expect(lockedUntil - now).toBeLessThanOrEqual(GUARD_POLICY.deviceLockMinutes * 60_000);
            } else if (s.who === 'holder-right') {
              expect(codeOf(r)).toBe('ok');
              wrongs = 0;
              lockedUntil = 0;
            } else {
              wrongs = lockedUntil ? 1 : wrongs + 1; // an expired lock starts a fresh count
              lockedUntil = 0;
              if (wrongs >= GUARD_POLICY.maxFailures) lockedUntil = now + GUARD_POLICY.deviceLockMinutes * 60_000;
            }
          }
          for (const t of attackerChecks) expect(attackerChecks.filter((u) => u >= t && u < t + 15 * 60_000).length).toBeLessThanOrEqual(GUARD_POLICY.maxFailures);
          app.close();
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("a stranger's guesses lock only strangers out: the holder's remembered device still logs in, and a coordinator's reset lifts every lock", () => {
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner');
    const device = (app.invoke('accounts.login', { name: 'penguji1', pin: '739104' }, {}) as { value: { deviceToken: string } }).value.deviceToken;
    for (let i = 0; i < 8; i++) app.invoke('accounts.login', { name: 'penguji1', pin: WRONG }, { client: `x${i}` });
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '739104' }, { client: 'new-laptop' }))).toBe('ACCOUNT_LOCKED');
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '739104', deviceToken: device }, { client: 'own' }))).toBe('ok');
    // A made-up or another account's device token is just an unknown client.
    const other = addUser(app, 'penguji2', 'examiner');
    void other;
    const theirs = (app.invoke('accounts.login', { name: 'penguji2', pin: '739104' }, {}) as { value: { deviceToken: string } }).value.deviceToken;
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '739104', deviceToken: theirs }, {}))).toBe('ACCOUNT_LOCKED');
    app.invoke('accounts.resetPin', { id, pin: '583920' }, { local: 't' });
    expect(failedAttempts(app, 'penguji1')).toBe(0);
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '583920' }, { client: 'new-laptop' }))).toBe('ok');
    expect(login(app, ADMIN.name, ADMIN.pin)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a reset forgets the devices the person logged in from: a device kept from before counts as any other client', () => {
    // A reset is how a coordinator answers a PIN or laptop gone astray: whoever kept a device token from before must
    // not keep that device's looser count (5 per 5 minutes) against the new PIN (found by review, 2026-12-08).
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner');
    const device = (app.invoke('accounts.login', { name: 'penguji1', pin: '739104' }, {}) as { value: { deviceToken: string } }).value.deviceToken;
    app.invoke('accounts.resetPin', { id, pin: '583920' }, { local: 't' });
    expect(app.workstation!.db.prepare('SELECT COUNT(*) FROM account_devices WHERE account_id = ?').pluck().get(id)).toBe(0);
    // Five wrong guesses through the old device lock everyone but a device remembered since: the old one is no such device.
    for (let i = 0; i < GUARD_POLICY.maxFailures; i++) app.invoke('accounts.login', { name: 'penguji1', pin: WRONG, deviceToken: device }, { client: 'kept' });
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '583920', deviceToken: device }, { client: 'kept' }))).toBe('ACCOUNT_LOCKED');
    expect(codeOf(app.invoke('accounts.login', { name: 'penguji1', pin: '583920' }, { client: 'new-laptop' }))).toBe('ACCOUNT_LOCKED');
  });
});
