import type { EntityManager } from 'typeorm';
import {
  type ContentKind,
  deletePermanentlySql,
  LOCK_SUBTREE_SQL,
  type LockedItemRow,
  lockItemSql,
  RESTORE_SPACE_SQL,
  restoreItemSql,
  SPACE_STATE_SQL,
  TRASH_SPACE_SQL,
  trashItemSql,
} from './content.queries.js';

// The statements of the trash (moving content to it, restoring it, deleting it for good), run in the
// caller's transaction; their SQL is in content.queries.ts. ContentTrashService holds the rules.

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
