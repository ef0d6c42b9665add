import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduler failure settings of a project (PATCH /projects/{p}/schedulerSettings), and the upstream
 * project (PATCH /projects/{p}/metadata) made a foreign key on (upstream, organization): PostgreSQL
 * refuses an upstream of another organization, and clears the link when the upstream is deleted.
 * Existing links that name no project of the same organization are cleared first.
 */
export class ProjectSchedulerAndUpstream1763801100000 implements MigrationInterface {
  name = 'ProjectSchedulerAndUpstream1763801100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE projects
        ADD COLUMN scheduler_failure_notify_recipients boolean NOT NULL DEFAULT false,
        ADD COLUMN scheduler_failure_include_contact boolean NOT NULL DEFAULT false,
        ADD COLUMN scheduler_failure_contact_override text`);
    await queryRunner.query(`ALTER TABLE projects ADD CONSTRAINT projects_uuid_organization_key UNIQUE (project_uuid, organization_id)`);
    await queryRunner.query(`
      UPDATE projects p SET upstream_project_uuid = NULL
      WHERE upstream_project_uuid IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM projects u WHERE u.project_uuid = p.upstream_project_uuid AND u.organization_id = p.organization_id)`);
    await queryRunner.query(`
      ALTER TABLE projects ADD CONSTRAINT projects_upstream_project_fkey
        FOREIGN KEY (upstream_project_uuid, organization_id) REFERENCES projects (project_uuid, organization_id)
        ON DELETE SET NULL (upstream_project_uuid)`);
    await queryRunner.query(`CREATE INDEX projects_upstream_project_uuid_idx ON projects (upstream_project_uuid) WHERE upstream_project_uuid IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX projects_upstream_project_uuid_idx`);
    await queryRunner.query(`ALTER TABLE projects DROP CONSTRAINT projects_upstream_project_fkey`);
    await queryRunner.query(`ALTER TABLE projects DROP CONSTRAINT projects_uuid_organization_key`);
    await queryRunner.query(`
      ALTER TABLE projects
        DROP COLUMN scheduler_failure_notify_recipients,
        DROP COLUMN scheduler_failure_include_contact,
        DROP COLUMN scheduler_failure_contact_override`);
  }
}
