/** Every date and time on screen is shown in Western Indonesia Time, whatever the machine's own zone is. */
export const TIME_ZONE = 'Asia/Jakarta';

function locale(lang: string): string {
  return lang === 'en' ? 'en-GB' : 'id-ID';
}

/**
 * One formatter per locale and options, made on first use and kept: an Intl formatter costs far more to make than
 * to use, and a table formats a date in every row. Each kind of text below has its one set of options.
 */
const dateFormats = new Map<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(options: Intl.DateTimeFormatOptions, lang: string): Intl.DateTimeFormat {
  let byLocale = dateFormats.get(options);
  if (!byLocale) dateFormats.set(options, (byLocale = new Map()));
  const loc = locale(lang);
  let f = byLocale.get(loc);
  if (!f) byLocale.set(loc, (f = new Intl.DateTimeFormat(loc, options)));
  return f;
}

function numberFormat(lang: string): Intl.NumberFormat {
  const loc = locale(lang);
  let f = numberFormats.get(loc);
  if (!f) numberFormats.set(loc, (f = new Intl.NumberFormat(loc)));
  return f;
}

const TIME: Intl.DateTimeFormatOptions = { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DATE_TIME: Intl.DateTimeFormatOptions = {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};
const LONG_DATE: Intl.DateTimeFormatOptions = { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
const ISO_DATE: Intl.DateTimeFormatOptions = { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' };

function parse(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "19.49 WIB" (id) or "19:49 WIB" (en). */
export function formatTimeWib(value: string | Date, lang: string): string {
  const d = parse(value);
  if (!d) return String(value);
  const time = dateFormat(TIME, lang).format(d);
  return `${time} WIB`;
}

/** "30 Nov 2026 19.49.05 WIB" */
export function formatDateTimeWib(value: string | Date, lang: string): string {
  const d = parse(value);
  if (!d) return String(value);
  const text = dateFormat(DATE_TIME, lang).format(d);
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
  return dateFormat(LONG_DATE, lang).format(d);
}

/** A calendar date kept as "1995-03-12": "12/03/1995", with no time zone to shift it. */
export function formatIsoDate(value: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return dateFormat(ISO_DATE, lang).format(d);
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
  return numberFormat(lang).format(n);
}

/** "Senin, 30 November 2026, 08.00 WIB": when a session starts. */
export function formatLongDateTimeWib(value: string | Date, lang: string): string {
  return parse(value) ? `${formatLongDate(value, lang)}, ${formatTimeWib(value, lang)}` : String(value);
}
