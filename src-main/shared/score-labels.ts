// One word, one meaning: the names of the numbers a result is made of, as the documents (result sheet, minutes, A4
// print, publication site) print them in Bahasa Indonesia. The screens say the same through id.json / en.json
// (`interviewScore.*`, `results.col.final`); tests/unit/score-labels.test.ts holds the two together.
//
// - "Nilai akhir" is the selection's final score (SKD–SKB integration, or the weighted stages), on 0–100, and
//   nothing else: never a stage score.
// - An interview stage has one score, shown two ways with the same words everywhere:
//     "Nilai wawancara (skala 1–5)"    the panel's weighted mean on the rubric's scale (3,650), and
//     "Nilai wawancara (skala 0–100)"  the same score as a share of the rubric's maximum (3,650 ÷ 5 × 100 = 73,000),
//   which is the value that goes into SKB and the ranking, and the one every document carries.

/** The selection's final score. */
export const FINAL_SCORE = 'Nilai akhir';

/** An interview stage's score on 0–100: the value the ranking uses. */
export const INTERVIEW_SCORE_100 = 'Nilai wawancara (skala 0–100)';

/** A rubric's scale, when every criterion has the same one. */
export interface RubricScale {
  min: number;
  max: number;
}

/** The common scale of a rubric's criteria, or null when they differ (then only the 0–100 score has a scale). */
export function rubricScale(criteria: readonly { min: number; max: number }[]): RubricScale | null {
  const first = criteria[0];
  if (!first || criteria.some((c) => c.min !== first.min || c.max !== first.max)) return null;
  return { min: first.min, max: first.max };
}

const idNumber = (n: number) => String(n).replace('.', ',');

/** "Nilai wawancara (skala 1–5)": the panel's weighted mean on the rubric's own scale. */
export function interviewScaleLabel(scale: RubricScale): string {
  return `Nilai wawancara (skala ${idNumber(scale.min)}–${idNumber(scale.max)})`;
}

/** "Nilai wawancara (skala 0–100) = nilai skala 1–5 ÷ 5 × 100": how the two presentations are one score. */
export function interviewConversion(scale: RubricScale): string {
  return `${INTERVIEW_SCORE_100} = nilai skala ${idNumber(scale.min)}–${idNumber(scale.max)} ÷ ${idNumber(scale.max)} × 100`;
}

/**
 * A decimal the ranking engine wrote with its trailing zeros cut ("73", "73.3") given its three places back
 * ("73.000", "73.300"). Text only, no rounding: the engine rounded once, to three places, and that stays.
 */
export function threePlaces(value: string): string;
export function threePlaces(value: string | null | undefined): string | null;
export function threePlaces(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const [int, frac = ''] = value.split('.');
  if (frac.length > 3 || !/^-?\d+$/.test(int ?? '') || !/^\d*$/.test(frac)) return value;
  return `${int}.${frac.padEnd(3, '0')}`;
}
