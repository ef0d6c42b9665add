import { CompileError } from './errors.js';
import type { Parameters } from './sql.js';
import { dayOfPeriod, formatDate, formatTimestamp, isUtc, parseDateValue, relativeAmount, relativeBounds, startOfInterval, type RelativeDateContext } from './time.js';
import type { FilterGroup, FilterItem, FilterRule } from './types.js';

export type Renderer = 'string' | 'number' | 'date' | 'timestamp' | 'boolean';

/** What a filter rule is rendered against: a dimension's SQL, or a quoted column alias for metrics and table calculations. */
export interface FilterTarget {
  fieldId: string;
  sql: string;
  renderer: Renderer;
  caseSensitive: boolean;
  /** metrics and table calculations compare case-sensitively whatever the rule says */
  fixedCase?: boolean;
  timeInterval?: string;
  /** a time-interval dimension's base date or timestamp */
  base?: () => { sql: string; type: string };
}

export interface FilterContext {
  params: Parameters;
  relative: RelativeDateContext;
}

export const isGroup = (item: FilterItem): item is FilterGroup => 'and' in item || 'or' in item;

/** Every rule of a group, however deep. */
export function rulesOf(group: FilterGroup | undefined): FilterRule[] {
  if (!group) return [];
  const items = 'and' in group ? group.and : group.or;
  return items.flatMap((item) => (isGroup(item) ? rulesOf(item) : [item]));
}

/**
 * A filter group as Lightdash renders it: each rule `(\n  <sql>\n)`, nested groups recursively,
 * joined with AND / OR inside parentheses. Empty groups render nothing. A disabled rule is `1=1`.
 */
export function renderGroup(group: FilterGroup | undefined, resolve: (rule: FilterRule) => FilterTarget, context: FilterContext): string | undefined {
  if (!group) return undefined;
  const [items, joiner] = 'and' in group ? [group.and, ' AND '] : [group.or, ' OR '];
  const parts = items
    .map((item) => {
      if (isGroup(item)) return renderGroup(item, resolve, context);
      return `(\n  ${item.disabled ? '1=1' : renderRule(item, resolve(item), context)}\n)`;
    })
    .filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : `(${parts.join(joiner)})`;
}

function unsupported(rule: FilterRule, target: FilterTarget): never {
  throw new CompileError(
    `No function has been implemented to render SQL for the filter operator ${rule.operator} on ${target.renderer} field ${target.fieldId}`,
    target.fieldId,
    { operator: rule.operator },
  );
}

export function renderRule(rule: FilterRule, target: FilterTarget, context: FilterContext): string {
  const x = target.sql;
  if (rule.operator === 'isNull') return `(${x}) IS NULL`;
  if (rule.operator === 'notNull') return `(${x}) IS NOT NULL`;
  switch (target.renderer) {
    case 'string':
      return renderString(rule, target, context.params);
    case 'number':
      return renderNumber(rule, target, context.params);
    case 'boolean':
      return renderBoolean(rule, target, context.params);
    case 'date':
    case 'timestamp':
      return renderDate(rule, target, context);
  }
}

function stringValues(rule: FilterRule, target: FilterTarget): string[] {
  return rule.values.map((value) => {
    if (typeof value === 'string') return value.replaceAll('\u0000', '').normalize('NFC');
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new CompileError(`Invalid string value in filter on ${target.fieldId}: ${JSON.stringify(value)}`, target.fieldId, { value: value as never });
  });
}

function renderString(rule: FilterRule, target: FilterTarget, params: Parameters): string {
  const insensitive = !(target.fixedCase ? target.caseSensitive : (rule.caseSensitive ?? target.caseSensitive));
  const column = insensitive ? `UPPER(${target.sql})` : target.sql;
  const value = (text: string) => (insensitive ? `UPPER(${params.add(text)})` : params.add(text));
  const values = stringValues(rule, target);
  const x = `(${column})`;
  switch (rule.operator) {
    case 'equals': {
      if (values.length === 0) return rule.includeNull ? `(${target.sql}) IS NULL` : 'true';
      const inList = `${x} IN (${values.map(value).join(',')})`;
      return rule.includeNull ? `(${inList} OR (${target.sql}) IS NULL)` : inList;
    }
    case 'notEquals':
      return values.length === 0 ? 'true' : `(${x} NOT IN (${values.map(value).join(',')}) OR (${target.sql}) IS NULL)`;
    case 'include':
    case 'doesNotInclude':
    case 'startsWith':
    case 'endsWith': {
      const nonEmpty = values.filter((text) => text !== '');
      if (nonEmpty.length === 0) return 'true';
      const like = insensitive ? column : `(${target.sql})`;
      if (rule.operator === 'include') {
        const parts = nonEmpty.map((text) => `${like} LIKE ${value(`%${text}%`)}`);
        return parts.length === 1 ? parts[0] : `(${parts.join('\nOR ')})`;
      }
      if (rule.operator === 'doesNotInclude') {
        return `(${nonEmpty.map((text) => `${like} NOT LIKE ${value(`%${text}%`)}`).join(' AND ')} OR (${target.sql}) IS NULL)`;
      }
      const pattern = (text: string) => (rule.operator === 'startsWith' ? `${text}%` : `%${text}`);
      return nonEmpty.map((text) => `${like} LIKE ${value(pattern(text))}`).join(' OR ');
    }
    default:
      return unsupported(rule, target);
  }
}

/**
 * inPeriodToDate ("in all years/quarters/months/weeks to date"): rows whose day within its own
 * period is not after today's day within the current one, in every period, so that periods compare
 * like for like [filtersCompiler, 2026]. Day of year and day of month count from 1, day of quarter
 * and day of week from 0 (weeks start on `startOfWeek`). A time-interval dimension is compared on
 * its base date; timestamps in the query's zone. Today's position is a bound number.
 */
function renderPeriodToDate(rule: FilterRule, target: FilterTarget, context: FilterContext): string {
  const unit = rule.settings?.unitOfTime ?? 'years';
  const base = target.base?.() ?? { sql: target.sql, type: target.renderer };
  const { zone, startOfWeek } = context.relative;
  const local = base.type === 'timestamp' && !isUtc(zone) ? `(CAST((${base.sql}) AS TIMESTAMPTZ) AT TIME ZONE ${context.params.add(zone, 'text')})` : `(${base.sql})`;
  const today = dayOfPeriod(context.relative.now, zone, unit, startOfWeek);
  if (today === undefined) {
    throw new CompileError(`inPeriodToDate on ${target.fieldId} needs unitOfTime weeks, months, quarters or years, not ${unit}`, target.fieldId, { operator: rule.operator });
  }
  const position: Record<string, string> = {
    years: `EXTRACT(DOY FROM ${local})`,
    months: `EXTRACT(DAY FROM ${local})`,
    quarters: `(CAST(${local} AS DATE) - CAST(DATE_TRUNC('QUARTER', ${local}) AS DATE))`,
    weeks: `MOD(CAST(EXTRACT(ISODOW FROM ${local}) AS INTEGER) + ${6 - startOfWeek}, 7)`,
  };
  return `(${position[unit]} <= ${context.params.add(today, 'numeric')})`;
}

function numberValues(rule: FilterRule, target: FilterTarget): number[] {
  return rule.values.map((value) => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw new CompileError(`Invalid number value in filter: ${JSON.stringify(value)} on ${target.fieldId}`, target.fieldId, { value: value as never });
    }
    return number;
  });
}

const COMPARISONS: Partial<Record<FilterRule['operator'], string>> = { lessThan: '<', lessThanOrEqual: '<=', greaterThan: '>', greaterThanOrEqual: '>=' };

function renderNumber(rule: FilterRule, target: FilterTarget, params: Parameters): string {
  const x = `(${target.sql})`;
  const values = numberValues(rule, target);
  const bind = (number: number) => params.add(number, 'numeric');
  const comparison = COMPARISONS[rule.operator];
  if (comparison) return values.length === 0 ? 'true' : `${x} ${comparison} (${bind(values[0])})`;
  switch (rule.operator) {
    case 'equals':
      return values.length === 0 ? 'true' : `${x} IN (${values.map(bind).join(',')})`;
    case 'notEquals':
      return values.length === 0 ? 'true' : `(${x} NOT IN (${values.map(bind).join(',')}) OR ${x} IS NULL)`;
    case 'inBetween':
      return values.length < 2 ? 'true' : `${x} >= (${bind(values[0])}) AND ${x} <= (${bind(values[1])})`;
    case 'notInBetween':
      return values.length < 2 ? 'true' : `${x} < (${bind(values[0])}) OR ${x} > (${bind(values[1])})`;
    default:
      return unsupported(rule, target);
  }
}

function booleanValue(value: unknown, target: FilterTarget): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) return value.trim().toLowerCase() === 'true';
  throw new CompileError(`Invalid boolean value in filter on ${target.fieldId}: ${JSON.stringify(value)}`, target.fieldId, { value: value as never });
}

function renderBoolean(rule: FilterRule, target: FilterTarget, params: Parameters): string {
  const x = `(${target.sql})`;
  if (rule.operator !== 'equals' && rule.operator !== 'notEquals') return unsupported(rule, target);
  if (rule.values.length === 0) return 'true';
  const value = params.add(booleanValue(rule.values[0], target));
  return rule.operator === 'equals' ? `${x} = ${value}` : `(${x} != ${value} OR ${x} IS NULL)`;
}

function renderDate(rule: FilterRule, target: FilterTarget, context: FilterContext): string {
  const x = `(${target.sql})`;
  const dateOnly = target.renderer === 'date';
  const params = context.params;
  const literal = (value: unknown, normalise = false) => {
    const instant = parseDateValue(value, target.fieldId);
    if (!dateOnly) return params.add(formatTimestamp(instant, target.fieldId));
    // a week/month/… dimension holds the period's first day: an equality matches the period the date falls in
    const day = normalise ? startOfInterval(instant, target.timeInterval, context.relative.startOfWeek) : instant;
    return params.add(formatDate(day, target.fieldId));
  };
  const comparison = COMPARISONS[rule.operator];
  if (comparison) return rule.values.length === 0 ? 'true' : `${x} ${comparison} (${literal(rule.values[0])})`;
  switch (rule.operator) {
    case 'equals':
    case 'notEquals': {
      if (rule.values.length === 0) return 'true';
      const values = rule.values.map((value) => literal(value, true));
      if (rule.operator === 'equals') return values.length === 1 ? `${x} = (${values[0]})` : `${x} IN (${values.join(',')})`;
      return values.length === 1 ? `(${x} != (${values[0]}) OR ${x} IS NULL)` : `(${x} NOT IN (${values.join(',')}) OR ${x} IS NULL)`;
    }
    case 'inBetween':
      return rule.values.length < 2 ? 'true' : `(${x} >= (${literal(rule.values[0])}) AND ${x} <= (${literal(rule.values[1])}))`;
    case 'inThePast':
    case 'notInThePast':
    case 'inTheNext':
    case 'inTheCurrent':
    case 'notInTheCurrent': {
      const current = rule.operator === 'inTheCurrent' || rule.operator === 'notInTheCurrent';
      if (!current && rule.values.length === 0) return 'true';
      const amount = current ? 1 : relativeAmount(rule.values[0], target.fieldId);
      const unit = rule.settings?.unitOfTime ?? 'days';
      const bounds = relativeBounds(rule.operator, amount, unit, rule.settings?.completed === true, dateOnly, context.relative, target.fieldId);
      const range = `${x} >= (${params.add(bounds.from)}) AND ${x} ${bounds.toExclusive ? '<' : '<='} (${params.add(bounds.to)})`;
      if (rule.operator === 'notInThePast') return `NOT((${range}))`;
      if (rule.operator === 'notInTheCurrent') return `(NOT (${range}))`;
      return `(${range})`;
    }
    case 'inPeriodToDate':
      return renderPeriodToDate(rule, target, context);
    default:
      return unsupported(rule, target);
  }
}
