/** Indonesian formal formats: "Senin, 30 November 2026", "08.15 WIB", "68,291". */
const LONG_DATE = new Intl.DateTimeFormat('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' });
const TIME = new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Jakarta' });

export function longDate(d: Date): string {
  return LONG_DATE.format(d);
}

export function wibTime(d: Date): string {
  return `${TIME.format(d).replace(':', '.')} WIB`;
}

export function decimalComma(s: string | null | undefined): string {
  return s === null || s === undefined ? '–' : s.replace('.', ',');
}

/** Ends a sentence with a period, unless the text already ends with one ("Sri Wahyuni, S.Sos." stays as it is). */
export function endSentence(s: string): string {
  return /[.!?]$/.test(s.trimEnd()) ? s.trimEnd() : `${s.trimEnd()}.`;
}
