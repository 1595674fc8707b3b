import { useMemo, useRef } from 'react';

export interface LatestOnly {
  /** A new question, which makes every earlier one's answer stale: `const current = latest.ask()`, then `if (!current()) return`. */
  ask(): () => boolean;
  /** A question that adds to the answer on screen (a next page): stale once a new question is asked, without making one. */
  follow(): () => boolean;
}

/**
 * For a reader that may ask again before its last question is answered (a filter changed, another session picked,
 * a live event). Answers can arrive out of turn, and an earlier question's answer must never replace a later one's
 * on screen.
 */
export function useLatestOnly(): LatestOnly {
  const generation = useRef(0);
  return useMemo(
    () => ({
      ask() {
        const mine = ++generation.current;
        return () => mine === generation.current;
      },
      follow() {
        const mine = generation.current;
        return () => mine === generation.current;
      },
    }),
    [],
  );
}
