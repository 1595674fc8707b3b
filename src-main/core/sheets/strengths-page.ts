/**
 * The result sheet's second page: the candidate's strengths and weaknesses (core/ranking/strengths.ts), the same
 * summary as their page on the publication site. Drawn before the sheet is signed, so it is part of what the
 * signature covers.
 */
import { methodWords, plainSentence, TOO_FEW, type CandidateStrengths, type ComponentSummary } from '../ranking/strengths';
import { decimalComma } from './format';

const dash = (s: string | null | undefined) => (s === null || s === undefined ? '–' : decimalComma(s));

/** The table's cells for one component, as on the site: "Nilai Anda", "Nilai ambang batas", … */
export function strengthsCells(c: ComponentSummary): string[] {
  const cmp = c.comparison;
  const distance = c.distance === null ? '–' : `${c.distance.startsWith('-') || c.distance === '0' ? '' : '+'}${decimalComma(c.distance)}`;
  return [
    c.label,
    // A stage's 0–100 scale is in its name; a test or criterion shows its maximum ("110 / 175", "3,333 / 5").
    `${decimalComma(c.score)}${c.max && c.group !== 'stage' ? ` / ${decimalComma(c.max)}` : ''}`,
    dash(c.passLine),
    distance,
    cmp.median === undefined ? '–' : decimalComma(cmp.median),
    cmp.q1 === undefined ? '–' : `${decimalComma(cmp.q1)}–${decimalComma(cmp.q3)}`,
    cmp.percentile === undefined ? '–' : String(cmp.percentile),
  ];
}

export const STRENGTHS_HEAD = ['Komponen', 'Nilai Anda', 'Nilai ambang batas', 'Selisih dari ambang', 'Median formasi', 'Kuartil 1–3', 'Posisi Anda (persentil)'];

/** How the numbers were made, in plain words: the same text on the site and the sheet. */
export function strengthsExplanation(s: CandidateStrengths): string[] {
  return [
    `Angka formasi dihitung dari peserta formasi ${s.formation} yang sudah memiliki nilai untuk komponen itu. Median: nilai tengah. Kuartil 1–3: seperempat peserta bernilai di bawah kuartil 1, seperempat di atas kuartil 3. Persentil: persentase peserta yang nilainya di bawah nilai Anda, ditambah separuh dari yang nilainya sama (termasuk Anda sendiri), dibulatkan ke bawah.`,
    `Bila kurang dari ${s.minComparable} peserta formasi memiliki nilai untuk suatu komponen, angka formasi tidak ditampilkan (${TOO_FEW}), agar nilai peserta lain tidak dapat ditebak. Nilai, nama atau nomor peserta lain tidak pernah ditampilkan di sini.`,
  ];
}

/** The rubric level of an interview criterion, in words. */
export function levelWords(c: ComponentSummary): string | null {
  if (c.group !== 'criterion') return null;
  const how = `${c.label}: ${methodWords(c.method)} ${decimalComma(c.score)}`;
  if (!c.level) return `${how}; rubrik tidak memuat deskripsi tingkat.`;
  return `${how}, terdekat dengan tingkat ${decimalComma(String(c.level.score))} “${c.level.label}”${c.level.description ? `: ${c.level.description}` : '.'}`;
}

/** Draws the page; the caller has drawn page one and signs afterwards. */
export function drawStrengthsPage(doc: PDFKit.PDFDocument, s: CandidateStrengths, header: string): void {
  doc.addPage();
  const left = doc.page.margins.left;
  const W = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;
  const room = (h: number) => {
    if (doc.y + h > bottom) doc.addPage();
  };
  doc.font('body').fontSize(8).fillColor('#333333').text(header, left, doc.page.margins.top, { width: W });
  doc.fillColor('#000000').moveDown(0.6);
  doc.font('bold').fontSize(13).text('KEKUATAN DAN KELEMAHAN ANDA', left, doc.y, { width: W, align: 'center' });
  doc.moveDown(0.6);
  if (!s.components.length) {
    doc.font('body').fontSize(10).text('Belum ada nilai komponen yang dapat diringkas.', left, doc.y, { width: W });
    return;
  }
  // Seven columns across the page; widths in points, summing to at most W (483 on A4 with these margins).
  const widths = [138, 62, 52, 52, 50, 68, 58];
  const scale = Math.min(1, W / widths.reduce((a, b) => a + b, 0));
  const cols = widths.map((w) => w * scale);
  const rowOf = (cells: string[], font: 'body' | 'bold') => {
    doc.font(font).fontSize(8.5);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i]! - 4 }))) + 4;
    room(h);
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.text(c, x, y + 2, { width: cols[i]! - 4, align: i === 0 ? 'left' : 'right' });
      x += cols[i]!;
    });
    doc.y = y + h;
    doc.moveTo(left, doc.y).lineTo(left + W, doc.y).lineWidth(0.3).strokeColor('#999999').stroke().strokeColor('#000000');
  };
  rowOf(STRENGTHS_HEAD, 'bold');
  for (const c of s.components) rowOf(strengthsCells(c), c.group === 'skd' || c.group === 'stage' ? 'bold' : 'body');
  doc.moveDown(0.8);

  doc.font('bold').fontSize(10.5).text('Dalam kalimat', left, doc.y, { width: W });
  doc.moveDown(0.2);
  for (const c of s.components) {
    const line = `• ${plainSentence(c)}`;
    doc.font('body').fontSize(9);
    room(doc.heightOfString(line, { width: W }));
    doc.text(line, left, doc.y, { width: W });
  }
  const levels = s.components.map(levelWords).filter((x): x is string => x !== null);
  if (levels.length) {
    doc.moveDown(0.6);
    doc.font('bold').fontSize(10.5).text('Wawancara: nilai panel per kriteria dan deskripsi rubrik', left, doc.y, { width: W });
    doc.moveDown(0.2);
    for (const l of levels) {
      doc.font('body').fontSize(9);
      room(doc.heightOfString(`• ${l}`, { width: W }));
      doc.text(`• ${l}`, left, doc.y, { width: W });
    }
  }
  doc.moveDown(0.8);
  doc.font('body').fontSize(8).fillColor('#333333');
  for (const p of strengthsExplanation(s)) {
    room(doc.heightOfString(p, { width: W }));
    doc.text(p, left, doc.y, { width: W, align: 'justify' });
    doc.moveDown(0.3);
  }
  doc.fillColor('#000000');
}
