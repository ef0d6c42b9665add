import type { EntityManager } from 'typeorm';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import type { SpaceRole } from '../authorization/roles.js';
import { updatedByUserSql } from '../database/json-sql.js';
import type { DashboardDto, DashboardListItemDto } from './dto/dashboard.dto.js';

// The SQL of dashboards (table dashboards). Each function is one statement; DashboardsService holds the rules.

const DASHBOARD_FROM = `
  FROM dashboards d
  JOIN spaces s ON s.space_id = d.space_id
  JOIN projects p ON p.project_id = d.project_id
  JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN users u ON u.user_id = d.updated_by_user_id`;

const BASIC_COLUMNS = `
  d.dashboard_uuid AS uuid, d.name, d.description, d.updated_at AS "updatedAt", p.project_uuid AS "projectUuid",
  o.organization_uuid AS "organizationUuid", s.space_uuid AS "spaceUuid",
  ${updatedByUserSql('u')} AS "updatedByUser",
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

/** A dashboard as read, before the keys Lightdash leaves out when empty are dropped. */
export type DashboardRow = Omit<DashboardDto, 'config' | 'parameters'> & { config: Record<string, unknown> | null; parameters: Record<string, unknown> | null };

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export async function selectDashboard(manager: EntityManager, dashboardUuid: string): Promise<DashboardRow | undefined> {
  const [row]: DashboardRow[] = await manager.query(`SELECT ${DASHBOARD_COLUMNS} ${DASHBOARD_FROM} WHERE d.dashboard_uuid = $1`, [dashboardUuid]);
  return row;
}

/** The dashboards of the given uuids, in no particular order; those that do not exist are left out. */
export function selectDashboards(manager: EntityManager, dashboardUuids: string[]): Promise<DashboardRow[]> {
  return manager.query(`SELECT ${DASHBOARD_COLUMNS} ${DASHBOARD_FROM} WHERE d.dashboard_uuid = ANY($1::uuid[])`, [dashboardUuids]);
}

export interface DashboardListFilter {
  /** false: only spaces open to the whole project or where the user has an entry of their own */
  includePrivate: boolean;
  /** only dashboards with a tile showing this chart (uuid in lower case) */
  chartUuid: string | null;
}

/** The live dashboards of project $1 in spaces user $2 may see, by name. */
export function listVisibleDashboards(manager: EntityManager, projectId: string, userId: string, filter: DashboardListFilter): Promise<DashboardListItemDto[]> {
  return manager.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT ${BASIC_COLUMNS}, d.slug, '[]'::json AS "validationErrors", NULL AS verification,
              (SELECT COALESCE(jsonb_agg(DISTINCT tile->>'type'), '[]'::jsonb) FROM jsonb_array_elements(d.tiles) tile) AS "tileTypes"
       ${DASHBOARD_FROM} JOIN visible_spaces v ON v.space_id = d.space_id
       WHERE d.project_id = $1 AND d.deleted_at IS NULL
         AND ($3::boolean OR v.inherits_from_project OR v.user_entry IS NOT NULL)
         AND ($4::text IS NULL OR d.tiles @> jsonb_build_array(jsonb_build_object('properties', jsonb_build_object('savedChartUuid', $4::text))))
       ORDER BY lower(d.name), d.dashboard_id`,
    [projectId, userId, filter.includePrivate, filter.chartUuid],
  );
}

export interface NewDashboard {
  spaceId: string;
  projectId: string;
  name: string;
  description: string | null;
  slug: string;
  tiles: unknown[];
  tabs: unknown[];
  filters: unknown;
  /** undefined or null: none */
  parameters: unknown;
  /** undefined or null: none */
  config: unknown;
  /** the creator, also recorded as the last to update it */
  userId: string;
}

/** Inserts the dashboard; answers its uuid. */
export async function insertDashboard(manager: EntityManager, dashboard: NewDashboard): Promise<string> {
  const [row]: { uuid: string }[] = await manager.query(
    `INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, parameters, config, created_by_user_id, updated_by_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING dashboard_uuid AS uuid`,
    [
      dashboard.spaceId,
      dashboard.projectId,
      dashboard.name,
      dashboard.description,
      dashboard.slug,
      JSON.stringify(dashboard.tiles),
      JSON.stringify(dashboard.tabs),
      JSON.stringify(dashboard.filters),
      jsonOrNull(dashboard.parameters),
      jsonOrNull(dashboard.config),
      dashboard.userId,
    ],
  );
  return row.uuid;
}

/** A copy of live dashboard `sourceUuid` in its space, with a new name, description and slug; none when the source is gone. */
export async function insertDashboardCopy(
  manager: EntityManager,
  sourceUuid: string,
  copy: { name: string; description: string | null; slug: string; userId: string },
): Promise<string | undefined> {
  const [row]: { uuid: string }[] = await manager.query(
    `INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, parameters, config, created_by_user_id, updated_by_user_id)
         SELECT space_id, project_id, $2, $3, $4, tiles, tabs, filters, parameters, config, $5, $5 FROM dashboards WHERE dashboard_uuid = $1 AND deleted_at IS NULL
         RETURNING dashboard_uuid AS uuid`,
    [sourceUuid, copy.name, copy.description, copy.slug, copy.userId],
  );
  return row?.uuid;
}

/** What an update changes: a field left undefined keeps its stored value (description, parameters and config may be set to null). */
export interface DashboardChanges {
  name?: string;
  description?: string | null;
  tiles?: unknown[];
  tabs?: unknown[];
  filters?: unknown;
  parameters?: unknown;
  config?: unknown;
  /** the space it moves to */
  spaceId?: string;
  /** who changes it */
  userId: string;
}

/** Changes live dashboard `dashboardUuid` and counts a new version; false when there is no such dashboard. */
export async function updateDashboard(manager: EntityManager, dashboardUuid: string, changes: DashboardChanges): Promise<boolean> {
  const [{ updated }]: { updated: number }[] = await manager.query(
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
      changes.name ?? null,
      changes.description !== undefined,
      changes.description ?? null,
      jsonOrNull(changes.tiles),
      jsonOrNull(changes.tabs),
      jsonOrNull(changes.filters),
      changes.parameters !== undefined,
      jsonOrNull(changes.parameters),
      changes.config !== undefined,
      jsonOrNull(changes.config),
      changes.spaceId ?? null,
      changes.userId,
    ],
  );
  return updated > 0;
}

/** A dashboard or space named by a bulk update, with the user's role on the space (null: they may not see it). */
export interface BulkTargetRow {
  kind: 'dashboard' | 'space';
  uuid: string;
  role: SpaceRole | null;
}

/** The live dashboards ($3) and spaces ($4) of project $1 among those named, with user $2's role on each space: one statement. */
export function selectBulkTargets(manager: EntityManager, projectId: string, userId: string, dashboardUuids: string[], spaceUuids: string[]): Promise<BulkTargetRow[]> {
  return manager.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
         SELECT 'dashboard' AS kind, d.dashboard_uuid::text AS uuid, v.space_role AS role
         FROM dashboards d LEFT JOIN visible_spaces v ON v.space_id = d.space_id
         WHERE d.project_id = $1 AND d.deleted_at IS NULL AND d.dashboard_uuid = ANY($3::uuid[])
         UNION ALL
         SELECT 'space', s.space_uuid::text, v.space_role
         FROM spaces s LEFT JOIN visible_spaces v ON v.space_id = s.space_id
         WHERE s.project_id = $1 AND s.deleted_at IS NULL AND s.space_uuid = ANY($4::uuid[])`,
    [projectId, userId, dashboardUuids, spaceUuids],
  );
}

export interface DashboardRename {
  /** lower case */
  uuid: string;
  name: string;
  /** undefined: keeps its description */
  description?: string | null;
  /** lower case */
  spaceUuid: string;
}

/** Renames and moves the dashboards of project `projectId`, each counting a new version, in one statement. */
export async function renameDashboards(manager: EntityManager, projectId: string, renames: DashboardRename[], userId: string): Promise<void> {
  await manager.query(
    `UPDATE dashboards d SET name = x.name, description = CASE WHEN x.has_description THEN x.description ELSE d.description END,
                space_id = s.space_id, version = d.version + 1, updated_by_user_id = $7, updated_at = now()
         FROM unnest($2::uuid[], $3::text[], $4::boolean[], $5::text[], $6::uuid[]) AS x(uuid, name, has_description, description, space_uuid)
         JOIN spaces s ON s.space_uuid = x.space_uuid AND s.project_id = $1
         WHERE d.dashboard_uuid = x.uuid AND d.project_id = $1`,
    [
      projectId,
      renames.map((rename) => rename.uuid),
      renames.map((rename) => rename.name),
      renames.map((rename) => rename.description !== undefined),
      renames.map((rename) => rename.description ?? null),
      renames.map((rename) => rename.spaceUuid),
      userId,
    ],
  );
}

/** How many of the charts ($3, lower-case uuids) are live charts of project $1 in spaces user $2 may see. */
export async function countVisibleCharts(manager: EntityManager, projectId: string, userId: string, chartUuids: string[]): Promise<number> {
  const [{ visible }]: { visible: number }[] = await manager.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
       SELECT count(*)::int AS visible FROM saved_charts c JOIN visible_spaces v ON v.space_id = c.space_id
       WHERE c.project_id = $1 AND c.deleted_at IS NULL AND c.saved_chart_uuid = ANY($3::uuid[])`,
    [projectId, userId, chartUuids],
  );
  return visible;
}
