/**
 * A database's write-ahead log copied back into its file on another thread, with a connection of its own.
 *
 * SQLite checkpoints when a commit leaves more than 1,000 pages in the WAL, in the committing connection, before the
 * commit returns. A hub's ingest writes about 800,000 rows in one transaction (at 100,000 candidates): its checkpoint
 * copies a few hundred MB back into the database file and flushes it, about a second of the ingest (issue 16). The
 * ingest is durable once its commit has flushed the WAL (synchronous = FULL); copying it back is upkeep, which a
 * connection on another thread does while this one goes on (SQLite lets a checkpoint run beside readers and a
 * writer). A crash meanwhile loses nothing: the next open reads the WAL as it is.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const IDLE = 0;
const BUSY = 1;
const CLOSED = 2;

/** Plain CommonJS, evaluated: no separate file for a bundler to find and copy. The driver is passed resolved. */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
// Idle to busy, or nothing: the database was closed meanwhile and its folder may be going.
if (Atomics.compareExchange(state, 0, ${IDLE}, ${BUSY}) !== ${IDLE}) {
  parentPort.postMessage({ error: 'closed' });
} else {
  let db;
  try {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  } finally {
    if (db) db.close();
    Atomics.store(state, 0, ${IDLE});
    Atomics.notify(state, 0);
  }
}
`;

export interface CheckpointResult {
  /** 1 when a writer or reader held it back (SQLITE_BUSY): the rest is left for the next one */
  busy: number;
  /** the WAL's frames, and how many of them are now in the database file */
  log: number;
  checkpointed: number;
}

/** The driver this process loads, for the thread to load the same (Node caches the resolution). */
const driver = () => createRequire(import.meta.url).resolve('better-sqlite3');

/** One checkpoint at a time for one database file; a request while one runs starts another after it. */
export class CheckpointAside {
  private running: Promise<CheckpointResult | null> | null = null;
  private again = false;
  /** the last checkpoint's answer (tests, the bench); null when it failed */
  last: CheckpointResult | null = null;
  /** how many checkpoints ran to an answer */
  runs = 0;
  /** IDLE, BUSY (a thread has the file open) or CLOSED, shared with the threads */
  private readonly state = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly file: string) {}

  /** Asks for a checkpoint soon; returns at once. */
  request(): void {
    if (Atomics.load(this.state, 0) === CLOSED) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  /** Settles once no checkpoint runs or is asked for (a test, a hub closing that wants its file whole). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * No checkpoint starts after this, and one under way is waited for (its thread has the file open): the caller
   * closes its own connection, and may remove the folder, once this returns. Blocks for at most that checkpoint.
   */
  close(): void {
    for (;;) {
      const was = Atomics.compareExchange(this.state, 0, IDLE, CLOSED);
      if (was !== BUSY) return;
      Atomics.wait(this.state, 0, BUSY, 30_000);
    }
  }

  private run(): Promise<CheckpointResult | null> {
    return new Promise((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(CHECKPOINTER, { eval: true, workerData: { driver: driver(), file: this.file, state: this.state.buffer } });
      } catch {
        // No thread to spare: the next commit past SQLite's threshold checkpoints as without this.
        resolve(null);
        return;
      }
      // A process that is done does not wait for upkeep: SQLite finishes it on the next open.
      worker.unref();
      let answered = false;
      worker.once('message', (m: CheckpointResult | { error: string }) => {
        answered = true;
        this.runs++;
        this.last = 'error' in m ? null : m;
        resolve(this.last);
      });
      worker.once('error', () => resolve(null));
      worker.once('exit', () => {
        if (!answered) resolve(null);
      });
    });
  }
}
