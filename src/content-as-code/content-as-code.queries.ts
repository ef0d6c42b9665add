import type { EntityManager } from 'typeorm';
import { isoTimestampSql } from '../database/json-sql.js';
import { callerEntriesCtes, callerEntriesOn, spaceVisibleToCaller, visibleSpacesCte } from '../authorization/access.sql.js';
import type { ProjectRole, SpaceRole } from '../authorization/roles.js';

// The SQL of charts and dashboards as code. Each function is one statement, run in the caller's
// transaction where there is one; ContentAsCodeService holds the rules.

/** A timestamp as JSON.stringify writes a Date (ISO 8601, UTC, milliseconds), for values built in json. */

/** One page of a download: the items, how many match, and which requested ids matched nothing. */
export interface DownloadPageRow<Item> {
  total: number;
  missingIds: string[];
  items: Item[];
}

/** A chart as the download reads it. */
export interface StoredChartRow {
  uuid: string;
  slug: string;
  name: string;
  description: string | null;
  tableName: string;
  metricQuery: Record<string, unknown>;
  chartConfig: Record<string, unknown>;
  tableConfig: Record<string, unknown>;
  pivotConfig: Record<string, unknown> | null;
  updatedAt: string;
  spacePath: string;
}

/** A dashboard as the download reads it, with the slugs of the live charts its tiles show (by chart uuid). */
export interface StoredDashboardRow {
  uuid: string;
  slug: string;
  name: string;
  description: string | null;
  tiles: Record<string, unknown>[];
  filters: Record<string, unknown>;
  tabs: Record<string, unknown>[];
  updatedAt: string;
  spacePath: string;
  chartSlugs: Record<string, string>;
}

/** An item as the download reads it, with the name of its space. */
export type Downloaded<Row> = Row & { spaceName: string };

/**
 * The items of one kind ($1 project, $2 caller) in spaces the caller may see, optionally only those
 * whose slug or uuid is in $3 (uuids compared in lower case, $4), one page ($5 offset, $6 size) in
 * slug order, with the total and the requested ids nothing matched: one statement.
 */
function downloadPageSql(matched: string, itemColumns: string): string {
  return `
  WITH ${visibleSpacesCte('$1', '$2')},
  matched AS MATERIALIZED (${matched}),
  page AS (SELECT * FROM matched ORDER BY slug, item_id OFFSET $5 LIMIT $6)
  SELECT (SELECT count(*)::int FROM matched) AS total,
         (SELECT coalesce(array_agg(x.id ORDER BY x.n), '{}') FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(id, lowered, n)
          WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.slug = x.id OR m.uuid::text = x.lowered)) AS "missingIds",
         (SELECT coalesce(json_agg(json_build_object(${itemColumns}) ORDER BY page.slug, page.item_id), '[]') FROM page) AS items`;
}

const REQUESTED = `($3::text[] IS NULL OR item.slug = ANY ($3::text[]) OR item.uuid::text = ANY ($4::text[]))`;

const CHARTS_DOWNLOAD_PAGE_SQL = downloadPageSql(
  `SELECT * FROM (
     SELECT c.saved_chart_id AS item_id, c.saved_chart_uuid AS uuid, c.slug, c.name, c.description, c.table_name, c.metric_query,
            c.chart_config, c.table_config, c.pivot_config, c.updated_at, v.path AS space_path, sp.name AS space_name
     FROM saved_charts c JOIN visible_spaces v ON v.space_id = c.space_id JOIN spaces sp ON sp.space_id = c.space_id
     WHERE c.project_id = $1 AND c.deleted_at IS NULL) item
   WHERE ${REQUESTED}`,
  `'uuid', page.uuid, 'slug', page.slug, 'name', page.name, 'description', page.description, 'tableName', page.table_name,
   'metricQuery', page.metric_query, 'chartConfig', page.chart_config, 'tableConfig', page.table_config, 'pivotConfig', page.pivot_config,
   'updatedAt', ${isoTimestampSql('page.updated_at')}, 'spacePath', page.space_path, 'spaceName', page.space_name`,
);

const DASHBOARDS_DOWNLOAD_PAGE_SQL = downloadPageSql(
  `SELECT * FROM (
     SELECT d.dashboard_id AS item_id, d.dashboard_uuid AS uuid, d.slug, d.name, d.description, d.tiles, d.filters, d.tabs,
            d.updated_at, v.path AS space_path, sp.name AS space_name
     FROM dashboards d JOIN visible_spaces v ON v.space_id = d.space_id JOIN spaces sp ON sp.space_id = d.space_id
     WHERE d.project_id = $1 AND d.deleted_at IS NULL) item
   WHERE ${REQUESTED}`,
  `'uuid', page.uuid, 'slug', page.slug, 'name', page.name, 'description', page.description, 'tiles', page.tiles,
   'filters', page.filters, 'tabs', page.tabs, 'updatedAt', ${isoTimestampSql('page.updated_at')}, 'spacePath', page.space_path, 'spaceName', page.space_name,
   'chartSlugs', ${chartSlugsOfTiles('page.tiles', '$1')}`,
);

/** uuid → slug of the live charts of project `projectId` that the tiles `tiles` show. */
function chartSlugsOfTiles(tiles: string, projectId: string): string {
  return `(SELECT coalesce(json_object_agg(c.saved_chart_uuid, c.slug), '{}') FROM saved_charts c
     WHERE c.project_id = ${projectId} AND c.deleted_at IS NULL
       AND c.saved_chart_uuid::text IN (SELECT t->'properties'->>'savedChartUuid' FROM jsonb_array_elements(${tiles}) t WHERE t->>'type' = 'saved_chart'))`;
}

/**
 * Serializes the uploads into one project, so two uploads of the same new slug or space path cannot
 * both create it: the second waits, then finds what the first made.
 */
const LOCK_PROJECT_UPLOADS_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('content-as-code:' || $1::text, 0))`;

/** The caller's standing on a space. */
export interface SpaceStandingRow {
  spaceId: string;
  spaceUuid: string;
  path: string;
  inheritsFromProject: boolean;
  spaceRole: SpaceRole | null;
  projectRole: ProjectRole | null;
}

const STANDING_COLUMNS = `s.space_id::text AS "spaceId", s.space_uuid AS "spaceUuid", s.path, s.every_level_inherits AS "inheritsFromProject",
  effective_space_role(caller_role.role, e.user_entry, e.group_entry, s.every_level_inherits) AS "spaceRole", caller_role.role AS "projectRole"`;

/** The live spaces of project $1 whose path is in $3, with the caller's ($2) standing on each. */
const SPACES_ON_PATH_SQL = `
  WITH ${callerEntriesCtes('$1', '$2')}
  SELECT ${STANDING_COLUMNS}
  FROM spaces s CROSS JOIN caller_role ${callerEntriesOn('s', 'e')}
  WHERE s.project_id = $1 AND s.deleted_at IS NULL AND s.path = ANY ($3::text[])`;

/** The content with slug $3 in project $1, live or trashed, locked, with the caller's ($2) standing on its space. */
interface ExistingContentRow {
  uuid: string;
  trashed: boolean;
  standing: SpaceStandingRow;
}

export interface ExistingChartRow extends ExistingContentRow {
  current: StoredChartRow;
}

export interface ExistingDashboardRow extends ExistingContentRow {
  current: StoredDashboardRow;
}

function existingContentSql(table: 'saved_charts' | 'dashboards', uuid: string, current: string): string {
  return `
  WITH ${callerEntriesCtes('$1', '$2')}
  SELECT x.${uuid} AS uuid, x.deleted_at IS NOT NULL AS trashed,
         json_build_object('spaceId', s.space_id::text, 'spaceUuid', s.space_uuid, 'path', s.path, 'inheritsFromProject', s.every_level_inherits,
           'spaceRole', effective_space_role(caller_role.role, e.user_entry, e.group_entry, s.every_level_inherits),
           'projectRole', caller_role.role) AS standing,
         json_build_object(${current}) AS current
  FROM ${table} x
  JOIN spaces s ON s.space_id = x.space_id
  CROSS JOIN caller_role ${callerEntriesOn('s', 'e')}
  WHERE x.project_id = $1 AND x.slug = $3
  FOR UPDATE OF x`;
}

const EXISTING_CHART_SQL = existingContentSql(
  'saved_charts',
  'saved_chart_uuid',
  `'uuid', x.saved_chart_uuid, 'slug', x.slug, 'name', x.name, 'description', x.description, 'tableName', x.table_name,
   'metricQuery', x.metric_query, 'chartConfig', x.chart_config, 'tableConfig', x.table_config, 'pivotConfig', x.pivot_config,
   'updatedAt', ${isoTimestampSql('x.updated_at')}, 'spacePath', s.path`,
);

const EXISTING_DASHBOARD_SQL = existingContentSql(
  'dashboards',
  'dashboard_uuid',
  `'uuid', x.dashboard_uuid, 'slug', x.slug, 'name', x.name, 'description', x.description, 'tiles', x.tiles, 'filters', x.filters,
   'tabs', x.tabs, 'updatedAt', ${isoTimestampSql('x.updated_at')}, 'spacePath', s.path, 'chartSlugs', ${chartSlugsOfTiles('x.tiles', '$1')}`,
);

/** uuid and slug of the live charts of project $1 with a slug in $3 that the caller ($2) may see. */
const VISIBLE_CHARTS_BY_SLUG_SQL = `
  WITH ${callerEntriesCtes('$1', '$2')}
  SELECT c.saved_chart_uuid AS uuid, c.slug
  FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id CROSS JOIN caller_role CROSS JOIN caller_reach
  WHERE c.project_id = $1 AND c.deleted_at IS NULL AND c.slug = ANY ($3::text[]) AND ${spaceVisibleToCaller('s')}`;

const INSERT_CHART_SQL = `
  INSERT INTO saved_charts (space_id, project_id, name, description, slug, table_name, metric_query, chart_config, table_config,
                            pivot_config, chart_kind, created_by_user_id, updated_by_user_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING saved_chart_uuid AS uuid`;

const UPDATE_CHART_SQL = `
  UPDATE saved_charts SET space_id = $2, name = $3, description = $4, table_name = $5, metric_query = $6, chart_config = $7,
         table_config = $8, pivot_config = $9, chart_kind = $10, updated_by_user_id = $11, updated_at = now()
  WHERE saved_chart_uuid = $1`;

const INSERT_DASHBOARD_SQL = `
  INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, created_by_user_id, updated_by_user_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING dashboard_uuid AS uuid`;

const UPDATE_DASHBOARD_SQL = `
  UPDATE dashboards SET space_id = $2, name = $3, description = $4, tiles = $5, tabs = $6, filters = $7,
         version = version + 1, updated_by_user_id = $8, updated_at = now()
  WHERE dashboard_uuid = $1`;

/** What the upload's answer shows of a space it created. */
const CREATED_SPACES_SQL = `
  SELECT s.space_uuid AS uuid, s.name, s.slug, s.path, NOT s.inherit_parent_permissions AS "isPrivate",
         s.inherit_parent_permissions AS "inheritParentPermissions", parent.space_uuid AS "parentSpaceUuid",
         p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid"
  FROM spaces s
  JOIN projects p ON p.project_id = s.project_id
  JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN spaces parent ON parent.space_id = s.parent_space_id
  WHERE s.space_id = ANY ($1::bigint[])
  ORDER BY s.path`;

/** What a download page asks for: $1 project, $2 caller, $3 the slugs or uuids wanted (null: all), $5 offset, $6 size. */
export interface DownloadPageRequest {
  projectId: string;
  userId: string;
  ids: string[] | null;
  offset: number;
  pageSize: number;
}

async function downloadPage<Item>(manager: EntityManager, sql: string, request: DownloadPageRequest): Promise<DownloadPageRow<Item>> {
  const { projectId, userId, ids, offset, pageSize } = request;
  const [row]: DownloadPageRow<Item>[] = await manager.query(sql, [projectId, userId, ids, ids?.map((id) => id.toLowerCase()) ?? null, offset, pageSize]);
  return row;
}

/** One page of the charts the caller may see (see downloadPageSql). */
export function downloadChartsPage(manager: EntityManager, request: DownloadPageRequest): Promise<DownloadPageRow<Downloaded<StoredChartRow>>> {
  return downloadPage(manager, CHARTS_DOWNLOAD_PAGE_SQL, request);
}

/** One page of the dashboards the caller may see (see downloadPageSql). */
export function downloadDashboardsPage(manager: EntityManager, request: DownloadPageRequest): Promise<DownloadPageRow<Downloaded<StoredDashboardRow>>> {
  return downloadPage(manager, DASHBOARDS_DOWNLOAD_PAGE_SQL, request);
}

/** Waits for the other uploads into the project to commit (see LOCK_PROJECT_UPLOADS_SQL). */
export async function lockProjectUploads(manager: EntityManager, projectId: string): Promise<void> {
  await manager.query(LOCK_PROJECT_UPLOADS_SQL, [projectId]);
}

/** The chart with the slug in the project, live or trashed, locked, with the caller's standing on its space; none when there is none. */
export async function lockExistingChart(manager: EntityManager, projectId: string, userId: string, slug: string): Promise<ExistingChartRow | undefined> {
  const [existing]: ExistingChartRow[] = await manager.query(EXISTING_CHART_SQL, [projectId, userId, slug]);
  return existing;
}

/** The dashboard with the slug in the project, live or trashed, locked, with the caller's standing on its space; none when there is none. */
export async function lockExistingDashboard(manager: EntityManager, projectId: string, userId: string, slug: string): Promise<ExistingDashboardRow | undefined> {
  const [existing]: ExistingDashboardRow[] = await manager.query(EXISTING_DASHBOARD_SQL, [projectId, userId, slug]);
  return existing;
}

export interface ChartSlugRow {
  uuid: string;
  slug: string;
}

/** The live charts of the project with one of the slugs that the caller may see. */
export function selectVisibleChartsBySlug(manager: EntityManager, projectId: string, userId: string, slugs: string[]): Promise<ChartSlugRow[]> {
  return manager.query(VISIBLE_CHARTS_BY_SLUG_SQL, [projectId, userId, slugs]);
}

/** A chart's content as an upload writes it. */
export type ChartContent = Omit<StoredChartRow, 'uuid' | 'slug' | 'updatedAt' | 'spacePath'> & { chartKind: string };

const chartContentValues = (content: ChartContent) => [
  content.tableName,
  JSON.stringify(content.metricQuery),
  JSON.stringify(content.chartConfig),
  JSON.stringify(content.tableConfig),
  content.pivotConfig ? JSON.stringify(content.pivotConfig) : null,
  content.chartKind,
];

/** Inserts the chart ($12: the user, creator and last to update it); answers its uuid. */
export async function insertChart(
  manager: EntityManager,
  chart: { spaceId: string; projectId: string; slug: string; userId: string },
  content: ChartContent,
): Promise<string> {
  const [created]: { uuid: string }[] = await manager.query(INSERT_CHART_SQL, [
    chart.spaceId,
    chart.projectId,
    content.name,
    content.description,
    chart.slug,
    ...chartContentValues(content),
    chart.userId,
  ]);
  return created.uuid;
}

/** Replaces the chart's content and moves it to the space. */
export async function updateChart(manager: EntityManager, chartUuid: string, spaceId: string, content: ChartContent, userId: string): Promise<void> {
  await manager.query(UPDATE_CHART_SQL, [chartUuid, spaceId, content.name, content.description, ...chartContentValues(content), userId]);
}

/** A dashboard's content as an upload writes it. */
export interface DashboardContent {
  name: string;
  description: string | null;
  tiles: unknown[];
  tabs: unknown[];
  filters: unknown;
}

/** Inserts the dashboard (the user: its creator and the last to update it); answers its uuid. */
export async function insertDashboard(
  manager: EntityManager,
  dashboard: { spaceId: string; projectId: string; slug: string; userId: string },
  content: DashboardContent,
): Promise<string> {
  const [created]: { uuid: string }[] = await manager.query(INSERT_DASHBOARD_SQL, [
    dashboard.spaceId,
    dashboard.projectId,
    content.name,
    content.description,
    dashboard.slug,
    JSON.stringify(content.tiles),
    JSON.stringify(content.tabs),
    JSON.stringify(content.filters),
    dashboard.userId,
  ]);
  return created.uuid;
}

/** Replaces the dashboard's content, moves it to the space and counts a new version. */
export async function updateDashboard(manager: EntityManager, dashboardUuid: string, spaceId: string, content: DashboardContent, userId: string): Promise<void> {
  await manager.query(UPDATE_DASHBOARD_SQL, [
    dashboardUuid,
    spaceId,
    content.name,
    content.description,
    JSON.stringify(content.tiles),
    JSON.stringify(content.tabs),
    JSON.stringify(content.filters),
    userId,
  ]);
}

/** The live spaces of the project at the given paths, with the caller's standing on each. */
export function selectSpacesOnPath(manager: EntityManager, projectId: string, userId: string, paths: string[]): Promise<SpaceStandingRow[]> {
  return manager.query(SPACES_ON_PATH_SQL, [projectId, userId, paths]);
}

/** A space created by an upload, as its answer shows it (a type, so that it is the answer's plain `data` record). */
export type CreatedSpaceRow = {
  uuid: string;
  name: string;
  slug: string;
  path: string;
  isPrivate: boolean;
  inheritParentPermissions: boolean;
  parentSpaceUuid: string | null;
  projectUuid: string;
  organizationUuid: string;
};

/** The spaces, in path order. */
export function selectCreatedSpaces(manager: EntityManager, spaceIds: string[]): Promise<CreatedSpaceRow[]> {
  return manager.query(CREATED_SPACES_SQL, [spaceIds]);
}
