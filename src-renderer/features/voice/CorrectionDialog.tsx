import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ExamDetail } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { Dialog } from '../../ui/Dialog';
import { ErrorAlert, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { AmendForm } from '../scoring/AmendForm';
import type { ScorePageRow } from '../scoring/types';
import { formatNumber, stageItems } from '../scoring/values';
import { correctionReason, type Objection } from './model';

/** States in which a score may be corrected by an amendment (as on the score's history). */
const SETTLED = new Set(['confirmed', 'finalized', 'amended']);

/**
 * "Ajukan koreksi nilai": an accepted objection is corrected through the workstation's amendment process, never by
 * hand at the hub. The coordinator picks the score of the candidate and stage the objection is about, and the
 * amendment request opens with the objection as its reason; another coordinator approves it, and the next bundle
 * carries the corrected result.
 */
export function CorrectionDialog({ exam, detail, objection, onClose }: { exam: string; detail: ExamDetail | null; objection: Objection; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<ScorePageRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [item, setItem] = useState('');
  const stage = detail?.stages.find((s) => s.code === objection.stage);
  const items = useMemo(() => stageItems(stage), [stage]);

  useEffect(() => {
    if (!stage) return;
    void (async () => {
      // The candidate's scores of the stage only (the search finds numbers holding theirs; the page keeps theirs).
      const r = await api.invoke('scores.page', { exam, stage: objection.stage, search: objection.nomor, limit: 2000 });
      if (!r.ok) {
        setError(errorMessage(t, lang, r.error));
        setRows([]);
        return;
      }
      // One row per item: the candidate's own settled score (a panel's rows carry the same item per panelist).
      const seen = new Set<string>();
      const mine = r.value.rows.filter((s) => s.nomorPeserta === objection.nomor && SETTLED.has(s.state) && !seen.has(s.item) && seen.add(s.item));
      setRows(mine);
      setItem((cur) => cur || mine[0]?.item || '');
    })();
  }, [exam, objection.stage, objection.nomor, stage, t, lang]);

  const chosen = rows?.find((r) => r.item === item);
  const itemName = (code: string) => items.find((i) => i.code === code)?.name ?? code;

  return (
    <Dialog
      title={t('voice.correct.title', { nomor: objection.nomor, stage: objection.stage })}
      onClose={onClose}
      actions={
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      <div className="dialog-wide-content" data-testid="voice-correction">
        <p className="field-hint">{t('voice.correct.intro', { id: objection.id })}</p>
        <ErrorAlert>{error}</ErrorAlert>
        {!stage ? <p>{t('voice.correct.noStage', { stage: objection.stage })}</p> : null}
        {stage && rows === null ? <Spinner label={t('common.loading')} /> : null}
        {rows && rows.length === 0 && !error ? <p>{t('voice.correct.noScores', { nomor: objection.nomor, stage: objection.stage })}</p> : null}
        {rows && rows.length > 0 ? (
          <>
            <SelectField
              label={t('voice.correct.item')}
              value={item}
              onChange={(e) => setItem(e.target.value)}
              options={rows.map((r) => ({ value: r.item, label: `${itemName(r.item)} (${t('voice.correct.now', { value: formatNumber(r.value, lang) })})` }))}
              data-autofocus="true"
            />
            {chosen ? <AmendForm key={chosen.item} exam={exam} target={chosen} item={items.find((i) => i.code === chosen.item)} initialReason={correctionReason(objection)} onRequested={() => undefined} /> : null}
          </>
        ) : null}
      </div>
    </Dialog>
  );
}
