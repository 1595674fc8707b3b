import { loadPdfKit } from './pdf-libs';
import { fonts, loadFonts } from './result-sheet';

/** The margins of the signed A4 documents drawn as one flowing text (minutes, announcements). */
export const SHEET_MARGIN = { top: 48, bottom: 56, left: 56, right: 56 };

/**
 * An A4 document with buffered pages (for a footer drawn last) and Lentera's fonts, and its bytes once ended. Its
 * info names `title`, `author` and `at` (the same data and date give the same bytes) and carries `stamp`: the
 * digests a later run or `lentera verify` reads back.
 */
export async function openSheet(opts: { title: string; author: string; at: Date; stamp: Record<string, string> }): Promise<{ doc: PDFKit.PDFDocument; bytes: Promise<Buffer> }> {
  const PDFDocument = await loadPdfKit();
  await loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: SHEET_MARGIN,
    bufferPages: true,
    info: { Title: opts.title, Author: opts.author, Creator: 'Lentera', Producer: 'Lentera', CreationDate: opts.at, ModDate: opts.at },
  });
  Object.assign(doc.info as unknown as Record<string, string>, opts.stamp);
  const chunks: Buffer[] = [];
  const bytes = new Promise<Buffer>((resolvePdf, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolvePdf(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  fonts(doc);
  return { doc, bytes };
}
