import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM 2.0 provisioning: the organization's SCIM tokens (stored as SHA-256 only, like personal access
 * tokens, but owned by the organization rather than a user) and the identity provider's `externalId`
 * of each provisioned member, kept on the membership since a user belongs to one organization.
 */
export class Scim1763802000000 implements MigrationInterface {
  name = 'Scim1763802000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE scim_tokens (
        scim_token_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scim_token_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        description text NOT NULL,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        rotated_at timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX scim_tokens_organization_id_idx ON scim_tokens (organization_id)`);
    await queryRunner.query(
      `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scim_tokens
       FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
    );

    await queryRunner.query(`ALTER TABLE organization_memberships ADD COLUMN scim_external_id text`);
    await queryRunner.query(
      `CREATE INDEX organization_memberships_scim_external_id_idx ON organization_memberships (organization_id, scim_external_id)
       WHERE scim_external_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX organization_memberships_scim_external_id_idx`);
    await queryRunner.query(`ALTER TABLE organization_memberships DROP COLUMN scim_external_id`);
    await queryRunner.query(`DROP TABLE scim_tokens`);
  }
}
