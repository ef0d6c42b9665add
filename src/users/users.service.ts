import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { assertPasswordPolicy, hashPassword } from '../auth/password.js';
import type { Principal } from '../auth/principal.js';
import { SessionsService } from '../auth/sessions.service.js';
import { AlreadyExistsError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { abilityRules, serializedAbility } from './ability-rules.js';
import { type LightdashUserDto, type RegisteredUserDto, type RequestContextDto, type SessionUserDto, toLightdashUser } from './dto/lightdash-user.dto.js';
import type { RegisterUserDto } from './dto/register-user.dto.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import { User } from './user.entity.js';
import { emailInUse, organizationRoleOf } from './users.queries.js';
import { assertAdminRemains, lockOrganization } from '../organizations/organization-lock.js';
import { InviteAcceptanceService } from './invite-acceptance.service.js';
import { AuditService } from '../audit/audit.service.js';

const EMAIL_IN_USE = 'Email already in use';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly sessions: SessionsService,
    private readonly invites: InviteAcceptanceService,
    private readonly audit: AuditService,
  ) {}

  /** Open sign-up: creates the user and logs them in (session cookie on `reply`). */
  async register(dto: RegisterUserDto, reply: FastifyReply): Promise<RegisteredUserDto> {
    const user = await this.createUser(dto, reply);
    const rules = abilityRules(user.role, user.organizationUuid, user.userUuid);
    return { ...user, ability: serializedAbility(rules), abilityRules: rules };
  }

  private async createUser(dto: RegisterUserDto, reply: FastifyReply): Promise<LightdashUserDto> {
    if (dto.inviteCode !== undefined) return this.invites.activate({ ...dto, inviteCode: dto.inviteCode }, reply);
    assertPasswordPolicy(dto.password);
    const passwordHash = await hashPassword(dto.password, this.config.passwordHashCost);
    try {
      return await this.dataSource.transaction(async (manager) => {
        // an invited email signs up with its invite code (accounts are also unique by the index below)
        if (await emailInUse(manager, dto.email!)) throw new AlreadyExistsError(EMAIL_IN_USE);
        const user = await manager.save(
          manager.create(User, { firstName: dto.firstName, lastName: dto.lastName, email: dto.email!, passwordHash }),
        );
        const saved = await manager.findOneByOrFail(User, { userId: user.userId });
        await this.sessions.start(saved.userId, reply, manager);
        return toLightdashUser(saved);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key')) throw new AlreadyExistsError(EMAIL_IN_USE);
      throw error;
    }
  }

  me(principal: Principal, requestContext: RequestContextDto): SessionUserDto {
    return {
      ...toLightdashUser(principal, principal),
      id: principal.userUuid,
      type: 'registered',
      impersonation: null,
      requestContext,
      abilityRules: abilityRules(principal.role, principal.organizationUuid, principal.userUuid),
    };
  }

  async updateMe(principal: Principal, dto: UpdateMeDto): Promise<LightdashUserDto> {
    const changes = Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length > 0) await this.dataSource.getRepository(User).update({ userId: principal.userId }, changes);
    return toLightdashUser(await this.dataSource.getRepository(User).findOneByOrFail({ userId: principal.userId }), principal);
  }

  /** Deletes the caller with everything they own (sessions, tokens, credentials cascade). */
  async deleteMe(principal: Principal, reply: FastifyReply): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (principal.organizationId) {
        await lockOrganization(manager, principal.organizationId);
        if ((await organizationRoleOf(manager, principal.userId)) === 'admin') await assertAdminRemains(manager, principal.organizationId, principal.userId);
        await this.audit.record(manager, { action: 'member.delete-self', targetType: 'user', targetUuid: principal.userUuid });
      }
      await manager.delete(User, { userId: principal.userId });
    });
    await this.sessions.end(principal.credentialId, reply);
  }
}
