import { useCallback, useEffect, useRef, useState } from 'react';

/** How long typing may pause before a field is saved on its own. */
export const AUTOSAVE_DELAY_MS = 300;

export type SaveStatus =
  | { kind: 'empty' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: string | null }
  | { kind: 'error'; message: string };

export interface FieldState {
  text: string;
  status: SaveStatus;
}

export type SaveOutcome = { ok: true; at: string } | { ok: false; message: string };

interface Options {
  codes: readonly string[];
  /** The values the registry already has (mine), shown as saved. */
  initial: Record<string, number | null>;
  /** A saved value as the person reads it (decimal comma in Bahasa Indonesia). */
  format: (value: number) => string;
  /** The typed text as a value, or the message saying what is wrong with it. */
  check: (code: string, text: string) => { value: number } | { message: string };
  /** The message when a saved value is emptied: the registry keeps it, nothing is deleted. */
  emptied: (code: string, saved: number) => string;
  save: (code: string, value: number) => Promise<SaveOutcome>;
  onSaved?: () => void;
}

/**
 * Autosave for a set of numeric fields: each change is saved after a short pause, at once on blur or Enter,
 * one request at a time per field and always the latest value last, so the registry ends with what is on screen.
 */
export function useAutosave({ codes, initial, format, check, emptied, save, onSaved }: Options) {
  const [fields, setFields] = useState<Record<string, FieldState>>(() =>
    Object.fromEntries(
      codes.map((c) => {
        const v = initial[c];
        return [c, { text: v === null || v === undefined ? '' : format(v), status: v === null || v === undefined ? { kind: 'empty' } : { kind: 'saved', at: null } }];
      }),
    ),
  );
  const texts = useRef(new Map(codes.map((c) => [c, fieldText(initial[c], format)])));
  const saved = useRef(new Map<string, number | null>(codes.map((c) => [c, initial[c] ?? null])));
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const inflight = useRef(new Map<string, Promise<void>>());
  const queued = useRef(new Map<string, number>());
  const opts = useRef({ check, emptied, save, onSaved });
  useEffect(() => {
    opts.current = { check, emptied, save, onSaved };
  });

  const setStatus = useCallback((code: string, status: SaveStatus) => {
    setFields((f) => ({ ...f, [code]: { text: f[code]?.text ?? '', status } }));
  }, []);

  const send = useCallback(
    (code: string, value: number): Promise<void> => {
      setStatus(code, { kind: 'saving' });
      const p = opts.current.save(code, value).then((out) => {
        inflight.current.delete(code);
        if (out.ok) saved.current.set(code, value);
        const next = queued.current.get(code);
        if (next !== undefined) {
          queued.current.delete(code);
          if (next !== saved.current.get(code)) return send(code, next);
        }
        // Still typing: the next pause decides what the field says.
        if (!timers.current.has(code)) setStatus(code, out.ok ? { kind: 'saved', at: out.at } : { kind: 'error', message: out.message });
        if (out.ok) opts.current.onSaved?.();
      });
      inflight.current.set(code, p);
      return p;
    },
    [setStatus],
  );

  const flush = useCallback(
    (code: string): Promise<void> => {
      const timer = timers.current.get(code);
      if (timer) clearTimeout(timer);
      timers.current.delete(code);
      const text = texts.current.get(code) ?? '';
      const before = saved.current.get(code) ?? null;
      if (!text.trim()) {
        setStatus(code, before === null ? { kind: 'empty' } : { kind: 'error', message: opts.current.emptied(code, before) });
        return inflight.current.get(code) ?? Promise.resolve();
      }
      const checked = opts.current.check(code, text);
      if ('message' in checked) {
        setStatus(code, { kind: 'error', message: checked.message });
        return inflight.current.get(code) ?? Promise.resolve();
      }
      const running = inflight.current.get(code);
      if (running) {
        queued.current.set(code, checked.value);
        setStatus(code, { kind: 'saving' });
        return running;
      }
      if (checked.value === before) {
        setFields((f) => {
          const cur = f[code];
          return { ...f, [code]: { text: cur?.text ?? text, status: cur?.status.kind === 'saved' ? cur.status : { kind: 'saved', at: null } } };
        });
        return Promise.resolve();
      }
      return send(code, checked.value);
    },
    [send, setStatus],
  );

  const change = useCallback(
    (code: string, text: string) => {
      texts.current.set(code, text);
      setFields((f) => ({ ...f, [code]: { text, status: { kind: 'pending' } } }));
      const timer = timers.current.get(code);
      if (timer) clearTimeout(timer);
      timers.current.set(
        code,
        setTimeout(() => {
          timers.current.delete(code);
          void flush(code);
        }, AUTOSAVE_DELAY_MS),
      );
    },
    [flush],
  );

  /** Saves whatever is still waiting and resolves when every field's last save has answered. */
  const flushAll = useCallback(async () => {
    await Promise.all([...timers.current.keys()].map((c) => flush(c)));
    while (inflight.current.size) await Promise.all([...inflight.current.values()]);
  }, [flush]);

  // Leaving the sheet saves what was typed in the last instant instead of dropping it.
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const code of [...pending.keys()]) void flush(code);
    };
  }, [flush]);

  return { fields, change, flush, flushAll };
}

function fieldText(v: number | null | undefined, format: (value: number) => string): string {
  return v === null || v === undefined ? '' : format(v);
}
