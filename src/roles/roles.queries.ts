import type { EntityManager } from 'typeorm';
import { returnedRows } from '../database/returned-rows.js';

/**
 * SQL of custom roles and role assignments (typed rows). Assignments live on the rows v1 writes too
 * (organization_memberships, project_memberships, project_group_access): `role` holds the system
 * role, or a placeholder when `custom_role_id` names a custom role. Each exported function runs one
 * statement; RolesService, RoleAssignmentsService and RolesAsCodeService hold the rules.
 */

export interface CustomRoleRow {
  customRoleId: string;
  roleUuid: string;
  name: string;
  description: string | null;
  level: 'project' | 'organization';
  organizationUuid: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  scopes: string[];
}

const ROLE_COLUMNS = `cr.custom_role_id::text AS "customRoleId", cr.role_uuid AS "roleUuid", cr.name, cr.description, cr.level,
  o.organization_uuid AS "organizationUuid", u.user_uuid AS "createdBy", cr.created_at AS "createdAt", cr.updated_at AS "updatedAt", cr.scopes`;
const ROLE_FROM = `FROM custom_roles cr JOIN organizations o ON o.organization_id = cr.organization_id LEFT JOIN users u ON u.user_id = cr.created_by_user_id`;

/** $1 organization id. */
const LIST_CUSTOM_ROLES = `SELECT ${ROLE_COLUMNS} ${ROLE_FROM} WHERE cr.organization_id = $1 ORDER BY cr.created_at, cr.custom_role_id`;

/** The organization's custom roles, oldest first. */
export function listCustomRoles(manager: EntityManager, organizationId: string): Promise<CustomRoleRow[]> {
  return manager.query(LIST_CUSTOM_ROLES, [organizationId]);
}

/** $1 organization id, $2 role uuid; `FOR UPDATE` variant locks the role row for a change. */
const FIND_CUSTOM_ROLE = `SELECT ${ROLE_COLUMNS} ${ROLE_FROM} WHERE cr.organization_id = $1 AND cr.role_uuid = $2`;
const LOCK_CUSTOM_ROLE = `${FIND_CUSTOM_ROLE} FOR UPDATE OF cr`;

/** The organization's custom role with this uuid; none when it has no such role. */
export async function selectCustomRole(manager: EntityManager, organizationId: string, roleUuid: string): Promise<CustomRoleRow | undefined> {
  const [row]: CustomRoleRow[] = await manager.query(FIND_CUSTOM_ROLE, [organizationId, roleUuid]);
  return row;
}

/** As selectCustomRole, the role row locked for a change until the transaction ends. */
export async function lockCustomRole(manager: EntityManager, organizationId: string, roleUuid: string): Promise<CustomRoleRow | undefined> {
  const [row]: CustomRoleRow[] = await manager.query(LOCK_CUSTOM_ROLE, [organizationId, roleUuid]);
  return row;
}

/** $1 organization id, $2 name, $3 description, $4 level, $5 scopes, $6 creator user id. */
const INSERT_CUSTOM_ROLE = `
  INSERT INTO custom_roles (organization_id, name, description, level, scopes, created_by_user_id)
  VALUES ($1, $2, $3, $4, $5, $6) RETURNING role_uuid AS "roleUuid"`;

export interface NewCustomRole {
  organizationId: string;
  name: string;
  description: string | null;
  level: CustomRoleRow['level'];
  scopes: string[];
  createdByUserId: string;
}

/** Answers the new role's uuid; refused by custom_roles_organization_id_name_key when the organization has a role of that name. */
export async function insertCustomRole(manager: EntityManager, role: NewCustomRole): Promise<string> {
  const [{ roleUuid }]: { roleUuid: string }[] = await manager.query(INSERT_CUSTOM_ROLE, [
    role.organizationId,
    role.name,
    role.description,
    role.level,
    role.scopes,
    role.createdByUserId,
  ]);
  return roleUuid;
}

/** $1 role id, $2 name, $3 description, $4 scopes. */
const UPDATE_CUSTOM_ROLE = `UPDATE custom_roles SET name = $2, description = $3, scopes = $4, updated_at = now() WHERE custom_role_id = $1`;

/** Refused by custom_roles_organization_id_name_key when another role of the organization has the name. */
export async function updateCustomRole(manager: EntityManager, customRoleId: string, name: string, description: string | null, scopes: string[]): Promise<void> {
  await manager.query(UPDATE_CUSTOM_ROLE, [customRoleId, name, description, scopes]);
}

/** $1 role id. Refused by the foreign keys while the role is assigned. */
const DELETE_CUSTOM_ROLE = `DELETE FROM custom_roles WHERE custom_role_id = $1`;

export async function deleteCustomRole(manager: EntityManager, customRoleId: string): Promise<void> {
  await manager.query(DELETE_CUSTOM_ROLE, [customRoleId]);
}

export interface RoleAssigneeRow {
  kind: 'organization_user' | 'project_user' | 'project_group';
  assigneeId: string;
  assigneeName: string;
  projectUuid: string | null;
  projectName: string | null;
}

/** Who holds role $1 (its id): organization members, project members and project groups. */
const ROLE_ASSIGNEES = `
  SELECT 'organization_user' AS kind, u.user_uuid::text AS "assigneeId", trim(u.first_name || ' ' || u.last_name) AS "assigneeName",
         NULL AS "projectUuid", NULL AS "projectName"
  FROM organization_memberships m JOIN users u ON u.user_id = m.user_id WHERE m.custom_role_id = $1
  UNION ALL
  SELECT 'project_user', u.user_uuid::text, trim(u.first_name || ' ' || u.last_name), p.project_uuid::text, p.name
  FROM project_memberships pm JOIN users u ON u.user_id = pm.user_id JOIN projects p ON p.project_id = pm.project_id WHERE pm.custom_role_id = $1
  UNION ALL
  SELECT 'project_group', g.group_uuid::text, g.name, p.project_uuid::text, p.name
  FROM project_group_access pga JOIN groups g ON g.group_id = pga.group_id JOIN projects p ON p.project_id = pga.project_id WHERE pga.custom_role_id = $1
  UNION ALL
  SELECT 'organization_user', u.user_uuid::text, trim(u.first_name || ' ' || u.last_name), NULL, NULL
  FROM organization_membership_custom_roles x JOIN users u ON u.user_id = x.user_id WHERE x.custom_role_id = $1
  UNION ALL
  SELECT 'project_user', u.user_uuid::text, trim(u.first_name || ' ' || u.last_name), p.project_uuid::text, p.name
  FROM project_membership_custom_roles x JOIN users u ON u.user_id = x.user_id JOIN projects p ON p.project_id = x.project_id WHERE x.custom_role_id = $1
  UNION ALL
  SELECT 'project_group', g.group_uuid::text, g.name, p.project_uuid::text, p.name
  FROM project_group_access_custom_roles x JOIN groups g ON g.group_id = x.group_id JOIN projects p ON p.project_id = x.project_id WHERE x.custom_role_id = $1`;

export function selectRoleAssignees(manager: EntityManager, customRoleId: string): Promise<RoleAssigneeRow[]> {
  return manager.query(ROLE_ASSIGNEES, [customRoleId]);
}

/** One assignment as the storage holds it: the system role, or the custom role it stands for. */
export interface AssignmentRow {
  assigneeId: string;
  assigneeName: string;
  systemRole: string;
  customRoleUuid: string | null;
  customRoleName: string | null;
  createdAt: Date;
  hasMultipleRoles: boolean;
}

/** Every member of organization $1 with their organization role. */
const ORGANIZATION_ASSIGNMENTS = `
  SELECT u.user_uuid::text AS "assigneeId", trim(u.first_name || ' ' || u.last_name) AS "assigneeName", m.role::text AS "systemRole",
         cr.role_uuid::text AS "customRoleUuid", cr.name AS "customRoleName", m.created_at AS "createdAt",
         EXISTS (SELECT 1 FROM organization_membership_custom_roles x WHERE x.user_id = m.user_id) AS "hasMultipleRoles"
  FROM organization_memberships m JOIN users u ON u.user_id = m.user_id LEFT JOIN custom_roles cr ON cr.custom_role_id = m.custom_role_id
  WHERE m.organization_id = $1 ORDER BY m.created_at, u.user_id`;

export function selectOrganizationAssignments(manager: EntityManager, organizationId: string): Promise<AssignmentRow[]> {
  return manager.query(ORGANIZATION_ASSIGNMENTS, [organizationId]);
}

/** Project $1's direct user grants, then its group grants (`kind` tells them apart). */
const PROJECT_ASSIGNMENTS = `
  SELECT * FROM (
    SELECT 'user' AS kind, u.user_uuid::text AS "assigneeId", trim(u.first_name || ' ' || u.last_name) AS "assigneeName", pm.role::text AS "systemRole",
           cr.role_uuid::text AS "customRoleUuid", cr.name AS "customRoleName", pm.created_at AS "createdAt",
           EXISTS (SELECT 1 FROM project_membership_custom_roles x WHERE x.project_id = pm.project_id AND x.user_id = pm.user_id) AS "hasMultipleRoles",
           0 AS rank, lower(u.first_name) AS sort1, u.user_id AS sort2
    FROM project_memberships pm JOIN users u ON u.user_id = pm.user_id LEFT JOIN custom_roles cr ON cr.custom_role_id = pm.custom_role_id
    WHERE pm.project_id = $1
    UNION ALL
    SELECT 'group', g.group_uuid::text, g.name, pga.role::text, cr.role_uuid::text, cr.name, pga.created_at,
           EXISTS (SELECT 1 FROM project_group_access_custom_roles x WHERE x.project_id = pga.project_id AND x.group_id = pga.group_id),
           1, lower(g.name), g.group_id
    FROM project_group_access pga JOIN groups g ON g.group_id = pga.group_id LEFT JOIN custom_roles cr ON cr.custom_role_id = pga.custom_role_id
    WHERE pga.project_id = $1) a
  ORDER BY rank, sort1, sort2`;

export type ProjectAssignmentRow = AssignmentRow & { kind: 'user' | 'group' };

export function selectProjectAssignments(manager: EntityManager, projectId: string): Promise<ProjectAssignmentRow[]> {
  return manager.query(PROJECT_ASSIGNMENTS, [projectId]);
}

/** A member $2 (user uuid) of organization $1, locked for a change of role. */
const LOCK_ORGANIZATION_MEMBER = `
  SELECT m.user_id::text AS "userId", trim(u.first_name || ' ' || u.last_name) AS "name", m.role::text AS role, m.custom_role_id::text AS "customRoleId"
  FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
  WHERE m.organization_id = $1 AND u.user_uuid = $2 FOR UPDATE OF m`;

export interface LockedOrganizationMemberRow {
  userId: string;
  name: string;
  role: string;
  customRoleId: string | null;
}

export async function lockOrganizationMember(manager: EntityManager, organizationId: string, userUuid: string): Promise<LockedOrganizationMemberRow | undefined> {
  const [member]: LockedOrganizationMemberRow[] = await manager.query(LOCK_ORGANIZATION_MEMBER, [organizationId, userUuid]);
  return member;
}

/** $1 user id, $2 system role (or the placeholder), $3 custom role id or null. */
const SET_ORGANIZATION_ROLE = `UPDATE organization_memberships SET role = $2, custom_role_id = $3, updated_at = now() WHERE user_id = $1`;

export async function setOrganizationRole(manager: EntityManager, userId: string, role: string, customRoleId: string | null): Promise<void> {
  await manager.query(SET_ORGANIZATION_ROLE, [userId, role, customRoleId]);
}

/** A user $2 (uuid): their id, name, and whether they are a member of organization $1. */
const FIND_USER = `
  SELECT u.user_id::text AS "userId", trim(u.first_name || ' ' || u.last_name) AS "name",
         EXISTS (SELECT 1 FROM organization_memberships m WHERE m.user_id = u.user_id AND m.organization_id = $1) AS "inOrganization"
  FROM users u WHERE u.user_uuid = $2`;

export interface UserRow {
  userId: string;
  name: string;
  inOrganization: boolean;
}

/** The user with this uuid, whichever organization they are in; none when there is no such user. */
export async function selectUser(manager: EntityManager, organizationId: string, userUuid: string): Promise<UserRow | undefined> {
  const [user]: UserRow[] = await manager.query(FIND_USER, [organizationId, userUuid]);
  return user;
}

/** A group $2 (uuid): its id, name, and whether it belongs to organization $1. */
const FIND_GROUP = `SELECT g.group_id::text AS "groupId", g.name, g.organization_id = $1 AS "inOrganization" FROM groups g WHERE g.group_uuid = $2 FOR SHARE`;

export interface GroupRow {
  groupId: string;
  name: string;
  inOrganization: boolean;
}

/** The group with this uuid, whichever organization it is in, share-locked until the transaction ends; none when there is no such group. */
export async function lockGroup(manager: EntityManager, organizationId: string, groupUuid: string): Promise<GroupRow | undefined> {
  const [group]: GroupRow[] = await manager.query(FIND_GROUP, [organizationId, groupUuid]);
  return group;
}

/** Upserts user $2's grant on project $1 (organization $3): system role $4 (or placeholder), custom role $5. */
const UPSERT_PROJECT_MEMBER = `
  INSERT INTO project_memberships (project_id, user_id, organization_id, role, custom_role_id) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role, custom_role_id = EXCLUDED.custom_role_id`;

/** Refused by a foreign key when the user is no longer in the organization. */
export async function upsertProjectMember(manager: EntityManager, projectId: string, userId: string, organizationId: string, role: string, customRoleId: string | null): Promise<void> {
  await manager.query(UPSERT_PROJECT_MEMBER, [projectId, userId, organizationId, role, customRoleId]);
}

/** Upserts group $2's grant on project $1 (organization $3): system role $4 (or placeholder), custom role $5. */
const UPSERT_PROJECT_GROUP = `
  INSERT INTO project_group_access (project_id, group_id, organization_id, role, custom_role_id) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (project_id, group_id) DO UPDATE SET role = EXCLUDED.role, custom_role_id = EXCLUDED.custom_role_id`;

/** Refused by a foreign key when the group is no longer in the organization. */
export async function upsertProjectGroup(manager: EntityManager, projectId: string, groupId: string, organizationId: string, role: string, customRoleId: string | null): Promise<void> {
  await manager.query(UPSERT_PROJECT_GROUP, [projectId, groupId, organizationId, role, customRoleId]);
}

const DELETE_PROJECT_MEMBER = `DELETE FROM project_memberships WHERE project_id = $1 AND user_id = $2 RETURNING role`;
const DELETE_PROJECT_GROUP = `DELETE FROM project_group_access WHERE project_id = $1 AND group_id = $2 RETURNING role`;

/** Removes the user's direct grant on the project; answers whether there was one. */
export async function deleteProjectMember(manager: EntityManager, projectId: string, userId: string): Promise<boolean> {
  return returnedRows(await manager.query(DELETE_PROJECT_MEMBER, [projectId, userId])).length > 0;
}

/** Removes the group's grant on the project; answers whether there was one. */
export async function deleteProjectGroup(manager: EntityManager, projectId: string, groupId: string): Promise<boolean> {
  return returnedRows(await manager.query(DELETE_PROJECT_GROUP, [projectId, groupId])).length > 0;
}

/** The further custom roles of a role set, oldest first, from join table `table` matching `on` (alias x). */
function extras(table: string, on: string): string {
  return `(SELECT coalesce(array_agg(xr.role_uuid::text ORDER BY x.created_at, xr.role_uuid), '{}') FROM ${table} x
    JOIN custom_roles xr ON xr.custom_role_id = x.custom_role_id WHERE ${on})`;
}

export interface StoredRoleSetRow {
  systemRole: string;
  customRoleUuid: string | null;
  extraRoleUuids: string[];
}

/** Replacing the further roles of a set: $1/$2 the assignment row's key, $3 its organization, $4 the custom role ids (bigint[]). */
const CLEAR_PROJECT_MEMBER_EXTRAS = `DELETE FROM project_membership_custom_roles WHERE project_id = $1 AND user_id = $2`;
const ADD_PROJECT_MEMBER_EXTRAS = `
  INSERT INTO project_membership_custom_roles (project_id, user_id, organization_id, custom_role_id)
  SELECT $1, $2, $3, id FROM unnest($4::bigint[]) WITH ORDINALITY AS r(id, n) ORDER BY n`;

export async function deleteProjectMemberExtras(manager: EntityManager, projectId: string, userId: string): Promise<void> {
  await manager.query(CLEAR_PROJECT_MEMBER_EXTRAS, [projectId, userId]);
}

/** `customRoleIds` in the set's order. */
export async function insertProjectMemberExtras(manager: EntityManager, projectId: string, userId: string, organizationId: string, customRoleIds: string[]): Promise<void> {
  await manager.query(ADD_PROJECT_MEMBER_EXTRAS, [projectId, userId, organizationId, customRoleIds]);
}
const CLEAR_PROJECT_GROUP_EXTRAS = `DELETE FROM project_group_access_custom_roles WHERE project_id = $1 AND group_id = $2`;
const ADD_PROJECT_GROUP_EXTRAS = `
  INSERT INTO project_group_access_custom_roles (project_id, group_id, organization_id, custom_role_id)
  SELECT $1, $2, $3, id FROM unnest($4::bigint[]) WITH ORDINALITY AS r(id, n) ORDER BY n`;

export async function deleteProjectGroupExtras(manager: EntityManager, projectId: string, groupId: string): Promise<void> {
  await manager.query(CLEAR_PROJECT_GROUP_EXTRAS, [projectId, groupId]);
}

/** `customRoleIds` in the set's order. */
export async function insertProjectGroupExtras(manager: EntityManager, projectId: string, groupId: string, organizationId: string, customRoleIds: string[]): Promise<void> {
  await manager.query(ADD_PROJECT_GROUP_EXTRAS, [projectId, groupId, organizationId, customRoleIds]);
}
/** $1 user id. */
const CLEAR_ORGANIZATION_EXTRAS = `DELETE FROM organization_membership_custom_roles WHERE user_id = $1`;
/** $1 user id, $2 organization id, $3 the custom role ids (bigint[]). */
const ADD_ORGANIZATION_EXTRAS = `
  INSERT INTO organization_membership_custom_roles (user_id, organization_id, custom_role_id)
  SELECT $1, $2, id FROM unnest($3::bigint[]) WITH ORDINALITY AS r(id, n) ORDER BY n`;

export async function deleteOrganizationExtras(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(CLEAR_ORGANIZATION_EXTRAS, [userId]);
}

/** `customRoleIds` in the set's order. */
export async function insertOrganizationExtras(manager: EntityManager, userId: string, organizationId: string, customRoleIds: string[]): Promise<void> {
  await manager.query(ADD_ORGANIZATION_EXTRAS, [userId, organizationId, customRoleIds]);
}

/** The stored assignment of user $2 on project $1. */
const PROJECT_MEMBER_ROLE = `
  SELECT pm.role::text AS "systemRole", cr.role_uuid::text AS "customRoleUuid",
         ${extras('project_membership_custom_roles', 'x.project_id = pm.project_id AND x.user_id = pm.user_id')} AS "extraRoleUuids"
  FROM project_memberships pm LEFT JOIN custom_roles cr ON cr.custom_role_id = pm.custom_role_id WHERE pm.project_id = $1 AND pm.user_id = $2`;

export async function selectProjectMemberRoleSet(manager: EntityManager, projectId: string, userId: string): Promise<StoredRoleSetRow | undefined> {
  const [row]: StoredRoleSetRow[] = await manager.query(PROJECT_MEMBER_ROLE, [projectId, userId]);
  return row;
}

/** The stored assignment of group $2 on project $1. */
const PROJECT_GROUP_ROLE = `
  SELECT pga.role::text AS "systemRole", cr.role_uuid::text AS "customRoleUuid",
         ${extras('project_group_access_custom_roles', 'x.project_id = pga.project_id AND x.group_id = pga.group_id')} AS "extraRoleUuids"
  FROM project_group_access pga LEFT JOIN custom_roles cr ON cr.custom_role_id = pga.custom_role_id WHERE pga.project_id = $1 AND pga.group_id = $2`;

export async function selectProjectGroupRoleSet(manager: EntityManager, projectId: string, groupId: string): Promise<StoredRoleSetRow | undefined> {
  const [row]: StoredRoleSetRow[] = await manager.query(PROJECT_GROUP_ROLE, [projectId, groupId]);
  return row;
}

/** The stored organization assignment of user $2 in organization $1. */
const ORGANIZATION_MEMBER_ROLE = `
  SELECT m.role::text AS "systemRole", cr.role_uuid::text AS "customRoleUuid",
         ${extras('organization_membership_custom_roles', 'x.user_id = m.user_id')} AS "extraRoleUuids"
  FROM organization_memberships m JOIN users u ON u.user_id = m.user_id LEFT JOIN custom_roles cr ON cr.custom_role_id = m.custom_role_id
  WHERE m.organization_id = $1 AND u.user_uuid = $2`;

export async function selectOrganizationMemberRoleSet(manager: EntityManager, organizationId: string, userUuid: string): Promise<StoredRoleSetRow | undefined> {
  const [row]: StoredRoleSetRow[] = await manager.query(ORGANIZATION_MEMBER_ROLE, [organizationId, userUuid]);
  return row;
}
