import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Account, type ExamDetail } from '../../api';
import { useExamChoice } from '../../app/exams';
import { formatLongDateTimeWib } from '../../i18n/format';
import { EmptyState, ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { CatImport } from './CatImport';
import { ConflictsSection } from './Conflicts';
import { scoringError } from './errors';
import { PanelSection } from './PanelSection';
import { PaperSection } from './PaperSection';
import { PrintScoringFormsButton } from '../print/PrintButton';
import { ScoresSection } from './ScoresSection';
import { nameShowsKind, stageItems, stageKind } from './values';

const CHOICE_KEY = 'lentera.scoring';

interface Choice {
  exam?: string;
  stage?: string;
  session?: string;
}

function storedChoice(): Choice {
  try {
    return JSON.parse(sessionStorage.getItem(CHOICE_KEY) ?? '{}') as Choice;
  } catch {
    return {};
  }
}

function storeChoice(c: Choice): void {
  try {
    sessionStorage.setItem(CHOICE_KEY, JSON.stringify(c));
  } catch {
    // storage disabled: the choice is made again after a reload
  }
}

/** Sessions whose panel has this person's NIP. */
function mySessions(detail: ExamDetail, account: Account): ExamDetail['sessions'] {
  return account.nip ? detail.sessions.filter((s) => s.panel.some((p) => p.nip === account.nip)) : [];
}

/** The stage to start with: where this person has work to do. */
function defaultStage(detail: ExamDetail, account: Account): string {
  const panel = mySessions(detail, account)[0];
  if (panel) return panel.stage;
  if (account.role === 'clerk') {
    const paper = detail.stages.find((s) => s.kind === 'written' || s.kind === 'practical');
    if (paper) return paper.code;
  }
  if (account.role === 'examiner' || account.role === 'chair') {
    const interview = detail.stages.find((s) => s.kind === 'interview');
    if (interview) return interview.code;
  }
  return detail.stages[0]?.code ?? '';
}

/**
 * Scoring: interview panels (blind until submitted), paper double entry, CAT import, every score with its state
 * and history, amendments, and the conflicts of interest declared before any of it.
 */
export function ScoringPage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const choice = useExamChoice(storedChoice().exam);
  const { exams, exam, setExam, detail } = choice;
  const [stage, setStage] = useState(() => storedChoice().stage ?? '');
  const [session, setSession] = useState(() => storedChoice().session ?? '');
  const [scoresTick, setScoresTick] = useState(0);

  // The stage stays when the exam has it; else the one this person most likely works on.
  useEffect(() => {
    if (detail) setStage((cur) => (detail.stages.some((s) => s.code === cur) ? cur : defaultStage(detail, account)));
  }, [detail, account]);

  // The session follows the stage: mine first, else the person chooses.
  useEffect(() => {
    if (!detail || !stage) return;
    setSession((cur) => {
      const ofStage = detail.sessions.filter((s) => s.stage === stage);
      if (ofStage.some((s) => s.code === cur)) return cur;
      return mySessions(detail, account).find((s) => s.stage === stage)?.code ?? '';
    });
  }, [detail, stage, account]);

  useEffect(() => {
    if (exam) storeChoice({ exam, stage, session });
  }, [exam, stage, session]);

  const current = detail?.stages.find((s) => s.code === stage);
  const kind = stageKind(current);
  const items = useMemo(() => stageItems(current), [current]);
  const sessions = (detail?.sessions ?? []).filter((s) => s.stage === stage);
  const mine = new Set(detail ? mySessions(detail, account).map((s) => s.code) : []);
  const canList = account.role === 'coordinator' || account.role === 'chair' || account.role === 'observer';

  return (
    <div className="page-section">
      <h1>{t('nav.scoring')}</h1>
      <p className="lead">{t(`scoring.intro.${account.role}`)}</p>
      <ErrorAlert>{choice.error ? scoringError(t, lang, choice.error) : null}</ErrorAlert>

      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('scoring.noExam')}>
          <p>{t('scoring.noExamBody')}</p>
        </EmptyState>
      ) : (
        <>
          <div className="pickers pickers-3">
            <SelectField
              label={t('scoring.exam')}
              value={exam}
              onChange={(e) => {
                setExam(e.target.value);
                setStage('');
                setSession('');
              }}
              options={exams.map((e) => ({ value: e.code, label: `${e.code} — ${e.name}` }))}
            />
            <SelectField
              label={t('scoring.stage')}
              value={stage}
              onChange={(e) => setStage(e.target.value)}
              options={(detail?.stages ?? []).map((s) => {
                const kind = t(`scoring.kind.${s.kind}`, { defaultValue: s.kind });
                // Packages often name the kind already ("Seleksi Kompetensi Bidang (CAT)"): say it once.
                const label = nameShowsKind(s.name, kind) ? t('scoring.stageOptionNamed', { code: s.code, name: s.name }) : t('scoring.stageOption', { code: s.code, name: s.name, kind });
                return { value: s.code, label };
              })}
            />
            {kind === 'interview' ? (
              <SelectField
                label={t('scoring.session')}
                value={session}
                onChange={(e) => setSession(e.target.value)}
                options={[
                  { value: '', label: t('scoring.chooseSession') },
                  ...sessions.map((s) => ({
                    value: s.code,
                    label: t(mine.has(s.code) ? 'scoring.sessionOptionMine' : 'scoring.sessionOption', {
                      code: s.code,
                      room: s.room,
                      time: formatLongDateTimeWib(s.startsAt, lang),
                    }),
                  })),
                ]}
              />
            ) : null}
          </div>

          {detail && kind === 'interview' ? (
            session ? (
              <>
                {account.role !== 'clerk' ? <PrintScoringFormsButton exam={exam} session={session} /> : null}
                <PanelSection key={`${exam} ${session}`} exam={exam} session={session} account={account} />
              </>
            ) : (
              <p className="field-hint">{t('scoring.pickSession')}</p>
            )
          ) : null}
          {detail && (kind === 'written' || kind === 'practical') ? <PaperSection key={`${exam} ${stage}`} exam={exam} stage={stage} items={items} account={account} /> : null}
          {detail && kind === 'cat' ? (
            account.role === 'coordinator' ? (
              <CatImport key={`${exam} ${stage}`} exam={exam} stage={stage} items={items} onImported={() => setScoresTick((n) => n + 1)} />
            ) : (
              <p className="field-hint">{t('scoring.cat.onlyCoordinator')}</p>
            )
          ) : null}
          {detail && stage && canList ? <ScoresSection key={`${exam} ${stage} ${scoresTick}`} exam={exam} stage={stage} detail={detail} account={account} /> : null}
        </>
      )}

      <ConflictsSection account={account} />
    </div>
  );
}
