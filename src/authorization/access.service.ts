import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';
import type { Principal } from '../auth/principal.js';
import type { LoadedRow, RowLoader } from './row-loader.js';
import type { ReadAt } from '../database/read-at.js';
import {
  type AccessTarget,
  type ContentKind,
  type ProjectAccessRow,
  selectCheckedAccess,
  selectContentSpaceAccess,
  selectFirstVisibleSpace,
  selectGroupOrganizationId,
  selectSpaceAccess,
  selectTrashedContentSpaceAccess,
  type SpaceAccessRow,
} from './access.queries.js';

export type { AccessTarget, ContentKind };

/** The caller's standing on a project: which organization it belongs to, and their effective role. */
export interface ProjectAccess extends ProjectAccessRow {
  /** the route's RowLoader row, read in the same statement as this access (only on routes that declare one) */
  loaded?: LoadedRow;
}

/** The caller's standing on a space (reached directly, or through a chart or dashboard in it). */
export interface SpaceAccess extends ProjectAccess, SpaceAccessRow {}

export interface CheckedAccess {
  /** false when a cached principal turned out stale: the caller must be authenticated again */
  credentialLive: boolean;
  readAt: ReadAt;
  /** with the loader's row, when a loader was given and found one */
  access: ProjectAccess | SpaceAccess | undefined;
}

export type { ReadAt };

/**
 * Access questions answered in SQL, one round trip each (prepared statements on the hot path, in
 * access.queries.ts), whatever the number of groups or the depth of nesting. Answers carry the
 * object's organization so the guard can tell "not yours" (404) from "not allowed" (403).
 */
@Injectable()
export class AccessService {
  constructor(private readonly sql: PreparedSql) {}

  /**
   * The Authorizer's check: the principal's access to the target and, when the principal
   * came from the cache (`cachedDigest` of its credential), whether it is still current: one round trip.
   */
  async checked(target: AccessTarget, id: string, principal: Principal, cachedDigest?: Buffer, loader?: RowLoader<unknown>): Promise<CheckedAccess> {
    const { userId, via, organizationId, role } = principal;
    const { credentialLive, readAt, access, loaded } = await selectCheckedAccess(this.sql, target, id, { userId, via, organizationId, role, cachedDigest }, loader);
    // a loader row of nothing but nulls is the LEFT JOIN's "no row"
    if (loader && access && loaded && hasValue(loaded)) (access as ProjectAccess).loaded = { loader, row: loader.parse(loaded) };
    return { credentialLive, readAt, access };
  }

  /** The organization id of a group, or undefined when there is no such group. */
  async groupOrganizationId(groupUuid: string): Promise<string | undefined> {
    return selectGroupOrganizationId(this.sql, groupUuid);
  }

  async space(spaceUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    return selectSpaceAccess(this.sql, spaceUuid, userId);
  }

  /** The caller's standing on the space of a live space, chart or dashboard (the space itself for a space). */
  async contentSpace(kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccess | undefined> {
    return selectContentSpaceAccess(this.sql, kind, uuid, userId);
  }

  /** The same for a space, chart or dashboard in the trash: its access is what it was before it was deleted. */
  async trashedContentSpace(kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccess | undefined> {
    return selectTrashedContentSpaceAccess(this.sql, kind, uuid, userId);
  }

  /** Where content created without a space goes: the oldest space of the project the caller may see; undefined when they see none. */
  async firstVisibleSpace(projectId: string, userId: string): Promise<SpaceAccess | undefined> {
    return selectFirstVisibleSpace(this.sql, projectId, userId);
  }

  async dashboardSpace(dashboardUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    return selectContentSpaceAccess(this.sql, 'dashboard', dashboardUuid, userId);
  }
}

function hasValue(row: Record<string, unknown>): boolean {
  for (const key in row) if (row[key] !== null) return true;
  return false;
}
