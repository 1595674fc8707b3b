/**
 * The schema, as an ordered list. Migration N takes the database from user_version N-1 to N.
 * Append only: a released migration is never edited, because workstations in the field have already run it.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation: workstation meta, audit chain, accounts, login sessions, settings',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_events (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        command   TEXT NOT NULL,
        outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
        payload   TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

      CREATE TABLE accounts (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name    TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('coordinator', 'chair', 'examiner', 'clerk', 'observer')),
        nip             TEXT,
        pin_hash        TEXT NOT NULL,
        active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        must_change_pin INTEGER NOT NULL DEFAULT 0 CHECK (must_change_pin IN (0, 1)),
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT,
        workstation_id  TEXT NOT NULL,
        created_at      TEXT NOT NULL
      ) STRICT;

      CREATE TABLE login_sessions (
        token_hash TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at   TEXT
      ) STRICT;
      CREATE INDEX login_sessions_account ON login_sessions(account_id);

      -- Workstation settings (venue label, default language): small, audited key/value facts.
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export const LATEST_SCHEMA = migrations[migrations.length - 1]!.version;
