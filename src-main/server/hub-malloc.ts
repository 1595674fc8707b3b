/**
 * glibc's malloc kept from holding on to the ingest's large buffers (issue 18: the hub's peak under 500 MB).
 *
 * glibc gives a block of 128 KiB or more a mapping of its own, returned to the system when it is freed, but raises
 * that size (up to 32 MiB) to that of each such block freed. A 100,000-candidate ingest frees blocks of 4 to 22 MB
 * from its first seconds (counted by strace), and from then on every buffer up to that size came from malloc's heaps, where
 * what is freed stays in the process: 40–90 MB of the main thread's heap and 37–48 MB of the other threads' at the
 * hub's first peak, in the built `lentera publish` of 100,000 candidates (docs/performance.md). The threshold is set
 * back and fixed through `native/malloc` (mallopt, as MALLOC_MMAP_THRESHOLD_ does from the environment, which a
 * process cannot set for itself), built by `npm install` (scripts/build-native.mjs). Without it (not built, not
 * glibc) the hub runs as before.
 */
import { createRequire } from 'node:module';

/** `native/malloc`'s calls. */
export interface MallocAddon {
  /** mallopt(M_MMAP_THRESHOLD): true when glibc took it */
  mmapThreshold(bytes: number): boolean;
  /** the bytes held in blocks of their own mapping (mallinfo2's hblkhd), -1 where unknown */
  mmapped(): number;
}

/** glibc's own starting threshold, kept from moving. */
export const HUB_MMAP_THRESHOLD = 128 * 1024;

let addon: MallocAddon | null | undefined;

/** The addon, or null where it was not built or cannot load here. */
export function mallocAddon(): MallocAddon | null {
  if (addon === undefined) {
    try {
      // Two folders up from here and from the built chunk (out/main) alike: the project's folder.
      addon = createRequire(import.meta.url)('../../native/malloc/build/Release/lentera_malloc.node') as MallocAddon;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/** Large buffers given their own mappings from now on, whatever is freed: true when glibc took the setting. */
export function keepLargeBuffersMapped(): boolean {
  return mallocAddon()?.mmapThreshold(HUB_MMAP_THRESHOLD) ?? false;
}
