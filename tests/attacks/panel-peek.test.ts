/**
 * The attack: a panelist who wants to know the others' scores before giving their own. The rule (DOMAIN.md): the
 * examiners score each criterion independently, and nobody sees the others' scores until all have submitted. But a
 * panelist saw the others' values as soon as they had submitted themselves, and a submission stayed open to change
 * until the chair finalized: submitting a throwaway showed the others, and one's real scores followed, fitted to
 * them (found by review, session 70).
 *
 * The chair is a scoring panelist too, and records the discussion: it could submit a throwaway, look, record a
 * "discussion" alone and submit values fitted to the others (found by audit, s80, chair_peek.sh). A note does not
 * unlock a change by its own author: the chair's change needs the discussion recorded by another panelist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { CRITERIA, EXAM, venue } from '../unit/venue';

const SESSION = 'WWC-F01';
const PANEL = ['ketua1', 'penguji1', 'penguji2'] as const;
/** A change after all submitted whose only discussion notes (if any) are by the one who changes. */
const OWN = 'CHANGE_NEEDS_DISCUSSION_BY_OTHER';

const score = (app: LenteraApp, token: string, nomor: string, criterion: string, value: number) =>
  app.invoke('panel.score', { exam: EXAM, session: SESSION, nomorPeserta: nomor, criterion, value }, { token });
const scoreAll = (app: LenteraApp, token: string, nomor: string, values: number[]) =>
  CRITERIA.forEach((c, i) => expect(score(app, token, nomor, c, values[i]!).ok).toBe(true));
const submit = (app: LenteraApp, token: string, nomor: string) => app.invoke('panel.submit', { exam: EXAM, session: SESSION, nomorPeserta: nomor }, { token });
const note = (app: LenteraApp, token: string, nomor: string) =>
  app.invoke('panel.note', { exam: EXAM, session: SESSION, nomorPeserta: nomor, note: 'Dibahas bersama: contoh jawaban dibaca ulang.' }, { token });
interface Sheet {
  result: { complete: boolean; criteria?: { values: Record<string, number> }[] };
}
const sheet = (app: LenteraApp, token: string, nomor: string) =>
  (app.invoke('panel.sheet', { exam: EXAM, session: SESSION, nomorPeserta: nomor }, { token }) as { value: Sheet }).value;
/** Every panelist scores these values and submits them. */
const submitAll = (app: LenteraApp, tokens: Record<string, string>, nomor: string, values: number[]) => {
  for (const who of PANEL) {
    scoreAll(app, tokens[who]!, nomor, values);
    expect(submit(app, tokens[who]!, nomor).ok).toBe(true);
  }
};
const finalize = (app: LenteraApp, token: string, nomor: string) => app.invoke('panel.finalize', { exam: EXAM, session: SESSION, nomorPeserta: nomor }, { token });
const submissions = (app: LenteraApp) => app.workstation!.db.prepare('SELECT COUNT(*) FROM panel_submissions').pluck().get() as number;
const notes = (app: LenteraApp) => app.workstation!.db.prepare('SELECT COUNT(*) FROM panel_notes').pluck().get() as number;
const lastEvent = (app: LenteraApp) => app.workstation!.db.prepare('SELECT command, outcome, actor FROM audit_events ORDER BY seq DESC LIMIT 1').get();

describe('a panelist who peeks', () => {
  it("sees no other panelist's value after a throwaway submission, only once the whole panel has submitted", async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[0]!;
    present(n);
    scoreAll(app, tokens.penguji1!, n, [1, 1, 1, 1, 1]); // a throwaway
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    scoreAll(app, tokens.penguji2!, n, [4, 5, 4, 5, 4]);
    expect(submit(app, tokens.penguji2!, n).ok).toBe(true);
    // Two of three have submitted: penguji1 learns nothing of penguji2's scores, nor of their own as the panel holds them.
    const early = sheet(app, tokens.penguji1!, n);
    expect(early.result.complete).toBe(false);
    expect(early.result.criteria).toBeUndefined();
    expect(JSON.stringify(early)).not.toMatch(/"penguji2":/);
    scoreAll(app, tokens.ketua1!, n, [4, 4, 4, 4, 4]);
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    // All have: now everyone on the panel sees every value.
    for (const who of PANEL) expect(sheet(app, tokens[who]!, n).result.criteria![0]!.values).toEqual({ ketua1: 4, penguji1: 1, penguji2: 4 });
  });

  it("cannot change a submission once the whole panel has submitted, until the chair records the panel's discussion", async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[1]!;
    present(n);
    // A note recorded before everyone submitted is not a discussion of what they submitted.
    scoreAll(app, tokens.ketua1!, n, [3, 3, 3, 3, 3]);
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    scoreAll(app, tokens.penguji1!, n, [1, 1, 1, 1, 1]);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    // Before the panel is complete, a panelist may still change their mind: they have seen nothing.
    expect(score(app, tokens.penguji1!, n, CRITERIA[0]!, 2).ok).toBe(true);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    scoreAll(app, tokens.penguji2!, n, [4, 4, 4, 4, 4]);
    expect(submit(app, tokens.penguji2!, n).ok).toBe(true);

    // penguji1 has now seen the others' 3s and 4s, and fits their own to them.
    expect(sheet(app, tokens.penguji1!, n).result.criteria![0]!.values).toEqual({ ketua1: 3, penguji1: 2, penguji2: 4 });
    scoreAll(app, tokens.penguji1!, n, [4, 4, 4, 4, 4]);
    const before = submissions(app);
    const refused = submit(app, tokens.penguji1!, n);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHANGE_NEEDS_DISCUSSION', details: { nomorPeserta: n } } });
    expect(submissions(app)).toBe(before);
    const event = app.workstation!.db.prepare('SELECT command, outcome, actor FROM audit_events ORDER BY seq DESC LIMIT 1').get();
    expect(event).toEqual({ command: 'panel.submit', outcome: 'refused', actor: 'user:penguji1' });
    // What counts is still what was submitted: the chair would finalize 2, 1, 1, 1, 1 for penguji1.
    expect(sheet(app, tokens.ketua1!, n).result.criteria!.map((c) => c.values.penguji1)).toEqual([2, 1, 1, 1, 1]);

    // The panel talks it over and the chair records it: then a change may be submitted, and is in the log beside it.
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    expect(sheet(app, tokens.ketua1!, n).result.criteria!.map((c) => c.values.penguji1)).toEqual([4, 4, 4, 4, 4]);
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: true });
  });

  it('a discussion covers the values it was held over: a change submitted after it that diverges needs its own', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[3]!;
    present(n);
    submitAll(app, tokens, n, [4, 4, 4, 4, 4]);
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    // After the discussion penguji2 lowers integritas to 1: a spread of 3, which no recorded discussion has seen.
    expect(score(app, tokens.penguji2!, n, CRITERIA[0]!, 1).ok).toBe(true);
    expect(submit(app, tokens.penguji2!, n).ok).toBe(true);
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: false, error: { code: 'DISCUSSION_NEEDED', details: { criteria: ['Integritas'] } } });
    expect(app.invoke('panel.overview', { exam: EXAM, session: SESSION }, { token: tokens.ketua1! })).toMatchObject({
      ok: true,
      value: { candidates: expect.arrayContaining([expect.objectContaining({ nomorPeserta: n, needsDiscussion: true, discussed: false })]) },
    });
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: true });
  });

  it('submitting the same scores again after all have submitted changes nothing and is not refused', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[2]!;
    present(n);
    submitAll(app, tokens, n, [3, 3, 3, 3, 3]);
    expect(submit(app, tokens.penguji2!, n).ok).toBe(true);
  });

  it('property: whatever order the panel scores, submits and talks in, nobody sees another value before all submitted, and nothing submitted changes after that without a discussion recorded after it by someone else', async () => {
    const { app, tokens, f01, present } = await venue();
    let next = 3;
    // Notes are rarer than scores and submissions, so most runs reach "all submitted" and then try a change.
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('score' as const), who: fc.constantFrom(...PANEL), values: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 5, maxLength: 5 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), who: fc.constantFrom(...PANEL) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const), who: fc.constantFrom(...PANEL) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24 }), async (steps) => {
        const n = f01[next++ % f01.length]!;
        if (next > f01.length + 3) return; // every candidate is used once (the venue is made once: its set-up is slow)
        present(n);
        const submitted = new Map<string, number[]>(); // what counts, as this test keeps it
        const drafts = new Map<string, number[]>();
        const notedAfterAll = new Set<string>(); // who recorded a discussion once all had submitted
        for (const s of steps) {
          const allIn = PANEL.every((p) => submitted.has(p));
          if (s.kind === 'score') {
            scoreAll(app, tokens[s.who]!, n, s.values);
            drafts.set(s.who, s.values);
          } else if (s.kind === 'note') {
            // The chair records notes at any time; an examiner only once there is something to have discussed.
            const r = note(app, tokens[s.who]!, n);
            if (s.who !== 'ketua1' && !allIn) expect(r).toMatchObject({ ok: false, error: { code: 'NOT_CHAIR' } });
            else {
              expect(r.ok).toBe(true);
              if (allIn) notedAfterAll.add(s.who);
            }
          } else {
            const r = submit(app, tokens[s.who]!, n);
            const mine = drafts.get(s.who);
            const changes = mine !== undefined && submitted.has(s.who) && submitted.get(s.who)!.join() !== mine.join();
            // A discussion unlocks the changes of everyone but the one who recorded it.
            const discussed = [...notedAfterAll].some((author) => author !== s.who);
            if (!mine) expect(r).toMatchObject({ ok: false, error: { code: 'INCOMPLETE' } });
            else if (allIn && changes && !discussed) {
              expect(r).toMatchObject({ ok: false, error: { code: s.who === 'ketua1' || notedAfterAll.has(s.who) ? OWN : 'CHANGE_NEEDS_DISCUSSION' } });
            } else {
              expect(r.ok).toBe(true);
              submitted.set(s.who, mine);
            }
          }
          const complete = PANEL.every((p) => submitted.has(p));
          for (const who of PANEL) {
            const seen = sheet(app, tokens[who]!, n).result.criteria;
            if (!complete) expect(seen).toBeUndefined();
            else if (submitted.has(who)) expect(seen!.map((c) => c.values)).toEqual(CRITERIA.map((_, i) => Object.fromEntries([...PANEL].sort().map((p) => [p, submitted.get(p)![i]]))));
          }
        }
      }),
      { numRuns: f01.length - 3 },
    );
  }, 120_000);
});

describe('the chair who peeks', () => {
  it("the audit's repro: a throwaway, a look, a 'discussion' recorded alone and a fitted change are refused; another panelist's record unlocks it", async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[0]!;
    present(n);
    // The examiners give their real, blind scores; the chair submits a throwaway and looks.
    scoreAll(app, tokens.penguji1!, n, [2, 2, 2, 2, 2]);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    scoreAll(app, tokens.penguji2!, n, [5, 5, 5, 5, 5]);
    expect(submit(app, tokens.penguji2!, n).ok).toBe(true);
    scoreAll(app, tokens.ketua1!, n, [3, 3, 3, 3, 3]);
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    expect(sheet(app, tokens.ketua1!, n).result.criteria![0]!.values).toEqual({ ketua1: 3, penguji1: 2, penguji2: 5 });

    // The chair fits their own to the examiners' without a note: refused, and the refusal says who must record it.
    scoreAll(app, tokens.ketua1!, n, [2, 2, 2, 2, 2]);
    const before = submissions(app);
    expect(submit(app, tokens.ketua1!, n)).toMatchObject({ ok: false, error: { code: OWN, details: { nomorPeserta: n } } });
    // The chair records a "discussion" alone, then submits the fitted values: still refused, nothing stored, audited.
    expect(note(app, tokens.ketua1!, n)).toMatchObject({ ok: true, value: { noted: true } });
    expect(submit(app, tokens.ketua1!, n)).toMatchObject({ ok: false, error: { code: OWN, details: { nomorPeserta: n } } });
    expect(submissions(app)).toBe(before);
    expect(lastEvent(app)).toEqual({ command: 'panel.submit', outcome: 'refused', actor: 'user:ketua1' });
    // What counts is still what the chair submitted.
    expect(sheet(app, tokens.penguji1!, n).result.criteria!.map((c) => c.values.ketua1)).toEqual([3, 3, 3, 3, 3]);

    // Another panelist who took part records the discussion: the chair's change goes in, beside it in the log.
    expect(note(app, tokens.penguji2!, n).ok).toBe(true);
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    // An examiner's change is still unlocked by the chair's record, as before.
    scoreAll(app, tokens.penguji1!, n, [3, 3, 3, 3, 3]);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    expect(sheet(app, tokens.penguji2!, n).result.criteria![0]!.values).toEqual({ ketua1: 2, penguji1: 3, penguji2: 5 });
    // The new values diverge (5 − 2 > 2), after every note: the chair records that discussion, then finalizes.
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: false, error: { code: 'DISCUSSION_NEEDED' } });
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: true });
  });

  it('an examiner records a discussion only once the whole panel has submitted, and not for a candidate they are recused from', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[1]!;
    present(n);
    scoreAll(app, tokens.penguji1!, n, [4, 4, 4, 4, 4]);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    // Before all have submitted there is nothing to have discussed, and the chair reads every note at once.
    const before = notes(app);
    expect(note(app, tokens.penguji1!, n)).toMatchObject({ ok: false, error: { code: 'NOT_CHAIR' } });
    expect(notes(app)).toBe(before);
    // Neither the coordinator nor the observer records a panel's discussion: they were not in it.
    expect(note(app, tokens.koordinator!, n)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // penguji2 is recused from this candidate: the panel is the chair and penguji1.
    expect(app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: n, reason: 'Tetangga dekat.' }, { token: tokens.penguji2! }).ok).toBe(true);
    scoreAll(app, tokens.ketua1!, n, [4, 4, 4, 4, 4]);
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    expect(note(app, tokens.penguji2!, n)).toMatchObject({ ok: false, error: { code: 'CONFLICT_OF_INTEREST' } });
    expect(notes(app)).toBe(before);
    // Both change after all submitted. The chair's change: only penguji1, the other panelist of this candidate, can
    // unlock it. penguji1's own note unlocks the chair's change, not penguji1's; the chair's note unlocks that.
    scoreAll(app, tokens.ketua1!, n, [3, 3, 3, 3, 3]);
    expect(submit(app, tokens.ketua1!, n)).toMatchObject({ ok: false, error: { code: OWN } });
    scoreAll(app, tokens.penguji1!, n, [5, 5, 5, 5, 5]);
    expect(submit(app, tokens.penguji1!, n)).toMatchObject({ ok: false, error: { code: 'CHANGE_NEEDS_DISCUSSION' } });
    expect(note(app, tokens.penguji1!, n).ok).toBe(true);
    expect(submit(app, tokens.penguji1!, n)).toMatchObject({ ok: false, error: { code: OWN } });
    expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
    expect(note(app, tokens.ketua1!, n).ok).toBe(true);
    expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
    expect(sheet(app, tokens.penguji1!, n).result.criteria![0]!.values).toEqual({ ketua1: 3, penguji1: 5 });
    expect(finalize(app, tokens.ketua1!, n)).toMatchObject({ ok: true });
  });

  it('property: with the chair as the peeker, whatever order it re-scores, submits and notes in (and the examiners note), its change after all submitted goes in only once another panelist recorded the discussion', async () => {
    const { app, tokens, f01, present } = await venue();
    let next = 0;
    const values = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 5, maxLength: 5 });
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('score' as const), values }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('note' as const), who: fc.constantFrom(...PANEL) }) },
    );
    await fc.assert(
      fc.asyncProperty(values, values, values, fc.array(step, { minLength: 1, maxLength: 12 }), async (p1, p2, throwaway, steps) => {
        if (next >= f01.length) return; // every candidate is used once (the venue is made once: its set-up is slow)
        const n = f01[next++]!;
        present(n);
        scoreAll(app, tokens.penguji1!, n, p1);
        expect(submit(app, tokens.penguji1!, n).ok).toBe(true);
        scoreAll(app, tokens.penguji2!, n, p2);
        expect(submit(app, tokens.penguji2!, n).ok).toBe(true);
        scoreAll(app, tokens.ketua1!, n, throwaway);
        expect(submit(app, tokens.ketua1!, n).ok).toBe(true);
        let submitted = throwaway;
        let draft = throwaway;
        const noted = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'score') {
            scoreAll(app, tokens.ketua1!, n, s.values);
            draft = s.values;
          } else if (s.kind === 'note') {
            expect(note(app, tokens[s.who]!, n).ok).toBe(true);
            noted.add(s.who);
          } else {
            const r = submit(app, tokens.ketua1!, n);
            if (draft.join() !== submitted.join() && ![...noted].some((who) => who !== 'ketua1')) {
              expect(r).toMatchObject({ ok: false, error: { code: OWN } });
            } else {
              expect(r.ok).toBe(true);
              submitted = draft;
            }
          }
          // What counts for the chair is what the model says it submitted, as the examiners see it.
          expect(sheet(app, tokens.penguji1!, n).result.criteria!.map((c) => c.values.ketua1)).toEqual(submitted);
        }
      }),
      { numRuns: f01.length },
    );
  }, 120_000);
});
