import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects, project access (users and groups), tags, spaces with nested access, charts and
 * dashboards. Grants reference the grantee's (user, organization) or (group, organization) pair, so
 * only members and groups of the project's organization can hold them and they disappear with the
 * membership. The effective-role rules of DESIGN §3 are SQL functions, so list queries filter by them
 * in the database; test/e2e/access-sql.e2e-spec.ts checks them against the pure resolvers.
 */
export class ProjectsAndSpaces1763800300000 implements MigrationInterface {
  name = 'ProjectsAndSpaces1763800300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projects (
        project_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        project_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        name text NOT NULL,
        project_type text NOT NULL DEFAULT 'DEFAULT' CHECK (project_type IN ('DEFAULT', 'PREVIEW')),
        dbt_version text NOT NULL,
        dbt_connection jsonb NOT NULL,
        encrypted_dbt_secrets bytea,
        warehouse_type text,
        warehouse_connection jsonb,
        encrypted_warehouse_secrets bytea,
        scheduler_timezone text NOT NULL DEFAULT 'UTC',
        upstream_project_uuid uuid,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, organization_id)
      )`);
    await queryRunner.query(`CREATE INDEX projects_organization_id_idx ON projects (organization_id)`);

    await queryRunner.query(`
      CREATE TABLE project_memberships (
        project_id bigint NOT NULL,
        user_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        role project_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, user_id),
        FOREIGN KEY (project_id, organization_id) REFERENCES projects (project_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, organization_id) REFERENCES organization_memberships (user_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX project_memberships_user_id_idx ON project_memberships (user_id)`);

    await queryRunner.query(`
      CREATE TABLE project_group_access (
        project_id bigint NOT NULL,
        group_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        role project_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (project_id, group_id),
        FOREIGN KEY (project_id, organization_id) REFERENCES projects (project_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (group_id, organization_id) REFERENCES groups (group_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX project_group_access_group_id_idx ON project_group_access (group_id)`);

    await queryRunner.query(`
      CREATE TABLE project_user_warehouse_credentials (
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        user_warehouse_credentials_id bigint NOT NULL REFERENCES user_warehouse_credentials (user_warehouse_credentials_id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, user_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE tags (
        tag_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tag_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        name text NOT NULL,
        color text NOT NULL,
        yaml_reference text,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX tags_project_name_key ON tags (project_id, lower(name))`);

    await queryRunner.query(`
      CREATE TABLE spaces (
        space_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        space_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        project_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        parent_space_id bigint,
        name text NOT NULL,
        slug text NOT NULL,
        inherit_parent_permissions boolean NOT NULL DEFAULT true,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (space_id, project_id),
        UNIQUE (space_id, organization_id),
        UNIQUE (project_id, slug),
        FOREIGN KEY (project_id, organization_id) REFERENCES projects (project_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (parent_space_id, project_id) REFERENCES spaces (space_id, project_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX spaces_parent_space_id_idx ON spaces (parent_space_id)`);
    await queryRunner.query(`CREATE INDEX spaces_project_root_idx ON spaces (project_id) WHERE parent_space_id IS NULL`);

    await queryRunner.query(`
      CREATE TABLE space_user_access (
        space_id bigint NOT NULL,
        user_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        role space_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, user_id),
        FOREIGN KEY (space_id, organization_id) REFERENCES spaces (space_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, organization_id) REFERENCES organization_memberships (user_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX space_user_access_user_id_idx ON space_user_access (user_id)`);

    await queryRunner.query(`
      CREATE TABLE space_group_access (
        space_id bigint NOT NULL,
        group_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        role space_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, group_id),
        FOREIGN KEY (space_id, organization_id) REFERENCES spaces (space_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (group_id, organization_id) REFERENCES groups (group_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX space_group_access_group_id_idx ON space_group_access (group_id)`);

    await queryRunner.query(`
      CREATE TABLE saved_charts (
        saved_chart_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        saved_chart_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        space_id bigint NOT NULL,
        project_id bigint NOT NULL,
        name text NOT NULL,
        description text,
        slug text NOT NULL,
        table_name text NOT NULL,
        metric_query jsonb NOT NULL,
        chart_config jsonb NOT NULL,
        table_config jsonb NOT NULL DEFAULT '{}',
        pivot_config jsonb,
        chart_kind text,
        views integer NOT NULL DEFAULT 0,
        first_viewed_at timestamptz,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        updated_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, slug),
        FOREIGN KEY (space_id, project_id) REFERENCES spaces (space_id, project_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX saved_charts_space_id_idx ON saved_charts (space_id)`);

    await queryRunner.query(`
      CREATE TABLE dashboards (
        dashboard_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dashboard_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        space_id bigint NOT NULL,
        project_id bigint NOT NULL,
        name text NOT NULL,
        description text,
        slug text NOT NULL,
        tiles jsonb NOT NULL DEFAULT '[]',
        tabs jsonb NOT NULL DEFAULT '[]',
        filters jsonb NOT NULL DEFAULT '{"dimensions":[],"metrics":[],"tableCalculations":[]}',
        parameters jsonb,
        config jsonb,
        version integer NOT NULL DEFAULT 1,
        views integer NOT NULL DEFAULT 0,
        first_viewed_at timestamptz,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        updated_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (project_id, slug),
        FOREIGN KEY (space_id, project_id) REFERENCES spaces (space_id, project_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX dashboards_space_id_idx ON dashboards (space_id)`);
    await queryRunner.query(`CREATE INDEX dashboards_tiles_idx ON dashboards USING gin (tiles jsonb_path_ops)`);

    // DESIGN §3 as SQL. NULL means "no role".
    await queryRunner.query(`
      CREATE FUNCTION effective_project_role(organization organization_role, direct project_role, via_groups project_role)
      RETURNS project_role LANGUAGE sql IMMUTABLE AS $$
        SELECT GREATEST(CASE WHEN organization IS NULL OR organization = 'member' THEN NULL ELSE organization::text::project_role END, direct, via_groups)
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION effective_space_role(project project_role, user_entry space_role, group_entry space_role, every_level_inherits boolean)
      RETURNS space_role LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN project = 'admin' THEN 'admin'::space_role
          WHEN user_entry IS NOT NULL THEN user_entry
          WHEN group_entry IS NOT NULL THEN group_entry
          WHEN every_level_inherits AND project >= 'editor' THEN 'editor'::space_role
          WHEN every_level_inherits AND project IS NOT NULL THEN 'viewer'::space_role
        END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION effective_space_role(project_role, space_role, space_role, boolean)`);
    await queryRunner.query(`DROP FUNCTION effective_project_role(organization_role, project_role, project_role)`);
    for (const table of [
      'dashboards', 'saved_charts', 'space_group_access', 'space_user_access', 'spaces', 'tags',
      'project_user_warehouse_credentials', 'project_group_access', 'project_memberships', 'projects',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
