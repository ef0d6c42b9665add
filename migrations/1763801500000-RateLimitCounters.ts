import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters of login, registration and passcode routes, shared by every replica: one row
 * per key (a digest of bucket, kind and client address or account) and one-minute window, counted
 * with an atomic upsert and pruned by each process once a minute.
 *
 * UNLOGGED: losing the counts of the current minute on a database crash is harmless, and no WAL is
 * written for them. No `record_data_change` trigger: no cached response is built from them, and every
 * login attempt, anonymous ones included, would otherwise drop every kept answer of every organization.
 */
export class RateLimitCounters1763801500000 implements MigrationInterface {
  name = 'RateLimitCounters1763801500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        key bytea NOT NULL,
        window_start timestamptz NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (key, window_start)
      )`);
    await queryRunner.query(`CREATE INDEX rate_limit_counters_window_start_idx ON rate_limit_counters (window_start)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rate_limit_counters`);
  }
}
