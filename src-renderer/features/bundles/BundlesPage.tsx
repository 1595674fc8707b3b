import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../api';
import { BundleList } from './BundleList';
import './bundles.css';
import { AnnouncementSection } from './AnnouncementSection';
import { CertificateSection } from './CertificateSection';
import { ExportSection } from './ExportSection';
import { HubSection, useHubSettings } from './HubSection';
import { ImportSection } from './ImportSection';
import { MergedSection } from './MergedSection';
import { useExamList } from '../../app/exams';
import { TrustSection } from './TrustSection';

/**
 * "Bundel & Publikasi": the coordinator exports signed bundles, pushes them to the publication hub and follows
 * each one until the hub confirms it; registers the certificates of other workstations and merges their bundles.
 * The observer reads the lists.
 */
export function BundlesPage({ account }: { account: Account }) {
  const { t } = useTranslation();
  const canManage = account.role === 'coordinator';
  const { hub, error: hubError, reload: reloadHub } = useHubSettings();
  const { exams, error: examsError } = useExamList();
  // Bumped after a merge here: the merged view reads again even if the live event is missed.
  const [merges, setMerges] = useState(0);

  return (
    <div className="page-section">
      <h1>{t('bundles.title')}</h1>
      <p className="lead">{t(canManage ? 'bundles.intro.coordinator' : 'bundles.intro.observer')}</p>
      <AnnouncementSection exams={exams} canManage={canManage} hubUrl={hub?.url ?? null} />
      {canManage ? <ExportSection exams={exams} examsError={examsError} /> : null}
      <BundleList canManage={canManage} hub={hub} />
      <HubSection hub={hub} error={hubError} canManage={canManage} onSaved={reloadHub} />
      {canManage ? <CertificateSection account={account} /> : null}
      {canManage ? <ImportSection onMerged={() => setMerges((n) => n + 1)} /> : null}
      <MergedSection key={merges} canManage={canManage} />
      <TrustSection canManage={canManage} exams={exams} />
    </div>
  );
}
