import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import type { CommandOutput } from '../api';
import { formatTimeWib, shortHash } from '../i18n/format';
import { useLiveEvent } from './live';
import { useSession } from './store';

type BackupStatus = CommandOutput<'backup.status'>;

/**
 * The last good backup, for the coordinator and the chair: a warning when it is older than twice the interval or
 * the last attempt failed (the USB stick was pulled out), and a hint when no backup folder is chosen.
 */
function BackupIndicator() {
  const { t, i18n } = useTranslation();
  const [s, setS] = useState<BackupStatus | null>(null);
  const refresh = () => {
    void api.invoke('backup.status', {}).then((r) => setS(r.ok ? r.value : null));
  };
  useEffect(refresh, []);
  // The status turns stale with time alone: asked again every minute, and at once when a backup ends.
  useEffect(() => {
    const timer = setInterval(refresh, 60_000);
    return () => clearInterval(timer);
  }, []);
  useLiveEvent(['backup.changed'], refresh);
  if (!s) return null;
  const warn = s.stale || s.lastError !== null;
  const text = !s.folder
    ? t('status.backup.none')
    : s.lastError && (!s.last || s.lastError.at >= s.last.at)
      ? t(s.lastError.code === 'BACKUP_TARGET_MISSING' ? 'status.backup.missing' : 'status.backup.failed', { time: formatTimeWib(s.lastError.at, i18n.language) })
      : s.last
        ? t(s.stale ? 'status.backup.stale' : 'status.backup.last', { time: formatTimeWib(s.last.at, i18n.language) })
        : t('status.backup.pending');
  return (
    <span className={`status-item${warn || !s.folder ? ' status-warn' : ''}`} data-testid="backup-status" role={warn ? 'status' : undefined}>
      <span className="status-key">{t('status.backup.label')}</span> {text}
    </span>
  );
}

/** Below this a clock behind the last record is a second process's write in the same instant, not a clock put back. */
const CLOCK_BEHIND_SHOWN_MS = 60_000;

/** Always on screen: which workstation this is and where its audit chain stands. */
export function StatusBar() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const head = useSession((s) => s.head);
  const locked = useSession((s) => s.locked);
  const role = useSession((s) => s.account?.role);
  const workstationId = locked ? t('status.locked') : (status?.workstationId ?? t('status.notSetUp'));
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
      {role === 'coordinator' || role === 'chair' ? <BackupIndicator /> : null}
      {status && (status.clockBehindMs ?? 0) >= CLOCK_BEHIND_SHOWN_MS ? (
        <span className="status-item status-warn" role="status" data-testid="clock-behind">
          {t('status.clockBehind', { minutes: Math.ceil((status.clockBehindMs ?? 0) / 60_000) })}
        </span>
      ) : null}
      <span className="status-item status-right">
        {status ? t('status.version', { version: status.version, schema: status.schemaVersion }) : locked ? t('status.versionOnly', { version: locked.version }) : null}
        {' · '}
        {t(`status.transport.${api.transport.kind}`)}
      </span>
    </footer>
  );
}
