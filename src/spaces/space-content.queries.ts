import { isoTimestampSql, updatedByUserSql } from '../database/json-sql.js';
import { spaceById } from '../authorization/access.sql.js';
import type { RowLoader } from '../authorization/row-loader.js';
import type { SpaceRole } from '../authorization/roles.js';
import type { SpaceAccessSources } from './space-access-origin.js';
import type { SpaceChartDto, SpaceDashboardDto, SpaceGroupAccessDto, SpaceSummaryBaseDto } from './dto/space.dto.js';

/**
 * Everything GET /spaces/{s} shows about a space besides what the guard resolved, in one statement:
 * the chain from the root down (each level with the caller's ($2) role from the entries of that level
 * and its ancestors), the charts and dashboards, the user and group shares, and the children the
 * caller may see. The arguments are SQL expressions for the space id, the caller's project role and
 * the uuids of its project and organization.
 *
 * Set-based: the caller's groups, every user's entries on the chain and the groups' project roles are
 * each read once, then joined to the members, so the cost grows with the organization's members and the
 * space's entries, not with their product (per-member subqueries cost 1.5 ms at 11 members).
 */
function spaceContentSql({ space, projectRole, projectUuid, organizationUuid }: Record<'space' | 'projectRole' | 'projectUuid' | 'organizationUuid', string>): string {
  return `
  WITH target AS MATERIALIZED (
    SELECT space_id, project_id, organization_id, ancestor_ids, every_level_inherits FROM spaces WHERE space_id = ${space}
  ),
  caller_groups AS MATERIALIZED (SELECT group_id FROM group_memberships WHERE user_id = $2),
  chain AS MATERIALIZED (
    -- from the root down to the space; each level with the most generous of the caller's entries on it or above it
    SELECT l.depth, s.space_id, s.space_uuid, s.name, s.slug, s.inherit_parent_permissions, s.every_level_inherits,
           max(ue.role) OVER down AS user_max, max(ge.role) OVER down AS group_max
    FROM target
    CROSS JOIN LATERAL unnest(target.ancestor_ids) WITH ORDINALITY l(space_id, depth)
    ${spaceById('s', 'l.space_id')}
    LEFT JOIN space_user_access ue ON ue.space_id = s.space_id AND ue.user_id = $2
    LEFT JOIN LATERAL (SELECT max(a.role) AS role FROM space_group_access a
                       WHERE a.space_id = s.space_id AND a.group_id IN (SELECT group_id FROM caller_groups)) ge ON true
    WINDOW down AS (ORDER BY l.depth ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  ),
  -- every user's most generous direct entry on the space or an ancestor, and their entry on the space itself
  chain_user_entries AS (
    SELECT a.user_id, max(a.role) AS user_entry, max(a.role) FILTER (WHERE a.space_id = target.space_id) AS own_entry
    FROM target JOIN space_user_access a ON a.space_id = ANY (target.ancestor_ids)
    GROUP BY a.user_id
  ),
  -- every user's most generous group entry on the space or an ancestor
  chain_group_entries AS (
    SELECT gm.user_id, max(a.role) AS group_entry
    FROM target JOIN space_group_access a ON a.space_id = ANY (target.ancestor_ids)
    CROSS JOIN LATERAL (SELECT user_id FROM group_memberships WHERE group_id = a.group_id OFFSET 0) gm
    GROUP BY gm.user_id
  ),
  -- every user's groups' project roles: all of them explain a role, system roles alone decide it (as projectRoleSql)
  group_project_roles AS (
    SELECT gm.user_id, max(pga.role) AS role, max(pga.role) FILTER (WHERE pga.custom_role_id IS NULL) AS system_role
    FROM target JOIN project_group_access pga ON pga.project_id = target.project_id
    CROSS JOIN LATERAL (SELECT user_id FROM group_memberships WHERE group_id = pga.group_id OFFSET 0) gm
    GROUP BY gm.user_id
  ),
  -- the members Lightdash 1.219 lists: those who may open the space and have a project role of their own (an organization role above member or a direct project role; see docs/projects-and-spaces.md)
  listed_members AS (
    SELECT m.user_id, u.user_uuid, u.first_name, u.last_name, u.email, m.role AS organization_role, pm.role AS direct_project_role,
           gp.role AS group_project_role, ue.user_entry, ge.group_entry, ue.own_entry,
           effective_space_role(
             effective_project_role(CASE WHEN m.custom_role_id IS NULL THEN m.role END, CASE WHEN pm.custom_role_id IS NULL THEN pm.role END, gp.system_role),
             ue.user_entry, ge.group_entry, target.every_level_inherits) AS space_role
    FROM target
    -- index lookups from the organization's id (OFFSET 0): as plain joins the generic plan hashed every
    -- membership and every user of the database, whatever the organization
    CROSS JOIN LATERAL (SELECT user_id, role, custom_role_id FROM organization_memberships WHERE organization_id = target.organization_id OFFSET 0) m
    CROSS JOIN LATERAL (SELECT user_uuid, first_name, last_name, email FROM users WHERE user_id = m.user_id OFFSET 0) u
    LEFT JOIN LATERAL (SELECT role, custom_role_id FROM project_memberships WHERE project_id = target.project_id AND user_id = m.user_id OFFSET 0) pm ON true
    LEFT JOIN group_project_roles gp ON gp.user_id = m.user_id
    LEFT JOIN chain_user_entries ue ON ue.user_id = m.user_id
    LEFT JOIN chain_group_entries ge ON ge.user_id = m.user_id
    WHERE (m.role <> 'member' OR pm.role IS NOT NULL)
  )
  SELECT
    (SELECT json_agg(json_build_object(
              'uuid', space_uuid, 'name', name, 'slug', slug, 'inheritParentPermissions', inherit_parent_permissions,
              'userEntry', user_max, 'groupEntry', group_max, 'everyLevelInherits', every_level_inherits,
              'spaceRole', effective_space_role(${projectRole}, user_max, group_max, every_level_inherits)) ORDER BY depth)
     FROM chain) AS chain,
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', c.saved_chart_uuid, 'name', c.name, 'description', c.description, 'spaceUuid', s.space_uuid, 'spaceName', s.name,
              'projectUuid', ${projectUuid}, 'organizationUuid', ${organizationUuid}, 'slug', c.slug, 'updatedAt', ${isoTimestampSql('c.updated_at')},
              'chartKind', c.chart_kind, 'dashboardUuid', NULL, 'dashboardName', NULL, 'pinnedListUuid', NULL, 'pinnedListOrder', NULL,
              'views', c.views, 'firstViewedAt', ${isoTimestampSql('c.first_viewed_at')}, 'chartType', c.chart_config->>'type', 'source', 'dbt_explore',
              'updatedByUser', ${updatedByUserSql('u')}, 'validationErrors', '[]'::json, 'verification', NULL)
              ORDER BY lower(c.name), c.saved_chart_id), '[]')
     FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id LEFT JOIN users u ON u.user_id = c.updated_by_user_id
     WHERE c.space_id = ${space} AND c.deleted_at IS NULL) AS queries,
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', d.dashboard_uuid, 'name', d.name, 'description', d.description, 'updatedAt', ${isoTimestampSql('d.updated_at')},
              'projectUuid', ${projectUuid}, 'organizationUuid', ${organizationUuid}, 'spaceUuid', s.space_uuid, 'views', d.views,
              'firstViewedAt', ${isoTimestampSql('d.first_viewed_at')}, 'pinnedListUuid', NULL, 'pinnedListOrder', NULL, 'slug', d.slug,
              'updatedByUser', ${updatedByUserSql('u')}, 'validationErrors', '[]'::json, 'verification', NULL)
              ORDER BY lower(d.name), d.dashboard_id), '[]')
     FROM dashboards d JOIN spaces s ON s.space_id = d.space_id LEFT JOIN users u ON u.user_id = d.updated_by_user_id
     WHERE d.space_id = ${space} AND d.deleted_at IS NULL) AS dashboards,
    (SELECT coalesce(json_agg(json_build_object(
              'userUuid', user_uuid, 'firstName', first_name, 'lastName', last_name, 'email', email,
              'organizationRole', organization_role, 'directProjectRole', direct_project_role, 'groupProjectRole', group_project_role,
              'userEntry', user_entry, 'groupEntry', group_entry, 'ownEntry', own_entry, 'spaceRole', space_role)
              ORDER BY lower(first_name), lower(last_name), user_id), '[]')
     FROM listed_members WHERE space_role IS NOT NULL) AS access,
    (SELECT coalesce(json_agg(json_build_object('groupUuid', g.group_uuid, 'groupName', g.name, 'spaceRole', a.role)
              ORDER BY lower(g.name), g.group_id), '[]')
     FROM space_group_access a JOIN groups g ON g.group_id = a.group_id WHERE a.space_id = ${space}) AS "groupsAccess",
    (SELECT coalesce(json_agg(json_build_object(
              'uuid', s.space_uuid, 'name', s.name, 'slug', s.slug, 'inheritParentPermissions', s.inherit_parent_permissions,
              'chartCount', held.chart_count::text, 'dashboardCount', held.dashboard_count::text,
              'childSpaceCount', held.child_space_count::text, 'appCount', '0')
              ORDER BY lower(s.name), s.space_id), '[]')
     FROM spaces s
     JOIN space_list_items held ON held.space_id = s.space_id
     CROSS JOIN (SELECT user_max, group_max FROM chain WHERE space_id = ${space}) t
     LEFT JOIN space_user_access ue ON ue.space_id = s.space_id AND ue.user_id = $2
     LEFT JOIN LATERAL (SELECT max(a.role) AS role FROM space_group_access a
                        WHERE a.space_id = s.space_id AND a.group_id IN (SELECT group_id FROM caller_groups)) ge ON true
     WHERE s.parent_space_id = ${space} AND s.deleted_at IS NULL
       AND effective_space_role(${projectRole}, GREATEST(t.user_max, ue.role), GREATEST(t.group_max, ge.role), s.every_level_inherits) IS NOT NULL) AS children`;
}

export const SPACE_CONTENT_SQL = spaceContentSql({ space: '$1', projectRole: '$3::project_role', projectUuid: '$4::uuid', organizationUuid: '$5::uuid' });

/** The same, read by the access check of GET /spaces/{s} ($1 the space uuid, $2 the caller). */
export const SPACE_CONTENT: RowLoader<SpaceContentRow> = {
  name: 'space-content',
  sql: (access) =>
    spaceContentSql({
      space: access.spaceId,
      projectRole: access.spaceBasisRole,
      projectUuid: access.projectUuid,
      organizationUuid: `(SELECT o.organization_uuid FROM organizations o WHERE o.organization_id = ${access.organizationId})`,
    }),
  parse: parseSpaceContentRow,
};

interface ChainLevel {
  uuid: string;
  name: string;
  slug: string;
  inheritParentPermissions: boolean;
  userEntry: SpaceRole | null;
  groupEntry: SpaceRole | null;
  everyLevelInherits: boolean;
  spaceRole: SpaceRole | null;
}

/** A member who may open the space, with the sources of their role. */
export interface AccessRow extends SpaceAccessSources {
  userUuid: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface SpaceContentRow {
  chain: ChainLevel[] | null;
  queries: SpaceChartDto[];
  dashboards: SpaceDashboardDto[];
  access: AccessRow[];
  groupsAccess: SpaceGroupAccessDto[];
  children: Omit<SpaceSummaryBaseDto, 'projectUuid' | 'organizationUuid' | 'parentSpaceUuid' | 'path' | 'pinnedListUuid' | 'pinnedListOrder' | 'projectMemberAccessRole'>[];
}

/** The row of either statement: every column is built in json by the statement itself. */
export function parseSpaceContentRow(row: Record<string, unknown>): SpaceContentRow {
  return {
    chain: row.chain as ChainLevel[] | null,
    queries: row.queries as SpaceChartDto[],
    dashboards: row.dashboards as SpaceDashboardDto[],
    access: row.access as AccessRow[],
    groupsAccess: row.groupsAccess as SpaceGroupAccessDto[],
    children: row.children as SpaceContentRow['children'],
  };
}
