import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { grantsWithinOwnProjectScopes } from '../authorization/permissions.js';
import type { ProjectRole } from '../authorization/roles.js';
import { PROJECT_ROLE_SCOPES } from '../authorization/scopes.js';
import { AlreadyExistsError, ForbiddenError, NotFoundError } from '../common/errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/postgres-errors.js';
import type { ProjectGroupAccessDto } from './dto/group-project-access.dto.js';
import {
  deleteProjectGroup,
  deleteProjectGroupExtraRoles,
  insertProjectGroup,
  lockGroupOfOrganization,
  lockProjectGroupRole,
  selectProjectGroups,
  setProjectGroupRole,
} from './group-project-access.queries.js';

const GROUP_NOT_FOUND = 'No group found';
const NO_GROUP_ACCESS = 'This group has no access to the project';

/**
 * Project roles granted to groups of the project's organization. The group is looked up within the
 * project's organization (another organization's group is "No group found"), and the composite
 * foreign key of project_group_access enforces the same whatever runs concurrently.
 */
@Injectable()
export class GroupProjectAccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(access: ProjectAccess): Promise<ProjectGroupAccessDto[]> {
    return selectProjectGroups(this.dataSource.manager, access.projectId, access.projectUuid);
  }

  async grant(access: ProjectAccess, groupUuid: string, role: ProjectRole): Promise<ProjectGroupAccessDto> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const groupId = await this.lockGroup(manager, access, groupUuid);
      try {
        await insertProjectGroup(manager, access.projectId, groupId, access.organizationId, role);
      } catch (error) {
        if (isUniqueViolation(error, 'project_group_access_pkey')) throw new AlreadyExistsError('This group already has access to this project');
        if (isForeignKeyViolation(error)) throw new NotFoundError(GROUP_NOT_FOUND);
        throw error;
      }
      await this.audit.record(manager, {
        action: 'project.group-access.grant',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { projectUuid: access.projectUuid, role },
      });
    });
    return { projectUuid: access.projectUuid, groupUuid, role };
  }

  async update(access: ProjectAccess, groupUuid: string, role: ProjectRole): Promise<ProjectGroupAccessDto> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const groupId = await this.lockGroup(manager, access, groupUuid);
      const previous = await lockProjectGroupRole(manager, access.projectId, groupId);
      if (!previous) throw new NotFoundError(NO_GROUP_ACCESS);
      await setProjectGroupRole(manager, access.projectId, groupId, role);
      await deleteProjectGroupExtraRoles(manager, access.projectId, groupId);
      await this.audit.record(manager, {
        action: 'project.group-access.update',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { projectUuid: access.projectUuid, from: previous.role, to: role },
      });
    });
    return { projectUuid: access.projectUuid, groupUuid, role };
  }

  /** True when a grant was removed; false when the group had none. */
  async revoke(access: ProjectAccess, groupUuid: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const groupId = await this.lockGroup(manager, access, groupUuid);
      const removed = await deleteProjectGroup(manager, access.projectId, groupId);
      if (!removed) return false;
      await this.audit.record(manager, {
        action: 'project.group-access.revoke',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { projectUuid: access.projectUuid, role: removed.role },
      });
      return true;
    });
  }

  /** The group's id, locked against deletion until the transaction ends; 404 unless it is in the project's organization. */
  private async lockGroup(manager: EntityManager, access: ProjectAccess, groupUuid: string): Promise<string> {
    const groupId = await lockGroupOfOrganization(manager, groupUuid, access.organizationId);
    if (!groupId) throw new NotFoundError(GROUP_NOT_FOUND);
    return groupId;
  }
}

/** Nobody grants a role above their own. */
export function assertWithinOwnRole(access: Pick<ProjectAccess, 'projectRole' | 'customScopes'>, role: ProjectRole): void {
  if (!grantsWithinOwnProjectScopes(access, PROJECT_ROLE_SCOPES[role])) throw new ForbiddenError('You cannot grant a role above your own');
}
