import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { spaceAllows } from '../authorization/permissions.js';
import { insertWithUniqueSlug, slugify } from '../charts/content-slug.js';
import { canEditContent, spaceToWriteInto } from '../charts/content-space-access.js';
import { ForbiddenError, NotFoundError, ParameterError, ValidateError } from '../common/errors.js';
import { ContentTrashService } from '../content/content-trash.service.js';
import { ViewCounter } from '../content-views/view-counter.service.js';
import type {
  CreateDashboardDto,
  DashboardDto,
  DashboardListItemDto,
  DashboardRenameDto,
  DashboardTileDto,
  ListDashboardsQueryDto,
  UpdateDashboardDto,
} from './dto/dashboard.dto.js';
import {
  countVisibleCharts,
  type DashboardRow,
  insertDashboard,
  insertDashboardCopy,
  listVisibleDashboards,
  renameDashboards,
  selectBulkTargets,
  selectDashboard,
  selectDashboards,
  updateDashboard,
} from './dashboards.queries.js';

const EMPTY_FILTERS = { dimensions: [], metrics: [], tableCalculations: [] };
const DUPLICATE_MISMATCH = 'Invalid parameters to duplicate dashbaord'; // sic: the peer's message

/** Lightdash answers no `config` or `parameters` key when the dashboard has none (lightdash-client-python refuses a null config). */
function presentDashboard({ config, parameters, ...row }: DashboardRow): DashboardDto {
  return { ...row, ...(config ? { config } : {}), ...(parameters ? { parameters } : {}) };
}

/** Dashboards: each lives in one space, whose access decides who sees and edits it. */
@Injectable()
export class DashboardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly trash: ContentTrashService,
    private readonly views: ViewCounter,
  ) {}

  /**
   * The dashboard. Views are written in batches (ViewCounter), so until its first view is written
   * `firstViewedAt` is that of the first view waiting to be written. A read counts once answered: its
   * own answer does not include it, as in Lightdash.
   */
  async get(dashboardUuid: string): Promise<DashboardDto> {
    const row = await selectDashboard(this.dataSource.manager, dashboardUuid);
    if (!row) throw new NotFoundError('Dashboard not found');
    const firstViewedAt = row.firstViewedAt ?? this.views.firstPendingView('dashboard', dashboardUuid) ?? null;
    return presentDashboard({ ...row, firstViewedAt });
  }

  /**
   * Dashboards in the spaces the caller may see, filtered in SQL. `includePrivate=false`, as Lightdash:
   * only spaces open to the whole project or that the caller was given access to themselves (an
   * entry of their own on the space or above it); not those seen only as project admin or through a group.
   */
  async list(principal: Principal, project: ProjectAccess, query: ListDashboardsQueryDto): Promise<DashboardListItemDto[]> {
    return listVisibleDashboards(this.dataSource.manager, project.projectId, principal.userId, {
      includePrivate: query.includePrivate !== 'false',
      chartUuid: query.chartUuid?.toLowerCase() ?? null,
    });
  }

  /** Creates a dashboard, or duplicates one when `duplicateFrom` is given. */
  async create(principal: Principal, project: ProjectAccess, dto: CreateDashboardDto, duplicateFrom: string | undefined): Promise<DashboardDto> {
    if (duplicateFrom) return this.duplicate(principal, project, duplicateFrom, dto);
    if (dto.dashboardName !== undefined || dto.dashboardDesc !== undefined) throw new ParameterError(DUPLICATE_MISMATCH);
    const missing = (['name', 'spaceUuid', 'tiles', 'tabs'] as const).filter((field) => dto[field] === undefined || dto[field] === null);
    if (missing.length) throw new ValidateError(Object.fromEntries(missing.map((field) => [`body.${field}`, { message: `'${field}' is required` }])));
    const space = await spaceToWriteInto(this.access, dto.spaceUuid!, principal, project.projectId, 'not-found');
    const tiles = withTileUuids(dto.tiles!);
    await this.assertChartsVisible(principal, project.projectId, tiles);
    const dashboardUuid = await insertWithUniqueSlug(this.dataSource.manager, 'dashboards', project.projectId, slugify(dto.name!, 'dashboard'), (slug) =>
      insertDashboard(this.dataSource.manager, {
        spaceId: space.spaceId,
        projectId: project.projectId,
        name: dto.name!,
        description: dto.description ?? null,
        slug,
        tiles,
        tabs: dto.tabs!,
        filters: dto.filters ?? EMPTY_FILTERS,
        parameters: dto.parameters,
        config: dto.config,
        userId: principal.userId,
      }),
    );
    return this.get(dashboardUuid);
  }

  /** A copy in the source's space: needs view on the source and `space:edit-content` on that space. */
  private async duplicate(principal: Principal, project: ProjectAccess, sourceUuid: string, dto: CreateDashboardDto): Promise<DashboardDto> {
    const { dashboardName, dashboardDesc, ...rest } = dto;
    if (dashboardName === undefined || Object.values(rest).some((value) => value !== undefined)) throw new ParameterError(DUPLICATE_MISMATCH);
    const source = await this.access.dashboardSpace(sourceUuid, principal.userId);
    if (!source || source.organizationId !== principal.organizationId || source.projectId !== project.projectId) throw new NotFoundError('Dashboard not found');
    if (!spaceAllows('space:view', source) || !canEditContent(source)) throw new ForbiddenError();
    const dashboardUuid = await insertWithUniqueSlug(this.dataSource.manager, 'dashboards', project.projectId, slugify(dashboardName, 'dashboard'), async (slug) => {
      const copyUuid = await insertDashboardCopy(this.dataSource.manager, sourceUuid, { name: dashboardName, description: dashboardDesc ?? null, slug, userId: principal.userId });
      if (!copyUuid) throw new NotFoundError('Dashboard not found');
      return copyUuid;
    });
    return this.get(dashboardUuid);
  }

  /** Changes content and/or moves the dashboard; moving needs `space:edit-content` on the destination too. */
  async update(principal: Principal, space: SpaceAccess, dashboardUuid: string, dto: UpdateDashboardDto): Promise<DashboardDto> {
    const destination =
      dto.spaceUuid && dto.spaceUuid !== space.spaceUuid ? await spaceToWriteInto(this.access, dto.spaceUuid, principal, space.projectId, 'bad-request') : undefined;
    const tiles = dto.tiles ? withTileUuids(dto.tiles) : undefined;
    if (tiles) await this.assertChartsVisible(principal, space.projectId, tiles);
    const updated = await updateDashboard(this.dataSource.manager, dashboardUuid, {
      name: dto.name,
      description: dto.description,
      tiles,
      tabs: dto.tabs,
      filters: dto.filters,
      parameters: dto.parameters,
      config: dto.config,
      spaceId: destination?.spaceId,
      userId: principal.userId,
    });
    if (!updated) throw new NotFoundError('Dashboard not found');
    return this.get(dashboardUuid);
  }

  /** Moves the dashboard to the trash (docs/content.md). */
  async delete(principal: Principal, space: SpaceAccess, dashboardUuid: string): Promise<void> {
    await this.trash.trash(principal, 'dashboard', dashboardUuid, space.projectUuid);
  }

  /**
   * Bulk rename/move. Every dashboard and destination space must be in the project (else 404) and
   * editable by the caller (else 403); roles of all of them are resolved in one query, and either
   * every dashboard changes or none does.
   */
  async updateMany(principal: Principal, project: ProjectAccess, items: DashboardRenameDto[]): Promise<DashboardDto[]> {
    if (items.length === 0) return [];
    const dashboardUuids = items.map((item) => item.uuid.toLowerCase());
    if (new Set(dashboardUuids).size !== dashboardUuids.length) throw new ParameterError('Each dashboard may appear only once');
    const spaceUuids = [...new Set(items.map((item) => item.spaceUuid.toLowerCase()))];
    await this.dataSource.transaction(async (manager) => {
      const found = await selectBulkTargets(manager, project.projectId, principal.userId, dashboardUuids, spaceUuids);
      const dashboards = found.filter((row) => row.kind === 'dashboard');
      const spaces = found.filter((row) => row.kind === 'space');
      if (dashboards.length !== dashboardUuids.length) throw new NotFoundError('Dashboard not found');
      if (spaces.length !== spaceUuids.length) throw new NotFoundError('Space not found');
      if (!found.every((row) => canEditContent({ spaceRole: row.role, projectRole: project.projectRole, customScopes: project.customScopes }))) throw new ForbiddenError();
      await renameDashboards(
        manager,
        project.projectId,
        items.map((item, index) => ({ uuid: dashboardUuids[index], name: item.name, description: item.description, spaceUuid: item.spaceUuid.toLowerCase() })),
        principal.userId,
      );
    });
    const rows = (await selectDashboards(this.dataSource.manager, dashboardUuids)).map(presentDashboard);
    const byUuid = new Map(rows.map((row) => [row.uuid, row]));
    return dashboardUuids.map((uuid) => byUuid.get(uuid)).filter((row): row is DashboardDto => row !== undefined);
  }

  /** Every saved_chart tile must name a chart of this project that the caller may see (one query for all tiles). */
  private async assertChartsVisible(principal: Principal, projectId: string, tiles: DashboardTileDto[]): Promise<void> {
    const chartUuids = [
      ...new Set(
        tiles
          .filter((tile) => tile.type === 'saved_chart')
          .map((tile) => tile.properties.savedChartUuid)
          .filter((uuid): uuid is string => typeof uuid === 'string')
          .map((uuid) => uuid.toLowerCase()),
      ),
    ];
    if (chartUuids.length === 0) return;
    const visible = await countVisibleCharts(this.dataSource.manager, projectId, principal.userId, chartUuids);
    if (visible !== chartUuids.length) throw new ParameterError('A saved_chart tile names a chart that is not in this project or that you may not see');
  }
}

/**
 * Tiles as stored: each with a uuid (a new one when the client gave none), chart uuids in lower case
 * so the `chartUuid` list filter (a jsonb containment) finds them.
 */
function withTileUuids(tiles: DashboardTileDto[]): DashboardTileDto[] {
  return tiles.map((tile) => {
    const chartUuid = tile.properties.savedChartUuid;
    const properties = typeof chartUuid === 'string' ? { ...tile.properties, savedChartUuid: chartUuid.toLowerCase() } : tile.properties;
    return { ...tile, uuid: tile.uuid ?? randomUUID(), properties };
  });
}
