import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { DataSource, QueryResult } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { MailerService } from '../email/mailer.service.js';
import { User } from '../users/user.entity.js';
import type { EmailStatusDto } from './dto/email-status.dto.js';
import { EmailOneTimePasscode } from './email-one-time-passcode.entity.js';

export const PASSCODE_LIFETIME_MINUTES = 15;
/** Guesses allowed per passcode (the right one included); after that only a new passcode helps. */
export const PASSCODE_MAX_ATTEMPTS = 5;

interface PasscodeRow {
  created_at: Date;
  number_of_attempts: number;
  expires_at: Date;
  is_expired: boolean;
}

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
    await this.dataSource.query(
      `INSERT INTO email_one_time_passcodes (user_id, email, passcode_hash, number_of_attempts, created_at, expires_at)
       VALUES ($1, $2, $3, 0, now(), now() + make_interval(mins => $4))
       ON CONFLICT (user_id) DO UPDATE SET
         email = excluded.email, passcode_hash = excluded.passcode_hash, number_of_attempts = 0,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
      [principal.userId, principal.email, this.passcodeHash(principal, passcode), PASSCODE_LIFETIME_MINUTES],
    );
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
      const attempt: QueryResult<{ passcode_hash: Buffer }> = await manager.queryRunner!.query(
        `UPDATE email_one_time_passcodes SET number_of_attempts = number_of_attempts + 1
         WHERE user_id = $1 AND number_of_attempts < $2 AND expires_at > now()
         RETURNING passcode_hash`,
        [principal.userId, PASSCODE_MAX_ATTEMPTS],
        true,
      );
      const stored = attempt.records[0]?.passcode_hash;
      if (!stored || !this.matches(stored, this.passcodeHash(principal, passcode))) return false;
      await manager.delete(EmailOneTimePasscode, { userId: principal.userId });
      await manager.update(User, { userId: principal.userId }, { isEmailVerified: true });
      return true;
    });
    return this.status(principal, verified);
  }

  async status(principal: Principal, isVerified = principal.isEmailVerified): Promise<EmailStatusDto> {
    const [row] = await this.dataSource.query<PasscodeRow[]>(
      `SELECT created_at, number_of_attempts, expires_at, expires_at <= now() AS is_expired
       FROM email_one_time_passcodes WHERE user_id = $1`,
      [principal.userId],
    );
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
