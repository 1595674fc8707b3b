import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ErrorBody } from '../../api';
import { errorMessage } from '../../i18n/errors';
import { saveExportedFile } from '../../ui/download';

type Job = { command: 'print.ranking'; input: { exam: string; formation: string } } | { command: 'print.scoringForms'; input: { exam: string; session: string } };

function printError(t: ReturnType<typeof useTranslation>['t'], lang: string, error: ErrorBody): string {
  if (error.code === 'WRONG_STAGE') return t('print.errors.WRONG_STAGE');
  if (error.code === 'NOT_FOUND') return t('print.errors.NOT_FOUND');
  return errorMessage(t, lang, error);
}

/**
 * A working paper as a PDF download (made by the registry, the same on every machine). What happened is said right
 * beside the button, in a line that is always there, so that the answer moves nothing around it.
 */
function PrintButton({ job, label, testId }: { job: Job; label: string; testId: string }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  async function print() {
    setBusy(true);
    setSaid(null);
    const result = job.command === 'print.ranking' ? await api.invoke('print.ranking', job.input) : await api.invoke('print.scoringForms', job.input);
    setBusy(false);
    if (!result.ok) {
      setSaid({ tone: 'error', text: printError(t, i18n.language, result.error) });
      return;
    }
    saveExportedFile(result.value);
    setSaid({ tone: 'ok', text: t('print.done', { name: result.value.name }) });
  }

  return (
    <div className="print-action" data-testid={testId}>
      <button type="button" className="btn btn-secondary" onClick={() => void print()} disabled={busy} aria-describedby={`${testId}-status`}>
        {busy ? t('print.busy') : label}
      </button>
      <span id={`${testId}-status`} className={said?.tone === 'error' ? 'print-status field-error' : 'print-status field-hint'} role={said?.tone === 'error' ? 'alert' : 'status'}>
        {said?.text ?? ''}
      </span>
    </div>
  );
}

/** "Cetak peringkat (A4)" for one formation of the results page. */
export function PrintRankingButton({ exam, formation }: { exam: string; formation: string }) {
  const { t } = useTranslation();
  return <PrintButton key={`${exam} ${formation}`} job={{ command: 'print.ranking', input: { exam, formation } }} label={t('print.ranking')} testId="print-ranking" />;
}

/** "Cetak formulir penilaian" for one interview session: blank forms for a panel that scores on paper first. */
export function PrintScoringFormsButton({ exam, session }: { exam: string; session: string }) {
  const { t } = useTranslation();
  return <PrintButton key={`${exam} ${session}`} job={{ command: 'print.scoringForms', input: { exam, session } }} label={t('print.scoringForms')} testId="print-scoring-forms" />;
}
