import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organization may invite an email that already has an account, or a pending invite, elsewhere:
 * it gets a pending member of its own, exactly as for a new email, so an invite never tells an
 * organization whether an address is registered anywhere. Emails stay unique among accounts (users
 * with a password); pending invitees may share one. Lookups by email keep an index of their own.
 * Reverting withdraws every pending invitee whose email an account or an older invitee holds.
 */
export class InviteesShareEmails1763801400000 implements MigrationInterface {
  name = 'InviteesShareEmails1763801400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX users_email_lower_idx ON users (lower(email))`);
    await queryRunner.query(`DROP INDEX users_email_lower_key`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email)) WHERE password_hash IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM users p WHERE p.password_hash IS NULL AND EXISTS (
        SELECT 1 FROM users o WHERE lower(o.email) = lower(p.email) AND o.user_id <> p.user_id
          AND (o.password_hash IS NOT NULL OR o.user_id < p.user_id))`);
    await queryRunner.query(`DROP INDEX users_email_lower_key`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await queryRunner.query(`DROP INDEX users_email_lower_idx`);
  }
}
