import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { grantsWithinOwnProjectScopes } from '../authorization/permissions.js';
import { holds, organizationRoleScopes, PROJECT_ROLE_SCOPES } from '../authorization/scopes.js';
import { ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import { assertAdminRemains, lockOrganization } from '../organizations/organization-lock.js';
import type { RoleAssignmentDto, RoleSetDto } from './dto/roles.dto.js';
import {
  type AssignmentRow,
  type CustomRoleRow,
  DELETE_PROJECT_GROUP,
  DELETE_PROJECT_MEMBER,
  FIND_GROUP,
  FIND_USER,
  LOCK_ORGANIZATION_MEMBER,
  ORGANIZATION_ASSIGNMENTS,
  ORGANIZATION_MEMBER_ROLE,
  PROJECT_ASSIGNMENTS,
  PROJECT_GROUP_ROLE,
  PROJECT_MEMBER_ROLE,
  SET_ORGANIZATION_ROLE,
  UPSERT_PROJECT_GROUP,
  UPSERT_PROJECT_MEMBER,
} from './roles.queries.js';
import { EXCEEDS_OWN, RolesService } from './roles.service.js';
import { isOrganizationRoleId, isSystemRoleId, SYSTEM_ROLE_LABELS } from './system-roles.js';

/** A role named by an assignment: a system role, or a custom role with its scopes. */
type AssignableRole = { kind: 'system'; id: string; scopes: readonly string[] } | { kind: 'custom'; role: CustomRoleRow; scopes: readonly string[] };

/** The row a role is stored as: a system role in `role`, or a placeholder and the custom role's id. */
function slotOf(role: AssignableRole, placeholder: 'member' | 'viewer'): [string, string | null] {
  return role.kind === 'system' ? [role.id, null] : [placeholder, role.role.customRoleId];
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
    const rows: AssignmentRow[] = await this.dataSource.query(ORGANIZATION_ASSIGNMENTS, [principal.organizationId]);
    return rows.map((row) => ({
      roleId: row.customRoleUuid ?? row.systemRole,
      roleName: row.customRoleName ?? row.systemRole,
      ownerType: row.customRoleUuid ? 'user' : 'system',
      assigneeType: 'user',
      assigneeId: row.assigneeId,
      organizationId: principal.organizationUuid!,
      createdAt: row.createdAt,
      updatedAt: row.createdAt,
      hasMultipleRoles: false,
    }));
  }

  /** Sets a member's organization role; the organization keeps an admin (checked under the organization lock). */
  async assignOrganization(principal: Principal, userUuid: string, roleId: string): Promise<RoleAssignmentDto> {
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const [member] = await manager.query(LOCK_ORGANIZATION_MEMBER, [principal.organizationId, userUuid]);
      if (!member) throw new NotFoundError(`Cannot find user with uuid ${userUuid}`);
      const role = await this.organizationRole(manager, principal, roleId);
      if (role.scopes.some((scope) => !holds(principal.role ? organizationRoleScopes(principal.role) : [], scope))) throw new ForbiddenError(EXCEEDS_OWN);
      const stillAdmin = role.kind === 'system' && role.id === 'admin';
      if (member.role === 'admin' && !stillAdmin) await assertAdminRemains(manager, principal.organizationId!, member.userId);
      await manager.query(SET_ORGANIZATION_ROLE, [member.userId, ...slotOf(role, 'member')]);
      await this.audit.record(manager, {
        action: 'organization.role.assign',
        targetType: 'user',
        targetUuid: userUuid,
        details: { from: member.role, to: roleId },
      });
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

  async getOrganizationSet(principal: Principal, userUuid: string): Promise<RoleSetDto> {
    const [row] = await this.dataSource.query(ORGANIZATION_MEMBER_ROLE, [principal.organizationId, userUuid]);
    if (!row) throw new NotFoundError(`Cannot find user with uuid ${userUuid}`);
    return roleSet(row);
  }

  async replaceOrganizationSet(principal: Principal, userUuid: string, set: RoleSetDto): Promise<RoleSetDto> {
    await this.assignOrganization(principal, userUuid, singleRoleOf(set));
    return this.getOrganizationSet(principal, userUuid);
  }

  async listProject(access: ProjectAccess): Promise<RoleAssignmentDto[]> {
    const rows: (AssignmentRow & { kind: 'user' | 'group' })[] = await this.dataSource.query(PROJECT_ASSIGNMENTS, [access.projectId]);
    const now = new Date();
    return rows.map((row) => ({
      roleId: row.customRoleUuid ?? row.systemRole,
      roleName: row.customRoleName ?? row.systemRole,
      ownerType: row.customRoleUuid ? 'user' : 'system',
      assigneeType: row.kind,
      assigneeId: row.assigneeId,
      assigneeName: row.assigneeName,
      hasMultipleRoles: false,
      projectId: access.projectUuid,
      createdAt: now,
      updatedAt: now,
    }));
  }

  /** Creates or replaces a user's or a group's role on the project (the v1 routes see the same row). */
  async assignProject(principal: Principal, access: ProjectAccess, kind: 'user' | 'group', uuid: string, roleId: string): Promise<RoleAssignmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const assignee = await this.assignee(manager, access, kind, uuid);
      const role = await this.projectRole(manager, principal, roleId);
      if (!grantsWithinOwnProjectScopes(access, role.scopes)) throw new ForbiddenError(EXCEEDS_OWN);
      const [systemRole, customRoleId] = slotOf(role, 'viewer');
      try {
        if (assignee.kind === 'user') {
          await manager.query(UPSERT_PROJECT_MEMBER, [access.projectId, assignee.userId, access.organizationId, systemRole, customRoleId]);
        } else {
          await manager.query(UPSERT_PROJECT_GROUP, [access.projectId, assignee.groupId, access.organizationId, systemRole, customRoleId]);
        }
      } catch (error) {
        // the user left the organization, or the group was deleted, meanwhile
        if (isForeignKeyViolation(error)) throw new NotFoundError(kind === 'user' ? `Cannot find user with uuid ${uuid}` : 'No group found');
        throw error;
      }
      await this.audit.record(manager, {
        action: kind === 'user' ? 'project.access.assign' : 'project.group-access.assign',
        targetType: kind,
        targetUuid: uuid,
        details: { projectUuid: access.projectUuid, role: roleId },
      });
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

  /** Removes a user's direct role on the project (404 when there is none); a group's, idempotently. */
  async unassignProject(access: ProjectAccess, kind: 'user' | 'group', uuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      let removed: unknown[] = [];
      if (kind === 'user') {
        const [user] = await manager.query(FIND_USER, [access.organizationId, uuid]);
        if (user) [removed] = await manager.query(DELETE_PROJECT_MEMBER, [access.projectId, user.userId]);
        if (!removed.length) throw new NotFoundError(`Access with id ${uuid} not found`);
      } else {
        const [group] = await manager.query(FIND_GROUP, [access.organizationId, uuid]);
        if (!group || !group.inOrganization) throw new NotFoundError('No group found');
        [removed] = await manager.query(DELETE_PROJECT_GROUP, [access.projectId, group.groupId]);
      }
      if (removed.length) {
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
    const [row] =
      assignee.kind === 'user'
        ? await this.dataSource.query(PROJECT_MEMBER_ROLE, [access.projectId, assignee.userId])
        : await this.dataSource.query(PROJECT_GROUP_ROLE, [access.projectId, assignee.groupId]);
    if (!row) throw new NotFoundError(kind === 'user' ? `Access with id ${uuid} not found` : 'This group has no access to the project');
    return roleSet(row);
  }

  async replaceProjectSet(principal: Principal, access: ProjectAccess, kind: 'user' | 'group', uuid: string, set: RoleSetDto): Promise<RoleSetDto> {
    await this.assignProject(principal, access, kind, uuid, singleRoleOf(set));
    return this.getProjectSet(access, kind, uuid);
  }

  private async assignee(manager: EntityManager, access: ProjectAccess, kind: 'user' | 'group', uuid: string): Promise<Assignee> {
    if (kind === 'user') {
      const [user] = await manager.query(FIND_USER, [access.organizationId, uuid]);
      if (!user || !user.inOrganization) throw new NotFoundError(`Cannot find user with uuid ${uuid}`);
      return { kind, userId: user.userId, uuid, name: user.name };
    }
    const [group] = await manager.query(FIND_GROUP, [access.organizationId, uuid]);
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

function roleSet(row: { systemRole: string; customRoleUuid: string | null }): RoleSetDto {
  return row.customRoleUuid ? { systemRole: null, customRoleUuids: [row.customRoleUuid] } : { systemRole: row.systemRole, customRoleUuids: [] };
}

/**
 * The one role a set may hold here: each assignee keeps one role per organization or project (a
 * system role or a custom role), so a set of several roles is refused rather than half-applied.
 */
function singleRoleOf(set: RoleSetDto): string {
  const roles = [...(set.systemRole ? [set.systemRole] : []), ...new Set(set.customRoleUuids)];
  if (roles.length === 0) throw new ParameterError('A role set must contain at least one role');
  if (roles.length > 1) throw new ParameterError('A role set holds one role here: a system role or one custom role');
  return roles[0];
}
