import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The demo warehouse's state (src/demo/): one row once the `demo` schema has been generated, with
 * the version of the generated data and the project it was given to. `attached_at` is set when the
 * demo project is created and stays set, so a demo project the organization deleted is not created
 * again (project_id becomes NULL).
 */
export class DemoWarehouse1763804000000 implements MigrationInterface {
  name = 'DemoWarehouse1763804000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE demo_warehouse (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        data_version int NOT NULL,
        order_count int NOT NULL,
        generated_at timestamptz NOT NULL DEFAULT now(),
        project_id bigint REFERENCES projects (project_id) ON DELETE SET NULL,
        attached_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON demo_warehouse
      FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE demo_warehouse`);
  }
}
