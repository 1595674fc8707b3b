import { createHash, createVerify, type Verify } from 'node:crypto';
import { read } from 'node:fs';
import { crc32 } from 'node:zlib';
import { BundleRefused } from './refusal';
import { checkDescriptor, checkLocalHeader, descriptorLength, type EntryLayout } from './container';

/** Large reads: a bundle of 60,000 entries is a few thousand reads, not one stream per entry. */
export const SCAN_BLOCK = 4 * 1024 * 1024;

/** A stored (not compressed) entry's bytes as the pass saw them. */
export interface StoredDigest {
  sha256: string;
  crc32: number;
  size: number;
  /** its bytes, when the caller asked to keep them */
  bytes?: Buffer;
}

export interface Scan {
  /** fed every byte of the file before the seal: the seal is checked against it (seal.ts checkSealWith) */
  seal: Verify;
  /** every stored entry's sha256, CRC and size, by name */
  stored: Map<string, StoredDigest>;
}

function readAt(fd: number, buf: Buffer, position: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * The bytes [0, end) of the file in blocks, the next one read while the caller works on this one. A block is
 * valid until the caller asks for the one after the next: what it keeps, it copies.
 */
async function* blocks(fd: number, end: number): AsyncGenerator<Buffer> {
  const bufs = [Buffer.allocUnsafe(Math.min(SCAN_BLOCK, end)), Buffer.allocUnsafe(Math.min(SCAN_BLOCK, end))];
  let which = 0;
  let pos = 0;
  let pending: Promise<number> | null = end > 0 ? readAt(fd, bufs[0]!, 0, Math.min(SCAN_BLOCK, end)) : null;
  try {
    while (pending) {
      const n = await pending;
      pending = null;
      if (n <= 0) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The bundle ends too early: it is truncated.');
      const block = bufs[which]!.subarray(0, n);
      pos += n;
      which ^= 1;
      if (pos < end) pending = readAt(fd, bufs[which]!, pos, Math.min(SCAN_BLOCK, end - pos));
      yield block;
    }
  } finally {
    // The caller stopped early (a refusal): let the read in flight end before the file is closed.
    if (pending) await pending.catch(() => 0);
  }
}

/**
 * One sequential pass over a bundle whose central directory was read (container.ts readDirectory): every byte
 * before the seal goes to the seal's verifier; every entry's local header and data descriptor are checked against
 * its central record as they pass (the first that disagrees is thrown); every stored entry (the PDFs: most of a
 * bundle's bytes) is hashed and CRC'd on the way. Compressed entries are only sealed here: verify.ts inflates them
 * (a few data files) once the manifest says what they must be.
 */
export async function scanBundle(fd: number, entries: EntryLayout[], signedEnd: number, keep: (e: EntryLayout) => boolean): Promise<Scan> {
  const seal = createVerify('sha256');
  const stored = new Map<string, StoredDigest>();
  let i = 0;
  let phase = 'header' as 'header' | 'data' | 'descriptor';
  let need = entries.length ? 30 + entries[0]!.nameBytes.length : 0;
  let small: Buffer[] = [];
  let hash = createHash('sha256');
  let crc = 0;
  let kept = null as Buffer[] | null;

  const startData = (e: EntryLayout) => {
    phase = 'data';
    need = e.compressedSize;
    if (e.method === 0) {
      hash = createHash('sha256');
      crc = 0;
      kept = keep(e) ? [] : null;
    }
  };
  // Moves to the next part once the current one is complete (parts may be empty: an empty entry, no descriptor).
  const advance = () => {
    while (need === 0 && i < entries.length) {
      const e = entries[i]!;
      if (phase === 'header') {
        checkLocalHeader(e, small.length === 1 ? small[0]! : Buffer.concat(small));
        small = [];
        startData(e);
      } else if (phase === 'data') {
        if (e.method === 0) stored.set(e.name, { sha256: hash.digest('hex'), crc32: crc, size: e.compressedSize, ...(kept ? { bytes: Buffer.concat(kept) } : {}) });
        kept = null;
        phase = 'descriptor';
        need = descriptorLength(e);
      } else {
        if (small.length) checkDescriptor(e, Buffer.concat(small));
        small = [];
        i++;
        phase = 'header';
        need = i < entries.length ? 30 + entries[i]!.nameBytes.length : 0;
      }
    }
  };

  advance();
  for await (const block of blocks(fd, signedEnd)) {
    seal.update(block);
    let off = 0;
    while (off < block.length && i < entries.length) {
      const take = Math.min(need, block.length - off);
      const slice = block.subarray(off, off + take);
      if (phase !== 'data') small.push(Buffer.from(slice));
      else if (entries[i]!.method === 0) {
        hash.update(slice);
        crc = crc32(slice, crc);
        kept?.push(Buffer.from(slice));
      }
      off += take;
      need -= take;
      advance();
    }
  }
  if (i < entries.length) throw new BundleRefused('BUNDLE_NOT_ZIP', 'The bundle ends too early: it is truncated.');
  return { seal, stored };
}
