import type { ResolvedMetric } from './metrics.js';
import { MAX_IDENTIFIER_BYTES, quoteIdentifier } from './sql.js';

interface DimensionSelectLines {
  lines: { sql: string; alias: string }[];
}

export interface DistinctQueryParts {
  dimensionLines: string[];
  fromLines: string[];
  where?: string;
  /** the grouped query of every other metric (plain or fan-out) */
  base: string;
}

/** `dd_<metric id>`, or `dd_<n>` when that would be longer than PostgreSQL keeps. */
function cteName(metric: ResolvedMetric, index: number): string {
  const name = `dd_${metric.id}`;
  return Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES ? quoteIdentifier(name) : `dd_${index + 1}`;
}

/**
 * sum_distinct / average_distinct metrics [distinct queries]: each gets a CTE over the filtered,
 * joined rows in which every value is numbered within its (distinct keys, dimensions) partition
 * and only the first one counts. `dd_base` holds the dimensions and every other metric; they are
 * joined on the dimensions (NULL matches NULL), or cross-joined without dimensions. Average divides
 * the de-duplicated sum by the de-duplicated count, as FLOATs.
 */
export function distinctMetricCtes(distinct: ResolvedMetric[], others: ResolvedMetric[], dimensions: DimensionSelectLines[], parts: DistinctQueryParts): { ctes: string[]; metricsSql: string } {
  const aliases = dimensions.flatMap((select) => select.lines.map((line) => quoteIdentifier(line.alias)));
  const dimensionSql = dimensions.flatMap((select) => select.lines.map((line) => line.sql));
  const groupBy = aliases.length > 0 ? `GROUP BY ${aliases.map((_, index) => index + 1).join(',')}` : undefined;
  const ctes: string[] = [];
  const sources: { name: string; metrics: ResolvedMetric[] }[] = [];
  if (aliases.length > 0 || others.length > 0) {
    ctes.push(`dd_base AS (\n${parts.base}\n)`);
    sources.push({ name: 'dd_base', metrics: others });
  }
  distinct.forEach((metric, index) => {
    const name = cteName(metric, index);
    const { value, keys } = metric.distinct!;
    const firstValue = 'CASE WHEN __dd_rn = 1 THEN __dd_val ELSE NULL END';
    const aggregate = metric.type === 'average_distinct'
      ? `CAST(SUM(${firstValue}) AS FLOAT) / CAST(NULLIF(COUNT(CASE WHEN __dd_rn = 1 THEN __dd_val END), 0) AS FLOAT)`
      : `SUM(${firstValue})`;
    const numbered = [
      'SELECT',
      [
        ...parts.dimensionLines,
        `  ${value} AS __dd_val`,
        `  ROW_NUMBER() OVER (PARTITION BY ${[...keys, ...dimensionSql].join(', ')} ORDER BY ${value}) AS __dd_rn`,
      ].join(',\n'),
      ...parts.fromLines,
      parts.where,
    ].filter(Boolean).join('\n');
    const selects = [...aliases.map((alias) => `  ${alias}`), `  ${aggregate} AS ${quoteIdentifier(metric.id)}`];
    ctes.push(`${name} AS (\n${['SELECT', selects.join(',\n'), `FROM (\n${numbered}\n) __dd_sub`, groupBy].filter(Boolean).join('\n')}\n)`);
    sources.push({ name, metrics: [metric] });
  });

  const [first, ...rest] = sources;
  const joins = rest.map((source) => {
    if (aliases.length === 0) return `CROSS JOIN ${source.name}`;
    const on = aliases.map((alias) => `(${first.name}.${alias} = ${source.name}.${alias} OR (${first.name}.${alias} IS NULL AND ${source.name}.${alias} IS NULL))`);
    return `INNER JOIN ${source.name} ON ${on.join(' AND ')}`;
  });
  const sourceOf = new Map(sources.flatMap((source) => source.metrics.map((metric) => [metric.id, source.name] as const)));
  const selects = [
    ...aliases.map((alias) => `  ${first.name}.${alias}`),
    ...[...others, ...distinct].map((metric) => `  ${sourceOf.get(metric.id)}.${quoteIdentifier(metric.id)}`),
  ];
  return { ctes, metricsSql: ['SELECT', selects.join(',\n'), `FROM ${first.name}`, ...joins].join('\n') };
}
