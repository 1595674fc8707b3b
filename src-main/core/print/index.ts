export { rankingFileName, rankingPrintData, renderRankingPdf, type RankingPrintData } from './ranking';
export { renderScoringForms, scoringFormData, scoringFormsFileName, type ScoringFormData } from './scoring-forms';
