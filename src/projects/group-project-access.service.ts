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
    return this.dataSource.query(
      `SELECT $2::uuid AS "projectUuid", g.group_uuid AS "groupUuid", coalesce(cr.role_uuid::text, pga.role::text) AS role
       FROM project_group_access pga JOIN groups g ON g.group_id = pga.group_id LEFT JOIN custom_roles cr ON cr.custom_role_id = pga.custom_role_id
       WHERE pga.project_id = $1 ORDER BY lower(g.name), g.group_id`,
      [access.projectId, access.projectUuid],
    );
  }

  async grant(access: ProjectAccess, groupUuid: string, role: ProjectRole): Promise<ProjectGroupAccessDto> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const groupId = await this.lockGroup(manager, access, groupUuid);
      try {
        await manager.query('INSERT INTO project_group_access (project_id, group_id, organization_id, role) VALUES ($1, $2, $3, $4)', [
          access.projectId,
          groupId,
          access.organizationId,
          role,
        ]);
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
      const [previous] = await manager.query('SELECT role FROM project_group_access WHERE project_id = $1 AND group_id = $2 FOR UPDATE', [
        access.projectId,
        groupId,
      ]);
      if (!previous) throw new NotFoundError(NO_GROUP_ACCESS);
      await manager.query('UPDATE project_group_access SET role = $3, custom_role_id = NULL WHERE project_id = $1 AND group_id = $2', [access.projectId, groupId, role]);
      await manager.query('DELETE FROM project_group_access_custom_roles WHERE project_id = $1 AND group_id = $2', [access.projectId, groupId]);
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
      // DELETE … RETURNING answers [rows, rowCount]
      const [[removed]] = await manager.query('DELETE FROM project_group_access WHERE project_id = $1 AND group_id = $2 RETURNING role', [
        access.projectId,
        groupId,
      ]);
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
    const [group] = await manager.query('SELECT group_id::text AS "groupId" FROM groups WHERE group_uuid = $1 AND organization_id = $2 FOR SHARE', [
      groupUuid,
      access.organizationId,
    ]);
    if (!group) throw new NotFoundError(GROUP_NOT_FOUND);
    return group.groupId;
  }
}

/** Nobody grants a role above their own. */
export function assertWithinOwnRole(access: Pick<ProjectAccess, 'projectRole' | 'customScopes'>, role: ProjectRole): void {
  if (!grantsWithinOwnProjectScopes(access, PROJECT_ROLE_SCOPES[role])) throw new ForbiddenError('You cannot grant a role above your own');
}
