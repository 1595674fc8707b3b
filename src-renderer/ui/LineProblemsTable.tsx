import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TableCaption, TableWrap } from './TableWrap';

/** Rows an import's table shows at most: a browser table of a hundred thousand rows helps nobody; the report has them all. */
export const ROWS_SHOWN = 500;

/** What an import refused: where (line and column of the file) and why. */
export interface LineProblem {
  line: number;
  column: string;
  reason: string;
}

/** A column after line, column and reason: its header and what each problem puts in it. */
export interface ProblemColumn<P> {
  header: string;
  cell: (p: P) => ReactNode;
}

/**
 * The problems an import found, one per row, the first `ROWS_SHOWN` of them. `total` is how many there are: when more
 * than are shown, the caption says only the first are.
 */
export function LineProblemsTable<P extends LineProblem>({
  testId,
  caption,
  problems,
  total,
  columns = [],
}: {
  testId: string;
  caption: ReactNode;
  problems: readonly P[];
  total: number;
  columns?: ProblemColumn<P>[];
}) {
  const { t } = useTranslation();
  const rows = problems.slice(0, ROWS_SHOWN);
  return (
    <TableWrap className="table-scroll">
      <table className="table" data-testid={testId}>
        <TableCaption>
          {caption}
          {total > rows.length ? ` ${t('common.firstShown', { count: rows.length })}` : null}
        </TableCaption>
        <thead>
          <tr>
            <th scope="col">{t('common.problems.line')}</th>
            <th scope="col">{t('common.problems.column')}</th>
            <th scope="col">{t('common.problems.reason')}</th>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((p, i) => (
            <tr key={`${p.line} ${p.column} ${i}`}>
              <td className="num">{p.line}</td>
              <td>
                <code>{p.column}</code>
              </td>
              <td>{p.reason}</td>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(p)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
