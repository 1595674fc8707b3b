import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations, LATEST_SCHEMA } from '../../src-main/core/db/migrations';
import { openDatabase } from '../../src-main/core/db/open';
import { insertBareExam, tempDir } from './helpers';

/**
 * Migration 19: a workstation's exported items (what the next bundle compares against) kept by their key alone
 * (WITHOUT ROWID). A workstation that has exported keeps every row, and the export's upsert still finds them.
 */
const rows = (db: ReturnType<typeof openDatabase>) => db.prepare('SELECT exam_id, kind, key, digest, sequence FROM bundle_export_items ORDER BY exam_id, kind, key').all();

describe('migration 19: bundle_export_items by its key alone', () => {
  it('keeps every exported item of a workstation that has exported, and the next export updates them in place', () => {
    const file = join(tempDir(), 'ws.db');
    const v18 = openDatabase(file, { create: true, migrations: migrations.filter((m) => m.version <= 18) });
    insertBareExam(v18, 'exam-1', 'CPNS-X-2026');
    insertBareExam(v18, 'exam-2', 'CPNS-Y-2026');
    const insert = v18.prepare('INSERT INTO bundle_export_items (exam_id, kind, key, digest, sequence) VALUES (?, ?, ?, ?, ?)');
    // Inserted out of key order, across exams and kinds, a key that is also another kind's.
    const items: [string, string, string, string, number][] = [];
    for (let i = 0; i < 300; i++) items.push([i % 2 ? 'exam-1' : 'exam-2', ['score_entry', 'candidate', 'pdf'][i % 3]!, `k${(i * 37) % 100}`, `${i}`.padStart(64, 'a'), 1 + (i % 4)]);
    const unique = new Map(items.map((r) => [`${r[0]}|${r[1]}|${r[2]}`, r]));
    for (const r of unique.values()) insert.run(...r);
    const before = rows(v18);
    expect(before.length).toBe(unique.size);
    expect(v18.prepare('SELECT count(*) FROM bundle_export_items WHERE rowid > 0').pluck().get()).toBe(unique.size);
    v18.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    expect(LATEST_SCHEMA).toBeGreaterThanOrEqual(19);
    expect(rows(db)).toEqual(before);
    // No rowid any more: the rows are the key's b-tree.
    expect(() => db.prepare('SELECT rowid FROM bundle_export_items').all()).toThrow(/no such column: rowid/);
    // The export's upsert (export.ts EXPORTED_INSERT) updates a key in place and adds a new one.
    const upsert = db.prepare('INSERT INTO bundle_export_items (exam_id, kind, key, digest, sequence) VALUES (?, ?, ?, ?, ?) ON CONFLICT (exam_id, kind, key) DO UPDATE SET digest = excluded.digest, sequence = excluded.sequence');
    upsert.run('exam-1', 'candidate', 'k37', 'b'.repeat(64), 9);
    upsert.run('exam-1', 'candidate', 'new', 'c'.repeat(64), 9);
    expect(db.prepare("SELECT digest, sequence FROM bundle_export_items WHERE exam_id = 'exam-1' AND kind = 'candidate' AND key IN ('k37', 'new') ORDER BY key").all()).toEqual([
      { digest: 'b'.repeat(64), sequence: 9 },
      { digest: 'c'.repeat(64), sequence: 9 },
    ]);
    expect(rows(db).length).toBe(unique.size + (unique.has('exam-1|candidate|k37') ? 1 : 2));
    // A row for an exam that does not exist is refused, as before.
    expect(() => upsert.run('exam-9', 'candidate', 'x', 'd'.repeat(64), 1)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('is the table of a new workstation too', () => {
    const db = openDatabase(join(tempDir(), 'fresh.db'), { create: true });
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'bundle_export_items'").pluck().get()).toMatch(/WITHOUT ROWID, STRICT$/);
    db.close();
  });
});
