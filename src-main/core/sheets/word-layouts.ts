/**
 * Word layouts shared between documents. pdfkit shapes text with fontkit word by word and keeps each word's
 * layout in a cache of the document's own font object, so every new document shapes "Nilai", "ambang", "batas"…
 * again: in a batch of result sheets a third of the time went to fontkit shaping words the previous sheet had
 * already shaped. A word's layout depends only on the font (pdfkit caches it only when no OpenType features are
 * asked for), the cached layouts are never changed by pdfkit once made (justified text copies the positions it
 * stretches), and each document still picks its own subset glyphs from them, so the bytes of every document are the
 * same as before. pdfkit offers no option for this: its per-font cache object is replaced, a private field (the
 * library is the bottleneck here; tests/unit/word-layouts.test.ts pins the bytes against unshared layouts).
 *
 * The shared cache starts afresh every RENEW documents, so words that occur once (numbers, names, digests) cannot
 * grow it without bound in a batch of ten thousand sheets.
 */
const RENEW = 200;

interface PdfkitFont {
  font?: unknown;
  layoutCache?: Record<string, unknown>;
}

const shared = new Map<unknown, { cache: Record<string, unknown>; documents: number }>();

/**
 * Opens the registered fonts `names` in `doc`, in that order (the order decides pdfkit's font names, F2, F3…:
 * give the order in which the document first uses them, so that nothing in its bytes moves), and lets them use
 * the process's word layouts of the same fonts.
 */
export function shareWordLayouts(doc: PDFKit.PDFDocument, names: readonly string[]): void {
  for (const name of names) {
    doc.font(name);
    const font = (doc as unknown as { _font?: PdfkitFont })._font;
    // A standard font, or a document made with fontLayoutCache: false, has no cache to share.
    if (!font?.font || !font.layoutCache) continue;
    let entry = shared.get(font.font);
    if (!entry || entry.documents >= RENEW) {
      entry = { cache: Object.create(null) as Record<string, unknown>, documents: 0 };
      shared.set(font.font, entry);
    }
    entry.documents++;
    font.layoutCache = entry.cache;
  }
}
