import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { type SpaceRole } from '../authorization/roles.js';
import { spaceAllows } from '../authorization/permissions.js';
import { insertWithUniqueSlug, slugify } from '../charts/content-slug.js';
import { canEditContent, spaceToWriteInto } from '../charts/content-space-access.js';
import { ForbiddenError, NotFoundError, ParameterError, ValidateError } from '../common/errors.js';
import { visibleSpacesCte } from '../authorization/access.sql.js';
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

const EMPTY_FILTERS = { dimensions: [], metrics: [], tableCalculations: [] };
const DUPLICATE_MISMATCH = 'Invalid parameters to duplicate dashbaord'; // sic: the peer's message

const DASHBOARD_FROM = `
  FROM dashboards d
  JOIN spaces s ON s.space_id = d.space_id
  JOIN projects p ON p.project_id = d.project_id
  JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN users u ON u.user_id = d.updated_by_user_id`;

const BASIC_COLUMNS = `
  d.dashboard_uuid AS uuid, d.name, d.description, d.updated_at AS "updatedAt", p.project_uuid AS "projectUuid",
  o.organization_uuid AS "organizationUuid", s.space_uuid AS "spaceUuid",
  CASE WHEN u.user_id IS NULL THEN NULL ELSE json_build_object('userUuid', u.user_uuid, 'firstName', u.first_name, 'lastName', u.last_name) END AS "updatedByUser",
  d.views, d.first_viewed_at AS "firstViewedAt", NULL AS "pinnedListUuid", NULL::integer AS "pinnedListOrder"`;

/**
 * Tiles as Lightdash answers them: no tab and a shown title unless set, and a chart tile's chart named
 * (name, slug, kind) from the chart it shows, read in the same statement.
 */
const TILES = `(
  SELECT coalesce(jsonb_agg(
           jsonb_build_object('tabUuid', NULL) || t.tile || jsonb_build_object('properties',
             jsonb_build_object('hideTitle', false) || coalesce(t.tile->'properties', '{}'::jsonb) ||
             CASE WHEN ch.saved_chart_id IS NULL THEN '{}'::jsonb
                  ELSE jsonb_strip_nulls(jsonb_build_object('belongsToDashboard', false, 'chartName', ch.name, 'chartSlug', ch.slug, 'lastVersionChartKind', ch.chart_kind)) END)
           ORDER BY t.ord), '[]'::jsonb)
  FROM jsonb_array_elements(d.tiles) WITH ORDINALITY AS t(tile, ord)
  -- a chart tile's savedChartUuid is validated as a uuid when saved (other tiles' properties are not,
  -- hence the CASE): compared as a uuid, the unique index finds the chart
  LEFT JOIN saved_charts ch
    ON ch.saved_chart_uuid = CASE WHEN t.tile->>'type' = 'saved_chart' THEN (t.tile->'properties'->>'savedChartUuid')::uuid END
   AND ch.deleted_at IS NULL)`;

// versionUuid names the dashboard's current version: derived from the dashboard and its version number
const DASHBOARD_COLUMNS = `${BASIC_COLUMNS}, d.version AS "dashboardVersionId", md5(d.dashboard_uuid::text || ':' || d.version)::uuid AS "versionUuid",
  ${TILES} AS tiles, d.filters, d.parameters, s.name AS "spaceName",
  d.tabs, NOT s.every_level_inherits AS "isPrivate", s.every_level_inherits AS "inheritsFromOrgOrProject", '[]'::json AS access, d.slug, d.config,
  NULL AS "colorPaletteUuid", NULL AS verification`;

type DashboardRow = Omit<DashboardDto, 'config' | 'parameters'> & { config: Record<string, unknown> | null; parameters: Record<string, unknown> | null };

/** Lightdash answers no `config` or `parameters` key when the dashboard has none (lightdash-client-python refuses a null config). */
function presentDashboard({ config, parameters, ...row }: DashboardRow): DashboardDto {
  return { ...row, ...(config ? { config } : {}), ...(parameters ? { parameters } : {}) };
}

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

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
    const [row]: DashboardRow[] = await this.dataSource.query(`SELECT ${DASHBOARD_COLUMNS} ${DASHBOARD_FROM} WHERE d.dashboard_uuid = $1`, [dashboardUuid]);
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
    return this.dataSource.query(
      `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT ${BASIC_COLUMNS}, d.slug, '[]'::json AS "validationErrors", NULL AS verification,
              (SELECT COALESCE(jsonb_agg(DISTINCT tile->>'type'), '[]'::jsonb) FROM jsonb_array_elements(d.tiles) tile) AS "tileTypes"
       ${DASHBOARD_FROM} JOIN visible_spaces v ON v.space_id = d.space_id
       WHERE d.project_id = $1 AND d.deleted_at IS NULL
         AND ($3::boolean OR v.inherits_from_project OR v.user_entry IS NOT NULL)
         AND ($4::text IS NULL OR d.tiles @> jsonb_build_array(jsonb_build_object('properties', jsonb_build_object('savedChartUuid', $4::text))))
       ORDER BY lower(d.name), d.dashboard_id`,
      [project.projectId, principal.userId, query.includePrivate !== 'false', query.chartUuid?.toLowerCase() ?? null],
    );
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
    const dashboardUuid = await insertWithUniqueSlug(this.dataSource.manager, 'dashboards', project.projectId, slugify(dto.name!, 'dashboard'), async (slug) => {
      const [row] = await this.dataSource.query(
        `INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, parameters, config, created_by_user_id, updated_by_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING dashboard_uuid AS uuid`,
        [
          space.spaceId,
          project.projectId,
          dto.name,
          dto.description ?? null,
          slug,
          JSON.stringify(tiles),
          JSON.stringify(dto.tabs),
          JSON.stringify(dto.filters ?? EMPTY_FILTERS),
          jsonOrNull(dto.parameters),
          jsonOrNull(dto.config),
          principal.userId,
        ],
      );
      return row.uuid as string;
    });
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
      const [row] = await this.dataSource.query(
        `INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, parameters, config, created_by_user_id, updated_by_user_id)
         SELECT space_id, project_id, $2, $3, $4, tiles, tabs, filters, parameters, config, $5, $5 FROM dashboards WHERE dashboard_uuid = $1 AND deleted_at IS NULL
         RETURNING dashboard_uuid AS uuid`,
        [sourceUuid, dashboardName, dashboardDesc ?? null, slug, principal.userId],
      );
      if (!row) throw new NotFoundError('Dashboard not found');
      return row.uuid as string;
    });
    return this.get(dashboardUuid);
  }

  /** Changes content and/or moves the dashboard; moving needs `space:edit-content` on the destination too. */
  async update(principal: Principal, space: SpaceAccess, dashboardUuid: string, dto: UpdateDashboardDto): Promise<DashboardDto> {
    const destination =
      dto.spaceUuid && dto.spaceUuid !== space.spaceUuid ? await spaceToWriteInto(this.access, dto.spaceUuid, principal, space.projectId, 'bad-request') : undefined;
    const tiles = dto.tiles ? withTileUuids(dto.tiles) : undefined;
    if (tiles) await this.assertChartsVisible(principal, space.projectId, tiles);
    const [{ updated }] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE dashboards SET
           name = COALESCE($2, name),
           description = CASE WHEN $3::boolean THEN $4 ELSE description END,
           tiles = COALESCE($5::jsonb, tiles),
           tabs = COALESCE($6::jsonb, tabs),
           filters = COALESCE($7::jsonb, filters),
           parameters = CASE WHEN $8::boolean THEN $9::jsonb ELSE parameters END,
           config = CASE WHEN $10::boolean THEN $11::jsonb ELSE config END,
           space_id = COALESCE($12::bigint, space_id),
           version = version + 1, updated_by_user_id = $13, updated_at = now()
         WHERE dashboard_uuid = $1 AND deleted_at IS NULL RETURNING 1)
       SELECT count(*)::int AS updated FROM changed`,
      [
        dashboardUuid,
        dto.name ?? null,
        dto.description !== undefined,
        dto.description ?? null,
        jsonOrNull(tiles),
        jsonOrNull(dto.tabs),
        jsonOrNull(dto.filters),
        dto.parameters !== undefined,
        jsonOrNull(dto.parameters),
        dto.config !== undefined,
        jsonOrNull(dto.config),
        destination?.spaceId ?? null,
        principal.userId,
      ],
    );
    if (updated === 0) throw new NotFoundError('Dashboard not found');
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
      const found: { kind: 'dashboard' | 'space'; uuid: string; role: SpaceRole | null }[] = await manager.query(
        `WITH ${visibleSpacesCte('$1', '$2')}
         SELECT 'dashboard' AS kind, d.dashboard_uuid::text AS uuid, v.space_role AS role
         FROM dashboards d LEFT JOIN visible_spaces v ON v.space_id = d.space_id
         WHERE d.project_id = $1 AND d.deleted_at IS NULL AND d.dashboard_uuid = ANY($3::uuid[])
         UNION ALL
         SELECT 'space', s.space_uuid::text, v.space_role
         FROM spaces s LEFT JOIN visible_spaces v ON v.space_id = s.space_id
         WHERE s.project_id = $1 AND s.deleted_at IS NULL AND s.space_uuid = ANY($4::uuid[])`,
        [project.projectId, principal.userId, dashboardUuids, spaceUuids],
      );
      const dashboards = found.filter((row) => row.kind === 'dashboard');
      const spaces = found.filter((row) => row.kind === 'space');
      if (dashboards.length !== dashboardUuids.length) throw new NotFoundError('Dashboard not found');
      if (spaces.length !== spaceUuids.length) throw new NotFoundError('Space not found');
      if (!found.every((row) => canEditContent({ spaceRole: row.role, projectRole: project.projectRole, customScopes: project.customScopes }))) throw new ForbiddenError();
      await manager.query(
        `UPDATE dashboards d SET name = x.name, description = CASE WHEN x.has_description THEN x.description ELSE d.description END,
                space_id = s.space_id, version = d.version + 1, updated_by_user_id = $7, updated_at = now()
         FROM unnest($2::uuid[], $3::text[], $4::boolean[], $5::text[], $6::uuid[]) AS x(uuid, name, has_description, description, space_uuid)
         JOIN spaces s ON s.space_uuid = x.space_uuid AND s.project_id = $1
         WHERE d.dashboard_uuid = x.uuid AND d.project_id = $1`,
        [
          project.projectId,
          dashboardUuids,
          items.map((item) => item.name),
          items.map((item) => item.description !== undefined),
          items.map((item) => item.description ?? null),
          items.map((item) => item.spaceUuid.toLowerCase()),
          principal.userId,
        ],
      );
    });
    const rows: DashboardDto[] = (
      await this.dataSource.query(`SELECT ${DASHBOARD_COLUMNS} ${DASHBOARD_FROM} WHERE d.dashboard_uuid = ANY($1::uuid[])`, [dashboardUuids])
    ).map(presentDashboard);
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
    const [{ visible }] = await this.dataSource.query(
      `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT count(*)::int AS visible FROM saved_charts c JOIN visible_spaces v ON v.space_id = c.space_id
       WHERE c.project_id = $1 AND c.deleted_at IS NULL AND c.saved_chart_uuid = ANY($3::uuid[])`,
      [projectId, principal.userId, chartUuids],
    );
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
