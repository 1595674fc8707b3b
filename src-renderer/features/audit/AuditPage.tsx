import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type AuditEvent, type VerifyResult } from '../../api';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib, shortHash } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';

const PAGE = 50;

function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return '';
  const text = JSON.stringify(payload);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The hash-chained log: newest events first, and a full recomputation on demand. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const headSeq = useSession((s) => s.head?.seq);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [verifying, setVerifying] = useState(false);
  // A refused read is itself audited and moves the head: never answer that move with another refused read.
  const refused = useRef(false);

  const loadNewest = useCallback(async () => {
    if (refused.current) return;
    const result = await api.invoke('audit.list', { limit: PAGE });
    if (!result.ok) {
      refused.current = true;
      setError(errorMessage(t, lang, result.error));
      setEvents([]);
      return;
    }
    const list = result.value as AuditEvent[];
    setEvents(list);
    setMore(list.length === PAGE);
  }, [t, lang]);

  // Reload whenever the chain moves (live event or a command of ours).
  useEffect(() => {
    void loadNewest();
  }, [loadNewest, headSeq]);

  async function loadOlder() {
    const last = events?.at(-1);
    if (!last) return;
    const result = await api.invoke('audit.list', { before: last.seq, limit: PAGE });
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    const list = result.value as AuditEvent[];
    setEvents((prev) => [...(prev ?? []), ...list]);
    setMore(list.length === PAGE);
  }

  async function runVerify() {
    setVerifying(true);
    setVerify(null);
    setError(null);
    const result = await api.invoke('audit.verify');
    setVerifying(false);
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    setVerify(result.value as VerifyResult);
  }

  return (
    <div className="page-section">
      <div className="page-head">
        <h1>{t('audit.title')}</h1>
        <button type="button" className="btn btn-primary" onClick={() => void runVerify()} disabled={verifying}>
          {verifying ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <p className="lead">{t('audit.intro')}</p>
      {verify ? (
        verify.ok ? (
          <Notice tone="success">
            <span data-testid="verify-result">
              {t('audit.verifyOk', { count: verify.count, seq: verify.head.seq, hash: shortHash(verify.head.hash) })}
            </span>
          </Notice>
        ) : (
          <ErrorAlert>
            <span data-testid="verify-result">
              {t('audit.verifyBad', { seq: verify.firstBadSeq, checked: verify.checked, reason: verify.reason })}
            </span>
          </ErrorAlert>
        )
      ) : null}
      <ErrorAlert>{error}</ErrorAlert>
      {events === null ? (
        <Spinner label={t('common.loading')} />
      ) : events.length === 0 ? (
        <EmptyState title={t('audit.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table-audit">
            <caption>{t('audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.seq')}</th>
                <th scope="col">{t('audit.col.at')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.command')}</th>
                <th scope="col">{t('audit.col.outcome')}</th>
                <th scope="col">{t('audit.col.details')}</th>
                <th scope="col">{t('audit.col.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td className="num">{e.seq}</td>
                  <td className="nowrap">{formatDateTimeWib(e.at, lang)}</td>
                  <td>
                    <code>{e.actor}</code>
                  </td>
                  <td>
                    <code>{e.command}</code>
                  </td>
                  <td>
                    <span className={`badge ${e.outcome === 'ok' ? 'badge-ok' : 'badge-warn'}`}>{t(`audit.outcome.${e.outcome}`)}</span>
                  </td>
                  <td className="payload">
                    <code>{payloadText(e.payload)}</code>
                  </td>
                  <td>
                    <code title={e.hash}>{shortHash(e.hash, 12)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? (
        <button type="button" className="btn btn-secondary" onClick={() => void loadOlder()}>
          {t('audit.older')}
        </button>
      ) : null}
    </div>
  );
}
