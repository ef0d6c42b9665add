import type { EntityManager } from 'typeorm';
import type { ProjectRole } from '../authorization/roles.js';
import { returnedRows } from '../database/returned-rows.js';
import type { ProjectGroupAccessDto } from './dto/group-project-access.dto.js';

// The SQL of project roles granted to groups (table project_group_access and its further custom
// roles project_group_access_custom_roles). Each function is one statement; GroupProjectAccessService
// holds the rules.

/** The project's group grants by group name; a custom role shows as its uuid. */
export function selectProjectGroups(manager: EntityManager, projectId: string, projectUuid: string): Promise<ProjectGroupAccessDto[]> {
  return manager.query(
    `SELECT $2::uuid AS "projectUuid", g.group_uuid AS "groupUuid", coalesce(cr.role_uuid::text, pga.role::text) AS role
     FROM project_group_access pga JOIN groups g ON g.group_id = pga.group_id LEFT JOIN custom_roles cr ON cr.custom_role_id = pga.custom_role_id
     WHERE pga.project_id = $1 ORDER BY lower(g.name), g.group_id`,
    [projectId, projectUuid],
  );
}

/** The organization's group's id, share-locked against deletion until the transaction ends; none when the organization has no such group. */
export async function lockGroupOfOrganization(manager: EntityManager, groupUuid: string, organizationId: string): Promise<string | undefined> {
  const [group]: { groupId: string }[] = await manager.query('SELECT group_id::text AS "groupId" FROM groups WHERE group_uuid = $1 AND organization_id = $2 FOR SHARE', [
    groupUuid,
    organizationId,
  ]);
  return group?.groupId;
}

/** Refused by project_group_access_pkey when the group has a grant already, by the foreign key when the group left the organization. */
export async function insertProjectGroup(manager: EntityManager, projectId: string, groupId: string, organizationId: string, role: ProjectRole): Promise<void> {
  await manager.query('INSERT INTO project_group_access (project_id, group_id, organization_id, role) VALUES ($1, $2, $3, $4)', [
    projectId,
    groupId,
    organizationId,
    role,
  ]);
}

/** The group's grant's stored role, the row locked for a change; none when the group has no grant. */
export async function lockProjectGroupRole(manager: EntityManager, projectId: string, groupId: string): Promise<{ role: ProjectRole } | undefined> {
  const [grant]: { role: ProjectRole }[] = await manager.query('SELECT role FROM project_group_access WHERE project_id = $1 AND group_id = $2 FOR UPDATE', [
    projectId,
    groupId,
  ]);
  return grant;
}

/** Gives the group's grant a system role, which replaces its custom role. */
export async function setProjectGroupRole(manager: EntityManager, projectId: string, groupId: string, role: ProjectRole): Promise<void> {
  await manager.query('UPDATE project_group_access SET role = $3, custom_role_id = NULL WHERE project_id = $1 AND group_id = $2', [projectId, groupId, role]);
}

/** Removes the further custom roles of the group's grant. */
export async function deleteProjectGroupExtraRoles(manager: EntityManager, projectId: string, groupId: string): Promise<void> {
  await manager.query('DELETE FROM project_group_access_custom_roles WHERE project_id = $1 AND group_id = $2', [projectId, groupId]);
}

/** Removes the group's grant; answers its role, none when the group had no grant. */
export async function deleteProjectGroup(manager: EntityManager, projectId: string, groupId: string): Promise<{ role: ProjectRole } | undefined> {
  const [removed] = returnedRows<{ role: ProjectRole }>(
    await manager.query('DELETE FROM project_group_access WHERE project_id = $1 AND group_id = $2 RETURNING role', [projectId, groupId]),
  );
  return removed;
}
