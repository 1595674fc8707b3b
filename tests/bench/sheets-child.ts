// Makes `count` result sheets in this process and prints a JSON line with the time and the resident memory at each
// quarter, so flat memory shows as flat numbers. Modes:
// - signed:   our real sheet (both pages: the result and the strengths page) signed with the RSA-3072 CMS signature;
// - unsigned: the same real sheet, not signed;
// - plain:    the issue's baseline, "a plain pdfkit page of similar content": pdfkit called directly, no Lentera code,
//             the same embedded DejaVu fonts (parsed once, as pdfkit's own docs allow), the same text, QR-sized
//             grid of squares, table and paragraphs on the same two pages, unsigned.
import { createHash, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { makeLocalCertificate } from '../../src-main/core/keys/identities';
import { RSA_SHA256 } from '../../src-main/core/keys/pki';
import { renderResultSheet } from '../../src-main/core/sheets/result-sheet';
import { signPdf, type Signing } from '../../src-main/core/sheets/sign';
import { chainHash, CRITERIA, levelOf, sheetData, strengthsOf, variant } from './sheets-fixture';

const [mode, countText] = process.argv.slice(2) as [string, string];
const count = Number(countText);
if (!['signed', 'unsigned', 'plain'].includes(mode) || !(count > 0)) throw new Error('usage: sheets-child.ts signed|unsigned|plain <count>');

let id: Signing | undefined;
if (mode === 'signed') {
  const made = await makeLocalCertificate({ displayName: 'Sri Wahyuni, S.Sos.', nip: '197805122005012003' }, 'Pemerintah Kota Semarang', new Date().toISOString());
  const privateKey = await webcrypto.subtle.importKey('pkcs8', made.key.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
  id = { privateKey, certDer: made.certDer };
}

async function real(i: number): Promise<Buffer> {
  const pdf = await renderResultSheet(sheetData(i));
  return id ? signPdf(pdf, id, { reason: 'Lembar Hasil Seleksi', name: 'Sri Wahyuni', location: 'Semarang' }) : pdf;
}

// --- the baseline: pdfkit alone ---------------------------------------------------------------------------------

const fontsDir = join(import.meta.dirname, '..', '..', 'resources', 'fonts');
const body = fontkit.create(readFileSync(join(fontsDir, 'DejaVuSans.ttf')));
const bold = fontkit.create(readFileSync(join(fontsDir, 'DejaVuSans-Bold.ttf')));
const FOOTER = 'Dokumen ini ditandatangani secara elektronik dengan sertifikat yang dibuat sendiri oleh workstation panitia, bukan oleh penyelenggara sertifikasi elektronik: tanda tangan ini TIDAK tersertifikasi (PP 71/2019 Pasal 60). Keaslian isi dapat diperiksa dengan memindai kode QR pada halaman verifikasi publik. Informasi elektronik, dokumen elektronik, dan hasil cetaknya merupakan alat bukti hukum yang sah (UU ITE No. 11 Tahun 2008, Pasal 5 ayat 1).';
const EXPLAIN = [
  'Angka formasi dihitung dari peserta formasi F01 yang sudah memiliki nilai untuk komponen itu. Median: nilai tengah. Kuartil 1–3: seperempat peserta bernilai di bawah kuartil 1, seperempat di atas kuartil 3. Persentil: persentase peserta yang nilainya di bawah nilai Anda, ditambah separuh dari yang nilainya sama (termasuk Anda sendiri), dibulatkan ke bawah.',
  'Bila kurang dari 5 peserta formasi memiliki nilai untuk suatu komponen, angka formasi tidak ditampilkan (terlalu sedikit peserta untuk dibandingkan), agar nilai peserta lain tidak dapat ditebak. Nilai, nama atau nomor peserta lain tidak pernah ditampilkan di sini.',
];
const comma = (x: string | number) => String(x).replace('.', ',');

/**
 * The same sheet's words, numbers and layout, written with pdfkit directly: two pages, the text in the same fonts
 * and sizes, a 41 × 41 grid of squares where the sheet's QR code is (a version-6 code, as the sheet's), the table.
 */
function plain(i: number): Promise<Buffer> {
  const v = variant(i);
  const skd = v.twk + v.tiu + v.tkp;
  const digest = createHash('sha256').update(`result ${i}`).digest('hex');
  const lulus = v.rank <= 3;
  return new Promise((resolve, reject) => {
    const at = new Date('2026-12-03T09:00:00+07:00');
    const doc = new PDFDocument({ size: 'A4', margins: { top: 48, bottom: 48, left: 56, right: 56 }, info: { Title: `Lembar Hasil Seleksi ${v.nomor}`, Author: 'Pemerintah Kota Semarang', CreationDate: at, ModDate: at } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('body', body as unknown as string);
    doc.registerFont('bold', bold as unknown as string);
    const W = doc.page.width - 112;
    doc.font('bold').fontSize(13).text('PEMERINTAH KOTA SEMARANG', 56, 48, { width: W - 110 });
    doc.font('body').fontSize(9).text('Panitia Seleksi Pengadaan Aparatur Sipil Negara', { width: W - 110 });
    doc.text('Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026', { width: W - 110 });
    const cell = 100 / 49;
    doc.save().rect(56 + W - 100, 40, 100, 100).fill('#ffffff').fillColor('#000000');
    for (let r = 0; r < 41; r++) for (let c = 0; c < 41; c++) if (((r * 41 + c) * 2654435761 + i * 40503) % 4294967296 < 2147483648) doc.rect(56 + W - 100 + (c + 4) * cell, 40 + (r + 4) * cell, cell, cell);
    doc.fill('#000000').restore();
    doc.moveTo(56, 148).lineTo(56 + W, 148).lineWidth(1.5).stroke();
    doc.font('bold').fontSize(14).text('LEMBAR HASIL SELEKSI', 56, 160, { width: W, align: 'center' });
    doc.font('body').fontSize(9).text(`Nomor peserta ${v.nomor}`, { width: W, align: 'center' });
    doc.moveDown(1);
    for (const [label, value] of [['Nama', v.nama], ['Nomor peserta', v.nomor], ['NIK', v.nik], ['Kategori', 'umum'], ['Formasi', 'F01 — Pranata Komputer Ahli Pertama'], ['Unit kerja', 'Dinas Komunikasi, Informatika, Statistik dan Persandian (kebutuhan 3)']] as const) {
      const y = doc.y;
      doc.font('body').fontSize(10).text(label, 56, y, { width: 150 });
      doc.font('bold').text(value, 210, y, { width: W - 154 });
      doc.moveDown(0.3);
    }
    doc.moveDown(0.8);
    doc.font('bold').fontSize(11).text('Nilai', 56);
    doc.moveDown(0.3);
    const scores: [string, string, boolean][] = [
      ['SKD — TWK', String(v.twk), false], ['SKD — TIU', String(v.tiu), false], ['SKD — TKP', String(v.tkp), false], ['SKD — jumlah (maksimal 550)', String(skd), true],
      ['Nilai ambang batas TWK ≥ 65', 'memenuhi', false], ['Nilai ambang batas TIU ≥ 80', 'memenuhi', false], ['Nilai ambang batas TKP ≥ 166', 'memenuhi', false],
      ['Seleksi Kompetensi Bidang (CAT) (skala 0–100)', String(v.cat), false], ['Nilai wawancara (skala 1–5)', comma(v.wwcScale), false], ['Nilai wawancara (skala 0–100)', comma(v.wwc), false],
      ['SKB (skala 0–100)', comma(v.skb), true], ['Nilai akhir', comma(v.final), true], ['Peringkat dalam formasi', String(v.rank), true],
    ];
    for (const [label, value, b] of scores) {
      const y = doc.y;
      doc.font(b ? 'bold' : 'body').fontSize(10).text(label, 72, y, { width: 300 });
      doc.text(value, 372, y, { width: 100, align: 'right' });
      doc.moveDown(0.2);
    }
    doc.moveDown(0.6);
    doc.font('bold').fontSize(12).text(lulus ? 'Status: P/L — LULUS' : 'Status: P/TL — TIDAK LULUS (di luar kebutuhan formasi)', 56);
    doc.font('body').fontSize(10).text(`Keterangan: peringkat ${v.rank} dari kebutuhan 3`, 56, doc.y, { width: W });
    doc.moveDown(1);
    doc.font('body').fontSize(8).fillColor('#333333');
    doc.text(`Aturan penilaian: cpns-2024 versi 2024.1, sha256 ${'a'.repeat(64)}`, 56, doc.y, { width: W });
    doc.text(`Ringkasan hasil (sha256): ${digest}`, { width: W });
    doc.text(`Kepala rantai audit saat dicetak: #${1234 + i} ${chainHash(i)}`, { width: W });
    doc.text('Dibuat: Kamis, 3 Desember 2026, pukul 09.00 WIB. Ditandatangani oleh: Sri Wahyuni, S.Sos.', { width: W });
    doc.moveDown(0.6);
    doc.fontSize(7.5).fillColor('#000000').text(FOOTER, 56, doc.y, { width: W, align: 'justify' });

    doc.addPage();
    doc.font('body').fontSize(8).fillColor('#333333').text(`Lembar Hasil Seleksi CPNS-SMG-2026 · ${v.nama} · nomor peserta ${v.nomor} · halaman 2`, 56, 48, { width: W });
    doc.fillColor('#000000').moveDown(0.6);
    doc.font('bold').fontSize(13).text('KEKUATAN DAN KELEMAHAN ANDA', 56, doc.y, { width: W, align: 'center' });
    doc.moveDown(0.6);
    const components = strengthsOf(v).components;
    const table = [['Komponen', 'Nilai Anda', 'Nilai ambang batas', 'Selisih dari ambang', 'Median formasi', 'Kuartil 1–3', 'Posisi Anda (persentil)']];
    for (const c of components) {
      const m = c.comparison;
      table.push([c.label, c.max && c.group !== 'stage' ? `${comma(c.score)} / ${comma(c.max)}` : comma(c.score), c.passLine ?? '–', c.distance === null ? '–' : `+${c.distance}`, comma(m.median!), `${comma(m.q1!)}–${comma(m.q3!)}`, String(m.percentile)]);
    }
    const cols = [138, 62, 52, 52, 50, 68, 58];
    table.forEach((cells, row) => {
      doc.font(row <= 6 ? 'bold' : 'body').fontSize(8.5);
      const h = Math.max(...cells.map((c, k) => doc.heightOfString(c, { width: cols[k]! - 4 }))) + 4;
      const y = doc.y;
      let x = 56;
      cells.forEach((c, k) => {
        doc.text(c, x, y + 2, { width: cols[k]! - 4, align: k === 0 ? 'left' : 'right' });
        x += cols[k]!;
      });
      doc.y = y + h;
      doc.moveTo(56, doc.y).lineTo(56 + W, doc.y).lineWidth(0.3).strokeColor('#999999').stroke().strokeColor('#000000');
    });
    doc.moveDown(0.8);
    doc.font('bold').fontSize(10.5).text('Dalam kalimat', 56, doc.y, { width: W });
    doc.moveDown(0.2);
    for (const c of components) {
      const m = c.comparison;
      const line = c.passLine === null ? '' : `${c.distance} poin di atas nilai ambang batas (${c.passLine}); `;
      const level = c.level ? `rata-rata nilai panel terdekat dengan tingkat rubrik “${c.level.label}”; ` : '';
      doc.font('body').fontSize(9).text(`• ${c.label}: ${line}${level}lebih tinggi dari ${m.higherThan} % peserta formasi ini (median formasi ${comma(m.median!)}).`, 56, doc.y, { width: W });
    }
    doc.moveDown(0.6);
    doc.font('bold').fontSize(10.5).text('Wawancara: nilai panel per kriteria dan deskripsi rubrik', 56, doc.y, { width: W });
    doc.moveDown(0.2);
    v.criteria.forEach((score, k) => {
      const l = levelOf(score);
      doc.font('body').fontSize(9).text(`• ${CRITERIA[k]}: rata-rata nilai panel ${comma(score)}, terdekat dengan tingkat ${l.score} “${l.label}”${l.description ? `: ${l.description}` : '.'}`, 56, doc.y, { width: W });
    });
    doc.moveDown(0.8);
    doc.font('body').fontSize(8).fillColor('#333333');
    for (const p of EXPLAIN) {
      doc.text(p, 56, doc.y, { width: W, align: 'justify' });
      doc.moveDown(0.3);
    }
    doc.end();
  });
}

const make = mode === 'plain' ? plain : real;
if (process.env.LENTERA_BENCH_SHEETS_OUT) {
  // For comparing the two documents by eye and by pdftotext: the first one, written out.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.LENTERA_BENCH_SHEETS_OUT, await make(0));
}
// Warm-up (loads pdfkit, fontkit and the QR encoder, compiles the hot paths), not timed, the same for every mode.
for (let i = 0; i < 5; i++) await make(100_000 + i);
const rss: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  await make(i);
  if ((i + 1) % Math.ceil(count / 4) === 0) rss.push(Math.round(process.memoryUsage().rss / 1048576));
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
// CPU time (every thread of the process), to judge by when other processes share the cores.
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify({ ms, cpuMs, count, rate: count / (ms / 1000), cpuRate: count / (cpuMs / 1000), rss, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
