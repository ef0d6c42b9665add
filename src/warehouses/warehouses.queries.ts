import type { DataSource } from 'typeorm';

export interface StoredWarehouseRow {
  warehouseConnection: Record<string, unknown> | null;
  encryptedWarehouseSecrets: Buffer | null;
  /** the caller's credentials of the project's warehouse type: the ones selected for the project, else the newest */
  encryptedUserCredentials: Buffer | null;
}

/** The project's stored warehouse connection and the caller's own credentials for its warehouse type, in one read. */
export async function readWarehouse(dataSource: DataSource, projectId: string, userId: string): Promise<StoredWarehouseRow | undefined> {
  const [row]: StoredWarehouseRow[] = await dataSource.query(
    `SELECT p.warehouse_connection AS "warehouseConnection", p.encrypted_warehouse_secrets AS "encryptedWarehouseSecrets",
            (SELECT c.encrypted_credentials
             FROM user_warehouse_credentials c
             LEFT JOIN project_user_warehouse_credentials s
               ON s.project_id = p.project_id AND s.user_id = c.user_id AND s.user_warehouse_credentials_id = c.user_warehouse_credentials_id
             WHERE c.user_id = $2 AND c.warehouse_type = p.warehouse_type
             ORDER BY (s.user_id IS NOT NULL) DESC, c.created_at DESC, c.user_warehouse_credentials_id DESC
             LIMIT 1) AS "encryptedUserCredentials"
     FROM projects p WHERE p.project_id = $1`,
    [projectId, userId],
  );
  return row;
}
