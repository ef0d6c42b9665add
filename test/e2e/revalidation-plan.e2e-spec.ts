import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { PresentedCredential } from '../../src/auth/request-context.js';
import type { PreparedSql } from '../../src/database/sql.js';
import { selectRevalidation } from '../../src/response-cache/response-cache.queries.js';

/** The text of the statement a cache hit prepares for a credential of this kind. */
async function revalidationText(via: PresentedCredential['via']): Promise<string> {
  let text = '';
  const capture = {
    rows: async (_name: string, statement: string) => {
      text = statement;
      return [{ live: true, fresh: true, refreshed: false }];
    },
  } as unknown as PreparedSql;
  const entry = { userId: '0', organizationId: '0', snapshot: '1:1:', checkedAt: '2026-01-01T00:00:00Z', serverStartedAt: '2026-01-01T00:00:00Z' };
  await selectRevalidation(capture, { via, digest: Buffer.alloc(32) }, entry, 24);
  return text;
}

// A hit's one statement must cost the same however many changes the log holds: the log keeps every
// write of the last minutes, and a busy organization writes thousands.
describe('the response cache revalidation as prepared (generic plan)', () => {
  // an organization id no test creates: its change-log rows are older than any snapshot and are pruned as usual
  const ORGANIZATION = -424242;
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(
      `INSERT INTO data_changes (xid, organization_id) SELECT n::text::xid8, $1 FROM generate_series(3, 5002) n ON CONFLICT DO NOTHING`,
      [ORGANIZATION],
    );
    await client.query('ANALYZE data_changes');
    await client.query('SET plan_cache_mode = force_generic_plan');
  });
  afterAll(async () => {
    await client.query('DELETE FROM data_changes WHERE organization_id = $1', [ORGANIZATION]);
    await client.end();
  });

  it.each(['personal_access_token', 'session'] as const)('%s: reads a few change-log rows, not the log', async (via) => {
    const text = await revalidationText(via);
    await client.query('DEALLOCATE ALL');
    await client.query(`PREPARE revalidation AS ${text}`);
    const { rows: snapshot } = await client.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot');
    const args = [`'\\x00'`, '0', `'${snapshot[0].snapshot}'`, 'now()', 'pg_postmaster_start_time()', String(ORGANIZATION)];
    if (via === 'session') args.push('24');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) EXECUTE revalidation(${args.join(', ')})`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('data_changes');
    expect(plan).not.toMatch(/Seq Scan on data_changes/);
    // every node over the change log returns or discards a handful of rows, never the organization's 5,000
    const touched = [...plan.matchAll(/(?:rows=|Rows Removed by Filter: )(\d+)/g)].map((match) => Number(match[1]));
    expect(Math.max(...touched)).toBeLessThan(100);
  });
});
