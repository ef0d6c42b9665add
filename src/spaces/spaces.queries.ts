import type { EntityManager } from 'typeorm';
import { projectRoleSourcesSql, visibleSpacesCte } from '../authorization/access.sql.js';
import type { ProjectRole, SpaceRole } from '../authorization/roles.js';
import type { PreparedSql } from '../database/sql.js';
import type { SpaceUserAccessDto } from './dto/space.dto.js';
import type { SpaceAccessSources } from './space-access-origin.js';
import { SPACE_CONTENT_SQL, type SpaceContentRow } from './space-content.queries.js';

// The SQL of spaces (tables spaces, space_user_access, space_group_access) besides the single-space
// read of space-content.queries.ts. Each function is one statement; SpacesService holds the rules.

/**
 * Every space of project $1 that user $2 may see (visibleSpacesCte), in path order, as one row: the
 * caller's project role sources and name, and `items`, the summaries' JSON text joined by commas (NULL
 * when none). Each summary is its stored text (space_list_items, kept by triggers: migration
 * SpaceListItems) up to `"userAccess":`, then the caller's roles on the space between two chr(1) (space
 * role, user entry, group entry and own entry, joined by '|', '' for none), then the closing brace: the
 * service writes `userAccess` in place of the roles. One text value instead of a row per space: the
 * pg client decodes one column, and PostgreSQL writes no JSON per request.
 */
const LIST_SQL = `
  WITH ${visibleSpacesCte('$1', '$2')}
  SELECT src.organization_role AS "organizationRole", src.direct_project_role AS "directProjectRole", src.group_project_role AS "groupProjectRole",
         u.first_name AS "firstName", u.last_name AS "lastName", u.email,
         (SELECT string_agg(i.item || chr(1) || v.space_role || '|' || coalesce(v.user_entry::text, '') || '|' || coalesce(v.group_entry::text, '')
                              || '|' || coalesce(own.role::text, '') || chr(1) || '}', ',' ORDER BY v.path)
          FROM visible_spaces v
          JOIN space_list_items i ON i.space_id = v.space_id
          LEFT JOIN visible_space_user_entries own ON own.space_id = v.space_id) AS items
  FROM projects owner_project CROSS JOIN LATERAL (${projectRoleSourcesSql('owner_project', '$2')}) src JOIN users u ON u.user_id = $2
  WHERE owner_project.project_id = $1`;

/** The caller's project role sources and name, and the visible spaces' summaries (LIST_SQL). */
export type ListRow = Pick<SpaceAccessSources, 'organizationRole' | 'directProjectRole' | 'groupProjectRole'> &
  Pick<SpaceUserAccessDto, 'firstName' | 'lastName' | 'email'> & {
    /** the summaries' JSON text, each with the caller's roles on the space between two chr(1) where userAccess goes */
    items: string | null;
  };

/** The caller's row with every space of the project that the user may see, in path order (LIST_SQL); none when the project is gone. */
export async function selectVisibleSpaces(sql: PreparedSql, projectId: string, userId: string): Promise<ListRow | undefined> {
  const [row] = await sql.rows<ListRow>('space-list', LIST_SQL, [projectId, userId]);
  return row;
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
