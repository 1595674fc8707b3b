import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { canonicalJson, chainHead } from '../audit/chain';
import { sessionAttendance } from '../attendance/attendance';
import { loadPanel } from '../scoring/panel';
import { LenteraError } from '../util/errors';
import { decimalComma, longDate, wibTime } from './format';
import { footerText } from './result-sheet';
import { openSheet, SHEET_MARGIN as MARGIN } from './open-sheet';
import { sha256Hex } from '../util/hash';
import { APPEARANCE_FONTS } from './sign';
import { Fraction, toFixedString } from '../scoring/exact';
import { INTERVIEW_SCORE_100, interviewScaleLabel, rubricScale, type RubricScale } from '../../shared/score-labels';

export interface MinutesData {
  agency: string;
  exam: { code: string; name: string };
  session: { code: string; stageName: string; room: string; startsAt: string; closedAt: string | null };
  venue: { name: string; address: string };
  panel: { name: string; nip: string; role: string }[];
  counts: { listed: number; present: number; absent: number };
  scores: { nomorPeserta: string; nama: string; total: string | null; criteria: { label: string; aggregate: string }[]; finalizedAt: string }[];
  notes: { nomorPeserta: string; criterion: string | null; note: string; author: string; at: string }[];
  amendments: { nomorPeserta: string; item: string; from: string; to: string; reason: string; decision: string | null }[];
  /**
   * The session's candidates neither finalized nor absent, while there are any: the minutes then say on their first
   * page that they are not complete (found by review, 2026-12-07: a half-finalized session's were signed as if
   * whole). Absent when none, so that a complete session's minutes keep the digest they had before.
   */
  pending?: string[];
  chainHead: { seq: number; hash: string };
  asOf: Date;
  /**
   * Each finalized score on 0–100 as well (the weighted sum ÷ the weighted maximum × 100, exactly as the ranking
   * takes the stage), and the rubric's common scale, which names `total`. Presentation only: derived from the
   * finalizations above and the rubric, so it is left out of the content digest like the print time.
   */
  shown?: { scale: RubricScale | null; score100: Record<string, string | null> };
}

/** The finalized interview score on 0–100, exactly as the ranking computes a stage from the criteria. */
function score100(criteria: { code: string; max: number; weight: number }[], result: { criteria: { code: string; aggregateExact?: string }[] }): string | null {
  let got = new Fraction(0);
  let max = new Fraction(0);
  for (const c of criteria) {
    const exact = result.criteria.find((x) => x.code === c.code)?.aggregateExact;
    if (!exact) return null;
    got = got.add(new Fraction(exact).mul(String(c.weight)));
    max = max.add(new Fraction(String(c.max)).mul(String(c.weight)));
  }
  return max.compare(0) > 0 ? toFixedString(got.mul(100).div(max), 3) : null;
}

/** What the berita acara of an interview session says, from the workstation's records. */
export function minutesData(db: Db, examId: string, sessionCode: string): MinutesData {
  const exam = sql(db, 'SELECT code, name, agency FROM exams WHERE id = ?').get(examId) as { code: string; name: string; agency: string };
  const panel = loadPanel(db, examId, sessionCode);
  const { session, lines } = sessionAttendance(db, examId, sessionCode);
  const stageName = sql(db, 'SELECT name FROM stages WHERE exam_id = ? AND code = ?').pluck().get(examId, session.stage_code) as string;
  const venue = sql(db, 'SELECT name, address FROM venues WHERE exam_id = ? AND code = ?').get(examId, session.venue_code) as { name: string; address: string };
  const finals = sql(
    db,
    `SELECT f.nomor_peserta AS nomorPeserta, c.nama, f.result, f.at FROM finalizations f JOIN candidates c ON c.exam_id = ? AND c.nomor_peserta = f.nomor_peserta
      WHERE f.session_id = ? ORDER BY f.nomor_peserta`,
  ).all(examId, session.id) as { nomorPeserta: string; nama: string; result: string; at: string }[];
  if (!finals.length) throw new LenteraError('NOT_FINALIZED', `Session ${sessionCode} has no finalized results; its minutes cannot be made yet.`, { session: sessionCode });
  const head = chainHead(db);
  const asOf = (sql(db, 'SELECT at FROM audit_events WHERE seq = ?').pluck().get(head.seq) as string | undefined) ?? new Date(0).toISOString();
  const finalized = new Set(finals.map((f) => f.nomorPeserta));
  const pending = lines.filter((l) => l.state !== 'absent' && !finalized.has(l.nomorPeserta)).map((l) => l.nomorPeserta).sort();
  return {
    agency: exam.agency,
    exam: { code: exam.code, name: exam.name },
    session: { code: session.code, stageName, room: session.room, startsAt: session.starts_at, closedAt: session.closed_at },
    venue,
    panel: panel.members.map((m) => ({ name: m.name, nip: m.nip, role: m.role })),
    counts: { listed: lines.length, present: lines.filter((l) => l.state === 'present').length, absent: lines.filter((l) => l.state === 'absent').length },
    scores: finals.map((f) => {
      const r = JSON.parse(f.result) as { total: string | null; criteria: { label: string; aggregate: string }[] };
      return { nomorPeserta: f.nomorPeserta, nama: f.nama, total: r.total, criteria: r.criteria.map((c) => ({ label: c.label, aggregate: c.aggregate })), finalizedAt: f.at };
    }),
    notes: sql(
      db,
      `SELECT n.nomor_peserta AS nomorPeserta, n.criterion, n.note, a.display_name AS author, n.at FROM panel_notes n JOIN accounts a ON a.id = n.account_id
        WHERE n.session_id = ? ORDER BY n.at`,
    ).all(session.id) as MinutesData['notes'],
    amendments: (sql(
      db,
      `SELECT r.nomor_peserta AS nomorPeserta, r.item, r.old_units, r.new_units, r.reason, d.decision FROM amendment_requests r
         LEFT JOIN amendment_decisions d ON d.request_id = r.id
        WHERE r.exam_id = ? AND r.stage_code = ? AND r.nomor_peserta IN (SELECT nomor_peserta FROM session_candidates WHERE session_id = ?) ORDER BY r.at`,
    ).all(examId, session.stage_code, session.id) as { nomorPeserta: string; item: string; old_units: number | null; new_units: number; reason: string; decision: string | null }[]).map((a) => ({
      nomorPeserta: a.nomorPeserta,
      item: a.item,
      from: a.old_units === null ? 'agregat panel' : String(a.old_units),
      to: String(a.new_units),
      reason: a.reason,
      decision: a.decision,
    })),
    ...(pending.length ? { pending } : {}),
    chainHead: head,
    asOf: new Date(asOf),
    shown: {
      scale: rubricScale(panel.criteria),
      score100: Object.fromEntries(finals.map((f) => [f.nomorPeserta, score100(panel.criteria, JSON.parse(f.result) as { criteria: { code: string; aggregateExact?: string }[] })])),
    },
  };
}

/** Who signs first (the coordinator) and whether that certificate is certified (PP 71/2019 Pasal 60). */
export interface MinutesSigner {
  name: string;
  certified: boolean;
}

/** A later version of signed minutes names the one it follows (which stays as it was, with its signatures). */
export interface MinutesVersion {
  number: number;
  replaces: { name: string; sha256: string };
}

/** The signature field on the coordinator's line. */
export const COORDINATOR_FIELD = 'ttd-koordinator';

/** The signature field on a panelist's line: by NIP, which is how panel members are matched to accounts. */
export function panelField(member: { nip: string | null }, index: number): string {
  return member.nip ? `ttd-${member.nip}` : `ttd-panel-${index + 1}`;
}

export function panelRole(role: string): string {
  return role === 'chair' ? 'Ketua panel' : 'Penguji';
}

/**
 * An observer (Ombudsman, inspectorate) who was present cosigns as "Pengamat". The package lists no observers per
 * session, so the minutes draw no line for them: the signature adds its own field, named here so that whoever
 * reads the signed file (the hub's site) can tell an observer's signature from the panel's.
 */
export const OBSERVER_ROLE = 'Pengamat';
export const OBSERVER_FIELD_PREFIX = 'ttd-pengamat-';

export function observerField(account: { name: string; nip: string | null }): string {
  return `${OBSERVER_FIELD_PREFIX}${(account.nip ?? account.name).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The reason an observer's signature states: the minutes it is on, and that an observer signed (signed with it). */
export function observerReason(exam: string, session: string): string {
  return `Berita Acara ${exam} ${session}: ${OBSERVER_ROLE.toLowerCase()}`;
}

/**
 * A digest of what the minutes say, without when they were printed (the chain head and the data's time move with
 * every audited change, including the signing itself): two renderings with the same digest say the same thing.
 */
export function minutesContentDigest(d: MinutesData, signer: MinutesSigner): string {
  const { chainHead: _head, asOf: _asOf, shown: _shown, ...said } = d;
  return sha256Hex(canonicalJson({ kind: 'berita-acara', minutes: said, signer }));
}

/** The heading of the scores, section 3 (minutes-check.ts finds the scores by it). */
export const SCORES_HEADING = '3. Nilai wawancara yang telah difinalisasi';

/**
 * The finalized scores as a table: number, name, each criterion's panel aggregate, the interview score on the
 * rubric's scale and on 0–100 (named as the result sheet and the venue screen name them); its header repeated on
 * a new page.
 */
function scoreTable(doc: PDFKit.PDFDocument, d: MinutesData, L: number, W: number, bottom: number): void {
  const labels = d.scores[0]?.criteria.map((c) => c.label) ?? [];
  const hundred = d.shown !== undefined;
  const numW = 72;
  const totalW = 50;
  const totals = hundred ? 2 : 1;
  const critW = labels.length ? Math.min(58, (W - numW - totals * totalW - (hundred ? 80 : 100)) / labels.length) : 0;
  const nameW = W - numW - totals * totalW - critW * labels.length;
  const cols = [
    { x: L, w: numW },
    { x: L + numW, w: nameW },
    ...labels.map((_, i) => ({ x: L + numW + nameW + i * critW, w: critW })),
    ...Array.from({ length: totals }, (_, i) => ({ x: L + W - (totals - i) * totalW, w: totalW })),
  ];
  const header = () => {
    const scale = d.shown?.scale;
    const texts = ['Nomor peserta', 'Nama', ...labels, scale ? interviewScaleLabel(scale) : 'Nilai wawancara (rata-rata berbobot)', ...(hundred ? [INTERVIEW_SCORE_100] : [])];
    // Small enough that no word of a heading is cut in two ("Pengetahuan", "wawancara"), nor its scale
    // ("(skala 0–100)"), down to 5.5 pt.
    doc.font('bold');
    const fits = (size: number) => texts.every((t, i) => t.split(/\s+(?![^(]*\))/).every((w) => doc.fontSize(size).widthOfString(w) <= cols[i]!.w - 4));
    doc.fontSize([6.5, 6.25, 6, 5.75, 5.5].find(fits) ?? 5.5);
    const h = Math.max(...texts.map((t, i) => doc.heightOfString(t, { width: cols[i]!.w - 4 }))) + 4;
    const y = doc.y + 2;
    texts.forEach((t, i) => doc.text(t, cols[i]!.x + 2, y, { width: cols[i]!.w - 4, align: i >= 2 ? 'right' : 'left' }));
    doc.moveTo(L, y + h - 1).lineTo(L + W, y + h - 1).lineWidth(0.5).stroke();
    doc.y = y + h + 1;
  };
  header();
  for (const s of d.scores) {
    doc.font('body').fontSize(8.5);
    const h = Math.max(doc.heightOfString(s.nama, { width: nameW - 4 }), 10) + 3;
    if (doc.y + h > doc.page.height - bottom) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    const cells = [s.nomorPeserta, s.nama, ...s.criteria.map((c) => decimalComma(c.aggregate)), decimalComma(s.total), ...(hundred ? [decimalComma(d.shown!.score100[s.nomorPeserta] ?? null)] : [])];
    cells.forEach((t, i) => doc.font(i >= cells.length - totals ? 'bold' : 'body').text(t, cols[i]!.x + 2, y, { width: cols[i]!.w - 4, align: i >= 2 ? 'right' : 'left' }));
    doc.y = y + h;
  }
  doc.x = L;
}

/**
 * The Berita Acara, unsigned: the coordinator signs it first (a certification signature), then the chair and each
 * panelist, incrementally. Every signer has a line with an empty signature field on it, where their signature
 * shows who signed, as what, when, and with which certificate. The signature lines and the closing text are kept
 * together on the last page.
 */
export async function renderMinutes(d: MinutesData, signer: MinutesSigner, version?: MinutesVersion): Promise<Buffer> {
  const { doc, bytes } = await openSheet({ title: `Berita Acara ${d.exam.code} ${d.session.code}`, author: d.agency, at: d.asOf, stamp: { LenteraContent: minutesContentDigest(d, signer) } });
  const L = MARGIN.left;
  const W = doc.page.width - MARGIN.left - MARGIN.right;
  const start = new Date(d.session.startsAt);
  doc.font('bold').fontSize(13).text(d.agency.toUpperCase(), { align: 'center' });
  doc.font('body').fontSize(9).text('Panitia Seleksi Pengadaan Aparatur Sipil Negara', { align: 'center' });
  doc.moveTo(L, doc.y + 6).lineTo(L + W, doc.y + 6).lineWidth(1.5).stroke();
  doc.moveDown(1);
  doc.font('bold').fontSize(13).text('BERITA ACARA PELAKSANAAN SELEKSI', { align: 'center' });
  doc.font('body').fontSize(10).text(`${d.session.stageName} — sesi ${d.session.code}`, { align: 'center' });
  if (version) {
    doc.fontSize(8.5).text(`Versi ${version.number}: menggantikan ${version.replaces.name} (sha256 ${version.replaces.sha256.slice(0, 16)}…), yang tetap tersimpan beserta tanda tangannya; isi catatan berubah setelah versi itu ditandatangani.`, { align: 'center', width: W });
  }
  if (d.pending) {
    const shown = d.pending.length > 20 ? `${d.pending.slice(0, 20).join(', ')} dan ${d.pending.length - 20} lainnya` : d.pending.join(', ');
    doc.moveDown(0.5);
    doc.font('bold').fontSize(9.5).text(
      `BELUM LENGKAP: ${d.pending.length} dari ${d.counts.listed} peserta sesi ini belum difinalisasi (${shown}). Berita acara ini memuat nilai yang sudah difinalisasi saja; versi berikutnya dibuat setelah semuanya difinalisasi.`,
      { align: 'center', width: W },
    );
    doc.font('body');
  }
  doc.moveDown(1);
  doc.fontSize(10).text(
    `Pada hari ini, ${longDate(start)}, pukul ${wibTime(start)}, bertempat di ${d.venue.name}, ${d.venue.address}, ruang ${d.session.room}, telah dilaksanakan ${d.session.stageName} dalam rangka ${d.exam.name}, dengan hasil sebagai berikut.`,
    { width: W, align: 'justify' },
  );
  doc.moveDown(0.8);
  doc.font('bold').text('1. Kehadiran');
  doc.font('body').text(`Peserta terdaftar ${d.counts.listed} orang; hadir ${d.counts.present} orang; tidak hadir (TH) ${d.counts.absent} orang.`);
  doc.moveDown(0.5);
  doc.font('bold').text('2. Panel');
  d.panel.forEach((p, i) => doc.font('body').text(`${i + 1}. ${p.name} (NIP ${p.nip}) — ${p.role === 'chair' ? 'ketua' : 'penguji'}`));
  doc.moveDown(0.5);
  doc.font('bold').text(SCORES_HEADING);
  scoreTable(doc, d, L, W, MARGIN.bottom);
  doc.fontSize(10).moveDown(0.5);
  doc.font('bold').text('4. Catatan pembahasan perbedaan nilai');
  if (!d.notes.length) doc.font('body').text('Tidak ada.');
  for (const n of d.notes) doc.font('body').fontSize(9).text(`${n.nomorPeserta}${n.criterion ? ` (${n.criterion})` : ''}: ${n.note} — ${n.author}`, { width: W });
  doc.fontSize(10).moveDown(0.5);
  doc.font('bold').text('5. Perubahan nilai (amandemen)');
  if (!d.amendments.length) doc.font('body').text('Tidak ada.');
  for (const a of d.amendments) doc.font('body').text(`${a.nomorPeserta} ${a.item}: ${a.from} → ${a.to}; alasan: ${a.reason}; ${a.decision ?? 'menunggu persetujuan'}`, { width: W });
  doc.moveDown(0.8);

  // The signature lines, two to a row, and the closing text: together, on a new page if they do not fit here.
  const lines = [
    { field: COORDINATOR_FIELD, label: 'Koordinator lokasi', name: signer.name, nip: null as string | null },
    ...d.panel.map((p, i) => ({ field: panelField(p, i), label: panelRole(p.role), name: p.name, nip: p.nip as string | null })),
  ];
  const gap = 12;
  const colW = (W - gap) / 2;
  const boxH = 46;
  const rowH = 22 + boxH + 6;
  const closing = 'Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.';
  const heading = 'Tanda tangan elektronik (berurutan: koordinator lokasi, ketua panel, lalu setiap penguji):';
  const chain = `Kepala rantai audit saat berita acara ini dibuat: #${d.chainHead.seq} ${d.chainHead.hash}. Data menurut catatan workstation per ${longDate(d.asOf)}, pukul ${wibTime(d.asOf)}.`;
  const footer = footerText(signer.certified);
  const headingH = doc.font('body').fontSize(10).heightOfString(closing, { width: W }) + 10 + doc.fontSize(9).heightOfString(heading, { width: W }) + 6;
  const closingH = doc.fontSize(7.5).heightOfString(chain, { width: W }) + doc.fontSize(7).heightOfString(footer, { width: W, align: 'justify' }) + 8;
  const needed = headingH + Math.ceil(lines.length / 2) * rowH + closingH;
  if (doc.y + needed > doc.page.height - MARGIN.bottom) doc.addPage();
  doc.font('body').fontSize(10).text(closing, L, doc.y, { width: W });
  doc.moveDown(0.6);
  doc.fontSize(9).text(heading, L, doc.y, { width: W });
  doc.moveDown(0.4);
  const fields: PDFKit.PDFKitReference[] = [];
  let y = doc.y;
  lines.forEach((line, i) => {
    const x = L + (i % 2) * (colW + gap);
    if (i % 2 === 0 && i > 0) y += rowH;
    doc.font('bold').fontSize(9).text(`${line.label}: ${line.name}`, x, y, { width: colW, lineBreak: false, ellipsis: true });
    doc.font('body').fontSize(8).text(line.nip ? `NIP ${line.nip}` : ' ', x, y + 11, { width: colW, lineBreak: false });
    const boxY = y + 22;
    doc.save().lineWidth(0.5).dash(2, { space: 2 }).strokeColor('#8a94a6').rect(x, boxY, colW, boxH).stroke().restore();
    doc.annotate(x, boxY, colW, boxH, { Subtype: 'Widget', FT: 'Sig', T: new String(line.field), TU: new String(`Tanda tangan ${line.label.toLowerCase()}: ${line.name}`), F: 132 } as never);
    fields.push(doc.page.annotations[doc.page.annotations.length - 1]!);
  });
  doc.y = y + rowH;
  doc.x = L;
  doc.font('body').fontSize(7.5).fillColor('#000000').text(chain, L, doc.y, { width: W });
  doc.moveDown(0.3);
  doc.fontSize(7).text(footer, { width: W, align: 'justify' });

  // The form holding the signature fields. pdfkit has no signature fields of its own: its form support would
  // add text-field fonts and NeedAppearances (which makes readers rewrite a signed file), so its finishing step
  // is skipped for this document and the form object is written here.
  // Its default resources hold the Helvetica the signatures' appearances use, so a signature adds no font.
  const font = (base: string) => {
    const ref = doc.ref({ Type: 'Font', Subtype: 'Type1', BaseFont: base, Encoding: 'WinAnsiEncoding' });
    ref.end(undefined);
    return ref;
  };
  const form = doc.ref({ Fields: fields, DR: { Font: Object.fromEntries(Object.entries(APPEARANCE_FONTS).map(([key, base]) => [key, font(base)])) } });
  form.end(undefined);
  const raw = doc as unknown as { _root: { data: Record<string, unknown> }; endAcroForm: () => unknown };
  raw._root.data.AcroForm = form;
  raw.endAcroForm = () => doc;

  // "Halaman 1 dari 2" in the bottom margin of every page (written where no text flows, so no page is added).
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(7.5).fillColor('#555555').text(`Berita Acara ${d.exam.code} ${d.session.code} — halaman ${p - range.start + 1} dari ${range.count}`, L, doc.page.height - 36, { width: W, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return bytes;
}
