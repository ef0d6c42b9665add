import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { can } from '../authorization/permissions.js';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import type { EffectiveProjectAccessDto } from './dto/effective-project-access.dto.js';
import { selectEffectiveAccess } from './effective-project-access.queries.js';

/**
 * Explains a user's effective system role on a project: each source and the highest of them. Custom
 * roles are not part of it (they add scopes; see the v2 role assignments).
 */
@Injectable()
export class EffectiveProjectAccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async explain(principal: Principal, access: ProjectAccess, userUuid: string): Promise<EffectiveProjectAccessDto> {
    // asked before looking the user up, so a non-admin learns nothing about other members
    if (principal.userUuid !== userUuid && !can('project:manage-access', access)) {
      throw new ForbiddenError("Only project admins can see another user's access");
    }
    const row = await selectEffectiveAccess(this.dataSource.manager, access.projectId, access.organizationId, userUuid);
    if (!row) throw new NotFoundError('No matching member found in organization');
    return {
      userUuid,
      projectUuid: access.projectUuid,
      role: row.role,
      sources: [
        { source: 'organization', role: row.organizationProjectRole, organizationRole: row.organizationRole },
        { source: 'direct', role: row.directRole },
        ...row.groups.map((group) => ({ source: 'group' as const, ...group })),
      ],
    };
  }
}
