import { useCallback, useEffect, useState } from 'react';
import { api, type ErrorBody, type ExportedFile } from '../../api';
import { saveExportedFile } from '../../ui/download';
import { useLiveEvent } from '../../app/live';
import type { PushOutcome } from '../../../src-main/api/outbox';
import type { Conflict, ImportOutcome } from '../../../src-main/core/bundles/merge';
import type { TrustedSigner } from '../../../src-main/core/bundles/trust';

// Shapes of the answers of src-main/api/commands/bundles.ts.

export type HubState = 'pending' | 'confirmed' | 'refused';

/** One exported bundle (`bundle.list`), with where it stands at the hub (null: not in the outbox). */
export interface ExportedBundle {
  exam: string;
  sequence: number;
  sha256: string;
  previous: string | null;
  file: string;
  files: number;
  bytes: number;
  createdAt: string;
  actor: string;
  state: HubState | null;
  attempts: number | null;
  lastError: string | null;
  confirmedAt: string | null;
}

/** The answer of `bundle.export`. */
export interface ExportValue {
  sequence: number;
  sha256: string;
  file: string;
  bytes: number;
  files: number;
  exam: string;
  counts: Record<string, number>;
}

/** One bundle of a push round (`outbox.push`). */
export type { PushOutcome };

export interface HubSettings {
  url: string | null;
  logKey: string | null;
}

export interface Certificate {
  fingerprint: string;
  pem: string;
}

export type MergeConflict = Conflict;

/** The answer of `bundle.import`. */
export type ImportValue = ImportOutcome & { conflicts: Conflict[] };

/** The answer of `bundle.verify`. */
export interface VerifyValue {
  sha256: string;
  exam: string;
  workstation: { id: string; name: string };
  sequence: number;
  counts: Record<string, number>;
  checks: string[];
  registered: boolean;
}

export type { TrustedSigner };

export interface MergedExam {
  exam: string;
  workstations: { id: string; bundles: number; last: number }[];
  candidates: number;
  byStatus: Record<string, number>;
  conflicts: MergeConflict[];
}

/** The kinds of record a bundle counts, in the order they are shown. */
export const COUNT_KINDS = [
  'candidate',
  'formation',
  'session',
  'attendance',
  'score_entry',
  'panel_submission',
  'finalization',
  'amendment',
  'facts',
  'result',
  'pdf',
] as const;

/** The workstation name of a bundle's manifest: older answers may give the id alone. */
export function workstationLabel(ws: VerifyValue['workstation'] | string): string {
  if (typeof ws === 'string') return ws;
  return ws.name && ws.name !== ws.id ? `${ws.name} (${ws.id})` : ws.id;
}

/** "12,5 KB", "3,1 MB": sizes to read, not to compare. */
export function formatBytes(n: number, lang: string): string {
  const nf = (v: number, digits: number) => new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: digits }).format(v);
  if (n < 1024) return `${nf(n, 0)} B`;
  if (n < 1024 * 1024) return `${nf(n / 1024, 1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${nf(n / (1024 * 1024), 1)} MB`;
  return `${nf(n / (1024 * 1024 * 1024), 2)} GB`;
}

/** A text file (a certificate) made here, in the shape `saveExportedFile` takes. */
export function textFile(name: string, mime: string, text: string): { name: string; mime: string; dataBase64: string } {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { name, mime, dataBase64: btoa(binary) };
}

/**
 * A list read with one command, read again on the live events named (and after the event stream reconnects)
 * and when `refresh` is called. `input` is compared by its JSON.
 */
export function useCommandList<T>(command: string, input: Record<string, unknown>, events: readonly string[]) {
  const [value, setValue] = useState<T[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);

  useEffect(() => {
    let live = true;
    void api.invoke(command, JSON.parse(key) as unknown).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        setValue((cur) => cur ?? []);
        return;
      }
      setError(null);
      setValue(result.value as T[]);
    });
    return () => {
      live = false;
    };
  }, [command, key, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  useLiveEvent(events, refresh);
  return { value, error, refresh };
}

/**
 * Saves an exported bundle (`bundle.file`) the way every file of the registry is saved (a Blob and a download):
 * the desktop window asks where with its own save dialog (the USB stick, say), a browser downloads it. The
 * workstation never writes to a folder a window names. Resolves with the refusal, or null once saved.
 */
export async function saveBundle(sha256: string): Promise<ErrorBody | null> {
  const result = await api.invoke('bundle.file', { sha256 });
  if (!result.ok) return result.error;
  saveExportedFile(result.value as ExportedFile);
  return null;
}
