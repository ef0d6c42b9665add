import { withoutAbsentRoleUuid } from '../common/custom-role-display.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import type { ProjectRole } from '../authorization/roles.js';
import { assertWithinOwnRole } from './group-project-access.service.js';
import { AlreadyExistsError, NotFoundError, ValidateError } from '../common/errors.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import type { ProjectMemberDto, ProjectMemberListItemDto } from './dto/project-access.dto.js';

// a custom role shows as the placeholder role plus its uuid (as Lightdash's v1 list does)
const MEMBER_COLUMNS = `u.user_uuid AS "userUuid", p.project_uuid AS "projectUuid", pm.role, u.email, u.first_name AS "firstName", u.last_name AS "lastName",
  cr.role_uuid AS "roleUuid"`;
const MEMBER_FROM = `FROM project_memberships pm JOIN users u ON u.user_id = pm.user_id JOIN projects p ON p.project_id = pm.project_id
  LEFT JOIN custom_roles cr ON cr.custom_role_id = pm.custom_role_id`;

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
    const rows: ProjectMemberListItemDto[] = await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS},
              EXISTS (SELECT 1 FROM project_membership_custom_roles extra WHERE extra.project_id = pm.project_id AND extra.user_id = pm.user_id) AS "hasMultipleRoles"
       ${MEMBER_FROM} WHERE pm.project_id = $1 ORDER BY lower(u.first_name), lower(u.last_name), u.user_id`,
      [access.projectId],
    );
    return rows.map(withoutAbsentRoleUuid);
  }

  async get(access: ProjectAccess, userUuid: string): Promise<ProjectMemberDto> {
    return this.findGrant(this.dataSource.manager, access, userUuid);
  }

  /** Grants a member of the project's organization a role no higher than the granter's own. */
  async grant(access: ProjectAccess, email: string, role: ProjectRole): Promise<void> {
    assertWithinOwnRole(access, role);
    await this.dataSource.transaction(async (manager) => {
      const [member] = await manager.query(
        `SELECT m.user_id::text AS "userId", u.user_uuid AS "userUuid" FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
         WHERE m.organization_id = $1 AND lower(u.email) = lower($2) FOR SHARE OF m`,
        [access.organizationId, email],
      );
      // as Lightdash: an email that is no member of the organization (unknown, or another organization's) is not found
      if (!member) throw new NotFoundError(`Can't find user with email ${email} in the organization`);
      try {
        await manager.query('INSERT INTO project_memberships (project_id, user_id, organization_id, role) VALUES ($1, $2, $3, $4)', [
          access.projectId,
          member.userId,
          access.organizationId,
          role,
        ]);
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
      const grant = await this.findGrantOrNone(manager, access, userUuid, true);
      // Lightdash answers a change of a grant that does not exist as a validation failure
      if (!grant) throw new ValidateError({ userUuid: { message: NO_DIRECT_ACCESS, value: userUuid } }, NO_DIRECT_ACCESS);
      // a system role replaces the whole role set: custom role and further roles go
      await manager.query('UPDATE project_memberships SET role = $1, custom_role_id = NULL WHERE project_id = $2 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $3)', [
        role,
        access.projectId,
        userUuid,
      ]);
      await manager.query('DELETE FROM project_membership_custom_roles WHERE project_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2)', [
        access.projectId,
        userUuid,
      ]);
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
      const grant = await this.findGrantOrNone(manager, access, userUuid, true);
      if (!grant) return;
      await manager.query('DELETE FROM project_memberships WHERE project_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2)', [
        access.projectId,
        userUuid,
      ]);
      await this.audit.record(manager, {
        action: 'project.access.revoke',
        targetType: 'user',
        targetUuid: userUuid,
        details: { projectUuid: access.projectUuid, role: grant.role },
      });
    });
  }


  private async findGrant(manager: EntityManager, access: ProjectAccess, userUuid: string): Promise<ProjectMemberDto> {
    const grant = await this.findGrantOrNone(manager, access, userUuid);
    if (!grant) throw new NotFoundError(NO_DIRECT_ACCESS);
    return grant;
  }

  private async findGrantOrNone(manager: EntityManager, access: ProjectAccess, userUuid: string, lock = false): Promise<ProjectMemberDto | undefined> {
    const [grant] = await manager.query(
      `SELECT ${MEMBER_COLUMNS} ${MEMBER_FROM} WHERE pm.project_id = $1 AND u.user_uuid = $2 ${lock ? 'FOR UPDATE OF pm' : ''}`,
      [access.projectId, userUuid],
    );
    return grant && withoutAbsentRoleUuid(grant);
  }
}
