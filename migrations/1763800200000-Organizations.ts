import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations, their members (one organization per user, as in Lightdash), invites, allowed email
 * domains, groups and the audit log.
 *
 * Same-organization rules are foreign keys: a group membership references the member's
 * (user, organization) pair and the group's (group, organization) pair, so PostgreSQL itself refuses
 * a member of another organization and removes group memberships with the organization membership,
 * whatever requests run concurrently.
 */
export class Organizations1763800200000 implements MigrationInterface {
  name = 'Organizations1763800200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        organization_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organization_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        name text NOT NULL,
        chart_colors text[],
        default_project_uuid uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE organization_memberships (
        user_id bigint PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        role organization_role NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, organization_id)
      )`);
    await queryRunner.query(`CREATE INDEX organization_memberships_organization_role_idx ON organization_memberships (organization_id, role)`);

    await queryRunner.query(`
      CREATE TABLE invite_links (
        invite_link_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code_hash bytea NOT NULL UNIQUE,
        user_id bigint NOT NULL UNIQUE,
        organization_id bigint NOT NULL,
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (user_id, organization_id) REFERENCES organization_memberships (user_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX invite_links_organization_id_idx ON invite_links (organization_id)`);

    await queryRunner.query(`
      CREATE TABLE organization_allowed_email_domains (
        organization_id bigint PRIMARY KEY REFERENCES organizations (organization_id) ON DELETE CASCADE,
        email_domains text[] NOT NULL,
        role organization_role NOT NULL,
        projects jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX organization_allowed_email_domains_domains_idx ON organization_allowed_email_domains USING gin (email_domains)`);

    await queryRunner.query(`
      CREATE TABLE groups (
        group_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        group_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        icon text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        UNIQUE (group_id, organization_id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX groups_organization_name_key ON groups (organization_id, lower(name))`);

    await queryRunner.query(`
      CREATE TABLE group_memberships (
        group_id bigint NOT NULL,
        user_id bigint NOT NULL,
        organization_id bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id),
        FOREIGN KEY (group_id, organization_id) REFERENCES groups (group_id, organization_id) ON DELETE CASCADE,
        FOREIGN KEY (user_id, organization_id) REFERENCES organization_memberships (user_id, organization_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX group_memberships_user_id_idx ON group_memberships (user_id)`);

    // Not tied to the organization row by a foreign key: the trail outlives what it describes.
    await queryRunner.query(`
      CREATE TABLE audit_logs (
        audit_log_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        audit_log_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_uuid uuid NOT NULL,
        actor_user_uuid uuid,
        actor_email text,
        action text NOT NULL,
        target_type text,
        target_uuid text,
        outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
        status_code integer,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX audit_logs_organization_time_idx ON audit_logs (organization_uuid, created_at DESC, audit_log_id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_logs', 'group_memberships', 'groups', 'organization_allowed_email_domains', 'invite_links', 'organization_memberships', 'organizations']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
