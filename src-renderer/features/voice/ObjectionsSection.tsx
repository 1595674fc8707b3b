import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody, type ExamDetail } from '../../api';
import { useLiveEvent } from '../../app/live';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { useCommand } from '../../ui/useCommand';
import { CorrectionDialog } from './CorrectionDialog';
import { OBJECTION_STATUSES, statusTone, type LogEntry, type Objection, type ObjectionStatus } from './model';
import { LogNote } from './LogNote';
import { TextArea } from './TextArea';

/** The objections of an exam at the hub, newest first, with a filter by status; the coordinator answers them. */
export function ObjectionsSection({ exam, canAnswer, detail }: { exam: string; canAnswer: boolean; detail: ExamDetail | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<Objection[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [status, setStatus] = useState<ObjectionStatus | ''>('');
  const [answering, setAnswering] = useState<Objection | null>(null);
  const [correcting, setCorrecting] = useState<Objection | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    const r = await api.invoke('sanggah.list', { exam });
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
    <section className="panel" aria-labelledby="voice-objections-title" data-testid="voice-objections">
      <h2 id="voice-objections-title">{t('voice.objections.title')}</h2>
      <p className="field-hint">{t(canAnswer ? 'voice.objections.introCoordinator' : 'voice.objections.introObserver')}</p>
      <div className="voice-tools">
        <SelectField
          label={t('voice.objections.filter')}
          value={status}
          onChange={(e) => setStatus(OBJECTION_STATUSES.find((s) => s === e.target.value) ?? '')}
          options={[{ value: '', label: t('voice.allStatuses') }, ...OBJECTION_STATUSES.map((s) => ({ value: s, label: t(`voice.objectionStatus.${s}`) }))]}
        />
        <button type="button" className="btn btn-secondary" onClick={() => void load()} disabled={loading}>
          {t('voice.reload')}
        </button>
      </div>
      <ErrorAlert>{error ? errorMessage(t, lang, error) : null}</ErrorAlert>
      {rows === null ? <Spinner label={t('common.loading')} /> : null}
      {rows && rows.length === 0 && !error ? <p className="voice-empty">{t('voice.objections.none')}</p> : null}
      {rows && rows.length > 0 && shown.length === 0 ? <p className="voice-empty">{t('voice.noMatch')}</p> : null}
      {shown.length > 0 ? (
        <TableWrap>
          <table className="table voice-table" data-testid="objections-table">
            <TableCaption>{t('voice.objections.caption', { count: shown.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('voice.col.status')}</th>
                <th scope="col">{t('voice.col.code')}</th>
                <th scope="col">{t('voice.col.nomor')}</th>
                <th scope="col">{t('voice.col.stage')}</th>
                <th scope="col">{t('voice.col.filedAt')}</th>
                <th scope="col">{t('voice.col.text')}</th>
                <th scope="col">{t('voice.col.channel')}</th>
                <th scope="col">{t('voice.col.answer')}</th>
                {canAnswer ? <th scope="col">{t('voice.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id} data-testid={`objection-${o.id}`}>
                  <td>
                    <span className={statusTone('sanggah', o.status)}>{t(`voice.objectionStatus.${o.status}`)}</span>
                  </td>
                  <td>
                    <code>{o.id}</code>
                  </td>
                  <td>
                    <code>{o.nomor}</code>
                  </td>
                  <td>{o.stage}</td>
                  <td className="nowrap">{formatDateTimeWib(o.filedAt, lang)}</td>
                  <td className="voice-text">{o.text}</td>
                  <td>{t(`voice.channel.${o.channel}`) + (o.filedBy ? ` (${o.filedBy})` : '')}</td>
                  <td className="voice-text">
                    {o.answer ?? '—'}
                    {o.answeredAt ? <span className="field-hint voice-when">{formatDateTimeWib(o.answeredAt, lang)}</span> : null}
                  </td>
                  {canAnswer ? (
                    <td className="actions">
                      {o.status === 'diajukan' ? (
                        <button type="button" className="btn btn-small btn-primary" aria-label={t('voice.objections.answerOf', { id: o.id })} onClick={() => setAnswering(o)}>
                          {t('voice.objections.answer')}
                        </button>
                      ) : null}
                      {o.status === 'diterima' ? (
                        <button type="button" className="btn btn-small btn-secondary" aria-label={t('voice.correct.of', { id: o.id })} onClick={() => setCorrecting(o)}>
                          {t('voice.correct.button')}
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
      {answering ? (
        <AnswerObjectionDialog
          objection={answering}
          onClose={() => setAnswering(null)}
          onCorrect={(o) => {
            setAnswering(null);
            setCorrecting(o);
          }}
          onAnswered={() => void load()}
        />
      ) : null}
      {correcting ? <CorrectionDialog exam={exam} detail={detail} objection={correcting} onClose={() => setCorrecting(null)} /> : null}
    </section>
  );
}

function AnswerObjectionDialog({ objection, onClose, onAnswered, onCorrect }: { objection: Objection; onClose: () => void; onAnswered: () => void; onCorrect: (o: Objection) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useCommand();
  const [decision, setDecision] = useState<'diterima' | 'ditolak' | ''>('');
  const [answer, setAnswer] = useState('');
  const [problems, setProblems] = useState<{ decision?: string; answer?: string }>({});
  const [done, setDone] = useState<{ row: Objection; entry: LogEntry } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: typeof problems = {};
    if (!decision) p.decision = t('voice.objections.decisionMissing');
    if (answer.trim().length < 10) p.answer = t('voice.answerShort');
    setProblems(p);
    if (!decision || Object.keys(p).length) return;
    await run(
      () => api.invoke('sanggah.answer', { id: objection.id, decision, answer: answer.trim() }),
      (out) => {
        setDone({ row: { ...objection, status: out.status, answer: out.answer, answeredAt: out.answeredAt }, entry: out });
        onAnswered();
      },
    );
  }

  return (
    <Dialog
      title={t('voice.objections.dialogTitle', { id: objection.id })}
      onClose={onClose}
      actions={
        <>
          {done && done.row.status === 'diterima' ? (
            <button type="button" className="btn btn-primary" onClick={() => onCorrect(done.row)} data-autofocus="true">
              {t('voice.correct.button')}
            </button>
          ) : null}
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t('common.close')}
          </button>
        </>
      }
    >
      <dl className="facts">
        <dt>{t('voice.col.nomor')}</dt>
        <dd>
          <code>{objection.nomor}</code>
        </dd>
        <dt>{t('voice.col.stage')}</dt>
        <dd>{objection.stage}</dd>
        <dt>{t('voice.col.text')}</dt>
        <dd className="voice-text">{objection.text}</dd>
      </dl>
      {done ? (
        <>
          <Notice tone="success">{t(done.row.status === 'diterima' ? 'voice.objections.answeredAccepted' : 'voice.objections.answeredRejected', { index: done.entry.logIndex })}</Notice>
          <LogNote entry={done.entry} />
        </>
      ) : (
        <form id="voice-answer-form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
          <fieldset className="choice" aria-describedby={problems.decision ? 'voice-decision-error' : undefined}>
            <legend>{t('voice.objections.decision')}</legend>
            {(['diterima', 'ditolak'] as const).map((d) => (
              <label key={d}>
                <input type="radio" name="voice-decision" value={d} checked={decision === d} onChange={() => setDecision(d)} {...(d === 'diterima' ? { 'data-autofocus': 'true' } : {})} />
                {t(`voice.objections.decide.${d}`)}
              </label>
            ))}
          </fieldset>
          {problems.decision ? (
            <p className="field-error" id="voice-decision-error">
              {problems.decision}
            </p>
          ) : null}
          <TextArea label={t('voice.answerLabel')} hint={t('voice.objections.answerHint')} value={answer} onChange={setAnswer} error={problems.answer} maxLength={4000} disabled={busy} />
          <ErrorAlert>{error}</ErrorAlert>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('voice.sending') : t('voice.objections.send')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
