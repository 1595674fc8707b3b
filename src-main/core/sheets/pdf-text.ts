import { decodeStream, PdfDict, PdfFile, PdfStream, type PdfValue } from './pdf-structure';

/**
 * The text a page's content streams show, through each font's /ToUnicode map: enough to compare what a document
 * prints with the records (the minutes' scores). Text-showing operators only; drawings, images, form XObjects and
 * annotation appearances are not read. Each BT…ET block ends a line; a large negative TJ adjustment (the way
 * justified text spaces words) reads as a space.
 */

type Token = { op: string } | { v: number } | { s: Uint8Array } | { n: string } | { a: Token[] };

function tokens(data: Uint8Array): Token[] {
  const out: Token[] = [];
  const stack: Token[][] = [out];
  const ws = (c: number) => c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32;
  const delim = (c: number) => '()<>[]{}/%'.includes(String.fromCharCode(c));
  let i = 0;
  const push = (t: Token) => stack[stack.length - 1]!.push(t);
  while (i < data.length) {
    const c = data[i]!;
    if (ws(c)) {
      i++;
      continue;
    }
    if (c === 37) {
      while (i < data.length && data[i] !== 10 && data[i] !== 13) i++;
      continue;
    }
    if (c === 91) {
      const arr: Token[] = [];
      push({ a: arr });
      stack.push(arr);
      i++;
      continue;
    }
    if (c === 93) {
      if (stack.length > 1) stack.pop();
      i++;
      continue;
    }
    if (c === 60 && data[i + 1] === 60) {
      // An inline dictionary (marked content properties): skipped whole.
      let depth = 0;
      while (i < data.length) {
        if (data[i] === 60 && data[i + 1] === 60) {
          depth++;
          i += 2;
        } else if (data[i] === 62 && data[i + 1] === 62) {
          depth--;
          i += 2;
          if (!depth) break;
        } else i++;
      }
      continue;
    }
    if (c === 60) {
      let hex = '';
      i++;
      while (i < data.length && data[i] !== 62) {
        if (!ws(data[i]!)) hex += String.fromCharCode(data[i]!);
        i++;
      }
      i++;
      push({ s: Uint8Array.from(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')) });
      continue;
    }
    if (c === 40) {
      const bytes: number[] = [];
      let depth = 1;
      i++;
      while (i < data.length) {
        const x = data[i++]!;
        if (x === 92) {
          const e = data[i++]!;
          const esc: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
          if (e in esc) bytes.push(esc[e]!);
          else if (e >= 48 && e <= 55) {
            let v = e - 48;
            for (let k = 0; k < 2 && data[i]! >= 48 && data[i]! <= 55; k++) v = v * 8 + (data[i++]! - 48);
            bytes.push(v & 0xff);
          } else if (e !== 10 && e !== 13) bytes.push(e);
          continue;
        }
        if (x === 40) depth++;
        else if (x === 41 && --depth === 0) break;
        bytes.push(x);
      }
      push({ s: Uint8Array.from(bytes) });
      continue;
    }
    const start = i;
    if (c === 47) i++;
    while (i < data.length && !ws(data[i]!) && !delim(data[i]!)) i++;
    if (i === start) {
      i++;
      continue;
    }
    const word = Buffer.from(data.subarray(start, i)).toString('latin1');
    if (c === 47) push({ n: word.slice(1) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) push({ v: Number(word) });
    else if (word === 'ID') {
      // Inline image data runs to "EI".
      const end = Buffer.from(data).indexOf('EI', i, 'latin1');
      i = end < 0 ? data.length : end + 2;
      stack.length = 1;
    } else {
      stack.length = 1;
      out.push({ op: word });
    }
  }
  return out;
}

/** A /ToUnicode CMap: code (as a hex string of its bytes) to text, and the code length in bytes. */
function parseCMap(text: string): { map: Map<string, string>; width: number } {
  const map = new Map<string, string>();
  const hexText = (h: string) => {
    const clean = h.replace(/\s+/g, '');
    let s = '';
    for (let i = 0; i + 4 <= clean.length; i += 4) s += String.fromCharCode(parseInt(clean.slice(i, i + 4), 16));
    return s;
  };
  const space = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(text);
  const width = space ? space[1]!.length / 2 : 2;
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) map.set(m[1]!.toLowerCase(), hexText(m[2]!));
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F\s]+>|\[[^\]]*\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      const len = m[1]!.length;
      if (hi < lo || hi - lo > 0xffff) continue;
      if (m[3]!.startsWith('[')) {
        const items = [...m[3]!.matchAll(/<([0-9a-fA-F\s]+)>/g)].map((x) => hexText(x[1]!));
        items.forEach((t, k) => map.set((lo + k).toString(16).padStart(len, '0'), t));
      } else {
        const base = m[3]!.replace(/[<>\s]/g, '');
        const first = parseInt(base.slice(-4), 16);
        const prefix = hexText(base.slice(0, -4));
        for (let code = lo; code <= hi; code++) map.set(code.toString(16).padStart(len, '0'), prefix + String.fromCharCode(first + (code - lo)));
      }
    }
  }
  return { map, width };
}

function inherited(file: PdfFile, rev: number, page: PdfDict, key: string): PdfValue {
  let node: PdfValue = page;
  for (let depth = 0; node instanceof PdfDict && depth < 32; depth++) {
    if (node.has(key)) return file.resolve(rev, node.get(key));
    node = file.resolve(rev, node.get('Parent'));
  }
  return null;
}

/** The text of each page of revision `rev` (the last when omitted). */
export function pageTexts(file: PdfFile, rev = file.revisions - 1): string[] {
  return file.pages(rev).map(({ page }) => {
    const resources = inherited(file, rev, page, 'Resources');
    const fontsDict = resources instanceof PdfDict ? file.resolve(rev, resources.get('Font')) : null;
    const fonts = new Map<string, { map: Map<string, string>; width: number } | null>();
    const fontFor = (name: string) => {
      if (fonts.has(name)) return fonts.get(name)!;
      let cmap: { map: Map<string, string>; width: number } | null = null;
      const font = fontsDict instanceof PdfDict ? file.resolve(rev, fontsDict.get(name)) : null;
      if (font instanceof PdfDict) {
        const tu = file.resolve(rev, font.get('ToUnicode'));
        if (tu instanceof PdfStream) cmap = parseCMap(Buffer.from(decodeStream(tu)).toString('latin1'));
      }
      fonts.set(name, cmap);
      return cmap;
    };
    const contents = file.resolve(rev, page.get('Contents'));
    const streams = (Array.isArray(contents) ? contents.map((c) => file.resolve(rev, c)) : [contents]).filter((s): s is PdfStream => s instanceof PdfStream);
    const data = Buffer.concat(streams.flatMap((s) => [Buffer.from(decodeStream(s)), Buffer.from('\n')]));
    let text = '';
    let font: { map: Map<string, string>; width: number } | null = null;
    let operands: Token[] = [];
    const show = (bytes: Uint8Array) => {
      if (!font) {
        text += Buffer.from(bytes).toString('latin1');
        return;
      }
      const hex = Buffer.from(bytes).toString('hex');
      const step = font.width * 2;
      for (let i = 0; i + step <= hex.length; i += step) text += font.map.get(hex.slice(i, i + step)) ?? '\ufffd';
    };
    for (const t of tokens(data)) {
      if (!('op' in t)) {
        operands.push(t);
        continue;
      }
      const op = t.op;
      if (op === 'Tf') {
        const n = operands.find((x): x is { n: string } => 'n' in x);
        if (n) font = fontFor(n.n);
      } else if (op === 'Tj' || op === "'" || op === '"') {
        const s = operands.filter((x): x is { s: Uint8Array } => 's' in x).at(-1);
        if (op !== 'Tj') text += '\n';
        if (s) show(s.s);
      } else if (op === 'TJ') {
        const arr = operands.find((x): x is { a: Token[] } => 'a' in x);
        for (const x of arr?.a ?? []) {
          if ('s' in x) show(x.s);
          else if ('v' in x && x.v < -200) text += ' ';
        }
      } else if (op === 'ET') text += '\n';
      else if (op === 'Td' || op === 'TD' || op === 'T*' || op === 'Tm') text += ' ';
      operands = [];
    }
    return text;
  });
}
