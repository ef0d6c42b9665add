import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An email domain is allowed by at most one organization: the allowed domains move from an array on
 * the organization's configuration to a table keyed by the domain, so two organizations claiming the
 * same domain (even at the same instant, on different replicas) cannot both succeed. `position` keeps
 * the order the admin gave. On upgrade, a domain several organizations allowed stays with the oldest
 * of them and is dropped from the others' lists. Writes mark a data change like every application table.
 */
export class EmailDomainOwners1763801300000 implements MigrationInterface {
  name = 'EmailDomainOwners1763801300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organization_email_domains (
        email_domain text PRIMARY KEY CHECK (email_domain = lower(email_domain)),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        position int NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX organization_email_domains_organization_idx ON organization_email_domains (organization_id, position)`);
    await queryRunner.query(`
      INSERT INTO organization_email_domains (email_domain, organization_id, position)
      SELECT DISTINCT ON (lower(d.domain)) lower(d.domain), a.organization_id, d.position
      FROM organization_allowed_email_domains a
      CROSS JOIN LATERAL unnest(a.email_domains) WITH ORDINALITY AS d(domain, position)
      ORDER BY lower(d.domain), a.organization_id, d.position`);
    await queryRunner.query(`ALTER TABLE organization_allowed_email_domains DROP COLUMN email_domains`);
    await queryRunner.query(
      `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organization_email_domains
       FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE organization_allowed_email_domains ADD COLUMN email_domains text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE organization_allowed_email_domains a
      SET email_domains = (SELECT array_agg(e.email_domain ORDER BY e.position) FROM organization_email_domains e WHERE e.organization_id = a.organization_id)
      WHERE EXISTS (SELECT 1 FROM organization_email_domains e WHERE e.organization_id = a.organization_id)`);
    await queryRunner.query(`ALTER TABLE organization_allowed_email_domains ALTER COLUMN email_domains DROP DEFAULT`);
    await queryRunner.query(
      `CREATE INDEX organization_allowed_email_domains_domains_idx ON organization_allowed_email_domains USING gin (email_domains)`,
    );
    await queryRunner.query(`DROP TABLE organization_email_domains`);
  }
}
