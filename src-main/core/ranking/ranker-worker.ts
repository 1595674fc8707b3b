// Ranks off the thread that serves the venue: ranking 100,000 candidates takes more than a second, which that
// thread would otherwise spend answering nobody (a check-in, a score, a status bar). The scores screen's list is
// derived and kept here too, for the same reason (two seconds at 100,000 candidates), and the PDFs a venue prints
// (pdfkit: a session's 100 interview forms held that thread 280 ms). Its own read-only connection
// (WAL: it reads the last committed state while the venue goes on writing), keyed like the workstation's; it changes
// nothing in the database. The answers are the very ones `ranking.compute` gives in-thread (answer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, keyConnection, type Db } from '../db/open';
import { isLenteraError } from '../util/errors';
import { yieldToMainThread } from '../util/thread-priority';
import { scoresAnswer, warmScores } from '../scoring/scores-page';
import { lastScoredExam, rankingAnswer, rankingFile, warmRanking } from './answer';
import type { RankerReply, RankerRequest, RankerSetup } from './ranker-protocol';

const setup = workerData as RankerSetup;
const port = parentPort!;

yieldToMainThread();

let db: Db | undefined;
function connection(): Db {
  if (db) return db;
  const opened = new Database(setup.database, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, nativeBinding: setup.nativeBinding });
  const key = setup.key ? Buffer.from(setup.key) : undefined;
  try {
    if (key) keyConnection(opened, key);
  } catch (e) {
    opened.close();
    throw e;
  } finally {
    // The connection holds what it needs; this thread's copies of the data key are wiped, as the backup thread's are.
    key?.fill(0);
    setup.key?.fill(0);
  }
  return (db = opened);
}

async function run(m: RankerRequest): Promise<unknown> {
  if (m.type === 'answer') return rankingAnswer(connection(), m.exam, m.formation);
  if (m.type === 'file') return rankingFile(connection(), m.exam, m.formation, m.format);
  if (m.type === 'print') {
    // pdfkit and the fonts only when a print is asked for: the thread starts without them.
    const { printedRanking } = await import('../print/ranking-file');
    return printedRanking(connection(), m.exam, m.formation, new Date(m.at));
  }
  if (m.type === 'forms') {
    const { printedScoringForms } = await import('../print/scoring-forms');
    return printedScoringForms(connection(), m.exam, m.session, new Date(m.at));
  }
  if (m.type === 'scores') return scoresAnswer(connection(), m.exam, m.query, m.viewer);
  const exam = m.exam ?? lastScoredExam(connection());
  if (exam === undefined) return false;
  const ranked = warmRanking(connection(), exam);
  // The scores screen's list too, where one is kept (scores.page): brought up to date after each burst.
  warmScores(connection(), exam);
  return ranked;
}

// One request at a time, in the order they came: each is a read of its own, and a second ranking beside the first
// would only share the same core.
let queue: Promise<void> = Promise.resolve();
// The thread is ended by terminate() (api/ranker.ts): a read-only connection has nothing to finish.
port.on('message', (m: RankerRequest) => {
  queue = queue.then(async () => {
    let reply: RankerReply;
    try {
      reply = { type: 'done', id: m.id, value: await run(m) };
    } catch (e) {
      reply = isLenteraError(e)
        ? { type: 'failed', id: m.id, code: e.code, message: e.message, details: JSON.parse(JSON.stringify(e.details ?? {})) as Record<string, unknown> }
        : { type: 'failed', id: m.id, code: 'INTERNAL', message: (e as Error).message, details: {}, internal: true };
    }
    port.postMessage(reply);
  });
});
