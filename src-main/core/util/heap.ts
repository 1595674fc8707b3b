/**
 * Full collections where the hub's ingest has just let go of most of what it held (issue 18: the hub's peak under
 * 500 MB whatever the size of one bundle).
 *
 * V8 starts a full collection when its old generation outgrows what the last one found live by a margin
 * (`server/hub-heap.ts` keeps that margin small). The ingest's phases leave their garbage there in one piece: the
 * verification's and the read-ahead's records once the commit has stored them, the deferred records once the
 * commit is done, about 100 MB at 100,000 candidates. Nothing the next phase does at its start grows the
 * generation past the margin, so that garbage was still held when the next phase's own allocations came on top of
 * it: the process's peak (up to 508 MB, sampled every 2 ms). A collection at those two points costs 0.15–0.2 s
 * each at 100,000 candidates, and is made only in a process that asked for it (the hub's), never on a workstation.
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
