import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { RESPONSE_CACHE_HEADER } from '../../src/response-cache/response-cache.hooks.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

type Json = Record<string, any>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// the fixture's fields, by table (a table joined into several explores is one catalog item)
const ORDERS_DIMENSIONS = ['order_id', 'customer_id', 'status', 'ordered_at', 'order_date', 'is_completed', 'amount'];
const ORDERS_METRICS = ['order_count', 'total_revenue', 'average_order_value', 'largest_order', 'ordering_customers'];
const CUSTOMERS_METRICS = ['customer_count', 'average_lifetime_orders', 'first_signup'];
const PAYMENTS_METRICS = ['payment_count', 'total_paid', 'smallest_payment', 'average_payment'];
const FIELD_COUNT = 7 + 5 + 6 + 3 + 6 + 4;
const byName = (a: string, b: string) => a.localeCompare(b);

function chartBody(spaceUuid: string, name: string, tableName: string, dimensions: string[], metrics: string[]) {
  return {
    name,
    description: `${name} description`,
    tableName,
    metricQuery: { exploreName: tableName, dimensions, metrics, filters: {}, sorts: [], limit: 500, tableCalculations: [] },
    chartConfig: { type: 'cartesian', config: { eChartsConfig: { series: [{ type: 'line' }] } } },
    spaceUuid,
  };
}

describe('catalog read routes (search, metadata, analytics, metrics)', () => {
  let t: TestApp;
  let p: Personas;
  let projectUuid: string;
  let publicSpace: string;
  let privateSpace: string;
  const charts: Record<string, string> = {};
  const tags: Record<string, string> = {};

  const url = (path: string, project = projectUuid) => `/api/v1/projects/${project}/dataCatalog${path}`;
  const get = (user: TestUser, path: string, project = projectUuid) => t.http().get(url(path, project)).set('Cookie', user.cookie);
  const ok = async (user: TestUser, path: string, project = projectUuid) => {
    const res = await get(user, path, project);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    expect(res.body.status).toBe('ok');
    return res.body.results;
  };
  const names = (items: Json[]) => items.map((item) => (item.type === 'field' ? `${item.tableName}.${item.name}` : item.name));
  const upload = async (user: TestUser, project: string, body: unknown) => {
    const res = await t.http().put(`/api/v1/projects/${project}/explores`).set('Cookie', user.cookie).send(body as object);
    if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.text}`);
  };
  const sql = (text: string, params: unknown[] = []) => t.app.get(DataSource).query(text, params);
  const catalogUuid = async (table: string, field: string | null, project = projectUuid): Promise<string> => {
    const [row] = await sql(
      `SELECT c.catalog_search_uuid AS uuid FROM catalog_items c JOIN projects p USING (project_id)
       WHERE p.project_uuid = $1 AND c.table_name = $2 AND c.field_name IS NOT DISTINCT FROM $3`,
      [project, table, field],
    );
    return row.uuid;
  };
  const categorize = async (table: string, field: string | null, tag: string) =>
    sql(
      `INSERT INTO catalog_item_categories (catalog_item_id, tag_id)
       SELECT c.catalog_item_id, t.tag_id FROM catalog_items c, tags t WHERE c.catalog_search_uuid = $1 AND t.tag_uuid = $2`,
      [await catalogUuid(table, field), tag],
    );

  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
    projectUuid = await createProject(t, p.admin);
    await upload(p.developer, projectUuid, shopExplores());
    publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Board only', isPrivate: true });
    const save = async (key: string, body: Json) => {
      const res = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.admin.cookie).send(body);
      if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
      charts[key] = res.body.results.uuid;
    };
    await save('revenue', chartBody(publicSpace, 'Revenue by status', 'orders', ['orders_status'], ['orders_total_revenue']));
    await save('board', chartBody(privateSpace, 'Board: customers per day', 'orders', ['orders_order_date'], ['customers_customer_count']));
    await save('paid', chartBody(publicSpace, 'Paid', 'payments', [], ['payments_total_paid', 'orders_total_revenue']));
    // built on customers, using none of its fields
    await save('customersOnly', chartBody(publicSpace, 'Customers (table only)', 'customers', [], []));
    for (const [name, color] of [['Finance', '#1f77b4'], ['Growth', '#ff7f0e']]) {
      const res = await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.editor.cookie).send({ name, color });
      if (res.status !== 201) throw new Error(`tag creation failed: ${res.status} ${res.text}`);
      tags[name] = res.body.results.tagUuid;
    }
    await categorize('orders', 'total_revenue', tags.Finance);
    await categorize('orders', 'total_revenue', tags.Growth);
    await categorize('payments', 'total_paid', tags.Finance);
    await categorize('customers', 'customer_count', tags.Growth);
    await sql(`UPDATE catalog_items SET icon = '{"unicode":"📦"}' WHERE catalog_search_uuid = $1`, [await catalogUuid('orders', null)]);
  });
  afterAll(async () => t.close());

  describe('GET /dataCatalog', () => {
    it('answers at most 50 items, as Lightdash: the first 50 of the list, the 50 best of a search', async () => {
      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores().slice(2, 3);
      const template = explores[0].tables.payments.dimensions.payment_method;
      for (let i = 0; i < 80; i++) {
        const name = `extra_${String(i).padStart(2, '0')}`;
        explores[0].tables.payments.dimensions[name] = { ...template, name, label: `Extra ${i}`, sql: `\${TABLE}.${name}`, compiledSql: `"payments".${name}` };
      }
      await upload(q.developer, project, explores);
      const list: Json[] = await ok(q.viewer, '', project);
      expect(list).toHaveLength(50);
      expect(list[0]).toMatchObject({ type: 'table', name: 'payments' });
      const search: Json[] = await ok(q.viewer, '?search=extra', project);
      expect(search).toHaveLength(50);
      expect(search.every((item) => String(item.name).startsWith('extra_'))).toBe(true);
      expect(await ok(q.viewer, '?search=extra_79', project)).toEqual([expect.objectContaining({ name: 'extra_79' })]);
    });

    it('lists tables first, then fields, by name, with the peer shapes; errored explores are tables with errors', async () => {
      const items: Json[] = await ok(p.viewer, '');
      expect(items).toHaveLength(Math.min(50, 4 + FIELD_COUNT));
      expect(names(items.slice(0, 4))).toEqual(['customers', 'orders', 'payments', 'refunds']);
      const fields = items.slice(4);
      expect(fields.every((item) => item.type === 'field')).toBe(true);
      expect(fields.map((item) => item.name)).toEqual([...fields.map((item) => item.name)].sort(byName));

      expect(items[1]).toEqual({
        type: 'table',
        catalogSearchUuid: expect.stringMatching(UUID),
        name: 'orders',
        label: 'Orders',
        description: 'One row per order, including returned and cancelled ones.',
        groupLabel: 'Shop',
        tags: ['shop', 'core'],
        // the joins as uploaded (CompiledExploreJoin), which lightdash-client-python parses
        joinedTables: shopExplores()[0].joinedTables,
        categories: [],
        icon: { unicode: '📦' },
        aiHints: null,
      });
      // customers is joined into orders, but browsed through its own explore, which joins nothing
      expect(items[0]).toMatchObject({ name: 'customers', joinedTables: [] });
      expect(items[3]).toEqual({
        type: 'table',
        catalogSearchUuid: '',
        name: 'refunds',
        label: 'Refunds',
        groupLabel: 'Shop',
        tags: ['shop'],
        joinedTables: null,
        categories: [],
        icon: null,
        aiHints: null,
        errors: [{ type: 'MISSING_TABLE', message: 'Model "refunds" was not found in the dbt manifest' }],
      });
      expect(fields.find((item) => item.tableName === 'orders' && item.name === 'total_revenue')).toEqual({
        type: 'field',
        catalogSearchUuid: expect.stringMatching(UUID),
        name: 'total_revenue',
        label: 'Total revenue',
        description: 'Sum of order amounts in EUR.',
        fieldType: 'metric',
        tableLabel: 'Orders',
        tableName: 'orders',
        tableGroupLabel: 'Shop',
        basicType: 'number',
        fieldValueType: 'sum',
        categories: [
          { tagUuid: tags.Finance, name: 'Finance', color: '#1f77b4', yamlReference: null },
          { tagUuid: tags.Growth, name: 'Growth', color: '#ff7f0e', yamlReference: null },
        ],
        icon: null,
        aiHints: null,
        owner: null,
        // as Lightdash 1.219: a field always has its tags and attributes, {} when none
        tags: [],
        requiredAttributes: {},
        anyAttributes: {},
        chartUsage: 2,
      });
      // a table has no chart usage (Lightdash 1.219 counts fields only)
      expect(items.slice(0, 4).some((item) => 'chartUsage' in item)).toBe(false);
      const basicTypes = Object.fromEntries(fields.filter((item) => item.tableName === 'orders').map((item) => [item.name, [item.fieldValueType, item.basicType]]));
      expect(basicTypes).toMatchObject({
        status: ['string', 'string'],
        ordered_at: ['timestamp', 'timestamp'],
        order_date: ['date', 'date'],
        is_completed: ['boolean', 'boolean'],
        amount: ['number', 'number'],
        order_count: ['count', 'number'],
        largest_order: ['max', 'number'],
      });
      expect(items.some((item) => 'searchRank' in item)).toBe(false);
    });

    it('narrows by type and filter', async () => {
      expect(names(await ok(p.viewer, '?type=table'))).toEqual(['customers', 'orders', 'payments', 'refunds']);
      expect(names(await ok(p.viewer, '?filter=tables'))).toEqual(['customers', 'orders', 'payments', 'refunds']);
      const metrics: Json[] = await ok(p.viewer, '?filter=metrics');
      expect(metrics.map((item) => item.name).sort(byName)).toEqual([...ORDERS_METRICS, ...CUSTOMERS_METRICS, ...PAYMENTS_METRICS].sort(byName));
      expect(metrics.every((item) => item.fieldType === 'metric')).toBe(true);
      const dimensions: Json[] = await ok(p.viewer, '?type=field&filter=dimensions');
      expect(dimensions).toHaveLength(FIELD_COUNT - 12);
      expect(dimensions.every((item) => item.fieldType === 'dimension')).toBe(true);
      expect(await ok(p.viewer, '?type=field')).toHaveLength(FIELD_COUNT);
      expect(await ok(p.viewer, '?type=table&filter=metrics')).toEqual([]);
      expect(await ok(p.viewer, '?type=field&filter=tables')).toEqual([]);
      expect(names(await ok(p.viewer, '?search=orders&type=table'))).toEqual(['orders']);
    });

    it('ranks an exact name first, then names and labels, then descriptions', async () => {
      const orders: Json[] = await ok(p.viewer, '?search=orders');
      // the table named orders, the metric labelled Orders, then a name containing orders
      expect(names(orders)).toEqual(['orders', 'orders.order_count', 'customers.average_lifetime_orders']);
      const ranks = orders.map((item) => item.searchRank);
      expect(ranks.every((rank) => typeof rank === 'number')).toBe(true);
      expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);

      // the name is "email"; another field only says email in its description
      expect(names(await ok(p.viewer, '?search=email'))).toEqual(['customers.email', 'customers.is_subscribed']);
      // a word only in a description
      const timezone: Json[] = await ok(p.viewer, '?search=timezone');
      expect(names(timezone)).toEqual(['orders.order_date']);
      expect(timezone[0].searchRank).toBeLessThan(1);
      expect(names(await ok(p.viewer, '?search=discounts'))).toEqual(['orders.amount']);
      expect(await ok(p.viewer, '?search=zebra')).toEqual([]);
    });

    it('matches word prefixes, several words in any order, whatever the case and separators', async () => {
      const cust: Json[] = await ok(p.viewer, '?search=cust');
      expect(names(cust)[0]).toBe('customers');
      expect(names(cust)).toEqual(expect.arrayContaining(['customers.customer_id', 'orders.customer_id', 'customers.customer_count', 'orders.ordering_customers']));
      for (const search of ['order date', 'ORDER_DATE', 'Order-Date', 'date order', 'ord dat']) {
        expect({ search, first: names(await ok(p.viewer, `?search=${encodeURIComponent(search)}`))[0] }).toEqual({ search, first: 'orders.order_date' });
      }
      expect(names(await ok(p.viewer, '?search=order%20date'))).toEqual(['orders.order_date', 'customers.first_order_date']);
      // the errored explore is searchable by its name
      expect(names(await ok(p.viewer, '?search=refu'))).toEqual(['refunds', 'payments.is_refunded']);
    });

    it('takes any input safely: operators and quotes are separators, blanks are no search, too long is 422', async () => {
      for (const search of ['cust:*', "cust'", 'cust & | ! ( ) <-> :* \\', '"cust"', '((cust', 'cust\u0000', "cust';--", 'cust:', '!cust']) {
        const res = await get(p.viewer, `?search=${encodeURIComponent(search)}`);
        expect({ search, status: res.status, first: res.body.results?.[0]?.name }).toEqual({ search, status: 200, first: 'customers' });
      }
      for (const search of ['&|!', ':*', "'", '🙂', '()<->', "x' OR '1'='1", 'cust;DROP TABLE catalog_items;--']) {
        expect(await ok(p.viewer, `?search=${encodeURIComponent(search)}`)).toEqual([]);
      }
      expect(await ok(p.viewer, '?search=%20%20')).toHaveLength(4 + FIELD_COUNT);
      expect(await ok(p.viewer, `?search=${'cust '.repeat(40)}`)).not.toEqual([]);

      const long = await get(p.viewer, `?search=${'a'.repeat(201)}`).expect(422);
      expect(long.body).toEqual({ status: 'error', error: { statusCode: 422, name: 'ValidateError', message: '', data: { search: expect.objectContaining({ message: expect.any(String) }) } } });
      await get(p.viewer, `?search=${'a'.repeat(200)}`).expect(200);
    });

    it('folds case in every script', async () => {
      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores().slice(0, 1);
      explores[0].tables.orders.dimensions.status.label = 'Größe ÜBER Ελληνικά';
      await upload(q.developer, project, explores);
      for (const search of ['größe', 'GRÖ', 'über', 'ÜBER', 'ελλην', 'ΕΛΛΗΝΙΚΆ']) {
        const found: Json[] = await ok(q.viewer, `?search=${encodeURIComponent(search)}`, project);
        expect({ search, found: names(found) }).toEqual({ search, found: expect.arrayContaining(['orders.status']) });
      }
    });

    it('rejects bad parameters with 422 ValidateError', async () => {
      for (const query of ['?type=tables', '?filter=fields', '?search=a&search=b', '?type=']) {
        const res = await get(p.viewer, query);
        expect({ query, status: res.status, name: res.body.error?.name }).toEqual({ query, status: 422, name: 'ValidateError' });
      }
    });
  });

  describe('GET /dataCatalog/{table}/metadata', () => {
    it('answers the table with its fields, dimensions then metrics by name', async () => {
      const metadata: Json = await ok(p.viewer, '/orders/metadata');
      expect(metadata).toEqual({
        name: 'orders',
        label: 'Orders',
        description: 'One row per order, including returned and cancelled ones.',
        modelName: 'orders',
        joinedTables: ['customers', 'payments'],
        fields: expect.any(Array),
      });
      expect(metadata.fields.map((field: Json) => field.name)).toEqual([...[...ORDERS_DIMENSIONS].sort(byName), ...[...ORDERS_METRICS].sort(byName)]);
      expect(metadata.fields.every((field: Json) => field.type === 'field' && field.tableName === 'orders' && UUID.test(field.catalogSearchUuid))).toBe(true);
      expect(metadata.fields.find((field: Json) => field.name === 'status')).toMatchObject({ fieldType: 'dimension', tags: [] });
      // the metadata's fields carry neither chart usage nor attributes, as Lightdash 1.219's
      expect(metadata.fields.some((field: Json) => 'chartUsage' in field || 'requiredAttributes' in field || 'anyAttributes' in field)).toBe(false);
      expect((await ok(p.viewer, '/payments/metadata')).joinedTables).toEqual([]);
    });

    it('answers 404 NotFoundError for a table not in the catalog (the errored explore included)', async () => {
      for (const table of ['nope', 'refunds', 'ORDERS', 'order_id']) {
        const res = await get(p.viewer, `/${table}/metadata`).expect(404);
        expect(res.body).toEqual({ status: 'error', error: { statusCode: 404, name: 'NotFoundError', message: expect.any(String), data: {} } });
      }
    });
  });

  describe('analytics and chart usage', () => {
    const chartUuids = (result: Json) => result.charts.map((chart: Json) => chart.uuid);

    it('lists the charts using a table or field, only in the spaces the caller may see', async () => {
      const forAdmin: Json = await ok(p.admin, '/orders/analytics');
      expect(chartUuids(forAdmin)).toEqual([charts.board, charts.paid, charts.revenue]);
      expect(forAdmin.charts[2]).toEqual({
        uuid: charts.revenue,
        name: 'Revenue by status',
        description: 'Revenue by status description',
        slug: 'revenue-by-status',
        spaceUuid: publicSpace,
        spaceName: 'Shared',
        dashboardUuid: null,
        dashboardName: null,
        chartKind: 'line',
      });
      // a field's analytics, unlike a table's, count the views (as Lightdash 1.219 answers them)
      expect((await ok(p.admin, '/orders/analytics/total_revenue')).charts[1]).toEqual({ ...forAdmin.charts[2], viewsCount: 0 });
      expect(chartUuids(await ok(p.viewer, '/orders/analytics'))).toEqual([charts.paid, charts.revenue]);

      // customers: by the private chart through one of its fields, and by a public chart built on it
      expect(chartUuids(await ok(p.admin, '/customers/analytics'))).toEqual([charts.board, charts.customersOnly]);
      expect(chartUuids(await ok(p.viewer, '/customers/analytics'))).toEqual([charts.customersOnly]);
      expect(chartUuids(await ok(p.admin, '/customers/analytics/customer_count'))).toEqual([charts.board]);
      expect(chartUuids(await ok(p.viewer, '/customers/analytics/customer_count'))).toEqual([]);
      expect(chartUuids(await ok(p.admin, '/orders/analytics/total_revenue'))).toEqual([charts.paid, charts.revenue]);
      expect(chartUuids(await ok(p.viewer, '/orders/analytics/status'))).toEqual([charts.revenue]);
      expect(chartUuids(await ok(p.admin, '/orders/analytics/amount'))).toEqual([]);
      expect(chartUuids(await ok(p.viewer, '/payments/analytics'))).toEqual([charts.paid]);
    });

    it('counts every chart of the project in chartUsage, including those the caller cannot open', async () => {
      const items: Json[] = await ok(p.viewer, '');
      const usage = Object.fromEntries(items.map((item) => [item.type === 'field' ? `${item.tableName}.${item.name}` : item.name, item.chartUsage]));
      expect(usage).toMatchObject({
        'orders.total_revenue': 2,
        'orders.status': 1,
        'orders.order_date': 1,
        'customers.customer_count': 1,
        'payments.total_paid': 1,
        'orders.amount': 0,
        'customers.customer_id': 0,
      });
    });

    it('leaves charts in the trash out of analytics and chart usage, and counts them again once restored', async () => {
      await t.http().delete(`/api/v1/saved/${charts.revenue}`).set('Cookie', p.admin.cookie).expect(200);
      try {
        expect(chartUuids(await ok(p.admin, '/orders/analytics'))).toEqual([charts.board, charts.paid]);
        expect(chartUuids(await ok(p.admin, '/orders/analytics/status'))).toEqual([]);
        const items: Json[] = await ok(p.viewer, '');
        const usage = Object.fromEntries(items.map((item) => [item.type === 'field' ? `${item.tableName}.${item.name}` : item.name, item.chartUsage]));
        expect(usage).toMatchObject({ 'orders.status': 0, 'orders.total_revenue': 1 });
      } finally {
        await t.http().post(`/api/v2/content/${projectUuid}/restore`).set('Cookie', p.admin.cookie).send({ item: { uuid: charts.revenue, contentType: 'chart' } }).expect(200);
      }
      expect(chartUuids(await ok(p.admin, '/orders/analytics'))).toEqual([charts.board, charts.paid, charts.revenue]);
    });

    it('answers 404 for a table or field not in the catalog', async () => {
      for (const path of ['/nope/analytics', '/orders/analytics/nope', '/refunds/analytics', '/customers/analytics/status']) {
        const res = await get(p.admin, path).expect(404);
        expect(res.body.error.name).toBe('NotFoundError');
      }
    });
  });

  describe('GET /dataCatalog/metrics', () => {
    const allMetrics = [...ORDERS_METRICS, ...CUSTOMERS_METRICS, ...PAYMENTS_METRICS];

    it('lists metrics by name, paginated (without page and pageSize: the first 1000 as page 1)', async () => {
      const all: Json = await ok(p.viewer, '/metrics');
      expect(all.pagination).toEqual({ page: 1, pageSize: 1000, totalPageCount: 1, totalResults: 12 });
      // without a search every metric ranks 0, as Lightdash 1.219 always answers a searchRank here
      expect(all.data.every((item: Json) => item.searchRank === 0)).toBe(true);
      expect(all.data.map((item: Json) => item.name)).toEqual([...allMetrics].sort(byName));
      expect(all.data.every((item: Json) => item.type === 'field' && item.fieldType === 'metric' && item.owner === null)).toBe(true);

      const first: Json = await ok(p.viewer, '/metrics?page=1&pageSize=5');
      expect(first.pagination).toEqual({ page: 1, pageSize: 5, totalPageCount: 3, totalResults: 12 });
      expect(first.data.map((item: Json) => item.name)).toEqual([...allMetrics].sort(byName).slice(0, 5));
      const last: Json = await ok(p.viewer, '/metrics?page=3&pageSize=5');
      expect(last.data.map((item: Json) => item.name)).toEqual([...allMetrics].sort(byName).slice(10));
      expect(await ok(p.viewer, '/metrics?page=4&pageSize=5')).toEqual({ data: [], pagination: { page: 4, pageSize: 5, totalPageCount: 3, totalResults: 12 } });
      expect((await ok(p.viewer, '/metrics?page=2')).pagination).toEqual({ page: 1, pageSize: 1000, totalPageCount: 1, totalResults: 12 });
    });

    it('sorts by name or chart usage, in either order', async () => {
      const sorted = async (query: string) => ((await ok(p.viewer, `/metrics${query}`)).data as Json[]).map((item) => item.name);
      expect(await sorted('?sort=name&order=desc')).toEqual([...allMetrics].sort(byName).reverse());
      expect(await sorted('?sort=name&order=asc')).toEqual([...allMetrics].sort(byName));
      const byUsage = await sorted('?sort=chartUsage&order=desc');
      expect(byUsage.slice(0, 3)).toEqual(['total_revenue', 'customer_count', 'total_paid']);
      expect((await sorted('?sort=chartUsage')).slice(-3)).toEqual(['customer_count', 'total_paid', 'total_revenue']);
    });

    it('searches, and filters by tables and categories', async () => {
      const names_ = async (query: string) => ((await ok(p.viewer, `/metrics${query}`)).data as Json[]).map((item) => `${item.tableName}.${item.name}`);
      const revenue: Json = await ok(p.viewer, '/metrics?search=revenue');
      expect(revenue.data.map((item: Json) => item.name)).toEqual(['total_revenue']);
      expect(typeof revenue.data[0].searchRank).toBe('number');
      expect((await names_('?search=pay')).slice(0, 1)).toEqual(['payments.payment_count']);
      expect(await names_('?search=%26%26')).toEqual([]);

      expect(await names_('?tables=payments')).toEqual(PAYMENTS_METRICS.map((name) => `payments.${name}`).sort(byName));
      expect((await names_('?tables=payments&tables=customers')).sort(byName)).toEqual(
        [...PAYMENTS_METRICS.map((name) => `payments.${name}`), ...CUSTOMERS_METRICS.map((name) => `customers.${name}`)].sort(byName),
      );
      expect(await names_('?tables=nope')).toEqual([]);

      expect(await names_(`?categories=${tags.Finance}`)).toEqual(['payments.total_paid', 'orders.total_revenue']);
      expect(await names_(`?categories=${tags.Finance}&categories=${tags.Growth}`)).toEqual(['customers.customer_count', 'payments.total_paid', 'orders.total_revenue']);
      expect(await names_(`?categories=${tags.Finance}&categories=${tags.Growth}&categoriesFilterMode=or`)).toHaveLength(3);
      expect(await names_(`?categories=${tags.Finance}&categories=${tags.Growth}&categoriesFilterMode=and`)).toEqual(['orders.total_revenue']);
      expect(await names_(`?categories=${tags.Growth}&categoriesFilterMode=and`)).toEqual(['customers.customer_count', 'orders.total_revenue']);
      expect(await names_(`?categories=${tags.Finance}&tables=payments&search=paid&page=1&pageSize=10`)).toEqual(['payments.total_paid']);
      expect(await names_('?categories=00000000-0000-4000-8000-000000000000')).toEqual([]);
    });

    it('rejects bad parameters with 422', async () => {
      for (const query of ['?sort=views', '?order=up', '?categoriesFilterMode=xor', '?categories=not-a-uuid', '?tables=', `?search=${'x'.repeat(201)}`, '?page=-1&pageSize=10', '?page=abc', '?page=1.5&pageSize=5']) {
        const res = await get(p.viewer, `/metrics${query}`);
        expect({ query, status: res.status, envelope: res.body.status }).toEqual({ query, status: 422, envelope: 'error' });
        expect(['ValidateError', 'PaginationError']).toContain(res.body.error.name);
      }
    });

    it('pages as Lightdash: page=0 is no paging, a large page size is served as the catalog cap, a far page is empty', async () => {
      const all = await ok(p.viewer, '/metrics');
      expect(await ok(p.viewer, '/metrics?page=0&pageSize=10')).toEqual(all);
      const large = await ok(p.viewer, '/metrics?page=1&pageSize=100000');
      expect(large).toEqual({ data: all.data, pagination: { page: 1, pageSize: 1000, totalPageCount: 1, totalResults: all.data.length } });
      for (const page of ['100000000000000000', '1e300']) {
        expect((await ok(p.viewer, `/metrics?page=${page}&pageSize=500`)).data).toEqual([]);
      }
    });

    it('answers metrics/has', async () => {
      expect(await ok(p.viewer, '/metrics/has')).toBe(true);
      const { p: q, projectUuid: empty } = await freshProject();
      expect(await ok(q.viewer, '/metrics/has', empty)).toBe(false);
      expect(await ok(q.viewer, '/metrics', empty)).toEqual({ data: [], pagination: { page: 1, pageSize: 1000, totalPageCount: 0, totalResults: 0 } });
      expect(await ok(q.viewer, '', empty)).toEqual([]);
    });
  });

  describe('metrics with their time dimensions, segment and filter dimensions', () => {
    const dimensionNames = (dimensions: Json[]) => dimensions.map((dimension) => `${dimension.table}.${dimension.name}`);

    it('answers a metric as uploaded; the time dimensions of its explore only with a declared default one', async () => {
      // nothing in the shared catalog declares a default time dimension: the metric as uploaded, as Lightdash 1.219 answers it
      expect(await ok(p.viewer, '/metrics/orders/total_revenue')).toEqual(shopExplores()[0].tables.orders.metrics.total_revenue);

      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores();
      explores[0].tables.orders.metrics.total_revenue.defaultTimeDimension = { field: 'order_date', interval: 'MONTH' };
      for (const explore of [explores[0], explores[1]]) explore.tables.customers.defaultTimeDimension = { field: 'created_at', interval: 'DAY' };
      await upload(q.developer, project, explores);
      const { availableTimeDimensions, timeDimension: _timeDimension, ...definition } = await ok(q.viewer, '/metrics/orders/total_revenue', project);
      expect(definition).toEqual(explores[0].tables.orders.metrics.total_revenue);
      expect(dimensionNames(availableTimeDimensions)).toEqual(['orders.ordered_at', 'orders.order_date', 'customers.created_at', 'customers.first_order_date', 'payments.paid_at', 'payments.payment_date']);
      expect(availableTimeDimensions[1]).toEqual(explores[0].tables.orders.dimensions.order_date);
      // customers is browsed through its own explore, not the orders explore it was first uploaded in
      const customers: Json = await ok(q.viewer, '/metrics/customers/customer_count', project);
      expect(dimensionNames(customers.availableTimeDimensions)).toEqual(['customers.created_at', 'customers.first_order_date']);
      expect(customers.timeDimension).toEqual({ field: 'created_at', interval: 'DAY', table: 'customers' });
    });

    it('answers 404 for an unknown metric, a dimension or an unknown table', async () => {
      for (const path of ['/metrics/orders/nope', '/metrics/orders/status', '/metrics/nope/total_revenue', '/metrics/refunds/x']) {
        const res = await get(p.viewer, path).expect(404);
        expect(res.body.error.name).toBe('NotFoundError');
      }
    });

    it('declares the default time dimension of the metric, else of its table; leaves out hidden dimensions', async () => {
      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores();
      explores[0].tables.orders.metrics.total_revenue.defaultTimeDimension = { field: 'order_date', interval: 'MONTH' };
      // the payments table item comes from the first explore that has the table (orders joins it)
      for (const explore of [explores[0], explores[2]]) explore.tables.payments.defaultTimeDimension = { field: 'paid_at', interval: 'DAY' };
      explores[1].tables.customers.dimensions.first_order_date.hidden = true;
      // so its metrics offer the time dimensions
      for (const explore of [explores[0], explores[1]]) explore.tables.customers.defaultTimeDimension = { field: 'created_at', interval: 'DAY' };
      explores[1].tables.customers.dimensions.first_name.hidden = true;
      await upload(q.developer, project, explores);
      expect((await ok(q.viewer, '/metrics/orders/total_revenue', project)).timeDimension).toEqual({ field: 'order_date', interval: 'MONTH', table: 'orders' });
      expect((await ok(q.viewer, '/metrics/payments/total_paid', project)).timeDimension).toEqual({ field: 'paid_at', interval: 'DAY', table: 'payments' });
      expect(await ok(q.viewer, '/metrics/orders/order_count', project)).not.toHaveProperty('timeDimension');
      expect(dimensionNames((await ok(q.viewer, '/metrics/customers/customer_count', project)).availableTimeDimensions)).toEqual(['customers.created_at']);
      expect(dimensionNames(await ok(q.viewer, '/customers/segment-dimensions', project))).toEqual(['customers.email']);
    });

    it('lists, as Lightdash, the metrics that declare a default time dimension and are not string, boolean or date typed', async () => {
      // nothing in the shared catalog declares a default time dimension
      expect(await ok(p.viewer, '/metrics-with-time-dimensions')).toEqual([]);

      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores();
      explores[0].tables.orders.metrics.total_revenue.defaultTimeDimension = { field: 'order_date', interval: 'MONTH' };
      explores[0].tables.orders.metrics.order_count.defaultTimeDimension = { field: 'order_date' }; // malformed: no interval
      for (const explore of [explores[0], explores[2]]) {
        explore.tables.payments.defaultTimeDimension = { field: 'paid_at', interval: 'DAY' };
        explore.tables.payments.metrics.smallest_payment.type = 'date';
      }
      await upload(q.developer, project, explores);
      const all: Json[] = await ok(q.viewer, '/metrics-with-time-dimensions', project);
      expect(all.map((metric) => `${metric.table}.${metric.name}`)).toEqual(['orders.total_revenue', 'payments.average_payment', 'payments.payment_count', 'payments.total_paid']);
      expect(all[0]).toMatchObject({ timeDimension: { field: 'order_date', interval: 'MONTH', table: 'orders' }, availableTimeDimensions: expect.any(Array) });
      const payments: Json[] = await ok(q.viewer, '/metrics-with-time-dimensions?tableName=payments', project);
      expect(payments.map((metric) => metric.name)).toEqual(['average_payment', 'payment_count', 'total_paid']);
      expect(payments[0].timeDimension).toEqual({ field: 'paid_at', interval: 'DAY', table: 'payments' });
      expect(dimensionNames(payments[0].availableTimeDimensions)).toEqual(['payments.paid_at', 'payments.payment_date']);
      expect(await ok(q.viewer, '/metrics-with-time-dimensions?tableName=nope', project)).toEqual([]);
      // one metric still answers whatever it declares
      expect((await ok(q.viewer, '/metrics/payments/smallest_payment', project)).name).toBe('smallest_payment');
      expect(await ok(q.viewer, '/metrics/orders/order_count', project)).not.toHaveProperty('timeDimension');
    });

    it("answers the string dimensions of the table's explore, to segment and to filter by (as Lightdash 1.219)", async () => {
      const segments: Json[] = await ok(p.viewer, '/orders/segment-dimensions');
      expect(dimensionNames(segments)).toEqual(['orders.status', 'customers.first_name', 'customers.email', 'payments.payment_method']);
      expect(await ok(p.viewer, '/orders/filter-dimensions')).toEqual(segments);
      const filters: Json[] = await ok(p.viewer, '/payments/filter-dimensions');
      expect(filters).toEqual(Object.values(shopExplores()[2].tables.payments.dimensions).filter((dimension) => (dimension as Json).type === 'string'));
      expect(filters.length).toBeGreaterThan(0);
      for (const path of ['/nope/segment-dimensions', '/nope/filter-dimensions', '/refunds/filter-dimensions']) await get(p.viewer, path).expect(404);
    });
  });

  describe('routes and access', () => {
    it('matches literal paths before the {table} patterns, even for a table named metrics', async () => {
      const { p: q, projectUuid: project } = await freshProject();
      const explores = shopExplores().slice(2, 3);
      explores[0].tables.metrics = { ...explores[0].tables.payments, name: 'metrics', label: 'Metrics' };
      explores[0].tables.metrics.metrics = {};
      explores[0].joinedTables = [{ table: 'metrics', sqlOn: 'true' }];
      await upload(q.developer, project, explores);
      expect(await ok(q.viewer, '/metrics/has', project)).toBe(true);
      expect((await ok(q.viewer, '/metrics', project)).data.map((item: Json) => item.tableName)).toEqual(PAYMENTS_METRICS.map(() => 'payments'));
      expect(Array.isArray(await ok(q.viewer, '/metrics-with-time-dimensions', project))).toBe(true);
      expect(await ok(q.viewer, '/metrics/metadata', project)).toMatchObject({ name: 'metrics', label: 'Metrics', joinedTables: [] });
      expect(await ok(q.viewer, '/metrics/analytics', project)).toEqual({ charts: [] });
      expect((await ok(q.viewer, '/metrics/segment-dimensions', project)).length).toBeGreaterThan(0);
      expect((await ok(q.viewer, '/payments/metadata', project)).joinedTables).toEqual(['metrics']);
      expect(await ok(q.viewer, '/metrics/payments/total_paid', project)).toMatchObject({ name: 'total_paid' });
    });

    it('keeps projects apart', async () => {
      const { p: q, projectUuid: other } = await freshProject();
      const explores = shopExplores().slice(0, 1);
      explores[0].tables.orders.dimensions.status.description = 'Only in the other project: zanzibar';
      await upload(q.developer, other, explores);
      expect(names(await ok(q.viewer, '?search=zanzibar', other))).toEqual(['orders.status']);
      expect(await ok(p.viewer, '?search=zanzibar')).toEqual([]);
      // another organization's project is not found, whatever the route
      for (const path of ['', '/orders/metadata', '/metrics', '/metrics/has']) {
        const res = await get(p.admin, path, other).expect(404);
        expect(res.body.error.name).toBe('NotFoundError');
      }
    });

    it('needs a project role (403), authentication (401), and answers another organization with 404', async () => {
      const outsider = await createOrganization(t, 'Outsider');
      const paths = ['', '?search=cust', '/orders/metadata', '/orders/analytics', '/orders/analytics/status', '/metrics', '/metrics/has',
        '/metrics/orders/total_revenue', '/metrics-with-time-dimensions', '/orders/segment-dimensions', '/orders/filter-dimensions'];
      for (const path of paths) {
        const res = await get(outsider.admin, path);
        expect({ path, status: res.status, name: res.body.error?.name }).toEqual({ path, status: 404, name: 'NotFoundError' });
        const member = await get(p.member, path);
        expect({ path, status: member.status, name: member.body.error?.name }).toEqual({ path, status: 403, name: 'ForbiddenError' });
        await t.http().get(url(path)).expect(401);
        await get(p.interactive_viewer, path).expect(200);
      }
    });

    it('refuses over-long filters with 422 and the parameter as key', async () => {
      const uuids = Array.from({ length: 101 }, () => randomUUID());
      const refusals: [string, string][] = [
        [`/metrics?${uuids.map((uuid) => `categories=${uuid}`).join('&')}`, 'categories'],
        [`/metrics?${uuids.map((_, i) => `tables=t${i}`).join('&')}`, 'tables'],
        [`/metrics?tables=${'t'.repeat(1025)}`, 'tables'],
        [`/metrics-with-time-dimensions?tableName=${'t'.repeat(1025)}`, 'tableName'],
        ['/metrics-with-time-dimensions?tableName=', 'tableName'],
        ['/metrics-with-time-dimensions?tableName=a%00b', 'tableName'],
      ];
      for (const [path, key] of refusals) {
        const res = await get(p.viewer, path);
        expect({ path: path.slice(0, 60), status: res.status, keys: Object.keys(res.body.error?.data ?? {}) }).toEqual({ path: path.slice(0, 60), status: 422, keys: [key] });
      }
    });

    it('never answers 500 to junk', async () => {
      const junk = ['?search[]=a', '?search[a]=b', '?type[]=table', '?categories[]=x', '?tables[a]=b', '?page=1e3&pageSize=1', '?tableName[]=x', '?sort[]=name'];
      const paths = ['', '/metrics', '/metrics-with-time-dimensions', '/orders/metadata', '/a%00b/metadata', '/metrics/a%00b/c', '/orders/analytics/%00', `/${'x'.repeat(100)}/metadata`];
      for (const path of paths) {
        for (const query of ['', ...junk]) {
          const res = await get(p.viewer, `${path}${query}`);
          expect({ path, query, status: res.status < 500, envelope: res.status === 200 || res.body.status === 'error' }).toEqual({ path, query, status: true, envelope: true });
        }
      }
    });
  });

  /**
   * Search answers are kept by the response cache (per credential, path, search, type and filter):
   * each test fills it (the second read is a hit), changes what the answer shows through the API as
   * another user, and expects the next read to see it.
   */
  describe('GET /dataCatalog from the response cache', () => {
    /** A project with the shop's explores and a member who may view it through a direct project role. */
    async function cachedWorld() {
      const { p: q, projectUuid: project } = await freshProject();
      await upload(q.developer, project, shopExplores());
      const reader = await addMember(t, q.org, 'member', 'Reader');
      await grantProjectRole(t, q.admin, project, reader, 'viewer');
      return { q, project, reader };
    }
    const read = (user: TestUser, project: string, query: string) => t.http().get(url(query, project)).set('Cookie', user.cookie);
    /** Reads twice: the second answer is a hit and the same bytes. */
    async function filled(user: TestUser, project: string, query: string): Promise<Json[]> {
      const first = await read(user, project, query).expect(200);
      expect(first.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      const second = await read(user, project, query).expect(200);
      expect(second.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
      expect(second.text).toBe(first.text);
      return first.body.results;
    }
    /** A read that must be answered from the database; the next one is a hit again. */
    async function fresh(user: TestUser, project: string, query: string): Promise<Json[]> {
      const res = await read(user, project, query).expect(200);
      expect(res.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      const again = await read(user, project, query).expect(200);
      expect(again.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
      expect(again.text).toBe(res.text);
      return res.body.results;
    }
    const itemOf = (items: Json[], name: string) => items.find((item) => `${item.tableName}.${item.name}` === name || item.name === name);

    it('keeps one answer per search, type and filter, and answers from the database when asked (no-cache)', async () => {
      const { project, reader } = await cachedWorld();
      const revenue = await filled(reader, project, '?search=revenue');
      expect(names(revenue)).toContain('orders.total_revenue');
      // another search, another type or filter is another answer
      expect(names(await filled(reader, project, '?search=cust'))[0]).toBe('customers');
      expect(names(await filled(reader, project, '?search=orders&type=table'))).toEqual(['orders']);
      expect((await filled(reader, project, '?search=orders&filter=metrics')).every((item) => item.fieldType === 'metric')).toBe(true);
      // a parameter the route does not read does not make a new entry
      const ignored = await read(reader, project, '?search=revenue&unrelated=1').expect(200);
      expect(ignored.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
      const refused = await read(reader, project, '?search=revenue').set('Cache-Control', 'no-cache').expect(200);
      expect(refused.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      expect(refused.body.results).toEqual(revenue);
    });

    it('sees a re-upload of the explores at the next read', async () => {
      const { q, project, reader } = await cachedWorld();
      expect(names(await filled(reader, project, '?search=revenue'))).not.toContain('orders.revenue_band');
      const explores = shopExplores();
      for (const { tables } of explores.filter((explore) => explore.tables?.orders)) {
        const template = tables.orders.dimensions.status;
        tables.orders.dimensions.revenue_band = { ...template, name: 'revenue_band', label: 'Revenue band', sql: '${TABLE}.revenue_band', compiledSql: '"orders".revenue_band' };
      }
      await upload(q.developer, project, explores);
      expect(names(await fresh(reader, project, '?search=revenue'))).toContain('orders.revenue_band');
      // removing it again is seen too
      await upload(q.developer, project, shopExplores());
      expect(names(await fresh(reader, project, '?search=revenue'))).not.toContain('orders.revenue_band');
    });

    it('sees curation at the next read: an icon, a category, a renamed tag, a chart using the field', async () => {
      const { q, project, reader } = await cachedWorld();
      const before = itemOf(await filled(reader, project, '?search=revenue'), 'orders.total_revenue')!;
      expect(before).toMatchObject({ icon: null, categories: [], chartUsage: 0 });

      const uuid = before.catalogSearchUuid;
      await t.http().patch(url(`/${uuid}/icon`, project)).set('Cookie', q.editor.cookie).send({ icon: { unicode: '💰' } }).expect(200);
      expect(itemOf(await fresh(reader, project, '?search=revenue'), 'orders.total_revenue')!.icon).toEqual({ unicode: '💰' });

      const tag = await t.http().post(`/api/v1/projects/${project}/tags`).set('Cookie', q.editor.cookie).send({ name: 'Finance', color: '#1f77b4' }).expect(201);
      const tagUuid = tag.body.results.tagUuid;
      await t.http().post(url(`/${uuid}/categories`, project)).set('Cookie', q.editor.cookie).send({ tagUuid }).expect(200);
      expect(itemOf(await fresh(reader, project, '?search=revenue'), 'orders.total_revenue')!.categories).toEqual([
        expect.objectContaining({ tagUuid, name: 'Finance' }),
      ]);

      await t.http().patch(`/api/v1/projects/${project}/tags/${tagUuid}`).set('Cookie', q.editor.cookie).send({ name: 'Money' }).expect(200);
      expect(itemOf(await fresh(reader, project, '?search=revenue'), 'orders.total_revenue')!.categories).toEqual([
        expect.objectContaining({ tagUuid, name: 'Money' }),
      ]);

      const space = await createSpace(t, q.admin, project, { name: 'Charts' });
      const chart = await t.http().post(`/api/v1/projects/${project}/saved`).set('Cookie', q.admin.cookie).send(chartBody(space, 'Revenue', 'orders', [], ['orders_total_revenue']));
      expect(chart.status).toBe(200);
      expect(itemOf(await fresh(reader, project, '?search=revenue'), 'orders.total_revenue')!.chartUsage).toBe(1);
    });

    it('refuses at once a reader whose access was removed, and serves them again once it is back', async () => {
      const { q, project, reader } = await cachedWorld();
      await filled(reader, project, '?search=revenue');
      await t.http().delete(`/api/v1/projects/${project}/access/${reader.userUuid}`).set('Cookie', q.admin.cookie).expect(200);
      const refused = await read(reader, project, '?search=revenue').expect(403);
      expect(refused.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      // a refusal is never kept
      await read(reader, project, '?search=revenue').expect(403);
      await grantProjectRole(t, q.admin, project, reader, 'viewer');
      expect(names(await fresh(reader, project, '?search=revenue'))).toContain('orders.total_revenue');
    });

    it("keeps answers apart per caller: another viewer's read is not the first viewer's hit", async () => {
      const { q, project, reader } = await cachedWorld();
      await filled(reader, project, '?search=revenue');
      expect(names(await fresh(q.viewer, project, '?search=revenue'))).toContain('orders.total_revenue');
    });
  });

  async function freshProject(): Promise<{ p: Personas; projectUuid: string }> {
    const personas = await createPersonas(t);
    return { p: personas, projectUuid: await createProject(t, personas.admin) };
  }
});
