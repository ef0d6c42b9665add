import { isPlainObject } from '../../common/plain-object.js';
import { compileBin, type CompiledBin } from './custom-dimensions.js';
import { CompileError, FieldReferenceError } from './errors.js';
import { fieldId, QueryContext, type ResolvedDimension } from './field-index.js';
import { fanOutCtes } from './fan-out.js';
import { renderGroup, renderRule, rulesOf, type FilterContext, type FilterTarget } from './filters.js';
import { inflatedTables, joinSql, neededJoins, tablesInSql } from './joins.js';
import { distinctMetricCtes } from './distinct-metrics.js';
import { metricRenderer, postCalculationSql, resolveAdditionalMetric, resolveExploreMetric, type ResolvedMetric } from './metrics.js';
import { parseGroup, parseMetricQuery } from './parse-metric-query.js';
import { quoteIdentifier } from './sql.js';
import { compileTableCalculation, orderByDependencies, tableCalculationRenderer } from './table-calculations.js';
import { checkTimeZone, chronologicalSortExpression } from './time.js';
import type { CompiledField, CompiledQuery, CompileOptions, CustomBinDimension, CustomSqlDimension, Explore, FilterRule, MetricQuery } from './types.js';

const DEFAULT_LIMIT = 500;

/** The uploaded explore's structure the compiler walks; a malformed one is a CompileError, not a crash. */
function checkExplore(explore: unknown): Explore {
  if (!isPlainObject(explore) || typeof explore.baseTable !== 'string' || !isPlainObject(explore.tables) || !Object.hasOwn(explore.tables, explore.baseTable)) {
    throw new CompileError('The explore has no base table: upload the compiled explore again', 'exploreName');
  }
  if (explore.errors !== undefined) throw new CompileError(`Explore "${String(explore.name)}" has errors`, 'exploreName');
  for (const [name, table] of Object.entries(explore.tables)) {
    if (!isPlainObject(table) || typeof table.sqlTable !== 'string' || table.sqlTable.trim() === '') {
      throw new CompileError(`Table "${name}" has no sqlTable in the uploaded explore`, name);
    }
  }
  const joinedTables = Array.isArray(explore.joinedTables) ? explore.joinedTables.filter((join) => isPlainObject(join) && typeof join.table === 'string') : [];
  return { ...(explore as unknown as Explore), joinedTables: joinedTables as unknown as Explore['joinedTables'] };
}

function resolveLimit(query: MetricQuery, options: CompileOptions, warnings: string[]): number {
  if (!Number.isSafeInteger(options.maxLimit) || options.maxLimit < 1) throw new Error('compileMetricQuery: maxLimit must be a positive integer');
  const requested = query.limit ?? Math.min(options.defaultLimit ?? DEFAULT_LIMIT, options.maxLimit);
  if (requested > options.maxLimit) {
    warnings.push(`The limit ${requested} is above the maximum of ${options.maxLimit} rows; ${options.maxLimit} rows at most are returned`);
    return options.maxLimit;
  }
  return requested;
}

interface DimensionSelect {
  id: string;
  /** the select lines (a bin has its label and its `_order` column) */
  lines: { sql: string; alias: string }[];
  field: CompiledField;
  sortColumn: string;
  isDate: boolean;
}

/**
 * Compiles a Lightdash MetricQuery against a stored (compiled) explore into one PostgreSQL
 * statement. Every value from the request is a bound parameter; SQL text comes from the explore's
 * compiled SQL, from fixed templates, and from the request-written SQL of table calculations and
 * custom SQL fields (listed in `userSqlFields`). Throws CompileError / FieldReferenceError (400)
 * naming the field at fault.
 */
export function compileMetricQuery(exploreInput: unknown, metricQueryInput: unknown, options: CompileOptions): CompiledQuery {
  const explore = checkExplore(exploreInput);
  const query = parseMetricQuery(metricQueryInput);
  const zone = checkTimeZone(query.timezone ?? options.timezone ?? 'UTC', 'timezone');
  const customById = new Map<string, CustomSqlDimension | CustomBinDimension>();
  for (const custom of query.customDimensions) {
    if (customById.has(custom.id)) throw new CompileError(`Custom dimension ${custom.id} appears more than once`, custom.id);
    customById.set(custom.id, custom);
  }
  const context = new QueryContext(explore, options, zone, query.customDimensions.filter((custom): custom is CustomSqlDimension => custom.type === 'sql'));
  const warnings = context.warnings;
  const filterContext: FilterContext = { params: context.params, relative: { now: options.now ?? new Date(), zone, startOfWeek: context.startOfWeek } };
  const neededTables = new Set<string>([explore.baseTable]);
  const need = (tables: string[]) => tables.forEach((table) => neededTables.add(table));

  // ---- dimensions: explore ones in request order, then bins, then custom SQL ones ----
  const exploreDimensions: DimensionSelect[] = [];
  const binSelects: DimensionSelect[] = [];
  const customSqlSelects: DimensionSelect[] = [];
  const bins: CompiledBin[] = [];
  for (const id of new Set(query.dimensions)) {
    const custom = customById.get(id);
    if (custom?.type === 'bin') {
      const bin = compileBin(custom, context);
      bins.push(bin);
      need(bin.tables);
      binSelects.push({
        id, lines: [{ sql: bin.labelSql, alias: id }, { sql: bin.orderSql, alias: bin.orderColumn }],
        field: { kind: 'custom_dimension', type: 'string', label: bin.label, table: custom.table, orderColumn: bin.orderColumn },
        sortColumn: quoteIdentifier(bin.orderColumn), isDate: false,
      });
      continue;
    }
    const dimension = context.dimension(id);
    if (!dimension) {
      if (context.isMetric(id)) throw new FieldReferenceError(`${id} is a metric, not a dimension: list it under metrics`, id);
      throw new FieldReferenceError(`Tried to reference dimension with unknown field id: ${id}`, id);
    }
    need(dimension.tables);
    const select: DimensionSelect = {
      id, lines: [{ sql: dimension.sql, alias: id }],
      field: { kind: dimension.kind, type: dimension.type, label: dimension.label, table: dimension.table, ...(dimension.timeInterval ? { timeInterval: dimension.timeInterval } : {}) },
      sortColumn: chronologicalSortExpression(dimension.timeInterval, quoteIdentifier(id)) ?? quoteIdentifier(id),
      isDate: dimension.type === 'date' || dimension.type === 'timestamp',
    };
    (dimension.kind === 'custom_dimension' ? customSqlSelects : exploreDimensions).push(select);
  }
  const dimensionSelects = [...exploreDimensions, ...binSelects, ...customSqlSelects];

  // ---- metrics (request order); metrics only filtered on are selected too, then dropped ----
  const additionalById = new Map<string, (typeof query.additionalMetrics)[number]>();
  for (const metric of query.additionalMetrics) additionalById.set(fieldId(metric.table, metric.name), metric);
  const resolveMetric = (id: string): ResolvedMetric | undefined => {
    const additional = additionalById.get(id);
    return additional ? resolveAdditionalMetric(additional, context, filterContext) : resolveExploreMetric(id, context, filterContext);
  };
  const metrics = new Map<string, ResolvedMetric>();
  for (const id of query.metrics) {
    if (metrics.has(id)) continue;
    const metric = resolveMetric(id);
    if (!metric) {
      if (context.exploreDimension(id) || customById.has(id)) throw new FieldReferenceError(`${id} is a dimension, not a metric: list it under dimensions`, id);
      throw new FieldReferenceError(`Tried to reference metric with unknown field id: ${id}`, id);
    }
    metrics.set(id, metric);
  }
  const selectedMetricIds = new Set(metrics.keys());

  // ---- filters ----
  const dimensionTarget = (rule: FilterRule): FilterTarget => {
    const id = rule.target.fieldId;
    if (customById.get(id)?.type === 'bin') throw new CompileError(`Custom bin dimension ${id} cannot be filtered`, id);
    const dimension = context.dimension(id);
    if (!dimension) {
      if (context.isMetric(id) || additionalById.has(id)) throw new CompileError(`Dimension filters cannot target the metric ${id}: put the filter under filters.metrics`, id);
      throw new FieldReferenceError(`Filter has a reference to an unknown dimension: ${id}`, id);
    }
    need(dimension.tables);
    return dimensionFilterTarget(dimension, explore);
  };
  const metricTarget = (rule: FilterRule): FilterTarget => {
    const id = rule.target.fieldId;
    let metric = metrics.get(id);
    if (!metric) {
      metric = resolveMetric(id);
      if (!metric) {
        if (context.dimension(id) || customById.has(id)) throw new CompileError(`Metric filters cannot target the dimension ${id}: put the filter under filters.dimensions`, id);
        throw new FieldReferenceError(`Filter has a reference to an unknown metric: ${id}`, id);
      }
      metrics.set(id, metric);
    }
    return { fieldId: id, sql: quoteIdentifier(id), renderer: metricRenderer(metric.type), caseSensitive: true, fixedCase: true };
  };
  const tableCalculationsByName = new Map(query.tableCalculations.map((tc) => [tc.name, tc]));
  const tableCalculationTarget = (rule: FilterRule): FilterTarget => {
    const id = rule.target.fieldId;
    const tc = tableCalculationsByName.get(id);
    if (!tc) throw new FieldReferenceError(`Filter has a reference to an unknown table calculation: ${id}`, id);
    return { fieldId: id, sql: quoteIdentifier(id), renderer: tableCalculationRenderer(tc), caseSensitive: true, fixedCase: true };
  };

  const whereParts: string[] = [];
  const baseTable = explore.tables[explore.baseTable];
  if (typeof baseTable.sqlWhere === 'string' && baseTable.sqlWhere.trim() !== '') {
    need(tablesInSql(baseTable.sqlWhere, explore));
    whereParts.push(`(${context.bind(baseTable.sqlWhere, explore.baseTable)})`);
  }
  const dimensionFilter = renderGroup(query.filters.dimensions, dimensionTarget, filterContext);
  if (dimensionFilter) whereParts.push(dimensionFilter);
  const filteredIds = new Set(rulesOf(query.filters.dimensions).filter((rule) => !rule.disabled).map((rule) => rule.target.fieldId));
  for (const rule of requiredFilters(baseTable.requiredFilters, explore.baseTable)) {
    if (filteredIds.has(rule.target.fieldId)) continue;
    whereParts.push(`(${renderRule(rule, dimensionTarget(rule), filterContext)})`);
  }
  const metricFilter = renderGroup(query.filters.metrics, metricTarget, filterContext);
  const tableCalculationFilter = renderGroup(query.filters.tableCalculations, tableCalculationTarget, filterContext);
  // the metrics post-calculation metrics read are computed in the grouped query (and dropped at the end unless selected)
  for (const metric of [...metrics.values()]) {
    for (const reference of metric.postCalculation?.references ?? []) {
      if (!metrics.has(reference)) metrics.set(reference, resolveMetric(reference)!);
    }
  }
  for (const metric of metrics.values()) need(metric.tables);
  const filterOnlyMetricIds = [...metrics.keys()].filter((id) => !selectedMetricIds.has(id));

  // ---- sorts ----
  const sortable = new Map<string, string>();
  dimensionSelects.forEach((select) => sortable.set(select.id, select.sortColumn));
  selectedMetricIds.forEach((id) => sortable.set(id, quoteIdentifier(id)));
  query.tableCalculations.forEach((tc) => sortable.set(tc.name, quoteIdentifier(tc.name)));
  let sorts = query.sorts;
  if (sorts.length === 0 && dimensionSelects.length > 0) {
    const dateDimension = dimensionSelects.find((select) => select.isDate);
    const firstMetric = [...selectedMetricIds][0];
    if (dateDimension) sorts = [{ fieldId: dateDimension.id, descending: true }];
    else if (firstMetric) sorts = [{ fieldId: firstMetric, descending: true }];
    else sorts = [{ fieldId: dimensionSelects[0].id, descending: false }];
  }

  // ---- table calculations ----
  const selectedIds = new Set([...dimensionSelects.map((select) => select.id), ...selectedMetricIds]);
  const compiledTableCalculations = orderByDependencies(
    query.tableCalculations.map((tc) => compileTableCalculation(tc, selectedIds, new Set(tableCalculationsByName.keys()), sorts)),
  );
  for (const tc of query.tableCalculations) if (tc.sql !== undefined) context.userSqlFields.add(tc.name);
  const orderBy = sorts.map((sort) => {
    const column = sortable.get(sort.fieldId);
    if (!column) throw new FieldReferenceError(`Sort field ${sort.fieldId} is not a field of the query`, sort.fieldId);
    const nulls = sort.nullsFirst === undefined ? '' : sort.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return `${column}${sort.descending ? ' DESC' : ''}${nulls}`;
  });
  const chronologicalSort = dimensionSelects.some((select) => sorts.some((sort) => sort.fieldId === select.id) && select.sortColumn.startsWith('CASE'));

  const limit = context.params.add(resolveLimit(query, options, warnings), 'bigint');

  // ---- FROM, joins ----
  const joins = neededJoins(explore, neededTables);
  const fromLines = [`FROM ${context.bind(baseTable.sqlTable, explore.baseTable)} AS ${quoteIdentifier(explore.baseTable)}`, ...joins.map((join) => joinSql(join, context))];
  for (const bin of bins) if (bin.cte) fromLines.push(`CROSS JOIN ${bin.cte.name}`);
  const where = whereParts.length > 0 ? `WHERE ${whereParts.join(' AND ')}` : undefined;

  const dimensionLines = dimensionSelects.flatMap((select) => select.lines.map((line) => `  ${line.sql} AS ${quoteIdentifier(line.alias, select.id)}`));
  const groupBy = dimensionLines.length > 0 ? `GROUP BY ${dimensionLines.map((_, index) => index + 1).join(',')}` : undefined;
  const metricLine = (metric: ResolvedMetric) => `  ${metric.sql} AS ${quoteIdentifier(metric.id)}`;
  const grouped = (metricList: ResolvedMetric[]) =>
    ['SELECT', [...dimensionLines, ...metricList.map(metricLine)].join(',\n'), ...fromLines, where, groupBy].filter(Boolean).join('\n');

  const ctes: string[] = bins.filter((bin) => bin.cte).map((bin) => `${bin.cte!.name} AS (\n${bin.cte!.sql}\n)`);
  const allMetrics = [...metrics.values()];
  const postCalculated = allMetrics.filter((metric) => metric.postCalculation);
  const distinctMetrics = allMetrics.filter((metric) => metric.distinct);
  const plainMetrics = allMetrics.filter((metric) => !metric.postCalculation && !metric.distinct);
  const inflated = inflatedTables(explore, joins, warnings);
  const dimensionAliases = dimensionSelects.flatMap((select) => select.lines.map((line) => line.alias));
  const fanOut = fanOutCtes({
    explore, context, metrics: plainMetrics, inflated, dimensionAliases, dimensionLines, fromLines, where, groupBy, metricLine,
  });
  const distinct = distinctMetrics.length > 0
    ? distinctMetricCtes(distinctMetrics, plainMetrics, dimensionSelects, { dimensionLines, fromLines, where, base: fanOut?.metricsSql ?? grouped(plainMetrics) })
    : undefined;

  const needsMetricsCte = fanOut !== undefined || distinct !== undefined || postCalculated.length > 0 || metricFilter !== undefined
    || compiledTableCalculations.length > 0 || chronologicalSort;
  let statement: string;
  if (!needsMetricsCte) {
    statement = grouped(plainMetrics);
  } else {
    if (fanOut) ctes.push(...fanOut.ctes);
    if (distinct) ctes.push(...distinct.ctes, `metrics AS (\n${distinct.metricsSql}\n)`);
    else if (fanOut) ctes.push(`metrics AS (\n${fanOut.metricsSql}\n)`);
    else ctes.push(`metrics AS (\n${grouped(plainMetrics)}\n)`);
    let source = 'metrics';
    if (postCalculated.length > 0) {
      // windows in the query's order, over the columns the grouped query has (not table calculations or other post-calculations)
      const windowOrder = sorts.flatMap((sort, index) => {
        const metric = metrics.get(sort.fieldId);
        if (metric?.postCalculation || tableCalculationsByName.has(sort.fieldId)) return [];
        return [orderBy[index]];
      });
      const lines = postCalculated.map((metric) => `  ${postCalculationSql(metric, windowOrder)} AS ${quoteIdentifier(metric.id)}`);
      ctes.push(`postcalculation_metrics AS (\nSELECT\n${['  *', ...lines].join(',\n')}\nFROM metrics\n)`);
      source = 'postcalculation_metrics';
    }
    const columns = filterOnlyMetricIds.length === 0
      ? '  *'
      : [...dimensionAliases, ...selectedMetricIds, ...compiledTableCalculations.map((tc) => tc.name)]
          .map((alias) => `  ${quoteIdentifier(alias)}`).join(',\n');
    const metricWhere = metricFilter ? `WHERE ${metricFilter}` : undefined;
    const independent = compiledTableCalculations.filter((tc) => tc.dependsOn.length === 0);
    const dependent = compiledTableCalculations.filter((tc) => tc.dependsOn.length > 0);
    const tcLine = (tc: { name: string; sql: string }) => `  ${tc.sql} AS ${quoteIdentifier(tc.name)}`;
    if (compiledTableCalculations.length > 0 && (tableCalculationFilter || dependent.length > 0)) {
      ctes.push(`table_calculations AS (\n${['SELECT', ['  *', ...independent.map(tcLine)].join(',\n'), `FROM ${source}`, metricWhere].filter(Boolean).join('\n')}\n)`);
      let previous = 'table_calculations';
      for (const tc of dependent) {
        const name = quoteIdentifier(`tc_${tc.name}`, tc.name);
        ctes.push(`${name} AS (\nSELECT\n  *,\n${tcLine(tc)}\nFROM ${previous}\n)`);
        previous = name;
      }
      statement = ['SELECT', columns, `FROM ${previous}`, tableCalculationFilter ? `WHERE ${tableCalculationFilter}` : undefined].filter(Boolean).join('\n');
    } else {
      const selectList = [columns, ...independent.map(tcLine)].join(',\n');
      statement = ['SELECT', selectList, `FROM ${source}`, metricWhere].filter(Boolean).join('\n');
    }
  }
  const sql = [
    ctes.length > 0 ? `WITH ${ctes.join(',\n')}` : undefined,
    statement,
    orderBy.length > 0 ? `ORDER BY ${orderBy.join(', ')}` : undefined,
    `LIMIT ${limit}`,
  ].filter(Boolean).join('\n');

  if (context.sqlContext.missingParameters.size > 0) warnings.push(`Missing parameters: ${[...context.sqlContext.missingParameters].join(', ')}`);
  const fields: Record<string, CompiledField> = {};
  for (const select of dimensionSelects) fields[select.id] = select.field;
  for (const id of selectedMetricIds) {
    const metric = metrics.get(id)!;
    fields[id] = { kind: metric.kind, type: metric.type, label: metric.label, table: metric.table };
  }
  for (const tc of query.tableCalculations) fields[tc.name] = { kind: 'table_calculation', type: tc.type ?? tableCalculationRenderer(tc), label: tc.displayName };
  return { sql, parameters: context.params.values, fields, userSqlFields: [...context.userSqlFields], warnings: [...new Set(warnings)] };
}

function dimensionFilterTarget(dimension: ResolvedDimension, explore: Explore): FilterTarget {
  return {
    fieldId: dimension.id,
    sql: dimension.sql,
    renderer: dimension.type,
    caseSensitive: dimension.caseSensitive ?? explore.caseSensitive ?? true,
    timeInterval: dimension.timeInterval,
    ...(dimension.base ? { base: dimension.base } : {}),
  };
}

/** The base table's required filters that apply (not `required: false`), targeting its dimensions. */
function requiredFilters(raw: unknown[] | undefined, baseTable: string): FilterRule[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const rules = (parseGroup({ and: raw }, `${baseTable}.requiredFilters`) as { and: FilterRule[] }).and;
  return rules
    .filter((rule) => rule.required !== false)
    .map((rule) => {
      const ref = rule.target.fieldId;
      const parts = ref.split('.');
      return { ...rule, target: { fieldId: parts.length >= 2 ? fieldId(parts[0], parts.slice(1).join('.')) : fieldId(baseTable, ref) } };
    });
}
