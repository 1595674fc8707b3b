import type { TFunction } from 'i18next';
import { rubricScale, type RubricScale } from '../../../src-main/shared/score-labels';
import { formatDecimal } from '../../i18n/format';

// The interview score's names on screen, the same words the documents print (src-main/shared/score-labels.ts):
// "Nilai wawancara (skala 1–5)" for the panel's weighted mean, "Nilai wawancara (skala 0–100)" for the same score
// as the ranking and the result sheet carry it. Never "Nilai akhir": that is the selection's final score.

const bounds = (scale: RubricScale, lang: string) => ({ min: formatDecimal(String(scale.min), lang), max: formatDecimal(String(scale.max), lang) });

/** The panel's weighted mean, named with the rubric's scale (or as a weighted mean when its criteria differ). */
export function interviewScaleLabel(t: TFunction, lang: string, scale: RubricScale | null): string {
  return scale ? t('interviewScore.scale', bounds(scale, lang)) : t('interviewScore.weighted');
}

/** The same, from a rubric's criteria. */
export function interviewLabelOf(t: TFunction, lang: string, criteria: readonly { min: number; max: number }[]): string {
  return interviewScaleLabel(t, lang, rubricScale(criteria));
}

/** How the two presentations are one score: "… = nilai skala 1–5 ÷ 5 × 100 …". */
export function interviewConversion(t: TFunction, lang: string, scale: RubricScale): string {
  return t('interviewScore.conversion', bounds(scale, lang));
}
