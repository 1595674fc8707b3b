/**
 * Writes the site's text files: encoded here, and from the `threadAfter`-th file on, created and written on
 * another thread. Each file's inode and change time are taken as its bytes are written (`statOf`), for the site's
 * records: taken once the whole site is in place, they would vouch for anything written there meanwhile.
 *
 * Creating a file costs the kernel about as much as making the page it holds (a hundred thousand of them: seconds
 * of open() alone, more when the disk is busy). On another thread that time runs beside the page-making instead of
 * after it. Pages travel in batches through a few buffers passed back and forth (transferred, not copied), each
 * page encoded straight into its batch; `finish` waits until every file is on disk and reports the first failure,
 * `abort` stops the thread, so that the caller may remove the folder. A small site is written on this thread alone:
 * starting a thread would cost more than it saves.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { postedSystemError, type PostedSystemError } from '../util/fs-errors';
import { StatTable, type FileStat } from '../util/file-stat';

/** Plain CommonJS, evaluated: no separate file for a bundler (electron-vite) to find and copy. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, writeSync, fstatSync, closeSync } = require('node:fs');
const { ctrl, back } = workerData;
const state = new Int32Array(ctrl);
let failed = false;
parentPort.on('message', ({ buffer, files }) => {
  const bytes = new Uint8Array(buffer);
  // Each file's number, inode and ctime (0 for one not written), in the order of files.
  const stats = new BigUint64Array(files.length * 3);
  for (let i = 0; i < files.length; i++) {
    if (failed) break;
    const [file, at, length, n] = files[i];
    try {
      // As writeFileSync(file, data): flags 'w', mode 0o666.
      const fd = openSync(file, 'w', 0o666);
      try {
        for (let done = 0; done < length; ) done += writeSync(fd, bytes, at + done, length - done);
        const st = fstatSync(fd, { bigint: true });
        stats[3 * i] = BigInt(n);
        stats[3 * i + 1] = st.ino;
        stats[3 * i + 2] = st.ctimeNs;
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      failed = true;
      back.postMessage({ error: { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path } });
      Atomics.store(state, 1, 1);
    }
  }
  back.postMessage({ buffer, stats: stats.buffer }, [buffer, stats.buffer]);
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

/**
 * Bytes per batch: about a hundred pages. All BUFFERS of them are held for the whole write (4 MB each held 16 MB, at
 * the hub's peak), and a larger batch writes no faster.
 */
const BATCH = 1 << 20;
/** Batches in use at once (one being filled, the others written or waiting): at most this many times BATCH. */
const BUFFERS = 4;

/** Waits (up to 100 ms) for the thread to count another batch written after it counted `seen`. */
function pause(state: Int32Array, seen: number): void {
  try {
    Atomics.wait(state, 0, seen, 100);
  } catch {
    // A thread that may not block (a browser's main thread) polls instead.
  }
}

/**
 * How long the thread may write nothing at all before it is taken for dead. Its death (out of memory, say) is an
 * event this thread cannot receive while it waits synchronously; a batch is a few hundred small files.
 */
const STALLED_MS = 120_000;


export class SiteFileWriter {
  /** files written so far, here or on the thread */
  private count = 0;
  private thread: { worker: Worker; back: MessagePort; state: Int32Array; posted: number; free: ArrayBuffer[]; made: number; error: Error | null; seen: number; since: number } | null = null;
  private batch: { buffer: ArrayBuffer; bytes: Buffer; at: number; files: [string, number, number, number][] } | null = null;
  /** each file's inode and ctime as it was written, by its number (`write`'s answer) */
  private readonly stats = new StatTable();
  /** the buffer texts are encoded into on this thread: reused, as a new one per page would be garbage to collect */
  private scratch = Buffer.allocUnsafe(1 << 16);

  /** `threadAfter`: how many files are written here before the thread takes over (Infinity: never). */
  constructor(private threadAfter = 2000) {}

  /**
   * Says that at least `files` more files are coming. When the thread would take over within them anyway, it takes
   * over from the next file: an exam's twenty thousand pages need not wait for two thousand of them to be created
   * here first (a second of open() alone when the disk is busy, spent on the thread that makes the pages).
   */
  expect(files: number): void {
    if (this.count + files > this.threadAfter) this.threadAfter = Math.min(this.threadAfter, this.count);
  }

  /** Whether the files from here on are created on the other thread (`expect`, or past `threadAfter`). */
  get threaded(): boolean {
    return this.count >= this.threadAfter;
  }

  /**
   * `content` as UTF-8 (the bytes of Buffer.from(content, 'utf8')), valid until the next `encode`: the caller
   * checks them, then either writes them (`write`) or not.
   */
  encode(content: string): Buffer {
    // At most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2), so the text always fits whole.
    const room = content.length * 3;
    if (this.count >= this.threadAfter && room <= BATCH) {
      let b = this.batch;
      if (b === null || b.bytes.length - b.at < room) b = this.nextBatch();
      return b.bytes.subarray(b.at, b.at + b.bytes.write(content, b.at, 'utf8'));
    }
    if (room > this.scratch.length) {
      if (room > BATCH) return Buffer.from(content, 'utf8');
      this.scratch = Buffer.allocUnsafe(Math.max(room, this.scratch.length * 2));
    }
    return this.scratch.subarray(0, this.scratch.write(content, 0, 'utf8'));
  }

  /**
   * Writes `data`, the last `encode`'s answer, as `file` (whose folder exists): now, or queued for the thread. Its
   * answer names the file for `statOf`.
   */
  write(file: string, data: Buffer): number {
    const b = this.batch;
    const n = this.count++;
    if (b !== null && data.buffer === b.buffer && data.byteOffset === b.at) {
      b.files.push([file, b.at, data.length, n]);
      b.at += data.length;
      return n;
    }
    // As writeFileSync(file, data), its stat taken before it is closed.
    const fd = openSync(file, 'w', 0o666);
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
      const st = fstatSync(fd, { bigint: true });
      this.stats.set(n, st.ino, st.ctimeNs);
    } finally {
      closeSync(fd);
    }
    return n;
  }

  /**
   * File `n`'s inode and change time as they were once its bytes were written (`statOf`'s form); null when not
   * known (its thread failed first). Complete for every file once `finish` returns.
   */
  statOf(n: number): FileStat | null {
    return this.stats.get(n);
  }

  /** Waits until every file is written; throws the thread's first failure, if any. */
  finish(): void {
    const t = this.thread;
    if (t === null) return;
    if (this.batch?.files.length) this.post();
    for (let seen; (seen = Atomics.load(t.state, 0)) < t.posted; ) this.wait(seen);
    this.failure();
    // Every batch counted was given back before it was counted: its stats are waiting here.
    for (let m; (m = receiveMessageOnPort(t.back)); ) this.receive(m.message);
  }

  /** A message of the thread: a batch written (its buffer to reuse, its files' stats), or its failure. */
  private receive(message: unknown): ArrayBuffer | undefined {
    const msg = message as { buffer?: ArrayBuffer; stats?: ArrayBuffer; error?: PostedSystemError };
    if (msg.error) throw postedSystemError(msg.error);
    if (msg.stats) {
      const got = new BigUint64Array(msg.stats);
      for (let i = 0; i < got.length; i += 3) if (got[i + 1] !== 0n) this.stats.set(Number(got[i]), got[i + 1]!, got[i + 2]!);
    }
    return msg.buffer;
  }

  /** Stops the thread, if one was started: once this settles, nothing more is written. */
  async abort(): Promise<void> {
    const t = this.thread;
    this.thread = null;
    this.batch = null;
    if (t !== null) {
      t.back.close();
      await t.worker.terminate();
    }
  }

  /** Releases the thread after `finish`. */
  async close(): Promise<void> {
    await this.abort();
  }

  /** Waits for progress past `seen`; throws when the thread has failed or written nothing for STALLED_MS. */
  private wait(seen: number): void {
    const t = this.thread!;
    this.failure();
    if (seen !== t.seen) {
      t.seen = seen;
      t.since = Date.now();
    } else if (Date.now() - t.since > STALLED_MS) {
      throw new Error(`The site writing thread wrote nothing for ${STALLED_MS / 1000} s: it is taken for dead.`);
    }
    pause(t.state, seen);
  }

  private failure(): void {
    const t = this.thread!;
    if (t.error) throw t.error;
    if (Atomics.load(t.state, 1) === 0) return;
    for (let m; (m = receiveMessageOnPort(t.back)); ) {
      const msg = m.message as { error?: PostedSystemError };
      if (msg.error) throw postedSystemError(msg.error);
    }
    throw new Error('The site writing thread failed.');
  }

  private start(): NonNullable<SiteFileWriter['thread']> {
    const ctrl = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WRITER, { eval: true, workerData: { ctrl, back: port2 }, transferList: [port2] });
    worker.unref();
    // Its failures are reported through `back`; an error event (it could not even start) must not go unhandled,
    // and leaves `finish` waiting on nothing: counted as a failure.
    const state = new Int32Array(ctrl);
    const thread = { worker, back: port1, state, posted: 0, free: [], made: 0, error: null as Error | null, seen: -1, since: Date.now() };
    worker.on('error', (e) => {
      thread.error = new Error(`The site writing thread failed: ${(e as Error).message}`);
      Atomics.store(state, 1, 1);
      Atomics.store(state, 0, 1 << 30);
    });
    this.thread = thread;
    return thread;
  }

  /** Posts the batch being filled, if any, and takes a free buffer (waiting for the thread to give one back). */
  private nextBatch(): NonNullable<SiteFileWriter['batch']> {
    const t = this.thread ?? this.start();
    if (this.batch !== null) this.post();
    let buffer = t.free.pop();
    if (buffer === undefined && t.made < BUFFERS) {
      t.made++;
      buffer = new ArrayBuffer(BATCH);
    }
    while (buffer === undefined) {
      // Read before looking for a buffer: the thread gives one back before it counts, so a count that moves after
      // this read wakes the wait below.
      const seen = Atomics.load(t.state, 0);
      const m = receiveMessageOnPort(t.back);
      if (m) {
        buffer = this.receive(m.message);
      } else {
        this.wait(seen);
      }
    }
    this.batch = { buffer, bytes: Buffer.from(buffer), at: 0, files: [] };
    return this.batch;
  }

  private post(): void {
    const t = this.thread!;
    const b = this.batch!;
    this.batch = null;
    t.worker.postMessage({ buffer: b.buffer, files: b.files }, [b.buffer]);
    t.posted++;
  }
}
