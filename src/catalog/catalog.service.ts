import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { PreparedSql } from '../database/sql.js';
import { NotFoundError } from '../common/errors.js';
import { paginated, pageWindow, type Paginated } from '../common/pagination.js';
import { isPlainObject } from '../common/plain-object.js';
import { catalogSearchOf } from './catalog-search.js';
import {
  type CatalogItemRow,
  chartsUsing,
  metricsPage,
  metricsWithTimeDimensions,
  projectHasMetrics,
  searchCatalogItems,
  tableDimensions,
  tableWithFields,
} from './catalog.queries.js';
import {
  CATALOG_MAX_RESULTS,
  type CatalogAnalyticsDto,
  type CatalogFieldDto,
  type CatalogItem,
  type CatalogMetadataDto,
  type CatalogQueryDto,
  type CatalogTableDto,
  type MetricsCatalogQueryDto,
} from './dto/catalog.dto.js';

type Json = Record<string, unknown>;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The basic type of a field for clients: a dimension's own type; metrics are numbers unless typed string/date/timestamp/boolean. */
export function basicTypeOf(fieldValueType: string | null): CatalogFieldDto['basicType'] {
  switch (fieldValueType) {
    case 'string':
    case 'date':
    case 'timestamp':
    case 'boolean':
      return fieldValueType;
    default:
      return 'number';
  }
}

function aiHintsOf(aiHint: unknown): string[] | null {
  if (typeof aiHint === 'string') return [aiHint];
  return isStringArray(aiHint) ? aiHint : null;
}

function attributesOf(attributes: unknown): Json {
  return isPlainObject(attributes) ? attributes : {};
}

/**
 * A catalog item as Lightdash 1.219 answers it. A table has no chart usage and leaves out what it has
 * nothing to say about (description, tags; its attributes too, but in a search's answer, where they are
 * {} when none). A field always has `tags` and, in the search and the metrics list, `requiredAttributes`
 * and `anyAttributes` ({} when none) and `chartUsage`; the table metadata's fields have neither the
 * attributes nor the usage (`inSearch` false).
 */
function toCatalogItem(row: CatalogItemRow, inSearch = true): CatalogItem {
  const shared = {
    categories: row.categories,
    icon: row.icon ?? null,
    aiHints: aiHintsOf(row.aiHint),
    ...(row.searchRank !== null ? { searchRank: row.searchRank } : {}),
  };
  const description = row.description !== null ? { description: row.description } : {};
  if (row.type === 'table') {
    return {
      type: 'table',
      catalogSearchUuid: row.catalogSearchUuid ?? '',
      name: row.name,
      label: row.label,
      ...description,
      ...(isStringArray(row.tags) ? { tags: row.tags } : {}),
      ...(typeof row.groupLabel === 'string' ? { groupLabel: row.groupLabel } : {}),
      joinedTables: row.joinedTables,
      ...shared,
      ...(row.searchRank !== null
        ? { requiredAttributes: attributesOf(row.requiredAttributes), anyAttributes: attributesOf(row.anyAttributes) }
        : {
            ...(isPlainObject(row.requiredAttributes) ? { requiredAttributes: row.requiredAttributes } : {}),
            ...(isPlainObject(row.anyAttributes) ? { anyAttributes: row.anyAttributes } : {}),
          }),
      ...(row.errors ? { errors: row.errors } : {}),
    } as CatalogTableDto;
  }
  return {
    type: 'field',
    catalogSearchUuid: row.catalogSearchUuid!,
    name: row.name,
    label: row.label,
    ...description,
    tags: isStringArray(row.tags) ? row.tags : [],
    fieldType: row.fieldType!,
    tableLabel: row.tableLabel!,
    tableName: row.tableName!,
    ...(typeof row.tableGroupLabel === 'string' ? { tableGroupLabel: row.tableGroupLabel } : {}),
    basicType: basicTypeOf(row.fieldValueType),
    fieldValueType: row.fieldValueType!,
    owner: null,
    ...shared,
    ...(inSearch
      ? {
          chartUsage: row.chartUsage,
          requiredAttributes: attributesOf(row.requiredAttributes),
          anyAttributes: attributesOf(row.anyAttributes),
        }
      : {}),
  } as CatalogFieldDto;
}

/** Tables and fields of the catalog of one project; answers are bounded (CATALOG_MAX_RESULTS) and one statement each. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: PreparedSql,
  ) {}

  /** GET /dataCatalog: search, or list (tables first, then fields, by name). Errored explores are tables with `errors`. */
  async search(access: ProjectAccess, query: CatalogQueryDto): Promise<CatalogItem[]> {
    const search = catalogSearchOf(query.search);
    if (search === null) return []; // only punctuation: nothing can match
    const rows = await searchCatalogItems(this.sql, access.projectId, {
      itemType: query.type,
      tablesOnly: query.filter === 'tables',
      fieldType: query.filter === 'dimensions' ? 'dimension' : query.filter === 'metrics' ? 'metric' : undefined,
      withErrored: (query.type ?? 'table') === 'table' && (query.filter ?? 'tables') === 'tables',
      search,
    });
    return rows.map((row) => toCatalogItem(row));
  }

  /** GET /dataCatalog/{table}/metadata: the table and its fields (dimensions, then metrics, by name). */
  async metadata(access: ProjectAccess, table: string): Promise<CatalogMetadataDto> {
    const rows = await tableWithFields(this.dataSource.manager, access.projectId, table);
    const tableRow = rows.find((row) => row.type === 'table');
    if (!tableRow) throw new NotFoundError(`Table "${table}" is not in the catalog`);
    return {
      name: table,
      label: tableRow.label,
      ...(tableRow.description !== null ? { description: tableRow.description } : {}),
      modelName: tableRow.name,
      ...(tableRow.source !== null ? { source: tableRow.source } : {}),
      joinedTables: (tableRow.joinedTables ?? []).map((join) => join.table),
      fields: rows.filter((row) => row.type === 'field').map((row) => toCatalogItem(row, false) as CatalogFieldDto),
    };
  }

  /**
   * GET /dataCatalog/{table}/analytics[/{field}]: the charts using the table (built on it, or using
   * one of its fields) or the field, in the spaces the caller may see; 404 when the table or field
   * is not in the catalog.
   */
  async analytics(principal: Principal, access: ProjectAccess, table: string, field?: string): Promise<CatalogAnalyticsDto> {
    const row = await chartsUsing(this.dataSource.manager, access.projectId, principal.userId, table, field);
    if (!row.found) throw new NotFoundError(field === undefined ? `Table "${table}" is not in the catalog` : `Field "${field}" of table "${table}" is not in the catalog`);
    return {
      // a field's analytics count each chart's views; a table's do not (as Lightdash 1.219 answers)
      charts: row.charts.map(({ position: _position, chartKind, viewsCount, ...chart }) => ({
        ...chart,
        ...(chartKind !== null ? { chartKind } : {}),
        ...(field !== undefined ? { viewsCount } : {}),
      })),
    };
  }

  /** GET /dataCatalog/metrics: metrics, filtered, sorted, paginated (unpaginated answers hold the first CATALOG_MAX_RESULTS). */
  async metrics(access: ProjectAccess, query: MetricsCatalogQueryDto): Promise<Paginated<CatalogFieldDto>> {
    // unpaginated, the first CATALOG_MAX_RESULTS as page 1 (Lightdash 1.219 always answers the pagination)
    const window = pageWindow(query, CATALOG_MAX_RESULTS) ?? { page: 1, pageSize: CATALOG_MAX_RESULTS, limit: CATALOG_MAX_RESULTS, offset: 0 };
    const search = catalogSearchOf(query.search);
    if (search === null) return paginated([], 0, window);
    const row = await metricsPage(
      this.dataSource.manager,
      access.projectId,
      {
        search,
        tables: query.tables,
        categories: query.categories
          ? { tagUuids: [...new Set(query.categories.map((uuid) => uuid.toLowerCase()))], mode: query.categoriesFilterMode === 'and' ? 'and' : 'or' }
          : undefined,
        sort: query.sort,
        descending: query.order === 'desc',
      },
      { limit: window.limit, offset: window.offset },
    );
    return paginated(
      // without a search every metric ranks the same: 0
      row.data.map((item) => ({ ...(toCatalogItem(item) as CatalogFieldDto), searchRank: item.searchRank ?? 0 })),
      row.total,
      window,
    );
  }

  /** GET /dataCatalog/metrics/{tableName}/{metricName}. */
  async metric(access: ProjectAccess, tableName: string, metricName: string): Promise<Json> {
    const [metric] = await this.metricsWithTimeDimensions(access, { tableName, metricName, onlyComparable: false });
    if (!metric) throw new NotFoundError(`Metric "${metricName}" of table "${tableName}" is not in the catalog`);
    return metric;
  }

  /**
   * Metrics as uploaded, with the time dimensions of their table's explore and their default time
   * dimension (the metric's own, else its table's). One statement. `onlyComparable` keeps what
   * Lightdash lists as metrics with time dimensions: metrics with a declared default time dimension
   * (theirs or their table's) whose type is not string, boolean, date or timestamp.
   */
  async metricsWithTimeDimensions(
    access: ProjectAccess,
    filter: { tableName?: string; metricName?: string; onlyComparable: boolean },
  ): Promise<Json[]> {
    const rows = await metricsWithTimeDimensions(this.dataSource.manager, access.projectId, filter);
    return rows.flatMap((row) => {
      const declared = timeDimensionOf(row.metricDefault) ?? timeDimensionOf(row.tableDefault);
      if (filter.onlyComparable && !declared) return [];
      return [
        {
          ...row.definition,
          // Lightdash 1.219 offers the time dimensions only with a declared default one
          ...(declared ? { availableTimeDimensions: row.availableTimeDimensions, timeDimension: { ...declared, table: row.tableName } } : {}),
        },
      ];
    });
  }

  /** GET /dataCatalog/{tableName}/segment-dimensions and …/filter-dimensions: the same list, as in Lightdash 1.219. */
  async dimensions(access: ProjectAccess, tableName: string): Promise<Json[]> {
    const row = await tableDimensions(this.dataSource.manager, access.projectId, tableName);
    if (!row) throw new NotFoundError(`Table "${tableName}" is not in the catalog`);
    return row.dims ?? [];
  }

  /** GET /dataCatalog/metrics/has. */
  async hasMetrics(access: ProjectAccess): Promise<boolean> {
    return projectHasMetrics(this.dataSource.manager, access.projectId);
  }
}

/** `defaultTimeDimension: {field, interval}` as declared on a metric or its table, when well formed. */
function timeDimensionOf(value: unknown): { field: string; interval: string } | undefined {
  if (!isPlainObject(value) || typeof value.field !== 'string' || typeof value.interval !== 'string') return undefined;
  return { field: value.field, interval: value.interval };
}
