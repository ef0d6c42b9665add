import { updatedByUserSql } from '../database/json-sql.js';
import type { RowLoader } from '../authorization/row-loader.js';
import type { SavedChartDto } from './dto/chart.dto.js';
import { presentSavedChart, type SavedChartRow } from './saved-chart-presenter.js';

/** The user who last updated chart `c`, from the row `u` joined by CHART_FROM. */
export const UPDATED_BY_USER = updatedByUserSql('u');

export const CHART_FROM = `
  FROM saved_charts c
  JOIN spaces s ON s.space_id = c.space_id
  JOIN projects p ON p.project_id = c.project_id
  JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN users u ON u.user_id = c.updated_by_user_id`;

// The chart's palette is the organization's (its active palette, else its chart colours, else Lightdash's default).
const SAVED_CHART_COLUMNS = `
  c.saved_chart_uuid AS uuid, p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid",
  s.space_uuid AS "spaceUuid", s.name AS "spaceName", c.name, c.description, c.slug, c.table_name AS "tableName",
  c.metric_query AS "metricQuery", c.chart_config AS "chartConfig", c.table_config AS "tableConfig", c.pivot_config AS "pivotConfig",
  c.updated_at AS "updatedAt", ${UPDATED_BY_USER} AS "updatedByUser",
  NULL AS "dashboardUuid", NULL AS "dashboardName", NULL AS "dashboardSlug", NULL AS "pinnedListUuid", NULL::integer AS "pinnedListOrder",
  NOT s.every_level_inherits AS "isPrivate", s.every_level_inherits AS "inheritsFromOrgOrProject",
  coalesce((SELECT cp.colors FROM organization_color_palettes cp WHERE cp.color_palette_uuid = o.color_palette_uuid), o.chart_colors) AS "organizationColors"`;

/** A chart's details by its uuid ($1): the read of GET /saved/{chartUuid}. */
export const CHART_DETAILS_SQL = `SELECT ${SAVED_CHART_COLUMNS} ${CHART_FROM} WHERE c.saved_chart_uuid = $1`;

/** The row of CHART_DETAILS_SQL as the API serves it (shaped as Lightdash answers it). */
export function parseSavedChart(row: Record<string, unknown>): SavedChartDto {
  return presentSavedChart(row as unknown as SavedChartRow);
}

/** The same read, run by the access check of GET /saved/{chartUuid}: one round trip. */
export const CHART_DETAILS: RowLoader<SavedChartDto> = {
  name: 'chart-details',
  sql: () => CHART_DETAILS_SQL,
  parse: parseSavedChart,
};
