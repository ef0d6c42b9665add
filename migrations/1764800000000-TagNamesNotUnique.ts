import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tag names may repeat within a project, as in Lightdash (which accepts a duplicate name with 201): the
 * unique index becomes a plain one, which still serves the project's tag list in name order. Reverting
 * fails while a project holds two tags of the same name (ignoring case).
 */
export class TagNamesNotUnique1764800000000 implements MigrationInterface {
  name = 'TagNamesNotUnique1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX tags_project_name_key');
    await queryRunner.query('CREATE INDEX tags_project_name_idx ON tags (project_id, lower(name))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX tags_project_name_idx');
    await queryRunner.query('CREATE UNIQUE INDEX tags_project_name_key ON tags (project_id, lower(name))');
  }
}
