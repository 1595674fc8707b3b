import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DoorEvents } from '../api/door';
import type { LiveEvent } from '../api/events';
import { clientKey } from './client-address';

/**
 * How many live event streams (`GET /api/events`) the LAN server holds, and how much it keeps for a slow one. The
 * stream needs no session (the public display screen follows it without a login), so any device on the venue LAN
 * may open it: these bounds are what keeps that from ending or slowing the server (found by audit: silent streams
 * grew the heap by ~400 bytes per event each without bound; 6,000 streams slowed an autosave from 3.6 to 126 ms).
 *
 * - `perClient` 8: a browser opens at most 6 connections to one HTTP/1.1 server, shared by all its tabs, so one
 *   device cannot use more than 6 streams (and a tab with a stream also needs a connection for its commands); 8
 *   leaves room for streams whose device left the network without closing them (the server learns it only when TCP
 *   gives up on the connection, minutes later). An
 *   IPv6 client is counted by its /64 (`clientKey`), as on the hub's public doors.
 * - `total` 256: a venue has tens of examiners' devices with a few tabs each, a coordinator, a chair and a public
 *   screen or two: about a hundred streams at most; 256 is twice that with room. It bounds the work per event (one
 *   write per stream, the event serialized once) and what slow streams may hold: 256 × 64 KiB = 16 MiB of memory.
 * - `maxQueuedBytes` 64 KiB for `slowMs` 2 s: what may wait in this process for a stream once the kernel's send
 *   buffer for its socket (hundreds of KiB to a few MiB) is full. Node queues a burst written in one turn of the event
 *   loop before handing it to the kernel at the next, so a queue past the bound is only a slow client when it is
 *   still past it 2 s later; then the stream is dropped, its socket reset (so the kernel discards the unsent data
 *   too), and its browser reconnects by itself if it is alive. An event is about 100 bytes: 64 KiB is some 600
 *   events beyond the kernel's buffer: a client that reads is never that far behind. A client that does not read holds at most
 *   the bound plus 2 s of events (an attacker makes at most an event or two per request it sends).
 * - `burstBytes` 1 MiB: dropped at once past that, whatever the time (no command publishes 10,000 events in one
 *   turn; progress events are paced). So nothing held for 256 streams passes 256 MiB even in theory, and 16 MiB
 *   plus 2 s of events in practice.
 * - `keepAliveMs` 25 s: a comment line, so proxies and browsers keep an idle stream open. No maximum life: a
 *   stream that reads costs one write per event, and one that does not is dropped by the bounds above.
 */
export interface EventStreamLimits {
  perClient: number;
  total: number;
  maxQueuedBytes: number;
  slowMs: number;
  burstBytes: number;
  keepAliveMs: number;
}

export const EVENT_STREAM_LIMITS: Readonly<EventStreamLimits> = Object.freeze({
  perClient: 8,
  total: 256,
  maxQueuedBytes: 64 * 1024,
  slowMs: 2_000,
  burstBytes: 1024 * 1024,
  keepAliveMs: 25_000,
});

interface Stream {
  res: ServerResponse;
  client: string;
  who: string;
  /** Armed when the queue passed `maxQueuedBytes`: drops the stream if it is still past it when it fires. */
  slow?: ReturnType<typeof setTimeout> | undefined;
}

/** The open event streams of one server: counted per client and in all, fed each event once, slow ones dropped. */
export class EventStreams {
  private readonly streams = new Set<Stream>();
  private readonly perClient = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly events: DoorEvents,
    private readonly log: (line: string) => void,
    private readonly limits: Readonly<EventStreamLimits> = EVENT_STREAM_LIMITS,
  ) {}

  /** How many streams are open (all clients, or one client's key). */
  count(client?: string): number {
    return client === undefined ? this.streams.size : (this.perClient.get(client) ?? 0);
  }

  /** The client a request counts as: its address, an IPv6 one by its /64. */
  clientOf(req: IncomingMessage): string {
    return clientKey(req.socket.remoteAddress);
  }

  /** Why this client may not open another stream now (a sentence for it), or null when it may. */
  refusal(client: string): string | null {
    const { perClient, total } = this.limits;
    if (this.count(client) >= perClient) {
      return `One address may keep at most ${perClient} live event streams open, and this one has them all: close a Lentera tab or window on this device, then reload.`;
    }
    if (this.streams.size >= total) return `The server is holding as many live event streams as it can (${total}): reload in a minute.`;
    return null;
  }

  /** Takes over a response whose head (200, text/event-stream) is written: it gets every event until it closes. */
  add(client: string, req: IncomingMessage, res: ServerResponse): void {
    const stream: Stream = { res, client, who: `GET /api/events from ${req.socket.remoteAddress ?? '?'}` };
    this.streams.add(stream);
    this.perClient.set(client, this.count(client) + 1);
    res.on('close', () => this.remove(stream));
    res.on('error', () => this.remove(stream));
    if (!this.unsubscribe) {
      this.unsubscribe = this.events.subscribe((e) => this.send(frame(e)));
      this.keepAlive = setInterval(() => this.send(': keep-alive\n\n'), this.limits.keepAliveMs);
      this.keepAlive.unref();
    }
  }

  private send(text: string): void {
    for (const stream of this.streams) this.write(stream, text);
  }

  private write(stream: Stream, text: string): void {
    const { res } = stream;
    if (res.destroyed || res.writableEnded) return this.remove(stream);
    try {
      res.write(text);
    } catch {
      return this.drop(stream, 'the write failed');
    }
    // Backpressure: past the bound the client may not be reading; what is queued for it would only grow.
    const queued = res.writableLength;
    if (queued > this.limits.burstBytes) return this.drop(stream, `${queued} bytes unread`);
    if (queued > this.limits.maxQueuedBytes && !stream.slow) {
      stream.slow = setTimeout(() => {
        stream.slow = undefined;
        const left = res.writableLength;
        if (left > this.limits.maxQueuedBytes) this.drop(stream, `${left} bytes unread for ${this.limits.slowMs} ms`);
      }, this.limits.slowMs);
      stream.slow.unref();
    }
  }

  /** Ends a stream from this side: reset, so neither this process nor the kernel keeps its unsent data. */
  private drop(stream: Stream, why: string): void {
    this.log(`dropped ${stream.who}: ${why}`);
    this.remove(stream);
    const socket = stream.res.socket;
    if (socket && !socket.destroyed) socket.resetAndDestroy();
    else stream.res.destroy();
  }

  private remove(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    clearTimeout(stream.slow);
    const left = this.count(stream.client) - 1;
    if (left > 0) this.perClient.set(stream.client, left);
    else this.perClient.delete(stream.client);
    if (this.streams.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }
}

function frame(e: LiveEvent): string {
  return `event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
