import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { ErrorAlert } from '../../ui/feedback';
import { PinField } from '../../ui/fields';
import { useCommand } from '../../ui/useCommand';
import { newPinProblems } from '../../ui/validate';

/** A coordinator sets a temporary PIN; the holder must choose their own at next login. The lock is lifted. */
export function ResetPinForm({ account, onDone, onCancel }: { account: Account; onDone: (a: Account) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const { busy, error, setError, run } = useCommand();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    for (const [field, key] of Object.entries(newPinProblems(pin, pin2))) p[field] = t(key);
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0) return;
    await run(() => api.invoke('accounts.resetPin', { id: account.id, pin }), onDone);
  }

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="reset-pin-title">
      <h2 id="reset-pin-title">{t('users.resetTitle', { name: account.name })}</h2>
      <p className="field-hint">{t('users.resetHint')}</p>
      <div className="form-grid">
        <PinField label={t('users.field.tempPin')} hint={t('validation.pinRules')} value={pin} onChange={(e) => setPin(e.target.value)} error={problems.pin} required autoFocus />
        <PinField label={t('users.field.pinRepeat')} value={pin2} onChange={(e) => setPin2(e.target.value)} error={problems.pin2} required />
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('users.resetSubmit')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
