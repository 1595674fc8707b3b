import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../i18n/format';
import { ErrorAlert, Spinner } from '../../ui/feedback';
import { bundlesError } from './errors';
import { useCommandList, type MergeConflict } from './model';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** Values the workstations disagree on: shown side by side, never resolved here. */
export function ConflictTable({ conflicts }: { conflicts: MergeConflict[] }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <div className="bundle-conflicts" role="group" aria-labelledby={titleId} data-testid="merged-conflicts">
      <h4 id={titleId}>{t('bundles.merged.conflictsTitle', { count: conflicts.length })}</h4>
      <p>{t('bundles.merged.conflictsIntro')}</p>
      <TableWrap>
        <table className="table table-compact">
          <TableCaption className="visually-hidden">{t('bundles.merged.conflictsCaption')}</TableCaption>
          <thead>
            <tr>
              <th scope="col">{t('bundles.merged.col.nomor')}</th>
              <th scope="col">{t('bundles.merged.col.field')}</th>
              <th scope="col">{t('bundles.merged.col.values')}</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((c) => (
              <tr key={`${c.nomor} ${c.field}`}>
                <th scope="row">{c.nomor ? <code>{c.nomor}</code> : t('bundles.merged.wholeFormation')}</th>
                <td>
                  <code>{c.field}</code>
                </td>
                <td>
                  <ul className="bundle-counts">
                    {c.values.map((v) => (
                      <li key={v.workstation}>
                        <code>{v.workstation}</code>: <strong>{v.value}</strong>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

/** "Hasil gabungan": what the merged bundles of each exam say together, conflicts first. */
export function MergedSection({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { value: merged, error } = useCommandList('bundle.merged', {}, ['bundles.changed']);

  return (
    <section className="panel" aria-labelledby="merged-title" data-testid="bundle-merged">
      <h2 id="merged-title">{t('bundles.merged.title')}</h2>
      <p className="field-hint">{t('bundles.merged.intro')}</p>
      <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
      {merged === null ? (
        error ? null : <Spinner label={t('common.loading')} />
      ) : merged.length === 0 ? (
        <p data-testid="merged-empty">{t(canManage ? 'bundles.merged.empty' : 'bundles.merged.emptyObserver')}</p>
      ) : (
        merged.map((m) => (
          <div key={m.exam} className="bundle-merged" data-testid={`merged-${m.exam}`}>
            <h3>{t('bundles.merged.examTitle', { exam: m.exam })}</h3>
            {m.conflicts.length ? <ConflictTable conflicts={m.conflicts} /> : <p className="field-hint">{t('bundles.merged.noConflicts')}</p>}
            <dl className="facts">
              <dt>{t('bundles.merged.candidates')}</dt>
              <dd>{formatCount(m.candidates, lang)}</dd>
              <dt>{t('bundles.merged.byStatus')}</dt>
              <dd>
                {Object.keys(m.byStatus).length === 0 ? (
                  '—'
                ) : (
                  <ul className="bundle-counts">
                    {Object.entries(m.byStatus)
                      .sort(([a], [b]) => a.localeCompare(b))
                      .map(([status, n]) => (
                        <li key={status}>
                          <code>{status}</code>: <strong>{formatCount(n, lang)}</strong>
                        </li>
                      ))}
                  </ul>
                )}
              </dd>
            </dl>
            <TableWrap>
              <table className="table table-compact">
                <TableCaption>{t('bundles.merged.workstationsCaption', { count: m.workstations.length })}</TableCaption>
                <thead>
                  <tr>
                    <th scope="col">{t('bundles.merged.col.workstation')}</th>
                    <th scope="col">{t('bundles.merged.col.bundles')}</th>
                    <th scope="col">{t('bundles.merged.col.last')}</th>
                  </tr>
                </thead>
                <tbody>
                  {m.workstations.map((w) => (
                    <tr key={w.id}>
                      <td>
                        <code>{w.id}</code>
                      </td>
                      <td>{formatCount(w.bundles, lang)}</td>
                      <td>{w.last}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </div>
        ))
      )}
    </section>
  );
}
