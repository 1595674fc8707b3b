import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * One PostgreSQL connection, used synchronously. The hub's core (merging, the log, the site) is synchronous, as
 * better-sqlite3 is; rather than make all of it async for one of its two stores, each query is sent to a thread that
 * holds a `pg` (node-postgres) client and the calling thread waits on a shared word until the answer is posted, as
 * synckit does (which wants a worker file of its own; this one is a string, so it needs no entry in the build).
 * Waiting blocks the calling thread, as a SQLite query does.
 */
export interface PgQueryResult {
  rows: unknown[];
  rowCount: number;
}

export class PgError extends Error {
  constructor(
    message: string,
    /** SQLSTATE, e.g. 23505 for a unique violation; or ECONNREFUSED and the like when the server is not there */
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PgError';
  }
}

// The thread: one client, one query at a time, its answer posted then signalled. int8 and numeric come back as numbers,
// as SQLite gives them (a count, a sum, a sequence: all far below 2^53 here).
const THREAD = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const { state, port } = workerData;
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
const answer = (msg, id) => {
  port.postMessage({ ...msg, id });
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
};
const failure = (e) => ({ error: { message: String(e && e.message || e), code: e && e.code } });
// The calling thread is blocked waiting and cannot hear of this thread's death by an event: whatever would end it is
// answered instead, and the thread marked dead.
const die = (e) => {
  Atomics.store(state, 1, 1);
  answer(failure(e));
};
process.on('uncaughtException', die);
process.on('unhandledRejection', die);
let client, ready, names, broken;
// A connection lost (the server restarted, the network cut) is made again at the next query, unless that query
// belongs to a transaction begun on the lost one: its work is gone, and only its rollback may go on.
const connect = () => {
  const c = new pg.Client({ connectionString: workerData.url, application_name: 'lentera-hub' });
  client = c;
  names = new Map();
  broken = false;
  // Only the current client's events: one replaced (and ended) reports its end after its successor was made.
  const lost = () => { if (client === c) broken = true; };
  c.on('error', lost);
  c.on('end', lost);
  ready = c.connect();
  ready.catch(lost); // a server not there is the answer to the query, not a rejection nobody handles
};
connect();
port.on('message', async (q) => {
  try {
    if (broken && !q.close) {
      if (q.tx && !/^ROLLBACK/.test(q.text)) {
        answer({ error: { message: 'The connection to PostgreSQL was lost during this transaction; nothing of it was kept.', code: '08003' } }, q.id);
        return;
      }
      client.end().catch(() => {});
      connect();
    }
    await ready;
    if (q.close) {
      await client.end();
      answer({ closed: true }, q.id);
      return;
    }
    // bytes arrive as Uint8Array (a Buffer posted is one); node-postgres sends a Buffer as bytea
    const values = q.values.map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
    // A statement with parameters is prepared once per connection, by name: parsing and planning it again on every
    // call was a good part of each round trip. One without (BEGIN, the schema's) goes as text, several at once.
    let name;
    if (values.length > 0) {
      name = names.get(q.text);
      if (name === undefined) names.set(q.text, (name = 's' + names.size));
    }
    const r = await client.query({ name, text: q.text, values, rowMode: q.array ? 'array' : undefined });
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    answer({ rows: last.rows || [], rowCount: last.rowCount || 0 }, q.id);
  } catch (e) {
    // A statement refused because the connection is going (the server shutting it, 57P01; a socket error, 08…):
    // the next one makes it again, rather than reach this client before its 'end' event says so and fail too.
    if (e && (/^(08|57P)/.test(e.code || '') || /not queryable|Connection terminated/i.test(String(e.message)))) broken = true;
    answer(failure(e), q.id);
  }
});
`;

/**
 * Whether an error says the database cannot take a write at all (read-only, full, gone, shutting down, the
 * connection lost), as against a statement refused for what it asked: the hub answers 503 then, and the sender sends
 * again later. SQLSTATE classes 08 (connection), 53 (resources: disk, memory, connections), 57P (shutdown), 58 (I/O),
 * 25006 (read-only), and the socket's own errors.
 */
export function isPgStoreFailure(e: unknown): boolean {
  if (!(e instanceof PgError)) return false;
  const code = e.code ?? '';
  return /^(08|53|57P|58|XX)/.test(code) || code === '25006' || /^E(CONNREFUSED|CONNRESET|NOENT|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH)$/.test(code) || code === '' || code === 'TIMEOUT';
}

/** How long one query may take before the connection is taken for dead (a lock held elsewhere waits within it). */
const QUERY_TIMEOUT_MS = 10 * 60_000;

export class PgSyncConnection {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [answers posted, the thread is dead] */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private closed = false;
  private failed: Error | null = null;
  private sent = 0;

  constructor(readonly url: string) {
    const { port1, port2 } = new MessageChannel();
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(THREAD, { eval: true, workerData: { url, pgPath, state: this.state, port: port2 }, transferList: [port2] });
    this.worker.unref();
    this.worker.on('error', (e) => {
      this.failed = new PgError(`The PostgreSQL connection's thread failed: ${e.message}`, undefined);
      Atomics.add(this.state, 0, 1);
      Atomics.notify(this.state, 0);
    });
    this.port = port1;
    // The first query says whether the server is there at all: better now, with the address in the message.
    try {
      this.query('SELECT 1');
    } catch (e) {
      this.closed = true;
      void this.worker.terminate();
      this.port.close();
      throw new PgError(`PostgreSQL at ${redactedUrl(url)} cannot be reached: ${(e as Error).message}`, (e as PgError).code);
    }
  }

  /** Runs one statement (`$1`… parameters) and waits for its answer; `array` gives rows as arrays of values. */
  query(text: string, values: readonly unknown[] = [], array = false, inTransaction = false): PgQueryResult {
    const msg = this.call({ text, values, array, tx: inTransaction });
    return msg as PgQueryResult;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.failed) this.call({ close: true });
    } finally {
      void this.worker.terminate();
      this.port.close();
    }
  }

  private call(msg: object): unknown {
    if (this.failed) throw this.failed;
    if (this.closed && !('close' in msg)) throw new PgError('The PostgreSQL connection is closed.', undefined);
    const id = ++this.sent;
    this.port.postMessage({ ...msg, id });
    for (;;) {
      // Read before looking: the thread posts, then counts, so a count that moves after this read wakes the wait.
      const seen = Atomics.load(this.state, 0);
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const answer = got.message as { id?: number; error?: { message: string; code?: string } };
        // The late answer of a query given up on (QUERY_TIMEOUT_MS): not this one's.
        if (answer.id !== undefined && answer.id !== id) continue;
        if (answer.error) throw new PgError(answer.error.message, answer.error.code);
        return answer;
      }
      if (this.failed) throw this.failed;
      if (Atomics.load(this.state, 1) === 1) {
        this.failed = new PgError("The PostgreSQL connection's thread failed.", undefined);
        throw this.failed;
      }
      if (Atomics.wait(this.state, 0, seen, QUERY_TIMEOUT_MS) === 'timed-out') break;
    }
    throw new PgError(`PostgreSQL did not answer within ${QUERY_TIMEOUT_MS / 60_000} minutes.`, 'TIMEOUT');
  }
}

/** A connection string without its password (in the user part or as a parameter), for messages and logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}
