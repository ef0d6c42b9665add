import type { EntityManager } from 'typeorm';
import type { ExploresUpload } from './explore-upload.js';

// The SQL of a project's explores (tables explores and catalog_items). Each function runs in the
// caller's transaction where there is one; ExploresService holds the rules.

/**
 * Locks the project's row until the transaction ends, so that one upload of its explores, or one
 * validation run against them, runs at a time; NO KEY UPDATE still lets other rows reference the project.
 */
export async function lockProjectExplores(manager: EntityManager, projectId: string): Promise<void> {
  await manager.query('SELECT 1 FROM projects WHERE project_id = $1 FOR NO KEY UPDATE', [projectId]);
}

/** The summaries of the project's explores, by name in byte order. */
export async function selectExploreSummaries(manager: EntityManager, projectId: string): Promise<Record<string, unknown>[]> {
  const rows: { summary: Record<string, unknown> }[] = await manager.query('SELECT summary FROM explores WHERE project_id = $1 ORDER BY name COLLATE "C"', [projectId]);
  return rows.map((row) => row.summary);
}

export interface ExploreDefinitionRow {
  isErrored: boolean;
  definition: Record<string, unknown>;
}

/** The explore of the project by name; none when there is no such explore. */
export async function selectExploreDefinition(manager: EntityManager, projectId: string, exploreName: string): Promise<ExploreDefinitionRow | undefined> {
  const [row]: ExploreDefinitionRow[] = await manager.query('SELECT is_errored AS "isErrored", definition FROM explores WHERE project_id = $1 AND name = $2', [
    projectId,
    exploreName,
  ]);
  return row;
}

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
  // An item uploaded unchanged is not written: a re-upload of the same explores leaves no dead rows
  // behind, which every catalog search would otherwise visit until the next vacuum (docs/performance.md).
  // One statement: the DELETE sees the rows as they were before it and removes the identities the
  // upload does not have. NOT IN is a hashed lookup (the upload's rows are estimated at a constant
  // 100), whatever the planner believes of the project's size; as an anti join, a project uploaded
  // moments before looked empty and was compared row by row with the upload (20,000 items: 20 s).
  // The identity's columns are never null in the upload (the INSERT refuses them), so NOT IN cannot
  // be fooled by a null.
  const [{ catalogItems }] = await manager.query(
    `WITH incoming AS (
       SELECT x.*, catalog_search_vector(x.name, x.label, x.description) AS search_vector
       FROM jsonb_to_recordset($2::jsonb) AS x(item_type text, table_name text, field_name text, field_type text, name text,
                                               label text, description text, explore_name text, definition jsonb)
     ), upserted AS (
       INSERT INTO catalog_items (project_id, item_type, table_name, field_name, field_type, name, label, description, explore_name, definition, search_vector)
       SELECT $1, x.item_type, x.table_name, x.field_name, x.field_type, x.name, x.label, x.description, x.explore_name, x.definition, x.search_vector
       FROM incoming x
       ON CONFLICT (project_id, item_type, table_name, (coalesce(field_name, ''))) DO UPDATE SET
         field_type = excluded.field_type, name = excluded.name, label = excluded.label, description = excluded.description,
         explore_name = excluded.explore_name, definition = excluded.definition, search_vector = excluded.search_vector, updated_at = now()
       WHERE (catalog_items.field_type, catalog_items.name, catalog_items.label, catalog_items.description, catalog_items.explore_name,
              catalog_items.definition, catalog_items.search_vector)
             IS DISTINCT FROM (excluded.field_type, excluded.name, excluded.label, excluded.description, excluded.explore_name,
                               excluded.definition, excluded.search_vector)
     ), removed AS (
       DELETE FROM catalog_items c
       WHERE c.project_id = $1
         AND (c.item_type, c.table_name, coalesce(c.field_name, '')) NOT IN (SELECT x.item_type, x.table_name, coalesce(x.field_name, '') FROM incoming x)
     )
     SELECT count(*)::int AS "catalogItems" FROM incoming`,
    [projectId, JSON.stringify(upload.catalogItems)],
  );
  return catalogItems;
}
