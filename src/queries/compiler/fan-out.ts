import type { QueryContext } from './field-index.js';
import type { ResolvedMetric } from './metrics.js';
import { quoteIdentifier } from './sql.js';
import type { Explore } from './types.js';

export interface FanOutInput {
  explore: Explore;
  context: QueryContext;
  metrics: ResolvedMetric[];
  inflated: Set<string>;
  dimensionAliases: string[];
  dimensionLines: string[];
  fromLines: string[];
  where?: string;
  groupBy?: string;
  metricLine: (metric: ResolvedMetric) => string;
}

/** The SQL of a table's primary-key column: its dimension of that name, else `"table".column`. */
function primaryKeySql(tableName: string, column: string, context: QueryContext): string | undefined {
  const dimension = context.exploreDimension(`${tableName}_${column}`);
  if (dimension && dimension.field.name === column) return context.dimension(`${tableName}_${column}`)!.sql;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) ? `${quoteIdentifier(tableName)}.${column}` : undefined;
}

/**
 * Metrics over tables whose rows the joins repeat, computed without the repeats [fan-out CTEs]:
 * - `cte_keys_<t>`: the distinct (dimensions, primary key of t) pairs of the filtered, joined rows;
 * - `cte_metrics_<t>`: t's metrics over those keys joined back to t, grouped by the dimensions;
 * - `cte_unaffected`: the dimensions and every other metric, as the plain query computes them;
 * joined into `metrics` on the dimensions (NULL matches NULL), or cross-joined without dimensions.
 * Metrics that are inflation-proof, or that read other tables, or whose table has no primary key,
 * stay in cte_unaffected (the last two with a warning). Undefined when nothing needs it.
 */
export function fanOutCtes(input: FanOutInput): { ctes: string[]; metricsSql: string } | undefined {
  const { explore, context, inflated } = input;
  const byTable = new Map<string, { keys: { sql: string; alias: string }[]; metrics: ResolvedMetric[] }>();
  const unaffected: ResolvedMetric[] = [];
  for (const metric of input.metrics) {
    if (metric.inflationProof || !metric.tables.some((table) => inflated.has(table))) {
      unaffected.push(metric);
      continue;
    }
    const table = explore.tables[metric.table];
    const keyColumns = table.primaryKey === undefined ? [] : Array.isArray(table.primaryKey) ? table.primaryKey : [table.primaryKey];
    const keys = keyColumns.map((column) => ({ sql: primaryKeySql(metric.table, column, context), alias: `pk_${column}` }));
    if (metric.tables.length !== 1 || metric.tables[0] !== metric.table || keys.length === 0 || keys.some((key) => key.sql === undefined)) {
      if (keys.length === 0) context.warnings.push(`Table "${metric.table}" is missing a primary key`);
      context.warnings.push(`Metric "${metric.id}" could be inflated due to join relationships`);
      unaffected.push(metric);
      continue;
    }
    const entry = byTable.get(metric.table) ?? { keys: keys as { sql: string; alias: string }[], metrics: [] };
    entry.metrics.push(metric);
    byTable.set(metric.table, entry);
  }
  if (byTable.size === 0) return undefined;

  const dimensionColumns = input.dimensionAliases.map((alias) => quoteIdentifier(alias));
  const ctes: string[] = [];
  const metricSource = new Map<string, string>();
  for (const [tableName, { keys, metrics }] of byTable) {
    const keysCte = quoteIdentifier(`cte_keys_${tableName}`, tableName);
    const metricsCte = quoteIdentifier(`cte_metrics_${tableName}`, tableName);
    const keyLines = keys.map((key) => `  ${key.sql} AS ${quoteIdentifier(key.alias, tableName)}`);
    ctes.push(`${keysCte} AS (\n${['SELECT DISTINCT', [...input.dimensionLines, ...keyLines].join(',\n'), ...input.fromLines, input.where].filter(Boolean).join('\n')}\n)`);
    const table = explore.tables[tableName];
    const on = keys.map((key) => `${key.sql} = ${keysCte}.${quoteIdentifier(key.alias, tableName)}`).join(' AND ');
    const selects = [...dimensionColumns.map((column) => `  ${keysCte}.${column} AS ${column}`), ...metrics.map(input.metricLine)];
    const groupBy = dimensionColumns.length > 0 ? `GROUP BY ${dimensionColumns.map((_, index) => index + 1).join(',')}` : undefined;
    ctes.push(`${metricsCte} AS (\n${[
      'SELECT', selects.join(',\n'), `FROM ${keysCte}`,
      `LEFT JOIN ${context.bind(table.sqlTable, tableName)} AS ${quoteIdentifier(tableName)} ON ${on}`, groupBy,
    ].filter(Boolean).join('\n')}\n)`);
    metrics.forEach((metric) => metricSource.set(metric.id, metricsCte));
  }
  ctes.push(`cte_unaffected AS (\n${['SELECT', [...input.dimensionLines, ...unaffected.map(input.metricLine)].join(',\n'), ...input.fromLines, input.where, input.groupBy].filter(Boolean).join('\n')}\n)`);

  const joins = [...new Set(metricSource.values())].map((cte) => {
    if (dimensionColumns.length === 0) return `CROSS JOIN ${cte}`;
    const on = dimensionColumns.map((column) => `(cte_unaffected.${column} = ${cte}.${column} OR (cte_unaffected.${column} IS NULL AND ${cte}.${column} IS NULL))`);
    return `LEFT JOIN ${cte} ON ${on.join(' AND ')}`;
  });
  const selects = [
    ...dimensionColumns.map((column) => `  cte_unaffected.${column}`),
    ...input.metrics.map((metric) => `  ${metricSource.get(metric.id) ?? 'cte_unaffected'}.${quoteIdentifier(metric.id)}`),
  ];
  return { ctes, metricsSql: ['SELECT', selects.join(',\n'), 'FROM cte_unaffected', ...joins].join('\n') };
}
