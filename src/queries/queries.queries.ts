import type { DataSource, EntityManager } from 'typeorm';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import type { ResultFields } from '../warehouses/warehouse.service.js';

/** Rows of results are stored in chunks of this many rows; a page reads the chunks it overlaps. */
export const RESULT_CHUNK_ROWS = 500;

type Db = DataSource | EntityManager;

export interface ExploreRow {
  isErrored: boolean;
  definition: Record<string, unknown>;
  startOfWeek: number | null;
}

/** The stored explore, and the week start of the project's warehouse connection (its clear part). */
export async function readExplore(db: Db, projectId: string, exploreName: string): Promise<ExploreRow | undefined> {
  const [row]: ExploreRow[] = await db.query(
    `SELECT e.is_errored AS "isErrored", e.definition,
            CASE WHEN jsonb_typeof(p.warehouse_connection->'startOfWeek') = 'number' THEN (p.warehouse_connection->>'startOfWeek')::int END AS "startOfWeek"
     FROM explores e JOIN projects p ON p.project_id = e.project_id
     WHERE e.project_id = $1 AND e.name = $2`,
    [projectId, exploreName],
  );
  return row;
}

export type AsyncQueryStatus = 'pending' | 'ready' | 'error' | 'cancelled';

export interface NewAsyncQuery {
  projectId: string;
  userId: string;
  kind: string;
  exploreName: string | null;
  metricQuery: unknown;
  fields: Record<string, unknown>;
  sql: string;
  parameters: unknown[];
  ttlMinutes: number;
  options?: Record<string, unknown>;
  status?: AsyncQueryStatus;
}

export async function insertAsyncQuery(db: Db, query: NewAsyncQuery): Promise<{ id: string; queryUuid: string }> {
  const [row] = await db.query(
    `INSERT INTO async_queries (project_id, created_by_user_id, kind, status, explore_name, metric_query, fields, compiled_sql, sql_parameters, options, expires_at)
     VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $8, $11, now() + make_interval(mins => $9))
     RETURNING async_query_id::text AS id, query_uuid AS "queryUuid"`,
    [
      query.projectId,
      query.userId,
      query.kind,
      query.exploreName,
      query.metricQuery === null ? null : JSON.stringify(query.metricQuery),
      JSON.stringify(query.fields),
      query.sql,
      JSON.stringify(query.parameters),
      query.ttlMinutes,
      query.status ?? 'pending',
      query.options === undefined ? null : JSON.stringify(query.options),
    ],
  );
  return row;
}

export interface AsyncQueryRow {
  id: string;
  queryUuid: string;
  kind: string;
  status: AsyncQueryStatus;
  exploreName: string | null;
  metricQuery: Record<string, unknown> | null;
  fields: Record<string, { type?: string; [key: string]: unknown }>;
  sql: string;
  parameters: unknown[];
  columns: ResultFields | null;
  totalRowCount: number | null;
  defaultPageSize: number | null;
  error: string | null;
  erroredAt: Date | null;
  executionMs: number | null;
  options: Record<string, unknown> | null;
  expired: boolean;
}

/** A query of the project run by this user (anyone else's, or another project's, is not found). */
export async function readOwnAsyncQuery(db: Db, queryUuid: string, projectId: string, userId: string): Promise<AsyncQueryRow | undefined> {
  const [row]: AsyncQueryRow[] = await db.query(
    `SELECT async_query_id::text AS id, query_uuid AS "queryUuid", kind, status, explore_name AS "exploreName", metric_query AS "metricQuery",
            fields, compiled_sql AS sql, sql_parameters AS parameters, columns, total_row_count AS "totalRowCount",
            default_page_size AS "defaultPageSize", error, errored_at AS "erroredAt", execution_ms AS "executionMs", options,
            (expires_at <= now()) AS expired
     FROM async_queries WHERE query_uuid = $1 AND project_id = $2 AND created_by_user_id = $3`,
    [queryUuid, projectId, userId],
  );
  return row;
}

export async function readStatus(db: Db, id: string): Promise<AsyncQueryStatus | undefined> {
  const [row] = await db.query('SELECT status FROM async_queries WHERE async_query_id = $1', [id]);
  return row?.status;
}

export async function insertChunk(db: Db, id: string, chunkIndex: number, rows: unknown[]): Promise<void> {
  await db.query('INSERT INTO async_query_result_chunks (async_query_id, chunk_index, rows) VALUES ($1, $2, $3)', [id, chunkIndex, JSON.stringify(rows)]);
}

/** Ready only while pending: a query cancelled meanwhile stays cancelled. */
export async function markReady(db: Db, id: string, columns: ResultFields, totalRowCount: number, executionMs: number): Promise<void> {
  await db.query(
    `UPDATE async_queries SET status = 'ready', columns = $2, total_row_count = $3, execution_ms = $4, updated_at = now()
     WHERE async_query_id = $1 AND status = 'pending'`,
    [id, JSON.stringify(columns), totalRowCount, executionMs],
  );
}

export async function markError(db: Db, id: string, message: string): Promise<void> {
  await db.query(
    `UPDATE async_queries SET status = 'error', error = $2, errored_at = now(), updated_at = now() WHERE async_query_id = $1 AND status = 'pending'`,
    [id, message],
  );
}

/** Cancels the caller's query whatever its status (as Lightdash); false when there is no such query. */
export async function markCancelled(db: Db, queryUuid: string, projectId: string, userId: string): Promise<string | undefined> {
  // an UPDATE through TypeORM answers [rows, count]
  const [rows]: [{ id: string }[], number] = await db.query(
    `UPDATE async_queries SET status = 'cancelled', updated_at = now()
     WHERE query_uuid = $1 AND project_id = $2 AND created_by_user_id = $3 RETURNING async_query_id::text AS id`,
    [queryUuid, projectId, userId],
  );
  return rows[0]?.id;
}

export async function setDefaultPageSize(db: Db, id: string, pageSize: number): Promise<void> {
  await db.query('UPDATE async_queries SET default_page_size = $2 WHERE async_query_id = $1 AND default_page_size IS NULL', [id, pageSize]);
}

/** The stored rows from `start` (0-based) up to `end` (exclusive). */
export async function readRows(db: Db, id: string, start: number, end: number): Promise<Record<string, unknown>[]> {
  if (end <= start) return [];
  const first = Math.floor(start / RESULT_CHUNK_ROWS);
  const last = Math.floor((end - 1) / RESULT_CHUNK_ROWS);
  const chunks: { chunkIndex: number; rows: Record<string, unknown>[] }[] = await db.query(
    `SELECT chunk_index AS "chunkIndex", rows FROM async_query_result_chunks
     WHERE async_query_id = $1 AND chunk_index BETWEEN $2 AND $3 ORDER BY chunk_index`,
    [id, first, last],
  );
  const rows = chunks.flatMap((chunk) => chunk.rows);
  const offset = start - first * RESULT_CHUNK_ROWS;
  return rows.slice(offset, offset + (end - start));
}

/** Result chunks of expired queries go at once; the query rows an hour later (a late poll still reads "expired"). */
export async function purgeExpired(db: Db): Promise<void> {
  await db.query(
    `WITH expired_chunks AS (
       DELETE FROM async_query_result_chunks c USING async_queries q
       WHERE c.async_query_id = q.async_query_id AND q.expires_at <= now()
     )
     DELETE FROM async_queries WHERE expires_at <= now() - interval '1 hour'`,
  );
}

/** The latest saved chart of the project with its space, for the /query/chart route. */
export async function readSavedChart(db: Db, projectId: string, chartUuid: string) {
  const [row]: { exploreName: string; metricQuery: Record<string, unknown>; name: string }[] = await db.query(
    `SELECT table_name AS "exploreName", metric_query AS "metricQuery", name FROM saved_charts WHERE saved_chart_uuid = $1 AND project_id = $2`,
    [chartUuid, projectId],
  );
  return row;
}

/** A CSV job of this user, in whatever project (GET /csv/{jobId} names no project). */
export async function readOwnCsvJob(db: Db, jobId: string, userId: string): Promise<{ projectUuid: string; expired: boolean } | undefined> {
  const [row] = await db.query(
    `SELECT p.project_uuid AS "projectUuid", (q.expires_at <= now()) AS expired
     FROM async_queries q JOIN projects p ON p.project_id = q.project_id
     WHERE q.query_uuid = $1 AND q.created_by_user_id = $2 AND q.kind = 'csv'`,
    [jobId, userId],
  );
  return row;
}

export async function setOptions(db: Db, id: string, options: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE async_queries SET options = $2 WHERE async_query_id = $1', [id, JSON.stringify(options)]);
}

/** Every stored row of a query, chunk by chunk (flat memory: one chunk at a time). */
export async function* storedRows(db: Db, id: string): AsyncGenerator<Record<string, unknown>[]> {
  for (let chunkIndex = 0; ; chunkIndex += 1) {
    const [chunk] = await db.query('SELECT rows FROM async_query_result_chunks WHERE async_query_id = $1 AND chunk_index = $2', [id, chunkIndex]);
    if (!chunk) return;
    yield chunk.rows;
  }
}

export interface ChartCustomMetricRow {
  chartUuid: string;
  chartName: string;
  /** one element of the chart's metricQuery.additionalMetrics (an object) */
  metric: Record<string, unknown>;
}

/** The custom metrics of the project's saved charts in spaces the user may see: one row per chart and metric, by chart name. */
export function selectChartCustomMetrics(db: Db, projectId: string, userId: string): Promise<ChartCustomMetricRow[]> {
  return db.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT c.saved_chart_uuid AS "chartUuid", c.name AS "chartName", m.metric
       FROM saved_charts c
       JOIN visible_spaces v ON v.space_id = c.space_id
       CROSS JOIN LATERAL jsonb_array_elements(
         CASE WHEN jsonb_typeof(c.metric_query->'additionalMetrics') = 'array' THEN c.metric_query->'additionalMetrics' ELSE '[]'::jsonb END
       ) AS m(metric)
       WHERE c.project_id = $1 AND jsonb_typeof(m.metric) = 'object'
       ORDER BY c.name, c.saved_chart_id`,
    [projectId, userId],
  );
}
