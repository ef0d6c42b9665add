import type { EntityManager } from 'typeorm';
import { CONTENT_TABLE, type ContentKind } from './content.queries.js';

// The statements of the trash (moving content to it, restoring it, deleting it for good, purging it),
// run in the caller's transaction. ContentTrashService and TrashPurgeService hold the rules.

/** A content row locked for a trash action, with the space it lives in (a space's own parent). */
export interface LockedItemRow {
  id: string;
  name: string;
  projectId: string;
  trashed: boolean;
  /** the space it lives in (for a space: its parent), or null for a root space */
  spaceId: string | null;
  spaceName: string | null;
}

/**
 * Locks one chart, dashboard or space ($1 its uuid) for a change of its trash state: concurrent
 * trash, restore and permanent-delete requests on it run one after the other, and each sees what
 * the previous one left. Charts and dashboards also hold their space, so it cannot be trashed
 * half-way through a restore into it.
 */
function lockItemSql(kind: ContentKind): string {
  const { table, id, uuid } = CONTENT_TABLE[kind];
  if (kind === 'space') {
    return `SELECT x.space_id::text AS id, x.name, x.project_id::text AS "projectId", x.deleted_at IS NOT NULL AS trashed,
                   x.parent_space_id::text AS "spaceId", NULL::text AS "spaceName"
            FROM spaces x WHERE x.space_uuid = $1 FOR UPDATE`;
  }
  return `SELECT x.${id}::text AS id, x.name, x.project_id::text AS "projectId", x.deleted_at IS NOT NULL AS trashed,
                 s.space_id::text AS "spaceId", s.name AS "spaceName"
          FROM ${table} x JOIN spaces s ON s.space_id = x.space_id WHERE x.${uuid} = $1 FOR UPDATE OF x FOR SHARE OF s`;
}

/** Whether space $1 is live, read under a share lock (waits for a concurrent trash of it to settle). */
const SPACE_STATE_SQL = `SELECT space_id::text AS id, name, deleted_at IS NOT NULL AS trashed FROM spaces WHERE space_id = $1 FOR SHARE`;

/**
 * Locks space $1 and every space below it before they are trashed: a space being created under one
 * of them (its ancestry trigger holds the parent with FOR SHARE) either commits first and is trashed
 * with them by the next statement, or waits and then finds its parent in the trash.
 */
const LOCK_SUBTREE_SQL = `SELECT space_id FROM spaces WHERE ancestor_ids @> ARRAY[$1::bigint] ORDER BY space_id FOR UPDATE`;

/**
 * Trashes space $1 ($2 the user) and everything still live below it: child spaces, charts and
 * dashboards carry the space they went with, so its restore brings back exactly them.
 */
const TRASH_SPACE_SQL = `
  WITH subtree AS (SELECT space_id FROM spaces WHERE ancestor_ids @> ARRAY[$1::bigint]),
  root AS (
    UPDATE spaces SET deleted_at = now(), deleted_by_user_id = $2, deleted_with_space_id = NULL
    WHERE space_id = $1 AND deleted_at IS NULL RETURNING space_id
  ),
  below AS (
    UPDATE spaces SET deleted_at = now(), deleted_by_user_id = $2, deleted_with_space_id = $1
    WHERE space_id IN (SELECT space_id FROM subtree) AND space_id <> $1 AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM root) RETURNING 1
  ),
  charts AS (
    UPDATE saved_charts SET deleted_at = now(), deleted_by_user_id = $2, deleted_with_space_id = $1
    WHERE space_id IN (SELECT space_id FROM subtree) AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM root) RETURNING 1
  ),
  dashboards AS (
    UPDATE dashboards SET deleted_at = now(), deleted_by_user_id = $2, deleted_with_space_id = $1
    WHERE space_id IN (SELECT space_id FROM subtree) AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM root) RETURNING 1
  )
  SELECT (SELECT count(*) FROM root)::int AS trashed, (SELECT count(*) FROM below)::int AS spaces,
         (SELECT count(*) FROM charts)::int AS charts, (SELECT count(*) FROM dashboards)::int AS dashboards`;

/** Trashes chart or dashboard $1 (its id), $2 the user. */
function trashItemSql(kind: Exclude<ContentKind, 'space'>): string {
  const { table, id } = CONTENT_TABLE[kind];
  return `UPDATE ${table} SET deleted_at = now(), deleted_by_user_id = $2, deleted_with_space_id = NULL WHERE ${id} = $1 AND deleted_at IS NULL`;
}

/** Restores space $1 and what went to the trash with it. */
const RESTORE_SPACE_SQL = `
  WITH root AS (
    UPDATE spaces SET deleted_at = NULL, deleted_by_user_id = NULL, deleted_with_space_id = NULL
    WHERE space_id = $1 AND deleted_at IS NOT NULL RETURNING 1
  ),
  below AS (
    UPDATE spaces SET deleted_at = NULL, deleted_by_user_id = NULL, deleted_with_space_id = NULL
    WHERE deleted_with_space_id = $1 AND EXISTS (SELECT 1 FROM root) RETURNING 1
  ),
  charts AS (
    UPDATE saved_charts SET deleted_at = NULL, deleted_by_user_id = NULL, deleted_with_space_id = NULL
    WHERE deleted_with_space_id = $1 AND EXISTS (SELECT 1 FROM root) RETURNING 1
  ),
  dashboards AS (
    UPDATE dashboards SET deleted_at = NULL, deleted_by_user_id = NULL, deleted_with_space_id = NULL
    WHERE deleted_with_space_id = $1 AND EXISTS (SELECT 1 FROM root) RETURNING 1
  )
  SELECT (SELECT count(*) FROM root)::int AS restored, (SELECT count(*) FROM below)::int AS spaces,
         (SELECT count(*) FROM charts)::int AS charts, (SELECT count(*) FROM dashboards)::int AS dashboards`;

/** Restores chart or dashboard $1 (its id). */
function restoreItemSql(kind: Exclude<ContentKind, 'space'>): string {
  const { table, id } = CONTENT_TABLE[kind];
  return `UPDATE ${table} SET deleted_at = NULL, deleted_by_user_id = NULL, deleted_with_space_id = NULL WHERE ${id} = $1 AND deleted_at IS NOT NULL`;
}

/** Deletes trashed item $1 (its id) for good; a space takes everything below it (foreign keys cascade). */
function deletePermanentlySql(kind: ContentKind): string {
  const { table, id } = CONTENT_TABLE[kind];
  return `DELETE FROM ${table} WHERE ${id} = $1 AND deleted_at IS NOT NULL`;
}


/**
 * Purges, for project-wide retention: at most $2 trashed rows of each table deleted before $1
 * (spaces first: their subtree goes with them). Returns how many rows went.
 */
const PURGE_SQL = `
  WITH spaces_gone AS (
    DELETE FROM spaces WHERE space_id IN (SELECT space_id FROM spaces WHERE deleted_at < $1 LIMIT $2) RETURNING 1
  ),
  charts_gone AS (
    DELETE FROM saved_charts WHERE saved_chart_id IN (SELECT saved_chart_id FROM saved_charts WHERE deleted_at < $1 LIMIT $2) RETURNING 1
  ),
  dashboards_gone AS (
    DELETE FROM dashboards WHERE dashboard_id IN (SELECT dashboard_id FROM dashboards WHERE deleted_at < $1 LIMIT $2) RETURNING 1
  )
  SELECT ((SELECT count(*) FROM spaces_gone) + (SELECT count(*) FROM charts_gone) + (SELECT count(*) FROM dashboards_gone))::int AS purged`;

/** The key of the advisory lock that keeps purges on several replicas from doing the same work. */
export const PURGE_LOCK_KEY = 0x74726173; // 'tras'

/** What a space took with it to the trash, or brought back from it. */
export interface SubtreeCountsRow {
  spaces: number;
  charts: number;
  dashboards: number;
}

/** The item locked for a change of its trash state (see lockItemSql); none when there is no such item. */
export async function lockItem(tx: EntityManager, kind: ContentKind, uuid: string): Promise<LockedItemRow | undefined> {
  const [row]: LockedItemRow[] = await tx.query(lockItemSql(kind), [uuid]);
  return row;
}

export async function lockSubtree(tx: EntityManager, spaceId: string): Promise<void> {
  await tx.query(LOCK_SUBTREE_SQL, [spaceId]);
}

/** Trashes the space and everything live below it; answers what went with it. */
export async function trashSpace(tx: EntityManager, spaceId: string, userId: string): Promise<SubtreeCountsRow> {
  const [counts]: (SubtreeCountsRow & { trashed: number })[] = await tx.query(TRASH_SPACE_SQL, [spaceId, userId]);
  return counts;
}

export async function trashItem(tx: EntityManager, kind: Exclude<ContentKind, 'space'>, id: string, userId: string): Promise<void> {
  await tx.query(trashItemSql(kind), [id, userId]);
}

/** The space's name and whether it is in the trash, under a share lock; none when it is gone. */
export async function selectSpaceState(tx: EntityManager, spaceId: string): Promise<{ id: string; name: string; trashed: boolean } | undefined> {
  const [space]: { id: string; name: string; trashed: boolean }[] = await tx.query(SPACE_STATE_SQL, [spaceId]);
  return space;
}

/** Restores the space and what went to the trash with it; answers what came back with it. */
export async function restoreSpace(tx: EntityManager, spaceId: string): Promise<SubtreeCountsRow> {
  const [counts]: (SubtreeCountsRow & { restored: number })[] = await tx.query(RESTORE_SPACE_SQL, [spaceId]);
  return counts;
}

export async function restoreItem(tx: EntityManager, kind: Exclude<ContentKind, 'space'>, id: string): Promise<void> {
  await tx.query(restoreItemSql(kind), [id]);
}

export async function deletePermanently(tx: EntityManager, kind: ContentKind, id: string): Promise<void> {
  await tx.query(deletePermanentlySql(kind), [id]);
}

/** Takes the purge's advisory lock for the transaction; false when another replica's purge holds it. */
export async function tryLockPurge(tx: EntityManager): Promise<boolean> {
  const [{ locked }]: { locked: boolean }[] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [PURGE_LOCK_KEY]);
  return locked;
}

/** Deletes for good at most `batch` rows of each table trashed before `cutoff`; answers how many rows went. */
export async function purgeTrashedBefore(tx: EntityManager, cutoff: Date, batch: number): Promise<number> {
  const [{ purged }]: { purged: number }[] = await tx.query(PURGE_SQL, [cutoff, batch]);
  return purged;
}
