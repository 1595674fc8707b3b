import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointAside } from '../../src-main/core/db/checkpoint-aside';
import { demoPackage } from '../../src-main/core/demo/generate';
import { HubVenue } from './hub-venue';

/**
 * Issue 16: a hub's ingest leaves its WAL to be copied back into the database file on another thread (the commit is
 * durable once the WAL is flushed). The copy must happen, beside a writer, and a crash before it loses nothing.
 */

const dir = mkdtempSync(join(tmpdir(), 'lentera-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 3000;
const ROW = 'x'.repeat(2000);

/** A WAL database whose last transaction (ROWS rows of 2 KB, about 1,500 pages) was not checkpointed. */
function bigUncheckpointed(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const put = db.prepare('INSERT INTO t (n, body) VALUES (?, ?)');
  db.transaction(() => {
    for (let n = 0; n < ROWS; n++) put.run(n, ROW);
  })();
  return db;
}

describe('the WAL checkpointed on another thread', () => {
  it('copies a large commit back into the database file, which the commit itself did not', async () => {
    const file = join(dir, 'a.sqlite');
    const db = bigUncheckpointed(file);
    // The commit left its pages in the WAL only.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(ROWS * 2000);
    expect(statSync(file).size).toBeLessThan(ROWS * 1000);
    const aside = new CheckpointAside(file);
    aside.request();
    await aside.settled();
    expect(aside.runs).toBe(1);
    expect(aside.last!.busy).toBe(0);
    expect(aside.last!.log).toBeGreaterThan(1000);
    expect(aside.last!.checkpointed).toBe(aside.last!.log);
    expect(statSync(file).size).toBeGreaterThan(ROWS * 2000);
    db.close();
    const again = new Database(file, { readonly: true });
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(ROWS);
    again.close();
  });

  it('runs beside a writer: neither waits for the other to fail, and every row is kept', async () => {
    const file = join(dir, 'b.sqlite');
    const db = bigUncheckpointed(file);
    const aside = new CheckpointAside(file);
    aside.request();
    // Requests while one runs are folded into one more run after it.
    aside.request();
    aside.request();
    const put = db.prepare('INSERT INTO t (n, body) VALUES (?, ?)');
    for (let n = ROWS; n < ROWS + 200; n++) put.run(n, ROW);
    await aside.settled();
    expect(aside.runs).toBe(2);
    expect(aside.last!.busy).toBe(0);
    expect(aside.last!.checkpointed).toBe(aside.last!.log);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(ROWS + 200);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('a database that is not there: no answer, no throw, and the next request still runs', async () => {
    const aside = new CheckpointAside(join(dir, 'missing', 'x.sqlite'));
    aside.request();
    await aside.settled();
    expect(aside.last).toBeNull();
    const file = join(dir, 'c.sqlite');
    bigUncheckpointed(file).close();
    const later = new CheckpointAside(file);
    later.request();
    await later.settled();
    expect(later.runs).toBe(1);
  });

  it('closed: waits for a checkpoint under way, starts none after, and the folder can then go', async () => {
    const sub = join(dir, 'closing');
    mkdirSync(sub);
    const file = join(sub, 'e.sqlite');
    const db = bigUncheckpointed(file);
    const aside = new CheckpointAside(file);
    aside.request();
    // Whether its thread had begun or not, nothing of it runs once close() returns.
    await new Promise((r) => setTimeout(r, 40));
    aside.close();
    db.close();
    rmSync(sub, { recursive: true });
    aside.request();
    await aside.settled();
    expect(existsSync(sub)).toBe(false);
    expect(aside.runs).toBeLessThanOrEqual(1);
    const after = aside.runs;
    aside.request();
    await aside.settled();
    expect(aside.runs).toBe(after);
  });

  it('a process killed (SIGKILL) right after its commit, its checkpoint asked for, loses no committed row', () => {
    const file = join(dir, 'd.sqlite');
    const script = join(dir, 'kill.mts');
    writeFileSync(
      script,
      `import Database from ${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))};
import { CheckpointAside } from ${JSON.stringify(resolve('src-main/core/db/checkpoint-aside.ts'))};
const db = new Database(${JSON.stringify(file)});
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
const put = db.prepare('INSERT INTO t (n, body) VALUES (?, ?)');
db.transaction(() => { for (let n = 0; n < ${ROWS}; n++) put.run(n, ${JSON.stringify(ROW)}); })();
new CheckpointAside(${JSON.stringify(file)}).request();
setTimeout(() => process.kill(process.pid, 'SIGKILL'), ${5});
`,
    );
    let killed = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: resolve('.'), stdio: 'pipe' });
    } catch (e) {
      killed = (e as { signal?: string }).signal ?? String((e as { stderr?: Buffer }).stderr);
    }
    expect(killed).toBe('SIGKILL');
    const db = new Database(file);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(ROWS);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it("a hub's ingest leaves SQLite's own checkpoints on for its other writes, and its WAL copied back afterwards", async () => {
    const pkg = demoPackage(120);
    const venue = await HubVenue.open(join(dir, 'hub'), [pkg], '2026-11-30T06:00:00.000Z');
    try {
      const hub = venue.hub;
      const ack = await venue.publishSession(pkg, 'SKD-1', '2026-11-30T06:00:00.000Z');
      expect(ack.unchanged).toBe(false);
      expect(hub.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await hub.checkpoints!.settled();
      expect(hub.checkpoints!.runs).toBe(1);
      expect(hub.checkpoints!.last!.checkpointed).toBe(hub.checkpoints!.last!.log);
      // A refused upload: the same, and nothing asked of the other thread before anything was written.
      const junk = join(dir, 'junk.lentera');
      writeFileSync(junk, 'not a bundle');
      await expect(hub.ingest(junk, '2026-11-30T07:00:00.000Z', 'test')).rejects.toThrow();
      expect(hub.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await hub.checkpoints!.settled();
      expect(hub.checkpoints!.runs).toBe(1);
    } finally {
      venue.close();
    }
  }, 120_000);
});
