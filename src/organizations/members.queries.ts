import type { EntityManager } from 'typeorm';
import type { OrganizationRole } from '../authorization/roles.js';
import { isoTimestampSql } from '../database/json-sql.js';
import type { PreparedSql } from '../database/sql.js';
import type { OrganizationMemberDto } from './dto/member.dto.js';

// The SQL of an organization's members (organization_memberships and their users). Each function is
// one statement; MembersService holds the rules.

// One query for a page of members, their total and (for admins) their groups. Timestamps come as the
// ISO 8601 text the answer carries (no Date to build and write back per member).
const MEMBER_COLUMNS = `
  u.user_uuid AS "userUuid", u.first_name AS "firstName", u.last_name AS "lastName", u.email,
  o.organization_uuid AS "organizationUuid", m.role, u.is_active AS "isActive",
  u.is_invitee AS "isPending",
  (u.is_invitee AND (i.expires_at IS NULL OR i.expires_at <= now())) AS "isInviteExpired",
  ${isoTimestampSql('u.created_at')} AS "userCreatedAt", ${isoTimestampSql('u.updated_at')} AS "userUpdatedAt",
  (SELECT cr.role_uuid FROM custom_roles cr WHERE cr.custom_role_id = m.custom_role_id) AS "roleUuid",
  NULL AS "avatarUrl", NULL AS "avatarGradient",
  EXISTS (SELECT 1 FROM organization_membership_custom_roles extra WHERE extra.user_id = m.user_id AND extra.organization_id = m.organization_id) AS "hasMultipleRoles"`;
const MEMBER_FROM = `
  FROM organization_memberships m
  JOIN users u ON u.user_id = m.user_id
  JOIN organizations o ON o.organization_id = m.organization_id
  LEFT JOIN invite_links i ON i.user_id = m.user_id`;

/** Lightdash lists members in its membership table's order: when they joined. */
const MEMBERSHIP_ORDER = 'm.created_at, m.user_id';

/**
 * A page of the organization's members ($2 after $3; all when $2 is null), with their total and, when
 * $4, the groups of each; with `search`, only those whose name or email matches $5 (an ILIKE pattern).
 * Two statements rather than one with `$5 IS NULL OR …`: under the generic plan that filter made the
 * planner expect a handful of users and scan (and hash) every user of the instance; without it the
 * page starts from the organization's memberships (3x less time in PostgreSQL with 500 users).
 */
function memberPageSql(search: boolean): string {
  return `
  SELECT ${MEMBER_COLUMNS}, count(*) OVER () AS total,
    CASE WHEN $4::boolean THEN coalesce((
      SELECT json_agg(json_build_object('uuid', g.group_uuid, 'name', g.name) ORDER BY g.name, g.group_id)
      FROM group_memberships gm JOIN groups g ON g.group_id = gm.group_id
      WHERE gm.user_id = m.user_id), '[]'::json) END AS groups
  ${MEMBER_FROM}
  WHERE m.organization_id = $1${search ? `
    AND (u.first_name || ' ' || u.last_name ILIKE $5 OR u.email ILIKE $5)` : ''}
  ORDER BY ${MEMBERSHIP_ORDER}
  LIMIT $2 OFFSET $3`;
}
const MEMBER_PAGE = memberPageSql(false);
const MEMBER_SEARCH_PAGE = memberPageSql(true);

export type MemberRow = OrganizationMemberDto & { total?: string; userId?: string };

/** A page of the organization's members (see memberPageSql), each row with the total. */
export function selectMemberPage(
  sql: PreparedSql,
  organizationId: string,
  page: { limit: number | null; offset: number; withGroups: boolean; search: string | null },
): Promise<MemberRow[]> {
  const values = [organizationId, page.limit, page.offset, page.withGroups];
  if (page.search === null) return sql.rows<MemberRow>('organization-members-page', MEMBER_PAGE, values);
  return sql.rows<MemberRow>('organization-members-search-page', MEMBER_SEARCH_PAGE, [...values, page.search]);
}

/** How many members match `search` (an ILIKE pattern on name or email; all when null). */
export async function countMembers(manager: EntityManager, organizationId: string, search: string | null): Promise<number> {
  const [{ count }] = await manager.query(
    `SELECT count(*)::int AS count ${MEMBER_FROM} WHERE m.organization_id = $1
           AND ($2::text IS NULL OR u.first_name || ' ' || u.last_name ILIKE $2 OR u.email ILIKE $2)`,
    [organizationId, search],
  );
  return count;
}

async function selectMemberWhere(manager: EntityManager, organizationId: string, condition: string, value: string): Promise<MemberRow | undefined> {
  const [row]: MemberRow[] = await manager.query(
    `SELECT ${MEMBER_COLUMNS}, m.user_id::text AS "userId" ${MEMBER_FROM} WHERE m.organization_id = $1 AND ${condition}`,
    [organizationId, value],
  );
  return row;
}

/** The member with this user uuid, with their user id. */
export function selectMemberByUuid(manager: EntityManager, organizationId: string, userUuid: string): Promise<MemberRow | undefined> {
  return selectMemberWhere(manager, organizationId, 'u.user_uuid = $2', userUuid);
}

/** The member with this email (case-insensitive), with their user id. */
export function selectMemberByEmail(manager: EntityManager, organizationId: string, email: string): Promise<MemberRow | undefined> {
  return selectMemberWhere(manager, organizationId, 'lower(u.email) = lower($2)', email);
}

/** Gives the member a system role, which replaces their custom role. */
export async function setMembershipRole(manager: EntityManager, userId: string, role: OrganizationRole): Promise<void> {
  await manager.query('UPDATE organization_memberships SET role = $1, custom_role_id = NULL, updated_at = now() WHERE user_id = $2', [role, userId]);
}

export async function deleteExtraCustomRoles(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM organization_membership_custom_roles WHERE user_id = $1', [userId]);
}

export async function deleteUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM users WHERE user_id = $1', [userId]);
}

export async function deleteMembership(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM organization_memberships WHERE user_id = $1', [userId]);
}

export async function deleteSessions(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}
