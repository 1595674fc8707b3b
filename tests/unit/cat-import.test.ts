import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LenteraApp } from '../../src-main/api/app';
import { demoPackage } from '../../src-main/core/demo/generate';
import { toUnits, fromUnits } from '../../src-main/core/scoring/items';
import { appWithExam, countRows, tempDir } from './helpers';

const EXAM = 'CPNS-SMG-2026';
const local = { local: 'test' };
const pkg = demoPackage(120);
const skd1 = pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates;

const venue = (): Promise<LenteraApp> => appWithExam(pkg);

function file(text: string, name = 'skd.csv'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

async function importScores(app: LenteraApp, path: string, stage = 'SKD') {
  return app.invokeAsync('scores.import', { exam: EXAM, stage, file: { path } }, local) as Promise<any>;
}

describe('score values', () => {
  it('are stored as whole steps above the minimum, exactly', () => {
    const twk = { code: 'twk', name: 'TWK', min: 0, max: 150, step: 5 };
    expect(toUnits(twk, 65)).toEqual({ ok: true, units: 13 });
    expect(toUnits(twk, 67)).toMatchObject({ ok: false, reason: /not a multiple of the step 5/ });
    expect(toUnits(twk, 155)).toMatchObject({ ok: false, reason: /outside 0–150/ });
    const half = { code: 'x', name: 'x', min: 1, max: 5, step: 0.5 };
    expect(toUnits(half, 3.5)).toEqual({ ok: true, units: 5 });
    expect(fromUnits(half, 5)).toBe(3.5);
    const tenth = { code: 'y', name: 'y', min: 0, max: 1, step: 0.1 };
    expect(toUnits(tenth, 0.3)).toEqual({ ok: true, units: 3 }); // 0.3 / 0.1 is 2.9999999999999996 in floating point
    expect(fromUnits(tenth, 3)).toBe(0.3);
  });
});

describe('CAT results import', () => {
  it('imports a stage file, records its sha256, and lists every score as confirmed with its source', async () => {
    const app = await venue();
    const text = `nomor_peserta;twk;tiu;tkp\n${skd1[0]};85;90;170\n${skd1[1]};120;145,0;201\n`;
    const r = await importScores(app, file(text));
    expect(r).toMatchObject({ ok: true, value: { rows: 2, written: 6, unchanged: 0, problemCount: 0 } });
    const sha = createHash('sha256').update(text).digest('hex');
    expect(app.workstation!.db.prepare('SELECT file_name, sha256, rows FROM score_imports').get()).toEqual({ file_name: 'skd.csv', sha256: sha, rows: 2 });
    const list = app.invoke('scores.list', { exam: EXAM, stage: 'SKD' }, local) as any;
    expect(list.value.filter((s: any) => s.nomorPeserta === skd1[1]).map((s: any) => [s.item, s.value, s.state])).toEqual([
      ['tiu', 145, 'confirmed'],
      ['tkp', 201, 'confirmed'],
      ['twk', 120, 'confirmed'],
    ]);
    expect(list.value[0].history[0]).toMatchObject({ source: 'cat', file: 'skd.csv', actor: 'cli:test' });
  });

  it.each([
    ['a value above the maximum', '160;90;170', 'twk', /outside 0–150/],
    ['a value off the step', '87;90;170', 'twk', /not a multiple of the step 5/],
    ['a missing value', '85;;170', 'tiu', /missing required value/],
    ['text instead of a number', '85;sembilan;170', 'tiu', /not a number/],
  ])('refuses %s with line and column, importing nothing', async (_what, values, column, reason) => {
    const app = await venue();
    const r = await importScores(app, file(`nomor_peserta;twk;tiu;tkp\n${skd1[0]};85;90;170\n${skd1[1]};${values}\n`));
    expect(r).toMatchObject({ ok: false, error: { code: 'SCORES_INVALID', details: { count: 1 } } });
    expect(r.error.details.problems[0]).toMatchObject({ line: 3, column, reason: expect.stringMatching(reason) });
    expect(countRows(app, 'score_entries')).toBe(0);
    expect(countRows(app, 'score_imports')).toBe(0);
  });

  it('reports unknown candidates, candidates not registered for the stage, and absent ones', async () => {
    const app = await venue();
    const notInterviewed = pkg.roster.find((r) => !pkg.sessions.some((s) => s.stage === 'SKB-WWC' && s.candidates.includes(r.nomor_peserta)))!;
    expect(app.invoke('sessions.close', { exam: EXAM, session: 'SKD-1' }, local)).toMatchObject({ ok: true });
    const r = await importScores(app, file(`nomor_peserta;twk;tiu;tkp\n999999999999;85;90;170\n${skd1[0]};85;90;170\n`));
    expect(r.error.details.problems).toEqual([
      { line: 2, column: 'nomor_peserta', reason: 'unknown candidate 999999999999' },
      { line: 3, column: 'nomor_peserta', reason: `candidate ${skd1[0]} was absent (TH) in session SKD-1` },
    ]);
    const wrongStage = await importScores(app, file(`nomor_peserta;nilai\n${notInterviewed.nomor_peserta};80\n`), 'SKB-CAT');
    expect(wrongStage.error.details.problems[0]).toMatchObject({ reason: expect.stringMatching(/not registered for stage SKB-CAT/) });
  });

  it('refuses a file without the stage\'s columns, and an interview stage', async () => {
    const app = await venue();
    expect(await importScores(app, file(`nomor_peserta;twk;tiu\n${skd1[0]};85;90\n`))).toMatchObject({ ok: false, error: { code: 'SCORES_INVALID', message: expect.stringMatching(/missing column\(s\) tkp/) } });
    expect(await importScores(app, file(`nomor_peserta;x\n`), 'SKB-WWC')).toMatchObject({ ok: false, error: { code: 'WRONG_STAGE' } });
  });

  it('the same file again changes nothing; a corrected file adds new entries and keeps the old in the history', async () => {
    const app = await venue();
    const path = file(`nomor_peserta;twk;tiu;tkp\n${skd1[0]};85;90;170\n`);
    await importScores(app, path);
    expect(await importScores(app, path)).toMatchObject({ ok: true, value: { written: 0, unchanged: 3, alreadyImported: true } });
    expect(countRows(app, 'score_entries')).toBe(3);
    expect(countRows(app, 'score_imports')).toBe(1);
    const fixed = await importScores(app, file(`nomor_peserta;twk;tiu;tkp\n${skd1[0]};85;95;170\n`, 'skd-perbaikan.csv'));
    expect(fixed).toMatchObject({ ok: true, value: { written: 1, unchanged: 2 } });
    const tiu = (app.invoke('scores.list', { exam: EXAM }, local) as any).value.find((s: any) => s.item === 'tiu');
    expect(tiu.value).toBe(95);
    expect(tiu.history.map((h: any) => [h.value, h.file])).toEqual([[90, 'skd.csv'], [95, 'skd-perbaikan.csv']]);
    expect(() => app.workstation!.db.prepare('UPDATE score_entries SET units = 0').run()).toThrow(/append-only/);
  });
});
