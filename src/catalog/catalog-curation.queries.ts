import type { EntityManager } from 'typeorm';
import type { CatalogItemIcon } from './dto/catalog-curation.dto.js';

// The SQL of catalog curation (tables catalog_item_categories and catalog_items' icon). Each function is
// one statement, run in the caller's transaction; CatalogCurationService holds the rules.

export interface LockedCatalogItemRow {
  catalogItemId: string;
  itemType: string;
  tableName: string;
  fieldName: string | null;
  icon: unknown;
}

/** What a lock on a catalog item keeps from happening until the transaction ends: its deletion, or any change to it. */
export type CatalogItemLock = 'deletion' | 'change';

const LOCK_CLAUSES: Record<CatalogItemLock, string> = { deletion: 'FOR KEY SHARE', change: 'FOR NO KEY UPDATE' };

/** The catalog item of the project, locked; none when the project has no such item. */
export async function lockCatalogItem(
  manager: EntityManager,
  projectId: string,
  catalogSearchUuid: string,
  against: CatalogItemLock,
): Promise<LockedCatalogItemRow | undefined> {
  const [item]: LockedCatalogItemRow[] = await manager.query(
    `SELECT catalog_item_id::text AS "catalogItemId", item_type AS "itemType", table_name AS "tableName", field_name AS "fieldName", icon
       FROM catalog_items WHERE catalog_search_uuid = $1 AND project_id = $2 ${LOCK_CLAUSES[against]}`,
    [catalogSearchUuid, projectId],
  );
  return item;
}

/** The tag of the project, kept from being deleted until the transaction ends (KEY SHARE); none when the project has no such tag. */
export async function shareLockTag(manager: EntityManager, projectId: string, tagUuid: string): Promise<{ tagId: string; name: string } | undefined> {
  const [tag]: { tagId: string; name: string }[] = await manager.query(
    'SELECT tag_id::text AS "tagId", name FROM tags WHERE tag_uuid = $1 AND project_id = $2 FOR KEY SHARE',
    [tagUuid, projectId],
  );
  return tag;
}

/** Gives the item the tag as a category; false when it had it already. */
export async function insertCategory(manager: EntityManager, catalogItemId: string, tagId: string): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO catalog_item_categories (catalog_item_id, tag_id) VALUES ($1, $2)
           ON CONFLICT (catalog_item_id, tag_id) DO NOTHING RETURNING 1`,
    [catalogItemId, tagId],
  );
  return inserted.length > 0;
}

/** Takes the category (a tag of the project, by uuid) from the item; false when it did not have it. */
export async function deleteCategory(manager: EntityManager, projectId: string, catalogItemId: string, tagUuid: string): Promise<boolean> {
  // DELETE … RETURNING answers [rows, rowCount]
  const [removed]: [unknown[], number] = await manager.query(
    `DELETE FROM catalog_item_categories k USING tags t
         WHERE k.catalog_item_id = $1 AND k.tag_id = t.tag_id AND t.tag_uuid = $2 AND t.project_id = $3
         RETURNING 1`,
    [catalogItemId, tagUuid, projectId],
  );
  return removed.length > 0;
}

/** Sets the item's icon (null: none). */
export async function updateIcon(manager: EntityManager, catalogItemId: string, icon: CatalogItemIcon | null): Promise<void> {
  await manager.query('UPDATE catalog_items SET icon = $2::jsonb WHERE catalog_item_id = $1', [catalogItemId, icon === null ? null : JSON.stringify(icon)]);
}
