import { isPlainObject } from '../common/plain-object.js';
import { exploreHasField, fieldId, indexExploreFields, type Explore, type ExploreFields } from '../queries/compiler/index.js';

/**
 * Content validation as Lightdash does it (reference lightdash-queries.md §5.6): only names are
 * checked, not SQL. A field "exists" when a query on the explore could use it: the compiler's rule
 * (exploreHasField), so a chart the compiler runs is never reported.
 */

export type ValidationTarget = 'charts' | 'dashboards' | 'tables';
export type ErrorType = 'chart' | 'sorting' | 'filter' | 'metric' | 'model' | 'dimension' | 'custom metric';

export interface ExploreInput {
  name: string;
  isErrored: boolean;
  definition: Record<string, unknown>;
}

export interface ChartInput {
  chartId: string;
  chartUuid: string;
  name: string;
  tableName: string;
  metricQuery: Record<string, unknown>;
}

export interface DashboardInput {
  dashboardId: string;
  name: string;
  tiles: unknown;
  filters: unknown;
}

export interface ValidationRow {
  source: 'chart' | 'dashboard' | 'table';
  errorType: ErrorType;
  error: string;
  name: string;
  chartId?: string;
  dashboardId?: string;
  fieldName?: string;
  chartName?: string;
  tableName?: string;
  dashboardFilterErrorType?: 'field_does_not_exist' | 'table_does_not_exist';
}

const NO_FIELDS: ExploreFields = { dimensions: new Map(), metrics: new Map() };
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const objects = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);

/** Every rule target (`{target: {fieldId}}`) in a filter group tree (`{and|or: [...]}`), depth-bounded by the body limits. */
function filterTargets(group: unknown, out: string[] = []): string[] {
  if (!isPlainObject(group)) return out;
  for (const key of ['and', 'or']) for (const item of objects(group[key])) filterTargets(item, out);
  if (isPlainObject(group.target) && typeof group.target.fieldId === 'string') out.push(group.target.fieldId);
  return out;
}

function chartErrors(chart: ChartInput, fields: ExploreFields): ValidationRow[] {
  const query = chart.metricQuery;
  const customDimensions = new Set(objects(query.customDimensions).map((c) => c.id).filter((id): id is string => typeof id === 'string'));
  const customMetrics = objects(query.additionalMetrics);
  const customMetricIds = new Set(customMetrics.filter((m) => typeof m.table === 'string' && typeof m.name === 'string').map((m) => fieldId(m.table as string, m.name as string)));
  const tableCalculations = new Set(objects(query.tableCalculations).map((t) => t.name).filter((n): n is string => typeof n === 'string'));
  const exists = (id: string) => exploreHasField(fields, id);
  const row = (errorType: ErrorType, error: string, fieldName: string): ValidationRow => ({
    source: 'chart', errorType, error, name: chart.name, chartId: chart.chartId, fieldName,
  });
  const errors: ValidationRow[] = [];
  for (const id of strings(query.dimensions)) {
    if (!exists(id) && !customDimensions.has(id)) errors.push(row('dimension', `Dimension error: the field '${id}' no longer exists`, id));
  }
  for (const id of strings(query.metrics)) {
    if (!exists(id) && !customMetricIds.has(id)) errors.push(row('metric', `Metric error: the field '${id}' no longer exists`, id));
  }
  const known = (id: string) => exists(id) || tableCalculations.has(id) || customMetricIds.has(id) || customDimensions.has(id);
  const filters = isPlainObject(query.filters) ? query.filters : {};
  const targets = ['dimensions', 'metrics', 'tableCalculations'].flatMap((key) => filterTargets(filters[key]));
  for (const id of new Set(targets)) {
    if (!known(id)) errors.push(row('filter', `Filter error: the field '${id}' no longer exists`, id));
  }
  for (const sort of objects(query.sorts)) {
    if (typeof sort.fieldId === 'string' && !known(sort.fieldId)) errors.push(row('sorting', `Sorting error: the field '${sort.fieldId}' no longer exists`, sort.fieldId));
  }
  for (const metric of customMetrics) {
    if (typeof metric.table !== 'string' || typeof metric.baseDimensionName !== 'string') continue;
    const base = fieldId(metric.table, metric.baseDimensionName);
    if (!exists(base)) errors.push(row('custom metric', `Custom metric error: the base dimension '${base}' no longer exists`, base));
  }
  return errors;
}

function dashboardErrors(
  dashboard: DashboardInput,
  fieldExistsAnywhere: (id: string) => boolean,
  tableExists: (table: string) => boolean,
  charts: Map<string, { name: string; broken: boolean }>,
): ValidationRow[] {
  const errors: ValidationRow[] = [];
  const base = { source: 'dashboard' as const, name: dashboard.name, dashboardId: dashboard.dashboardId };
  const filters = isPlainObject(dashboard.filters) ? dashboard.filters : {};
  const targets: { fieldId: string; tableName?: string }[] = [];
  for (const filter of [...objects(filters.dimensions), ...objects(filters.metrics)]) {
    if (isPlainObject(filter.target) && typeof filter.target.fieldId === 'string') {
      targets.push({ fieldId: filter.target.fieldId, tableName: typeof filter.target.tableName === 'string' ? filter.target.tableName : undefined });
    }
    if (isPlainObject(filter.tileTargets)) {
      for (const target of Object.values(filter.tileTargets)) {
        if (isPlainObject(target) && typeof target.fieldId === 'string') {
          targets.push({ fieldId: target.fieldId, tableName: typeof target.tableName === 'string' ? target.tableName : undefined });
        }
      }
    }
  }
  const reported = new Set<string>();
  for (const target of targets) {
    if (reported.has(target.fieldId) || fieldExistsAnywhere(target.fieldId)) continue;
    reported.add(target.fieldId);
    const tableMissing = target.tableName !== undefined && !tableExists(target.tableName);
    errors.push({
      ...base,
      errorType: 'filter',
      error: `Filter error: the field '${target.fieldId}' no longer exists`,
      fieldName: target.fieldId,
      ...(target.tableName !== undefined ? { tableName: target.tableName } : {}),
      dashboardFilterErrorType: tableMissing ? 'table_does_not_exist' : 'field_does_not_exist',
    });
  }
  for (const tile of objects(dashboard.tiles)) {
    if (tile.type !== 'saved_chart' || !isPlainObject(tile.properties)) continue;
    const chartUuid = tile.properties.savedChartUuid;
    if (typeof chartUuid !== 'string') continue;
    const chart = charts.get(chartUuid);
    const title = typeof tile.properties.chartName === 'string' ? tile.properties.chartName : typeof tile.properties.title === 'string' ? tile.properties.title : chartUuid;
    if (!chart) {
      errors.push({ ...base, errorType: 'chart', error: `The chart '${title}' no longer exists on this dashboard.`, chartName: title });
    } else if (chart.broken) {
      errors.push({ ...base, errorType: 'chart', error: `The chart '${chart.name}' is broken on this dashboard.`, chartName: chart.name });
    }
  }
  return errors;
}

/**
 * The problems of a project's content against its explores. `charts` and `dashboards` are every
 * chart and dashboard of the project (a dashboard tile may point at any chart); `targets` says which
 * kinds of rows to return.
 */
export function validateContent(
  explores: ExploreInput[],
  charts: ChartInput[],
  dashboards: DashboardInput[],
  targets: ReadonlySet<ValidationTarget>,
): ValidationRow[] {
  const fieldsByExplore = new Map<string, ExploreFields>();
  const tables = new Set<string>();
  for (const explore of explores) {
    if (explore.isErrored) continue;
    fieldsByExplore.set(explore.name, indexExploreFields(explore.definition as unknown as Explore));
    if (isPlainObject(explore.definition.tables)) Object.keys(explore.definition.tables).forEach((table) => tables.add(table));
  }
  const rows: ValidationRow[] = [];

  if (targets.has('tables')) {
    for (const explore of explores) {
      if (!explore.isErrored) continue;
      for (const error of objects(explore.definition.errors)) {
        if (error.type === 'NO_DIMENSIONS_FOUND') continue;
        rows.push({ source: 'table', errorType: 'model', error: String(error.message ?? ''), name: explore.name });
      }
    }
  }

  const chartState = new Map<string, { name: string; broken: boolean }>();
  for (const chart of charts) {
    // a chart on an explore that is missing or failed to compile has none of its fields
    const errors = chartErrors(chart, fieldsByExplore.get(chart.tableName) ?? NO_FIELDS);
    chartState.set(chart.chartUuid, { name: chart.name, broken: errors.length > 0 });
    if (targets.has('charts')) rows.push(...errors);
  }

  if (targets.has('dashboards')) {
    const everyExplore = [...fieldsByExplore.values()];
    const fieldExistsAnywhere = (id: string) => everyExplore.some((fields) => exploreHasField(fields, id));
    for (const dashboard of dashboards) rows.push(...dashboardErrors(dashboard, fieldExistsAnywhere, (table) => tables.has(table), chartState));
  }
  return rows;
}
