import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

const caches = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, compiled once per connection: preparing costs more than running a small one. */
export function sql(db: Db, text: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

/**
 * The statement text of an `INSERT … VALUES row, row, …` for n rows, as `insertRows` wants it: `head` before the
 * list, `row` for each row, `tail` after it. Each count's text is made once and kept, so `sql` is handed the same
 * string every time (its hash computed once, not on every call).
 */
export function valuesInsert(head: string, row: string, tail = ''): (rows: number) => string {
  const texts = new Map<number, string>();
  return (rows) => {
    let text = texts.get(rows);
    if (text === undefined) {
      text = `${head} VALUES ${Array.from({ length: rows }, () => row).join(', ')}${tail}`;
      texts.set(rows, text);
    }
    return text;
  };
}

/** Whether the rows at `a` and `b` of `args` hold the same values in the `key` columns. */
function sameKey(args: readonly unknown[], key: readonly number[], a: number, b: number): boolean {
  for (let i = 0; i < key.length; i++) if (args[a + key[i]!] !== args[b + key[i]!]) return false;
  return true;
}

/** Rows per statement for `insertRows`: a few values a row (9 at most, a candidate), far under SQLite's 32,766 parameters. */
export const ROWS_PER_INSERT = 128;

/**
 * Inserts `count` rows of `width` values each, `ROWS_PER_INSERT` rows per statement (`text(n)` is the statement
 * for n rows), what is left over one row at a time. For bulk work (a bundle's 700k items, a log's 100k leaves),
 * where one `run` per row spent more in the call into better-sqlite3 than in SQLite. `fill` writes row `row`'s
 * values into `args` from `at`; `named` binds the values shared by every row. SQLite takes one VALUES list's rows in
 * order, so a key given twice leaves the later row, as row-by-row inserts did.
 */
export function insertRows(
  db: Db,
  text: (rows: number) => string,
  width: number,
  count: number,
  fill: (args: unknown[], at: number, row: number) => void,
  named?: Record<string, unknown>,
  /** the row's columns its conflict target holds: a row repeating the previous row's starts a new statement */
  key?: readonly number[],
): void {
  const run = (stmt: Statement, args: unknown[]) => (named ? stmt.run(args, named) : stmt.run(args));
  const args = new Array<unknown>(width * ROWS_PER_INSERT);
  const one = new Array<unknown>(width);
  // PostgreSQL refuses one INSERT … ON CONFLICT DO UPDATE that meets a key twice (21000); SQLite takes the later.
  const flush = (n: number) => {
    if (n === ROWS_PER_INSERT) return run(sql(db, text(ROWS_PER_INSERT)), args);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < width; k++) one[k] = args[j * width + k];
      run(sql(db, text(1)), one);
    }
  };
  let n = 0;
  for (let r = 0; r < count; r++) {
    fill(args, n * width, r);
    if (key && n > 0 && sameKey(args, key, n * width, (n - 1) * width)) {
      const row = args.slice(n * width, (n + 1) * width);
      flush(n);
      for (let k = 0; k < width; k++) args[k] = row[k];
      n = 0;
    }
    if (++n === ROWS_PER_INSERT) {
      flush(n);
      n = 0;
    }
  }
  flush(n);
}
