import type { Db } from '../db/open';
import { rankingFileName, rankingPrintData, renderRankingPdf } from './ranking';

/** print.ranking's file: the formation's ranking as an A4 PDF and its name. `keep` as for `rankingAnswer`. */
export async function printedRanking(db: Db, exam: string, formation: string, at: Date, opts: { keep?: boolean } = {}): Promise<{ name: string; bytes: Buffer }> {
  const data = rankingPrintData(db, exam, formation, at, opts);
  return { name: rankingFileName(data.exam.code, data.formation.code), bytes: await renderRankingPdf(data) };
}
