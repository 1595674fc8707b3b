/**
 * The site's pages for objections (sanggah) and public reports (laporan): the two forms, which work only on the
 * hub's own site (they post to its API; opened from a copy on a USB stick they say where to go instead), and the
 * two public lists. Everything the public or the committee wrote is escaped; the forms' script is a file under
 * assets/, as the site's CSP allows no inline script, and it writes answers with textContent only.
 */
import { esc, page, table, timeTag } from './html';
import { logPaths } from './paths';
import type { ObjectionStatus, PublicObjection } from './objections';
import { CATEGORY_LABELS, CONTACT_MAX, REPORT_CATEGORIES, REPORT_TEXT, type PublicReport, type ReportStatus } from './reports';
import { OBJECTION_TEXT } from './objections';
import type { SiteInput } from './site';

export interface VoiceSiteInput {
  /** exams a report may be about; `stages`: those with published results, an objection's choices */
  exams: { code: string; stages: string[]; objectionFrom: string | null; objectionUntil: string | null }[];
  objections: PublicObjection[];
  reports: PublicReport[];
}

export const voicePaths = {
  objectionForm: 'sanggah.html',
  objectionList: 'sanggah-daftar.html',
  reportForm: 'laporan.html',
  reportList: 'laporan-daftar.html',
  script: 'assets/suara.js',
} as const;

const OBJECTION_STATUS: Record<ObjectionStatus, string> = { diajukan: 'Diajukan, menunggu jawaban', diterima: 'Diterima', ditolak: 'Ditolak' };
const REPORT_STATUS: Record<ReportStatus, string> = { diterima: 'Diterima, belum ditelaah', ditelaah: 'Sedang ditelaah', ditindaklanjuti: 'Ditindaklanjuti', ditolak: 'Ditolak' };

const OFFLINE = `<div id="luring" class="notice"><p><strong>Formulir ini hanya berfungsi di situs resmi panitia (hub), dengan JavaScript aktif.</strong> Bila Anda membuka salinan situs ini (misalnya dari USB atau berkas unduhan), buka situs resmi panitia untuk mengirim, atau sampaikan melalui petugas di tempat ujian.</p></div>`;

const daysOf = (ms: number) => `${(Math.max(0, ms) / 86_400_000).toFixed(1).replace('.', ',')} hari`;
const days = (fromIso: string, toIso: string) => daysOf(Date.parse(toIso) - Date.parse(fromIso));

const recordLink = (index: number | null) => (index === null ? '–' : `<a href="${esc(logPaths.record(index))}">#${index}</a>`);

const examOptions = (codes: string[]) => codes.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('');

function trackForm(kind: 'sanggah' | 'laporan', prefix: string): string {
  return `<h2 id="lacak-judul">Lacak dengan kode</h2>
<form id="lacak" data-api="api/${kind}" hidden aria-labelledby="lacak-judul">
<p><label for="kode">Kode lacak (${esc(prefix)}-XXXX-XXXX-XXXX-XXXX)</label><br><input id="kode" name="kode" required autocomplete="off" spellcheck="false" size="28" maxlength="40"></p>
<p><button type="submit">Lacak</button></p>
</form>
<section id="hasil-lacak" aria-live="polite"></section>`;
}

export function objectionFormPage(input: SiteInput, voice: VoiceSiteInput): string {
  const path = voicePaths.objectionForm;
  const withStages = voice.exams.filter((e) => e.stages.length);
  const periods = voice.exams.map((e) => [esc(e.code), e.objectionFrom ? timeTag(e.objectionFrom) : 'Belum diumumkan', e.objectionUntil ? timeTag(e.objectionUntil) : '–']);
  const stageOptions = withStages.flatMap((e) => e.stages.map((s) => `<option value="${esc(s)}" data-exam="${esc(e.code)}">${esc(s)}</option>`)).join('');
  const body = `<h1>Ajukan sanggah</h1>
<p class="lead">Peserta dapat menyanggah hasilnya sendiri untuk satu tahap, dalam masa sanggah yang ditetapkan pengumuman. Tidak perlu akun: Anda membuktikan diri dengan nomor peserta dan <em>salt</em> dari tanda terima Anda.</p>
${periods.length ? table('Masa sanggah per ujian', ['Ujian', 'Dibuka', 'Ditutup'], periods) : '<p>Belum ada ujian.</p>'}
<h2>Di mana menemukan salt</h2>
<ul>
<li><strong>Tanda terima</strong> (berkas JSON dari panitia): nilai <code>"salt"</code>, misalnya <code>"salt": "q3Xv…"</code>. Salin teksnya tanpa tanda kutip.</li>
<li><strong>Lembar hasil</strong>: pindai kode QR yang besar; isinya teks JSON. Salt adalah nilai <code>"s"</code> di dalam <code>"p"</code>.</li>
</ul>
<p>Salt hanya diketahui Anda: jangan berikan kepada orang lain. Isi sanggah Anda hanya dibaca panitia; yang diterbitkan hanya kode lacak, ujian, tahap, waktu dan jawaban panitia, tanpa nama dan nomor peserta.</p>
${OFFLINE}
<h2 id="form-judul">Formulir sanggah</h2>
<form id="formulir" data-api="api/sanggah" hidden aria-labelledby="form-judul">
<p><label for="exam">Ujian</label><br><select id="exam" name="exam" required>${examOptions(withStages.map((e) => e.code))}</select></p>
<p><label for="nomor">Nomor peserta</label><br><input id="nomor" name="nomor" required inputmode="numeric" autocomplete="off" maxlength="32"></p>
<p><label for="salt">Salt dari tanda terima</label><br><input id="salt" name="salt" required autocomplete="off" spellcheck="false" size="40" maxlength="200"></p>
<p><label for="stage">Tahap yang disanggah</label><br><select id="stage" name="stage" required>${stageOptions}</select></p>
<p><label for="text">Isi sanggah (${OBJECTION_TEXT.min}–${OBJECTION_TEXT.max} karakter)</label><br><textarea id="text" name="text" required minlength="${OBJECTION_TEXT.min}" maxlength="${OBJECTION_TEXT.max}" rows="8"></textarea></p>
<p><button type="submit">Kirim sanggah</button></p>
</form>
<section id="hasil" aria-live="polite"></section>
${trackForm('sanggah', 'SGH')}
<p><a href="${esc(voicePaths.objectionList)}">Daftar semua sanggah dan jawabannya</a></p>`;
  return page({ path, title: 'Ajukan sanggah', crumbs: [['Beranda', 'index.html'], ['Sanggah', null]], body, scripts: [voicePaths.script], generatedAt: input.generatedAt });
}

export function reportFormPage(input: SiteInput, voice: VoiceSiteInput): string {
  const path = voicePaths.reportForm;
  const body = `<h1>Laporan masyarakat</h1>
<p class="lead">Siapa pun dapat melaporkan dugaan kecurangan atau ketidakadilan dalam seleksi. Anda mendapat kode lacak untuk mengikuti jawabannya. Setiap laporan dan jawabannya dicatat di log transparansi, sehingga tidak dapat hilang diam-diam; pengamat (Ombudsman, inspektorat) membaca semua laporan.</p>
<p>Yang diterbitkan: ujian, kategori, isi laporan dengan email, nomor telepon dan deret angka panjang (nomor peserta, NIK) disamarkan, status dan jawaban. Kontak Anda (boleh kosong) hanya dibaca panitia dan tidak pernah diterbitkan. Jangan menulis nama orang bila tidak perlu.</p>
${OFFLINE}
<h2 id="form-judul">Formulir laporan</h2>
<form id="formulir" data-api="api/laporan" hidden aria-labelledby="form-judul">
<p><label for="exam">Ujian</label><br><select id="exam" name="exam" required>${examOptions(voice.exams.map((e) => e.code))}</select></p>
<p><label for="category">Kategori</label><br><select id="category" name="category" required>${REPORT_CATEGORIES.map((c) => `<option value="${esc(c)}">${esc(CATEGORY_LABELS[c])}</option>`).join('')}</select></p>
<p><label for="text">Isi laporan (${REPORT_TEXT.min}–${REPORT_TEXT.max} karakter): apa, kapan, di mana</label><br><textarea id="text" name="text" required minlength="${REPORT_TEXT.min}" maxlength="${REPORT_TEXT.max}" rows="10"></textarea></p>
<p><label for="contact">Kontak (tidak wajib; tidak diterbitkan)</label><br><input id="contact" name="contact" autocomplete="off" maxlength="${CONTACT_MAX}" size="40"></p>
<div class="visually-hidden" aria-hidden="true"><label for="website">Jangan diisi</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<p><button type="submit">Kirim laporan</button></p>
</form>
<section id="hasil" aria-live="polite"></section>
${trackForm('laporan', 'LAP')}
<p><a href="${esc(voicePaths.reportList)}">Daftar semua laporan dan jawabannya</a></p>`;
  return page({ path, title: 'Laporan masyarakat', crumbs: [['Beranda', 'index.html'], ['Laporan', null]], body, scripts: [voicePaths.script], generatedAt: input.generatedAt });
}

export function objectionListPage(input: SiteInput, voice: VoiceSiteInput): string {
  const path = voicePaths.objectionList;
  const all = voice.objections;
  const count = (s: ObjectionStatus) => all.filter((o) => o.status === s).length;
  const answered = all.filter((o) => o.answeredAt);
  const mean = answered.length ? daysOf(answered.reduce((t, o) => t + (Date.parse(o.answeredAt!) - Date.parse(o.filedAt)), 0) / answered.length) : '–';
  const exams = [...new Set(all.map((o) => o.exam))].sort();
  const sections = exams.map((code) => {
    const rows = all
      .filter((o) => o.exam === code)
      .map((o) => [
        `<code>${esc(o.id)}</code>`,
        esc(o.stage),
        o.channel === 'tempat' ? 'Tempat ujian' : 'Situs',
        timeTag(o.filedAt),
        `<span class="status">${esc(OBJECTION_STATUS[o.status])}</span>`,
        o.answeredAt ? timeTag(o.answeredAt) : '–',
        o.answeredAt ? esc(days(o.filedAt, o.answeredAt)) : `menunggu ${esc(days(o.filedAt, input.generatedAt))}`,
        o.answer === null ? '–' : `<span class="jawaban">${esc(o.answer)}</span>`,
        `${recordLink(o.filedLeaf)}${o.answerLeaf === null ? '' : ` · ${recordLink(o.answerLeaf)}`}`,
      ]);
    return `<h2>${esc(code)}</h2>
${table(`Sanggah ujian ${code}`, ['Kode lacak', 'Tahap', 'Melalui', 'Diajukan', 'Status', 'Dijawab', 'Lama menjawab', 'Jawaban panitia', 'Entri log'], rows)}`;
  });
  const body = `<h1>Daftar sanggah</h1>
<p class="lead">Setiap sanggah dan jawabannya, tanpa nama dan nomor peserta. Isi sanggah hanya dibaca panitia; log mencatat sidik (sha256) isinya dengan salt peserta, sehingga hanya peserta itu yang dapat menunjukkan kelak apa yang ia tulis. Jawaban yang menerima sanggah dikoreksi melalui proses perubahan nilai di tempat ujian dan terbit sebagai hasil baru.</p>
<dl class="facts"><div><dt>Diajukan, menunggu jawaban</dt><dd>${count('diajukan')}</dd></div><div><dt>Diterima</dt><dd>${count('diterima')}</dd></div><div><dt>Ditolak</dt><dd>${count('ditolak')}</dd></div><div><dt>Rata-rata lama menjawab</dt><dd>${esc(mean)}</dd></div></dl>
<p><a href="${esc(voicePaths.objectionForm)}">Ajukan sanggah</a> · <a href="${esc(logPaths.index)}">Log transparansi (entri catatan)</a></p>
${sections.join('\n') || '<p>Belum ada sanggah.</p>'}`;
  return page({ path, title: 'Daftar sanggah', crumbs: [['Beranda', 'index.html'], ['Daftar sanggah', null]], body, generatedAt: input.generatedAt });
}

export function reportListPage(input: SiteInput, voice: VoiceSiteInput): string {
  const path = voicePaths.reportList;
  const all = voice.reports;
  const count = (s: ReportStatus) => all.filter((r) => r.status === s).length;
  const items = all.map((r) => {
    const answers = r.answers.length
      ? `<ol class="jawaban">${r.answers.map((a) => `<li><strong>${esc(REPORT_STATUS[a.status])}</strong>, ${timeTag(a.answeredAt)} (${recordLink(a.leaf)}): <span>${esc(a.answer)}</span></li>`).join('')}</ol>`
      : '<p>Belum dijawab.</p>';
    return `<article class="laporan" id="${esc(r.id)}">
<h3><code>${esc(r.id)}</code> · ${esc(r.exam)} · ${esc(CATEGORY_LABELS[r.category] ?? r.category)}</h3>
<dl class="facts"><div><dt>Diterima</dt><dd>${timeTag(r.filedAt)} (${recordLink(r.filedLeaf)})</dd></div><div><dt>Status</dt><dd><span class="status">${esc(REPORT_STATUS[r.status])}</span></dd></div></dl>
<pre class="isi">${esc(r.text)}</pre>
${answers}
</article>`;
  });
  const body = `<h1>Daftar laporan masyarakat</h1>
<p class="lead">Setiap laporan yang diterima dan setiap jawabannya, seperti tercatat di log transparansi. Email, nomor telepon dan deret angka panjang disamarkan; kontak pelapor tidak pernah diterbitkan.</p>
<dl class="facts">${(['diterima', 'ditelaah', 'ditindaklanjuti', 'ditolak'] as const).map((s) => `<div><dt>${esc(REPORT_STATUS[s])}</dt><dd>${count(s)}</dd></div>`).join('')}</dl>
<p><a href="${esc(voicePaths.reportForm)}">Kirim laporan</a></p>
${items.join('\n') || '<p>Belum ada laporan.</p>'}`;
  return page({ path, title: 'Daftar laporan', crumbs: [['Beranda', 'index.html'], ['Daftar laporan', null]], body, generatedAt: input.generatedAt });
}

/**
 * The forms' script: shows the forms only on http(s) (from file:// the notice stays), narrows the stage list to
 * the chosen exam, posts JSON, and writes every answer with textContent (never as HTML).
 */
export const VOICE_SCRIPT = `(function () {
  'use strict';
  var online = location.protocol === 'http:' || location.protocol === 'https:';
  if (!online) return;
  var notice = document.getElementById('luring');
  if (notice) notice.hidden = true;
  function wib(iso) {
    if (!iso) return '–';
    try { return new Date(iso).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'long', timeStyle: 'short' }) + ' WIB'; } catch (e) { return iso; }
  }
  function show(out, ok, lines) {
    out.textContent = '';
    var box = document.createElement('div');
    box.className = 'verdict ' + (ok ? 'ok' : 'bad');
    lines.forEach(function (l) { var p = document.createElement('p'); p.textContent = l; box.appendChild(p); });
    out.appendChild(box);
  }
  function call(method, url, body) {
    var init = { method: method, headers: { Accept: 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return { ok: false, error: { message: 'Jawaban server tidak dapat dibaca (HTTP ' + r.status + ').' } }; });
    }, function () { return { ok: false, error: { message: 'Server tidak dapat dihubungi. Coba lagi.' } }; });
  }
  var STATUS = { diajukan: 'diajukan, menunggu jawaban', diterima: 'diterima', ditolak: 'ditolak', ditelaah: 'sedang ditelaah', ditindaklanjuti: 'ditindaklanjuti' };
  var form = document.getElementById('formulir');
  var out = document.getElementById('hasil');
  if (form && out) {
    form.hidden = false;
    var exam = form.elements.namedItem('exam');
    var stage = form.elements.namedItem('stage');
    var narrow = function () {
      if (!stage || !exam) return;
      var first = null;
      Array.prototype.forEach.call(stage.options, function (o) {
        var mine = o.getAttribute('data-exam') === exam.value;
        o.hidden = !mine; o.disabled = !mine;
        if (mine && first === null) first = o.value;
      });
      if (stage.selectedOptions.length === 0 || stage.selectedOptions[0].disabled) stage.value = first === null ? '' : first;
    };
    if (exam) exam.addEventListener('change', narrow);
    narrow();
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var body = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) body[el.name] = el.value; });
      var button = form.querySelector('button');
      button.disabled = true;
      call('POST', form.getAttribute('data-api'), body).then(function (a) {
        button.disabled = false;
        if (!a.ok) return show(out, false, ['Tidak terkirim: ' + ((a.error && a.error.message) || 'ditolak.')]);
        var item = a.sanggah || a.laporan;
        show(out, true, [
          'Terkirim. Kode lacak Anda: ' + item.id,
          'Simpan kode ini untuk melacak jawabannya.',
          'Tercatat di log transparansi sebagai entri #' + (a.proof ? a.proof.index : item.filedLeaf) + ', ' + wib(item.filedAt) + '.'
        ]);
        form.reset();
        narrow();
      });
    });
  }
  var track = document.getElementById('lacak');
  var trackOut = document.getElementById('hasil-lacak');
  if (track && trackOut) {
    track.hidden = false;
    track.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var code = track.elements.namedItem('kode').value.trim().toUpperCase();
      call('GET', track.getAttribute('data-api') + '/' + encodeURIComponent(code)).then(function (a) {
        if (!a.ok) return show(trackOut, false, [(a.error && a.error.message) || 'Tidak ditemukan.']);
        var item = a.sanggah || a.laporan;
        var lines = [item.id + ' (' + item.exam + (item.stage ? ', tahap ' + item.stage : '') + ')', 'Status: ' + (STATUS[item.status] || item.status), 'Diajukan: ' + wib(item.filedAt)];
        if (a.sanggah && item.answer) lines.push('Dijawab ' + wib(item.answeredAt) + ': ' + item.answer);
        if (a.laporan) (item.answers || []).forEach(function (x) { lines.push((STATUS[x.status] || x.status) + ', ' + wib(x.answeredAt) + ': ' + x.answer); });
        show(trackOut, true, lines);
      });
    });
  }
})();
`;

/** Writes the four pages and the script through the site's writer (which refuses a full NIK, like every page). */
export async function writeVoicePages(text: (rel: string, content: string) => Promise<void>, input: SiteInput, voice: VoiceSiteInput | undefined): Promise<void> {
  const v = voice ?? { exams: input.exams.map((e) => ({ code: e.code, stages: [], objectionFrom: null, objectionUntil: null })), objections: [], reports: [] };
  await text(voicePaths.script, VOICE_SCRIPT);
  await text(voicePaths.objectionForm, objectionFormPage(input, v));
  await text(voicePaths.reportForm, reportFormPage(input, v));
  await text(voicePaths.objectionList, objectionListPage(input, v));
  await text(voicePaths.reportList, reportListPage(input, v));
}
