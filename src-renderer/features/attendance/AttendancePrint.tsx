import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceList } from '../../api';
import { useSession } from '../../app/store';
import { formatDateTimeWib, formatLongDate, formatTimeWib, shortHash } from '../../i18n/format';

/**
 * The daftar hadir on paper: letterhead, the session, one line per candidate with room to sign, the counts, and
 * the signatures of the clerk and the coordinator. On screen it shows as a page; printing leaves only the page.
 */
export function AttendancePrint({ list, onBack }: { list: AttendanceList; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const status = useSession((s) => s.status);
  const head = useSession((s) => s.head);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const { exam, session, counts } = list;
  const stateText = (state: string) => (state === 'present' ? t('attendance.print.present') : state === 'absent' ? t('attendance.print.absent') : '');

  useEffect(() => {
    titleRef.current?.focus();
  }, []);

  return (
    <div className="print-view">
      <div className="print-toolbar no-print">
        <button type="button" className="btn btn-primary" onClick={() => window.print()}>
          {t('attendance.print.print')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onBack}>
          {t('attendance.print.back')}
        </button>
        <p className="field-hint">{t('attendance.print.hint')}</p>
      </div>
      <article className="print-sheet" aria-labelledby="print-title">
        <header className="kop">
          <p className="kop-agency">{exam.agency}</p>
          <p className="kop-exam">{exam.name}</p>
          {session.venue ? (
            <p className="kop-venue">
              {session.venue.name} — {session.venue.address}
            </p>
          ) : null}
        </header>
        <h1 id="print-title" className="print-title" ref={titleRef} tabIndex={-1}>
          {t('attendance.print.title')}
        </h1>
        <table className="print-facts">
          <tbody>
            <tr>
              <th scope="row">{t('attendance.print.exam')}</th>
              <td>
                {exam.name} ({exam.code})
              </td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.stage')}</th>
              <td>{session.stageName ?? session.stage}</td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.session')}</th>
              <td>{session.code}</td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.venue')}</th>
              <td>{session.venue ? `${session.venue.name}, ${session.venue.address}` : '—'}</td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.room')}</th>
              <td>{session.room}</td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.date')}</th>
              <td data-testid="print-date">{formatLongDate(session.startsAt, lang)}</td>
            </tr>
            <tr>
              <th scope="row">{t('attendance.print.time')}</th>
              <td>{formatTimeWib(session.startsAt, lang)}</td>
            </tr>
          </tbody>
        </table>
        <table className="print-table" data-testid="print-table">
          <thead>
            <tr>
              <th scope="col">{t('attendance.col.no')}</th>
              <th scope="col">{t('attendance.col.nomor')}</th>
              <th scope="col">{t('attendance.col.nama')}</th>
              <th scope="col">{t('attendance.col.formasi')}</th>
              <th scope="col">{t('attendance.col.state')}</th>
              <th scope="col">{t('attendance.col.at')}</th>
              <th scope="col" className="col-sign">
                {t('attendance.print.signature')}
              </th>
            </tr>
          </thead>
          <tbody>
            {list.lines.map((l, i) => (
              <tr key={l.nomorPeserta}>
                <td className="num">{i + 1}</td>
                <td className="nowrap">{l.nomorPeserta}</td>
                <td>{l.nama}</td>
                <td>{l.kodeFormasi}</td>
                <td>{stateText(l.state)}</td>
                <td className="nowrap">{l.state === 'present' && l.at ? formatTimeWib(l.at, lang) : ''}</td>
                <td className={`col-sign ${i % 2 === 0 ? 'sign-left' : 'sign-right'}`}>{l.state === 'present' ? `${i + 1}.` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="print-counts" data-testid="print-counts">
          {t('attendance.print.counts', { listed: counts.listed, present: counts.present, absent: counts.absent, pending: counts.pending })}
        </p>
        {!session.closedAt ? <p className="print-note">{t('attendance.print.notClosed')}</p> : null}
        <div className="signatures">
          {(['clerk', 'coordinator'] as const).map((who) => (
            <div key={who} className="signature">
              <p>{t(`attendance.print.signer.${who}`)}</p>
              <div className="signature-space" />
              <p className="signature-name">{t('attendance.print.nameLine')}</p>
              <p className="signature-line">{t('attendance.print.nipLine')}</p>
            </div>
          ))}
        </div>
        <footer className="print-footer">
          {t('attendance.print.footer', {
            workstation: status?.workstationId ?? '',
            time: formatDateTimeWib(new Date(), lang),
            seq: head?.seq ?? 0,
            hash: head ? shortHash(head.hash) : '',
          })}
        </footer>
      </article>
    </div>
  );
}
