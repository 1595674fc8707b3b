import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import type { Publisher } from './publisher';

/** A candidate with at least one result in the hub's log. */
export interface LoggedCandidate {
  exam: string;
  nomor: string;
}

export function loggedCandidates(db: Db): LoggedCandidate[] {
  // Record leaves (sanggah, laporan, pengumuman) keep their key ("sanggah:SGH-…") in nomor_peserta: not candidates.
  return sql(db, "SELECT DISTINCT exam_code AS exam, nomor_peserta AS nomor FROM ledger_leaves WHERE kind = 'hasil' ORDER BY exam_code, nomor_peserta").all() as LoggedCandidate[];
}

/**
 * Every logged candidate's receipt against the newest checkpoint, one JSON file each
 * (tanda-terima-EXAM-NOMOR.json), to hand out; returns how many were written.
 */
export function writeReceipts(p: Publisher, dir: string): number {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const c of loggedCandidates(p.db)) {
    const r = p.log.receipt(c.exam, c.nomor);
    if (!r) continue;
    writeFileSync(join(dir, `tanda-terima-${c.exam}-${c.nomor}.json`), `${JSON.stringify(r, null, 2)}\n`);
    n++;
  }
  return n;
}
