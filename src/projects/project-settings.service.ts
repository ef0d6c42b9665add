import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { ParameterError } from '../common/errors.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { CredentialsDecryptionError, decryptCredentials, encryptCredentials } from '../warehouse-credentials/credentials-cipher.js';
import { splitSecrets, type SplitConnection } from './connection-secrets.js';
import type { Connection, ProjectDto } from './dto/project.dto.js';
import type { UpdateProjectMetadataDto, UpdateSchedulerSettingsDto } from './dto/project-settings.dto.js';
import type { UpdateProjectDto } from './dto/update-project.dto.js';
import { isUpstreamViolation, isVisibleUpstream, setUpstreamProject, updateSchedulerSettings } from './project-settings.queries.js';
import { canonicalTimeZone } from './time-zone.js';
import { ProjectsService } from './projects.service.js';
import { testPostgresConnection } from './warehouse-connection-test.js';

interface StoredConnections {
  dbtConnection: Connection;
  encryptedDbtSecrets: Buffer | null;
  warehouseConnection: Connection | null;
  encryptedWarehouseSecrets: Buffer | null;
}

/**
 * Updates project settings. A connection given replaces the stored one; its secrets left out are
 * kept from the stored connection when the type is unchanged (so a client can send back what GET
 * returned, which has no secrets), and dropped when the type changes.
 */
@Injectable()
export class ProjectSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly audit: AuditService,
    private readonly projects: ProjectsService,
  ) {}

  async update(access: ProjectAccess, dto: UpdateProjectDto, testConnection: boolean): Promise<ProjectDto> {
    await this.dataSource.transaction(async (manager) => {
      // the connection test runs under the row lock, so what was tested is what is saved
      const [stored]: StoredConnections[] = await manager.query(
        `SELECT dbt_connection AS "dbtConnection", encrypted_dbt_secrets AS "encryptedDbtSecrets",
                warehouse_connection AS "warehouseConnection", encrypted_warehouse_secrets AS "encryptedWarehouseSecrets"
         FROM projects WHERE project_id = $1 FOR UPDATE`,
        [access.projectId],
      );
      const dbt = dto.dbtConnection && this.withStoredSecrets(dto.dbtConnection, stored.dbtConnection, stored.encryptedDbtSecrets);
      const warehouse =
        dto.warehouseConnection && this.withStoredSecrets(dto.warehouseConnection, stored.warehouseConnection, stored.encryptedWarehouseSecrets);

      if (testConnection) {
        const tested = warehouse
          ? { ...warehouse.visible, ...warehouse.secrets }
          : stored.warehouseConnection && { ...stored.warehouseConnection, ...this.decrypt(stored.encryptedWarehouseSecrets) };
        if (tested?.type === 'postgres') await testPostgresConnection(tested);
      }

      const assignments: string[] = [];
      const values: unknown[] = [access.projectId];
      const set = (column: string, value: unknown) => {
        values.push(value);
        assignments.push(`${column} = $${values.length}`);
      };
      if (dto.name !== undefined) set('name', dto.name);
      if (dto.dbtVersion !== undefined) set('dbt_version', dto.dbtVersion);
      if (dbt) {
        set('dbt_connection', dbt.visible);
        set('encrypted_dbt_secrets', this.encrypt(dbt.secrets));
      }
      if (warehouse) {
        set('warehouse_type', warehouse.visible.type);
        set('warehouse_connection', warehouse.visible);
        set('encrypted_warehouse_secrets', this.encrypt(warehouse.secrets));
      }
      if (dto.schedulerTimezone !== undefined) set('scheduler_timezone', canonicalTimeZone(dto.schedulerTimezone));
      if (assignments.length) await manager.query(`UPDATE projects SET ${assignments.join(', ')}, updated_at = now() WHERE project_id = $1`, values);

      await this.audit.record(manager, {
        action: 'project.update',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { fields: Object.keys(dto).filter((key) => dto[key as keyof UpdateProjectDto] !== undefined), tested: testConnection },
      });
    });
    return this.projects.get(access);
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

  private withStoredSecrets(given: Connection, stored: Connection | null, encryptedSecrets: Buffer | null): SplitConnection {
    const { visible, secrets } = splitSecrets(given);
    if (stored?.type !== given.type) return { visible, secrets };
    return { visible, secrets: { ...this.decrypt(encryptedSecrets), ...secrets } };
  }

  /** Stored secrets; none when there are none, or when LIGHTDASH_SECRET changed and they can no longer be read. */
  private decrypt(encrypted: Buffer | null): Record<string, unknown> {
    if (!encrypted) return {};
    try {
      return decryptCredentials<Record<string, unknown>>(encrypted, this.config.secret);
    } catch (error) {
      if (error instanceof CredentialsDecryptionError) return {};
      throw error;
    }
  }

  private encrypt(secrets: Record<string, unknown>): Buffer | null {
    return Object.keys(secrets).length ? encryptCredentials(secrets, this.config.secret) : null;
  }
}
