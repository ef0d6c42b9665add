import { sessionLive, tokenLive } from '../auth/credential.sql.js';
import type { ReadAt } from '../database/read-at.js';
import type { PreparedSql } from '../database/sql.js';
import { customScopesSql, groupEntrySql, projectRoleSql, spaceBasisRole, userEntrySql } from './access.sql.js';
import type { ProjectRole, SpaceRole } from './roles.js';
import type { AccessColumns, RowLoader } from './row-loader.js';

// The SQL of the access checks (DESIGN §3): one statement per check, prepared on the hot path.
// AccessService holds the rules; the fragments shared with the lists are in access.sql.ts.

/** The row of a project's access statement: the caller's standing on a project. */
export interface ProjectAccessRow {
  projectId: string;
  projectUuid: string;
  organizationId: string;
  /** the effective role from system roles (custom-role rows count only through customScopes) */
  projectRole: ProjectRole | null;
  /** the union of the scopes of the caller's custom roles on the project, or null when they hold none */
  customScopes: string[] | null;
  /** the project role spaces are resolved from: the system role raised by what custom roles stand for on spaces */
  spaceBasisRole: ProjectRole | null;
}

/** The row of a space's access statement (a space reached directly, or through a chart or dashboard in it). */
export interface SpaceAccessRow extends ProjectAccessRow {
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
 * PostgreSQL inlines them: given the space-basis expression itself, effective_space_role (which reads
 * its first argument three times) was run as an SQL function call, its own executor on every check.
 */
function spaceSql(target: string): string {
  return `
  SELECT t.space_id::text AS "spaceId", t.space_uuid AS "spaceUuid", p.project_id::text AS "projectId", p.project_uuid AS "projectUuid",
         p.organization_id::text AS "organizationId", r.role AS "projectRole", r.scopes AS "customScopes",
         r.basis AS "spaceBasisRole",
         t.every_level_inherits AS "inheritsFromProject",
         effective_space_role(r.basis, e.user_entry, e.group_entry, t.every_level_inherits) AS "spaceRole"
  FROM (${target}) t
  JOIN projects p ON p.project_id = t.project_id
  CROSS JOIN LATERAL (SELECT roles.role, roles.scopes, ${spaceBasisRole('roles.role', 'roles.scopes')} AS basis
                      FROM (SELECT ${PROJECT_ROLE} AS role, ${CUSTOM_SCOPES} AS scopes OFFSET 0) roles OFFSET 0) r
  CROSS JOIN LATERAL (SELECT ${userEntrySql('t.ancestor_ids', '$2')} AS user_entry, ${groupEntrySql('t.ancestor_ids', '$2')} AS group_entry OFFSET 0) e`;
}

const SPACE_COLUMNS = 's.space_id, s.space_uuid, s.project_id, s.ancestor_ids, s.every_level_inherits';

export type ContentKind = 'space' | 'chart' | 'dashboard';

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

/** The caller whose access is checked, and the cached credential to re-validate (absent: looked up for this request). */
export interface AccessCaller {
  userId: string;
  via: 'session' | 'personal_access_token';
  organizationId: string | null;
  role: string | null;
  /** the SHA-256 digest of the credential of a principal taken from the principal cache */
  cachedDigest?: Buffer;
}

/**
 * The row of a checked access statement: whether the cached credential is still live, where the
 * database was read, the access (its columns all null when the target does not exist) and the
 * loader's columns (all null when it found no row).
 */
export interface CheckedAccessRow {
  credentialLive: boolean;
  readAt: ReadAt;
  access: (ProjectAccessRow & Partial<SpaceAccessRow>) | undefined;
  loaded: Record<string, unknown> | undefined;
}

/** The columns before the access in every checked access statement, in this order. */
const [CREDENTIAL_LIVE_COLUMN, SNAPSHOT_COLUMN, CHECKED_AT_COLUMN, SERVER_STARTED_AT_COLUMN, ACCESS_FROM] = [0, 1, 2, 3, 4];

/** The columns `from` to `to` of an array-mode row, as an object (a plain loop: this runs on every guarded request). */
function columnsOf(columns: string[], row: unknown[], from: number, to: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = from; i < to; i++) object[columns[i]] = row[i];
  return object;
}

/**
 * The caller's access to `target` $1 (with the credential check, and the loader's read joined when
 * given): one round trip.
 */
export async function selectCheckedAccess(sql: PreparedSql, target: AccessTarget, id: string, caller: AccessCaller, loader?: RowLoader<unknown>): Promise<CheckedAccessRow> {
  const values = [id, caller.userId, caller.via, caller.cachedDigest ?? null, caller.organizationId, caller.role];
  const text = loader ? checkedWithLoader(target, loader) : CHECKED_ACCESS_SQL[target];
  const { columns, rows } = await sql.arrays(`checked-${target}-access${loader ? `+${loader.name}` : ''}`, text, values);
  const [row] = rows;
  const marker = loader ? columns.indexOf(LOADED_MARKER) : columns.length;
  const access = columnsOf(columns, row, ACCESS_FROM, marker) as unknown as ProjectAccessRow & Partial<SpaceAccessRow>;
  return {
    credentialLive: row[CREDENTIAL_LIVE_COLUMN] as boolean,
    readAt: { snapshot: row[SNAPSHOT_COLUMN] as string, checkedAt: row[CHECKED_AT_COLUMN] as string, serverStartedAt: row[SERVER_STARTED_AT_COLUMN] as string },
    access: access.projectId !== null ? access : undefined,
    loaded: loader ? columnsOf(columns, row, marker + 1, columns.length) : undefined,
  };
}

/** The organization id of a group, or undefined when there is no such group. */
export async function selectGroupOrganizationId(sql: PreparedSql, groupUuid: string): Promise<string | undefined> {
  const [row] = await sql.rows<{ organizationId: string }>(
    'group-organization',
    'SELECT organization_id::text AS "organizationId" FROM groups WHERE group_uuid = $1',
    [groupUuid],
  );
  return row?.organizationId;
}

/** The caller's standing on live space $1 (the statement the access check of a space route runs, under its own name). */
export async function selectSpaceAccess(sql: PreparedSql, spaceUuid: string, userId: string): Promise<SpaceAccessRow | undefined> {
  const [row] = await sql.rows<SpaceAccessRow>('space-access', SPACE_BY_UUID, [spaceUuid, userId]);
  return row;
}

/** The caller's standing on the space of a live space, chart or dashboard $1. */
export async function selectContentSpaceAccess(sql: PreparedSql, kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccessRow | undefined> {
  const [row] = await sql.rows<SpaceAccessRow>(`${kind}-space-access`, ACCESS_SQL[kind], [uuid, userId]);
  return row;
}

/** The same for a space, chart or dashboard in the trash. */
export async function selectTrashedContentSpaceAccess(sql: PreparedSql, kind: ContentKind, uuid: string, userId: string): Promise<SpaceAccessRow | undefined> {
  const [row] = await sql.rows<SpaceAccessRow>(`trashed-${kind}-space-access`, TRASHED_CONTENT_SPACE[kind], [uuid, userId]);
  return row;
}

/** FIRST_VISIBLE_SPACE of project $1 for user $2. */
export async function selectFirstVisibleSpace(sql: PreparedSql, projectId: string, userId: string): Promise<SpaceAccessRow | undefined> {
  const [row] = await sql.rows<SpaceAccessRow>('first-visible-space', FIRST_VISIBLE_SPACE, [projectId, userId]);
  return row;
}
