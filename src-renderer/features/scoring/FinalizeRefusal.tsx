import { useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../ui/feedback';

/**
 * A refused finalization, said beside its button: it takes the focus when it appears (the dialog has just given
 * the focus back to the button, maybe disabled now), and it goes once its cause is gone (`blocker` null), since a
 * stale refusal would only mislead.
 */
export function useFinalizeRefusal(blocker: string | null) {
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!blocker) setError(null);
  }, [blocker]);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  return { error, setError, ref };
}

export function FinalizeRefusal({ refusal }: { refusal: ReturnType<typeof useFinalizeRefusal> }) {
  return (
    <div ref={refusal.ref} tabIndex={-1} className="finalize-error">
      <ErrorAlert>{refusal.error}</ErrorAlert>
    </div>
  );
}
