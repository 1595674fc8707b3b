// A venue's laptop clock corrected backwards in the middle of the day. What the workstation records is read back in
// time order (a panelist's criterion, an amendment, a paper entry: the latest by `at`, then id, here and at the hub),
// so a correction made after the clock was put back used to be filed before the value it corrected, and the older
// value stood: the panelist was told "4 saved" and their sheet, the panel's result and the ranking kept 3. Found
// 2026-12-06 with migration 25's attendance case. Now nothing is recorded before the last audit event (chain.ts
// recordedAt); these tests play the correction through the registry.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedAt } from '../../src-main/core/audit/chain';
import { addUser, ADMIN, ManualClock, tempDir } from './helpers';
import { createSession } from '../../src-main/core/accounts/sessions';
import { allCommands } from '../../src-main/api/commands';
import type { Role } from '../../src-main/core/accounts/roles';
import { SAMPLE_INPUTS, type WalkFixture } from '../attacks/registry-walk';
import { EXAM, CRITERIA, local, PIN, testPackage, venue } from './venue';

const TEN_MINUTES = 10 * 60_000;
const HOUR = 60 * 60_000;

function mine(app: Awaited<ReturnType<typeof venue>>['app'], token: string, nomor: string): Record<string, number | null> {
  const sheet = app.invoke('panel.sheet', { exam: EXAM, session: 'WWC-F01', nomorPeserta: nomor }, { token }) as { ok: true; value: { criteria: { code: string; mine: number | null }[] } };
  return Object.fromEntries(sheet.value.criteria.map((c) => [c.code, c.mine]));
}

/** Every audit event's time, in the order recorded: never earlier than the one before. */
function auditTimesInOrder(app: Awaited<ReturnType<typeof venue>>['app']): boolean {
  const at = app.workstation!.db.prepare('SELECT at FROM audit_events ORDER BY seq').pluck().all() as string[];
  return at.every((t, i) => i === 0 || Date.parse(t) >= Date.parse(at[i - 1]!));
}

describe('a clock put back files nothing before what it follows', () => {
  it("a panelist's correction after the clock went back ten minutes is the value that stands", async () => {
    const clock = new ManualClock(new Date('2026-12-01T03:00:00.000Z'));
    const { app, tokens, f01, present } = await venue({ clock });
    const n = f01[0]!;
    present(n);
    const score = (value: number) => app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: 'integritas', value }, { token: tokens.penguji1! }) as { ok: true; value: { value: number; savedAt: string } };
    const first = score(3);
    clock.advance(-TEN_MINUTES);
    const second = score(4);
    expect(second.value.value).toBe(4);
    expect(mine(app, tokens.penguji1!, n).integritas).toBe(4);
    // Recorded just after the value it corrects, not at the clock's earlier time.
    expect(Date.parse(second.value.savedAt)).toBeGreaterThan(Date.parse(first.value.savedAt));
    expect(auditTimesInOrder(app)).toBe(true);
    // The coordinator's and the chair's status bar say the clock is behind the last record, and by how much; nobody
    // else is told (a LAN device before a login learns nothing of when the last write was).
    const behind = (auth: object) => (app.invoke('system.status', {}, auth) as { ok: true; value: { clockBehindMs: number | null } }).value.clockBehindMs;
    expect(behind({ token: tokens.koordinator! })).toBe(TEN_MINUTES + 1);
    expect(behind({ token: tokens.ketua1! })).toBe(TEN_MINUTES + 1);
    expect(behind(local)).toBe(TEN_MINUTES + 1);
    expect(behind({ token: tokens.penguji1! })).toBeNull();
    expect(behind({})).toBeNull();
    // The clock catches up: times are the clock's again, and the status says nothing is behind.
    clock.advance(2 * TEN_MINUTES);
    expect(behind({ token: tokens.koordinator! })).toBe(0);
    expect(score(5).value.savedAt).toBe(clock.now().toISOString());
    expect(mine(app, tokens.penguji1!, n).integritas).toBe(5);
  });

  it('a second amendment approved after the clock went back replaces the first', async () => {
    const clock = new ManualClock(new Date('2026-12-01T03:00:00.000Z'));
    const { app, tokens } = await venue({ clock });
    const path = join(tempDir(), 'skd.csv');
    const skd = testPackage().pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates[0]!;
    writeFileSync(path, `nomor_peserta;twk;tiu;tkp\n${skd};85;90;170\n`);
    expect(await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path } }, local)).toMatchObject({ ok: true });
    const amend = (value: number) => {
      const req = app.invoke('amendments.request', { exam: EXAM, stage: 'SKD', nomorPeserta: skd, item: 'tiu', value, reason: 'sanggah diterima panitia' }, { token: tokens.ketua1! }) as { ok: true; value: { requestId: string } };
      expect(app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true }, { token: tokens.koordinator! })).toMatchObject({ ok: true });
    };
    amend(95);
    clock.advance(-TEN_MINUTES);
    amend(100);
    const tiu = (app.invoke('scores.list', { exam: EXAM, stage: 'SKD' }, local) as { ok: true; value: { nomorPeserta: string; item: string; value: number; history: { value: number }[] }[] }).value.find((s) => s.nomorPeserta === skd && s.item === 'tiu')!;
    expect(tiu.value).toBe(100);
    expect(tiu.history.map((h) => h.value)).toEqual([90, 95, 100]);
    expect(auditTimesInOrder(app)).toBe(true);
  });

  it('property: whatever the clock does between them, the last value a panelist saved is the one that stands', async () => {
    const clock = new ManualClock(new Date('2026-12-01T03:00:00.000Z'));
    const { app, tokens, f01, present } = await venue({ clock });
    let next = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ move: fc.oneof(fc.constant(0), fc.integer({ min: -3_600_000, max: 600_000 })), criterion: fc.constantFrom(...CRITERIA), value: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 12 }),
        (ops) => {
          // A candidate of its own for each run: the panel's drafts start empty.
          const n = f01[next++ % f01.length]!;
          if (next <= f01.length) present(n);
          const saved: Record<string, number> = { ...Object.fromEntries(Object.entries(mine(app, tokens.penguji2!, n)).filter(([, v]) => v !== null)) } as Record<string, number>;
          for (const op of ops) {
            clock.advance(op.move);
            const r = app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: op.criterion, value: op.value }, { token: tokens.penguji2! });
            expect(r.ok).toBe(true);
            saved[op.criterion] = op.value;
            expect(mine(app, tokens.penguji2!, n)).toMatchObject(saved);
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(auditTimesInOrder(app)).toBe(true);
  }, 60_000);

  it('recordedAt: the clock when it is not behind, else a millisecond after the last event', () => {
    expect(recordedAt('2026-12-01T03:00:00.000Z', null)).toBe('2026-12-01T03:00:00.000Z');
    expect(recordedAt('2026-12-01T03:00:00.000Z', '2026-12-01T03:00:00.000Z')).toBe('2026-12-01T03:00:00.000Z');
    expect(recordedAt('2026-12-01T03:00:00.001Z', '2026-12-01T03:00:00.000Z')).toBe('2026-12-01T03:00:00.001Z');
    expect(recordedAt('2026-12-01T02:50:00.000Z', '2026-12-01T03:00:00.000Z')).toBe('2026-12-01T03:00:00.001Z');
    // An offset time, as an event imported before the audit times were all UTC might hold, compares as a time.
    expect(recordedAt('2026-12-01T03:00:00.000Z', '2026-12-01T09:59:00+07:00')).toBe('2026-12-01T03:00:00.000Z');
  });

  it('generated over every mutating command: an hour behind the last record, nothing it records (or refuses) is dated before it', async () => {
    const clock = new ManualClock(new Date('2026-12-01T03:00:00.000Z'));
    const { app, f01, present } = await venue({ clock });
    addUser(app, 'pengawas', 'observer', PIN);
    present(f01[0]!);
    present(f01[0]!, 'TULIS-1');
    const people: Record<Role, string> = { coordinator: ADMIN.name, chair: 'ketua1', examiner: 'penguji1', clerk: 'petugas1', observer: 'pengawas' };
    const f: WalkFixture = { exam: EXAM, session: 'WWC-F01', nomor: f01[0]!, paperStage: 'TULIS', uploadId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' };
    const db = app.workstation!.db;
    // The tables of facts, each dated by a column `at` (those without a rowid are kept from the others by triggers).
    const facts = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[])
      .filter((t) => !/WITHOUT ROWID/i.test(t.sql) && (db.prepare(`PRAGMA table_info(${t.name})`).all() as { name: string }[]).some((c) => c.name === 'at'))
      .map((t) => t.name);
    expect(facts).toEqual(expect.arrayContaining(['audit_events', 'score_entries', 'attendance_events', 'panel_submissions', 'panel_notes', 'finalizations', 'amendment_requests']));
    const early: string[] = [];
    const wrote: string[] = [];
    let refused = 0;
    // What would stop the rest from writing (the candidate sent home, a conflict declared, the session closed) goes last.
    const LAST = ['attendance.undo', 'conflicts.declare', 'sessions.close', 'exams.purge'];
    const walk = allCommands.filter((x) => x.mutates).sort((a, b) => Number(LAST.includes(a.name)) - Number(LAST.includes(b.name)));
    for (const c of walk) {
      for (const input of SAMPLE_INPUTS[c.name]!(f)) {
        const role: Role = Array.isArray(c.access) ? (c.access[0] as Role) : 'coordinator';
        // A fresh session each time, opened without a login (its PIN checks would meet the per-client limit): some
        // commands end the one they run in (a logout, a PIN change).
        const account = db.prepare('SELECT id FROM accounts WHERE name = ?').pluck().get(people[role]) as string;
        const auth = c.access === 'public' ? { client: 'walk' } : { token: createSession(db, clock, account).token, client: `walk-${role}` };
        const tip = db.prepare('SELECT at FROM audit_events ORDER BY seq DESC LIMIT 1').pluck().get() as string;
        const marks = facts.map((t) => db.prepare(`SELECT COALESCE(MAX(rowid), 0) FROM ${t}`).pluck().get() as number);
        clock.advance(Date.parse(tip) - HOUR - clock.now().getTime());
        const r = await app.invokeAsync(c.name, input, auth);
        if (r.ok) wrote.push(c.name);
        else refused++;
        facts.forEach((t, i) => {
          for (const at of db.prepare(`SELECT at FROM ${t} WHERE rowid > ? AND at < ?`).pluck().all(marks[i], tip) as string[]) early.push(`${c.name} → ${t} at ${at}, before ${tip}`);
        });
      }
    }
    expect(early).toEqual([]);
    // Both ways through the registry were walked: commands that wrote facts, and refusals (audited, dated the same way).
    expect(wrote).toEqual(expect.arrayContaining(['panel.score', 'panel.note', 'paper.enter', 'attendance.undo', 'conflicts.declare', 'sessions.close', 'accounts.create']));
    expect(refused).toBeGreaterThan(20);
    expect(auditTimesInOrder(app)).toBe(true);
  }, 120_000);
});

