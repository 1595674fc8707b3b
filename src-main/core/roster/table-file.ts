import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { LenteraError } from '../util/errors';
import { sha256File, sha256Hex } from '../util/hash';
import type { RawCell } from './row';
import { decodeTableBytes, type DecodeFailure, type TableEncoding } from './text-encoding';
import { MAX_IMPORT_BYTES } from './import-limit';
import { workbookDate1904 } from './workbook-date-system';
import type { FormulaCell } from './formula-cells';

export type { TableEncoding } from './text-encoding';

export { MAX_IMPORT_BYTES };

/** One data row of a CSV or XLSX file, keyed by normalised header, with the line a person sees in their editor. */
export interface SourceRow {
  line: number;
  values: Record<string, RawCell>;
}

export interface SourceTable {
  file: string;
  kind: 'csv' | 'xlsx';
  /** how the file's bytes were read: shown to the person importing it when it was not UTF-8 */
  encoding: TableEncoding;
  /** of the file's bytes, recorded with an import so anyone can tell which file it was */
  sha256?: string;
  headers: string[];
  rows: SourceRow[];
  /** a CSV's separator, which a report about the file keeps */
  delimiter?: ';' | ',' | '\t';
  /** an XLSX workbook in the 1904 date system: its date serials count from 1904-01-01 (its Date cells are already right) */
  date1904?: boolean;
  /** an XLSX's first formula cell in each headed column that has one (an importer refuses those in the columns it reads: formulaRefusal) */
  formulas?: Map<string, FormulaCell>;
}

/**
 * More rows than this below a table's header are refused, as soon as the next one is reached: a venue's roster has at
 * most 100,000–200,000 candidates and a score file fewer, while an XLSX compresses rows about 170:1, so a file under
 * the 200 MB limit could otherwise hold 30 million rows (gigabytes held, minutes of reading). Excel's own sheet ends at
 * 1,048,576 rows.
 */
export const MAX_TABLE_ROWS = 1_000_000;

/** A column's letters as a spreadsheet shows them: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const AGAIN = 'and import the file again.';

/**
 * The keys of a header line. Two columns whose headers fold to the same key (`TWK` and `twk `, `Nomor Peserta` and
 * `nomor-peserta`) are refused, naming both: a row keyed by header keeps one of them, so a second column, hidden or far
 * to the right, would silently stand in for the one a person checked. Blank headers (columns no import reads) may repeat.
 */
function headerKeys(raw: readonly string[], file: string): string[] {
  const keys = raw.map(normaliseHeader);
  const seen = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    // (an XLSX header row with a gap is a sparse array: its holes, like blank headers, name no column)
    const key = keys[i];
    if (!key) continue;
    const j = seen.get(key);
    if (j === undefined) {
      seen.set(key, i);
      continue;
    }
    const columns = [columnLetters(j), columnLetters(i)];
    const headers = [raw[j]!, raw[i]!];
    throw new LenteraError(
      'TABLE_INVALID',
      `${file}, line 1: columns ${columns[0]} and ${columns[1]} (${headers[0]}, ${headers[1]}) are both "${key}": a column may appear only once. Delete or rename one of them, ${AGAIN}`,
      { file, line: 1, reason: 'duplicate-header', column: key, columns, headers },
    );
  }
  return keys;
}

/** The refusal of a row past MAX_TABLE_ROWS (or a test's smaller limit), on `line`. */
function tooManyRows(file: string, line: number, limit: number, xlsx = false): LenteraError {
  const n = limit.toLocaleString('en-US');
  const empty = xlsx ? '; empty rows the sheet stores count too' : '';
  return new LenteraError(
    'TABLE_INVALID',
    `${file}: more than ${n} rows below the header (line ${line.toLocaleString('en-US')} is one too many${empty}): no venue roster or score file is this large. Split the file, and import each part.`,
    { file, line, reason: 'too-many-rows', limit },
  );
}

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function sniff(path: string, name: string): 'csv' | 'xlsx' | 'json' | 'ods' | 'other' {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(8);
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  return kindOf(head, name);
}

function kindOf(head: Buffer, name: string): 'csv' | 'xlsx' | 'json' | 'ods' | 'other' {
  const ext = extname(name).toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return ext === '.xlsx' ? 'xlsx' : ext === '.ods' ? 'ods' : 'other';
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
  checkSize(size, name);
  return checkKind(sniff(path, name), accept, name);
}

/** The same checks of a file's bytes already in memory (an upload, opened). */
export function checkImportBytes(bytes: Buffer, accept: readonly ('csv' | 'xlsx' | 'json')[], name: string): 'csv' | 'xlsx' | 'json' {
  checkSize(bytes.length, name);
  return checkKind(kindOf(bytes.subarray(0, 8), name), accept, name);
}

function checkSize(size: number, name: string): void {
  if (size > MAX_IMPORT_BYTES) {
    throw new LenteraError('FILE_TOO_LARGE', `${basename(name)} is ${(size / 1048576).toFixed(0)} MB; the limit is 200 MB.`, {
      file: basename(name),
      size,
      limit: MAX_IMPORT_BYTES,
    });
  }
}

function checkKind(kind: 'csv' | 'xlsx' | 'json' | 'ods' | 'other', accept: readonly ('csv' | 'xlsx' | 'json')[], name: string): 'csv' | 'xlsx' | 'json' {
  if (kind === 'ods' && accept.includes('xlsx')) {
    // An OpenDocument spreadsheet (LibreOffice's own format) is not read: docs/formats.md, "From Excel or LibreOffice".
    throw new LenteraError(
      'UNSUPPORTED_FILE',
      `${basename(name)} is an OpenDocument spreadsheet (ODS), which Lentera does not read. In LibreOffice, choose File → Save As, and save it as "Excel 2007-365 (.xlsx)" or as "Text CSV" (UTF-8, semicolon), with the NIK column formatted as Text.`,
      { file: basename(name), expected: accept, found: 'ods' },
    );
  }
  if (kind === 'other' || kind === 'ods' || !accept.includes(kind)) {
    throw new LenteraError('UNSUPPORTED_FILE', `${basename(name)} is not a ${accept.map((a) => a.toUpperCase()).join(' or ')} file.`, {
      file: basename(name),
      expected: accept,
    });
  }
  return kind;
}

/**
 * The separator is the one the header line uses: Indonesian Excel writes ';', most other tools ',', and Excel's
 * "Unicode Text" (UTF-16) a tab.
 */
function headerDelimiter(src: string): ';' | ',' | '\t' {
  const end = src.search(/[\r\n]/);
  const header = end === -1 ? src : src.slice(0, end);
  const count = (ch: string) => header.split(ch).length - 1;
  const tabs = count('\t');
  const semicolons = count(';');
  const commas = count(',');
  if (tabs > semicolons && tabs > commas) return '\t';
  return semicolons > commas ? ';' : ',';
}

const withoutBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** A CSV text without its BOM, with one kind of line break (Excel writes CRLF, other tools LF, a file edited by both a mix), and its separator. */
function csvSource(text: string): { src: string; delimiter: ';' | ',' | '\t' } {
  const body = withoutBom(text);
  const src = body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body;
  return { src, delimiter: headerDelimiter(src) };
}

const LONE_CR = /\r(?!\n)/;

/**
 * The lines of a quote-free text as the quote-free readers take them: LF, or CRLF read in place (`crlf`: each
 * line's last character, a CR, is left out), so Excel's CRLF file of 10 MB is not copied to change its line
 * breaks. A text with a lone CR (an old Mac line break) is rewritten to LF first, as `csvSource` does.
 */
function unquotedLines(body: string): { src: string; crlf: boolean } {
  if (!body.includes('\r')) return { src: body, crlf: false };
  return LONE_CR.test(body) ? { src: body.replace(/\r\n?/g, '\n'), crlf: false } : { src: body, crlf: true };
}

/** Where the line starting at `start` ends (before its LF, and before its CR when `crlf`), and where its LF is (-1: none). */
function lineEnd(src: string, start: number, crlf: boolean): { stop: number; next: number } {
  const next = src.indexOf('\n', start);
  const stop = next === -1 ? src.length : next;
  return { stop: crlf && stop > start && src.charCodeAt(stop - 1) === 13 ? stop - 1 : stop, next };
}

/** The header line of a non-empty unquoted text. */
const unquotedHeaders = (src: string, delimiter: string, crlf: boolean, file: string) => headerKeys(src.slice(0, lineEnd(src, 0, crlf).stop).split(delimiter), file);

/** A record's cells, or undefined for a blank line (only separators and spaces). */
function recordCells(line: string, delimiter: string): string[] | undefined {
  const cells = line.split(delimiter);
  for (let i = 0; i < cells.length; i++) if (cells[i]!.trim() !== '') return cells;
  return undefined;
}

/** CSV with comma, semicolon or tab, quoted fields holding separators, quotes and line breaks, with or without BOM. */
export function parseCsvText(text: string, file = 'input.csv', encoding: TableEncoding = 'utf-8'): SourceTable {
  const body = withoutBom(text);
  // Mending line breaks adds or removes no quote, so the quote-free path takes the text as it is (see unquotedLines).
  if (!body.includes('"')) return parseUnquoted(body, headerDelimiter(body), file, encoding);
  const { src, delimiter } = csvSource(text);
  return parseCsvSteps(src, delimiter, file, encoding);
}

/** The general path: quoted fields may hold line breaks, so each row's line is counted from papaparse's cursor. */
export function parseCsvSteps(src: string, delimiter: string, file: string, encoding: TableEncoding, maxRows = MAX_TABLE_ROWS): SourceTable {
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
    delimiter,
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
        headers = headerKeys(cells, file);
        return;
      }
      if (cells.every((c) => c.trim() === '')) return; // blank lines, including trailing ones
      if (rows.length === maxRows) throw tooManyRows(file, rowLine, maxRows);
      const values: Record<string, RawCell> = {};
      headers.forEach((h, i) => {
        values[h] = cells[i];
      });
      rows.push({ line: rowLine, values });
    },
  });
  return { file, kind: 'csv', encoding, headers: headers ?? [], rows, delimiter: headers ? (delimiter as SourceTable['delimiter']) : undefined };
}

/**
 * `parseCsvText` for a text without a single quote character, the common case: then no field can hold a line
 * break, so record i is line i + 1, and the text is split on its line breaks and separators, exactly what papaparse
 * does with such a text (its "fast mode": `split` per line, then per separator). Written here rather than left to
 * papaparse because papaparse keeps every record's cell array until the whole text is parsed, so a 100,000-row
 * roster's arrays all outlive young-generation collections and are copied by the garbage collector; here each line
 * and its array are dropped as soon as the row is keyed. Its rows equal the general path's (papaparse step by step;
 * tests/unit/roster-fast.test.ts checks both on random files). `text` has no BOM; its line breaks may be of any kind.
 */
export function parseUnquoted(text: string, delimiter: string, file: string, encoding: TableEncoding, maxRows = MAX_TABLE_ROWS): SourceTable {
  if (text === '') return { file, kind: 'csv', encoding, headers: [], rows: [] };
  const { src, crlf } = unquotedLines(text);
  const first = src.indexOf('\n');
  const headers = unquotedHeaders(src, delimiter, crlf, file);
  // Every row has every header's key, in the header's order: each row's object is a copy of this one, so all share
  // one shape made once instead of nine transitions per row (no header repeats: headerKeys; blank ones, keyed '',
  // keep their first place and last value, as assigning the keys one by one does).
  const shape: Record<string, RawCell> = {};
  for (const h of headers) shape[h] = undefined;
  const rows: SourceRow[] = [];
  // The loop of unquotedRecords, written out: a generator's step per row costs more than the row's own work here.
  for (let line = 2, next = first; next !== -1; line++) {
    const start = next + 1;
    const end = lineEnd(src, start, crlf);
    next = end.next;
    const cells = recordCells(src.slice(start, end.stop), delimiter);
    if (!cells) continue;
    if (rows.length === maxRows) throw tooManyRows(file, line, maxRows);
    const values = { ...shape };
    for (let i = 0; i < headers.length; i++) values[headers[i]!] = cells[i];
    rows.push({ line, values });
  }
  return { file, kind: 'csv', encoding, headers, rows, delimiter: delimiter as SourceTable['delimiter'] };
}

/** The records after the header line (which ends at `first`): record i is line i + 1; blank lines (trailing ones too) are no record. */
function* unquotedRecords(src: string, first: number, delimiter: string, crlf: boolean, file: string, maxRows: number): Generator<CsvRecord> {
  let records = 0;
  for (let line = 2, next = first; next !== -1; line++) {
    const start = next + 1;
    const end = lineEnd(src, start, crlf);
    next = end.next;
    const cells = recordCells(src.slice(start, end.stop), delimiter);
    if (!cells) continue;
    if (records++ === maxRows) throw tooManyRows(file, line, maxRows);
    yield { line, cells };
  }
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

const DAYS_1900_TO_1904 = 1462 * 86_400_000;

/** A cell exceljs read from a `<f>` element: `formula` holds its text, empty for a cell sharing another's formula. */
const isFormula = (v: ExcelJS.CellValue): boolean =>
  typeof v === 'object' && v !== null && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v);

/** What the streaming reader knows of the workbook once it reaches a sheet (xl/workbook.xml and its rels). */
interface WorkbookParts {
  model?: { sheets?: { name?: string; state?: string; rId?: string }[] };
  workbookRels?: { Id?: string; Target?: string }[];
}

/**
 * The first sheet in the workbook's own order (its tabs, xl/workbook.xml), and the number N of its part
 * `worksheets/sheetN.xml`, which is how the streaming reader names the sheets it reaches (in the order of the zip, which
 * need not be the tabs' order). Refused when that sheet is hidden or very hidden: Excel then opens on a visible sheet,
 * and the person importing would check one table while another is read.
 */
function firstWorksheet(parts: WorkbookParts, file: string): string {
  const first = parts.model?.sheets?.[0];
  if (!first) throw new Error('the workbook lists no sheet before its sheets\' contents');
  const name = first.name ?? '';
  if (first.state === 'hidden' || first.state === 'veryHidden') {
    const how = first.state === 'veryHidden' ? 'very hidden (only a macro or an XML editor can show it)' : 'hidden';
    throw new LenteraError(
      'TABLE_INVALID',
      `${file}: its first worksheet, "${name}", is ${how}: Excel opens on another sheet, but the first one is what is imported. Delete the hidden sheet, or move the sheet to import to the first place, ${AGAIN}`,
      { file, reason: 'hidden-sheet', sheet: name, state: first.state },
    );
  }
  const target = parts.workbookRels?.find((r) => r.Id === first.rId)?.Target ?? '';
  const n = /(?:^|\/)worksheets\/sheet(\d+)\.xml$/.exec(target)?.[1];
  if (!n) throw new Error(`its first sheet, "${name}", is not a worksheet`);
  return String(Number(n));
}

/**
 * The first worksheet of an XLSX file (the first tab, as the workbook orders them), streamed, so a 100,000-row roster
 * does not hold the whole workbook. Refused: a hidden first sheet, a repeated header, a header cell holding a formula,
 * and more than `maxRows` rows below the header (counted as they are reached, empty ones included). A formula cell below
 * the header is noted in `formulas`, for the importer to refuse in the columns it reads.
 * A workbook in the 1904 date system is honoured: exceljs reads `date1904="1"` (Excel's spelling) but not
 * `date1904="true"` (LibreOffice's, also valid), so the workbook's own flag is read here (workbook-date-system.ts)
 * and a date exceljs made in the wrong system is moved by the 1462 days between the two.
 */
export async function readXlsx(source: string | Buffer, name = typeof source === 'string' ? source : '', maxRows = MAX_TABLE_ROWS): Promise<SourceTable> {
  // exceljs loads here, for XLSX files only: it takes longer to load than Node takes to start.
  const { default: Excel } = await import('exceljs');
  const date1904 = await workbookDate1904(source);
  const input = typeof source === 'string' ? source : Readable.from([source]);
  const reader = new Excel.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  // The part each sheet comes from (sheetN.xml's N): the reader announces it just before handing the sheet on.
  let part = '';
  (reader as unknown as NodeJS.EventEmitter).on('entry', (e: { type?: string; id?: string }) => {
    if (e.type === 'worksheet') part = String(Number(e.id));
  });
  let first: string | undefined;
  let headers: string[] | undefined;
  const rows: SourceRow[] = [];
  // The first formula cell of each column below the header, by column index.
  const formulaAt: (FormulaCell | undefined)[] = [];
  let below = 0;
  for await (const sheet of reader) {
    first ??= firstWorksheet(reader as unknown as WorkbookParts, name);
    if (part !== first) continue; // another tab: never read
    // What exceljs made its Date cells with, read when it starts on the sheet (worksheet-reader.js takes it then).
    const applied = (reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904 === true;
    const shift = date1904 && !applied ? DAYS_1900_TO_1904 : 0;
    for await (const row of sheet) {
      const raw = row.values as ExcelJS.CellValue[];
      if (headers && ++below > maxRows) throw tooManyRows(name, row.number, maxRows, true);
      for (let i = 1; i < raw.length; i++) {
        if (!isFormula(raw[i])) continue;
        const cell = `${columnLetters(i - 1)}${row.number}`;
        if (!headers) throw new LenteraError('TABLE_INVALID', `${name}, line ${row.number}: cell ${cell} holds a formula: type the header as text, ${AGAIN}`, { file: name, line: row.number, reason: 'formula', cell });
        const column = headers[i - 1];
        if (column && !formulaAt[i - 1]) formulaAt[i - 1] = { line: row.number, column, cell };
      }
      const values = raw.slice(1).map(cellValue);
      if (shift) for (let i = 0; i < values.length; i++) if (values[i] instanceof Date) values[i] = new Date((values[i] as Date).getTime() + shift);
      if (!headers) {
        headers = headerKeys(
          values.map((v) => String(v ?? '')),
          name,
        );
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
  const formulas = new Map<string, FormulaCell>();
  for (const f of formulaAt) if (f) formulas.set(f.column, f);
  return { file: name, kind: 'xlsx', encoding: 'xlsx', headers: headers ?? [], rows, date1904, ...(formulas.size ? { formulas } : {}) };
}

export async function readTableFile(path: string, name = path): Promise<SourceTable> {
  const kind = checkImportFile(path, ['csv', 'xlsx'], name);
  if (kind === 'xlsx') {
    try {
      // The workbook is streamed; its hash is a separate streaming pass, never the whole file in memory.
      const [table, sha256] = await Promise.all([readXlsx(path, basename(name)), sha256File(path)]);
      return { ...table, file: basename(name), sha256 };
    } catch (e) {
      throw xlsxError(name, e);
    }
  }
  return csvTable(readFileSync(path), name);
}

/** A table from a file's bytes already in memory (an upload, opened): the same checks, the same answers. */
export async function readTableBytes(bytes: Buffer, name: string): Promise<SourceTable> {
  if (checkImportBytes(bytes, ['csv', 'xlsx'], name) === 'xlsx') {
    try {
      return { ...(await readXlsx(bytes, basename(name))), file: basename(name), sha256: sha256Hex(bytes) };
    } catch (e) {
      throw xlsxError(name, e);
    }
  }
  return csvTable(bytes, name);
}

function xlsxError(name: string, e: unknown): LenteraError {
  // A refusal of what the workbook holds (a hidden first sheet, a repeated header, too many rows) stands as it is.
  if (e instanceof LenteraError) return e;
  return new LenteraError('UNSUPPORTED_FILE', `${basename(name)} could not be read as XLSX: ${(e as Error).message}`, { file: basename(name) });
}

function csvTable(buf: Buffer, name: string): SourceTable {
  const decoded = decodeTableBytes(buf);
  if (!decoded.ok) throw encodingError(basename(name), decoded);
  return { ...parseCsvText(decoded.text, basename(name), decoded.encoding), sha256: sha256Hex(buf) };
}

const ENCODING_NAMES: Record<TableEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252',
  xlsx: 'XLSX',
};

/**
 * Where a problem at `index` of a CSV text is, as the person's editor and the import's other messages name it:
 * the line (every line break counts, also inside quotes), the character within that line, and the column (the
 * header's name, or its number when the problem is in the header line itself).
 */
function locate(text: string, index: number): { line: number; position: number; column: string; inHeader: boolean } {
  const delimiter = headerDelimiter(text);
  let line = 1;
  let lineStart = 0;
  let record = 0;
  let field = 0;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < index; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n' && i + 1 < index) i++;
      line++;
      lineStart = i + 1;
      if (!quoted) {
        record++;
        field = 0;
        fieldStart = true;
      }
      continue;
    }
    if (quoted) {
      // "" inside a quoted field is a quote; a single one ends the quotes
      if (c === '"') {
        if (text[i + 1] === '"' && i + 1 < index) i++;
        else quoted = false;
      }
    } else if (c === delimiter) {
      field++;
      fieldStart = true;
      continue;
    } else if (c === '"' && fieldStart) quoted = true;
    fieldStart = false;
  }
  let column = String(field + 1);
  if (record > 0) {
    const header = Papa.parse<string[]>(text.slice(0, text.search(/[\r\n]/)), { delimiter }).data[0] ?? [];
    if (header[field] !== undefined) column = normaliseHeader(header[field]!) || column;
  }
  return { line, position: index - lineStart + 1, column, inHeader: record === 0 };
}

const SAVE_AS = 'Save the file as "CSV UTF-8" (in Excel: File > Save As > CSV UTF-8) and import it again.';

/** A CSV whose bytes are not text in the encoding it was read in: the file, line, column and what to do. */
function encodingError(file: string, f: DecodeFailure): LenteraError {
  const at = locate(f.text, f.index);
  const where = `${file}, line ${at.line}, column ${at.column}${at.inHeader ? ' of the header' : ''} (character ${at.position})`;
  let what: string;
  switch (f.why) {
    case 'invalid-utf8-after-bom':
      what = `${f.found} is not UTF-8, although the file starts with a UTF-8 byte-order mark`;
      break;
    case 'mixed':
      what = `${f.found} is not UTF-8, while other characters in the file are: the file mixes two encodings, and reading it either way would change names`;
      break;
    case 'broken-utf16':
      what = `the file is UTF-16, but it holds ${f.found}`;
      break;
    case 'not-text':
      what =
        f.encoding === 'windows-1252'
          ? `${f.found}: the file is neither UTF-8 nor Windows-1252 text`
          : f.encoding === 'utf-16le' || f.encoding === 'utf-16be'
            ? `the file is UTF-16, and it holds ${f.found}, which is not text`
            : `${f.found} is not text`;
      break;
  }
  return new LenteraError('FILE_ENCODING', `${where}: ${what}. ${SAVE_AS}`, {
    file,
    line: at.line,
    column: at.column,
    position: at.position,
    encoding: f.encoding,
    encodingName: ENCODING_NAMES[f.encoding],
    reason: f.why,
    found: f.found,
    char: f.char,
    expected: 'CSV UTF-8',
  });
}


/** One data record of a CSV file: its cells in header order, and its line. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * A CSV file's header and records, each record handed on as its cell array and dropped when the reader is done
 * with it, for a reader that keeps only what it derives (core/ranking/flat.ts): the keyed rows of `readTableFile`,
 * all alive until the last is read, cost a 100,000-row file more in garbage collection than the parse itself.
 * The same rows as `readTableFile` (the same decoding, line breaks, separator, blank lines and errors), but only for
 * the common file without a quote character (`parseUnquoted`); undefined for XLSX or a quoted CSV, which then go
 * through `readTableFile`. No hash of the file is taken.
 */
export function csvRecords(path: string, name = path, maxRows = MAX_TABLE_ROWS): { file: string; headers: string[]; records: Iterable<CsvRecord> } | undefined {
  if (checkImportFile(path, ['csv', 'xlsx'], name) === 'xlsx') return undefined;
  const decoded = decodeTableBytes(readFileSync(path));
  if (!decoded.ok) throw encodingError(basename(name), decoded);
  const body = withoutBom(decoded.text);
  // A quoted file is rare; readTableFile reads it again, through papaparse.
  if (body.includes('"')) return undefined;
  const { src, crlf } = unquotedLines(body);
  const delimiter = headerDelimiter(src);
  const first = src.indexOf('\n');
  const file = basename(name);
  const headers = src === '' ? [] : unquotedHeaders(src, delimiter, crlf, file);
  return { file, headers, records: src === '' ? [] : unquotedRecords(src, first, delimiter, crlf, file, maxRows) };
}
