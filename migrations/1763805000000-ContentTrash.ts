import type { MigrationInterface, QueryRunner } from 'typeorm';

const CONTENT_TABLES = ['spaces', 'saved_charts', 'dashboards'] as const;

/**
 * The trash (docs/content.md): spaces, charts and dashboards are soft-deleted. `deleted_at` set means
 * "in the trash", invisible to every read; `deleted_by_user_id` is who put it there. Deleting a space
 * trashes everything below it in the same statement, each such row carrying the space it went with
 * (`deleted_with_space_id`), so restoring that space brings back exactly what went with it, and not
 * what someone had trashed on its own before.
 *
 * The partial index of the spaces open to a project now holds live spaces only (the page count reads
 * it alone); the trash indexes serve the trash list and the retention purge.
 */
export class ContentTrash1763805000000 implements MigrationInterface {
  name = 'ContentTrash1763805000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of CONTENT_TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN deleted_at timestamptz,
           ADD COLUMN deleted_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
           ADD COLUMN deleted_with_space_id bigint`,
      );
      await queryRunner.query(`CREATE INDEX ${table}_trash_idx ON ${table} (project_id, deleted_at) WHERE deleted_at IS NOT NULL`);
      await queryRunner.query(`CREATE INDEX ${table}_deleted_with_idx ON ${table} (deleted_with_space_id) WHERE deleted_with_space_id IS NOT NULL`);
    }
    await queryRunner.query(`DROP INDEX spaces_open_project_id_idx`);
    await queryRunner.query(`CREATE INDEX spaces_open_project_id_idx ON spaces (project_id) WHERE every_level_inherits AND deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX spaces_live_project_root_idx ON spaces (project_id, created_at) WHERE parent_space_id IS NULL AND deleted_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX spaces_live_project_root_idx`);
    await queryRunner.query(`DROP INDEX spaces_open_project_id_idx`);
    await queryRunner.query(`CREATE INDEX spaces_open_project_id_idx ON spaces (project_id) WHERE every_level_inherits`);
    for (const table of CONTENT_TABLES) {
      // what is in the trash was deleted: it goes for good
      await queryRunner.query(`DELETE FROM ${table} WHERE deleted_at IS NOT NULL`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN deleted_at, DROP COLUMN deleted_by_user_id, DROP COLUMN deleted_with_space_id`);
    }
  }
}
