/**
 * How many times its own cost a reload waits, from its start, before the next may begin: a page whose list takes the
 * server 5 s (every score of an SKD at 100,000 candidates) asks at most once in 20 s, a page of 5 ms within 20 ms.
 */
export const PACE = 4;

export interface PacerClock {
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Reloads asked by live events, paced by what the last reload cost. The venue's server answers every desk on one
 * thread: a page that asked its whole list again at each event (a paper entry, a submission, a sign-off anywhere in
 * the venue, one every few seconds on a busy day) could keep that thread busy by itself. One reload at a time; the
 * events that come meanwhile make one more after it, `PACE` times its cost after it began: the page is at most that
 * late, and never asks for more than 1 / (PACE + 1) of the server's time.
 */
export class Pacer {
  private running = false;
  private wanted = false;
  private timer: unknown = null;
  private lastStart = -Infinity;
  private lastCost = 0;
  private stopped = false;

  constructor(
    private readonly load: () => Promise<unknown>,
    private readonly clock: PacerClock = { now: () => performance.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  /** An event says the page's data changed. */
  ask(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.schedule();
  }

  /** The page is shown (again): events are taken. */
  start(): void {
    this.stopped = false;
  }

  /** The page is gone: nothing more is asked until it starts again. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.running || this.timer !== null || !this.wanted) return;
    const wait = Math.max(0, this.lastStart + (PACE + 1) * this.lastCost - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.wanted = false;
    this.running = true;
    const start = this.clock.now();
    try {
      await this.load();
    } catch {
      // The page says what went wrong itself (its error line); a reload that threw is paced like any other.
    } finally {
      this.lastStart = start;
      this.lastCost = this.clock.now() - start;
      this.running = false;
      this.schedule();
    }
  }
}
