import type { NewProject } from './projects.queries.js';
import type { EntityManager } from 'typeorm';

// SQL of POST /projects/{p}/createPreview: copying a project into a new PREVIEW project. Every copy
// is one INSERT … SELECT over the source's rows (spaces: one per nesting level), never a statement per
// row. Copies are matched to their originals by slug, which is unique per project for spaces, charts
// and dashboards, so no mapping table is needed. Trashed content is not copied. The statements run in
// one REPEATABLE READ transaction: they all read the source as it was at the first one.

export interface PreviewSourceRow {
  name: string;
  dbtVersion: string;
  dbtConnection: Record<string, unknown>;
  encryptedDbtSecrets: Buffer | null;
  warehouseType: string | null;
  warehouseConnection: Record<string, unknown> | null;
  encryptedWarehouseSecrets: Buffer | null;
}

/** The source project's connections and dbt version. */
export async function readPreviewSource(manager: EntityManager, projectId: string): Promise<PreviewSourceRow> {
  const [row] = await manager.query(
    `SELECT name, dbt_version AS "dbtVersion", dbt_connection AS "dbtConnection", encrypted_dbt_secrets AS "encryptedDbtSecrets",
            warehouse_type AS "warehouseType", warehouse_connection AS "warehouseConnection", encrypted_warehouse_secrets AS "encryptedWarehouseSecrets"
     FROM projects WHERE project_id = $1`,
    [projectId],
  );
  return row;
}

/** A preview is created as a project is, its type set to PREVIEW by the statement. */
export type NewPreview = Omit<NewProject, 'type'>;

/** Inserts the PREVIEW project; returns its id and uuid. */
export async function insertPreviewProject(manager: EntityManager, preview: NewPreview): Promise<{ projectId: string; projectUuid: string }> {
  const [row] = await manager.query(
    `INSERT INTO projects (organization_id, name, project_type, dbt_version, dbt_connection, encrypted_dbt_secrets,
                           warehouse_type, warehouse_connection, encrypted_warehouse_secrets, upstream_project_uuid, created_by_user_id)
     VALUES ($1, $2, 'PREVIEW', $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING project_id::text AS "projectId", project_uuid AS "projectUuid"`,
    [
      preview.organizationId,
      preview.name,
      preview.dbtVersion,
      preview.dbtConnection,
      preview.encryptedDbtSecrets,
      preview.warehouseType,
      preview.warehouseConnection,
      preview.encryptedWarehouseSecrets,
      preview.upstreamProjectUuid,
      preview.createdByUserId,
    ],
  );
  return row;
}

/**
 * The compiled explores and their catalog items ($1 source, $2 preview): what the compile job that
 * Lightdash schedules for a new preview would produce from the same dbt project. Curation (catalog
 * categories, icons, metrics-tree edges) belongs to the source and is not copied.
 */
const COPY_EXPLORES_SQL = `
  WITH explores_copied AS (
    INSERT INTO explores (project_id, name, is_errored, summary, definition)
    SELECT $2, name, is_errored, summary, definition FROM explores WHERE project_id = $1 RETURNING 1
  ),
  catalog_copied AS (
    INSERT INTO catalog_items (project_id, item_type, table_name, field_name, field_type, name, label, description, explore_name, definition, search_vector)
    SELECT $2, item_type, table_name, field_name, field_type, name, label, description, explore_name, definition, search_vector
    FROM catalog_items WHERE project_id = $1 RETURNING 1
  )
  SELECT (SELECT count(*) FROM explores_copied)::int AS explores, (SELECT count(*) FROM catalog_copied)::int AS "catalogItems"`;

/**
 * The source's direct user grants and group grants ($1 source, $2 preview), each as it is: its system
 * role, or its custom role (the row's role is then a placeholder), and the further custom roles of its
 * role set. Custom roles belong to the organization, so the copies point at the same ones. (The role
 * sets' foreign keys to the copied grants are checked at the end of the statement, when those exist.)
 */
const COPY_PROJECT_ACCESS_SQL = `
  WITH users_copied AS (
    INSERT INTO project_memberships (project_id, user_id, organization_id, role, custom_role_id)
    SELECT $2, user_id, organization_id, role, custom_role_id FROM project_memberships WHERE project_id = $1 RETURNING 1
  ),
  groups_copied AS (
    INSERT INTO project_group_access (project_id, group_id, organization_id, role, custom_role_id)
    SELECT $2, group_id, organization_id, role, custom_role_id FROM project_group_access WHERE project_id = $1 RETURNING 1
  ),
  user_role_sets AS (
    INSERT INTO project_membership_custom_roles (project_id, user_id, organization_id, custom_role_id, created_at)
    SELECT $2, user_id, organization_id, custom_role_id, created_at FROM project_membership_custom_roles WHERE project_id = $1
  ),
  group_role_sets AS (
    INSERT INTO project_group_access_custom_roles (project_id, group_id, organization_id, custom_role_id, created_at)
    SELECT $2, group_id, organization_id, custom_role_id, created_at FROM project_group_access_custom_roles WHERE project_id = $1
  )
  SELECT (SELECT count(*) FROM users_copied)::int AS users, (SELECT count(*) FROM groups_copied)::int AS groups`;

/** How deep the source's live spaces nest (0: no spaces). */
const LIVE_SPACE_DEPTH_SQL = `SELECT coalesce(max(cardinality(ancestor_ids)), 0)::int AS depth FROM spaces WHERE project_id = $1 AND deleted_at IS NULL`;

/**
 * Copies the source's live spaces of nesting level $3 (1: root) into the preview ($1 source, $2
 * preview), under the copy of their parent; levels are copied in order, so the parent's copy exists
 * and the ancestry trigger reads it.
 */
const COPY_SPACE_LEVEL_SQL = `
  INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug, inherit_parent_permissions, created_by_user_id)
  SELECT $2, s.organization_id, parent_copy.space_id, s.name, s.slug, s.inherit_parent_permissions, s.created_by_user_id
  FROM spaces s
  LEFT JOIN spaces parent ON parent.space_id = s.parent_space_id
  LEFT JOIN spaces parent_copy ON parent_copy.project_id = $2 AND parent_copy.slug = parent.slug
  WHERE s.project_id = $1 AND s.deleted_at IS NULL AND cardinality(s.ancestor_ids) = $3
  ORDER BY s.space_id`;

/** The copied spaces' user and group shares, and the live charts and dashboards in them ($1 source, $2 preview). */
const COPY_SPACE_CONTENT_SQL = `
  WITH space_copy AS MATERIALIZED (
    SELECT s.space_id AS source_id, c.space_id AS copy_id
    FROM spaces s JOIN spaces c ON c.project_id = $2 AND c.slug = s.slug
    WHERE s.project_id = $1 AND s.deleted_at IS NULL
  ),
  user_shares AS (
    INSERT INTO space_user_access (space_id, user_id, organization_id, role)
    SELECT m.copy_id, a.user_id, a.organization_id, a.role FROM space_user_access a JOIN space_copy m ON m.source_id = a.space_id RETURNING 1
  ),
  group_shares AS (
    INSERT INTO space_group_access (space_id, group_id, organization_id, role)
    SELECT m.copy_id, a.group_id, a.organization_id, a.role FROM space_group_access a JOIN space_copy m ON m.source_id = a.space_id RETURNING 1
  ),
  charts AS (
    INSERT INTO saved_charts (space_id, project_id, name, description, slug, table_name, metric_query, chart_config, table_config, pivot_config,
                              chart_kind, created_by_user_id, updated_by_user_id)
    SELECT m.copy_id, $2, c.name, c.description, c.slug, c.table_name, c.metric_query, c.chart_config, c.table_config, c.pivot_config,
           c.chart_kind, c.created_by_user_id, c.updated_by_user_id
    FROM saved_charts c JOIN space_copy m ON m.source_id = c.space_id
    WHERE c.project_id = $1 AND c.deleted_at IS NULL
    RETURNING slug, saved_chart_uuid
  ),
  chart_copy AS MATERIALIZED (
    SELECT source.saved_chart_uuid::text AS source_uuid, copied.saved_chart_uuid::text AS copy_uuid
    FROM charts copied JOIN saved_charts source ON source.project_id = $1 AND source.slug = copied.slug
  ),
  dashboards AS (
    INSERT INTO dashboards (space_id, project_id, name, description, slug, tiles, tabs, filters, parameters, config, created_by_user_id, updated_by_user_id)
    SELECT m.copy_id, $2, d.name, d.description, d.slug,
           -- chart tiles point at the chart's copy
           (SELECT coalesce(jsonb_agg(CASE WHEN cc.copy_uuid IS NULL THEN tile
                                           ELSE jsonb_set(tile, '{properties,savedChartUuid}', to_jsonb(cc.copy_uuid)) END ORDER BY position), '[]'::jsonb)
            FROM jsonb_array_elements(d.tiles) WITH ORDINALITY AS t(tile, position)
            LEFT JOIN chart_copy cc ON cc.source_uuid = tile->'properties'->>'savedChartUuid'),
           d.tabs, d.filters, d.parameters, d.config, d.created_by_user_id, d.updated_by_user_id
    FROM dashboards d JOIN space_copy m ON m.source_id = d.space_id
    WHERE d.project_id = $1 AND d.deleted_at IS NULL
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM space_copy)::int AS spaces, (SELECT count(*) FROM user_shares)::int AS "userShares",
         (SELECT count(*) FROM group_shares)::int AS "groupShares", (SELECT count(*) FROM chart_copy)::int AS charts,
         (SELECT count(*) FROM dashboards)::int AS dashboards`;

export interface CopiedExplores {
  explores: number;
  catalogItems: number;
}

export async function copyExplores(manager: EntityManager, sourceId: string, previewId: string): Promise<CopiedExplores> {
  const [row] = await manager.query(COPY_EXPLORES_SQL, [sourceId, previewId]);
  return row;
}

export interface CopiedGrants {
  users: number;
  groups: number;
}

export async function copyProjectAccess(manager: EntityManager, sourceId: string, previewId: string): Promise<CopiedGrants> {
  const [row] = await manager.query(COPY_PROJECT_ACCESS_SQL, [sourceId, previewId]);
  return row;
}

export async function liveSpaceDepth(manager: EntityManager, sourceId: string): Promise<number> {
  const [{ depth }] = await manager.query(LIVE_SPACE_DEPTH_SQL, [sourceId]);
  return depth;
}

export async function copySpaceLevel(manager: EntityManager, sourceId: string, previewId: string, level: number): Promise<void> {
  await manager.query(COPY_SPACE_LEVEL_SQL, [sourceId, previewId, level]);
}

export interface CopiedSpaceContent {
  spaces: number;
  userShares: number;
  groupShares: number;
  charts: number;
  dashboards: number;
}

export async function copySpaceContent(manager: EntityManager, sourceId: string, previewId: string): Promise<CopiedSpaceContent> {
  const [row] = await manager.query(COPY_SPACE_CONTENT_SQL, [sourceId, previewId]);
  return row;
}
