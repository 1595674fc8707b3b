import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, type AuditEvent, type VerifyResult } from '../../api';
import { useLiveEvent } from '../../app/live';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { formatCount, formatDateTimeWib, shortHash } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';

const PAGE = 50;

const SHOWN_CHARS = 160;

/** The fields `audit.list` blinds: a panel value and a paper sheet's values. */
const BLIND_FIELDS = ['value', 'values'] as const;
/** Stands in for a blind value in the JSON text, to be replaced by words (no payload holds this string). */
const BLIND_MARK = '\u0000blind\u0000';

type Payload = Record<string, unknown>;

function isObject(x: unknown): x is Payload {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A payload whose value the workstation hid from this reader (another panelist's or clerk's score, not yet
 * settled): `blind: true` with the value null, on the event itself or, for a refusal, in its `input`. The blind
 * value becomes a mark; the `blind` flag and the hidden salt are dropped, the words say it.
 */
function unblinded(payload: Payload): { payload: Payload; blind: boolean } {
  const mark = (p: Payload): Payload | null => {
    if (p.blind !== true) return null;
    const { blind: _blind, ...rest } = p;
    if (rest.salt === null) delete rest.salt;
    for (const f of BLIND_FIELDS) if (f in rest && rest[f] === null) rest[f] = BLIND_MARK;
    return rest;
  };
  const own = mark(payload);
  if (own) return { payload: own, blind: true };
  if (isObject(payload.input)) {
    const input = mark(payload.input);
    if (input) return { payload: { ...payload, input }, blind: true };
  }
  return { payload, blind: false };
}

/**
 * The payload as a short line of JSON, cut at SHOWN_CHARS; a blind value reads "tersembunyi sampai final" in
 * place of `null`, and stays visible even where the text around it is cut.
 */
function PayloadText({ payload, t }: { payload: unknown; t: TFunction }): ReactNode {
  if (payload === null || payload === undefined) return <code />;
  const { payload: shown, blind } = isObject(payload) ? unblinded(payload) : { payload, blind: false };
  const full = JSON.stringify(shown);
  const quoted = JSON.stringify(BLIND_MARK);
  if (!blind || !full.includes(quoted)) {
    return <code>{full.length > SHOWN_CHARS ? `${full.slice(0, SHOWN_CHARS - 3)}…` : full}</code>;
  }
  const words = t('audit.blind');
  const pieces = full.split(quoted);
  const cut = pieces.reduce((n, p) => n + p.length, 0) + (pieces.length - 1) * words.length > SHOWN_CHARS;
  const out: ReactNode[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) {
      out.push(
        <span key={`b${i}`} className="audit-blind" title={t('audit.blindTitle')} data-testid="audit-blind">
          {words}
        </span>,
      );
    }
    // Too long: the text before a blind value keeps its end (the field's name), the text after it its start.
    if (!cut) out.push(piece);
    else if (i === pieces.length - 1) out.push(piece.length > 40 ? `${piece.slice(0, 39)}…` : piece);
    else out.push(piece.length > 80 ? `…${piece.slice(-79)}` : piece);
  });
  return <code title={full.split(quoted).join(words)}>{out}</code>;
}

function hasBlind(payload: unknown): boolean {
  return isObject(payload) && (payload.blind === true || (isObject(payload.input) && payload.input.blind === true));
}

/**
 * A verification under way: how many events of how many are checked, once the workstation has said how many
 * there are (until then the bar runs without an end).
 */
function VerifyProgress({ id, checked }: { id: string; checked: { checked: number; total: number } | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const known = checked !== null && checked.total > 0;
  const text = known
    ? t('audit.verifyProgress', { checked: formatCount(checked.checked, lang), total: formatCount(checked.total, lang), count: checked.total })
    : t('audit.verifyStarting');
  return (
    <div className="verify-progress" data-testid="verify-progress">
      <progress
        aria-labelledby={id}
        aria-valuetext={text}
        {...(known ? { max: checked.total, value: checked.checked } : {})}
      />
      <span id={id} className="verify-progress-text" data-testid="verify-progress-text">
        {text}
      </span>
    </div>
  );
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
  const [checked, setChecked] = useState<{ checked: number; total: number } | null>(null);
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
    const list = result.value;
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
    const list = result.value;
    setEvents((prev) => [...(prev ?? []), ...list]);
    setMore(list.length === PAGE);
  }

  // The workstation reports each batch of a running verification; another person's run is not ours to show.
  useLiveEvent(['audit.verifyProgress'], (data) => {
    const d = data as { checked?: unknown; total?: unknown } | null;
    if (verifying && typeof d?.checked === 'number' && typeof d.total === 'number') setChecked({ checked: d.checked, total: d.total });
  });

  async function runVerify() {
    setVerifying(true);
    setChecked(null);
    setVerify(null);
    setError(null);
    const result = await api.invoke('audit.verify');
    setVerifying(false);
    setChecked(null);
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    setVerify(result.value);
  }

  return (
    <div className="page-section">
      <div className="page-head">
        <h1>{t('audit.title')}</h1>
        <button type="button" className="btn btn-primary" onClick={() => void runVerify()} disabled={verifying} aria-describedby={verifying ? 'verify-progress' : undefined}>
          {verifying ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <p className="lead">{t('audit.intro')}</p>
      {verifying ? <VerifyProgress id="verify-progress" checked={checked} /> : null}
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
                    <PayloadText payload={e.payload} t={t} />
                  </td>
                  <td>
                    <code title={e.hash}>{shortHash(e.hash, 12)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.some((e) => hasBlind(e.payload)) ? (
            <p className="field-hint" data-testid="audit-blind-hint">
              {t('audit.blindHint')}
            </p>
          ) : null}
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
