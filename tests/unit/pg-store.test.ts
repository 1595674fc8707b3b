import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXIT } from '../../src-main/cli/io';
import { run } from '../../src-main/cli/main';
import { witnessKey } from '../../src-main/core/ledger/cosignature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindValues, pgStatement } from '../../src-main/core/db/pg/dialect';
import { PgDb } from '../../src-main/core/db/pg/pg-db';
import { migratePg, openPgStore, pgMigrations } from '../../src-main/core/db/pg/schema';
import { isPgStoreFailure, PgError, redactedUrl } from '../../src-main/core/db/pg/sync-connection';
import { writeTransaction } from '../../src-main/core/db/transaction';
import { startPgCluster, type PgCluster } from './pg-cluster';

const execFileAsync = promisify(execFile);

/** Issue 18: the hub's PostgreSQL store — its statements, its connection, its schema — on a throwaway cluster. */

describe('statements written once for both stores', () => {
  it('numbers ? and named parameters, leaving a ? or a name inside quotes alone', () => {
    expect(pgStatement("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?")).toEqual({ text: "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2", params: [0, 1] });
    expect(pgStatement('INSERT INTO t (a, b, c) VALUES (@a, :b, @a)')).toEqual({ text: 'INSERT INTO t (a, b, c) VALUES ($1, $2, $1)', params: ['a', 'b'] });
    expect(pgStatement(`SELECT 'it''s ?', "odd""?" FROM t WHERE x = ?`).text).toBe(`SELECT 'it''s ?', "odd""?" FROM t WHERE x = $1`);
    const s = pgStatement('INSERT INTO t (a, b, c) VALUES (?, ?, @shared)');
    expect(bindValues(s, [[1, Uint8Array.of(7)], { shared: 'x' }])).toEqual([1, Uint8Array.of(7), 'x']);
    expect(bindValues(pgStatement('SELECT ?'), [undefined])).toEqual([null]);
  });

  it('property: every ? outside quotes becomes the next $n, in order; quoted text is copied unchanged', () => {
    const piece = fc.oneof(
      fc.constantFrom('?', ' ', 'a', '=', ','),
      fc.string({ unit: fc.constantFrom('?', 'x', ' ', "''") }).map((t) => `'${t}'`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const source = pieces.join('');
        const holes = pieces.filter((p) => p === '?').length;
        const out = pgStatement(source);
        expect(out.params).toEqual(Array.from({ length: holes }, (_, i) => i));
        let n = 0;
        expect(out.text).toBe(pieces.map((p) => (p === '?' ? `$${++n}` : p)).join(''));
      }),
    );
  });

  it("rewrites INSERT OR IGNORE, quotes an alias with capitals, and refuses what it cannot translate", () => {
    expect(pgStatement('INSERT OR IGNORE INTO c (a, b) VALUES (?, ?)').text).toBe('INSERT INTO c (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING');
    expect(pgStatement('SELECT w.added_at AS addedAt, x AS plain FROM w').text).toBe('SELECT w.added_at AS "addedAt", x AS plain FROM w');
    expect(() => pgStatement('INSERT OR REPLACE INTO c (a) VALUES (?)')).toThrow(/INSERT OR REPLACE/);
    expect(() => pgStatement("SELECT json_extract(body, '$.x') FROM t")).toThrow(/json_extract/);
    expect(() => pgStatement('PRAGMA user_version')).toThrow(/PRAGMA/);
    expect(() => bindValues(pgStatement('SELECT ?, ?'), [1])).toThrow(/Too few/);
    expect(() => bindValues(pgStatement('SELECT @a'), [{ b: 1 }])).toThrow(/Missing named parameter "a"/);
    expect(() => bindValues(pgStatement('SELECT ?'), [true])).toThrow(/booleans/);
  });
});

describe('the PostgreSQL store on a throwaway cluster', () => {
  let cluster: PgCluster;
  let n = 0;
  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(() => cluster?.stop());
  const fresh = () => cluster.createDatabase(`store_${++n}`);

  it('creates its schema once, records each migration, and a second start changes nothing', () => {
    const url = fresh();
    const a = openPgStore(url);
    const b = openPgStore(url);
    try {
      const versions = a.prepare('SELECT version FROM lentera_schema ORDER BY version').pluck().all();
      expect(versions).toEqual(pgMigrations.map((m) => m.version));
      expect(migratePg(b)).toBe(pgMigrations.at(-1)!.version);
      expect(b.prepare('SELECT COUNT(*) FROM lentera_schema').pluck().get()).toBe(pgMigrations.length);
    } finally {
      a.close();
      b.close();
    }
  });

  it('two hubs starting together on a new database both start, and its schema is made once', async () => {
    // Each process opens the store the moment the other is ready; three new databases, so the race is run more than once.
    const dir = mkdtempSync(join(tmpdir(), 'lentera-pg-start-'));
    const script = join(dir, 'open.mts');
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from 'node:fs';
import { openPgStore } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'src-main', 'core', 'db', 'pg', 'schema.ts'))};
const [url, me, other] = process.argv.slice(2);
writeFileSync(me, '');
while (!existsSync(other)) await new Promise((ok) => setTimeout(ok, 1));
openPgStore(url).close();
`,
    );
    try {
      for (let round = 0; round < 3; round++) {
        const url = fresh();
        const ready = [join(dir, `r${round}-a`), join(dir, `r${round}-b`)];
        await Promise.all([0, 1].map((i) => execFileAsync(process.execPath, ['--import', 'tsx', script, url, ready[i]!, ready[1 - i]!])));
        const db = new PgDb(url);
        try {
          expect(db.prepare('SELECT version FROM lentera_schema ORDER BY version').pluck().all()).toEqual(pgMigrations.map((m) => m.version));
        } finally {
          db.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a database written by a newer Lentera, and leaves it as it was', () => {
    const url = fresh();
    openPgStore(url).close();
    const db = new PgDb(url);
    try {
      db.prepare("INSERT INTO lentera_schema (version, name) VALUES (99, 'from the future')").run();
      expect(() => openPgStore(url)).toThrow(new RegExp(`schema 99; this version understands up to ${pgMigrations.at(-1)!.version}\\b`));
      expect(db.prepare('SELECT MAX(version) FROM lentera_schema').pluck().get()).toBe(99);
    } finally {
      db.close();
    }
  });

  it('a transaction that fails halfway leaves nothing of it; a nested one rolls back to its savepoint only', () => {
    const db = openPgStore(fresh());
    try {
      const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, 'v')");
      expect(() =>
        writeTransaction(db.asDb(), () => {
          put.run('first');
          put.run('first'); // a duplicate key: the statement fails, and with it the whole transaction
        }),
      ).toThrow(PgError);
      expect(db.prepare('SELECT COUNT(*) FROM meta').pluck().get()).toBe(0);
      writeTransaction(db.asDb(), () => {
        put.run('kept');
        expect(() =>
          writeTransaction(db.asDb(), () => {
            put.run('inner');
            throw new Error('the inner part fails');
          }),
        ).toThrow(/inner part/);
        put.run('also kept');
      });
      expect(db.prepare('SELECT key FROM meta ORDER BY key').pluck().all()).toEqual(['also kept', 'kept']);
      expect(db.inTransaction).toBe(false);
    } finally {
      db.close();
    }
  });

  it('iterate reads a page at a time through a cursor: every row in order, writes between pages undisturbed, the cursor closed however the loop ends', () => {
    const db = openPgStore(fresh());
    const open = () => db.prepare('SELECT COUNT(*) FROM pg_cursors').pluck().get();
    try {
      db.exec("CREATE TABLE rows_ (idx bigint PRIMARY KEY, body bytea NOT NULL); INSERT INTO rows_ SELECT i, decode(repeat('ab', 100 + i % 900), 'hex') FROM generate_series(0, 29999) i");
      const pages: number[] = [];
      const query = db.connection.query.bind(db.connection);
      db.connection.query = (text, values, array, tx) => {
        const r = query(text, values, array, tx);
        if (/^FETCH/.test(text)) pages.push(r.rows.length);
        return r;
      };
      // Outside a transaction (WITH HOLD): a write transaction between two pages neither ends the cursor nor shows in it.
      const all = db.prepare('SELECT idx, body FROM rows_ WHERE idx >= ? ORDER BY idx').raw();
      let seen = 0;
      for (const [idx, body] of all.iterate(0) as IterableIterator<[number, Uint8Array]>) {
        expect(idx).toBe(seen);
        expect(body.byteLength).toBe(100 + (seen % 900));
        if (seen === 5_000) writeTransaction(db.asDb(), () => db.prepare('INSERT INTO rows_ VALUES (?, ?)').run(30_000, Uint8Array.of(1)));
        seen++;
      }
      expect(seen).toBe(30_000);
      // Pages grow from a few rows to about 4 MB of values each: more than one, and none near the whole result.
      expect(pages.length).toBeGreaterThan(3);
      expect(Math.max(...pages)).toBeLessThan(30_000);
      expect(pages.reduce((a, b) => a + b, 0)).toBe(30_000);
      expect(open()).toBe(0);
      // Left early, by a break and by a throw: closed.
      for (const _ of db.prepare('SELECT idx FROM rows_').pluck().iterate()) break;
      expect(open()).toBe(0);
      expect(() => {
        for (const _ of db.prepare('SELECT idx FROM rows_').pluck().iterate()) throw new Error('the loop fails');
      }).toThrow(/loop fails/);
      expect(open()).toBe(0);
      // Inside a transaction: the cursor sees the transaction's own writes, and a nested loop takes a cursor of its own.
      writeTransaction(db.asDb(), () => {
        db.prepare('INSERT INTO rows_ VALUES (?, ?)').run(30_001, Uint8Array.of(2));
        const idx = db.prepare('SELECT idx FROM rows_ WHERE idx >= ? ORDER BY idx').pluck();
        const pairs: [number, number][] = [];
        for (const a of idx.iterate(29_999) as IterableIterator<number>) for (const b of db.prepare('SELECT idx FROM rows_ WHERE idx >= ? ORDER BY idx').pluck().iterate(30_000) as IterableIterator<number>) pairs.push([a, b]);
        expect(pairs).toEqual([29_999, 30_000, 30_001].flatMap((a) => [[a, 30_000], [a, 30_001]]));
      });
      expect(open()).toBe(0);
      // A statement that is not a query is read whole, as before.
      expect([...db.prepare('INSERT INTO rows_ VALUES (?, ?) RETURNING idx').pluck().iterate(30_002, Uint8Array.of(3))]).toEqual([30_002]);
    } finally {
      db.close();
    }
  });

  it('a connection lost between transactions is made again; one lost inside a transaction keeps nothing of it', () => {
    const url = fresh();
    const db = openPgStore(url);
    const killer = new PgDb(url);
    const kill = () => killer.prepare('SELECT pg_terminate_backend(?)').run(db.prepare('SELECT pg_backend_pid()').pluck().get());
    try {
      kill();
      // The next statement outside a transaction finds the connection gone and makes it again (at most that one fails).
      let kept = false;
      for (let i = 0; i < 2 && !kept; i++) {
        try {
          db.prepare("INSERT INTO meta (key, value) VALUES ('after', 'v')").run();
          kept = true;
        } catch (e) {
          expect(isPgStoreFailure(e)).toBe(true);
        }
      }
      expect(kept).toBe(true);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'after'").pluck().get()).toBe('v');
      // Lost in the middle of a transaction: the rest of it is refused, never run on a new connection outside it.
      expect(() =>
        writeTransaction(db.asDb(), () => {
          db.prepare("INSERT INTO meta (key, value) VALUES ('inside', 'v')").run();
          kill();
          db.prepare("INSERT INTO meta (key, value) VALUES ('inside-2', 'v')").run();
        }),
      ).toThrow(PgError);
      expect(db.inTransaction).toBe(false);
      expect(killer.prepare("SELECT key FROM meta WHERE key LIKE 'inside%'").pluck().all()).toEqual([]);
      expect(db.prepare('SELECT COUNT(*) FROM meta').pluck().get()).toBe(1);
    } finally {
      killer.close();
      db.close();
    }
  });

  it('every hub command takes --db (or LENTERA_HUB_DB): a witness added by one is listed by another; anything but a PostgreSQL address is a usage error', async () => {
    const url = fresh();
    const dir = mkdtempSync(join(tmpdir(), 'lentera-pg-cli-'));
    const cli = async (args: string[]) => {
      let out = '';
      let err = '';
      const code = await run(args, { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), askSecret: async () => '', osUser: 't' });
      return { code, out, err };
    };
    try {
      const { publicKey } = generateKeyPairSync('ed25519');
      const vkey = witnessKey({ name: 'ombudsman.example.go.id/saksi', publicKeyRaw: new Uint8Array(Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url')) });
      expect(await cli(['hub', 'witness', 'add', vkey, '--data', dir, '--db', url])).toMatchObject({ code: 0 });
      process.env.LENTERA_HUB_DB = url;
      try {
        const listed = await cli(['hub', 'witness', 'list', '--data', dir]);
        expect(listed.code).toBe(0);
        expect(listed.out).toContain(vkey);
      } finally {
        delete process.env.LENTERA_HUB_DB;
      }
      // Not in the folder's SQLite file: that one has none.
      expect((await cli(['hub', 'witness', 'list', '--data', dir])).out).toMatch(/no witness registered/);
      const wrong = await cli(['hub', 'witness', 'list', '--data', dir, '--db', 'mysql://hub@db/lentera']);
      expect(wrong.code).toBe(EXIT.USAGE);
      expect(wrong.err).toMatch(/must be a PostgreSQL connection string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses DELETE on every table SQLite's triggers guard, and UPDATE or TRUNCATE on the append-only ones", () => {
    const db = openPgStore(fresh());
    try {
      db.prepare("INSERT INTO audit_events (seq, at, actor, command, outcome, payload, prev_hash, hash) VALUES (1, 't', 'a', 'c', 'ok', '{}', 'p', 'h')").run();
      db.prepare("INSERT INTO objections (id, exam_code, nomor_peserta, stage, body, channel, filed_by, filed_at, status, filed_leaf) VALUES ('S1', 'E', 'N', 'SKD', 'b', 'situs', 'x', 't', 'diajukan', 0)").run();
      expect(() => db.prepare("UPDATE audit_events SET actor = 'b'").run()).toThrow(/audit_events is append-only/);
      expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/audit_events is append-only/);
      expect(() => db.exec('TRUNCATE audit_events')).toThrow(/audit_events is append-only/);
      // An objection is answered in place (its status and answer), never removed.
      db.prepare("UPDATE objections SET status = 'diterima', answer = 'ok' WHERE id = 'S1'").run();
      expect(() => db.prepare('DELETE FROM objections').run()).toThrow(/objections is append-only/);
      expect(db.prepare('SELECT status FROM objections').pluck().all()).toEqual(['diterima']);
    } finally {
      db.close();
    }
  });

  it('text orders by its bytes, as on SQLite, whatever the server locale', () => {
    const db = openPgStore(fresh());
    try {
      for (const k of ['b', 'B', 'a', 'Z', '_', 'é']) db.prepare("INSERT INTO meta (key, value) VALUES (?, '')").run(k);
      expect(db.prepare('SELECT key FROM meta ORDER BY key').pluck().all()).toEqual(['B', 'Z', '_', 'a', 'b', 'é']);
    } finally {
      db.close();
    }
  });

  it('a server that is not there, or a database that is not, says which and where, without the password', () => {
    expect(() => new PgDb(cluster.url('no_such_database'))).toThrow(/database "no_such_database" does not exist/);
    expect(() => new PgDb('postgresql://lentera:geheim@/x?host=/nonexistent-socket-dir')).toThrow(/^PostgreSQL at postgresql:\/\/lentera:\*\*\*@\/x\?host=\/nonexistent-socket-dir cannot be reached: .*ENOENT/);
    expect(redactedUrl('postgresql://hub:geheim@db.example.go.id:5432/lentera')).toBe('postgresql://hub:***@db.example.go.id:5432/lentera');
    expect(redactedUrl('postgresql://db.example.go.id/lentera?user=hub&password=geheim&sslmode=require')).toBe('postgresql://db.example.go.id/lentera?user=hub&password=***&sslmode=require');
  });
});
