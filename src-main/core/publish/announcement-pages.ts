/**
 * The announcements on the static site (Bahasa Indonesia): a page per announcement ever made, the one in force at
 * `ujian/<exam>/pengumuman.html`, each with its signed file, its PDF and its record in the log; what each later
 * announcement changed; and, on the results pages, which announcement's rules the results were computed with.
 */
import { LenteraError } from '../util/errors';
import type { AnnouncementDocument } from './announcement';
import type { SiteAnnouncement } from './announcement-hub';
import { componentWords, passingGradeLines, stageKindWords, tieBreakLine } from './announcement-words';
import { esc, facts, page, rel, table, timeTag } from './html';
import { logPaths, sitePaths } from './paths';
import type { SiteInput } from './site';

const hash = (h: string) => `<code class="hash">${esc(h)}</code>`;
const n = (x: number | null) => (x === null ? '–' : esc(String(x).replace('.', ',')));

/** The announcements of each exam, in order (seq ascending). */
function byExam(input: SiteInput): Map<string, SiteAnnouncement[]> {
  const m = new Map<string, SiteAnnouncement[]>();
  for (const a of input.announcements ?? []) m.set(a.exam, [...(m.get(a.exam) ?? []), a]);
  for (const list of m.values()) list.sort((a, b) => a.seq - b.seq);
  return m;
}

/** What a later announcement changed from the one before it, in words (at least the rules and the quotas). */
export function announcementChanges(before: AnnouncementDocument, after: AnnouncementDocument): string[] {
  const out: string[] = [];
  if (before.ruleset.sha256 !== after.ruleset.sha256) {
    out.push(`Aturan penilaian berubah: ${before.ruleset.id} versi ${before.ruleset.version} (sha256 ${before.ruleset.sha256}) menjadi ${after.ruleset.id} versi ${after.ruleset.version} (sha256 ${after.ruleset.sha256}).`);
  }
  const old = new Map(before.formations.map((f) => [f.code, f]));
  const now = new Map(after.formations.map((f) => [f.code, f]));
  for (const f of after.formations) {
    const o = old.get(f.code);
    if (!o) out.push(`Formasi baru ${f.code} (${f.position}), kebutuhan ${f.quota}.`);
    else {
      if (o.quota !== f.quota) out.push(`Kebutuhan formasi ${f.code} berubah: ${o.quota} menjadi ${f.quota}.`);
      if (o.education !== f.education) out.push(`Kualifikasi pendidikan formasi ${f.code} berubah: ${o.education} menjadi ${f.education}.`);
      if (o.position !== f.position || o.unit !== f.unit) out.push(`Jabatan atau unit kerja formasi ${f.code} berubah.`);
    }
  }
  for (const f of before.formations) if (!now.has(f.code)) out.push(`Formasi ${f.code} (${f.position}) dihapus.`);
  const weights = (d: AnnouncementDocument) => JSON.stringify(d.stages.map((s) => [s.code, s.weight, s.components, s.score]));
  if (weights(before) !== weights(after)) out.push('Tahapan, komponen atau bobot tahapan berubah.');
  if (JSON.stringify(before.passingGrades) !== JSON.stringify(after.passingGrades) || JSON.stringify(before.tieBreak) !== JSON.stringify(after.tieBreak)) out.push('Nilai ambang batas atau urutan penentuan peringkat berubah.');
  if (JSON.stringify(before.schedule) !== JSON.stringify(after.schedule)) out.push('Jadwal atau tempat ujian berubah.');
  if (JSON.stringify(before.rubrics) !== JSON.stringify(after.rubrics)) out.push('Rubrik wawancara berubah.');
  if (before.objectionPeriod.from !== after.objectionPeriod.from || before.objectionPeriod.until !== after.objectionPeriod.until) out.push('Masa sanggah berubah.');
  if (!out.length) out.push('Isi sama dengan pengumuman sebelumnya (diterbitkan ulang).');
  return out;
}

function periodText(p: AnnouncementDocument['objectionPeriod']): string {
  return `${timeTag(p.from)} sampai ${timeTag(p.until)}`;
}

function announcementPage(input: SiteInput, list: SiteAnnouncement[], a: SiteAnnouncement, path: string): string {
  const d = a.document;
  const latest = list[list.length - 1]!;
  const link = (to: string, label: string) => `<a href="${esc(rel(path, to))}">${esc(label)}</a>`;
  const later = list.find((x) => x.seq === a.seq + 1);
  const status =
    a.seq === latest.seq
      ? '<p class="lead">Pengumuman ini yang berlaku.</p>'
      : `<p class="notice">Pengumuman ini telah diganti oleh ${link(sitePaths.announcementVersion(a.exam, later!.seq, 'html'), `pengumuman ke-${later!.seq}`)}; yang berlaku sekarang ${link(sitePaths.announcement(a.exam), `pengumuman ke-${latest.seq}`)}. Pengumuman ini tetap diterbitkan dan tetap tercatat di log.</p>`;
  const record = a.leafIdx === null ? 'belum dicatat' : `entri ke-${a.leafIdx} · ${link(logPaths.record(a.leafIdx), 'isi catatan (JSON)')}`;
  const files = [link(sitePaths.announcementVersion(a.exam, a.seq, 'json'), 'dokumen bertanda tangan (JSON)'), ...(a.pdf ? [link(sitePaths.announcementVersion(a.exam, a.seq, 'pdf'), 'PDF bertanda tangan')] : [])].join(' · ');
  const stages = d.stages.map((s) => [esc(s.code), esc(s.name), esc(stageKindWords(s.kind)), s.weight === null ? 'tidak dihitung' : `${n(s.weight)} %`, s.components.length ? esc(componentWords(s)) : '–']);
  const schedule = d.schedule.map((s) => [`${esc(s.date)} ${esc(s.time)} WIB`, esc(s.stageName), esc(s.session), esc(s.venue.name), esc(s.room), esc(s.venue.address)]);
  const rubrics = d.rubrics
    .map(
      (r) => `<h3>${esc(r.stageName)} (${esc(r.stage)})</h3>
<p>Nilai panel digabung dengan ${esc(r.aggregate === 'mean' ? 'rata-rata' : r.aggregate === 'median' ? 'median' : 'rata-rata terpangkas')}; selisih nilai antarpenguji lebih dari ${n(r.divergence)} dibahas dan dicatat.</p>
${table(`Kriteria wawancara ${r.stage}`, ['Kriteria', 'Bobot', 'Rentang nilai', 'Uraian dan tingkat'], r.criteria.map((c) => [esc(c.label), n(c.weight), `${n(c.min)}–${n(c.max)}`, `${esc(c.description ?? '')}${c.levels.length ? `<ul>${c.levels.map((l) => `<li>${n(l.score)}: ${esc(l.label)}${l.description ? ` — ${esc(l.description)}` : ''}</li>`).join('')}</ul>` : ''}`]), { numeric: [1] })}`,
    )
    .join('\n');
  const history = list.map((x, i) => {
    const next = list[i + 1];
    return [
      link(sitePaths.announcementVersion(x.exam, x.seq, 'html'), `ke-${x.seq}`),
      timeTag(x.document.issuedAt),
      hash(x.document.ruleset.sha256),
      next ? `diganti oleh pengumuman ke-${next.seq}: <ul>${announcementChanges(x.document, next.document).map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : 'berlaku',
    ];
  });
  const body = `<h1>Pengumuman ke-${a.seq}: ${esc(d.exam.name)}</h1>
${status}
${facts([
  ['Kode ujian', esc(d.exam.code)],
  ['Instansi', esc(d.exam.agency)],
  ['Tahun', esc(d.exam.year)],
  ['Diterbitkan', timeTag(d.issuedAt)],
  ['Ditandatangani oleh', `${esc(a.signer.subject)}<br>sidik jari sertifikat ${hash(a.signer.fingerprint)}`],
  ['sha256 dokumen', hash(a.sha256)],
  ['Log transparansi', record],
  ['Berkas', files],
  ['Pengumuman sebelumnya', d.previous ? `${link(sitePaths.announcementVersion(a.exam, a.seq - 1, 'html'), `ke-${a.seq - 1}`)} (sha256 ${hash(d.previous)})` : 'tidak ada: ini pengumuman pertama'],
])}
<h2>Formasi</h2>
${table('Formasi, kualifikasi pendidikan dan kebutuhan', ['Kode formasi', 'Jabatan', 'Unit kerja', 'Pendidikan', 'Kebutuhan'], d.formations.map((f) => [esc(f.code), esc(f.position), esc(f.unit), esc(f.education), String(f.quota)]), { numeric: [4] })}
<h2>Tahapan dan bobot</h2>
${table('Tahapan seleksi dan bobotnya dalam nilai akhir', ['Kode', 'Tahap', 'Jenis', 'Bobot nilai akhir', 'Komponen'], stages, { numeric: [3] })}
<h2>Nilai ambang batas dan peringkat</h2>
<ul>${[...passingGradeLines(d), tieBreakLine(d.tieBreak)].map((t) => `<li>${esc(t)}</li>`).join('')}</ul>
<h2>Aturan penilaian</h2>
${facts([
  ['Aturan', `${esc(d.ruleset.id)} versi ${esc(d.ruleset.version)}`],
  ['Judul', esc(d.ruleset.title)],
  ['sha256 berkas aturan', hash(d.ruleset.sha256)],
])}
<p>Hasil seleksi yang diterbitkan menyebut sha256 aturan yang dipakai menghitungnya; hasil yang dihitung dengan aturan lain ditandai di halamannya.</p>
<h2>Jadwal dan tempat</h2>
${schedule.length ? table('Jadwal sesi ujian (WIB)', ['Waktu', 'Tahap', 'Sesi', 'Tempat', 'Ruang', 'Alamat'], schedule) : '<p>Jadwal sesi belum ditetapkan.</p>'}
<h2>Rubrik wawancara</h2>
${rubrics || '<p>Tidak ada tahap wawancara.</p>'}
<h2>Masa sanggah</h2>
<p>Peserta dapat mengajukan sanggah atas hasilnya sendiri sejak ${periodText(d.objectionPeriod)}.</p>
<h2>Riwayat pengumuman</h2>
${table('Semua pengumuman ujian ini', ['Pengumuman', 'Diterbitkan', 'sha256 aturan', 'Status'], history)}
<p>Periksa sendiri: tanda tangan RSA-SHA256 dalam dokumen bertanda tangan berlaku atas teks <code>document</code> persis (UTF-8); sha256 teks itu sama dengan "h" pada entri log, dan isi catatan di log sama persis dengan teks itu.</p>`;
  return page({ path, title: `Pengumuman ${d.exam.code} ke-${a.seq}`, crumbs: [['Beranda', 'index.html'], [`Pengumuman ${d.exam.code}`, null]], body, generatedAt: input.generatedAt });
}

/**
 * Writes every announcement's page, signed file and PDF. Refuses (nothing is published) an announcement whose logged
 * record is not its exact text: the page would show something other than what the log vouches for.
 */
export async function writeAnnouncementPages(input: SiteInput, text: (rel: string, content: string) => Promise<void>, copy: (rel: string, source: string, sha256: string) => Promise<number>): Promise<void> {
  const records = new Map((input.records ?? []).map((r) => [r.index, Buffer.from(r.record).toString('utf8')]));
  for (const [exam, list] of byExam(input)) {
    for (const a of list) {
      if (a.leafIdx !== null && records.get(a.leafIdx) !== a.text) {
        throw new LenteraError('PUBLISH_INVALID', `Announcement ${a.seq} of ${exam} is not the record of leaf ${a.leafIdx} of the log.`, { exam, seq: a.seq });
      }
      await text(sitePaths.announcementVersion(exam, a.seq, 'json'), a.signedJson);
      if (a.pdf) await copy(sitePaths.announcementVersion(exam, a.seq, 'pdf'), a.pdf.file, a.pdf.sha256);
      const path = sitePaths.announcementVersion(exam, a.seq, 'html');
      await text(path, announcementPage(input, list, a, path));
    }
    await text(sitePaths.announcement(exam), announcementPage(input, list, list[list.length - 1]!, sitePaths.announcement(exam)));
  }
}

/** The index page's list of announcements (empty when there are none). */
export function announcementIndexSection(input: SiteInput, from: string): string {
  const groups = [...byExam(input)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!groups.length) return '';
  const rows = groups.map(([exam, list]) => {
    const a = list[list.length - 1]!;
    return [`<a href="${esc(rel(from, sitePaths.announcement(exam)))}">${esc(exam)}</a>`, esc(a.document.exam.name), `ke-${a.seq}`, timeTag(a.document.issuedAt), periodText(a.document.objectionPeriod)];
  });
  return `<h2>Pengumuman</h2>
<p>Formasi, tahapan, bobot, nilai ambang batas, aturan, jadwal, rubrik wawancara dan masa sanggah, diumumkan sebelum penilaian dan dicatat di log transparansi.</p>
${table('Pengumuman yang berlaku per ujian', ['Ujian', 'Nama ujian', 'Pengumuman', 'Diterbitkan', 'Masa sanggah'], rows)}`;
}

/**
 * On a results page: the announcement whose rules (ruleset sha256) the results were computed with, or a plain
 * warning when no announcement of the exam has those rules.
 */
export function announcementNotice(input: SiteInput, exam: string, rulesetSha256: string, from: string): string {
  const list = byExam(input).get(exam) ?? [];
  const match = [...list].reverse().find((a) => a.document.ruleset.sha256 === rulesetSha256);
  if (!match) {
    const known = list.length ? ` (aturan yang diumumkan: ${[...new Set(list.map((a) => a.document.ruleset.sha256))].map((h) => hash(h)).join(', ')}; lihat <a href="${esc(rel(from, sitePaths.announcement(exam)))}">pengumuman</a>)` : ': belum ada pengumuman untuk ujian ini';
    return `<p class="notice"><strong>Hasil ini dihitung dengan aturan yang tidak ada di pengumuman mana pun</strong> (sha256 aturan ${hash(rulesetSha256)})${known}.</p>`;
  }
  const latest = list[list.length - 1]!;
  const later = match.seq === latest.seq ? '' : ` Pengumuman yang berlaku sekarang adalah <a href="${esc(rel(from, sitePaths.announcement(exam)))}">pengumuman ke-${latest.seq}</a>.`;
  return `<p>Hasil ini dihitung dengan aturan yang diumumkan dalam <a href="${esc(rel(from, sitePaths.announcementVersion(exam, match.seq, 'html')))}">pengumuman ke-${match.seq}</a> (sha256 aturan sama).${later}</p>`;
}
