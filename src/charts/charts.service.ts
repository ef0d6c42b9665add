import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import { loadedRow } from '../authorization/row-loader.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { PreparedSql } from '../database/sql.js';
import { ContentTrashService } from '../content/content-trash.service.js';
import { chartKindOf } from './chart-kind.js';
import { CHART_DETAILS, CHART_DETAILS_SQL, CHART_FROM, parseSavedChart, UPDATED_BY_USER } from './charts.queries.js';
import { insertWithUniqueSlug, slugify } from './content-slug.js';
import { defaultSpaceToWriteInto, spaceToWriteInto } from './content-space-access.js';
import type { ChartSummaryListItemDto, CreateChartDto, SavedChartDto, SpaceQueryDto, UpdateChartDto } from './dto/chart.dto.js';

const SUMMARY_COLUMNS = `
  c.saved_chart_uuid AS uuid, c.name, c.description, s.space_uuid AS "spaceUuid", s.name AS "spaceName",
  p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid", NULL AS "pinnedListUuid",
  NULL AS "dashboardUuid", NULL AS "dashboardName", c.slug, c.chart_kind AS "chartKind",
  c.chart_config->>'type' AS "chartType"`;

const SPACE_QUERY_COLUMNS = `${SUMMARY_COLUMNS}, c.updated_at AS "updatedAt", ${UPDATED_BY_USER} AS "updatedByUser",
  NULL::integer AS "pinnedListOrder", c.views, c.first_viewed_at AS "firstViewedAt", 'dbt_explore' AS source,
  '[]'::json AS "validationErrors", NULL AS verification`;

const CHART_SUMMARY_COLUMNS = `${SUMMARY_COLUMNS}, NULL AS "dashboardSlug", c.updated_at AS "updatedAt", c.views AS "viewsCount"`;

/** Saved charts: each lives in one space, whose access decides who sees and edits it. */
@Injectable()
export class ChartsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly sql: PreparedSql,
    private readonly trash: ContentTrashService,
  ) {}

  /** In the body's space of the project, or without one in the project's default space; `space:edit-content` there. */
  async create(principal: Principal, project: ProjectAccess, dto: CreateChartDto): Promise<SavedChartDto> {
    if (dto.dashboardUuid) throw new ParameterError('Saving a chart inside a dashboard is not supported; save it in a space');
    const space = dto.spaceUuid
      ? await spaceToWriteInto(this.access, dto.spaceUuid, principal, project.projectId, 'not-found')
      : await defaultSpaceToWriteInto(this.access, principal, project.projectId);
    const chartUuid = await insertWithUniqueSlug(this.dataSource.manager, 'saved_charts', space.projectId, slugify(dto.name, 'chart'), async (slug) => {
      const [row] = await this.dataSource.query(
        `INSERT INTO saved_charts (space_id, project_id, name, description, slug, table_name, metric_query, chart_config, table_config,
                                   pivot_config, chart_kind, created_by_user_id, updated_by_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING saved_chart_uuid AS uuid`,
        [
          space.spaceId,
          space.projectId,
          dto.name,
          dto.description ?? null,
          slug,
          dto.tableName,
          JSON.stringify(dto.metricQuery),
          JSON.stringify(dto.chartConfig),
          JSON.stringify(dto.tableConfig ?? { columnOrder: [] }),
          dto.pivotConfig ? JSON.stringify(dto.pivotConfig) : null,
          chartKindOf(dto.chartConfig),
          principal.userId,
        ],
      );
      return row.uuid as string;
    });
    return this.get(chartUuid);
  }

  /**
   * The chart as GET /saved/{chartUuid} serves it: usually read by the guard's access statement
   * (see CHART_DETAILS). Reading does not count a view: GET stays a cheap read.
   */
  async get(chartUuid: string, access?: SpaceAccess): Promise<SavedChartDto> {
    const loaded = loadedRow(access, CHART_DETAILS);
    if (loaded) return loaded;
    const [row] = await this.sql.rows<Record<string, unknown>>('chart-details-by-uuid', CHART_DETAILS_SQL, [chartUuid]);
    if (!row) throw new NotFoundError('Chart not found');
    return parseSavedChart(row);
  }

  /** Renames and/or moves the chart; moving needs `space:edit-content` on the destination too. */
  async update(principal: Principal, space: SpaceAccess, chartUuid: string, dto: UpdateChartDto): Promise<SavedChartDto> {
    const destination =
      dto.spaceUuid && dto.spaceUuid !== space.spaceUuid ? await spaceToWriteInto(this.access, dto.spaceUuid, principal, space.projectId, 'bad-request') : undefined;
    const [{ updated }] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE saved_charts SET name = COALESCE($2, name), description = CASE WHEN $3::boolean THEN $4 ELSE description END,
                space_id = COALESCE($5::bigint, space_id), updated_by_user_id = $6, updated_at = now()
         WHERE saved_chart_uuid = $1 AND deleted_at IS NULL RETURNING 1)
       SELECT count(*)::int AS updated FROM changed`,
      [chartUuid, dto.name ?? null, dto.description !== undefined, dto.description ?? null, destination?.spaceId ?? null, principal.userId],
    );
    if (updated === 0) throw new NotFoundError('Chart not found');
    return this.get(chartUuid);
  }

  /** Moves the chart to the trash (docs/content.md). */
  async delete(principal: Principal, space: SpaceAccess, chartUuid: string): Promise<void> {
    await this.trash.trash(principal, 'chart', chartUuid, space.projectUuid);
  }

  /** Charts in the spaces the caller may see, filtered in SQL. */
  async list(principal: Principal, project: ProjectAccess): Promise<SpaceQueryDto[]> {
    return this.dataSource.query(
      `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT ${SPACE_QUERY_COLUMNS} ${CHART_FROM} JOIN visible_spaces v ON v.space_id = c.space_id
       WHERE c.project_id = $1 AND c.deleted_at IS NULL ORDER BY lower(c.name), c.saved_chart_id`,
      [project.projectId, principal.userId],
    );
  }

  async listSummaries(principal: Principal, project: ProjectAccess): Promise<ChartSummaryListItemDto[]> {
    return this.dataSource.query(
      `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT ${CHART_SUMMARY_COLUMNS} ${CHART_FROM} JOIN visible_spaces v ON v.space_id = c.space_id
       WHERE c.project_id = $1 AND c.deleted_at IS NULL ORDER BY lower(c.name), c.saved_chart_id`,
      [project.projectId, principal.userId],
    );
  }
}
