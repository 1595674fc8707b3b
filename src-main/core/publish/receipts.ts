import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { sha256Hex } from '../util/hash';
import { slug } from './paths';
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
 * Where each candidate's receipt goes under the folder handed out: a folder per exam, a file per candidate
 * (`<exam>/tanda-terima-<nomor>.json`), each code made one safe path segment by `slug`, which no two codes share.
 * A receipt holds its candidate's salt, so no two candidates may ever share a file. Joined into one name
 * ("tanda-terima-EXAM-NOMOR"), exam SKB with nomor 2-0001 and exam SKB-2 with nomor 0001 did, and the second
 * overwrote the first. A disk that ignores case (Windows, macOS) would also take AB01 and ab01 for one file: such
 * names, and only they, also carry the start of their code's sha256.
 */
export function receiptPaths(candidates: readonly LoggedCandidate[]): string[] {
  const plain = candidates.map((c) => `${slug(c.exam)}/tanda-terima-${slug(c.nomor)}.json`);
  const seen = new Map<string, number>();
  for (const p of plain) seen.set(p.toLowerCase(), (seen.get(p.toLowerCase()) ?? 0) + 1);
  return plain.map((p, i) => {
    if (seen.get(p.toLowerCase())! === 1) return p;
    const c = candidates[i]!;
    return `${slug(c.exam)}/tanda-terima-${slug(c.nomor)}-${sha256Hex(Buffer.from(`${c.exam}\n${c.nomor}`)).slice(0, 12)}.json`;
  });
}

/**
 * Every logged candidate's receipt against the newest checkpoint, one JSON file each (`receiptPaths`), to hand
 * out; returns how many were written.
 */
export function writeReceipts(p: Publisher, dir: string): number {
  const candidates = loggedCandidates(p.db);
  const paths = receiptPaths(candidates);
  let n = 0;
  candidates.forEach((c, i) => {
    const r = p.log.receipt(c.exam, c.nomor);
    if (!r) return;
    const file = join(dir, paths[i]!);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
    n++;
  });
  return n;
}
