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
