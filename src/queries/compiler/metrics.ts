import { CompileError, FieldReferenceError } from './errors.js';
import { fieldId, type QueryContext } from './field-index.js';
import { renderRule, type FilterContext, type Renderer } from './filters.js';
import { parseGroup } from './parse-metric-query.js';
import { checkUserSql, quoteIdentifier } from './sql.js';
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
const POST_CALCULATION_TYPES = new Set(['percent_of_total', 'percent_of_previous', 'running_total']);
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
  if (POST_CALCULATION_TYPES.has(type)) throw new CompileError(`Metric ${id} has type ${type}: post-calculation metrics are not supported yet`, id);
  if (typeof field.compiledSql !== 'string' || field.compiledSql.trim() === '') {
    throw new CompileError(`Metric ${id} has no compiledSql in the uploaded explore: upload the compiled explore again`, id);
  }
  const compiled = context.bind(field.compiledSql, id);
  const tables = new Set(field.tablesReferences?.length ? [table.name, ...field.tablesReferences] : [table.name]);
  let sql = compiled;
  if (!NON_AGGREGATE_TYPES.has(type) && !AGGREGATE_PREFIX[type]?.test(compiled)) {
    const argument = filteredArgument(compiled, metricFilterRules(field.filters, id), table, context, filterContext, id, tables);
    sql = aggregateSql(type, argument, String(percentileFraction(field, id)), id);
  }
  if (type === 'sum_distinct' || type === 'average_distinct') {
    context.warnings.push(`Metric "${id}" (${type}) is computed as ${type === 'sum_distinct' ? 'SUM' : 'AVG'} without de-duplicating on its distinct keys`);
  }
  return {
    id, kind: 'metric', sql, type, label: field.label ?? field.name, table: table.name, tables: [...tables],
    inflationProof: INFLATION_PROOF.has(type),
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
  const fraction = metric.type === 'percentile' ? context.params.add(percentileFraction(metric, id), 'double precision') : '0.5';
  return {
    id, kind: 'additional_metric', sql: aggregateSql(metric.type, argument, fraction, id), type: metric.type,
    label: metric.label ?? metric.name, table: metric.table, tables: [...tables], inflationProof: INFLATION_PROOF.has(metric.type),
  };
}
