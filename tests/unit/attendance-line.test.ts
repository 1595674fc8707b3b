import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import { addUser, appWithExam, login } from './helpers';
import { checkInVenue } from './venue';

const EXAM = 'CPNS-SMG-2026';

/**
 * What the attendance screen needs to change one line instead of reading the whole list: the live event of a
 * check-in or an undo names its line (by number, an id: never the candidate's data), and the list can be read one
 * line at a time.
 */
describe('attendance, one line at a time', () => {
  it('a check-in and an undo say which line changed; closing a session says only the session', async () => {
    const pkg = demoPackage(120);
    const app = await appWithExam(pkg);
    addUser(app, 'petugas1', 'clerk');
    const clerk = login(app, 'petugas1', '739104');
    addUser(app, 'koord2', 'coordinator');
    const coordinator = login(app, 'koord2', '739104');
    const [first] = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;
    const heard: unknown[] = [];
    app.events.subscribe((e) => void (e.type === 'attendance.changed' && heard.push(e.data)));

    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: ` ${first} ` }, { token: clerk }).ok).toBe(true);
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: first!, reason: 'salah pindai' }, { token: clerk }).ok).toBe(true);
    // Refused: no event at all.
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: first!, reason: 'salah pindai' }, { token: clerk }).ok).toBe(false);
    expect(app.invoke('sessions.close', { exam: EXAM, session: 'SKD-1' }, { token: coordinator }).ok).toBe(true);
    expect(heard).toEqual([
      { exam: EXAM, session: 'SKD-1', nomorPeserta: first },
      { exam: EXAM, session: 'SKD-1', nomorPeserta: first },
      { exam: EXAM, session: 'SKD-1' },
    ]);
  });

  it('reads one line of a session, NIK masked as in the whole list, with the whole session\'s counts', async () => {
    const { app, clerk, s1, s2 } = await checkInVenue();
    app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[3]! }, { token: clerk });

    const whole = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1' }, { token: clerk }) as any;
    const one = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[3]! }, { token: clerk }) as any;
    expect(one.ok).toBe(true);
    expect(one.value.lines).toEqual([whole.value.lines.find((l: any) => l.nomorPeserta === s1[3])]);
    expect(one.value.lines[0]).toMatchObject({ state: 'present', by: 'user:petugas1' });
    expect(one.value.lines[0].nik).toMatch(/^\d{6}\*{8}\d{2}$/);
    expect(one.value.counts).toEqual({ listed: s1.length, present: 1, absent: 0, pending: s1.length - 1 });
    expect(one.value.session).toEqual(whole.value.session);
    // A number not in the session: no line.
    const other = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1', nomorPeserta: s2[0]! }, { token: clerk }) as any;
    expect(other.value.lines).toEqual([]);
  });

  it('one line and its counts are those of the whole list, whatever happened at the door', async () => {
    // The one line is read alone and the counts from one statement (not the whole session built for one line: 816 ms
    // at 100,000). Any order of check-ins and undos, and a close, gives the whole list's line and counts.
    const { app, clerk, s1 } = await checkInVenue();
    addUser(app, 'koord2', 'coordinator');
    const coordinator = login(app, 'koord2', '739104');
    const db = app.workstation!.db;
    const op = fc.record({ i: fc.nat({ max: s1.length - 1 }), undo: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.boolean(), fc.nat({ max: s1.length - 1 }), (ops, close, asked) => {
        db.exec('SAVEPOINT round');
        try {
          for (const { i, undo } of ops) {
            if (undo) app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[i]!, reason: 'salah pindai' }, { token: clerk });
            else app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[i]! }, { token: clerk });
          }
          if (close) expect(app.invoke('sessions.close', { exam: EXAM, session: 'SKD-1' }, { token: coordinator }).ok).toBe(true);
          const whole = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1' }, { token: clerk }) as any;
          const one = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[asked]! }, { token: clerk }) as any;
          expect(one.value.lines).toEqual(whole.value.lines.filter((l: any) => l.nomorPeserta === s1[asked]));
          expect(one.value.counts).toEqual(whole.value.counts);
        } finally {
          db.exec('ROLLBACK TO round; RELEASE round');
        }
      }),
      { numRuns: 40 },
    );
  });
});
