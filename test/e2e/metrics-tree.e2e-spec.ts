import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import type { TestUser } from '../support/users.js';
import { catalogSearchUuids, uploadExplores } from '../support/catalog.js';

type Json = Record<string, any>;
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('the metrics tree', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  const tree = (projectUuid: string) => `/api/v1/projects/${projectUuid}/dataCatalog/metrics/tree`;
  const edges = (projectUuid: string) => `${tree(projectUuid)}/edges`;

  const upload = (user: TestUser, projectUuid: string, body: unknown) => uploadExplores(t, user, projectUuid, body).expect(200);
  const catalogUuids = (projectUuid: string) => catalogSearchUuids(t, projectUuid);

  async function setUp(): Promise<{ p: Personas; projectUuid: string; m: (identity: string) => string }> {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await upload(p.developer, projectUuid, shopExplores());
    const items = await catalogUuids(projectUuid);
    return { p, projectUuid, m: (identity) => items.get(identity) ?? fail(identity) };
  }

  function fail(identity: string): never {
    throw new Error(`no catalog item ${identity}`);
  }

  const link = (user: TestUser, projectUuid: string, source: string, target: string) =>
    t.http().post(edges(projectUuid)).set('Cookie', user.cookie).send({ sourceCatalogSearchUuid: source, targetCatalogSearchUuid: target });

  /** `source→target` by metric names, sorted */
  const named = (list: Json[]) => list.map((edge) => `${edge.source.tableName}.${edge.source.name}→${edge.target.tableName}.${edge.target.name}`).sort();

  async function edgeCount(projectUuid: string): Promise<number> {
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM catalog_metrics_tree_edges e JOIN catalog_items c ON c.catalog_item_id = e.source_catalog_item_id
       JOIN projects p USING (project_id) WHERE p.project_uuid = $1`,
      [projectUuid],
    );
    return count;
  }

  it('creates edges as an editor and serves them: all, by metrics (GET legacy and POST), in the contract’s shape', async () => {
    const { p, projectUuid, m } = await setUp();
    const created = await link(p.editor, projectUuid, m('orders.total_revenue'), m('orders.order_count')).expect(200);
    expect(created.body).toEqual({ status: 'ok' });
    await link(p.developer, projectUuid, m('orders.total_revenue'), m('orders.average_order_value')).expect(200);
    await link(p.admin, projectUuid, m('orders.order_count'), m('customers.customer_count')).expect(200);
    // the reverse of an edge is another edge
    await link(p.editor, projectUuid, m('orders.order_count'), m('orders.total_revenue')).expect(200);

    const all = await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie).expect(200);
    expect(all.body.status).toBe('ok');
    expect(Object.keys(all.body.results)).toEqual(['edges']);
    expect(named(all.body.results.edges)).toEqual([
      'orders.order_count→customers.customer_count',
      'orders.order_count→orders.total_revenue',
      'orders.total_revenue→orders.average_order_value',
      'orders.total_revenue→orders.order_count',
    ]);
    expect(all.body.results.edges[0]).toEqual({
      source: { catalogSearchUuid: m('orders.total_revenue'), name: 'total_revenue', label: 'Total revenue', tableName: 'orders' },
      target: { catalogSearchUuid: m('orders.order_count'), name: 'order_count', label: 'Orders', tableName: 'orders' },
      createdAt: expect.stringMatching(ISO_DATE),
      createdByUserUuid: p.editor.userUuid,
      projectUuid,
      createdFrom: 'ui',
    });
    expect(all.body.results.edges.map((edge: Json) => edge.createdByUserUuid)).toEqual([p.editor.userUuid, p.developer.userUuid, p.admin.userUuid, p.editor.userUuid]);

    // by metrics: only edges with both ends among them
    const byGet = await t.http().get(`${tree(projectUuid)}?metricUuids=${m('orders.total_revenue')}&metricUuids=${m('orders.order_count')}`).set('Cookie', p.viewer.cookie).expect(200);
    expect(named(byGet.body.results.edges)).toEqual(['orders.order_count→orders.total_revenue', 'orders.total_revenue→orders.order_count']);
    const byPost = await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie).send({ metricUuids: [m('orders.total_revenue'), m('orders.order_count')] }).expect(200);
    expect(byPost.body).toEqual(byGet.body);
    const three = await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie)
      .send({ metricUuids: [m('orders.order_count'), m('customers.customer_count'), m('orders.average_order_value'), randomUUID()] }).expect(200);
    expect(named(three.body.results.edges)).toEqual(['orders.order_count→customers.customer_count']);
    // one metric alone (a single query parameter) has no edge with both ends among it
    const single = await t.http().get(`${tree(projectUuid)}?metricUuids=${m('orders.total_revenue')}`).set('Cookie', p.viewer.cookie).expect(200);
    expect(single.body).toEqual({ status: 'ok', results: { edges: [] } });
    // uuids in capitals name the same metrics
    const upper = await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie).send({ metricUuids: [m('orders.total_revenue').toUpperCase(), m('orders.average_order_value').toUpperCase()] }).expect(200);
    expect(named(upper.body.results.edges)).toEqual(['orders.total_revenue→orders.average_order_value']);

    // delete
    const deleted = await t.http().delete(`${edges(projectUuid)}/${m('orders.total_revenue')}/${m('orders.order_count')}`).set('Cookie', p.editor.cookie).expect(200);
    expect(deleted.body).toEqual({ status: 'ok' });
    await t.http().delete(`${edges(projectUuid)}/${m('orders.total_revenue')}/${m('orders.order_count')}`).set('Cookie', p.editor.cookie).expect(404);
    expect(named((await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.edges)).toEqual([
      'orders.order_count→customers.customer_count',
      'orders.order_count→orders.total_revenue',
      'orders.total_revenue→orders.average_order_value',
    ]);
    // an edge can be made again after its deletion
    await link(p.editor, projectUuid, m('orders.total_revenue'), m('orders.order_count')).expect(200);
  });

  it('refuses edges that are not between two different metrics of the project (400) and duplicates (409), changing nothing', async () => {
    const { p, projectUuid, m } = await setUp();
    const otherProjectUuid = await createProject(t, p.admin, 'Other project');
    await upload(p.developer, otherProjectUuid, shopExplores());
    const other = await catalogUuids(otherProjectUuid);
    const revenue = m('orders.total_revenue');
    const count = m('orders.order_count');
    await link(p.editor, projectUuid, revenue, count).expect(200);

    const duplicate = await link(p.editor, projectUuid, revenue, count).expect(409);
    expect(duplicate.body.error).toMatchObject({ statusCode: 409, name: 'AlreadyExistsError', message: 'An edge from orders.total_revenue to orders.order_count already exists' });
    await link(p.editor, projectUuid, revenue.toUpperCase(), count).expect(409);

    const refusals: [string, string, string, RegExp][] = [
      ['self', revenue, revenue, /cannot be linked to itself/],
      ['self, different case', revenue, revenue.toUpperCase(), /cannot be linked to itself/],
      ['unknown source', randomUUID(), count, /^sourceCatalogSearchUuid .* is not in the catalog of the project$/],
      ['unknown target', revenue, randomUUID(), /^targetCatalogSearchUuid .* is not in the catalog of the project$/],
      ['source of another project', other.get('orders.total_revenue')!, count, /^sourceCatalogSearchUuid .* is not in the catalog of the project$/],
      ['target of another project', revenue, other.get('orders.order_count')!, /^targetCatalogSearchUuid .* is not in the catalog of the project$/],
      ['dimension source', m('orders.status'), count, /^sourceCatalogSearchUuid .* is not a metric \(a dimension\)$/],
      ['dimension target', revenue, m('customers.email'), /^targetCatalogSearchUuid .* is not a metric \(a dimension\)$/],
      ['table target', revenue, m('table:orders'), /^targetCatalogSearchUuid .* is not a metric \(a table\)$/],
      ['table source', m('table:payments'), count, /^sourceCatalogSearchUuid .* is not a metric \(a table\)$/],
    ];
    for (const [label, source, target, message] of refusals) {
      const res = await link(p.admin, projectUuid, source, target);
      expect({ label, status: res.status, name: res.body.error?.name }).toEqual({ label, status: 400, name: 'ParameterError' });
      expect(res.body.error.message).toMatch(message);
    }
    // both ends of the other project: still not this project's
    await link(p.admin, projectUuid, other.get('orders.total_revenue')!, other.get('orders.order_count')!).expect(400);
    // deleting: edges of the project only
    await link(p.admin, otherProjectUuid, other.get('orders.total_revenue')!, other.get('orders.order_count')!).expect(200);
    for (const [source, target] of [
      [other.get('orders.total_revenue')!, other.get('orders.order_count')!],
      [count, revenue],
      [randomUUID(), randomUUID()],
      [revenue, m('orders.status')],
    ]) {
      const res = await t.http().delete(`${edges(projectUuid)}/${source}/${target}`).set('Cookie', p.admin.cookie).expect(404);
      expect(res.body.error).toMatchObject({ name: 'NotFoundError', message: 'Metrics tree edge not found' });
    }
    // the other project's edge is not this project's to list or read
    expect(named((await t.http().get(edges(projectUuid)).set('Cookie', p.admin.cookie)).body.results.edges)).toEqual(['orders.total_revenue→orders.order_count']);
    const foreignTree = await t.http().post(tree(projectUuid)).set('Cookie', p.admin.cookie).send({ metricUuids: [other.get('orders.total_revenue'), other.get('orders.order_count')] }).expect(200);
    expect(foreignTree.body.results.edges).toEqual([]);
    expect(await edgeCount(projectUuid)).toBe(1);
    expect(await edgeCount(otherProjectUuid)).toBe(1);
  });

  it('rejects malformed uuids, bodies and queries with 422', async () => {
    const { p, projectUuid, m } = await setUp();
    const revenue = m('orders.total_revenue');
    const count = m('orders.order_count');
    const badEdgeBodies: unknown[] = [
      {},
      { sourceCatalogSearchUuid: revenue },
      { targetCatalogSearchUuid: count },
      { sourceCatalogSearchUuid: 'not-a-uuid', targetCatalogSearchUuid: count },
      { sourceCatalogSearchUuid: revenue, targetCatalogSearchUuid: null },
      { sourceCatalogSearchUuid: revenue, targetCatalogSearchUuid: [count] },
    ];
    for (const body of badEdgeBodies) {
      const res = await t.http().post(edges(projectUuid)).set('Cookie', p.admin.cookie).send(body as object);
      expect({ body, status: res.status, name: res.body.error?.name }).toEqual({ body, status: 422, name: 'ValidateError' });
    }
    const missing = await t.http().post(edges(projectUuid)).set('Cookie', p.admin.cookie).send({}).expect(422);
    expect(missing.body.error.data).toEqual({
      'body.sourceCatalogSearchUuid': { message: "'sourceCatalogSearchUuid' is required" },
      'body.targetCatalogSearchUuid': { message: "'targetCatalogSearchUuid' is required" },
    });
    for (const raw of ['[]', '"x"', 'null']) {
      await t.http().post(edges(projectUuid)).set('Cookie', p.admin.cookie).set('content-type', 'application/json').send(raw).expect(422);
    }
    await t.http().delete(`${edges(projectUuid)}/not-a-uuid/${count}`).set('Cookie', p.admin.cookie).expect(422);
    await t.http().delete(`${edges(projectUuid)}/${revenue}/not-a-uuid`).set('Cookie', p.admin.cookie).expect(422);
    await t.http().get(`/api/v1/projects/not-a-uuid/dataCatalog/metrics/tree/edges`).set('Cookie', p.admin.cookie).expect(422);

    const many = Array.from({ length: 101 }, () => randomUUID());
    const badQueries = ['', '?metricUuids=', '?metricUuids=not-a-uuid', `?metricUuids=${revenue}&metricUuids=nope`, `?${many.map((uuid) => `metricUuids=${uuid}`).join('&')}`];
    for (const query of badQueries) {
      const res = await t.http().get(`${tree(projectUuid)}${query}`).set('Cookie', p.viewer.cookie);
      expect({ query: query.slice(0, 60), status: res.status, name: res.body.error?.name }).toEqual({ query: query.slice(0, 60), status: 422, name: 'ValidateError' });
      expect(res.body.error.data).toHaveProperty(['metricUuids']);
    }
    const noQuery = await t.http().get(tree(projectUuid)).set('Cookie', p.viewer.cookie).expect(422);
    expect(noQuery.body.error.data).toEqual({ metricUuids: { message: "'metricUuids' is required" } });
    await t.http().get(`${tree(projectUuid)}?${many.slice(0, 100).map((uuid) => `metricUuids=${uuid}`).join('&')}`).set('Cookie', p.viewer.cookie).expect(200);

    for (const body of [{}, { metricUuids: [] }, { metricUuids: revenue }, { metricUuids: ['nope'] }, { metricUuids: [revenue, null] }, { metricUuids: many }]) {
      const res = await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie).send(body);
      expect({ body: JSON.stringify(body).slice(0, 60), status: res.status }).toEqual({ body: JSON.stringify(body).slice(0, 60), status: 422 });
    }
    await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie).send({ metricUuids: many.slice(0, 100) }).expect(200);
    expect(await edgeCount(projectUuid)).toBe(0);

    // unknown properties are dropped: the caller cannot choose createdFrom
    await t.http().post(tree(projectUuid)).set('Cookie', p.viewer.cookie).send({ metricUuids: [revenue], extra: 1 }).expect(200);
    await t.http().post(edges(projectUuid)).set('Cookie', p.admin.cookie).send({ sourceCatalogSearchUuid: revenue, targetCatalogSearchUuid: count, createdFrom: 'yaml' }).expect(200);
    const [edge] = (await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie).expect(200)).body.results.edges;
    expect(edge.createdFrom).toBe('ui');
  });

  it('lets viewers read the tree, editors change it; other organizations get 404, anonymous callers 401', async () => {
    const { p, projectUuid, m } = await setUp();
    const outsiders = await createOrganization(t, 'Outsiders');
    const revenue = m('orders.total_revenue');
    const count = m('orders.order_count');
    await link(p.editor, projectUuid, revenue, count).expect(200);

    const reads = (user?: TestUser) =>
      [
        t.http().get(edges(projectUuid)),
        t.http().get(`${tree(projectUuid)}?metricUuids=${revenue}&metricUuids=${count}`),
        t.http().post(tree(projectUuid)).send({ metricUuids: [revenue, count] }),
      ].map((request) => (user ? request.set('Cookie', user.cookie) : request));
    const writes = (user?: TestUser) =>
      [
        t.http().post(edges(projectUuid)).send({ sourceCatalogSearchUuid: count, targetCatalogSearchUuid: revenue }),
        t.http().delete(`${edges(projectUuid)}/${revenue}/${count}`),
      ].map((request) => (user ? request.set('Cookie', user.cookie) : request));

    for (const user of [p.viewer, p.interactive_viewer]) {
      for (const res of await Promise.all(reads(user))) {
        expect(res.status).toBe(200);
        expect(res.body.results.edges).toHaveLength(1);
      }
      for (const res of await Promise.all(writes(user))) expect({ status: res.status, name: res.body.error?.name }).toEqual({ status: 403, name: 'ForbiddenError' });
    }
    for (const res of await Promise.all([...reads(p.member), ...writes(p.member)])) expect(res.status).toBe(403);
    for (const res of await Promise.all([...reads(outsiders.admin), ...writes(outsiders.admin)])) {
      expect({ status: res.status, name: res.body.error?.name }).toEqual({ status: 404, name: 'NotFoundError' });
    }
    for (const res of await Promise.all([...reads(), ...writes()])) expect(res.status).toBe(401);
    expect(await edgeCount(projectUuid)).toBe(1);

    await t.http().delete(`${edges(projectUuid)}/${revenue}/${count}`).set('Cookie', p.editor.cookie).expect(200);
    const audit = await t.http().get('/api/v1/org/audit-logs?action=catalog.metrics-tree.&pageSize=100&page=1').set('Cookie', p.admin.cookie).expect(200);
    const entries = audit.body.results.data as Json[];
    const summary = entries.map((entry) => `${entry.action}:${entry.outcome}:${entry.statusCode ?? ''}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        'catalog.metrics-tree.edge.create:success:',
        'catalog.metrics-tree.edge.create:denied:403',
        'catalog.metrics-tree.edge.delete:success:',
        'catalog.metrics-tree.edge.delete:denied:403',
      ]),
    );
    const createdEntry = entries.find((entry) => entry.action === 'catalog.metrics-tree.edge.create' && entry.outcome === 'success')!;
    expect(createdEntry).toMatchObject({
      actor: { userUuid: p.editor.userUuid },
      targetType: 'catalog_item',
      targetUuid: revenue,
      details: {
        projectUuid,
        source: { catalogSearchUuid: revenue, name: 'total_revenue', tableName: 'orders' },
        target: { catalogSearchUuid: count, name: 'order_count', tableName: 'orders' },
      },
    });
    const deletedEntry = entries.find((entry) => entry.action === 'catalog.metrics-tree.edge.delete' && entry.outcome === 'success')!;
    expect(deletedEntry).toMatchObject({ targetUuid: revenue, details: { createdFrom: 'ui', target: { catalogSearchUuid: count } } });
    // reads are not audited
    expect(entries.every((entry) => entry.action.startsWith('catalog.metrics-tree.edge.'))).toBe(true);
  });

  it('creates each edge once under concurrent identical requests: one 200, the others 409, no 500', async () => {
    const { p, projectUuid, m } = await setUp();
    const pairs: [string, string][] = [
      ['orders.total_revenue', 'orders.order_count'],
      ['orders.largest_order', 'orders.average_order_value'],
      ['payments.total_paid', 'payments.payment_count'],
      ['customers.customer_count', 'orders.ordering_customers'],
    ];
    for (const [source, target] of pairs) {
      const results = await Promise.all(Array.from({ length: 4 }, () => link(p.editor, projectUuid, m(source), m(target))));
      const statuses = results.map((res) => res.status).sort();
      expect({ source, statuses }).toEqual({ source, statuses: [200, 409, 409, 409] });
      for (const res of results.filter((r) => r.status === 409)) expect(res.body.error.name).toBe('AlreadyExistsError');
    }
    expect(await edgeCount(projectUuid)).toBe(pairs.length);

    // deleting the same edge at once: one 200, the others 404
    const [source, target] = pairs[0];
    const deletions = await Promise.all(Array.from({ length: 3 }, () => t.http().delete(`${edges(projectUuid)}/${m(source)}/${m(target)}`).set('Cookie', p.editor.cookie)));
    expect(deletions.map((res) => res.status).sort()).toEqual([200, 404, 404]);

    // linking a metric while an upload removes it: ok or 400, never a 500, and no edge to a missing metric
    const withoutLargest = shopExplores();
    delete withoutLargest[0].tables.orders.metrics.largest_order;
    const [linked] = await Promise.all([link(p.editor, projectUuid, m('orders.largest_order'), m('orders.order_count')), upload(p.developer, projectUuid, withoutLargest)]);
    expect([200, 400]).toContain(linked.status);
    expect(named((await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.edges)).toEqual([
      'customers.customer_count→orders.ordering_customers',
      'payments.total_paid→payments.payment_count',
    ]);
  });

  it('keeps edges across re-uploads and drops them with either metric', async () => {
    const { p, projectUuid, m } = await setUp();
    await link(p.editor, projectUuid, m('orders.total_revenue'), m('orders.order_count')).expect(200);
    await link(p.editor, projectUuid, m('orders.order_count'), m('payments.total_paid')).expect(200);
    await link(p.editor, projectUuid, m('payments.total_paid'), m('payments.payment_count')).expect(200);
    const before = (await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.edges;

    await upload(p.developer, projectUuid, shopExplores());
    expect((await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.edges).toEqual(before);

    // order_count gone: both of its edges go with it
    const withoutOrderCount = shopExplores();
    delete withoutOrderCount[0].tables.orders.metrics.order_count;
    await upload(p.developer, projectUuid, withoutOrderCount);
    expect(named((await t.http().get(edges(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.edges)).toEqual(['payments.total_paid→payments.payment_count']);
    await t.http().delete(`${edges(projectUuid)}/${m('orders.total_revenue')}/${m('orders.order_count')}`).set('Cookie', p.editor.cookie).expect(404);
    await link(p.editor, projectUuid, m('orders.total_revenue'), m('orders.order_count')).expect(400);
    expect(await edgeCount(projectUuid)).toBe(1);
  });
});
