import type { EntityManager } from 'typeorm';
import { isoTimestampSql, jsonTextSql, uuidTextSql } from '../database/json-sql.js';
import type { PreparedSql } from '../database/sql.js';
import type { GroupMemberDto, GroupWithMembersDto } from './dto/group.dto.js';

// The SQL of groups (tables groups and group_memberships). Each function is one statement;
// GroupsService holds the rules.

const GROUP_COLUMNS = `
  g.group_uuid AS uuid, g.name, g.description, g.icon,
  g.created_at AS "createdAt", creator.user_uuid AS "createdByUserUuid",
  g.updated_at AS "updatedAt", updater.user_uuid AS "updatedByUserUuid",
  o.organization_uuid AS "organizationUuid"`;
const GROUP_JOINS = `
  JOIN organizations o ON o.organization_id = g.organization_id
  LEFT JOIN users creator ON creator.user_id = g.created_by_user_id
  LEFT JOIN users updater ON updater.user_id = g.updated_by_user_id`;
/** Lightdash lists groups, and a group's members, in its tables' order: as they were created or added. */
const GROUP_ORDER = 'g.created_at, g.group_id';
const MEMBER_ORDER = 'gm.created_at, gm.user_id';

/**
 * The members of each row `g`, in one pass: `members` is the window ($limit members after $offset;
 * all when $limit is null) and `memberUuids` every member, both in name order.
 */
function memberListsJoin(limitParam: string, offsetParam: string): string {
  return `
  LEFT JOIN LATERAL (
    SELECT
      coalesce(json_agg(json_build_object('userUuid', ranked.user_uuid, 'email', ranked.email,
                                          'firstName', ranked.first_name, 'lastName', ranked.last_name) ORDER BY ranked.position)
               FILTER (WHERE ranked.position > ${offsetParam}::int
                         AND (${limitParam}::int IS NULL OR ranked.position <= ${offsetParam}::bigint + ${limitParam}::int)), '[]') AS members,
      coalesce(json_agg(ranked.user_uuid ORDER BY ranked.position), '[]') AS "memberUuids"
    FROM (SELECT u.user_uuid, u.email, u.first_name, u.last_name, row_number() OVER (ORDER BY ${MEMBER_ORDER}) AS position
          FROM group_memberships gm JOIN users u ON u.user_id = gm.user_id
          WHERE gm.group_id = g.group_id) ranked
  ) member_lists ON true`;
}

// A page of an organization's groups ($2 groups after $3; all when $2 is null), in creation order, optionally
// filtered by $4 (an ILIKE pattern).
const GROUP_PAGE_CTE = `
  page AS (
    SELECT g.*, count(*) OVER () AS total
    FROM groups g
    WHERE g.organization_id = $1 AND ($4::text IS NULL OR g.name ILIKE $4)
    ORDER BY ${GROUP_ORDER}
    LIMIT $2 OFFSET $3
  )`;

/** The page's rows `g` with their creator's and updater's uuids. */
const PAGE_ROWS = `(
    SELECT p.*, creator.user_uuid AS creator_uuid, updater.user_uuid AS updater_uuid
    FROM page p
    LEFT JOIN users creator ON creator.user_id = p.created_by_user_id
    LEFT JOIN users updater ON updater.user_id = p.updated_by_user_id
  ) g`;

/**
 * A group of the page as JSON text, keys and values as GroupDto is written (timestamps as JSON.stringify
 * writes a Date), from a row `g` of PAGE_ROWS and $5, the organization's uuid (the caller's: the page is
 * of the caller's organization). `tail` is spliced in before the closing brace. Written with format()
 * and to_json() of each text rather than row_to_json of a row: a third less of PostgreSQL's CPU for
 * the list with members, same bytes.
 */
const groupJson = (tail = '', ...tailValues: string[]) => `format(
    '{"uuid":"%s","name":%s,"description":%s,"icon":%s,"createdAt":"%s","createdByUserUuid":%s,"updatedAt":"%s","updatedByUserUuid":%s,"organizationUuid":"%s"${tail}}',
    g.group_uuid, to_json(g.name), ${jsonTextSql('g.description')}, ${jsonTextSql('g.icon')},
    ${isoTimestampSql('g.created_at')}, ${uuidTextSql('g.creator_uuid')},
    ${isoTimestampSql('g.updated_at')}, ${uuidTextSql('g.updater_uuid')},
    $5::text${tailValues.map((value) => `, ${value}`).join('')})`;

/** The page's groups, `items` (JSON text, comma-separated, in order) from `item` of each row of `listed`, with their total. */
const PAGE_OF_ITEMS = `SELECT max(listed.total) AS total, string_agg(listed.item, ',' ORDER BY listed.created_at, listed.group_id) AS items`;

const GROUP_PAGE = `
  WITH ${GROUP_PAGE_CTE}
  ${PAGE_OF_ITEMS}
  FROM (SELECT g.total, g.created_at, g.group_id, ${groupJson()} AS item FROM ${PAGE_ROWS}) listed`;

// The page with the members of each of its groups (the first $6 in `members`, all in `memberUuids`),
// each group's row and its members aggregated in one grouping over the page's memberships (one sort,
// rather than a member list per group joined back to the page: 7-10 % less CPU). A member's JSON is
// written as GroupMemberDto is, with the group's uuid.
const MEMBER_JSON = `format('{"userUuid":"%s","email":%s,"firstName":%s,"lastName":%s,"groupUuid":"%s"}',
                            u.user_uuid, to_json(u.email), to_json(u.first_name), to_json(u.last_name), g.group_uuid)`;
const GROUP_PAGE_WITH_MEMBERS = `
  WITH ${GROUP_PAGE_CTE}
  ${PAGE_OF_ITEMS}
  FROM (
    SELECT g.total, g.created_at, g.group_id,
           ${groupJson(
             ',"members":[%s],"memberUuids":[%s]',
             `array_to_string((array_agg(${MEMBER_JSON} ORDER BY ${MEMBER_ORDER}) FILTER (WHERE u.user_id IS NOT NULL))[1:$6::int], ',')`,
             `string_agg('"' || u.user_uuid || '"', ',' ORDER BY ${MEMBER_ORDER})`,
           )} AS item
    FROM ${PAGE_ROWS}
    LEFT JOIN group_memberships gm ON gm.group_id = g.group_id
    LEFT JOIN users u ON u.user_id = gm.user_id
    GROUP BY g.group_id, g.total, g.created_at, g.group_uuid, g.name, g.description, g.icon, g.updated_at, g.creator_uuid, g.updater_uuid
  ) listed`;

export interface LockedGroup {
  groupId: string;
  name: string;
  description: string | null;
  icon: string | null;
}

export interface ResolvedMember {
  userId: string;
  userUuid: string;
  email: string;
}

/** A page of groups: how many groups match in all (null when the page is empty), and the page's groups as JSON text. */
export interface GroupPageRow {
  total: string | null;
  /** the groups' JSON objects, comma-separated, in order; null when the page is empty */
  items: string | null;
}

/**
 * A page of the organization's groups: `[organizationId, limit, offset, search, organizationUuid]`,
 * plus the member limit when `withMembers`.
 */
export async function selectGroupPage(sql: PreparedSql, withMembers: boolean, params: unknown[]): Promise<GroupPageRow> {
  const [page] = await sql.rows<GroupPageRow>(withMembers ? 'groups-page-json-with-members' : 'groups-page-json', withMembers ? GROUP_PAGE_WITH_MEMBERS : GROUP_PAGE, params);
  return page;
}

export async function countGroups(manager: EntityManager, organizationId: string, search: string | null): Promise<number> {
  const [{ count }] = await manager.query(
    'SELECT count(*)::int AS count FROM groups g WHERE g.organization_id = $1 AND ($2::text IS NULL OR g.name ILIKE $2)',
    [organizationId, search],
  );
  return count;
}

export function selectGroupMembers(manager: EntityManager, organizationId: string, groupUuid: string): Promise<GroupMemberDto[]> {
  return manager.query(
    `SELECT u.user_uuid AS "userUuid", u.email, u.first_name AS "firstName", u.last_name AS "lastName"
       FROM groups g JOIN group_memberships gm ON gm.group_id = g.group_id JOIN users u ON u.user_id = gm.user_id
       WHERE g.group_uuid = $1 AND g.organization_id = $2
       ORDER BY ${MEMBER_ORDER}`,
    [groupUuid, organizationId],
  );
}

export async function groupExists(manager: EntityManager, organizationId: string, groupUuid: string): Promise<boolean> {
  const groups = await manager.query('SELECT 1 FROM groups WHERE group_uuid = $1 AND organization_id = $2', [groupUuid, organizationId]);
  return groups.length > 0;
}

export async function insertGroup(
  manager: EntityManager,
  organizationId: string,
  group: { name: string; description: string | null; icon: string | null },
  userId: string | null,
): Promise<{ groupId: string; groupUuid: string }> {
  const [inserted] = await manager.query(
    // updated_by_user_id stays NULL until the group is first changed, as Lightdash answers
    `INSERT INTO groups (organization_id, name, description, icon, created_by_user_id, updated_by_user_id)
         VALUES ($1, $2, $3, $4, $5, NULL)
         RETURNING group_id::text AS "groupId", group_uuid AS "groupUuid"`,
    [organizationId, group.name, group.description, group.icon, userId],
  );
  return inserted;
}

export async function updateGroup(
  manager: EntityManager,
  groupId: string,
  group: { name: string; description: string | null; icon: string | null },
  userId: string | null,
): Promise<void> {
  await manager.query(
    `UPDATE groups SET name = $2, description = $3, icon = $4, updated_at = now(), updated_by_user_id = $5 WHERE group_id = $1`,
    [groupId, group.name, group.description, group.icon, userId],
  );
}

export async function renameGroup(manager: EntityManager, groupId: string, name: string, userId: string | null): Promise<void> {
  await manager.query('UPDATE groups SET name = $2, updated_at = now(), updated_by_user_id = $3 WHERE group_id = $1', [groupId, name, userId]);
}

export async function touchGroup(manager: EntityManager, groupId: string, userId: string | null): Promise<void> {
  await manager.query('UPDATE groups SET updated_at = now(), updated_by_user_id = $2 WHERE group_id = $1', [groupId, userId]);
}

export async function countGroupMemberships(manager: EntityManager, groupId: string): Promise<number> {
  const [{ memberCount }] = await manager.query('SELECT count(*)::int AS "memberCount" FROM group_memberships WHERE group_id = $1', [groupId]);
  return memberCount;
}

export async function deleteGroup(manager: EntityManager, groupId: string): Promise<void> {
  await manager.query('DELETE FROM groups WHERE group_id = $1', [groupId]);
}

/** Removes the named users from the group; answers how many memberships went. */
export async function deleteMembershipsOfUsers(manager: EntityManager, groupId: string, userUuids: string[]): Promise<number> {
  const [, removed]: [unknown[], number] = await manager.query(
    `DELETE FROM group_memberships gm USING users u
           WHERE gm.group_id = $1 AND gm.user_id = u.user_id AND u.user_uuid = ANY($2::uuid[])`,
    [groupId, userUuids],
  );
  return removed;
}

/** Removes one user from the group; answers the removed member's email, or none when they were no member. */
export async function deleteMembershipOfUser(manager: EntityManager, groupId: string, userUuid: string): Promise<{ email: string } | undefined> {
  // DELETE answers [rows, count] through manager.query
  const [removed]: [{ email: string }[], number] = await manager.query(
    `DELETE FROM group_memberships gm USING users u
         WHERE gm.group_id = $1 AND gm.user_id = u.user_id AND u.user_uuid = $2
         RETURNING u.email`,
    [groupId, userUuid],
  );
  return removed[0];
}

/** The group with its members ($3 members after $4 in `members`, all when $3 is null; every uuid in `memberUuids`). */
export async function selectGroup(
  manager: EntityManager,
  organizationId: string,
  groupUuid: string,
  limit: number | null,
  offset: number,
): Promise<GroupWithMembersDto | undefined> {
  const [group]: GroupWithMembersDto[] = await manager.query(
    `SELECT ${GROUP_COLUMNS}, member_lists.members, member_lists."memberUuids"
       FROM groups g ${GROUP_JOINS} ${memberListsJoin('$3', '$4')}
       WHERE g.group_uuid = $1 AND g.organization_id = $2`,
    [groupUuid, organizationId, limit, offset],
  );
  return group;
}

/** Locks the group row for the rest of the transaction (FOR NO KEY UPDATE). */
export async function lockGroup(manager: EntityManager, organizationId: string, groupUuid: string): Promise<LockedGroup | undefined> {
  const [group]: LockedGroup[] = await manager.query(
    `SELECT group_id::text AS "groupId", name, description, icon FROM groups
       WHERE group_uuid = $1 AND organization_id = $2 FOR NO KEY UPDATE`,
    [groupUuid, organizationId],
  );
  return group;
}

/** The users among `userUuids` who are members of the organization (pending ones included). */
export function selectOrganizationMembers(manager: EntityManager, organizationId: string, userUuids: string[]): Promise<ResolvedMember[]> {
  return manager.query(
    `SELECT m.user_id::text AS "userId", u.user_uuid AS "userUuid", u.email
       FROM users u JOIN organization_memberships m ON m.user_id = u.user_id
       WHERE u.user_uuid = ANY($1::uuid[]) AND m.organization_id = $2`,
    [userUuids, organizationId],
  );
}

/** Inserts the memberships that do not exist yet; answers the user ids actually added. */
export async function insertMemberships(manager: EntityManager, groupId: string, organizationId: string, userIds: string[]): Promise<string[]> {
  const rows: { userId: string }[] = await manager.query(
    `INSERT INTO group_memberships (group_id, user_id, organization_id)
       SELECT $1, user_id, $3 FROM unnest($2::bigint[]) AS user_id
       ON CONFLICT DO NOTHING
       RETURNING user_id::text AS "userId"`,
    [groupId, userIds, organizationId],
  );
  return rows.map((row) => row.userId);
}

/** Removes every membership of the group but those of `userIds`; answers how many went. */
export async function deleteMembershipsExcept(manager: EntityManager, groupId: string, userIds: string[]): Promise<number> {
  const [, removedCount]: [unknown[], number] = await manager.query(
    'DELETE FROM group_memberships WHERE group_id = $1 AND NOT (user_id = ANY($2::bigint[]))',
    [groupId, userIds],
  );
  return removedCount;
}
