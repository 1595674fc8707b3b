import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { PinField, TextField } from '../../ui/fields';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { notice, suggestedName, loggedIn, clearNotice } = useSession();
  const [name, setName] = useState(suggestedName);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pinRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || !pin) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    clearNotice();
    const result = await api.invoke('accounts.login', { name: name.trim().toLowerCase(), pin });
    setBusy(false);
    if (!result.ok) {
      setPin('');
      setError(errorMessage(t, i18n.language, result.error));
      pinRef.current?.focus();
      return;
    }
    loggedIn(result.value.account);
  }

  return (
    <section className="card" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {notice ? <Notice tone={notice === 'created' || notice === 'unlocked' || notice === 'unlockedNewPassphrase' ? 'success' : 'info'}>{t(`login.notice.${notice}`)}</Notice> : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('login.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus={!suggestedName}
          required
        />
        <PinField label={t('login.pin')} value={pin} onChange={(e) => setPin(e.target.value)} ref={pinRef} autoFocus={Boolean(suggestedName)} required />
        <ErrorAlert>{error}</ErrorAlert>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
