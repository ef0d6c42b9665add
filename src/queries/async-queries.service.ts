import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { AppError, NotFoundError, PaginationError, ParameterError, ResultsExpiredError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { QueryCancelledError, type ResultFields, type WarehouseTarget, WarehouseService } from '../warehouses/warehouse.service.js';
import { itemsMap, prepareMetricQuery, type PreparedMetricQuery } from './metric-queries.js';
import {
  type AsyncQueryRow,
  insertAsyncQuery,
  insertChunk,
  markCancelled,
  markError,
  markReady,
  purgeExpired,
  readOwnAsyncQuery,
  readRows,
  readSavedChart,
  readStatus,
  RESULT_CHUNK_ROWS,
  setDefaultPageSize,
} from './queries.queries.js';
import { formatRow } from './result-format.js';

const DEFAULT_PAGE_SIZE = 500;
/** How often a running query checks whether it was cancelled through another replica. */
const CANCEL_CHECK_MS = 1_000;

export interface ExecuteResponse {
  queryUuid: string;
  cacheMetadata: { cacheHit: boolean };
  parameterReferences: string[];
  usedParametersValues: Record<string, unknown>;
  resolvedTimezone: string | null;
  metricQuery?: Record<string, unknown>;
  fields?: Record<string, unknown>;
  warnings?: { message: string }[];
}

interface Running {
  controller: AbortController;
}

/**
 * Lightdash's asynchronous queries (v2): a submit compiles and checks synchronously, stores the query
 * as `pending` in our database and answers with its uuid; the warehouse run goes on in this process and
 * writes the rows in chunks, then marks the query `ready` (or `error`). Polls, pages and cancels read
 * and write the database only, so any replica answers them; a query cancelled through another replica
 * is noticed by the running one within a second and cancelled in the warehouse.
 */
@Injectable()
export class AsyncQueriesService implements OnModuleDestroy {
  private readonly logger = new Logger(AsyncQueriesService.name);
  private readonly running = new Map<string, Running>();
  private readonly purger: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly warehouse: WarehouseService,
  ) {
    this.purger = setInterval(() => {
      purgeExpired(this.dataSource).catch((error) => this.logger.warn({ err: error }, 'Could not purge expired query results'));
    }, 60_000);
    this.purger.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.purger);
    for (const { controller } of this.running.values()) controller.abort();
  }

  async metricQuery(access: ProjectAccess, principal: Principal, query: Record<string, unknown>): Promise<ExecuteResponse> {
    const exploreName = typeof query.exploreName === 'string' ? query.exploreName : '';
    if (!exploreName) throw new ParameterError('query.exploreName is required');
    const prepared = await prepareMetricQuery(this.dataSource, this.config, access, principal, exploreName, query);
    return this.submitMetric(access, principal, 'metric', prepared);
  }

  /** A saved chart of this project, run as saved (optionally narrowed by a limit). */
  async chart(access: ProjectAccess, principal: Principal, chartUuid: string, limit: number | null | undefined): Promise<ExecuteResponse> {
    const chart = await readSavedChart(this.dataSource, access.projectId, chartUuid);
    if (!chart) throw new NotFoundError('Chart not found');
    const query = { ...chart.metricQuery, limit: this.chartLimit(chart.metricQuery, limit) };
    const prepared = await prepareMetricQuery(this.dataSource, this.config, access, principal, chart.exploreName, query);
    return this.submitMetric(access, principal, 'chart', prepared);
  }

  /** The rows behind a result of the caller's own metric query: the explore's dimensions, the source's filters narrowed by the body's. */
  async underlyingData(
    access: ProjectAccess,
    principal: Principal,
    body: { underlyingDataSourceQueryUuid: string; filters?: unknown; sorts?: unknown; limit?: number | null },
  ): Promise<ExecuteResponse> {
    const source = await this.own(access, principal, body.underlyingDataSourceQueryUuid);
    if (!source.exploreName || !source.metricQuery) throw new ParameterError('The source query is not a metric query');
    const prepared0 = await prepareMetricQuery(this.dataSource, this.config, access, principal, source.exploreName, { ...source.metricQuery, limit: 1 });
    const dimensions = visibleDimensions(prepared0.explore).slice(0, 50);
    const sourceFilters = (source.metricQuery.filters ?? {}) as Record<string, unknown>;
    const extra = (body.filters ?? {}) as Record<string, unknown>;
    const filters = { dimensions: andGroups(sourceFilters.dimensions, extra.dimensions) };
    const base = { exploreName: source.exploreName, dimensions, metrics: [], filters, sorts: Array.isArray(body.sorts) ? body.sorts : [], tableCalculations: [], limit: 500 };
    const query = { ...base, limit: this.chartLimit(base, body.limit) };
    const prepared = await prepareMetricQuery(this.dataSource, this.config, access, principal, source.exploreName, query);
    return this.submitMetric(access, principal, 'underlying-data', prepared);
  }

  /** Grand total of the caller's own query: the same metrics and filters, no dimensions, one row; a new query to poll. */
  async calculateTotal(access: ProjectAccess, principal: Principal, queryUuid: string, kind: string | undefined): Promise<ExecuteResponse> {
    if (kind === 'rowTotal' || kind === 'rowSubtotal' || kind === 'columnSubtotal') throw new ParameterError(`Total of kind ${kind} needs a pivoted query, which is not supported`);
    const source = await this.own(access, principal, queryUuid);
    if (!source.exploreName || !source.metricQuery) throw new ParameterError('The source query is not a metric query');
    const query = totalQuery(source.metricQuery);
    const prepared = await prepareMetricQuery(this.dataSource, this.config, access, principal, source.exploreName, query);
    return this.submitMetric(access, principal, 'calculate-total', prepared);
  }

  async sql(access: ProjectAccess, principal: Principal, sql: string, limit: number | undefined): Promise<ExecuteResponse> {
    const target = await this.warehouse.target(access, principal);
    // declaring the cursor plans the statement without running it: SQL errors answer the submit
    await this.warehouse.stream(target, sql, [], { maxRows: 0, onRows: () => undefined });
    const maxRows = limit === undefined ? this.config.warehouseMaxRows : Math.min(limit, this.config.warehouseMaxRows);
    const { queryUuid } = await this.submit(access, principal, target, { kind: 'sql', exploreName: null, metricQuery: null, fields: {}, sql, parameters: [], maxRows });
    return { queryUuid, cacheMetadata: { cacheHit: false }, parameterReferences: [], usedParametersValues: {}, resolvedTimezone: null };
  }

  private async submitMetric(access: ProjectAccess, principal: Principal, kind: string, prepared: PreparedMetricQuery): Promise<ExecuteResponse> {
    const target = await this.warehouse.target(access, principal);
    const fields = itemsMap(prepared.compiled.fields);
    const { queryUuid } = await this.submit(access, principal, target, {
      kind,
      exploreName: prepared.exploreName,
      metricQuery: prepared.metricQuery,
      fields,
      sql: prepared.compiled.sql,
      parameters: prepared.compiled.parameters,
      maxRows: this.config.warehouseMaxRows,
    });
    return {
      queryUuid,
      cacheMetadata: { cacheHit: false },
      parameterReferences: [],
      usedParametersValues: {},
      resolvedTimezone: null,
      metricQuery: prepared.metricQuery,
      fields,
      warnings: prepared.compiled.warnings.map((message) => ({ message })),
    };
  }

  private async submit(
    access: ProjectAccess,
    principal: Principal,
    target: WarehouseTarget,
    query: { kind: string; exploreName: string | null; metricQuery: unknown; fields: Record<string, unknown>; sql: string; parameters: unknown[]; maxRows: number },
  ): Promise<{ queryUuid: string }> {
    const { id, queryUuid } = await insertAsyncQuery(this.dataSource, {
      projectId: access.projectId,
      userId: principal.userId,
      kind: query.kind,
      exploreName: query.exploreName,
      metricQuery: query.metricQuery,
      fields: query.fields,
      sql: query.sql,
      parameters: query.parameters,
      ttlMinutes: this.config.queryResultsTtlMinutes,
    });
    void this.execute(id, queryUuid, target, query.sql, query.parameters, query.maxRows);
    return { queryUuid };
  }

  /** Runs the query in the warehouse and stores its rows; never throws (the outcome is the query's status). */
  private async execute(id: string, queryUuid: string, target: WarehouseTarget, sql: string, parameters: unknown[], maxRows: number): Promise<void> {
    const controller = new AbortController();
    this.running.set(queryUuid, { controller });
    const watcher = setInterval(() => {
      readStatus(this.dataSource, id)
        .then((status) => {
          if (status !== 'pending') controller.abort();
        })
        .catch(() => undefined);
    }, CANCEL_CHECK_MS);
    let columns: ResultFields = {};
    let chunkIndex = 0;
    try {
      const { rowCount, executionMs } = await this.warehouse.stream(target, sql, parameters, {
        batchSize: RESULT_CHUNK_ROWS,
        maxRows,
        signal: controller.signal,
        onFields: (fields) => {
          columns = fields;
        },
        onRows: async (rows) => {
          await insertChunk(this.dataSource, id, chunkIndex, rows);
          chunkIndex += 1;
        },
      });
      await markReady(this.dataSource, id, columns, rowCount, executionMs);
    } catch (error) {
      const message =
        error instanceof QueryCancelledError
          ? this.stopping
            ? 'The server stopped before the query finished'
            : 'Query was cancelled'
          : error instanceof AppError
            ? error.message
            : 'The query failed';
      if (!(error instanceof AppError) && !(error instanceof QueryCancelledError)) this.logger.error({ err: error, queryUuid }, 'Query run failed');
      await markError(this.dataSource, id, message).catch((failure) => this.logger.warn({ err: failure, queryUuid }, 'Could not record a query failure'));
    } finally {
      clearInterval(watcher);
      this.running.delete(queryUuid);
    }
  }

  async results(access: ProjectAccess, principal: Principal, queryUuid: string, pageParam?: string, pageSizeParam?: string): Promise<Record<string, unknown>> {
    const started = Date.now();
    const page = pageParam === undefined ? 1 : positiveInteger(pageParam, 'page should be greater than 0');
    const requestedSize = pageSizeParam === undefined ? undefined : positiveInteger(pageSizeParam, 'page size should be greater than 0');
    if (requestedSize !== undefined && requestedSize > this.config.queryMaxPageSize) throw new PaginationError(`page size is too large, max is ${this.config.queryMaxPageSize}`);
    const query = await this.own(access, principal, queryUuid);
    if (query.status === 'pending' || query.status === 'cancelled') return { status: query.status, queryUuid: query.queryUuid };
    if (query.status === 'error') return { status: 'error', queryUuid: query.queryUuid, error: query.error, erroredAt: query.erroredAt };
    if (query.expired) throw new ResultsExpiredError();
    const pageSize = Math.min(requestedSize ?? query.defaultPageSize ?? DEFAULT_PAGE_SIZE, this.config.queryMaxPageSize);
    if (requestedSize === undefined && query.defaultPageSize === null) await setDefaultPageSize(this.dataSource, query.id, pageSize);
    const total = query.totalRowCount ?? 0;
    const totalPageCount = Math.ceil(total / pageSize);
    if (total > 0 && page > totalPageCount) throw new PaginationError(`invalid page ${page}, last page is ${totalPageCount}`);
    const rows = await readRows(this.dataSource, query.id, (page - 1) * pageSize, Math.min(page * pageSize, total));
    const columns = query.columns ?? {};
    return {
      status: 'ready',
      queryUuid: query.queryUuid,
      rows: rows.map((row) => formatRow(row, columns)),
      columns: Object.fromEntries(Object.entries(columns).map(([name, { type }]) => [name, { reference: name, type }])),
      page,
      pageSize: rows.length,
      totalResults: total,
      totalPageCount,
      ...(page < totalPageCount ? { nextPage: page + 1 } : {}),
      ...(page > 1 ? { previousPage: page - 1 } : {}),
      metadata: { performance: { initialQueryExecutionMs: query.executionMs, resultsPageExecutionMs: Date.now() - started, queueTimeMs: null }, preAggregate: null },
      pivotDetails: null,
    };
  }

  async cancel(access: ProjectAccess, principal: Principal, queryUuid: string): Promise<void> {
    const id = await markCancelled(this.dataSource, queryUuid, access.projectId, principal.userId);
    if (!id) throw notFound(queryUuid, access.projectUuid);
    this.running.get(queryUuid)?.controller.abort();
  }

  /** The caller's own query of this project (404 for anyone else's). */
  async own(access: ProjectAccess, principal: Principal, queryUuid: string): Promise<AsyncQueryRow> {
    const query = await readOwnAsyncQuery(this.dataSource, queryUuid, access.projectId, principal.userId);
    // a v1 CSV download job is not a query of the v2 routes
    if (!query || query.kind === 'csv') throw notFound(queryUuid, access.projectUuid);
    return query;
  }

  /** Lightdash's limit rule for saved-chart-like runs (metricQueryWithLimit). */
  private chartLimit(metricQuery: Record<string, unknown>, limit: number | null | undefined): number {
    const columns = ['dimensions', 'metrics', 'tableCalculations'].reduce((count, key) => count + (Array.isArray(metricQuery[key]) ? (metricQuery[key] as unknown[]).length : 0), 0);
    if (columns === 0) throw new ParameterError('Query must have at least one dimension, metric, or table calculation');
    const cellsCap = Math.floor(this.config.csvCellsLimit / columns);
    if (limit === undefined) {
      const own = typeof metricQuery.limit === 'number' ? metricQuery.limit : this.config.queryDefaultLimit;
      if (own > this.config.queryMaxLimit) throw new ParameterError(`Query limit can not exceed ${this.config.queryMaxLimit}`);
      return own;
    }
    return limit === null ? cellsCap : Math.min(limit, cellsCap);
  }
}

function notFound(queryUuid: string, projectUuid: string): NotFoundError {
  return new NotFoundError(`Query ${queryUuid} not found for project ${projectUuid}`);
}

function positiveInteger(raw: string, message: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) throw new PaginationError(message);
  return Number(raw);
}

/** The same metrics and filters with no dimensions, sorts or table calculations: one row of totals. */
export function totalQuery(metricQuery: Record<string, unknown>): Record<string, unknown> {
  const filters = (metricQuery.filters ?? {}) as Record<string, unknown>;
  return {
    ...metricQuery,
    dimensions: [],
    sorts: [],
    tableCalculations: [],
    limit: 1,
    filters: { ...(filters.dimensions ? { dimensions: filters.dimensions } : {}), ...(filters.metrics ? { metrics: filters.metrics } : {}) },
  };
}

function visibleDimensions(explore: Record<string, unknown>): string[] {
  const tables = (explore.tables ?? {}) as Record<string, { dimensions?: Record<string, { hidden?: boolean; name?: string; table?: string; timeInterval?: string }> }>;
  const ids: string[] = [];
  for (const [tableName, table] of Object.entries(tables)) {
    for (const [name, dimension] of Object.entries(table.dimensions ?? {})) {
      if (!dimension.hidden) ids.push(`${tableName}_${name}`.replace(/\./g, '__'));
    }
  }
  return ids;
}

function andGroups(...groups: unknown[]): Record<string, unknown> {
  const present = groups.filter((group) => group && typeof group === 'object');
  return { and: present };
}
