import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody } from '../../api';
import { formatCount } from '../../i18n/format';
import { EncodingNotice, encodingRefusal } from '../exams/EncodingNotice';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { FileField } from '../../ui/fields';
import { scoringError } from './errors';
import type { CatImportSummary, CatProblem, StageItem } from './types';
import { LineProblemsTable } from '../../ui/LineProblemsTable';
import { ImportProgress, useFileImport } from '../../ui/useFileImport';

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** CAT results from the computer-test system: upload, see what would change and every problem, then import. */
export function CatImport({ exam, stage, items, onImported }: { exam: string; stage: string; items: StageItem[]; onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { phase, setPhase, check: checkFile, send, busy, summary } = useFileImport<CatImportSummary>();
  const [importError, setImportError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function check(file: File) {
    setImportError(null);
    setDone(null);
    await checkFile(file, (ref) => api.call('scores.import', { exam, stage, file: ref, dryRun: true }));
  }

  async function doImport(file: File, summary: CatImportSummary) {
    setImportError(null);
    let v: CatImportSummary;
    try {
      v = await send(file, summary, (ref) => api.call('scores.import', { exam, stage, file: ref, dryRun: false }));
    } catch (e) {
      setImportError(scoringError(t, lang, toErrorBody(e)));
      return;
    }
    setDone(t('scoring.cat.done', { file: v.file.name, written: v.written, unchanged: v.unchanged }));
    setPhase({ step: 'choose' });
    onImported();
  }

  const failedProblems = phase.step === 'failed' && Array.isArray(phase.error.details?.problems) ? (phase.error.details.problems as CatProblem[]) : [];

  return (
    <section className="panel" aria-labelledby="cat-import-title">
      <h2 id="cat-import-title">{t('scoring.cat.title', { stage })}</h2>
      <p className="field-hint">{t('scoring.cat.intro', { columns: ['nomor_peserta', ...items.map((i) => i.code)].join(', ') })}</p>
      <div className="narrow-form">
        <FileField label={t('scoring.cat.file')} hint={t('scoring.cat.fileHint')} accept={ACCEPT} disabled={busy} onFile={(f) => void check(f)} />
      </div>
      <ImportProgress phase={phase} checking="scoring.cat.checking" />
      <Notice tone="success">{done}</Notice>
      <ErrorAlert>{phase.step === 'failed' ? (encodingRefusal(t, phase.error) ?? scoringError(t, lang, phase.error)) : null}</ErrorAlert>
      {failedProblems.length ? <ProblemsTable problems={failedProblems} count={failedProblems.length} /> : null}

      {summary ? (
        <div className="preview" data-testid="cat-preview">
          <h3>{t('scoring.cat.previewTitle', { file: summary.file.name, stage: summary.stage })}</h3>
          <EncodingNotice encoding={summary.file.encoding} />
          <ul className="counts" aria-label={t('scoring.cat.countsLabel')}>
            {(
              [
                ['rows', summary.rows],
                ['written', summary.written],
                ['unchanged', summary.unchanged],
                ['problems', summary.problemCount],
              ] as const
            ).map(([key, n]) => (
              <li key={key} className={key === 'problems' && n > 0 ? 'count-bad' : undefined}>
                <span className="count-value" data-testid={`cat-count-${key}`}>
                  {formatCount(n, lang)}
                </span>
                <span className="count-label">{t(`scoring.cat.counts.${key}`)}</span>
              </li>
            ))}
          </ul>
          {summary.alreadyImported ? <Notice>{t('scoring.cat.alreadyImported')}</Notice> : null}
          {summary.problemCount ? <ProblemsTable problems={summary.problems} count={summary.problemCount} /> : null}
          <ErrorAlert>{importError}</ErrorAlert>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || summary.problemCount > 0 || summary.written === 0}
              onClick={() => phase.step === 'preview' && void doImport(phase.file, phase.summary)}
            >
              {t('scoring.cat.import', { count: summary.written })}
            </button>
            <button type="button" className="btn btn-secondary" disabled={phase.step === 'import'} onClick={() => setPhase({ step: 'choose' })}>
              {t('common.cancel')}
            </button>
          </div>
          {summary.problemCount ? <p className="field-error">{t('scoring.cat.blocked', { count: summary.problemCount })}</p> : null}
          {!summary.problemCount && summary.written === 0 ? <p className="field-hint">{t('scoring.cat.nothing')}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function ProblemsTable({ problems, count }: { problems: CatProblem[]; count: number }) {
  const { t } = useTranslation();
  return <LineProblemsTable testId="cat-problems" caption={t('scoring.cat.problemsCaption', { count })} problems={problems} total={count} />;
}
