import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody } from '../../api';
import { useLiveEvent } from '../../app/live';
import { ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { TextField } from '../../ui/fields';
import { useCommand } from '../../ui/useCommand';
import { bundlesError } from './errors';
import type { HubSettings } from './model';
import { useLatestOnly } from '../../app/latest';

const LOG_KEY = /^[A-Za-z0-9_-]{43}$/;

/** The hub this workstation pushes to, read again when it is changed or its key is pinned at first contact. */
export function useHubSettings(): { hub: HubSettings | null; error: ErrorBody | null; reload: () => void } {
  const [hub, setHub] = useState<HubSettings | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const latest = useLatestOnly();
  const load = useCallback(async () => {
    const current = latest.ask();
    const result = await api.invoke('hub.settings');
    if (!current()) return;
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    const v = result.value;
    // An empty setting is the same as none.
    setHub({ url: v.url || null, logKey: v.logKey || null, committeeToken: v.committeeToken });
  }, [latest]);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveEvent(['bundles.changed', 'outbox.changed', 'settings.changed'], () => void load());
  return { hub, error, reload: () => void load() };
}

function urlProblem(url: string): string | null {
  if (!url) return 'bundles.hub.urlMissing';
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'bundles.hub.urlInvalid';
  } catch {
    return 'bundles.hub.urlInvalid';
  }
}

/** "Pusat publikasi": the hub's address and its pinned log key; the coordinator sets them. */
export function HubSection({ hub, error, canManage, onSaved }: { hub: HubSettings | null; error: ErrorBody | null; canManage: boolean; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [url, setUrl] = useState('');
  const [logKey, setLogKey] = useState('');
  const [problems, setProblems] = useState<{ url?: string; logKey?: string }>({});
  const [saveError, setSaveError] = useState<ErrorBody | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [touched, setTouched] = useState(false);

  // The form starts from what is set, until the person types.
  useEffect(() => {
    if (hub && !touched) setUrl(hub.url ?? '');
  }, [hub, touched]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setSaveError(null);
    const u = url.trim();
    const k = logKey.trim();
    const p: { url?: string; logKey?: string } = {};
    const up = urlProblem(u);
    if (up) p.url = up;
    if (k && !LOG_KEY.test(k)) p.logKey = 'bundles.hub.logKeyInvalid';
    setProblems(p);
    if (p.url || p.logKey) return;
    setSaving(true);
    const result = await api.invoke('hub.configure', { url: u, ...(k ? { logKey: k } : {}) });
    setSaving(false);
    if (!result.ok) {
      setSaveError(result.error);
      return;
    }
    setLogKey('');
    setTouched(false);
    setSaved(true);
    onSaved();
  }

  return (
    <section className="panel" aria-labelledby="hub-title" data-testid="hub-section">
      <h2 id="hub-title">{t('bundles.hub.title')}</h2>
      <p className="field-hint">{t('bundles.hub.intro')}</p>
      <ErrorAlert>{error ? bundlesError(t, lang, error) : null}</ErrorAlert>
      {hub === null ? (
        error ? null : <Spinner label={t('common.loading')} />
      ) : (
        <dl className="facts">
          <dt>{t('bundles.hub.address')}</dt>
          <dd data-testid="hub-url">{hub.url ? <code>{hub.url}</code> : t('bundles.hub.notSet')}</dd>
          <dt>{t('bundles.hub.pinnedKey')}</dt>
          <dd data-testid="hub-log-key">{hub.logKey ? <code className="hash">{hub.logKey}</code> : t(hub.url ? 'bundles.hub.keyNotYet' : 'bundles.hub.keyNone')}</dd>
          <dt>{t('bundles.hub.tokenLabel')}</dt>
          <dd data-testid="hub-committee-token">{hub.committeeToken.set ? t('bundles.hub.tokenSet', { last4: hub.committeeToken.last4 ?? '' }) : t('bundles.hub.tokenNone')}</dd>
        </dl>
      )}
      {canManage ? (
        <form className="doc-subform" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="hub-form-title" aria-busy={saving || undefined}>
          <h3 id="hub-form-title">{t('bundles.hub.formTitle')}</h3>
          <div className="form-grid">
            <TextField
              type="url"
              inputMode="url"
              label={t('bundles.hub.urlLabel')}
              hint={t('bundles.hub.urlHint')}
              placeholder="http://192.168.1.10:5180"
              value={url}
              onChange={(e) => {
                setTouched(true);
                setUrl(e.target.value);
              }}
              error={problems.url ? t(problems.url) : null}
              disabled={saving}
              autoComplete="off"
              spellCheck={false}
              required
            />
            <TextField
              label={t('bundles.hub.logKeyLabel')}
              hint={t('bundles.hub.logKeyHint')}
              value={logKey}
              onChange={(e) => setLogKey(e.target.value)}
              error={problems.logKey ? t(problems.logKey) : null}
              disabled={saving}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <ErrorAlert>{saveError ? bundlesError(t, lang, saveError) : null}</ErrorAlert>
          <Notice tone="success">{saved ? t('bundles.hub.saved') : null}</Notice>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={saving}>
              {t('bundles.hub.save')}
            </button>
          </div>
        </form>
      ) : null}
      {canManage ? <CommitteeTokenForm isSet={Boolean(hub?.committeeToken.set)} onSaved={onSaved} /> : null}
    </section>
  );
}

const TOKEN = /^[\x21-\x7e]{16,256}$/;

/**
 * The committee token this workstation presents at the hub to read and answer objections and reports (the
 * "Sanggah & Laporan" page). Typed once, never shown back: the hub's settings tell only that one is set.
 */
function CommitteeTokenForm({ isSet, onSaved }: { isSet: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const { busy, error, setError, run } = useCommand();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function save(value: string) {
    setDone(null);
    setError(null);
    await run(
      () => api.invoke('hub.committee', { token: value }),
      () => {
        setToken('');
        setDone(t(value ? 'bundles.hub.tokenSaved' : 'bundles.hub.tokenRemoved'));
        onSaved();
      },
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = token.trim();
    setProblem(TOKEN.test(v) ? null : t('bundles.hub.tokenInvalid'));
    if (TOKEN.test(v)) await save(v);
  }

  return (
    <form className="doc-subform" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="hub-token-title" aria-busy={busy || undefined}>
      <h3 id="hub-token-title">{t('bundles.hub.tokenTitle')}</h3>
      <TextField
        type="password"
        label={t('bundles.hub.tokenLabel')}
        hint={t('bundles.hub.tokenHint')}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        error={problem}
        disabled={busy}
        autoComplete="off"
        spellCheck={false}
      />
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{done}</Notice>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('bundles.hub.tokenSave')}
        </button>
        {isSet ? (
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void save('')}>
            {t('bundles.hub.tokenRemove')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
