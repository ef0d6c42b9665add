import type { EntityManager } from 'typeorm';
import { projectVisibleSql } from '../authorization/access.sql.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';

// SQL of the project settings routes: the project's settings and connections, scheduler settings, the
// upstream project and the semantic-layer connection (table projects). ProjectSettingsService holds the rules.

/** The project's dbt and warehouse connections as stored: the returned fields, and the kept ones encrypted. */
export interface StoredConnectionsRow {
  dbtConnection: Record<string, unknown>;
  encryptedDbtSecrets: Buffer | null;
  warehouseConnection: Record<string, unknown> | null;
  encryptedWarehouseSecrets: Buffer | null;
}

/** The project's connections as stored; with `lock`, its row is locked for an update until the transaction ends. */
export async function selectStoredConnections(manager: EntityManager, projectId: string, lock: boolean): Promise<StoredConnectionsRow> {
  const [row]: StoredConnectionsRow[] = await manager.query(
    `SELECT dbt_connection AS "dbtConnection", encrypted_dbt_secrets AS "encryptedDbtSecrets",
              warehouse_connection AS "warehouseConnection", encrypted_warehouse_secrets AS "encryptedWarehouseSecrets"
       FROM projects WHERE project_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [projectId],
  );
  return row;
}

/** What PATCH /projects/{p} changes; a field left undefined keeps its stored value. */
export interface ProjectSettingsChanges {
  name?: string;
  dbtVersion?: string;
  dbtConnection?: Record<string, unknown>;
  encryptedDbtSecrets?: Buffer | null;
  warehouseType?: string;
  warehouseConnection?: Record<string, unknown>;
  encryptedWarehouseSecrets?: Buffer | null;
  schedulerTimezone?: string;
}

/** The columns of the settings, in the order the UPDATE assigns them. */
const SETTINGS_COLUMNS: Record<keyof ProjectSettingsChanges, string> = {
  name: 'name',
  dbtVersion: 'dbt_version',
  dbtConnection: 'dbt_connection',
  encryptedDbtSecrets: 'encrypted_dbt_secrets',
  warehouseType: 'warehouse_type',
  warehouseConnection: 'warehouse_connection',
  encryptedWarehouseSecrets: 'encrypted_warehouse_secrets',
  schedulerTimezone: 'scheduler_timezone',
};

/** Writes the given settings; no statement when there are none. */
export async function updateProjectSettings(manager: EntityManager, projectId: string, changes: ProjectSettingsChanges): Promise<void> {
  const values: unknown[] = [projectId];
  const assignments: string[] = [];
  for (const [key, column] of Object.entries(SETTINGS_COLUMNS) as [keyof ProjectSettingsChanges, string][]) {
    if (changes[key] === undefined) continue;
    values.push(changes[key]);
    assignments.push(`${column} = $${values.length}`);
  }
  if (assignments.length) await manager.query(`UPDATE projects SET ${assignments.join(', ')}, updated_at = now() WHERE project_id = $1`, values);
}

/** The foreign key that keeps a project's upstream inside its organization (see the ProjectSchedulerAndUpstream migration). */
const UPSTREAM_FKEY = 'projects_upstream_project_fkey';

export interface SchedulerSettingsChanges {
  schedulerTimezone?: string;
  schedulerFailureNotifyRecipients?: boolean;
  schedulerFailureIncludeContact?: boolean;
  /** undefined: unchanged; null: cleared */
  schedulerFailureContactOverride?: string | null;
}

const SCHEDULER_COLUMNS: Record<keyof SchedulerSettingsChanges, string> = {
  schedulerTimezone: 'scheduler_timezone',
  schedulerFailureNotifyRecipients: 'scheduler_failure_notify_recipients',
  schedulerFailureIncludeContact: 'scheduler_failure_include_contact',
  schedulerFailureContactOverride: 'scheduler_failure_contact_override',
};

/** Writes the given settings; returns the time zone the project had before (read under the row lock). */
export async function updateSchedulerSettings(manager: EntityManager, projectId: string, changes: SchedulerSettingsChanges): Promise<string> {
  const [{ previous }] = await manager.query('SELECT scheduler_timezone AS previous FROM projects WHERE project_id = $1 FOR UPDATE', [projectId]);
  const values: unknown[] = [projectId];
  const assignments = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      values.push(value);
      return `${SCHEDULER_COLUMNS[key as keyof SchedulerSettingsChanges]} = $${values.length}`;
    });
  if (assignments.length) await manager.query(`UPDATE projects SET ${assignments.join(', ')}, updated_at = now() WHERE project_id = $1`, values);
  return previous;
}

/** Whether `upstreamProjectUuid` is another project of the organization that the user has a role on. */
export async function isVisibleUpstream(manager: EntityManager, organizationId: string, userId: string, projectId: string, upstreamProjectUuid: string): Promise<boolean> {
  const rows = await manager.query(
    `SELECT 1 FROM projects p
     WHERE p.project_uuid = $1 AND p.organization_id = $2 AND p.project_id <> $4 AND ${projectVisibleSql('p', '$3')}`,
    [upstreamProjectUuid, organizationId, userId, projectId],
  );
  return rows.length > 0;
}

/** Sets (or, with null, clears) the project's upstream; returns the one it had. The foreign key refuses an upstream of another organization (see isUpstreamViolation). */
export async function setUpstreamProject(manager: EntityManager, projectId: string, upstreamProjectUuid: string | null): Promise<string | null> {
  const [{ previous }] = await manager.query('SELECT upstream_project_uuid AS previous FROM projects WHERE project_id = $1 FOR UPDATE', [projectId]);
  await manager.query('UPDATE projects SET upstream_project_uuid = $2, updated_at = now() WHERE project_id = $1', [projectId, upstreamProjectUuid]);
  return previous;
}

/** The upstream named no project of the organization (any more): a concurrent delete, or a create naming another organization's project. */
export function isUpstreamViolation(error: unknown): boolean {
  return isForeignKeyViolation(error, UPSTREAM_FKEY);
}

export interface StoredSemanticLayerRow {
  /** the returned fields (type, domain, environmentId), or null when the project has none */
  connection: Record<string, unknown> | null;
  encryptedSecrets: Buffer | null;
}

/** The project's semantic-layer connection as stored, read under the row lock. */
export async function lockSemanticLayerConnection(manager: EntityManager, projectId: string): Promise<StoredSemanticLayerRow> {
  const [row] = await manager.query(
    `SELECT semantic_layer_connection AS connection, encrypted_semantic_layer_secrets AS "encryptedSecrets"
     FROM projects WHERE project_id = $1 FOR UPDATE`,
    [projectId],
  );
  return row;
}

/** Stores (or, with nulls, removes) the project's semantic-layer connection. */
export async function setSemanticLayerConnection(manager: EntityManager, projectId: string, connection: Record<string, unknown> | null, encryptedSecrets: Buffer | null): Promise<void> {
  await manager.query(
    'UPDATE projects SET semantic_layer_connection = $2, encrypted_semantic_layer_secrets = $3, updated_at = now() WHERE project_id = $1',
    [projectId, connection, encryptedSecrets],
  );
}
