/**
 * A bundle's records read, parsed and merged while the bundle is still being verified. Verifying a bundle of
 * gigabytes keeps the disk busy for seconds and this thread mostly waiting; parsing 700k records and ranking the
 * merged view are seconds of work for this thread. Done meanwhile, they cost an ingest nothing once verified.
 *
 * Nothing here is trusted: the bytes are read before their hashes, their signature or their signer are checked.
 * `prepareImport` uses what was made only when the verified bytes are found equal to these (manifest, data files and
 * ruleset), and the hub uses the view only while the merged items are still as `stateKey` names them. Anything that
 * goes wrong here gives null, and the import does everything after verification, as without it: a refusal comes in
 * its place in the verification's order, never from here.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { Db } from '../db/open';
import { DATA_FILES, LIMITS, MANIFEST, manifestSchema } from './format';
import { itemsOf, mergedStateKey, mergedView, prepareImport, type ImportOptions, type ImportPlan, type Speculation } from './merge';
import { openBundle, readEntry } from './verify';

/** `prepareImport` with the bundle's records parsed and merged while it is verified. */
export async function prepareImportAhead(db: Db, file: string, opts: Omit<ImportOptions, 'ahead'>): Promise<ImportPlan> {
  const cancel: Cancel = { cancelled: false };
  try {
    return await prepareImport(db, file, { ...opts, ahead: speculate(db, file, cancel) });
  } finally {
    // A refused bundle: what is left of the speculation is skipped.
    cancel.cancelled = true;
  }
}

/** Set once the import no longer wants the speculation (refused, or done): what is left of it is skipped. */
export interface Cancel {
  cancelled: boolean;
}

/** Keys with a surrogate may be stored as another text (a lone one becomes U+FFFD): such a bundle is not speculated on. */
const SURROGATE = /[\uD800-\uDFFF]/;

export async function speculate(db: Db, file: string, cancel: Cancel): Promise<Speculation | null> {
  try {
    const b = await openBundle(file);
    let manifestBytes: Buffer;
    const files = new Map<string, Buffer>();
    let parsed;
    try {
      manifestBytes = await readEntry(b, MANIFEST, LIMITS.manifestBytes);
      parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
      if (!parsed.success) return null;
      for (const path of [...Object.values(DATA_FILES), parsed.data.ruleset.path]) {
        if (cancel.cancelled) return null;
        if (b.entries.has(path)) files.set(path, await readEntry(b, path, LIMITS.entryBytes));
      }
    } finally {
      b.close();
    }
    const m = parsed.data;
    // A turn for the verification between the long steps.
    await turn();
    if (cancel.cancelled) return null;
    let items: Speculation['items'] = null;
    try {
      items = itemsOf(files);
    } catch {
      // Refused again after verification, in its place.
    }
    const rulesetBytes = files.get(m.ruleset.path);
    const stateKey = mergedStateKey(db, m.exam.code);
    const speculation: Speculation = { manifestBytes, files, items, view: null, stateKey };
    if (!items || !rulesetBytes || items.some((i) => SURROGATE.test(i.key))) return speculation;
    await turn();
    if (cancel.cancelled) return null;
    // Read again after the turn: the view is of the merged items as this key names them.
    speculation.stateKey = mergedStateKey(db, m.exam.code);
    try {
      speculation.view = mergedView(db, m.exam.code, { workstation: m.workstation.id, exam: m.exam, ruleset: { sha256: m.ruleset.sha256, text: rulesetBytes.toString('utf8') }, items });
    } catch {
      // Ranked after the commit instead (an unreadable ruleset is refused there, in its place).
    }
    return speculation;
  } catch {
    return null;
  }
}
