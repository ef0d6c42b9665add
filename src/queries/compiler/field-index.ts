import { CompileError, FieldReferenceError } from './errors.js';
import { bindExploreSql, checkUserSql, Parameters, quoteIdentifier, TEMPLATE_REF, type SqlContext } from './sql.js';
import { FALLBACK_INTERVAL_SUFFIXES, intervalSql, intervalType, isUtc } from './time.js';
import type { CompileOptions, CustomSqlDimension, DimensionType, Explore, ExploreDimension, ExploreMetric, ExploreTable } from './types.js';

/** Lightdash's field id: `<table>_<name>` with `.` in the name written `__`. */
export const fieldId = (table: string, name: string) => `${table}_${name.replaceAll('.', '__')}`;

export interface ResolvedDimension {
  id: string;
  kind: 'dimension' | 'custom_dimension';
  sql: string;
  type: DimensionType;
  label: string;
  table: string;
  /** tables the SQL reads from: they must be joined */
  tables: string[];
  timeInterval?: string;
  caseSensitive?: boolean;
  /** a time-interval dimension's base date or timestamp (period-to-date filters compare its days) */
  base?: () => { sql: string; type: DimensionType };
}

interface IndexedField<T> {
  table: ExploreTable;
  field: T;
}

/** The explore's dimensions and metrics by field id. */
export interface ExploreFields {
  dimensions: Map<string, IndexedField<ExploreDimension>>;
  metrics: Map<string, IndexedField<ExploreMetric>>;
}

export function indexExploreFields(explore: Explore): ExploreFields {
  const dimensions = new Map<string, IndexedField<ExploreDimension>>();
  const metrics = new Map<string, IndexedField<ExploreMetric>>();
  for (const [tableName, table] of Object.entries(explore.tables ?? {})) {
    for (const [name, dimension] of Object.entries(table.dimensions ?? {})) dimensions.set(fieldId(tableName, name), { table, field: dimension });
    for (const [name, metric] of Object.entries(table.metrics ?? {})) metrics.set(fieldId(tableName, name), { table, field: metric });
  }
  return { dimensions, metrics };
}

/**
 * `<date dimension>_<interval>` when the upload lacks that interval dimension: the base dimension
 * and the interval the compiler truncates it to.
 */
export function fallbackInterval(
  dimensions: ExploreFields['dimensions'],
  id: string,
): { baseId: string; base: IndexedField<ExploreDimension>; suffix: string } | undefined {
  const suffix = FALLBACK_INTERVAL_SUFFIXES.find((candidate) => id.endsWith(`_${candidate}`));
  if (!suffix) return undefined;
  const baseId = id.slice(0, -(suffix.length + 1));
  const base = dimensions.get(baseId);
  if (!base || (base.field.type !== 'date' && base.field.type !== 'timestamp')) return undefined;
  return { baseId, base, suffix };
}

/**
 * Whether a query on the explore can use the field id: a dimension (time-interval fallbacks
 * included) or a metric of the explore. The rule the compiler resolves ids by, without compiling;
 * the content validation uses it too.
 */
export function exploreHasField(fields: ExploreFields, id: string): boolean {
  return fields.dimensions.has(id) || fields.metrics.has(id) || fallbackInterval(fields.dimensions, id) !== undefined;
}

/**
 * The compile state of one query: the explore's fields by id, the custom SQL dimensions, the bound
 * parameters, and the time zone. Resolving a field binds the user attributes its SQL uses once.
 */
export class QueryContext {
  readonly params = new Parameters();
  readonly sqlContext: SqlContext;
  readonly zone: string;
  readonly startOfWeek: number;
  readonly warnings: string[] = [];
  readonly userSqlFields = new Set<string>();
  private readonly dimensions: ExploreFields['dimensions'];
  private readonly metrics: ExploreFields['metrics'];
  private readonly customSqlDimensions = new Map<string, CustomSqlDimension>();
  private readonly resolvedDimensions = new Map<string, ResolvedDimension>();
  private zonePlaceholder?: string;

  constructor(readonly explore: Explore, readonly options: CompileOptions, zone: string, customSqlDimensions: CustomSqlDimension[]) {
    this.zone = zone;
    this.startOfWeek = options.startOfWeek ?? 0;
    this.sqlContext = {
      params: this.params,
      userAttributes: options.userAttributes ?? {},
      intrinsicUserAttributes: options.intrinsicUserAttributes ?? {},
      parameters: options.parameters ?? {},
      missingParameters: new Set(),
    };
    ({ dimensions: this.dimensions, metrics: this.metrics } = indexExploreFields(explore));
    for (const custom of customSqlDimensions) this.customSqlDimensions.set(custom.id, custom);
  }

  table(name: string, field: string): ExploreTable {
    const table = Object.hasOwn(this.explore.tables, name) ? this.explore.tables[name] : undefined;
    if (!table) throw new FieldReferenceError(`Table "${name}" is not in explore "${this.explore.name}"`, field);
    return table;
  }

  /** Explore SQL with its attributes and parameters bound. */
  bind(sql: string, field: string): string {
    return bindExploreSql(sql, this.sqlContext, field);
  }

  /** The placeholder of the query's time zone, bound once; undefined in UTC (the uploaded SQL is used as is). */
  zoneParameter(): string | undefined {
    if (isUtc(this.zone)) return undefined;
    this.zonePlaceholder ??= this.params.add(this.zone, 'text');
    return this.zonePlaceholder;
  }

  isMetric(id: string): boolean {
    return this.metrics.has(id);
  }

  exploreMetric(id: string): IndexedField<ExploreMetric> | undefined {
    return this.metrics.get(id);
  }

  exploreDimension(id: string): IndexedField<ExploreDimension> | undefined {
    return this.dimensions.get(id);
  }

  /** A dimension by field id: the explore's (with time-interval fallback) or a custom SQL one; undefined when unknown. */
  dimension(id: string): ResolvedDimension | undefined {
    let resolved = this.resolvedDimensions.get(id);
    if (!resolved) {
      resolved = this.resolveExploreDimension(id) ?? this.resolveCustomSqlDimension(id) ?? this.resolveFallbackInterval(id);
      if (resolved) this.resolvedDimensions.set(id, resolved);
    }
    return resolved;
  }

  private compiledSql(id: string, dimension: ExploreDimension): string {
    if (typeof dimension.compiledSql !== 'string' || dimension.compiledSql.trim() === '') {
      throw new CompileError(`Dimension ${id} has no compiledSql in the uploaded explore: upload the compiled explore again`, id);
    }
    return this.bind(dimension.compiledSql, id);
  }

  private resolveExploreDimension(id: string): ResolvedDimension | undefined {
    const indexed = this.dimensions.get(id);
    if (!indexed) return undefined;
    const { table, field } = indexed;
    let sql: string | undefined;
    const interval = field.timeInterval;
    const zone = interval && interval !== 'RAW' ? this.zoneParameter() : undefined;
    if (zone && field.timeIntervalBaseDimensionName) {
      // time-zone support: truncate the timestamp base in the query's zone instead of UTC
      const baseId = fieldId(table.name, field.timeIntervalBaseDimensionName);
      const base = this.dimensions.get(baseId);
      if (base?.field.type === 'timestamp') sql = intervalSql(interval!, this.compiledSql(baseId, base.field), zone, this.startOfWeek);
    }
    sql ??= this.compiledSql(id, field);
    const baseName = interval && interval !== 'RAW' ? field.timeIntervalBaseDimensionName : undefined;
    const baseIndexed = baseName ? this.dimensions.get(fieldId(table.name, baseName)) : undefined;
    const base = baseIndexed && (baseIndexed.field.type === 'date' || baseIndexed.field.type === 'timestamp')
      ? () => ({ sql: this.compiledSql(fieldId(table.name, baseName!), baseIndexed.field), type: baseIndexed.field.type })
      : undefined;
    return {
      id,
      kind: 'dimension',
      sql,
      type: field.type,
      label: field.label ?? field.name,
      table: table.name,
      tables: tablesOf(field.tablesReferences, table.name),
      timeInterval: interval,
      caseSensitive: field.caseSensitive,
      ...(base ? { base } : {}),
    };
  }

  private resolveFallbackInterval(id: string): ResolvedDimension | undefined {
    const fallback = fallbackInterval(this.dimensions, id);
    if (!fallback) return undefined;
    const { baseId, base, suffix } = fallback;
    const interval = suffix.toUpperCase();
    const zone = base.field.type === 'timestamp' ? this.zoneParameter() : undefined;
    return {
      id,
      kind: 'dimension',
      sql: intervalSql(interval, this.compiledSql(baseId, base.field), zone, this.startOfWeek),
      type: intervalType(interval, base.field.type) as DimensionType,
      label: `${base.field.label ?? base.field.name} ${suffix}`,
      table: base.table.name,
      tables: tablesOf(base.field.tablesReferences, base.table.name),
      timeInterval: interval,
      caseSensitive: base.field.caseSensitive,
      base: () => ({ sql: this.compiledSql(baseId, base.field), type: base.field.type }),
    };
  }

  private resolveCustomSqlDimension(id: string): ResolvedDimension | undefined {
    const custom = this.customSqlDimensions.get(id);
    if (!custom) return undefined;
    quoteIdentifier(custom.id);
    checkUserSql(custom.sql, id);
    this.userSqlFields.add(id);
    const { sql, tables } = this.compileTemplate(custom.sql, custom.table, id);
    return { id, kind: 'custom_dimension', sql: `(${sql})`, type: custom.dimensionType, label: custom.name, table: custom.table, tables };
  }

  /**
   * A request-written template (custom SQL dimension, custom metric): `${TABLE}` is the table's
   * alias, `${dim}` / `${table.dim}` the dimension's compiled SQL in parentheses. Nothing else may
   * be referenced.
   */
  compileTemplate(template: string, tableName: string, field: string): { sql: string; tables: string[] } {
    this.table(tableName, field);
    const tables = new Set<string>([tableName]);
    const sql = template.replace(TEMPLATE_REF, (_match, inner: string) => {
      const ref = inner.trim();
      if (ref === 'TABLE') return quoteIdentifier(tableName, field);
      const parts = ref.split('.');
      if (parts.length > 2 || parts.some((part) => part === '')) throw new CompileError(`${field}: invalid reference \${${ref}}`, field);
      const referenced = parts.length === 2 ? fieldId(parts[0], parts[1]) : fieldId(tableName, parts[0]);
      const dimension = this.dimensions.has(referenced) ? this.dimension(referenced) : undefined;
      if (!dimension) throw new FieldReferenceError(`${field} references an unknown dimension: ${ref}`, field, { reference: ref });
      dimension.tables.forEach((table) => tables.add(table));
      return `(${dimension.sql})`;
    });
    return { sql, tables: [...tables] };
  }
}

function tablesOf(references: string[] | undefined, own: string): string[] {
  return Array.isArray(references) && references.length > 0 ? [...new Set([own, ...references])] : [own];
}
