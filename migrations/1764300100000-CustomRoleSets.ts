import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Role sets (lightdash-roles-v2.md §1.6): besides the one role on its row (the "slot"), an assignee may
 * hold further custom roles, one row each in a join table hanging off the assignment row (they go
 * with it). The access statements add their scopes to the union; a role still held here cannot be
 * deleted. A singular write (v1, v2 upserts) clears them.
 */
export class CustomRoleSets1764300100000 implements MigrationInterface {
  name = 'CustomRoleSets1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organization_membership_custom_roles (
        user_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        custom_role_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (user_id, custom_role_id),
        FOREIGN KEY (user_id, organization_id) REFERENCES organization_memberships (user_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (custom_role_id, organization_id) REFERENCES custom_roles (custom_role_id, organization_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE project_membership_custom_roles (
        project_id bigint NOT NULL,
        user_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        custom_role_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (project_id, user_id, custom_role_id),
        FOREIGN KEY (project_id, user_id) REFERENCES project_memberships (project_id, user_id) ON DELETE CASCADE,
        FOREIGN KEY (custom_role_id, organization_id) REFERENCES custom_roles (custom_role_id, organization_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE project_group_access_custom_roles (
        project_id bigint NOT NULL,
        group_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        custom_role_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (project_id, group_id, custom_role_id),
        FOREIGN KEY (project_id, group_id) REFERENCES project_group_access (project_id, group_id) ON DELETE CASCADE,
        FOREIGN KEY (custom_role_id, organization_id) REFERENCES custom_roles (custom_role_id, organization_id)
      )`);
    for (const table of ['organization_membership_custom_roles', 'project_membership_custom_roles', 'project_group_access_custom_roles']) {
      await queryRunner.query(`CREATE INDEX ${table}_custom_role_id_idx ON ${table} (custom_role_id)`);
      await queryRunner.query(
        `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE project_group_access_custom_roles`);
    await queryRunner.query(`DROP TABLE project_membership_custom_roles`);
    await queryRunner.query(`DROP TABLE organization_membership_custom_roles`);
  }
}
