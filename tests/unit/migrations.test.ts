import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations, LATEST_SCHEMA, type Migration } from '../../src-main/core/db/migrations';
import { APPLICATION_ID, BUSY_TIMEOUT_MS, openDatabase } from '../../src-main/core/db/open';
import { tempDir } from './helpers';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('migrations', () => {
  it('creates a fresh database at the latest schema with the right pragmas and STRICT tables', () => {
    const file = join(tempDir(), 'lentera.db');
    const db = openDatabase(file, { create: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(3);
    // The roster's search index (migration 14) is an FTS5 virtual table: it and the tables FTS5 keeps for it are
    // SQLite's own, and the only tables that are not STRICT.
    const fts = tables.filter((t) => t.name === 'candidates_search' || t.name.startsWith('candidates_search_'));
    expect(fts.map((t) => t.name).sort()).toEqual(['candidates_search', 'candidates_search_config', 'candidates_search_data', 'candidates_search_idx']);
    expect(fts.find((t) => t.name === 'candidates_search')!.sql).toMatch(/^CREATE VIRTUAL TABLE candidates_search USING fts5\(/);
    for (const t of tables) if (!fts.includes(t)) expect(t.sql, t.name).toMatch(/STRICT$/);
    db.close();
  });

  it('refuses to create a database unless asked to', () => {
    const dir = tempDir();
    expect(() => openDatabase(join(dir, 'lentera.db'))).toThrow(/No Lentera database/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('upgrades an older database in one step, after copying it aside', () => {
    const file = join(tempDir(), 'lentera.db');
    openDatabase(file, { create: true }).close();
    const v2: Migration[] = [
      ...migrations,
      { version: LATEST_SCHEMA + 1, name: 'add a column', sql: 'ALTER TABLE settings ADD COLUMN note TEXT;' },
    ];
    const backups: string[] = [];
    const db = openDatabase(file, { migrations: v2, onBackup: (p) => backups.push(p) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA + 1);
    expect((db.prepare('PRAGMA table_info(settings)').all() as { name: string }[]).map((c) => c.name)).toContain('note');
    db.close();
    expect(backups).toHaveLength(1);
    const old = new Database(backups[0]!, { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    old.close();
  });

  it('rolls a failing migration back entirely: the database stays at its old version', () => {
    const file = join(tempDir(), 'lentera.db');
    openDatabase(file, { create: true }).close();
    const broken: Migration[] = [
      ...migrations,
      { version: LATEST_SCHEMA + 1, name: 'half good', sql: 'CREATE TABLE extra (a TEXT) STRICT; THIS IS NOT SQL;' },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer Lentera and leaves it byte-for-byte untouched', () => {
    const dir = tempDir();
    const file = join(dir, 'lentera.db');
    const db = openDatabase(file, { create: true });
    db.pragma('journal_mode = DELETE');
    db.pragma(`user_version = ${LATEST_SCHEMA + 5}`);
    db.close();
    const before = sha(file);
    const listing = readdirSync(dir).sort();
    expect(() => openDatabase(file)).toThrow(`newer Lentera (schema ${LATEST_SCHEMA + 5}; this version understands up to ${LATEST_SCHEMA})`);
    expect(sha(file)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(listing);
    expect(existsSync(file + '-wal')).toBe(false);
  });

  it('refuses an SQLite file that is not ours', () => {
    const file = join(tempDir(), 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE t (a)');
    other.pragma('user_version = 3');
    other.close();
    expect(() => openDatabase(file)).toThrow(/not a Lentera database/);
  });
});
