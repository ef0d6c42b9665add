import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The spaces open to every member of their project (every level inherits), by project: a page of
 * the space list counts them for its `totalResults` from this index alone, without reading the rows.
 */
export class OpenSpacesIndex1763800700000 implements MigrationInterface {
  name = 'OpenSpacesIndex1763800700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX spaces_open_project_id_idx ON spaces (project_id) WHERE every_level_inherits`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX spaces_open_project_id_idx`);
  }
}
