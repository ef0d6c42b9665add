import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { PreparedSql } from '../database/sql.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { projectVisibleSql } from '../authorization/access.sql.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { DBT_CONNECTIONS, returnedConnection, SEMANTIC_LAYER_CONNECTIONS, splitConnection, WAREHOUSE_CONNECTIONS } from '../connections/connection-schemas.js';
import { encryptCredentials } from '../warehouse-credentials/credentials-cipher.js';
import { ParameterError } from '../common/errors.js';
import type { CreateProjectDto, CreateProjectResultDto, OrganizationProjectDto, ProjectDto } from './dto/project.dto.js';
import { isUpstreamViolation } from './project-settings.queries.js';
import { createDefaultSpace } from './default-space.js';

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

type ProjectRow = Omit<ProjectDto, 'hasDefaultUserSpaces' | keyof typeof UNCONFIGURED_PROJECT_FIELDS> & {
  warehouseConnection: Record<string, unknown> | null;
  upstreamProjectUuid: string | null;
  semanticLayerConnection: Record<string, unknown> | null;
};

/** What an unconfigured Lightdash 1.219 answers for project features this server does not have. */
const UNCONFIGURED_PROJECT_FIELDS = {
  colorPaletteUuid: null,
  pinnedListUuid: null,
  expiresAt: null,
  provisioningSource: null,
  queryTimezone: null,
  useProjectTimezoneInFilters: false,
  agentSqlScope: null,
} as const;

/** Connections go out through the allowlist even when read back: rows stored before it may hold secrets in clear. */
function toProjectDto(row: ProjectRow): ProjectDto {
  const { dbtConnection, warehouseConnection, upstreamProjectUuid, semanticLayerConnection, ...rest } = row;
  return {
    ...rest,
    dbtConnection: returnedConnection(DBT_CONNECTIONS, dbtConnection),
    ...(warehouseConnection ? { warehouseConnection: returnedConnection(WAREHOUSE_CONNECTIONS, warehouseConnection) } : {}),
    ...(semanticLayerConnection ? { semanticLayerConnection: returnedConnection(SEMANTIC_LAYER_CONNECTIONS, semanticLayerConnection) } : {}),
    ...(upstreamProjectUuid ? { upstreamProjectUuid } : {}),
    hasDefaultUserSpaces: false,
    ...UNCONFIGURED_PROJECT_FIELDS,
  };
}

@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly audit: AuditService,
    private readonly sql: PreparedSql,
  ) {}

  /** Creates the project synchronously (explores are uploaded later); what connections keep on the server is encrypted. */
  async create(principal: Principal, dto: CreateProjectDto): Promise<CreateProjectResultDto> {
    const dbt = splitConnection(DBT_CONNECTIONS, dto.dbtConnection);
    const warehouse = dto.warehouseConnection ? splitConnection(WAREHOUSE_CONNECTIONS, dto.warehouseConnection) : undefined;
    const encrypt = (kept: Record<string, unknown>) => (Object.keys(kept).length ? encryptCredentials(kept, this.config.secret) : null);
    const project = await this.dataSource.transaction(async (manager) => {
      const [{ projectId, projectUuid }] = await manager.query(
        `INSERT INTO projects (organization_id, name, project_type, dbt_version, dbt_connection, encrypted_dbt_secrets,
                               warehouse_type, warehouse_connection, encrypted_warehouse_secrets, upstream_project_uuid, created_by_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING project_id::text AS "projectId", project_uuid AS "projectUuid"`,
        [
          principal.organizationId,
          dto.name,
          dto.type,
          dto.dbtVersion,
          dbt.returned,
          encrypt(dbt.kept),
          dto.warehouseConnection?.type ?? null,
          warehouse?.returned ?? null,
          warehouse ? encrypt(warehouse.kept) : null,
          dto.upstreamProjectUuid ?? null,
          principal.userId,
        ],
      );
      await createDefaultSpace(manager, projectId, principal.userId);
      await this.audit.record(manager, { action: 'project.create', targetType: 'project', targetUuid: projectUuid, details: { name: dto.name, type: dto.type } });
      const [row] = await manager.query(`SELECT ${PROJECT_COLUMNS} ${PROJECT_FROM} WHERE p.project_uuid = $1`, [projectUuid]);
      return toProjectDto(row);
    }).catch((error: unknown) => {
      if (isUpstreamViolation(error)) throw new ParameterError(`Upstream project not found: ${dto.upstreamProjectUuid}`);
      throw error;
    });
    return { project, hasContentCopy: false };
  }

  /** Only the projects the caller has a role on, filtered in SQL. */
  async listForOrganization(principal: Principal): Promise<OrganizationProjectDto[]> {
    const rows = await this.dataSource.query(
      `SELECT p.project_uuid AS "projectUuid", p.name, p.project_type AS type, u.user_uuid AS "createdByUserUuid",
              nullif(trim(concat_ws(' ', u.first_name, u.last_name)), '') AS "createdByUserName",
              p.created_at AS "createdAt", p.upstream_project_uuid AS "upstreamProjectUuid", p.warehouse_type AS "warehouseType",
              NULL AS "expiresAt", NULL AS "provisioningSource", false AS "requireUserCredentials"
       FROM projects p LEFT JOIN users u ON u.user_id = p.created_by_user_id
       WHERE p.organization_id = $1
         AND ${projectVisibleSql('p', '$2')}
       ORDER BY lower(p.name), p.project_id`,
      [principal.organizationId, principal.userId],
    );
    return rows.map(({ warehouseType, ...row }: OrganizationProjectDto) => (warehouseType ? { ...row, warehouseType } : row));
  }

  async get(access: ProjectAccess): Promise<ProjectDto> {
    const [row] = await this.sql.rows<ProjectRow>('project-by-id', `SELECT ${PROJECT_COLUMNS} ${PROJECT_FROM} WHERE p.project_id = $1`, [access.projectId]);
    return toProjectDto(row);
  }

  /** Deletes the project with its spaces, content, tags and grants. */
  async delete(access: ProjectAccess): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM projects WHERE project_id = $1', [access.projectId]);
      await this.audit.record(manager, { action: 'project.delete', targetType: 'project', targetUuid: access.projectUuid });
    });
  }
}
