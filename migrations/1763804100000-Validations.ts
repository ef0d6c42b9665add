import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Results of content validation (src/validation/): one row per problem found in a chart, a
 * dashboard or an explore of a project. A project-wide run replaces the previous project-wide rows;
 * a run with explores given (the CLI) keeps its rows under its job id. Deleting a chart or a
 * dashboard deletes its rows; dismissing deletes one row (it comes back with the next run if the
 * problem is still there).
 */
export class Validations1763804100000 implements MigrationInterface {
  name = 'Validations1763804100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE validations (
        validation_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        validation_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        job_id uuid NOT NULL,
        from_cli boolean NOT NULL,
        source text NOT NULL CHECK (source IN ('chart', 'dashboard', 'table')),
        error_type text NOT NULL,
        error text NOT NULL,
        name text NOT NULL,
        saved_chart_id bigint REFERENCES saved_charts (saved_chart_id) ON DELETE CASCADE,
        dashboard_id bigint REFERENCES dashboards (dashboard_id) ON DELETE CASCADE,
        field_name text,
        chart_name text,
        table_name text,
        dashboard_filter_error_type text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((source = 'chart') = (saved_chart_id IS NOT NULL) AND (source = 'dashboard') = (dashboard_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX validations_project_id_job_id_idx ON validations (project_id, job_id)`);
    await queryRunner.query(`CREATE INDEX validations_saved_chart_id_idx ON validations (saved_chart_id)`);
    await queryRunner.query(`CREATE INDEX validations_dashboard_id_idx ON validations (dashboard_id)`);
    await queryRunner.query(`
      CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON validations
      FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE validations`);
  }
}
