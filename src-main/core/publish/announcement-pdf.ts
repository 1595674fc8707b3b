/**
 * The announcement as a PDF, in Bahasa Indonesia: the same content as the signed document, with the document's
 * sha256 printed and kept in the metadata (/LenteraPengumuman), then signed with the coordinator's key like a
 * result sheet (a certification signature over the whole file; pdfsig and any PDF reader can check it).
 */
import type { UnlockedIdentity } from '../keys/identities';
import { longDate, wibTime } from '../sheets/format';
import { openSheet, SHEET_MARGIN as MARGIN } from '../sheets/open-sheet';
import { signPdf } from '../sheets/sign';
import { PDF_INFO_KEY, type AnnouncementDocument } from './announcement';
import { componentWords, passingGradeLines, stageKindWords, tieBreakLine } from './announcement-words';

/** Decimal comma for a number as Indonesian writes it. */
const n = (x: number | null) => (x === null ? '–' : String(x).replace('.', ','));

export async function renderAnnouncementPdf(d: AnnouncementDocument, sha256: string, signer: { name: string; certified: boolean }): Promise<Buffer> {
  const issued = new Date(d.issuedAt);
  const { doc, bytes } = await openSheet({ title: `Pengumuman ${d.exam.code} ke-${d.seq}`, author: d.exam.agency, at: issued, stamp: { [PDF_INFO_KEY]: sha256 } });
  const L = MARGIN.left;
  const W = doc.page.width - MARGIN.left - MARGIN.right;
  const heading = (t: string) => {
    doc.moveDown(0.6);
    doc.font('bold').fontSize(10.5).text(t, L, doc.y, { width: W });
    doc.moveDown(0.2);
    doc.font('body').fontSize(9);
  };
  const line = (t: string, indent = 0) => doc.font('body').fontSize(9).text(t, L + indent, doc.y, { width: W - indent });

  doc.font('bold').fontSize(13).text(d.exam.agency.toUpperCase(), { align: 'center' });
  doc.font('body').fontSize(9).text('Panitia Seleksi Pengadaan Aparatur Sipil Negara', { align: 'center' });
  doc.moveTo(L, doc.y + 6).lineTo(L + W, doc.y + 6).lineWidth(1.5).stroke();
  doc.moveDown(1);
  doc.font('bold').fontSize(13).text(`PENGUMUMAN KE-${d.seq}`, { align: 'center' });
  doc.font('body').fontSize(10).text(d.exam.name, { align: 'center' });
  doc.fontSize(8.5).text(`Kode ujian ${d.exam.code} · tahun ${d.exam.year} · diterbitkan ${longDate(issued)}, pukul ${wibTime(issued)}`, { align: 'center' });
  if (d.previous) doc.text(`Menggantikan pengumuman ke-${d.seq - 1} (sha256 ${d.previous}), yang tetap tercatat.`, { align: 'center', width: W });
  doc.moveDown(0.5);

  heading('1. Formasi, kebutuhan dan kualifikasi pendidikan');
  for (const f of d.formations) line(`${f.code} — ${f.position}, ${f.unit}. Pendidikan: ${f.education}. Kebutuhan: ${f.quota} orang.`);

  heading('2. Tahapan seleksi dan bobot');
  for (const s of d.stages) {
    line(`${s.code} — ${s.name} (${stageKindWords(s.kind)}): bobot dalam nilai akhir ${s.weight === null ? 'tidak dihitung dalam nilai akhir' : `${n(s.weight)} %`}.`);
    if (s.components.length) line(componentWords(s), 12);
  }

  heading('3. Nilai ambang batas dan penentuan kelulusan');
  for (const t of passingGradeLines(d)) line(t);
  line(tieBreakLine(d.tieBreak));

  heading('4. Aturan penilaian');
  line(`${d.ruleset.title}. Aturan ${d.ruleset.id} versi ${d.ruleset.version}; sha256 berkas aturan: ${d.ruleset.sha256}.`);
  line('Hasil seleksi dihitung dengan berkas aturan ini; hasil yang dihitung dengan aturan lain tidak sesuai pengumuman ini.');

  heading('5. Jadwal dan tempat');
  if (!d.schedule.length) line('Jadwal sesi belum ditetapkan.');
  for (const s of d.schedule) line(`${s.date} pukul ${s.time} WIB — ${s.stageName} (sesi ${s.session}), ${s.venue.name}${s.room ? `, ruang ${s.room}` : ''}${s.venue.address ? `, ${s.venue.address}` : ''}.`);

  heading('6. Rubrik wawancara');
  if (!d.rubrics.length) line('Tidak ada tahap wawancara.');
  for (const r of d.rubrics) {
    line(`${r.stageName} (${r.stage}): nilai panel digabung dengan ${r.aggregate === 'mean' ? 'rata-rata' : r.aggregate === 'median' ? 'median' : 'rata-rata terpangkas'}; selisih nilai antarpenguji lebih dari ${n(r.divergence)} dibahas dan dicatat.`);
    for (const c of r.criteria) {
      line(`${c.label} (bobot ${n(c.weight)}, nilai ${n(c.min)}–${n(c.max)})${c.description ? `: ${c.description}` : ''}`, 12);
      for (const l of c.levels) line(`${n(l.score)} — ${l.label}${l.description ? `: ${l.description}` : ''}`, 24);
    }
  }

  heading('7. Masa sanggah');
  const from = new Date(d.objectionPeriod.from);
  const until = new Date(d.objectionPeriod.until);
  line(`Sanggah atas hasil seleksi dapat diajukan peserta sejak ${longDate(from)} pukul ${wibTime(from)} sampai ${longDate(until)} pukul ${wibTime(until)}, melalui situs publikasi atau di lokasi ujian melalui petugas.`);

  heading('Keaslian pengumuman ini');
  line(`Isi pengumuman ini sama dengan dokumen elektronik ${ANNOUNCEMENT_FILE(d)} yang ditandatangani ${signer.name} dan dicatat di log transparansi. sha256 dokumen: ${sha256}.`);
  doc.fontSize(7).text(
    signer.certified
      ? 'Ditandatangani secara elektronik dengan sertifikat dari penyelenggara sertifikasi elektronik Indonesia yang terdaftar (tanda tangan elektronik tersertifikasi, PP 71/2019 Pasal 60).'
      : 'Ditandatangani secara elektronik dengan sertifikat yang dibuat sendiri oleh workstation panitia, bukan oleh penyelenggara sertifikasi elektronik: tanda tangan ini TIDAK tersertifikasi (PP 71/2019 Pasal 60).',
    L,
    doc.y + 4,
    { width: W, align: 'justify' },
  );

  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(7.5).fillColor('#555555').text(`Pengumuman ${d.exam.code} ke-${d.seq} — halaman ${p - range.start + 1} dari ${range.count}`, L, doc.page.height - 36, { width: W, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return bytes;
}

const ANNOUNCEMENT_FILE = (d: AnnouncementDocument) => `pengumuman ke-${d.seq} ${d.exam.code}`;

/** The PDF, rendered and signed by the coordinator (a certification signature: nothing may change afterwards). */
export async function signedAnnouncementPdf(d: AnnouncementDocument, sha256: string, signer: UnlockedIdentity): Promise<Buffer> {
  const pdf = await renderAnnouncementPdf(d, sha256, { name: signer.commonName, certified: signer.certified });
  return signPdf(pdf, signer, { reason: `Pengumuman ${d.exam.code} ke-${d.seq}`, name: signer.commonName, location: d.exam.agency, role: 'Koordinator', signingTime: new Date(d.issuedAt) });
}

