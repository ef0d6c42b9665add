import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { sha256 } from '../auth/tokens.js';
import { ExpiredError, NotFoundError, ParameterError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { MailerService } from '../email/mailer.service.js';
import type { CreateInviteLinkDto, InviteLinkDto } from './dto/invite-link.dto.js';
import {
  deleteInvitesOfUser,
  deleteOrganizationInvites,
  insertInvite,
  insertInvitee,
  insertMembership,
  lockMemberByEmail,
  selectInviteByCodeHash,
  selectUserUuid,
  setMembershipRole,
} from './invites.queries.js';
import { lockOrganization } from './organization-lock.js';

const DAY_MS = 24 * 3600 * 1000;
export const INVITE_DEFAULT_DAYS = 3;
export const INVITE_MAX_DAYS = 30;
const INVITE_NOT_FOUND = 'Invite link not found';
/** Lightdash's InviteLinkPurpose of an ordinary invite (it also has a 'setup' one, for warehouse set-up help). */
const INVITE_PURPOSE = 'member';

/**
 * Invites are bound to one email, single use and expiring. Inviting creates a pending member (a user
 * without a password) with the invited role; registering with the code activates them
 * (users/invite-acceptance.service.ts). A new invite
 * for the same email replaces the previous one.
 *
 * An organization learns nothing about other organizations' users through invites: an email that
 * has an account (or a pending invite) elsewhere is invited exactly like a new one — same answer, a
 * pending member of its own — and only accepting that invite is refused, because the address
 * already has an account. Pending invitees may therefore share an email; accounts never do.
 */
@Injectable()
export class InvitesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly audit: AuditService,
    private readonly mailer: MailerService,
  ) {}

  async create(principal: Principal, dto: CreateInviteLinkDto): Promise<InviteLinkDto> {
    const role = dto.role ?? 'member';
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : new Date(Date.now() + INVITE_DEFAULT_DAYS * DAY_MS);
    if (expiresAt.getTime() <= Date.now()) throw new ParameterError('Expire time must be in the future');
    if (expiresAt.getTime() > Date.now() + INVITE_MAX_DAYS * DAY_MS) throw new ParameterError(`Invites can be valid for at most ${INVITE_MAX_DAYS} days`);
    const code = randomBytes(24).toString('base64url');

    const invite = await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      // only this organization's members are looked at: whether the email has an account or an invite
      // elsewhere changes nothing here (see the class comment)
      const existing = await lockMemberByEmail(manager, principal.organizationId!, dto.email);
      let userId: string;
      if (!existing) {
        // the pending member: a user without a password or a name, until the invite is accepted
        userId = await insertInvitee(manager, dto.email);
        await insertMembership(manager, userId, principal.organizationId!, role);
      } else if (existing.pending) {
        userId = existing.userId;
        await setMembershipRole(manager, userId, role);
        await deleteInvitesOfUser(manager, userId);
      } else {
        // as Lightdash: 400, not a conflict
        throw new ParameterError(`${dto.email} is already a member of this organization`);
      }
      await insertInvite(manager, { codeHash: sha256(code), userId, organizationId: principal.organizationId!, createdByUserId: principal.userId, expiresAt });
      const userUuid = await selectUserUuid(manager, userId);
      await this.audit.record(manager, {
        action: 'invite.create',
        targetType: 'user',
        targetUuid: userUuid,
        details: { email: dto.email, role, expiresAt: expiresAt.toISOString() },
      });
      return { userUuid };
    });

    const inviteUrl = this.inviteUrl(code);
    await this.mailer.send({
      to: dto.email,
      subject: `You're invited to join ${principal.organizationName} on Lightdash`,
      text: `${principal.firstName} ${principal.lastName} invited you to ${principal.organizationName}.\n\nJoin here (valid until ${expiresAt.toISOString()}): ${inviteUrl}\n`,
    });
    return { inviteCode: code, inviteUrl, email: dto.email, expiresAt, organizationUuid: principal.organizationUuid!, userUuid: invite.userUuid, purpose: INVITE_PURPOSE };
  }

  /** Public validity check, so a sign-up page can greet the invitee. */
  async check(code: string): Promise<InviteLinkDto> {
    const invite = await selectInviteByCodeHash(this.dataSource.manager, sha256(code));
    if (!invite) throw new NotFoundError(INVITE_NOT_FOUND);
    if (invite.expiresAt.getTime() <= Date.now()) throw new ExpiredError('Invite link expired');
    return { inviteCode: code, inviteUrl: this.inviteUrl(code), ...invite, purpose: INVITE_PURPOSE };
  }

  private inviteUrl(code: string): string {
    return `${this.config.siteUrl}/invite/${code}`;
  }

  async revokeAll(principal: Principal): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const revoked = await deleteOrganizationInvites(manager, principal.organizationId!);
      await this.audit.record(manager, {
        action: 'invite.revoke-all',
        targetType: 'organization',
        targetUuid: principal.organizationUuid,
        details: { revoked },
      });
    });
  }
}
