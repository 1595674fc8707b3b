import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert } from '../../ui/feedback';

/**
 * Deactivation logs the person out mid-work, so it is asked first, naming who and what happens. "Go back" has the
 * focus: an Enter pressed out of habit, or Escape, leaves the account as it was.
 */
export function DeactivateDialog({ account, onCancel, onDone }: { account: Account; onCancel: () => void; onDone: (a: Account) => void }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const names = { name: account.name, displayName: account.displayName, role: t(`roles.${account.role}`) };

  async function confirm() {
    setBusy(true);
    setError(null);
    const result = await api.invoke('accounts.setActive', { id: account.id, active: false });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    onDone(result.value);
  }

  return (
    <Dialog
      title={t('users.deactivateConfirm.title', names)}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy}>
            {t('users.deactivateConfirm.confirm', names)}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onCancel} data-autofocus="true">
            {t('users.deactivateConfirm.back')}
          </button>
        </>
      }
    >
      <p>
        <strong>{t('users.deactivateConfirm.who', names)}</strong> {t('users.deactivateConfirm.session')}
      </p>
      <p>{t('users.deactivateConfirm.reversible')}</p>
      <ErrorAlert>{error}</ErrorAlert>
    </Dialog>
  );
}
