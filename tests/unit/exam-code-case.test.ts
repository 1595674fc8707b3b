/**
 * Two exam codes that differ only in letter case would share one folder of the site on a case-insensitive disk, so
 * the hub refuses the second (merge.ts checkExam). Both stores must agree on which codes clash: PostgreSQL lowered
 * the code given under the database's default collation, which on a cluster not made with --locale C lowers "É"
 * too, and took "ÉTUDE-2026" for "étude-2026" where SQLite did not (found by review). The site's folders tell those
 * two apart (slug escapes every letter beyond ASCII), so only ASCII case clashes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { examsAlike } from '../../src-main/core/bundles/merge';
import type { Db } from '../../src-main/core/db/open';
import { openPgStore } from '../../src-main/core/db/pg/schema';
import { slug } from '../../src-main/core/publish/paths';
import { Publisher } from '../../src-main/core/publish/publisher';
import { havePostgres, startPgCluster, type PgCluster } from './pg-cluster';

const root = mkdtempSync(join(tmpdir(), 'lentera-exam-case-'));
let cluster: PgCluster | undefined;

beforeAll(() => {
  // Not C: a managed server's or a distribution's default.
  if (havePostgres) cluster = startPgCluster('C.UTF-8');
}, 120_000);

afterAll(() => {
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

function alike(db: Db): Record<string, string[]> {
  for (const code of ['étude-2026', 'Ujian-A']) db.prepare("INSERT INTO merged_exams (exam_code, exam, ruleset_sha256, ruleset_json) VALUES (?, '{}', 'x', '{}')").run(code);
  return Object.fromEntries(['ÉTUDE-2026', 'étude-2026', 'UJIAN-a', 'ujian-b'].map((code) => [code, examsAlike(db, code).map((e) => e.code)]));
}

const EXPECTED = { 'ÉTUDE-2026': [], 'étude-2026': ['étude-2026'], 'UJIAN-a': ['Ujian-A'], 'ujian-b': [] };

it('finds the same codes alike as the site folders do, on SQLite', () => {
  const p = Publisher.open(join(root, 'hub'));
  try {
    expect(alike(p.db)).toEqual(EXPECTED);
    // What the clash is about: the folders of the two codes it lets through differ, on any disk.
    expect(slug('ÉTUDE-2026').toLowerCase()).not.toBe(slug('étude-2026').toLowerCase());
  } finally {
    p.close();
  }
});

it.skipIf(!havePostgres)('finds the same codes alike on PostgreSQL, on a cluster whose default collation is not C', () => {
  const pg = openPgStore(cluster!.createDatabase('hub'));
  try {
    expect(alike(pg.asDb())).toEqual(EXPECTED);
  } finally {
    pg.close();
  }
}, 60_000);
