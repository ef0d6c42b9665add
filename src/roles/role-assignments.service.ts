import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { grantsWithinOwnOrganizationScopes, grantsWithinOwnProjectScopes } from '../authorization/permissions.js';
import { organizationRoleScopes, PROJECT_ROLE_SCOPES } from '../authorization/scopes.js';
import { ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import { assertAdminRemains, lockOrganization } from '../organizations/organization-lock.js';
import type { RoleAssignmentDto, RoleSetDto } from './dto/roles.dto.js';
import {
  type CustomRoleRow,
  deleteOrganizationExtras,
  deleteProjectGroup,
  deleteProjectGroupExtras,
  deleteProjectMember,
  deleteProjectMemberExtras,
  insertOrganizationExtras,
  insertProjectGroupExtras,
  insertProjectMemberExtras,
  lockGroup,
  lockOrganizationMember,
  selectOrganizationAssignments,
  selectOrganizationMemberRoleSet,
  selectProjectAssignments,
  selectProjectGroupRoleSet,
  selectProjectMemberRoleSet,
  selectUser,
  setOrganizationRole,
  type StoredRoleSetRow,
  upsertProjectGroup,
  upsertProjectMember,
} from './roles.queries.js';
import { EXCEEDS_OWN, RolesService } from './roles.service.js';
import { isOrganizationRoleId, isSystemRoleId, SYSTEM_ROLE_LABELS } from './system-roles.js';

/** A role named by an assignment: a system role, or a custom role with its scopes. */
type AssignableRole = { kind: 'system'; id: string; scopes: readonly string[] } | { kind: 'custom'; role: CustomRoleRow; scopes: readonly string[] };

/**
 * How a role set is stored (lightdash-roles-v2.md §1.6): a system role in the row's `role`, or else a
 * placeholder there and the first custom role in `custom_role_id`; the other custom roles as extras.
 */
function storageOf(roles: AssignableRole[], placeholder: 'member' | 'viewer'): { role: string; customRoleId: string | null; extras: string[] } {
  const system = roles.find((role) => role.kind === 'system');
  const customIds = roles.flatMap((role) => (role.kind === 'custom' ? [role.role.customRoleId] : []));
  if (system) return { role: system.id, customRoleId: null, extras: customIds };
  return { role: placeholder, customRoleId: customIds[0], extras: customIds.slice(1) };
}

type Assignee = { kind: 'user'; userId: string; uuid: string; name: string } | { kind: 'group'; groupId: string; uuid: string; name: string };

/**
 * Role assignments of the v2 API (lightdash-roles-v2.md §3.5–3.7), on the same rows the v1 access
 * routes read and write. Each assignee holds one role per organization or project: a system role or a
 * custom role. Nobody assigns a role holding a scope they do not hold themselves.
 */
@Injectable()
export class RoleAssignmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly roles: RolesService,
    private readonly audit: AuditService,
  ) {}

  async listOrganization(principal: Principal): Promise<RoleAssignmentDto[]> {
    const rows = await selectOrganizationAssignments(this.dataSource.manager, principal.organizationId!);
    return rows.map((row) => ({
      roleId: row.customRoleUuid ?? row.systemRole,
      roleName: row.customRoleName ?? row.systemRole,
      ownerType: row.customRoleUuid ? 'user' : 'system',
      assigneeType: 'user',
      assigneeId: row.assigneeId,
      organizationId: principal.organizationUuid!,
      createdAt: row.createdAt,
      updatedAt: row.createdAt,
      hasMultipleRoles: row.hasMultipleRoles,
    }));
  }

  /** Sets a member's organization role; the organization keeps an admin (checked under the organization lock). */
  async assignOrganization(principal: Principal, userUuid: string, roleId: string): Promise<RoleAssignmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const { member, roles } = await this.writeOrganizationSet(manager, principal, userUuid, [roleId]);
      const [role] = roles;
      const now = new Date();
      return {
        roleId,
        roleName: role.kind === 'system' ? role.id : role.role.name,
        ownerType: role.kind === 'system' ? 'system' : 'user',
        assigneeType: 'user',
        assigneeId: userUuid,
        assigneeName: member.name,
        organizationId: principal.organizationUuid!,
        createdAt: now,
        updatedAt: now,
      };
    });
  }

  /** Replaces a member's organization roles with the set (one system role at most, any custom roles of organization level). */
  private async writeOrganizationSet(manager: EntityManager, principal: Principal, userUuid: string, roleIds: string[]) {
    await lockOrganization(manager, principal.organizationId!);
    const member = await lockOrganizationMember(manager, principal.organizationId!, userUuid);
    if (!member) throw new NotFoundError(`Cannot find user with uuid ${userUuid}`);
    const roles: AssignableRole[] = [];
    for (const roleId of roleIds) roles.push(await this.organizationRole(manager, principal, roleId));
    const caller = { organizationRole: principal.role, customScopes: principal.organizationCustomScopes };
    if (!grantsWithinOwnOrganizationScopes(caller, roles.flatMap((role) => role.scopes))) throw new ForbiddenError(EXCEEDS_OWN);
    const stored = storageOf(roles, 'member');
    if (member.role === 'admin' && stored.role !== 'admin') await assertAdminRemains(manager, principal.organizationId!, member.userId);
    await setOrganizationRole(manager, member.userId, stored.role, stored.customRoleId);
    await deleteOrganizationExtras(manager, member.userId);
    if (stored.extras.length) await insertOrganizationExtras(manager, member.userId, principal.organizationId!, stored.extras);
    await this.audit.record(manager, {
      action: roleIds.length === 1 ? 'organization.role.assign' : 'organization.role-set.replace',
      targetType: 'user',
      targetUuid: userUuid,
      details: { from: member.role, to: roleIds },
    });
    return { member, roles };
  }

  async getOrganizationSet(principal: Principal, userUuid: string): Promise<RoleSetDto> {
    const row = await selectOrganizationMemberRoleSet(this.dataSource.manager, principal.organizationId!, userUuid);
    if (!row) throw new NotFoundError(`Cannot find user with uuid ${userUuid}`);
    return roleSet(row);
  }

  async replaceOrganizationSet(principal: Principal, userUuid: string, set: RoleSetDto): Promise<RoleSetDto> {
    const roleIds = roleIdsOf(set, 'organization');
    await this.dataSource.transaction((manager) => this.writeOrganizationSet(manager, principal, userUuid, roleIds));
    return this.getOrganizationSet(principal, userUuid);
  }

  async listProject(access: ProjectAccess): Promise<RoleAssignmentDto[]> {
    const rows = await selectProjectAssignments(this.dataSource.manager, access.projectId);
    const now = new Date();
    return rows.map((row) => ({
      roleId: row.customRoleUuid ?? row.systemRole,
      roleName: row.customRoleName ?? row.systemRole,
      ownerType: row.customRoleUuid ? 'user' : 'system',
      assigneeType: row.kind,
      assigneeId: row.assigneeId,
      assigneeName: row.assigneeName,
      hasMultipleRoles: row.hasMultipleRoles,
      projectId: access.projectUuid,
      createdAt: now,
      updatedAt: now,
    }));
  }

  /** Creates or replaces a user's or a group's role on the project (the v1 routes see the same row). */
  async assignProject(principal: Principal, access: ProjectAccess, kind: 'user' | 'group', uuid: string, roleId: string): Promise<RoleAssignmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const { assignee, roles } = await this.writeProjectSet(manager, principal, access, kind, uuid, [roleId]);
      const [role] = roles;
      const now = new Date();
      return {
        roleId,
        roleName: role.kind === 'system' ? SYSTEM_ROLE_LABELS[role.id as keyof typeof SYSTEM_ROLE_LABELS] : role.role.name,
        ownerType: 'user',
        assigneeType: kind,
        assigneeId: uuid,
        assigneeName: assignee.name,
        projectId: access.projectUuid,
        createdAt: now,
        updatedAt: now,
      };
    });
  }

  /** Replaces a user's or group's roles on the project with the set, creating the grant when missing. */
  private async writeProjectSet(manager: EntityManager, principal: Principal, access: ProjectAccess, kind: 'user' | 'group', uuid: string, roleIds: string[]) {
    const assignee = await this.assignee(manager, access, kind, uuid);
    const roles: AssignableRole[] = [];
    for (const roleId of roleIds) roles.push(await this.projectRole(manager, principal, roleId));
    if (!grantsWithinOwnProjectScopes(access, roles.flatMap((role) => role.scopes))) throw new ForbiddenError(EXCEEDS_OWN);
    const stored = storageOf(roles, 'viewer');
    try {
      if (assignee.kind === 'user') {
        await upsertProjectMember(manager, access.projectId, assignee.userId, access.organizationId, stored.role, stored.customRoleId);
        await deleteProjectMemberExtras(manager, access.projectId, assignee.userId);
        if (stored.extras.length) await insertProjectMemberExtras(manager, access.projectId, assignee.userId, access.organizationId, stored.extras);
      } else {
        await upsertProjectGroup(manager, access.projectId, assignee.groupId, access.organizationId, stored.role, stored.customRoleId);
        await deleteProjectGroupExtras(manager, access.projectId, assignee.groupId);
        if (stored.extras.length) await insertProjectGroupExtras(manager, access.projectId, assignee.groupId, access.organizationId, stored.extras);
      }
    } catch (error) {
      // the user left the organization, or the group was deleted, meanwhile
      if (isForeignKeyViolation(error)) throw new NotFoundError(kind === 'user' ? `Cannot find user with uuid ${uuid}` : 'No group found');
      throw error;
    }
    await this.audit.record(manager, {
      action: `${kind === 'user' ? 'project.access' : 'project.group-access'}.${roleIds.length === 1 ? 'assign' : 'role-set.replace'}`,
      targetType: kind,
      targetUuid: uuid,
      details: { projectUuid: access.projectUuid, roles: roleIds },
    });
    return { assignee, roles };
  }

  /** Removes a user's direct role on the project (404 when there is none); a group's, idempotently. */
  async unassignProject(access: ProjectAccess, kind: 'user' | 'group', uuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      let removed = false;
      if (kind === 'user') {
        const user = await selectUser(manager, access.organizationId, uuid);
        if (user) removed = await deleteProjectMember(manager, access.projectId, user.userId);
        if (!removed) throw new NotFoundError(`Access with id ${uuid} not found`);
      } else {
        const group = await lockGroup(manager, access.organizationId, uuid);
        if (!group || !group.inOrganization) throw new NotFoundError('No group found');
        removed = await deleteProjectGroup(manager, access.projectId, group.groupId);
      }
      if (removed) {
        await this.audit.record(manager, {
          action: kind === 'user' ? 'project.access.revoke' : 'project.group-access.revoke',
          targetType: kind,
          targetUuid: uuid,
          details: { projectUuid: access.projectUuid },
        });
      }
    });
  }

  async getProjectSet(access: ProjectAccess, kind: 'user' | 'group', uuid: string): Promise<RoleSetDto> {
    const assignee = await this.assignee(this.dataSource.manager, access, kind, uuid);
    const row =
      assignee.kind === 'user'
        ? await selectProjectMemberRoleSet(this.dataSource.manager, access.projectId, assignee.userId)
        : await selectProjectGroupRoleSet(this.dataSource.manager, access.projectId, assignee.groupId);
    if (!row) throw new NotFoundError(kind === 'user' ? `Access with id ${uuid} not found` : 'This group has no access to the project');
    return roleSet(row);
  }

  async replaceProjectSet(principal: Principal, access: ProjectAccess, kind: 'user' | 'group', uuid: string, set: RoleSetDto): Promise<RoleSetDto> {
    const roleIds = roleIdsOf(set, 'project');
    await this.dataSource.transaction((manager) => this.writeProjectSet(manager, principal, access, kind, uuid, roleIds));
    return this.getProjectSet(access, kind, uuid);
  }

  private async assignee(manager: EntityManager, access: ProjectAccess, kind: 'user' | 'group', uuid: string): Promise<Assignee> {
    if (kind === 'user') {
      const user = await selectUser(manager, access.organizationId, uuid);
      if (!user || !user.inOrganization) throw new NotFoundError(`Cannot find user with uuid ${uuid}`);
      return { kind, userId: user.userId, uuid, name: user.name };
    }
    const group = await lockGroup(manager, access.organizationId, uuid);
    if (!group || !group.inOrganization) throw new NotFoundError('No group found');
    return { kind, groupId: group.groupId, uuid, name: group.name };
  }

  private async organizationRole(manager: EntityManager, principal: Principal, roleId: string): Promise<AssignableRole> {
    if (isOrganizationRoleId(roleId)) return { kind: 'system', id: roleId, scopes: organizationRoleScopes(roleId) };
    const role = await this.customRole(manager, principal, roleId);
    if (role.level !== 'organization') throw new ParameterError(`Custom role "${role.name}" can only be assigned at project level`);
    return { kind: 'custom', role, scopes: role.scopes };
  }

  private async projectRole(manager: EntityManager, principal: Principal, roleId: string): Promise<AssignableRole> {
    if (isSystemRoleId(roleId)) return { kind: 'system', id: roleId, scopes: PROJECT_ROLE_SCOPES[roleId] };
    const role = await this.customRole(manager, principal, roleId);
    if (role.level !== 'project') throw new ParameterError(`Custom role "${role.name}" can only be assigned at organization level`);
    return { kind: 'custom', role, scopes: role.scopes };
  }

  /** A custom role of the organization that may be assigned (the foreign key keeps it from being deleted meanwhile). */
  private async customRole(manager: EntityManager, principal: Principal, roleId: string): Promise<CustomRoleRow> {
    const role = await this.roles.find(manager, principal, roleId);
    if (role.scopes.length === 0) throw new ParameterError('Custom role must have at least one scope');
    return role;
  }
}

/** A stored set as the API shows it: a custom slot hides its placeholder role. */
function roleSet(row: StoredRoleSetRow): RoleSetDto {
  const customRoleUuids = [...new Set([...(row.customRoleUuid ? [row.customRoleUuid] : []), ...row.extraRoleUuids])];
  return { systemRole: row.customRoleUuid ? null : row.systemRole, customRoleUuids };
}

/** The role ids of a set, the system role first, duplicates dropped; never empty, and the system role of the level. */
function roleIdsOf(set: RoleSetDto, level: 'organization' | 'project'): string[] {
  if (set.systemRole !== null && !(level === 'organization' ? isOrganizationRoleId(set.systemRole) : isSystemRoleId(set.systemRole))) {
    throw new ParameterError(`Invalid ${level} system role "${set.systemRole}"`);
  }
  const ids = [...(set.systemRole ? [set.systemRole] : []), ...new Set(set.customRoleUuids.map((uuid) => uuid.toLowerCase()))];
  if (ids.length === 0) throw new ParameterError('A role set must contain at least one role');
  return ids;
}
