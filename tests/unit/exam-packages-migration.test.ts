import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations, LATEST_SCHEMA } from '../../src-main/core/db/migrations';
import { openDatabase } from '../../src-main/core/db/open';
import { findExam } from '../../src-main/core/exams/exams';
import { insertBareExam, tempDir } from './helpers';

/**
 * Migration 21: the exam package's JSON moved out of the exams row into exam_packages, so that reading an exam's
 * imported_at or purged_at no longer walks the package's overflow pages (12 ms a command at 100,000 candidates).
 */
const columns = (db: ReturnType<typeof openDatabase>) => db.prepare("SELECT name FROM pragma_table_info('exams') ORDER BY cid").pluck().all() as string[];

describe('migration 21: exam packages beside their exams', () => {
  it("keeps every exam's package, byte for byte, and every other column of its row", () => {
    const file = join(tempDir(), 'ws.db');
    const v20 = openDatabase(file, { create: true, migrations: migrations.filter((m) => m.version <= 20) });
    insertBareExam(v20, 'exam-1', 'CPNS-X-2026');
    insertBareExam(v20, 'exam-2', 'CPNS-Y-2026');
    // A package of some megabytes, as a roster of tens of thousands makes, with text that is not ASCII.
    const big = JSON.stringify({ roster: Array.from({ length: 20_000 }, (_, i) => ({ nomor_peserta: String(i).padStart(12, '0'), nama: `Sri Rahayu ${i} — Ngesrep` })) });
    v20.prepare('UPDATE exams SET package_json = ? WHERE id = ?').run(big, 'exam-1');
    v20.prepare("UPDATE exams SET purged_at = '2027-01-05T03:00:00.000Z' WHERE id = 'exam-2'").run();
    const before = v20.prepare('SELECT id, code, name, agency, year, ruleset, package_sha256, imported_at, workstation_id, purged_at FROM exams ORDER BY id').all();
    const packages = v20.prepare('SELECT id AS exam_id, package_json FROM exams ORDER BY id').all();
    expect(columns(v20)).toContain('package_json');
    v20.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    expect(columns(db)).not.toContain('package_json');
    expect(db.prepare('SELECT id, code, name, agency, year, ruleset, package_sha256, imported_at, workstation_id, purged_at FROM exams ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT exam_id, package_json FROM exam_packages ORDER BY exam_id').all()).toEqual(packages);
    expect(db.prepare("SELECT package_json FROM exam_packages WHERE exam_id = 'exam-1'").pluck().get()).toBe(big);
    expect(findExam(db, 'CPNS-X-2026')?.id).toBe('exam-1');
    // A package of no exam is refused, as a row of any other table of an exam is.
    expect(() => db.prepare("INSERT INTO exam_packages (exam_id, package_json) VALUES ('exam-9', '{}')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('is the schema of a new workstation too', () => {
    const db = openDatabase(join(tempDir(), 'fresh.db'), { create: true });
    expect(columns(db)).toEqual(['id', 'code', 'name', 'agency', 'year', 'ruleset', 'package_sha256', 'imported_at', 'workstation_id', 'purged_at']);
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'exam_packages'").pluck().get()).toMatch(/exam_id\s+TEXT PRIMARY KEY REFERENCES exams\(id\)/);
    db.close();
  });
});
