import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody } from '../../api';
import { useLiveEvent } from '../../app/live';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { useCommand } from '../../ui/useCommand';
import { REPORT_ANSWERS, REPORT_STATUSES, statusTone, type LogEntry, type Report, type ReportAnswer, type ReportStatus } from './model';
import { LogNote } from './LogNote';
import { TextArea } from './TextArea';

/**
 * The public reports of an exam at the hub: the text as published (emails, phone numbers and NIKs masked), the
 * contact a reporter left (for the committee only), the status and the answer. Observers see every one.
 */
export function ReportsSection({ exam, canAnswer }: { exam: string; canAnswer: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<Report[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [status, setStatus] = useState<ReportStatus | ''>('');
  const [answering, setAnswering] = useState<Report | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    const r = await api.invoke('laporan.list', { exam });
    setLoading(false);
    if (!r.ok) {
      setError(r.error);
      setRows([]);
      return;
    }
    setError(null);
    setRows([...r.value].sort((a, b) => b.filedAt.localeCompare(a.filedAt)));
  }, [exam]);
  useEffect(() => {
    setRows(null);
    void load();
  }, [load]);
  useLiveEvent(['voice.changed'], () => void load());

  const shown = (rows ?? []).filter((r) => !status || r.status === status);

  return (
    <section className="panel" aria-labelledby="voice-reports-title" data-testid="voice-reports">
      <h2 id="voice-reports-title">{t('voice.reports.title')}</h2>
      <p className="field-hint">{t(canAnswer ? 'voice.reports.introCoordinator' : 'voice.reports.introObserver')}</p>
      <div className="voice-tools">
        <SelectField
          label={t('voice.reports.filter')}
          value={status}
          onChange={(e) => setStatus(REPORT_STATUSES.find((s) => s === e.target.value) ?? '')}
          options={[{ value: '', label: t('voice.allStatuses') }, ...REPORT_STATUSES.map((s) => ({ value: s, label: t(`voice.reportStatus.${s}`) }))]}
        />
        <button type="button" className="btn btn-secondary" onClick={() => void load()} disabled={loading}>
          {t('voice.reload')}
        </button>
      </div>
      <ErrorAlert>{error ? errorMessage(t, lang, error) : null}</ErrorAlert>
      {rows === null ? <Spinner label={t('common.loading')} /> : null}
      {rows && rows.length === 0 && !error ? <p className="voice-empty">{t('voice.reports.none')}</p> : null}
      {rows && rows.length > 0 && shown.length === 0 ? <p className="voice-empty">{t('voice.noMatch')}</p> : null}
      {shown.length > 0 ? (
        <TableWrap>
          <table className="table voice-table" data-testid="reports-table">
            <TableCaption>{t('voice.reports.caption', { count: shown.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('voice.col.status')}</th>
                <th scope="col">{t('voice.col.code')}</th>
                <th scope="col">{t('voice.col.category')}</th>
                <th scope="col">{t('voice.col.filedAt')}</th>
                <th scope="col">{t('voice.col.text')}</th>
                <th scope="col">{t('voice.col.contact')}</th>
                <th scope="col">{t('voice.col.answer')}</th>
                {canAnswer ? <th scope="col">{t('voice.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} data-testid={`report-${r.id}`}>
                  <td>
                    <span className={statusTone('laporan', r.status)}>{t(`voice.reportStatus.${r.status}`)}</span>
                  </td>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{t(`voice.category.${r.category}`, { defaultValue: r.category })}</td>
                  <td className="nowrap">{formatDateTimeWib(r.filedAt, lang)}</td>
                  <td className="voice-text">
                    <span data-testid="report-text">{r.text}</span>
                    {r.body !== r.text ? (
                      <details className="voice-original">
                        <summary>{t('voice.reports.original')}</summary>
                        <span data-testid="report-body">{r.body}</span>
                      </details>
                    ) : null}
                  </td>
                  <td className="voice-text">{r.contact ?? '—'}</td>
                  <td className="voice-text">
                    {r.answers.length === 0 ? '—' : null}
                    {r.answers.map((a) => (
                      <p key={a.leaf} className="voice-answer">
                        <span className={statusTone('laporan', a.status)}>{t(`voice.reportStatus.${a.status}`)}</span> {a.answer}
                        <span className="field-hint voice-when">{formatDateTimeWib(a.answeredAt, lang)}</span>
                      </p>
                    ))}
                  </td>
                  {canAnswer ? (
                    <td className="actions">
                      {r.status !== 'ditolak' ? (
                        <button type="button" className="btn btn-small btn-primary" aria-label={t('voice.reports.answerOf', { id: r.id })} onClick={() => setAnswering(r)}>
                          {t('voice.reports.answer')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {answering ? <AnswerReportDialog report={answering} onClose={() => setAnswering(null)} onAnswered={() => void load()} /> : null}
    </section>
  );
}

function AnswerReportDialog({ report, onClose, onAnswered }: { report: Report; onClose: () => void; onAnswered: () => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useCommand();
  // Once followed up, a report only takes further follow-up news (the hub refuses anything else).
  const choices = report.status === 'ditindaklanjuti' ? (['ditindaklanjuti'] as const) : REPORT_ANSWERS;
  const [status, setStatus] = useState<ReportAnswer>(choices[0]);
  const [answer, setAnswer] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<LogEntry | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (answer.trim().length < 10) {
      setProblem(t('voice.answerShort'));
      return;
    }
    setProblem(null);
    await run(
      () => api.invoke('laporan.answer', { id: report.id, status, answer: answer.trim() }),
      (out) => {
        setDone(out);
        onAnswered();
      },
    );
  }

  return (
    <Dialog
      title={t('voice.reports.dialogTitle', { id: report.id })}
      onClose={onClose}
      actions={
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      <dl className="facts">
        <dt>{t('voice.col.category')}</dt>
        <dd>{t(`voice.category.${report.category}`, { defaultValue: report.category })}</dd>
        <dt>{t('voice.col.text')}</dt>
        <dd className="voice-text">{report.text}</dd>
      </dl>
      {done ? (
        <>
          <Notice tone="success">{t('voice.reports.answered', { index: done.logIndex })}</Notice>
          <LogNote entry={done} />
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
          <SelectField
            label={t('voice.reports.newStatus')}
            value={status}
            onChange={(e) => setStatus(choices.find((s) => s === e.target.value) ?? choices[0])}
            options={choices.map((s) => ({ value: s, label: t(`voice.reportStatus.${s}`) }))}
            data-autofocus="true"
          />
          <TextArea label={t('voice.answerLabel')} hint={t('voice.reports.answerHint')} value={answer} onChange={setAnswer} error={problem} maxLength={4000} disabled={busy} />
          <ErrorAlert>{error}</ErrorAlert>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('voice.sending') : t('voice.reports.send')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
