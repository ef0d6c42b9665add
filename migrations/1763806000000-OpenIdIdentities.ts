import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on. `openid_identities` links an identity at a provider — its issuer and subject, the
 * only pair OpenID Connect guarantees stable and unique — to a user; any number of providers (and of
 * identities per user) fit. `issuer_type` names the kind of provider, as Lightdash does ('oidc').
 *
 * `oidc_login_attempts` keeps a sign-in between the redirect to the provider and its callback (the
 * state, nonce and PKCE verifier), shared by every replica and used once. UNLOGGED and without the
 * `record_data_change` trigger, as `rate_limit_counters`: anonymous visitors write it and no cached
 * answer is built from it.
 */
export class OpenIdIdentities1763806000000 implements MigrationInterface {
  name = 'OpenIdIdentities1763806000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE openid_identities (
        issuer text NOT NULL,
        subject text NOT NULL,
        issuer_type text NOT NULL,
        user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (issuer, subject)
      )`);
    await queryRunner.query(`CREATE INDEX openid_identities_user_id_idx ON openid_identities (user_id)`);
    await queryRunner.query(
      `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON openid_identities
       FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
    );

    await queryRunner.query(`
      CREATE UNLOGGED TABLE oidc_login_attempts (
        attempt_hash bytea PRIMARY KEY,
        state text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX oidc_login_attempts_expires_at_idx ON oidc_login_attempts (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oidc_login_attempts`);
    await queryRunner.query(`DROP TABLE openid_identities`);
  }
}
