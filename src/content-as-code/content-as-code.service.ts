import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { spaceAllows } from '../authorization/permissions.js';
import { chartKindOf } from '../charts/chart-kind.js';
import { ChartsService } from '../charts/charts.service.js';
import type { ChartConfig } from '../charts/dto/chart.dto.js';
import { ConflictError, ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { DashboardsService } from '../dashboards/dashboards.service.js';
import { insertSpaceWithFreeSlug } from '../spaces/space-creation.js';
import { type InsertedSpaceRow, insertSpaceAdminEntry } from '../spaces/spaces.queries.js';
import {
  chartAsCode,
  chartSlugsOfTiles,
  dashboardAsCode,
  dashboardContentFromCode,
  friendlyName,
  pathSegmentsOf,
  sameContent,
  spacesOfDocuments,
  withFilterIds,
} from './as-code-documents.js';
import {
  type ChartContent,
  type DownloadPageRequest,
  type DownloadPageRow,
  downloadChartsPage,
  downloadDashboardsPage,
  insertChart,
  insertDashboard,
  lockExistingChart,
  lockExistingDashboard,
  lockProjectUploads,
  selectCreatedSpaces,
  selectSpacesOnPath,
  selectVisibleChartsBySlug,
  type SpaceStandingRow,
  updateChart,
  updateDashboard,
} from './content-as-code.queries.js';
import type {
  ChartAsCodeDto,
  ChartsAsCodeDto,
  DashboardAsCodeDto,
  DashboardsAsCodeDto,
  DownloadAsCodeQueryDto,
  PromotionAction,
  PromotionChangesDto,
} from './dto/content-as-code.dto.js';

type Json = Record<string, unknown>;

const PRIVATE_SPACE = "You don't have access to a private space";

/** A document's own fields as plain JSON (the DTO instances and their undefined fields gone). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null));

/** The space an upload writes into, and the spaces it created on the way (their ids). */
interface UploadSpace extends SpaceStandingRow {
  created: string[];
}

/** What an upload did, before its answer is read. */
interface UploadOutcome {
  action: PromotionAction;
  uuid: string;
  space: UploadSpace;
}

/**
 * Charts and dashboards as code (Lightdash's CoderService): download documents of the content the
 * caller may see, and upload one document at a time, matched by slug in the project, in one
 * transaction (docs/content-as-code.md).
 */
@Injectable()
export class ContentAsCodeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly charts: ChartsService,
    private readonly dashboards: DashboardsService,
    private readonly audit: AuditService,
  ) {}

  async downloadCharts(principal: Principal, project: ProjectAccess, query: DownloadAsCodeQueryDto): Promise<ChartsAsCodeDto> {
    const { items, ...page } = await this.page(downloadChartsPage, principal, project, query);
    const downloadedAt = new Date().toISOString();
    return { charts: items.map((chart) => chartAsCode(chart, downloadedAt) as unknown as Json), spaces: spacesOfDocuments(items), ...page };
  }

  async downloadDashboards(principal: Principal, project: ProjectAccess, query: DownloadAsCodeQueryDto): Promise<DashboardsAsCodeDto> {
    const { items, ...page } = await this.page(downloadDashboardsPage, principal, project, query);
    const downloadedAt = new Date().toISOString();
    return { dashboards: items.map((dashboard) => dashboardAsCode(dashboard, downloadedAt) as unknown as Json), spaces: spacesOfDocuments(items), ...page };
  }

  /** One page; `offset` in the answer is where the next page starts (clients loop while offset < total). */
  private async page<Item>(
    read: (manager: EntityManager, request: DownloadPageRequest) => Promise<DownloadPageRow<Item>>,
    principal: Principal,
    project: ProjectAccess,
    query: DownloadAsCodeQueryDto,
  ): Promise<{ items: Item[]; missingIds: string[]; total: number; offset: number }> {
    if ((query.offset ?? 0) < 0) throw new ParameterError('offset must not be negative');
    // past every row is an empty page; bounded so PostgreSQL's bigint OFFSET never overflows
    const offset = Math.min(query.offset ?? 0, Number.MAX_SAFE_INTEGER);
    const pageSize = this.config.maxDownloadsAsCode;
    const row = await read(this.dataSource.manager, { projectId: project.projectId, userId: principal.userId, ids: query.ids ?? null, offset, pageSize });
    return { items: row.items, missingIds: row.missingIds, total: row.total, offset: Math.min(offset + pageSize, row.total) };
  }

  async upsertChart(principal: Principal, project: ProjectAccess, slug: string, document: ChartAsCodeDto): Promise<PromotionChangesDto> {
    if (document.dashboardSlug) throw new ParameterError('Charts saved inside a dashboard are not supported: upload the chart without dashboardSlug');
    const segments = this.segmentsOf(document.spaceSlug);
    const chartConfig = plain(document.chartConfig) as ChartConfig;
    const content: ChartContent = {
      name: document.name,
      description: document.description ?? null,
      tableName: document.tableName,
      metricQuery: plain(document.metricQuery) as unknown as Json,
      chartConfig: chartConfig as Json,
      tableConfig: plain(document.tableConfig ?? { columnOrder: [] }) as unknown as Json,
      pivotConfig: document.pivotConfig ? (plain(document.pivotConfig) as unknown as Json) : null,
      chartKind: chartKindOf(chartConfig),
    };
    content.metricQuery.filters = withFilterIds((content.metricQuery.filters ?? {}) as Json);

    const outcome = await this.dataSource.transaction(async (manager): Promise<UploadOutcome> => {
      await lockProjectUploads(manager, project.projectId);
      const existing = await lockExistingChart(manager, project.projectId, principal.userId, slug);
      if (existing?.trashed) throw new ConflictError(`The chart with slug "${slug}" is in the trash: restore it or delete it for good first`);
      if (existing) assertMayEditContent(existing.standing, project);
      const space = await this.spaceForUpload(manager, principal, project, segments, document);
      if (!existing) {
        const uuid = await insertChart(manager, { spaceId: space.spaceId, projectId: project.projectId, slug, userId: principal.userId }, content);
        return { action: 'create', uuid, space };
      }
      const before = chartAsCode(existing.current, '');
      const after = chartAsCode({ ...existing.current, ...content, spacePath: space.path }, '');
      if (sameContent(before, after)) return { action: 'no changes', uuid: existing.uuid, space };
      await updateChart(manager, existing.uuid, space.spaceId, content, principal.userId);
      return { action: 'update', uuid: existing.uuid, space };
    });

    const chart = await this.charts.get(outcome.uuid);
    return {
      spaces: await this.createdSpaces(outcome.space.created),
      dashboards: [],
      charts: [{ action: outcome.action, data: { ...chart, spaceSlug: lastSegment(outcome.space.path), spacePath: outcome.space.path, oldUuid: outcome.uuid } }],
    };
  }

  async upsertDashboard(principal: Principal, project: ProjectAccess, slug: string, document: DashboardAsCodeDto): Promise<PromotionChangesDto> {
    const segments = this.segmentsOf(document.spaceSlug);
    const body = plain({ tiles: document.tiles, filters: document.filters, tabs: document.tabs }) as unknown as { tiles: Json[]; filters?: Json; tabs?: Json[] };
    const chartSlugs = chartSlugsOfTiles(body.tiles);

    const outcome = await this.dataSource.transaction(async (manager): Promise<UploadOutcome> => {
      await lockProjectUploads(manager, project.projectId);
      const existing = await lockExistingDashboard(manager, project.projectId, principal.userId, slug);
      if (existing?.trashed) throw new ConflictError(`The dashboard with slug "${slug}" is in the trash: restore it or delete it for good first`);
      if (existing) assertMayEditContent(existing.standing, project);
      const charts = chartSlugs.length ? await selectVisibleChartsBySlug(manager, project.projectId, principal.userId, chartSlugs) : [];
      const chartUuids = new Map(charts.map((chart) => [chart.slug, chart.uuid]));
      const missing = chartSlugs.find((chartSlug) => !chartUuids.has(chartSlug));
      if (missing !== undefined) throw new NotFoundError(`Chart with slug ${missing} not found`);
      const space = await this.spaceForUpload(manager, principal, project, segments, document);
      const content = dashboardContentFromCode(body, chartUuids);
      const description = document.description ?? null;
      const written = { name: document.name, description, ...content };
      if (!existing) {
        const uuid = await insertDashboard(manager, { spaceId: space.spaceId, projectId: project.projectId, slug, userId: principal.userId }, written);
        return { action: 'create', uuid, space };
      }
      const before = dashboardAsCode(existing.current, '');
      const after = dashboardAsCode(
        {
          ...existing.current,
          name: document.name,
          description,
          ...content,
          spacePath: space.path,
          chartSlugs: Object.fromEntries(charts.map((chart) => [chart.uuid, chart.slug])),
        },
        '',
      );
      if (sameContent(before, after)) return { action: 'no changes', uuid: existing.uuid, space };
      await updateDashboard(manager, existing.uuid, space.spaceId, written, principal.userId);
      return { action: 'update', uuid: existing.uuid, space };
    });

    const dashboard = await this.dashboards.get(outcome.uuid);
    return {
      spaces: await this.createdSpaces(outcome.space.created),
      dashboards: [{ action: outcome.action, data: { ...dashboard, spaceSlug: lastSegment(outcome.space.path), spacePath: outcome.space.path } }],
      charts: [],
    };
  }

  private segmentsOf(spaceSlug: string): string[] {
    const segments = pathSegmentsOf(spaceSlug);
    if (segments.length === 0) throw new ParameterError('spaceSlug must name a space');
    return segments;
  }

  /**
   * The space at `segments`, created with the missing levels below the closest existing ancestor.
   * Writing into an existing space needs `space:edit-content` there; creating needs it on the
   * ancestor. A new level inherits its parent's access; a new top-level space is private unless
   * `publicSpaceCreate`. The uploader gets a direct admin entry on every space created.
   */
  private async spaceForUpload(
    manager: EntityManager,
    principal: Principal,
    project: ProjectAccess,
    segments: string[],
    options: { spaceSlug: string; skipSpaceCreate?: boolean; publicSpaceCreate?: boolean },
  ): Promise<UploadSpace> {
    const prefixes = segments.map((_segment, index) => segments.slice(0, index + 1).join('.'));
    const found = await selectSpacesOnPath(manager, project.projectId, principal.userId, prefixes);
    const byPath = new Map(found.map((space) => [space.path, space]));
    let depth = prefixes.length;
    while (depth > 0 && !byPath.has(prefixes[depth - 1])) depth--;
    const ancestor = depth > 0 ? byPath.get(prefixes[depth - 1]) : undefined;
    if (ancestor && !spaceAllows('space:view', standingOn(ancestor, project))) throw new ForbiddenError(PRIVATE_SPACE);
    if (ancestor && depth === prefixes.length) {
      assertMayEditContent(ancestor, project);
      return { ...ancestor, created: [] };
    }
    if (options.skipSpaceCreate) throw new NotFoundError(`Space ${options.spaceSlug} does not exist`);
    if (ancestor && !spaceAllows('space:edit-content', standingOn(ancestor, project))) throw new ForbiddenError('Creating a space inside another needs space role editor there');

    let parent: SpaceStandingRow | undefined = ancestor;
    const created: string[] = [];
    for (const segment of segments.slice(depth)) {
      const inherits = parent ? true : options.publicSpaceCreate === true;
      const space = await this.insertSpace(manager, principal, project, parent?.spaceId ?? null, segment, inherits);
      await insertSpaceAdminEntry(manager, space.spaceId, principal.userId, project.organizationId);
      await this.audit.record(manager, {
        action: 'space.create',
        targetType: 'space',
        targetUuid: space.spaceUuid,
        details: { projectUuid: project.projectUuid, name: friendlyName(segment), slug: space.slug, isPrivate: !inherits, parentSpaceUuid: parent?.spaceUuid ?? null },
      });
      created.push(space.spaceId);
      parent = {
        spaceId: space.spaceId,
        spaceUuid: space.spaceUuid,
        path: space.path,
        inheritsFromProject: inherits && (parent?.inheritsFromProject ?? true),
        spaceRole: 'admin',
        projectRole: project.projectRole,
      };
    }
    return { ...parent!, created };
  }

  /** A new space with the segment as its slug, or the first free `<segment>-<n>` when the project uses it already. */
  private insertSpace(
    manager: EntityManager,
    principal: Principal,
    project: ProjectAccess,
    parentSpaceId: string | null,
    segment: string,
    inherits: boolean,
  ): Promise<InsertedSpaceRow> {
    return insertSpaceWithFreeSlug(manager, segment, {
      projectId: project.projectId,
      organizationId: project.organizationId,
      parentSpaceId,
      name: friendlyName(segment),
      inherits,
      createdByUserId: principal.userId,
    });
  }

  private async createdSpaces(spaceIds: string[]): Promise<PromotionChangesDto['spaces']> {
    if (spaceIds.length === 0) return [];
    const spaces = await selectCreatedSpaces(this.dataSource.manager, spaceIds);
    return spaces.map((space) => ({ action: 'create', data: space }));
  }
}

/** Content is written only where the caller may edit content (DESIGN §3); a space they cannot see is Lightdash's private-space refusal. */
function assertMayEditContent(space: SpaceStandingRow, project: ProjectAccess): void {
  const standing = standingOn(space, project);
  if (!spaceAllows('space:view', standing)) throw new ForbiddenError(PRIVATE_SPACE);
  if (!spaceAllows('space:edit-content', standing)) throw new ForbiddenError();
}

/**
 * The caller's standing on a space for the permission table: the space role the SQL resolved, and the
 * project roles the guard resolved (system role and custom roles' scopes), so custom roles count.
 */
function standingOn(space: SpaceStandingRow, project: ProjectAccess) {
  return { spaceRole: space.spaceRole, inheritsFromProject: space.inheritsFromProject, projectRole: project.projectRole, customScopes: project.customScopes };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}
