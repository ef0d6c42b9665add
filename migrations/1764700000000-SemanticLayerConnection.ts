import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's semantic-layer connection (PATCH/DELETE /projects/{p}/semantic-layer-connection): its
 * returned fields in clear, its token encrypted like the other connection secrets. The projects table
 * already carries the data-change trigger the response cache relies on.
 */
export class SemanticLayerConnection1764700000000 implements MigrationInterface {
  name = 'SemanticLayerConnection1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE projects
        ADD COLUMN semantic_layer_connection jsonb,
        ADD COLUMN encrypted_semantic_layer_secrets bytea`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE projects DROP COLUMN semantic_layer_connection, DROP COLUMN encrypted_semantic_layer_secrets`);
  }
}
