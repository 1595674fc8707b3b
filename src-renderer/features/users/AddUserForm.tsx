import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ROLES, type Account, type Role } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { ErrorAlert } from '../../ui/feedback';
import { PinField, SelectField, TextField } from '../../ui/fields';
import { accountNameProblem, nipProblem, newPinProblems } from '../../ui/validate';

export function AddUserForm({ onAdded, onCancel }: { onAdded: (a: Account) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('examiner');
  const [nip, setNip] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    const nameKey = accountNameProblem(name);
    if (nameKey) p.name = t(nameKey);
    if (!displayName.trim()) p.displayName = t('validation.required');
    const nipKey = nipProblem(nip.trim());
    if (nipKey) p.nip = t(nipKey);
    for (const [field, key] of Object.entries(newPinProblems(pin, pin2))) p[field] = t(key);
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0) return;
    setBusy(true);
    const result = await api.invoke('accounts.create', {
      name: name.trim().toLowerCase(),
      displayName: displayName.trim(),
      role,
      nip: nip.trim() || undefined,
      pin,
    });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    onAdded(result.value);
  }

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('users.addTitle')}</h2>
      <p className="field-hint">{t('users.addHint')}</p>
      <div className="form-grid">
        <TextField label={t('users.field.name')} hint={t('setup.adminNameHint')} value={name} onChange={(e) => setName(e.target.value)} autoCapitalize="none" spellCheck={false} error={problems.name} required />
        <TextField label={t('users.field.displayName')} value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={problems.displayName} required />
        <SelectField
          label={t('users.field.role')}
          value={role}
          onChange={(e) => setRole(ROLES.find((r) => r === e.target.value) ?? role)}
          options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        />
        <TextField label={t('users.field.nip')} hint={t('users.field.nipHint')} value={nip} onChange={(e) => setNip(e.target.value)} inputMode="numeric" error={problems.nip} />
        <PinField label={t('users.field.pin')} hint={t('validation.pinRules')} value={pin} onChange={(e) => setPin(e.target.value)} error={problems.pin} required />
        <PinField label={t('users.field.pinRepeat')} value={pin2} onChange={(e) => setPin2(e.target.value)} error={problems.pin2} required />
      </div>
      <ErrorAlert>{error}</ErrorAlert>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('users.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
