import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { ParameterError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import {
  type Connection,
  type ConnectionSchemas,
  DBT_CONNECTIONS,
  replaceConnection,
  SEMANTIC_LAYER_CONNECTIONS,
  splitConnection,
  storedConnection,
  WAREHOUSE_CONNECTIONS,
} from '../connections/connection-schemas.js';
import { WarehouseConnectionTester } from '../connections/warehouse-connection-tester.js';
import { CredentialsDecryptionError, decryptCredentials, encryptCredentials } from '../warehouse-credentials/credentials-cipher.js';
import type { ProjectUpdateJobDto } from './dto/project.dto.js';
import type { UpdateProjectMetadataDto, UpdateSchedulerSettingsDto, UpdateSemanticLayerConnectionDto } from './dto/project-settings.dto.js';
import type { UpdateProjectDto } from './dto/update-project.dto.js';
import {
  isUpstreamViolation,
  isVisibleUpstream,
  lockSemanticLayerConnection,
  type ProjectSettingsChanges,
  selectStoredConnections,
  setSemanticLayerConnection,
  setUpstreamProject,
  updateProjectSettings,
  updateSchedulerSettings,
} from './project-settings.queries.js';
import { canonicalTimeZone } from './time-zone.js';

/** A project's connections as stored, the encrypted part decrypted: only ever used server-side. */
interface StoredConnections {
  dbt: Connection | null;
  warehouse: Connection | null;
}

/**
 * Updates project settings. A connection given replaces the stored one; see replaceConnection for
 * which stored fields (secrets, the hidden user) it keeps.
 */
@Injectable()
export class ProjectSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly audit: AuditService,
    private readonly tester: WarehouseConnectionTester,
  ) {}

  /**
   * Lightdash answers with the uuid of the compile job the change starts. This server compiles
   * nothing (explores are uploaded), so the change is complete when we answer and the job uuid is a
   * fresh one that names no stored job.
   */
  async update(access: ProjectAccess, dto: UpdateProjectDto, testConnection: boolean): Promise<ProjectUpdateJobDto> {
    // The test runs before the transaction, holding no database connection or row lock while it waits
    // on a warehouse; the transaction then saves only if the connection is still the one tested.
    let tested: Connection | null = null;
    if (testConnection) {
      tested = this.nextWarehouse(dto, await this.readStored(this.dataSource.manager, access.projectId, false));
      await this.tester.test(tested, { projectUuid: access.projectUuid });
    }

    await this.dataSource.transaction(async (manager) => {
      const stored = await this.readStored(manager, access.projectId, true);
      const warehouse = this.nextWarehouse(dto, stored);
      if (testConnection && !isDeepStrictEqual(warehouse, tested)) {
        throw new ParameterError('The warehouse connection changed while it was being tested; send the request again');
      }
      const dbt = dto.dbtConnection && replaceConnection(DBT_CONNECTIONS, { ...dto.dbtConnection }, stored.dbt);

      const changes: ProjectSettingsChanges = { name: dto.name, dbtVersion: dto.dbtVersion };
      if (dbt) {
        const { returned, kept } = splitConnection(DBT_CONNECTIONS, dbt);
        changes.dbtConnection = returned;
        changes.encryptedDbtSecrets = this.encrypt(kept);
      }
      if (dto.warehouseConnection && warehouse) {
        const { returned, kept } = splitConnection(WAREHOUSE_CONNECTIONS, warehouse);
        changes.warehouseType = warehouse.type;
        changes.warehouseConnection = returned;
        changes.encryptedWarehouseSecrets = this.encrypt(kept);
      }
      if (dto.schedulerTimezone !== undefined) changes.schedulerTimezone = canonicalTimeZone(dto.schedulerTimezone);
      await updateProjectSettings(manager, access.projectId, changes);

      await this.audit.record(manager, {
        action: 'project.update',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { fields: Object.keys(dto).filter((key) => dto[key as keyof UpdateProjectDto] !== undefined), tested: testConnection },
      });
    });
    return { jobUuid: randomUUID() };
  }

  /**
   * Scheduler defaults of the project. Lightdash also moves the project's schedulers that used the old
   * time zone to the new one; this server keeps no schedulers, so there is nothing to move.
   */
  async updateSchedulerSettings(access: ProjectAccess, dto: UpdateSchedulerSettingsDto): Promise<void> {
    const changes = {
      ...dto,
      ...(dto.schedulerTimezone !== undefined ? { schedulerTimezone: canonicalTimeZone(dto.schedulerTimezone) } : {}),
    };
    await this.dataSource.transaction(async (manager) => {
      const previousTimezone = await updateSchedulerSettings(manager, access.projectId, changes);
      await this.audit.record(manager, {
        action: 'project.scheduler-settings.update',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { ...changes, ...(changes.schedulerTimezone !== undefined ? { previousTimezone } : {}) },
      });
    });
  }

  /**
   * The upstream project (where content is promoted to): another project of the same organization
   * that the caller has a role on; anything else is 400 and changes nothing. Null clears it.
   */
  async updateMetadata(principal: Principal, access: ProjectAccess, dto: UpdateProjectMetadataDto): Promise<void> {
    if (dto.upstreamProjectUuid === undefined) return;
    const upstream = dto.upstreamProjectUuid;
    const notFound = () => new ParameterError(`Upstream project not found: ${upstream}`);
    try {
      await this.dataSource.transaction(async (manager) => {
        if (upstream !== null && !(await isVisibleUpstream(manager, access.organizationId, principal.userId, access.projectId, upstream))) throw notFound();
        const previous = await setUpstreamProject(manager, access.projectId, upstream);
        await this.audit.record(manager, {
          action: 'project.metadata.update',
          targetType: 'project',
          targetUuid: access.projectUuid,
          details: { upstreamProjectUuid: upstream, previous },
        });
      });
    } catch (error) {
      if (isUpstreamViolation(error)) throw notFound();
      throw error;
    }
  }

  /**
   * Replaces the project's semantic-layer connection. A token left out (or empty) keeps the stored one
   * only while type, domain and environment are unchanged (replaceConnection): a stored token is never
   * sent somewhere new.
   */
  async updateSemanticLayerConnection(access: ProjectAccess, dto: UpdateSemanticLayerConnectionDto): Promise<void> {
    const { token, ...rest } = dto;
    const given: Connection = { ...rest, ...(token ? { token } : {}) };
    await this.dataSource.transaction(async (manager) => {
      const stored = await lockSemanticLayerConnection(manager, access.projectId);
      const next = replaceConnection(SEMANTIC_LAYER_CONNECTIONS, given, this.stored(SEMANTIC_LAYER_CONNECTIONS, stored.connection, stored.encryptedSecrets));
      const { returned, kept } = splitConnection(SEMANTIC_LAYER_CONNECTIONS, next);
      await setSemanticLayerConnection(manager, access.projectId, returned, this.encrypt(kept));
      await this.audit.record(manager, {
        action: 'project.semantic-layer-connection.update',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { ...returned, tokenSent: token !== undefined && token !== '', tokenKept: kept.token !== undefined },
      });
    });
  }

  /** Removes the project's semantic-layer connection with its token; nothing to remove is not an error (as Lightdash). */
  async deleteSemanticLayerConnection(access: ProjectAccess): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockSemanticLayerConnection(manager, access.projectId);
      await setSemanticLayerConnection(manager, access.projectId, null, null);
      await this.audit.record(manager, { action: 'project.semantic-layer-connection.delete', targetType: 'project', targetUuid: access.projectUuid });
    });
  }

  /** The warehouse connection the project has after this update: the one given, merged with what is stored, or the stored one. */
  private nextWarehouse(dto: UpdateProjectDto, stored: StoredConnections): Connection | null {
    return dto.warehouseConnection ? replaceConnection(WAREHOUSE_CONNECTIONS, { ...dto.warehouseConnection }, stored.warehouse) : stored.warehouse;
  }

  private async readStored(manager: EntityManager, projectId: string, lock: boolean): Promise<StoredConnections> {
    const row = await selectStoredConnections(manager, projectId, lock);
    return {
      dbt: this.stored(DBT_CONNECTIONS, row.dbtConnection, row.encryptedDbtSecrets),
      warehouse: this.stored(WAREHOUSE_CONNECTIONS, row.warehouseConnection, row.encryptedWarehouseSecrets),
    };
  }

  private stored(schemas: ConnectionSchemas, clear: Record<string, unknown> | null, encrypted: Buffer | null): Connection | null {
    return storedConnection(schemas, clear, this.decrypt(encrypted));
  }

  /** The kept fields; none when there are none, or when LIGHTDASH_SECRET changed and they can no longer be read. */
  private decrypt(encrypted: Buffer | null): Record<string, unknown> {
    if (!encrypted) return {};
    try {
      return decryptCredentials<Record<string, unknown>>(encrypted, this.config.secret);
    } catch (error) {
      if (error instanceof CredentialsDecryptionError) return {};
      throw error;
    }
  }

  private encrypt(kept: Record<string, unknown>): Buffer | null {
    return Object.keys(kept).length ? encryptCredentials(kept, this.config.secret) : null;
  }
}
