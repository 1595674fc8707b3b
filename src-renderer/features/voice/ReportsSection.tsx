import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { formatDateTimeWib } from '../../i18n/format';
import { SelectField } from '../../ui/fields';
import { useCommand } from '../../ui/useCommand';
import { AnswerDialog, HubListSection, useHubList } from './HubList';
import { REPORT_ANSWERS, REPORT_STATUSES, statusTone, type LogEntry, type Report, type ReportAnswer } from './model';
import { TextAreaField } from '../../ui/fields';

const fetchReports = (exam: string) => api.invoke('laporan.list', { exam });

/**
 * The public reports of an exam at the hub: the text as published (emails, phone numbers and NIKs masked), the
 * contact a reporter left (for the committee only), the status and the answer. Observers see every one.
 */
export function ReportsSection({ exam, canAnswer }: { exam: string; canAnswer: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useHubList(fetchReports, exam);
  const [answering, setAnswering] = useState<Report | null>(null);

  return (
    <HubListSection
      kind="reports"
      statusKey="reportStatus"
      statuses={REPORT_STATUSES}
      canAnswer={canAnswer}
      list={list}
      columns={['status', 'code', 'category', 'filedAt', 'text', 'contact', 'answer']}
      row={(r) => (
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
      )}
    >
      {answering ? <AnswerReportDialog report={answering} onClose={() => setAnswering(null)} onAnswered={() => void list.load()} /> : null}
    </HubListSection>
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
    <AnswerDialog
      title={t('voice.reports.dialogTitle', { id: report.id })}
      onClose={onClose}
      facts={
        <>
          <dt>{t('voice.col.category')}</dt>
          <dd>{t(`voice.category.${report.category}`, { defaultValue: report.category })}</dd>
          <dt>{t('voice.col.text')}</dt>
          <dd className="voice-text">{report.text}</dd>
        </>
      }
      done={done && { notice: t('voice.reports.answered', { index: done.logIndex }), entry: done }}
      onSubmit={submit}
      busy={busy}
      error={error}
      sendLabel={t('voice.reports.send')}
    >
      <SelectField
        label={t('voice.reports.newStatus')}
        value={status}
        onChange={(e) => setStatus(choices.find((s) => s === e.target.value) ?? choices[0])}
        options={choices.map((s) => ({ value: s, label: t(`voice.reportStatus.${s}`) }))}
        data-autofocus="true"
      />
      <TextAreaField rows={4} label={t('voice.answerLabel')} hint={t('voice.reports.answerHint')} value={answer} onChange={setAnswer} error={problem} maxLength={4000} disabled={busy} />
    </AnswerDialog>
  );
}
