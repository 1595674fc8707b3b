import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type CommandInput, type CommandName, type CommandOutput, type ErrorBody } from '../../api';
import { saveExportedFile } from '../../ui/download';
import { useLiveEvent } from '../../app/live';

// Names for the answers of src-main/api/commands/bundles.ts, read off the registry's table.

/** One exported bundle (`bundle.list`), with where it stands at the hub (null: not in the outbox). */
export type ExportedBundle = CommandOutput<'bundle.list'>[number];
export type HubState = 'pending' | 'confirmed' | 'refused';

/** The answer of `bundle.export`. */
export type ExportValue = CommandOutput<'bundle.export'>;

/** One bundle of a push round (`outbox.push`). */
export type PushOutcome = CommandOutput<'outbox.push'>[number];

export type HubSettings = CommandOutput<'hub.settings'>;
export type Certificate = CommandOutput<'keys.certificate'>;

/** The answer of `bundle.import`. */
export type ImportValue = CommandOutput<'bundle.import'>;
export type MergeConflict = ImportValue['conflicts'][number];

/** The answer of `bundle.verify`. */
export type VerifyValue = CommandOutput<'bundle.verify'>;

export type TrustedSigner = CommandOutput<'bundle.trust'>;

export type MergedExam = CommandOutput<'bundle.merged'>[number];

/** The commands that answer with a list. */
type ListCommand = { [K in CommandName]: CommandOutput<K> extends readonly unknown[] ? K : never }[CommandName];

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
export function useCommandList<K extends ListCommand>(command: K, input: CommandInput<K>, events: readonly string[]) {
  // Empty after a refusal, so the list shows as empty beside the error rather than as still loading.
  const [value, setValue] = useState<CommandOutput<K> | readonly never[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);
  // The same input, compared by its JSON: a caller's fresh object literal each render does not read again.
  const sent = useMemo(() => input, [key]);

  useEffect(() => {
    let live = true;
    void api.invoke(command, sent).then((result) => {
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        setValue((cur) => cur ?? []);
        return;
      }
      setError(null);
      setValue(result.value);
    });
    return () => {
      live = false;
    };
  }, [command, sent, tick]);

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
  saveExportedFile(result.value);
  return null;
}
