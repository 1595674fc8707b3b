import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, toErrorBody, type ErrorBody, type PackageSummary, type PathProblem } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { formatCount } from '../../i18n/format';
import { ErrorAlert } from '../../ui/feedback';
import { FileField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { ImportProgress, useFileImport } from '../../ui/useFileImport';

const COUNTS = ['formations', 'stages', 'venues', 'sessions', 'roster'] as const;

function problemsOf(error: ErrorBody): PathProblem[] {
  const list = error.details?.problems;
  return Array.isArray(list) ? (list as PathProblem[]) : [];
}

/** Upload an exam package, see what importing it would do (and every problem with its JSON path), then import. */
export function PackageImport({ onImported, onCancel }: { onImported: (s: PackageSummary) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { phase, check: checkFile, send, busy, summary } = useFileImport<PackageSummary>();
  const [importError, setImportError] = useState<ErrorBody | null>(null);

  async function check(file: File) {
    setImportError(null);
    await checkFile(file, (ref) => api.call('exams.preview', { file: ref }));
  }

  async function doImport(file: File, summary: PackageSummary) {
    setImportError(null);
    try {
      onImported(await send(file, summary, (ref) => api.call('exams.import', { file: ref })));
    } catch (e) {
      setImportError(toErrorBody(e));
    }
  }

  const failed = phase.step === 'failed' ? phase.error : null;
  const problems = summary ? summary.problems : failed ? problemsOf(failed) : [];
  const refusedProblems = importError ? problemsOf(importError) : [];
  const allProblems = problems.length ? problems : refusedProblems;

  return (
    <section className="panel" aria-labelledby="package-import-title">
      <h2 id="package-import-title">{t('exams.package.title')}</h2>
      <p className="field-hint">{t('exams.package.intro')}</p>
      <FileField
        label={t('exams.package.file')}
        hint={t('exams.package.fileHint')}
        accept=".json,application/json"
        disabled={busy}
        onFile={(f) => void check(f)}
      />
      <ImportProgress phase={phase} checking="exams.package.checking" />
      <ErrorAlert>{failed ? errorMessage(t, lang, failed) : null}</ErrorAlert>

      {summary ? (
        <div className="preview" data-testid="package-preview">
          <h3>{t('exams.package.previewTitle', { file: summary.file.name })}</h3>
          <p>
            <span className={`badge ${summary.status === 'update' ? 'badge-warn' : summary.status === 'new' ? 'badge-ok' : ''}`} data-testid="package-status">
              {t(`exams.package.status.${summary.status}`)}
            </span>{' '}
            {t(`exams.package.statusText.${summary.status}`)}
          </p>
          <dl className="facts">
            <dt>{t('exams.col.code')}</dt>
            <dd>
              <code>{summary.exam.code}</code>
            </dd>
            <dt>{t('exams.col.name')}</dt>
            <dd>{summary.exam.name}</dd>
            <dt>{t('exams.col.agency')}</dt>
            <dd>{summary.exam.agency}</dd>
            <dt>{t('exams.col.year')}</dt>
            <dd>{summary.exam.year}</dd>
            <dt>{t('exams.col.ruleset')}</dt>
            <dd>
              <code>{summary.exam.ruleset}</code>
            </dd>
            <dt>{t('exams.package.sha256')}</dt>
            <dd>
              <code className="hash">{summary.sha256}</code>
            </dd>
          </dl>
          <ul className="counts" aria-label={t('exams.package.countsLabel')}>
            {COUNTS.map((c) => (
              <li key={c}>
                <span className="count-value" data-testid={`package-count-${c}`}>
                  {formatCount(summary.counts[c], lang)}
                </span>
                <span className="count-label">{t(`exams.package.counts.${c}`)}</span>
              </li>
            ))}
          </ul>
          {summary.changes.length ? (
            <TableWrap>
              <table className="table">
                <TableCaption>{t('exams.package.changesCaption', { count: summary.changes.length })}</TableCaption>
                <thead>
                  <tr>
                    <th scope="col">{t('exams.package.col.path')}</th>
                    <th scope="col">{t('exams.package.col.change')}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.changes.map((c) => (
                    <tr key={`${c.path} ${c.kind}`}>
                      <td>
                        <code>{c.path}</code>
                      </td>
                      <td>{t(`exams.package.change.${c.kind}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : null}
        </div>
      ) : null}

      {allProblems.length ? <ProblemTable problems={allProblems} /> : null}
      <ErrorAlert>{importError ? errorMessage(t, lang, importError) : null}</ErrorAlert>

      <div className="form-actions">
        {summary ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={summary.problems.length > 0 || phase.step === 'import'}
            aria-describedby={summary.problems.length ? 'package-blocked' : undefined}
            onClick={() => phase.step === 'preview' && void doImport(phase.file, phase.summary)}
          >
            {phase.step === 'import' ? t('exams.package.importing') : t('exams.package.import')}
          </button>
        ) : null}
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.close')}
        </button>
      </div>
      {summary?.problems.length ? (
        <p className="field-error" id="package-blocked">
          {t('exams.package.blocked', { count: summary.problems.length })}
        </p>
      ) : null}
    </section>
  );
}

function ProblemTable({ problems }: { problems: PathProblem[] }) {
  const { t } = useTranslation();
  return (
    <TableWrap className="table-problems">
      <table className="table">
        <TableCaption>{t('exams.package.problemsCaption', { count: problems.length })}</TableCaption>
        <thead>
          <tr>
            <th scope="col">{t('exams.package.col.path')}</th>
            <th scope="col">{t('exams.package.col.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, i) => (
            <tr key={`${i} ${p.path}`}>
              <td>
                <code>{p.path || '$'}</code>
              </td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
