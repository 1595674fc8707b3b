import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert } from '../../ui/feedback';
import { useCommand } from '../../ui/useCommand';

/**
 * Deactivation logs the person out mid-work, so it is asked first, naming who and what happens. "Go back" has the
 * focus: an Enter pressed out of habit, or Escape, leaves the account as it was.
 */
export function DeactivateDialog({ account, onCancel, onDone }: { account: Account; onCancel: () => void; onDone: (a: Account) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useCommand();
  const names = { name: account.name, displayName: account.displayName, role: t(`roles.${account.role}`) };

  const confirm = () => run(() => api.invoke('accounts.setActive', { id: account.id, active: false }), onDone);

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
