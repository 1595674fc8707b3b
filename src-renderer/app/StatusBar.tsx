import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { shortHash } from '../i18n/format';
import { useSession } from './store';

/** Always on screen: which workstation this is and where its audit chain stands. */
export function StatusBar() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const head = useSession((s) => s.head);
  const workstationId = status?.workstationId ?? t('status.notSetUp');
  return (
    <footer className="status-bar" aria-label={t('status.label')}>
      <span className="status-item">
        <span className="status-key">{t('status.workstation')}</span>{' '}
        <code data-testid="workstation-id">{workstationId}</code>
      </span>
      <span className="status-item">
        <span className="status-key">{t('status.chainHead')}</span>{' '}
        {head ? (
          <code data-testid="chain-head" title={t('status.chainHeadTitle', { seq: head.seq, hash: head.hash })}>
            #{head.seq} {shortHash(head.hash)}
          </code>
        ) : (
          <code data-testid="chain-head">—</code>
        )}
      </span>
      <span className="status-item status-right">
        {status ? t('status.version', { version: status.version, schema: status.schemaVersion }) : null}
        {' · '}
        {t(`status.transport.${api.transport.kind}`)}
      </span>
    </footer>
  );
}
