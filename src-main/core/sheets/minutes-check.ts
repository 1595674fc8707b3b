import { join } from 'node:path';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { requireExam } from '../exams/exams';
import { loadTrustAnchors } from '../keys/trust';
import { LenteraError } from '../util/errors';
import { decimalComma } from './format';
import { minutesContentDigest, minutesData, SCORES_HEADING, type MinutesData } from './minutes';
import { PdfFile } from './pdf-structure';
import { pageTexts } from './pdf-text';
import { documentInfo, verifyPdf, type PdfReport } from './verify';

/**
 * The minutes (berita acara) checked against the workstation that made them: which session they are of comes
 * from their title ("Berita Acara <exam> <session>"); what they say from their metadata's /LenteraContent (the
 * digest of everything they say, minutes.ts) and from the scores printed on the page, which are compared line by
 * line with the session's finalizations.
 */

export interface MinutesRef {
  exam: string;
  session: string;
  /** /LenteraContent: the digest of what the minutes say, when the minutes carry it */
  content: string | null;
}

/** Which session's minutes a PDF is, from its metadata; null when it is no Lentera minutes. */
export function minutesOf(pdf: Buffer): MinutesRef | null {
  return minutesOfInfo(documentInfo(pdf));
}

/** Which session's minutes a document information dictionary (as text values) names; null when none. */
export function minutesOfInfo(info: Record<string, string>): MinutesRef | null {
  const m = /^Berita Acara (\S+) (\S+)$/.exec(info.Title ?? '');
  if (!m) return null;
  return { exam: m[1]!, session: m[2]!, content: info.LenteraContent ?? null };
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Section 3's heading, now and in minutes signed before the interview score was named for what it is. */
const SCORES = [SCORES_HEADING, '3. Nilai akhir wawancara (yang telah difinalisasi)'];
const NEXT = '4. Catatan pembahasan perbedaan nilai';
const NUMBER = /^(\d+,\d+|–)$/;

/**
 * The printed scores (section 3) against the finalizations: one line per difference, none when they agree. Each
 * candidate's row is what follows their number up to the next candidate's; it must name them and print their
 * criteria scores and interview score, in the order of any layout Lentera has used (a line "nilai X (criteria…)",
 * a table row "criteria… X", or a table row "criteria… X Y" with Y the same score on 0–100).
 */
export function comparePrintedScores(pdf: Buffer, data: MinutesData): string[] {
  let text: string;
  try {
    text = norm(pageTexts(new PdfFile(pdf)).join('\n'));
  } catch (e) {
    return [`the text of the minutes could not be read: ${(e as Error).message}`];
  }
  const heading = SCORES.find((h) => text.includes(h)) ?? SCORES[0]!;
  const start = text.indexOf(heading);
  const end = text.indexOf(NEXT, start + 1);
  if (start < 0 || end < 0) return ['the scores (section 3) could not be found in the minutes'];
  const words = text.slice(start + heading.length, end).split(' ');
  const expected = new Map(data.scores.map((s) => [s.nomorPeserta, s]));
  const rows = new Map<string, string[]>();
  let current: string[] | null = null;
  const out: string[] = [];
  for (const w of words) {
    if (/^\d{8,}$/.test(w)) {
      if (!expected.has(w)) out.push(`the minutes list ${w}, whom the workstation has not finalized in this session`);
      if (rows.has(w)) out.push(`the minutes list ${w} twice`);
      current = [];
      rows.set(w, current);
    } else current?.push(w);
  }
  for (const s of data.scores) {
    const total = decimalComma(s.total);
    const hundred = decimalComma(data.shown?.score100[s.nomorPeserta] ?? null);
    const criteria = s.criteria.map((c) => decimalComma(c.aggregate));
    const row = rows.get(s.nomorPeserta);
    if (!row) {
      out.push(`${s.nomorPeserta} (nilai ${total}) is finalized on the workstation but not in the minutes`);
      continue;
    }
    const printed = row.filter((w) => NUMBER.test(w));
    const said = printed.join(' ');
    // A narrow table cell may cut a long name short.
    const rowText = norm(row.join(' '));
    const named = rowText.includes(norm(s.nama)) || rowText.includes(norm(s.nama).slice(0, 12));
    const layouts = [[total, ...criteria], [...criteria, total], ...(data.shown ? [[...criteria, total, hundred]] : [])];
    if (named && layouts.some((l) => said === l.join(' '))) continue;
    out.push(`${s.nomorPeserta}: the minutes print ${named ? '' : 'another name and '}${said || 'no score'}, the workstation's finalization says ${criteria.join(' ')} and nilai ${total}${data.shown ? ` (${hundred} of 100)` : ''}`);
  }
  return out;
}

export interface MinutesComparison {
  match: boolean;
  /** what was compared, for people */
  summary: string;
  differences: string[];
}

/**
 * The minutes against the workstation's records of their session. `coordinator` is the first signature's signer
 * (the name the minutes print on the coordinator's line) and whether that signature is certified.
 */
export function compareMinutes(db: Db, pdf: Buffer, ref: MinutesRef, coordinator: { name: string; certified: boolean } | null): MinutesComparison {
  const exam = requireExam(db, ref.exam);
  const data = minutesData(db, exam.id, ref.session);
  const count = `${data.scores.length} finalized candidate(s) of session ${ref.session}`;
  if (ref.content && coordinator) {
    const claimed = [false, true].find((certified) => minutesContentDigest(data, { name: coordinator.name, certified }) === ref.content);
    if (claimed !== undefined) {
      if (claimed && !coordinator.certified) return { match: false, summary: count, differences: ['the minutes call the coordinator\'s signature certified, but its certificate is not certified'] };
      return { match: true, summary: `${count}; everything the minutes say (content digest)`, differences: [] };
    }
    const printed = comparePrintedScores(pdf, data);
    return { match: false, summary: count, differences: printed.length ? printed : ['what the minutes say (their content digest) differs from the workstation records: attendance, panel, notes or amendments'] };
  }
  const printed = comparePrintedScores(pdf, data);
  return { match: !printed.length, summary: `${count}; the printed scores`, differences: printed };
}

/** The account a signing certificate belongs to on this workstation, if any. */
export function identityOwner(db: Db, fingerprint: string | null): { account: string; role: string } | null {
  if (!fingerprint) return null;
  return (sql(db, 'SELECT a.name AS account, a.role FROM signing_identities s JOIN accounts a ON a.id = s.account_id WHERE s.fingerprint = ?').get(fingerprint) as { account: string; role: string } | undefined) ?? null;
}

/**
 * What `minutes.sign` checks before adding a signature: the minutes are of this session, verify clean (every
 * signature valid, nothing changed after any of them that signing does not explain, the last signature covering
 * the whole file), every signature is by a key of this workstation, the signer has not signed them yet, and they
 * say what the workstation's finalizations say. Refuses with the first thing that does not hold.
 */
export async function assertCountersignable(db: Db, dataDir: string, pdf: Buffer, want: { exam: string; session: string; accountId: string }): Promise<PdfReport> {
  const report = await verifyPdf(pdf, { anchors: loadTrustAnchors(join(dataDir, 'trust')) });
  const first = report.signatures[0];
  if (!first?.cryptoValid) throw new LenteraError('NOT_SIGNED', 'These minutes carry no valid signature yet: the coordinator signs first.', {});
  const why = [...report.problems, ...report.modifications.map((m) => `modified after signature ${m.afterSignature}: ${m.changes[0]}`), ...report.signatures.filter((s) => !s.valid && s.problem).map((s) => `signature ${s.index}: ${s.problem}`)];
  if (!report.intact) throw new LenteraError('MINUTES_NOT_INTACT', `These minutes do not verify (${why[0] ?? 'a signature is not valid'}); nothing was signed.`, { reasons: why });
  if (!report.signatures[report.signatures.length - 1]!.coversWholeFile) throw new LenteraError('MINUTES_NOT_INTACT', 'Something was added to these minutes after their last signature; nothing was signed.', {});
  const ref = minutesOf(pdf);
  const exam = requireExam(db, want.exam);
  if (!ref || ref.exam !== exam.code || ref.session !== want.session) {
    throw new LenteraError('MINUTES_MISMATCH', `This file is not the minutes of ${exam.code} ${want.session}${ref ? ` (it says ${ref.exam} ${ref.session})` : ''}; nothing was signed.`, { session: want.session });
  }
  const mine = new Set(sql(db, 'SELECT fingerprint FROM signing_identities WHERE account_id = ?').pluck().all(want.accountId) as string[]);
  for (const s of report.signatures) {
    if (!identityOwner(db, s.fingerprint)) {
      throw new LenteraError('MINUTES_NOT_INTACT', `Signature ${s.index} (${s.signer}, certificate ${s.fingerprint}) is by a key this workstation does not know; nothing was signed.`, { fingerprint: s.fingerprint });
    }
    if (s.fingerprint && mine.has(s.fingerprint)) throw new LenteraError('ALREADY_SIGNED', 'You have already signed these minutes.', {});
  }
  const cmp = compareMinutes(db, pdf, ref, { name: first.signer, certified: first.trust?.certified ?? false });
  if (!cmp.match) {
    throw new LenteraError('MINUTES_MISMATCH', `These minutes do not say what the workstation's records say (${cmp.differences[0]}); nothing was signed. The coordinator makes minutes of the current records with "lentera sheets" or the Dokumen page.`, { differences: cmp.differences });
  }
  return report;
}
