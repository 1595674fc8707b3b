import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecoveryWords } from '../../ui/fields';
import { api, type DemoValue } from '../../api';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { ErrorAlert } from '../../ui/feedback';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

/** First run, the other way: a ready demo venue (workstation, people, exam and roster) in one step. */
export function DemoVenueSlot() {
  const { t, i18n } = useTranslation();
  const demoCreated = useSession((s) => s.demoCreated);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create() {
    setBusy(true);
    setError(null);
    // Encrypted like every workstation the first-run screen makes: its passphrase is shown with the PINs.
    const result = await api.invoke('workstation.demo', { encrypt: true });
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    demoCreated(result.value);
  }

  return (
    <aside className="demo-slot" aria-labelledby="demo-title">
      <h2 id="demo-title">{t('setup.demoTitle')}</h2>
      <p>{t('setup.demoIntro')}</p>
      <ErrorAlert>{error}</ErrorAlert>
      <button type="button" className="btn btn-secondary" onClick={() => void create()} disabled={busy}>
        {busy ? t('setup.demoBusy') : t('setup.demoButton')}
      </button>
    </aside>
  );
}

/** The demo's accounts and their PINs: shown this once, never again. */
export function DemoAccountsPage({ demo }: { demo: DemoValue }) {
  const { t } = useTranslation();
  const demoDone = useSession((s) => s.demoDone);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className="card card-wide" aria-labelledby="demo-accounts-title">
      <h1 id="demo-accounts-title" ref={headingRef} tabIndex={-1}>
        {t('demo.title')}
      </h1>
      <p className="lead">{t('demo.intro', { exam: demo.exam })}</p>
      <div role="alert" className="alert alert-warn">
        <strong>{t('demo.warnTitle')}</strong> {t('demo.warnBody')}
      </div>
      <TableWrap>
        <table className="table">
          <TableCaption>{t('demo.caption')}</TableCaption>
          <thead>
            <tr>
              <th scope="col">{t('demo.col.name')}</th>
              <th scope="col">{t('demo.col.displayName')}</th>
              <th scope="col">{t('demo.col.role')}</th>
              <th scope="col">{t('demo.col.pin')}</th>
            </tr>
          </thead>
          <tbody>
            {demo.accounts.map((a) => (
              <tr key={a.name}>
                <th scope="row">
                  <code>{a.name}</code>
                </th>
                <td>{a.displayName}</td>
                <td>{t(`roles.${a.role}`)}</td>
                <td>
                  <code className="pin-shown" data-testid={`demo-pin-${a.name}`}>
                    {a.pin}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p className="field-hint" data-testid="demo-pin-change">
        {t('demo.pinChange')}
      </p>
      {demo.workstation ? (
        <div className="demo-custody">
          <h2>{t('demo.workstationTitle')}</h2>
          <p>{t('demo.workstationBody')}</p>
          <p>
            <code className="pin-shown" data-testid="demo-workstation-passphrase">
              {demo.workstation.passphrase}
            </code>
          </p>
          <p>{t('demo.recoveryBody')}</p>
          <RecoveryWords words={demo.workstation.recoveryKey.split(' ')} label={t('recovery.listLabel')} testId="demo-recovery-words" />
        </div>
      ) : null}
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={() => void demoDone()}>
          {t('demo.continue')}
        </button>
      </div>
    </section>
  );
}
