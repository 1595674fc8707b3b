// Writes one scheduled backup off the thread that serves the venue: `VACUUM INTO` of a 100k-candidate workstation
// takes seconds, which the main thread would spend answering nobody. Its own read-only connection (WAL: the venue
// goes on writing), keyed like the workstation's; it changes nothing in the database.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, keyConnection } from '../db/open';
import { isLenteraError } from '../util/errors';
import { backupInto, type BackupInfo } from './backup';

export interface BackupJob {
  dataDir: string;
  database: string;
  nativeBinding?: string;
  /** the data key of an encrypted workstation (a copy: messages between threads are copied) */
  key?: Uint8Array;
  target: string;
  at: string;
  workstationId: string;
  keep: number;
}

export type BackupMessage = { type: 'done'; info: BackupInfo } | { type: 'failed'; code: string; message: string };

const job = workerData as BackupJob;
const key = job.key ? Buffer.from(job.key) : undefined;
let message: BackupMessage;
try {
  const db = new Database(job.database, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, nativeBinding: job.nativeBinding });
  try {
    if (key) keyConnection(db, key);
    message = { type: 'done', info: backupInto(db, job.dataDir, job.target, { ...(key ? { key } : {}), at: job.at, workstationId: job.workstationId, keep: job.keep }) };
  } finally {
    db.close();
  }
} catch (e) {
  message = { type: 'failed', code: isLenteraError(e) ? e.code : 'BACKUP_FAILED', message: (e as Error).message };
} finally {
  key?.fill(0);
}
parentPort!.postMessage(message);
