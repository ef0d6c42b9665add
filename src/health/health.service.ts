import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { OIDC_LOGIN_PATH } from '../oidc/oidc.service.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { SERVER_VERSION } from '../version.js';
import type { HealthStateDto } from './dto/health-state.dto.js';
import { selectRequiresOrgRegistration } from './health.queries.js';
import { UNCONFIGURED_HEALTH_FIELDS, UNCONFIGURED_SIGN_IN_METHODS } from './unconfigured-features.js';

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /**
   * One database round trip decides `healthy`. It is bounded like the wait for a pooled connection
   * (DATABASE_CONNECT_TIMEOUT_MS), not by the longer statement timeout of requests: a health check
   * that waits is answered by the prober's own timeout, and says nothing.
   */
  async state(isAuthenticated: boolean): Promise<HealthStateDto> {
    let healthy = false;
    let requiresOrgRegistration = false;
    try {
      requiresOrgRegistration = await this.requiresOrgRegistration();
      healthy = true;
    } catch (error) {
      this.logger.warn({ err: error }, 'Health check could not reach the database');
    }
    return {
      healthy,
      mode: 'default',
      version: SERVER_VERSION,
      isAuthenticated,
      requiresOrgRegistration,
      hasEmailClient: this.config.smtpUrl !== undefined,
      siteUrl: this.config.siteUrl,
      latest: {},
      ...UNCONFIGURED_HEALTH_FIELDS,
      // custom roles take effect here without a licence (DESIGN §8.7)
      isCustomRolesEnabled: true,
      softDelete: { enabled: true, retentionDays: this.config.trashRetentionDays },
      auth: {
        ...UNCONFIGURED_SIGN_IN_METHODS,
        disablePasswordAuthentication: this.config.disablePasswordAuthentication,
        oidc: { enabled: this.config.oidc !== undefined, loginPath: OIDC_LOGIN_PATH },
        pat: { maxExpirationTimeInDays: this.config.patMaxExpirationDays },
      },
      query: {
        csvCellsLimit: this.config.csvCellsLimit,
        maxLimit: this.config.queryMaxLimit,
        csvMaxLimit: Math.max(5_000_000, this.config.csvCellsLimit),
        queryMaxLimit: this.config.queryMaxLimit,
        maxPageSize: this.config.queryMaxPageSize,
        defaultLimit: this.config.queryDefaultLimit,
        retryQueryOnTransientErrors: false,
      },
    };
  }

  private async requiresOrgRegistration(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      return await selectRequiresOrgRegistration(client, this.config.databaseConnectTimeoutMs);
    } finally {
      await runner.release();
    }
  }
}
