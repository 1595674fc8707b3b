import type { Db } from '../open';
import { bindValues, pgStatement, type PgStatementText } from './dialect';
import { PgSyncConnection, type PgQueryResult } from './sync-connection';

/**
 * The hub's PostgreSQL store behind the surface of better-sqlite3 that the hub's code uses (`prepare` and a
 * statement's `run`/`get`/`all`/`iterate`, `raw` and `pluck`; `transaction`; `exec`; `close`), so that one body of code
 * runs on either store. Statements are rewritten once (`dialect.ts`).
 *
 * Writes are serialised as SQLite serialises them: every write transaction takes one advisory lock first, so two
 * hub processes on one database merge one after the other and the log never forks (each reads the log's last leaf
 * after the lock, inside its transaction). Reads outside a transaction see what is committed.
 */

/** The advisory lock every write transaction of the hub takes (any fixed number; "LNTR"). */
export const HUB_WRITE_LOCK = 0x4c4e5452;

type Mode = 'object' | 'raw' | 'pluck';

export class PgStatement {
  private mode: Mode = 'object';
  private readonly stmt: PgStatementText;

  constructor(
    private readonly db: PgDb,
    source: string,
  ) {
    this.stmt = pgStatement(source);
  }

  raw(on = true): this {
    this.mode = on ? 'raw' : this.mode === 'raw' ? 'object' : this.mode;
    return this;
  }

  pluck(on = true): this {
    this.mode = on ? 'pluck' : this.mode === 'pluck' ? 'object' : this.mode;
    return this;
  }

  run(...args: unknown[]): { changes: number; lastInsertRowid: number } {
    const r = this.db.query(this.stmt.text, bindValues(this.stmt, args));
    // No rowid here: a caller that needs the key it made writes RETURNING, on either store.
    return { changes: r.rowCount, lastInsertRowid: 0 };
  }

  get(...args: unknown[]): unknown {
    return this.rows(args)[0];
  }

  all(...args: unknown[]): unknown[] {
    return this.rows(args);
  }

  /**
   * Rows a page at a time through a cursor of the server's, as better-sqlite3 steps a statement: a million leaves
   * read whole were held twice (the connection's thread, then this one) and copied between them at once. A
   * statement that cannot be a cursor's (not a query) is read whole.
   */
  iterate(...args: unknown[]): IterableIterator<unknown> {
    if (!/^\s*(SELECT|WITH|VALUES)\b/i.test(this.stmt.text)) return this.rows(args)[Symbol.iterator]();
    return this.db.cursor(this.stmt.text, bindValues(this.stmt, args), this.mode);
  }

  private rows(args: unknown[]): unknown[] {
    const r = this.db.query(this.stmt.text, bindValues(this.stmt, args), this.mode !== 'object');
    return this.mode === 'pluck' ? (r.rows as unknown[][]).map((row) => row[0]) : r.rows;
  }
}

/** Rows a cursor's page aims to hold, in bytes of their values: a few megabytes copied at a time between threads. */
const PAGE_BYTES = 4 << 20;
const PAGE_ROWS_MIN = 16;
const PAGE_ROWS_MAX = 16_384;

export class PgDb {
  readonly connection: PgSyncConnection;
  private depth = 0;
  private open_ = true;
  /** Cursor names in use: a name is taken again once free, so the DECLAREs prepared stay as few as the statements. */
  private readonly cursors = new Set<number>();

  constructor(readonly url: string) {
    this.connection = new PgSyncConnection(url);
  }

  /** better-sqlite3's type, for the code written against it; what this store lacks throws when called. */
  asDb(): Db {
    return this as unknown as Db;
  }

  get open(): boolean {
    return this.open_;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** One statement on this store's connection, saying whether a transaction of ours is open (see sync-connection). */
  query(text: string, values: readonly unknown[] = [], array = false): PgQueryResult {
    return this.connection.query(text, values, array, this.depth > 0);
  }

  /**
   * A query's rows through a server-side cursor, fetched in pages sized to about PAGE_BYTES. Inside a transaction
   * the cursor is the transaction's and sees its writes; outside one it is declared WITH HOLD, the result then kept by
   * the server until closed, so statements between two pages (a write transaction among them) do not disturb it.
   * The cursor is closed when the rows run out or the loop over them ends early.
   */
  *cursor(text: string, values: readonly unknown[], mode: 'object' | 'raw' | 'pluck'): Generator<unknown, void, undefined> {
    let id = 0;
    while (this.cursors.has(id)) id++;
    const name = `lentera_c${id}`;
    this.query(`DECLARE ${name} NO SCROLL CURSOR ${this.depth > 0 ? 'WITHOUT' : 'WITH'} HOLD FOR ${text}`, values);
    this.cursors.add(id);
    let open = true;
    let failed = false;
    try {
      let count = PAGE_ROWS_MIN;
      for (;;) {
        const r = this.query(`FETCH ${count} FROM ${name}`, [], mode !== 'object');
        const last = r.rows.length < count;
        if (last) {
          open = false;
          this.query(`CLOSE ${name}`);
        }
        for (const row of r.rows) yield mode === 'pluck' ? (row as unknown[])[0] : row;
        if (last) return;
        count = Math.min(PAGE_ROWS_MAX, Math.max(PAGE_ROWS_MIN, Math.round((count * PAGE_BYTES) / Math.max(1, rowsBytes(r.rows)))));
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      this.cursors.delete(id);
      // Left early: closed now. After a failed FETCH the CLOSE fails too (the transaction or the connection gone
      // with it), and its error must not take the place of the FETCH's, which says what happened.
      if (open) {
        if (failed) this.closeAfterFailure(name);
        else this.query(`CLOSE ${name}`);
      }
    }
  }

  private closeAfterFailure(name: string): void {
    try {
      this.query(`CLOSE ${name}`);
    } catch {
      // the error thrown is the FETCH's
    }
  }

  prepare(source: string): PgStatement {
    return new PgStatement(this, source);
  }

  /** Statements without parameters, one or several (the schema's). */
  exec(source: string): this {
    this.query(source);
    return this;
  }

  pragma(): never {
    throw new Error('The PostgreSQL store has no pragmas.');
  }

  /**
   * Like better-sqlite3's: the function returned runs `fn` in a transaction, or in a savepoint when one is open
   * already; `.immediate` and the others are the same here, the outermost taking the hub's write lock at BEGIN.
   */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): ((...args: A) => T) & { immediate: (...args: A) => T; deferred: (...args: A) => T; exclusive: (...args: A) => T } {
    const run = (...args: A): T => this.inTx(() => fn(...args));
    return Object.assign(run, { immediate: run, deferred: run, exclusive: run });
  }

  private inTx<T>(fn: () => T): T {
    const outer = this.depth === 0;
    const savepoint = `lentera_${this.depth}`;
    // The depth counts from BEGIN to COMMIT inclusive: every statement between says it belongs to a transaction, so
    // a connection lost meanwhile is never quietly made again under it (a COMMIT there would commit nothing).
    if (outer) {
      // Read committed whatever the server's default: each statement after the lock sees what the writer before
      // committed (under repeatable read the snapshot would predate the lock, and the log's last leaf be stale).
      this.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      this.depth++;
      try {
        this.query(`SELECT pg_advisory_xact_lock(${HUB_WRITE_LOCK})`);
      } catch (e) {
        this.undo(true, savepoint);
        throw e;
      }
    } else {
      this.query(`SAVEPOINT ${savepoint}`);
      this.depth++;
    }
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.undo(outer, savepoint);
      throw e;
    }
    try {
      this.query(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
    } catch (e) {
      this.undo(outer, savepoint);
      throw e;
    }
    this.depth--;
    return result;
  }

  /** Rolls back the transaction or savepoint just begun; its own failure (a connection gone) does not hide the cause. */
  private undo(outer: boolean, savepoint: string): void {
    try {
      this.query(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
    } catch {
      // the transaction is gone with its connection: nothing of it was kept
    } finally {
      this.depth--;
    }
  }

  close(): this {
    if (this.open_) {
      this.open_ = false;
      this.connection.close();
    }
    return this;
  }
}

/** About how many bytes a page of rows holds: its strings' and byte arrays' lengths. */
function rowsBytes(rows: unknown[]): number {
  let n = 0;
  for (const row of rows) {
    for (const v of Array.isArray(row) ? row : Object.values(row as object)) {
      if (typeof v === 'string') n += v.length;
      else if (v instanceof Uint8Array) n += v.byteLength;
      else n += 8;
    }
  }
  return n;
}
