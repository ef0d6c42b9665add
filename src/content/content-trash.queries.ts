import type { EntityManager } from 'typeorm';
import {
  type ContentKind,
  deletePermanentlySql,
  LOCK_SUBTREE_SQL,
  type LockedItemRow,
  lockItemSql,
  PURGE_LOCK_KEY,
  PURGE_SQL,
  RESTORE_SPACE_SQL,
  restoreItemSql,
  SPACE_STATE_SQL,
  TRASH_SPACE_SQL,
  trashItemSql,
} from './content.queries.js';

// The statements of the trash (moving content to it, restoring it, deleting it for good, purging it),
// run in the caller's transaction; most of their SQL is in content.queries.ts. ContentTrashService and
// TrashPurgeService hold the rules.

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
