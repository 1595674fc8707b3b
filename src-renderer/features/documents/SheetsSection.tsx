import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody, type SheetJob } from '../../api';
import { useLiveEvent } from '../../app/live';
import { formatCount, formatLongDateTimeWib } from '../../i18n/format';
import { EmptyState, ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { documentsError } from './errors';
import { useExamChoice } from '../../app/exams';
import { isSheetJob, laterJob, useSignedFiles } from './model';
import { SignedFiles } from './SignedFiles';

/** "Lembar hasil & berita acara" (coordinator): sign every result sheet and the minutes in a background job. */
export function SheetsSection({ identityTick }: { identityTick: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { exams, exam, setExam, detail, error: examError } = useExamChoice();
  const [session, setSession] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [starting, setStarting] = useState(false);
  const [job, setJob] = useState<SheetJob | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<ErrorBody | null>(null);
  const passRef = useRef<HTMLInputElement>(null);
  // Every report seen, by job: one may arrive before `sheets.start` has answered with the job's id.
  const seen = useRef(new Map<string, SheetJob>());
  const jobId = useRef<string | null>(null);
  const { files, error: filesError } = useSignedFiles(exam, identityTick);

  // A job still running (the coordinator left the page and came back, or reloaded it) is shown again.
  useEffect(() => {
    let live = true;
    void api.invoke('sheets.jobs').then((result) => {
      if (!live || !result.ok || jobId.current) return;
      const jobs = result.value.filter(isSheetJob);
      const running = jobs.filter((j) => j.state === 'running').sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
      if (running) {
        jobId.current = running.id;
        setJob(running);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  useLiveEvent(['jobs.progress'], (data) => {
    if (!isSheetJob(data)) {
      // The event stream reconnected: reports may have been missed, ask for the job's state.
      const id = jobId.current;
      if (!id) return;
      void api.invoke('sheets.jobs').then((result) => {
        if (!result.ok) return;
        const now = result.value.find((j) => j.id === id);
        if (now && jobId.current === id) setJob((cur) => laterJob(cur ?? undefined, now) ?? null);
      });
      return;
    }
    seen.current.set(data.id, laterJob(seen.current.get(data.id), data)!);
    if (data.id === jobId.current) setJob((cur) => laterJob(cur ?? undefined, data) ?? null);
  });

  useEffect(() => {
    if (job && job.state !== 'running') setCancelling(false);
  }, [job]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCancelError(null);
    if (!passphrase) {
      setProblem(t('documents.sheets.passphraseMissing'));
      passRef.current?.focus();
      return;
    }
    setProblem(null);
    setStarting(true);
    const result = await api.invoke('sheets.start', { exam, ...(session ? { session } : {}), passphrase });
    setStarting(false);
    // The passphrase is not kept on screen, right or wrong.
    setPassphrase('');
    if (!result.ok) {
      setError(result.error);
      passRef.current?.focus();
      // Someone (this coordinator elsewhere, or another) already runs a job for this exam: show it here.
      if (result.error.code === 'JOB_RUNNING') {
        const jobs = await api.invoke('sheets.jobs');
        const running = jobs.ok ? jobs.value.filter(isSheetJob).find((j) => j.state === 'running' && j.exam === exam) : undefined;
        if (running && jobId.current !== running.id) {
          jobId.current = running.id;
          setJob(laterJob(running, seen.current.get(running.id)) ?? running);
        }
      }
      return;
    }
    const started = result.value;
    jobId.current = started.id;
    setJob(laterJob(started, seen.current.get(started.id)) ?? started);
  }

  async function cancel() {
    if (!job) return;
    setCancelling(true);
    setCancelError(null);
    const result = await api.invoke('sheets.cancel', { jobId: job.id });
    if (!result.ok) {
      setCancelling(false);
      setCancelError(result.error);
    }
  }

  const running = job?.state === 'running';
  const sessions = detail?.sessions ?? [];

  return (
    <section className="panel" aria-labelledby="sheets-title" data-testid="sheets-section">
      <h2 id="sheets-title">{t('documents.sheets.title')}</h2>
      <p className="field-hint">{t('documents.sheets.intro')}</p>
      <ErrorAlert>{examError ? documentsError(t, lang, examError, 'sheets') : null}</ErrorAlert>
      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('documents.noExam')}>
          <p>{t('documents.noExamBody')}</p>
        </EmptyState>
      ) : (
        <>
          <form onSubmit={(e) => void start(e)} noValidate aria-busy={starting || undefined}>
            <div className="pickers">
              <SelectField
                label={t('documents.exam')}
                value={exam}
                disabled={running}
                onChange={(e) => {
                  setExam(e.target.value);
                  setSession('');
                }}
                options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))}
              />
              <SelectField
                label={t('documents.sheets.session')}
                value={session}
                disabled={running}
                onChange={(e) => setSession(e.target.value)}
                options={[
                  { value: '', label: t('documents.sheets.allSessions') },
                  ...sessions.map((s) => ({
                    value: s.code,
                    label: t('documents.sessionOption', { code: s.code, room: s.room, time: formatLongDateTimeWib(s.startsAt, lang) }),
                  })),
                ]}
              />
            </div>
            <TextField
              ref={passRef}
              className="narrow-form"
              type="password"
              autoComplete="off"
              label={t('documents.signPassphrase')}
              hint={t('documents.sheets.passphraseHint')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              error={problem}
              disabled={running}
              required
            />
            <ErrorAlert>{error ? documentsError(t, lang, error, 'sheets') : null}</ErrorAlert>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={running || starting || !exam}>
                {starting ? t('documents.sheets.starting') : t('documents.sheets.start')}
              </button>
            </div>
          </form>

          {job ? <JobStatus job={job} cancelling={cancelling} onCancel={() => void cancel()} /> : null}
          <ErrorAlert>{cancelError ? documentsError(t, lang, cancelError, 'sheets') : null}</ErrorAlert>

          {exam ? <SignedFiles exam={exam} files={files} error={filesError} /> : null}
        </>
      )}
    </section>
  );
}

/**
 * What a finished job did. A run again leaves unchanged documents alone (they keep their signatures and are not
 * signed again): when nothing changed, it says so rather than "0 signed".
 */
function doneMessage(t: TFunction, lang: string, job: SheetJob): string {
  const signed = { sheets: formatCount(job.written ?? job.done, lang), minutes: formatCount(job.minutes ?? 0, lang) };
  const kept = { sheets: formatCount(job.unchanged ?? 0, lang), minutes: formatCount(job.minutesUnchanged ?? 0, lang) };
  const anySigned = (job.written ?? job.done) > 0 || (job.minutes ?? 0) > 0;
  const anyKept = (job.unchanged ?? 0) > 0 || (job.minutesUnchanged ?? 0) > 0;
  if (!anySigned && anyKept) return t('documents.job.doneUnchanged', kept);
  if (anyKept) return `${t('documents.job.done', signed)} ${t('documents.job.alsoUnchanged', kept)}`;
  return t('documents.job.done', signed);
}

/** The job: a progress bar while it runs (with Batalkan), then what it made, or why it stopped. */
function JobStatus({ job, cancelling, onCancel }: { job: SheetJob; cancelling: boolean; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const labelId = useId();
  const known = job.total > 0;
  const pct = known ? Math.round((job.done / job.total) * 100) : job.state === 'done' ? 100 : 0;
  const counts = { done: formatCount(job.done, lang), total: formatCount(job.total, lang), pct };
  const text = known ? t('documents.job.progress', counts) : t('documents.job.preparing');

  return (
    <div className="doc-job" data-testid="sheets-job" data-state={job.state}>
      <h3 className="doc-job-title">{t('documents.job.title', { exam: job.exam })}</h3>
      <div className="doc-progress">
        <span id={labelId} className="doc-progress-label">
          {t('documents.job.label')}
        </span>
        <div
          className="doc-progress-track"
          role="progressbar"
          aria-labelledby={labelId}
          aria-valuemin={0}
          aria-valuemax={known ? job.total : 100}
          aria-valuenow={known ? job.done : job.state === 'done' ? 100 : undefined}
          aria-valuetext={text}
          data-testid="sheets-progress"
        >
          <div className={`doc-progress-fill${known ? '' : ' doc-progress-unknown'}`} style={{ width: `${known ? pct : 100}%` }} />
        </div>
        <span className="doc-progress-text" aria-hidden="true">
          {known ? t('documents.job.count', counts) : t('documents.job.preparing')}
        </span>
      </div>
      {job.state === 'running' ? (
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={cancelling}>
            {cancelling ? t('documents.job.cancelling') : t('documents.job.cancel')}
          </button>
          <p className="field-hint doc-job-hint">{t('documents.job.background')}</p>
        </div>
      ) : null}
      {/* Always there, so that the end of the job is read out when its words appear. */}
      <div
        role="status"
        className={job.state === 'done' ? 'alert alert-success' : job.state === 'cancelled' ? 'alert alert-info' : 'doc-job-quiet'}
      >
        {job.state === 'done' ? (
          <>
            <span data-testid="sheets-done">{doneMessage(t, lang, job)}</span>
            {(job.minutes ?? 0) === 0 && (job.minutesUnchanged ?? 0) === 0 ? <> {t('documents.job.noMinutes')}</> : null}
          </>
        ) : job.state === 'cancelled' ? (
          <span data-testid="sheets-cancelled">{t('documents.job.cancelled', { sheets: formatCount(job.written ?? job.done, lang) })}</span>
        ) : null}
      </div>
      {job.state === 'failed' && job.error ? (
        <ErrorAlert>
          {t('documents.job.failed', {
            reason: documentsError(t, lang, { code: job.error.code, message: job.error.message, details: {} }, 'job'),
          })}
        </ErrorAlert>
      ) : null}
    </div>
  );
}
