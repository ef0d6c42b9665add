import type { EntityManager } from 'typeorm';
import type { MetricsTreeEdgeDto, MetricsTreeNodeDto } from './dto/metrics-tree.dto.js';

// The SQL of the metrics tree (table catalog_metrics_tree_edges). Each function is one statement, run
// in the caller's transaction where there is one; MetricsTreeService holds the rules.

/** A metric of an edge (catalog_items row `item`) as the answers show it. */
const metricJson = (item: string) =>
  `json_build_object('catalogSearchUuid', ${item}.catalog_search_uuid, 'name', ${item}.name, 'label', coalesce(${item}.label, ${item}.name), 'tableName', ${item}.table_name)`;

/** Edges of the project; `filter` is SQL over `s`/`t` (the source and target items), with parameters from $3. */
function edgesSql(filter = ''): string {
  return `
    SELECT ${metricJson('s')} AS source,
           ${metricJson('t')} AS target,
           e.created_at AS "createdAt", u.user_uuid AS "createdByUserUuid", $2::uuid AS "projectUuid", e.created_from AS "createdFrom"
    FROM catalog_metrics_tree_edges e
    JOIN catalog_items s ON s.catalog_item_id = e.source_catalog_item_id
    JOIN catalog_items t ON t.catalog_item_id = e.target_catalog_item_id
    LEFT JOIN users u ON u.user_id = e.created_by_user_id
    WHERE s.project_id = $1 AND t.project_id = $1 ${filter}
    ORDER BY e.created_at, e.source_catalog_item_id, e.target_catalog_item_id`;
}

/** The project's edges whose source and target are both among the metrics (catalogSearchUuids); $2, the project's uuid, is echoed in each. */
export function selectEdgesAmong(manager: EntityManager, projectId: string, projectUuid: string, metricUuids: string[]): Promise<MetricsTreeEdgeDto[]> {
  return manager.query(edgesSql('AND s.catalog_search_uuid = ANY($3::uuid[]) AND t.catalog_search_uuid = ANY($3::uuid[])'), [projectId, projectUuid, metricUuids]);
}

/** Every edge of the project; $2, the project's uuid, is echoed in each. */
export function selectAllEdges(manager: EntityManager, projectId: string, projectUuid: string): Promise<MetricsTreeEdgeDto[]> {
  return manager.query(edgesSql(), [projectId, projectUuid]);
}

/** An edge created in the UI by the user. */
export async function insertEdge(manager: EntityManager, sourceCatalogItemId: string, targetCatalogItemId: string, userId: string): Promise<void> {
  await manager.query(
    `INSERT INTO catalog_metrics_tree_edges (source_catalog_item_id, target_catalog_item_id, created_from, created_by_user_id)
           VALUES ($1, $2, 'ui', $3)`,
    [sourceCatalogItemId, targetCatalogItemId, userId],
  );
}

export interface DeletedEdgeRow {
  source: MetricsTreeNodeDto;
  target: MetricsTreeNodeDto;
  createdFrom: string;
}

/** Deletes the project's edge between the metrics (catalogSearchUuids); none when the project has no such edge. */
export async function deleteEdge(manager: EntityManager, projectId: string, sourceUuid: string, targetUuid: string): Promise<DeletedEdgeRow | undefined> {
  // DELETE … RETURNING answers [rows, rowCount]
  const [[deleted]]: [DeletedEdgeRow[], number] = await manager.query(
    `DELETE FROM catalog_metrics_tree_edges e USING catalog_items s, catalog_items t
         WHERE s.catalog_item_id = e.source_catalog_item_id AND t.catalog_item_id = e.target_catalog_item_id
           AND s.catalog_search_uuid = $1 AND t.catalog_search_uuid = $2 AND s.project_id = $3 AND t.project_id = $3
         RETURNING ${metricJson('s')} AS source,
                   ${metricJson('t')} AS target,
                   e.created_from AS "createdFrom"`,
    [sourceUuid, targetUuid, projectId],
  );
  return deleted;
}

export interface CatalogItemKindRow {
  catalogItemId: string;
  catalogSearchUuid: string;
  name: string;
  tableName: string;
  itemType: string;
  fieldType: string | null;
}

/** The catalog item of the project, kept from being deleted until the transaction ends (KEY SHARE); none when the project has no such item. */
export async function shareLockCatalogItem(manager: EntityManager, projectId: string, catalogSearchUuid: string): Promise<CatalogItemKindRow | undefined> {
  const [item]: CatalogItemKindRow[] = await manager.query(
    `SELECT catalog_item_id::text AS "catalogItemId", catalog_search_uuid AS "catalogSearchUuid", name, table_name AS "tableName",
              item_type AS "itemType", field_type AS "fieldType"
       FROM catalog_items WHERE catalog_search_uuid = $1 AND project_id = $2 FOR KEY SHARE`,
    [catalogSearchUuid, projectId],
  );
  return item;
}
