import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { formatDecimal } from '../../i18n/format';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { TextField } from '../../ui/fields';
import { scoringError } from './errors';
import { TextAreaField } from '../../ui/fields';
import type { StageItem } from './types';
import { formatNumber, parseTyped, rangeProblem } from './values';

/**
 * "Ajukan koreksi": ask to correct one settled score (a new value and the reason); the coordinator approves it. The
 * score's history shows it, and so does an accepted objection (sanggah), with the objection as the reason to start from.
 */
export function AmendForm({
  exam,
  target,
  item,
  initialReason = '',
  onRequested,
}: {
  exam: string;
  target: { stage: string; nomorPeserta: string; item: string };
  item: StageItem | undefined;
  initialReason?: string;
  onRequested: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const label = item?.name ?? target.item;
  const [value, setValue] = useState('');
  const [reason, setReason] = useState(initialReason);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [requested, setRequested] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function request(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const p: Record<string, string> = {};
    const v = parseTyped(value);
    const problem = item ? rangeProblem(v, item) : v === null ? { kind: 'format' as const } : null;
    if (!value.trim()) p.value = t('validation.required');
    else if (problem) p.value = t(`scoring.range.${problem.kind}`, { min: formatNumber(item?.min ?? 0, lang), max: formatNumber(item?.max ?? 0, lang), step: formatNumber(item?.step ?? 1, lang) });
    if (reason.trim().length < 5) p.reason = t('scoring.reasonShort');
    setProblems(p);
    if (Object.keys(p).length || v === null) return;
    setBusy(true);
    const r = await api.invoke('amendments.request', { exam, stage: target.stage, nomorPeserta: target.nomorPeserta, item: target.item, value: v, reason: reason.trim() });
    setBusy(false);
    if (!r.ok) {
      setError(scoringError(t, lang, r.error));
      return;
    }
    const out = r.value;
    setRequested(t('scoring.amend.requested', { from: formatDecimal(out.from, lang), to: formatDecimal(out.to, lang) }));
    setValue('');
    setReason('');
    onRequested();
  }

  return (
    <form onSubmit={(e) => void request(e)} noValidate aria-labelledby="amend-title" className="amend-form">
      <h3 id="amend-title">{t('scoring.amend.title')}</h3>
      <p className="field-hint">{t('scoring.amend.intro')}</p>
      <TextField
        label={t('scoring.amend.value', { label })}
        hint={item ? t('scoring.sheet.range', { min: formatNumber(item.min, lang), max: formatNumber(item.max, lang) }) : undefined}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        inputMode="decimal"
        autoComplete="off"
        error={problems.value}
      />
      <TextAreaField label={t('scoring.amend.reason')} hint={t('scoring.reasonHint')} value={reason} onChange={setReason} error={problems.reason} />
      <ErrorAlert>{error}</ErrorAlert>
      <Notice tone="success">{requested}</Notice>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('scoring.amend.submit')}
        </button>
      </div>
    </form>
  );
}
