import type { EntityManager } from 'typeorm';
import { projectRoleSourcesSql, spaceById, visibleSpacesCte } from '../authorization/access.sql.js';
import type { ProjectRole, SpaceRole } from '../authorization/roles.js';
import type { PreparedSql } from '../database/sql.js';
import type { SpaceUserAccessDto } from './dto/space.dto.js';
import type { SpaceAccessSources } from './space-access-origin.js';
import { SPACE_CONTENT_SQL, type SpaceContentRow } from './space-content.queries.js';

// The SQL of spaces (tables spaces, space_user_access, space_group_access) besides the single-space
// read of space-content.queries.ts. Each function is one statement; SpacesService holds the rules.

/**
 * Every space of project $1 that user $2 may see, in path order, in one statement (see
 * visibleSpacesCte): each as the JSON text of its summary (without `userAccess`, which the service
 * explains from the role columns beside it), so that the server sends the text as it comes instead of
 * parsing and serializing again some 600 kB for 1,000 spaces. The listed rows are materialized first
 * and the counts and shares, each aggregated once for the project, joined to them afterwards: joined
 * inside the per-row lookup of the space, PostgreSQL re-read each aggregate for every row (90 ms
 * instead of 8 at 1,000 spaces). The caller's own columns come once, in a row of their own.
 */
const LIST_SQL = `
  WITH ${visibleSpacesCte('$1', '$2')},
  listed_spaces AS MATERIALIZED (
    SELECT s.space_id, s.space_uuid, s.name, s.slug, s.inherit_parent_permissions, s.path, s.every_level_inherits, s.parent_space_id,
           v.space_role, v.user_entry, v.group_entry, own.role AS own_entry
    FROM visible_spaces v
    ${spaceById('s', 'v.space_id')}
    LEFT JOIN visible_space_user_entries own ON own.space_id = v.space_id
  ),
  chart_counts AS (SELECT space_id, count(*)::int AS n FROM saved_charts WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  dashboard_counts AS (SELECT space_id, count(*)::int AS n FROM dashboards WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  child_counts AS (SELECT parent_space_id AS space_id, count(*)::int AS n FROM spaces WHERE project_id = $1 AND parent_space_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1),
  space_uuids AS (SELECT space_id, space_uuid FROM spaces WHERE project_id = $1),
  shares AS (
    SELECT a.space_id, '[' || string_agg('"' || u.user_uuid || '"', ',' ORDER BY u.user_uuid) || ']' AS users
    FROM space_user_access a JOIN spaces sp ON sp.space_id = a.space_id AND sp.project_id = $1 JOIN users u ON u.user_id = a.user_id
    GROUP BY a.space_id
  ),
  owner AS (
    SELECT p.project_uuid, o.organization_uuid FROM projects p JOIN organizations o ON o.organization_id = p.organization_id WHERE p.project_id = $1
  )
  SELECT NULL AS path, NULL AS item, NULL::space_role AS "spaceRole", NULL::space_role AS "userEntry", NULL::space_role AS "groupEntry", NULL::space_role AS "ownEntry",
         src.organization_role AS "organizationRole", src.direct_project_role AS "directProjectRole", src.group_project_role AS "groupProjectRole",
         u.first_name AS "firstName", u.last_name AS "lastName", u.email
  FROM projects owner_project CROSS JOIN LATERAL (${projectRoleSourcesSql('owner_project', '$2')}) src JOIN users u ON u.user_id = $2
  WHERE owner_project.project_id = $1
  UNION ALL
  SELECT s.path,
         -- the summary's JSON text written with format(): a third cheaper than row_to_json or json_build_object
         -- (which also puts spaces around every colon and comma); strings that may need escaping go through to_json
         format('{"uuid":"%s","name":%s,"projectUuid":"%s","organizationUuid":"%s","slug":%s,"isPrivate":%s,"inheritParentPermissions":%s,'
                '"inheritsFromOrgOrProject":%s,"parentSpaceUuid":%s,"path":%s,"projectMemberAccessRole":null,"chartCount":"%s",'
                '"dashboardCount":"%s","childSpaceCount":"%s","appCount":"0","access":%s,"pinnedListUuid":null,"pinnedListOrder":null}',
           s.space_uuid, to_json(s.name), owner.project_uuid, owner.organization_uuid, to_json(s.slug), (NOT s.inherit_parent_permissions)::text,
           s.inherit_parent_permissions::text, s.every_level_inherits::text, coalesce('"' || parent.space_uuid || '"', 'null'), to_json(s.path),
           coalesce(cc.n, 0), coalesce(dc.n, 0), coalesce(kc.n, 0), coalesce(sh.users, '[]')),
         s.space_role, s.user_entry, s.group_entry, s.own_entry,
         NULL, NULL, NULL, NULL, NULL, NULL
  FROM listed_spaces s
  CROSS JOIN owner
  LEFT JOIN space_uuids parent ON parent.space_id = s.parent_space_id
  LEFT JOIN chart_counts cc ON cc.space_id = s.space_id
  LEFT JOIN dashboard_counts dc ON dc.space_id = s.space_id
  LEFT JOIN child_counts kc ON kc.space_id = s.space_id
  LEFT JOIN shares sh ON sh.space_id = s.space_id
  ORDER BY path NULLS FIRST`;

/** The first row: the caller's project role sources and name; every other row: one listed space. */
export type ListRow = Omit<SpaceAccessSources, 'spaceRole'> &
  Pick<SpaceUserAccessDto, 'firstName' | 'lastName' | 'email'> & {
    path: string | null;
    /** the summary's JSON text, without userAccess */
    item: string | null;
    spaceRole: SpaceRole | null;
  };

/** The caller's row first, then every space of the project that the user may see, in path order (LIST_SQL). */
export function selectVisibleSpaces(sql: PreparedSql, projectId: string, userId: string): Promise<ListRow[]> {
  return sql.rows<ListRow>('space-list', LIST_SQL, [projectId, userId]);
}

/** The space with its content as the caller sees it, when the access check did not load it already. */
export async function selectSpaceContent(
  sql: PreparedSql,
  spaceId: string,
  userId: string,
  projectRole: ProjectRole | null,
  projectUuid: string,
  organizationUuid: string,
): Promise<SpaceContentRow | undefined> {
  const [row] = await sql.rows<SpaceContentRow>('space-content-by-id', SPACE_CONTENT_SQL, [spaceId, userId, projectRole, projectUuid, organizationUuid]);
  return row;
}

/** Share-locks the space unless it is in the trash: a trash in progress is waited for. */
export async function lockLiveSpaceForShare(manager: EntityManager, spaceId: string): Promise<boolean> {
  const [live] = await manager.query('SELECT 1 FROM spaces WHERE space_id = $1 AND deleted_at IS NULL FOR SHARE', [spaceId]);
  return live !== undefined;
}

/** Locks the space for an update; answers its name and whether it inherits its parent's access. */
export async function lockSpaceForUpdate(manager: EntityManager, spaceId: string): Promise<{ name: string; inherits: boolean } | undefined> {
  const [current] = await manager.query('SELECT name, inherit_parent_permissions AS "inherits" FROM spaces WHERE space_id = $1 FOR UPDATE', [spaceId]);
  return current;
}

/** Renames the space and, when `inherits` is not null, sets whether it inherits its parent's access. */
export async function updateSpace(manager: EntityManager, spaceId: string, name: string, inherits: boolean | null): Promise<void> {
  await manager.query('UPDATE spaces SET name = $2, inherit_parent_permissions = COALESCE($3, inherit_parent_permissions), updated_at = now() WHERE space_id = $1', [
    spaceId,
    name,
    inherits,
  ]);
}

/** The slugs of the project equal to `base` or starting with `base-`. */
export async function selectSlugsLike(manager: EntityManager, projectId: string, base: string): Promise<string[]> {
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

/** A space just inserted. */
export interface InsertedSpaceRow {
  spaceId: string;
  spaceUuid: string;
  slug: string;
  path: string;
  inheritParentPermissions: boolean;
}

/** Inserts the space; nothing (undefined) when its slug is taken in the project meanwhile. */
export async function insertSpaceUnlessSlugTaken(manager: EntityManager, space: NewSpace): Promise<InsertedSpaceRow | undefined> {
  const [inserted]: InsertedSpaceRow[] = await manager.query(
    `INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug, inherit_parent_permissions, created_by_user_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ON CONSTRAINT spaces_project_id_slug_key DO NOTHING
           RETURNING space_id::text AS "spaceId", space_uuid AS "spaceUuid", slug, path, inherit_parent_permissions AS "inheritParentPermissions"`,
    [space.projectId, space.organizationId, space.parentSpaceId, space.name, space.slug, space.inherits, space.createdByUserId],
  );
  return inserted;
}

/** The organization member's user id, share-locking the membership so it cannot vanish before the caller's write. */
export async function lockOrganizationMemberForShare(manager: EntityManager, organizationId: string, userUuid: string): Promise<{ userId: string } | undefined> {
  const [member] = await manager.query(
    `SELECT m.user_id::text AS "userId" FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
       WHERE u.user_uuid = $1 AND m.organization_id = $2 FOR SHARE OF m`,
    [userUuid, organizationId],
  );
  return member;
}

/** Gives the user a direct admin entry on the space (its creator). */
export async function insertSpaceAdminEntry(manager: EntityManager, spaceId: string, userId: string, organizationId: string): Promise<void> {
  await manager.query(`INSERT INTO space_user_access (space_id, user_id, organization_id, role) VALUES ($1, $2, $3, 'admin')`, [spaceId, userId, organizationId]);
}

export async function upsertUserEntry(manager: EntityManager, spaceId: string, userId: string, organizationId: string, role: SpaceRole): Promise<void> {
  await manager.query(
    `INSERT INTO space_user_access (space_id, user_id, organization_id, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
    [spaceId, userId, organizationId, role],
  );
}

/** Removes the user's entry on the space; answers how many went (0 or 1). */
export async function deleteUserEntry(manager: EntityManager, spaceId: string, userUuid: string): Promise<number> {
  const [, removed]: [unknown[], number] = await manager.query(
    'DELETE FROM space_user_access WHERE space_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2) RETURNING role',
    [spaceId, userUuid],
  );
  return removed;
}

/** The organization's group, share-locked so it cannot vanish before the caller's write. */
export async function lockOrganizationGroupForShare(manager: EntityManager, organizationId: string, groupUuid: string): Promise<{ groupId: string } | undefined> {
  const [group] = await manager.query('SELECT group_id::text AS "groupId" FROM groups WHERE group_uuid = $1 AND organization_id = $2 FOR SHARE', [
    groupUuid,
    organizationId,
  ]);
  return group;
}

export async function upsertGroupEntry(manager: EntityManager, spaceId: string, groupId: string, organizationId: string, role: SpaceRole): Promise<void> {
  await manager.query(
    `INSERT INTO space_group_access (space_id, group_id, organization_id, role) VALUES ($1, $2, $3, $4)
           ON CONFLICT (space_id, group_id) DO UPDATE SET role = EXCLUDED.role`,
    [spaceId, groupId, organizationId, role],
  );
}

/** Removes the group's entry on the space; answers how many went (0 or 1). */
export async function deleteGroupEntry(manager: EntityManager, spaceId: string, groupUuid: string): Promise<number> {
  const [, removed]: [unknown[], number] = await manager.query(
    'DELETE FROM space_group_access WHERE space_id = $1 AND group_id = (SELECT group_id FROM groups WHERE group_uuid = $2) RETURNING role',
    [spaceId, groupUuid],
  );
  return removed;
}
