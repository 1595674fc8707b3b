import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../audit/chain';
import type { RankedCandidate } from '../ranking/engine';
import { sha256Hex } from '../util/hash';
import { resourcesDir } from '../util/resources';
import { decimalComma, endSentence, longDate, wibTime } from './format';
import { sheetContentDigest } from './content';
import { payloadOfText, type SheetPayload } from './payload';
import { drawQr } from './qr';
import { documentInfo } from './pdf-structure';
import { loadFontkit, loadPdfKit } from './pdf-libs';
import { receiptToQr, type Receipt } from '../ledger/receipt';
import type { CandidateStrengths } from '../ranking/strengths';
import { drawStrengthsPage } from './strengths-page';
import { shareWordLayouts } from './word-layouts';
import { rememberGlyphs } from './glyph-subsets';
import { FINAL_SCORE, INTERVIEW_SCORE_100, interviewScaleLabel, threePlaces, type RubricScale } from '../../shared/score-labels';

export interface SheetData {
  agency: string;
  exam: { code: string; name: string; year: number };
  formation: { code: string; position: string; unit: string; quota: number };
  candidate: { nomorPeserta: string; nama: string; nikMasked: string; kategori: string };
  result: RankedCandidate;
  stageNames: Record<string, string>;
  ruleset: { id: string; version: string; sha256: string };
  chainHead: { seq: number; hash: string };
  generatedAt: Date;
  signer: { name: string; certified: boolean };
  /** the hub's receipt for exactly this result, once it has logged it: its proof goes into the QR code */
  receipt?: Receipt | null;
  /**
   * The interview stages among `result.stages`, with the score on the rubric's scale beside the 0–100 one the result
   * carries ("Nilai wawancara (skala 1–5)" 3,650 and "(skala 0–100)" 73,000). Presentation only: derived from the
   * same exact stage value, so it is left out of the content digest (content.ts) like the print time.
   */
  interview?: Record<string, { scale: RubricScale | null; onScale: string | null }>;
  /**
   * The second page, "Kekuatan dan kelemahan Anda" (core/ranking/strengths.ts). Part of the content digest: the
   * formation's distribution is what the sheet says, so a sheet whose summary has changed is signed again.
   */
  strengths?: CandidateStrengths;
}

/** The digest a result sheet vouches for: the candidate's result as the engine computed it, canonically. */
export function resultDigest(examCode: string, r: RankedCandidate, rulesetSha256: string): string {
  return sha256Hex(canonicalJson({ exam: examCode, ruleset: rulesetSha256, result: r }));
}

/** Compact, versioned; key "p" carries the transparency log's inclusion proof once the hub has logged the result. */
export function qrPayload(examCode: string, nomor: string, digest: string, receipt?: Receipt | null): string {
  const p = receipt && receipt.digest === digest && receipt.exam === examCode && receipt.nomor === nomor ? receiptToQr(receipt) : undefined;
  return canonicalJson({ v: 1, e: examCode, n: nomor, d: digest, ...(p ? { p } : {}) });
}

const STATUS_WORDS: Record<string, string> = {
  'P/L': 'LULUS',
  'P/TL': 'TIDAK LULUS (di luar kebutuhan formasi)',
  'P/TH': 'TIDAK HADIR SKB',
  TL: 'TIDAK LULUS',
  TH: 'TIDAK HADIR',
  TMS: 'TIDAK MEMENUHI SYARAT',
  APS: 'MENGUNDURKAN DIRI',
  BL: 'BELUM LENGKAP',
};

/** A provisional status in words: what it is for now, never "LULUS" (missing results could still change it). */
const PROVISIONAL_WORDS: Record<string, string> = {
  'P/L': 'masuk kebutuhan formasi, belum final',
  'P/TL': 'di luar kebutuhan formasi, belum final',
  'P/TH': 'tidak hadir SKB, belum final',
};

export function statusWords(status: string, provisional = false): string {
  if (provisional) return PROVISIONAL_WORDS[status] ?? (status.startsWith('P/L-') ? 'mengisi formasi lain melalui optimalisasi, belum final' : 'belum final');
  return STATUS_WORDS[status] ?? (status.startsWith('P/L-') ? 'LULUS (optimalisasi)' : status);
}

/** "P/L — LULUS", or "P/L SEMENTARA — masuk kebutuhan formasi, belum final" while missing results could change it. */
export function statusLine(status: string, provisional = false): string {
  return provisional ? `${status} SEMENTARA — ${statusWords(status, true)}` : `${status} — ${statusWords(status)}`;
}

let parsedFonts: { body: unknown; bold: unknown } | undefined;

/**
 * The embedded TTF fonts, read and parsed once per process and handed to pdfkit as fontkit fonts: parsing a
 * font costs ~90 ms, which a batch of ten thousand sheets would otherwise pay ten thousand times. Each document
 * still embeds its own subset.
 */
export function fonts(doc: PDFKit.PDFDocument): void {
  if (!parsedFonts) throw new Error('loadFonts() must run before fonts()');
  doc.registerFont('body', parsedFonts.body as unknown as string);
  doc.registerFont('bold', parsedFonts.bold as unknown as string);
}

/** Parses the fonts once per process (fontkit loads here, on the first PDF drawn). */
export async function loadFonts(): Promise<void> {
  if (parsedFonts) return;
  const fontkit = await loadFontkit();
  parsedFonts = {
    body: fontkit.create(readFileSync(join(resourcesDir(), 'fonts', 'DejaVuSans.ttf'))),
    bold: fontkit.create(readFileSync(join(resourcesDir(), 'fonts', 'DejaVuSans-Bold.ttf'))),
  };
  rememberGlyphs(parsedFonts.body);
  rememberGlyphs(parsedFonts.bold);
}

/** The payload in a sheet's document information (/Info /LenteraResult), or null when it has none. */
export function payloadOfInfo(info: Record<string, string>): SheetPayload | null {
  return info.LenteraResult === undefined ? null : payloadOfText(info.LenteraResult);
}

/**
 * The payload embedded in a sheet's metadata, or null: read through the file's structure, from the document
 * information of its last revision, never from bytes no cross-reference names.
 */
export function embeddedPayload(pdf: Buffer): SheetPayload | null {
  return payloadOfInfo(documentInfo(pdf));
}

/** What a sheet's title says it is: "Lembar Hasil Seleksi <nomor peserta>". */
export function sheetTitle(nomor: string): string {
  return `Lembar Hasil Seleksi ${nomor}`;
}

export function footerText(certified: boolean): string {
  const how = certified
    ? 'Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE) atau penyelenggara sertifikasi elektronik Indonesia lain yang terdaftar (tanda tangan elektronik tersertifikasi, PP 71/2019 Pasal 60).'
    : 'Dokumen ini ditandatangani secara elektronik dengan sertifikat yang dibuat sendiri oleh workstation panitia, bukan oleh penyelenggara sertifikasi elektronik: tanda tangan ini TIDAK tersertifikasi (PP 71/2019 Pasal 60).';
  return `${how} Keaslian isi dapat diperiksa dengan memindai kode QR pada halaman verifikasi publik. Informasi elektronik, dokumen elektronik, dan hasil cetaknya merupakan alat bukti hukum yang sah (UU ITE No. 11 Tahun 2008, Pasal 5 ayat 1).`;
}

/** Renders one Lembar Hasil Seleksi. Deterministic for the same data: re-running gives the same bytes. */
export async function renderResultSheet(d: SheetData): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  await loadFonts();
  return new Promise((resolvePdf, reject) => {
    const doc = new PDFDocument({
      // No default font: pdfkit would parse Helvetica's metrics for every sheet, which never uses Helvetica.
      font: null as unknown as string,
      size: 'A4',
      margins: { top: 48, bottom: 48, left: 56, right: 56 },
      info: { Title: sheetTitle(d.candidate.nomorPeserta), Author: d.agency, Creator: 'Lentera', Producer: 'Lentera', CreationDate: d.generatedAt, ModDate: d.generatedAt },
    });
    // The QR payload again, machine-readable, for `lentera verify` (a print-out has only the QR code).
    (doc.info as unknown as Record<string, string>).LenteraResult = qrPayload(d.exam.code, d.candidate.nomorPeserta, resultDigest(d.exam.code, d.result, d.ruleset.sha256), d.receipt);
    // What the sheet says, less when it was printed: a later run compares it and leaves an unchanged signed sheet alone.
    (doc.info as unknown as Record<string, string>).LenteraContent = sheetContentDigest(d);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.on('error', reject);
    // The number pdfkit gave its default font stays taken, so the sheet's fonts keep their names (F2, F3) and bytes.
    (doc as unknown as { _fontCount: number })._fontCount++;
    fonts(doc);
    // Bold first: the order the sheet first uses them in, so pdfkit names them as it always has.
    shareWordLayouts(doc, ['bold', 'body']);
    const W = doc.page.width - 112;
    const digest = resultDigest(d.exam.code, d.result, d.ruleset.sha256);

    // Kop
    doc.font('bold').fontSize(13).text(d.agency.toUpperCase(), 56, 48, { width: W - 110, align: 'left' });
    doc.font('body').fontSize(9).text('Panitia Seleksi Pengadaan Aparatur Sipil Negara', { width: W - 110 });
    doc.text(`${d.exam.name}`, { width: W - 110 });
    drawQr(doc, qrPayload(d.exam.code, d.candidate.nomorPeserta, digest), 56 + W - 100, 40, 100);
    doc.moveTo(56, 148).lineTo(56 + W, 148).lineWidth(1.5).stroke();
    doc.font('bold').fontSize(14).text('LEMBAR HASIL SELEKSI', 56, 160, { width: W, align: 'center' });
    doc.font('body').fontSize(9).text(`Nomor peserta ${d.candidate.nomorPeserta}`, { width: W, align: 'center' });
    doc.moveDown(1);

    const row = (label: string, value: string) => {
      const y = doc.y;
      doc.font('body').fontSize(10).text(label, 56, y, { width: 150 });
      doc.font('bold').text(value, 210, y, { width: W - 154 });
      doc.moveDown(0.3);
    };
    row('Nama', d.candidate.nama);
    row('Nomor peserta', d.candidate.nomorPeserta);
    row('NIK', d.candidate.nikMasked);
    row('Kategori', d.candidate.kategori);
    row('Formasi', `${d.formation.code} — ${d.formation.position}`);
    row('Unit kerja', `${d.formation.unit} (kebutuhan ${d.formation.quota})`);
    doc.moveDown(0.8);

    doc.font('bold').fontSize(11).text('Nilai', 56);
    doc.moveDown(0.3);
    const line = (label: string, value: string, bold = false) => {
      const y = doc.y;
      doc.font(bold ? 'bold' : 'body').fontSize(10).text(label, 72, y, { width: 300 });
      doc.text(value, 372, y, { width: 100, align: 'right' });
      doc.moveDown(0.2);
    };
    const r = d.result;
    for (const [k, v] of Object.entries(r.components)) line(`SKD — ${k.toUpperCase()}`, decimalComma(v));
    if (r.skd_total !== null) line('SKD — jumlah (maksimal 550)', decimalComma(r.skd_total), true);
    for (const t of r.thresholds) line(`Nilai ambang batas ${t.rule}`, t.pass ? 'memenuhi' : 'tidak memenuhi');
    const interviews = Object.keys(r.stages).filter((k) => d.interview?.[k]);
    for (const [k, v] of Object.entries(r.stages)) {
      const interview = d.interview?.[k];
      if (!interview) {
        line(`${d.stageNames[k] ?? k} (skala 0–100)`, decimalComma(v));
        continue;
      }
      // One interview stage is "Nilai wawancara"; with more than one, each says which.
      const which = interviews.length > 1 ? ` — ${d.stageNames[k] ?? k}` : '';
      if (interview.scale && interview.onScale !== null) line(`${interviewScaleLabel(interview.scale)}${which}`, decimalComma(interview.onScale));
      line(`${INTERVIEW_SCORE_100}${which}`, decimalComma(threePlaces(v)));
    }
    if (r.skb !== null) line('SKB (skala 0–100)', decimalComma(r.skb), true);
    line(FINAL_SCORE, decimalComma(r.final), true);
    line('Peringkat dalam formasi', r.rank === null ? '–' : String(r.rank), true);
    doc.moveDown(0.6);
    doc.font('bold').fontSize(12).text(`Status: ${statusLine(r.status, r.provisional === true)}`, 56);
    doc.font('body').fontSize(10).text(`Keterangan: ${r.reason}`, 56, doc.y, { width: W });
    if (r.provisional) {
      doc.font('bold').fontSize(10).text(`Status ini SEMENTARA dan masih dapat berubah: ${r.provisional_reason ?? 'ada nilai yang belum lengkap'}.`, 56, doc.y, { width: W });
      doc.font('body').text('Lembar ini bukan pengumuman kelulusan akhir; status akhir ditetapkan setelah semua nilai tersebut lengkap.', 56, doc.y, { width: W });
    }
    doc.moveDown(1);

    doc.font('body').fontSize(8).fillColor('#333333');
    doc.text(`Aturan penilaian: ${d.ruleset.id} versi ${d.ruleset.version}, sha256 ${d.ruleset.sha256}`, 56, doc.y, { width: W });
    doc.text(`Ringkasan hasil (sha256): ${digest}`, { width: W });
    doc.text(`Kepala rantai audit saat dicetak: #${d.chainHead.seq} ${d.chainHead.hash}`, { width: W });
    if (d.receipt && d.receipt.digest === digest) {
      doc.text(`Log transparansi: daun #${d.receipt.index}, checkpoint ukuran ${d.receipt.checkpoint.size}, akar ${d.receipt.checkpoint.root} (bukti inklusi di kode QR).`, { width: W });
    }
    doc.text(`Dibuat: ${longDate(d.generatedAt)}, pukul ${wibTime(d.generatedAt)}. Ditandatangani oleh: ${endSentence(d.signer.name)}`, { width: W });
    doc.moveDown(0.6);
    if (d.receipt && d.receipt.digest === digest) {
      // The proof makes a dense code: it gets its own, larger square (the header code stays quick to scan).
      const size = 150;
      const y = doc.y;
      drawQr(doc, qrPayload(d.exam.code, d.candidate.nomorPeserta, digest, d.receipt), 56 + W - size, y, size);
      doc.font('bold').fontSize(9).fillColor('#000000').text('Bukti log transparansi', 56, y + 20, { width: W - size - 16 });
      doc.font('body').fontSize(8.5).text('Kode di samping memuat bukti bahwa hasil ini tercatat di log transparansi publik (daun, garam, bukti inklusi, checkpoint). Pindai atau unggah lembar ini di halaman Verifikasi situs publikasi.', { width: W - size - 16 });
      doc.y = y + size + 6;
    }
    doc.fontSize(7.5).fillColor('#000000').text(footerText(d.signer.certified), 56, doc.y, { width: W, align: 'justify' });
    if (d.strengths) drawStrengthsPage(doc, d.strengths, `Lembar Hasil Seleksi ${d.exam.code} · ${d.candidate.nama} · nomor peserta ${d.candidate.nomorPeserta} · halaman 2`);
    doc.end();
  });
}
