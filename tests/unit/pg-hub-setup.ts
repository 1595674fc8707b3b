import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, vi } from 'vitest';
import { PgDb } from '../../src-main/core/db/pg/pg-db';

/**
 * In the PostgreSQL run of the hub's suites, every hub a test opens without naming a store (`Publisher.open(dir)`,
 * `startHub({ dir })`, a `lentera hub` command in process) keeps its state in a database of its own on the run's
 * cluster instead of DIR/hub.sqlite: the same tests, the other store. The database is named in the folder, so the
 * same folder opened again (a restart, a second connection) finds it.
 *
 * The publisher is changed as it is first imported, not imported here: a test's own mocks (a spy on the PDF parser)
 * must still reach the modules it loads.
 */
const admin = inject('pgAdminUrl');
let made = 0;

function databaseFor(dir: string): string {
  const marker = join(dir, '.hub-postgres');
  let name = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
  if (!name) {
    name = `hub_${process.pid}_${++made}`;
    const db = new PgDb(admin);
    try {
      db.exec(`CREATE DATABASE ${name}`);
    } finally {
      db.close();
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(marker, name);
  }
  return admin.replace('/postgres?', `/${name}?`);
}

vi.mock('../../src-main/core/publish/publisher', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src-main/core/publish/publisher')>();
  const open = m.Publisher.open.bind(m.Publisher);
  m.Publisher.open = (dir: string, opts: { db?: string } = {}) => open(dir, opts.db !== undefined ? opts : { db: databaseFor(dir) });
  return m;
});
