import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toErrorBody, withUpload, type ErrorBody, type UploadRef } from '../api';
import { ProgressBar } from './feedback';

/** Where an import of a file stands: chosen, sent, checked (a dry run), shown, imported, or refused before a preview. */
export type ImportPhase<S> =
  | { step: 'choose' }
  | { step: 'upload'; name: string; sent: number; total: number }
  | { step: 'check'; name: string }
  // The file is kept, not its upload: an upload serves one command, so the import sends the file again.
  | { step: 'preview'; file: File; summary: S }
  | { step: 'import'; file: File; summary: S; sent: number; total: number }
  | { step: 'failed'; error: ErrorBody };

/**
 * The steps every import of a file goes through (an exam package, a roster, a CAT file): the file is sent and checked
 * by a dry run, its summary shown, and only then sent again to the command that imports it.
 */
export function useFileImport<S>() {
  const [phase, setPhase] = useState<ImportPhase<S>>({ step: 'choose' });

  /** Sends `file` to `preview` (the dry run); a refusal there is the `failed` step, with its problems. */
  async function check(file: File, preview: (ref: UploadRef) => Promise<S>): Promise<void> {
    setPhase({ step: 'upload', name: file.name, sent: 0, total: file.size });
    try {
      const summary = await withUpload(
        file,
        (ref) => {
          setPhase({ step: 'check', name: file.name });
          return preview(ref);
        },
        { onProgress: (sent, total) => setPhase({ step: 'upload', name: file.name, sent, total }) },
      );
      setPhase({ step: 'preview', file, summary });
    } catch (e) {
      setPhase({ step: 'failed', error: toErrorBody(e) });
    }
  }

  /**
   * Sends the previewed file again, to `command`, which imports it. A refusal goes back to the preview (the person may
   * retry, with the valid rows only, say) and is thrown for the caller to say why; the step after a success is theirs.
   */
  async function send<R>(file: File, summary: S, command: (ref: UploadRef) => Promise<R>): Promise<R> {
    setPhase({ step: 'import', file, summary, sent: 0, total: file.size });
    try {
      return await withUpload(file, command, { onProgress: (sent, total) => setPhase({ step: 'import', file, summary, sent, total }) });
    } catch (e) {
      setPhase({ step: 'preview', file, summary });
      throw e;
    }
  }

  const busy = phase.step === 'upload' || phase.step === 'check' || phase.step === 'import';
  const summary = phase.step === 'preview' || phase.step === 'import' ? phase.summary : null;
  return { phase, setPhase, check, send, busy, summary };
}

/** The progress of an import: the file being sent (to be checked, or again to be imported), then its dry run. */
export function ImportProgress<S>({ phase, checking }: { phase: ImportPhase<S>; checking: string }) {
  const { t } = useTranslation();
  return (
    <>
      {phase.step === 'upload' ? <ProgressBar label={t('exams.upload.progress', { name: phase.name })} value={phase.sent} max={phase.total} /> : null}
      {phase.step === 'import' && phase.sent < phase.total ? (
        <ProgressBar label={t('exams.upload.progress', { name: phase.file.name })} value={phase.sent} max={phase.total} />
      ) : null}
      {phase.step === 'check' ? (
        <p className="loading" role="status">
          {t(checking, { name: phase.name })}
        </p>
      ) : null}
    </>
  );
}
