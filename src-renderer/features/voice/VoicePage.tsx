import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, ExamDetail } from '../../api';
import { useExamChoice } from '../../app/exams';
import { hrefOf } from '../../app/router';
import { errorMessage } from '../../i18n/errors';
import { EmptyState, ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { useHubSettings } from '../bundles/HubSection';
import { FileObjectionForm } from './FileObjectionForm';
import { ObjectionsSection } from './ObjectionsSection';
import { ReportsSection } from './ReportsSection';
import './voice.css';

/**
 * "Sanggah & Laporan": the objections and public reports of an exam, kept at the publication hub. A clerk files an
 * objection for a candidate who came to the venue; the coordinator answers objections and reports; an observer
 * reads everything. Whatever the hub sends is shown as text.
 */
export function VoicePage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const role = account.role;
  const canRead = role === 'coordinator' || role === 'observer';
  const canAnswer = role === 'coordinator';
  const canFile = role === 'coordinator' || role === 'clerk';
  const { exams, exam, setExam, detail, error } = useExamChoice();

  return (
    <div className="page-section">
      <h1>{t('voice.title')}</h1>
      <p className="lead">{t(`voice.intro.${canAnswer ? 'coordinator' : canRead ? 'observer' : 'clerk'}`)}</p>
      <ErrorAlert>{error ? errorMessage(t, i18n.language, error) : null}</ErrorAlert>
      {exams === null ? <Spinner label={t('common.loading')} /> : null}
      {exams && exams.length === 0 ? (
        <EmptyState title={t('voice.noExam.title')}>
          <p>{t('voice.noExam.body')}</p>
          <p>
            <a href={hrefOf('exams')}>{t('voice.noExam.link')}</a>
          </p>
        </EmptyState>
      ) : null}
      {exams && exams.length > 0 ? (
        <>
          {exams.length > 1 ? (
            <div className="voice-exam">
              <SelectField label={t('voice.exam')} value={exam} onChange={(e) => setExam(e.target.value)} options={exams.map((x) => ({ value: x.code, label: `${x.code} — ${x.name}` }))} />
            </div>
          ) : null}
          {canRead ? <HubReady canAnswer={canAnswer}>{exam ? <Lists exam={exam} canAnswer={canAnswer} detail={detail} /> : null}</HubReady> : null}
          {canFile && exam ? <FileObjectionForm exam={exam} stages={detail?.stages ?? null} /> : null}
        </>
      ) : null}
    </div>
  );
}

function Lists({ exam, canAnswer, detail }: { exam: string; canAnswer: boolean; detail: ExamDetail | null }) {
  return (
    <>
      <ObjectionsSection exam={exam} canAnswer={canAnswer} detail={detail} />
      <ReportsSection exam={exam} canAnswer={canAnswer} />
    </>
  );
}

/** The lists need the hub's address and a committee token; until both are set, the page says where to set them. */
function HubReady({ canAnswer, children }: { canAnswer: boolean; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { hub, error } = useHubSettings();
  if (error) return <ErrorAlert>{errorMessage(t, i18n.language, error)}</ErrorAlert>;
  if (!hub) return <Spinner label={t('common.loading')} />;
  const missing = !hub.url ? 'url' : !hub.committeeToken.set ? 'token' : null;
  if (missing) {
    return (
      <EmptyState title={t(`voice.setup.${missing}Title`)}>
        <p>{t(`voice.setup.${missing}Body`)}</p>
        <p>{canAnswer ? <a href={hrefOf('bundles')}>{t('voice.setup.link')}</a> : t('voice.setup.askCoordinator')}</p>
      </EmptyState>
    );
  }
  return (
    <>
      <p className="field-hint" data-testid="voice-hub">
        {t('voice.setup.connected', { url: hub.url, last4: hub.committeeToken.last4 ?? '' })}
      </p>
      {children}
    </>
  );
}
