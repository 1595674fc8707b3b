import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ExamDetail } from '../../api';
import { formatDateTimeWib } from '../../i18n/format';
import { useCommand } from '../../ui/useCommand';
import { CorrectionDialog } from './CorrectionDialog';
import { AnswerDialog, HubListSection, useHubList } from './HubList';
import { OBJECTION_STATUSES, statusTone, type LogEntry, type Objection } from './model';
import { TextAreaField } from '../../ui/fields';

const fetchObjections = (exam: string) => api.invoke('sanggah.list', { exam });

/** The objections of an exam at the hub, newest first, with a filter by status; the coordinator answers them. */
export function ObjectionsSection({ exam, canAnswer, detail }: { exam: string; canAnswer: boolean; detail: ExamDetail | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useHubList(fetchObjections, exam);
  const [answering, setAnswering] = useState<Objection | null>(null);
  const [correcting, setCorrecting] = useState<Objection | null>(null);

  return (
    <HubListSection
      kind="objections"
      statusKey="objectionStatus"
      statuses={OBJECTION_STATUSES}
      canAnswer={canAnswer}
      list={list}
      columns={['status', 'code', 'nomor', 'stage', 'filedAt', 'text', 'channel', 'answer']}
      row={(o) => (
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
      )}
    >
      {answering ? (
        <AnswerObjectionDialog
          objection={answering}
          onClose={() => setAnswering(null)}
          onCorrect={(o) => {
            setAnswering(null);
            setCorrecting(o);
          }}
          onAnswered={() => void list.load()}
        />
      ) : null}
      {correcting ? <CorrectionDialog exam={exam} detail={detail} objection={correcting} onClose={() => setCorrecting(null)} /> : null}
    </HubListSection>
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
    <AnswerDialog
      title={t('voice.objections.dialogTitle', { id: objection.id })}
      onClose={onClose}
      extraActions={
        done && done.row.status === 'diterima' ? (
          <button type="button" className="btn btn-primary" onClick={() => onCorrect(done.row)} data-autofocus="true">
            {t('voice.correct.button')}
          </button>
        ) : null
      }
      facts={
        <>
          <dt>{t('voice.col.nomor')}</dt>
          <dd>
            <code>{objection.nomor}</code>
          </dd>
          <dt>{t('voice.col.stage')}</dt>
          <dd>{objection.stage}</dd>
          <dt>{t('voice.col.text')}</dt>
          <dd className="voice-text">{objection.text}</dd>
        </>
      }
      done={done && { notice: t(done.row.status === 'diterima' ? 'voice.objections.answeredAccepted' : 'voice.objections.answeredRejected', { index: done.entry.logIndex }), entry: done.entry }}
      formId="voice-answer-form"
      onSubmit={submit}
      busy={busy}
      error={error}
      sendLabel={t('voice.objections.send')}
    >
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
      <TextAreaField rows={4} label={t('voice.answerLabel')} hint={t('voice.objections.answerHint')} value={answer} onChange={setAnswer} error={problems.answer} maxLength={4000} disabled={busy} />
    </AnswerDialog>
  );
}
