import type { EntityManager } from 'typeorm';
import type { OrganizationRole, ProjectRole } from '../authorization/roles.js';

// The SQL that explains a user's effective system role on a project. EffectiveProjectAccessService
// holds the rules.

export interface EffectiveAccessRow {
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

/** The user's role on the project with each of its sources; none when the user is no member of the organization. */
export async function selectEffectiveAccess(manager: EntityManager, projectId: string, organizationId: string, userUuid: string): Promise<EffectiveAccessRow | undefined> {
  const [row]: EffectiveAccessRow[] = await manager.query(EFFECTIVE_ACCESS_SQL, [projectId, organizationId, userUuid]);
  return row;
}
