import { afterEach, describe, expect, it } from 'vitest';
import { formatCount, formatDateTimeWib, formatIsoDate, formatLongDate, formatLongDateTimeWib, formatTimeWib, TIME_ZONE } from '../../src-renderer/i18n/format';

const OriginalDateTimeFormat = Intl.DateTimeFormat;
const OriginalNumberFormat = Intl.NumberFormat;

/** Counts the Intl formatters made from now on (the functions still format with the real ones). */
function countFormatters(): { made: () => number } {
  let made = 0;
  const dates = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    made++;
    return new OriginalDateTimeFormat(...args);
  } as unknown as typeof Intl.DateTimeFormat;
  const numbers = function (this: unknown, ...args: ConstructorParameters<typeof Intl.NumberFormat>) {
    made++;
    return new OriginalNumberFormat(...args);
  } as unknown as typeof Intl.NumberFormat;
  Intl.DateTimeFormat = dates;
  Intl.NumberFormat = numbers;
  return { made: () => made };
}

afterEach(() => {
  Intl.DateTimeFormat = OriginalDateTimeFormat;
  Intl.NumberFormat = OriginalNumberFormat;
});

const INSTANTS = ['2026-11-30T12:49:05Z', '2026-12-01T00:00:00+07:00', '1995-03-12T23:59:59Z', new Date(Date.UTC(2027, 0, 1, 1, 2, 3))];
const DATES = ['1995-03-12', '2001-12-31', '1990-01-01', '2000-02-29'];
const LOCALES = { id: 'id-ID', en: 'en-GB' } as const;

describe('the formatters of the screens are made once per locale', () => {
  it('say exactly what a fresh Intl formatter says, in Bahasa Indonesia and in English', () => {
    for (const [lang, locale] of Object.entries(LOCALES)) {
      // Twice: the first call makes the formatter, the second uses the one kept.
      for (let round = 0; round < 2; round++) {
        for (const value of INSTANTS) {
          const d = new Date(value);
          const time = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
          expect(formatTimeWib(value, lang)).toBe(`${time} WIB`);
          const dateTime = new Intl.DateTimeFormat(locale, {
            timeZone: TIME_ZONE,
            day: 'numeric',
            month: 'short',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
          }).format(d);
          expect(formatDateTimeWib(value, lang)).toBe(`${dateTime} WIB`);
          const long = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
          expect(formatLongDate(value, lang)).toBe(long);
          expect(formatLongDateTimeWib(value, lang)).toBe(`${long}, ${time} WIB`);
        }
        for (const value of DATES) {
          const [y, m, day] = value.split('-').map(Number) as [number, number, number];
          const expected = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, day)));
          expect(formatIsoDate(value, lang)).toBe(expected);
        }
        for (const n of [0, 7, 1000, 100_300, 1_234_567]) expect(formatCount(n, lang)).toBe(new Intl.NumberFormat(locale).format(n));
      }
    }
    // The figures people read, spelled out once.
    expect(formatIsoDate('1995-03-12', 'id')).toBe('12/03/1995');
    expect(formatIsoDate('1995-03-12', 'en')).toBe('12/03/1995');
    expect(formatCount(100_300, 'id')).toBe('100.300');
    expect(formatCount(100_300, 'en')).toBe('100,300');
    expect(formatTimeWib('2026-11-30T12:49:05Z', 'id')).toBe('19.49 WIB');
    expect(formatTimeWib('2026-11-30T12:49:05Z', 'en')).toBe('19:49 WIB');
    // Not a date: said as given.
    expect(formatIsoDate('12/03/1995', 'id')).toBe('12/03/1995');
    expect(formatTimeWib('not a time', 'id')).toBe('not a time');
  });

  it('a table of 100,000 dates makes no formatter after the first of each kind and locale', () => {
    const counter = countFormatters();
    // In a fresh module state, a language not used before makes exactly one formatter per kind...
    formatIsoDate('1995-03-12', 'en');
    formatIsoDate('1995-03-12', 'id');
    formatCount(1, 'en');
    formatCount(1, 'id');
    formatTimeWib(INSTANTS[0]!, 'en');
    const first = counter.made();
    expect(first).toBeLessThanOrEqual(5);
    // ...and then none, however many rows.
    for (let i = 0; i < 100_000; i++) {
      formatIsoDate(DATES[i % DATES.length]!, i % 2 ? 'id' : 'en');
      formatCount(i, i % 2 ? 'id' : 'en');
    }
    formatTimeWib(INSTANTS[1]!, 'en');
    formatDateTimeWib(INSTANTS[1]!, 'id');
    formatDateTimeWib(INSTANTS[2]!, 'id');
    expect(counter.made()).toBeLessThanOrEqual(first + 1);
    // Any other language than English is Bahasa Indonesia, with the same formatter.
    const before = counter.made();
    expect(formatIsoDate('1995-03-12', 'id-ID')).toBe('12/03/1995');
    expect(counter.made()).toBe(before);
  });
});
