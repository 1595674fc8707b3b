import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceLine, AttendanceList } from '../../api';
import { actorName } from '../../i18n/errors';
import { formatCount } from '../../i18n/format';
import { TableWrap } from '../../ui/TableWrap';
import { AttendanceBadge } from '../exams/CandidatesTable';
import { useTimeWib } from './time';
import './attendance.css';
import { SpacerRow } from '../../ui/SpacerRow';

/** Every row is this tall (attendance.css holds it there): the virtualizer places rows by it, measuring none. */
export const ROW_HEIGHT = 41;
const COLUMNS = ['no', 'nomor', 'nama', 'formasi', 'nik', 'state', 'at', 'by'] as const;

type Row = { line: AttendanceLine; index: number; canUndo: boolean; time: (at: string) => string; onUndo: (l: AttendanceLine) => void };

/** One line; drawn again only when the line itself (or what it is drawn with) changes. */
const AttendanceRow = memo(function AttendanceRow({ line: l, index, canUndo, time, onUndo }: Row) {
  const { t } = useTranslation();
  return (
    <tr data-index={index} aria-rowindex={index + 2} data-testid={`attendance-row-${l.nomorPeserta}`}>
      <td className="num">{index + 1}</td>
      <td>
        <code>{l.nomorPeserta}</code>
      </td>
      <td title={l.nama}>{l.nama}</td>
      <td>{l.kodeFormasi}</td>
      <td>
        <code>{l.nik}</code>
      </td>
      <td>
        <AttendanceBadge state={l.state} />
      </td>
      <td>{l.at && l.state === 'present' ? time(l.at) : '—'}</td>
      <td title={l.by ? actorName(l.by) : undefined}>{l.by ? actorName(l.by) : '—'}</td>
      {canUndo ? (
        <td className="actions">
          {l.state === 'present' ? (
            <button
              type="button"
              className="btn btn-small btn-secondary"
              aria-label={t('attendance.undo.of', { nomor: l.nomorPeserta, nama: l.nama })}
              onClick={() => onUndo(l)}
            >
              {t('attendance.undo.button')}
            </button>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
});

/**
 * The session's list and its counts. However many lines it has, only those near the view are in the page, all of
 * one height, so that opening a session of 10,000 and changing one of its lines costs a few dozen rows, not 10,000.
 */
export function AttendanceTable({ list, canUndo, onUndo }: { list: AttendanceList; canUndo: boolean; onUndo: (l: AttendanceLine) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const time = useTimeWib(lang);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lines = list.lines;
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));
  const columns = COLUMNS.length + (canUndo ? 1 : 0);
  const caption = t('attendance.caption', { session: list.session.code, count: list.counts.listed });
  const counts = [
    ['listed', list.counts.listed],
    ['present', list.counts.present],
    ['absent', list.counts.absent],
    ['pending', list.counts.pending],
  ] as const;

  return (
    <section aria-labelledby="attendance-list-title">
      <h2 id="attendance-list-title">{t('attendance.listTitle', { session: list.session.code })}</h2>
      <ul className="counts" aria-label={t('attendance.countsLabel')}>
        {counts.map(([key, n]) => (
          <li key={key}>
            <span className="count-value" data-testid={`attendance-count-${key}`}>
              {formatCount(n, lang)}
            </span>
            <span className="count-label">{t(`attendance.count.${key}`)}</span>
          </li>
        ))}
      </ul>
      <TableWrap bare className="vtable-scroll vtable-attendance" ref={scrollRef} landmark label={caption}>
        <table className="table vtable" data-testid="attendance-table" aria-rowcount={lines.length + 1}>
          <caption className="visually-hidden">{caption}</caption>
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c} className={`col-${c}`} />
            ))}
            {canUndo ? <col className="col-actions" /> : null}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {COLUMNS.map((c) => (
                <th key={c} scope="col">
                  {t(`attendance.col.${c}`)}
                </th>
              ))}
              {canUndo ? <th scope="col">{t('attendance.col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            <SpacerRow height={padTop} columns={columns} />
            {items.map((item) => (
              <AttendanceRow key={item.key} line={lines[item.index]!} index={item.index} canUndo={canUndo} time={time} onUndo={onUndo} />
            ))}
            <SpacerRow height={padBottom} columns={columns} />
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
