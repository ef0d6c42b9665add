import { isPlainObject } from '../../common/plain-object.js';
import { CompileError } from './errors.js';
import {
  FILTER_OPERATORS, UNITS_OF_TIME,
  type AdditionalMetric, type CustomDimension, type CustomGroup, type DimensionType, type FilterGroup, type FilterItem, type FilterRule,
  type FrameBoundary, type GroupMatch, type MetricQuery, type SortField, type TableCalculation, type TableCalculationTemplate, type UnitOfTime,
  type WindowFunction,
} from './types.js';

type Json = Record<string, unknown>;

const DIMENSION_TYPES: DimensionType[] = ['string', 'number', 'timestamp', 'date', 'boolean'];
/** deeper filter trees than any client builds; the limit keeps the recursive renderer far from the stack's end */
const MAX_FILTER_DEPTH = 20;

const fail = (path: string, message: string): never => {
  throw new CompileError(`${path}: ${message}`, path);
};

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  return value as string;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, path);
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(path, 'must be a boolean');
  return value as boolean;
}

function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a finite number');
  return value as number;
}

function array(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value as unknown[];
}

function object(value: unknown, path: string): Json {
  if (!isPlainObject(value)) fail(path, 'must be an object');
  return value as Json;
}

function parseRule(raw: Json, path: string): FilterRule {
  const target = object(raw.target, `${path}.target`);
  const operator = raw.operator;
  const fieldId = string(target.fieldId ?? target.fieldRef, `${path}.target.fieldId`);
  if (typeof operator !== 'string' || !FILTER_OPERATORS.includes(operator as FilterRule['operator'])) {
    throw new CompileError(`Unknown filter operator ${JSON.stringify(operator)} on field ${fieldId}`, fieldId, { operator: operator ?? null });
  }
  const values = array(raw.values, `${path}.values`);
  values.forEach((value, index) => {
    if (Array.isArray(value) || isPlainObject(value)) {
      throw new CompileError(`Filter values of ${fieldId} must be strings, numbers, booleans or null, not nested arrays or objects`, fieldId, { index });
    }
  });
  let settings: FilterRule['settings'];
  if (raw.settings !== undefined && raw.settings !== null) {
    const rawSettings = object(raw.settings, `${path}.settings`);
    const unitOfTime = rawSettings.unitOfTime;
    if (unitOfTime !== undefined && unitOfTime !== null && !UNITS_OF_TIME.includes(unitOfTime as never)) {
      throw new CompileError(`Unknown unit of time ${JSON.stringify(unitOfTime)} on field ${fieldId}`, fieldId);
    }
    settings = { unitOfTime: (unitOfTime ?? undefined) as UnitOfTime | undefined, completed: optionalBoolean(rawSettings.completed, `${path}.settings.completed`) };
  }
  return {
    id: typeof raw.id === 'string' ? raw.id : undefined,
    target: { fieldId },
    operator: operator as FilterRule['operator'],
    values,
    settings,
    disabled: optionalBoolean(raw.disabled, `${path}.disabled`),
    caseSensitive: optionalBoolean(raw.caseSensitive, `${path}.caseSensitive`),
    includeNull: optionalBoolean(raw.includeNull, `${path}.includeNull`),
    required: optionalBoolean(raw.required, `${path}.required`),
  };
}

function parseItem(raw: unknown, path: string, depth: number): FilterItem {
  const item = object(raw, path);
  if (item.and !== undefined || item.or !== undefined) return parseGroup(item, path, depth + 1);
  return parseRule(item, path);
}

export function parseGroup(raw: unknown, path: string, depth = 0): FilterGroup {
  const group = object(raw, path);
  if (depth > MAX_FILTER_DEPTH) fail(path, `filter groups can be nested at most ${MAX_FILTER_DEPTH} deep`);
  const id = typeof group.id === 'string' ? group.id : undefined;
  if (group.and !== undefined && group.or !== undefined) fail(path, "a filter group has either 'and' or 'or', not both");
  if (group.or !== undefined) return { id, or: array(group.or, `${path}.or`).map((item, index) => parseItem(item, `${path}.or.${index}`, depth)) };
  return { id, and: array(group.and, `${path}.and`).map((item, index) => parseItem(item, `${path}.and.${index}`, depth)) };
}

function parseSort(raw: unknown, path: string): SortField {
  const sort = object(raw, path);
  return {
    fieldId: string(sort.fieldId, `${path}.fieldId`),
    descending: optionalBoolean(sort.descending, `${path}.descending`) ?? false,
    nullsFirst: optionalBoolean(sort.nullsFirst, `${path}.nullsFirst`),
  };
}

const TEMPLATE_TYPES = ['percent_change_from_previous', 'percent_of_previous_value', 'percent_of_column_total', 'rank_in_column', 'running_total', 'window_function'];
const WINDOW_FUNCTIONS = ['row_number', 'percent_rank', 'cume_dist', 'rank', 'sum', 'avg', 'count', 'min', 'max'];
const FRAME_BOUNDARIES = ['unbounded_preceding', 'preceding', 'current_row', 'following', 'unbounded_following'];
/** frame offsets beyond this are no real use and only make big numbers in the SQL */
const MAX_FRAME_OFFSET = 100_000;

function oneOf<T extends string>(value: unknown, allowed: readonly string[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function parseFrameBoundary(raw: unknown, path: string): FrameBoundary {
  const boundary = object(raw, path);
  const type = oneOf<FrameBoundary['type']>(boundary.type, FRAME_BOUNDARIES, `${path}.type`);
  if (type !== 'preceding' && type !== 'following') return { type };
  const offset = boundary.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_FRAME_OFFSET) {
    fail(`${path}.offset`, `must be a whole number from 0 to ${MAX_FRAME_OFFSET}`);
  }
  return { type, offset: offset as number };
}

function parseTemplate(raw: unknown, path: string): TableCalculationTemplate {
  const template = object(raw, path);
  const type = oneOf<TableCalculationTemplate['type']>(template.type, TEMPLATE_TYPES, `${path}.type`);
  const windowFunction = type === 'window_function' ? oneOf<WindowFunction>(template.windowFunction, WINDOW_FUNCTIONS, `${path}.windowFunction`) : undefined;
  const takesNoField = windowFunction !== undefined && ['row_number', 'percent_rank', 'cume_dist', 'rank'].includes(windowFunction);
  const fieldId = takesNoField ? optionalString(template.fieldId, `${path}.fieldId`) ?? null : string(template.fieldId, `${path}.fieldId`);
  const orderBy = array(template.orderBy, `${path}.orderBy`).map((item, index) => {
    const entry = object(item, `${path}.orderBy.${index}`);
    const order = entry.order === undefined || entry.order === null ? null : oneOf<'asc' | 'desc'>(entry.order, ['asc', 'desc'], `${path}.orderBy.${index}.order`);
    return { fieldId: string(entry.fieldId, `${path}.orderBy.${index}.fieldId`), order };
  });
  const partitionBy = fieldIds(template.partitionBy, `${path}.partitionBy`);
  let frame: TableCalculationTemplate['frame'];
  if (type === 'window_function' && template.frame !== undefined && template.frame !== null) {
    const rawFrame = object(template.frame, `${path}.frame`);
    frame = {
      frameType: oneOf<'rows' | 'range'>(rawFrame.frameType, ['rows', 'range'], `${path}.frame.frameType`),
      start: rawFrame.start === undefined || rawFrame.start === null ? undefined : parseFrameBoundary(rawFrame.start, `${path}.frame.start`),
      end: parseFrameBoundary(rawFrame.end, `${path}.frame.end`),
    };
  }
  return { type, fieldId, orderBy, partitionBy, windowFunction, frame };
}

function parseTableCalculation(raw: unknown, path: string): TableCalculation {
  const tc = object(raw, path);
  const name = string(tc.name, `${path}.name`);
  const hasTemplate = tc.template !== undefined && tc.template !== null;
  // an empty sql next to a template is the template (some clients send both keys)
  const hasSql = tc.sql !== undefined && tc.sql !== null && !(hasTemplate && tc.sql === '');
  if (!hasSql && !hasTemplate && tc.formula !== undefined && tc.formula !== null) {
    throw new CompileError(`Table calculation ${name}: formula table calculations are not supported; send it as sql or as a template`, name);
  }
  if (hasSql === hasTemplate) fail(path, "a table calculation has exactly one of 'sql' and 'template'");
  const type = optionalString(tc.type, `${path}.type`);
  if (type !== undefined && !DIMENSION_TYPES.includes(type as DimensionType)) fail(`${path}.type`, `must be one of ${DIMENSION_TYPES.join(', ')}`);
  const format = isPlainObject(tc.format) ? { type: typeof tc.format.type === 'string' ? tc.format.type : undefined } : undefined;
  return {
    name, displayName: optionalString(tc.displayName, `${path}.displayName`) ?? name,
    ...(hasSql ? { sql: string(tc.sql, `${path}.sql`) } : { template: parseTemplate(tc.template, `${path}.template`) }),
    type: type as TableCalculation['type'], format,
  };
}

function parseAdditionalMetric(raw: unknown, path: string): AdditionalMetric {
  const metric = object(raw, path);
  return {
    table: string(metric.table, `${path}.table`),
    name: string(metric.name, `${path}.name`),
    type: string(metric.type, `${path}.type`),
    sql: string(metric.sql, `${path}.sql`),
    label: optionalString(metric.label, `${path}.label`),
    baseDimensionName: optionalString(metric.baseDimensionName, `${path}.baseDimensionName`),
    percentile: optionalNumber(metric.percentile, `${path}.percentile`),
    distinctKeys: metric.distinctKeys === undefined || metric.distinctKeys === null ? undefined : fieldIds(metric.distinctKeys, `${path}.distinctKeys`),
    filters: array(metric.filters, `${path}.filters`).map((rule, index) => parseRule(object(rule, `${path}.filters.${index}`), `${path}.filters.${index}`)),
  };
}

const GROUP_MATCHES = ['exact', 'startsWith', 'endsWith', 'includes'];

/** `{name, values}`: each value a string (an exact match) or `{match, value}` with match exact / startsWith / endsWith / includes. */
function parseCustomGroup(raw: unknown, path: string): CustomGroup {
  const group = object(raw, path);
  const values = array(group.values, `${path}.values`).map((item, index) => {
    const itemPath = `${path}.values.${index}`;
    if (typeof item === 'string') return { match: 'exact' as const, value: item };
    const rule = object(item, itemPath);
    const value = rule.value;
    if (typeof value !== 'string') fail(`${itemPath}.value`, 'must be a string');
    return { match: oneOf<GroupMatch>(rule.match ?? 'exact', GROUP_MATCHES, `${itemPath}.match`), value: value as string };
  });
  return { name: string(group.name, `${path}.name`), values };
}

function parseCustomDimension(raw: unknown, path: string): CustomDimension {
  const dimension = object(raw, path);
  const base = { id: string(dimension.id, `${path}.id`), name: string(dimension.name, `${path}.name`), table: string(dimension.table, `${path}.table`) };
  if (dimension.type === 'sql') {
    const dimensionType = dimension.dimensionType;
    if (!DIMENSION_TYPES.includes(dimensionType as DimensionType)) fail(`${path}.dimensionType`, `must be one of ${DIMENSION_TYPES.join(', ')}`);
    return { ...base, type: 'sql', sql: string(dimension.sql, `${path}.sql`), dimensionType: dimensionType as DimensionType };
  }
  if (dimension.type !== 'bin') throw new CompileError(`Custom dimension ${base.id}: type must be 'bin' or 'sql'`, base.id);
  const binType = dimension.binType;
  if (binType !== 'fixed_width' && binType !== 'fixed_number' && binType !== 'custom_range' && binType !== 'custom_group') {
    throw new CompileError(`Custom dimension ${base.id}: binType ${JSON.stringify(binType)} is not supported (fixed_width, fixed_number, custom_range, custom_group)`, base.id);
  }
  return {
    ...base,
    type: 'bin',
    dimensionId: string(dimension.dimensionId, `${path}.dimensionId`),
    binType,
    binWidth: optionalNumber(dimension.binWidth, `${path}.binWidth`),
    binNumber: optionalNumber(dimension.binNumber, `${path}.binNumber`),
    customRange: array(dimension.customRange, `${path}.customRange`).map((range, index) => {
      const item = object(range, `${path}.customRange.${index}`);
      return { from: optionalNumber(item.from, `${path}.customRange.${index}.from`), to: optionalNumber(item.to, `${path}.customRange.${index}.to`) };
    }),
    customGroups: array(dimension.customGroups, `${path}.customGroups`).map((group, index) => parseCustomGroup(group, `${path}.customGroups.${index}`)),
  };
}

function fieldIds(value: unknown, path: string): string[] {
  return array(value, path).map((id, index) => string(id, `${path}.${index}`));
}

/** The request body as a MetricQuery, or a CompileError naming the first malformed part. */
export function parseMetricQuery(body: unknown): MetricQuery {
  const query = object(body, 'metricQuery');
  const filters = query.filters === undefined || query.filters === null ? {} : object(query.filters, 'filters');
  const group = (key: string) => (filters[key] === undefined || filters[key] === null ? undefined : parseGroup(filters[key], `filters.${key}`));
  let limit: number | undefined;
  if (query.limit !== undefined && query.limit !== null) {
    if (typeof query.limit !== 'number' || !Number.isSafeInteger(query.limit) || query.limit < 0) {
      throw new CompileError('limit must be a whole number of rows, zero or more', 'limit', { value: query.limit as never });
    }
    limit = query.limit;
  }
  return {
    exploreName: string(query.exploreName, 'exploreName'),
    dimensions: fieldIds(query.dimensions, 'dimensions'),
    metrics: fieldIds(query.metrics, 'metrics'),
    filters: { dimensions: group('dimensions'), metrics: group('metrics'), tableCalculations: group('tableCalculations') },
    sorts: array(query.sorts, 'sorts').map((sort, index) => parseSort(sort, `sorts.${index}`)),
    limit,
    tableCalculations: array(query.tableCalculations, 'tableCalculations').map((tc, index) => parseTableCalculation(tc, `tableCalculations.${index}`)),
    additionalMetrics: array(query.additionalMetrics, 'additionalMetrics').map((metric, index) => parseAdditionalMetric(metric, `additionalMetrics.${index}`)),
    customDimensions: array(query.customDimensions, 'customDimensions').map((dimension, index) => parseCustomDimension(dimension, `customDimensions.${index}`)),
    timezone: optionalString(query.timezone, 'timezone'),
  };
}
