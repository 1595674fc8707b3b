/** What the site shows of objections and reports, gathered from the hub's database (see voice-pages.ts). */
import { mergedExams } from '../bundles/merge';
import { objectionPeriod, publicObjections, publishedStages } from './objections';
import type { Publisher } from './publisher';
import { publicReports, reportableExams } from './reports';
import type { VoiceSiteInput } from './voice-pages';

export function voiceSiteInput(p: Publisher): VoiceSiteInput {
  const merged = new Set(mergedExams(p.db));
  const exams = reportableExams(p.db).map((code) => {
    const period = objectionPeriod(p.db, code);
    return {
      code,
      stages: merged.has(code) ? publishedStages(p, code) : [],
      objectionFrom: period?.from ?? null,
      objectionUntil: period?.until ?? null,
    };
  });
  return { exams, objections: publicObjections(p.db), reports: publicReports(p.db) };
}
