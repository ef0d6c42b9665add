import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { organizationAllows } from '../authorization/permissions.js';
import type { OrganizationRole } from '../authorization/roles.js';
import { NotFoundError } from '../common/errors.js';
import { containsPattern, type Paginated, paginated, pageWindow } from '../common/pagination.js';
import { PreparedSql } from '../database/sql.js';
import type { ListMembersQueryDto, OrganizationMemberDto } from './dto/member.dto.js';
import { assertAdminRemains, lockOrganization } from './organization-lock.js';

const MEMBER_NOT_FOUND = 'No matching member found in organization';

// One query for a page of members, their total and (for admins) their groups.
const MEMBER_COLUMNS = `
  u.user_uuid AS "userUuid", u.first_name AS "firstName", u.last_name AS "lastName", u.email,
  o.organization_uuid AS "organizationUuid", m.role, u.is_active AS "isActive",
  u.is_invitee AS "isPending",
  (u.is_invitee AND (i.expires_at IS NULL OR i.expires_at <= now())) AS "isInviteExpired",
  u.created_at AS "userCreatedAt", u.updated_at AS "userUpdatedAt",
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

// A page of the organization's members ($2 after $3; all when $2 is null), with their total and, when
// $4, the groups of each, filtered by $5 (an ILIKE pattern on name or email).
const MEMBER_PAGE = `
  SELECT ${MEMBER_COLUMNS}, count(*) OVER () AS total,
    CASE WHEN $4::boolean THEN coalesce((
      SELECT json_agg(json_build_object('uuid', g.group_uuid, 'name', g.name) ORDER BY g.name, g.group_id)
      FROM group_memberships gm JOIN groups g ON g.group_id = gm.group_id
      WHERE gm.user_id = m.user_id), '[]'::json) END AS groups
  ${MEMBER_FROM}
  WHERE m.organization_id = $1
    AND ($5::text IS NULL OR u.first_name || ' ' || u.last_name ILIKE $5 OR u.email ILIKE $5)
  ORDER BY ${MEMBERSHIP_ORDER}
  LIMIT $2 OFFSET $3`;

type MemberRow = OrganizationMemberDto & { total?: string; userId?: string };

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: PreparedSql,
    private readonly audit: AuditService,
  ) {}

  /**
   * Members in the order they joined (Lightdash lists them in its membership table's order). With
   * `includeGroups=N` (N > 0), as Lightdash: every member carries `groups`, and unless a page is asked
   * for, only the first N members are listed. Groups are shown to organization admins only (membership
   * can be sensitive): everyone else gets `groups: []`.
   */
  async list(principal: Principal, query: ListMembersQueryDto): Promise<Paginated<OrganizationMemberDto>> {
    const window = pageWindow(query);
    const withGroups = !!query.includeGroups && query.includeGroups > 0;
    const showGroups = withGroups && organizationAllows('groups:view', { organizationRole: principal.role, customScopes: principal.organizationCustomScopes });
    const limit = window?.limit ?? (withGroups ? query.includeGroups! : null);
    const search = query.searchQuery?.trim() ? containsPattern(query.searchQuery.trim()) : null;
    const rows = await this.sql.rows<MemberRow>('organization-members-page', MEMBER_PAGE, [
      principal.organizationId,
      limit,
      window?.offset ?? 0,
      showGroups,
      search,
    ]);
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && window && window.offset > 0) {
      const [{ count }] = await this.dataSource.query(
        `SELECT count(*)::int AS count ${MEMBER_FROM} WHERE m.organization_id = $1
           AND ($2::text IS NULL OR u.first_name || ' ' || u.last_name ILIKE $2 OR u.email ILIKE $2)`,
        [principal.organizationId, search],
      );
      total = count;
    }
    return paginated(
      rows.map(({ total: _total, groups, ...member }) => withoutAbsentRoleUuid(withGroups ? { ...member, groups: groups ?? [] } : member)),
      total,
      window,
    );
  }

  async getByUuid(principal: Principal, userUuid: string): Promise<OrganizationMemberDto> {
    const { userId: _userId, ...member } = await this.findOne(this.dataSource.manager, principal.organizationId!, 'u.user_uuid = $2', userUuid);
    return member;
  }

  async getByEmail(principal: Principal, email: string): Promise<OrganizationMemberDto> {
    const { userId: _userId, ...member } = await this.findOne(this.dataSource.manager, principal.organizationId!, 'lower(u.email) = lower($2)', email);
    return member;
  }

  /** Changes a member's role; the organization keeps at least one admin, checked under the organization lock. */
  async updateRole(principal: Principal, userUuid: string, role: OrganizationRole): Promise<OrganizationMemberDto> {
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const member = await this.findOne(manager, principal.organizationId!, 'u.user_uuid = $2', userUuid);
      if (member.role === 'admin' && role !== 'admin') await assertAdminRemains(manager, principal.organizationId!, member.userId!);
      // a system role replaces the whole role set (custom roles included)
      await manager.query('UPDATE organization_memberships SET role = $1, custom_role_id = NULL, updated_at = now() WHERE user_id = $2', [role, member.userId]);
      await manager.query('DELETE FROM organization_membership_custom_roles WHERE user_id = $1', [member.userId]);
      await this.audit.record(manager, {
        action: 'member.role.update',
        targetType: 'user',
        targetUuid: userUuid,
        details: { email: member.email, from: member.role, to: role },
      });
      const { userId: _userId, ...updated } = await this.findOne(manager, principal.organizationId!, 'u.user_uuid = $2', userUuid);
      return updated;
    });
  }

  /**
   * Removes a member: their membership, and with it (foreign keys) their group memberships, grants and
   * invite; their sessions end. An invited user who never registered is deleted altogether.
   */
  async remove(principal: Principal, userUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const member = await this.findOne(manager, principal.organizationId!, 'u.user_uuid = $2', userUuid);
      if (member.role === 'admin') await assertAdminRemains(manager, principal.organizationId!, member.userId!);
      if (member.isPending) {
        await manager.query('DELETE FROM users WHERE user_id = $1', [member.userId]);
      } else {
        await manager.query('DELETE FROM organization_memberships WHERE user_id = $1', [member.userId]);
        await manager.query('DELETE FROM sessions WHERE user_id = $1', [member.userId]);
      }
      await this.audit.record(manager, {
        action: 'member.remove',
        targetType: 'user',
        targetUuid: userUuid,
        details: { email: member.email, role: member.role, wasPending: member.isPending },
      });
    });
  }

  private async findOne(manager: EntityManager, organizationId: string, condition: string, value: string): Promise<MemberRow> {
    const [row]: MemberRow[] = await manager.query(
      `SELECT ${MEMBER_COLUMNS}, m.user_id::text AS "userId" ${MEMBER_FROM} WHERE m.organization_id = $1 AND ${condition}`,
      [organizationId, value],
    );
    if (!row) throw new NotFoundError(MEMBER_NOT_FOUND);
    return withoutAbsentRoleUuid(row);
  }
}

/** `roleUuid` is there only for a member holding an organization custom role (then `role` is the placeholder `member`). */
function withoutAbsentRoleUuid<T extends { roleUuid?: string | null }>({ roleUuid, ...member }: T): T {
  return (roleUuid ? { ...member, roleUuid } : member) as T;
}
