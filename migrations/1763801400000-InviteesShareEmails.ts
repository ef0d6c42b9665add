import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organization may invite an email that already has an account, or a pending invite, elsewhere:
 * it gets a pending member of its own, exactly as for a new email, so an invite never tells an
 * organization whether an address is registered anywhere. A pending invitee is marked as such
 * (`is_invitee`; not inferred from a missing password: accounts provisioned over SCIM or signing in
 * with SSO have none). Emails stay unique among accounts; invitees may share one. Lookups by email
 * keep an index of their own. Reverting withdraws every invitee whose email an account or an older
 * invitee holds.
 */
export class InviteesShareEmails1763801400000 implements MigrationInterface {
  name = 'InviteesShareEmails1763801400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN is_invitee boolean NOT NULL DEFAULT false`);
    // until now only an invite made a user without a password
    await queryRunner.query(`UPDATE users SET is_invitee = true WHERE password_hash IS NULL`);
    await queryRunner.query(`CREATE INDEX users_email_lower_idx ON users (lower(email))`);
    await queryRunner.query(`DROP INDEX users_email_lower_key`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email)) WHERE NOT is_invitee`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM users p WHERE p.is_invitee AND EXISTS (
        SELECT 1 FROM users o WHERE lower(o.email) = lower(p.email) AND o.user_id <> p.user_id
          AND (NOT o.is_invitee OR o.user_id < p.user_id))`);
    await queryRunner.query(`DROP INDEX users_email_lower_key`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await queryRunner.query(`DROP INDEX users_email_lower_idx`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN is_invitee`);
  }
}
