// Run by tests/attacks/temp-files.test.ts in a process of its own, because SQLite reads SQLITE_TMPDIR once, when it
// first needs a temporary file (and this build omits the deprecated `PRAGMA temp_store_directory`).
//   node --import tsx temp-files-child.ts DATA_DIR as-built|files     (env: SQLITE_TMPDIR, LENTERA_TEST_DATA_KEY)
// Opens the encrypted workstation DATA_DIR as Lentera does, makes it big enough that SQLite's work outgrows its page
// cache, then runs a large sort, an index build and the purge's compaction, watching SQLITE_TMPDIR (inotify sees a
// file created even though SQLite unlinks it at once). `files` sets temp_store = FILE first: the control, which shows
// that this work does reach SQLite's temporary files when they are not kept in memory. Prints, as JSON, the names
// created during each step.
import { watch } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { compactDatabase } from '../../src-main/core/exams/purge';
import { openWorkstation } from '../../src-main/core/workstation/workstation';

const [dataDir, mode] = process.argv.slice(2) as [string, 'as-built' | 'files'];
const tmp = process.env.SQLITE_TMPDIR!;
const key = Buffer.from(process.env.LENTERA_TEST_DATA_KEY!, 'hex');

let seen = new Set<string>();
const watcher = watch(tmp, (_event, name) => {
  if (name) seen.add(String(name));
});
const steps: Record<string, string[]> = {};
/** The names created during `work`: its events are delivered once it returns and the loop turns. */
async function step(name: string, work: () => void): Promise<void> {
  seen = new Set();
  work();
  await sleep(200);
  steps[name] = [...seen];
}

const ws = openWorkstation(dataDir, { key });
const db = ws.db;
if (mode === 'files') db.pragma('temp_store = FILE');
const tempStore = db.pragma('temp_store', { simple: true }) as number;
// No flush to wait for (the disk is shared with other tests): where temporary pages go does not depend on it.
db.pragma('synchronous = OFF');
// The candidates' rows, each many times over with some padding: 16,000 rows, about 25 MB, past the 16 MB page cache
// (the audit's 20,000-candidate workstation spilled its whole VACUUM, 55 MB, to a plain temporary file).
const ROWS = 16_000;
let rows = 0;
await step('fill', () => {
  const copies = Math.ceil(ROWS / (db.prepare('SELECT count(*) FROM candidates').pluck().get() as number));
  db.exec(`CREATE TABLE spill AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${copies})
           SELECT c.nik, c.nama, c.tanggal_lahir, n.i, randomblob(1500) AS pad FROM candidates c, n LIMIT ${ROWS}`);
  rows = db.prepare('SELECT count(*) FROM spill').pluck().get() as number;
});
let sorted = 0;
await step('sort', () => {
  for (const _ of db.prepare('SELECT nama, nik, tanggal_lahir, pad FROM spill ORDER BY tanggal_lahir, nama, i DESC').iterate()) sorted++;
});
await step('index', () => db.exec('CREATE INDEX spill_by_name ON spill (nama, nik, pad)'));
let compacted: unknown;
await step('compact', () => {
  compacted = compactDatabase(db);
});
ws.close();
await step('close', () => {});
watcher.close();
process.stdout.write(JSON.stringify({ tempStore, rows, sorted, compacted, steps }));
