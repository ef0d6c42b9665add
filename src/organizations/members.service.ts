import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { OrganizationRole } from '../authorization/roles.js';
import { NotFoundError } from '../common/errors.js';
import { containsPattern, type Paginated, paginated, pageWindow } from '../common/pagination.js';
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
  NULL AS "avatarUrl", NULL AS "avatarGradient", false AS "hasMultipleRoles"`;
const MEMBER_FROM = `
  FROM organization_memberships m
  JOIN users u ON u.user_id = m.user_id
  JOIN organizations o ON o.organization_id = m.organization_id
  LEFT JOIN invite_links i ON i.user_id = m.user_id`;

type MemberRow = OrganizationMemberDto & { total?: string; userId?: string };

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Groups are listed only for admins (membership can be sensitive); everyone else gets members without them. */
  async list(principal: Principal, query: ListMembersQueryDto): Promise<Paginated<OrganizationMemberDto>> {
    const window = pageWindow(query);
    const groupLimit = principal.role === 'admin' && query.includeGroups ? query.includeGroups : 0;
    const search = query.searchQuery?.trim() ? containsPattern(query.searchQuery.trim()) : null;
    const rows: MemberRow[] = await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS}, count(*) OVER () AS total,
         CASE WHEN $4::int > 0 THEN coalesce((
           SELECT json_agg(json_build_object('uuid', g.group_uuid, 'name', g.name) ORDER BY g.name)
           FROM (SELECT g.group_uuid, g.name FROM group_memberships gm JOIN groups g ON g.group_id = gm.group_id
                 WHERE gm.user_id = m.user_id ORDER BY g.name LIMIT $4) g), '[]'::json) END AS groups
       ${MEMBER_FROM}
       WHERE m.organization_id = $1
         AND ($5::text IS NULL OR u.first_name || ' ' || u.last_name ILIKE $5 OR u.email ILIKE $5)
       ORDER BY lower(u.first_name), lower(u.last_name), u.user_id
       LIMIT $2 OFFSET $3`,
      [principal.organizationId, window?.limit ?? null, window?.offset ?? 0, groupLimit, search],
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && window && window.offset > 0) {
      const [{ count }] = await this.dataSource.query(
        `SELECT count(*)::int AS count ${MEMBER_FROM} WHERE m.organization_id = $1
           AND ($2::text IS NULL OR u.first_name || ' ' || u.last_name ILIKE $2 OR u.email ILIKE $2)`,
        [principal.organizationId, search],
      );
      total = count;
    }
    return paginated(rows.map(({ total: _total, groups, ...member }) => (groups ? { ...member, groups } : member)), total, window);
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
      await manager.query('UPDATE organization_memberships SET role = $1, updated_at = now() WHERE user_id = $2', [role, member.userId]);
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
    return row;
  }
}
