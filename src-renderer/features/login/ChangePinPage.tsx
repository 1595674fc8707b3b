import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { PinField } from '../../ui/fields';
import { pinProblem } from '../../ui/validate';

/** Choose a new PIN: forced after a first login or a reset, or by choice from the sidebar. */
export function ChangePinPage({ forced }: { forced: boolean }) {
  const { t, i18n } = useTranslation();
  const accountChanged = useSession((s) => s.accountChanged);
  const logout = useSession((s) => s.logout);
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [newPin2, setNewPin2] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (!currentPin) p.currentPin = t('validation.required');
    const key = pinProblem(newPin);
    if (key) p.newPin = t(key);
    else if (newPin === currentPin) p.newPin = t('errors.PIN_SAME');
    else if (newPin !== newPin2) p.newPin2 = t('validation.pinMismatch');
    setProblems(p);
    setError(null);
    setDone(false);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    const result = await api.invoke('accounts.changePin', { currentPin, newPin });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    setCurrentPin('');
    setNewPin('');
    setNewPin2('');
    setDone(true);
    accountChanged(result.value);
  }

  return (
    <section className={forced ? 'card' : 'page-section'} aria-labelledby="pin-title">
      <h1 id="pin-title">{t(forced ? 'pin.forcedTitle' : 'pin.title')}</h1>
      <p className="lead">{t(forced ? 'pin.forcedIntro' : 'pin.intro')}</p>
      {done ? <Notice tone="success">{t('pin.done')}</Notice> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="narrow-form">
        <PinField label={t('pin.current')} value={currentPin} onChange={(e) => setCurrentPin(e.target.value)} error={problems.currentPin} required />
        <PinField label={t('pin.new')} hint={t('validation.pinRules')} value={newPin} onChange={(e) => setNewPin(e.target.value)} error={problems.newPin} required />
        <PinField label={t('pin.repeat')} value={newPin2} onChange={(e) => setNewPin2(e.target.value)} error={problems.newPin2} required />
        <ErrorAlert>{error}</ErrorAlert>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('pin.submit')}
          </button>
          {forced ? (
            <button type="button" className="btn btn-secondary" onClick={() => void logout()}>
              {t('nav.logout')}
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
