import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../src-main/core/audit/chain';
import { resolveSession } from '../../src-main/core/accounts/sessions';
import { requireExam } from '../../src-main/core/exams/exams';
import { loadPanel, scoreAsPanelist, scoreCriterion, scoreTarget } from '../../src-main/core/scoring/panel';
import { systemClock } from '../../src-main/core/util/clock';
import { CRITERIA, EXAM, local, venue } from './venue';

const AT = '2026-12-02T09:00:00.000Z';

/** A write's answer as a value or an error (code and message), so two paths can be compared. */
function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    const err = e as { code?: string; message: string; details?: unknown };
    return { code: err.code, message: err.message, details: err.details };
  }
}

describe('panel.score reads only what it needs (scoreTarget + scoreAsPanelist)', () => {
  it('answers exactly as loadPanel + scoreCriterion on random writes: same value, same refusal in the same order', async () => {
    const { app, tokens, f01, present } = await venue();
    const db = app.workstation!.db;
    present(f01[0]!);
    present(f01[1]!);
    present(f01[2]!);
    expect(app.invoke('attendance.undo', { exam: EXAM, session: 'WWC-F01', nomorPeserta: f01[2]!, reason: 'salah pindai kartu' }, local)).toMatchObject({ ok: true });
    const people = ['ketua1', 'penguji1', 'penguji2', 'penguji3', 'petugas1', 'koordinator'].map((n) => resolveSession(db, systemClock, tokens[n]!)!.account.id);
    const nomors = [...f01.slice(0, 4), 'NO-SUCH-1'];
    const sessions = ['WWC-F01', 'NO-SUCH', ...(db.prepare('SELECT code FROM sessions').pluck().all() as string[]).slice(0, 2)];
    const write = fc.record({
      exam: fc.constantFrom(EXAM, 'NO-EXAM'),
      session: fc.constantFrom(...sessions),
      account: fc.constantFrom(...people),
      nomor: fc.constantFrom(...nomors),
      criterion: fc.constantFrom(...CRITERIA, 'nope'),
      value: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(2.5, 3.25, -1)),
    });
    fc.assert(
      fc.property(write, (w) => {
        const rollback = new Error('rollback');
        const run = (fn: () => unknown) => {
          let got: unknown;
          try {
            db.transaction(() => {
              got = outcome(fn);
              throw rollback;
            })();
          } catch (e) {
            if (e !== rollback) throw e;
          }
          return got;
        };
        const fast = run(() => scoreAsPanelist(db, scoreTarget(db, w.exam, w.session, w.account), w.nomor, w.account, w.criterion, w.value, AT, 'user:x', 'ws'));
        const reference = run(() => scoreCriterion(db, loadPanel(db, requireExam(db, w.exam).id, w.session), w.nomor, w.account, w.criterion, w.value, AT, 'user:x', 'ws'));
        expect(fast).toEqual(reference);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps nothing that would let a removed panelist, a deactivated account or an old rubric through', async () => {
    const { app, tokens, f01, present } = await venue();
    const db = app.workstation!.db;
    const n = f01[0]!;
    present(n);
    const score = (token: string, criterion = 'integritas') => app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion, value: 3 }, { token });
    expect(score(tokens.penguji1!)).toMatchObject({ ok: true, value: { criterion: 'integritas', value: 3 } });
    expect(score(tokens.penguji2!)).toMatchObject({ ok: true });

    // penguji1 taken off the panel (as a re-imported package does): the very next write is refused.
    const sessionId = db.prepare("SELECT id FROM sessions WHERE code = 'WWC-F01'").pluck().get() as string;
    const nip = db.prepare("SELECT nip FROM accounts WHERE name = 'penguji1'").pluck().get() as string;
    db.prepare('DELETE FROM session_panel WHERE session_id = ? AND nip = ?').run(sessionId, nip);
    expect(score(tokens.penguji1!)).toMatchObject({ ok: false, error: { code: 'NOT_ON_PANEL' } });

    // penguji2 deactivated: their session ends and nothing more is written in their name.
    const id = db.prepare("SELECT id FROM accounts WHERE name = 'penguji2'").pluck().get() as string;
    expect(app.invoke('accounts.setActive', { id, active: false }, { token: tokens.koordinator })).toMatchObject({ ok: true });
    expect(score(tokens.penguji2!)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });

    // The rubric changed under the same stage: the next write reads the new one.
    const stage = db.prepare("SELECT exam_id, code, definition FROM stages WHERE kind = 'interview' AND code = (SELECT stage_code FROM sessions WHERE id = ?)").get(sessionId) as { exam_id: string; code: string; definition: string };
    expect(score(tokens.ketua1!)).toMatchObject({ ok: true });
    db.prepare('UPDATE stages SET definition = ? WHERE exam_id = ? AND code = ?').run(stage.definition.replaceAll('"integritas"', '"integritas2"'), stage.exam_id, stage.code);
    expect(score(tokens.ketua1!)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No criterion "integritas" in this rubric.' } });
    expect(score(tokens.ketua1!, 'integritas2')).toMatchObject({ ok: true, value: { criterion: 'integritas2' } });

    // Every write and refusal above is in the chain, and the chain holds.
    const events = db.prepare("SELECT outcome, payload FROM audit_events WHERE command = 'panel.score' ORDER BY seq").all() as { outcome: string; payload: string }[];
    expect(events.map((e) => e.outcome)).toEqual(['ok', 'ok', 'refused', 'ok', 'refused', 'ok']); // a caller whose session ended is answered, not logged (as before)
    expect(events.filter((e) => e.outcome === 'refused').every((e) => !('value' in (JSON.parse(e.payload) as { input: object }).input))).toBe(true);
    expect(verifyChain(db)).toMatchObject({ ok: true });
  });
});
