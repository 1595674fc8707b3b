import PDFDocument from 'pdfkit';
import type { Db } from '../db/open';
import { sql } from '../db/statements';
import { chainHead } from '../audit/chain';
import { sessionAttendance } from '../attendance/attendance';
import { loadPanel } from '../scoring/panel';
import { LenteraError } from '../util/errors';
import { decimalComma, longDate, wibTime } from './format';
import { fonts, footerText } from './result-sheet';

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
  chainHead: { seq: number; hash: string };
  asOf: Date;
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
    chainHead: head,
    asOf: new Date(asOf),
  };
}

/** The Berita Acara, unsigned: the coordinator signs it first, then the chair and each panelist, incrementally. */
export function renderMinutes(d: MinutesData, certified: boolean): Promise<Buffer> {
  return new Promise((resolvePdf, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 48, bottom: 48, left: 56, right: 56 },
      info: { Title: `Berita Acara ${d.exam.code} ${d.session.code}`, Author: d.agency, Creator: 'Lentera', Producer: 'Lentera', CreationDate: d.asOf, ModDate: d.asOf },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.on('error', reject);
    fonts(doc);
    const W = doc.page.width - 112;
    const start = new Date(d.session.startsAt);
    doc.font('bold').fontSize(13).text(d.agency.toUpperCase(), { align: 'center' });
    doc.font('body').fontSize(9).text('Panitia Seleksi Pengadaan Aparatur Sipil Negara', { align: 'center' });
    doc.moveTo(56, doc.y + 6).lineTo(56 + W, doc.y + 6).lineWidth(1.5).stroke();
    doc.moveDown(1);
    doc.font('bold').fontSize(13).text('BERITA ACARA PELAKSANAAN SELEKSI', { align: 'center' });
    doc.font('body').fontSize(10).text(`${d.session.stageName} — sesi ${d.session.code}`, { align: 'center' });
    doc.moveDown(1);
    doc.fontSize(10).text(
      `Pada hari ini, ${longDate(start)}, pukul ${wibTime(start)}, bertempat di ${d.venue.name}, ${d.venue.address}, ruang ${d.session.room}, telah dilaksanakan ${d.session.stageName} dalam rangka ${d.exam.name}, dengan hasil sebagai berikut.`,
      { width: W, align: 'justify' },
    );
    doc.moveDown(0.8);
    doc.font('bold').text('1. Kehadiran');
    doc.font('body').text(`Peserta terdaftar ${d.counts.listed} orang; hadir ${d.counts.present} orang; tidak hadir (TH) ${d.counts.absent} orang.`);
    doc.moveDown(0.6);
    doc.font('bold').text('2. Panel');
    d.panel.forEach((p, i) => doc.font('body').text(`${i + 1}. ${p.name} (NIP ${p.nip}) — ${p.role === 'chair' ? 'ketua' : 'penguji'}`));
    doc.moveDown(0.6);
    doc.font('bold').text('3. Nilai akhir wawancara (yang telah difinalisasi)');
    for (const s of d.scores) {
      doc.font('body').text(`${s.nomorPeserta}  ${s.nama}  —  nilai ${decimalComma(s.total)}  (${s.criteria.map((c) => `${c.label} ${decimalComma(c.aggregate)}`).join('; ')})`, { width: W });
    }
    doc.moveDown(0.6);
    doc.font('bold').text('4. Catatan pembahasan perbedaan nilai');
    if (!d.notes.length) doc.font('body').text('Tidak ada.');
    for (const n of d.notes) doc.font('body').text(`${n.nomorPeserta}${n.criterion ? ` (${n.criterion})` : ''}: ${n.note} — ${n.author}`, { width: W });
    doc.moveDown(0.6);
    doc.font('bold').text('5. Perubahan nilai (amandemen)');
    if (!d.amendments.length) doc.font('body').text('Tidak ada.');
    for (const a of d.amendments) doc.font('body').text(`${a.nomorPeserta} ${a.item}: ${a.from} → ${a.to}; alasan: ${a.reason}; ${a.decision ?? 'menunggu persetujuan'}`, { width: W });
    doc.moveDown(1);
    doc.font('body').text('Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.', { width: W });
    doc.moveDown(1);
    doc.font('bold').text('Tanda tangan elektronik (ditambahkan berurutan: koordinator, ketua panel, setiap penguji):');
    doc.font('body').text('Koordinator lokasi: ______________________');
    for (const p of d.panel) doc.text(`${p.role === 'chair' ? 'Ketua panel' : 'Penguji'}: ${p.name} ______________________`);
    doc.moveDown(1);
    doc.fontSize(8).text(`Kepala rantai audit: #${d.chainHead.seq} ${d.chainHead.hash}. Data per ${longDate(d.asOf)} ${wibTime(d.asOf)}.`, { width: W });
    doc.fontSize(7.5).text(footerText(certified), { width: W, align: 'justify' });
    doc.end();
  });
}
