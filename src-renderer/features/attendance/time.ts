import { useMemo } from 'react';
import { formatTimeWib } from '../../i18n/format';

/** The time of a line, for a page in `lang`: one function while the language stays (format.ts keeps one formatter). */
export function useTimeWib(lang: string): (value: string) => string {
  return useMemo(() => (value: string) => formatTimeWib(value, lang), [lang]);
}
