/**
 * Changes made to a signed PDF after it was signed, the way a forger (or a careless editor) would: an incremental
 * update appended to the file, leaving every signed byte as it was, so each signature still verifies over what it
 * signed and only the analysis of what came after it can tell. Plain byte work on the classic cross-reference
 * sections Lentera writes; no PDF library.
 */

/** The newest definition of object `num`: incremental updates append newer ones after the older. */
function lastObject(text: string, num: number): string {
  const re = new RegExp(`(?:^|[\\r\\n])${num} 0 obj\\s*([\\s\\S]*?)\\s*endobj`, 'g');
  let body: string | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) body = m[1]!;
  if (body === null) throw new Error(`object ${num} not found`);
  return body;
}

function trailerOf(text: string): { size: number; root: number; info: number | null; id: string | null; startxref: number } {
  const tail = text.slice(text.lastIndexOf('trailer'));
  const m = /^trailer\s*<<([\s\S]*)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail);
  if (!m) throw new Error('no classic trailer at the end of the file');
  const dict = m[1]!;
  const num = (key: string) => {
    const x = new RegExp(`/${key}\\s+(\\d+)`).exec(dict);
    return x ? Number(x[1]) : null;
  };
  return { size: num('Size')!, root: num('Root')!, info: num('Info'), id: /\/ID\s*(\[[^\]]*\])/.exec(dict)?.[1] ?? null, startxref: Number(m[2]) };
}

/** One incremental update: the objects given (new or rewritten), a cross-reference section for exactly them, a trailer. */
export function appendUpdate(pdf: Buffer, objects: { num: number; body: string }[], info?: number): Buffer {
  const text = pdf.toString('latin1');
  const t = trailerOf(text);
  const parts: Buffer[] = [pdf];
  let at = pdf.length;
  if (pdf[pdf.length - 1] !== 0x0a) {
    parts.push(Buffer.from('\n'));
    at += 1;
  }
  const offsets = new Map<number, number>();
  for (const o of objects) {
    const b = Buffer.from(`${o.num} 0 obj\n${o.body}\nendobj\n`, 'latin1');
    offsets.set(o.num, at);
    parts.push(b);
    at += b.length;
  }
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const xref = `xref\n${nums.map((n) => `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`).join('')}`;
  const size = Math.max(t.size, ...nums.map((n) => n + 1));
  const infoRef = info ?? t.info;
  const trailer = `trailer\n<< /Size ${size} /Root ${t.root} 0 R${infoRef !== null ? ` /Info ${infoRef} 0 R` : ''}${t.id ? ` /ID ${t.id}` : ''} /Prev ${t.startxref} >>\nstartxref\n${at}\n%%EOF\n`;
  parts.push(Buffer.from(xref + trailer, 'latin1'));
  return Buffer.concat(parts);
}

/** A white box drawn over part of page 1, as a second content stream of the page (what hides a printed score). */
export function overlayFirstPage(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const t = trailerOf(text);
  const pagesNum = Number(/\/Pages\s+(\d+)\s+0\s+R/.exec(lastObject(text, t.root))![1]);
  const pageNum = Number(/\/Kids\s*\[\s*(\d+)\s+0\s+R/.exec(lastObject(text, pagesNum))![1]);
  const page = lastObject(text, pageNum);
  const n = t.size;
  const withBox = /\/Contents\s*\[/.test(page)
    ? page.replace(/\/Contents\s*\[/, `/Contents [${n} 0 R `)
    : page.replace(/\/Contents\s+(\d+)\s+0\s+R/, `/Contents [$1 0 R ${n} 0 R]`);
  if (withBox === page) throw new Error('page 1 has no /Contents');
  const content = 'q 1 1 1 rg 56 420 483 80 re f Q';
  return appendUpdate(pdf, [
    { num: n, body: `<< /Length ${content.length} >>\nstream\n${content}\nendstream` },
    { num: pageNum, body: withBox },
  ]);
}

/** The document information (/Info) rewritten with one more entry: everything else it said stays. */
export function changeInfo(pdf: Buffer, key = 'Subject', value = 'diperbaiki setelah ditandatangani'): Buffer {
  const text = pdf.toString('latin1');
  const t = trailerOf(text);
  if (t.info === null) throw new Error('no /Info');
  const info = lastObject(text, t.info);
  const end = info.lastIndexOf('>>');
  return appendUpdate(pdf, [{ num: t.info, body: `${info.slice(0, end)} /${key} (${value}) >>` }]);
}
