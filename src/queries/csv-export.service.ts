import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError, ResultsExpiredError, UnexpectedServerError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { DimensionType } from '../warehouses/warehouse-types.js';
import { type ResultFields, WarehouseService } from '../warehouses/warehouse.service.js';
import { AsyncQueriesService } from './async-queries.service.js';
import { prepareMetricQuery } from './metric-queries.js';
import { insertAsyncQuery, readOwnAsyncQuery, readOwnCsvJob, storedRows } from './queries.queries.js';
import { csvCell } from './result-format.js';

const BOM = '\uFEFF';

export interface CsvOptions {
  columns: string[];
  headers: string[];
  name: string;
}

export interface CsvFile {
  fileName: string;
  stream: Readable;
}

/**
 * CSV files. A v1 download job stores the compiled query; fetching its file runs the query then, reading
 * the warehouse through a cursor and writing each batch straight to the response (memory stays flat
 * whatever the row count; a client that goes away cancels the statement). A v2 download writes the
 * stored results of a ready query the same way, chunk by chunk.
 */
@Injectable()
export class CsvExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly warehouse: WarehouseService,
    private readonly asyncQueries: AsyncQueriesService,
  ) {}

  /** v1 downloadCsv: checks and compiles now (errors answer this request), returns the job to poll. */
  async createJob(access: ProjectAccess, principal: Principal, exploreName: string, body: Record<string, unknown>): Promise<{ jobId: string }> {
    const { onlyRaw: _onlyRaw, csvLimit, showTableNames, columnOrder, customLabels, hiddenFields, chartName, ...metricQuery } = body;
    const selected = ['dimensions', 'metrics', 'tableCalculations'].reduce((n, key) => n + (Array.isArray(metricQuery[key]) ? (metricQuery[key] as unknown[]).length : 0), 0);
    if (selected === 0) throw new ParameterError('Query must have at least one dimension or metric');
    const cellsCap = Math.max(1, Math.floor(this.config.csvCellsLimit / selected));
    let limit: unknown = metricQuery.limit;
    if (csvLimit === null) limit = cellsCap;
    else if (typeof csvLimit === 'number' && Number.isInteger(csvLimit) && csvLimit > 0) limit = Math.min(csvLimit, cellsCap);
    else if (csvLimit !== undefined) throw new ParameterError('csvLimit must be a positive integer or null');
    // the CSV's own cap (cells) replaces the interactive maximum, as Lightdash's metricQueryWithLimit
    const prepared = await prepareMetricQuery(this.dataSource, { ...this.config, queryMaxLimit: Math.max(this.config.queryMaxLimit, cellsCap) }, access, principal, exploreName, { ...metricQuery, limit });
    await this.warehouse.target(access, principal);
    const options = csvOptions(prepared.compiled.fields, { showTableNames, columnOrder, customLabels, hiddenFields }, typeof chartName === 'string' ? chartName : exploreName);
    const { queryUuid } = await insertAsyncQuery(this.dataSource, {
      projectId: access.projectId,
      userId: principal.userId,
      kind: 'csv',
      status: 'ready',
      exploreName,
      metricQuery: prepared.metricQuery,
      fields: {},
      sql: prepared.compiled.sql,
      parameters: prepared.compiled.parameters,
      options: options as unknown as Record<string, unknown>,
      ttlMinutes: this.config.queryResultsTtlMinutes,
    });
    return { jobId: queryUuid };
  }

  /** GET /csv/{jobId}: only the job's creator sees it. */
  async jobStatus(principal: Principal, jobId: string): Promise<{ url: string; status: string; truncated: boolean }> {
    const job = await readOwnCsvJob(this.dataSource, jobId, principal.userId);
    if (!job) throw new NotFoundError('Download CSV job not found');
    if (job.expired) throw new ResultsExpiredError();
    return { url: `${this.config.siteUrl}/api/v1/projects/${job.projectUuid}/csv/${jobId}`, status: 'completed', truncated: false };
  }

  /** The job's file: the query runs now and streams. Errors before the first byte are ordinary error answers. */
  async jobFile(access: ProjectAccess, principal: Principal, jobId: string): Promise<CsvFile> {
    const job = await readOwnAsyncQuery(this.dataSource, jobId, access.projectId, principal.userId);
    if (!job || job.kind !== 'csv') throw new NotFoundError('Download CSV job not found');
    if (job.expired) throw new ResultsExpiredError();
    const options = job.options as unknown as CsvOptions;
    const target = await this.warehouse.target(access, principal);
    const out = new PassThrough();
    const abort = new AbortController();
    // a client that goes away cancels the statement; a write after that must never crash the process
    out.on('close', () => abort.abort());
    out.on('error', () => abort.abort());
    let types: ResultFields = {};
    let announce!: () => void;
    let fail!: (error: unknown) => void;
    const started = new Promise<void>((resolve, reject) => {
      announce = resolve;
      fail = reject;
    });
    let begun = false;
    this.warehouse
      .stream(target, job.sql, job.parameters, {
        batchSize: 2000,
        signal: abort.signal,
        onFields: (fields) => {
          types = fields;
          begun = true;
          out.write(BOM + options.headers.map((header) => csvCell(header, undefined)).join(',') + '\r\n');
          announce();
        },
        onRows: async (rows) => {
          if (abort.signal.aborted) return;
          if (!out.write(csvLines(rows, options.columns, types))) await once(out, 'drain', { signal: abort.signal });
        },
      })
      .then(
        () => out.end(),
        (error) => (begun ? out.destroy(error instanceof Error ? error : new Error(String(error))) : fail(error)),
      );
    await started;
    return { fileName: fileName('csv', options.name), stream: out };
  }

  /** v2 download: the stored results of the caller's ready query, as CSV or JSONL. */
  async queryFile(access: ProjectAccess, principal: Principal, queryUuid: string, type: string, body: Record<string, unknown>): Promise<CsvFile> {
    if (type !== 'csv' && type !== 'jsonl') throw new ParameterError(`Download type ${type} is not supported: use csv or jsonl`);
    const query = await this.asyncQueries.own(access, principal, queryUuid);
    if (query.status !== 'ready') throw new ParameterError(query.status === 'pending' ? 'Query is pending' : query.status === 'cancelled' ? 'Query was cancelled' : (query.error ?? 'Query failed'));
    if (query.expired) throw new ResultsExpiredError();
    const types = query.columns ?? {};
    const columnIds = Object.keys(types);
    const known = Object.fromEntries(Object.entries(query.fields).filter(([id]) => columnIds.includes(id))) as never;
    const options = Object.keys(known).length ? csvOptions(known, body, query.exploreName ?? 'query') : { columns: columnIds, headers: columnIds, name: query.exploreName ?? 'sql' };
    const out = new PassThrough();
    const abort = new AbortController();
    out.on('close', () => abort.abort());
    out.on('error', () => abort.abort());
    if (type === 'csv') out.write(BOM + options.headers.map((header) => csvCell(header, undefined)).join(',') + '\r\n');
    void (async () => {
      try {
        for await (const rows of storedRows(this.dataSource, query.id)) {
          if (abort.signal.aborted) return;
          const text = type === 'csv' ? csvLines(rows, options.columns, types) : rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
          if (!out.write(text)) await once(out, 'drain', { signal: abort.signal });
        }
        out.end();
      } catch (error) {
        out.destroy(error instanceof Error ? error : new UnexpectedServerError());
      }
    })();
    return { fileName: fileName(type, options.name), stream: out };
  }
}

function csvLines(rows: Record<string, unknown>[], columns: string[], types: ResultFields): string {
  let text = '';
  for (const row of rows) text += columns.map((column) => csvCell(row[column], types[column]?.type as DimensionType | undefined)).join(',') + '\r\n';
  return text;
}

/** Columns (selected fields minus hidden ones, in `columnOrder`; ids it lacks first) and their headers. */
function csvOptions(fields: Record<string, { label?: string; table?: string }>, body: Record<string, unknown>, name: string): CsvOptions {
  const hidden = new Set(Array.isArray(body.hiddenFields) ? body.hiddenFields.filter((id): id is string => typeof id === 'string') : []);
  const order = Array.isArray(body.columnOrder) ? body.columnOrder.filter((id): id is string => typeof id === 'string') : [];
  const labels = body.customLabels && typeof body.customLabels === 'object' ? (body.customLabels as Record<string, unknown>) : {};
  const ids = Object.keys(fields).filter((id) => !hidden.has(id));
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : -1);
  const columns = ids.map((id, index) => ({ id, index })).sort((a, b) => rank(a.id) - rank(b.id) || a.index - b.index).map(({ id }) => id);
  const headers = columns.map((id) => {
    if (typeof labels[id] === 'string') return labels[id] as string;
    const field = fields[id];
    const label = field?.label ?? id;
    return body.showTableNames === true && field?.table ? `${field.table} ${label}` : label;
  });
  return { columns, headers, name };
}

function fileName(extension: string, name: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '-').replace(/\..+$/, '');
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100) || 'query';
  return `${extension}-${safe}-${stamp}.${extension}`;
}
