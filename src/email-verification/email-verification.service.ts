import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { MailerService } from '../email/mailer.service.js';
import { User } from '../users/user.entity.js';
import type { EmailStatusDto } from './dto/email-status.dto.js';
import { EmailOneTimePasscode } from './email-one-time-passcode.entity.js';
import { countAttempt, selectPasscode, upsertPasscode } from './email-verification.queries.js';

export const PASSCODE_LIFETIME_MINUTES = 15;
/** Guesses allowed per passcode (the right one included); after that only a new passcode helps. */
export const PASSCODE_MAX_ATTEMPTS = 5;

@Injectable()
export class EmailVerificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly mailer: MailerService,
  ) {}

  /** Emails a new passcode, replacing any pending one (and its attempts). Nothing to do once verified. */
  async sendPasscode(principal: Principal): Promise<EmailStatusDto> {
    if (principal.isEmailVerified) return this.status(principal, true);
    const passcode = randomInt(0, 1_000_000).toString().padStart(6, '0');
    // times come from the database clock, the one verification compares against
    await upsertPasscode(this.dataSource.manager, {
      userId: principal.userId,
      email: principal.email,
      passcodeHash: this.passcodeHash(principal, passcode),
      lifetimeMinutes: PASSCODE_LIFETIME_MINUTES,
    });
    await this.mailer.send({
      to: principal.email,
      subject: 'Your verification code',
      text:
        `Your verification code is ${passcode}\n\n` +
        `Enter it in Lightdash (${this.config.siteUrl}) to verify your email address. ` +
        `It expires in ${PASSCODE_LIFETIME_MINUTES} minutes.\n\n` +
        `If you did not ask for this code, you can ignore this email.\n`,
    });
    return this.status(principal, false);
  }

  /**
   * Verifies the email when `passcode` is the pending one, unexpired and within the attempts; any
   * other passcode only uses up an attempt (the contract answers 200 either way).
   */
  async checkPasscode(principal: Principal, passcode: string): Promise<EmailStatusDto> {
    if (principal.isEmailVerified) return this.status(principal, true);
    const verified = await this.dataSource.transaction(async (manager) => {
      // Counting the attempt before comparing, under the row lock, keeps concurrent guesses within the limit.
      const stored = await countAttempt(manager, principal.userId, PASSCODE_MAX_ATTEMPTS);
      if (!stored || !this.matches(stored, this.passcodeHash(principal, passcode))) return false;
      await manager.delete(EmailOneTimePasscode, { userId: principal.userId });
      await manager.update(User, { userId: principal.userId }, { isEmailVerified: true });
      return true;
    });
    return this.status(principal, verified);
  }

  async status(principal: Principal, isVerified = principal.isEmailVerified): Promise<EmailStatusDto> {
    const row = await selectPasscode(this.dataSource.manager, principal.userId);
    const status: EmailStatusDto = { email: principal.email, isVerified };
    if (row) {
      status.otp = {
        createdAt: row.created_at,
        numberOfAttempts: row.number_of_attempts,
        expiresAt: row.expires_at,
        isExpired: row.is_expired,
        isMaxAttempts: row.number_of_attempts >= PASSCODE_MAX_ATTEMPTS,
      };
    }
    return status;
  }

  /** Keyed with the server secret and bound to the user and address, so a stored hash is useless elsewhere. */
  private passcodeHash(principal: Principal, passcode: string): Buffer {
    return createHmac('sha256', this.config.secret)
      .update(`email-passcode\0${principal.userId}\0${principal.email.toLowerCase()}\0${passcode}`)
      .digest();
  }

  private matches(stored: Buffer, candidate: Buffer): boolean {
    return stored.length === candidate.length && timingSafeEqual(stored, candidate);
  }
}
