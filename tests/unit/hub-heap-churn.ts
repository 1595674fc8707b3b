// A process that holds a live set and churns through objects that live long enough to reach the old generation,
// as a hub's ingest does; with "policy", set as the hub's process is. Prints the old generation's peak heap size.
import { getHeapStatistics } from 'node:v8';
import { keepHubHeapNearLive } from '../../src-main/server/hub-heap';

if (process.argv[2] === 'policy') keepHubHeapNearLive();
const live: unknown[] = [];
for (let i = 0; i < 300_000; i++) live.push({ a: i, b: `x${i}`, c: [i, i + 1] });
let peak = 0;
const ring: unknown[][] = [[], [], [], []];
for (let round = 0; round < 200; round++) {
  const batch: unknown[] = [];
  for (let i = 0; i < 20_000; i++) batch.push({ r: round, i, s: `y${round}-${i}`, t: [i] });
  ring[round % 4] = batch;
  peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
process.stdout.write(`${JSON.stringify({ peakMb: peak / 1048576, held: live.length + ring.length })}\n`);
