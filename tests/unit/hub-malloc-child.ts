// A process that frees large buffers, as a hub's ingest does, then takes a 1 MiB one; with "policy", set as the hub's
// process is. Prints whether that buffer got a mapping of its own (given back when freed) or came from malloc's heap.
import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { mallocAddon } from '../../src-main/server/hub-malloc';
import { keepHubHeapNearLive } from '../../src-main/server/hub-heap';

const m = mallocAddon();
if (!m) throw new Error('native/malloc is not built');
if (process.argv[2] === 'policy') keepHubHeapNearLive();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
// Blocks of 8 and 22 MiB, each mapped on its own and then freed: glibc raises its threshold to their size.
for (const size of [8 << 20, 22 << 20]) {
  Buffer.alloc(size, 1);
  gc();
  // V8 may free a buffer's memory on another thread, just after the collection.
  await sleep(100);
}
const before = m.mmapped();
const held = Buffer.alloc(1 << 20, 1);
process.stdout.write(`${JSON.stringify({ ownMapping: m.mmapped() - before >= held.length })}\n`);
