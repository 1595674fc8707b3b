import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { chainHead } from '../audit/chain';
import { rank, type RankedCandidate } from '../ranking/engine';
import { gatherFacts } from '../ranking/inputs';
import { loadRuleset } from '../ranking/rulesets';
import { maskNik } from '../roster/fields';
import { isLenteraError, LenteraError } from '../util/errors';
import type { UnlockedIdentity } from '../keys/identities';
import { renderResultSheet, resultDigest, type SheetData } from './result-sheet';
import { receiptFor } from '../bundles/outbox';
import { signPdf } from './sign';
import { minutesData, renderMinutes } from './minutes';
import { fileSystemRefusal } from '../util/fs-errors';

export interface SheetJob {
  examId: string;
  outDir: string;
  session?: string;
  only?: string[];
  signer: UnlockedIdentity;
  onProgress?: (done: number, total: number, nomor: string) => void;
  signal?: AbortSignal;
}

/** Everything a sheet shows, for every candidate whose results are complete (not BL). */
export function sheetInputs(db: Db, examId: string, filter: { session?: string; only?: string[] } = {}) {
  const exam = sql(db, 'SELECT code, name, agency, year, ruleset FROM exams WHERE id = ?').get(examId) as { code: string; name: string; agency: string; year: number; ruleset: string };
  const loaded = loadRuleset(exam.ruleset);
  const facts = gatherFacts(db, examId, loaded.ruleset);
  let results = rank(loaded.ruleset, facts.formations, facts.candidates);
  if (filter.session) {
    const listed = new Set(sql(db, 'SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.exam_id = ? AND s.code = ?').pluck().all(examId, filter.session) as string[]);
    if (!listed.size) throw new LenteraError('NOT_FOUND', `No session "${filter.session}" with candidates in this exam.`, { session: filter.session });
    results = results.filter((r) => listed.has(r.nomor_peserta));
  }
  if (filter.only) {
    const wanted = new Set(filter.only);
    const missing = filter.only.filter((n) => !results.some((r) => r.nomor_peserta === n));
    if (missing.length) throw new LenteraError('UNKNOWN_CANDIDATE', `No candidate ${missing.join(', ')} in this exam.`, { missing });
    results = results.filter((r) => wanted.has(r.nomor_peserta));
    const incomplete = results.filter((r) => r.status === 'BL');
    if (incomplete.length) {
      throw new LenteraError('NO_FINAL_RESULT', `${incomplete.map((r) => r.nomor_peserta).join(', ')} has no final result yet (${incomplete[0]!.reason}); no sheet was made.`, { nomorPeserta: incomplete.map((r) => r.nomor_peserta) });
    }
  }
  const people = new Map(
    (sql(db, 'SELECT nomor_peserta, nama, nik, kategori FROM candidates WHERE exam_id = ?').all(examId) as { nomor_peserta: string; nama: string; nik: string; kategori: string }[]).map((c) => [c.nomor_peserta, c]),
  );
  const formations = new Map((sql(db, 'SELECT code, position, unit, quota FROM formations WHERE exam_id = ?').all(examId) as SheetData['formation'][]).map((f) => [f.code, f]));
  const stageNames = Object.fromEntries((sql(db, 'SELECT code, name FROM stages WHERE exam_id = ?').all(examId) as { code: string; name: string }[]).map((s) => [s.code, s.name]));
  const head = chainHead(db);
  // The facts' own time: the last audited change. Re-running with nothing changed gives the same sheet.
  const asOf = (sql(db, 'SELECT at FROM audit_events WHERE seq = ?').pluck().get(head.seq) as string | undefined) ?? new Date(0).toISOString();
  return {
    exam,
    ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256 },
    head,
    asOf: new Date(asOf),
    results: results.filter((r) => r.status !== 'BL'),
    data(r: RankedCandidate, signer: { name: string; certified: boolean }): SheetData {
      const c = people.get(r.nomor_peserta)!;
      return {
        agency: exam.agency,
        exam: { code: exam.code, name: exam.name, year: exam.year },
        formation: formations.get(r.kode_formasi)!,
        candidate: { nomorPeserta: r.nomor_peserta, nama: c.nama, nikMasked: maskNik(c.nik), kategori: c.kategori },
        result: r,
        stageNames,
        ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version, sha256: loaded.sha256 },
        chainHead: head,
        generatedAt: new Date(asOf),
        signer,
        receipt: receiptFor(db, exam.code, r.nomor_peserta, resultDigest(exam.code, r, loaded.sha256)),
      };
    },
  };
}

/**
 * Writes one signed sheet per candidate. Each file is written under a temporary name and renamed when complete,
 * so a crash or a cancel never leaves a half file with the real name.
 */
export async function generateSheets(db: Db, job: SheetJob): Promise<{ written: string[]; cancelled: boolean }> {
  const inputs = sheetInputs(db, job.examId, { session: job.session, only: job.only });
  mkdirSync(job.outDir, { recursive: true });
  const written: string[] = [];
  const signerInfo = { name: job.signer.commonName, certified: job.signer.certified };
  for (const [i, r] of inputs.results.entries()) {
    if (job.signal?.aborted) return { written, cancelled: true };
    const file = join(job.outDir, `hasil-${r.nomor_peserta}.pdf`);
    const part = `${file}.part`;
    try {
      const pdf = await renderResultSheet(inputs.data(r, signerInfo));
      const signed = await signPdf(pdf, job.signer, { reason: `Lembar Hasil Seleksi ${inputs.exam.code} ${r.nomor_peserta}`, name: job.signer.commonName, location: inputs.exam.agency });
      writeFileSync(part, signed);
      renameSync(part, file);
      written.push(file);
    } catch (e) {
      // A full disk half-way: say how far it got; each sheet is whole or absent, so running again finishes it.
      const said = fileSystemRefusal(e);
      if (!isLenteraError(said) || said === e) throw e;
      throw new LenteraError('SHEETS_INCOMPLETE', `${written.length} of ${inputs.results.length} sheet(s) were written to ${job.outDir}; then ${basename(file)}: ${said.message} Run again to finish (finished sheets are written anew).`, { written: written.length, total: inputs.results.length, errno: said.details.errno });
    } finally {
      if (existsSync(part)) rmSync(part, { force: true });
    }
    job.onProgress?.(i + 1, inputs.results.length, r.nomor_peserta);
  }
  return { written, cancelled: false };
}

/** Interview sessions with at least one finalized candidate: the ones that have minutes to sign. */
export function finalizedSessions(db: Db, examId: string): string[] {
  return sql(db, 'SELECT DISTINCT s.code FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? ORDER BY s.code').pluck().all(examId) as string[];
}

/** The minutes of a session, signed first by the coordinator; written under a temporary name, then renamed. */
export async function generateMinutes(db: Db, examId: string, session: string, signer: UnlockedIdentity, outDir: string): Promise<string> {
  const data = minutesData(db, examId, session);
  const pdf = await renderMinutes(data, signer.certified);
  const signed = await signPdf(pdf, signer, { reason: `Berita Acara ${data.exam.code} ${session}: koordinator`, name: signer.commonName, location: data.venue.name });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `berita-acara-${session}.pdf`);
  writeFileSync(`${file}.part`, signed);
  renameSync(`${file}.part`, file);
  return file;
}

/** A panelist's (or the chair's) signature, added to the minutes as an incremental update. */
export async function countersign(file: string, signer: UnlockedIdentity, role: string): Promise<void> {
  const pdf = readFileSync(file);
  const signed = await signPdf(pdf, signer, { reason: `Berita Acara: ${role}`, name: signer.commonName, location: 'Semarang' });
  writeFileSync(`${file}.part`, signed);
  renameSync(`${file}.part`, file);
}
