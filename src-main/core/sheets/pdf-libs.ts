/**
 * pdfkit and fontkit, loaded on first use: together they take longer to load than Node takes to start, and
 * only the commands that draw a PDF need them (`lentera status` or `--help` never do).
 */
let pdfkit: Promise<typeof import('pdfkit')> | undefined;
let fontkit: Promise<typeof import('fontkit')> | undefined;

export async function loadPdfKit(): Promise<typeof import('pdfkit')> {
  pdfkit ??= import('pdfkit').then((m) => (m as unknown as { default: typeof import('pdfkit') }).default ?? m);
  return pdfkit;
}

export async function loadFontkit(): Promise<typeof import('fontkit')> {
  fontkit ??= import('fontkit').then((m) => ('create' in m ? m : (m as unknown as { default: typeof import('fontkit') }).default));
  return fontkit;
}
