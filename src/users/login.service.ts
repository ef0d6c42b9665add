import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { AuthorizationError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { type LightdashUserDto, toLightdashUser } from './dto/lightdash-user.dto.js';
import { findUserOrganization } from './user-organization.js';
import { findPasswordAccount } from './users.queries.js';
import { decoyHash, verifyPassword } from '../auth/password.js';
import type { Principal } from '../auth/principal.js';
import { SessionsService } from '../auth/sessions.service.js';

const NOT_RECOGNIZED = 'Email and password not recognized';

@Injectable()
export class LoginService {
  private decoy: Promise<string> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly sessions: SessionsService,
  ) {}

  /** Wrong password and unknown email answer alike, and take about as long. */
  async login(email: string, password: string, reply: FastifyReply): Promise<LightdashUserDto> {
    if (this.config.disablePasswordAuthentication) throw new AuthorizationError('Password login is disabled on this server');
    const user = await findPasswordAccount(this.dataSource.manager, email);
    // an account without a password (single sign-on only) is not found here, and refused as slowly as a wrong password
    const hash = user?.passwordHash ?? (await (this.decoy ??= decoyHash(this.config.passwordHashCost)));
    const matches = await verifyPassword(password, hash);
    if (!user || !user.passwordHash || !matches || !user.isActive) throw new AuthorizationError(NOT_RECOGNIZED);
    await this.sessions.start(user.userId, reply);
    return toLightdashUser(user, await findUserOrganization(this.dataSource.manager, user.userId));
  }

  options(): { showOptions: string[]; forceRedirect: boolean } {
    const showOptions = [...(this.config.disablePasswordAuthentication ? [] : ['email']), ...(this.config.oidc ? ['oidc'] : [])];
    return { showOptions, forceRedirect: false };
  }

  async logout(principal: Principal | undefined, reply: FastifyReply): Promise<void> {
    if (principal?.via === 'session') await this.sessions.end(principal.credentialId, reply);
  }
}
