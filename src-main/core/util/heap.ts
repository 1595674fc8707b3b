/**
 * Full collections where the hub's ingest has just let go of most of what it held (issue 18: the hub's peak under
 * 500 MB whatever the size of one bundle).
 *
 * V8 starts a full collection when its old generation outgrows what the last one found live by a margin
 * (`server/hub-heap.ts` keeps that margin small), and goes on allocating while it marks. The ingest's phases leave
 * their garbage there in one piece, and the next phase's allocations came on top of it: the read-ahead's under the
 * view ranked ahead (up to 514 MB, sampled every 2 ms), the verification's and the ranking's under the commit's rows,
 * the deferred records' under the log's leaves (up to 508 MB). A collection at each of those three points
 * (`bundles/ahead.ts`, `publish/publisher.ts`) costs 0.1–0.2 s at 100,000 candidates, and is made only in a process
 * that asked for it (the hub's), never on a workstation.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** This process collects in full at every `phaseLetGo` from now on. */
export function collectWhenPhasesLetGo(): void {
  if (collect) return;
  // V8 gives `gc` to contexts made after the flag is set; the process's own context was made before it.
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as () => void;
}

/** A phase has let go of most of what it held: collected now where the process asked for it, else nothing. */
export function phaseLetGo(): void {
  collect?.();
}
