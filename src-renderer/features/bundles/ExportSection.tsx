import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody, type ExamListItem } from '../../api';
import { useLiveEvent } from '../../app/live';
import { hrefOf } from '../../app/router';
import { formatCount } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { bundlesError } from './errors';
import { COUNT_KINDS, formatBytes, saveBundle, type ExportValue } from './model';

/**
 * "Ekspor bundel" (coordinator): the next signed bundle of an exam, with what changed since the last one.
 * Signing and packing a big exam takes seconds: the form says so and cannot be sent twice meanwhile. The window
 * never names a folder on the workstation: once made, the bundle is saved like any download ("Simpan ke USB /
 * unduh"), where the desktop's own save dialog lets the coordinator pick the USB stick.
 */
export function ExportSection({ exams, examsError }: { exams: ExamListItem[] | null; examsError: ErrorBody | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [exam, setExam] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportValue | null>(null);
  const [step, setStep] = useState<{ step: string; done: number; total: number } | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ErrorBody | null>(null);
  const passRef = useRef<HTMLInputElement>(null);

  // The server reports each step of a running export (records by kind, PDFs, the zip) as it goes.
  useLiveEvent(['bundle.progress'], (data) => {
    const d = data as { exam?: string; step?: string; done?: number; total?: number } | null;
    if (busy && d?.exam === exam && typeof d.step === 'string') setStep({ step: d.step, done: d.done ?? 0, total: d.total ?? 0 });
  });

  useEffect(() => {
    if (exams) setExam((cur) => (exams.some((e) => e.code === cur) ? cur : (exams[0]?.code ?? '')));
  }, [exams]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaveError(null);
    setDone(null);
    if (!passphrase) {
      setProblem(t('bundles.export.passphraseMissing'));
      passRef.current?.focus();
      return;
    }
    setProblem(null);
    setStep(null);
    setBusy(true);
    const result = await api.invoke('bundle.export', { exam, passphrase });
    setBusy(false);
    // The passphrase is not kept on screen, right or wrong.
    setPassphrase('');
    if (!result.ok) {
      setError(result.error);
      if (result.error.code === 'PASSPHRASE_WRONG') passRef.current?.focus();
      return;
    }
    setDone(result.value);
  }

  async function save(sha256: string) {
    setSaving(true);
    setSaveError(null);
    const refused = await saveBundle(sha256);
    setSaving(false);
    if (refused) setSaveError(refused);
  }

  return (
    <section className="panel" aria-labelledby="bundle-export-title" data-testid="bundle-export">
      <h2 id="bundle-export-title">{t('bundles.export.title')}</h2>
      <p className="field-hint">{t('bundles.export.intro')}</p>
      <ErrorAlert>{examsError ? bundlesError(t, lang, examsError) : null}</ErrorAlert>
      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('bundles.noExam')}>
          <p>
            {t('bundles.noExamBody')} <a href={hrefOf('exams')}>{t('nav.exams')}</a>
          </p>
        </EmptyState>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
          <div className="pickers">
            <SelectField
              label={t('bundles.exam')}
              value={exam}
              disabled={busy}
              onChange={(e) => setExam(e.target.value)}
              options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))}
            />
            <TextField
              ref={passRef}
              type="password"
              autoComplete="off"
              label={t('bundles.export.passphrase')}
              hint={t('bundles.export.passphraseHint')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              error={problem}
              disabled={busy}
              required
            />
          </div>
          {busy ? (
            <div className="bundle-busy" role="status" data-testid="bundle-export-progress">
              {step && step.total > 0 ? <progress aria-label={t('bundles.export.busyLabel')} max={step.total} value={step.done} /> : <progress aria-label={t('bundles.export.busyLabel')} />}
              <span>
                {t('bundles.export.busy', { exam })}
                {step ? (
                  <span className="bundle-state-detail" data-testid="bundle-export-step">
                    {step.step === 'zip' ? t('bundles.export.stepZip') : t(`bundles.kind.${step.step}`)}
                    {step.total > 0 ? ` ${formatCount(step.done, lang)}/${formatCount(step.total, lang)}` : ''}
                  </span>
                ) : null}
              </span>
            </div>
          ) : null}
          <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !exam}>
              {busy ? t('bundles.export.exporting') : t('bundles.export.submit')}
            </button>
          </div>
        </form>
      )}
      {done ? (
        <Notice tone="success">
          <span data-testid="bundle-exported">
            {t('bundles.export.done', { sequence: done.sequence, exam: done.exam, files: formatCount(done.files, lang), size: formatBytes(done.bytes, lang) })}
          </span>
          <ul className="bundle-counts" aria-label={t('bundles.export.countsLabel')}>
            {COUNT_KINDS.filter((k) => (done.counts[k] ?? 0) > 0).map((k) => (
              <li key={k}>
                {t(`bundles.kind.${k}`)}: <strong>{formatCount(done.counts[k] ?? 0, lang)}</strong>
              </li>
            ))}
          </ul>
          <span className="bundle-state-detail">
            sha256 <code className="hash">{done.sha256}</code>
          </span>
        </Notice>
      ) : null}
      {done ? (
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-secondary"
            data-testid="bundle-export-save"
            aria-describedby="bundle-export-save-hint"
            disabled={saving}
            onClick={() => void save(done.sha256)}
          >
            {t('bundles.export.save')}
          </button>
          <span className="field-hint" id="bundle-export-save-hint">
            {t('bundles.export.saveHint')}
          </span>
        </div>
      ) : null}
      <ErrorAlert>{saveError ? bundlesError(t, lang, saveError) : null}</ErrorAlert>
    </section>
  );
}
