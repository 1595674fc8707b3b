import { LenteraError } from '../util/errors';
import type { SourceTable } from './table-file';

// Apart from table-file.ts, which loads papaparse: the importers that check a table are loaded by every process.

/** A cell holding a formula: its line (the spreadsheet row), its column's header and its address. */
export interface FormulaCell {
  line: number;
  column: string;
  cell: string;
}

/**
 * The refusal, with the importer's own `code`, of a table holding a formula in a column the importer reads (`columns`):
 * an XLSX stores a formula with the result its author's program last computed, which anyone can set to any value, and
 * Excel shows what the formula gives. Each column's first formula cell is a problem; undefined when there is none.
 */
export function formulaRefusal(table: SourceTable, columns: Iterable<string>, code: string): LenteraError | undefined {
  if (!table.formulas?.size) return undefined;
  const found: FormulaCell[] = [];
  for (const c of columns) {
    const f = table.formulas.get(c);
    if (f) found.push(f);
  }
  if (!found.length) return undefined;
  found.sort((a, b) => a.line - b.line);
  const problems = found.map((f) => ({ line: f.line, column: f.column, reason: `cell ${f.cell} holds a formula: paste values only` }));
  const first = found[0]!;
  const more = found.length > 1 ? ` Columns ${found.slice(1).map((f) => `${f.column} (cell ${f.cell})`).join(', ')} hold formulas too.` : '';
  return new LenteraError(
    code,
    `${table.file}, line ${first.line}, column ${first.column}: cell ${first.cell} holds a formula: paste values only (copy the cells, then Paste Special → Values), and import the file again.${more}`,
    { file: table.file, problems, count: problems.length },
  );
}
