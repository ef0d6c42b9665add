import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';
import { sessionLive, tokenLive } from '../auth/credential.sql.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectRole, SpaceRole } from './roles.js';
import type { AccessColumns, LoadedRow, RowLoader } from './row-loader.js';
import type { ReadAt } from '../database/read-at.js';
import { customScopesSql, groupEntrySql, projectRoleSql, spaceBasisRole, userEntrySql } from './access.sql.js';

/** The caller's standing on a project: which organization it belongs to, and their effective role. */
export interface ProjectAccess {
  projectId: string;
  projectUuid: string;
  organizationId: string;
  /** the effective role from system roles (custom-role rows count only through customScopes) */
  projectRole: ProjectRole | null;
  /** the union of the scopes of the caller's custom roles on the project, or null when they hold none */
  customScopes: string[] | null;
  /** the project role spaces are resolved from: the system role raised by what custom roles stand for on spaces */
  spaceBasisRole: ProjectRole | null;
  /** the route's RowLoader row, read in the same statement as this access (only on routes that declare one) */
  loaded?: LoadedRow;
}

/** The caller's standing on a space (reached directly, or through a chart or dashboard in it). */
export interface SpaceAccess extends ProjectAccess {
  spaceId: string;
  spaceUuid: string;
  /** the space and every ancestor inherit: the space is public */
  inheritsFromProject: boolean;
  spaceRole: SpaceRole | null;
}

const PROJECT_ROLE = projectRoleSql('p', '$2');
const CUSTOM_SCOPES = customScopesSql('p', '$2');

const PROJECT_SQL = `
  SELECT p.project_id::text AS "projectId", p.project_uuid AS "projectUuid", p.organization_id::text AS "organizationId",
         r.role AS "projectRole", r.scopes AS "customScopes", ${spaceBasisRole('r.role', 'r.scopes')} AS "spaceBasisRole"
  FROM projects p CROSS JOIN LATERAL (SELECT ${PROJECT_ROLE} AS role, ${CUSTOM_SCOPES} AS scopes OFFSET 0) r
  WHERE p.project_uuid = $1`;

/**
 * `target` selects one space (its id, uuid, project, ancestor ids and inheritance); the rest resolves
 * the caller's role on it from the space's own row: no walk up the tree. The roles are computed in
 * LATERAL subqueries (OFFSET 0 keeps them apart) so that the role functions receive plain values and
 * PostgreSQL inlines them.
 */
function spaceSql(target: string): string {
  return `
  SELECT t.space_id::text AS "spaceId", t.space_uuid AS "spaceUuid", p.project_id::text AS "projectId", p.project_uuid AS "projectUuid",
         p.organization_id::text AS "organizationId", r.role AS "projectRole", r.scopes AS "customScopes",
         ${spaceBasisRole('r.role', 'r.scopes')} AS "spaceBasisRole",
         t.every_level_inherits AS "inheritsFromProject",
         effective_space_role(${spaceBasisRole('r.role', 'r.scopes')}, e.user_entry, e.group_entry, t.every_level_inherits) AS "spaceRole"
  FROM (${target}) t
  JOIN projects p ON p.project_id = t.project_id
  CROSS JOIN LATERAL (SELECT ${PROJECT_ROLE} AS role, ${CUSTOM_SCOPES} AS scopes OFFSET 0) r
  CROSS JOIN LATERAL (SELECT ${userEntrySql('t.ancestor_ids', '$2')} AS user_entry, ${groupEntrySql('t.ancestor_ids', '$2')} AS group_entry OFFSET 0) e`;
}

const SPACE_COLUMNS = 's.space_id, s.space_uuid, s.project_id, s.ancestor_ids, s.every_level_inherits';

/**
 * The space that decides access to a space, chart or dashboard ($1): live content only (content in
 * the trash is 404 to every route), or, for restoring and deleting for good, trashed content only.
 */
function contentSpaceSql(kind: ContentKind, state: 'live' | 'trashed'): string {
  const trashed = (alias: string) => (state === 'live' ? `${alias}.deleted_at IS NULL` : `${alias}.deleted_at IS NOT NULL`);
  switch (kind) {
    case 'space':
      return spaceSql(`SELECT ${SPACE_COLUMNS} FROM spaces s WHERE s.space_uuid = $1 AND ${trashed('s')}`);
    case 'chart':
      return spaceSql(
        `SELECT ${SPACE_COLUMNS} FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id WHERE c.saved_chart_uuid = $1 AND ${trashed('c')}${state === 'live' ? ' AND s.deleted_at IS NULL' : ''}`,
      );
    case 'dashboard':
      return spaceSql(
        `SELECT ${SPACE_COLUMNS} FROM dashboards d JOIN spaces s ON s.space_id = d.space_id WHERE d.dashboard_uuid = $1 AND ${trashed('d')}${state === 'live' ? ' AND s.deleted_at IS NULL' : ''}`,
      );
  }
}

export type ContentKind = 'space' | 'chart' | 'dashboard';

/**
 * The oldest live space of project $1 that user $2 may see (the project's default space "Shared" while
 * it is there and visible), with the caller's standing on it, as Lightdash's first accessible space.
 */
const FIRST_VISIBLE_SPACE = spaceSql(`
  SELECT ${SPACE_COLUMNS} FROM spaces s JOIN projects owner ON owner.project_id = s.project_id
  WHERE s.project_id = $1::bigint AND s.deleted_at IS NULL
    AND effective_space_role(${projectRoleSql('owner', '$2')}, ${userEntrySql('s.ancestor_ids', '$2')}, ${groupEntrySql('s.ancestor_ids', '$2')},
                             s.every_level_inherits) IS NOT NULL
  ORDER BY s.space_id LIMIT 1`);

const SPACE_BY_UUID = contentSpaceSql('space', 'live');
const SPACE_BY_CHART = contentSpaceSql('chart', 'live');
const SPACE_BY_DASHBOARD = contentSpaceSql('dashboard', 'live');
const TRASHED_CONTENT_SPACE: Record<ContentKind, string> = {
  space: contentSpaceSql('space', 'trashed'),
  chart: contentSpaceSql('chart', 'trashed'),
  dashboard: contentSpaceSql('dashboard', 'trashed'),
};

export type AccessTarget = 'project' | 'space' | 'chart' | 'dashboard';

const ACCESS_SQL: Record<AccessTarget, string> = {
  project: PROJECT_SQL,
  space: SPACE_BY_UUID,
  chart: SPACE_BY_CHART,
  dashboard: SPACE_BY_DASHBOARD,
};

/**
 * Whether the principal behind $2 is still what a cached copy says: its session or token ($3 via,
 * $4 the SHA-256 digest of the credential: a rotated token no longer matches) is live and belongs to
 * the user, the user is active, and their organization ($5) and role there ($6) are unchanged.
 * True when $4 is null (the principal was looked up for this very request).
 */
const CREDENTIAL_LIVE = `(
  $4::bytea IS NULL OR (
    CASE $3::text
      WHEN 'session' THEN EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = $4 AND s.user_id = $2 AND ${sessionLive('s')})
      ELSE EXISTS (SELECT 1 FROM personal_access_tokens t WHERE t.token_hash = $4 AND t.user_id = $2 AND ${tokenLive('t')})
    END
    AND EXISTS (
      SELECT 1 FROM users u LEFT JOIN organization_memberships m ON m.user_id = u.user_id
      WHERE u.user_id = $2 AND u.is_active
        AND m.organization_id IS NOT DISTINCT FROM $5::bigint AND m.role::text IS NOT DISTINCT FROM $6::text)))`;

/** The access statement of each target, preceded by the credential check; one row even when the target does not exist. */
const CHECKED_ACCESS_SQL = Object.fromEntries(
  Object.entries(ACCESS_SQL).map(([target, sql]) => [
    target,
    `SELECT ${CREDENTIAL_LIVE} AS "credentialLive", pg_current_snapshot()::text AS "snapshot", now()::text AS "checkedAt",
            pg_postmaster_start_time()::text AS "serverStartedAt", access.*
     FROM (SELECT) one LEFT JOIN (${sql}) access ON true`,
  ]),
) as Record<AccessTarget, string>;

export interface CheckedAccess {
  /** false when a cached principal turned out stale: the caller must be authenticated again */
  credentialLive: boolean;
  readAt: ReadAt;
  access: ProjectAccess | SpaceAccess | undefined;
  /** the loader's row, when a loader was given and found one */
  loaded?: LoadedRow;
}

export type { ReadAt };

const LOADED_MARKER = '__loaded__';

/** The access statement's columns, as a loader joins on them (the statement names its row `access`). */
const ACCESS_COLUMNS: AccessColumns = {
  projectId: 'access."projectId"::bigint',
  projectUuid: 'access."projectUuid"',
  organizationId: 'access."organizationId"::bigint',
  projectRole: 'access."projectRole"',
  spaceBasisRole: 'access."spaceBasisRole"',
  spaceId: 'access."spaceId"::bigint',
  spaceUuid: 'access."spaceUuid"',
};

/** Each loader's statement joined to each target's access statement, built once. */
const loaderStatements = new WeakMap<RowLoader<unknown>, Partial<Record<AccessTarget, string>>>();

function checkedWithLoader(target: AccessTarget, loader: RowLoader<unknown>): string {
  let statements = loaderStatements.get(loader);
  if (!statements) loaderStatements.set(loader, (statements = {}));
  return (statements[target] ??=
    `SELECT access.*, NULL AS "${LOADED_MARKER}", loaded.* FROM (${CHECKED_ACCESS_SQL[target]}) access LEFT JOIN LATERAL (${loader.sql(ACCESS_COLUMNS)}) loaded ON true`);
}

/**
 * Access questions answered in SQL, one round trip each (prepared statements on the hot path),
 * whatever the number of groups or the depth of nesting. Answers carry the object's organization so
 * the guard can tell "not yours" (404) from "not allowed" (403).
 */
@Injectable()
export class AccessService {
  constructor(private readonly sql: PreparedSql) {}

  /**
   * The Authorizer's check: the principal's access to the target and, when the principal
   * came from the cache (`cachedDigest` of its credential), whether it is still current: one round trip.
   */
  async checked(target: AccessTarget, id: string, principal: Principal, cachedDigest?: Buffer, loader?: RowLoader<unknown>): Promise<CheckedAccess> {
    const values = [id, principal.userId, principal.via, cachedDigest ?? null, principal.organizationId, principal.role];
    const sql = loader ? checkedWithLoader(target, loader) : CHECKED_ACCESS_SQL[target];
    const { columns, rows } = await this.sql.arrays(`checked-${target}-access${loader ? `+${loader.name}` : ''}`, sql, values);
    const [row] = rows;
    const pick = (from: number, to: number) => Object.fromEntries(columns.slice(from, to).map((name, i) => [name, row[from + i]]));
    const marker = loader ? columns.indexOf(LOADED_MARKER) : columns.length;
    const { credentialLive, snapshot, checkedAt, serverStartedAt, ...access } = pick(0, marker) as unknown as { credentialLive: boolean } & ReadAt &
      ProjectAccess & Partial<SpaceAccess>;
    const found = access.projectId !== null;
    const loaded = pick(marker + 1, columns.length);
    // a loader row of nothing but nulls is the LEFT JOIN's "no row"
    const hasLoaded = loader !== undefined && found && Object.values(loaded).some((value) => value !== null);
    return {
      credentialLive,
      readAt: { snapshot, checkedAt, serverStartedAt },
      access: found ? access : undefined,
      ...(hasLoaded ? { loaded: { loader, row: loader.parse(loaded) } } : {}),
    };
  }

  /** The organization id of a group, or undefined when there is no such group. */
  async groupOrganizationId(groupUuid: string): Promise<string | undefined> {
    const [row] = await this.sql.rows<{ organizationId: string }>(
      'group-organization',
      'SELECT organization_id::text AS "organizationId" FROM groups WHERE group_uuid = $1',
      [groupUuid],
    );
    return row?.organizationId;
  }

  async space(spaceUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('space-access', SPACE_BY_UUID, [spaceUuid, userId]);
    return row;
  }

  /** The caller's standing on the space of a live space, chart or dashboard (the space itself for a space). */
  async contentSpace(kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>(`${kind}-space-access`, ACCESS_SQL[kind], [uuid, userId]);
    return row;
  }

  /** The same for a space, chart or dashboard in the trash: its access is what it was before it was deleted. */
  async trashedContentSpace(kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>(`trashed-${kind}-space-access`, TRASHED_CONTENT_SPACE[kind], [uuid, userId]);
    return row;
  }

  /** Where content created without a space goes: see FIRST_VISIBLE_SPACE; undefined when the caller sees no space. */
  async firstVisibleSpace(projectId: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('first-visible-space', FIRST_VISIBLE_SPACE, [projectId, userId]);
    return row;
  }

  async dashboardSpace(dashboardUuid: string, userId: string): Promise<SpaceAccess | undefined> {
    const [row] = await this.sql.rows<SpaceAccess>('dashboard-space-access', SPACE_BY_DASHBOARD, [dashboardUuid, userId]);
    return row;
  }
}
