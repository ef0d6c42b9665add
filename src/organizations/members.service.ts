import { withoutAbsentRoleUuid } from '../common/custom-role-display.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { organizationAllows } from '../authorization/permissions.js';
import type { OrganizationRole } from '../authorization/roles.js';
import { NotFoundError } from '../common/errors.js';
import { containsPattern, type Paginated, paginated, pageWindow } from '../common/pagination.js';
import { PreparedSql } from '../database/sql.js';
import type { ListMembersQueryDto, OrganizationMemberDto } from './dto/member.dto.js';
import {
  countMembers,
  deleteExtraCustomRoles,
  deleteMembership,
  deleteSessions,
  deleteUser,
  type MemberRow,
  selectMemberByEmail,
  selectMemberByUuid,
  selectMemberPage,
  setMembershipRole,
} from './members.queries.js';
import { assertAdminRemains, lockOrganization } from './organization-lock.js';

const MEMBER_NOT_FOUND = 'No matching member found in organization';

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
    const rows = await selectMemberPage(this.sql, principal.organizationId!, { limit, offset: window?.offset ?? 0, withGroups: showGroups, search });
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && window && window.offset > 0) {
      total = await countMembers(this.dataSource.manager, principal.organizationId!, search);
    }
    return paginated(
      rows.map(({ total: _total, groups, ...member }) => withoutAbsentRoleUuid(withGroups ? { ...member, groups: groups ?? [] } : member)),
      total,
      window,
    );
  }

  async getByUuid(principal: Principal, userUuid: string): Promise<OrganizationMemberDto> {
    const { userId: _userId, ...member } = await this.foundMember(selectMemberByUuid(this.dataSource.manager, principal.organizationId!, userUuid));
    return member;
  }

  async getByEmail(principal: Principal, email: string): Promise<OrganizationMemberDto> {
    const { userId: _userId, ...member } = await this.foundMember(selectMemberByEmail(this.dataSource.manager, principal.organizationId!, email));
    return member;
  }

  /** Changes a member's role; the organization keeps at least one admin, checked under the organization lock. */
  async updateRole(principal: Principal, userUuid: string, role: OrganizationRole): Promise<OrganizationMemberDto> {
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const member = await this.foundMember(selectMemberByUuid(manager, principal.organizationId!, userUuid));
      if (member.role === 'admin' && role !== 'admin') await assertAdminRemains(manager, principal.organizationId!, member.userId!);
      // a system role replaces the whole role set (custom roles included)
      await setMembershipRole(manager, member.userId!, role);
      await deleteExtraCustomRoles(manager, member.userId!);
      await this.audit.record(manager, {
        action: 'member.role.update',
        targetType: 'user',
        targetUuid: userUuid,
        details: { email: member.email, from: member.role, to: role },
      });
      const { userId: _userId, ...updated } = await this.foundMember(selectMemberByUuid(manager, principal.organizationId!, userUuid));
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
      const member = await this.foundMember(selectMemberByUuid(manager, principal.organizationId!, userUuid));
      if (member.role === 'admin') await assertAdminRemains(manager, principal.organizationId!, member.userId!);
      if (member.isPending) {
        await deleteUser(manager, member.userId!);
      } else {
        await deleteMembership(manager, member.userId!);
        await deleteSessions(manager, member.userId!);
      }
      await this.audit.record(manager, {
        action: 'member.remove',
        targetType: 'user',
        targetUuid: userUuid,
        details: { email: member.email, role: member.role, wasPending: member.isPending },
      });
    });
  }

  private async foundMember(lookup: Promise<MemberRow | undefined>): Promise<MemberRow> {
    const row = await lookup;
    if (!row) throw new NotFoundError(MEMBER_NOT_FOUND);
    return withoutAbsentRoleUuid(row);
  }
}
