import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { PreparedSql } from '../database/sql.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { DBT_CONNECTIONS, returnedConnection, SEMANTIC_LAYER_CONNECTIONS, splitConnection, WAREHOUSE_CONNECTIONS } from '../connections/connection-schemas.js';
import { encryptCredentials } from '../warehouse-credentials/credentials-cipher.js';
import { ParameterError } from '../common/errors.js';
import type { CreateProjectDto, CreateProjectResultDto, OrganizationProjectDto, ProjectDto } from './dto/project.dto.js';
import { isUpstreamViolation } from './project-settings.queries.js';
import { createDefaultSpace } from './default-space.js';
import { deleteProject, insertProject, type ProjectRow, selectProjectById, selectProjectByUuid, selectVisibleProjects } from './projects.queries.js';

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
      const { projectId, projectUuid } = await insertProject(manager, {
        organizationId: principal.organizationId!,
        name: dto.name,
        type: dto.type,
        dbtVersion: dto.dbtVersion,
        dbtConnection: dbt.returned,
        encryptedDbtSecrets: encrypt(dbt.kept),
        warehouseType: dto.warehouseConnection?.type ?? null,
        warehouseConnection: warehouse?.returned ?? null,
        encryptedWarehouseSecrets: warehouse ? encrypt(warehouse.kept) : null,
        upstreamProjectUuid: dto.upstreamProjectUuid ?? null,
        createdByUserId: principal.userId,
      });
      await createDefaultSpace(manager, projectId, principal.userId);
      await this.audit.record(manager, { action: 'project.create', targetType: 'project', targetUuid: projectUuid, details: { name: dto.name, type: dto.type } });
      return toProjectDto(await selectProjectByUuid(manager, projectUuid));
    }).catch((error: unknown) => {
      if (isUpstreamViolation(error)) throw new ParameterError(`Upstream project not found: ${dto.upstreamProjectUuid}`);
      throw error;
    });
    return { project, hasContentCopy: false };
  }

  /** Only the projects the caller has a role on, filtered in SQL. */
  async listForOrganization(principal: Principal): Promise<OrganizationProjectDto[]> {
    const rows = await selectVisibleProjects(this.dataSource.manager, principal.organizationId!, principal.userId);
    return rows.map(({ warehouseType, ...row }) => (warehouseType ? { ...row, warehouseType } : row));
  }

  async get(access: ProjectAccess): Promise<ProjectDto> {
    return toProjectDto(await selectProjectById(this.sql, access.projectId));
  }

  /** Deletes the project with its spaces, content, tags and grants. */
  async delete(access: ProjectAccess): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await deleteProject(manager, access.projectId);
      await this.audit.record(manager, { action: 'project.delete', targetType: 'project', targetUuid: access.projectUuid });
    });
  }
}
