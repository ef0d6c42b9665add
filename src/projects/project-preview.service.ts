import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { ConflictError, ParameterError } from '../common/errors.js';
import { isSerializationFailure } from '../common/postgres-errors.js';
import { DBT_CONNECTIONS, WAREHOUSE_CONNECTIONS } from '../connections/connection-schemas.js';
import type { CreatePreviewDto, DbtConnectionOverridesDto, WarehouseConnectionOverridesDto } from './dto/create-preview.dto.js';
import {
  copyExplores,
  copyProjectAccess,
  copySpaceContent,
  copySpaceLevel,
  insertPreviewProject,
  liveSpaceDepth,
  readPreviewSource,
} from './project-preview.queries.js';

/** The warehouse field a schema override sets, for the types that call their schema otherwise. */
const SCHEMA_FIELD: Readonly<Record<string, string>> = { bigquery: 'dataset', databricks: 'database' };

const declares = (schema: { fields: Readonly<Record<string, unknown>> } | undefined, field: string) => schema !== undefined && Object.hasOwn(schema.fields, field);

/** The dbt connection's clear part with the overrides its type has a field for (all of them are returned fields: the kept secrets still apply). */
function overriddenDbt(connection: Record<string, unknown>, overrides: DbtConnectionOverridesDto | undefined): Record<string, unknown> {
  const schema = DBT_CONNECTIONS.types[String(connection.type)];
  const result = { ...connection };
  if (overrides?.branch !== undefined && declares(schema, 'branch')) result.branch = overrides.branch;
  if (overrides?.environment !== undefined && declares(schema, 'environment')) result.environment = overrides.environment.map(({ key, value }) => ({ key, value }));
  if (overrides?.manifest !== undefined && declares(schema, 'manifest')) result.manifest = overrides.manifest;
  return result;
}

function overriddenWarehouse(connection: Record<string, unknown>, overrides: WarehouseConnectionOverridesDto | undefined): Record<string, unknown> {
  const type = String(connection.type);
  const field = SCHEMA_FIELD[type] ?? 'schema';
  if (overrides?.schema === undefined || !declares(WAREHOUSE_CONNECTIONS.types[type], field)) return connection;
  return { ...connection, [field]: overrides.schema };
}

/**
 * POST /projects/{p}/createPreview: a PREVIEW project made from this one, in one transaction. It gets
 * the source's connections (secrets copied encrypted, as they are: the overrides touch no field that
 * says where a secret goes), dbt version and compiled explores. With `copyContent` it is linked to
 * the source (`upstreamProjectUuid`) and also gets the source's user and group grants and its live
 * spaces (with their shares), charts and dashboards. The creator is not made admin of it (as Lightdash).
 */
@Injectable()
export class ProjectPreviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * One REPEATABLE READ transaction: every copy reads the source as it was when the first statement ran,
   * so a space moved, created or trashed meanwhile is copied as it was or not at all, never half-way.
   */
  async createPreview(principal: Principal, source: ProjectAccess, dto: CreatePreviewDto): Promise<string> {
    try {
      return await this.dataSource.transaction('REPEATABLE READ', (manager) => this.copy(manager, principal, source, dto));
    } catch (error) {
      // a user or group whose grant is being copied left the organization meanwhile
      if (isSerializationFailure(error)) throw new ConflictError('The project changed while its preview was being created; send the request again');
      throw error;
    }
  }

  private async copy(manager: EntityManager, principal: Principal, source: ProjectAccess, dto: CreatePreviewDto): Promise<string> {
    const stored = await readPreviewSource(manager, source.projectId);
    if (!stored.warehouseConnection) throw new ParameterError(`Missing warehouse connection for project ${source.projectUuid}`);
    const preview = await insertPreviewProject(manager, {
      organizationId: source.organizationId,
      name: dto.name,
      dbtVersion: stored.dbtVersion,
      dbtConnection: overriddenDbt(stored.dbtConnection, dto.dbtConnectionOverrides),
      encryptedDbtSecrets: stored.encryptedDbtSecrets,
      warehouseType: stored.warehouseType,
      warehouseConnection: overriddenWarehouse(stored.warehouseConnection, dto.warehouseConnectionOverrides),
      encryptedWarehouseSecrets: stored.encryptedWarehouseSecrets,
      upstreamProjectUuid: dto.copyContent ? source.projectUuid : null,
      createdByUserId: principal.userId,
    });
    const explores = await copyExplores(manager, source.projectId, preview.projectId);
    const copied = dto.copyContent ? await this.copyContent(manager, source.projectId, preview.projectId) : undefined;
    await this.audit.record(manager, {
      action: 'project.preview.create',
      targetType: 'project',
      targetUuid: preview.projectUuid,
      details: { name: dto.name, upstreamProjectUuid: source.projectUuid, copyContent: dto.copyContent, ...explores, ...copied },
    });
    return preview.projectUuid;
  }

  /** Grants, then spaces level by level (a copy's parent is copied first), then shares, charts and dashboards. */
  private async copyContent(manager: EntityManager, sourceId: string, previewId: string): Promise<Record<string, number>> {
    const access = await copyProjectAccess(manager, sourceId, previewId);
    const depth = await liveSpaceDepth(manager, sourceId);
    for (let level = 1; level <= depth; level++) await copySpaceLevel(manager, sourceId, previewId, level);
    const content = await copySpaceContent(manager, sourceId, previewId);
    return { userGrants: access.users, groupGrants: access.groups, ...content };
  }
}
