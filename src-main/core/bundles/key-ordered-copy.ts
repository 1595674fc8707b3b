/**
 * A deferred data file's copy in key order (merge.ts `keepInKeyOrder`), made from its bytes a piece at a time as
 * they are inflated, never from the whole file. At 100,000 candidates the score entries inflate to 120 MB: read ahead
 * whole, beside the records being parsed and the verification's threads, they were the hub's peak, and they grow with
 * the bundle (issue 18: memory flat in the bundle, records streamed end to end).
 *
 * The records are gathered into runs of at most `runBytes`, each put in key order. While every run's keys come at or
 * after the run before's, the runs are written one after the other into the copy itself: a workstation writes its
 * score entries in time order, and their ids are time-ordered, so the largest file needs no more. From the first run
 * that does not, the runs are written beside the copy (what was joined becomes the first of them) and then merged
 * into the copy (a run's records come before a later run's under one key, as they come in the file). The copy is
 * byte for byte what `keepInKeyOrder` writes from the whole file. Whatever this cannot read as Lentera writes it
 * (another layout, a record without its key, a line larger than a run) gives null and leaves no file: the caller
 * reads the file whole instead, and refuses it there, in its place.
 */
import { hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { renameSync, rmSync } from 'node:fs';
import { hasLetter } from '../publish/paths';
import { KeptWriter, keptRecords, keyOfLine, keyOrder, writeKept, type DeferredRecords } from './merge';

/** A run's bytes: at 100,000 candidates the score entries make 8 runs. */
const RUN_BYTES = 16 * 1024 * 1024;
/** What the merge reads ahead, all runs together. */
const MERGE_BYTES = 8 * 1024 * 1024;

const NL = 0x0a;
const COMMA = 0x2c;

export class KeyOrderedCopy {
  private buf: Buffer;
  private used = 0;
  /** where the line not yet ended starts in `buf` */
  private lineAt = 0;
  /** 'open': before "[" ; 'more': a record ending in a comma came last (or none yet); 'last': one without; 'closed': "]" read */
  private state: 'open' | 'more' | 'last' | 'closed' = 'open';
  private failed = false;
  private count = 0;
  /** whether a record's key has a letter (`DeferredRecords.lettered`) */
  private lettered = false;
  private run: { starts: number[]; ends: number[]; keys: string[]; digests: string[] } = { starts: [], ends: [], keys: [], digests: [] };
  private runs: { file: string; bytes: number; count: number }[] = [];
  /**
   * The copy itself while the runs so far came in key order (null before the first), with how many records it holds
   * and its last key; `joining` false once a run did not.
   */
  private joined: { writer: KeptWriter; count: number; last: string } | null = null;
  private joining = true;

  constructor(
    private readonly path: string,
    private readonly kind: string,
    private readonly file: string,
    runBytes = RUN_BYTES,
    /** each run's read-ahead in the merge (a test's small one moves lines across its blocks) */
    private readonly mergeBlock?: number,
  ) {
    this.buf = Buffer.allocUnsafe(runBytes);
  }

  /**
   * The file's next bytes. False once the file is found not to be read so, or a run cannot be written (the disk
   * full, say): nothing more is read then, and the file is read whole, as when a copy could not be written before.
   */
  push(chunk: Buffer): boolean {
    if (this.failed) return false;
    try {
      for (let at = 0; at < chunk.length; ) {
        if (this.used === this.buf.length) this.makeRoom();
        const n = chunk.copy(this.buf, this.used, at, Math.min(chunk.length, at + this.buf.length - this.used));
        this.scan(this.used, this.used + n);
        this.used += n;
        at += n;
      }
      return !this.failed;
    } catch {
      this.fail();
      return false;
    }
  }

  /**
   * The file ended: its records as a deferred file's, kept in key order in `file`, or null when they could not be
   * read or written so (no file is left then).
   */
  end(): DeferredRecords | null {
    if (this.failed) return null;
    try {
      // Nothing may follow "]" and its newline, and a file ends with them.
      if (this.state !== 'closed' || this.lineAt !== this.used) throw new NotRead();
      const { count } = this;
      this.endRun();
      if (this.joining) {
        const scratch = this.joined ? this.joined.writer.finish() : writeKept(this.file, () => {});
        this.joined = null;
        return { kind: this.kind, path: this.path, count, held: null, scratch, lettered: this.lettered };
      }
      const scratch = mergeRuns(this.runs, this.file, this.mergeBlock);
      return { kind: this.kind, path: this.path, count, held: null, scratch, lettered: this.lettered };
    } catch {
      this.fail();
      return null;
    } finally {
      this.dropRuns();
    }
  }

  /** Stops: what was written is removed. */
  abandon(): void {
    this.fail();
  }

  /** The runs removed; the copy is never left by a failed write (`writeKept`, `mergeRuns`). */
  private fail(): void {
    this.failed = true;
    this.joined?.writer.abandon();
    this.joined = null;
    this.dropRuns();
  }

  private dropRuns(): void {
    for (const r of this.runs) rmSync(r.file, { force: true });
    this.runs = [];
  }

  /** Reads the lines that end between `from` and `to` of `buf`. */
  private scan(from: number, to: number): void {
    for (let nl = this.buf.indexOf(NL, from); nl >= 0 && nl < to; nl = this.buf.indexOf(NL, nl + 1)) {
      this.line(this.lineAt, nl);
      this.lineAt = nl + 1;
    }
  }

  /** One whole line, `buf` from `start` to `end` (its newline). The layout is merge.ts `verbatimSpans`'s. */
  private line(start: number, end: number): void {
    const b = this.buf;
    const bracket = end - start === 1 && (b[start] === 0x5b || b[start] === 0x5d) ? b[start] : 0;
    if (this.state === 'open') {
      if (bracket !== 0x5b) throw new NotRead();
      this.state = 'more';
      return;
    }
    if (this.state === 'closed') throw new NotRead();
    if (bracket === 0x5d) {
      // "]" after the last record (none, or one ending in a comma: read whole, they are refused there)
      if (this.state !== 'last') throw new NotRead();
      this.state = 'closed';
      return;
    }
    // a record after the last one, or an empty line
    if (this.state === 'last' || end === start) throw new NotRead();
    const comma = b[end - 1] === COMMA;
    const stop = comma ? end - 1 : end;
    this.state = comma ? 'more' : 'last';
    const text = b.toString('utf8', start, stop);
    let key: string;
    try {
      key = keyOfLine(this.kind, text, this.path, this.count);
    } catch {
      throw new NotRead();
    }
    if (!this.lettered && hasLetter(key)) this.lettered = true;
    const r = this.run;
    r.starts.push(start);
    r.ends.push(stop);
    r.keys.push(key);
    // The digest is of the line as stored (its text, in UTF-8): of its bytes as they are, when they are UTF-8 already.
    r.digests.push(hash('sha256', isUtf8(b.subarray(start, stop)) ? b.subarray(start, stop) : text, 'hex'));
    this.count++;
  }

  /** `buf` is full: the run's records written, and the line not yet ended moved to its front. */
  private makeRoom(): void {
    // A line larger than a run: read whole instead.
    if (this.lineAt === 0) throw new NotRead();
    this.endRun();
    this.buf.copy(this.buf, 0, this.lineAt, this.used);
    this.used -= this.lineAt;
    this.lineAt = 0;
    this.run = { starts: [], ends: [], keys: [], digests: [] };
  }

  /** The run's records in key order: joined to the copy when they come at or after its last key, else a run's file. */
  private endRun(): void {
    const { starts, ends, keys, digests } = this.run;
    if (keys.length === 0) return;
    const order = keyOrder(keys);
    const put = (put: KeptWriter['put']) => {
      for (const i of order) put(`${digests[i]}${JSON.stringify(keys[i])}`, this.buf, starts[i], ends[i]);
    };
    const first = keys[order[0]!]!;
    if (this.joining && (this.joined === null || this.joined.last <= first)) {
      this.joined ??= { writer: new KeptWriter(this.file), count: 0, last: first };
      const { writer } = this.joined;
      put((head, data, start, end) => writer.put(head, data, start, end));
      this.joined.count += keys.length;
      this.joined.last = keys[order[order.length - 1]!]!;
      return;
    }
    if (this.joined) {
      // The runs joined so far are in key order: they are the first run, and every run from this one on is merged.
      const { writer, count } = this.joined;
      this.joined = null;
      this.joining = false;
      const { file, bytes } = writer.finish();
      const run = `${this.file}.run${this.runs.length}`;
      try {
        renameSync(file, run);
      } catch (e) {
        rmSync(file, { force: true });
        throw e;
      }
      this.runs.push({ file: run, bytes, count });
    }
    this.runs.push({ ...writeKept(`${this.file}.run${this.runs.length}`, put), count: keys.length });
  }
}

/** Not read a piece at a time: the caller reads the file whole. */
class NotRead extends Error {}

/**
 * The runs (each in key order, as `writeKept` wrote them) merged into `file`: by key, and under one key in the order
 * of the runs. Each run is read back through `keptRecords`, `size` bytes at a time.
 */
function mergeRuns(runs: readonly { file: string; bytes: number; count: number }[], file: string, size?: number): { file: string; bytes: number } {
  const block = size ?? Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(MERGE_BYTES / runs.length)));
  const refused = () => new Error('a run of the copy in key order is not as written');
  const readers: ReturnType<typeof keptRecords>[] = [];
  /** each run's record now first, and how many are left after it */
  const first: ReturnType<ReturnType<typeof keptRecords>['nextBytes']>[] = [];
  const left = runs.map((r) => r.count);
  let merged: { file: string; bytes: number } | null = null;
  try {
    for (const r of runs) readers.push(keptRecords(r, r.count, refused, block));
    const next = (i: number) => {
      if (left[i] === 0) return false;
      left[i]!--;
      first[i] = readers[i]!.nextBytes();
      return true;
    };
    // A heap of the runs by their first record's key (then by run), smallest first.
    const heap: number[] = [];
    const less = (a: number, b: number) => {
      const ka = first[a]![0];
      const kb = first[b]![0];
      return ka < kb || (ka === kb && a < b);
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) return;
        const c = l + 1 < heap.length && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
        if (!less(heap[c]!, heap[i]!)) return;
        [heap[c], heap[i]] = [heap[i]!, heap[c]!];
        i = c;
      }
    };
    runs.forEach((_, i) => {
      if (next(i)) heap.push(i);
    });
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    merged = writeKept(file, (put) => {
      while (heap.length > 0) {
        const [, head, line] = first[heap[0]!]!;
        put(head, line.block, line.start, line.end);
        if (!next(heap[0]!)) {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
        }
        down(0);
      }
    });
    for (const r of readers) r.done();
    return merged;
  } catch (e) {
    // Written, but a run was not as written: the copy is not kept. (A copy not written is none of ours to remove.)
    if (merged) rmSync(file, { force: true });
    throw e;
  } finally {
    for (const r of readers) r.close();
  }
}
