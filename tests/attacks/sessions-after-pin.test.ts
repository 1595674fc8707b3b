/**
 * The attack: someone who learned an examiner's PIN logs in from their own device. The documented recovery is the
 * coordinator's PIN reset, and then the holder's own new PIN; the session opened with the stolen PIN lived on
 * through both, for up to its 14 hours (found by review).
 */
import { describe, expect, it } from 'vitest';
import { addUser, login, makeApp } from '../unit/helpers';

describe('sessions when a PIN changes', () => {
  it("a coordinator's reset ends every session of the account", () => {
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner', '739104');
    const thief = login(app, 'penguji1', '739104');
    const holder = login(app, 'penguji1', '739104');
    expect(app.invoke('accounts.me', {}, { token: thief }).ok).toBe(true);
    expect(app.invoke('accounts.resetPin', { id, pin: '583920' }, { token: login(app) }).ok).toBe(true);
    for (const token of [thief, holder]) expect(app.invoke('accounts.me', {}, { token })).toMatchObject({ ok: false });
  });

  it("the holder's own change ends every other session, and keeps the one it was made in", () => {
    const app = makeApp();
    const id = addUser(app, 'penguji1', 'examiner', '739104');
    const thief = login(app, 'penguji1', '739104');
    const holder = login(app, 'penguji1', '739104');
    expect(app.invoke('accounts.changePin', { currentPin: '739104', newPin: '471958' }, { token: holder }).ok).toBe(true);
    expect(app.invoke('accounts.me', {}, { token: thief })).toMatchObject({ ok: false });
    expect(app.invoke('accounts.me', {}, { token: holder })).toMatchObject({ ok: true, value: { id } });
    // A PIN change that is refused ends nothing.
    const again = login(app, 'penguji1', '471958');
    expect(app.invoke('accounts.changePin', { currentPin: '000000', newPin: '362514' }, { token: holder }).ok).toBe(false);
    expect(app.invoke('accounts.me', {}, { token: again }).ok).toBe(true);
  });
});
