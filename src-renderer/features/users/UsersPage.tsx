import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { formatTimeWib } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { AddUserForm } from './AddUserForm';
import { DeactivateDialog } from './DeactivateDialog';
import { ResetPinForm } from './ResetPinForm';
import { TableCaption, TableWrap } from '../../ui/TableWrap';
import { useLatestOnly } from '../../app/latest';

function isLocked(a: Account): boolean {
  return Boolean(a.lockedUntil && new Date(a.lockedUntil) > new Date());
}

/** Who may use this workstation. Coordinators change it; observers only read it. */
export function UsersPage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const canManage = account.role === 'coordinator';
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<Account | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [deactivating, setDeactivating] = useState<Account | null>(null);
  const latest = useLatestOnly();

  const load = useCallback(async () => {
    const current = latest.ask();
    const result = await api.invoke('accounts.list');
    if (!current()) return;
    if (result.ok) {
      setAccounts(result.value);
    } else {
      setError(errorMessage(t, lang, result.error));
      setAccounts([]);
    }
  }, [t, lang, latest]);

  useEffect(() => {
    void load();
  }, [load]);

  // Reactivating takes nothing from anyone, so it is one click; deactivating is asked first (DeactivateDialog).
  async function reactivate(a: Account) {
    setBusyId(a.id);
    setError(null);
    setNotice(null);
    const result = await api.invoke('accounts.setActive', { id: a.id, active: true });
    setBusyId(null);
    if (!result.ok) {
      setError(errorMessage(t, lang, result.error));
      return;
    }
    setNotice(t('users.reactivated', { name: result.value.name }));
    await load();
  }

  return (
    <div className="page-section">
      <div className="page-head">
        <h1>{t('users.title')}</h1>
        {canManage && !adding ? (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
            {t('users.add')}
          </button>
        ) : null}
      </div>
      <p className="lead">{t(canManage ? 'users.introCoordinator' : 'users.introReadOnly')}</p>
      {adding ? (
        <AddUserForm
          onCancel={() => setAdding(false)}
          onAdded={(a) => {
            setAdding(false);
            setNotice(t('users.added', { name: a.name }));
            void load();
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPinForm
          account={resetting}
          onCancel={() => setResetting(null)}
          onDone={(a) => {
            setResetting(null);
            setNotice(t('users.pinReset', { name: a.name }));
            void load();
          }}
        />
      ) : null}
      {deactivating ? (
        <DeactivateDialog
          account={deactivating}
          onCancel={() => setDeactivating(null)}
          onDone={(a) => {
            setDeactivating(null);
            setNotice(t('users.deactivated', { name: a.name }));
            void load();
          }}
        />
      ) : null}
      <Notice tone="success">{notice}</Notice>
      <ErrorAlert>{error}</ErrorAlert>
      {accounts === null ? (
        <Spinner label={t('common.loading')} />
      ) : accounts.length === 0 ? (
        <EmptyState title={t('users.empty')} />
      ) : (
        <TableWrap>
          <table className="table">
            <TableCaption>{t('users.caption', { count: accounts.length })}</TableCaption>
            <thead>
              <tr>
                <th scope="col">{t('users.col.name')}</th>
                <th scope="col">{t('users.col.displayName')}</th>
                <th scope="col">{t('users.col.role')}</th>
                <th scope="col">{t('users.col.nip')}</th>
                <th scope="col">{t('users.col.state')}</th>
                {canManage ? <th scope="col">{t('users.col.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} className={a.active ? undefined : 'row-inactive'}>
                  <th scope="row">
                    <code>{a.name}</code>
                  </th>
                  <td>{a.displayName}</td>
                  <td>{t(`roles.${a.role}`)}</td>
                  <td>{a.nip ?? '—'}</td>
                  <td>
                    <span className={`badge ${a.active ? 'badge-ok' : 'badge-muted'}`}>
                      {t(a.active ? 'users.active' : 'users.inactive')}
                    </span>
                    {isLocked(a) && a.lockedUntil ? (
                      <span className="badge badge-warn">{t('users.lockedUntil', { time: formatTimeWib(a.lockedUntil, lang) })}</span>
                    ) : null}
                    {a.mustChangePin ? <span className="badge">{t('users.mustChangePin')}</span> : null}
                  </td>
                  {canManage ? (
                    <td className="actions">
                      <button
                        type="button"
                        className="btn btn-small btn-secondary"
                        disabled={busyId === a.id || (a.active && a.id === account.id)}
                        aria-label={t(a.active ? 'users.deactivateOf' : 'users.reactivateOf', { name: a.name })}
                        onClick={() => {
                          if (a.active) {
                            setError(null);
                            setNotice(null);
                            setDeactivating(a);
                          } else {
                            void reactivate(a);
                          }
                        }}
                      >
                        {t(a.active ? 'users.deactivate' : 'users.reactivate')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-secondary"
                        aria-label={t('users.resetPinOf', { name: a.name })}
                        onClick={() => {
                          setNotice(null);
                          setResetting(a);
                        }}
                      >
                        {t('users.resetPin')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
