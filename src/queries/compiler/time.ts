import { CompileError } from './errors.js';
import type { UnitOfTime } from './types.js';

// ---- time-interval dimensions ----

const TRUNCATIONS = new Set(['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
const DATE_PARTS: Record<string, string> = {
  DAY_OF_WEEK_INDEX: 'DOW', DAY_OF_MONTH_NUM: 'DAY', DAY_OF_YEAR_NUM: 'DOY', WEEK_NUM: 'WEEK', MONTH_NUM: 'MONTH',
  QUARTER_NUM: 'QUARTER', YEAR_NUM: 'YEAR', HOUR_OF_DAY_NUM: 'HOUR', MINUTE_OF_HOUR_NUM: 'MINUTE',
};
const NAME_FORMATS: Record<string, string> = { DAY_OF_WEEK_NAME: 'FMDay', MONTH_NAME: 'FMMonth', QUARTER_NAME: 'FM"Q"Q' };
const DAY_OR_COARSER = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);

/** Suffixes Lightdash accepts on a date/timestamp dimension id even when the explore lacks that interval dimension. */
export const FALLBACK_INTERVAL_SUFFIXES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

export function isKnownInterval(interval: string): boolean {
  return interval === 'RAW' || TRUNCATIONS.has(interval) || interval in DATE_PARTS || interval in NAME_FORMATS;
}

/** The dimension type of an interval of a `baseType` column, as the dbt translator assigns it. */
export function intervalType(interval: string, baseType: string): string {
  if (interval in DATE_PARTS) return 'number';
  if (interval in NAME_FORMATS) return 'string';
  if (interval === 'RAW') return baseType;
  return baseType === 'date' && DAY_OR_COARSER.has(interval) ? 'date' : 'timestamp';
}

/**
 * PostgreSQL for `interval` of the base expression `x` [timeFrames postgres config]. With a zone
 * placeholder (a bound `$n`), a timestamp is truncated or taken apart in that zone:
 * DATE_TRUNC(unit, timestamptz, zone) gives the instant the local period starts. `startOfWeek`
 * (0 = Monday) is server configuration, never request input.
 */
export function intervalSql(interval: string, x: string, zone?: string, startOfWeek = 0): string {
  const value = zone ? `CAST(${x} AS TIMESTAMPTZ)` : x;
  const zoneArgument = zone ? `, ${zone}` : '';
  if (interval === 'RAW') return x;
  if (interval === 'WEEK' && startOfWeek !== 0) {
    return `(DATE_TRUNC('WEEK', (${value} - interval '${startOfWeek} days')${zoneArgument}) + interval '${startOfWeek} days')`;
  }
  if (TRUNCATIONS.has(interval)) return `DATE_TRUNC('${interval}', ${value}${zoneArgument})`;
  const local = zone ? `(${value} AT TIME ZONE ${zone})` : x;
  if (interval in DATE_PARTS) return `DATE_PART('${DATE_PARTS[interval]}', ${local})`;
  if (interval in NAME_FORMATS) return `TO_CHAR(${local}, '${NAME_FORMATS[interval]}')`;
  throw new CompileError(`Unknown time interval ${interval}`, interval);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Month and day names sort by their place in the year or week, not alphabetically [sortMonthName]. */
export function chronologicalSortExpression(interval: string | undefined, alias: string): string | undefined {
  const names = interval === 'MONTH_NAME' ? MONTH_NAMES : interval === 'DAY_OF_WEEK_NAME' ? DAY_NAMES : undefined;
  if (!names) return undefined;
  return `CASE ${names.map((name, index) => `WHEN ${alias} = '${name}' THEN ${index + 1}`).join(' ')} ELSE NULL END`;
}

// ---- zones ----

export function checkTimeZone(zone: string, field: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new CompileError(`Unknown time zone "${zone}"`, field);
  }
  return zone;
}

export function isUtc(zone: string): boolean {
  return ['UTC', 'ETC/UTC', 'GMT', 'ETC/GMT', 'Z', 'ZULU', 'UNIVERSAL', 'ETC/UNIVERSAL'].includes(zone.toUpperCase());
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `instant` in `zone`, as a Date whose UTC fields hold it. */
function wallClock(instant: number, zone: string): Date {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return new Date(wall + (((instant % 1000) + 1000) % 1000));
}

/** The instant whose wall clock in `zone` is `wall` (the earlier one when a DST change repeats it). */
function instantOf(wall: Date, zone: string): number {
  const guess = wall.getTime();
  const firstOffset = wallClock(guess, zone).getTime() - guess;
  let instant = guess - firstOffset;
  const secondOffset = wallClock(instant, zone).getTime() - instant;
  if (secondOffset !== firstOffset) instant = guess - secondOffset;
  return instant;
}

// ---- calendar arithmetic on wall-clock Dates (UTC fields) ----

const SUB_DAY_MS: Partial<Record<UnitOfTime, number>> = { milliseconds: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000 };

function addMonths(wall: Date, months: number): Date {
  const result = new Date(wall);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const daysInMonth = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, daysInMonth));
  return result;
}

function addUnits(wall: Date, amount: number, unit: UnitOfTime): Date {
  const ms = SUB_DAY_MS[unit];
  if (ms !== undefined) return new Date(wall.getTime() + amount * ms);
  if (unit === 'days' || unit === 'weeks') {
    const result = new Date(wall);
    result.setUTCDate(result.getUTCDate() + amount * (unit === 'weeks' ? 7 : 1));
    return result;
  }
  return addMonths(wall, amount * (unit === 'years' ? 12 : unit === 'quarters' ? 3 : 1));
}

function startOf(wall: Date, unit: UnitOfTime, startOfWeek: number): Date {
  const result = new Date(wall);
  if (unit === 'milliseconds') return result;
  result.setUTCMilliseconds(0);
  if (unit === 'seconds') return result;
  result.setUTCSeconds(0);
  if (unit === 'minutes') return result;
  result.setUTCMinutes(0);
  if (unit === 'hours') return result;
  result.setUTCHours(0);
  if (unit === 'days') return result;
  if (unit === 'weeks') {
    const mondayBased = (result.getUTCDay() + 6) % 7;
    result.setUTCDate(result.getUTCDate() - ((mondayBased - startOfWeek + 7) % 7));
    return result;
  }
  result.setUTCDate(1);
  if (unit === 'months') return result;
  result.setUTCMonth(unit === 'quarters' ? Math.floor(result.getUTCMonth() / 3) * 3 : 0);
  return result;
}

// ---- literals ----

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function checkYear(date: Date, field: string): Date {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) throw new CompileError(`Date out of range in filter on ${field}`, field);
  return date;
}

/** `YYYY-MM-DD` of a wall-clock (or UTC) Date. */
export function formatDate(date: Date, field: string): string {
  checkYear(date, field);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:mm:ss+00:00` of an instant, to the second, as Lightdash writes timestamp literals. */
export function formatTimestamp(instant: Date, field: string): string {
  checkYear(instant, field);
  return `${formatDate(instant, field)} ${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}+00:00`;
}

const DATE_VALUE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A filter's date or timestamp value as an instant. ISO dates and date-times are accepted; one
 * without an offset is UTC (Lightdash's server runs in UTC). Anything else is a CompileError.
 */
export function parseDateValue(value: unknown, field: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  const match = typeof value === 'string' ? DATE_VALUE.exec(value.trim()) : null;
  if (!match) throw new CompileError(`Invalid date value in filter on ${field}: ${JSON.stringify(value)}`, field, { value: value as never });
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', offset] = match;
  let instant = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    instant -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  const date = new Date(instant);
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (Number.isNaN(instant) || check.getUTCMonth() !== Number(month) - 1 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    throw new CompileError(`Invalid date value in filter on ${field}: ${JSON.stringify(value)}`, field, { value: value as never });
  }
  return checkYear(date, field);
}

/** The first day of the interval a DATE value falls in (a week dimension's value is its Monday, etc.). */
export function startOfInterval(date: Date, interval: string | undefined, startOfWeek: number): Date {
  const unit: Record<string, UnitOfTime> = { WEEK: 'weeks', MONTH: 'months', QUARTER: 'quarters', YEAR: 'years' };
  return interval && unit[interval] ? startOf(date, unit[interval], startOfWeek) : startOf(date, 'days', startOfWeek);
}

// ---- relative-date boundaries ----

export interface RelativeDateContext {
  now: Date;
  zone: string;
  startOfWeek: number;
}

export type RelativeOperator = 'inThePast' | 'notInThePast' | 'inTheNext' | 'inTheCurrent' | 'notInTheCurrent';

/** The largest amount accepted for a relative filter: keeps every boundary inside years 1–9999. */
const MAX_RELATIVE_AMOUNT = 100_000;

export function relativeAmount(value: unknown, field: string): number {
  const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || amount > MAX_RELATIVE_AMOUNT) {
    throw new CompileError(`Invalid relative date amount in filter on ${field}: ${JSON.stringify(value)} (a whole number from 0 to ${MAX_RELATIVE_AMOUNT})`, field, { value: value as never });
  }
  return amount;
}

/**
 * The [from, to] literals of a relative-date filter, and whether `to` is exclusive, as Lightdash
 * computes them: "now" and the unit boundaries in the query's zone, written as UTC instants for
 * timestamps and as dates for dates.
 */
export function relativeBounds(
  operator: RelativeOperator, amount: number, unit: UnitOfTime, completed: boolean, dateOnly: boolean,
  context: RelativeDateContext, field: string,
): { from: string; to: string; toExclusive: boolean } {
  const zone = context.zone;
  const now = wallClock(Math.floor(context.now.getTime() / 1000) * 1000, zone);
  const write = (wall: Date) => (dateOnly ? formatDate(wall, field) : formatTimestamp(new Date(instantOf(checkYear(wall, field), zone)), field));
  const start = startOf(now, unit, context.startOfWeek);
  const endOfPeriod = new Date(addUnits(start, 1, unit).getTime() - 1);
  switch (operator) {
    case 'inThePast':
    case 'notInThePast':
      return completed
        ? { from: write(addUnits(start, -amount, unit)), to: write(start), toExclusive: true }
        : { from: write(addUnits(now, -amount, unit)), to: write(now), toExclusive: false };
    case 'inTheNext': {
      if (!completed) return { from: write(now), to: write(addUnits(now, amount, unit)), toExclusive: false };
      const next = addUnits(start, 1, unit);
      return { from: write(next), to: write(addUnits(next, amount, unit)), toExclusive: true };
    }
    case 'inTheCurrent':
    case 'notInTheCurrent':
      return { from: write(start), to: write(endOfPeriod), toExclusive: false };
  }
}

/**
 * Today's place in its period, in `zone`: day of year and day of month from 1, day of quarter and
 * day of week (from `startOfWeek`, 0 = Monday) from 0. Undefined for units without a period to date.
 */
export function dayOfPeriod(now: Date, zone: string, unit: UnitOfTime, startOfWeek: number): number | undefined {
  const wall = wallClock(now.getTime(), zone);
  const day = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  const daysSince = (start: number) => Math.round((day - start) / 86_400_000);
  switch (unit) {
    case 'years': return daysSince(Date.UTC(wall.getUTCFullYear(), 0, 1)) + 1;
    case 'months': return wall.getUTCDate();
    case 'quarters': return daysSince(Date.UTC(wall.getUTCFullYear(), Math.floor(wall.getUTCMonth() / 3) * 3, 1));
    case 'weeks': return (((wall.getUTCDay() + 6) % 7) - startOfWeek + 7) % 7;
    default: return undefined;
  }
}
