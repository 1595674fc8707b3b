/** Live notifications to the UI (chain head moved, a score was finalized...). Names and ids only, never data. */
export interface LiveEvent {
  type: string;
  data: unknown;
}

export type Listener = (event: LiveEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: LiveEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // one broken subscriber (a closed socket) must not stop the others
      }
    }
  }
}
