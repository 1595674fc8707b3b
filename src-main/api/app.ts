import { allCommands } from './commands';
import { OutboxPusher, type PushOutcome } from './outbox';
import { WorkstationApp, type AppOptions } from './workstation-app';

export type { AppOptions } from './workstation-app';

/**
 * The workstation with every command of the table (or the table a test gives), as the doors serve it: the desktop,
 * `lentera serve` and the tests. Its pusher sends exported bundles to the hub once a long-running door starts it.
 * One-shot CLI calls use the lighter cli/one-shot-app.ts, which loads only the command it runs.
 */
export class LenteraApp extends WorkstationApp {
  /** Pushes exported bundles to the hub; started by the long-running doors (serve, desktop), not by one-shot CLI calls. */
  readonly outbox = new OutboxPusher({ db: () => this.workstation?.db, events: this.events, key: () => this.workstation?.key });

  constructor(opts: AppOptions) {
    super({ rankingThread: true, ...opts }, opts.commands ?? allCommands);
  }

  // `outbox.push` and the timer share one pusher, so their rounds never overlap.
  protected override pushDue(): Promise<PushOutcome[]> {
    return this.outbox.pushDue();
  }

  override close(): void {
    this.outbox.stop();
    super.close();
  }
}
