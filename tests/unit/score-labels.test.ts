import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import id from '../../src-renderer/i18n/id.json';
import { Fraction, toFixedString } from '../../src-main/core/scoring/exact';
import { FINAL_SCORE, INTERVIEW_SCORE_100, interviewConversion, interviewScaleLabel, rubricScale, threePlaces } from '../../src-main/shared/score-labels';
import { translator } from './i18n';

/** Every string under a key of the resources, with its path. */
function strings(node: unknown, path = ''): [string, string][] {
  if (typeof node === 'string') return [[path, node]];
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

describe('one word, one meaning: the names of the scores', () => {
  it('the screens say in Bahasa Indonesia exactly what the documents print', async () => {
    const t = await translator('id');
    expect(t('interviewScore.hundred')).toBe(INTERVIEW_SCORE_100);
    expect(t('interviewScore.scale', { min: '1', max: '5' })).toBe(interviewScaleLabel({ min: 1, max: 5 }));
    expect(t('interviewScore.scale', { min: '1', max: '5' })).toBe('Nilai wawancara (skala 1–5)');
    expect(t('interviewScore.conversion', { min: '1', max: '5' })).toContain(interviewConversion({ min: 1, max: 5 }));
    expect(t('results.col.final')).toBe(FINAL_SCORE);
    const english = await translator('en');
    expect(english('interviewScore.scale', { min: '1', max: '5' })).toBe('Interview score (1–5 scale)');
    expect(english('interviewScore.hundred')).toBe('Interview score (0–100 scale)');
    expect(english('results.col.final')).toBe('Final score');
  });

  it('the venue screen and the panel screens never call a stage score by the final score\'s name', () => {
    // The interview's own words, the venue display and the scoring screens: "Nilai akhir" / "Final score" is the
    // selection's final score, and those screens show only the interview score.
    const stageOnly = (all: Record<string, unknown>) =>
      strings({ interviewScore: all.interviewScore, display: all.display, scoring: { result: (all.scoring as Record<string, unknown>).result, finalize: (all.scoring as Record<string, unknown>).finalize } });
    for (const [path, text] of stageOnly(id)) expect(text, path).not.toMatch(/nilai akhir/i);
    for (const [path, text] of stageOnly(en)) expect(text, path).not.toMatch(/final score/i);
    expect(strings(id.display).length).toBeGreaterThan(5);
    // Both languages have the same keys there.
    expect(stageOnly(en).map(([p]) => p)).toEqual(stageOnly(id).map(([p]) => p));
  });

  it('a rubric has one scale only when every criterion has the same one', () => {
    expect(rubricScale([{ min: 1, max: 5 }, { min: 1, max: 5 }])).toEqual({ min: 1, max: 5 });
    expect(rubricScale([{ min: 1, max: 5 }, { min: 0, max: 5 }])).toBeNull();
    expect(rubricScale([{ min: 1, max: 5 }, { min: 1, max: 4 }])).toBeNull();
    expect(rubricScale([])).toBeNull();
    expect(interviewScaleLabel({ min: 0.5, max: 4.5 })).toBe('Nilai wawancara (skala 0,5–4,5)');
  });

  it('gives the engine\'s stage values their three places back by text, never by rounding again', () => {
    expect(threePlaces('73')).toBe('73.000');
    expect(threePlaces('73.3')).toBe('73.300');
    expect(threePlaces('72.667')).toBe('72.667');
    expect(threePlaces('0')).toBe('0.000');
    expect(threePlaces('100')).toBe('100.000');
    expect(threePlaces(null)).toBeNull();
    expect(threePlaces(undefined)).toBeNull();
    // Anything it does not recognise stays as it is.
    expect(threePlaces('1.23456')).toBe('1.23456');
    expect(threePlaces('–')).toBe('–');
    // The engine writes toFixedString(x, 3) with its trailing zeros cut: given back, it is toFixedString(x, 3) again.
    const cut = (s: string) => s.replace(/\.?0+$/, '') || '0';
    for (let n = 0; n <= 600; n += 7) {
      for (const d of [1, 3, 7, 20, 300]) {
        const f = new Fraction(n).div(d);
        expect(threePlaces(cut(toFixedString(f, 3)))).toBe(toFixedString(f, 3));
      }
    }
  });
});
