import { LenteraError } from '../util/errors';
import { digitsAt, isDateSeparator } from './digits';
import { nikBirth } from './nik';
import type { RawCell } from './row';

/**
 * How a roster file writes its birth dates, decided once for the whole file: `3/4/1991` is 3 April in an
 * Indonesian file and 4 March in one from a US-English spreadsheet, and reading each value on its own swaps day
 * and month in every row whose day is 12 or less, silently. The order is what the file's unambiguous dates say
 * (a first number over 12: day first; a second over 12: month first), else what the NIKs' birth dates say; a file
 * whose dates say both, or nothing where it matters, is refused.
 */
export type DateOrder = 'dmy' | 'mdy';

export interface DateReading {
  order: DateOrder;
  /** two-digit years are read as the century that makes the holder 14–70 years old in this year (the exam's) */
  pivotYear: number;
  /** the workbook counts days from 1904-01-01 (Mac Excel), not from 1900 */
  date1904: boolean;
}

export const DEFAULT_READING: DateReading = Object.freeze({ order: 'dmy', pivotYear: new Date().getUTCFullYear(), date1904: false });

/** What decided the order, to be shown to the person importing: the first line that says it. */
export interface DateOrderFinding {
  order: DateOrder;
  /** 'value': a date whose day is over 12; 'nik': the NIK's birth date; 'none': no date of the file is ambiguous */
  by: 'value' | 'nik' | 'none';
  line?: number;
  value?: string;
  /** some dates have two-digit years */
  twoDigitYears: boolean;
}

/** D/M/Y or M/D/Y with `/` or `-`, a one- or two-digit day and month, a two- or four-digit year. */
export const NUMERIC_DATE = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$/;

export const ORDER_NAMES: Record<DateOrder, string> = { dmy: 'DD/MM/YYYY (day first)', mdy: 'MM/DD/YYYY (month first)' };

interface Vote {
  line: number;
  value: string;
}

/** Decides the order of a file's dates (see above); `rows` are each row's line, date cell and NIK cell. */
export function decideDateOrder(file: string, column: string, rows: Iterable<{ line: number; date: RawCell; nik: RawCell }>): DateOrderFinding {
  const byValue: Record<DateOrder, Vote | undefined> = { dmy: undefined, mdy: undefined };
  const byNik: Record<DateOrder, number> = { dmy: 0, mdy: 0 };
  const firstByNik: Record<DateOrder, Vote | undefined> = { dmy: undefined, mdy: undefined };
  let ambiguous: Vote | undefined;
  let twoDigitYears = false;
  for (const { line, date, nik } of rows) {
    if (typeof date !== 'string') continue;
    const value = date.trim();
    let a: number;
    let b: number;
    if (value.length === 10 && isDateSeparator(value.charCodeAt(2)) && isDateSeparator(value.charCodeAt(5)) && digitsAt(value, 6, 10) >= 0 && (a = digitsAt(value, 0, 2)) >= 0 && (b = digitsAt(value, 3, 5)) >= 0) {
      // DD/MM/YYYY, the usual cell, without a regex match per row: a and b are read
    } else {
      const m = NUMERIC_DATE.exec(value);
      if (!m) continue;
      if (m[3]!.length === 2) twoDigitYears = true;
      [a, b] = [Number(m[1]), Number(m[2])];
    }
    if (a > 12 && b <= 12) byValue.dmy ??= { line, value };
    else if (b > 12 && a <= 12) byValue.mdy ??= { line, value };
    else if (a !== b && a <= 12 && b <= 12) {
      ambiguous ??= { line, value };
      const birth = typeof nik === 'string' && /^\d{16}$/.test(nik.trim()) ? nikBirth(nik.trim()) : undefined;
      if (!birth) continue;
      const order: DateOrder | undefined = birth.day === a && birth.month === b ? 'dmy' : birth.day === b && birth.month === a ? 'mdy' : undefined;
      if (!order) continue;
      byNik[order]++;
      firstByNik[order] ??= { line, value };
    }
  }
  if (byValue.dmy && byValue.mdy) {
    throw new LenteraError(
      'ROSTER_DATE_ORDER',
      `${file}, column ${column}: the dates are written in two orders: line ${byValue.dmy.line} has ${byValue.dmy.value} (day first), line ${byValue.mdy.line} has ${byValue.mdy.value} (month first). Nothing was imported; write every date one way, best as YYYY-MM-DD.`,
      {
        file,
        column,
        kind: 'mixed',
        dayFirst: byValue.dmy,
        monthFirst: byValue.mdy,
        problems: [byValue.dmy, byValue.mdy].map((v) => ({ line: v.line, column, reason: `${v.value}: the file mixes day-first and month-first dates` })),
      },
    );
  }
  const decided = byValue.dmy ? 'dmy' : byValue.mdy ? 'mdy' : undefined;
  if (decided) return { order: decided, by: 'value', line: byValue[decided]!.line, value: byValue[decided]!.value, twoDigitYears };
  if (byNik.dmy !== byNik.mdy) {
    const order: DateOrder = byNik.dmy > byNik.mdy ? 'dmy' : 'mdy';
    return { order, by: 'nik', line: firstByNik[order]!.line, value: firstByNik[order]!.value, twoDigitYears };
  }
  if (ambiguous) {
    const [a, b] = NUMERIC_DATE.exec(ambiguous.value)!.slice(1, 3).map(Number) as [number, number];
    throw new LenteraError(
      'ROSTER_DATE_ORDER',
      `${file}, line ${ambiguous.line}, column ${column}: ${ambiguous.value} may be ${a} ${MONTHS[b - 1]} or ${b} ${MONTHS[a - 1]}, and no date or NIK in the file tells which order it uses. Nothing was imported; write the dates as YYYY-MM-DD.`,
      { file, column, kind: 'ambiguous', line: ambiguous.line, value: ambiguous.value, problems: [{ line: ambiguous.line, column, reason: `${ambiguous.value}: day and month cannot be told apart` }] },
    );
  }
  return { order: 'dmy', by: 'none', twoDigitYears };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The four-digit year of a two-digit birth year: the century in which the holder is 14–70 years old in `pivotYear`. */
export function fullBirthYear(yy: number, pivotYear: number): number | undefined {
  for (const century of [1900, 2000]) {
    const age = pivotYear - (century + yy);
    if (age >= 14 && age <= 70) return century + yy;
  }
  return undefined;
}
