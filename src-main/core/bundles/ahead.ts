/**
 * A bundle's records read, parsed and merged while the bundle is still being verified. Verification leaves this
 * thread waiting for seconds (its digests are taken on two others); parsing 700k records and ranking the merged view
 * are seconds of work for this thread. Done meanwhile, they cost an ingest nothing once the bundle is verified.
 *
 * It starts only once the manifest's signature verified and its signer is registered here: nobody else can make
 * this thread inflate and parse anything. The records' bytes are still read before their hashes are checked.
 * `prepareImport` uses what was made only when the verified bytes are found equal to these (the data files and the
 * ruleset the same signed manifest lists), and the hub uses the view only while the merged items are still as
 * `stateKey` names them. Its bytes are let go once parsed, and their hashes kept: the verification, which then keeps
 * no copy of them either, checks the same hashes against the signed manifest. Anything that goes wrong here gives null, and the import does everything after
 * verification, as without it: a refusal comes in its place in the verification's order, never from here.
 */
import { closeSync, openSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import type { Db } from '../db/open';
import { sha256Hex } from '../util/hash';
import { phaseLetGo } from '../util/heap';
import type { Manifest } from './format';
import { readEntryAt, streamEntryAt } from './container';
import { KeyOrderedCopy } from './key-ordered-copy';
import { listedEntries } from './listed-entries';
import type { PendingItem } from './merged-rows';
import { deferredKind, dropScratch, keepInKeyOrder, keepItemsInKeyOrder, keptRecords, mergedStateKey, mergedView, prepareImport, readRecords, scratchFor, takesNextPlace, type ImportOptions, type ImportPlan, type Records, type Speculation } from './merge';

/**
 * At most this many bytes are read and inflated ahead of the hashes' check: a real exam's records are a few hundred
 * MB. A bundle with more is verified first, as without the read-ahead.
 */
const AHEAD_MAX_BYTES = 1024 ** 3;

/** `prepareImport` with the bundle's records parsed and merged while it is verified. */
export async function prepareImportAhead(db: Db, file: string, opts: Omit<ImportOptions, 'ahead'>): Promise<ImportPlan> {
  const cancel: Cancel = { cancelled: false };
  try {
    return await prepareImport(db, file, {
      ...opts,
      ahead: (f, m) => speculate(db, f, m, cancel),
      stopAhead: () => {
        cancel.cancelled = true;
      },
    });
  } finally {
    // Refused, or done: what is left of the read-ahead is skipped.
    cancel.cancelled = true;
  }
}

/** Set once the import no longer wants the read-ahead: what is left of it is skipped. */
export interface Cancel {
  cancelled: boolean;
}

/** Keys with a surrogate may be stored as another text (a lone one becomes U+FFFD): such a bundle is not read ahead. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The records of one kind a view reads, kept in key order beside the staged copy as soon as their file is read, as
 * the deferred files' are: they are then only read back, a kind at a time, for the view ranked ahead, and stored
 * from there at the commit. Held whole until then they were the largest part of an ingest's memory (at 100,000
 * candidates 200,000 records, about 80 MB, beside the view being ranked). Held still when not staged, or when the
 * copy cannot be written.
 */
function keepReadItems(staged: string, records: Records, from: number): void {
  const items = records.items.slice(from);
  if (items.length === 0) return;
  const scratch = scratchFor(staged, records.deferred.length);
  if (!scratch) return;
  try {
    records.deferred.push(keepItemsInKeyOrder(items, items[0]!.kind, scratch));
  } catch {
    return;
  }
  records.items.splice(from);
}

/** The items of `kind` for a view: those held, and those kept in key order read back. */
function itemsOfKind(records: Records, kind: string): PendingItem[] {
  const out: PendingItem[] = records.items.filter((i) => i.kind === kind);
  for (const d of records.deferred) {
    if (d.kind !== kind || !d.scratch) continue;
    const kept = keptRecords(d.scratch, d.count, () => new Error(`the copy of ${d.path} is not as written`));
    try {
      for (let n = 0; n < d.count; n++) {
        const [key, , body] = kept.next();
        out.push({ kind, key, body });
      }
      kept.done();
    } finally {
      kept.close();
    }
  }
  return out;
}

/**
 * `eachListed` for the read-ahead: a data file whose records only the commit reads is not inflated whole but made
 * into its copy in key order as it is inflated (key-ordered-copy.ts), added to `records`; any other file, or one that
 * cannot be read so, is handed to `take` whole (read by `readWhole`). Null as `eachListed`, or once cancelled.
 */
export async function readAhead(file: string, m: Manifest, records: Records, cancel: Cancel, take: (path: string, data: Buffer) => void, readWhole = readEntryAt): Promise<Map<string, string> | null> {
  const fd = openSync(file, 'r');
  try {
    const wanted = listedEntries(fd, m, AHEAD_MAX_BYTES);
    if (!wanted) return null;
    const sha256 = new Map<string, string>();
    for (const { path, entry } of wanted) {
      if (cancel.cancelled) return null;
      const kind = deferredKind(path);
      const scratch = kind && scratchFor(file, records.deferred.length);
      if (kind && scratch) {
        const copy = new KeyOrderedCopy(path, kind, scratch);
        let kept: ReturnType<KeyOrderedCopy['end']> = null;
        try {
          const sha = await streamEntryAt(file, entry, (chunk) => copy.push(chunk) && !cancel.cancelled);
          kept = sha === null ? null : copy.end();
          if (kept) {
            records.deferred.push(kept);
            sha256.set(path, sha!);
            continue;
          }
        } finally {
          if (!kept) copy.abandon();
        }
        if (cancel.cancelled) return null;
      }
      const data = readWhole(fd, entry, entry.uncompressedSize);
      sha256.set(path, sha256Hex(data));
      take(path, data);
    }
    return sha256;
  } finally {
    closeSync(fd);
  }
}

/** What can be made of `file`'s records before its verification ends, from its manifest (signature verified). */
export async function speculate(db: Db, file: string, m: Manifest, cancel: Cancel): Promise<Speculation | null> {
  const records: Records = { items: [], deferred: [] };
  let handedOver = false;
  try {
    if (SURROGATE.test(m.workstation.id)) return null;
    // One that does not take the next place in its workstation's chain is "unchanged" (sent again) or refused:
    // nothing it holds will be ranked.
    if (!takesNextPlace(db, m)) return null;
    // A turn first: the verification goes on to await its threads before this thread is taken.
    await turn();
    if (cancel.cancelled) return null;
    // Each file parsed as it is read, and its bytes let go: no more than one is held (at 100,000 candidates the
    // candidates' 22 MB; the score entries' 120 MB and the results' 55 MB only the commit reads, and they are made
    // into their copies in key order a piece at a time, never held whole).
    let items: Speculation['items'] = records;
    let rulesetBytes: Buffer | undefined;
    let surrogate = false;
    const sha256 = await readAhead(file, m, records, cancel, (path, data) => {
      if (path === m.ruleset.path) rulesetBytes = data;
      if (items === null) return;
      const deferred = records.deferred.length;
      const itemsBefore = records.items.length;
      let spans: ReturnType<typeof readRecords>;
      try {
        spans = readRecords(path, data, {}, records);
      } catch {
        // Refused again after verification, in its place.
        items = null;
        return;
      }
      for (let i = itemsBefore; i < records.items.length && !surrogate; i++) surrogate = SURROGATE.test(records.items[i]!.key);
      if (!spans) {
        keepReadItems(file, records, itemsBefore);
        return;
      }
      // A file only the commit reads that `readAhead` could not keep a piece at a time (a line larger than a run):
      // kept in the order it stores it from its whole bytes, instead of being read again from the bundle at the
      // commit (at 100,000 candidates 195 MB inflated and hashed).
      const scratch = scratchFor(file, deferred);
      if (scratch) {
        try {
          keepInKeyOrder(data, records.deferred[deferred]!, spans, scratch);
        } catch {
          // Not kept: the commit reads the file again from the bundle, as without the copy.
        }
      }
    });
    if (!sha256) return null;
    await turn();
    if (cancel.cancelled) return null;
    const speculation: Speculation = { sha256, items, view: null, stateKey: mergedStateKey(db, m.exam.code) };
    // From here its copies in key order are the caller's (`Speculation.items`), or there are none.
    handedOver = items !== null;
    // Only the kinds a view reads are compared with stored rows by key.
    if (!items || !rulesetBytes || surrogate) return speculation;
    await turn();
    if (cancel.cancelled) {
      handedOver = false;
      return null;
    }
    // Read again after the turn: the view is of the merged items as this key names them.
    speculation.stateKey = mergedStateKey(db, m.exam.code);
    // The read-ahead's garbage goes before the view is ranked on top of it (the hub's peak: core/util/heap.ts).
    phaseLetGo();
    try {
      speculation.view = mergedView(db, m.exam.code, { workstation: m.workstation.id, exam: m.exam, ruleset: { sha256: m.ruleset.sha256, text: rulesetBytes.toString('utf8') }, items: (kind) => itemsOfKind(records, kind) });
    } catch {
      // Ranked after the commit instead (an unreadable ruleset is refused there, in its place).
    }
    return speculation;
  } catch {
    handedOver = false;
    return null;
  } finally {
    if (!handedOver) dropScratch(records.deferred);
  }
}
