import type { EntityManager } from 'typeorm';
import type { ProjectRole } from '../authorization/roles.js';
import type { ProjectMemberDto, ProjectMemberListItemDto } from './dto/project-access.dto.js';

// The SQL of direct project grants to users (table project_memberships and its further custom roles
// project_membership_custom_roles). Each function is one statement; ProjectAccessService holds the rules.

// a custom role shows as the placeholder role plus its uuid (as Lightdash's v1 list does); rows carry
// `roleUuid` null for a system role, which the service leaves out
const MEMBER_COLUMNS = `u.user_uuid AS "userUuid", p.project_uuid AS "projectUuid", pm.role, u.email, u.first_name AS "firstName", u.last_name AS "lastName",
  cr.role_uuid AS "roleUuid"`;
const MEMBER_FROM = `FROM project_memberships pm JOIN users u ON u.user_id = pm.user_id JOIN projects p ON p.project_id = pm.project_id
  LEFT JOIN custom_roles cr ON cr.custom_role_id = pm.custom_role_id`;

/** The project's direct grants by name, each saying whether the user has several roles (a role set). */
export function selectProjectMembers(manager: EntityManager, projectId: string): Promise<ProjectMemberListItemDto[]> {
  return manager.query(
    `SELECT ${MEMBER_COLUMNS},
            EXISTS (SELECT 1 FROM project_membership_custom_roles extra WHERE extra.project_id = pm.project_id AND extra.user_id = pm.user_id) AS "hasMultipleRoles"
     ${MEMBER_FROM} WHERE pm.project_id = $1 ORDER BY lower(u.first_name), lower(u.last_name), u.user_id`,
    [projectId],
  );
}

async function selectProjectMemberRow(manager: EntityManager, projectId: string, userUuid: string, lock: boolean): Promise<ProjectMemberDto | undefined> {
  const [grant]: ProjectMemberDto[] = await manager.query(
    `SELECT ${MEMBER_COLUMNS} ${MEMBER_FROM} WHERE pm.project_id = $1 AND u.user_uuid = $2 ${lock ? 'FOR UPDATE OF pm' : ''}`,
    [projectId, userUuid],
  );
  return grant;
}

/** The user's direct grant on the project; none when they have none. */
export function selectProjectMember(manager: EntityManager, projectId: string, userUuid: string): Promise<ProjectMemberDto | undefined> {
  return selectProjectMemberRow(manager, projectId, userUuid, false);
}

/** The user's direct grant on the project, locked for a change until the transaction ends. */
export function lockProjectMember(manager: EntityManager, projectId: string, userUuid: string): Promise<ProjectMemberDto | undefined> {
  return selectProjectMemberRow(manager, projectId, userUuid, true);
}

export interface OrganizationMemberRow {
  userId: string;
  userUuid: string;
}

/** The organization's member with this email (case-insensitive), their membership share-locked; none when there is no such member. */
export async function lockOrganizationMemberByEmail(manager: EntityManager, organizationId: string, email: string): Promise<OrganizationMemberRow | undefined> {
  const [member]: OrganizationMemberRow[] = await manager.query(
    `SELECT m.user_id::text AS "userId", u.user_uuid AS "userUuid" FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
     WHERE m.organization_id = $1 AND lower(u.email) = lower($2) FOR SHARE OF m`,
    [organizationId, email],
  );
  return member;
}

/** Refused by project_memberships_pkey when the user has a grant already. */
export async function insertProjectMember(manager: EntityManager, projectId: string, userId: string, organizationId: string, role: ProjectRole): Promise<void> {
  await manager.query('INSERT INTO project_memberships (project_id, user_id, organization_id, role) VALUES ($1, $2, $3, $4)', [
    projectId,
    userId,
    organizationId,
    role,
  ]);
}

/** Gives the user's grant a system role, which replaces its custom role. */
export async function setProjectMemberRole(manager: EntityManager, projectId: string, userUuid: string, role: ProjectRole): Promise<void> {
  await manager.query('UPDATE project_memberships SET role = $1, custom_role_id = NULL WHERE project_id = $2 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $3)', [
    role,
    projectId,
    userUuid,
  ]);
}

/** Removes the further custom roles of the user's grant. */
export async function deleteProjectMemberExtraRoles(manager: EntityManager, projectId: string, userUuid: string): Promise<void> {
  await manager.query('DELETE FROM project_membership_custom_roles WHERE project_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2)', [
    projectId,
    userUuid,
  ]);
}

export async function deleteProjectMember(manager: EntityManager, projectId: string, userUuid: string): Promise<void> {
  await manager.query('DELETE FROM project_memberships WHERE project_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2)', [
    projectId,
    userUuid,
  ]);
}
