import type { EntityManager } from 'typeorm';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import { isoTimestampSql, updatedByUserSql } from '../database/json-sql.js';
import type { PreparedSql } from '../database/sql.js';
import type { RowLoader } from '../authorization/row-loader.js';
import type { ChartSummaryListItemDto, SavedChartDto, SpaceQueryDto } from './dto/chart.dto.js';
import { presentSavedChart, type SavedChartRow } from './saved-chart-presenter.js';

// The SQL of saved charts. Each function is one statement; ChartsService holds the rules.

/** The user who last updated chart `c`, from the row `u` joined by CHART_FROM. */
export const UPDATED_BY_USER = updatedByUserSql('u');

export const CHART_FROM = `
  FROM saved_charts c
  JOIN spaces s ON s.space_id = c.space_id
  JOIN projects p ON p.project_id = c.project_id
  JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN users u ON u.user_id = c.updated_by_user_id`;

// The chart's palette is the organization's (its active palette, else its chart colours, else Lightdash's default).
// One json column rather than a column per field: the driver then decodes one value instead of
// twenty, and the timestamp arrives as the text the answer carries.
const SAVED_CHART_JSON = `json_build_object(
  'uuid', c.saved_chart_uuid, 'projectUuid', p.project_uuid, 'organizationUuid', o.organization_uuid,
  'spaceUuid', s.space_uuid, 'spaceName', s.name, 'name', c.name, 'description', c.description, 'slug', c.slug, 'tableName', c.table_name,
  'metricQuery', c.metric_query, 'chartConfig', c.chart_config, 'tableConfig', c.table_config, 'pivotConfig', c.pivot_config,
  'updatedAt', ${isoTimestampSql('c.updated_at')}, 'updatedByUser', ${UPDATED_BY_USER}, 'inheritsFromOrgOrProject', s.every_level_inherits,
  'organizationColors', coalesce((SELECT cp.colors FROM organization_color_palettes cp WHERE cp.color_palette_uuid = o.color_palette_uuid), o.chart_colors)
) AS chart`;

/** A chart's details by its uuid ($1): the read of GET /saved/{chartUuid}, as one json column `chart`. */
export const CHART_DETAILS_SQL = `SELECT ${SAVED_CHART_JSON} ${CHART_FROM} WHERE c.saved_chart_uuid = $1`;

/** The row of CHART_DETAILS_SQL as the API serves it (shaped as Lightdash answers it). */
export function parseSavedChart(row: Record<string, unknown>): SavedChartDto {
  return presentSavedChart(row.chart as SavedChartRow);
}

/** The same read, run by the access check of GET /saved/{chartUuid}: one round trip. */
export const CHART_DETAILS: RowLoader<SavedChartDto> = {
  name: 'chart-details',
  sql: () => CHART_DETAILS_SQL,
  parse: parseSavedChart,
};

/** The chart's details (CHART_DETAILS_SQL) on its own, when the access check did not read them. */
export async function selectChartDetails(sql: PreparedSql, chartUuid: string): Promise<SavedChartDto | undefined> {
  const [row] = await sql.rows<Record<string, unknown>>('chart-details-by-uuid', CHART_DETAILS_SQL, [chartUuid]);
  return row && parseSavedChart(row);
}

/** A new chart's stored fields (JSON values already serialized). */
export interface NewChart {
  spaceId: string;
  projectId: string;
  name: string;
  description: string | null;
  slug: string;
  tableName: string;
  metricQuery: string;
  chartConfig: string;
  tableConfig: string;
  pivotConfig: string | null;
  chartKind: string;
  userId: string;
}

/** Inserts the chart; its uuid. */
export async function insertChart(manager: EntityManager, chart: NewChart): Promise<string> {
  const [row] = await manager.query(
    `INSERT INTO saved_charts (space_id, project_id, name, description, slug, table_name, metric_query, chart_config, table_config,
                               pivot_config, chart_kind, created_by_user_id, updated_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING saved_chart_uuid AS uuid`,
    [
      chart.spaceId,
      chart.projectId,
      chart.name,
      chart.description,
      chart.slug,
      chart.tableName,
      chart.metricQuery,
      chart.chartConfig,
      chart.tableConfig,
      chart.pivotConfig,
      chart.chartKind,
      chart.userId,
    ],
  );
  return row.uuid as string;
}

/** What an update changes: a null name or space keeps the stored one; the description only when `setDescription`. */
export interface ChartChange {
  name: string | null;
  setDescription: boolean;
  description: string | null;
  spaceId: string | null;
  userId: string;
}

/** Renames and/or moves live chart $1; false when there is no such live chart. */
export async function updateChart(manager: EntityManager, chartUuid: string, change: ChartChange): Promise<boolean> {
  const [{ updated }] = await manager.query(
    `WITH changed AS (
       UPDATE saved_charts SET name = COALESCE($2, name), description = CASE WHEN $3::boolean THEN $4 ELSE description END,
              space_id = COALESCE($5::bigint, space_id), updated_by_user_id = $6, updated_at = now()
       WHERE saved_chart_uuid = $1 AND deleted_at IS NULL RETURNING 1)
     SELECT count(*)::int AS updated FROM changed`,
    [chartUuid, change.name, change.setDescription, change.description, change.spaceId, change.userId],
  );
  return updated > 0;
}

const SUMMARY_COLUMNS = `
  c.saved_chart_uuid AS uuid, c.name, c.description, s.space_uuid AS "spaceUuid", s.name AS "spaceName",
  p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid", NULL AS "pinnedListUuid",
  NULL AS "dashboardUuid", NULL AS "dashboardName", c.slug, c.chart_kind AS "chartKind",
  c.chart_config->>'type' AS "chartType"`;

const SPACE_QUERY_COLUMNS = `${SUMMARY_COLUMNS}, c.updated_at AS "updatedAt", ${UPDATED_BY_USER} AS "updatedByUser",
  NULL::integer AS "pinnedListOrder", c.views, c.first_viewed_at AS "firstViewedAt", 'dbt_explore' AS source,
  '[]'::json AS "validationErrors", NULL AS verification`;

const CHART_SUMMARY_COLUMNS = `${SUMMARY_COLUMNS}, NULL AS "dashboardSlug", c.updated_at AS "updatedAt", c.views AS "viewsCount"`;

/** The live charts of project $1 in the spaces user $2 may see, filtered in SQL, as `columns` select them. */
function visibleChartsSql(columns: string): string {
  return `WITH ${visibleSpacesCte('$1', '$2')}
     SELECT ${columns} ${CHART_FROM} JOIN visible_spaces v ON v.space_id = c.space_id
     WHERE c.project_id = $1 AND c.deleted_at IS NULL ORDER BY lower(c.name), c.saved_chart_id`;
}

/** The live charts of project $1 in the spaces user $2 may see. */
export function selectVisibleCharts(manager: EntityManager, projectId: string, userId: string): Promise<SpaceQueryDto[]> {
  return manager.query(visibleChartsSql(SPACE_QUERY_COLUMNS), [projectId, userId]);
}

/** The same charts as summaries. */
export function selectVisibleChartSummaries(manager: EntityManager, projectId: string, userId: string): Promise<ChartSummaryListItemDto[]> {
  return manager.query(visibleChartsSql(CHART_SUMMARY_COLUMNS), [projectId, userId]);
}
