/**
 * The shapes the compiler reads and returns. Explore types describe the parts of an uploaded
 * (compiled) Lightdash explore the compiler uses; everything else in it is ignored. MetricQuery
 * types are the request body as Lightdash 1.219 clients send it, after parse-metric-query.ts has
 * checked it.
 */

export type DimensionType = 'string' | 'number' | 'timestamp' | 'date' | 'boolean';

export interface ExploreDimension {
  name: string;
  type: DimensionType;
  label?: string;
  table?: string;
  sql?: string;
  compiledSql?: string;
  tablesReferences?: string[];
  timeInterval?: string;
  timeIntervalBaseDimensionName?: string;
  caseSensitive?: boolean;
  hidden?: boolean;
}

export interface ExploreMetric {
  name: string;
  type: string;
  label?: string;
  table?: string;
  sql?: string;
  compiledSql?: string;
  tablesReferences?: string[];
  percentile?: number;
  filters?: unknown[];
  /** sum_distinct / average_distinct: the dimensions (names of this table, or `table.name`) that identify one value */
  distinctKeys?: string[];
  hidden?: boolean;
}

export interface ExploreTable {
  name: string;
  label?: string;
  sqlTable: string;
  primaryKey?: string | string[];
  sqlWhere?: string;
  requiredFilters?: unknown[];
  dimensions: Record<string, ExploreDimension>;
  metrics: Record<string, ExploreMetric>;
}

export type JoinRelationship = 'one-to-many' | 'many-to-one' | 'one-to-one' | 'many-to-many';

export interface ExploreJoin {
  table: string;
  compiledSqlOn?: string;
  type?: 'inner' | 'left' | 'right' | 'full';
  relationship?: JoinRelationship;
  tablesReferences?: string[];
  always?: boolean;
}

export interface Explore {
  name: string;
  baseTable: string;
  joinedTables: ExploreJoin[];
  tables: Record<string, ExploreTable>;
  caseSensitive?: boolean;
}

// ---- MetricQuery ----

export type FilterOperator =
  | 'isNull' | 'notNull' | 'equals' | 'notEquals' | 'startsWith' | 'endsWith' | 'include' | 'doesNotInclude'
  | 'lessThan' | 'lessThanOrEqual' | 'greaterThan' | 'greaterThanOrEqual'
  | 'inThePast' | 'notInThePast' | 'inTheNext' | 'inTheCurrent' | 'notInTheCurrent' | 'inBetween' | 'notInBetween'
  | 'inPeriodToDate';

export const FILTER_OPERATORS: readonly FilterOperator[] = [
  'isNull', 'notNull', 'equals', 'notEquals', 'startsWith', 'endsWith', 'include', 'doesNotInclude',
  'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual',
  'inThePast', 'notInThePast', 'inTheNext', 'inTheCurrent', 'notInTheCurrent', 'inBetween', 'notInBetween',
  'inPeriodToDate',
];

export type UnitOfTime = 'milliseconds' | 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'quarters' | 'years';
export const UNITS_OF_TIME: readonly UnitOfTime[] = ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'];

export interface FilterRule {
  id?: string;
  target: { fieldId: string };
  operator: FilterOperator;
  values: unknown[];
  settings?: { unitOfTime?: UnitOfTime; completed?: boolean };
  disabled?: boolean;
  caseSensitive?: boolean;
  includeNull?: boolean;
  required?: boolean;
}

export type FilterGroup = { id?: string; and: FilterItem[] } | { id?: string; or: FilterItem[] };
export type FilterItem = FilterGroup | FilterRule;

export interface SortField {
  fieldId: string;
  descending: boolean;
  nullsFirst?: boolean;
}

export type TableCalculationTemplateType =
  | 'percent_change_from_previous' | 'percent_of_previous_value' | 'percent_of_column_total'
  | 'rank_in_column' | 'running_total' | 'window_function';

export type WindowFunction = 'row_number' | 'percent_rank' | 'cume_dist' | 'rank' | 'sum' | 'avg' | 'count' | 'min' | 'max';

export interface FrameBoundary {
  type: 'unbounded_preceding' | 'preceding' | 'current_row' | 'following' | 'unbounded_following';
  offset?: number;
}

/** A table calculation built from a fixed template over fields of the query (Lightdash's "quick calculations"). */
export interface TableCalculationTemplate {
  type: TableCalculationTemplateType;
  /** the field the template reads; null only for window functions that take no argument */
  fieldId: string | null;
  orderBy: { fieldId: string; order: 'asc' | 'desc' | null }[];
  partitionBy: string[];
  windowFunction?: WindowFunction;
  frame?: { frameType: 'rows' | 'range'; start?: FrameBoundary; end: FrameBoundary };
}

export interface TableCalculation {
  name: string;
  displayName: string;
  /** exactly one of `sql` and `template` */
  sql?: string;
  template?: TableCalculationTemplate;
  type?: 'number' | 'string' | 'date' | 'timestamp' | 'boolean';
  format?: { type?: string };
}

export interface AdditionalMetric {
  table: string;
  name: string;
  type: string;
  sql: string;
  label?: string;
  baseDimensionName?: string;
  percentile?: number;
  filters?: FilterRule[];
  distinctKeys?: string[];
}

export type BinType = 'fixed_width' | 'fixed_number' | 'custom_range' | 'custom_group';

/** How a custom_group value rule matches the base dimension's value. */
export type GroupMatch = 'exact' | 'startsWith' | 'endsWith' | 'includes';

export interface CustomGroup {
  name: string;
  values: { match: GroupMatch; value: string }[];
}

export interface CustomBinDimension {
  id: string;
  name: string;
  table: string;
  type: 'bin';
  dimensionId: string;
  binType: BinType;
  binWidth?: number;
  binNumber?: number;
  customRange?: { from?: number; to?: number }[];
  customGroups?: CustomGroup[];
}

export interface CustomSqlDimension {
  id: string;
  name: string;
  table: string;
  type: 'sql';
  sql: string;
  dimensionType: DimensionType;
}

export type CustomDimension = CustomBinDimension | CustomSqlDimension;

export interface MetricQuery {
  exploreName: string;
  dimensions: string[];
  metrics: string[];
  filters: { dimensions?: FilterGroup; metrics?: FilterGroup; tableCalculations?: FilterGroup };
  sorts: SortField[];
  limit?: number;
  tableCalculations: TableCalculation[];
  additionalMetrics: AdditionalMetric[];
  customDimensions: CustomDimension[];
  timezone?: string;
}

// ---- options and output ----

export interface CompileOptions {
  /** the server's (or organization's) row maximum: a larger `limit` is lowered to it, with a warning */
  maxLimit: number;
  /** the limit when the query has none (Lightdash's default UI limit is 500) */
  defaultLimit?: number;
  /** IANA zone for relative dates and time truncation when the query has no `timezone`; default UTC */
  timezone?: string;
  /** "now" for relative-date filters; the clock by default (tests pin it) */
  now?: Date;
  /** first day of the week, 0 = Monday … 6 = Sunday (the warehouse credentials' startOfWeek); default Monday */
  startOfWeek?: number;
  /** values of `${lightdash.attributes.x}` in the explore's SQL (bound as parameters) */
  userAttributes?: Record<string, string | string[]>;
  /** values of `${lightdash.user.email}` and the other intrinsic attributes */
  intrinsicUserAttributes?: Record<string, string>;
  /** values of `${lightdash.parameters.x}` in the explore's SQL (bound as parameters) */
  parameters?: Record<string, string | number | (string | number)[]>;
}

export type FieldKind = 'dimension' | 'metric' | 'table_calculation' | 'custom_dimension' | 'additional_metric';

export interface CompiledField {
  kind: FieldKind;
  /** dimension type, metric type, or the table calculation's type */
  type: string;
  label: string;
  table?: string;
  timeInterval?: string;
  /** bins: the helper column that orders the bins (also in every row) */
  orderColumn?: string;
}

export interface CompiledQuery {
  sql: string;
  parameters: unknown[];
  /** the selected fields, in column order */
  fields: Record<string, CompiledField>;
  /** ids of the fields whose SQL the request wrote (table calculations, custom SQL dimensions and metrics) */
  userSqlFields: string[];
  warnings: string[];
}
