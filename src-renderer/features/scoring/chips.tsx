import { useTranslation } from 'react-i18next';
import type { Finalization, ScoreState } from './types';

const FINALIZATION_TONE: Record<Finalization, string> = {
  open: 'badge-muted',
  awaiting_signoff: 'badge-warn',
  finalized: 'badge-ok',
};

/** Where a candidate's interview stands: open, finalized waiting for the panel's signatures, or final. */
export function FinalizationChip({ state }: { state: Finalization }) {
  const { t } = useTranslation();
  return <span className={`badge ${FINALIZATION_TONE[state]}`}>{t(`scoring.finalization.${state}`)}</span>;
}

const STATE_TONE: Record<ScoreState, string> = {
  draft: 'badge-muted',
  submitted: 'badge-info',
  confirmed: 'badge-ok',
  finalized: 'badge-ok',
  amended: 'badge-warn',
};

/** The state of one score, translated: draft, submitted, confirmed, finalized, amended. */
export function ScoreStateChip({ state }: { state: ScoreState }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${STATE_TONE[state]}`} data-state={state}>
      {t(`scoring.state.${state}`)}
    </span>
  );
}
