import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, their server-side sessions, personal access tokens, email passcodes and warehouse credentials. */
export class Identity1763800100000 implements MigrationInterface {
  name = 'Identity1763800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        user_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        first_name text NOT NULL,
        last_name text NOT NULL,
        email text NOT NULL,
        password_hash text,
        is_email_verified boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        is_tracking_anonymized boolean NOT NULL DEFAULT false,
        is_marketing_opted_in boolean NOT NULL DEFAULT false,
        is_setup_complete boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // emails are unique whatever their case
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);

    await queryRunner.query(`
      CREATE TABLE sessions (
        session_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE,
        user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await queryRunner.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);

    await queryRunner.query(`
      CREATE TABLE personal_access_tokens (
        personal_access_token_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        personal_access_token_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        description text NOT NULL,
        auto_generated boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        rotated_at timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX personal_access_tokens_user_id_idx ON personal_access_tokens (user_id)`);

    await queryRunner.query(`
      CREATE TABLE email_one_time_passcodes (
        user_id bigint PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        email text NOT NULL,
        passcode_hash bytea NOT NULL,
        number_of_attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);

    await queryRunner.query(`
      CREATE TABLE user_warehouse_credentials (
        user_warehouse_credentials_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_warehouse_credentials_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        name text NOT NULL,
        warehouse_type text NOT NULL,
        warehouse_user text,
        encrypted_credentials bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX user_warehouse_credentials_user_id_idx ON user_warehouse_credentials (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE user_warehouse_credentials`);
    await queryRunner.query(`DROP TABLE email_one_time_passcodes`);
    await queryRunner.query(`DROP TABLE personal_access_tokens`);
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
