import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { purgeExpired } from '../../src/queries/queries.queries.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';
import { createShopWarehouse, createWarehouseProject } from '../support/warehouse.js';

/**
 * Query execution against a real PostgreSQL warehouse: a schema with known rows in the test database,
 * and projects whose warehouse connection points at it.
 */
type Json = Record<string, any>;

let t: TestApp;
let p: Personas;
let outsider: TestUser;
let warehouse: Awaited<ReturnType<typeof createShopWarehouse>>;
let projectUuid: string;

const v1 = (path: string) => `/api/v1/projects/${projectUuid}${path}`;
const v2 = (path: string) => `/api/v2/projects/${projectUuid}/query${path}`;

const REVENUE_BY_STATUS = {
  exploreName: 'orders',
  dimensions: ['orders_status'],
  metrics: ['orders_total_revenue', 'orders_order_count'],
  filters: {},
  sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
  limit: 100,
  tableCalculations: [],
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The SDK's sequence: submit, poll page 1 until ready, then read every page. */
async function runLikeTheSdk(user: TestUser, query: Json, pageSize: number): Promise<{ fields: Json; pages: Json[] }> {
  const submitted = await t.http().post(v2('/metric-query')).set('Cookie', user.cookie).send({ query, context: 'api', invalidateCache: false }).expect(200);
  const { queryUuid, fields } = submitted.body.results;
  const first = await until(
    async () => (await t.http().get(v2(`/${queryUuid}?page=1&pageSize=${pageSize}`)).set('Cookie', user.cookie).expect(200)).body.results,
    (results) => results.status !== 'pending',
    'the query to finish',
  );
  const pages = [first];
  for (let page = 2; page <= first.totalPageCount; page += 1) {
    pages.push((await t.http().get(v2(`/${queryUuid}?page=${page}&pageSize=${pageSize}`)).set('Cookie', user.cookie).expect(200)).body.results);
  }
  return { fields, pages };
}

const raw = (rows: Json[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, cell]) => [key, cell.value.raw])));

beforeAll(async () => {
  t = await createTestApp();
  p = await createPersonas(t);
  outsider = (await createOrganization(t, 'Other org')).admin;
  warehouse = await createShopWarehouse();
  projectUuid = await createWarehouseProject(t, p.admin, warehouse.schema);
});

afterAll(async () => {
  await warehouse?.drop();
  await t?.close();
});

describe('v1 compileQuery', () => {
  it('shows the SQL with the filter values written in, for an interactive viewer', async () => {
    const res = await t
      .http()
      .post(v1('/explores/orders/compileQuery'))
      .set('Cookie', p.interactive_viewer.cookie)
      .send({ ...REVENUE_BY_STATUS, filters: { dimensions: { id: 'g', and: [{ id: 'r', target: { fieldId: 'orders_status' }, operator: 'equals', values: ["it's"] }] } } })
      .expect(200);
    expect(res.body.results.parameterReferences).toEqual([]);
    expect(res.body.results.query).toContain(`"${warehouse.schema}"."orders"`);
    expect(res.body.results.query).toContain(`'it''s'`);
    expect(res.body.results.query).not.toMatch(/\$\d/);
  });

  it('refuses a viewer (403), an outsider (404), an unknown explore (404) and a bad field (400)', async () => {
    await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', p.viewer.cookie).send(REVENUE_BY_STATUS).expect(403);
    await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', outsider.cookie).send(REVENUE_BY_STATUS).expect(404);
    const unknown = await t.http().post(v1('/explores/nope/compileQuery')).set('Cookie', p.developer.cookie).send(REVENUE_BY_STATUS).expect(404);
    expect(unknown.body.error).toMatchObject({ name: 'NotFoundError', message: 'Explore "nope" does not exist.' });
    const bad = await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', p.developer.cookie).send({ ...REVENUE_BY_STATUS, dimensions: ['orders_nope'] }).expect(400);
    expect(bad.body.error.name).toBe('FieldReferenceError');
  });

  it('needs the developer role for SQL the request writes (table calculations)', async () => {
    const body = { ...REVENUE_BY_STATUS, tableCalculations: [{ name: 'double', displayName: 'Double', sql: '${orders.total_revenue} * 2' }] };
    const refused = await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', p.interactive_viewer.cookie).send(body).expect(403);
    expect(refused.body.error.name).toBe('CustomSqlQueryForbiddenError');
    await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', p.developer.cookie).send(body).expect(200);
  });

  it('lets a custom role write SQL in a query when it holds manage:SqlRunner, as the permission table says', async () => {
    const body = { ...REVENUE_BY_STATUS, tableCalculations: [{ name: 'double', displayName: 'Double', sql: '${orders.total_revenue} * 2' }] };
    const assignRole = async (user: TestUser, name: string, scopes: string[]) => {
      const role = await t.http().post(`/api/v2/orgs/${p.organizationUuid}/roles`).set('Cookie', p.admin.cookie).send({ name, scopes }).expect(201);
      await t.http().post(`/api/v2/projects/${projectUuid}/roles/assignments/user/${user.userUuid}`).set('Cookie', p.admin.cookie)
        .send({ roleId: role.body.results.roleUuid }).expect(200);
    };
    const explorer = await addMember(t, p.org, 'member', 'Explorer');
    const sqlWriter = await addMember(t, p.org, 'member', 'SQL writer');
    await assignRole(explorer, 'Explorer', ['view:Project', 'manage:Explore']);
    await assignRole(sqlWriter, 'SQL writer', ['view:Project', 'manage:Explore', 'manage:SqlRunner']);

    const refused = await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', explorer.cookie).send(body).expect(403);
    expect(refused.body.error.name).toBe('CustomSqlQueryForbiddenError');
    await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', explorer.cookie).send(REVENUE_BY_STATUS).expect(200);
    await t.http().post(v1('/explores/orders/compileQuery')).set('Cookie', sqlWriter.cookie).send(body).expect(200);
  });
});

describe('v1 sqlQuery', () => {
  it('runs raw SQL for a developer, values and types as the warehouse has them', async () => {
    const res = await t
      .http()
      .post(v1('/sqlQuery'))
      .set('Cookie', p.developer.cookie)
      .send({ sql: `SELECT order_id, status, amount, order_date, ordered_at, is_completed FROM ${warehouse.schema}.orders ORDER BY order_id LIMIT 2;` })
      .expect(200);
    expect(res.body.results).toEqual({
      fields: { order_id: { type: 'number' }, status: { type: 'string' }, amount: { type: 'number' }, order_date: { type: 'date' }, ordered_at: { type: 'timestamp' }, is_completed: { type: 'boolean' } },
      rows: [
        { order_id: 1, status: 'completed', amount: 30, order_date: '2026-01-31T00:00:00.000Z', ordered_at: '2026-01-31T23:30:00.000Z', is_completed: true },
        { order_id: 2, status: 'shipped', amount: 70, order_date: '2026-02-10T00:00:00.000Z', ordered_at: '2026-02-10T10:00:00.000Z', is_completed: false },
      ],
    });
  });

  it('refuses an interactive viewer (403)', async () => {
    await t.http().post(v1('/sqlQuery')).set('Cookie', p.interactive_viewer.cookie).send({ sql: 'SELECT 1' }).expect(403);
  });

  it('cannot change data: a second statement and a write are refused, the table is intact', async () => {
    const second = await t.http().post(v1('/sqlQuery')).set('Cookie', p.developer.cookie).send({ sql: `SELECT 1; DROP TABLE ${warehouse.schema}.payments` }).expect(400);
    expect(second.body.error.name).toBe('WarehouseQueryError');
    const write = await t.http().post(v1('/sqlQuery')).set('Cookie', p.developer.cookie).send({ sql: `DELETE FROM ${warehouse.schema}.payments RETURNING *` }).expect(400);
    expect(write.body.error.name).toBe('WarehouseQueryError');
    const escape = await t
      .http()
      .post(v1('/sqlQuery'))
      .set('Cookie', p.developer.cookie)
      .send({ sql: `SELECT * FROM (WITH gone AS (DELETE FROM ${warehouse.schema}.payments RETURNING 1) SELECT * FROM gone) x` })
      .expect(400);
    expect(escape.body.error.name).toBe('WarehouseQueryError');
    const { rows } = await warehouse.client.query(`SELECT count(*)::int AS n FROM ${warehouse.schema}.payments`);
    expect(rows[0].n).toBe(4);
  });

  it('reports a SQL error with PostgreSQL’s message and where it is', async () => {
    const res = await t.http().post(v1('/sqlQuery')).set('Cookie', p.developer.cookie).send({ sql: 'SELECT 1,\n  nope FROM nowhere_at_all' }).expect(400);
    expect(res.body.error).toMatchObject({ name: 'WarehouseQueryError', message: 'relation "nowhere_at_all" does not exist', data: { lineNumber: 2, charNumber: 13 } });
  });
});

describe('v2 asynchronous metric queries', () => {
  it('follows the SDK: submit, poll until ready, page through, values to the cent', async () => {
    const { fields, pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 2);
    expect(fields.orders_total_revenue).toMatchObject({ label: expect.any(String), fieldType: 'metric' });
    expect(pages.map((page) => page.page)).toEqual([1, 2]);
    expect(pages[0]).toMatchObject({ status: 'ready', totalResults: 3, totalPageCount: 2, pageSize: 2, nextPage: 2, pivotDetails: null });
    expect(pages[1]).toMatchObject({ pageSize: 1, previousPage: 1 });
    expect(pages[1].nextPage).toBeUndefined();
    expect(pages[0].columns.orders_total_revenue).toEqual({ reference: 'orders_total_revenue', type: 'number' });
    expect(pages.flatMap((page) => raw(page.rows))).toEqual([
      { orders_status: 'completed', orders_total_revenue: 150, orders_order_count: 2 },
      { orders_status: 'shipped', orders_total_revenue: 70, orders_order_count: 1 },
      { orders_status: 'placed', orders_total_revenue: 5, orders_order_count: 1 },
    ]);
    expect(pages[0].rows[0].orders_status.value).toEqual({ raw: 'completed', formatted: 'completed' });
  });

  it('template table calculations and value groups run for an interactive viewer (no custom SQL)', async () => {
    const query = {
      exploreName: 'orders',
      dimensions: ['status_group'],
      metrics: ['orders_total_revenue'],
      customDimensions: [{
        id: 'status_group', name: 'Status group', table: 'orders', type: 'bin', dimensionId: 'orders_status', binType: 'custom_group',
        customGroups: [{ name: 'Done', values: ['completed'] }, { name: 'Moving', values: [{ match: 'startsWith', value: 'ship' }, 'placed'] }],
      }],
      filters: {},
      sorts: [{ fieldId: 'status_group', descending: false }],
      tableCalculations: [
        { name: 'share', displayName: 'Share', template: { type: 'percent_of_column_total', fieldId: 'orders_total_revenue' } },
        { name: 'running', displayName: 'Running', template: { type: 'running_total', fieldId: 'orders_total_revenue' } },
      ],
      limit: 100,
    };
    const { pages } = await runLikeTheSdk(p.interactive_viewer, query, 10);
    expect(raw(pages[0].rows).map((row) => [row.status_group, row.status_group_order, row.orders_total_revenue, Math.round(row.share * 10000) / 10000, row.running])).toEqual([
      ['Done', 0, 150, 0.6667, 150],
      ['Moving', 1, 75, 0.3333, 225],
    ]);
    expect(pages[0].columns.share).toEqual({ reference: 'share', type: 'number' });
  });

  it('keeps a malicious filter value inert (quotes, semicolons, $1)', async () => {
    const values = [`x'; DROP TABLE ${warehouse.schema}.orders; --`, '$1', "') OR 1=1 --"];
    const { pages } = await runLikeTheSdk(
      p.interactive_viewer,
      { ...REVENUE_BY_STATUS, filters: { dimensions: { and: [{ target: { fieldId: 'orders_status' }, operator: 'equals', values }] } } },
      500,
    );
    expect(pages[0]).toMatchObject({ status: 'ready', totalResults: 0, rows: [] });
    const { rows } = await warehouse.client.query(`SELECT count(*)::int AS n FROM ${warehouse.schema}.orders`);
    expect(rows[0].n).toBe(4);
  });

  it('lets only the caller who ran a query read it; a viewer may not run one', async () => {
    const submitted = await t.http().post(v2('/metric-query')).set('Cookie', p.interactive_viewer.cookie).send({ query: REVENUE_BY_STATUS }).expect(200);
    const { queryUuid } = submitted.body.results;
    const other = await t.http().get(v2(`/${queryUuid}`)).set('Cookie', p.admin.cookie).expect(404);
    expect(other.body.error.message).toBe(`Query ${queryUuid} not found for project ${projectUuid}`);
    await t.http().get(v2(`/${queryUuid}`)).set('Cookie', outsider.cookie).expect(404);
    await t.http().post(v2('/metric-query')).set('Cookie', p.viewer.cookie).send({ query: REVENUE_BY_STATUS }).expect(403);
    await t.http().post(v2('/metric-query')).set('Cookie', outsider.cookie).send({ query: REVENUE_BY_STATUS }).expect(404);
  });

  it('validates pages and expires results', async () => {
    const { pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 2);
    const { queryUuid } = pages[0];
    const tooBig = await t.http().get(v2(`/${queryUuid}?pageSize=2501`)).set('Cookie', p.interactive_viewer.cookie).expect(422);
    expect(tooBig.body.error).toMatchObject({ name: 'PaginationError', message: 'page size is too large, max is 2500' });
    const past = await t.http().get(v2(`/${queryUuid}?page=3&pageSize=2`)).set('Cookie', p.interactive_viewer.cookie).expect(422);
    expect(past.body.error.message).toBe('invalid page 3, last page is 2');
    await warehouse.client.query(`UPDATE async_queries SET expires_at = now() - interval '1 second' WHERE query_uuid = $1`, [queryUuid]);
    const expired = await t.http().get(v2(`/${queryUuid}?page=1`)).set('Cookie', p.interactive_viewer.cookie).expect(404);
    expect(expired.body.error.name).toBe('ResultsExpiredError');
  });

  it('grand total of a query, as a new query', async () => {
    const { pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 500);
    const total = await t.http().post(v2(`/${pages[0].queryUuid}/calculate-total`)).set('Cookie', p.interactive_viewer.cookie).send({ kind: 'grandTotal' }).expect(200);
    const ready = await until(
      async () => (await t.http().get(v2(`/${total.body.results.queryUuid}`)).set('Cookie', p.interactive_viewer.cookie).expect(200)).body.results,
      (results) => results.status !== 'pending',
      'the total',
    );
    expect(raw(ready.rows)).toEqual([{ orders_total_revenue: 225, orders_order_count: 4 }]);
  });
});

describe('v2 SQL, cancellation and timeouts', () => {
  // the statement runs as the cursor's FETCH: found by the warehouse pool's application name and the sleep
  const sleeping = (marker: string) => `SELECT pg_sleep(60) AS slept, '${marker}' AS marker`;
  const activeWith = async (client: pg.Client, _marker: string) =>
    (
      await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND application_name = 'lightdash-access-server warehouse' AND wait_event = 'PgSleep'`,
      )
    ).rows[0].n as number;

  it('a cancelled query stops in the warehouse', async () => {
    const marker = `cancel_me_${Date.now()}`;
    const submitted = await t.http().post(v2('/sql')).set('Cookie', p.developer.cookie).send({ sql: sleeping(marker) }).expect(200);
    const { queryUuid } = submitted.body.results;
    await until(() => activeWith(warehouse.client, marker), (n) => n === 1, 'the statement to run');
    const cancelled = await t.http().post(v2(`/${queryUuid}/cancel`)).set('Cookie', p.developer.cookie);
    expect([cancelled.status, cancelled.body]).toEqual([200, { status: 'ok' }]);
    await until(() => activeWith(warehouse.client, marker), (n) => n === 0, 'the statement to stop', 10_000);
    const poll = await t.http().get(v2(`/${queryUuid}`)).set('Cookie', p.developer.cookie).expect(200);
    expect(poll.body.results).toEqual({ status: 'cancelled', queryUuid });
  });

  it('a cancel marked by another replica (in the database) stops the statement too', async () => {
    const marker = `cancel_elsewhere_${Date.now()}`;
    const submitted = await t.http().post(v2('/sql')).set('Cookie', p.developer.cookie).send({ sql: sleeping(marker) }).expect(200);
    await until(() => activeWith(warehouse.client, marker), (n) => n === 1, 'the statement to run');
    await warehouse.client.query(`UPDATE async_queries SET status = 'cancelled' WHERE query_uuid = $1`, [submitted.body.results.queryUuid]);
    await until(() => activeWith(warehouse.client, marker), (n) => n === 0, 'the statement to stop', 10_000);
  });

  it('a SQL error answers the submit; an interactive viewer may not run SQL', async () => {
    const res = await t.http().post(v2('/sql')).set('Cookie', p.developer.cookie).send({ sql: 'SELECT * FROM nowhere_at_all' }).expect(400);
    expect(res.body.error.name).toBe('WarehouseQueryError');
    await t.http().post(v2('/sql')).set('Cookie', p.interactive_viewer.cookie).send({ sql: 'SELECT 1' }).expect(403);
  });

  it('runs SQL asynchronously with a limit', async () => {
    const submitted = await t.http().post(v2('/sql')).set('Cookie', p.developer.cookie).send({ sql: `SELECT order_id FROM ${warehouse.schema}.orders ORDER BY 1`, limit: 3 }).expect(200);
    const ready = await until(
      async () => (await t.http().get(v2(`/${submitted.body.results.queryUuid}`)).set('Cookie', p.developer.cookie).expect(200)).body.results,
      (results) => results.status !== 'pending',
      'the SQL query',
    );
    expect(raw(ready.rows)).toEqual([{ order_id: 1 }, { order_id: 2 }, { order_id: 3 }]);
  });

  it('the statement timeout of the connection stops a long query', async () => {
    const slowProject = await createWarehouseProject(t, p.admin, warehouse.schema, { timeoutSeconds: 1 });
    const started = Date.now();
    const res = await t.http().post(`/api/v1/projects/${slowProject}/sqlQuery`).set('Cookie', p.developer.cookie).send({ sql: 'SELECT pg_sleep(10)' }).expect(400);
    expect(res.body.error).toMatchObject({ name: 'WarehouseQueryError', message: 'canceling statement due to statement timeout' });
    expect(Date.now() - started).toBeLessThan(9_000);
  });

  it('survives its idle warehouse connections being killed (pool error handler), and runs the next query', async () => {
    await t.http().post(v1('/sqlQuery')).set('Cookie', p.developer.cookie).send({ sql: 'SELECT 1 AS one' }).expect(200);
    const killed = await warehouse.client.query(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lightdash-access-server warehouse' AND state = 'idle') x`,
    );
    expect(killed.rows[0].n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await t.http().post(v1('/sqlQuery')).set('Cookie', p.developer.cookie).send({ sql: 'SELECT 2 AS two' }).expect(200);
    expect(res.body.results.rows).toEqual([{ two: 2 }]);
  });

  it('an unreachable warehouse reads the same as any connection failure, without network detail', async () => {
    const unreachable = await createWarehouseProject(t, p.admin, warehouse.schema, { host: '127.0.0.1', port: 1 });
    const started = Date.now();
    const res = await t.http().post(`/api/v1/projects/${unreachable}/sqlQuery`).set('Cookie', p.developer.cookie).send({ sql: 'SELECT 1' }).expect(400);
    expect(res.body.error).toMatchObject({
      name: 'WarehouseConnectionError',
      message: 'Could not connect to the warehouse. Check the project connection settings and your warehouse credentials.',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    // a refused port answers no sooner than a silent one would (WAREHOUSE_CONNECT_TIMEOUT_MS, 5 s by default)
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  });
});

describe('v1 totals, CSV, custom metrics and the SQL runner', () => {
  it('calculate-total answers the totals row', async () => {
    const res = await t.http().post(v1('/calculate-total')).set('Cookie', p.interactive_viewer.cookie).send({ explore: 'orders', metricQuery: REVENUE_BY_STATUS }).expect(200);
    expect(res.body.results).toEqual({ orders_total_revenue: 225, orders_order_count: 4 });
    await t.http().post(v1('/calculate-total')).set('Cookie', p.viewer.cookie).send({ explore: 'orders', metricQuery: REVENUE_BY_STATUS }).expect(403);
  });

  it('downloads a CSV: job, status, then the streamed file (only for its creator)', async () => {
    const job = await t
      .http()
      .post(v1('/explores/orders/downloadCsv'))
      .set('Cookie', p.interactive_viewer.cookie)
      .send({ ...REVENUE_BY_STATUS, onlyRaw: true, csvLimit: null, showTableNames: false, columnOrder: ['orders_status', 'orders_order_count', 'orders_total_revenue'], customLabels: { orders_status: 'Status, of order' } })
      .expect(200);
    const { jobId } = job.body.results;
    const status = await t.http().get(`/api/v1/csv/${jobId}`).set('Cookie', p.interactive_viewer.cookie).expect(200);
    expect(status.body.results).toEqual({ status: 'completed', truncated: false, url: expect.stringContaining(`/api/v1/projects/${projectUuid}/csv/${jobId}`) });
    await t.http().get(`/api/v1/csv/${jobId}`).set('Cookie', p.developer.cookie).expect(404);
    // the job is not a v2 query
    await t.http().get(v2(`/${jobId}`)).set('Cookie', p.interactive_viewer.cookie).expect(404);
    const file = await t.http().get(v1(`/csv/${jobId}`)).set('Cookie', p.interactive_viewer.cookie).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    const lines = (file.body as string).split('\r\n');
    expect(lines).toEqual(['\uFEFF"Status, of order",Orders,Total revenue', 'completed,2,150', 'shipped,1,70', 'placed,1,5', '']);
  });

  it('lists the custom metrics of the charts a caller can see', async () => {
    const before = await t.http().get(v1('/custom-metrics')).set('Cookie', p.viewer.cookie).expect(200);
    const privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Private', isPrivate: true });
    const metric = { uuid: '6f0c2f5e-0000-4000-8000-000000000001', name: 'average_amount', label: 'Average amount', table: 'orders', type: 'average', sql: '${TABLE}.amount', baseDimensionName: 'amount' };
    await t
      .http()
      .post(v1('/saved'))
      .set('Cookie', p.admin.cookie)
      .send({ name: 'Secret chart', tableName: 'orders', metricQuery: { ...REVENUE_BY_STATUS, additionalMetrics: [metric] }, chartConfig: { type: 'table', config: {} }, tableConfig: { columnOrder: [] }, spaceUuid: privateSpace })
      .expect(200);
    const admin = await t.http().get(v1('/custom-metrics')).set('Cookie', p.admin.cookie).expect(200);
    expect(admin.body.results).toContainEqual({
      name: metric.uuid,
      label: 'Average amount',
      modelName: 'orders',
      yml: "label: 'Average amount'\ntype: 'average'\n",
      chartLabel: 'Secret chart',
      chartUrl: expect.stringMatching(new RegExp(`/projects/${projectUuid}/saved/[0-9a-f-]{36}/view$`)),
    });
    // the viewer cannot see the private space: its chart's metrics are not listed
    const viewer = await t.http().get(v1('/custom-metrics')).set('Cookie', p.viewer.cookie).expect(200);
    expect(viewer.body.results).toEqual(before.body.results);
    expect(viewer.body.results.map((row: Json) => row.chartLabel)).not.toContain('Secret chart');
  });

  it('lists tables and fields for a developer (the SDK’s table/schema spelling too)', async () => {
    const tables = await t.http().get(v1('/sqlRunner/tables')).set('Cookie', p.developer.cookie).expect(200);
    const database = Object.keys(tables.body.results)[0];
    expect(tables.body.results[database][warehouse.schema]).toEqual({ customers: {}, orders: {}, payments: {} });
    const fields = await t.http().get(v1(`/sqlRunner/fields?table=orders&schema=${warehouse.schema}`)).set('Cookie', p.developer.cookie).expect(200);
    expect(fields.body.results).toEqual({ order_id: 'number', customer_id: 'number', status: 'string', ordered_at: 'timestamp', order_date: 'date', is_completed: 'boolean', amount: 'number' });
    const run = await t.http().post(v1('/sqlRunner/run')).set('Cookie', p.developer.cookie).send({ sql: `SELECT order_id FROM ${warehouse.schema}.orders ORDER BY 1`, limit: 2 }).expect(200);
    expect(run.body.results.rows).toEqual([{ order_id: 1 }, { order_id: 2 }]);
    await t.http().get(v1('/sqlRunner/tables')).set('Cookie', p.interactive_viewer.cookie).expect(403);
  });
});

describe('saved charts, underlying data, downloads, user credentials and the purge', () => {
  it('runs a saved chart for a viewer of its space (not for an outsider)', async () => {
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    const chart = await t
      .http()
      .post(v1('/saved'))
      .set('Cookie', p.admin.cookie)
      .send({ name: 'Revenue', tableName: 'orders', metricQuery: REVENUE_BY_STATUS, chartConfig: { type: 'table', config: {} }, tableConfig: { columnOrder: [] }, spaceUuid: space })
      .expect(200);
    const chartUuid = chart.body.results.uuid;
    const submitted = await t.http().post(v2('/chart')).set('Cookie', p.viewer.cookie).send({ chartUuid }).expect(200);
    const ready = await until(
      async () => (await t.http().get(v2(`/${submitted.body.results.queryUuid}`)).set('Cookie', p.viewer.cookie).expect(200)).body.results,
      (results) => results.status !== 'pending',
      'the chart query',
    );
    expect(raw(ready.rows).map((row) => row.orders_total_revenue)).toEqual([150, 70, 5]);
    await t.http().post(v2('/chart')).set('Cookie', outsider.cookie).send({ chartUuid }).expect(404);
    const tooMany = await t.http().post(v2('/chart')).set('Cookie', p.viewer.cookie).send({ chartUuid, limit: 2 }).expect(200);
    const capped = await until(
      async () => (await t.http().get(v2(`/${tooMany.body.results.queryUuid}`)).set('Cookie', p.viewer.cookie).expect(200)).body.results,
      (results) => results.status !== 'pending',
      'the capped chart query',
    );
    expect(capped.totalResults).toBe(2);
  });

  it('reads the rows behind a result, narrowed by the filters given', async () => {
    const { pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 500);
    const submitted = await t
      .http()
      .post(v2('/underlying-data'))
      .set('Cookie', p.interactive_viewer.cookie)
      .send({ underlyingDataSourceQueryUuid: pages[0].queryUuid, filters: { dimensions: { and: [{ target: { fieldId: 'orders_status' }, operator: 'equals', values: ['completed'] }] } } })
      .expect(200);
    const ready = await until(
      async () => (await t.http().get(v2(`/${submitted.body.results.queryUuid}`)).set('Cookie', p.interactive_viewer.cookie).expect(200)).body.results,
      (results) => results.status !== 'pending',
      'the underlying data',
    );
    expect(ready.status).toBe('ready');
    expect(raw(ready.rows).map((row) => row.orders_order_id).sort()).toEqual([1, 3]);
    // someone else's source query is not found
    await t.http().post(v2('/underlying-data')).set('Cookie', p.developer.cookie).send({ underlyingDataSourceQueryUuid: pages[0].queryUuid, filters: {} }).expect(404);
  });

  it('downloads the stored results of a ready query as CSV and JSONL', async () => {
    const { pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 500);
    const text = (res: any, done: (error: Error | null, body: string) => void) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => done(null, body));
    };
    const csv = await t.http().post(v2(`/${pages[0].queryUuid}/download`)).set('Cookie', p.interactive_viewer.cookie).send({ type: 'csv', columnOrder: ['orders_order_count'] }).buffer(true).parse(text);
    expect(csv.status).toBe(200);
    expect((csv.body as string).split('\r\n').slice(1)).toEqual(['completed,150,2', 'shipped,70,1', 'placed,5,1', '']);
    const jsonl = await t.http().post(v2(`/${pages[0].queryUuid}/download`)).set('Cookie', p.interactive_viewer.cookie).send({ type: 'jsonl' }).buffer(true).parse(text);
    expect((jsonl.body as string).trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { orders_status: 'completed', orders_total_revenue: 150, orders_order_count: 2 },
      { orders_status: 'shipped', orders_total_revenue: 70, orders_order_count: 1 },
      { orders_status: 'placed', orders_total_revenue: 5, orders_order_count: 1 },
    ]);
    await t.http().post(v2(`/${pages[0].queryUuid}/download`)).set('Cookie', p.developer.cookie).send({ type: 'csv' }).expect(404);
  });

  it('runs with the caller’s own credentials when the project requires them', async () => {
    const own = await createWarehouseProject(t, p.admin, warehouse.schema, { requireUserCredentials: true });
    const sql = (user: TestUser) => t.http().post(`/api/v1/projects/${own}/sqlQuery`).set('Cookie', user.cookie).send({ sql: 'SELECT current_user AS who' });
    const missing = await sql(p.developer).expect(400);
    expect(missing.body.error.name).toBe('MissingWarehouseCredentialsError');
    const url = new URL(process.env.DATABASE_URL!);
    // a role that does not exist fails under password and trust authentication alike (CI's server trusts)
    await t.http().post('/api/v1/user/warehouseCredentials').set('Cookie', p.developer.cookie).send({ name: 'wrong', credentials: { type: 'postgres', user: 'no_such_role_for_this_test', password: 'not-the-password' } }).expect(200);
    const wrong = await sql(p.developer).expect(400);
    expect(wrong.body.error.name).toBe('WarehouseConnectionError');
    await t.http().post('/api/v1/user/warehouseCredentials').set('Cookie', p.developer.cookie).send({ name: 'right', credentials: { type: 'postgres', user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) || 'trust-ignores-it' } }).expect(200);
    const right = await sql(p.developer).expect(200);
    expect(right.body.results.rows).toEqual([{ who: decodeURIComponent(url.username) }]);
  });

  it('purges the rows of expired results', async () => {
    const { pages } = await runLikeTheSdk(p.interactive_viewer, REVENUE_BY_STATUS, 500);
    await warehouse.client.query(`UPDATE async_queries SET expires_at = now() - interval '2 hours' WHERE query_uuid = $1`, [pages[0].queryUuid]);
    await purgeExpired(t.app.get(DataSource));
    const { rows } = await warehouse.client.query(
      `SELECT (SELECT count(*)::int FROM async_queries WHERE query_uuid = $1) AS queries,
              (SELECT count(*)::int FROM async_query_result_chunks c JOIN async_queries q USING (async_query_id) WHERE q.query_uuid = $1) AS chunks`,
      [pages[0].queryUuid],
    );
    expect(rows[0]).toEqual({ queries: 0, chunks: 0 });
    await t.http().get(v2(`/${pages[0].queryUuid}`)).set('Cookie', p.interactive_viewer.cookie).expect(404);
  });
});
