import type { EntityManager } from 'typeorm';
import { DEMO_SCHEMA, demoDataStatements } from './demo-data.sql.js';

// The SQL of the demo warehouse: its marker row (table demo_warehouse), its data (schema DEMO_SCHEMA,
// statements in demo-data.sql.ts), its reader role, and the demo project's rows. Each function runs in
// the caller's transaction; DemoWarehouseService holds the rules.

/** Lets this transaction's statements run up to five minutes (generating the data takes longer than a request). */
export async function allowLongStatements(manager: EntityManager): Promise<void> {
  await manager.query(`SET LOCAL statement_timeout = '5min'`);
}

/** Waits for the advisory lock `key` and holds it until the transaction ends. */
export async function advisoryLock(manager: EntityManager, key: number): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [key]);
}

/** Takes the advisory lock `key` shared until the transaction ends, unless someone holds it exclusively; answers whether it did. */
export async function tryAdvisoryLockShared(manager: EntityManager, key: number): Promise<boolean> {
  const [{ free }]: { free: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock_shared($1) AS free', [key]);
  return free;
}

export interface DemoStateRow {
  dataVersion: number;
  projectId: string | null;
  attached: boolean;
  schemaExists: boolean;
}

/** The marker row, and whether the generated data is there; none before the first generation. */
export async function selectDemoState(manager: EntityManager): Promise<DemoStateRow | undefined> {
  const [row]: DemoStateRow[] = await manager.query(
    `SELECT data_version AS "dataVersion", project_id::text AS "projectId", attached_at IS NOT NULL AS attached,
              to_regclass($1) IS NOT NULL AS "schemaExists"
       FROM demo_warehouse`,
    [`${DEMO_SCHEMA}.orders`],
  );
  return row;
}

/** Whether the demo's schema exists. */
export async function demoSchemaExists(manager: EntityManager): Promise<boolean> {
  const [{ foreign }]: { foreign: boolean }[] = await manager.query('SELECT to_regnamespace($1) IS NOT NULL AS foreign', [DEMO_SCHEMA]);
  return foreign;
}

/** Drops and generates the demo's schema and data (demo-data.sql.ts), statement by statement. */
export async function generateDemoData(manager: EntityManager): Promise<void> {
  for (const statement of demoDataStatements()) await manager.query(statement);
}

export async function countDemoOrders(manager: EntityManager): Promise<number> {
  const [{ orders }]: { orders: number }[] = await manager.query(`SELECT count(*)::int AS orders FROM ${DEMO_SCHEMA}.orders`);
  return orders;
}

/** Writes the marker row's data version and order count; `generated`: the data was just generated (now). */
export async function upsertDemoMarker(manager: EntityManager, dataVersion: number, orders: number, generated: boolean): Promise<void> {
  await manager.query(
    `INSERT INTO demo_warehouse (data_version, order_count) VALUES ($1, $2)
         ON CONFLICT (singleton) DO UPDATE SET data_version = excluded.data_version, order_count = excluded.order_count,
           generated_at = CASE WHEN $3 THEN now() ELSE demo_warehouse.generated_at END`,
    [dataVersion, orders, generated],
  );
}

/** The marker row, locked until the transaction ends: the demo project, and whether it was given to an organization. */
export async function lockDemoMarker(manager: EntityManager): Promise<{ projectId: string | null; attached: boolean }> {
  const [marker]: { projectId: string | null; attached: boolean }[] = await manager.query(
    'SELECT project_id::text AS "projectId", attached_at IS NOT NULL AS attached FROM demo_warehouse FOR UPDATE',
  );
  return marker;
}

/** Whether the demo is ready and not given to an organization yet; its marker row is then locked until the transaction ends. */
export async function lockPendingDemoMarker(manager: EntityManager): Promise<boolean> {
  const pending: unknown[] = await manager.query('SELECT 1 FROM demo_warehouse WHERE attached_at IS NULL FOR UPDATE');
  return pending.length > 0;
}

/** The instance's first organization; none when there is none yet. */
export async function selectFirstOrganization(manager: EntityManager): Promise<{ organizationId: string } | undefined> {
  const [first]: { organizationId: string }[] = await manager.query(
    'SELECT organization_id AS "organizationId" FROM organizations ORDER BY created_at, organization_id LIMIT 1',
  );
  return first;
}

export async function selectProjectUuid(manager: EntityManager, projectId: string): Promise<string | undefined> {
  const [project]: { projectUuid: string }[] = await manager.query('SELECT project_uuid AS "projectUuid" FROM projects WHERE project_id = $1', [projectId]);
  return project?.projectUuid;
}

export async function selectOrganizationUuid(manager: EntityManager, organizationId: string | number): Promise<string> {
  const [organization]: { organizationUuid: string }[] = await manager.query(
    'SELECT organization_uuid AS "organizationUuid" FROM organizations WHERE organization_id = $1',
    [organizationId],
  );
  return organization.organizationUuid;
}

/** Inserts the demo project (named `name`) into the organization, `userId` its creator (none at start-up). */
export async function insertDemoProject(
  manager: EntityManager,
  organizationId: string | number,
  name: string,
  userId: string | number | null,
): Promise<{ projectId: string; projectUuid: string }> {
  const [project]: { projectId: string; projectUuid: string }[] = await manager.query(
    `INSERT INTO projects (organization_id, name, project_type, dbt_version, dbt_connection, created_by_user_id)
       VALUES ($1, $2, 'DEFAULT', 'v1.9', '{"type":"none"}', $3)
       RETURNING project_id::text AS "projectId", project_uuid AS "projectUuid"`,
    [organizationId, name, userId],
  );
  return project;
}

/** Records the project as the demo's, given to its organization now. */
export async function attachDemoProject(manager: EntityManager, projectId: string): Promise<void> {
  await manager.query('UPDATE demo_warehouse SET project_id = $1, attached_at = now()', [projectId]);
}

/** Points the project at a PostgreSQL warehouse: the returned fields of the connection, and the kept ones encrypted. */
export async function storeWarehouseConnection(manager: EntityManager, projectId: string, returned: Record<string, unknown>, encryptedSecrets: Buffer): Promise<void> {
  await manager.query(
    `UPDATE projects SET warehouse_type = 'postgres', warehouse_connection = $2, encrypted_warehouse_secrets = $3, updated_at = now()
       WHERE project_id = $1`,
    [projectId, JSON.stringify(returned), encryptedSecrets],
  );
}

/** The name of the database this server uses. */
export async function currentDatabase(manager: EntityManager): Promise<string> {
  const [{ database }]: { database: string }[] = await manager.query('SELECT current_database() AS database');
  return database;
}

export async function roleExists(manager: EntityManager, role: string): Promise<boolean> {
  const exists: unknown[] = await manager.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  return exists.length > 0;
}

const quoted = (manager: EntityManager, identifier: string) => manager.connection.driver.escape(identifier);

export async function createRole(manager: EntityManager, role: string): Promise<void> {
  await manager.query(`CREATE ROLE ${quoted(manager, role)}`);
}

/**
 * Makes the role the demo's reader: it may log in (at most 50 connections) with `password`, and
 * nothing more; its sessions default to read only, the demo's schema and a 60 s statement timeout,
 * and it may read every table of the schema.
 */
export async function configureReaderRole(manager: EntityManager, role: string, password: string): Promise<void> {
  const name = quoted(manager, role);
  // the password is hex: safe inside a literal
  await manager.query(`ALTER ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50 PASSWORD '${password}'`);
  // a session may change these, but they make the intent hold for every tool that connects as it
  await manager.query(`ALTER ROLE ${name} SET default_transaction_read_only = on`);
  await manager.query(`ALTER ROLE ${name} SET search_path = ${DEMO_SCHEMA}`);
  await manager.query(`ALTER ROLE ${name} SET statement_timeout = '60s'`);
  await manager.query(`GRANT USAGE ON SCHEMA ${DEMO_SCHEMA} TO ${name}`);
  await manager.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${DEMO_SCHEMA} TO ${name}`);
}

/** Takes from PUBLIC the right to create temporary tables in this database and any right on its schema `public`. */
export async function revokePublicRights(manager: EntityManager): Promise<void> {
  const database = quoted(manager, (await manager.query('SELECT current_database() AS name'))[0].name);
  await manager.query(`REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
  await manager.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
}
