import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody } from '../../api';
import { actorName } from '../../i18n/errors';
import { formatCount, formatDateTimeWib, shortHash } from '../../i18n/format';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { bundlesError } from './errors';
import { formatBytes, saveBundle, useCommandList, type ExportedBundle, type HubSettings, type PushOutcome } from './model';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** Where a bundle stands at the hub, in words that need no explanation, with the attempts and the reason. */
export function HubStateBadge({ bundle }: { bundle: ExportedBundle }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const state = bundle.state ?? 'none';
  let text: string;
  let detail: string | null = null;
  switch (bundle.state) {
    case 'confirmed':
      text = t('bundles.state.confirmed');
      detail = bundle.confirmedAt ? formatDateTimeWib(bundle.confirmedAt, lang) : null;
      // Confirmed, its receipts still to come from the hub (fetched again a minute after a failure): the sheets wait.
      if (bundle.receiptsPending) detail = t('bundles.state.receiptsPending', { time: detail ?? '', error: bundle.lastError ?? t('bundles.state.noReason') });
      break;
    case 'refused':
      text = t('bundles.state.refused', { reason: bundle.lastError ?? t('bundles.state.noReason') });
      break;
    case 'pending':
      text = t('bundles.state.pending');
      if (bundle.attempts) {
        detail = bundle.lastError
          ? t('bundles.state.attemptsError', { count: bundle.attempts, error: bundle.lastError })
          : t('bundles.state.attempts', { count: bundle.attempts });
      }
      break;
    default:
      text = t('bundles.state.none');
  }
  return (
    <>
      <span className={`bundle-state bundle-state-${state}`} data-testid="bundle-state" data-state={state}>
        {text}
      </span>
      {detail ? (
        <span className="bundle-state-detail" data-testid="bundle-state-detail">
          {detail}
        </span>
      ) : null}
    </>
  );
}

/**
 * "Bundel yang diekspor": every bundle made here, newest first, each with its state at the hub (read again on
 * `bundles.changed` and `outbox.changed`); the coordinator downloads them and pushes the outbox at once.
 */
export function BundleList({ canManage, hub }: { canManage: boolean; hub: HubSettings | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { value: bundles, error, refresh } = useCommandList('bundle.list', {}, ['bundles.changed', 'outbox.changed']);
  const [pushing, setPushing] = useState(false);
  const [pushed, setPushed] = useState<PushOutcome[] | null>(null);
  const [actionError, setActionError] = useState<ErrorBody | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);

  async function push() {
    setPushing(true);
    setPushed(null);
    setActionError(null);
    const result = await api.invoke('outbox.push');
    setPushing(false);
    if (!result.ok) {
      setActionError(result.error);
      return;
    }
    setPushed(result.value);
    refresh();
  }

  /** A refused bundle back to pending (the certificate is registered at the hub now, say); the next round sends it. */
  async function retry(sha256: string) {
    setRetrying(sha256);
    setPushed(null);
    setActionError(null);
    const result = await api.invoke('outbox.retry', { sha256 });
    setRetrying(null);
    if (!result.ok) {
      setActionError(result.error);
      return;
    }
    refresh();
  }

  async function download(sha256: string) {
    setDownloading(sha256);
    setActionError(null);
    const refused = await saveBundle(sha256);
    setDownloading(null);
    if (refused) setActionError(refused);
  }

  const waiting = (bundles ?? []).filter((b) => b.state === 'pending').length;
  const noHub = hub !== null && !hub.url;

  return (
    <section className="panel" aria-labelledby="bundle-list-title" data-testid="bundle-list">
      <h2 id="bundle-list-title">{t('bundles.list.title')}</h2>
      <p className="field-hint">{t('bundles.list.intro')}</p>
      {noHub && waiting > 0 ? <div className="alert alert-warn">{t('bundles.list.noHub')}</div> : null}
      <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
      {canManage ? (
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={() => void push()} disabled={pushing || noHub}>
            {pushing ? t('bundles.list.pushing') : t('bundles.list.push')}
          </button>
          {waiting > 0 ? <span className="field-hint">{t('bundles.list.waiting', { count: waiting })}</span> : null}
        </div>
      ) : null}
      {pushed ? (
        <Notice>
          <span data-testid="push-outcome">
            {pushed.length === 0
              ? t('bundles.list.pushNothing')
              : t('bundles.list.pushDone', {
                  confirmed: pushed.filter((p) => p.state === 'confirmed').length,
                  pending: pushed.filter((p) => p.state === 'pending').length,
                  refused: pushed.filter((p) => p.state === 'refused').length,
                })}
          </span>
        </Notice>
      ) : null}
      <ErrorAlert>{actionError ? bundlesError(t, lang, actionError) : null}</ErrorAlert>
      {bundles === null ? (
        <Spinner label={t('common.loading')} />
      ) : bundles.length === 0 ? (
        <p data-testid="bundle-list-empty">
          {t(canManage ? 'bundles.list.empty' : 'bundles.list.emptyObserver')}
        </p>
      ) : (
        <TableWrap>
          <table className="table">
            <TableCaption>{t('bundles.list.caption', { count: bundles.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('bundles.list.col.bundle')}</th>
                <th scope="col">{t('bundles.list.col.created')}</th>
                <th scope="col">{t('bundles.list.col.content')}</th>
                <th scope="col">{t('bundles.list.col.state')}</th>
                {canManage ? <th scope="col">{t('bundles.list.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {bundles.map((b) => (
                <tr key={b.sha256} data-testid={`bundle-${b.exam}-${b.sequence}`}>
                  <th scope="row">
                    {t('bundles.list.name', { exam: b.exam, sequence: b.sequence })}
                    <span className="bundle-state-detail" title={b.sha256}>
                      sha256 <code>{shortHash(b.sha256)}</code>
                    </span>
                  </th>
                  <td>
                    <span className="nowrap">{formatDateTimeWib(b.createdAt, lang)}</span>
                    <span className="bundle-state-detail">{actorName(b.actor)}</span>
                  </td>
                  <td className="nowrap">{t('bundles.list.content', { files: formatCount(b.files, lang), size: formatBytes(b.bytes, lang) })}</td>
                  <td>
                    <HubStateBadge bundle={b} />
                  </td>
                  {canManage ? (
                    <td className="actions">
                      <button
                        type="button"
                        className="btn btn-small btn-secondary"
                        aria-label={t('bundles.list.downloadOf', { exam: b.exam, sequence: b.sequence })}
                        disabled={downloading === b.sha256}
                        onClick={() => void download(b.sha256)}
                      >
                        {t('bundles.list.download')}
                      </button>
                      {b.state === 'refused' ? (
                        <button
                          type="button"
                          className="btn btn-small btn-secondary"
                          aria-label={t('bundles.list.retryOf', { exam: b.exam, sequence: b.sequence })}
                          disabled={retrying === b.sha256}
                          onClick={() => void retry(b.sha256)}
                        >
                          {t('bundles.list.retry')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
