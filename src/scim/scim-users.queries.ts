import type { EntityManager } from 'typeorm';
import type { OrganizationRole, ProjectRole } from '../authorization/roles.js';
import type { ScimUserRow } from './dto/scim-user.dto.js';
import { type FilterColumn, filterToSql, type ScimFilter } from './scim-filter.js';

/** The SQL of SCIM Users: members of one organization, read and written with the caller's transaction. */

const USER_COLUMNS = `
  u.user_id::text AS "userId", u.user_uuid AS "userUuid", u.email, u.first_name AS "firstName", u.last_name AS "lastName",
  u.is_active AS "isActive", m.scim_external_id AS "externalId", m.role,
  u.created_at AS "createdAt", greatest(u.updated_at, m.updated_at) AS "updatedAt",
  coalesce((
    SELECT json_agg(json_build_object('projectUuid', p.project_uuid, 'projectName', p.name, 'role', pm.role) ORDER BY lower(p.name), p.project_id)
    FROM project_memberships pm JOIN projects p ON p.project_id = pm.project_id
    WHERE pm.user_id = u.user_id AND p.project_type = 'DEFAULT'), '[]'::json) AS "projectRoles"`;
const USER_FROM = `FROM organization_memberships m JOIN users u ON u.user_id = m.user_id`;

/** What a SCIM filter on Users may compare (RFC 7643 §4.1: userName and emails ignore case). */
export const USER_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: { sql: 'u.user_uuid::text', type: 'string', caseExact: true },
  username: { sql: 'u.email', type: 'string', caseExact: false },
  emails: { sql: 'u.email', type: 'string', caseExact: false },
  'emails.value': { sql: 'u.email', type: 'string', caseExact: false },
  externalid: { sql: 'm.scim_external_id', type: 'string', caseExact: true },
  'name.givenname': { sql: 'u.first_name', type: 'string', caseExact: false },
  'name.familyname': { sql: 'u.last_name', type: 'string', caseExact: false },
  active: { sql: 'u.is_active', type: 'boolean', caseExact: true },
};

export async function listUsers(
  manager: EntityManager,
  organizationId: string,
  filter: ScimFilter | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: ScimUserRow[]; total: number }> {
  const params: unknown[] = [organizationId, limit, offset];
  const where = filter ? filterToSql(filter, USER_FILTER_COLUMNS, params) : 'true';
  const countParams: unknown[] = [organizationId];
  const countWhere = filter ? filterToSql(filter, USER_FILTER_COLUMNS, countParams) : 'true';
  // the count is its own statement so that count=0 (only totalResults) and pages past the end still have it
  const [rows, [{ total }]] = await Promise.all([
    manager.query(
      `SELECT ${USER_COLUMNS} ${USER_FROM} WHERE m.organization_id = $1 AND ${where}
       ORDER BY u.created_at, u.user_id LIMIT $2 OFFSET $3`,
      params,
    ) as Promise<ScimUserRow[]>,
    manager.query(`SELECT count(*)::int AS total ${USER_FROM} WHERE m.organization_id = $1 AND ${countWhere}`, countParams) as Promise<{ total: number }[]>,
  ]);
  return { rows, total };
}

/** One member of the organization (locked for the rest of the transaction when `lock`), or undefined. */
export async function findUser(manager: EntityManager, organizationId: string, userUuid: string, lock = false): Promise<ScimUserRow | undefined> {
  const [row]: ScimUserRow[] = await manager.query(
    `SELECT ${USER_COLUMNS} ${USER_FROM} WHERE m.organization_id = $1 AND u.user_uuid = $2 ${lock ? 'FOR NO KEY UPDATE OF m, u' : ''}`,
    [organizationId, userUuid],
  );
  return row;
}

/**
 * A new user for the email, or nothing when an account already has it (whatever the case): the
 * unique index on lower(email) decides, so of concurrent creates exactly one inserts.
 */
export async function insertUser(
  manager: EntityManager,
  user: { email: string; firstName: string; lastName: string; isActive: boolean },
): Promise<{ userId: string; userUuid: string } | undefined> {
  const [row] = await manager.query(
    `INSERT INTO users (email, first_name, last_name, is_active, is_email_verified) VALUES ($1, $2, $3, $4, true)
     ON CONFLICT ((lower(email))) WHERE NOT is_invitee DO NOTHING
     RETURNING user_id::text AS "userId", user_uuid AS "userUuid"`,
    [user.email, user.firstName, user.lastName, user.isActive],
  );
  return row;
}

/** The account holding an email, locked, and whether it belongs to an organization. */
export async function findAccountByEmail(
  manager: EntityManager,
  email: string,
): Promise<{ userId: string; userUuid: string; inOrganization: boolean } | undefined> {
  const [row] = await manager.query(
    `SELECT u.user_id::text AS "userId", u.user_uuid AS "userUuid",
            EXISTS (SELECT 1 FROM organization_memberships m WHERE m.user_id = u.user_id) AS "inOrganization"
     FROM users u WHERE lower(u.email) = lower($1) AND NOT u.is_invitee FOR NO KEY UPDATE`,
    [email],
  );
  return row;
}

export async function insertMembership(
  manager: EntityManager,
  membership: { userId: string; organizationId: string; role: OrganizationRole; externalId: string | null },
): Promise<void> {
  await manager.query(`INSERT INTO organization_memberships (user_id, organization_id, role, scim_external_id) VALUES ($1, $2, $3, $4)`, [
    membership.userId,
    membership.organizationId,
    membership.role,
    membership.externalId,
  ]);
}

export async function updateUserProfile(
  manager: EntityManager,
  userId: string,
  profile: { email: string; firstName: string; lastName: string; isActive: boolean },
): Promise<void> {
  await manager.query(
    `UPDATE users SET email = $2, first_name = $3, last_name = $4, is_active = $5, updated_at = now()
     WHERE user_id = $1 AND (email, first_name, last_name, is_active) IS DISTINCT FROM ($2::text, $3::text, $4::text, $5::boolean)`,
    [userId, profile.email, profile.firstName, profile.lastName, profile.isActive],
  );
}

export async function updateMembership(manager: EntityManager, userId: string, membership: { role: OrganizationRole; externalId: string | null }): Promise<void> {
  await manager.query(
    `UPDATE organization_memberships SET role = $2, scim_external_id = $3, updated_at = now()
     WHERE user_id = $1 AND (role, scim_external_id) IS DISTINCT FROM ($2::organization_role, $3::text)`,
    [userId, membership.role, membership.externalId],
  );
}

/**
 * What a deactivated user loses (as in Lightdash): their project roles, groups and sessions. Their
 * personal access tokens stay, refused while the user is inactive (every credential check requires
 * an active user), and work again after a reactivation.
 */
export async function removeAccessOfDeactivatedUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM project_memberships WHERE user_id = $1', [userId]);
  await manager.query('DELETE FROM group_memberships WHERE user_id = $1', [userId]);
  await manager.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

/** The organization's DEFAULT projects among `projectUuids` (preview projects are not SCIM's to manage). */
export async function findProjects(manager: EntityManager, organizationId: string, projectUuids: string[]): Promise<{ projectId: string; projectUuid: string }[]> {
  return manager.query(
    `SELECT project_id::text AS "projectId", project_uuid AS "projectUuid" FROM projects
     WHERE organization_id = $1 AND project_type = 'DEFAULT' AND project_uuid = ANY($2::uuid[])`,
    [organizationId, projectUuids],
  );
}

/** Makes the user's direct roles in the organization's DEFAULT projects exactly `grants` (preview projects keep theirs). */
export async function replaceProjectRoles(
  manager: EntityManager,
  organizationId: string,
  userId: string,
  grants: { projectId: string; role: ProjectRole }[],
): Promise<void> {
  const projectIds = grants.map((grant) => grant.projectId);
  await manager.query(
    `DELETE FROM project_memberships pm USING projects p
     WHERE pm.project_id = p.project_id AND pm.user_id = $1 AND p.project_type = 'DEFAULT' AND NOT (pm.project_id = ANY($2::bigint[]))`,
    [userId, projectIds],
  );
  if (grants.length === 0) return;
  await manager.query(
    `INSERT INTO project_memberships (project_id, user_id, organization_id, role)
     SELECT grant_row.project_id, $1, $2, grant_row.role
     FROM unnest($3::bigint[], $4::project_role[]) AS grant_row (project_id, role)
     ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, custom_role_id = NULL
       WHERE project_memberships.role IS DISTINCT FROM EXCLUDED.role OR project_memberships.custom_role_id IS NOT NULL`,
    [userId, organizationId, projectIds, grants.map((grant) => grant.role)],
  );
  // a system role written by SCIM replaces the whole role set there (docs/permissions.md); asked first, so an
  // unchanged user writes nothing (a write, even of no rows, counts as a data change for the response cache)
  const [extras] = await manager.query(`SELECT 1 FROM project_membership_custom_roles WHERE user_id = $1 AND project_id = ANY($2::bigint[]) LIMIT 1`, [
    userId,
    projectIds,
  ]);
  if (extras) await manager.query(`DELETE FROM project_membership_custom_roles WHERE user_id = $1 AND project_id = ANY($2::bigint[])`, [userId, projectIds]);
}

export async function deleteUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM users WHERE user_id = $1', [userId]);
}
