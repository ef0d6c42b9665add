import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { can } from '../authorization/permissions.js';
import type { OrganizationRole, ProjectRole } from '../authorization/roles.js';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import type { EffectiveProjectAccessDto } from './dto/effective-project-access.dto.js';

interface EffectiveAccessRow {
  role: ProjectRole | null;
  organizationRole: OrganizationRole;
  organizationProjectRole: ProjectRole | null;
  directRole: ProjectRole | null;
  groups: { groupUuid: string; groupName: string; role: ProjectRole }[];
}

// Every source and the resulting role in one statement; the role comes from the same SQL function
// the guard uses, so the explanation cannot drift from what is enforced.
const EFFECTIVE_ACCESS_SQL = `
  SELECT effective_project_role(CASE WHEN om.custom_role_id IS NULL THEN om.role END, CASE WHEN pm.custom_role_id IS NULL THEN pm.role END, via_groups.role) AS role,
         om.role AS "organizationRole",
         CASE WHEN om.role = 'member' THEN NULL ELSE om.role::text::project_role END AS "organizationProjectRole",
         CASE WHEN pm.custom_role_id IS NULL THEN pm.role END AS "directRole",
         via_groups.list AS groups
  FROM users u
  JOIN organization_memberships om ON om.user_id = u.user_id AND om.organization_id = $2
  LEFT JOIN project_memberships pm ON pm.project_id = $1 AND pm.user_id = u.user_id
  LEFT JOIN LATERAL (
    -- a group holding a custom role adds scopes, not a system role (its row's role is a placeholder)
    SELECT max(pga.role) FILTER (WHERE pga.custom_role_id IS NULL) AS role,
           coalesce(json_agg(json_build_object('groupUuid', g.group_uuid, 'groupName', g.name, 'role', pga.role) ORDER BY lower(g.name), g.group_id)
                    FILTER (WHERE pga.custom_role_id IS NULL), '[]') AS list
    FROM project_group_access pga
    JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = u.user_id
    JOIN groups g ON g.group_id = pga.group_id
    WHERE pga.project_id = $1
  ) via_groups ON true
  WHERE u.user_uuid = $3`;

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
    const [row]: EffectiveAccessRow[] = await this.dataSource.query(EFFECTIVE_ACCESS_SQL, [access.projectId, access.organizationId, userUuid]);
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
