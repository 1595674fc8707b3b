/**
 * A bundle's records read, parsed and merged while the bundle is still being verified. Verification leaves this
 * thread waiting for seconds (its digests are taken on two others); parsing 700k records and ranking the merged view
 * are seconds of work for this thread. Done meanwhile, they cost an ingest nothing once the bundle is verified.
 *
 * Nothing here is trusted: the bytes are read before their hashes, their signature or their signer are checked.
 * `prepareImport` uses what was made only when the verified bytes are found equal to these (manifest, data files and
 * ruleset), and the hub uses the view only while the merged items are still as `stateKey` names them. Anything that
 * goes wrong here gives null, and the import does everything after verification, as without it: a refusal comes in
 * its place in the verification's order, never from here.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import type { Db } from '../db/open';
import { readDirectory, readEntryAt } from './container';
import { DATA_FILES, LIMITS, MANIFEST, manifestSchema } from './format';
import { itemsOf, mergedStateKey, mergedView, prepareImport, type ImportOptions, type ImportPlan, type Speculation } from './merge';

/**
 * At most this many bytes are inflated ahead of the signature's check: a real exam's records are a few hundred MB.
 * A bundle declaring more is verified first, as without the read-ahead.
 */
const AHEAD_MAX_BYTES = 1024 ** 3;

/** `prepareImport` with the bundle's records parsed and merged while it is verified. */
export async function prepareImportAhead(db: Db, file: string, opts: Omit<ImportOptions, 'ahead'>): Promise<ImportPlan> {
  const cancel: Cancel = { cancelled: false };
  try {
    return await prepareImport(db, file, { ...opts, ahead: (f) => speculate(db, f, cancel) });
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

/** The manifest, data files and ruleset of `file` as its directory places them; null when they cannot be had. */
function readAhead(file: string): { manifestBytes: Buffer; files: Map<string, Buffer> } | null {
  const fd = openSync(file, 'r');
  try {
    const dir = readDirectory(fd, fstatSync(fd).size);
    if (dir.failure) return null;
    const byName = new Map(dir.entries.map((e) => [e.name, e]));
    const manifest = byName.get(MANIFEST);
    if (!manifest) return null;
    const manifestBytes = readEntryAt(fd, manifest, LIMITS.manifestBytes);
    const parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
    if (!parsed.success) return null;
    const wanted = [...Object.values(DATA_FILES), parsed.data.ruleset.path].flatMap((p) => byName.get(p) ?? []);
    if (wanted.reduce((n, e) => n + e.uncompressedSize, 0) > AHEAD_MAX_BYTES) return null;
    const files = new Map(wanted.map((e) => [e.name, readEntryAt(fd, e, LIMITS.entryBytes)]));
    return { manifestBytes, files };
  } finally {
    closeSync(fd);
  }
}

export async function speculate(db: Db, file: string, cancel: Cancel): Promise<Speculation | null> {
  try {
    // The verification starts its threads first: this thread's reading and parsing must not hold them back.
    await turn();
    if (cancel.cancelled) return null;
    const read = readAhead(file);
    if (!read) return null;
    const m = manifestSchema.parse(JSON.parse(read.manifestBytes.toString('utf8')));
    await turn();
    if (cancel.cancelled) return null;
    let items: Speculation['items'] = null;
    try {
      items = itemsOf(read.files);
    } catch {
      // Refused again after verification, in its place.
    }
    const rulesetBytes = read.files.get(m.ruleset.path);
    const speculation: Speculation = { ...read, items, view: null, stateKey: mergedStateKey(db, m.exam.code) };
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
