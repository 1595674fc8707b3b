import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AttendancePage } from '../features/attendance/AttendancePage';
import { AuditPage } from '../features/audit/AuditPage';
import { BundlesPage } from '../features/bundles/BundlesPage';
import { DocumentsPage } from '../features/documents/DocumentsPage';
import { ExamsPage } from '../features/exams/ExamsPage';
import { HomePage } from '../features/home/HomePage';
import { ChangePinPage } from '../features/login/ChangePinPage';
import { LoginPage } from '../features/login/LoginPage';
import { NoAccess, PlannedPage } from '../features/placeholder/PlannedPage';
import { DemoAccountsPage } from '../features/setup/DemoVenueSlot';
import { DisplayPage } from '../features/display/DisplayPage';
import { useDisplayRoute } from '../features/display/route';
import { ResultsPage } from '../features/results/ResultsPage';
import { ScoringPage } from '../features/scoring/ScoringPage';
import { NotSetUpPage, SetupPage } from '../features/setup/SetupPage';
import { RecoveryKeyPage } from '../features/setup/RecoveryKeyPage';
import { LockedElsewherePage, UnlockPage } from '../features/unlock/UnlockPage';
import { UsersPage } from '../features/users/UsersPage';
import { VoicePage } from '../features/voice/VoicePage';
import { errorMessage } from '../i18n/errors';
import { ErrorAlert, Spinner } from '../ui/feedback';
import type { Account } from '../api';
import { PublicFrame } from './Frame';
import { canSee, navItem } from './nav';
import { useRoute, type RouteId } from './router';
import { Shell } from './Shell';
import { useSession, wireSession } from './store';

function Page({ route, account }: { route: RouteId; account: Account }) {
  const item = navItem(route);
  if (item && !canSee(item, account.role)) return <NoAccess route={route} />;
  switch (route) {
    case 'home':
      return <HomePage account={account} />;
    case 'users':
      return <UsersPage account={account} />;
    case 'exams':
      return <ExamsPage account={account} />;
    case 'attendance':
      return <AttendancePage account={account} />;
    case 'scoring':
      return <ScoringPage account={account} />;
    case 'results':
      return <ResultsPage account={account} />;
    case 'documents':
      return <DocumentsPage account={account} />;
    case 'bundles':
      return <BundlesPage account={account} />;
    case 'sanggah':
      return <VoicePage account={account} />;
    case 'audit':
      return <AuditPage />;
    case 'pin':
      return <ChangePinPage forced={false} />;
    default:
      return <PlannedPage route={route} />;
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const { booting, bootError, status, locked, account, demo, recovery, boot } = useSession();
  const route = useRoute();

  useEffect(() => {
    wireSession();
    void boot();
  }, [boot]);
  const display = useDisplayRoute();

  // The venue display is public: no login, no shell, whatever the session state.
  if (display) return <DisplayPage target={display} />;

  if (recovery) {
    // First of all: the words are in the answer of workstation.init only, and nothing may hide them before they are written down.
    return (
      <PublicFrame>
        <RecoveryKeyPage recovery={recovery} />
      </PublicFrame>
    );
  }
  if (locked && !bootError) {
    return <PublicFrame>{locked.canUnlock ? <UnlockPage /> : <LockedElsewherePage />}</PublicFrame>;
  }
  if (booting && !status) {
    return (
      <PublicFrame>
        <Spinner label={t('common.loading')} />
      </PublicFrame>
    );
  }
  if (bootError || !status) {
    return (
      <PublicFrame>
        <section className="card">
          <h1>{t('boot.failedTitle')}</h1>
          <ErrorAlert>{bootError ? errorMessage(t, i18n.language, bootError) : null}</ErrorAlert>
          <button type="button" className="btn btn-primary" onClick={() => void boot()}>
            {t('common.retry')}
          </button>
        </section>
      </PublicFrame>
    );
  }
  if (demo) {
    // Before anything else: the PINs are in this answer only, and the status refresh must not hide them.
    return (
      <PublicFrame>
        <DemoAccountsPage demo={demo} />
      </PublicFrame>
    );
  }
  if (!status.initialised) {
    return <PublicFrame>{status.canInit ? <SetupPage /> : <NotSetUpPage />}</PublicFrame>;
  }
  if (!account) {
    return (
      <PublicFrame>
        <LoginPage />
      </PublicFrame>
    );
  }
  if (account.mustChangePin) {
    return (
      <PublicFrame>
        <ChangePinPage forced />
      </PublicFrame>
    );
  }
  return (
    <Shell account={account} route={route}>
      <Page route={route} account={account} />
    </Shell>
  );
}
