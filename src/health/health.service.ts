import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { SERVER_VERSION } from '../version.js';
import type { HealthStateDto } from './dto/health-state.dto.js';

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** One database round trip decides `healthy`. */
  async state(isAuthenticated: boolean): Promise<HealthStateDto> {
    let healthy = false;
    let requiresOrgRegistration = false;
    try {
      const [row] = await this.dataSource.query('SELECT NOT EXISTS (SELECT 1 FROM organizations) AS "requiresOrgRegistration"');
      requiresOrgRegistration = row.requiresOrgRegistration;
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
      auth: {
        disablePasswordAuthentication: this.config.disablePasswordAuthentication,
        pat: { maxExpirationTimeInDays: this.config.patMaxExpirationDays },
      },
    };
  }
}
