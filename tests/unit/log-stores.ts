import { join } from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../src-main/core/db/open';
import { openPgStore } from '../../src-main/core/db/pg/schema';
import { startPgCluster, type PgCluster } from './pg-cluster';

/**
 * The hub's two stores, for a suite that runs on both: the embedded SQLite file and PostgreSQL (a throwaway cluster
 * per test file, a new database per test). `open` gives a store for a data folder; `connect` another connection to
 * the same one, as a second hub process would have.
 */
export interface LogStore {
  name: 'SQLite' | 'PostgreSQL';
  open(dir: string): Db;
  connect(dir: string): Db;
}

const sqlite: LogStore = {
  name: 'SQLite',
  open: (dir) => connectSqlite(dir, true),
  connect: (dir) => connectSqlite(dir, false),
};

function connectSqlite(dir: string, create: boolean): Db {
  const db = openDatabase(join(dir, 'hub.db'), { create });
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}

/** Both stores; the PostgreSQL cluster is started before the file's tests and stopped after them. */
export function logStores(): LogStore[] {
  let cluster: PgCluster | null = null;
  let databases = 0;
  const urls = new Map<string, string>();
  beforeAll(() => {
    cluster = startPgCluster();
  });
  afterAll(() => {
    cluster?.stop();
  });
  const connectPg = (dir: string, create: boolean): Db => {
    let url = urls.get(dir);
    if (!url) {
      if (!create) throw new Error(`No database was made for ${dir}.`);
      url = cluster!.createDatabase(`hub_${++databases}`);
      urls.set(dir, url);
    }
    const db = openPgStore(url);
    onTestFinished(() => {
      db.close();
    });
    return db.asDb();
  };
  const pg: LogStore = { name: 'PostgreSQL', open: (dir) => connectPg(dir, true), connect: (dir) => connectPg(dir, false) };
  return [sqlite, pg];
}
