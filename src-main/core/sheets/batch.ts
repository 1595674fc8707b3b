import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { appendEvent, chainHead } from '../audit/chain';
import { writeTransaction } from '../db/transaction';
import { rank, type CandidateFacts, type RankedCandidate } from '../ranking/engine';
import { gatherFacts } from '../ranking/inputs';
import { loadRuleset } from '../ranking/rulesets';
import { maskNik } from '../roster/fields';
import { isLenteraError, LenteraError } from '../util/errors';
import { newId } from '../util/ids';
import { refuseIfPurged } from '../exams/exams';
import { sha256Hex } from '../util/hash';
import type { UnlockedIdentity } from '../keys/identities';
import { renderResultSheet, resultDigest, type SheetData } from './result-sheet';
import { sheetContentDigest } from './content';
import { receiptFor } from '../bundles/outbox';
import { signPdf, type SignatureMeta } from './sign';
import { COORDINATOR_FIELD, minutesContentDigest, minutesData, renderMinutes } from './minutes';
import { documentInfo, verifyPdfSignatures } from './verify';
import { fileSystemRefusal } from '../util/fs-errors';
import { Fraction, toFixedString } from '../scoring/exact';
import { interviewStageCodes, stageInfo } from '../scoring/items';
import { rubricScale } from '../../shared/score-labels';
import { workstationStrengths } from '../ranking/strengths-inputs';
import { readSignedPdf, writeSignedPdf, type SheetKeys } from './sheet-files';

/** A candidate's exact stage values on 0–100, as the ranking took them (SKB stages, or the weighted stages). */
function exactStages(c: CandidateFacts): Record<string, Fraction> {
  const out: Record<string, Fraction> = {};
  const stages = c.stages ?? (c.skb && typeof c.skb === 'object' && !(c.skb instanceof Fraction) ? c.skb : {});
  for (const [k, v] of Object.entries(stages)) if (v instanceof Fraction) out[k] = v;
  return out;
}

export interface SheetJob {
  examId: string;
  outDir: string;
  session?: string;
  only?: string[];
  signer: UnlockedIdentity;
  /** who asks (recorded in the audit events): `cli:<user>` or `user:<account>` */
  actor?: string;
  /** the audit record of this run's signatures, shared with its minutes; one of its own when absent */
  log?: SignatureLog;
  onProgress?: (done: number, total: number, nomor: string) => void;
  signal?: AbortSignal;
  /** an encrypted workstation's keys for `outDir` (sheet-files.ts sheetKeys): the PDFs written there sealed */
  keys?: SheetKeys;
}

/** Everything a sheet shows, for every candidate whose results are complete (not BL). */
export function sheetInputs(db: Db, examId: string, filter: { session?: string; only?: string[] } = {}) {
  refuseIfPurged(db, examId, 'signing its sheets');
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
  // Interview stages: their score on the rubric's scale, from the exact 0–100 value (× the scale's maximum ÷ 100).
  const interviewScales = new Map(
    interviewStageCodes(db, examId).map((code) => [code, rubricScale(stageInfo(db, examId, code).items)]),
  );
  const exact = new Map(facts.candidates.map((c) => [c.nomorPeserta, exactStages(c)]));
  const interviewOf = (r: RankedCandidate): SheetData['interview'] => {
    const shown = Object.keys(r.stages).filter((k) => interviewScales.has(k));
    if (!shown.length) return undefined;
    return Object.fromEntries(
      shown.map((k) => {
        const scale = interviewScales.get(k) ?? null;
        const value = exact.get(r.nomor_peserta)?.[k];
        return [k, { scale, onScale: scale && value ? toFixedString(value.mul(String(scale.max)).div(100), 3) : null }];
      }),
    );
  };
  // The second page: each candidate against their whole formation, whatever this run prints.
  const printed = results.filter((r) => r.status !== 'BL');
  const strengths = workstationStrengths(db, examId, loaded.ruleset, facts.candidates, new Set(printed.map((r) => r.nomor_peserta)));
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
      const interview = interviewOf(r);
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
        ...(interview ? { interview } : {}),
        ...(strengths.has(r.nomor_peserta) ? { strengths: strengths.get(r.nomor_peserta)! } : {}),
      };
    },
  };
}

// --- versions: a signed document is never overwritten --------------------------------------------------------

export interface DocumentVersion {
  version: number;
  name: string;
  file: string;
}

/** The file name of a version: `hasil-X.pdf` is version 1, then `hasil-X.v2.pdf`, `hasil-X.v3.pdf`... */
export function versionName(base: string, version: number): string {
  return version === 1 ? `${base}.pdf` : `${base}.v${version}.pdf`;
}

/** Every version of a document in a folder, oldest first. */
export function versionsOf(dir: string, base: string): DocumentVersion[] {
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.v(\\d+))?\\.pdf$`);
  return readdirSync(dir)
    .map((name) => ({ name, m: re.exec(name) }))
    .filter((x) => x.m && (x.m[1] === undefined || Number(x.m[1]) >= 2))
    .map(({ name, m }) => ({ version: m![1] ? Number(m![1]) : 1, name, file: join(dir, name) }))
    .sort((a, b) => a.version - b.version);
}

export function latestVersion(dir: string, base: string): DocumentVersion | undefined {
  return versionsOf(dir, base).at(-1);
}

export type Previous = { name: string; sha256: string; intact: boolean };

/**
 * Whether the newest signed version already says this: the same content digest, and intact (every signature
 * valid, the last covering the whole file). A damaged file is never taken for the signed document: a new version
 * is made beside it.
 */
async function compareWithSigned(latest: DocumentVersion | undefined, digest: string, keys: SheetKeys = {}): Promise<{ unchanged: boolean; previous?: Previous }> {
  if (!latest) return { unchanged: false };
  let pdf: Buffer;
  try {
    pdf = readSignedPdf(latest.file, keys, latest.name).plain;
  } catch (e) {
    // A sealed file changed on disk (or sealed with another key) is damaged: named by the digest of what is there.
    if (!isLenteraError(e) || e.code !== 'SEALED_FILE_DAMAGED') throw e;
    return { unchanged: false, previous: { name: latest.name, sha256: sha256Hex(readFileSync(latest.file)), intact: false } };
  }
  const checks = await verifyPdfSignatures(pdf).catch(() => []);
  const intact = checks.length > 0 && checks.every((c) => c.valid) && checks[checks.length - 1]!.coversWholeFile;
  const previous = { name: latest.name, sha256: sha256Hex(pdf), intact };
  // What the document says, as its metadata carries it (/LenteraContent).
  return { unchanged: intact && documentInfo(pdf).LenteraContent === digest, previous };
}

// --- the audit record of signatures ----------------------------------------------------------------------------

export interface SignedDocument {
  name: string;
  kind: 'sheet' | 'minutes';
  sha256: string;
  version: number;
  /** the version this one follows, which stays as it was */
  replaces?: Previous;
}

/** Documents per audit event: a batch of ten thousand sheets is fifty events, not one of a megabyte. */
export const DOCUMENTS_PER_EVENT = 200;

/**
 * The coordinator's signatures of one run (`lentera sheets`, or the Dokumen page's worker thread), recorded in the
 * audit chain before anyone can see them: each signed document is written under a temporary name, and a group of
 * them is published in one write transaction that appends a `sheets.sign` event listing each document (name,
 * version, sha256, the version it replaces) and then gives the files their names. A file never has its name
 * without its event; a crash before the commit leaves only `.part` files, which the next run writes anew.
 * The transaction holds the database's write lock, so two runs cannot take the same version's name either.
 * Each document's sha256 is its plaintext's; a sealed one's file is checked by the digest of its stored bytes.
 */
export class SignatureLog {
  readonly batch = newId();
  private part = 0;
  private pending: { doc: SignedDocument; tmp: string; file: string; stored: string }[] = [];
  readonly published: SignedDocument[] = [];
  private readonly signerInfo: { account: string | null; name: string; fingerprint: string; certified: boolean };

  constructor(
    private readonly db: Db,
    private readonly opts: { exam: string; actor: string; signer: UnlockedIdentity },
  ) {
    const account = sql(db, 'SELECT a.name FROM signing_identities s JOIN accounts a ON a.id = s.account_id WHERE s.fingerprint = ?').pluck().get(opts.signer.fingerprint) as string | undefined;
    this.signerInfo = { account: account ?? null, name: opts.signer.commonName, fingerprint: opts.signer.fingerprint, certified: opts.signer.certified };
  }

  get waiting(): number {
    return this.pending.length;
  }

  /**
   * A signed document whose bytes are in `tmp`, to be published as `file`; `stored` is the sha256 of the bytes
   * written there (sealed ones differ from the document's own), by default the document's.
   */
  add(doc: SignedDocument, tmp: string, file: string, stored = doc.sha256): void {
    this.pending.push({ doc, tmp, file, stored });
    if (this.pending.length >= DOCUMENTS_PER_EVENT) this.flush();
  }

  /** Records the waiting documents in one audited event and gives them their names, or neither. */
  flush(): void {
    if (!this.pending.length) return;
    const group = this.pending;
    this.pending = [];
    try {
      writeTransaction(this.db, () => {
        for (const p of group) {
          if (existsSync(p.file)) throw new LenteraError('CONFLICT', `${basename(p.file)} was written by someone else meanwhile; nothing of this group was published. Run again.`, { name: basename(p.file) });
          // What gets the name is exactly what the event lists (another run may share the temporary name).
          if (sha256Hex(readFileSync(p.tmp)) !== p.stored) throw new LenteraError('CONFLICT', `${basename(p.tmp)} was changed by another run meanwhile; nothing of this group was published. Run again.`, { name: basename(p.file) });
        }
        appendEvent(this.db, {
          at: new Date().toISOString(),
          actor: this.opts.actor,
          command: 'sheets.sign',
          outcome: 'ok',
          payload: { exam: this.opts.exam, batch: this.batch, part: ++this.part, signer: this.signerInfo, documents: group.map((p) => p.doc) },
        });
        const done: typeof group = [];
        try {
          for (const p of group) {
            renameSync(p.tmp, p.file);
            done.push(p);
          }
        } catch (e) {
          for (const p of done) renameSync(p.file, p.tmp); // the event is rolled back: so are the names
          throw e;
        }
      });
      this.published.push(...group.map((p) => p.doc));
    } finally {
      for (const p of group) rmSync(p.tmp, { force: true });
    }
  }

  /** Drops what was signed but not yet published (a failure): those files never get their names. */
  discard(): void {
    for (const p of this.pending.splice(0)) rmSync(p.tmp, { force: true });
  }
}

function tempName(file: string): string {
  return `${file}.part`;
}

/**
 * Writes one signed sheet per candidate whose newest signed sheet does not already say the same: an unchanged
 * sheet is left alone (not signed again), a changed one becomes the next version beside the old, which stays.
 * Every signature is recorded in the audit chain before its file gets its name (SignatureLog); a crash or a cancel
 * never leaves a half file with a real name.
 */
export async function generateSheets(db: Db, job: SheetJob): Promise<{ written: string[]; unchanged: string[]; documents: SignedDocument[]; cancelled: boolean }> {
  const inputs = sheetInputs(db, job.examId, { session: job.session, only: job.only });
  mkdirSync(job.outDir, { recursive: true });
  const log = job.log ?? new SignatureLog(db, { exam: inputs.exam.code, actor: job.actor ?? 'local', signer: job.signer });
  const written: string[] = [];
  const unchanged: string[] = [];
  const documents: SignedDocument[] = [];
  const signerInfo = { name: job.signer.commonName, certified: job.signer.certified };
  const total = inputs.results.length;
  // What the log published of this run's sheets (it publishes a group whenever one is full, and at the end).
  const take = (before: number) => {
    for (const d of log.published.slice(before)) {
      if (d.kind !== 'sheet') continue;
      documents.push(d);
      written.push(join(job.outDir, d.name));
    }
  };
  const publish = () => {
    const before = log.published.length;
    log.flush();
    take(before);
  };
  let current = '';
  try {
    for (const [i, r] of inputs.results.entries()) {
      // One turn of the event loop per sheet: rendering and signing may finish without ever leaving the microtask
      // queue (the RSA signature is synchronous), and then a cancel message from the window would only be read
      // after the last sheet.
      await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
      if (job.signal?.aborted) {
        publish();
        return { written, unchanged, documents, cancelled: true };
      }
      const data = inputs.data(r, signerInfo);
      const base = `hasil-${r.nomor_peserta}`;
      const latest = latestVersion(job.outDir, base);
      const compared = await compareWithSigned(latest, sheetContentDigest(data), job.keys);
      if (compared.unchanged) {
        unchanged.push(latest!.file);
      } else {
        const version = latest ? latest.version + 1 : 1;
        const name = versionName(base, version);
        const file = join(job.outDir, name);
        current = name;
        const pdf = await renderResultSheet(data);
        const signed = await signPdf(pdf, job.signer, { reason: `Lembar Hasil Seleksi ${inputs.exam.code} ${r.nomor_peserta}`, name: job.signer.commonName, location: inputs.exam.agency, role: 'Koordinator lokasi' });
        const stored = writeSignedPdf(tempName(file), signed, job.keys ?? {});
        const doc: SignedDocument = { name, kind: 'sheet', sha256: sha256Hex(signed), version, ...(compared.previous ? { replaces: compared.previous } : {}) };
        const before = log.published.length;
        log.add(doc, tempName(file), file, stored);
        take(before);
      }
      current = '';
      job.onProgress?.(i + 1, total, r.nomor_peserta);
    }
    publish();
  } catch (e) {
    // A full disk half-way: what was finished is published (and audited), then it says how far it got.
    const said = fileSystemRefusal(e);
    try {
      if (isLenteraError(said) && said !== e) publish();
    } catch {
      // the disk may be too full for the database as well: then nothing of the group is published
    }
    log.discard();
    if (current) rmSync(tempName(join(job.outDir, current)), { force: true });
    if (!isLenteraError(said) || said === e) throw e;
    throw new LenteraError('SHEETS_INCOMPLETE', `${written.length + unchanged.length} of ${total} sheet(s) were written to ${job.outDir}; then ${current || 'a sheet'}: ${said.message} Run again to finish (finished sheets are kept as they are).`, { written: written.length + unchanged.length, total, errno: said.details.errno });
  }
  return { written, unchanged, documents, cancelled: false };
}

/** Interview sessions with at least one finalized candidate: the ones that have minutes to sign. */
export function finalizedSessions(db: Db, examId: string): string[] {
  return sql(db, 'SELECT DISTINCT s.code FROM finalizations f JOIN sessions s ON s.id = f.session_id WHERE s.exam_id = ? ORDER BY s.code').pluck().all(examId) as string[];
}

export interface MinutesOutcome {
  file: string;
  name: string;
  version: number;
  /** signed now (a first version, or a new one beside a changed signed one), or left alone (unchanged) */
  status: 'signed' | 'unchanged';
  /** the version this one replaces, when it is a later version */
  replaces?: Previous;
}

/**
 * The minutes of a session, signed first by the coordinator (a certification signature). Minutes already signed
 * that say the same are left alone with every countersignature on them; changed minutes become the next version
 * beside them (`berita-acara-S.v2.pdf`), which names the version it follows. Audited like the sheets.
 */
export async function generateMinutes(
  db: Db,
  examId: string,
  session: string,
  signer: UnlockedIdentity,
  outDir: string,
  opts: { actor?: string; log?: SignatureLog; keys?: SheetKeys } = {},
): Promise<MinutesOutcome> {
  const data = minutesData(db, examId, session);
  const who = { name: signer.commonName, certified: signer.certified };
  const base = `berita-acara-${session}`;
  const latest = latestVersion(outDir, base);
  const compared = await compareWithSigned(latest, minutesContentDigest(data, who), opts.keys);
  if (compared.unchanged) return { file: latest!.file, name: latest!.name, version: latest!.version, status: 'unchanged' };
  const version = latest ? latest.version + 1 : 1;
  const pdf = await renderMinutes(data, who, compared.previous ? { number: version, replaces: compared.previous } : undefined);
  const signed = await signPdf(pdf, signer, { reason: `Berita Acara ${data.exam.code} ${session}: koordinator`, name: signer.commonName, location: data.venue.name, field: COORDINATOR_FIELD, role: 'Koordinator lokasi' });
  mkdirSync(outDir, { recursive: true });
  const name = versionName(base, version);
  const file = join(outDir, name);
  const own = !opts.log;
  const log = opts.log ?? new SignatureLog(db, { exam: data.exam.code, actor: opts.actor ?? 'local', signer });
  try {
    const stored = writeSignedPdf(tempName(file), signed, opts.keys ?? {});
    log.add({ name, kind: 'minutes', sha256: sha256Hex(signed), version, ...(compared.previous ? { replaces: compared.previous } : {}) }, tempName(file), file, stored);
    if (own) log.flush();
  } catch (e) {
    log.discard();
    throw e;
  }
  return { file, name, version, status: 'signed', ...(compared.previous ? { replaces: compared.previous } : {}) };
}

export interface Countersignature {
  file: string;
  /** the sha256 of the minutes when they were read (their plaintext, when sealed) */
  before: string;
  /** the sha256 of the file's bytes as stored when it was read: it is replaced only if it still is that file */
  storedBefore: string;
  /** the countersigned minutes' sha256 (their plaintext) */
  sha256: string;
  tmp: string;
  signatures: number;
}

/**
 * A panelist's (or the chair's) signature on the minutes, on their own line, as an incremental update: written
 * beside the file under a temporary name. `publishCountersignature` then replaces the file, inside the audited
 * transaction of `minutes.sign`, only if nobody changed it meanwhile.
 */
export async function prepareCountersignature(
  file: string,
  signer: UnlockedIdentity,
  meta: Pick<SignatureMeta, 'reason' | 'location' | 'field' | 'role'>,
  keys: SheetKeys = {},
): Promise<Countersignature> {
  // Sealed minutes (an encrypted workstation's) are opened, signed, and written back sealed, the scratch file too.
  const { plain: pdf, stored } = readSignedPdf(file, keys);
  const signed = await signPdf(pdf, signer, { ...meta, name: signer.commonName });
  const tmp = `${file}.${newId()}.part`; // its own: two signers at once never share it
  writeSignedPdf(tmp, signed, keys);
  const signatures = (signed.toString('latin1').match(/\/ByteRange\s*\[/g) ?? []).length;
  return { file, before: sha256Hex(pdf), storedBefore: sha256Hex(stored), sha256: sha256Hex(signed), tmp, signatures };
}

/** Gives the countersigned minutes their name: refused when the file changed since it was read (another signer). */
export function publishCountersignature(c: Countersignature): void {
  if (!existsSync(c.file) || sha256Hex(readFileSync(c.file)) !== c.storedBefore) {
    rmSync(c.tmp, { force: true });
    throw new LenteraError('CONFLICT', 'Someone else signed these minutes at the same moment; nothing was added. Sign again.', {});
  }
  renameSync(c.tmp, c.file);
}

/** The newest version of a session's minutes in a folder (what a countersignature signs by default). */
export function latestMinutes(dir: string, session: string): DocumentVersion | undefined {
  return latestVersion(dir, `berita-acara-${session}`);
}
