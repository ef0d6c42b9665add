import type { EntityManager } from 'typeorm';
import type { ScimGroupRow } from './dto/scim-group.dto.js';
import { type FilterColumn, filterToSql, type ScimFilter } from './scim-filter.js';

/** The reads of SCIM Groups (writes go through the groups domain's GroupsService). */

const GROUP_COLUMNS = `
  g.group_uuid AS "groupUuid", g.name, g.created_at AS "createdAt", g.updated_at AS "updatedAt",
  coalesce((
    SELECT json_agg(json_build_object('userUuid', u.user_uuid, 'email', u.email) ORDER BY u.user_id)
    FROM group_memberships gm JOIN users u ON u.user_id = gm.user_id WHERE gm.group_id = g.group_id), '[]'::json) AS members`;

export const GROUP_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: { sql: 'g.group_uuid::text', type: 'string', caseExact: true },
  displayname: { sql: 'g.name', type: 'string', caseExact: false },
};

export async function listGroups(
  manager: EntityManager,
  organizationId: string,
  filter: ScimFilter | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: ScimGroupRow[]; total: number }> {
  const params: unknown[] = [organizationId, limit, offset];
  const where = filter ? filterToSql(filter, GROUP_FILTER_COLUMNS, params) : 'true';
  const countParams: unknown[] = [organizationId];
  const countWhere = filter ? filterToSql(filter, GROUP_FILTER_COLUMNS, countParams) : 'true';
  const [rows, [{ total }]] = await Promise.all([
    manager.query(
      `SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.organization_id = $1 AND ${where} ORDER BY g.created_at, g.group_id LIMIT $2 OFFSET $3`,
      params,
    ) as Promise<ScimGroupRow[]>,
    manager.query(`SELECT count(*)::int AS total FROM groups g WHERE g.organization_id = $1 AND ${countWhere}`, countParams) as Promise<{ total: number }[]>,
  ]);
  return { rows, total };
}

export async function findGroup(manager: EntityManager, organizationId: string, groupUuid: string): Promise<ScimGroupRow | undefined> {
  const [row]: ScimGroupRow[] = await manager.query(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.organization_id = $1 AND g.group_uuid = $2`, [
    organizationId,
    groupUuid,
  ]);
  return row;
}
