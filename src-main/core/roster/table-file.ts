import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LenteraError } from '../util/errors';
import { sha256File, sha256Hex } from '../util/hash';
import type { RawCell } from './row';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/** One data row of a CSV or XLSX file, keyed by normalised header, with the line a person sees in their editor. */
export interface SourceRow {
  line: number;
  values: Record<string, RawCell>;
}

export interface SourceTable {
  file: string;
  kind: 'csv' | 'xlsx';
  /** of the file's bytes, recorded with an import so anyone can tell which file it was */
  sha256?: string;
  headers: string[];
  rows: SourceRow[];
}

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function sniff(path: string, name: string): 'csv' | 'xlsx' | 'json' | 'other' {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(8);
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  const ext = extname(name).toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return ext === '.xlsx' ? 'xlsx' : 'other';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.json') return 'json';
  return 'other';
}

/** Size and type checks shared by every import: a clear refusal before anything is read. */
/** `name` is the file's own name, which an upload keeps apart from the path it is stored under. */
export function checkImportFile(path: string, accept: readonly ('csv' | 'xlsx' | 'json')[], name = path): 'csv' | 'xlsx' | 'json' {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new LenteraError('FILE_NOT_FOUND', `${basename(name)} cannot be read.`, { file: basename(name) });
  }
  if (size > MAX_IMPORT_BYTES) {
    throw new LenteraError('FILE_TOO_LARGE', `${basename(name)} is ${(size / 1048576).toFixed(0)} MB; the limit is 200 MB.`, {
      file: basename(name),
      size,
      limit: MAX_IMPORT_BYTES,
    });
  }
  const kind = sniff(path, name);
  if (kind === 'other' || !accept.includes(kind)) {
    throw new LenteraError('UNSUPPORTED_FILE', `${basename(name)} is not a ${accept.map((a) => a.toUpperCase()).join(' or ')} file.`, {
      file: basename(name),
      expected: accept,
    });
  }
  return kind;
}

/** The separator is the one the header line uses: Indonesian Excel writes ';', most other tools ','. */
function headerDelimiter(src: string): ';' | ',' {
  const end = src.indexOf('\n');
  const header = end === -1 ? src : src.slice(0, end);
  const count = (ch: string) => header.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** CSV with comma or semicolon, quoted fields holding separators, quotes and line breaks, with or without BOM. */
export function parseCsvText(text: string, file = 'input.csv'): SourceTable {
  // One kind of line break: Excel writes CRLF, other tools LF, and a file edited by both has a mix.
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  let headers: string[] | undefined;
  const rows: SourceRow[] = [];
  let cursor = 0;
  let line = 1;
  const countLines = (from: number, to: number) => {
    let n = 0;
    for (let i = src.indexOf('\n', from); i !== -1 && i < to; i = src.indexOf('\n', i + 1)) n++;
    return n;
  };
  Papa.parse<string[]>(src, {
    delimiter: headerDelimiter(src),
    newline: '\n',
    skipEmptyLines: false,
    step: (r) => {
      const rowStart = cursor;
      const rowLine = line + countLines(cursor, rowStart);
      const end = r.meta.cursor;
      line = rowLine + countLines(rowStart, end);
      // step's cursor stops before the row's line break; the next row starts after it
      cursor = end;
      const cells = r.data;
      if (!headers) {
        headers = cells.map(normaliseHeader);
        return;
      }
      if (cells.every((c) => c.trim() === '')) return; // blank lines, including trailing ones
      const values: Record<string, RawCell> = {};
      headers.forEach((h, i) => {
        values[h] = cells[i];
      });
      rows.push({ line: rowLine, values });
    },
  });
  return { file, kind: 'csv', headers: headers ?? [], rows };
}

function cellValue(v: ExcelJS.CellValue): RawCell {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
  }
  return String(v);
}

/** The first worksheet of an XLSX file, streamed, so a 100,000-row roster does not hold the whole workbook. */
export async function readXlsx(path: string): Promise<SourceTable> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
  let headers: string[] | undefined;
  const rows: SourceRow[] = [];
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
      if (!headers) {
        headers = values.map((v) => normaliseHeader(String(v ?? '')));
        continue;
      }
      if (values.every((v) => v === undefined || String(v).trim() === '')) continue;
      const keyed: Record<string, RawCell> = {};
      headers.forEach((h, i) => {
        keyed[h] = values[i];
      });
      rows.push({ line: row.number, values: keyed });
    }
    break; // the roster is the first sheet
  }
  return { file: path, kind: 'xlsx', headers: headers ?? [], rows };
}

export async function readTableFile(path: string, name = path): Promise<SourceTable> {
  const kind = checkImportFile(path, ['csv', 'xlsx'], name);
  if (kind === 'xlsx') {
    try {
      // The workbook is streamed; its hash is a separate streaming pass, never the whole file in memory.
      const [table, sha256] = await Promise.all([readXlsx(path), sha256File(path)]);
      return { ...table, file: basename(name), sha256 };
    } catch (e) {
      throw new LenteraError('UNSUPPORTED_FILE', `${basename(name)} could not be read as XLSX: ${(e as Error).message}`, { file: basename(name) });
    }
  }
  const buf = readFileSync(path);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  return { ...parseCsvText(text, basename(name)), sha256: sha256Hex(buf) };
}

