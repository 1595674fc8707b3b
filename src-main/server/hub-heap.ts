/**
 * The hub's garbage collector kept close to what is live (issue 18: hub peak memory under 500 MB whatever the size
 * of one bundle).
 *
 * V8 lets its old generation grow to as much as four times what the last full collection found live before it
 * collects again. A 100,000-candidate ingest holds under 320 MB live at any moment, yet peaked at 1.2 GB resident:
 * the rest was garbage the collector had been allowed to leave. With growth capped at a quarter over the live
 * set, the same ingest and two site writes peak at 680–800 MB, for about 0.5 s more of full collections in each
 * (measured in docs/performance.md, "The hub's memory"). The ingest also collects in full where its phases let go
 * of what they held (`core/util/heap.ts`).
 */
import { setFlagsFromString } from 'node:v8';
import { collectWhenPhasesLetGo } from '../core/util/heap';
import { keepLargeBuffersMapped } from './hub-malloc';

/** How far, in per cent, the old generation may grow past what the last full collection found live. */
export const HUB_HEAP_GROWING_PERCENT = 25;

/** Applies the hub's heap policy to this process: its server, `lentera hub publish`, and the benches of the hub. */
export function keepHubHeapNearLive(percent = HUB_HEAP_GROWING_PERCENT): void {
  // A heuristic V8 reads at every full collection, so it holds from the next one on.
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  collectWhenPhasesLetGo();
  // And what V8 lets go outside its heap (the ingest's buffers) given back, not kept by malloc (hub-malloc.ts).
  keepLargeBuffersMapped();
}
