import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TableCaption, TableWrap } from './TableWrap';

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
 * The problems an import found, one per row, the first `shown` of them (a file of 100,000 bad lines is reported in
 * full by its downloadable report, not by a table of 100,000 rows). `total` is how many the caption says there are.
 */
export function LineProblemsTable<P extends LineProblem>({
  testId,
  caption,
  problems,
  total,
  shown,
  columns = [],
}: {
  testId: string;
  caption: ReactNode;
  problems: readonly P[];
  total: number;
  shown: number;
  columns?: ProblemColumn<P>[];
}) {
  const { t } = useTranslation();
  const rows = problems.slice(0, shown);
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
