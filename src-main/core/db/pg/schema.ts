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

/** A table rows are only added to (no DELETE) but may be updated, as SQLite's no-delete triggers say. */
const noDelete = (table: string) => `
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION lentera_append_only();`;

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
  {
    version: 2,
    name: "the rest of the hub: its audit chain, registered signers, merged bundles and items, stages, the public side's records, receipt access",
    sql: `
      CREATE TABLE audit_events (
        seq       bigint PRIMARY KEY,
        at        text COLLATE "C" NOT NULL,
        actor     text COLLATE "C" NOT NULL,
        command   text COLLATE "C" NOT NULL,
        outcome   text COLLATE "C" NOT NULL CHECK (outcome IN ('ok', 'refused')),
        payload   text COLLATE "C" NOT NULL,
        prev_hash text COLLATE "C" NOT NULL,
        hash      text COLLATE "C" NOT NULL UNIQUE
      );
      ${appendOnly('audit_events')}
      CREATE TABLE trusted_signers (
        fingerprint    text COLLATE "C" PRIMARY KEY,
        cert_der       bytea NOT NULL,
        subject        text COLLATE "C" NOT NULL,
        exam_code      text COLLATE "C",
        label          text COLLATE "C",
        added_at       text COLLATE "C" NOT NULL,
        added_by       text COLLATE "C" NOT NULL,
        workstation_id text COLLATE "C",
        announces      bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX trusted_signers_workstation ON trusted_signers (workstation_id);
      CREATE TABLE merged_bundles (
        sha256         text COLLATE "C" PRIMARY KEY,
        exam_code      text COLLATE "C" NOT NULL,
        workstation_id text COLLATE "C" NOT NULL,
        sequence       bigint NOT NULL,
        previous       text COLLATE "C",
        signer         text COLLATE "C" NOT NULL,
        audit_seq      bigint NOT NULL,
        audit_hash     text COLLATE "C" NOT NULL,
        ruleset_sha256 text COLLATE "C" NOT NULL,
        manifest       text COLLATE "C" NOT NULL,
        file           text COLLATE "C" NOT NULL,
        file_sha256    text COLLATE "C" NOT NULL,
        imported_at    text COLLATE "C" NOT NULL,
        UNIQUE (exam_code, workstation_id, sequence)
      );
      CREATE TABLE merged_exams (
        exam_code      text COLLATE "C" PRIMARY KEY,
        exam           text COLLATE "C" NOT NULL,
        ruleset_sha256 text COLLATE "C" NOT NULL,
        ruleset_json   text COLLATE "C" NOT NULL
      );
      CREATE TABLE merged_items (
        exam_code      text COLLATE "C" NOT NULL,
        workstation_id text COLLATE "C" NOT NULL,
        kind           text COLLATE "C" NOT NULL,
        key            text COLLATE "C" NOT NULL,
        digest         text COLLATE "C" NOT NULL,
        body           text COLLATE "C" NOT NULL,
        bundle_sha256  text COLLATE "C" NOT NULL REFERENCES merged_bundles (sha256),
        PRIMARY KEY (exam_code, kind, key, workstation_id)
      );
      CREATE TABLE stage_publications (
        exam_code text COLLATE "C" NOT NULL,
        stage     text COLLATE "C" NOT NULL,
        first_at  text COLLATE "C" NOT NULL,
        final_at  text COLLATE "C",
        PRIMARY KEY (exam_code, stage)
      );
      CREATE TABLE announcements (
        exam_code       text COLLATE "C" NOT NULL,
        seq             bigint NOT NULL,
        document        text COLLATE "C" NOT NULL,
        sha256          text COLLATE "C" NOT NULL,
        signer          text COLLATE "C" NOT NULL,
        signature       text COLLATE "C" NOT NULL,
        certificate     text COLLATE "C" NOT NULL,
        pdf             bytea,
        objection_from  text COLLATE "C" NOT NULL,
        objection_until text COLLATE "C" NOT NULL,
        at              text COLLATE "C" NOT NULL,
        leaf_idx        bigint,
        PRIMARY KEY (exam_code, seq)
      );
      ${noDelete('announcements')}
      CREATE TABLE objections (
        id            text COLLATE "C" PRIMARY KEY,
        exam_code     text COLLATE "C" NOT NULL,
        nomor_peserta text COLLATE "C" NOT NULL,
        stage         text COLLATE "C" NOT NULL,
        body          text COLLATE "C" NOT NULL,
        channel       text COLLATE "C" NOT NULL CHECK (channel IN ('situs', 'tempat')),
        filed_by      text COLLATE "C" NOT NULL,
        filed_at      text COLLATE "C" NOT NULL,
        status        text COLLATE "C" NOT NULL CHECK (status IN ('diajukan', 'diterima', 'ditolak')),
        answer        text COLLATE "C",
        answered_at   text COLLATE "C",
        answered_by   text COLLATE "C",
        filed_leaf    bigint NOT NULL,
        answer_leaf   bigint,
        UNIQUE (exam_code, nomor_peserta, stage)
      );
      ${noDelete('objections')}
      CREATE TABLE public_reports (
        id          text COLLATE "C" PRIMARY KEY,
        exam_code   text COLLATE "C" NOT NULL,
        category    text COLLATE "C" NOT NULL,
        body        text COLLATE "C" NOT NULL,
        contact     text COLLATE "C",
        client_hash text COLLATE "C",
        filed_at    text COLLATE "C" NOT NULL,
        status      text COLLATE "C" NOT NULL CHECK (status IN ('diterima', 'ditelaah', 'ditindaklanjuti', 'ditolak')),
        answer      text COLLATE "C",
        answered_at text COLLATE "C",
        answered_by text COLLATE "C",
        filed_leaf  bigint NOT NULL,
        answer_leaf bigint
      );
      CREATE INDEX public_reports_client ON public_reports (client_hash, filed_at);
      ${noDelete('public_reports')}
      CREATE TABLE hub_committee (
        token_hash text COLLATE "C" PRIMARY KEY,
        name       text COLLATE "C" NOT NULL,
        role       text COLLATE "C" NOT NULL CHECK (role IN ('panitia', 'pengamat', 'tempat')),
        created_at text COLLATE "C" NOT NULL,
        revoked_at text COLLATE "C"
      );
      CREATE TABLE hub_receipt_access (
        bundle_sha256   text COLLATE "C" PRIMARY KEY,
        token_sha256    text COLLATE "C" NOT NULL,
        exam_code       text COLLATE "C" NOT NULL,
        first_idx       bigint NOT NULL,
        last_idx        bigint NOT NULL,
        leaves          bigint NOT NULL,
        checkpoint_size bigint NOT NULL,
        created_at      text COLLATE "C" NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "each formation's page time, so that another formation's bundle does not make its pages again",
    sql: `
      CREATE TABLE site_formation_times (
        exam_code text COLLATE "C" NOT NULL,
        formation text COLLATE "C" NOT NULL,
        content   text COLLATE "C" NOT NULL,
        data_at   text COLLATE "C" NOT NULL,
        PRIMARY KEY (exam_code, formation)
      );
    `,
  },
  {
    version: 4,
    name: "each kept bundle's inode and change time once its bytes were verified",
    sql: `
      ALTER TABLE merged_bundles ADD COLUMN file_stat text COLLATE "C";
    `,
  },
  {
    version: 5,
    name: "a committee token's exams: on a hub of several agencies, one agency's panitia answers only its own",
    sql: `
      ALTER TABLE hub_committee ADD COLUMN exams text COLLATE "C";
    `,
  },
  {
    version: 6,
    name: "the hub's order of birth dates, from the exam's package: bundles no longer carry it, and the site publishes none of it",
    sql: `
      CREATE TABLE hub_packages (
        exam_code     text COLLATE "C" PRIMARY KEY,
        sha256        text COLLATE "C" NOT NULL,
        candidates    bigint NOT NULL,
        registered_at text COLLATE "C" NOT NULL,
        actor         text COLLATE "C" NOT NULL
      );
      CREATE TABLE hub_age_orders (
        exam_code     text COLLATE "C" NOT NULL,
        nomor_peserta text COLLATE "C" NOT NULL,
        age_order     text COLLATE "C" NOT NULL,
        birth_year    text COLLATE "C" NOT NULL,
        PRIMARY KEY (exam_code, nomor_peserta)
      );
    `,
  },
  {
    version: 7,
    name: "the roster files the hub took an exam's order of birth dates from, beside its package (lentera hub package --roster)",
    sql: `
      ALTER TABLE hub_packages ADD COLUMN rosters text COLLATE "C";
    `,
  },
];

/**
 * Creates or brings up to date the hub's schema, in one transaction under the hub's write lock: two processes
 * starting on a new database together migrate it once (the second finds it done), and a migration that fails leaves
 * the schema as it was.
 */
export function migratePg(db: PgDb): number {
  return writeTransaction(db.asDb(), () => {
    // Inside the lock: two sessions running CREATE TABLE IF NOT EXISTS at once can both try to create it.
    db.exec(`CREATE TABLE IF NOT EXISTS lentera_schema (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    let version = db.prepare('SELECT COALESCE(MAX(version), 0) FROM lentera_schema').pluck().get() as number;
    const known = pgMigrations.at(-1)?.version ?? 0;
    if (version > known) throw new SchemaTooNewError(`The hub's database (${redactedUrl(db.url)})`, version, known);
    for (const m of pgMigrations) {
      if (m.version <= version) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO lentera_schema (version, name) VALUES (?, ?)').run(m.version, m.name);
      version = m.version;
    }
    return version;
  });
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

