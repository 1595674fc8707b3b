/** Every date and time on screen is shown in Western Indonesia Time, whatever the machine's own zone is. */
export const TIME_ZONE = 'Asia/Jakarta';

function locale(lang: string): string {
  return lang === 'en' ? 'en-GB' : 'id-ID';
}

function parse(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "19.49 WIB" (id) or "19:49 WIB" (en). */
export function formatTimeWib(value: string | Date, lang: string): string {
  const d = parse(value);
  if (!d) return String(value);
  const time = new Intl.DateTimeFormat(locale(lang), {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return `${time} WIB`;
}

/** "30 Nov 2026 19.49.05 WIB" */
export function formatDateTimeWib(value: string | Date, lang: string): string {
  const d = parse(value);
  if (!d) return String(value);
  const text = new Intl.DateTimeFormat(locale(lang), {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return `${text} WIB`;
}

/** The first characters of a hash, enough to compare by eye; the full hash goes in a title. */
export function shortHash(hash: string, n = 16): string {
  return hash.slice(0, n);
}

/** "Senin, 30 November 2026" (id) or "Monday, 30 November 2026" (en): the long form of formal documents. */
export function formatLongDate(value: string | Date, lang: string): string {
  const d = parse(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
}

/** A calendar date kept as "1995-03-12": "12/03/1995", with no time zone to shift it. */
export function formatIsoDate(value: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(lang), { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

/**
 * A decimal the machine keeps with a point ("3.45"), shown with a decimal comma in Bahasa Indonesia ("3,45").
 * Done on the text, never through a float, so the digits shown are exactly the digits stored.
 */
export function formatDecimal(value: string, lang: string): string {
  return lang === 'en' ? value : value.replace('.', ',');
}

/** 100000 → "100.000" (id) or "100,000" (en). */
export function formatCount(n: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID').format(n);
}

/** "Senin, 30 November 2026, 08.00 WIB": when a session starts. */
export function formatLongDateTimeWib(value: string | Date, lang: string): string {
  return parse(value) ? `${formatLongDate(value, lang)}, ${formatTimeWib(value, lang)}` : String(value);
}
