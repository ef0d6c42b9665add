import { Injectable } from '@nestjs/common';
import { JsonText } from '../common/json-text.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { managesPublicSpaces, spaceAllows } from '../authorization/permissions.js';
import { type ProjectRole, type SpaceRole } from '../authorization/roles.js';
import { ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import { PreparedSql } from '../database/sql.js';
import { ContentTrashService } from '../content/content-trash.service.js';
import type {
  BreadcrumbDto,
  CreateSpaceDto,
  InitialSpaceShareDto,
  SpaceDto,
  UpdateSpaceDto,
} from './dto/space.dto.js';
import { slugify } from './slug.js';
import { insertSpaceWithFreeSlug } from './space-creation.js';
import { loadedRow } from '../authorization/row-loader.js';
import { describeSpaceAccess } from './space-access-origin.js';
import { SPACE_CONTENT, type SpaceContentRow } from './space-content.queries.js';
import {
  deleteGroupEntry,
  deleteUserEntry,
  type InsertedSpaceRow,
  insertSpaceAdminEntry,
  lockLiveSpaceForShare,
  lockOrganizationGroupForShare,
  lockOrganizationMemberForShare,
  lockSpaceForUpdate,
  selectSpaceContent,
  selectVisibleSpaces,
  updateSpace,
  upsertGroupEntry,
  upsertUserEntry,
} from './spaces.queries.js';

const OPEN_ARRAY = Buffer.from('[');
const CLOSE_ARRAY = Buffer.from(']');

/** What reading one space needs to know about it and the caller. */
interface SpaceTarget {
  spaceId: string;
  projectUuid: string;
  organizationUuid: string;
  projectRole: ProjectRole | null;
}

/** isPrivate and inheritParentPermissions say the same thing in two ways: when both are given they must agree. */
function requestedInheritance(body: { isPrivate?: boolean; inheritParentPermissions?: boolean }): boolean | undefined {
  const { isPrivate, inheritParentPermissions } = body;
  if (isPrivate !== undefined && inheritParentPermissions !== undefined && isPrivate === inheritParentPermissions) {
    throw new ParameterError('isPrivate and inheritParentPermissions contradict each other');
  }
  return inheritParentPermissions ?? (isPrivate === undefined ? undefined : !isPrivate);
}

/**
 * Leaves `updatedByUser` out when nobody is known (the user was deleted): clients parse the key as an
 * object when it is present (lightdash-client-python fails on null).
 */
function withKnownEditor<T extends { updatedByUser?: unknown }>(item: T): T {
  if (item.updatedByUser !== null) return item;
  const { updatedByUser: _none, ...rest } = item;
  return rest as T;
}

@Injectable()
export class SpacesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessService: AccessService,
    private readonly audit: AuditService,
    private readonly sql: PreparedSql,
    private readonly trash: ContentTrashService,
  ) {}

  /**
   * Every visible space, as Lightdash's plain array (it ignores `page` and `pageSize` here; GET
   * /api/v2/content pages), as JSON text: PostgreSQL keeps each summary's text, and the caller's
   * `userAccess` is explained once for each combination of roles that occurs, not once a space.
   */
  async listJson(principal: Principal, access: ProjectAccess): Promise<JsonText> {
    const caller = await selectVisibleSpaces(this.sql, access.projectId, principal.userId);
    // no row: the project went away after the access check
    if (!caller?.items) return new JsonText('[]');
    const { organizationRole, directProjectRole, groupProjectRole, firstName, lastName, email } = caller;
    const explained = new Map<string, Buffer>();
    const userAccessJson = (key: string): Buffer => {
      let json = explained.get(key);
      if (json === undefined) {
        const [spaceRole, userEntry, groupEntry, ownEntry] = key.split('|').map((role) => (role === '' ? null : (role as SpaceRole)));
        const sources = { spaceRole: spaceRole!, userEntry: userEntry ?? null, groupEntry: groupEntry ?? null, ownEntry: ownEntry ?? null, organizationRole, directProjectRole, groupProjectRole };
        json = Buffer.from(JSON.stringify({ ...describeSpaceAccess(principal.userUuid, sources), firstName, lastName, email }));
        explained.set(key, json);
      }
      return json;
    };
    // as bytes, which the server sends without measuring and encoding 600 kB of string again; the caller's
    // roles on a space stand between two chr(1) (LIST_SQL), a byte JSON text never holds (it escapes it)
    const items = Buffer.from(caller.items);
    const chunks: Buffer[] = [OPEN_ARRAY];
    let at = 0;
    for (let start = items.indexOf(1); start >= 0; start = items.indexOf(1, at)) {
      const end = items.indexOf(1, start + 1);
      chunks.push(items.subarray(at, start), userAccessJson(items.toString('latin1', start + 1, end)));
      at = end + 1;
    }
    chunks.push(items.subarray(at), CLOSE_ARRAY);
    return new JsonText(Buffer.concat(chunks));
  }

  /** The space as GET /spaces/{s} serves it; its content usually comes with the access check (SPACE_CONTENT). */
  async get(principal: Principal, access: SpaceAccess): Promise<SpaceDto> {
    return this.read(principal, this.targetOf(principal, access), loadedRow(access, SPACE_CONTENT));
  }

  async create(principal: Principal, access: ProjectAccess, body: CreateSpaceDto): Promise<SpaceDto> {
    const parentSpaceId = body.parentSpaceUuid ? await this.parentWhereCallerMayCreate(principal, access, body.parentSpaceUuid) : null;
    // as in Lightdash: without privacy settings a root space is private and a nested one inherits its parent's access
    const inherits = requestedInheritance(body) ?? parentSpaceId !== null;
    const spaceId = await this.dataSource.transaction(async (manager) => {
      if (parentSpaceId !== null) {
        // the parent may have gone to the trash since it was checked; the share lock waits for a trash in progress
        if (!(await lockLiveSpaceForShare(manager, parentSpaceId))) throw new NotFoundError('Parent space not found');
      }
      const space = await this.insertWithFreeSlug(manager, access, principal, body.name, inherits, parentSpaceId);
      await insertSpaceAdminEntry(manager, space.spaceId, principal.userId, access.organizationId);
      const shares = (body.access ?? []).filter((share) => share.userUuid !== principal.userUuid);
      for (const share of shares) await this.shareWithMember(manager, space.spaceId, access.organizationId, share);
      await this.audit.record(manager, {
        action: 'space.create',
        targetType: 'space',
        targetUuid: space.spaceUuid,
        details: { projectUuid: access.projectUuid, name: body.name, slug: space.slug, isPrivate: !inherits, parentSpaceUuid: body.parentSpaceUuid ?? null },
      });
      return space.spaceId;
    });
    return this.read(principal, { spaceId, projectUuid: access.projectUuid, organizationUuid: principal.organizationUuid!, projectRole: access.spaceBasisRole });
  }

  /** Renames and/or changes privacy; the slug never changes. */
  async update(principal: Principal, access: SpaceAccess, body: UpdateSpaceDto): Promise<SpaceDto> {
    const inherits = requestedInheritance(body);
    await this.dataSource.transaction(async (manager) => {
      const current = await lockSpaceForUpdate(manager, access.spaceId);
      if (!current) throw new NotFoundError('Space not found');
      // Opening a private space to the whole project is managing a public space: it needs project editor too.
      if (inherits === true && !current.inherits && !managesPublicSpaces(access)) {
        throw new ForbiddenError('Making a space public needs project role editor');
      }
      await updateSpace(manager, access.spaceId, body.name, inherits ?? null);
      await this.audit.record(manager, {
        action: 'space.update',
        targetType: 'space',
        targetUuid: access.spaceUuid,
        details: { projectUuid: access.projectUuid, from: { name: current.name, isPrivate: !current.inherits }, to: { name: body.name, isPrivate: !(inherits ?? current.inherits) } },
      });
    });
    return this.get(principal, access);
  }

  /** Moves the space to the trash with its child spaces, charts and dashboards (docs/content.md). */
  async delete(principal: Principal, access: SpaceAccess): Promise<void> {
    await this.trash.trash(principal, 'space', access.spaceUuid, access.projectUuid);
  }

  async shareWithUser(access: SpaceAccess, userUuid: string, role: SpaceRole): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.shareWithMember(manager, access.spaceId, access.organizationId, { userUuid, role });
      await this.audit.record(manager, {
        action: 'space.share',
        targetType: 'space',
        targetUuid: access.spaceUuid,
        details: { projectUuid: access.projectUuid, userUuid, spaceRole: role },
      });
    });
  }

  /** Idempotent: 200 whether or not the user had an entry. */
  async revokeUser(access: SpaceAccess, userUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const removed = await deleteUserEntry(manager, access.spaceId, userUuid);
      await this.audit.record(manager, {
        action: 'space.unshare',
        targetType: 'space',
        targetUuid: access.spaceUuid,
        details: { projectUuid: access.projectUuid, userUuid, removed: removed > 0 },
      });
    });
  }

  async shareWithGroup(access: SpaceAccess, groupUuid: string, role: SpaceRole): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const group = await lockOrganizationGroupForShare(manager, access.organizationId, groupUuid);
      if (!group) throw new ParameterError(`Group ${groupUuid} is not a group of the organization`);
      try {
        await upsertGroupEntry(manager, access.spaceId, group.groupId, access.organizationId, role);
      } catch (error) {
        if (isForeignKeyViolation(error, 'space_group_access_group_id_organization_id_fkey')) {
          throw new ParameterError(`Group ${groupUuid} is not a group of the organization`);
        }
        throw error;
      }
      await this.audit.record(manager, {
        action: 'space.group.share',
        targetType: 'space',
        targetUuid: access.spaceUuid,
        details: { projectUuid: access.projectUuid, groupUuid, spaceRole: role },
      });
    });
  }

  /** Idempotent: 200 whether or not the group had an entry. */
  async revokeGroup(access: SpaceAccess, groupUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const removed = await deleteGroupEntry(manager, access.spaceId, groupUuid);
      await this.audit.record(manager, {
        action: 'space.group.unshare',
        targetType: 'space',
        targetUuid: access.spaceUuid,
        details: { projectUuid: access.projectUuid, groupUuid, removed: removed > 0 },
      });
    });
  }

  private targetOf(principal: Principal, access: SpaceAccess): SpaceTarget {
    return { spaceId: access.spaceId, projectUuid: access.projectUuid, organizationUuid: principal.organizationUuid!, projectRole: access.spaceBasisRole };
  }

  /**
   * A nested space is content of its parent: creating one needs `space:create-nested` there (space
   * `editor`, and `create:Space`, which the route already required). Another project's or
   * organization's space is 404.
   */
  private async parentWhereCallerMayCreate(principal: Principal, access: ProjectAccess, parentSpaceUuid: string): Promise<string> {
    const parent = await this.accessService.space(parentSpaceUuid, principal.userId);
    if (!parent || parent.projectId !== access.projectId) throw new NotFoundError('Parent space not found');
    if (!spaceAllows('space:create-nested', parent)) throw new ForbiddenError('Creating a space inside another needs space role editor there');
    return parent.spaceId;
  }

  /** Inserts the space with the first free slug of its name; 404 when the parent was deleted since it was checked. */
  private async insertWithFreeSlug(
    manager: EntityManager,
    access: ProjectAccess,
    principal: Principal,
    name: string,
    inherits: boolean,
    parentSpaceId: string | null,
  ): Promise<InsertedSpaceRow> {
    try {
      return await insertSpaceWithFreeSlug(manager, slugify(name), {
        projectId: access.projectId,
        organizationId: access.organizationId,
        parentSpaceId,
        name,
        inherits,
        createdByUserId: principal.userId,
      });
    } catch (error) {
      if (isForeignKeyViolation(error, 'spaces_parent_space_id_project_id_fkey')) throw new NotFoundError('Parent space not found');
      throw error;
    }
  }

  /** Members of the organization only (else 404); the membership row is locked so it cannot vanish before the entry is written. */
  private async shareWithMember(manager: EntityManager, spaceId: string, organizationId: string, share: InitialSpaceShareDto): Promise<void> {
    const member = await lockOrganizationMemberForShare(manager, organizationId, share.userUuid);
    // 404 as in Lightdash: nothing tells a user of another organization from one that does not exist
    if (!member) throw new NotFoundError(`User ${share.userUuid} not found in the organization`);
    try {
      await upsertUserEntry(manager, spaceId, member.userId, organizationId, share.role);
    } catch (error) {
      if (isForeignKeyViolation(error, 'space_user_access_user_id_organization_id_fkey')) {
        throw new NotFoundError(`User ${share.userUuid} not found in the organization`);
      }
      throw error;
    }
  }

  /** A space with its content, shares, visible children and breadcrumbs: one statement. */
  private async read(principal: Principal, target: SpaceTarget, loaded?: SpaceContentRow): Promise<SpaceDto> {
    const { spaceId, projectUuid, organizationUuid, projectRole } = target;
    const row = loaded ?? (await selectSpaceContent(this.sql, spaceId, principal.userId, projectRole, projectUuid, organizationUuid));
    const chain = row?.chain ?? [];
    const space = chain.at(-1);
    if (!row || !space) throw new NotFoundError('Space not found');
    const path = chain.map((level) => level.slug).join('.');
    const { queries, dashboards, access, groupsAccess, children } = row;
    const breadcrumbs: BreadcrumbDto[] = chain.map((level) => ({ uuid: level.uuid, name: level.name, hasAccess: level.spaceRole !== null }));
    return {
      organizationUuid,
      projectUuid,
      uuid: space.uuid,
      name: space.name,
      slug: space.slug,
      isPrivate: !space.inheritParentPermissions,
      inheritParentPermissions: space.inheritParentPermissions,
      inheritsFromOrgOrProject: space.everyLevelInherits,
      parentSpaceUuid: chain.at(-2)?.uuid ?? null,
      path,
      pinnedListUuid: null,
      pinnedListOrder: null,
      projectMemberAccessRole: null,
      colorPaletteUuid: null,
      queries: queries.map(withKnownEditor),
      dashboards: dashboards.map(withKnownEditor),
      access: access.map(({ userUuid, firstName, lastName, email, ...sources }) => ({
        ...describeSpaceAccess(userUuid, sources),
        firstName,
        lastName,
        email,
        avatarUrl: null,
        avatarGradient: null,
        isInternal: false,
      })),
      groupsAccess,
      childSpaces: children.map((child) => ({
        ...child,
        projectUuid,
        organizationUuid,
        parentSpaceUuid: space.uuid,
        path: `${path}.${child.slug}`,
        pinnedListUuid: null,
        pinnedListOrder: null,
        projectMemberAccessRole: null,
      })),
      breadcrumbs,
    };
  }
}
