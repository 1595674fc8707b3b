import { fonts, loadFonts } from '../sheets/result-sheet';
import { loadPdfKit } from '../sheets/pdf-libs';

/** What every printed working paper says at the foot of each page. */
export interface Footer {
  /** lines above "Halaman N dari M", each on one line of its own */
  lines: string[];
}

/** Working papers are not signed: said on every page, so that a loose page cannot pass for a signed sheet. */
export const UNSIGNED_NOTE = 'Dokumen kerja: dicetak dari Lentera tanpa tanda tangan elektronik; bukan lembar hasil yang ditandatangani dan bukan pengumuman kelulusan.';

export interface PrintDoc {
  doc: PDFKit.PDFDocument;
  /** the usable width and the left edge */
  left: number;
  width: number;
  /** the lowest y the body may write to (the footer lives below it) */
  bottom: number;
  done: Promise<Buffer>;
}

const FOOTER_SIZE = 7;
const FOOTER_GAP = 6;

/**
 * Opens an A4 document whose pages are buffered, so that the footer (and "page N of M") can be drawn on every page
 * once the body knows how many there are. Deterministic: the same data and date give the same bytes.
 */
export async function openPrint(opts: { title: string; author: string; at: Date; landscape?: boolean; footerLines: number }): Promise<PrintDoc> {
  const PDFDocument = await loadPdfKit();
  await loadFonts();
  const margin = 36;
  const doc = new PDFDocument({
    size: 'A4',
    layout: opts.landscape ? 'landscape' : 'portrait',
    bufferPages: true,
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    info: { Title: opts.title, Author: opts.author, Creator: 'Lentera', Producer: 'Lentera', CreationDate: opts.at, ModDate: opts.at },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolvePdf, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  fonts(doc);
  const footerHeight = (opts.footerLines + 1) * (FOOTER_SIZE + 2.5) + FOOTER_GAP;
  return { doc, left: margin, width: doc.page.width - 2 * margin, bottom: doc.page.height - margin - footerHeight, done };
}

/** Draws the footer on every buffered page, then ends the document. */
export function finishPrint(p: PrintDoc, footer: Footer): Promise<Buffer> {
  const { doc } = p;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit start a new page: the footer may use the margin.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    let y = p.bottom + FOOTER_GAP;
    doc.moveTo(p.left, y - 3).lineTo(p.left + p.width, y - 3).lineWidth(0.5).strokeColor('#666666').stroke().strokeColor('#000000');
    doc.font('body').fontSize(FOOTER_SIZE).fillColor('#333333');
    for (const line of footer.lines) {
      // One line each, whatever its length: a long venue name makes the type smaller rather than wrap into the next.
      const size = Math.max(4.5, Math.min(FOOTER_SIZE, (FOOTER_SIZE * p.width) / doc.fontSize(FOOTER_SIZE).widthOfString(line)) - 0.05);
      doc.fontSize(size).text(line, p.left, y, { width: p.width, lineBreak: false });
      y += FOOTER_SIZE + 2.5;
    }
    doc.fontSize(FOOTER_SIZE);
    doc.font('bold').text(`Halaman ${i - range.start + 1} dari ${range.count}`, p.left, y, { width: p.width, align: 'right', lineBreak: false });
    doc.fillColor('#000000');
    doc.page.margins.bottom = bottomMargin;
  }
  doc.flushPages();
  doc.end();
  return p.done;
}

/** A file name part from a code: letters, digits, dot, dash, underscore (what sheets.file and browsers accept). */
export function fileSafe(code: string): string {
  return code.replace(/[^A-Za-z0-9._-]+/g, '-');
}
