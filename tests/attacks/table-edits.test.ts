/**
 * The insider with the database file (the coordinator holds the passphrase): a score row added, changed or removed
 * while the workstation is closed. Before the audit chain tallied the tables it speaks for, the score, the ranking
 * and every sheet made after carried the new value and `audit verify` still said the chain was intact (found by
 * review, 2026-12-08). Now each such edit fails `audit verify` and a backup's check, and rows added are recorded at
 * the next open by an event of their own, before any command could take them into its tally.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { verifyChain } from '../../src-main/core/audit/chain';
import { TALLIED_TABLES } from '../../src-main/core/audit/tally';
import { checkBackup } from '../../src-main/core/custody/backup';
import { openWorkstation } from '../../src-main/core/workstation/workstation';
import { cli } from '../unit/cli-run';

const root = mkdtempSync(join(tmpdir(), 'lentera-table-edits-'));
/** the demo workstation as it stood closed, before any edit: each test edits its own copy */
const pristine = join(root, 'pristine');

type Row = Record<string, unknown>;

/** A copy of the closed demo workstation, as the insider finds it. */
function copyOf(name: string): string {
  const dir = join(root, name);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

/** The edit made with the workstation closed: the database opened by hand, its triggers dropped where they stand in the way. */
function edit(dir: string, change: (db: Database.Database) => void): void {
  const db = new Database(join(dir, 'lentera.db'));
  try {
    change(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The chain verified on the closed file, without opening the workstation (nothing is recorded by looking). */
function verifyClosed(dir: string) {
  const db = new Database(join(dir, 'lentera.db'), { readonly: true });
  try {
    return verifyChain(db);
  } finally {
    db.close();
  }
}

const cat = (db: Database.Database) => db.prepare("SELECT * FROM score_entries WHERE source = 'cat' ORDER BY rowid LIMIT 1").get() as Row;

beforeAll(async () => {
  const app = new LenteraApp({ dataDir: pristine, allowInit: true });
  const demo = await app.invokeAsync('workstation.demo', { candidates: 30 }, { local: 't' });
  if (!demo.ok) throw new Error(demo.error.message);
  app.close();
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the audit chain holds the records it speaks for', () => {
  it('an honest workstation: every tallied table covered by the events, the chain intact, no row found unrecorded', async () => {
    const v = verifyClosed(pristine);
    expect(v).toMatchObject({ ok: true });
    const db = new Database(join(pristine, 'lentera.db'), { readonly: true });
    const rows = Object.fromEntries(TALLIED_TABLES.map((t) => [t, db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number]));
    const tallied = db.prepare('SELECT COUNT(*) FROM audit_events WHERE tally IS NOT NULL').pluck().get() as number;
    db.close();
    // The demo records scores, attendance and a panel's work: each is in some event's tally.
    expect(rows.score_entries).toBeGreaterThan(0);
    expect(rows.attendance_events).toBeGreaterThan(0);
    expect(tallied).toBeGreaterThan(0);
    const r = await cli(['audit', 'verify', '--data', pristine]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/OUTSIDE LENTERA/);
  });

  it('a score row added while closed: verify names it; the next open records it by an event of its own; verify fails from then on', async () => {
    const dir = copyOf('added');
    let added = '';
    edit(dir, (db) => {
      const row = cat(db);
      added = `${String(row.id)}-x`;
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO score_entries (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => (c === 'id' ? added : c === 'units' ? 100 : row[c])));
    });
    const closed = verifyClosed(dir);
    expect(closed).toMatchObject({ ok: false, reason: expect.stringMatching(/^1 row\(s\) of score_entries \(from rowid \d+\) were recorded by no audit event/) });
    // A backup's check refuses it as it stands.
    copyFileSync(join(dir, 'lentera.db'), join(root, 'added.lbk'));
    expect(() => checkBackup(join(root, 'added.lbk'), undefined)).toThrow(/recorded by no audit event/);
    // Opened: recorded before anything else, naming the row; the chain holds it from now on, and says so.
    const ws = openWorkstation(dir);
    const last = ws.db.prepare('SELECT command, actor, outcome, payload, tally FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { command: string; actor: string; outcome: string; payload: string; tally: string };
    ws.close();
    expect(last).toMatchObject({ command: 'audit.unrecorded_rows', actor: 'lentera', outcome: 'refused' });
    expect(JSON.parse(last.payload)).toEqual({ tables: [{ table: 'score_entries', rows: 1, ids: [added] }] });
    expect(JSON.parse(last.tally)).toHaveProperty('score_entries');
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^audit chain intact/);
    expect(r.err).toMatch(new RegExp(`RECORDS CHANGED OUTSIDE LENTERA: event \\d+ .* found 1 row\\(s\\) of score_entries \\(${added}\\)`));
    // Opening again records nothing more: the rows are in the chain now.
    openWorkstation(dir).close();
    const again = await cli(['audit', 'verify', '--data', dir]);
    expect(again.err.match(/RECORDS CHANGED OUTSIDE LENTERA/g)).toHaveLength(1);
  });

  it('a score row changed while closed (its trigger dropped and put back): verify fails at the event that recorded it', async () => {
    const dir = copyOf('changed');
    edit(dir, (db) => {
      const row = cat(db);
      const sqlOf = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'score_entries_no_update'").pluck().get() as string;
      db.exec('DROP TRIGGER score_entries_no_update');
      db.prepare('UPDATE score_entries SET units = ? WHERE id = ?').run(Number(row.units) + 5, row.id);
      db.exec(sqlOf);
    });
    expect(verifyClosed(dir)).toMatchObject({ ok: false, reason: expect.stringMatching(/^score_entries does not hold what event \d+ recorded of it: its rows are not the ones recorded/) });
    // Opening finds nothing added (the count is unchanged) and cannot make the change good.
    openWorkstation(dir).close();
    const r = await cli(['audit', 'verify', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/audit chain BROKEN at event \d+: score_entries does not hold what event/);
  });

  it('a row removed while closed, or an attendance row added: each fails verify', () => {
    const removed = copyOf('removed');
    edit(removed, (db) => {
      const sqlOf = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'score_entries_no_delete'").pluck().get() as string;
      db.exec('DROP TRIGGER score_entries_no_delete');
      db.prepare('DELETE FROM score_entries WHERE id = ?').run(cat(db).id);
      db.exec(sqlOf);
    });
    expect(verifyClosed(removed)).toMatchObject({ ok: false, reason: expect.stringMatching(/^score_entries does not hold what event \d+ recorded of it/) });
    const attended = copyOf('attended');
    edit(attended, (db) => {
      const row = db.prepare('SELECT * FROM attendance_events ORDER BY rowid LIMIT 1').get() as Row;
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO attendance_events (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => (c === 'id' ? `${String(row.id)}-x` : row[c])));
    });
    expect(verifyClosed(attended)).toMatchObject({ ok: false, reason: expect.stringMatching(/of attendance_events .* recorded by no audit event/) });
    // Put before every other row (a rowid below the first), or between two of them (a gap made by hand): each is found.
    for (const [name, rowid] of [['before', -1], ['between', 2.5]] as const) {
      const dir = copyOf(name);
      edit(dir, (db) => {
        const row = cat(db);
        const cols = Object.keys(row);
        if (rowid === 2.5) {
          // Room made between rows 2 and 3 by moving every later row up one (the triggers dropped, then put back).
          const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'score_entries'").pluck().all() as string[];
          db.exec("DROP TRIGGER score_entries_no_update; DROP TRIGGER score_entries_no_delete");
          db.exec('UPDATE score_entries SET rowid = -rowid WHERE rowid >= 3; UPDATE score_entries SET rowid = 1 - rowid WHERE rowid < 0');
          for (const t of triggers) db.exec(t);
        }
        db.prepare(`INSERT INTO score_entries (rowid, ${cols.join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`).run(rowid === 2.5 ? 3 : rowid, ...cols.map((c) => (c === 'id' ? `${String(row.id)}-${name}` : row[c])));
      });
      expect(verifyClosed(dir), name).toMatchObject({ ok: false, reason: expect.stringMatching(/^score_entries does not hold what event \d+ recorded of it/) });
    }
  });

  it('an audited score write carries the tally of its row: the chain stays intact after honest writes', async () => {
    const dir = copyOf('honest');
    const app = new LenteraApp({ dataDir: dir });
    const before = app.workstation!.db.prepare('SELECT COUNT(*) FROM score_entries').pluck().get() as number;
    const exam = app.workstation!.db.prepare('SELECT code FROM exams').pluck().get() as string;
    const nomor = app.workstation!.db.prepare('SELECT nomor_peserta FROM candidates ORDER BY nomor_peserta LIMIT 1').pluck().get() as string;
    app.close();
    const csv = join(root, 'fix.csv');
    writeFileSync(csv, `nomor_peserta,twk,tiu,tkp\n${nomor},70,90,170\n`);
    const imported = await cli(['scores', 'import', '--data', dir, '--exam', exam, '--stage', 'SKD', csv]);
    expect(imported.code, imported.err).toBe(0);
    const db = new Database(join(dir, 'lentera.db'), { readonly: true });
    const after = db.prepare('SELECT COUNT(*) FROM score_entries').pluck().get() as number;
    const last = db.prepare("SELECT tally FROM audit_events WHERE command = 'scores.import' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    db.close();
    expect(after).toBeGreaterThan(before);
    expect(JSON.parse(last).score_entries.rows).toBe(after);
    expect(verifyClosed(dir)).toMatchObject({ ok: true });
  });
});
