import { useCallback, useEffect, useState } from 'react';
import { api, type CommandOutput, type ErrorBody, type SheetJob } from '../../api';
import { useLiveEvent } from '../../app/live';
import { MIN_PASSPHRASE } from '../../../src-main/shared/rules';

/** The answer of `documents.verify`: what `lentera verify --data` says of a PDF (src-main/core/sheets/document-report.ts). */
export type DocumentReport = CommandOutput<'documents.verify'>;
export type { SignatureReport, Verdict } from '../../../src-main/core/sheets/document-report';

/** The registry's minimum passphrase length, checked here before sending. */
export { MIN_PASSPHRASE };

/** The i18n key of what is wrong with a new passphrase and its repetition, or null. */
export function passphraseProblems(passphrase: string, repeat: string): { passphrase?: string; repeat?: string } {
  if (passphrase.length < MIN_PASSPHRASE) return { passphrase: 'documents.identity.passphraseShort' };
  if (passphrase !== repeat) return { repeat: 'documents.identity.passphraseMismatch' };
  return {};
}

// Versions of a signed document (hasil-X.pdf, hasil-X.v2.pdf …): pure functions, in their own module.
export { documentVersion, latestMinutesFile, orderedVersions, supersededVersions } from './versions';

export type FileKind = 'minutes' | 'sheet' | 'other';

export function fileKind(name: string): FileKind {
  if (name.startsWith('berita-acara-')) return 'minutes';
  if (name.startsWith('hasil-')) return 'sheet';
  return 'other';
}

/** Which of two reports of the same job is the later one: a finished state wins, then the higher count. */
export function laterJob(a: SheetJob | undefined, b: SheetJob | undefined): SheetJob | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.state !== 'running' && b.state === 'running') return a;
  if (b.state !== 'running' && a.state === 'running') return b;
  return b.done >= a.done ? b : a;
}

export function isSheetJob(x: unknown): x is SheetJob {
  if (!x || typeof x !== 'object') return false;
  const j = x as Partial<SheetJob>;
  return typeof j.id === 'string' && typeof j.state === 'string' && typeof j.done === 'number' && typeof j.total === 'number';
}

/** The signed PDFs of an exam, read again whenever a signing job ends or `reload` is bumped. */
export function useSignedFiles(exam: string, reload: number): { files: string[] | null; error: ErrorBody | null; refresh: () => void } {
  const [files, setFiles] = useState<{ exam: string; names: string[] } | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!exam) return;
    let live = true;
    void api.invoke('sheets.files', { exam }).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setFiles({ exam, names: result.value as string[] });
    });
    return () => {
      live = false;
    };
  }, [exam, reload, tick]);

  useLiveEvent(['jobs.progress'], (data) => {
    // Files appear as a job ends, whoever started it; a reconnect (no data) may have missed the end.
    if (!isSheetJob(data) || (data.state !== 'running' && data.exam === exam)) setTick((n) => n + 1);
  });

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { files: exam && files?.exam === exam ? files.names : null, error, refresh };
}
