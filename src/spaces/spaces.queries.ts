import type { EntityManager } from 'typeorm';
import { spaceById, visibleSpacesCte } from '../authorization/access.sql.js';
import type { RowLoader } from '../authorization/route-access.decorator.js';
import type { ProjectRole, SpaceRole } from '../authorization/roles.js';
import type { PreparedSql } from '../database/sql.js';
import type { SpaceChartDto, SpaceDashboardDto, SpaceGroupAccessDto, SpaceShareDto, SpaceSummaryBaseDto, SpaceSummaryDto } from './dto/space.dto.js';

// The SQL of spaces (tables spaces, space_user_access, space_group_access, and what a space shows).
// Each function is one statement; SpacesService holds the rules.

/**
 * The columns of space row `s` that a summary shows, with its parent's uuid: selected into the
 * materialized rows (`listed_spaces`, `page`) that SUMMARY_COLUMNS then reads.
 */
const SPACE_ROW_COLUMNS = `s.space_id, s.space_uuid, s.name, s.slug, s.inherit_parent_permissions, s.path, s.ancestor_ids, s.every_level_inherits,
           (SELECT parent.space_uuid FROM spaces parent WHERE parent.space_id = s.parent_space_id) AS parent_space_uuid`;

/**
 * A space summary's columns, for a row `s` of SPACE_ROW_COLUMNS joined to its project `p`,
 * organization `o`, and the per-space CTEs chart_counts, dashboard_counts, child_counts
 * (space_id, n) and shares (space_id, users), joined by SUMMARY_JOINS.
 */
const SUMMARY_COLUMNS = `s.space_uuid AS uuid, s.name, p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid", s.slug,
           NOT s.inherit_parent_permissions AS "isPrivate", s.inherit_parent_permissions AS "inheritParentPermissions",
           s.parent_space_uuid AS "parentSpaceUuid", s.path,
           coalesce(cc.n, 0) AS "chartCount", coalesce(dc.n, 0) AS "dashboardCount", coalesce(kc.n, 0) AS "childSpaceCount",
           coalesce(sh.users, '{}') AS access,
           s.space_role AS "spaceRole", s.project_role AS "projectRole", s.user_entry AS "userEntry", s.group_entry AS "groupEntry",
           s.own_entry AS "ownEntry"`;
const SUMMARY_JOINS = `JOIN projects p ON p.project_id = $1
    JOIN organizations o ON o.organization_id = p.organization_id
    LEFT JOIN chart_counts cc ON cc.space_id = s.space_id
    LEFT JOIN dashboard_counts dc ON dc.space_id = s.space_id
    LEFT JOIN child_counts kc ON kc.space_id = s.space_id
    LEFT JOIN shares sh ON sh.space_id = s.space_id`;

/**
 * Every space of project $1 that user $2 may see, in path order, with its summary, in one statement
 * (see visibleSpacesCte). The listed rows are materialized first and the counts and shares, each
 * aggregated once for the project, joined to them afterwards: joined inside the per-row lookup of the
 * space, PostgreSQL re-read each aggregate for every row (90 ms instead of 8 at 1,000 spaces). The
 * first row carries the number of spaces, as the page does.
 */
const LIST_SQL = `
  WITH ${visibleSpacesCte('$1', '$2')},
  listed_spaces AS MATERIALIZED (
    SELECT ${SPACE_ROW_COLUMNS},
           v.space_role, v.project_role, v.user_entry, v.group_entry,
           (SELECT own.role FROM space_user_access own WHERE own.space_id = s.space_id AND own.user_id = $2) AS own_entry
    FROM visible_spaces v
    ${spaceById('s', 'v.space_id')}
  ),
  chart_counts AS (SELECT space_id, count(*)::int AS n FROM saved_charts WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  dashboard_counts AS (SELECT space_id, count(*)::int AS n FROM dashboards WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  child_counts AS (SELECT parent_space_id AS space_id, count(*)::int AS n FROM spaces WHERE project_id = $1 AND parent_space_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1),
  shares AS (
    SELECT a.space_id, array_agg(u.user_uuid::text ORDER BY u.user_uuid) AS users
    FROM space_user_access a JOIN spaces sp ON sp.space_id = a.space_id AND sp.project_id = $1 JOIN users u ON u.user_id = a.user_id
    GROUP BY a.space_id
  ),
  total AS (SELECT count(*)::int AS n FROM visible_spaces)
  SELECT total.n AS "totalResults", listed.*
  FROM total LEFT JOIN (
    SELECT ${SUMMARY_COLUMNS}
    FROM listed_spaces s
    ${SUMMARY_JOINS}
  ) listed ON true
  ORDER BY listed.path`;

/** A timestamp as JSON.stringify writes a Date (ISO 8601, UTC, milliseconds), for values built in json. */
const isoTimestamp = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Everything GET /spaces/{s} shows about a space besides what the guard resolved, in one statement:
 * the chain from the root down (each level with the caller's ($2) role from the entries of that level
 * and its ancestors), the charts and dashboards, the user and group shares, and the children the
 * caller may see. The arguments are SQL expressions for the space id, the caller's project role and
 * the uuids of its project and organization.
 */
function spaceContentSql({ space, projectRole, projectUuid, organizationUuid }: Record<'space' | 'projectRole' | 'projectUuid' | 'organizationUuid', string>): string {
  return `
  WITH chain AS MATERIALIZED (
    -- from the root down to the space; each level with the most generous of the caller's entries on it or above it
    SELECT l.depth, s.space_id, s.space_uuid, s.name, s.slug, s.inherit_parent_permissions, s.every_level_inherits,
           max(ue.role) OVER down AS user_max, max(ge.role) OVER down AS group_max
    FROM spaces target
    CROSS JOIN LATERAL unnest(target.ancestor_ids) WITH ORDINALITY l(space_id, depth)
    JOIN spaces s ON s.space_id = l.space_id
    LEFT JOIN space_user_access ue ON ue.space_id = s.space_id AND ue.user_id = $2
    LEFT JOIN LATERAL (SELECT max(a.role) AS role FROM space_group_access a
                       JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = $2 WHERE a.space_id = s.space_id) ge ON true
    WHERE target.space_id = ${space}
    WINDOW down AS (ORDER BY l.depth ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  )
  SELECT
    (SELECT json_agg(json_build_object(
              'uuid', space_uuid, 'name', name, 'slug', slug, 'inheritParentPermissions', inherit_parent_permissions,
              'userEntry', user_max, 'groupEntry', group_max, 'everyLevelInherits', every_level_inherits,
              'spaceRole', effective_space_role(${projectRole}, user_max, group_max, every_level_inherits)) ORDER BY depth)
     FROM chain) AS chain,
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', c.saved_chart_uuid, 'name', c.name, 'description', c.description, 'spaceUuid', s.space_uuid, 'spaceName', s.name,
              'projectUuid', ${projectUuid}, 'organizationUuid', ${organizationUuid}, 'slug', c.slug, 'updatedAt', ${isoTimestamp('c.updated_at')},
              'chartKind', c.chart_kind, 'dashboardUuid', NULL, 'dashboardName', NULL, 'pinnedListUuid', NULL, 'pinnedListOrder', NULL,
              'views', c.views, 'firstViewedAt', ${isoTimestamp('c.first_viewed_at')}) ORDER BY lower(c.name), c.saved_chart_id), '[]')
     FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id WHERE c.space_id = ${space} AND c.deleted_at IS NULL) AS queries,
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', d.dashboard_uuid, 'name', d.name, 'description', d.description, 'updatedAt', ${isoTimestamp('d.updated_at')},
              'projectUuid', ${projectUuid}, 'organizationUuid', ${organizationUuid}, 'spaceUuid', s.space_uuid, 'views', d.views,
              'firstViewedAt', ${isoTimestamp('d.first_viewed_at')}, 'pinnedListUuid', NULL, 'pinnedListOrder', NULL)
              ORDER BY lower(d.name), d.dashboard_id), '[]')
     FROM dashboards d JOIN spaces s ON s.space_id = d.space_id WHERE d.space_id = ${space} AND d.deleted_at IS NULL) AS dashboards,
    (SELECT coalesce(json_agg(json_build_object(
              'userUuid', u.user_uuid, 'role', a.role, 'hasDirectAccess', true, 'firstName', u.first_name, 'lastName', u.last_name, 'email', u.email)
              ORDER BY lower(u.first_name), lower(u.last_name), u.user_id), '[]')
     FROM space_user_access a JOIN users u ON u.user_id = a.user_id WHERE a.space_id = ${space}) AS access,
    (SELECT coalesce(json_agg(json_build_object('groupUuid', g.group_uuid, 'groupName', g.name, 'spaceRole', a.role)
              ORDER BY lower(g.name), g.group_id), '[]')
     FROM space_group_access a JOIN groups g ON g.group_id = a.group_id WHERE a.space_id = ${space}) AS "groupsAccess",
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', s.space_uuid, 'name', s.name, 'slug', s.slug, 'isPrivate', NOT s.inherit_parent_permissions,
              'inheritParentPermissions', s.inherit_parent_permissions,
              'chartCount', (SELECT count(*) FROM saved_charts c WHERE c.space_id = s.space_id AND c.deleted_at IS NULL),
              'dashboardCount', (SELECT count(*) FROM dashboards d WHERE d.space_id = s.space_id AND d.deleted_at IS NULL),
              'childSpaceCount', (SELECT count(*) FROM spaces child WHERE child.parent_space_id = s.space_id AND child.deleted_at IS NULL))
              ORDER BY lower(s.name), s.space_id), '[]')
     FROM spaces s
     CROSS JOIN (SELECT user_max, group_max FROM chain WHERE space_id = ${space}) t
     LEFT JOIN space_user_access ue ON ue.space_id = s.space_id AND ue.user_id = $2
     LEFT JOIN LATERAL (SELECT max(a.role) AS role FROM space_group_access a
                        JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = $2 WHERE a.space_id = s.space_id) ge ON true
     WHERE s.parent_space_id = ${space} AND s.deleted_at IS NULL
       AND effective_space_role(${projectRole}, GREATEST(t.user_max, ue.role), GREATEST(t.group_max, ge.role), s.every_level_inherits) IS NOT NULL) AS children`;
}

const SPACE_CONTENT_BY_ID = spaceContentSql({ space: '$1', projectRole: '$3::project_role', projectUuid: '$4::uuid', organizationUuid: '$5::uuid' });

/** The same, read by the guard's access check of GET /spaces/{s} ($1 the space uuid, $2 the caller). */
export const SPACE_CONTENT: RowLoader = {
  name: 'space-content',
  sql: spaceContentSql({
    space: 'access."spaceId"::bigint',
    projectRole: 'access."projectRole"',
    projectUuid: 'access."projectUuid"',
    organizationUuid: '(SELECT o.organization_uuid FROM organizations o WHERE o.organization_id = access."organizationId"::bigint)',
  }),
};

export interface ChainLevel {
  uuid: string;
  name: string;
  slug: string;
  inheritParentPermissions: boolean;
  userEntry: SpaceRole | null;
  groupEntry: SpaceRole | null;
  everyLevelInherits: boolean;
  spaceRole: SpaceRole | null;
}

export interface SpaceContentRow {
  chain: ChainLevel[] | null;
  queries: SpaceChartDto[];
  dashboards: SpaceDashboardDto[];
  access: SpaceShareDto[];
  groupsAccess: SpaceGroupAccessDto[];
  children: Omit<SpaceSummaryBaseDto, 'projectUuid' | 'organizationUuid' | 'parentSpaceUuid' | 'path' | 'pinnedListUuid' | 'pinnedListOrder'>[];
}

export interface SpaceListRow extends Omit<SpaceSummaryDto, 'userAccess' | 'pinnedListUuid' | 'pinnedListOrder'> {
  totalResults: number;
  spaceRole: SpaceRole;
  projectRole: ProjectRole | null;
  userEntry: SpaceRole | null;
  groupEntry: SpaceRole | null;
  ownEntry: SpaceRole | null;
}

/** Every space of the project that the user may see, in path order (the first row carries the total; no space: one row of nulls). */
export function listVisibleSpaces(sql: PreparedSql, projectId: string, userId: string): Promise<SpaceListRow[]> {
  return sql.rows<SpaceListRow>('space-list', LIST_SQL, [projectId, userId]);
}

/** What GET /spaces/{s} shows of space `spaceId` to user `userId`: always one row (chain null: no such space). */
export async function spaceContent(
  sql: PreparedSql,
  space: { spaceId: string; userId: string; projectRole: ProjectRole | null; projectUuid: string; organizationUuid: string },
): Promise<SpaceContentRow> {
  const [row] = await sql.rows<SpaceContentRow>('space-content-by-id', SPACE_CONTENT_BY_ID, [
    space.spaceId,
    space.userId,
    space.projectRole,
    space.projectUuid,
    space.organizationUuid,
  ]);
  return row;
}

/** Whether the space is live (not in the trash), share-locking it so a trash in progress is waited for. */
export async function lockLiveSpace(manager: EntityManager, spaceId: string): Promise<boolean> {
  const [live] = await manager.query('SELECT 1 FROM spaces WHERE space_id = $1 AND deleted_at IS NULL FOR SHARE', [spaceId]);
  return live !== undefined;
}

/** The slugs of the project that are `base` or `base-…`. */
export async function slugsStartingWith(manager: EntityManager, projectId: string, base: string): Promise<string[]> {
  const taken: { slug: string }[] = await manager.query(`SELECT slug FROM spaces WHERE project_id = $1 AND (slug = $2 OR starts_with(slug, $2 || '-'))`, [
    projectId,
    base,
  ]);
  return taken.map((row) => row.slug);
}

export interface NewSpace {
  projectId: string;
  organizationId: string;
  parentSpaceId: string | null;
  name: string;
  slug: string;
  inherits: boolean;
  createdByUserId: string;
}

/** Inserts the space unless its slug is taken in the project (then undefined, after waiting for a concurrent insert of it). */
export async function insertSpaceUnlessSlugTaken(manager: EntityManager, space: NewSpace): Promise<{ spaceId: string; spaceUuid: string } | undefined> {
  const [inserted] = await manager.query(
    `INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug, inherit_parent_permissions, created_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT ON CONSTRAINT spaces_project_id_slug_key DO NOTHING
     RETURNING space_id::text AS "spaceId", space_uuid AS "spaceUuid"`,
    [space.projectId, space.organizationId, space.parentSpaceId, space.name, space.slug, space.inherits, space.createdByUserId],
  );
  return inserted;
}

/** The space's name and inheritance, locked for update; undefined when there is no such space. */
export async function lockSpaceForUpdate(manager: EntityManager, spaceId: string): Promise<{ name: string; inherits: boolean } | undefined> {
  const [current] = await manager.query('SELECT name, inherit_parent_permissions AS "inherits" FROM spaces WHERE space_id = $1 FOR UPDATE', [spaceId]);
  return current;
}

/** Renames the space and, unless `inherits` is null, sets whether it inherits its parent's permissions. */
export async function updateSpace(manager: EntityManager, spaceId: string, name: string, inherits: boolean | null): Promise<void> {
  await manager.query('UPDATE spaces SET name = $2, inherit_parent_permissions = COALESCE($3, inherit_parent_permissions), updated_at = now() WHERE space_id = $1', [
    spaceId,
    name,
    inherits,
  ]);
}

/** The member's user id when `userUuid` is a member of the organization, their membership share-locked. */
export async function lockOrganizationMember(manager: EntityManager, userUuid: string, organizationId: string): Promise<string | undefined> {
  const [member] = await manager.query(
    `SELECT m.user_id::text AS "userId" FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
     WHERE u.user_uuid = $1 AND m.organization_id = $2 FOR SHARE OF m`,
    [userUuid, organizationId],
  );
  return member?.userId;
}

/** Gives the user `role` on the space, replacing their entry if they had one. */
export async function upsertUserEntry(manager: EntityManager, spaceId: string, userId: string, organizationId: string, role: SpaceRole): Promise<void> {
  await manager.query(
    `INSERT INTO space_user_access (space_id, user_id, organization_id, role) VALUES ($1, $2, $3, $4)
     ON CONFLICT (space_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
    [spaceId, userId, organizationId, role],
  );
}

/** Removes the user's entry on the space; whether there was one. */
export async function deleteUserEntry(manager: EntityManager, spaceId: string, userUuid: string): Promise<boolean> {
  const [, removed] = await manager.query(
    'DELETE FROM space_user_access WHERE space_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2) RETURNING role',
    [spaceId, userUuid],
  );
  return removed > 0;
}

/** The group's id when it is a group of the organization, share-locked. */
export async function lockOrganizationGroup(manager: EntityManager, groupUuid: string, organizationId: string): Promise<string | undefined> {
  const [group] = await manager.query('SELECT group_id::text AS "groupId" FROM groups WHERE group_uuid = $1 AND organization_id = $2 FOR SHARE', [
    groupUuid,
    organizationId,
  ]);
  return group?.groupId;
}

/** Gives the group `role` on the space, replacing its entry if it had one. */
export async function upsertGroupEntry(manager: EntityManager, spaceId: string, groupId: string, organizationId: string, role: SpaceRole): Promise<void> {
  await manager.query(
    `INSERT INTO space_group_access (space_id, group_id, organization_id, role) VALUES ($1, $2, $3, $4)
     ON CONFLICT (space_id, group_id) DO UPDATE SET role = EXCLUDED.role`,
    [spaceId, groupId, organizationId, role],
  );
}

/** Removes the group's entry on the space; whether there was one. */
export async function deleteGroupEntry(manager: EntityManager, spaceId: string, groupUuid: string): Promise<boolean> {
  const [, removed] = await manager.query(
    'DELETE FROM space_group_access WHERE space_id = $1 AND group_id = (SELECT group_id FROM groups WHERE group_uuid = $2) RETURNING role',
    [spaceId, groupUuid],
  );
  return removed > 0;
}
