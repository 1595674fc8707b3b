import QRCode from 'qrcode';

/** The QR code's modules (dark = true), to be drawn as vector squares: sharp at any print size. */
export function qrMatrix(text: string): { size: number; dark(x: number, y: number): boolean } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const m = qr.modules;
  return { size: m.size, dark: (x, y) => Boolean(m.get(y, x)) };
}

/** Draws the code with a quiet zone of 4 modules, `width` points wide, at (x, y). */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number): void {
  const q = qrMatrix(text);
  const cell = width / (q.size + 8);
  doc.save().rect(x, y, width, width).fill('#ffffff').fillColor('#000000');
  for (let r = 0; r < q.size; r++) {
    for (let c = 0; c < q.size; c++) if (q.dark(c, r)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  }
  doc.fill('#000000').restore();
}
