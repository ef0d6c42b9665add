import { withoutAbsentRoleUuid } from '../common/custom-role-display.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import type { ProjectRole } from '../authorization/roles.js';
import { assertWithinOwnRole } from './group-project-access.service.js';
import { AlreadyExistsError, NotFoundError, ValidateError } from '../common/errors.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import type { ProjectMemberDto, ProjectMemberListItemDto } from './dto/project-access.dto.js';
import {
  deleteProjectMember,
  deleteProjectMemberExtraRoles,
  insertProjectMember,
  lockOrganizationMemberByEmail,
  lockProjectMember,
  selectProjectMember,
  selectProjectMembers,
  setProjectMemberRole,
} from './project-access.queries.js';

const NO_DIRECT_ACCESS = 'This user has no direct access to the project';

/** Explicit (direct) grants of a project to users. Organization roles and groups are not listed here. */
@Injectable()
export class ProjectAccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(access: ProjectAccess): Promise<ProjectMemberListItemDto[]> {
    // the list (not the single grant) says whether a user has several roles (a role set), as Lightdash
    const rows = await selectProjectMembers(this.dataSource.manager, access.projectId);
    return rows.map(withoutAbsentRoleUuid);
  }

  async get(access: ProjectAccess, userUuid: string): Promise<ProjectMemberDto> {
    const grant = await selectProjectMember(this.dataSource.manager, access.projectId, userUuid);
    if (!grant) throw new NotFoundError(NO_DIRECT_ACCESS);
    return withoutAbsentRoleUuid(grant);
  }

  /** Grants a member of the project's organization a role no higher than the granter's own. */
  async grant(access: ProjectAccess, email: string, role: ProjectRole): Promise<void> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const member = await lockOrganizationMemberByEmail(manager, access.organizationId, email);
      // as Lightdash: an email that is no member of the organization (unknown, or another organization's) is not found
      if (!member) throw new NotFoundError(`Can't find user with email ${email} in the organization`);
      try {
        await insertProjectMember(manager, access.projectId, member.userId, access.organizationId, role);
      } catch (error) {
        if (isUniqueViolation(error, 'project_memberships_pkey')) throw new AlreadyExistsError(`This user email ${email} already has access to this project`);
        throw error;
      }
      await this.audit.record(manager, {
        action: 'project.access.grant',
        targetType: 'user',
        targetUuid: member.userUuid,
        details: { projectUuid: access.projectUuid, role },
      });
    });
  }

  async update(access: ProjectAccess, userUuid: string, role: ProjectRole): Promise<void> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const grant = await lockProjectMember(manager, access.projectId, userUuid);
      // Lightdash answers a change of a grant that does not exist as a validation failure
      if (!grant) throw new ValidateError({ userUuid: { message: NO_DIRECT_ACCESS, value: userUuid } }, NO_DIRECT_ACCESS);
      // a system role replaces the whole role set: custom role and further roles go
      await setProjectMemberRole(manager, access.projectId, userUuid, role);
      await deleteProjectMemberExtraRoles(manager, access.projectId, userUuid);
      await this.audit.record(manager, {
        action: 'project.access.update',
        targetType: 'user',
        targetUuid: userUuid,
        details: { projectUuid: access.projectUuid, from: grant.role, to: role },
      });
    });
  }

  /** Idempotent, as in Lightdash: revoking a grant that does not exist succeeds and changes nothing. */
  async revoke(access: ProjectAccess, userUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const grant = await lockProjectMember(manager, access.projectId, userUuid);
      if (!grant) return;
      await deleteProjectMember(manager, access.projectId, userUuid);
      await this.audit.record(manager, {
        action: 'project.access.revoke',
        targetType: 'user',
        targetUuid: userUuid,
        details: { projectUuid: access.projectUuid, role: grant.role },
      });
    });
  }
}
