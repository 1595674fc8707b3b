import { setImmediate as turn } from 'node:timers/promises';
import { checkLocalHeaders, readExactly, type EntryLayout, type Source } from './container';

/** A stored (not compressed) entry as the walk saw it; its digests are taken on other threads (digests-aside.ts). */
export interface StoredEntry {
  size: number;
  /** its bytes, when the caller asked to keep them */
  bytes?: Buffer;
}

export interface Scan {
  /** every stored entry's size (and kept bytes), by name */
  stored: Map<string, StoredEntry>;
}

/** Entries checked between two turns of the event loop: a hub keeps answering while it verifies 60,000. */
const PER_TURN = 2000;

/**
 * Walks a bundle whose central directory was read (container.ts readDirectory, which already placed every entry
 * right after the one before and the last right before the directory): every entry's local header and data
 * descriptor are checked against its central record, in file order (the first that disagrees is thrown), unless the
 * digests' thread compares them (`headersAside`), and the stored entries asked for are kept. The data in between is
 * not read here: its digests (every stored entry's sha256 and CRC, the seal's) are taken on other threads
 * (digests-aside.ts), and verify.ts inflates the compressed entries (a few data files) once the manifest says what
 * they must be.
 */
export async function scanBundle(fd: Source, entries: EntryLayout[], keep: (e: EntryLayout) => boolean, headersAside = false): Promise<Scan> {
  // Else compared on the digests' thread (container.ts expectedStructure), which reads past them anyway.
  if (!headersAside) {
    for (let from = 0; from < entries.length; from += PER_TURN) {
      if (from > 0) await turn();
      checkLocalHeaders(fd, entries, Math.min(from + PER_TURN, entries.length), from);
    }
  }
  const stored = new Map<string, StoredEntry>();
  for (const e of entries) if (e.method === 0) stored.set(e.name, { size: e.compressedSize, ...(keep(e) ? { bytes: readExactly(fd, e.dataStart, e.compressedSize) } : {}) });
  return { stored };
}
