import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { assertPasswordPolicy, hashPassword } from '../auth/password.js';
import { SessionsService } from '../auth/sessions.service.js';
import { sha256 } from '../auth/tokens.js';
import { AlreadyExistsError, AuthorizationError, ExpiredError, NotFoundError } from '../common/errors.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { type LightdashUserDto, toLightdashUser } from './dto/lightdash-user.dto.js';
import type { RegisterUserDto } from './dto/register-user.dto.js';
import { accountHasEmail, deleteInvite, lockPendingInvite } from './invite-acceptance.queries.js';
import { findUserOrganization } from './user-organization.js';
import { User } from './user.entity.js';

const INVITE_NOT_FOUND = 'Invite link not found';
const EMAIL_HAS_ACCOUNT = 'This email already has an account, so the invite cannot be accepted';

/**
 * Accepting an invite (organizations/invites.service.ts creates them): the pending member becomes an
 * account. It lives with the users it creates, so that organizations depend on users and not back.
 */
@Injectable()
export class InviteAcceptanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  /** Registration with an invite code: the pending member gets their name and password, a verified email, and a session. */
  async activate(dto: RegisterUserDto & { inviteCode: string }, reply: FastifyReply): Promise<LightdashUserDto> {
    assertPasswordPolicy(dto.password);
    const passwordHash = await hashPassword(dto.password, this.config.passwordHashCost);
    return this.dataSource.transaction(async (manager) => {
      const invite = await lockPendingInvite(manager, sha256(dto.inviteCode));
      if (!invite) throw new NotFoundError(INVITE_NOT_FOUND);
      if (invite.expiresAt.getTime() <= Date.now()) throw new ExpiredError('Invite link expired');
      if (dto.email !== undefined && dto.email.toLowerCase() !== invite.email.toLowerCase()) {
        throw new AuthorizationError(`Provided email ${dto.email} does not match the invited email.`);
      }
      if (await accountHasEmail(manager, invite.email)) throw new AlreadyExistsError(EMAIL_HAS_ACCOUNT);
      try {
        await manager.update(User, { userId: invite.userId }, { firstName: dto.firstName, lastName: dto.lastName, passwordHash, isInvitee: false, isEmailVerified: true });
      } catch (error) {
        // another invite of the same email was accepted (or the email registered) at the same moment
        if (isUniqueViolation(error, 'users_email_lower_key')) throw new AlreadyExistsError(EMAIL_HAS_ACCOUNT);
        throw error;
      }
      await deleteInvite(manager, invite.inviteId);
      await this.audit.record(manager, {
        action: 'invite.accept',
        targetType: 'user',
        targetUuid: invite.userUuid,
        organizationUuid: invite.organizationUuid,
        details: { email: invite.email },
      });
      await this.sessions.start(invite.userId, reply, manager);
      const user = await manager.findOneByOrFail(User, { userId: invite.userId });
      return toLightdashUser(user, await findUserOrganization(manager, invite.userId));
    });
  }
}
