import type { EntityManager } from 'typeorm';
import { projectVisibleSql } from '../authorization/access.sql.js';
import type { PreparedSql } from '../database/sql.js';
import type { OrganizationProjectDto } from './dto/project.dto.js';

// The SQL of projects (table projects) besides their settings (project-settings.queries.ts) and
// previews (project-preview.queries.ts). Each function is one statement; ProjectsService holds the rules.

const PROJECT_COLUMNS = `
  o.organization_uuid AS "organizationUuid", p.project_uuid AS "projectUuid", p.name, p.project_type AS type,
  p.dbt_connection AS "dbtConnection", p.warehouse_connection AS "warehouseConnection", p.dbt_version AS "dbtVersion",
  p.scheduler_timezone AS "schedulerTimezone",
  p.scheduler_failure_notify_recipients AS "schedulerFailureNotifyRecipients", p.scheduler_failure_include_contact AS "schedulerFailureIncludeContact",
  p.scheduler_failure_contact_override AS "schedulerFailureContactOverride", u.user_uuid AS "createdByUserUuid", p.upstream_project_uuid AS "upstreamProjectUuid",
  p.semantic_layer_connection AS "semanticLayerConnection"`;
const PROJECT_FROM = `
  FROM projects p JOIN organizations o ON o.organization_id = p.organization_id
  LEFT JOIN users u ON u.user_id = p.created_by_user_id`;

/** A project as stored: its connections as kept in the clear (the allowlist still applies when they go out). */
export interface ProjectRow {
  organizationUuid: string;
  projectUuid: string;
  name: string;
  type: string;
  dbtConnection: Record<string, unknown>;
  warehouseConnection: Record<string, unknown> | null;
  dbtVersion: string;
  schedulerTimezone: string;
  schedulerFailureNotifyRecipients: boolean;
  schedulerFailureIncludeContact: boolean;
  schedulerFailureContactOverride: string | null;
  createdByUserUuid: string | null;
  upstreamProjectUuid: string | null;
  semanticLayerConnection: Record<string, unknown> | null;
}

export interface NewProject {
  organizationId: string;
  name: string;
  type: string;
  dbtVersion: string;
  dbtConnection: Record<string, unknown>;
  encryptedDbtSecrets: Buffer | null;
  warehouseType: string | null;
  warehouseConnection: Record<string, unknown> | null;
  encryptedWarehouseSecrets: Buffer | null;
  upstreamProjectUuid: string | null;
  createdByUserId: string;
}

/** Refused by projects_upstream_project_fkey when the upstream project is not the organization's (see isUpstreamViolation). */
export async function insertProject(manager: EntityManager, project: NewProject): Promise<{ projectId: string; projectUuid: string }> {
  const [created]: { projectId: string; projectUuid: string }[] = await manager.query(
    `INSERT INTO projects (organization_id, name, project_type, dbt_version, dbt_connection, encrypted_dbt_secrets,
                           warehouse_type, warehouse_connection, encrypted_warehouse_secrets, upstream_project_uuid, created_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING project_id::text AS "projectId", project_uuid AS "projectUuid"`,
    [
      project.organizationId,
      project.name,
      project.type,
      project.dbtVersion,
      project.dbtConnection,
      project.encryptedDbtSecrets,
      project.warehouseType,
      project.warehouseConnection,
      project.encryptedWarehouseSecrets,
      project.upstreamProjectUuid,
      project.createdByUserId,
    ],
  );
  return created;
}

export async function selectProjectByUuid(manager: EntityManager, projectUuid: string): Promise<ProjectRow> {
  const [row]: ProjectRow[] = await manager.query(`SELECT ${PROJECT_COLUMNS} ${PROJECT_FROM} WHERE p.project_uuid = $1`, [projectUuid]);
  return row;
}

/** The project the access check found (so it exists). */
export async function selectProjectById(sql: PreparedSql, projectId: string): Promise<ProjectRow> {
  const [row] = await sql.rows<ProjectRow>('project-by-id', `SELECT ${PROJECT_COLUMNS} ${PROJECT_FROM} WHERE p.project_id = $1`, [projectId]);
  return row;
}

/** A project of the organization's list, `warehouseType` null when the project has no warehouse connection. */
export type OrganizationProjectRow = Omit<OrganizationProjectDto, 'warehouseType'> & { warehouseType: string | null };

/** The organization's projects that the user has a role on, by name. */
export function selectVisibleProjects(manager: EntityManager, organizationId: string, userId: string): Promise<OrganizationProjectRow[]> {
  return manager.query(
    `SELECT p.project_uuid AS "projectUuid", p.name, p.project_type AS type, u.user_uuid AS "createdByUserUuid",
            nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') AS "createdByUserName",
            p.created_at AS "createdAt", p.upstream_project_uuid AS "upstreamProjectUuid", p.warehouse_type AS "warehouseType",
            NULL AS "expiresAt", NULL AS "provisioningSource", false AS "requireUserCredentials"
     FROM projects p LEFT JOIN users u ON u.user_id = p.created_by_user_id
     WHERE p.organization_id = $1
       AND ${projectVisibleSql('p', '$2')}
     ORDER BY lower(p.name), p.project_id`,
    [organizationId, userId],
  );
}

/** Deletes the project; its spaces, content, tags and grants go with it (foreign keys ON DELETE CASCADE). */
export async function deleteProject(manager: EntityManager, projectId: string): Promise<void> {
  await manager.query('DELETE FROM projects WHERE project_id = $1', [projectId]);
}
