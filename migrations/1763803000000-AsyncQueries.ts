import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Asynchronous (v2) queries and their result pages, in our database so that any replica answers a
 * poll. One row per run in `async_queries` (a CSV download job is one too, of kind `csv`: its file is streamed from the warehouse when
 * fetched); the rows it returned in chunks of a fixed number of rows in
 * `async_query_result_chunks` (`json`, not `jsonb`: the column order of a row is kept). Rows past their
 * `expires_at` are purged by every replica once a minute.
 *
 * No `record_data_change` trigger on either table: no cached response is built from them, and every
 * query run (and every chunk of its results) would otherwise drop every kept answer of every organization.
 */
export class AsyncQueries1763803000000 implements MigrationInterface {
  name = 'AsyncQueries1763803000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE async_queries (
        async_query_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        query_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        created_by_user_id bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        kind text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'ready', 'error', 'cancelled')),
        explore_name text,
        metric_query jsonb,
        fields jsonb NOT NULL DEFAULT '{}',
        compiled_sql text NOT NULL,
        sql_parameters jsonb NOT NULL DEFAULT '[]',
        options jsonb,
        columns jsonb,
        total_row_count int,
        default_page_size int,
        error text,
        errored_at timestamptz,
        execution_ms int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX async_queries_expires_at_idx ON async_queries (expires_at)`);
    await queryRunner.query(`CREATE INDEX async_queries_project_id_idx ON async_queries (project_id)`);
    await queryRunner.query(`CREATE INDEX async_queries_created_by_user_id_idx ON async_queries (created_by_user_id)`);
    await queryRunner.query(`
      CREATE TABLE async_query_result_chunks (
        async_query_id bigint NOT NULL REFERENCES async_queries (async_query_id) ON DELETE CASCADE,
        chunk_index int NOT NULL,
        rows json NOT NULL,
        PRIMARY KEY (async_query_id, chunk_index)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE async_query_result_chunks`);
    await queryRunner.query(`DROP TABLE async_queries`);
  }
}
