import { createInterface } from 'node:readline';
import { userInfo } from 'node:os';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Text to stdout as it is (no newline added), for output too big to hold as one string (cli/json-stream.ts);
   * the promise, when there is one, says when the stream can take more. Without it, output goes through `out`.
   */
  write?(chunk: string): void | Promise<void>;
  /** Like `write`, for output already encoded as UTF-8 (cli/json-stream.ts lays big answers out as bytes). */
  writeBytes?(chunk: Uint8Array): void | Promise<void>;
  /**
   * Whether every byte given to `writeBytes` so far has left the process, none of it held in a queue: the caller
   * may then fill its buffers again. Without it, the caller never does.
   */
  bytesWritten?(): boolean;
  /** Asks for a secret; never echoes it on a terminal. */
  askSecret(prompt: string): Promise<string>;
  osUser: string;
}

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, SCHEMA_TOO_NEW: 3 } as const;

function readSecret(prompt: string): Promise<string> {
  return new Promise((resolveSecret, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY });
    const muted = rl as unknown as { _writeToOutput?: (s: string) => void };
    if (process.stdin.isTTY) {
      process.stderr.write(prompt);
      muted._writeToOutput = () => {};
    }
    rl.question(process.stdin.isTTY ? '' : '', (answer) => {
      if (process.stdin.isTTY) process.stderr.write('\n');
      rl.close();
      resolveSecret(answer.trim());
    });
    rl.on('error', reject);
    rl.on('close', () => resolveSecret(''));
  });
}

/**
 * Resolves once `stream` takes writes again. Rejects when it is gone (a closed pipe, EPIPE): waiting for a drain
 * that never comes would end the process with status 0 and half an answer, its database left open.
 */
function drained(stream: NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean }): Promise<void> {
  const gone = () => new Error('standard output was closed before the whole answer was written');
  if (stream.destroyed || stream.writableEnded) return Promise.reject(gone());
  return new Promise((resolveDrain, reject) => {
    const off = () => stream.off('drain', drained).off('close', closed).off('error', closed);
    const drained = () => {
      off();
      resolveDrain();
    };
    const closed = () => {
      off();
      reject(gone());
    };
    stream.on('drain', drained).on('close', closed).on('error', closed);
  });
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  write: (t) => (process.stdout.write(t) ? undefined : drained(process.stdout)),
  writeBytes: (b) => (process.stdout.write(b) ? undefined : drained(process.stdout)),
  // A write the stream finished at once (a file, /dev/null, a pipe the kernel took it all from) is no longer
  // counted; one queued, or still being written by libuv (an async pipe write), is, and holds its buffer.
  bytesWritten: () => process.stdout.writableLength === 0,
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  askSecret: readSecret,
  osUser: (() => {
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? 'unknown';
    }
  })(),
};
