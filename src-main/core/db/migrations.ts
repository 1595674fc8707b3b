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
  {
    version: 2,
    name: 'exams, formations, stages, venues, sessions, candidates, attendance, conflicts',
    sql: `
      CREATE TABLE exams (
        id             TEXT PRIMARY KEY,
        code           TEXT NOT NULL UNIQUE,
        name           TEXT NOT NULL,
        agency         TEXT NOT NULL,
        year           INTEGER NOT NULL,
        ruleset        TEXT NOT NULL,
        package_sha256 TEXT NOT NULL,
        package_json   TEXT NOT NULL,
        imported_at    TEXT NOT NULL,
        workstation_id TEXT NOT NULL
      ) STRICT;

      CREATE TABLE exam_package_imports (
        exam_id     TEXT NOT NULL REFERENCES exams(id),
        sha256      TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        actor       TEXT NOT NULL,
        PRIMARY KEY (exam_id, sha256)
      ) STRICT;

      CREATE TABLE formations (
        exam_id   TEXT NOT NULL REFERENCES exams(id),
        code      TEXT NOT NULL,
        position  TEXT NOT NULL,
        unit      TEXT NOT NULL,
        education TEXT NOT NULL,
        quota     INTEGER NOT NULL CHECK (quota >= 1),
        PRIMARY KEY (exam_id, code)
      ) STRICT;

      CREATE TABLE stages (
        exam_id    TEXT NOT NULL REFERENCES exams(id),
        code       TEXT NOT NULL,
        ord        INTEGER NOT NULL,
        name       TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('cat', 'written', 'practical', 'interview')),
        definition TEXT NOT NULL,
        PRIMARY KEY (exam_id, code)
      ) STRICT;

      CREATE TABLE venues (
        exam_id TEXT NOT NULL REFERENCES exams(id),
        code    TEXT NOT NULL,
        name    TEXT NOT NULL,
        address TEXT NOT NULL,
        PRIMARY KEY (exam_id, code)
      ) STRICT;

      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        exam_id    TEXT NOT NULL REFERENCES exams(id),
        code       TEXT NOT NULL,
        stage_code TEXT NOT NULL,
        venue_code TEXT NOT NULL,
        room       TEXT NOT NULL,
        starts_at  TEXT NOT NULL,
        closed_at  TEXT,
        closed_by  TEXT,
        UNIQUE (exam_id, code),
        FOREIGN KEY (exam_id, stage_code) REFERENCES stages(exam_id, code),
        FOREIGN KEY (exam_id, venue_code) REFERENCES venues(exam_id, code)
      ) STRICT;

      CREATE TABLE session_panel (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        nip        TEXT NOT NULL,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('chair', 'examiner')),
        ord        INTEGER NOT NULL,
        PRIMARY KEY (session_id, nip)
      ) STRICT;

      -- A candidate's key is natural (exam, nomor_peserta): the same person arrives on every workstation of
      -- the exam from the same package, and must merge, not duplicate.
      CREATE TABLE candidates (
        exam_id        TEXT NOT NULL REFERENCES exams(id),
        nomor_peserta  TEXT NOT NULL,
        nik            TEXT NOT NULL,
        nama           TEXT NOT NULL,
        tanggal_lahir  TEXT NOT NULL,
        jenis_kelamin  TEXT NOT NULL CHECK (jenis_kelamin IN ('L', 'P')),
        pendidikan     TEXT NOT NULL,
        ipk_x100       INTEGER NOT NULL CHECK (ipk_x100 BETWEEN 0 AND 400),
        kode_formasi   TEXT NOT NULL,
        kategori       TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        PRIMARY KEY (exam_id, nomor_peserta),
        FOREIGN KEY (exam_id, kode_formasi) REFERENCES formations(exam_id, code)
      ) STRICT;
      CREATE INDEX candidates_formation ON candidates(exam_id, kode_formasi);

      CREATE TABLE session_candidates (
        session_id    TEXT NOT NULL REFERENCES sessions(id),
        nomor_peserta TEXT NOT NULL,
        PRIMARY KEY (session_id, nomor_peserta)
      ) STRICT;

      -- Attendance is a list of facts, never edited: the current state is the latest fact per candidate.
      CREATE TABLE attendance_events (
        id            TEXT PRIMARY KEY,
        session_id    TEXT NOT NULL REFERENCES sessions(id),
        nomor_peserta TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('present', 'absent', 'undo')),
        at            TEXT NOT NULL,
        actor         TEXT NOT NULL,
        reason        TEXT,
        seq           INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX attendance_by_candidate ON attendance_events(session_id, nomor_peserta, seq);
      CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance_events
        BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;
      CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance_events
        BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;

      CREATE TABLE conflicts (
        id            TEXT PRIMARY KEY,
        exam_id       TEXT NOT NULL REFERENCES exams(id),
        account_id    TEXT NOT NULL REFERENCES accounts(id),
        nomor_peserta TEXT NOT NULL,
        reason        TEXT NOT NULL,
        declared_at   TEXT NOT NULL,
        UNIQUE (exam_id, account_id, nomor_peserta)
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'score entries (immutable) and CAT result imports',
    sql: `
      CREATE TABLE score_imports (
        id             TEXT PRIMARY KEY,
        exam_id        TEXT NOT NULL REFERENCES exams(id),
        stage_code     TEXT NOT NULL,
        file_name      TEXT NOT NULL,
        sha256         TEXT NOT NULL,
        rows           INTEGER NOT NULL,
        at             TEXT NOT NULL,
        actor          TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        FOREIGN KEY (exam_id, stage_code) REFERENCES stages(exam_id, code)
      ) STRICT;

      -- Every score ever written, never changed: a correction is a new entry. The value is stored exactly, as
      -- whole steps above the item's minimum (value = min + units x step), so no rounding ever enters.
      CREATE TABLE score_entries (
        id             TEXT PRIMARY KEY,
        exam_id        TEXT NOT NULL REFERENCES exams(id),
        stage_code     TEXT NOT NULL,
        nomor_peserta  TEXT NOT NULL,
        item           TEXT NOT NULL,
        units          INTEGER NOT NULL CHECK (units >= 0),
        source         TEXT NOT NULL CHECK (source IN ('cat', 'paper', 'resolution', 'panel', 'amendment')),
        slot           TEXT,
        session_id     TEXT REFERENCES sessions(id),
        import_id      TEXT REFERENCES score_imports(id),
        account_id     TEXT REFERENCES accounts(id),
        actor          TEXT NOT NULL,
        at             TEXT NOT NULL,
        reason         TEXT,
        workstation_id TEXT NOT NULL,
        FOREIGN KEY (exam_id, nomor_peserta) REFERENCES candidates(exam_id, nomor_peserta),
        FOREIGN KEY (exam_id, stage_code) REFERENCES stages(exam_id, code)
      ) STRICT;
      CREATE INDEX score_entries_candidate ON score_entries(exam_id, nomor_peserta, stage_code, item);
      CREATE TRIGGER score_entries_no_update BEFORE UPDATE ON score_entries
        BEGIN SELECT RAISE(ABORT, 'score_entries is append-only'); END;
      CREATE TRIGGER score_entries_no_delete BEFORE DELETE ON score_entries
        BEGIN SELECT RAISE(ABORT, 'score_entries is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'panel submissions, discussion notes, finalizations, sign-offs and amendments',
    sql: `
      -- A submission is the panelist's complete set of values at that moment, kept as a snapshot: the panel's
      -- aggregate is computed from each panelist's last submission, whatever drafts came after.
      CREATE TABLE panel_submissions (
        id             TEXT PRIMARY KEY,
        session_id     TEXT NOT NULL REFERENCES sessions(id),
        nomor_peserta  TEXT NOT NULL,
        account_id     TEXT NOT NULL REFERENCES accounts(id),
        at             TEXT NOT NULL,
        snapshot       TEXT NOT NULL,
        workstation_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX panel_submissions_by_candidate ON panel_submissions(session_id, nomor_peserta, account_id, at);

      CREATE TABLE panel_notes (
        id            TEXT PRIMARY KEY,
        session_id    TEXT NOT NULL REFERENCES sessions(id),
        nomor_peserta TEXT NOT NULL,
        criterion     TEXT,
        note          TEXT NOT NULL,
        account_id    TEXT NOT NULL REFERENCES accounts(id),
        at            TEXT NOT NULL
      ) STRICT;

      CREATE TABLE finalizations (
        id             TEXT PRIMARY KEY,
        session_id     TEXT NOT NULL REFERENCES sessions(id),
        nomor_peserta  TEXT NOT NULL,
        account_id     TEXT NOT NULL REFERENCES accounts(id),
        at             TEXT NOT NULL,
        result         TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        UNIQUE (session_id, nomor_peserta)
      ) STRICT;

      CREATE TABLE signoffs (
        finalization_id TEXT NOT NULL REFERENCES finalizations(id),
        account_id      TEXT NOT NULL REFERENCES accounts(id),
        at              TEXT NOT NULL,
        PRIMARY KEY (finalization_id, account_id)
      ) STRICT;

      CREATE TABLE amendment_requests (
        id            TEXT PRIMARY KEY,
        exam_id       TEXT NOT NULL REFERENCES exams(id),
        stage_code    TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        item          TEXT NOT NULL,
        old_units     INTEGER,
        new_units     INTEGER NOT NULL,
        reason        TEXT NOT NULL,
        account_id    TEXT REFERENCES accounts(id),
        actor         TEXT NOT NULL,
        at            TEXT NOT NULL
      ) STRICT;

      CREATE TABLE amendment_decisions (
        request_id TEXT PRIMARY KEY REFERENCES amendment_requests(id),
        decision   TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        note       TEXT,
        account_id TEXT REFERENCES accounts(id),
        actor      TEXT NOT NULL,
        at         TEXT NOT NULL,
        entry_id   TEXT REFERENCES score_entries(id)
      ) STRICT;

      CREATE TRIGGER panel_submissions_no_update BEFORE UPDATE ON panel_submissions BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER panel_submissions_no_delete BEFORE DELETE ON panel_submissions BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER finalizations_no_update BEFORE UPDATE ON finalizations BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER finalizations_no_delete BEFORE DELETE ON finalizations BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'signing identities',
    sql: `
      -- The certificate is public and lives here; the private key is a file in DATA/keys/, encrypted under
      -- its holder's passphrase, and never leaves the data directory.
      CREATE TABLE signing_identities (
        fingerprint TEXT PRIMARY KEY,
        account_id  TEXT NOT NULL REFERENCES accounts(id),
        cert_der    BLOB NOT NULL,
        subject     TEXT NOT NULL,
        issuer      TEXT NOT NULL,
        not_before  TEXT NOT NULL,
        not_after   TEXT NOT NULL,
        source      TEXT NOT NULL CHECK (source IN ('local', 'p12')),
        key_file    TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX signing_identities_account ON signing_identities(account_id, created_at);
    `,
  },
  {
    version: 6,
    name: 'result bundles, merge of bundles, outbox, transparency log',
    sql: `
      -- What this workstation exported: one row per bundle, and per item the digest last exported, so the next
      -- bundle carries only what changed since.
      CREATE TABLE bundle_exports (
        exam_id    TEXT NOT NULL REFERENCES exams(id),
        sequence   INTEGER NOT NULL CHECK (sequence >= 1),
        sha256     TEXT NOT NULL UNIQUE,
        previous   TEXT,
        file       TEXT NOT NULL,
        audit_seq  INTEGER NOT NULL,
        audit_hash TEXT NOT NULL,
        files      INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        actor      TEXT NOT NULL,
        PRIMARY KEY (exam_id, sequence)
      ) STRICT;
      CREATE TABLE bundle_export_items (
        exam_id  TEXT NOT NULL REFERENCES exams(id),
        kind     TEXT NOT NULL,
        key      TEXT NOT NULL,
        digest   TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (exam_id, kind, key)
      ) STRICT;
      -- Bundles waiting for the publication hub's signed acknowledgement.
      CREATE TABLE outbox (
        bundle_sha256   TEXT PRIMARY KEY,
        exam_code       TEXT NOT NULL,
        sequence        INTEGER NOT NULL,
        file            TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'refused')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT,
        ack             TEXT,
        created_at      TEXT NOT NULL,
        confirmed_at    TEXT
      ) STRICT;
      -- Receipts the hub returned: a candidate's leaf, salt and inclusion proof, for the result sheet's QR code.
      CREATE TABLE receipts (
        exam_code     TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        digest        TEXT NOT NULL,
        receipt       TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        PRIMARY KEY (exam_code, nomor_peserta)
      ) STRICT;
      -- Whose bundles are accepted (the coordinator's merge and the hub): registered certificates only.
      CREATE TABLE trusted_signers (
        fingerprint TEXT PRIMARY KEY,
        cert_der    BLOB NOT NULL,
        subject     TEXT NOT NULL,
        exam_code   TEXT,
        label       TEXT,
        added_at    TEXT NOT NULL,
        added_by    TEXT NOT NULL
      ) STRICT;
      -- Bundles merged here, and the latest version of each item per workstation. Conflicts between
      -- workstations are computed from these rows and shown; nothing here ever picks a side.
      CREATE TABLE merged_bundles (
        sha256         TEXT PRIMARY KEY,
        exam_code      TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        sequence       INTEGER NOT NULL,
        previous       TEXT,
        signer         TEXT NOT NULL,
        audit_seq      INTEGER NOT NULL,
        audit_hash     TEXT NOT NULL,
        ruleset_sha256 TEXT NOT NULL,
        manifest       TEXT NOT NULL,
        file           TEXT NOT NULL,
        file_sha256    TEXT NOT NULL,
        imported_at    TEXT NOT NULL,
        UNIQUE (exam_code, workstation_id, sequence)
      ) STRICT;
      CREATE TABLE merged_exams (
        exam_code      TEXT PRIMARY KEY,
        exam           TEXT NOT NULL,
        ruleset_sha256 TEXT NOT NULL,
        ruleset_json   TEXT NOT NULL
      ) STRICT;
      CREATE TABLE merged_items (
        exam_code      TEXT NOT NULL,
        workstation_id TEXT NOT NULL,
        kind           TEXT NOT NULL,
        key            TEXT NOT NULL,
        digest         TEXT NOT NULL,
        body           TEXT NOT NULL,
        bundle_sha256  TEXT NOT NULL REFERENCES merged_bundles(sha256),
        -- Kind first: the merge reads one kind of an exam at a time, across workstations.
        PRIMARY KEY (exam_code, kind, key, workstation_id)
      ) WITHOUT ROWID, STRICT;
      -- The transparency log (RFC 6962): append-only leaves, a salt per candidate, signed checkpoints.
      CREATE TABLE ledger_salts (
        exam_code     TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        salt          BLOB NOT NULL,
        PRIMARY KEY (exam_code, nomor_peserta)
      ) STRICT;
      CREATE TABLE ledger_leaves (
        idx           INTEGER PRIMARY KEY,
        exam_code     TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        digest        TEXT NOT NULL,
        leaf          BLOB NOT NULL,
        leaf_hash     BLOB NOT NULL,
        bundle_sha256 TEXT,
        at            TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_leaves_candidate ON ledger_leaves(exam_code, nomor_peserta, idx);
      CREATE TRIGGER ledger_leaves_no_update BEFORE UPDATE ON ledger_leaves BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER ledger_leaves_no_delete BEFORE DELETE ON ledger_leaves BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TABLE ledger_checkpoints (
        size   INTEGER PRIMARY KEY,
        root   TEXT NOT NULL,
        at     TEXT NOT NULL,
        signed TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'PIN guard: devices, unknown names, sessions bound to a device',
    sql: `
      -- A device an account logged in from (its token is kept by that browser or window; only the hash is here).
      -- Wrong PINs from a known device count on the device, so a stranger on the LAN who locks the account for
      -- unknown clients cannot lock its holder out of their own device.
      CREATE TABLE account_devices (
        token_hash      TEXT PRIMARY KEY,
        account_id      TEXT NOT NULL REFERENCES accounts(id),
        created_at      TEXT NOT NULL,
        last_login_at   TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT
      ) STRICT;
      CREATE INDEX account_devices_account ON account_devices(account_id, last_login_at);
      -- Wrong PINs for names that are no account, counted and locked exactly like an account's, so the answer
      -- never tells whether a name exists.
      CREATE TABLE unknown_name_guard (
        name            TEXT PRIMARY KEY,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT,
        updated_at      TEXT NOT NULL
      ) STRICT;
      ALTER TABLE login_sessions ADD COLUMN device_hash TEXT;
    `,
  },
  {
    version: 8,
    name: 'a registered certificate signs for one workstation',
    sql: `
      -- The workstation a registered certificate signs for: set at registration (--workstation) or by the first
      -- bundle accepted from it (docs/bundles.md, "Who may sign for whom"). Certificates that signed merged
      -- bundles of exactly one workstation are bound to it now; the others on their next accepted bundle.
      ALTER TABLE trusted_signers ADD COLUMN workstation_id TEXT;
      UPDATE trusted_signers SET workstation_id = (SELECT MIN(m.workstation_id) FROM merged_bundles m WHERE m.signer = trusted_signers.fingerprint)
       WHERE (SELECT COUNT(DISTINCT m.workstation_id) FROM merged_bundles m WHERE m.signer = trusted_signers.fingerprint) = 1;
      CREATE INDEX trusted_signers_workstation ON trusted_signers(workstation_id);
    `,
  },
  {
    version: 9,
    name: 'the public side: record leaves in the log (announcements, objections, reports), stage publication times',
    sql: `
      -- A leaf is either a result ('hasil': a salted commitment, migration 6) or a public record (an announcement,
      -- an objection or a report, or an answer to one): then the leaf commits to the record's sha256 and the record's
      -- exact bytes are kept here, because the site publishes them beside the leaf (docs/publication.md).
      -- For a record leaf, nomor_peserta holds the record's key ("sanggah:SGH-…") and digest the record's sha256.
      ALTER TABLE ledger_leaves ADD COLUMN kind TEXT NOT NULL DEFAULT 'hasil';
      ALTER TABLE ledger_leaves ADD COLUMN record BLOB;
      -- When each stage of an exam was first published at the hub, and when it became final (no value of it still
      -- missing). Kept, not recomputed: a rebuilt site shows the same times.
      CREATE TABLE stage_publications (
        exam_code TEXT NOT NULL,
        stage     TEXT NOT NULL,
        first_at  TEXT NOT NULL,
        final_at  TEXT,
        PRIMARY KEY (exam_code, stage)
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'the public side: announcements, objections (sanggah), public reports (laporan), the committee at the hub',
    sql: `
      -- An announcement (pengumuman) of an exam, before anything is scored: signed by the coordinator's key. A change
      -- of rules is a new announcement (the next seq), never an edit. At the hub each is a record leaf (leaf_idx);
      -- on a workstation leaf_idx stays null until the hub's acknowledgement says where it was logged.
      CREATE TABLE announcements (
        exam_code       TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        document        TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        signer          TEXT NOT NULL,
        signature       TEXT NOT NULL,
        certificate     TEXT NOT NULL,
        pdf             BLOB,
        objection_from  TEXT NOT NULL,
        objection_until TEXT NOT NULL,
        at              TEXT NOT NULL,
        leaf_idx        INTEGER,
        PRIMARY KEY (exam_code, seq)
      ) STRICT;
      CREATE TRIGGER announcements_no_delete BEFORE DELETE ON announcements BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      -- An objection of a candidate about their own result, filed at the site (proved with the salt of their
      -- receipt) or at the venue through a clerk. Its public record and the answer's are record leaves.
      CREATE TABLE objections (
        id            TEXT PRIMARY KEY,
        exam_code     TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        stage         TEXT NOT NULL,
        body          TEXT NOT NULL,
        channel       TEXT NOT NULL CHECK (channel IN ('situs', 'tempat')),
        filed_by      TEXT NOT NULL,
        filed_at      TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('diajukan', 'diterima', 'ditolak')),
        answer        TEXT,
        answered_at   TEXT,
        answered_by   TEXT,
        filed_leaf    INTEGER NOT NULL,
        answer_leaf   INTEGER,
        UNIQUE (exam_code, nomor_peserta, stage)
      ) STRICT;
      CREATE TRIGGER objections_no_delete BEFORE DELETE ON objections BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      -- A public report of suspected fraud or unfairness. The contact (optional) is for the committee only and is
      -- never published; client_hash (a keyed hash of the sender's address) only counts reports for the rate limit.
      CREATE TABLE public_reports (
        id           TEXT PRIMARY KEY,
        exam_code    TEXT NOT NULL,
        category     TEXT NOT NULL,
        body         TEXT NOT NULL,
        contact      TEXT,
        client_hash  TEXT,
        filed_at     TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('diterima', 'ditelaah', 'ditindaklanjuti', 'ditolak')),
        answer       TEXT,
        answered_at  TEXT,
        answered_by  TEXT,
        filed_leaf   INTEGER NOT NULL,
        answer_leaf  INTEGER
      ) STRICT;
      CREATE INDEX public_reports_client ON public_reports(client_hash, filed_at);
      CREATE TRIGGER public_reports_no_delete BEFORE DELETE ON public_reports BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      -- Who may read and answer objections and reports at the hub: a random token, kept only as its sha256.
      -- panitia (the committee) answers; pengamat (Ombudsman, inspectorate) reads everything; tempat (a venue
      -- workstation) files objections on a candidate's behalf.
      CREATE TABLE hub_committee (
        token_hash TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('panitia', 'pengamat', 'tempat')),
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
    `,
  },
  {
    version: 11,
    name: 'who may announce: a registered certificate signs announcements only when registered to',
    sql: `
      -- A venue's workstation key signs its bundles; only a certificate registered with --announce (the selection
      -- committee's coordinator) may publish an exam's announcement, which sets the rules and the objection period.
      ALTER TABLE trusted_signers ADD COLUMN announces INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 12,
    name: 'retention: when the personal data of an exam was purged',
    sql: `
      -- Set once by the purge (core/exams/purge.ts): from then on the exam's candidates carry a masked NIK, no name
      -- and no birth date, and nothing may bring them back (a package or roster import, a bundle, a sheet is refused).
      ALTER TABLE exams ADD COLUMN purged_at TEXT;
    `,
  },
  {
    version: 13,
    name: "witnesses of the hub's log and their cosignatures (c2sp.org/tlog-cosignature)",
    sql: `
      -- Who may cosign the log's checkpoints (the Ombudsman, an inspectorate): a name and an Ed25519 key, as its
      -- verifier key "name+id+base64(0x04 ‖ key)". Registered at the hub by its operator, never by the witness.
      CREATE TABLE log_witnesses (
        name     TEXT PRIMARY KEY,
        vkey     TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
      ) STRICT;
      -- Each witness's latest cosignature of a checkpoint, its signature line exactly as received.
      CREATE TABLE log_cosignatures (
        size        INTEGER NOT NULL REFERENCES ledger_checkpoints(size),
        witness     TEXT NOT NULL REFERENCES log_witnesses(name),
        signed_time INTEGER NOT NULL,
        line        TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (size, witness)
      ) STRICT;
    `,
  },
  {
    version: 14,
    name: 'the roster screen at 100,000 candidates: a substring index of numbers and names, the latest attendance kept',
    sql: `
      -- Every substring of three characters or more of a candidate's number and name, for roster.list's search
      -- (core/roster/candidates.ts): SQLite's FTS5 with the trigram tokenizer. It indexes the text as LIKE reads it
      -- (the view below: ASCII letters in lower case, nothing after a NUL, every other character as it is) and
      -- matches case-sensitively, so a search lowered the same way finds exactly the rows LIKE finds, no more, no
      -- fewer. External content: the index holds no copy of a name, only its trigrams, and 'rebuild' remakes it from
      -- the view (the purge does, so no trigram of a purged name stays in its pages). Kept in step by the triggers
      -- below, the only way it is written; keyed by the candidates' rowid, which VACUUM keeps (the table has indexes).
      -- No sizes are kept (columnsize = 0): nothing is ranked. Searches of one or two characters have no trigram and
      -- are still answered by LIKE.
      CREATE VIEW candidates_search_text AS
        SELECT rowid AS id,
               lower(CASE WHEN instr(nomor_peserta, char(0)) > 0 THEN substr(nomor_peserta, 1, instr(nomor_peserta, char(0)) - 1) ELSE nomor_peserta END) AS nomor_peserta,
               lower(CASE WHEN instr(nama, char(0)) > 0 THEN substr(nama, 1, instr(nama, char(0)) - 1) ELSE nama END) AS nama
          FROM candidates;
      CREATE VIRTUAL TABLE candidates_search USING fts5(
        nomor_peserta, nama, content = 'candidates_search_text', content_rowid = 'id', columnsize = 0,
        tokenize = 'trigram case_sensitive 1'
      );
      -- What the index holds of a row is read from the view: after an insert, and before an update or a delete
      -- (while the row still holds its old values, which the index must be told to remove).
      CREATE TRIGGER candidates_search_insert AFTER INSERT ON candidates BEGIN
        INSERT INTO candidates_search (rowid, nomor_peserta, nama) SELECT id, nomor_peserta, nama FROM candidates_search_text WHERE id = NEW.rowid;
      END;
      CREATE TRIGGER candidates_search_unindex BEFORE UPDATE ON candidates
        WHEN OLD.nomor_peserta IS NOT NEW.nomor_peserta OR OLD.nama IS NOT NEW.nama OR OLD.rowid IS NOT NEW.rowid BEGIN
        INSERT INTO candidates_search (candidates_search, rowid, nomor_peserta, nama)
          SELECT 'delete', id, nomor_peserta, nama FROM candidates_search_text WHERE id = OLD.rowid;
      END;
      CREATE TRIGGER candidates_search_reindex AFTER UPDATE ON candidates
        WHEN OLD.nomor_peserta IS NOT NEW.nomor_peserta OR OLD.nama IS NOT NEW.nama OR OLD.rowid IS NOT NEW.rowid BEGIN
        INSERT INTO candidates_search (rowid, nomor_peserta, nama) SELECT id, nomor_peserta, nama FROM candidates_search_text WHERE id = NEW.rowid;
      END;
      CREATE TRIGGER candidates_search_delete BEFORE DELETE ON candidates BEGIN
        INSERT INTO candidates_search (candidates_search, rowid, nomor_peserta, nama)
          SELECT 'delete', id, nomor_peserta, nama FROM candidates_search_text WHERE id = OLD.rowid;
      END;
      INSERT INTO candidates_search (candidates_search) VALUES ('rebuild');

      -- The latest attendance fact of each candidate, as roster.list reads it: the one with the greatest (at, seq),
      -- a later-recorded fact winning a tie (attendance_events' rowid), among all the sessions of the exam
      -- (attendance_latest) and within one session (attendance_session_latest). attendance_events is append-only,
      -- so a trigger on its inserts is all that keeps them; both are filled here from the facts already recorded.
      CREATE TABLE attendance_latest (
        exam_id       TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('present', 'absent', 'undo')),
        at            TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        PRIMARY KEY (exam_id, nomor_peserta)
      ) WITHOUT ROWID, STRICT;
      CREATE INDEX attendance_latest_kind ON attendance_latest(exam_id, kind);
      CREATE TABLE attendance_session_latest (
        session_id    TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('present', 'absent', 'undo')),
        at            TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        PRIMARY KEY (session_id, nomor_peserta)
      ) WITHOUT ROWID, STRICT;
      CREATE INDEX attendance_session_latest_kind ON attendance_session_latest(session_id, kind);
      CREATE TRIGGER attendance_latest_follow AFTER INSERT ON attendance_events BEGIN
        INSERT INTO attendance_session_latest (session_id, nomor_peserta, kind, at, seq) VALUES (NEW.session_id, NEW.nomor_peserta, NEW.kind, NEW.at, NEW.seq)
          ON CONFLICT (session_id, nomor_peserta) DO UPDATE SET kind = excluded.kind, at = excluded.at, seq = excluded.seq
          WHERE (excluded.at, excluded.seq) >= (attendance_session_latest.at, attendance_session_latest.seq);
        INSERT INTO attendance_latest (exam_id, nomor_peserta, kind, at, seq)
          SELECT s.exam_id, NEW.nomor_peserta, NEW.kind, NEW.at, NEW.seq FROM sessions s WHERE s.id = NEW.session_id
          ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET kind = excluded.kind, at = excluded.at, seq = excluded.seq
          WHERE (excluded.at, excluded.seq) >= (attendance_latest.at, attendance_latest.seq);
      END;
      INSERT INTO attendance_session_latest (session_id, nomor_peserta, kind, at, seq)
        SELECT session_id, nomor_peserta, kind, at, seq FROM (
          SELECT a.session_id, a.nomor_peserta, a.kind, a.at, a.seq,
                 row_number() OVER (PARTITION BY a.session_id, a.nomor_peserta ORDER BY a.at DESC, a.seq DESC, a.rowid DESC) AS n
            FROM attendance_events a)
         WHERE n = 1;
      INSERT INTO attendance_latest (exam_id, nomor_peserta, kind, at, seq)
        SELECT exam_id, nomor_peserta, kind, at, seq FROM (
          SELECT s.exam_id, a.nomor_peserta, a.kind, a.at, a.seq,
                 row_number() OVER (PARTITION BY s.exam_id, a.nomor_peserta ORDER BY a.at DESC, a.seq DESC, a.rowid DESC) AS n
            FROM attendance_events a JOIN sessions s ON s.id = a.session_id)
         WHERE n = 1;
    `,
  },
  {
    version: 15,
    name: 'the ranking kept until what it is made from changes, and what changed',
    sql: `
      -- What a ranking is made from (core/ranking/answer.ts), and what changed of it since a ranking was kept.
      -- The tables only ever appended to (score entries, attendance, finalizations, sign-offs: their own triggers refuse
      -- the rest) say it by their rowids: what came after the last rowid a ranking read. No trigger on them, so a score
      -- typed costs not one page more. Every other table a ranking reads (and of accounts only whether a panelist is
      -- active and their NIP: a login changes neither) moves ranking_generation and notes, per exam, the candidate
      -- changed, or '' for the whole exam (a formation, a stage, a session or its panel, the exam, an account), in
      -- ranking_changes: one row per candidate at most, so it stays the size of the roster however long the venue runs.
      CREATE TABLE ranking_generation (n INTEGER NOT NULL) STRICT;
      INSERT INTO ranking_generation (n) VALUES (0);
      CREATE TABLE ranking_changes (
        exam_id       TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        generation    INTEGER NOT NULL,
        PRIMARY KEY (exam_id, nomor_peserta)
      ) WITHOUT ROWID, STRICT;
      CREATE TRIGGER ranking_inputs_candidates_insert AFTER INSERT ON candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_candidates_update AFTER UPDATE ON candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_candidates_delete AFTER DELETE ON candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_conflicts_insert AFTER INSERT ON conflicts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_conflicts_update AFTER UPDATE ON conflicts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_conflicts_delete AFTER DELETE ON conflicts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_candidates_insert AFTER INSERT ON session_candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = NEW.session_id) AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_candidates_update AFTER UPDATE ON session_candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = OLD.session_id) AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = NEW.session_id) AS e, NEW.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_candidates_delete AFTER DELETE ON session_candidates BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = OLD.session_id) AS e, OLD.nomor_peserta AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_formations_insert AFTER INSERT ON formations BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_formations_update AFTER UPDATE ON formations BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_formations_delete AFTER DELETE ON formations BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_stages_insert AFTER INSERT ON stages BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_stages_update AFTER UPDATE ON stages BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_stages_delete AFTER DELETE ON stages BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_sessions_insert AFTER INSERT ON sessions BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_sessions_update AFTER UPDATE ON sessions BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_sessions_delete AFTER DELETE ON sessions BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.exam_id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_exams_insert AFTER INSERT ON exams BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_exams_update AFTER UPDATE ON exams BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT NEW.id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_exams_delete AFTER DELETE ON exams BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT OLD.id AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_panel_insert AFTER INSERT ON session_panel BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = NEW.session_id) AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_panel_update AFTER UPDATE ON session_panel BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = OLD.session_id) AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = NEW.session_id) AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_session_panel_delete AFTER DELETE ON session_panel BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT exam_id FROM sessions WHERE id = OLD.session_id) AS e, '' AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_signoffs_update AFTER UPDATE ON signoffs BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT s.exam_id FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE f.id = OLD.finalization_id) AS e, (SELECT nomor_peserta FROM finalizations WHERE id = OLD.finalization_id) AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT e, k, (SELECT n FROM ranking_generation) FROM (SELECT (SELECT s.exam_id FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE f.id = NEW.finalization_id) AS e, (SELECT nomor_peserta FROM finalizations WHERE id = NEW.finalization_id) AS k) WHERE e IS NOT NULL AND k IS NOT NULL ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_accounts_insert AFTER INSERT ON accounts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT id, '', (SELECT n FROM ranking_generation) FROM exams WHERE true ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_accounts_update AFTER UPDATE OF nip, active ON accounts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT id, '', (SELECT n FROM ranking_generation) FROM exams WHERE true ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
      CREATE TRIGGER ranking_inputs_accounts_delete AFTER DELETE ON accounts BEGIN
        UPDATE ranking_generation SET n = n + 1;
        INSERT INTO ranking_changes (exam_id, nomor_peserta, generation) SELECT id, '', (SELECT n FROM ranking_generation) FROM exams WHERE true ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET generation = excluded.generation;
      END;
    `,
  },
  {
    version: 16,
    name: "receipts fetched by the bundle's sender, page by page, instead of riding in one acknowledgement",
    sql: `
      -- At the hub: who may fetch the receipts of a bundle's leaves. The acknowledgement gives its sender a random token;
      -- only its sha256 is kept here, so the database (or a backup of it) does not hand out candidates' salts. The
      -- leaves are the bundle's in [first_idx, last_idx], proved against the checkpoint of size checkpoint_size.
      CREATE TABLE hub_receipt_access (
        bundle_sha256   TEXT PRIMARY KEY,
        token_sha256    TEXT NOT NULL,
        exam_code       TEXT NOT NULL,
        first_idx       INTEGER NOT NULL,
        last_idx        INTEGER NOT NULL,
        leaves          INTEGER NOT NULL,
        checkpoint_size INTEGER NOT NULL,
        created_at      TEXT NOT NULL
      ) STRICT;
      -- At a workstation: the next log index whose receipt is still to fetch for a confirmed bundle (NULL: all in).
      ALTER TABLE outbox ADD COLUMN receipts_next INTEGER;
    `,
  },
  {
    version: 17,
    name: "the log's tree kept by chunks, so that a hub starts without hashing every node again",
    sql: `
      -- At the hub: each full chunk of 4,096 leaves (chunk c: leaves c*4096 ... c*4096+4095) as its tree's hashes,
      -- leaves first then each level up to the chunk's root (8,191 hashes of 32 bytes), written in the transaction
      -- that fills the chunk. A start loads them instead of reading a million rows and hashing a million nodes. A log
      -- from before this migration has none: its chunks are read from the leaves, as before, and kept at the next append.
      CREATE TABLE ledger_chunks (
        chunk  INTEGER PRIMARY KEY,
        levels BLOB NOT NULL
      ) STRICT;
      CREATE TRIGGER ledger_chunks_no_update BEFORE UPDATE ON ledger_chunks BEGIN SELECT RAISE(ABORT, 'append-only'); END;
      CREATE TRIGGER ledger_chunks_no_delete BEFORE DELETE ON ledger_chunks BEGIN SELECT RAISE(ABORT, 'append-only'); END;
    `,
  },
  {
    version: 18,
    name: "each formation's page time at the hub, so that another formation's bundle does not make its pages again",
    sql: `
      -- At the hub: the time each formation's pages show on the site (its page and its candidates'): the exam's data
      -- time when the hub first published the formation's present content (a sha256 of everything its pages show but
      -- the time). Changed only when that content changes.
      CREATE TABLE site_formation_times (
        exam_code TEXT NOT NULL,
        formation TEXT NOT NULL,
        content   TEXT NOT NULL,
        data_at   TEXT NOT NULL,
        PRIMARY KEY (exam_code, formation)
      ) STRICT;
    `,
  },
  {
    version: 19,
    name: "a workstation's exported items kept by their key alone",
    sql: `
      -- At a workstation: what the next bundle compares against, one row per exported item (790,000 at 100,000
      -- candidates). Kept by its key alone (WITHOUT ROWID), not as a table and an index of the same key: a third
      -- smaller, and its rows recorded in 1.35 s instead of 1.76 s (docs/performance.md, "The export's records").
      CREATE TABLE bundle_export_items_by_key (
        exam_id  TEXT NOT NULL REFERENCES exams(id),
        kind     TEXT NOT NULL,
        key      TEXT NOT NULL,
        digest   TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        PRIMARY KEY (exam_id, kind, key)
      ) WITHOUT ROWID, STRICT;
      INSERT INTO bundle_export_items_by_key (exam_id, kind, key, digest, sequence)
        SELECT exam_id, kind, key, digest, sequence FROM bundle_export_items ORDER BY exam_id, kind, key;
      DROP TABLE bundle_export_items;
      ALTER TABLE bundle_export_items_by_key RENAME TO bundle_export_items;
    `,
  },
  {
    version: 20,
    name: "each kept bundle's inode and change time once its bytes were verified",
    sql: `
      -- [inode, ctime in ns] as JSON (util/file-stat.ts), taken once the bundle verified as file_sha256 lies under
      -- its kept name; null when its bytes were copied unverified. While the file still has them, the site copies it
      -- without reading it back to hash it (a 3 GB bundle: seconds of one core, docs/performance.md).
      ALTER TABLE merged_bundles ADD COLUMN file_stat TEXT;
    `,
  },
  {
    version: 21,
    name: 'the exam package as imported kept beside its exam, not in its row',
    sql: `
      -- The package's JSON (24 MB at 100,000 candidates) came before imported_at, workstation_id and purged_at in the
      -- exams row. SQLite reaches a column after a long value by walking that value's overflow pages, so every command
      -- that found its exam by code (findExam reads imported_at) walked some 5,800 pages: 12 ms a command at 100,000,
      -- a check-in included. Kept in a table of its own, it is read only where it is used (an import's diff, a purge).
      CREATE TABLE exam_packages (
        exam_id      TEXT PRIMARY KEY REFERENCES exams(id),
        package_json TEXT NOT NULL
      ) STRICT;
      INSERT INTO exam_packages (exam_id, package_json) SELECT id, package_json FROM exams;
      ALTER TABLE exams DROP COLUMN package_json;
    `,
  },
  {
    version: 22,
    name: "a candidate's panel notes and amendment requests, and a session's minutes signatures, found by index",
    sql: `
      -- Each was found by walking its whole table (tests/unit/query-plans.test.ts plans every statement the registry's
      -- commands run): whether a candidate's divergence was discussed, once per candidate of a session at every look at
      -- the overview or the home page; an exam's or an item's amendment requests; and whether a panelist countersigned a
      -- session's minutes, by reading every audit event of the venue and its payload.
      CREATE INDEX panel_notes_by_candidate ON panel_notes(session_id, nomor_peserta, at);
      CREATE INDEX amendment_requests_by_candidate ON amendment_requests(exam_id, stage_code, nomor_peserta, item);
      -- Partial: only minutes signatures are in it, so the audited write of any other command pays nothing for it.
      CREATE INDEX audit_minutes_signatures ON audit_events(json_extract(payload, '$.exam'), json_extract(payload, '$.session'))
        WHERE command = 'minutes.sign' AND outcome = 'ok';
    `,
  },
  {
    version: 23,
    name: "what changed of an exam since a kept ranking or list of scores, found by index",
    sql: `
      -- The catch-up of a kept ranking, and of the kept scores (core/db/changes.ts changedSince), asked for the
      -- candidates noted after a generation by walking all of the exam's notes: one per candidate once a roster is
      -- imported, 12-27 ms at 100,000, at every catch-up (a check-in, a score). Only migration 15's triggers write
      -- the table, on changes to the roster and the exam, never on a score, a check-in or a submission.
      CREATE INDEX ranking_changes_by_generation ON ranking_changes(exam_id, generation);
    `,
  },
  {
    version: 24,
    name: "a stage's paper sheets found by index",
    sql: `
      -- The paper status and mismatches (core/scoring/paper.ts stageSheets) find the candidates with an entry of the
      -- stage among the exam's score entries, and the one index on (exam, candidate, stage) walked all of the exam's:
      -- 364,000 at 100,000 candidates, a third of the statement's 150 ms. Partial, so that only paper entries and
      -- resolutions pay for it: a panelist's score, a CAT import and an amendment only test the WHERE.
      CREATE INDEX score_entries_paper ON score_entries(exam_id, stage_code, nomor_peserta) WHERE source IN ('paper', 'resolution');
    `,
  },
  {
    version: 25,
    name: "a candidate's latest attendance is the door's: the fact recorded last",
    sql: `
      -- Migration 14 kept a candidate's latest fact by time first, as the old roster query read it. The door, the
      -- scoring, the ranking and the CAT import read the fact recorded last in the session (its seq). They differ
      -- once the workstation's clock is put back: a check-in undone after a clock correction stayed present on the
      -- candidates page while the door said pending. The order recorded is the truth: within a session its seq, over
      -- the exam's sessions (whose seqs do not compare) the order of the append-only events, which this trigger sees
      -- one by one as they are recorded, and their rowids keep.
      DROP TRIGGER attendance_latest_follow;
      CREATE TRIGGER attendance_latest_follow AFTER INSERT ON attendance_events BEGIN
        INSERT INTO attendance_session_latest (session_id, nomor_peserta, kind, at, seq) VALUES (NEW.session_id, NEW.nomor_peserta, NEW.kind, NEW.at, NEW.seq)
          ON CONFLICT (session_id, nomor_peserta) DO UPDATE SET kind = excluded.kind, at = excluded.at, seq = excluded.seq;
        INSERT INTO attendance_latest (exam_id, nomor_peserta, kind, at, seq)
          SELECT s.exam_id, NEW.nomor_peserta, NEW.kind, NEW.at, NEW.seq FROM sessions s WHERE s.id = NEW.session_id
          ON CONFLICT (exam_id, nomor_peserta) DO UPDATE SET kind = excluded.kind, at = excluded.at, seq = excluded.seq;
      END;
      DELETE FROM attendance_session_latest;
      INSERT INTO attendance_session_latest (session_id, nomor_peserta, kind, at, seq)
        SELECT session_id, nomor_peserta, kind, at, seq FROM (
          SELECT a.session_id, a.nomor_peserta, a.kind, a.at, a.seq,
                 row_number() OVER (PARTITION BY a.session_id, a.nomor_peserta ORDER BY a.seq DESC, a.rowid DESC) AS n
            FROM attendance_events a)
         WHERE n = 1;
      DELETE FROM attendance_latest;
      INSERT INTO attendance_latest (exam_id, nomor_peserta, kind, at, seq)
        SELECT exam_id, nomor_peserta, kind, at, seq FROM (
          SELECT s.exam_id, a.nomor_peserta, a.kind, a.at, a.seq,
                 row_number() OVER (PARTITION BY s.exam_id, a.nomor_peserta ORDER BY a.rowid DESC) AS n
            FROM attendance_events a JOIN sessions s ON s.id = a.session_id)
         WHERE n = 1;
    `,
  },
  {
    version: 26,
    name: "a committee token's exams: on a hub of several agencies, one agency's panitia answers only its own",
    sql: `
      -- A JSON array of exam codes, or NULL for every exam of the hub (a hub of one agency, as before).
      ALTER TABLE hub_committee ADD COLUMN exams TEXT CHECK (exams IS NULL OR json_valid(exams));
    `,
  },
  {
    version: 27,
    name: "a bundle's own token for its receipts: an acknowledgement lost on the way no longer loses them",
    sql: `
      -- The token whose sha256 the bundle's manifest names (receiptKey); NULL for bundles exported before.
      ALTER TABLE outbox ADD COLUMN receipt_token TEXT;
    `,
  },
  {
    version: 28,
    name: "the hub's order of birth dates, from the exam's package: bundles no longer carry it, and the site publishes none of it",
    sql: `
      -- The package the selection committee gave the hub for an exam (lentera hub package): its sha256, not its data.
      CREATE TABLE hub_packages (
        exam_code     TEXT PRIMARY KEY,
        sha256        TEXT NOT NULL,
        candidates    INTEGER NOT NULL,
        registered_at TEXT NOT NULL,
        actor         TEXT NOT NULL
      ) STRICT;
      -- Each candidate's place in the package's order of birth dates (bundles/facts.ts ageOrderKeys), not the date.
      CREATE TABLE hub_age_orders (
        exam_code     TEXT NOT NULL,
        nomor_peserta TEXT NOT NULL,
        age_order     TEXT NOT NULL,
        -- published anyway (every bundle's candidates give it): a bundle giving another year is not ordered by it
        birth_year    TEXT NOT NULL,
        PRIMARY KEY (exam_code, nomor_peserta)
      ) WITHOUT ROWID, STRICT;
    `,
  },
  {
    version: 29,
    name: "a candidate's score entries read from their index alone: the ranking reads every entry of the exam",
    sql: `
      -- The same first columns (every lookup by candidate, stage and item is as before), then what the ranking reads
      -- (ranking/inputs.ts settledValues), in its order: no row of the table is looked up, and no sort is made. At
      -- 100,000 candidates its 400,000 entries read in 0.78 s instead of 1.2 s.
      DROP INDEX score_entries_candidate;
      CREATE INDEX score_entries_candidate ON score_entries(exam_id, nomor_peserta, stage_code, item, at, id, units, source, slot);
    `,
  },
  {
    version: 30,
    name: "the roster files the hub took an exam's order of birth dates from, beside its package (lentera hub package --roster)",
    sql: `
      -- A JSON array of {file, sha256, candidates}, or NULL when the package's own roster was all.
      ALTER TABLE hub_packages ADD COLUMN rosters TEXT CHECK (rosters IS NULL OR json_valid(rosters));
    `,
  },
  {
    version: 31,
    name: "an audit event's tally of the scores, attendance and panel tables it follows (core/audit/tally.ts)",
    sql: `
      -- NULL for an event after which none of those tables grew, and for every event before this version. The index
      -- finds the latest tally (each gives every table) without walking the events that carry none.
      ALTER TABLE audit_events ADD COLUMN tally TEXT CHECK (tally IS NULL OR json_valid(tally));
      CREATE INDEX audit_events_tallied ON audit_events(seq) WHERE tally IS NOT NULL;
    `,
  },
];

export const LATEST_SCHEMA = migrations[migrations.length - 1]!.version;
