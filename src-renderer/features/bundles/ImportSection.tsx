import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody, withUpload, type ErrorBody, type Result } from '../../api';
import { formatCount } from '../../i18n/format';
import { ErrorAlert, Notice, ProgressBar } from '../../ui/feedback';
import { FileField } from '../../ui/fields';
import { bundlesError } from './errors';
import { ConflictTable } from './MergedSection';
import { COUNT_KINDS, workstationLabel, type ImportValue, type VerifyValue } from './model';

type Phase =
  | { step: 'choose' }
  | { step: 'upload'; name: string; sent: number; total: number }
  | { step: 'verify'; name: string }
  // The file is kept, not its upload: an upload serves one command, so the merge sends the file again.
  | { step: 'verified'; file: File; report: VerifyValue }
  | { step: 'import'; file: File; report: VerifyValue; sent: number; total: number }
  | { step: 'imported'; report: VerifyValue; outcome: ImportValue };

/**
 * "Impor bundel" (coordinator): a .lentera from another workstation of an exam loaded here. It is sent, verified
 * (signature, every hash, the chain link) and shown; only then merged. A refused bundle changes nothing, and the
 * refusal says why in the server's own words.
 */
export function ImportSection({ onMerged }: { onMerged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [error, setError] = useState<ErrorBody | null>(null);

  async function check(file: File) {
    setError(null);
    setPhase({ step: 'upload', name: file.name, sent: 0, total: file.size });
    try {
      const report = await withUpload(
        file,
        (ref) => {
          setPhase({ step: 'verify', name: file.name });
          return api.call('bundle.verify', { file: ref });
        },
        { onProgress: (sent, total) => setPhase({ step: 'upload', name: file.name, sent, total }) },
      );
      setPhase({ step: 'verified', file, report });
    } catch (e) {
      setError(toErrorBody(e));
      setPhase({ step: 'choose' });
    }
  }

  async function merge(file: File, report: VerifyValue) {
    setError(null);
    setPhase({ step: 'import', file, report, sent: 0, total: file.size });
    let result: Result<ImportValue>;
    try {
      // bundle.import verifies the bundle again as it reads it: the file sent now is the one merged.
      result = await withUpload(file, (ref) => api.invoke('bundle.import', { file: ref }), {
        onProgress: (sent, total) => setPhase({ step: 'import', file, report, sent, total }),
      });
    } catch (e) {
      result = { ok: false, error: toErrorBody(e) }; // the upload itself was refused
    }
    if (!result.ok) {
      setError(result.error);
      setPhase({ step: 'verified', file, report });
      return;
    }
    setPhase({ step: 'imported', report, outcome: result.value });
    onMerged();
  }

  const busy = phase.step === 'upload' || phase.step === 'verify' || phase.step === 'import';
  const report = phase.step === 'verified' || phase.step === 'import' || phase.step === 'imported' ? phase.report : null;

  return (
    <section className="panel" aria-labelledby="bundle-import-title" data-testid="bundle-import">
      <h2 id="bundle-import-title">{t('bundles.import.title')}</h2>
      <p className="field-hint">{t('bundles.import.intro')}</p>
      <FileField
        label={t('bundles.import.file')}
        hint={t('bundles.import.fileHint')}
        accept=".lentera,application/zip"
        disabled={busy}
        onFile={(f) => void check(f)}
      />
      {phase.step === 'upload' ? <ProgressBar label={t('bundles.import.uploading', { name: phase.name })} value={phase.sent} max={phase.total} /> : null}
      {phase.step === 'import' && phase.sent < phase.total ? (
        <ProgressBar label={t('bundles.import.uploading', { name: phase.file.name })} value={phase.sent} max={phase.total} />
      ) : null}
      {phase.step === 'verify' ? (
        <p className="loading" role="status">
          {t('bundles.import.verifying', { name: phase.name })}
        </p>
      ) : null}
      <ErrorAlert>{error ? <span data-testid="bundle-import-error">{bundlesError(t, lang, error)}</span> : null}</ErrorAlert>

      {report ? (
        <div className="preview" data-testid="bundle-verified">
          <h3>{t('bundles.import.verifiedTitle', { exam: report.exam, sequence: report.sequence })}</h3>
          <dl className="facts">
            <dt>{t('bundles.exam')}</dt>
            <dd>
              <code>{report.exam}</code>
            </dd>
            <dt>{t('bundles.import.workstation')}</dt>
            <dd>{workstationLabel(report.workstation)}</dd>
            <dt>{t('bundles.import.sequence')}</dt>
            <dd>{report.sequence}</dd>
            <dt>sha256</dt>
            <dd>
              <code className="hash">{report.sha256}</code>
            </dd>
          </dl>
          <ul className="bundle-counts" aria-label={t('bundles.export.countsLabel')}>
            {COUNT_KINDS.filter((k) => (report.counts[k] ?? 0) > 0).map((k) => (
              <li key={k}>
                {t(`bundles.kind.${k}`)}: <strong>{formatCount(report.counts[k] ?? 0, lang)}</strong>
              </li>
            ))}
          </ul>
          <p>{t('bundles.import.checksTitle')}</p>
          <ul className="bundle-checks">
            {report.checks.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          {report.registered ? null : <div className="alert alert-warn">{t('bundles.import.notRegistered')}</div>}
          {phase.step === 'imported' ? null : (
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-primary"
                disabled={phase.step !== 'verified'}
                onClick={() => {
                  if (phase.step === 'verified') void merge(phase.file, phase.report);
                }}
              >
                {phase.step === 'import' ? t('bundles.import.merging') : t('bundles.import.merge')}
              </button>
              <button type="button" className="btn btn-secondary" disabled={phase.step === 'import'} onClick={() => setPhase({ step: 'choose' })}>
                {t('common.cancel')}
              </button>
            </div>
          )}
        </div>
      ) : null}

      {phase.step === 'imported' ? (
        <>
          <Notice tone="success">
            <span data-testid="bundle-import-done">
              {phase.outcome.unchanged
                ? t('bundles.import.unchanged', { sequence: phase.outcome.sequence })
                : t('bundles.import.done', { sequence: phase.outcome.sequence, exam: phase.outcome.exam, records: formatCount(phase.outcome.records, lang) })}
            </span>
          </Notice>
          {phase.outcome.conflicts.length ? <ConflictTable conflicts={phase.outcome.conflicts} /> : null}
        </>
      ) : null}
    </section>
  );
}
