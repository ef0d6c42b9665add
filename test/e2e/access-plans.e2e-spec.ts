import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type AccessTarget, selectCheckedAccess } from '../../src/authorization/access.queries.js';
import type { RowLoader } from '../../src/authorization/row-loader.js';
import { CHART_DETAILS } from '../../src/charts/charts.queries.js';
import type { PreparedSql } from '../../src/database/sql.js';
import { SPACE_CONTENT } from '../../src/spaces/space-content.queries.js';

/** The text of the statement a route's access check prepares (with its loader's read, when given). */
async function checkedAccessText(target: AccessTarget, loader?: RowLoader<unknown>): Promise<string> {
  let text = '';
  const capture = {
    arrays: async (_name: string, statement: string) => {
      text = statement;
      return { columns: ['credentialLive', 'snapshot', 'checkedAt', 'serverStartedAt', 'projectId'], rows: [[true, '', '', '', null]] };
    },
  } as unknown as PreparedSql;
  await selectCheckedAccess(capture, target, '00000000-0000-4000-8000-000000000000', { userId: '0', via: 'personal_access_token', organizationId: null, role: null }, loader);
  return text;
}

// The role functions are SQL functions meant to be inlined into the plan. One that is not (PostgreSQL
// copies no argument that the body reads more than once unless it is cheap) runs as a function call
// with an executor of its own on every check: several times the cost of the inlined expression.
describe('the access checks as prepared (generic plans)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query('SET plan_cache_mode = force_generic_plan');
  });
  afterAll(async () => client.end());

  const CASES: [string, AccessTarget, RowLoader<unknown> | undefined][] = [
    ['project', 'project', undefined],
    ['space', 'space', undefined],
    ['chart', 'chart', undefined],
    ['dashboard', 'dashboard', undefined],
    ['chart with its details (GET /saved/{c})', 'chart', CHART_DETAILS as RowLoader<unknown>],
    ['space with its content (GET /projects/{p}/spaces/{s})', 'space', SPACE_CONTENT as RowLoader<unknown>],
  ];

  it.each(CASES)('%s: every role function inlined', async (_name, target, loader) => {
    const text = await checkedAccessText(target, loader);
    await client.query('DEALLOCATE ALL');
    await client.query(`PREPARE checked AS ${text}`);
    const { rows } = await client.query(
      `EXPLAIN (VERBOSE) EXECUTE checked('00000000-0000-4000-8000-000000000000', 0, 'personal_access_token', NULL, NULL, NULL)`,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('Output:');
    expect(plan.match(/\b(effective_space_role|effective_project_role|custom_scopes_space_role)\(/g) ?? []).toEqual([]);
  });
});
