import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../api';
import { EmptyState, ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { documentsError } from './errors';
import { AllIdentities, IdentitySection } from './IdentitySection';
import { MinutesSection } from './MinutesSection';
import { useExamChoice } from '../../app/exams';
import { useSignedFiles } from './model';
import { SheetsSection } from './SheetsSection';
import { SignedFiles } from './SignedFiles';
import { VerifySection } from './VerifySection';

/**
 * "Dokumen": signing identities, then what this role signs: the coordinator the result sheets and the minutes
 * (in a background job), the chair and the examiners the minutes after the coordinator; the observer reads, and
 * cosigns the minutes of a session they were present at (as Pengamat).
 * Everyone but a clerk can check a signed PDF against this workstation (documents.verify).
 */
export function DocumentsPage({ account }: { account: Account }) {
  const { t } = useTranslation();
  // Bumped when an identity is made: the lists that show identities or depend on them read again.
  const [identityTick, setIdentityTick] = useState(0);
  const role = account.role;
  // Everyone but a clerk signs something (the observer cosigns minutes) and checks signed PDFs.
  const signs = role === 'coordinator' || role === 'chair' || role === 'examiner' || role === 'observer';

  return (
    <div className="page-section">
      <h1>{t('documents.title')}</h1>
      <p className="lead">{t(`documents.intro.${role}`)}</p>
      {signs ? <IdentitySection account={account} onChanged={() => setIdentityTick((n) => n + 1)} /> : null}
      {role === 'coordinator' ? <SheetsSection identityTick={identityTick} /> : null}
      {role === 'chair' || role === 'examiner' || role === 'observer' ? <MinutesSection account={account} identityTick={identityTick} /> : null}
      {role === 'observer' ? <FilesSection /> : null}
      {signs ? <VerifySection /> : null}
      {role === 'coordinator' || role === 'observer' ? <AllIdentities reload={identityTick} /> : null}
    </div>
  );
}

/** The signed PDFs, to read and check (observer). */
function FilesSection() {
  const { t, i18n } = useTranslation();
  const { exams, exam, setExam, error } = useExamChoice();
  const { files, error: filesError } = useSignedFiles(exam, 0);
  return (
    <section className="panel" aria-labelledby="files-title">
      <h2 id="files-title">{t('documents.files.sectionTitle')}</h2>
      <ErrorAlert>{error ? documentsError(t, i18n.language, error, 'download') : null}</ErrorAlert>
      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('documents.noExam')}>
          <p>{t('documents.noExamOthers')}</p>
        </EmptyState>
      ) : (
        <>
          <div className="pickers">
            <SelectField
              label={t('documents.exam')}
              value={exam}
              onChange={(e) => setExam(e.target.value)}
              options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))}
            />
          </div>
          {exam ? <SignedFiles exam={exam} files={files} error={filesError} /> : null}
        </>
      )}
    </section>
  );
}
