import { Injectable } from '@nestjs/common';
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
  SpaceUserAccessDto,
  SpaceDto,
  SpaceSummaryDto,
  UpdateSpaceDto,
} from './dto/space.dto.js';
import { firstFreeSlug, slugify } from './slug.js';
import { projectRoleSourcesSql, spaceById, visibleSpacesCte } from '../authorization/access.sql.js';
import { loadedRow } from '../authorization/row-loader.js';
import { describeSpaceAccess, type SpaceAccessSources } from './space-access-origin.js';
import { SPACE_CONTENT, SPACE_CONTENT_SQL, type SpaceContentRow } from './space-content.queries.js';

/**
 * The columns of space row `s` that a summary shows, with its parent's uuid: selected into the
 * materialized rows (`listed_spaces`, `page`) that SUMMARY_COLUMNS then reads.
 */
const SPACE_ROW_COLUMNS = `s.space_id, s.space_uuid, s.name, s.slug, s.inherit_parent_permissions, s.path, s.ancestor_ids, s.every_level_inherits,
           (SELECT parent.space_uuid FROM spaces parent WHERE parent.space_id = s.parent_space_id) AS parent_space_uuid`;

/**
 * A space summary's columns, for a row `s` of SPACE_ROW_COLUMNS joined to its project `p`,
 * organization `o`, the caller's row `who` (the CTE caller_sources) and the per-space CTEs
 * chart_counts, dashboard_counts, child_counts (space_id, n) and shares (space_id, users), joined by
 * SUMMARY_JOINS. Counts are text, as Lightdash sends them.
 */
const SUMMARY_COLUMNS = `s.space_uuid AS uuid, s.name, p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid", s.slug,
           NOT s.inherit_parent_permissions AS "isPrivate", s.inherit_parent_permissions AS "inheritParentPermissions",
           s.every_level_inherits AS "inheritsFromOrgOrProject", s.parent_space_uuid AS "parentSpaceUuid", s.path,
           NULL AS "projectMemberAccessRole",
           coalesce(cc.n, 0)::text AS "chartCount", coalesce(dc.n, 0)::text AS "dashboardCount", coalesce(kc.n, 0)::text AS "childSpaceCount",
           '0' AS "appCount", coalesce(sh.users, '{}') AS access,
           s.space_role AS "spaceRole", s.user_entry AS "userEntry", s.group_entry AS "groupEntry", s.own_entry AS "ownEntry",
           who.organization_role AS "organizationRole", who.direct_project_role AS "directProjectRole",
           who.group_project_role AS "groupProjectRole", who.first_name AS "firstName", who.last_name AS "lastName", who.email`;
const SUMMARY_JOINS = `JOIN projects p ON p.project_id = $1
    JOIN organizations o ON o.organization_id = p.organization_id
    CROSS JOIN caller_sources who
    LEFT JOIN chart_counts cc ON cc.space_id = s.space_id
    LEFT JOIN dashboard_counts dc ON dc.space_id = s.space_id
    LEFT JOIN child_counts kc ON kc.space_id = s.space_id
    LEFT JOIN shares sh ON sh.space_id = s.space_id`;

/**
 * Every space of project $1 that user $2 may see, in path order, with its summary, in one statement
 * (see visibleSpacesCte). The listed rows are materialized first and the counts and shares, each
 * aggregated once for the project, joined to them afterwards: joined inside the per-row lookup of the
 * space, PostgreSQL re-read each aggregate for every row (90 ms instead of 8 at 1,000 spaces). The
 * first row carries the number of spaces, as the page does.
 */
const LIST_SQL = `
  WITH ${visibleSpacesCte('$1', '$2')},
  listed_spaces AS MATERIALIZED (
    SELECT ${SPACE_ROW_COLUMNS},
           v.space_role, v.project_role, v.user_entry, v.group_entry,
           (SELECT own.role FROM space_user_access own WHERE own.space_id = s.space_id AND own.user_id = $2) AS own_entry
    FROM visible_spaces v
    ${spaceById('s', 'v.space_id')}
  ),
  chart_counts AS (SELECT space_id, count(*)::int AS n FROM saved_charts WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  dashboard_counts AS (SELECT space_id, count(*)::int AS n FROM dashboards WHERE project_id = $1 AND deleted_at IS NULL GROUP BY space_id),
  child_counts AS (SELECT parent_space_id AS space_id, count(*)::int AS n FROM spaces WHERE project_id = $1 AND parent_space_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1),
  caller_sources AS MATERIALIZED (
    SELECT src.*, u.first_name, u.last_name, u.email
    FROM projects owner CROSS JOIN LATERAL (${projectRoleSourcesSql('owner', '$2')}) src JOIN users u ON u.user_id = $2
    WHERE owner.project_id = $1
  ),
  shares AS (
    SELECT a.space_id, array_agg(u.user_uuid::text ORDER BY u.user_uuid) AS users
    FROM space_user_access a JOIN spaces sp ON sp.space_id = a.space_id AND sp.project_id = $1 JOIN users u ON u.user_id = a.user_id
    GROUP BY a.space_id
  ),
  total AS (SELECT count(*)::int AS n FROM visible_spaces)
  SELECT total.n AS "totalResults", listed.*
  FROM total LEFT JOIN (
    SELECT ${SUMMARY_COLUMNS}
    FROM listed_spaces s
    ${SUMMARY_JOINS}
  ) listed ON true
  ORDER BY listed.path`;

interface ListRow
  extends Omit<SpaceSummaryDto, 'userAccess' | 'pinnedListUuid' | 'pinnedListOrder'>,
    Omit<SpaceAccessSources, 'spaceRole'>,
    Pick<SpaceUserAccessDto, 'firstName' | 'lastName' | 'email'> {
  totalResults: number;
  spaceRole: SpaceRole;
}

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

  /** Every visible space, as Lightdash's plain array (it ignores `page` and `pageSize` here; GET /api/v2/content pages). */
  async list(principal: Principal, access: ProjectAccess): Promise<SpaceSummaryDto[]> {
    const rows = await this.sql.rows<ListRow>('space-list', LIST_SQL, [access.projectId, principal.userId]);
    return rows
      .filter((row) => row.uuid !== null)
      .map((row) => {
        const { totalResults: _total, spaceRole, userEntry, groupEntry, ownEntry, organizationRole, directProjectRole, groupProjectRole, firstName, lastName, email, ...space } =
          row;
        const sources = { spaceRole, userEntry, groupEntry, ownEntry, organizationRole, directProjectRole, groupProjectRole };
        return {
          ...space,
          pinnedListUuid: null,
          pinnedListOrder: null,
          userAccess: { ...describeSpaceAccess(principal.userUuid, sources), firstName, lastName, email },
        };
      });
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
        const [live] = await manager.query('SELECT 1 FROM spaces WHERE space_id = $1 AND deleted_at IS NULL FOR SHARE', [parentSpaceId]);
        if (!live) throw new NotFoundError('Parent space not found');
      }
      const space = await this.insertWithFreeSlug(manager, access, principal, body.name, inherits, parentSpaceId);
      await manager.query(`INSERT INTO space_user_access (space_id, user_id, organization_id, role) VALUES ($1, $2, $3, 'admin')`, [
        space.spaceId,
        principal.userId,
        access.organizationId,
      ]);
      const shares = (body.access ?? []).filter((share) => share.userUuid !== principal.userUuid);
      for (const share of shares) await this.upsertUserEntry(manager, space.spaceId, access.organizationId, share);
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
      const [current] = await manager.query(
        'SELECT name, inherit_parent_permissions AS "inherits" FROM spaces WHERE space_id = $1 FOR UPDATE',
        [access.spaceId],
      );
      if (!current) throw new NotFoundError('Space not found');
      // Opening a private space to the whole project is managing a public space: it needs project editor too.
      if (inherits === true && !current.inherits && !managesPublicSpaces(access)) {
        throw new ForbiddenError('Making a space public needs project role editor');
      }
      await manager.query('UPDATE spaces SET name = $2, inherit_parent_permissions = COALESCE($3, inherit_parent_permissions), updated_at = now() WHERE space_id = $1', [
        access.spaceId,
        body.name,
        inherits ?? null,
      ]);
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
      await this.upsertUserEntry(manager, access.spaceId, access.organizationId, { userUuid, role });
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
      const [, removed] = await manager.query(
        'DELETE FROM space_user_access WHERE space_id = $1 AND user_id = (SELECT user_id FROM users WHERE user_uuid = $2) RETURNING role',
        [access.spaceId, userUuid],
      );
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
      const [group] = await manager.query('SELECT group_id::text AS "groupId" FROM groups WHERE group_uuid = $1 AND organization_id = $2 FOR SHARE', [
        groupUuid,
        access.organizationId,
      ]);
      if (!group) throw new ParameterError(`Group ${groupUuid} is not a group of the organization`);
      try {
        await manager.query(
          `INSERT INTO space_group_access (space_id, group_id, organization_id, role) VALUES ($1, $2, $3, $4)
           ON CONFLICT (space_id, group_id) DO UPDATE SET role = EXCLUDED.role`,
          [access.spaceId, group.groupId, access.organizationId, role],
        );
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
      const [, removed] = await manager.query(
        'DELETE FROM space_group_access WHERE space_id = $1 AND group_id = (SELECT group_id FROM groups WHERE group_uuid = $2) RETURNING role',
        [access.spaceId, groupUuid],
      );
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

  /**
   * Inserts the space with the first free slug of its name. A concurrent insert of the same slug
   * makes ON CONFLICT skip the row (after waiting for the other transaction); the next round sees it.
   */
  private async insertWithFreeSlug(
    manager: EntityManager,
    access: ProjectAccess,
    principal: Principal,
    name: string,
    inherits: boolean,
    parentSpaceId: string | null,
  ): Promise<{ spaceId: string; spaceUuid: string; slug: string }> {
    const base = slugify(name);
    for (let attempt = 0; attempt < 20; attempt++) {
      const taken: { slug: string }[] = await manager.query(
        `SELECT slug FROM spaces WHERE project_id = $1 AND (slug = $2 OR starts_with(slug, $2 || '-'))`,
        [access.projectId, base],
      );
      const slug = firstFreeSlug(
        base,
        taken.map((row) => row.slug),
      );
      try {
        const [inserted] = await manager.query(
          `INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug, inherit_parent_permissions, created_by_user_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ON CONSTRAINT spaces_project_id_slug_key DO NOTHING
           RETURNING space_id::text AS "spaceId", space_uuid AS "spaceUuid"`,
          [access.projectId, access.organizationId, parentSpaceId, name, slug, inherits, principal.userId],
        );
        if (inserted) return { ...inserted, slug };
      } catch (error) {
        // the parent was deleted since it was checked
        if (isForeignKeyViolation(error, 'spaces_parent_space_id_project_id_fkey')) throw new NotFoundError('Parent space not found');
        throw error;
      }
    }
    throw new Error(`could not find a free slug for "${base}"`);
  }

  /** Members of the organization only (else 404); the membership row is locked so it cannot vanish before the entry is written. */
  private async upsertUserEntry(manager: EntityManager, spaceId: string, organizationId: string, share: InitialSpaceShareDto): Promise<void> {
    const [member] = await manager.query(
      `SELECT m.user_id::text AS "userId" FROM organization_memberships m JOIN users u ON u.user_id = m.user_id
       WHERE u.user_uuid = $1 AND m.organization_id = $2 FOR SHARE OF m`,
      [share.userUuid, organizationId],
    );
    // 404 as in Lightdash: nothing tells a user of another organization from one that does not exist
    if (!member) throw new NotFoundError(`User ${share.userUuid} not found in the organization`);
    try {
      await manager.query(
        `INSERT INTO space_user_access (space_id, user_id, organization_id, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
        [spaceId, member.userId, organizationId, share.role],
      );
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
    const [row] = loaded
      ? [loaded]
      : await this.sql.rows<SpaceContentRow>('space-content-by-id', SPACE_CONTENT_SQL, [spaceId, principal.userId, projectRole, projectUuid, organizationUuid]);
    const chain = row?.chain ?? [];
    const space = chain.at(-1);
    if (!space) throw new NotFoundError('Space not found');
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
