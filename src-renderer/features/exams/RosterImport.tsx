import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody, type ErrorBody, type ExamListItem, type RejectedRow, type RosterSummary } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { formatCount } from '../../i18n/format';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { FileField, SelectField } from '../../ui/fields';
import { EncodingNotice, encodingRefusal } from './EncodingNotice';
import { rejectedReportCsv, rejectedReportName } from './rejectedReport';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { LineProblemsTable, ROWS_SHOWN } from '../../ui/LineProblemsTable';
import { ImportProgress, useFileImport } from '../../ui/useFileImport';


const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Upload a roster (CSV or XLSX), see every rejected row with its line, column and reason, then import. */
export function RosterImport({
  exams,
  exam: initialExam,
  onImported,
  onCancel,
}: {
  exams: ExamListItem[];
  exam: string;
  onImported: (exam: string, s: RosterSummary, skipped: boolean) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [exam, setExam] = useState(initialExam);
  const { phase, setPhase, check: checkFile, send, busy, summary } = useFileImport<RosterSummary>();
  const [importError, setImportError] = useState<ErrorBody | null>(null);

  async function check(file: File) {
    setImportError(null);
    await checkFile(file, (ref) => api.call('roster.preview', { exam, file: ref }));
  }

  async function doImport(file: File, summary: RosterSummary, skipInvalid: boolean) {
    setImportError(null);
    try {
      onImported(exam, await send(file, summary, (ref) => api.call('roster.import', { exam, file: ref, skipInvalid })), skipInvalid);
    } catch (e) {
      setImportError(toErrorBody(e));
    }
  }

  const rejected = summary?.rejectedCount ?? 0;
  // A row can fail on several columns: count lines, and only when the preview sent every rejection.
  const valid =
    summary && summary.rejected.length === summary.rejectedCount ? summary.rows - new Set(summary.rejected.map((r) => r.line)).size : null;
  const failedRows =
    phase.step === 'failed' && Array.isArray(phase.error.details?.problems) ? (phase.error.details.problems as RejectedRow[]) : [];

  return (
    <section className="panel" aria-labelledby="roster-import-title">
      <h2 id="roster-import-title">{t('exams.roster.title')}</h2>
      <p className="field-hint">{t('exams.roster.intro')}</p>
      <div className="form-grid">
        <SelectField
          label={t('exams.roster.exam')}
          value={exam}
          disabled={busy}
          onChange={(e) => {
            setExam(e.target.value);
            setPhase({ step: 'choose' });
          }}
          options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))}
        />
        <FileField label={t('exams.roster.file')} hint={t('exams.roster.fileHint')} accept={ACCEPT} disabled={busy} onFile={(f) => void check(f)} />
      </div>
      <ImportProgress phase={phase} checking="exams.roster.checking" />
      <ErrorAlert>{phase.step === 'failed' ? (encodingRefusal(t, phase.error) ?? errorMessage(t, lang, phase.error)) : null}</ErrorAlert>
      {failedRows.length ? <RejectedTable file={phase.step === 'failed' ? String(phase.error.details.file ?? '') : ''} rows={failedRows} count={failedRows.length} /> : null}

      {summary ? (
        <div className="preview" data-testid="roster-preview">
          <h3>{t('exams.roster.previewTitle', { file: summary.file.name, exam })}</h3>
          <EncodingNotice encoding={summary.file.encoding} />
          <DatesNotice dates={summary.dates} />
          <RosterCounts summary={summary} />
          {summary.updates.length ? <UpdatesTable summary={summary} /> : null}
          {rejected ? <RejectedTable file={summary.file.name} rows={summary.rejected} count={summary.rejectedCount} delimiter={summary.reportDelimiter} /> : null}
          <ErrorAlert>{importError ? errorMessage(t, lang, importError) : null}</ErrorAlert>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={rejected > 0 || busy}
              aria-describedby={rejected ? 'roster-all-blocked' : undefined}
              onClick={() => phase.step === 'preview' && void doImport(phase.file, phase.summary, false)}
            >
              {t('exams.roster.importAll')}
            </button>
            {rejected ? (
              <button
                type="button"
                className="btn btn-secondary"
                disabled={busy || valid === 0}
                aria-describedby="roster-valid-note"
                onClick={() => phase.step === 'preview' && void doImport(phase.file, phase.summary, true)}
              >
                {t('exams.roster.importValid')}
              </button>
            ) : null}
            <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={phase.step === 'import'}>
              {t('common.close')}
            </button>
          </div>
          {rejected ? (
            <>
              <p className="field-error" id="roster-all-blocked">
                {t('exams.roster.allBlocked', { count: rejected })}
              </p>
              <p className="field-hint" id="roster-valid-note">
                {valid === null ? t('exams.roster.validNoteUnknown') : t('exams.roster.validNote', { count: valid })}
              </p>
            </>
          ) : null}
        </div>
      ) : (
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
            {t('common.close')}
          </button>
        </div>
      )}
    </section>
  );
}

export function RosterCounts({ summary }: { summary: RosterSummary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const items = [
    ['rows', summary.rows],
    ['inserts', summary.inserts],
    ['updates', summary.updates.length],
    ['unchanged', summary.unchanged],
    ['rejected', summary.rejectedCount],
  ] as const;
  return (
    <ul className="counts" aria-label={t('exams.roster.countsLabel')}>
      {items.map(([key, n]) => (
        <li key={key} className={key === 'rejected' && n > 0 ? 'count-bad' : undefined}>
          <span className="count-value" data-testid={`roster-count-${key}`}>
            {formatCount(n, lang)}
          </span>
          <span className="count-label">{t(`exams.roster.counts.${key}`)}</span>
        </li>
      ))}
    </ul>
  );
}

function UpdatesTable({ summary }: { summary: RosterSummary }) {
  const { t } = useTranslation();
  const shown = summary.updates.slice(0, ROWS_SHOWN);
  return (
    <TableWrap className="table-scroll">
      <table className="table">
        <TableCaption>
          {t('exams.roster.updatesCaption', { count: summary.updates.length })}
          {summary.updates.length > shown.length ? ` ${t('common.firstShown', { count: shown.length })}` : null}
        </TableCaption>
        <thead>
          <tr>
            <th scope="col">{t('exams.roster.col.line')}</th>
            <th scope="col">{t('exams.roster.col.nomor')}</th>
            <th scope="col">{t('exams.roster.col.changed')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((u) => (
            <tr key={u.nomorPeserta}>
              <td className="num">{u.line}</td>
              <td>
                <code>{u.nomorPeserta}</code>
              </td>
              <td>
                {u.changed.map((c) => (
                  <span key={c} className="change">
                    <code>{c}</code>: {String(u.before[c] ?? '')} → {String(u.after[c] ?? '')}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Which order the file's birth dates were read in, and the line that decided it, so the person can check it. */
function DatesNotice({ dates }: { dates: RosterSummary['dates'] }) {
  const { t } = useTranslation();
  if (dates.by === 'none') return null;
  const values = { order: t(`exams.roster.dates.${dates.order}`), line: dates.line, value: dates.value };
  return (
    <div data-testid="dates-notice">
      <Notice>
        {t(dates.by === 'value' ? 'exams.roster.dates.byValue' : 'exams.roster.dates.byNik', values)}
        {dates.twoDigitYears ? ` ${t('exams.roster.dates.twoDigit')}` : ''}
      </Notice>
    </div>
  );
}

/** A link that downloads the rejected rows as a CSV built here, from the rows the preview sent, in the input's dialect. */
export function RejectedReportLink({ file, rejected, delimiter }: { file: string; rejected: readonly RejectedRow[]; delimiter?: ';' | ',' | '\t' }) {
  const { t } = useTranslation();
  const href = useMemo(() => URL.createObjectURL(new Blob([rejectedReportCsv(rejected, delimiter)], { type: 'text/csv;charset=utf-8' })), [rejected, delimiter]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <a className="btn btn-secondary btn-small" href={href} download={rejectedReportName(file)}>
      {t('exams.roster.download')}
    </a>
  );
}

function RejectedTable({ file, rows, count, delimiter }: { file: string; rows: RejectedRow[]; count: number; delimiter?: ';' | ',' | '\t' }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="table-head">
        <h4>{t('exams.roster.rejectedTitle', { count })}</h4>
        <RejectedReportLink file={file} rejected={rows} delimiter={delimiter} />
      </div>
      {count > rows.length ? <p className="field-hint">{t('exams.roster.reportPartial', { count: rows.length })}</p> : null}
      <LineProblemsTable
        testId="rejected-table"
        caption={t('exams.roster.rejectedCaption')}
        problems={rows}
        total={rows.length}
        columns={[
          { header: t('exams.roster.col.nomor'), cell: (r) => <code>{r.values?.nomor_peserta ?? ''}</code> },
          { header: t('exams.roster.col.nama'), cell: (r) => r.values?.nama ?? '' },
        ]}
      />
    </>
  );
}
