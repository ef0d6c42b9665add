import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';
import type { ProjectRole, SpaceRole } from './roles.js';
import { parentSpaceStep, projectRoleSql } from './access.sql.js';

/** The caller's standing on a project: which organization it belongs to, and their effective role. */
export interface ProjectAccess {
  projectId: string;
  projectUuid: string;
  organizationId: string;
  projectRole: ProjectRole | null;
}

/** The caller's standing on a space (reached directly, or through a chart or dashboard in it). */
export interface SpaceAccess extends ProjectAccess {
  spaceId: string;
  spaceUuid: string;
  /** the space and every ancestor inherit: the space is public */
  inheritsFromProject: boolean;
  spaceRole: SpaceRole | null;
}

const PROJECT_ROLE = projectRoleSql('p', '$2');

const PROJECT_SQL = `
  SELECT p.project_id::text AS "projectId", p.project_uuid AS "projectUuid", p.organization_id::text AS "organizationId",
         ${PROJECT_ROLE} AS "projectRole"
  FROM projects p WHERE p.project_uuid = $1`;

/** `target` selects one space; the rest walks its ancestors and resolves the role in the same statement. */
function spaceSql(target: string): string {
  return `
  WITH RECURSIVE target AS (${target}),
  chain AS (
    SELECT s.space_id, s.parent_space_id, s.inherit_parent_permissions FROM spaces s JOIN target t ON s.space_id = t.space_id
    UNION ALL
    SELECT s.space_id, s.parent_space_id, s.inherit_parent_permissions FROM chain c ${parentSpaceStep('c')}
  ),
  project AS (
    SELECT p.project_id, p.project_uuid, p.organization_id, ${PROJECT_ROLE} AS role
    FROM projects p JOIN target t ON t.project_id = p.project_id
  ),
  entries AS (
    SELECT
      (SELECT max(a.role) FROM space_user_access a WHERE a.user_id = $2 AND a.space_id IN (SELECT space_id FROM chain)) AS user_entry,
      (SELECT max(a.role) FROM space_group_access a JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = $2
        WHERE a.space_id IN (SELECT space_id FROM chain)) AS group_entry,
      (SELECT bool_and(inherit_parent_permissions) FROM chain) AS inherits
  )
  SELECT t.space_id::text AS "spaceId", t.space_uuid AS "spaceUuid", p.project_id::text AS "projectId", p.project_uuid AS "projectUuid",
         p.organization_id::text AS "organizationId", p.role AS "projectRole", e.inherits AS "inheritsFromProject",
         effective_space_role(p.role, e.user_entry, e.group_entry, e.inherits) AS "spaceRole"
  FROM target t, project p, entries e`;
}

const SPACE_BY_UUID = spaceSql('SELECT space_id, space_uuid, project_id FROM spaces WHERE space_uuid = $1');
const SPACE_BY_CHART = spaceSql(
  'SELECT s.space_id, s.space_uuid, s.project_id FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id WHERE c.saved_chart_uuid = $1',
);
const SPACE_BY_DASHBOARD = spaceSql(
  'SELECT s.space_id, s.space_uuid, s.project_id FROM dashboards d JOIN spaces s ON s.space_id = d.space_id WHERE d.dashboard_uuid = $1',
);

/**
 * Access questions answered in SQL, one round trip each (prepared statements on the hot path),
 * whatever the number of groups or the depth of nesting. Answers carry the object's organization so
 * the guard can tell "not yours" (404) from "not allowed" (403).
 */
@Injectable()
export class AccessService {
  constructor(private readonly sql: PreparedSql) {}

  /** The organization id of a group, or undefined when there is no such group. */
  async groupOrganizationId(groupUuid: string): Promise<string | undefined> {
    const [row] = await this.sql.rows<{ organizationId: string }>(
      'group-organization',
      'SELECT organization_id::text AS "organizationId" FROM groups WHERE group_uuid = $1',
      [groupUuid],
    );
    return row?.organizationId;
  }

  async project(projectUuid: string, userId: string): Promise<ProjectAccess | undefined> {
    const [row] = await this.sql.rows<ProjectAccess>('project-access', PROJECT_SQL, [projectUuid, userId]);
    return row;
  }

  async space(spaceUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('space-access', SPACE_BY_UUID, [spaceUuid, userId]);
    return row;
  }

  async chartSpace(chartUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('chart-space-access', SPACE_BY_CHART, [chartUuid, userId]);
    return row;
  }

  async dashboardSpace(dashboardUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('dashboard-space-access', SPACE_BY_DASHBOARD, [dashboardUuid, userId]);
    return row;
  }
}
