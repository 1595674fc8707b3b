import { Worker } from 'node:worker_threads';
import { rankingAnswer, rankingFile, type RankingAnswer, type RankingFormat } from '../core/ranking/answer';
import type { RankerReply, RankerRequest, RankerSetup } from '../core/ranking/ranker-protocol';
import { scoresAnswer, type ScoresPage, type ScoresQuery, type ScoresViewer } from '../core/scoring/scores-page';
import { LenteraError } from '../core/util/errors';
import { workerEntry } from '../core/util/worker-entry';
import { databasePath, type Workstation } from '../core/workstation/workstation';
import type { EventBus } from './events';

/** What commands may ask of the ranker (CommandContext.ranker). */
export interface RankerControl {
  answer(exam: string, formation?: string): Promise<RankingAnswer>;
  file(exam: string, formation: string | undefined, format: RankingFormat): Promise<{ name: string; bytes: Buffer }>;
  /** print.ranking's PDF, printed at `at` */
  print(exam: string, formation: string, at: Date): Promise<{ name: string; bytes: Buffer }>;
  /** print.scoringForms' PDF, printed at `at` */
  forms(exam: string, session: string, at: Date): Promise<{ name: string; bytes: Buffer }>;
  /** a page of the exam's scores as `viewer` may see them (scores.page) */
  scores(exam: string, query: ScoresQuery, viewer: ScoresViewer): Promise<ScoresPage>;
}

/** Events after which an exam's ranking may have changed (its scores, panels, roster, attendance or structure). */
const CHANGES = new Set(['scores.changed', 'panel.changed', 'panel.finalized', 'roster.changed', 'exams.changed', 'attendance.changed']);
/** A burst of changes (a CAT file, a morning of check-ins) is over once this long passes without one… */
const QUIET_MS = 1_000;
/** …or, during a burst that does not end, this long after its first change. */
const MOST_MS = 10_000;
/** An exam is ranked ahead of a screen only while someone looked at its results this recently. */
const WATCHED_MS = 15 * 60_000;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * Ranks on a thread of its own (core/ranking/ranker-worker.ts), so a ranking of 100,000 candidates never holds up
 * the requests behind it; started on first use, kept while the workstation is open. The thread keeps the last
 * ranking and brings it up to date from what changed (core/ranking/answer.ts), and does so ahead of the next look
 * once a burst of changes to an exam is over: any exam once a door has started it (`start`), otherwise only one whose
 * results someone looked at in the last 15 minutes.
 *
 * Where the thread cannot start or stops (a missing build, a crash), the answer is made on the calling thread instead,
 * as a one-shot command line does: slower for the others, never wrong and never lost.
 */
export class Ranker implements RankerControl {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private watched: { exam: string; at: number } | undefined;
  /** started by a long-running door: every exam is ranked ahead after a burst of changes to it, not only a watched one */
  private started = false;
  /** the exam of the current burst of changes */
  private burstExam: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private burstStarted = 0;
  private unsubscribe: (() => void) | undefined;
  /** How many answers were made on the calling thread because the ranking thread could not give them. */
  fallbacks = 0;
  /** The warm-up started by the last burst of changes, while it runs or after (for tests and the bench). */
  lastWarm: Promise<boolean> | undefined;

  constructor(private readonly deps: { workstation: () => Workstation | undefined; events: EventBus; nativeBinding?: string; now?: () => number }) {
    this.unsubscribe = deps.events.subscribe((e) => {
      // Unlocked: the workstation opens now, as a door's start would have found it.
      if (e.type === 'workstation.unlocked' && this.started) return void this.warmLatest();
      if (!CHANGES.has(e.type)) return;
      const exam = (e.data as { exam?: unknown } | null)?.exam;
      const named = typeof exam === 'string' ? exam : undefined;
      if (this.started) this.changed(named ?? this.watched?.exam);
      else if (this.watched && (named === undefined || named === this.watched.exam)) this.changed(this.watched.exam);
    });
  }

  /**
   * For the long-running doors (serve, the desktop): the exam whose scores were entered last is ranked now, and any
   * exam again once a burst of changes to it is over, so that the results page finds it ranked. On a two-core laptop
   * this is a thread below normal priority; a burst that changed a few candidates costs their formations' ranking
   * (core/ranking/answer.ts), one that changed the exam itself a whole ranking (1.4 s at 100,000 candidates).
   */
  start(): void {
    this.started = true;
    this.warmLatest();
  }

  private warmLatest(): void {
    if (!this.deps.workstation()) return;
    this.lastWarm = this.ask({ type: 'warm' }).then(
      (v) => v as boolean,
      () => false,
    );
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async answer(exam: string, formation?: string): Promise<RankingAnswer> {
    this.watched = { exam, at: this.now() };
    return (await this.ask({ type: 'answer', exam, ...(formation !== undefined ? { formation } : {}) }, (db) => rankingAnswer(db, exam, formation))) as RankingAnswer;
  }

  async file(exam: string, formation: string | undefined, format: RankingFormat): Promise<{ name: string; bytes: Buffer }> {
    return asFile(await this.ask({ type: 'file', exam, format, ...(formation !== undefined ? { formation } : {}) }, (db) => rankingFile(db, exam, formation, format)));
  }

  async print(exam: string, formation: string, at: Date): Promise<{ name: string; bytes: Buffer }> {
    return asFile(await this.ask({ type: 'print', exam, formation, at: at.toISOString() }, async (db) => (await import('../core/print/ranking-file')).printedRanking(db, exam, formation, at)));
  }

  async forms(exam: string, session: string, at: Date): Promise<{ name: string; bytes: Buffer }> {
    return asFile(await this.ask({ type: 'forms', exam, session, at: at.toISOString() }, async (db) => (await import('../core/print/scoring-forms')).printedScoringForms(db, exam, session, at)));
  }

  async scores(exam: string, query: ScoresQuery, viewer: ScoresViewer): Promise<ScoresPage> {
    return (await this.ask({ type: 'scores', exam, query, viewer }, (db) => scoresAnswer(db, exam, query, viewer))) as ScoresPage;
  }

  /** Ranks the exam on the thread now, unless its last ranking is still current; says whether it ranked. */
  async warm(exam: string): Promise<boolean> {
    return (await this.ask({ type: 'warm', exam })) as boolean;
  }


  private changed(exam: string | undefined): void {
    if (exam === undefined) return;
    const now = this.now();
    if (!this.timer) this.burstStarted = now;
    clearTimeout(this.timer);
    this.burstExam = exam;
    const wait = Math.max(0, Math.min(QUIET_MS, this.burstStarted + MOST_MS - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const w = this.watched;
      const target = this.burstExam!;
      if (!this.started && (!w || w.exam !== target || this.now() - w.at > WATCHED_MS)) return;
      this.lastWarm = this.warm(target).catch(() => {
        // A warm-up that fails (the exam was deleted) is only a missed head start: the next answer says why.
        return false;
      });
    }, wait);
    this.timer.unref();
  }

  private thread(): Worker | undefined {
    if (this.worker) return this.worker;
    const ws = this.deps.workstation();
    if (!ws) return undefined;
    const setup: RankerSetup = { database: databasePath(ws.dir), ...(ws.key ? { key: Uint8Array.from(ws.key) } : {}), ...(this.deps.nativeBinding ? { nativeBinding: this.deps.nativeBinding } : {}) };
    let worker: Worker;
    try {
      worker = new Worker(workerEntry(import.meta.url, '../core/ranking/ranker-worker-dev.mjs', './ranker-worker.js'), { workerData: setup, execArgv: [] });
    } catch (e) {
      console.error('[lentera] the ranking thread could not start; ranking on this thread:', e);
      return undefined;
    } finally {
      // The thread was given its own copy of the data key: this one is wiped.
      setup.key?.fill(0);
    }
    worker.unref();
    worker.on('message', (m: RankerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'done') p.resolve(m.value);
      else p.reject(m.internal ? new ThreadFailure(m.message) : new LenteraError(m.code, m.message, m.details));
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new ThreadFailure(why));
      }
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`the ranking thread stopped (${code})`));
    return (this.worker = worker);
  }

  /**
   * The request answered on the ranking thread; where there is none, or it failed for a reason of its own rather
   * than a refusal of the request, `inline` answers it on this thread. A warm-up has none: ranking ahead on the
   * thread that serves the venue would hold it up for an answer nobody asked for yet.
   */
  private async ask(request: DistributiveOmit<RankerRequest, 'id'>, inline?: (db: Workstation['db']) => unknown): Promise<unknown> {
    const worker = this.thread();
    if (worker) {
      const id = this.nextId++;
      try {
        return await new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.ref();
          worker.postMessage({ ...request, id } as RankerRequest);
        }).finally(() => {
          if (this.pending.size === 0) worker.unref();
        });
      } catch (e) {
        if (!(e instanceof ThreadFailure)) throw e;
        console.error(`[lentera] the ranking thread failed (${e.message}); ranking on this thread`);
      }
    }
    if (!inline) return false;
    const ws = this.deps.workstation();
    if (!ws) throw new LenteraError('NOT_INITIALISED', 'This workstation is not open.', {});
    this.fallbacks++;
    return inline(ws.db);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }
}

/** A file answered by the thread: its Buffer comes across the boundary as a plain Uint8Array over the same bytes. */
function asFile(value: unknown): { name: string; bytes: Buffer } {
  const { name, bytes } = value as { name: string; bytes: Uint8Array };
  return { name, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The ranking thread failed for a reason of its own (not a refusal of the request). */
class ThreadFailure extends Error {}
