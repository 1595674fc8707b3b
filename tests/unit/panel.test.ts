import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { aggregate } from '../../src-main/core/scoring/aggregate';
import { Fraction, toExactString } from '../../src-main/core/scoring/exact';
import { tempDir } from './helpers';
import { CRITERIA, EXAM, local, PIN, testPackage, venue } from './venue';

const score = (app: LenteraApp, token: string, nomor: string, criterion: string, value: number) =>
  app.invoke('panel.score', { exam: EXAM, session: 'WWC-F01', nomorPeserta: nomor, criterion, value }, { token }) as any;
const scoreAll = (app: LenteraApp, token: string, nomor: string, values: number[]) => CRITERIA.forEach((c, i) => expect(score(app, token, nomor, c, values[i]!).ok).toBe(true));
const submit = (app: LenteraApp, token: string, nomor: string) => app.invoke('panel.submit', { exam: EXAM, session: 'WWC-F01', nomorPeserta: nomor }, { token }) as any;
const sheet = (app: LenteraApp, token: string | undefined, nomor: string) =>
  (app.invoke('panel.sheet', { exam: EXAM, session: 'WWC-F01', nomorPeserta: nomor }, token ? { token } : local) as any).value;
const lastEvent = (app: LenteraApp) => app.workstation!.db.prepare('SELECT command, outcome, payload FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { command: string; outcome: string; payload: string };

/** penguji1 has scored a candidate and submitted; the chair has scored and not submitted: every value still blind. */
async function submittedAndDraft() {
  const { app, tokens, f01, present } = await venue();
  const n = f01[4]!;
  present(n);
  scoreAll(app, tokens.penguji1!, n, [2, 3, 3, 4, 3]);
  submit(app, tokens.penguji1!, n);
  scoreAll(app, tokens.ketua1!, n, [4, 4, 4, 4, 4]);
  return { app, tokens, n };
}

describe('interview panels', () => {
  it('keeps scores blind until the whole panel has submitted, aggregates when all have, and needs a discussion above the divergence', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[0]!;
    present(n);
    scoreAll(app, tokens.penguji1!, n, [2, 3, 3, 4, 3]);
    expect(sheet(app, tokens.penguji1, n).criteria.map((c: any) => c.mine)).toEqual([2, 3, 3, 4, 3]);
    expect(sheet(app, tokens.penguji2, n).criteria.map((c: any) => c.mine)).toEqual([null, null, null, null, null]);
    expect(submit(app, tokens.penguji1!, n)).toMatchObject({ ok: true });
    scoreAll(app, tokens.penguji2!, n, [5, 3, 4, 4, 3]);
    const blind = sheet(app, tokens.penguji2, n);
    expect(blind.result.criteria).toBeUndefined(); // penguji2 has not submitted: no other values
    expect(JSON.stringify(blind)).not.toContain('"penguji1":');
    // Nor does penguji1, who has: until every panelist has submitted, nobody sees the panel's values (panel-peek.test.ts).
    expect(sheet(app, tokens.penguji1, n).result.criteria).toBeUndefined();
    submit(app, tokens.penguji2!, n);
    expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, { token: tokens.ketua1 })).toMatchObject({
      ok: false,
      error: { code: 'PANEL_INCOMPLETE', details: { waitingFor: [expect.stringContaining('Bambang')] } },
    });
    scoreAll(app, tokens.ketua1!, n, [2, 3, 3, 4, 4]);
    submit(app, tokens.ketua1!, n);
    const full = sheet(app, tokens.ketua1, n).result;
    expect(full.criteria[0]).toMatchObject({ code: 'integritas', values: { penguji1: 2, penguji2: 5, ketua1: 2 }, aggregate: '3.000', aggregateExact: '3', spread: 3, divergent: true });
    expect(full.criteria[4]).toMatchObject({ aggregate: '3.333', aggregateExact: '10/3', divergent: false });
    expect(full.needsDiscussion).toBe(true);
    expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, { token: tokens.ketua1 })).toMatchObject({ ok: false, error: { code: 'DISCUSSION_NEEDED' } });
    expect(lastEvent(app)).toMatchObject({ command: 'panel.finalize', outcome: 'refused' });
    // The coordinator was not in the discussion (an examiner may record it too: panel-peek.test.ts, the chair who peeks).
    expect(app.invoke('panel.note', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: 'integritas', note: 'Dibahas: penguji2 menilai contoh konkret.' }, { token: tokens.koordinator })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(app.invoke('panel.note', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, criterion: 'integritas', note: 'Dibahas: penguji2 menilai contoh konkret.' }, { token: tokens.ketua1 })).toMatchObject({ ok: true });
    // A revision after discussion counts only once submitted again.
    score(app, tokens.penguji2!, n, 'integritas', 3);
    expect(sheet(app, tokens.penguji2, n).changedSinceSubmit).toBe(true);
    submit(app, tokens.penguji2!, n);
    const fin = app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, { token: tokens.ketua1 }) as any;
    // weighted total: (25×7/3 + 20×3 + 20×10/3 + 20×4 + 15×10/3) / 100 = (175/3 + 60 + 200/3 + 80 + 50) / 100 = 315/100
    expect(fin).toMatchObject({ ok: true, value: { finalized: [{ nomorPeserta: n, total: '3.150', totalExact: '63/20' }] } });
    expect(score(app, tokens.penguji1!, n, 'teknis', 5)).toMatchObject({ ok: false, error: { code: 'FINALIZED' } });
  });

  it('sign-off takes each panelist\'s PIN; the result is final once all have signed and shows on the venue display', async () => {
    const { app, tokens, f01, present } = await venue();
    const n = f01[1]!;
    present(n);
    for (const who of ['penguji1', 'penguji2', 'ketua1']) {
      scoreAll(app, tokens[who]!, n, [4, 4, 4, 4, 4]);
      submit(app, tokens[who]!, n);
    }
    expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01' }, { token: tokens.penguji1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01' }, { token: tokens.ketua1 })).toMatchObject({ ok: true, value: { finalized: [{ nomorPeserta: n, total: '4.000' }] } });
    expect((app.invoke('display.board', { exam: EXAM, session: 'WWC-F01' }, {}) as any).value.results).toEqual([]);
    expect(app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: '000111' }, { token: tokens.penguji1 })).toMatchObject({ ok: false, error: { code: 'PIN_WRONG' } });
    for (const who of ['penguji1', 'penguji2']) expect(app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: PIN }, { token: tokens[who] })).toMatchObject({ ok: true, value: { signed: [n] } });
    expect(sheet(app, tokens.ketua1, n).finalization).toBe('awaiting_signoff');
    app.invoke('panel.signoff', { exam: EXAM, session: 'WWC-F01', pin: PIN }, { token: tokens.ketua1 });
    expect(sheet(app, tokens.ketua1, n).finalization).toBe('finalized');
    const board = (app.invoke('display.board', { exam: EXAM, session: 'WWC-F01' }, {}) as any).value;
    // The score both ways the result sheet names it: on the rubric's 1–5 scale and on 0–100 (4 ÷ 5 × 100).
    expect(board.scale).toEqual({ min: 1, max: 5 });
    expect(board.results).toEqual([{ nomorPeserta: n, nama: expect.any(String), total: '4.000', score: '80.000', finalizedAt: expect.any(String) }]);
    expect(JSON.stringify(board)).not.toMatch(/nik|\d{16}/);
    const states = (app.invoke('scores.list', { exam: EXAM, stage: 'SKB-WWC' }, local) as any).value;
    expect(new Set(states.map((s: any) => s.state))).toEqual(new Set(['finalized']));
    // An approved amendment of one criterion reaches the venue display: (25×5 + 75×4) / 100 = 4.25
    const req = app.invoke('amendments.request', { exam: EXAM, stage: 'SKB-WWC', nomorPeserta: n, item: 'integritas', value: 5, reason: 'sanggah diterima panitia' }, { token: tokens.ketua1 }) as any;
    expect(req).toMatchObject({ ok: true, value: { from: '4.000', to: '5' } });
    app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true }, { token: tokens.koordinator });
    expect((app.invoke('display.board', { exam: EXAM, session: 'WWC-F01' }, {}) as any).value.results[0]).toMatchObject({ total: '4.250', score: '85.000' });
  });

  it('scores.list keeps panel values blind too: a chair sees only their own until the panel is finalized', async () => {
    const { app, tokens } = await submittedAndDraft();
    const asChair = (app.invoke('scores.list', { exam: EXAM, stage: 'SKB-WWC' }, { token: tokens.ketua1 }) as any).value;
    expect(new Set(asChair.map((s: any) => s.panelist))).toEqual(new Set(['ketua1']));
    const asCoordinator = (app.invoke('scores.list', { exam: EXAM, stage: 'SKB-WWC' }, { token: tokens.koordinator }) as any).value;
    expect(asCoordinator).toEqual([]);
  });

  it('scores.page and scores.history keep panel values blind too, and refuse what they cannot answer with a reason', async () => {
    const { app, tokens, n } = await submittedAndDraft();
    // On the ranking thread (as the doors run it), and the same answers on this one (a one-shot command line).
    const page = async (who: string, input: Record<string, unknown>) => (await app.invokeAsync('scores.page', { exam: EXAM, ...input }, { token: tokens[who]! })) as any;
    const asChair = (await page('ketua1', { stage: 'SKB-WWC' })).value;
    expect(asChair).toMatchObject({ total: 5, all: 5, panel: true, offset: 0 });
    expect(new Set(asChair.rows.map((s: any) => s.panelist))).toEqual(new Set(['ketua1']));
    expect((await page('koordinator', { stage: 'SKB-WWC' })).value).toMatchObject({ total: 0, all: 0, panel: false, rows: [] });
    expect((await page('ketua1', { stage: 'SKB-WWC', state: 'draft', offset: 3, limit: 1 })).value.rows.map((r: any) => [r.nomorPeserta, r.item, r.value, r.state])).toEqual([[n, 'pelayanan', 4, 'draft']]);
    const history = (who: string, panelist: string) => app.invoke('scores.history', { exam: EXAM, stage: 'SKB-WWC', nomorPeserta: n, item: 'integritas', panelist }, { token: tokens[who]! }) as any;
    expect(history('ketua1', 'ketua1')).toMatchObject({ ok: true, value: { value: 4, state: 'draft', history: [{ value: 4, source: 'panel' }] } });
    // Another panelist's value before the panel is final: as if there were none.
    expect(history('ketua1', 'penguji1')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining(n) } });
    expect(JSON.stringify(history('ketua1', 'penguji1'))).not.toMatch(/"value":2\b/);
    // Bad input: a page too long, a state that does not exist, an examiner (who scores on the sheet, not here).
    expect(await page('koordinator', { limit: 5000 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('limit') } });
    expect(await page('koordinator', { state: 'final' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('state') } });
    expect(await page('penguji1', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await page('koordinator', { exam: 'TIDAK-ADA' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(app.ranker?.fallbacks ?? 0).toBe(0);
  });

  it('refuses, and audits: a panelist not on the panel, a conflicted one, an absent candidate, a value off the scale', async () => {
    const { app, tokens, f01, present } = await venue();
    present(f01[2]!);
    expect(score(app, tokens.penguji3!, f01[2]!, 'integritas', 3)).toMatchObject({ ok: false, error: { code: 'NOT_ON_PANEL' } });
    expect(lastEvent(app)).toMatchObject({ command: 'panel.score', outcome: 'refused' });
    app.invoke('conflicts.declare', { exam: EXAM, nomorPeserta: f01[2]!, reason: 'adik ipar' }, { token: tokens.penguji2 });
    expect(score(app, tokens.penguji2!, f01[2]!, 'integritas', 3)).toMatchObject({ ok: false, error: { code: 'CONFLICT_OF_INTEREST' } });
    expect(score(app, tokens.penguji1!, f01[3]!, 'integritas', 3)).toMatchObject({ ok: false, error: { code: 'NOT_PRESENT' } });
    expect(score(app, tokens.penguji1!, f01[2]!, 'integritas', 6)).toMatchObject({ ok: false, error: { code: 'SCORE_OUT_OF_RANGE' } });
    expect(score(app, tokens.penguji1!, f01[2]!, 'integritas', 2.5)).toMatchObject({ ok: false, error: { code: 'SCORE_OUT_OF_RANGE' } });
    expect(app.invoke('panel.submit', { exam: EXAM, session: 'WWC-F01', nomorPeserta: f01[2] }, { token: tokens.penguji1 })).toMatchObject({ ok: false, error: { code: 'INCOMPLETE' } });
    expect(app.workstation!.db.prepare("SELECT COUNT(*) FROM score_entries WHERE source = 'panel'").pluck().get()).toBe(0);
    // The conflicted panelist is left out of that candidate's panel: two panelists suffice.
    for (const who of ['penguji1', 'ketua1']) {
      scoreAll(app, tokens[who]!, f01[2]!, [3, 3, 3, 3, 3]);
      submit(app, tokens[who]!, f01[2]!);
    }
    expect(app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: f01[2] }, { token: tokens.ketua1 })).toMatchObject({ ok: true });
  });

  it('property: whatever order entries, revisions and submissions arrive in, the finalized aggregate is that of each panelist\'s last submission', async () => {
    const { app, tokens, f01, present } = await venue();
    const panelists = ['penguji1', 'penguji2', 'ketua1'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('score' as const), who: fc.integer({ min: 0, max: 2 }), c: fc.integer({ min: 0, max: 4 }), v: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('submit' as const), who: fc.integer({ min: 0, max: 2 }) }),
    );
    let next = 10;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 5, maxLength: 5 }), { minLength: 3, maxLength: 3 }), fc.array(op, { maxLength: 25 }), async (initial, ops) => {
        const n = f01[next++]!;
        present(n);
        const drafts = initial.map((v) => [...v]);
        const submitted: (number[] | undefined)[] = [undefined, undefined, undefined];
        panelists.forEach((p, i) => scoreAll(app, tokens[p]!, n, drafts[i]!));
        for (const o of ops) {
          if (o.kind === 'score') {
            score(app, tokens[panelists[o.who]!]!, n, CRITERIA[o.c]!, o.v);
            drafts[o.who]![o.c] = o.v;
          } else {
            // Once all have submitted (and seen each other's values), a change needs a recorded discussion first:
            // the chair's, by another panelist.
            const allIn = submitted.every(Boolean);
            const changes = submitted[o.who] !== undefined && submitted[o.who]!.join() !== drafts[o.who]!.join();
            const r = submit(app, tokens[panelists[o.who]!]!, n);
            if (allIn && changes) expect(r).toMatchObject({ ok: false, error: { code: panelists[o.who] === 'ketua1' ? 'CHANGE_NEEDS_DISCUSSION_BY_OTHER' : 'CHANGE_NEEDS_DISCUSSION' } });
            else submitted[o.who] = [...drafts[o.who]!];
          }
        }
        panelists.forEach((p, i) => {
          if (!submitted[i]) {
            submit(app, tokens[p]!, n);
            submitted[i] = [...drafts[i]!];
          }
        });
        app.invoke('panel.note', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n, note: 'dibahas bersama panel' }, { token: tokens.ketua1 });
        const fin = app.invoke('panel.finalize', { exam: EXAM, session: 'WWC-F01', nomorPeserta: n }, { token: tokens.ketua1 });
        expect(fin.ok).toBe(true);
        const stored = JSON.parse(app.workstation!.db.prepare('SELECT result FROM finalizations WHERE nomor_peserta = ?').pluck().get(n) as string);
        CRITERIA.forEach((c, ci) => {
          const expected = aggregate(submitted.map((s) => s![ci]! - 1), 'mean').add(1); // units above min 1, step 1
          expect(stored.criteria[ci].aggregateExact, c).toBe(toExactString(new Fraction(expected)));
        });
      }),
      { numRuns: 25 },
    );
  });
});

describe('paper scores, blind double entry', () => {
  const enter = (app: LenteraApp, token: string, nomor: string, values: Record<string, number>) =>
    app.invoke('paper.enter', { exam: EXAM, stage: 'TULIS', nomorPeserta: nomor, values }, { token }) as any;

  it('confirms equal entries by two clerks; one clerk cannot make both; a mismatch waits for a third person', async () => {
    const { app, tokens, f01, present } = await venue();
    const [a, b] = f01 as [string, string];
    present(a, 'TULIS-1');
    present(b, 'TULIS-1');
    expect(enter(app, tokens.petugas1!, a, { esai: 72.5, kasus: 40 })).toMatchObject({ ok: true, value: { entry: 'first', state: 'first' } });
    expect(enter(app, tokens.petugas1!, a, { esai: 72.5, kasus: 40 })).toMatchObject({ ok: false, error: { code: 'SAME_CLERK' } });
    expect(lastEvent(app)).toMatchObject({ command: 'paper.enter', outcome: 'refused' });
    expect(enter(app, tokens.petugas2!, a, { esai: 72.5, kasus: 40 })).toMatchObject({ ok: true, value: { entry: 'second', state: 'confirmed', mismatched: [] } });

    enter(app, tokens.petugas1!, b, { esai: 60, kasus: 35 });
    const second = enter(app, tokens.petugas2!, b, { esai: 66, kasus: 35 });
    expect(second).toMatchObject({ ok: true, value: { state: 'mismatch', mismatched: ['esai'] } });
    expect(JSON.stringify(second)).not.toContain('60'); // the second clerk never sees the first's values
    expect((app.invoke('paper.mismatches', { exam: EXAM, stage: 'TULIS' }, { token: tokens.ketua1 }) as any).value[0].fields[0]).toEqual({ item: 'esai', first: 60, second: 66, differs: true });
    expect(app.invoke('paper.resolve', { exam: EXAM, stage: 'TULIS', nomorPeserta: b, values: { esai: 66, kasus: 35 }, reason: '' }, { token: tokens.ketua1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(app.invoke('paper.resolve', { exam: EXAM, stage: 'TULIS', nomorPeserta: b, values: { esai: 66, kasus: 35 }, reason: 'lembar asli: 66' }, { token: tokens.ketua1 })).toMatchObject({ ok: true });
    const list = (app.invoke('scores.list', { exam: EXAM, stage: 'TULIS' }, local) as any).value;
    expect(list.filter((s: any) => s.nomorPeserta === b).map((s: any) => [s.item, s.value, s.state])).toEqual([['esai', 66, 'confirmed'], ['kasus', 35, 'confirmed']]);
  });

  it('refuses a value off the step or range, and a sheet for an absent candidate', async () => {
    const { app, tokens, f01 } = await venue();
    app.invoke('sessions.close', { exam: EXAM, session: 'TULIS-1' }, local);
    expect(enter(app, tokens.petugas1!, f01[0]!, { esai: 72.5, kasus: 40 })).toMatchObject({ ok: false, error: { code: 'NOT_PRESENT', message: /absent \(TH\)/ } });
    const status = (a: LenteraApp) => (a.invoke('paper.status', { exam: EXAM, stage: 'TULIS' }, local) as any).value.map((s: any) => [s.nomorPeserta, s.state]);
    // An absent candidate has no sheet to type: the status lists nobody.
    expect(status(app)).toEqual([]);
    const { app: app2, tokens: t2, f01: g, present } = await venue();
    present(g[0]!, 'TULIS-1');
    // Only the one who sat the test has a sheet waiting, not those registered but not (yet) checked in.
    expect(status(app2)).toEqual([[g[0], 'empty']]);
    expect(enter(app2, t2.petugas1!, g[0]!, { esai: 72.25, kasus: 40 })).toMatchObject({ ok: false, error: { code: 'SCORE_OUT_OF_RANGE', message: /esai: 72.25 is not a multiple of the step 0.5/ } });
    expect(enter(app2, t2.petugas1!, g[0]!, { esai: 70, kasus: 51 })).toMatchObject({ ok: false, error: { code: 'SCORE_OUT_OF_RANGE', message: /kasus: 51 is outside 0–50/ } });
  });
});

describe('amendments', () => {
  it('a settled score changes only by an approved amendment with a reason; the old value stays in the history', async () => {
    const { app, tokens, f01 } = await venue();
    const path = join(tempDir(), 'skd.csv');
    const skd = testPackage().pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates[0]!;
    writeFileSync(path, `nomor_peserta;twk;tiu;tkp\n${skd};85;90;170\n`);
    await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path } }, local);
    const ask = (token: string, reason: string) => app.invoke('amendments.request', { exam: EXAM, stage: 'SKD', nomorPeserta: skd, item: 'tiu', value: 95, reason }, { token }) as any;
    expect(ask(tokens.ketua1!, '')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(lastEvent(app)).toMatchObject({ command: 'amendments.request', outcome: 'refused' });
    const req = ask(tokens.ketua1!, 'Sanggah diterima: soal 41 dianulir');
    expect(req).toMatchObject({ ok: true, value: { from: '90', to: '95' } });
    expect(app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true }, { token: tokens.ketua1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true, note: 'disetujui' }, { token: tokens.koordinator })).toMatchObject({ ok: true, value: { decision: 'approved' } });
    const tiu = (app.invoke('scores.list', { exam: EXAM, stage: 'SKD' }, local) as any).value.find((s: any) => s.item === 'tiu');
    expect(tiu).toMatchObject({ value: 95, state: 'amended' });
    expect(tiu.history.map((h: any) => [h.value, h.source, h.reason])).toEqual([[90, 'cat', null], [95, 'amendment', 'Sanggah diterima: soal 41 dianulir']]);
    // Not yet settled: an interview still open is changed by its panelists, not by amendment.
    expect(app.invoke('amendments.request', { exam: EXAM, stage: 'SKB-WWC', nomorPeserta: f01[0], item: 'integritas', value: 4, reason: 'perbaikan nilai' }, { token: tokens.koordinator })).toMatchObject({ ok: false, error: { code: 'NOT_SETTLED' } });
  });

  it('the coordinator who asked cannot approve their own amendment', async () => {
    const { app, tokens } = await venue();
    const path = join(tempDir(), 'skd.csv');
    const skd = testPackage().pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates[0]!;
    writeFileSync(path, `nomor_peserta;twk;tiu;tkp\n${skd};85;90;170\n`);
    await app.invokeAsync('scores.import', { exam: EXAM, stage: 'SKD', file: { path } }, local);
    const req = app.invoke('amendments.request', { exam: EXAM, stage: 'SKD', nomorPeserta: skd, item: 'twk', value: 80, reason: 'salah ketik dari CAT' }, { token: tokens.koordinator }) as any;
    expect(app.invoke('amendments.decide', { requestId: req.value.requestId, approve: true }, { token: tokens.koordinator })).toMatchObject({ ok: false, error: { code: 'SAME_PERSON' } });
  });
});
