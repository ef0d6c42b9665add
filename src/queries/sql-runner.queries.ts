import type { WarehouseService, WarehouseTarget } from '../warehouses/warehouse.service.js';

// The statements the SQL runner sends to a project's warehouse (not to this server's database): its
// information_schema, read through WarehouseService. QueriesService holds the rules.

export interface WarehouseTableRow {
  table_catalog: string;
  table_schema: string;
  table_name: string;
}

/** The base tables of database `database`, system schemas left out, by catalog, schema and name. */
export async function selectWarehouseTables(warehouse: WarehouseService, target: WarehouseTarget, database: string): Promise<WarehouseTableRow[]> {
  const { rows } = await warehouse.fetchRows(
    target,
    `SELECT table_catalog, table_schema, table_name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_catalog = $1 AND table_schema NOT IN ('information_schema', 'pg_catalog')
       ORDER BY 1, 2, 3`,
    [database],
  );
  return rows as unknown as WarehouseTableRow[];
}

export interface WarehouseColumnRow {
  column_name: string;
  data_type: string;
}

/** The columns of one table, in their order; none when there is no such table (or the role may not see it). */
export async function selectWarehouseColumns(
  warehouse: WarehouseService,
  target: WarehouseTarget,
  table: { tableName: string; schemaName: string; database: string },
): Promise<WarehouseColumnRow[]> {
  const { rows } = await warehouse.fetchRows(
    target,
    `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_name = $1 AND table_schema = $2 AND table_catalog = $3 ORDER BY ordinal_position`,
    [table.tableName, table.schemaName, table.database],
  );
  return rows as unknown as WarehouseColumnRow[];
}
