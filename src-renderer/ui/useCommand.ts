import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../api/types';
import { errorMessage } from '../i18n/errors';

/**
 * One command run from a dialog or a form: busy while it runs, its refusal in the reader's words, `onOk` with its
 * answer. `setError` is for checks the form makes itself before sending.
 */
export function useCommand() {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run<T>(send: () => Promise<Result<T>>, onOk: (value: T) => void): Promise<void> {
    setBusy(true);
    setError(null);
    const result = await send();
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, i18n.language, result.error));
      return;
    }
    onOk(result.value);
  }

  return { busy, error, setError, run };
}
