/**
 * The attack: a panelist who wants to know the others' scores before giving their own. The rule (DOMAIN.md): the
 * examiners score each criterion independently, and nobody sees the others' scores until all have submitted. But a
 * panelist saw the others' values as soon as they had submitted themselves, and a submission stayed open to change
 * until the chair finalized: submitting a throwaway showed the others, and one's real scores followed, fitted to
 * them (found by review, session 70).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { CRITERIA, EXAM, venue } from '../unit/venue';

const SESSION = 'WWC-F01';
const PANEL = ['ketua1', 'penguji1', 'penguji2'] as const;

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

  it('property: whatever order the panel scores, submits and talks in, nobody sees another value before all submitted, and nothing submitted changes after that without a discussion recorded after it', async () => {
    const { app, tokens, f01, present } = await venue();
    let next = 3;
    // Notes are rarer than scores and submissions, so most runs reach "all submitted" and then try a change.
    const step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('score' as const), who: fc.constantFrom(...PANEL), values: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 5, maxLength: 5 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), who: fc.constantFrom(...PANEL) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24 }), async (steps) => {
        const n = f01[next++ % f01.length]!;
        if (next > f01.length + 3) return; // every candidate is used once (the venue is made once: its set-up is slow)
        present(n);
        const submitted = new Map<string, number[]>(); // what counts, as this test keeps it
        const drafts = new Map<string, number[]>();
        let discussedAfterAll = false;
        for (const s of steps) {
          const allIn = PANEL.every((p) => submitted.has(p));
          if (s.kind === 'score') {
            scoreAll(app, tokens[s.who]!, n, s.values);
            drafts.set(s.who, s.values);
          } else if (s.kind === 'note') {
            expect(note(app, tokens.ketua1!, n).ok).toBe(true);
            if (allIn) discussedAfterAll = true;
          } else {
            const r = submit(app, tokens[s.who]!, n);
            const mine = drafts.get(s.who);
            const changes = mine !== undefined && submitted.has(s.who) && submitted.get(s.who)!.join() !== mine.join();
            if (!mine) expect(r).toMatchObject({ ok: false, error: { code: 'INCOMPLETE' } });
            else if (allIn && changes && !discussedAfterAll) expect(r).toMatchObject({ ok: false, error: { code: 'CHANGE_NEEDS_DISCUSSION' } });
            else {
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
