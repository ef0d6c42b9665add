import type { EntityManager } from 'typeorm';
import type { ExploresUpload } from './explore-upload.js';

/**
 * Replaces a project's explores and brings its catalog in line; returns the number of catalog items.
 * Runs in the caller's transaction, which holds the project's row lock (one upload at a time).
 */
export async function storeProjectExplores(manager: EntityManager, projectId: string | number, upload: ExploresUpload): Promise<number> {
  await manager.query('DELETE FROM explores WHERE project_id = $1', [projectId]);
  await manager.query(
    `INSERT INTO explores (project_id, name, is_errored, summary, definition)
     SELECT $1, x.name, x."isErrored", x.summary, x.definition
     FROM json_to_recordset($2::json) AS x(name text, "isErrored" boolean, summary jsonb, definition json)`,
    [projectId, JSON.stringify(upload.explores)],
  );
  // Upsert by identity so kept items keep their row (and catalog_search_uuid), then drop the rest.
  // Both in one statement: the DELETE sees the rows as they were before it, minus the upserted ones.
  const [{ catalogItems }] = await manager.query(
    `WITH upserted AS (
       INSERT INTO catalog_items (project_id, item_type, table_name, field_name, field_type, name, label, description, explore_name, definition, search_vector)
       SELECT $1, x.item_type, x.table_name, x.field_name, x.field_type, x.name, x.label, x.description, x.explore_name, x.definition,
              catalog_search_vector(x.name, x.label, x.description)
       FROM jsonb_to_recordset($2::jsonb) AS x(item_type text, table_name text, field_name text, field_type text, name text,
                                               label text, description text, explore_name text, definition jsonb)
       ON CONFLICT (project_id, item_type, table_name, (coalesce(field_name, ''))) DO UPDATE SET
         field_type = excluded.field_type, name = excluded.name, label = excluded.label, description = excluded.description,
         explore_name = excluded.explore_name, definition = excluded.definition, search_vector = excluded.search_vector, updated_at = now()
       RETURNING catalog_item_id
     ), removed AS (
       DELETE FROM catalog_items c
       WHERE c.project_id = $1 AND NOT EXISTS (SELECT 1 FROM upserted u WHERE u.catalog_item_id = c.catalog_item_id)
     )
     SELECT count(*)::int AS "catalogItems" FROM upserted`,
    [projectId, JSON.stringify(upload.catalogItems)],
  );
  return catalogItems;
}
