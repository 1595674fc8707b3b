import { Worker } from 'node:worker_threads';
import type { BackupJob, BackupMessage } from '../core/custody/backup-worker';
import { workerEntry } from '../core/util/worker-entry';
import { databasePath } from '../core/workstation/workstation';
import type { Workstation } from '../core/workstation/workstation';
import { getSetting } from '../core/workstation/settings';
import { systemClock, type Clock } from '../core/util/clock';
import type { EventBus } from './events';

/** Settings (settings.set, coordinator) that say where and how often backups are written. */
export const BACKUP_FOLDER = 'backup.folder';
export const BACKUP_INTERVAL = 'backup.interval_minutes';
export const BACKUP_KEEP = 'backup.keep';
export const BACKUP_DEFAULTS = { intervalMinutes: 5, keep: 24 } as const;

/** Events after which a backup is written at once (a finalization: results a panel can no longer change). */
const AFTER = new Set(['panel.finalized']);

export interface BackupStatus {
  /** the folder chosen for backups, or null when none is set */
  folder: string | null;
  intervalMinutes: number;
  last: { at: string; file: string; seq: number; bytes: number; encrypted: boolean } | null;
  lastError: { at: string; code: string; message: string } | null;
  /** no good backup for more than twice the interval (or none at all while a folder is set) */
  stale: boolean;
}

function positive(v: string | null, fallback: number): number {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Writes a backup every `backup.interval_minutes` (default 5) and after every finalization into `backup.folder`,
 * while a long-running door (serve, the desktop) has the workstation open. One at a time; a failure (the USB stick
 * pulled out) is kept for the status bar, and the earlier backups stay as they were.
 */
export class BackupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<BackupStatus['last']> | undefined;
  private next: Promise<BackupStatus['last']> | undefined;
  private last: BackupStatus['last'] = null;
  private lastError: BackupStatus['lastError'] = null;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: { workstation: () => Workstation | undefined; events: EventBus; clock?: Clock; nativeBinding?: string }) {}

  private get clock(): Clock {
    return this.deps.clock ?? systemClock;
  }

  start(tickMs = 30_000): void {
    this.timer ??= setInterval(() => {
      if (this.due()) void this.runNow();
    }, tickMs);
    this.timer.unref();
    this.unsubscribe ??= this.deps.events.subscribe((e) => {
      if (AFTER.has(e.type)) void this.runNow();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private settings(): { folder: string | null; intervalMinutes: number; keep: number } {
    const db = this.deps.workstation()?.db;
    if (!db) return { folder: null, intervalMinutes: BACKUP_DEFAULTS.intervalMinutes, keep: BACKUP_DEFAULTS.keep };
    return {
      folder: getSetting(db, BACKUP_FOLDER),
      intervalMinutes: positive(getSetting(db, BACKUP_INTERVAL), BACKUP_DEFAULTS.intervalMinutes),
      keep: positive(getSetting(db, BACKUP_KEEP), BACKUP_DEFAULTS.keep),
    };
  }

  private due(): boolean {
    const s = this.settings();
    if (!s.folder) return false;
    const since = Date.parse(this.lastError && (!this.last || this.lastError.at > this.last.at) ? this.lastError.at : (this.last?.at ?? '1970-01-01T00:00:00Z'));
    return this.clock.now().getTime() - since >= s.intervalMinutes * 60_000;
  }

  /**
   * Writes a backup now, on a worker thread with its own connection (or, when one is being written, once more right
   * after it). Never rejects: the outcome is in `status()`.
   */
  runNow(): Promise<BackupStatus['last']> {
    // A request during a round gets the round after it: its backup is taken after the request, never before.
    if (this.running) {
      this.next ??= this.running.then(() => {
        this.next = undefined;
        return this.runNow();
      });
      return this.next;
    }
    this.running = this.round()
      .catch((e: unknown) => {
        // A round never throws (a closed database, a thread that could not start): said in the status instead.
        this.lastError = { at: this.clock.now().toISOString(), code: 'BACKUP_FAILED', message: (e as Error).message };
        return this.last;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<BackupStatus['last']> {
    const ws = this.deps.workstation();
    const s = this.settings();
    if (!ws || !s.folder) return null;
    const at = this.clock.now().toISOString();
    const job: BackupJob = { dataDir: ws.dir, database: databasePath(ws.dir), target: s.folder, at, workstationId: ws.id, keep: s.keep, ...(ws.key ? { key: Uint8Array.from(ws.key) } : {}), ...(this.deps.nativeBinding ? { nativeBinding: this.deps.nativeBinding } : {}) };
    let m: BackupMessage;
    try {
      m = await new Promise<BackupMessage>((resolve, reject) => {
        const worker = new Worker(workerEntry(import.meta.url, '../core/custody/backup-worker-dev.mjs', './backup-worker.js'), { workerData: job, execArgv: [] });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the backup thread stopped (${code})`)));
      });
    } catch (e) {
      m = { type: 'failed', code: 'BACKUP_FAILED', message: (e as Error).message };
    }
    if (m.type === 'done') {
      this.last = { at, file: m.info.file, seq: m.info.head.seq, bytes: m.info.bytes, encrypted: m.info.encrypted };
      this.lastError = null;
    } else {
      this.lastError = { at, code: m.code, message: m.message };
    }
    this.deps.events.publish({ type: 'backup.changed', data: { ok: m.type === 'done' } });
    return this.last;
  }

  status(): BackupStatus {
    const s = this.settings();
    const lastAt = this.last ? Date.parse(this.last.at) : null;
    const stale = s.folder !== null && (lastAt === null ? this.lastError !== null : this.clock.now().getTime() - lastAt > 2 * s.intervalMinutes * 60_000);
    return { folder: s.folder, intervalMinutes: s.intervalMinutes, last: this.last, lastError: this.lastError, stale };
  }
}
