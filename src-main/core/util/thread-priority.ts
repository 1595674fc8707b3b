import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/**
 * On Linux a thread has its own nice value: the calling thread (and the threads it starts, which inherit it) yields
 * the CPU to the main thread that answers the windows, which matters on a two-core venue laptop. Elsewhere the
 * thread keeps the process's priority.
 */
export function yieldToMainThread(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid !== process.pid) setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not allowed or not available: the thread simply runs at the process's priority.
  }
}
