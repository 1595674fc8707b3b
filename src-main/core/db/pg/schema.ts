import { SchemaTooNewError } from '../schema-errors';
import { writeTransaction } from '../transaction';
import { PgDb } from './pg-db';
import { redactedUrl } from './sync-connection';

/**
 * The hub's schema on PostgreSQL, as an ordered list like SQLite's (core/db/migrations.ts), and append only for the
 * same reason: a hub in service has run the released ones. It holds what the hub keeps, in the same tables and
 * columns as on SQLite, so one body of statements serves both; SQLite's INTEGER is bigint here, BLOB is bytea, and
 * text compares by its bytes (COLLATE "C"), as SQLite's does, so both stores list in the same order.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** A table no statement may change or empty, as SQLite's append-only triggers say. */
const appendOnly = (table: string) => `
  CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
    FOR EACH ROW EXECUTE FUNCTION lentera_append_only();
  CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION lentera_append_only();`;

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    name: 'the transparency log: leaves, salts, checkpoints, kept chunks, witnesses and their cosignatures',
    sql: `
      CREATE FUNCTION lentera_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;

      CREATE TABLE meta (
        key   text COLLATE "C" PRIMARY KEY,
        value text COLLATE "C" NOT NULL
      );
      CREATE TABLE ledger_salts (
        exam_code     text COLLATE "C" NOT NULL,
        nomor_peserta text COLLATE "C" NOT NULL,
        salt          bytea NOT NULL,
        PRIMARY KEY (exam_code, nomor_peserta)
      );
      CREATE TABLE ledger_leaves (
        idx           bigint PRIMARY KEY CHECK (idx >= 0),
        exam_code     text COLLATE "C" NOT NULL,
        nomor_peserta text COLLATE "C" NOT NULL,
        digest        text COLLATE "C" NOT NULL,
        leaf          bytea NOT NULL,
        leaf_hash     bytea NOT NULL,
        bundle_sha256 text COLLATE "C",
        at            text COLLATE "C" NOT NULL,
        kind          text COLLATE "C" NOT NULL DEFAULT 'hasil',
        record        bytea
      );
      CREATE INDEX ledger_leaves_candidate ON ledger_leaves (exam_code, nomor_peserta, idx);
      ${appendOnly('ledger_leaves')}
      CREATE TABLE ledger_checkpoints (
        size   bigint PRIMARY KEY,
        root   text COLLATE "C" NOT NULL,
        at     text COLLATE "C" NOT NULL,
        signed text COLLATE "C" NOT NULL
      );
      CREATE TABLE ledger_chunks (
        chunk  bigint PRIMARY KEY,
        levels bytea NOT NULL
      );
      ${appendOnly('ledger_chunks')}
      CREATE TABLE log_witnesses (
        name     text COLLATE "C" PRIMARY KEY,
        vkey     text COLLATE "C" NOT NULL UNIQUE,
        added_at text COLLATE "C" NOT NULL,
        added_by text COLLATE "C" NOT NULL
      );
      CREATE TABLE log_cosignatures (
        size        bigint NOT NULL REFERENCES ledger_checkpoints (size),
        witness     text COLLATE "C" NOT NULL REFERENCES log_witnesses (name),
        signed_time bigint NOT NULL,
        line        text COLLATE "C" NOT NULL,
        received_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (size, witness)
      );
    `,
  },
];

/** Creates or brings up to date the hub's schema, one migration per transaction, under the hub's write lock. */
export function migratePg(db: PgDb): number {
  db.exec(`CREATE TABLE IF NOT EXISTS lentera_schema (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  let version = 0;
  writeTransaction(db.asDb(), () => {
    version = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM lentera_schema').pluck().get() as number) ?? 0;
    const known = pgMigrations.at(-1)?.version ?? 0;
    if (version > known) {
      throw new SchemaTooNewError(`The hub's database (${redactedUrl(db.url)})`, version, known);
    }
    for (const m of pgMigrations) {
      if (m.version <= version) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO lentera_schema (version, name) VALUES (?, ?)').run(m.version, m.name);
      version = m.version;
    }
  });
  return version;
}

/** A connection to the hub's database, its schema created or brought up to date. */
export function openPgStore(url: string): PgDb {
  const db = new PgDb(url);
  try {
    migratePg(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

