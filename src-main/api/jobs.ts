import { Worker } from 'node:worker_threads';
import { newId } from '../core/util/ids';
import { workerEntry } from '../core/util/worker-entry';
import { LenteraError } from '../core/util/errors';
import type { EventBus } from './events';

export interface JobState {
  id: string;
  kind: 'sheets';
  exam: string;
  outDir: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  /** sheets signed now (new, or a new version beside a changed one) */
  written?: number;
  /** sheets whose signed file already said the same: left as they were */
  unchanged?: number;
  /** of the sheets written, those that are a new version beside a signed sheet whose result changed */
  versions?: number;
  minutes?: number;
  minutesUnchanged?: number;
  error?: { code: string; message: string };
  startedAt: string;
}

/**
 * A failure no Lentera refusal explains (a file system's, a bug's): its text may name paths or data, and a job's
 * state goes out on the live event stream, which any device of the venue LAN may follow. The text stays in the log,
 * under a reference the state gives, as the registry does for a command (found by review, 2026-12-07).
 */
function internal(thrown: unknown): { code: string; message: string } {
  const ref = newId().slice(-12);
  console.error(`[lentera] signing job failed (ref ${ref}):`, thrown);
  return { code: 'INTERNAL', message: `Something went wrong in the signing job; what was signed before it stays signed. Tell the coordinator the reference ${ref} (it is in the workstation's log).` };
}

/** Background jobs of this process, with their progress published as live events. */
export class Jobs {
  private readonly jobs = new Map<string, { state: JobState; worker: Worker }>();

  constructor(private readonly events: EventBus) {}

  /**
   * Starts a signing job in a worker thread, which records its own signatures in the audit chain (`actor` is who
   * asked). One job at a time per folder: two would race for the same new versions' names.
   */
  startSheets(data: { dataDir: string; nativeBinding?: string; dataKey?: Uint8Array; examId: string; exam: string; session?: string; only?: string[]; accountId: string; passphrase: string; outDir: string; actor: string }): JobState {
    if ([...this.jobs.values()].some((j) => j.state.state === 'running' && j.state.outDir === data.outDir)) {
      throw new LenteraError('JOB_RUNNING', `A signing job for ${data.exam} is already running; wait for it to finish, or cancel it.`, { exam: data.exam });
    }
    const url = workerEntry(import.meta.url, '../core/sheets/worker-dev.mjs', './sheets-worker.js');
    const id = newId();
    const { exam, ...workerData } = data;
    const worker = new Worker(url, { workerData, execArgv: [] });
    const state: JobState = { id, kind: 'sheets', exam, outDir: data.outDir, state: 'running', done: 0, total: 0, startedAt: new Date().toISOString() };
    this.jobs.set(id, { state, worker });
    // The event stream is public (notifications only): no paths, no passphrases, just progress.
    const publish = () => {
      const { outDir: _outDir, ...visible } = state;
      this.events.publish({ type: 'jobs.progress', data: visible });
    };
    worker.on('message', (m: { type: string; done?: number; total?: number; written?: number; unchanged?: number; versions?: number; minutes?: number; minutesUnchanged?: number; cancelled?: boolean; code?: string; message?: string }) => {
      if (m.type === 'progress') Object.assign(state, { done: m.done, total: m.total });
      if (m.type === 'done') Object.assign(state, { state: m.cancelled ? 'cancelled' : 'done', written: m.written, unchanged: m.unchanged, versions: m.versions, minutes: m.minutes, minutesUnchanged: m.minutesUnchanged });
      if (m.type === 'failed') Object.assign(state, { state: 'failed', error: m.code === 'INTERNAL' ? internal(m.message) : { code: m.code!, message: m.message! } });
      publish();
    });
    worker.on('error', (e) => {
      Object.assign(state, { state: 'failed', error: internal(e) });
      publish();
    });
    worker.on('exit', () => {
      if (state.state === 'running') {
        state.state = 'cancelled';
        publish();
      }
    });
    return state;
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id)?.state;
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => j.state);
  }

  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j || j.state.state !== 'running') return false;
    j.worker.postMessage({ type: 'cancel' });
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.worker.terminate()));
  }
}
