import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ExamDetail } from '../../api';
import { ErrorAlert, Notice } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/fields';
import { useCommand } from '../../ui/useCommand';
import { LogNote } from './LogNote';
import type { LogEntry } from './model';
import { TextAreaField } from '../../ui/fields';

/**
 * "Ajukan sanggah untuk peserta": a candidate who came to the venue files an objection through the clerk. The clerk
 * checks who they are in person; the workstation proves it to the hub with the receipt it holds for their result.
 */
export function FileObjectionForm({ exam, stages }: { exam: string; stages: ExamDetail['stages'] | null }) {
  const { t } = useTranslation();
  const { busy, error, run } = useCommand();
  const [nomor, setNomor] = useState('');
  const [stage, setStage] = useState('');
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<{ nomor?: string; stage?: string; text?: string }>({});
  const [filed, setFiled] = useState<{ id: string; nomor: string; stage: string; entry: LogEntry } | null>(null);

  useEffect(() => {
    if (stages && !stages.some((s) => s.code === stage)) setStage(stages[0]?.code ?? '');
  }, [stages, stage]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFiled(null);
    const p: typeof problems = {};
    if (!nomor.trim()) p.nomor = t('voice.file.nomorMissing');
    if (!stage) p.stage = t('voice.file.stageMissing');
    if (text.trim().length < 10) p.text = t('voice.file.textShort');
    setProblems(p);
    if (Object.keys(p).length) return;
    await run(
      () => api.invoke('sanggah.file', { exam, nomor: nomor.trim(), stage, text: text.trim() }),
      (out) => {
        setFiled({ id: out.id, nomor: nomor.trim(), stage: out.stage, entry: out });
        setNomor('');
        setText('');
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="voice-file-title" data-testid="voice-file">
      <h2 id="voice-file-title">{t('voice.file.title')}</h2>
      <p className="field-hint">{t('voice.file.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-busy={busy || undefined}>
        <div className="form-grid">
          <TextField
            label={t('voice.file.nomor')}
            hint={t('voice.file.nomorHint')}
            value={nomor}
            onChange={(e) => setNomor(e.target.value)}
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            error={problems.nomor}
            disabled={busy}
            required
          />
          <SelectField label={t('voice.file.stage')} value={stage} onChange={(e) => setStage(e.target.value)} options={(stages ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))} disabled={busy} />
        </div>
        <TextAreaField rows={4} label={t('voice.file.text')} hint={t('voice.file.textHint')} value={text} onChange={setText} error={problems.text} maxLength={4000} disabled={busy} />
        <ErrorAlert>{error}</ErrorAlert>
        <Notice tone="success">
          {filed ? (
            <span data-testid="voice-filed">
              {t('voice.file.filed', { nomor: filed.nomor, stage: filed.stage })} <strong className="voice-code">{filed.id}</strong>
            </span>
          ) : null}
        </Notice>
        {filed ? <LogNote entry={filed.entry} /> : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('voice.file.sending') : t('voice.file.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
