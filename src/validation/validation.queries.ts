import type { EntityManager } from 'typeorm';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import type { ChartInput, DashboardInput, ExploreInput, ValidationRow } from './validate-content.js';
import type { ValidationResultDto } from './dto/validation.dto.js';

/** How long the results of CLI runs (kept per job) stay. */
const CLI_RESULTS_KEPT = '1 day';

export function loadExplores(manager: EntityManager, projectId: string): Promise<ExploreInput[]> {
  return manager.query('SELECT name, is_errored AS "isErrored", definition FROM explores WHERE project_id = $1', [projectId]);
}

export function loadCharts(manager: EntityManager, projectId: string): Promise<ChartInput[]> {
  return manager.query(
    `SELECT saved_chart_id::text AS "chartId", saved_chart_uuid::text AS "chartUuid", name, table_name AS "tableName", metric_query AS "metricQuery"
     FROM saved_charts WHERE project_id = $1 AND deleted_at IS NULL ORDER BY saved_chart_id`,
    [projectId],
  );
}

export function loadDashboards(manager: EntityManager, projectId: string): Promise<DashboardInput[]> {
  return manager.query(
    `SELECT dashboard_id::text AS "dashboardId", name, tiles, filters FROM dashboards WHERE project_id = $1 AND deleted_at IS NULL ORDER BY dashboard_id`,
    [projectId],
  );
}

/**
 * Stores a run's rows under its job id. A project-wide run replaces the previous project-wide rows;
 * a CLI run keeps the others, and CLI rows older than a day go.
 */
export async function storeResults(manager: EntityManager, projectId: string, jobId: string, fromCli: boolean, rows: ValidationRow[]): Promise<void> {
  await manager.query(
    `DELETE FROM validations WHERE project_id = $1 AND (NOT $2 AND NOT from_cli OR from_cli AND created_at < now() - $3::interval)`,
    [projectId, fromCli, CLI_RESULTS_KEPT],
  );
  await manager.query(
    `INSERT INTO validations (project_id, job_id, from_cli, source, error_type, error, name, saved_chart_id, dashboard_id, field_name, chart_name,
                              table_name, dashboard_filter_error_type)
     SELECT $1, $2, $3, r->>'source', r->>'errorType', r->>'error', r->>'name', (r->>'chartId')::bigint, (r->>'dashboardId')::bigint,
            r->>'fieldName', r->>'chartName', r->>'tableName', r->>'dashboardFilterErrorType'
     FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(r, n)
     ORDER BY e.n`,
    [projectId, jobId, fromCli, JSON.stringify(rows)],
  );
}

type ResultRow = ValidationResultDto & { visible: boolean };

/**
 * A run's rows (or the latest project-wide run's), newest content problems first as Lightdash
 * orders them; rows about content in the trash are left out. Content in a space the caller cannot see is listed as "Private content", without
 * what would name or locate it.
 */
export async function listResults(manager: EntityManager, projectId: string, userId: string, jobId: string | undefined): Promise<ValidationResultDto[]> {
  const rows: ResultRow[] = await manager.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
     SELECT v.validation_id::int AS "validationId", v.validation_uuid AS "validationUuid", v.created_at AS "createdAt", v.name, v.error,
            v.error_type AS "errorType", p.project_uuid AS "projectUuid", s.space_uuid AS "spaceUuid", v.source,
            c.saved_chart_uuid AS "chartUuid", c.chart_kind AS "chartKind", d.dashboard_uuid AS "dashboardUuid", v.chart_name AS "chartName",
            v.field_name AS "fieldName", v.table_name AS "tableName", v.dashboard_filter_error_type AS "dashboardFilterErrorType",
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS "lastUpdatedBy", coalesce(c.updated_at, d.updated_at) AS "lastUpdatedAt",
            c.views AS "chartViews", d.views AS "dashboardViews",
            (s.space_id IS NULL OR vs.space_id IS NOT NULL) AS visible
     FROM validations v
     JOIN projects p ON p.project_id = v.project_id
     LEFT JOIN saved_charts c ON c.saved_chart_id = v.saved_chart_id
     LEFT JOIN dashboards d ON d.dashboard_id = v.dashboard_id
     LEFT JOIN spaces s ON s.space_id = coalesce(c.space_id, d.space_id)
     LEFT JOIN visible_spaces vs ON vs.space_id = s.space_id
     LEFT JOIN users u ON u.user_id = coalesce(c.updated_by_user_id, d.updated_by_user_id)
     WHERE v.project_id = $1 AND (CASE WHEN $3::uuid IS NULL THEN NOT v.from_cli ELSE v.job_id = $3::uuid END)
       -- content in the trash is gone for every read, its problems included
       AND c.deleted_at IS NULL AND d.deleted_at IS NULL
     ORDER BY v.created_at DESC, v.validation_id`,
    [projectId, userId, jobId ?? null],
  );
  return rows.map(({ visible, ...row }) => {
    const result = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as unknown as ValidationResultDto;
    if (visible) return result;
    const { chartUuid: _c, dashboardUuid: _d, chartName: _n, lastUpdatedBy: _u, ...hidden } = result;
    return { ...hidden, name: 'Private content' };
  });
}

/** Dismisses one row of the project; false when there is no such row. */
export async function deleteResult(manager: EntityManager, projectId: string, validationId: string): Promise<boolean> {
  const [{ deleted }] = await manager.query(
    'WITH d AS (DELETE FROM validations WHERE validation_id = $1 AND project_id = $2 RETURNING 1) SELECT count(*)::int AS deleted FROM d',
    [validationId, projectId],
  );
  return deleted > 0;
}
