import { basename } from 'node:path';
import type { Db } from '../db/open';
import { requireExam } from '../exams/exams';
import type { PathVerdict } from '../keys/trust';
import { isLenteraError, LenteraError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { sheetInputs } from './batch';
import { compareMinutes, identityOwner, minutesOfInfo } from './minutes-check';
import { payloadOfInfo, resultDigest, sheetTitle } from './result-sheet';
import { documentInfo, type PdfReport, type SignatureCheck } from './verify';
import type { JsonValue } from '../util/json-text';

/**
 * What a check of a signed PDF finds, decided once for every door: `lentera verify` prints it, the Dokumen page
 * (documents.verify) shows it. Every signature (signer, NIP, fingerprint, time, valid or not and why, certified
 * by which root or not, a key of this workstation or not), what changed after each, and — given a workstation —
 * whether a result sheet or minutes say what its records say.
 */

/** How a signer's certificate stands against the trust roots, for people. */
export interface TrustReport {
  certified: boolean;
  /** the trust root's subject, when certified */
  root: string | null;
  /** the root's file name in DATA/trust/ (never a path) */
  rootFile: string | null;
  /** subjects from the signer up to the root, when certified */
  chain: string[];
  /** why not certified: a self-signed certificate, an issuer no root vouches for, or the reason the path fails */
  kind: 'certified' | 'selfSigned' | 'unknownIssuer' | 'failed';
  /** the issuer, when it is unknown */
  issuer: string | null;
  /** the validator's own words when the path fails (expired at signing time, an issuer that is no CA, …) */
  reason: string | null;
}

export interface SignatureReport {
  index: number;
  /** valid; the signature itself holds but something changed after it; or it does not hold */
  status: 'valid' | 'modified' | 'invalid';
  signer: string;
  subject: string;
  nip: string | null;
  fingerprint: string | null;
  signingTime: string | null;
  coversWholeFile: boolean;
  revision: number | null;
  /** the DocMDP permission of a certification signature (1, 2, 3), null for an approval signature */
  certification: number | null;
  /** why it does not hold, when it does not */
  problem: string | null;
  /** what changed after it that signing does not explain */
  modifiedAfter: string[];
  trust: TrustReport | null;
  /** the account whose signing key this is on this workstation; null when the workstation does not know the key */
  workstationKey: { account: string; role: string } | null;
}

export type RecordsCheck =
  | { kind: 'sheet'; exam: string; nomor: string; match: boolean; final: string | null; status: string | null }
  | { kind: 'minutes'; exam: string; session: string; match: boolean; summary: string; differences: string[] }
  /** no Lentera result payload, and no Lentera minutes: nothing to compare */
  | { kind: 'unknown' }
  /** could not be compared (the exam is not on this workstation, no final result, …) */
  | { kind: 'error'; code: string; message: string; details: Record<string, JsonValue> };

/**
 * The overall verdict, in the order it is decided: no signature; a signature that does not hold or a file that
 * cannot be read exactly; a change after a signature; a document that does not say what the records say (or
 * cannot be compared); then, all of that holding, who vouches for the signers: every one certified by a trust
 * root, every one certified or a key of this workstation, or not.
 */
export type Verdict = 'unsigned' | 'invalid' | 'modified' | 'mismatch' | 'unchecked' | 'uncertified' | 'workstation' | 'certified';

export interface DocumentReport {
  /** the file's name as it was sent */
  name: string;
  sha256: string;
  bytes: number;
  revisions: number;
  verdict: Verdict;
  /** what `lentera verify --data` exits with for this file: 0 valid, 4 valid but a signer unvouched, 1 anything else */
  exitCode: 0 | 1 | 4;
  /** verdict `modified`: the signature the first change came after; `invalid`: the first signature that does not hold */
  signatureNumber: number | null;
  signatures: SignatureReport[];
  modifications: PdfReport['modifications'];
  problems: string[];
  intact: boolean;
  /** revisions after the last signature add validation data (/DSS) at most */
  validationDataAfter: boolean;
  /** signatures neither certified nor a key of this workstation */
  unvouched: number[];
  /** null when no workstation was given to compare with (lentera verify without --data) */
  records: RecordsCheck | null;
  /** how many trust roots the check used */
  trustRoots: number;
}

function trustReport(t: PathVerdict | null): TrustReport | null {
  if (!t) return null;
  const base = { certified: t.certified, root: t.root, rootFile: t.rootFile ? basename(t.rootFile) : null, chain: t.chain, issuer: null, reason: null };
  if (t.certified) return { ...base, kind: 'certified' };
  if (t.reason === 'self-signed' || (t.selfSigned && !t.reason)) return { ...base, kind: 'selfSigned' };
  const unknown = /^unknown issuer (.*?)( \(a certificate of that name is known, but it did not sign this one\))?$/.exec(t.reason ?? '');
  if (unknown) return { ...base, kind: 'unknownIssuer', issuer: unknown[1]!, reason: unknown[2] ? t.reason : null };
  return { ...base, kind: 'failed', reason: t.reason ?? 'no path to a trust root' };
}

function signatureReport(db: Db | null, c: SignatureCheck): SignatureReport {
  return {
    index: c.index,
    // As `lentera verify` says it: VALID, MODIFIED after it was signed, or INVALID.
    status: c.valid ? 'valid' : c.cryptoValid && !c.problem ? 'modified' : 'invalid',
    signer: c.signer,
    subject: c.subject,
    nip: c.nip,
    fingerprint: c.fingerprint,
    signingTime: c.signingTime,
    coversWholeFile: c.coversWholeFile,
    revision: c.revision,
    certification: c.certification,
    problem: c.problem,
    modifiedAfter: c.modifiedAfter,
    trust: trustReport(c.trust),
    workstationKey: db ? identityOwner(db, c.fingerprint) : null,
  };
}

/** The last revision a signature signs (1-based); undefined when nothing is signed. */
function lastSignedRevision(report: PdfReport): number | undefined {
  const signed = report.signatures.map((s) => s.revision ?? 0);
  const last = Math.max(0, ...signed);
  return last || undefined;
}

/**
 * `verify --data`: a result sheet's payload or the minutes' content against the workstation's records. Both are
 * read from the document as signed (the document information of the last revision a signature signs), never from
 * bytes after it; a sheet whose payload names another candidate than its title is not compared.
 */
export function compareWithRecords(db: Db, pdf: Buffer, report: PdfReport): RecordsCheck {
  try {
    const info = documentInfo(pdf, lastSignedRevision(report));
    const payload = payloadOfInfo(info);
    if (payload) {
      if (info.Title !== sheetTitle(payload.n)) {
        throw new LenteraError('SHEET_CONTRADICTS_ITSELF', `The sheet's payload (/LenteraResult) names candidate ${payload.n}, but the sheet itself is titled "${info.Title ?? ''}": it does not say whose result it is, so it is not compared with the records.`, {
          nomorPeserta: [payload.n],
        });
      }
      const exam = requireExam(db, payload.e);
      const inputs = sheetInputs(db, exam.id, { only: [payload.n] });
      const r = inputs.results[0];
      if (!r) throw new LenteraError('NO_FINAL_RESULT', `${payload.n} has no final result on this workstation.`, { nomorPeserta: [payload.n] });
      const digest = resultDigest(payload.e, r, inputs.ruleset.sha256);
      return { kind: 'sheet', exam: exam.code, nomor: payload.n, match: digest === payload.d, final: r.final, status: r.status };
    }
    const minutes = minutesOfInfo(info);
    if (minutes) {
      const first = report.signatures[0];
      const cmp = compareMinutes(db, pdf, minutes, first ? { name: first.signer, certified: first.trust?.certified ?? false } : null);
      return { kind: 'minutes', exam: minutes.exam, session: minutes.session, match: cmp.match, summary: cmp.summary, differences: cmp.differences };
    }
    return { kind: 'unknown' };
  } catch (e) {
    if (!isLenteraError(e)) throw e;
    // A refusal's details are JSON by contract: every door sends them as such.
    return { kind: 'error', code: e.code, message: e.message, details: e.details as Record<string, JsonValue> };
  }
}

/**
 * The report of one checked PDF. With `db` (a workstation) its keys vouch for their signers and the document is
 * compared with its records; without, only the signatures and their certification paths decide.
 */
export function documentReport(pdf: Buffer, report: PdfReport, opts: { name: string; trustRoots: number; db?: Db }): DocumentReport {
  const db = opts.db ?? null;
  const signatures = report.signatures.map((c) => signatureReport(db, c));
  const records = db ? compareWithRecords(db, pdf, report) : null;
  const unvouched = signatures.filter((s) => !s.trust?.certified && !s.workstationKey).map((s) => s.index);
  const last = report.signatures.at(-1);

  let verdict: Verdict;
  let signatureNumber: number | null = null;
  const broken = signatures.find((s) => s.status === 'invalid');
  if (!signatures.length) verdict = 'unsigned';
  else if (broken || report.problems.length) {
    verdict = 'invalid';
    signatureNumber = broken?.index ?? null;
  } else if (report.modifications.length || !report.intact) {
    verdict = 'modified';
    signatureNumber = report.modifications[0]?.afterSignature ?? signatures.find((s) => s.status !== 'valid')?.index ?? null;
  } else if (records && (records.kind === 'unknown' || records.kind === 'error')) verdict = 'unchecked';
  else if (records && !records.match) verdict = 'mismatch';
  else if (unvouched.length) verdict = 'uncertified';
  else if (signatures.every((s) => s.trust?.certified)) verdict = 'certified';
  else verdict = 'workstation';

  return {
    name: basename(opts.name),
    sha256: sha256Hex(pdf),
    bytes: pdf.length,
    revisions: report.revisions,
    verdict,
    exitCode: verdict === 'certified' || verdict === 'workstation' ? 0 : verdict === 'uncertified' ? 4 : 1,
    signatureNumber,
    signatures,
    modifications: report.modifications,
    problems: report.problems,
    intact: report.intact,
    validationDataAfter: report.intact && !!last && !last.coversWholeFile,
    unvouched,
    records,
    trustRoots: opts.trustRoots,
  };
}
