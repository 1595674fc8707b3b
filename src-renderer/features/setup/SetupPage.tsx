import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { ErrorAlert } from '../../ui/feedback';
import { PinField, TextField, PassphraseField } from '../../ui/fields';
import { accountNameProblem, newPassphraseProblems, newPinProblems } from '../../ui/validate';
import { DemoVenueSlot } from './DemoVenueSlot';

/**
 * First run: create the workstation, encrypted under its passphrase, and its first coordinator. The answer's
 * recovery key is shown next, once (RecoveryKeyPage).
 */
export function SetupPage() {
  const { t, i18n } = useTranslation();
  const workstationCreated = useSession((s) => s.workstationCreated);
  const encryptedWorkstationCreated = useSession((s) => s.encryptedWorkstationCreated);
  const [adminName, setAdminName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [passphrase2, setPassphrase2] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    const nameKey = accountNameProblem(adminName);
    if (nameKey) p.adminName = t(nameKey);
    if (!displayName.trim()) p.displayName = t('validation.required');
    for (const [field, key] of Object.entries(newPinProblems(pin, pin2))) p[field] = t(key);
    for (const [field, key] of Object.entries(newPassphraseProblems(passphrase, passphrase2))) p[field] = t(key);
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    const name = adminName.trim().toLowerCase();
    const result = await api.invoke('workstation.init', { adminName: name, adminDisplayName: displayName.trim(), pin, passphrase });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    setPassphrase('');
    setPassphrase2('');
    if (result.value.recoveryKey) encryptedWorkstationCreated(name, result.value.recoveryKey);
    else await workstationCreated(name);
  }

  return (
    <section className="card card-wide" aria-labelledby="setup-title">
      <h1 id="setup-title">{t('setup.title')}</h1>
      <p className="lead">{t('setup.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('setup.adminName')}
          hint={t('setup.adminNameHint')}
          value={adminName}
          onChange={(e) => setAdminName(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          error={problems.adminName}
          required
        />
        <TextField
          label={t('setup.displayName')}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          autoComplete="name"
          error={problems.displayName}
          required
        />
        <PinField
          label={t('setup.pin')}
          hint={t('validation.pinRules')}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          error={problems.pin}
          required
        />
        <PinField label={t('setup.pinRepeat')} value={pin2} onChange={(e) => setPin2(e.target.value)} error={problems.pin2} required />
        <fieldset className="setup-custody">
          <legend>{t('setup.custodyTitle')}</legend>
          <p className="field-hint">{t('setup.custodyIntro')}</p>
          <PassphraseField
            label={t('setup.passphrase')}
            hint={t('validation.passphraseRules')}
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            error={problems.passphrase}
            required
          />
          <PassphraseField
            label={t('setup.passphraseRepeat')}
            value={passphrase2}
            onChange={(e) => setPassphrase2(e.target.value)}
            error={problems.passphrase2}
            required
          />
        </fieldset>
        <ErrorAlert>{error}</ErrorAlert>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('setup.creating') : t('setup.submit')}
          </button>
        </div>
      </form>
      <DemoVenueSlot />
    </section>
  );
}

/** Not set up, and this door may not set it up (`lentera serve` without --allow-init). */
export function NotSetUpPage() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="notsetup-title">
      <h1 id="notsetup-title">{t('setup.notSetUpTitle')}</h1>
      <p>{t('setup.notSetUpBody')}</p>
      <pre className="command-example">lentera init --data DIR --admin koordinator</pre>
    </section>
  );
}
