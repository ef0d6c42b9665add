import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { loadedRow } from '../authorization/row-loader.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { PreparedSql } from '../database/sql.js';
import { ContentTrashService } from '../content/content-trash.service.js';
import { chartKindOf } from './chart-kind.js';
import { CHART_DETAILS, insertChart, selectChartDetails, selectVisibleChartSummaries, selectVisibleCharts, updateChart } from './charts.queries.js';
import { insertWithUniqueSlug, slugify } from './content-slug.js';
import { defaultSpaceToWriteInto, spaceToWriteInto } from './content-space-access.js';
import type { ChartSummaryListItemDto, CreateChartDto, SavedChartDto, SpaceQueryDto, UpdateChartDto } from './dto/chart.dto.js';

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
    const manager = this.dataSource.manager;
    const chartUuid = await insertWithUniqueSlug(manager, 'saved_charts', space.projectId, slugify(dto.name, 'chart'), (slug) =>
      insertChart(manager, {
        spaceId: space.spaceId,
        projectId: space.projectId,
        name: dto.name,
        description: dto.description ?? null,
        slug,
        tableName: dto.tableName,
        metricQuery: JSON.stringify(dto.metricQuery),
        chartConfig: JSON.stringify(dto.chartConfig),
        tableConfig: JSON.stringify(dto.tableConfig ?? { columnOrder: [] }),
        pivotConfig: dto.pivotConfig ? JSON.stringify(dto.pivotConfig) : null,
        chartKind: chartKindOf(dto.chartConfig),
        userId: principal.userId,
      }),
    );
    return this.get(chartUuid);
  }

  /**
   * The chart as GET /saved/{chartUuid} serves it: usually read by the guard's access statement
   * (see CHART_DETAILS). Reading does not count a view: GET stays a cheap read.
   */
  async get(chartUuid: string, access?: SpaceAccess): Promise<SavedChartDto> {
    const loaded = loadedRow(access, CHART_DETAILS);
    if (loaded) return loaded;
    const chart = await selectChartDetails(this.sql, chartUuid);
    if (!chart) throw new NotFoundError('Chart not found');
    return chart;
  }

  /** Renames and/or moves the chart; moving needs `space:edit-content` on the destination too. */
  async update(principal: Principal, space: SpaceAccess, chartUuid: string, dto: UpdateChartDto): Promise<SavedChartDto> {
    const destination =
      dto.spaceUuid && dto.spaceUuid !== space.spaceUuid ? await spaceToWriteInto(this.access, dto.spaceUuid, principal, space.projectId, 'bad-request') : undefined;
    const updated = await updateChart(this.dataSource.manager, chartUuid, {
      name: dto.name ?? null,
      setDescription: dto.description !== undefined,
      description: dto.description ?? null,
      spaceId: destination?.spaceId ?? null,
      userId: principal.userId,
    });
    if (!updated) throw new NotFoundError('Chart not found');
    return this.get(chartUuid);
  }

  /** Moves the chart to the trash (docs/content.md). */
  async delete(principal: Principal, space: SpaceAccess, chartUuid: string): Promise<void> {
    await this.trash.trash(principal, 'chart', chartUuid, space.projectUuid);
  }

  /** Charts in the spaces the caller may see, filtered in SQL. */
  async list(principal: Principal, project: ProjectAccess): Promise<SpaceQueryDto[]> {
    return selectVisibleCharts(this.dataSource.manager, project.projectId, principal.userId);
  }

  async listSummaries(principal: Principal, project: ProjectAccess): Promise<ChartSummaryListItemDto[]> {
    return selectVisibleChartSummaries(this.dataSource.manager, project.projectId, principal.userId);
  }
}
