/**
 * One round of a witness (c2sp.org/tlog-witness, without its HTTP protocol): read the log's latest checkpoint, check
 * it is signed by the log's pinned key and consistent with the last head this witness cosigned (a consistency proof
 * computed from the log's tiles), then cosign it. A witness never cosigns a head that is smaller than, or forks
 * from, one it cosigned before: that refusal is the whole point of having one.
 */
import { cosign, type Witness } from './cosignature';
import { fromHex, toHex } from './merkle';
import { checkpointText, openCheckpoint } from './signed-note';
import { extendsHead, type TileFetch } from './tiles';

export interface WitnessedHead {
  origin: string;
  size: number;
  /** hex */
  root: string;
}

export type WitnessRound =
  | { ok: true; head: WitnessedHead; text: string; line: string }
  | { ok: false; code: 'NO_CHECKPOINT' | 'NOT_SIGNED' | 'ROLLBACK' | 'FORK' | 'TILES'; reason: string; head?: WitnessedHead };

export async function witnessRound(opts: {
  witness: Witness;
  sign: (message: Uint8Array) => Uint8Array;
  /** the log's pinned Ed25519 key, 32 raw bytes */
  logKey: Uint8Array;
  fetch: TileFetch;
  /** the last head this witness cosigned for this log, if any */
  last: WitnessedHead | null;
  /** seconds since 1970 */
  now: number;
}): Promise<WitnessRound> {
  let note: Uint8Array | null;
  try {
    note = await opts.fetch('checkpoint');
  } catch (e) {
    return { ok: false, code: 'NO_CHECKPOINT', reason: `the log's checkpoint cannot be read: ${(e as Error).message}` };
  }
  if (!note) return { ok: false, code: 'NO_CHECKPOINT', reason: 'the log serves no checkpoint yet' };
  const opened = openCheckpoint(note, opts.logKey);
  // Only the three lines a witness vouches for, exactly as the log would write them: nothing else is cosigned.
  if (!opened.ok || opened.text !== checkpointText(opened.head.origin, opened.head.size, opened.head.root)) {
    return { ok: false, code: 'NOT_SIGNED', reason: `the checkpoint is not one the pinned log key signed${!opened.ok ? ` (${opened.reason})` : ''}` };
  }
  const { head: parsed, text } = opened;
  const head = { origin: parsed.origin, size: parsed.size, root: toHex(parsed.root) };
  const last = opts.last;
  if (last && last.origin !== head.origin) return { ok: false, code: 'FORK', reason: `the log now calls itself ${head.origin}, not ${last.origin}`, head };
  if (last) {
    let verdict: Awaited<ReturnType<typeof extendsHead>>;
    try {
      verdict = await extendsHead(opts.fetch, { size: last.size, root: fromHex(last.root) }, parsed);
    } catch (e) {
      return { ok: false, code: 'TILES', reason: `the log's tiles cannot be read to prove consistency: ${(e as Error).message}`, head };
    }
    if (verdict === 'rollback') return { ok: false, code: 'ROLLBACK', reason: `the log's checkpoint (size ${head.size}) is smaller than the one this witness cosigned (size ${last.size}): it was rolled back`, head };
    if (verdict === 'fork') return { ok: false, code: 'FORK', reason: `the log's checkpoint (size ${head.size}) does not extend the one this witness cosigned (size ${last.size}, root ${last.root}): the log forked`, head };
  }
  return { ok: true, head, text, line: cosign(text, opts.witness, opts.now, opts.sign) };
}
