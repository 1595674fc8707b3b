import type { Db } from '../db/open';
import { sessionAttendance } from '../attendance/attendance';
import { requireExam } from '../exams/exams';
import { examSessions, findVenue, stageName } from '../exams/structure';
import { loadPanel, type Criterion, type Panelist } from '../scoring/panel';
import { longDate, wibTime } from '../sheets/format';
import { fileSafe, finishPrint, openPrint, UNSIGNED_NOTE } from './page';

export interface ScoringFormData {
  exam: { code: string; name: string; agency: string };
  session: { code: string; stage: string; stageName: string; venue: string; room: string; startsAt: string };
  criteria: Criterion[];
  members: Pick<Panelist, 'name' | 'nip' | 'role'>[];
  /** the candidates listed for the session, by number; no score, note or attendance of theirs */
  candidates: { nomorPeserta: string; nama: string; kodeFormasi: string }[];
  printedAt: Date;
}

/**
 * What a blank interview form needs: the session, its panel, the rubric of its stage as the exam package defines it,
 * and the candidates listed. Nothing anyone has scored is read, so a form can be printed before, during or after.
 */
export function scoringFormData(db: Db, examCode: string, sessionCode: string, at: Date): ScoringFormData {
  const exam = requireExam(db, examCode);
  // loadPanel refuses a session that is not an interview: only an interview has a rubric to print.
  const panel = loadPanel(db, exam.id, sessionCode);
  const s = examSessions(db, exam.id).find((x) => x.code === panel.session.code)!;
  const candidates = sessionAttendance(db, exam.id, sessionCode).lines.map((l) => ({ nomorPeserta: l.nomorPeserta, nama: l.nama, kodeFormasi: l.kodeFormasi }));
  return {
    exam: { code: exam.code, name: exam.name, agency: exam.agency },
    session: { code: s.code, stage: s.stage, stageName: stageName(db, exam.id, s.stage) ?? s.stage, venue: findVenue(db, exam.id, s.venue)?.name ?? s.venue, room: s.room, startsAt: s.startsAt },
    criteria: panel.criteria,
    members: panel.members.map((m) => ({ name: m.name, nip: m.nip, role: m.role })),
    candidates,
    printedAt: at,
  };
}

/** print.scoringForms' file: the session's blank forms, named for it. */
export async function printedScoringForms(db: Db, examCode: string, sessionCode: string, at: Date): Promise<{ name: string; bytes: Buffer }> {
  const data = scoringFormData(db, examCode, sessionCode, at);
  return { name: scoringFormsFileName(data.exam.code, data.session.code), bytes: await renderScoringForms(data) };
}

export function scoringFormsFileName(examCode: string, session: string): string {
  return `formulir-penilaian-${fileSafe(examCode)}-${fileSafe(session)}.pdf`;
}

const role = (r: Panelist['role']) => (r === 'chair' ? 'Ketua' : 'Anggota');

function scale(c: Criterion): string {
  const step = c.step === 1 ? '' : `, kelipatan ${String(c.step).replace('.', ',')}`;
  return `Nilai ${String(c.min).replace('.', ',')}–${String(c.max).replace('.', ',')}${step} · bobot ${String(c.weight).replace('.', ',')}`;
}

function levels(c: Criterion): string {
  return c.levels.map((l) => `${String(l.score).replace('.', ',')} = ${l.label}`).join(' · ');
}

/**
 * Renders one blank scoring form per candidate of the session, one page each: the rubric with a box per panel
 * member and criterion, room for notes, and a signature line per member. The sizes shrink with a long rubric or a
 * large panel so that a candidate never runs onto a second page.
 */
export async function renderScoringForms(d: ScoringFormData): Promise<Buffer> {
  const p = await openPrint({ title: `Formulir penilaian ${d.session.code} — ${d.exam.code}`, author: d.exam.agency, at: d.printedAt, footerLines: 2 });
  const { doc, left, width } = p;
  const when = new Date(d.session.startsAt);
  const sessionLine = `${d.session.code} · ${d.session.stageName} · ${d.session.venue}, ${d.session.room} · ${longDate(when)}, ${wibTime(when)}`;
  const members = d.members.length > 0 ? d.members : [{ name: '', nip: '', role: 'examiner' as const }];
  // One box per panel member for each criterion; a panel without members still gets one box to write in.
  const boxW = Math.min(56, Math.max(34, (width * 0.42) / members.length));
  const boxesW = boxW * members.length;
  const textW = width - boxesW - 8;
  const small = d.criteria.length > 6 ? 7 : 8;

  if (d.candidates.length === 0) {
    doc.font('bold').fontSize(12).text(`FORMULIR PENILAIAN — ${d.session.code}`, left, doc.y, { width });
    doc.font('body').fontSize(10).text('Sesi ini belum mempunyai peserta: tidak ada formulir untuk dicetak.', { width });
  }
  d.candidates.forEach((c, index) => {
    if (index > 0) doc.addPage();
    doc.font('bold').fontSize(11).text(d.exam.agency.toUpperCase(), left, doc.page.margins.top, { width });
    doc.font('body').fontSize(8.5).text(`${d.exam.name} (${d.exam.code})`, { width });
    doc.moveDown(0.3);
    doc.font('bold').fontSize(13).text('FORMULIR PENILAIAN WAWANCARA', { width, align: 'center' });
    doc.font('body').fontSize(8).text('Formulir kosong, diisi tangan oleh panel; nilai dimasukkan ke Lentera oleh masing-masing panelis.', { width, align: 'center' });
    doc.moveDown(0.6);

    const row = (label: string, value: string) => {
      const y = doc.y;
      doc.font('body').fontSize(9.5).text(label, left, y, { width: 110 });
      doc.font('bold').text(value, left + 110, y, { width: width - 110 });
      doc.moveDown(0.15);
    };
    row('Nomor peserta', c.nomorPeserta);
    row('Nama', c.nama);
    row('Formasi', c.kodeFormasi);
    row('Sesi', sessionLine);
    doc.moveDown(0.4);

    // The panel, numbered: the numbers head the score boxes below.
    doc.font('bold').fontSize(9.5).text('Panel penilai', left, doc.y, { width });
    members.forEach((m, i) => {
      const name = m.name ? `${m.name}${m.nip ? `, NIP ${m.nip}` : ''} (${role(m.role)})` : '........................................................';
      doc.font('body').fontSize(9).text(`Penilai ${i + 1}: ${name}`, left + 8, doc.y, { width: width - 8 });
    });
    doc.moveDown(0.5);

    // The rubric: each criterion with its scale and levels, a box per panel member.
    const headY = doc.y;
    doc.font('bold').fontSize(8.5).text('Kriteria dan skala', left, headY, { width: textW });
    members.forEach((_m, i) => doc.text(`Penilai ${i + 1}`, left + textW + 8 + i * boxW, headY, { width: boxW, align: 'center' }));
    doc.y = headY + 12;
    doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.75).stroke();
    for (const k of d.criteria) {
      const y = doc.y + 4;
      doc.font('bold').fontSize(9).text(k.label, left, y, { width: textW });
      if (k.description) doc.font('body').fontSize(small).text(k.description, left, doc.y, { width: textW });
      doc.font('body').fontSize(small).fillColor('#333333').text(scale(k), left, doc.y, { width: textW });
      if (k.levels.length > 0) doc.text(levels(k), left, doc.y, { width: textW });
      doc.fillColor('#000000');
      const h = Math.max(doc.y - y, 26);
      members.forEach((_m, i) => doc.rect(left + textW + 8 + i * boxW + 4, y, boxW - 8, Math.min(h, 30)).lineWidth(0.75).stroke());
      doc.y = y + h + 4;
      doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.25).strokeColor('#999999').stroke().strokeColor('#000000');
    }
    doc.moveDown(0.6);

    // Notes and signatures take what the rubric leaves, down to the footer.
    const signH = 54;
    const rows = Math.ceil(members.length / 3);
    const notesTop = doc.y;
    const notesH = Math.max(40, p.bottom - notesTop - 14 - rows * signH - 8);
    doc.font('bold').fontSize(9).text('Catatan', left, notesTop, { width });
    doc.rect(left, notesTop + 12, width, notesH).lineWidth(0.5).stroke();
    let y = notesTop + 12 + notesH + 8;
    const colW = width / Math.min(3, members.length);
    members.forEach((m, i) => {
      const x = left + (i % 3) * colW;
      if (i > 0 && i % 3 === 0) y += signH;
      doc.moveTo(x + 6, y + 26).lineTo(x + colW - 10, y + 26).lineWidth(0.5).stroke();
      doc.font('body').fontSize(7.5).text(`Penilai ${i + 1}${m.name ? ` — ${m.name}` : ''}`, x + 6, y + 29, { width: colW - 16, height: 20, ellipsis: true });
      doc.text('Tanda tangan', x + 6, y, { width: colW - 16, lineBreak: false });
    });
  });

  return finishPrint(p, {
    lines: [`${d.exam.code} · sesi ${d.session.code} · ${d.session.stageName}`, `${UNSIGNED_NOTE} Dicetak ${longDate(d.printedAt)}, pukul ${wibTime(d.printedAt)}.`],
  });
}
