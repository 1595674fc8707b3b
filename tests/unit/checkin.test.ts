import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { assertNoConflict } from '../../src-main/core/exams/conflicts';
import { verifyChain } from '../../src-main/core/audit/chain';
import { addUser, login, tempDir } from './helpers';
import { checkInVenue } from './venue';

const EXAM = 'CPNS-SMG-2026';
const local = { local: 'test' };


describe('check-in', () => {
  it('records present with time and clerk, and shows name, formation and masked NIK', async () => {
    const { app, clerk, s1, pkg } = await checkInVenue();
    const r = app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: ` ${s1[0]}\n` }, { token: clerk }) as any;
    const c = pkg.roster.find((x) => x.nomor_peserta === s1[0])!;
    expect(r).toMatchObject({ ok: true, value: { nomorPeserta: s1[0], nama: c.nama, kodeFormasi: c.kode_formasi, nikMasked: `${c.nik.slice(0, 6)}********${c.nik.slice(14)}`, by: 'user:petugas1' } });
    const list = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1' }, { token: clerk }) as any;
    expect(list.value.counts).toEqual({ listed: s1.length, present: 1, absent: 0, pending: s1.length - 1 });
    expect(list.value.lines.find((l: any) => l.nomorPeserta === s1[0])).toMatchObject({ state: 'present', by: 'user:petugas1' });
  });

  it('says clearly: wrong session, unknown number, already checked in', async () => {
    const { app, clerk, s1, s2 } = await checkInVenue();
    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s2[0] }, { token: clerk })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_SESSION', message: expect.stringMatching(/not registered for session SKD-1; their session: SKD-2 \(Ruang CAT 2\)/) },
    });
    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: '000000000000' }, { token: clerk })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CANDIDATE' },
    });
    app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[1] }, { token: clerk });
    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[1] }, { token: clerk })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_CHECKED_IN', details: { by: 'user:petugas1' } },
    });
  });

  it('an undo needs a reason, is audited, and lets the candidate check in again', async () => {
    const { app, clerk, s1 } = await checkInVenue();
    app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[2] }, { token: clerk });
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[2], reason: '' }, { token: clerk })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[2], reason: 'salah pindai kartu' }, { token: clerk })).toMatchObject({ ok: true });
    const event = app.workstation!.db.prepare("SELECT payload FROM audit_events WHERE command = 'attendance.undo' AND outcome = 'ok'").pluck().get() as string;
    expect(JSON.parse(event)).toMatchObject({ reason: 'salah pindai kartu', nomorPeserta: s1[2] });
    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[2] }, { token: clerk })).toMatchObject({ ok: true });
  });

  it('closing marks the rest absent (TH); afterwards nothing can be checked in or undone', async () => {
    const { app, clerk, s1 } = await checkInVenue();
    for (const n of s1.slice(0, 3)) app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: n }, { token: clerk });
    expect(app.invoke('sessions.close', { exam: EXAM, session: 'SKD-1' }, { token: clerk })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const closed = app.invoke('sessions.close', { exam: EXAM, session: 'SKD-1' }, { token: login(app) }) as any;
    expect(closed).toMatchObject({ ok: true, value: { present: 3, absent: s1.length - 3 } });
    const list = app.invoke('attendance.list', { exam: EXAM, session: 'SKD-1' }, local) as any;
    expect(list.value.counts).toEqual({ listed: s1.length, present: 3, absent: s1.length - 3, pending: 0 });
    expect(app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[5] }, { token: clerk })).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[0], reason: 'terlambat dicatat' }, { token: clerk })).toMatchObject({ ok: false, error: { code: 'SESSION_CLOSED' } });
    const absent = app.invoke('roster.list', { exam: EXAM, attendance: 'absent' }, local) as any;
    expect(absent.value.total).toBe(s1.length - 3);
  });

  it('attendance facts cannot be edited in the database', async () => {
    const { app, clerk, s1 } = await checkInVenue();
    app.invoke('attendance.checkIn', { exam: EXAM, session: 'SKD-1', nomorPeserta: s1[0] }, { token: clerk });
    expect(() => app.workstation!.db.prepare("UPDATE attendance_events SET kind = 'absent'").run()).toThrow(/append-only/);
  });
});

describe('conflict of interest', () => {
  it('an examiner declares a conflict; from then on scoring that candidate is refused', async () => {
    const { app, s1 } = await checkInVenue();
    const id = addUser(app, 'penguji1', 'examiner');
    const examiner = login(app, 'penguji1', '739104');
    expect(app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: s1[0], reason: 'tetangga' }, { token: examiner })).toMatchObject({ ok: true, value: { declared: true } });
    const examId = app.workstation!.db.prepare('SELECT id FROM exams').pluck().get() as string;
    expect(() => assertNoConflict(app.workstation!.db, examId, id, s1[0]!)).toThrow(/conflict of interest/);
    expect(() => assertNoConflict(app.workstation!.db, examId, id, s1[1]!)).not.toThrow();
    expect(app.invoke('conflicts.list', { exam: EXAM }, local)).toMatchObject({ ok: true, value: [{ nomorPeserta: s1[0], examiner: 'penguji1', reason: 'tetangga' }] });
    expect(app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: s1[0], reason: 'saudara', account: 'koordinator' }, { token: examiner })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: 'nope', reason: 'xyz' }, { token: examiner })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CANDIDATE' } });
  });
});

describe('demo venue', () => {
  it('creates a working venue in one step, with accounts whose PINs work, and a verifiable log', async () => {
    const app = new LenteraApp({ dataDir: join(tempDir(), 'demo'), allowInit: true });
    const r = (await app.invokeAsync('workstation.demo', { candidates: 50 }, local)) as any;
    expect(r.ok).toBe(true);
    expect(r.value.accounts.map((a: any) => a.role).sort()).toEqual(['chair', 'chair', 'clerk', 'clerk', 'coordinator', 'examiner', 'examiner', 'examiner', 'examiner', 'observer']);
    const clerk = r.value.accounts.find((a: any) => a.name === 'petugas1');
    expect(app.invoke('accounts.login', { name: 'petugas1', pin: clerk.pin }, {})).toMatchObject({ ok: true, value: { account: { mustChangePin: false } } });
    expect(app.invoke('exams.list', {}, local)).toMatchObject({ ok: true, value: [{ code: EXAM, candidates: 50, formations: 6 }] });
    expect(verifyChain(app.workstation!.db)).toMatchObject({ ok: true });
    const states = new Set(((app.invoke('scores.list', { exam: EXAM }, local) as any).value as { state: string }[]).map((s) => s.state));
    expect([...states].sort()).toEqual(['amended', 'confirmed', 'draft', 'finalized', 'submitted']);
    expect((app.invoke('display.board', { exam: EXAM, session: 'WWC-F01' }, {}) as any).value.results.length).toBeGreaterThan(0);
    expect(await app.invokeAsync('workstation.demo', {}, local)).toMatchObject({ ok: false, error: { code: 'ALREADY_INITIALISED' } });
    app.close();
  });
});
