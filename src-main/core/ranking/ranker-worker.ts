// Ranks off the thread that serves the venue: ranking 100,000 candidates takes more than a second, which that
// thread would otherwise spend answering nobody (a check-in, a score, a status bar). Its own read-only connection
// (WAL: it reads the last committed state while the venue goes on writing), keyed like the workstation's; it changes
// nothing in the database. The answers are the very ones `ranking.compute` gives in-thread (answer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, keyConnection, type Db } from '../db/open';
import { isLenteraError } from '../util/errors';
import { yieldToMainThread } from '../util/thread-priority';
import { lastScoredExam, rankingAnswer, rankingFile, warmRanking } from './answer';
import type { RankerReply, RankerRequest, RankerSetup } from './ranker-protocol';

const setup = workerData as RankerSetup;
const port = parentPort!;

yieldToMainThread();

let db: Db | undefined;
function connection(): Db {
  if (db) return db;
  const opened = new Database(setup.database, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, nativeBinding: setup.nativeBinding });
  try {
    if (setup.key) keyConnection(opened, Buffer.from(setup.key));
  } catch (e) {
    opened.close();
    throw e;
  }
  return (db = opened);
}

async function run(m: RankerRequest): Promise<unknown> {
  if (m.type === 'answer') return rankingAnswer(connection(), m.exam, m.formation);
  if (m.type === 'file') return rankingFile(connection(), m.exam, m.formation, m.format);
  const exam = m.exam ?? lastScoredExam(connection());
  return exam !== undefined && warmRanking(connection(), exam);
}

// One request at a time, in the order they came: each is a read of its own, and a second ranking beside the first
// would only share the same core.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: RankerRequest | { type: 'close' }) => {
  if (m.type === 'close') {
    void queue.then(() => {
      db?.close();
      port.close();
    });
    return;
  }
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
