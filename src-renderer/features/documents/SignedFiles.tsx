import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody } from '../../api';
import { formatCount } from '../../i18n/format';
import { saveExportedFile } from '../../ui/download';
import { ErrorAlert, Spinner } from '../../ui/feedback';
import { TextField } from '../../ui/fields';
import { documentsError } from './errors';
import { fileKind, orderedVersions, supersededVersions } from './model';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** Rows shown at first: an exam may have thousands of sheets. */
const PAGE = 50;

/**
 * The signed PDFs of an exam, minutes first, each with a download button; a search for a number among many. A
 * document signed again after a change is a new version beside the old one: the newest is listed first, each
 * older version below it marked as superseded.
 * `minutesOnly`: the panel signs the minutes only, the result sheets would just be in the way.
 */
export function SignedFiles({
  exam,
  files,
  error,
  minutesOnly = false,
}: {
  exam: string;
  files: string[] | null;
  error: ErrorBody | null;
  minutesOnly?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const titleId = useId();
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [busy, setBusy] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function download(name: string) {
    setBusy(name);
    setDownloadError(null);
    const result = await api.invoke('sheets.file', { exam, name });
    setBusy(null);
    if (!result.ok) {
      setDownloadError(documentsError(t, lang, result.error, 'download'));
      return;
    }
    saveExportedFile(result.value);
  }

  const all = orderedVersions((files ?? []).filter((f) => !minutesOnly || fileKind(f) === 'minutes'));
  const superseded = supersededVersions(all);
  const ordered = [...all.filter((f) => fileKind(f) === 'minutes'), ...all.filter((f) => fileKind(f) !== 'minutes')];
  const q = query.trim().toLowerCase();
  const matching = q ? ordered.filter((f) => f.toLowerCase().includes(q)) : ordered;
  const visible = matching.slice(0, shown);
  // Documents, not files: an older version is the same document.
  const minutes = all.filter((f) => fileKind(f) === 'minutes' && !superseded.has(f)).length;
  const sheets = all.filter((f) => fileKind(f) === 'sheet' && !superseded.has(f)).length;

  return (
    <section className="doc-files" aria-labelledby={titleId} data-testid="signed-files">
      <h3 id={titleId}>{t(minutesOnly ? 'documents.files.minutesTitle' : 'documents.files.title', { exam })}</h3>
      <ErrorAlert>{error ? documentsError(t, lang, error, 'download') : null}</ErrorAlert>
      {files === null ? (
        error ? null : <Spinner label={t('common.loading')} />
      ) : all.length === 0 ? (
        <p className="field-hint" data-testid="signed-files-none">
          {t(minutesOnly ? 'documents.files.noMinutes' : 'documents.files.none')}
        </p>
      ) : (
        <>
          {minutesOnly ? null : (
            <p className="field-hint">
              {t('documents.files.summary', { sheets: formatCount(sheets, lang), minutes: formatCount(minutes, lang) })}
              {superseded.size ? <> {t('documents.files.supersededCount', { count: superseded.size, n: formatCount(superseded.size, lang) })}</> : null}
            </p>
          )}
          {all.length > PAGE ? (
            <TextField
              className="narrow-form"
              type="search"
              label={t('documents.files.search')}
              hint={t('documents.files.searchHint')}
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setShown(PAGE);
              }}
              autoComplete="off"
              spellCheck={false}
            />
          ) : null}
          <TableWrap>
            <table className="table table-compact">
              <TableCaption>{t('documents.files.caption', { shown: formatCount(visible.length, lang), total: formatCount(matching.length, lang) })}</TableCaption>
              <thead>
                <tr>
                  <th scope="col">{t('documents.files.col.name')}</th>
                  <th scope="col">{t('documents.files.col.kind')}</th>
                  <th scope="col">{t('documents.files.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {visible.map((name) => (
                  <tr key={name} data-testid={`file-${name}`} data-superseded={superseded.has(name) || undefined} className={superseded.has(name) ? 'doc-file-old' : undefined}>
                    <td>
                      <code>{name}</code>
                    </td>
                    <td>
                      {t(`documents.files.kind.${fileKind(name)}`)}
                      {superseded.has(name) ? (
                        <span className="doc-file-superseded" data-testid="file-superseded">
                          <span className="badge badge-muted">{t('documents.files.oldVersion')}</span>
                          {t('documents.files.supersededBy', { name: superseded.get(name) })}
                        </span>
                      ) : null}
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="btn btn-small btn-secondary"
                        aria-label={t('documents.files.downloadOf', { name })}
                        disabled={busy === name}
                        onClick={() => void download(name)}
                      >
                        {t('documents.files.download')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {matching.length > visible.length ? (
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setShown((n) => n + PAGE * 4)}>
              {t('documents.files.more', { count: Math.min(PAGE * 4, matching.length - visible.length) })}
            </button>
          ) : null}
        </>
      )}
      <ErrorAlert>{downloadError}</ErrorAlert>
    </section>
  );
}
