import type { MigrationInterface, QueryRunner } from 'typeorm';

const ASSIGNING_TABLES = ['organization_memberships', 'project_memberships', 'project_group_access'] as const;

/**
 * Custom roles (docs/permissions.md): named scope sets owned by an organization. A role's scopes are
 * a text[] on its row, so the access statements take the union of every role a caller holds with
 * one lookup per assignment. Each assignment row (organization membership, project membership,
 * project group access) gains `custom_role_id`: when it is set, the row's `role` is a placeholder
 * (`member` / `viewer`, as in Lightdash) and the custom role's scopes apply instead. The composite
 * foreign keys keep a role and its assignments in one organization, and a role cannot be deleted
 * while assigned (NO ACTION, so deleting the organization still cascades through both).
 *
 * `custom_scopes_space_role` is the project role a custom role stands for when space access is
 * resolved (lightdash-roles-v2.md §2.4): `manage:Space` → admin, `manage:Space@public` → editor,
 * `view:Space` → viewer, otherwise none.
 */
export class CustomRoles1764300000000 implements MigrationInterface {
  name = 'CustomRoles1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE custom_roles (
        custom_role_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        role_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        name text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 255),
        description text,
        level text NOT NULL DEFAULT 'project' CHECK (level IN ('project', 'organization')),
        scopes text[] NOT NULL DEFAULT '{}',
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, name),
        UNIQUE (custom_role_id, organization_id)
      )`);
    await queryRunner.query(
      `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON custom_roles
       FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
    );
    for (const table of ASSIGNING_TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN custom_role_id bigint,
           ADD CONSTRAINT ${table}_custom_role_fkey FOREIGN KEY (custom_role_id, organization_id) REFERENCES custom_roles (custom_role_id, organization_id)`,
      );
      await queryRunner.query(`CREATE INDEX ${table}_custom_role_id_idx ON ${table} (custom_role_id) WHERE custom_role_id IS NOT NULL`);
    }
    await queryRunner.query(`
      CREATE FUNCTION custom_scopes_space_role(scopes text[]) RETURNS project_role LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN scopes IS NULL THEN NULL
          WHEN 'manage:Space' = ANY (scopes) THEN 'admin'::project_role
          WHEN 'manage:Space@public' = ANY (scopes) THEN 'editor'::project_role
          WHEN 'view:Space' = ANY (scopes) THEN 'viewer'::project_role
        END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION custom_scopes_space_role(text[])`);
    for (const table of ASSIGNING_TABLES) await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN custom_role_id`);
    await queryRunner.query(`DROP TABLE custom_roles`);
  }
}
