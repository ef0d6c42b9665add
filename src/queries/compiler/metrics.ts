import { CompileError, FieldReferenceError } from './errors.js';
import { fieldId, type QueryContext } from './field-index.js';
import { renderRule, type FilterContext, type Renderer } from './filters.js';
import { parseGroup } from './parse-metric-query.js';
import { checkUserSql, quoteIdentifier, TEMPLATE_REF } from './sql.js';
import type { AdditionalMetric, ExploreMetric, ExploreTable, FilterRule } from './types.js';

export interface ResolvedMetric {
  id: string;
  kind: 'metric' | 'additional_metric';
  sql: string;
  type: string;
  label: string;
  table: string;
  tables: string[];
  /** COUNT DISTINCT, MIN and MAX give the same answer when join rows repeat */
  inflationProof: boolean;
  /** sum_distinct / average_distinct: each value counted once per distinct key, in its own CTE */
  distinct?: { value: string; keys: string[] };
  /** percent_of_total, percent_of_previous, running_total: a window over the metrics it reads, after grouping */
  postCalculation?: { value: string; references: string[] };
}

const AGGREGATE_PREFIX: Record<string, RegExp> = {
  count: /^\s*COUNT\s*\(/i,
  count_distinct: /^\s*COUNT\s*\(\s*DISTINCT\b/i,
  sum: /^\s*SUM\s*\(/i,
  sum_distinct: /^\s*SUM\s*\(/i,
  average: /^\s*AVG\s*\(/i,
  average_distinct: /^\s*AVG\s*\(/i,
  min: /^\s*MIN\s*\(/i,
  max: /^\s*MAX\s*\(/i,
  median: /^\s*PERCENTILE_CONT\s*\(/i,
  percentile: /^\s*PERCENTILE_CONT\s*\(/i,
};
const NON_AGGREGATE_TYPES = new Set(['number', 'string', 'date', 'timestamp', 'boolean']);
export const POST_CALCULATION_TYPES = new Set(['percent_of_total', 'percent_of_previous', 'running_total']);
const DISTINCT_TYPES = new Set(['sum_distinct', 'average_distinct']);
const INFLATION_PROOF = new Set(['count_distinct', 'min', 'max']);
export const AGGREGATE_TYPES = Object.keys(AGGREGATE_PREFIX);

/** The renderer of a filter on a metric of this type [filtersCompiler]. */
export function metricRenderer(type: string): Renderer {
  if (type === 'string') return 'string';
  if (type === 'date') return 'date';
  if (type === 'timestamp') return 'timestamp';
  if (type === 'boolean') return 'boolean';
  return 'number';
}

/** PostgreSQL aggregate of `argument` for a metric type [getDefaultMetricSql, PostgresSqlBuilder.getMetricSql]. */
export function aggregateSql(type: string, argument: string, percentileFraction: string, field: string): string {
  switch (type) {
    case 'count': return `COUNT(${argument})`;
    case 'count_distinct': return `COUNT(DISTINCT ${argument})`;
    case 'sum': case 'sum_distinct': return `SUM(${argument})`;
    case 'average': case 'average_distinct': return `AVG(${argument})`;
    case 'min': return `MIN(${argument})`;
    case 'max': return `MAX(${argument})`;
    case 'median': return `PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ${argument})`;
    case 'percentile': return `PERCENTILE_CONT(${percentileFraction}) WITHIN GROUP (ORDER BY ${argument})`;
    default: throw new CompileError(`Metric ${field} has type ${type}, which is not an aggregate`, field);
  }
}

/**
 * `CASE WHEN (<cond> AND …) THEN (<argument>) ELSE NULL END`: the metric's own filters, each on a
 * dimension of `table` (`status`) or of another table (`customers.status`).
 */
function filteredArgument(argument: string, rules: FilterRule[], table: ExploreTable, context: QueryContext, filterContext: FilterContext, field: string, tables: Set<string>): string {
  if (rules.length === 0) return argument;
  const conditions = rules.map((rule) => {
    const ref = rule.target.fieldId;
    const id = ref.includes('.') ? fieldId(ref.split('.')[0], ref.split('.').slice(1).join('.')) : fieldId(table.name, ref);
    const dimension = context.exploreDimension(id) ? context.dimension(id) : undefined;
    if (!dimension) throw new FieldReferenceError(`Metric ${field} has a filter on an unknown dimension: ${ref}`, field, { reference: ref });
    dimension.tables.forEach((name) => tables.add(name));
    const renderer = dimension.type;
    return rule.disabled ? '1=1' : renderRule(rule, { fieldId: id, sql: dimension.sql, renderer, caseSensitive: dimension.caseSensitive ?? true, timeInterval: dimension.timeInterval }, filterContext);
  });
  return `CASE WHEN (${conditions.join(' AND ')}) THEN (${argument}) ELSE NULL END`;
}

function metricFilterRules(raw: unknown[] | undefined, field: string): FilterRule[] {
  if (!raw || raw.length === 0) return [];
  const group = parseGroup({ and: raw }, `${field}.filters`);
  return (group as { and: FilterRule[] }).and;
}

/**
 * An explore metric's SQL. A compiled explore's metric `compiledSql` is the whole aggregate
 * (`SUM("orders".amount)`); hand-written uploads often carry only its argument
 * (`"orders".amount`). The second form is wrapped in the type's aggregate, with the metric's
 * filters, as the explore compiler would have done.
 */
export function resolveExploreMetric(id: string, context: QueryContext, filterContext: FilterContext): ResolvedMetric | undefined {
  const indexed = context.exploreMetric(id);
  if (!indexed) return undefined;
  const { table, field } = indexed;
  const type = field.type;
  if (POST_CALCULATION_TYPES.has(type)) return resolvePostCalculationMetric(id, context);
  if (typeof field.compiledSql !== 'string' || field.compiledSql.trim() === '') {
    throw new CompileError(`Metric ${id} has no compiledSql in the uploaded explore: upload the compiled explore again`, id);
  }
  const compiled = context.bind(field.compiledSql, id);
  const tables = new Set(field.tablesReferences?.length ? [table.name, ...field.tablesReferences] : [table.name]);
  let sql = compiled;
  // the argument with the metric's filters, built once: its bound values must all appear in the statement
  let argument: string | undefined;
  if (!NON_AGGREGATE_TYPES.has(type) && !AGGREGATE_PREFIX[type]?.test(compiled)) {
    argument = filteredArgument(compiled, metricFilterRules(field.filters, id), table, context, filterContext, id, tables);
    sql = aggregateSql(type, argument, String(percentileFraction(field, id)), id);
  }
  let distinct: ResolvedMetric['distinct'];
  if (DISTINCT_TYPES.has(type)) {
    // a whole compiled aggregate already holds the metric's filters
    distinct = { value: argument ?? unwrapAggregate(compiled, id), keys: distinctKeySql(field.distinctKeys, table.name, context, id, tables) };
  }
  return {
    id, kind: 'metric', sql, type, label: field.label ?? field.name, table: table.name, tables: [...tables],
    inflationProof: INFLATION_PROOF.has(type), ...(distinct ? { distinct } : {}),
  };
}

function percentileFraction(field: Pick<ExploreMetric, 'percentile'>, id: string): number {
  const percentile = field.percentile ?? 50;
  if (typeof percentile !== 'number' || !Number.isFinite(percentile) || percentile < 0 || percentile > 100) {
    throw new CompileError(`Metric ${id}: percentile must be a number from 0 to 100`, id);
  }
  return percentile / 100;
}

/**
 * A custom metric (additionalMetrics): an aggregate over a dimension of its table. Its argument is
 * the base dimension's compiled SQL when `sql` is that dimension's template (what the UI sends);
 * otherwise `sql` is request-written SQL, compiled like a template and reported in userSqlFields.
 */
export function resolveAdditionalMetric(metric: AdditionalMetric, context: QueryContext, filterContext: FilterContext): ResolvedMetric {
  const id = fieldId(metric.table, metric.name);
  quoteIdentifier(id);
  if (!Object.hasOwn(context.explore.tables, metric.table)) {
    throw new CompileError(`Custom metric "${metric.name}" references a table that doesn't exist "${metric.table}"`, id);
  }
  if (!AGGREGATE_PREFIX[metric.type]) throw new CompileError(`Custom metric "${id}" has type ${metric.type}; custom metrics must be one of ${AGGREGATE_TYPES.join(', ')}`, id);
  const table = context.explore.tables[metric.table];
  const baseId = metric.baseDimensionName ? fieldId(metric.table, metric.baseDimensionName) : undefined;
  const base = baseId ? context.exploreDimension(baseId) : undefined;
  let argument: string;
  let tables: Set<string>;
  if (baseId && base && base.field.sql === metric.sql) {
    const dimension = context.dimension(baseId)!;
    argument = dimension.sql;
    tables = new Set(dimension.tables);
  } else {
    checkUserSql(metric.sql, id);
    context.userSqlFields.add(id);
    const compiled = context.compileTemplate(metric.sql, metric.table, id);
    argument = compiled.sql;
    tables = new Set(compiled.tables);
  }
  argument = filteredArgument(argument, metric.filters ?? [], table, context, filterContext, id, tables);
  const distinct = DISTINCT_TYPES.has(metric.type) ? { value: argument, keys: distinctKeySql(metric.distinctKeys, metric.table, context, id, tables) } : undefined;
  const fraction = metric.type === 'percentile' ? context.params.add(percentileFraction(metric, id), 'double precision') : '0.5';
  return {
    id, kind: 'additional_metric', sql: aggregateSql(metric.type, argument, fraction, id), type: metric.type,
    label: metric.label ?? metric.name, table: metric.table, tables: [...tables], inflationProof: INFLATION_PROOF.has(metric.type),
    ...(distinct ? { distinct } : {}),
  };
}

/** `SUM(x)` → `x`: the argument of a compiled aggregate whose call spans the whole expression. */
function unwrapAggregate(sql: string, field: string): string {
  const text = sql.trim();
  const open = text.indexOf('(');
  let depth = 0;
  let quote: string | undefined;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) {
      if (index !== text.length - 1) break;
      return text.slice(open + 1, index).trim();
    }
  }
  throw new CompileError(`Metric ${field}: its compiledSql is not one SUM/AVG call, so its argument cannot be de-duplicated`, field);
}

/**
 * The SQL of a distinct metric's keys [sum_distinct / average_distinct]: each key names a dimension
 * of the metric's table (`line_item_id`) or of another table (`orders.line_item_id`).
 */
function distinctKeySql(keys: string[] | undefined, tableName: string, context: QueryContext, field: string, tables: Set<string>): string[] {
  if (!Array.isArray(keys) || keys.length === 0) throw new CompileError(`Metric ${field} needs distinctKeys: the dimensions that identify each value to count once`, field);
  return keys.map((key) => {
    const parts = typeof key === 'string' ? key.split('.') : [];
    const id = parts.length >= 2 ? fieldId(parts[0], parts.slice(1).join('.')) : fieldId(tableName, String(key));
    const dimension = context.exploreDimension(id) ? context.dimension(id) : undefined;
    if (!dimension) throw new FieldReferenceError(`Metric ${field} has a distinct key that is not a dimension: ${String(key)}`, field, { reference: String(key) });
    dimension.tables.forEach((table) => tables.add(table));
    return dimension.sql;
  });
}

/**
 * A post-calculation metric [compilePostCalculationMetric]: its SQL reads other metrics
 * (`${total_revenue}`, `${orders.total_revenue}`), which become columns of the grouped `metrics`
 * CTE; the window over them is built when the statement is assembled, in the query's sort order.
 */
function resolvePostCalculationMetric(id: string, context: QueryContext): ResolvedMetric {
  const { table, field } = context.exploreMetric(id)!;
  const template = typeof field.sql === 'string' && field.sql.includes('${') ? field.sql : undefined;
  if (!template) throw new CompileError(`Metric ${id} (${field.type}) must reference the metric it is computed from, as \${metric_name}`, id);
  const references = new Set<string>();
  const value = context.bind(template, id).replace(TEMPLATE_REF, (_match, inner: string) => {
    const ref = inner.trim();
    const parts = ref.split('.');
    const referenced = parts.length >= 2 ? fieldId(parts[0], parts.slice(1).join('.')) : fieldId(table.name, ref);
    const target = context.exploreMetric(referenced);
    if (!target) throw new FieldReferenceError(`Metric ${id} references an unknown metric: ${ref}`, id, { reference: ref });
    if (POST_CALCULATION_TYPES.has(target.field.type)) throw new CompileError(`Metric ${id} references ${referenced}, another post-calculation metric`, id);
    references.add(referenced);
    return `metrics.${quoteIdentifier(referenced, id)}`;
  });
  return {
    id, kind: 'metric', sql: value, type: field.type, label: field.label ?? field.name, table: table.name, tables: [table.name],
    inflationProof: true, postCalculation: { value, references: [...references] },
  };
}

/** The window SQL of a post-calculation metric over `metrics`, ordered like the query. */
export function postCalculationSql(metric: ResolvedMetric, orderBy: string[]): string {
  const value = metric.postCalculation!.value;
  const order = orderBy.length > 0 ? `ORDER BY ${orderBy.join(', ')}` : '';
  switch (metric.type) {
    case 'percent_of_total':
      return `(CAST(${value} AS FLOAT) / CAST(NULLIF(SUM(${value}) OVER (), 0) AS FLOAT))`;
    case 'percent_of_previous':
      return `(CAST(${value} AS FLOAT) / CAST(NULLIF(LAG(${value}) OVER (${order}), 0) AS FLOAT))`;
    default:
      return `SUM(${value}) OVER (${order ? `${order} ` : ''}ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  }
}
