import type pg from 'pg';

// The SQL of the health check. Its statement is the benchmark's baseline (bench/run.mjs compares
// every route with health): its text stays as it is.

/**
 * Whether the server has no organization yet, bounded by `statementTimeoutMs`: one simple-protocol
 * message, so one round trip; SET LOCAL holds for its implicit transaction only.
 */
export async function selectRequiresOrgRegistration(client: pg.PoolClient, statementTimeoutMs: number): Promise<boolean> {
  const results = (await client.query(
    `SET LOCAL statement_timeout = ${statementTimeoutMs};
         SELECT NOT EXISTS (SELECT 1 FROM organizations) AS "requiresOrgRegistration"`,
  )) as unknown as pg.QueryResult<{ requiresOrgRegistration: boolean }>[];
  return results[1].rows[0].requiresOrgRegistration;
}
