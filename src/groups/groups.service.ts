import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { organizationAllows } from '../authorization/permissions.js';
import { AlreadyExistsError, NotFoundError, ParameterError } from '../common/errors.js';
import { jsonPage, type JsonText } from '../common/json-text.js';
import { containsPattern, pageWindow } from '../common/pagination.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/postgres-errors.js';
import { PreparedSql } from '../database/sql.js';
import type { GroupMemberDto, GroupWithMembersDto } from './dto/group.dto.js';
import type { CreateGroupDto, GroupMemberReferenceDto, UpdateGroupDto } from './dto/group-input.dto.js';
import type { GetGroupQueryDto, ListGroupsQueryDto } from './dto/group-request.dto.js';
import {
  countGroupMemberships,
  countGroups,
  deleteGroup,
  deleteMembershipOfUser,
  deleteMembershipsExcept,
  deleteMembershipsOfUsers,
  groupExists,
  insertGroup,
  insertMemberships,
  lockGroup,
  type LockedGroup,
  renameGroup,
  type ResolvedMember,
  selectGroup,
  selectGroupMembers,
  selectGroupPage,
  selectOrganizationMembers,
  touchGroup,
  updateGroup,
} from './groups.queries.js';

const GROUP_NOT_FOUND = 'No group found';
const GROUP_NAME_TAKEN = 'Group name already exists';
const INVALID_MEMBERS = 'Some provided user UUIDs are invalid';
const NOT_AN_ORGANIZATION_MEMBER = 'User is not a member of this organization';

const GROUP_NAME_KEY = 'groups_organization_name_key';
const MEMBER_FOREIGN_KEY = 'group_memberships_user_id_organization_id_fkey';
const GROUP_FOREIGN_KEY = 'group_memberships_group_id_organization_id_fkey';

/**
 * A member count or offset from the query as the statements take it (PostgreSQL integers): any value
 * beyond the largest is beyond every group's size, so it answers the same as the largest.
 */
const memberBound = (value: number): number => Math.min(value, 2_147_483_647);

/**
 * Who changes groups: a user of the organization (a Principal), or an organization's SCIM token,
 * which is no user (`userId` null: recorded as no creator/updater).
 */
export interface GroupActor {
  organizationId: string | null;
  userId: string | null;
}

/**
 * A change to a group's name and members as one step, applied under the group's lock: `replace` (when
 * given) becomes the whole membership first, then `add` and `remove` apply. Member references are user uuids.
 */
export interface GroupMembershipChange {
  name?: string;
  replace?: string[];
  add: string[];
  remove: string[];
}

/** The constraint violations a concurrent request can cause, as the errors a client understands. */
function translateConstraintViolation(error: unknown, invalidMemberMessage: string): unknown {
  if (isUniqueViolation(error, GROUP_NAME_KEY)) return new AlreadyExistsError(GROUP_NAME_TAKEN);
  // a member left the organization, or the group was deleted, after we read them
  if (isForeignKeyViolation(error, MEMBER_FOREIGN_KEY)) return new ParameterError(invalidMemberMessage);
  if (isForeignKeyViolation(error, GROUP_FOREIGN_KEY)) return new NotFoundError(GROUP_NOT_FOUND);
  return error;
}

/**
 * Groups of an organization and their members. Every change runs in one transaction that locks the
 * group row first (so concurrent membership changes apply one after the other) and writes its audit
 * entry in the same transaction. Members must belong to the group's organization: checked here for
 * a clear 400, and enforced by the database's foreign keys whatever runs concurrently.
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: PreparedSql,
    private readonly audit: AuditService,
  ) {}

  /**
   * Groups in the order they were created (Lightdash's table order). Callers who may not see groups get
   * an empty page, as Lightdash filters the list rather than refusing it.
   */
  async list(principal: Principal, query: ListGroupsQueryDto): Promise<JsonText> {
    const window = pageWindow(query);
    if (!organizationAllows('groups:view', { organizationRole: principal.role, customScopes: principal.organizationCustomScopes })) {
      return jsonPage('', 0, window);
    }
    const search = query.searchQuery?.trim() ? containsPattern(query.searchQuery.trim()) : null;
    const withMembers = query.includeMembers !== undefined;
    const params: unknown[] = [principal.organizationId, window?.limit ?? null, window?.offset ?? 0, search, principal.organizationUuid];
    if (withMembers) params.push(memberBound(query.includeMembers!));
    // the groups come as JSON text, sent as they are: no parsing of their members and serializing them again
    const page = await selectGroupPage(this.sql, withMembers, params);
    let total = page.total === null ? 0 : Number(page.total);
    if (page.items === null && window && window.offset > 0) {
      total = await countGroups(this.dataSource.manager, principal.organizationId!, search);
    }
    return jsonPage(page.items ?? '', total, window);
  }

  get(principal: Principal, groupUuid: string, query: GetGroupQueryDto): Promise<GroupWithMembersDto> {
    const limit = query.includeMembers === undefined ? undefined : memberBound(query.includeMembers);
    return this.findGroup(this.dataSource.manager, principal.organizationId!, groupUuid, limit, memberBound(query.offset ?? 0));
  }

  async listMembers(principal: Principal, groupUuid: string): Promise<GroupMemberDto[]> {
    const members = await selectGroupMembers(this.dataSource.manager, principal.organizationId!, groupUuid);
    if (members.length === 0 && !(await groupExists(this.dataSource.manager, principal.organizationId!, groupUuid))) {
      throw new NotFoundError(GROUP_NOT_FOUND);
    }
    return members;
  }

  async create(principal: GroupActor, dto: CreateGroupDto): Promise<GroupWithMembersDto> {
    const organizationId = principal.organizationId!;
    return this.inTransaction(async (manager) => {
      const members = await this.resolveMembers(manager, organizationId, dto.members ?? []);
      const { groupId, groupUuid } = await insertGroup(
        manager,
        organizationId,
        { name: dto.name, description: dto.description ?? null, icon: dto.icon ?? null },
        principal.userId,
      );
      await this.addMemberships(manager, groupId, organizationId, members);
      await this.audit.record(manager, {
        action: 'group.create',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name: dto.name, memberCount: members.length },
      });
      return this.findGroup(manager, organizationId, groupUuid);
    });
  }

  async update(principal: GroupActor, groupUuid: string, dto: UpdateGroupDto): Promise<GroupWithMembersDto> {
    const organizationId = principal.organizationId!;
    return this.inTransaction(async (manager) => {
      const group = await this.lockExistingGroup(manager, organizationId, groupUuid);
      const members = dto.members ? await this.resolveMembers(manager, organizationId, dto.members) : undefined;
      const next = {
        name: dto.name ?? group.name,
        description: dto.description === undefined ? group.description : dto.description,
        icon: dto.icon === undefined ? group.icon : dto.icon,
      };
      await updateGroup(manager, group.groupId, next, principal.userId);
      const membership = members ? await this.replaceMemberships(manager, group.groupId, organizationId, members) : undefined;
      const changes = Object.fromEntries(
        (['name', 'description', 'icon'] as const).filter((field) => next[field] !== group[field]).map((field) => [field, { from: group[field], to: next[field] }]),
      );
      await this.audit.record(manager, {
        action: 'group.update',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name: next.name, changes, ...(membership ?? {}) },
      });
      return this.findGroup(manager, organizationId, groupUuid);
    });
  }

  async delete(principal: GroupActor, groupUuid: string): Promise<void> {
    const organizationId = principal.organizationId!;
    await this.inTransaction(async (manager) => {
      const group = await this.lockExistingGroup(manager, organizationId, groupUuid);
      const memberCount = await countGroupMemberships(manager, group.groupId);
      await deleteGroup(manager, group.groupId);
      await this.audit.record(manager, {
        action: 'group.delete',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name: group.name, memberCount },
      });
    });
  }

  /**
   * Renames the group and changes its members in one transaction under the group's lock, so concurrent
   * changes (an identity provider's batches of members) apply one after the other and none is lost.
   * Added members must belong to the organization (400); removing a non-member is a no-op.
   */
  async changeMembership(actor: GroupActor, groupUuid: string, change: GroupMembershipChange): Promise<GroupWithMembersDto> {
    const organizationId = actor.organizationId!;
    return this.inTransaction(async (manager) => {
      const group = await this.lockExistingGroup(manager, organizationId, groupUuid);
      const name = change.name ?? group.name;
      let membership = { membersAdded: 0, membersRemoved: 0 };
      if (change.replace) {
        const members = await this.resolveMembers(manager, organizationId, change.replace.map((userUuid) => ({ userUuid })));
        const replaced = await this.replaceMemberships(manager, group.groupId, organizationId, members);
        membership = { membersAdded: replaced.membersAdded, membersRemoved: replaced.membersRemoved };
      }
      if (change.add.length > 0) {
        const members = await this.resolveMembers(manager, organizationId, change.add.map((userUuid) => ({ userUuid })));
        membership.membersAdded += (await this.addMemberships(manager, group.groupId, organizationId, members)).length;
      }
      if (change.remove.length > 0) {
        membership.membersRemoved += await deleteMembershipsOfUsers(manager, group.groupId, change.remove);
      }
      await renameGroup(manager, group.groupId, name, actor.userId);
      const changes = name === group.name ? {} : { name: { from: group.name, to: name } };
      await this.audit.record(manager, {
        action: 'group.update',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name, changes, ...membership },
      });
      return this.findGroup(manager, organizationId, groupUuid);
    });
  }

  /**
   * Adds one member; false when they already were one. As in Lightdash, a user who is no member of
   * the organization (unknown, another organization's, or leaving while being added) is not added,
   * and that is no error either: the answer is the same 204 as for a member already there.
   */
  async addMember(principal: Principal, groupUuid: string, userUuid: string): Promise<boolean> {
    try {
      return await this.addOrganizationMember(principal, groupUuid, userUuid);
    } catch (error) {
      if (error instanceof ParameterError && error.message === NOT_AN_ORGANIZATION_MEMBER) return false;
      throw error;
    }
  }

  private async addOrganizationMember(principal: Principal, groupUuid: string, userUuid: string): Promise<boolean> {
    const organizationId = principal.organizationId!;
    return this.inTransaction(async (manager) => {
      const group = await this.lockExistingGroup(manager, organizationId, groupUuid);
      const [member] = await selectOrganizationMembers(manager, organizationId, [userUuid]);
      if (!member) return false;
      const inserted = await this.addMemberships(manager, group.groupId, organizationId, [member]);
      if (inserted.length === 0) return false;
      await this.touch(manager, group.groupId, principal);
      await this.audit.record(manager, {
        action: 'group.member.add',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name: group.name, userUuid, email: member.email },
      });
      return true;
    }, NOT_AN_ORGANIZATION_MEMBER);
  }

  /** Removes one member; false when they were not one. */
  async removeMember(principal: Principal, groupUuid: string, userUuid: string): Promise<boolean> {
    const organizationId = principal.organizationId!;
    return this.inTransaction(async (manager) => {
      const group = await this.lockExistingGroup(manager, organizationId, groupUuid);
      const removed = await deleteMembershipOfUser(manager, group.groupId, userUuid);
      if (!removed) return false;
      await this.touch(manager, group.groupId, principal);
      await this.audit.record(manager, {
        action: 'group.member.remove',
        targetType: 'group',
        targetUuid: groupUuid,
        details: { name: group.name, userUuid, email: removed.email },
      });
      return true;
    });
  }

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>, invalidMemberMessage = INVALID_MEMBERS): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw translateConstraintViolation(error, invalidMemberMessage);
    }
  }

  private async findGroup(manager: EntityManager, organizationId: string, groupUuid: string, limit?: number, offset = 0): Promise<GroupWithMembersDto> {
    const group = await selectGroup(manager, organizationId, groupUuid, limit ?? null, offset);
    if (!group) throw new NotFoundError(GROUP_NOT_FOUND);
    return group;
  }

  /** Locks the group for the rest of the transaction: changes to one group apply one after the other. */
  private async lockExistingGroup(manager: EntityManager, organizationId: string, groupUuid: string): Promise<LockedGroup> {
    const group = await lockGroup(manager, organizationId, groupUuid);
    if (!group) throw new NotFoundError(GROUP_NOT_FOUND);
    return group;
  }

  /** The members named in a request; all of them must be members of the organization (pending ones included). */
  private async resolveMembers(manager: EntityManager, organizationId: string, references: GroupMemberReferenceDto[]): Promise<ResolvedMember[]> {
    const userUuids = [...new Set(references.map((reference) => reference.userUuid.toLowerCase()))];
    if (userUuids.length === 0) return [];
    const members = await selectOrganizationMembers(manager, organizationId, userUuids);
    if (members.length !== userUuids.length) throw new ParameterError(INVALID_MEMBERS);
    return members;
  }

  /** Inserts the memberships that do not exist yet; returns the user ids actually added. */
  private async addMemberships(manager: EntityManager, groupId: string, organizationId: string, members: ResolvedMember[]): Promise<string[]> {
    if (members.length === 0) return [];
    return insertMemberships(manager, groupId, organizationId, members.map((member) => member.userId));
  }

  private async replaceMemberships(
    manager: EntityManager,
    groupId: string,
    organizationId: string,
    members: ResolvedMember[],
  ): Promise<{ memberCount: number; membersAdded: number; membersRemoved: number }> {
    const removedCount = await deleteMembershipsExcept(manager, groupId, members.map((member) => member.userId));
    const added = await this.addMemberships(manager, groupId, organizationId, members);
    return { memberCount: members.length, membersAdded: added.length, membersRemoved: removedCount };
  }

  private async touch(manager: EntityManager, groupId: string, principal: GroupActor): Promise<void> {
    await touchGroup(manager, groupId, principal.userId);
  }
}
