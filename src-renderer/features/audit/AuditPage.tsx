import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, type AuditEvent, type VerifyResult } from '../../api';
import { useLatestOnly } from '../../app/latest';
import { useLiveEvent } from '../../app/live';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { formatCount, formatDateTimeWib, shortHash } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

const PAGE = 50;

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
 * The payload as one line of JSON, whole (it sits behind a disclosure); a blind value reads "tersembunyi sampai
 * final" in place of `null`.
 */
function PayloadText({ payload, t }: { payload: unknown; t: TFunction }): ReactNode {
  if (payload === null || payload === undefined) return <code />;
  const { payload: shown, blind } = isObject(payload) ? unblinded(payload) : { payload, blind: false };
  const full = JSON.stringify(shown);
  const quoted = JSON.stringify(BLIND_MARK);
  if (!blind || !full.includes(quoted)) return <code>{full}</code>;
  const out: ReactNode[] = [];
  full.split(quoted).forEach((piece, i) => {
    if (i > 0)
      out.push(
        <span key={`b${i}`} className="audit-blind" title={t('audit.blindTitle')} data-testid="audit-blind">
          {t('audit.blind')}
        </span>,
      );
    out.push(piece);
  });
  return <code>{out}</code>;
}

function hasBlind(payload: unknown): boolean {
  return isObject(payload) && (payload.blind === true || (isObject(payload.input) && payload.input.blind === true));
}

const SUMMARY_PAIRS = 6;
const SUMMARY_VALUE_CHARS = 60;

function cut(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/**
 * The payload as a few "key: value" pairs, for reading at a glance; for a refusal, its message and the pairs of
 * what was asked. Whatever the workstation blinded stays words ("tersembunyi sampai final"): nothing is unmasked here.
 */
function PayloadSummary({ payload, t }: { payload: unknown; t: TFunction }): ReactNode {
  if (!isObject(payload)) return payload === null || payload === undefined ? <span className="field-hint">{t('audit.noPayload')}</span> : <span>{cut(JSON.stringify(payload), SUMMARY_VALUE_CHARS)}</span>;
  const { payload: shown } = unblinded(payload);
  const refusal = typeof shown.code === 'string' && 'input' in shown;
  const source = refusal ? (isObject(shown.input) ? shown.input : {}) : shown;
  const entries = Object.entries(source).filter(([k]) => k !== 'blind' && k !== 'salt');
  const value = (v: unknown): ReactNode => {
    if (v === BLIND_MARK)
      return (
        <span className="audit-blind" title={t('audit.blindTitle')}>
          {t('audit.blind')}
        </span>
      );
    if (v === null || v === undefined) return '—';
    if (typeof v === 'string') return cut(v, SUMMARY_VALUE_CHARS);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return cut(JSON.stringify(v), SUMMARY_VALUE_CHARS);
  };
  return (
    <span className="audit-summary" data-testid="audit-summary">
      {refusal && typeof shown.message === 'string' ? <span className="audit-message">{cut(shown.message, 160)}</span> : null}
      {entries.slice(0, SUMMARY_PAIRS).map(([k, v]) => (
        <span key={k} className="audit-pair">
          <span className="audit-key">{k}:</span> {value(v)}
        </span>
      ))}
      {entries.length > SUMMARY_PAIRS ? <span className="audit-pair">…</span> : null}
      {!entries.length && !refusal ? <span className="field-hint">{t('audit.noPayload')}</span> : null}
    </span>
  );
}

/** Who acted, in words: a person's name and role, the command line, or the workstation itself. */
function Actor({ actor, roles, t }: { actor: string; roles: Map<string, { role: string; displayName: string }>; t: TFunction }) {
  const colon = actor.indexOf(':');
  const door = colon > 0 ? actor.slice(0, colon) : '';
  const name = colon > 0 ? actor.slice(colon + 1) : actor;
  const known = door === 'user' ? roles.get(name) : undefined;
  const shown = door === 'system' ? t('audit.actorSystem') : (known?.displayName ?? name);
  const sub = [known ? t(`roles.${known.role}`, { defaultValue: known.role }) : door === 'cli' ? t('audit.actorCli') : null].filter(Boolean).join(' · ');
  return (
    <>
      <span className="audit-actor">{shown}</span>
      <span className="col-sub">
        {sub ? `${sub} · ` : ''}
        <code>{actor}</code>
      </span>
    </>
  );
}

/** A WIB calendar day as the instant it starts, ISO UTC like the log's own times; `next` gives the day after's. */
function wibDayStart(day: string, next = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00+07:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms + (next ? 86_400_000 : 0)).toISOString();
}

interface Filters {
  command: string;
  actor: string;
  outcome: '' | 'ok' | 'refused';
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { command: '', actor: '', outcome: '', from: '', to: '' };
const ACTOR_DELAY_MS = 300;

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

/** The hash-chained log: newest events first, in words, narrowed by filters; and a full recomputation on demand. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const headSeq = useSession((s) => s.head?.seq);
  const myRole = useSession((s) => s.account?.role);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [checked, setChecked] = useState<{ checked: number; total: number } | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [actor, setActor] = useState('');
  const [roles, setRoles] = useState(new Map<string, { role: string; displayName: string }>());
  // A refused read is itself audited and moves the head: never answer that move with another refused read.
  const refused = useRef(false);
  const latest = useLatestOnly();

  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.actor === actor.trim() ? f : { ...f, actor: actor.trim() })), ACTOR_DELAY_MS);
    return () => clearTimeout(timer);
  }, [actor]);

  // Names and roles of the accounts, for those allowed to list them (asking otherwise would be a refusal on record).
  useEffect(() => {
    if (myRole !== 'coordinator' && myRole !== 'observer') return;
    void api.invoke('accounts.list').then((r) => {
      if (r.ok) setRoles(new Map(r.value.map((a) => [a.name, { role: a.role, displayName: a.displayName }])));
    });
  }, [myRole]);

  const badRange = filters.from !== '' && filters.to !== '' && filters.to < filters.from;
  const query = useMemo(() => {
    const from = wibDayStart(filters.from);
    const to = wibDayStart(filters.to, true);
    return {
      ...(filters.command ? { command: filters.command } : {}),
      ...(filters.actor ? { actor: filters.actor } : {}),
      ...(filters.outcome ? { outcome: filters.outcome } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
  }, [filters]);
  const filtered = Object.keys(query).length > 0;

  const loadNewest = useCallback(async () => {
    if (refused.current || badRange) return;
    const current = latest.ask();
    const result = await api.invoke('audit.list', { ...query, limit: PAGE });
    if (!current()) return; // other filters were chosen, or the chain moved, meanwhile: that read's answer counts
    if (!result.ok) {
      refused.current = true;
      setError(errorMessage(t, lang, result.error));
      setEvents([]);
      return;
    }
    const list = result.value;
    setEvents(list);
    setMore(list.length === PAGE);
  }, [t, lang, query, badRange, latest]);

  // Reload whenever the chain moves (live event or a command of ours) or the filters change.
  useEffect(() => {
    void loadNewest();
  }, [loadNewest, headSeq]);

  async function loadOlder() {
    const last = events?.at(-1);
    if (!last) return;
    const current = latest.follow();
    const result = await api.invoke('audit.list', { ...query, before: last.seq, limit: PAGE });
    if (!current()) return; // the list was read anew meanwhile: this page followed the old one
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    const list = result.value;
    setEvents((prev) => [...(prev ?? []), ...list]);
    setMore(list.length === PAGE);
  }

  // Every command the page can name, in the reader's language, sorted by its words.
  const commandOptions = useMemo(() => {
    const labels = t('audit.command', { returnObjects: true }) as unknown;
    const entries = isObject(labels) ? Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
    return entries.sort((x, y) => x[1].localeCompare(y[1], lang)).map(([value, label]) => ({ value, label: `${label} (${value})` }));
  }, [t, lang]);
  const commandLabel = (command: string) => t(`audit.command.${command}`, { defaultValue: command });

  const people = useMemo(() => {
    const names = new Set(roles.keys());
    for (const e of events ?? []) if (/^(user|cli):/.test(e.actor)) names.add(e.actor.slice(e.actor.indexOf(':') + 1));
    return [...names].sort();
  }, [roles, events]);

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

  function clearFilters() {
    setActor('');
    setFilters(NO_FILTERS);
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
          <>
            <Notice tone="success">
              <span data-testid="verify-result">
                {t('audit.verifyOk', { count: verify.count, seq: verify.head.seq, hash: shortHash(verify.head.hash) })}
              </span>
            </Notice>
            {/* An intact chain that recorded rows added by hand (core/audit/unrecorded.ts) says so every time. */}
            {(verify.unrecorded ?? []).map((u) => (
              <ErrorAlert key={u.seq}>
                <span data-testid="verify-unrecorded">
                  {t('audit.verifyUnrecorded', { seq: u.seq, at: u.at, what: u.tables.map((x) => `${x.rows} × ${x.table} (${x.ids.slice(0, 3).join(', ')}${x.ids.length > 3 ? ', …' : ''})`).join('; ') })}
                </span>
              </ErrorAlert>
            ))}
          </>
        ) : (
          <ErrorAlert>
            <span data-testid="verify-result">
              {t('audit.verifyBad', { seq: verify.firstBadSeq, checked: verify.checked, reason: verify.reason })}
            </span>
          </ErrorAlert>
        )
      ) : null}
      <div className="filters filters-audit" role="search" aria-label={t('audit.filter.legend')}>
        <SelectField
          label={t('audit.filter.command')}
          value={filters.command}
          onChange={(e) => setFilters((f) => ({ ...f, command: e.target.value }))}
          options={[{ value: '', label: t('audit.filter.allCommands') }, ...commandOptions]}
        />
        <TextField
          label={t('audit.filter.actor')}
          hint={t('audit.filter.actorHint')}
          type="search"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          list="audit-people"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id="audit-people">
          {people.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <SelectField
          label={t('audit.filter.outcome')}
          value={filters.outcome}
          onChange={(e) => {
            const v = e.target.value;
            setFilters((f) => ({ ...f, outcome: v === 'ok' || v === 'refused' ? v : '' }));
          }}
          options={[
            { value: '', label: t('audit.filter.allOutcomes') },
            { value: 'ok', label: t('audit.outcome.ok') },
            { value: 'refused', label: t('audit.outcome.refused') },
          ]}
        />
        <TextField label={t('audit.filter.from')} type="date" value={filters.from} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))} />
        <TextField
          label={t('audit.filter.to')}
          type="date"
          value={filters.to}
          onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))}
          error={badRange ? t('audit.filter.badRange') : null}
        />
        <div className="filters-clear">
          <button type="button" className="btn btn-secondary" onClick={clearFilters} disabled={!filtered && !actor}>
            {t('audit.filter.clear')}
          </button>
        </div>
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      {events === null ? (
        <Spinner label={t('common.loading')} />
      ) : events.length === 0 ? (
        <EmptyState title={filtered ? t('audit.noMatch') : t('audit.empty')} />
      ) : (
        <TableWrap>
          <p className="table-total" aria-live="polite" data-testid="audit-total">
            {t('audit.shown', { count: events.length })}
          </p>
          <table className="table table-audit">
            <TableCaption>{t('audit.caption')}</TableCaption>
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
              {events.map((e) => {
                const code = e.outcome === 'refused' && isObject(e.payload) && typeof e.payload.code === 'string' ? e.payload.code : null;
                return (
                  <tr key={e.seq} data-testid="audit-event" data-outcome={e.outcome}>
                    <td className="num">{e.seq}</td>
                    <td className="nowrap">{formatDateTimeWib(e.at, lang)}</td>
                    <td data-testid="audit-actor">
                      <Actor actor={e.actor} roles={roles} t={t} />
                    </td>
                    <td data-testid="audit-command">
                      {commandLabel(e.command)}
                      <code className="col-sub">{e.command}</code>
                    </td>
                    <td>
                      <span className={`badge ${e.outcome === 'ok' ? 'badge-ok' : 'badge-warn'}`} data-testid="audit-outcome">
                        {code ? t('audit.refusedCode', { code }) : t(`audit.outcome.${e.outcome}`)}
                      </span>
                    </td>
                    <td className="payload">
                      <PayloadSummary payload={e.payload} t={t} />
                      <details className="audit-raw">
                        <summary>{t('audit.rawJson')}</summary>
                        <PayloadText payload={e.payload} t={t} />
                      </details>
                    </td>
                    <td>
                      <code title={e.hash}>{shortHash(e.hash, 12)}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {events.some((e) => hasBlind(e.payload)) ? (
            <p className="field-hint" data-testid="audit-blind-hint">
              {t('audit.blindHint')}
            </p>
          ) : null}
        </TableWrap>
      )}
      {more ? (
        <button type="button" className="btn btn-secondary" onClick={() => void loadOlder()}>
          {t('audit.older')}
        </button>
      ) : null}
    </div>
  );
}
