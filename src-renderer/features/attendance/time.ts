import { useMemo } from 'react';
import { TIME_ZONE } from '../../i18n/format';

/** One formatter per language for the whole feature: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string): Intl.DateTimeFormat {
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(lang, f);
  }
  return f;
}

/** "19.49 WIB" (id) or "19:49 WIB" (en), as formatTimeWib says it, with the formatter made once. */
export function timeWib(value: string, lang: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${formatter(lang).format(d)} WIB`;
}

/** The time of a line, for a page in `lang`: one function while the language stays. */
export function useTimeWib(lang: string): (value: string) => string {
  return useMemo(() => (value: string) => timeWib(value, lang), [lang]);
}
