import type { EntityManager } from 'typeorm';
import { isoTimestampSql, jsonTextSql, timestampTextSql, uuidTextSql } from '../database/json-sql.js';
import type { PreparedSql } from '../database/sql.js';
import { callerEntriesCtes, callerReachCtes, spaceBasisRoleSql, spaceOpenToCaller, spaceVisibleToCaller } from '../authorization/access.sql.js';
import type { ContentSortColumn } from './dto/content.dto.js';

/** The three kinds of content a project holds, with their table and key columns. */
export type ContentKind = 'space' | 'chart' | 'dashboard';

export const CONTENT_TABLE: Record<ContentKind, { table: string; id: string; uuid: string }> = {
  space: { table: 'spaces', id: 'space_id', uuid: 'space_uuid' },
  chart: { table: 'saved_charts', id: 'saved_chart_id', uuid: 'saved_chart_uuid' },
  dashboard: { table: 'dashboards', id: 'dashboard_id', uuid: 'dashboard_uuid' },
};

/** Moves live chart or dashboard $1 (its uuid) to space $2. */
export function moveItemSql(kind: Exclude<ContentKind, 'space'>): string {
  const { table, uuid } = CONTENT_TABLE[kind];
  return `UPDATE ${table} SET space_id = $2, updated_at = now() WHERE ${uuid} = $1 AND deleted_at IS NULL`;
}

/** Moves live chart or dashboard `uuid` to space `spaceId`; returns how many rows moved (0: not found or trashed). */
export async function moveItem(tx: EntityManager, kind: Exclude<ContentKind, 'space'>, uuid: string, spaceId: string): Promise<number> {
  const [, moved]: [unknown, number] = await tx.query(moveItemSql(kind), [uuid, spaceId]);
  return moved;
}

/** Moves space $1 under space $2 (null: to the root); the ancestry triggers carry the change down its subtree. */
export const MOVE_SPACE_SQL = `UPDATE spaces SET parent_space_id = $2, updated_at = now() WHERE space_id = $1 AND deleted_at IS NULL`;

export async function moveSpace(tx: EntityManager, spaceId: string, parentSpaceId: string | null): Promise<void> {
  await tx.query(MOVE_SPACE_SQL, [spaceId, parentSpaceId]);
}

/** One space move at a time per project (until the transaction ends): two crossing moves could otherwise make a cycle. */
export async function lockSpaceMoves(tx: EntityManager, projectId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), $2::int)', ['content-space-move', Number(projectId) % 2 ** 31]);
}

export interface SpaceToMoveRow {
  name: string;
  parentSpaceId: string | null;
  trashed: boolean;
}

/** The space about to move, locked for the move. */
export async function lockSpaceToMove(tx: EntityManager, spaceId: string): Promise<SpaceToMoveRow | undefined> {
  const [space]: SpaceToMoveRow[] = await tx.query(
    'SELECT name, parent_space_id::text AS "parentSpaceId", deleted_at IS NOT NULL AS trashed FROM spaces WHERE space_id = $1 FOR UPDATE',
    [spaceId],
  );
  return space;
}

export interface MoveDestinationRow {
  name: string;
  /** the destination is the moving space or lies below it */
  inside: boolean;
  trashed: boolean;
}

/** Space `spaceId` as the destination of moving space `movingSpaceId`, held (share lock) until the move commits. */
export async function lockMoveDestination(tx: EntityManager, spaceId: string, movingSpaceId: string): Promise<MoveDestinationRow | undefined> {
  const [destination]: MoveDestinationRow[] = await tx.query(
    'SELECT name, $2::bigint = ANY (ancestor_ids) AS inside, deleted_at IS NOT NULL AS trashed FROM spaces WHERE space_id = $1 FOR SHARE',
    [spaceId, movingSpaceId],
  );
  return destination;
}


const userRef = (alias: string, key = 'uuid') =>
  `CASE WHEN ${alias}.user_id IS NULL THEN NULL ELSE json_build_object('${key}', ${alias}.user_uuid, 'firstName', ${alias}.first_name, 'lastName', ${alias}.last_name) END`;

/** Users row `alias` as the JSON text of an item's `createdBy`/`lastUpdatedBy`, or `null`. */
const userRefText = (alias: string) =>
  `CASE WHEN ${alias}.user_id IS NULL THEN 'null' ELSE format('{"uuid":"%s","firstName":%s,"lastName":%s}', ${alias}.user_uuid, to_json(${alias}.first_name), to_json(${alias}.last_name)) END`;

const SORT_EXPRESSIONS: Record<ContentSortColumn, string> = {
  name: 'lower(i.name)',
  space_name: 'lower(i.space_name)',
  last_updated_at: 'i.last_updated_at',
  views: 'i.views',
};

/** A page of GET /api/v2/content: how many items match, and the page's items as JSON text, separated by commas (null: none). */
export interface ContentPageRow {
  totalResults: number;
  items: string | null;
}

/** What a GET /api/v2/content request asks for; absent filters are null. */
export interface ContentListRequest {
  userId: string;
  organizationId: string;
  projectUuids: string[] | null;
  /** list the content directly inside these spaces (null: root spaces, and content anywhere) */
  spaceUuids: string[] | null;
  uuids: string[] | null;
  kinds: ContentKind[];
  /** an ILIKE pattern on the name, and the same with non-alphanumerics removed */
  search: { pattern: string; compact: string } | null;
  sortBy: ContentSortColumn;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface Statement {
  /** the prepared statement's name: one per shape of request, so each keeps a plan made for it */
  name: string;
  text: string;
  values: unknown[];
}

/**
 * One page of GET /api/v2/content, in one statement written for the request's shape: only the arms
 * of the content types asked for, and only the filters given (no `$n IS NULL OR …` that a generic plan
 * would have to evaluate for every row). Projects are those where the caller has a project role;
 * spaces are filtered by spaceVisibleToCaller (the space list's rule, live spaces only), with
 * `caller_role` joined per project. Root spaces are read from the partial index of live root spaces.
 * All matching items are counted; only the page's rows are then read in full (counts, shares, users),
 * and written as JSON text: one row, the total and the page's items.
 */
export function listContentStatement(request: ContentListRequest): Statement {
  const values: unknown[] = [];
  const param = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const user = param(request.userId, 'bigint');
  const organization = param(request.organizationId, 'bigint');
  const projects = request.projectUuids && param(request.projectUuids, 'uuid[]');
  const scope = request.spaceUuids && param(request.spaceUuids, 'uuid[]');
  const uuids = request.uuids && param(request.uuids, 'uuid[]');
  const search = request.search && { pattern: param(request.search.pattern, 'text'), compact: param(request.search.compact, 'text') };
  const limit = param(request.limit, 'int');
  const offset = param(request.offset, 'int');
  const shape = [request.kinds.join('+'), projects ? 'p' : '', scope ? 's' : '', uuids ? 'u' : '', search ? 'q' : ''].join('');
  const name = `content-list-${request.sortBy}-${request.direction}-${shape}`;
  const written = statementTexts.get(name);
  if (written) return { name, text: written, values };

  const filters = (alias: string, uuidColumn: string) =>
    [
      uuids ? `${alias}.${uuidColumn} = ANY (${uuids})` : null,
      search ? `(${alias}.name ILIKE ${search.pattern} OR regexp_replace(lower(${alias}.name), '[^a-z0-9]', '', 'g') LIKE ${search.compact})` : null,
    ].filter(Boolean);
  const where = (conditions: (string | null)[]) => conditions.filter(Boolean).join(' AND ');
  const inScope = (column: string) => (scope ? `${column} IN (SELECT space_id FROM scope_spaces)` : null);
  const spacePlacement = scope ? inScope('s.parent_space_id') : uuids || search ? null : 's.parent_space_id IS NULL';

  const arms: Record<ContentKind, string> = {
    space: `
      SELECT 0 AS type_rank, 'space' AS content_type, s.space_id AS id, s.space_uuid AS uuid, s.name, s.name AS space_name, s.space_uuid, s.project_id,
             s.created_at AS last_updated_at, 0 AS views
      FROM spaces s JOIN caller_role ON caller_role.project_id = s.project_id CROSS JOIN caller_reach
      WHERE ${where([spaceVisibleToCaller('s'), spacePlacement, ...filters('s', 'space_uuid')])}`,
    dashboard: `
      SELECT 1 AS type_rank, 'dashboard' AS content_type, d.dashboard_id AS id, d.dashboard_uuid AS uuid, d.name, s.name AS space_name, s.space_uuid, s.project_id,
             d.updated_at AS last_updated_at, d.views
      FROM dashboards d JOIN spaces s ON s.space_id = d.space_id JOIN caller_role ON caller_role.project_id = s.project_id CROSS JOIN caller_reach
      WHERE ${where(['d.deleted_at IS NULL', spaceVisibleToCaller('s'), inScope('d.space_id'), ...filters('d', 'dashboard_uuid')])}`,
    chart: `
      SELECT 2 AS type_rank, 'chart' AS content_type, c.saved_chart_id AS id, c.saved_chart_uuid AS uuid, c.name, s.name AS space_name, s.space_uuid, s.project_id,
             c.updated_at AS last_updated_at, c.views
      FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id JOIN caller_role ON caller_role.project_id = s.project_id CROSS JOIN caller_reach
      WHERE ${where(['c.deleted_at IS NULL', spaceVisibleToCaller('s'), inScope('c.space_id'), ...filters('c', 'saved_chart_uuid')])}`,
  };
  const has = (kind: ContentKind) => request.kinds.includes(kind);
  const order = `i.type_rank, ${SORT_EXPRESSIONS[request.sortBy]} ${request.direction.toUpperCase()} NULLS LAST, i.uuid`;

  // Each item's JSON text, keys in the order and form JSON.stringify wrote the item objects before:
  // the page goes out as text (JsonText), without parsing rows and serializing the items again.
  const itemHead = (kind: ContentKind, row: { slug: string; description: string; createdAt: string; createdBy: string; lastUpdatedBy: string; firstViewedAt: string }) => ({
    format:
      `{"contentType":"${kind}","uuid":"%s","slug":%s,"name":%s,"description":%s,"createdAt":"%s","createdBy":%s,"lastUpdatedAt":"%s","lastUpdatedBy":%s,` +
      '"project":{"uuid":"%s","name":%s},"organization":{"uuid":"%s","name":%s},"space":{"uuid":"%s","name":%s},"pinnedList":null,"views":%s,' +
      '"firstViewedAt":%s,"verification":null',
    args: [
      'pg.uuid', `to_json(${row.slug})`, 'to_json(pg.name)', row.description, isoTimestampSql(row.createdAt), row.createdBy, isoTimestampSql('pg.last_updated_at'),
      row.lastUpdatedBy, 'home.project_uuid', 'to_json(home.project_name)', 'home.organization_uuid', 'to_json(home.organization_name)', 'pg.space_uuid',
      'to_json(pg.space_name)', 'pg.views', row.firstViewedAt,
    ],
  });
  const itemTexts: Record<ContentKind, () => string> = {
    space: () => {
      const head = itemHead('space', { slug: 's.slug', description: `'null'`, createdAt: 's.created_at', createdBy: userRefText('creator'), lastUpdatedBy: `'null'`, firstViewedAt: `'null'` });
      return `format('${head.format},"inheritParentPermissions":%s,"dashboardCount":%s,"chartCount":%s,"childSpaceCount":%s,"appCount":0,"parentSpaceUuid":%s,"path":%s,"access":%s}',
        ${[
          ...head.args,
          's.inherit_parent_permissions::text',
          // what the space holds, as its stored summary keeps it (space_list_items, kept by triggers)
          'held.dashboard_count',
          'held.chart_count',
          'held.child_space_count',
          uuidTextSql('held.parent_space_uuid'),
          'to_json(s.path)',
          // the users with a direct entry, as a JSON array of their uuids
          'held.access_uuids',
        ].join(', ')})`;
    },
    dashboard: () => {
      const head = itemHead('dashboard', {
        slug: 'd.slug',
        description: jsonTextSql('d.description'),
        createdAt: 'd.created_at',
        createdBy: userRefText('creator'),
        lastUpdatedBy: userRefText('updater'),
        firstViewedAt: timestampTextSql('d.first_viewed_at'),
      });
      return `format('${head.format}}', ${head.args.join(', ')})`;
    },
    chart: () => {
      const head = itemHead('chart', {
        slug: 'c.slug',
        description: jsonTextSql('c.description'),
        createdAt: 'c.created_at',
        createdBy: `'null'`,
        lastUpdatedBy: userRefText('updater'),
        firstViewedAt: timestampTextSql('c.first_viewed_at'),
      });
      return `format('${head.format},"source":"dbt_explore","chartKind":%s,"dashboard":null}', ${[...head.args, jsonTextSql('c.chart_kind')].join(', ')})`;
    },
  };
  const itemText =
    request.kinds.length === 1
      ? itemTexts[request.kinds[0]]()
      : `CASE pg.content_type ${request.kinds.map((kind) => `WHEN '${kind}' THEN ${itemTexts[kind]()}`).join(' ')} END`;
  // only the rows and users the kinds asked for need: every relation in the plan costs its lock and start-up on each execution
  const detailJoins = [
    has('space')
      ? `\n    LEFT JOIN spaces s ON ${request.kinds.length > 1 ? "pg.content_type = 'space' AND " : ''}s.space_id = pg.id` +
        '\n    LEFT JOIN space_list_items held ON held.space_id = s.space_id'
      : '',
    has('chart') ? `\n    LEFT JOIN saved_charts c ON ${request.kinds.length > 1 ? "pg.content_type = 'chart' AND " : ''}c.saved_chart_id = pg.id` : '',
    has('dashboard') ? `\n    LEFT JOIN dashboards d ON ${request.kinds.length > 1 ? "pg.content_type = 'dashboard' AND " : ''}d.dashboard_id = pg.id` : '',
    has('space') || has('dashboard')
      ? `\n    LEFT JOIN users creator ON creator.user_id = ${has('space') && has('dashboard') ? 'coalesce(s.created_by_user_id, d.created_by_user_id)' : has('space') ? 's.created_by_user_id' : 'd.created_by_user_id'}`
      : '',
    has('chart') || has('dashboard')
      ? `\n    LEFT JOIN users updater ON updater.user_id = ${has('chart') && has('dashboard') ? 'coalesce(c.updated_by_user_id, d.updated_by_user_id)' : has('chart') ? 'c.updated_by_user_id' : 'd.updated_by_user_id'}`
      : '',
  ].join('');
  const text = `
  WITH caller_role AS MATERIALIZED (
    SELECT p.project_id, r.role, p.project_uuid, p.name AS project_name, o.organization_uuid, o.name AS organization_name
    FROM projects p JOIN organizations o ON o.organization_id = p.organization_id
    CROSS JOIN LATERAL (SELECT ${spaceBasisRoleSql('p', user)} AS role OFFSET 0) r
    WHERE ${where([`p.organization_id = ${organization}`, projects ? `p.project_uuid = ANY (${projects})` : null, 'r.role IS NOT NULL'])}
  ),${callerReachCtes(user)},${
    scope
      ? `
  scope_spaces AS MATERIALIZED (
    SELECT s.space_id FROM spaces s JOIN caller_role ON caller_role.project_id = s.project_id CROSS JOIN caller_reach
    WHERE s.space_uuid = ANY (${scope}) AND ${spaceVisibleToCaller('s')}
  ),`
      : ''
  }
  items AS (${request.kinds.map((kind) => arms[kind]).join('\n      UNION ALL')}
  ),
  total AS MATERIALIZED (SELECT count(*)::int AS n FROM items),
  page AS MATERIALIZED (SELECT i.*, row_number() OVER (ORDER BY ${order}) AS position FROM items i ORDER BY ${order} LIMIT ${limit} OFFSET ${offset})
  SELECT total.n AS "totalResults", listed.items FROM total CROSS JOIN (
    SELECT string_agg(${itemText}, ',' ORDER BY pg.position) AS items
    FROM page pg
    -- the project and organization as the caller's role on them was read: no lookup per row
    JOIN caller_role home ON home.project_id = pg.project_id${detailJoins}
  ) listed`;
  statementTexts.set(name, text);
  return { name, text, values };
}

/** Each shape's statement text, written once: the name says everything the text depends on (as it must, naming a prepared statement). */
const statementTexts = new Map<string, string>();

/** One page of GET /api/v2/content (see listContentStatement). */
export async function selectContentPage(sql: PreparedSql, request: ContentListRequest): Promise<ContentPageRow> {
  const statement = listContentStatement(request);
  const [page] = await sql.rows<ContentPageRow>(statement.name, statement.text, statement.values);
  return page!;
}

export interface DeletedContentRow {
  totalResults: number;
  contentType: ContentKind | null;
  uuid: string;
  name: string;
  description: string | null;
  deletedAt: string;
  deletedBy: { userUuid: string; firstName: string; lastName: string } | null;
  spaceUuid: string | null;
  spaceName: string | null;
  projectUuid: string;
  organizationUuid: string;
  chartKind: string | null;
  nestedSpaceCount: number | null;
  chartCount: number | null;
  dashboardCount: number | null;
}

/**
 * One page of project $1's trash for user $2: what they could see before it was deleted (the same
 * access rule as the space list, trashed spaces included), deleted by them unless $3 (a project
 * admin sees everyone's, or those of the users $4). Things that went to the trash with a space, or
 * that sit in a trashed space, are not listed: they come back with it. $5 types, $6 name pattern,
 * $7/$8 limit and offset. Newest deletion first.
 */
export const LIST_DELETED_SQL = `
  WITH ${callerEntriesCtes('$1', '$2')},
  items AS (
    SELECT * FROM (
      SELECT 'space' AS content_type, s.space_id AS id, s.space_uuid AS uuid, s.name, NULL::text AS description, s.deleted_at,
             s.deleted_by_user_id, parent.space_uuid AS space_uuid, parent.name AS space_name
      FROM spaces s LEFT JOIN spaces parent ON parent.space_id = s.parent_space_id CROSS JOIN caller_role CROSS JOIN caller_reach
      WHERE s.project_id = $1 AND s.deleted_at IS NOT NULL AND s.deleted_with_space_id IS NULL AND parent.deleted_at IS NULL
        AND ${spaceOpenToCaller('s')}
      UNION ALL
      SELECT 'chart', c.saved_chart_id, c.saved_chart_uuid, c.name, c.description, c.deleted_at, c.deleted_by_user_id, s.space_uuid, s.name
      FROM saved_charts c JOIN spaces s ON s.space_id = c.space_id CROSS JOIN caller_role CROSS JOIN caller_reach
      WHERE c.project_id = $1 AND c.deleted_at IS NOT NULL AND c.deleted_with_space_id IS NULL AND s.deleted_at IS NULL AND ${spaceOpenToCaller('s')}
      UNION ALL
      SELECT 'dashboard', d.dashboard_id, d.dashboard_uuid, d.name, d.description, d.deleted_at, d.deleted_by_user_id, s.space_uuid, s.name
      FROM dashboards d JOIN spaces s ON s.space_id = d.space_id CROSS JOIN caller_role CROSS JOIN caller_reach
      WHERE d.project_id = $1 AND d.deleted_at IS NOT NULL AND d.deleted_with_space_id IS NULL AND s.deleted_at IS NULL AND ${spaceOpenToCaller('s')}
    ) i
    LEFT JOIN LATERAL (SELECT u.user_uuid FROM users u WHERE u.user_id = i.deleted_by_user_id) deleter ON true
    WHERE i.content_type = ANY ($5::text[])
      AND ($3::boolean OR i.deleted_by_user_id = $2)
      AND ($4::uuid[] IS NULL OR deleter.user_uuid = ANY ($4::uuid[]))
      AND ($6::text IS NULL OR i.name ILIKE $6)
  ),
  total AS MATERIALIZED (SELECT count(*)::int AS n FROM items),
  page AS MATERIALIZED (SELECT i.*, row_number() OVER (ORDER BY i.deleted_at DESC, i.uuid) AS position FROM items i ORDER BY i.deleted_at DESC, i.uuid LIMIT $7 OFFSET $8)
  SELECT total.n AS "totalResults", listed.* FROM total LEFT JOIN LATERAL (
    SELECT pg.content_type AS "contentType", pg.uuid, pg.name, pg.description, ${isoTimestampSql('pg.deleted_at')} AS "deletedAt",
           ${userRef('u', 'userUuid')} AS "deletedBy", pg.space_uuid AS "spaceUuid", pg.space_name AS "spaceName",
           p.project_uuid AS "projectUuid", o.organization_uuid AS "organizationUuid",
           (SELECT c.chart_kind FROM saved_charts c WHERE pg.content_type = 'chart' AND c.saved_chart_id = pg.id) AS "chartKind",
           CASE pg.content_type WHEN 'space' THEN (SELECT count(*)::int FROM spaces x WHERE x.deleted_with_space_id = pg.id) END AS "nestedSpaceCount",
           CASE pg.content_type WHEN 'space' THEN (SELECT count(*)::int FROM saved_charts x WHERE x.deleted_with_space_id = pg.id) END AS "chartCount",
           CASE pg.content_type WHEN 'space' THEN (SELECT count(*)::int FROM dashboards x WHERE x.deleted_with_space_id = pg.id) END AS "dashboardCount",
           pg.position
    FROM page pg
    JOIN projects p ON p.project_id = $1
    JOIN organizations o ON o.organization_id = p.organization_id
    LEFT JOIN users u ON u.user_id = pg.deleted_by_user_id
  ) listed ON true
  ORDER BY listed.position`;

/** What a page of a project's trash is asked for (see LIST_DELETED_SQL). */
export interface DeletedContentRequest {
  projectId: string;
  userId: string;
  seesEveryonesDeletions: boolean;
  deletedByUserUuids: string[] | null;
  kinds: ContentKind[];
  /** an ILIKE pattern on the name */
  search: string | null;
  limit: number;
  offset: number;
}

export function selectDeletedContentPage(sql: PreparedSql, request: DeletedContentRequest): Promise<DeletedContentRow[]> {
  return sql.rows<DeletedContentRow>('content-deleted-list', LIST_DELETED_SQL, [
    request.projectId,
    request.userId,
    request.seesEveryonesDeletions,
    request.deletedByUserUuids,
    request.kinds,
    request.search,
    request.limit,
    request.offset,
  ]);
}
