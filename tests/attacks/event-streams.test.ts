/**
 * The live event stream (`GET /api/events`) as a device on the venue LAN can use it without an account: it may open
 * streams and then never read them, or open very many (found by audit: 20 silent streams grew the server's heap by
 * ~400 bytes per event each, 1.6 GB after 200k events; 6,000 reading streams slowed an examiner's autosave 35-fold).
 * A silent stream is dropped once a small amount is queued for it, one address (an IPv6 client by its /64) holds a
 * few streams, all addresses together a bounded number, and a client that reads keeps getting every event.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src-main/api/events';
import { createHttpServer, listen, openEventStreams } from '../../src-main/server/http';
import { tempDir } from '../unit/helpers';

/** The numbers the server promises (docs/security.md, "The HTTP door"). */
const PER_ADDRESS = 8;
const TOTAL = 256;
const MAX_QUEUED = 64 * 1024;
const SLOW_MS = 2_000;
const BURST = 1024 * 1024;

let server: Server | undefined;
const clients: Socket[] = [];
const logged: string[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  server?.closeAllConnections();
  server?.close();
  server = undefined;
  logged.length = 0;
});

/**
 * A real server with a stand-in app whose events the test publishes. A client may play a device on the LAN: the
 * address it names (`from`) is what the server's socket says instead of 127.0.0.1. The server's side of every
 * connection is kept, by the client's port, to look at what the server queues for it.
 */
async function start() {
  const events = new EventBus();
  const app = { events, invokeAsync: () => Promise.resolve({ ok: true as const, value: {} }) };
  const renderer = tempDir();
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lentera</title>');
  const from = new Map<number, string>();
  const serverSide = new Map<number, Socket>();
  const s = createHttpServer({ app, host: '127.0.0.1', port: 0, rendererDir: renderer, log: (l) => logged.push(l) });
  server = s;
  s.on('connection', (socket: Socket) => {
    const port = socket.remotePort!;
    const real = socket.remoteAddress;
    serverSide.set(port, socket);
    Object.defineProperty(socket, 'remoteAddress', { get: () => from.get(port) ?? real, configurable: true });
  });
  const { port } = await listen(s, '127.0.0.1', 0);
  const connections = () => new Promise<number>((ok, ko) => s.getConnections((e, n) => (e ? ko(e) : ok(n))));
  return { events, port, from, serverSide, connections };
}
type Started = Awaited<ReturnType<typeof start>>;

interface Stream {
  socket: Socket;
  /** The client's own port: the key of the server's side of it. */
  port: number;
  status: number;
  /** What came so far (headers, and for a refusal its body). */
  text: () => string;
  closed: () => boolean;
  whenClosed: Promise<void>;
}

/**
 * Opens `GET /api/events` from `address` (default: this machine); resolves once the answer's head (and, for a
 * refusal, its body) has come. `silent`: from then on the client reads nothing more.
 */
function openStream(t: Started, opts: { address?: string; silent?: boolean } = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const socket = connect(t.port, '127.0.0.1');
    clients.push(socket);
    let got = '';
    let closed = false;
    let port = 0;
    const whenClosed = new Promise<void>((ok) =>
      socket.on('close', () => {
        closed = true;
        ok();
      }),
    );
    socket.on('error', () => undefined);
    let answered = false;
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (answered || end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
      const length = /\r\ncontent-length: (\d+)/i.exec(got.slice(0, end));
      if (length && got.length < end + 4 + Number(length[1])) return;
      answered = true;
      if (opts.silent) socket.pause();
      resolve({ socket, port, status, text: () => got, closed: () => closed, whenClosed });
    });
    socket.on('connect', () => {
      port = socket.localPort!;
      if (opts.address) t.from.set(port, opts.address);
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\n\r\n`);
    });
    setTimeout(() => reject(new Error(`no answer to the event stream request (got ${JSON.stringify(got.slice(0, 200))})`)), 5_000).unref();
  });
}

function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((ok, ko) => {
    const tick = () => (cond() ? ok() : Date.now() > until ? ko(new Error(`timed out waiting for ${what}`)) : setTimeout(tick, 5));
    tick();
  });
}

/** A client that reads: the seq of every event it got, in order, and a wait for a given one. */
function reading(stream: Stream): { seen: number[]; until: (seq: number) => Promise<void> } {
  const seen: number[] = [];
  let pending = '';
  let waiting: { seq: number; ok: () => void } | undefined;
  stream.socket.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    let at: number;
    while ((at = pending.indexOf('\n\n')) >= 0) {
      const frame = pending.slice(0, at);
      pending = pending.slice(at + 2);
      const data = /^data: (.*)$/m.exec(frame);
      if (data) seen.push((JSON.parse(data[1]!) as { seq: number }).seq);
    }
    if (waiting && seen.at(-1) === waiting.seq) waiting.ok();
  });
  const until = (seq: number) =>
    seen.at(-1) === seq
      ? Promise.resolve()
      : new Promise<void>((ok, ko) => {
          const timer = setTimeout(() => ko(new Error(`the reader did not get event ${seq} (last ${seen.at(-1)}, closed ${stream.closed()})`)), 5_000);
          waiting = {
            seq,
            ok: () => {
              clearTimeout(timer);
              waiting = undefined;
              ok();
            },
          };
        });
  return { seen, until };
}

describe('a client that never reads its event stream', () => {
  it('is dropped when more than 64 KiB stays queued for it (2 s), its queue released, while a reader gets every event', async () => {
    const t = await start();
    const reader = await openStream(t);
    const { seen, until } = reading(reader);
    const silent = await Promise.all(Array.from({ length: 4 }, () => openStream(t, { silent: true })));
    expect(reader.status).toBe(200);
    expect(silent.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    expect(await t.connections()).toBe(5);
    expect(openEventStreams(server!)).toBe(5);

    // 1 KiB events, 100 at a time, the reader waited for between batches (a reader keeps up), the silent not, until
    // the kernel's buffers for the silent are full and more than the bound waits in the server for each; then no more.
    const pad = 'x'.repeat(1000);
    const serverOf = (s: Stream) => t.serverSide.get(s.port)!;
    let seq = 0;
    let maxQueued = 0;
    const over = (s: Stream) => serverOf(s).destroyed || serverOf(s).writableLength > MAX_QUEUED;
    for (let batch = 0; batch < 400 && !silent.every(over); batch++) {
      for (let i = 0; i < 100; i++) t.events.publish({ type: 'audit.head', data: { seq: ++seq, pad } });
      for (const s of silent) if (!serverOf(s).destroyed) maxQueued = Math.max(maxQueued, serverOf(s).writableLength);
      await until(seq);
    }
    expect(maxQueued).toBeGreaterThan(MAX_QUEUED);
    expect(maxQueued).toBeLessThanOrEqual(MAX_QUEUED + 100 * 1100); // the bound, and the batch that passed it
    // No event comes any more: the queues stay as they are, and past the time allowed the server lets them go.
    await waitFor(() => silent.every((s) => serverOf(s).destroyed), SLOW_MS + 3_000, 'the silent streams to be dropped');
    expect(logged.filter((l) => /^dropped GET \/api\/events from 127\.0\.0\.1: \d+ bytes unread for 2000 ms$/.test(l))).toHaveLength(4);
    // Closed and let go: the server holds the reader's stream only, and writes nothing more to the dropped ones.
    await waitFor(() => silent.every((s) => serverOf(s).closed), 2_000, 'the sockets to close');
    expect(openEventStreams(server!)).toBe(1);
    const left = silent.map((s) => serverOf(s).writableLength);
    for (let i = 0; i < 100; i++) t.events.publish({ type: 'audit.head', data: { seq: ++seq, pad } });
    await until(seq);
    expect(silent.map((s) => serverOf(s).writableLength)).toEqual(left);
    expect(await t.connections()).toBe(1);
    // The client learns it: its socket ends, though it never closed it.
    for (const s of silent) s.socket.resume();
    await Promise.all(silent.map((s) => s.whenClosed));

    // The reader is untouched: it has every event, in order, and goes on getting them.
    expect(reader.closed()).toBe(false);
    expect(seen).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    t.events.publish({ type: 'audit.head', data: { seq: ++seq, pad } });
    await until(seq);
    // Slots are free again: the same address opens a stream.
    expect((await openStream(t)).status).toBe(200);
  });

  it('is dropped at once when events come fast, never more than 1 MiB queued for it; the reader keeps every event', async () => {
    const t = await start();
    const reader = await openStream(t);
    const { seen, until } = reading(reader);
    const silent = await Promise.all(Array.from({ length: 4 }, () => openStream(t, { silent: true })));
    // 4 KiB events, 200 at a time: 800 KiB in one turn, which a reader's queue takes and gives to the kernel; from
    // the batch that passes the bound, the next passes 1 MiB (well within the 2 s a slow client is given).
    const pad = 'x'.repeat(4000);
    const serverOf = (s: Stream) => t.serverSide.get(s.port)!;
    let seq = 0;
    let maxQueued = 0;
    for (let batch = 0; batch < 100 && openEventStreams(server!) > 1; batch++) {
      for (let i = 0; i < 200; i++) t.events.publish({ type: 'audit.head', data: { seq: ++seq, pad } });
      for (const s of silent) if (!serverOf(s).destroyed) maxQueued = Math.max(maxQueued, serverOf(s).writableLength);
      await until(seq);
      if (maxQueued > 4 * BURST) break;
    }
    expect(maxQueued).toBeGreaterThan(MAX_QUEUED);
    expect(maxQueued).toBeLessThanOrEqual(BURST + 4100);
    expect(silent.map((s) => serverOf(s).destroyed)).toEqual([true, true, true, true]);
    // Each dropped once, by the burst bound (the queue's bound above is what shows it held); on a loaded machine the
    // 2 s rule may come first, between two batches, below the bound (seen in CI with other tests on both cores).
    expect(logged.filter((l) => /^dropped GET \/api\/events from 127\.0\.0\.1: \d+ bytes unread( for \d+ ms)?$/.test(l))).toHaveLength(4);
    // Closed and let go: the server holds the reader's stream only, and writes nothing more to the dropped ones.
    await waitFor(() => silent.every((s) => serverOf(s).closed), 2_000, 'the sockets to close');
    expect(openEventStreams(server!)).toBe(1);
    const left = silent.map((s) => serverOf(s).writableLength);
    for (let i = 0; i < 100; i++) t.events.publish({ type: 'audit.head', data: { seq: ++seq, pad } });
    await until(seq);
    expect(silent.map((s) => serverOf(s).writableLength)).toEqual(left);
    expect(await t.connections()).toBe(1);
    expect(reader.closed()).toBe(false);
    expect(seen).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
  });
});

describe('how many event streams the server holds', () => {
  it(`one address holds ${PER_ADDRESS} (an IPv6 client counted by its /64); the next is refused 429, another address is not`, async () => {
    const t = await start();
    const mine = await Promise.all(Array.from({ length: PER_ADDRESS }, () => openStream(t, { address: '10.20.0.7' })));
    expect(mine.map((s) => s.status)).toEqual(Array(PER_ADDRESS).fill(200));
    const refused = await openStream(t, { address: '10.20.0.7' });
    expect(refused.status).toBe(429);
    expect(refused.text()).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(refused.text()).toContain('"code":"TOO_MANY_STREAMS"');
    expect(refused.text()).toContain(`at most ${PER_ADDRESS} live event streams`);
    expect(logged.some((l) => l.startsWith('refused 429 TOO_MANY_STREAMS') && l.includes('10.20.0.7'))).toBe(true);
    // Another device is not affected.
    expect((await openStream(t, { address: '10.20.0.8' })).status).toBe(200);

    // IPv6: walking through the addresses of one /64 does not give more streams; the next /64 is another client.
    const six = await Promise.all(Array.from({ length: PER_ADDRESS }, (_, i) => openStream(t, { address: `2001:db8:5:6::${i + 1}` })));
    expect(six.map((s) => s.status)).toEqual(Array(PER_ADDRESS).fill(200));
    expect((await openStream(t, { address: '2001:db8:5:6:ffff:ffff:ffff:fff0' })).status).toBe(429);
    expect((await openStream(t, { address: '2001:db8:5:7::1' })).status).toBe(200);

    expect(openEventStreams(server!)).toBe(2 * PER_ADDRESS + 2);
    // A closed stream gives its slot back.
    mine[0]!.socket.destroy();
    await waitFor(() => openEventStreams(server!) === 2 * PER_ADDRESS + 1, 2_000, 'the server to see the close');
    expect((await openStream(t, { address: '10.20.0.7' })).status).toBe(200);
    expect((await openStream(t, { address: '10.20.0.7' })).status).toBe(429);
  });

  it(`all addresses together hold ${TOTAL}; past that a new address is refused until one closes`, async () => {
    const t = await start();
    const addresses = Array.from({ length: TOTAL / PER_ADDRESS }, (_, i) => `10.30.${i}.1`);
    const all = await Promise.all(addresses.flatMap((a) => Array.from({ length: PER_ADDRESS }, () => openStream(t, { address: a }))));
    expect(all.filter((s) => s.status === 200)).toHaveLength(TOTAL);
    const refused = await openStream(t, { address: '10.31.0.1' });
    expect(refused.status).toBe(429);
    expect(refused.text()).toContain('"code":"TOO_MANY_STREAMS"');
    expect(openEventStreams(server!)).toBe(TOTAL);
    all[0]!.socket.destroy();
    await waitFor(() => openEventStreams(server!) === TOTAL - 1, 2_000, 'the server to see the close');
    expect((await openStream(t, { address: '10.31.0.1' })).status).toBe(200);
    expect((await openStream(t, { address: '10.31.0.2' })).status).toBe(429);
  });
});
