import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import type { TestUser } from '../support/users.js';
import { uploadExplores } from '../support/catalog.js';

type Json = Record<string, any>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** tables and fields of the fixture's valid explores, each once */
function expectedCatalogIdentities(upload: Json[]): string[] {
  const identities = new Set<string>();
  for (const explore of upload.filter((e) => !e.errors)) {
    for (const [tableName, table] of Object.entries<Json>(explore.tables)) {
      identities.add(`table:${tableName}:`);
      for (const fieldName of [...Object.keys(table.dimensions), ...Object.keys(table.metrics)]) identities.add(`field:${tableName}:${fieldName}`);
    }
  }
  return [...identities].sort();
}

describe('project explores and the catalog built from them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const explores = (projectUuid: string) => `/api/v1/projects/${projectUuid}/explores`;
  const upload = (user: TestUser, projectUuid: string, body: unknown) => uploadExplores(t, user, projectUuid, body);

  async function setUp(): Promise<{ p: Personas; projectUuid: string }> {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    return { p, projectUuid };
  }

  async function catalogUuids(projectUuid: string): Promise<Map<string, string>> {
    const rows: { identity: string; uuid: string }[] = await t.app.get(DataSource).query(
      `SELECT c.item_type || ':' || c.table_name || ':' || coalesce(c.field_name, '') AS identity, c.catalog_search_uuid AS uuid
       FROM catalog_items c JOIN projects p USING (project_id) WHERE p.project_uuid = $1`,
      [projectUuid],
    );
    return new Map(rows.map((row) => [row.identity, row.uuid]));
  }

  it('stores an upload by a developer and serves the summaries and the explores', async () => {
    const { p, projectUuid } = await setUp();
    const fixture = shopExplores();
    const res = await upload(p.developer, projectUuid, fixture).expect(200);
    expect(res.body).toEqual({ status: 'ok', results: { exploreCount: 4, warnings: { exploresWithWarnings: [], warningCount: 0, warningExploreCount: 0 } } });
    expect([...(await catalogUuids(projectUuid)).keys()].sort()).toEqual(expectedCatalogIdentities(fixture));

    const list = await t.http().get(explores(projectUuid)).set('Cookie', p.viewer.cookie).expect(200);
    expect(list.body.results).toEqual([
      { name: 'customers', label: 'Customers', tags: ['shop', 'core'], groupLabel: 'Shop', type: 'default', databaseName: 'shop', schemaName: 'analytics', description: 'One row per customer who has ever signed up to the shop.' },
      { name: 'orders', label: 'Orders', tags: ['shop', 'core'], groupLabel: 'Shop', type: 'default', databaseName: 'shop', schemaName: 'analytics', description: 'One row per order, including returned and cancelled ones.' },
      { name: 'payments', label: 'Payments', tags: ['shop', 'core'], groupLabel: 'Shop', type: 'default', databaseName: 'shop', schemaName: 'analytics', description: 'One row per payment attempt; an order can be paid in several parts.' },
      { name: 'refunds', label: 'Refunds', tags: ['shop'], groupLabel: 'Shop', errors: [{ type: 'MISSING_TABLE', message: 'Model "refunds" was not found in the dbt manifest' }], databaseName: null, schemaName: null },
    ]);

    const orders = await t.http().get(`${explores(projectUuid)}/orders`).set('Cookie', p.viewer.cookie).expect(200);
    const { unfilteredTables, ...ordersAsUploaded } = fixture.find((e) => e.name === 'orders')!;
    expect(unfilteredTables).toBeDefined();
    expect(orders.body.results).toEqual(ordersAsUploaded);
    expect(Object.keys(orders.body.results.tables)).toEqual(['orders', 'customers', 'payments']);

    // as Lightdash: an explore that failed to compile cannot be found
    const errored = await t.http().get(`${explores(projectUuid)}/refunds`).set('Cookie', p.viewer.cookie).expect(404);
    expect(errored.body.error).toMatchObject({ statusCode: 404, name: 'NotFoundError', data: { errors: [{ type: 'MISSING_TABLE', message: expect.any(String) }] } });
    const unknown = await t.http().get(`${explores(projectUuid)}/no_such_explore`).set('Cookie', p.viewer.cookie).expect(404);
    expect(unknown.body.error.name).toBe('NotFoundError');
  });

  it('lets developers upload, viewers and editors only read, and hides the project from other organizations', async () => {
    const { p, projectUuid } = await setUp();
    await upload(p.admin, projectUuid, shopExplores()).expect(200);
    for (const user of [p.viewer, p.interactive_viewer, p.editor]) {
      const refused = await upload(user, projectUuid, []).expect(403);
      expect(refused.body.error.name).toBe('ForbiddenError');
      await t.http().get(explores(projectUuid)).set('Cookie', user.cookie).expect(200);
    }
    const other = await createOrganization(t, 'Other Org');
    await upload(other.admin, projectUuid, []).expect(404);
    await t.http().get(explores(projectUuid)).set('Cookie', other.admin.cookie).expect(404);
    await t.http().get(`${explores(projectUuid)}/orders`).set('Cookie', other.admin.cookie).expect(404);
    expect((await t.http().get(explores(projectUuid)).set('Cookie', p.viewer.cookie)).body.results).toHaveLength(4);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=project.explores.').set('Cookie', p.admin.cookie).expect(200);
    const outcomes = audit.body.results.data.map((entry: { outcome: string }) => entry.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['success', 'denied']));
  });

  it('rejects malformed uploads with 422 and a field map, changing nothing', async () => {
    const { p, projectUuid } = await setUp();
    await upload(p.developer, projectUuid, shopExplores()).expect(200);
    const before = await catalogUuids(projectUuid);

    const withOrders = (change: (orders: Json) => void) => {
      const fixture = shopExplores();
      change(fixture[0]);
      return fixture;
    };
    const tooManyFields = withOrders((orders) => {
      orders.tables.orders.dimensions = Object.fromEntries(Array.from({ length: 50_001 }, (_, i) => [`d${i}`, { name: `d${i}`, type: 'string' }]));
    });
    const cases: [unknown, string][] = [
      [{ explores: shopExplores() }, 'body'],
      [[...shopExplores(), { label: 'No name', errors: [] }], 'body.4.name'],
      [withOrders((orders) => (orders.tables.orders.dimensions.status.type = 'text')), 'body.0.tables.orders.dimensions.status.type'],
      [withOrders((orders) => (orders.tables.payments.metrics.total_paid.type = 'total')), 'body.0.tables.payments.metrics.total_paid.type'],
      [withOrders((orders) => (orders.baseTable = 'order_items')), 'body.0.baseTable'],
      [withOrders((orders) => delete orders.tables), 'body.0.tables'],
      [[...shopExplores(), shopExplores()[1]], 'body.4.name'],
      [Array.from({ length: 1_001 }, (_, i) => ({ name: `e${i}`, errors: [] })), 'body'],
      [tooManyFields, 'body'],
      [[...shopExplores(), { name: 'broken', errors: 'failed' }], 'body.4.errors'],
      [[...shopExplores(), { name: 'broken', errors: ['failed'] }], 'body.4.errors.0'],
      [withOrders((orders) => (orders.tags = [1])), 'body.0.tags'],
      [withOrders((orders) => (orders.joinedTables = {})), 'body.0.joinedTables'],
      [withOrders((orders) => delete orders.targetDatabase), 'body.0.targetDatabase'],
      [withOrders((orders) => (orders.tables.payments = 'payments')), 'body.0.tables.payments'],
      [withOrders((orders) => delete orders.tables.payments.label), 'body.0.tables.payments.label'],
      [withOrders((orders) => (orders.tables.orders.dimensions.status = ['status'])), 'body.0.tables.orders.dimensions.status'],
      [withOrders((orders) => (orders.tables.orders.dimensions.status.label = 7)), 'body.0.tables.orders.dimensions.status.label'],
      // names are keys of the catalog's unique indexes: at most 255 bytes of UTF-8
      [[...shopExplores(), { name: 'é'.repeat(128), errors: [] }], 'body.4.name'],
      [withOrders((orders) => (orders.tables['t'.repeat(256)] = orders.tables.orders)), `body.0.tables.${'t'.repeat(256)}`],
      [withOrders((orders) => (orders.tables.orders.dimensions['d'.repeat(256)] = orders.tables.orders.dimensions.status)), `body.0.tables.orders.dimensions.${'d'.repeat(256)}`],
      // PostgreSQL's json and text cannot hold a NUL
      [withOrders((orders) => (orders.label = 'Orders\u0000')), 'body'],
    ];
    for (const [body, key] of cases) {
      const res = await upload(p.developer, projectUuid, body);
      expect({ key, status: res.status, name: res.body.error?.name }).toEqual({ key, status: 422, name: 'ValidateError' });
      expect(res.body.error.data).toHaveProperty([key]);
    }

    expect((await t.http().get(explores(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.map((e: Json) => e.name)).toEqual(['customers', 'orders', 'payments', 'refunds']);
    expect(await catalogUuids(projectUuid)).toEqual(before);
  });

  it('takes names of 255 bytes and descriptions too long for a search index, which indexes their beginning', async () => {
    const { p, projectUuid } = await setUp();
    const fixture = shopExplores();
    const longName = 'é'.repeat(127); // 254 bytes
    fixture[0].tables.orders.dimensions[longName] = { ...fixture[0].tables.orders.dimensions.status, name: longName };
    // about 1.4 MB of distinct words: more than a tsvector holds
    const words = Array.from({ length: 200_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
    fixture[0].tables.orders.description = `zyzzyva ${words}`;
    await upload(p.developer, projectUuid, fixture).expect(200);
    const found = await t.http().get(`/api/v1/projects/${projectUuid}/dataCatalog?search=zyzzyva`).set('Cookie', p.viewer.cookie).expect(200);
    expect(found.body.results.map((item: Json) => item.name)).toEqual(['orders']);
    const [{ stored }] = await t.app.get(DataSource).query(
      `SELECT count(*)::int AS stored FROM catalog_items c JOIN projects p USING (project_id) WHERE p.project_uuid = $1 AND c.field_name = $2`,
      [projectUuid, longName],
    );
    expect(stored).toBe(1);
  });

  it('makes one catalog item per table and field, keeping their catalogSearchUuid across re-uploads', async () => {
    const { p, projectUuid } = await setUp();
    const fixture = shopExplores();
    await upload(p.developer, projectUuid, fixture).expect(200);
    const first = await catalogUuids(projectUuid);
    expect([...first.keys()].sort()).toEqual(expectedCatalogIdentities(fixture));
    expect([...first.values()].every((uuid) => UUID.test(uuid))).toBe(true);

    const [customersTable] = await t.app.get(DataSource).query(
      `SELECT c.explore_name, c.label, c.definition ? 'dimensions' AS "hasDimensions", c.search_vector @@ to_tsquery('simple', 'customer') AS matches
       FROM catalog_items c JOIN projects p USING (project_id) WHERE p.project_uuid = $1 AND c.item_type = 'table' AND c.table_name = 'customers'`,
      [projectUuid],
    );
    // customers is joined into orders, which comes first in the upload
    expect(customersTable).toEqual({ explore_name: 'orders', label: 'Customers', hasDimensions: false, matches: true });

    await upload(p.developer, projectUuid, shopExplores()).expect(200);
    expect(await catalogUuids(projectUuid)).toEqual(first);

    // what hangs on an item survives a re-upload and goes with the item
    const dataSource = t.app.get(DataSource);
    const tag = await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.admin.cookie).send({ name: 'Finance', color: '#000000' }).expect(201);
    await dataSource.query(
      `INSERT INTO catalog_item_categories (catalog_item_id, tag_id)
       SELECT c.catalog_item_id, t.tag_id FROM catalog_items c, tags t WHERE c.catalog_search_uuid = ANY($1::uuid[]) AND t.tag_uuid = $2`,
      [[first.get('field:orders:status'), first.get('field:orders:total_revenue')], tag.body.results.tagUuid],
    );
    await dataSource.query(
      `INSERT INTO catalog_metrics_tree_edges (source_catalog_item_id, target_catalog_item_id)
       SELECT s.catalog_item_id, d.catalog_item_id FROM catalog_items s, catalog_items d WHERE s.catalog_search_uuid = $1 AND d.catalog_search_uuid = $2`,
      [first.get('field:orders:total_revenue'), first.get('field:orders:order_count')],
    );
    await upload(p.developer, projectUuid, shopExplores()).expect(200);
    const countLinks = async () =>
      (await dataSource.query(
        `SELECT (SELECT count(*)::int FROM catalog_item_categories k JOIN catalog_items c USING (catalog_item_id) WHERE c.catalog_search_uuid = ANY($1::uuid[])) AS categories,
                (SELECT count(*)::int FROM catalog_metrics_tree_edges e JOIN catalog_items c ON c.catalog_item_id = e.source_catalog_item_id WHERE c.catalog_search_uuid = ANY($1::uuid[])) AS edges`,
        [[...first.values()]],
      ))[0];
    expect(await countLinks()).toEqual({ categories: 2, edges: 1 });

    // removing a field (everywhere it appears) deletes its item only
    const withoutStatus = shopExplores();
    delete withoutStatus[0].tables.orders.dimensions.status;
    await upload(p.developer, projectUuid, withoutStatus).expect(200);
    const afterRemoval = await catalogUuids(projectUuid);
    const expected = new Map(first);
    expected.delete('field:orders:status');
    expect(afterRemoval).toEqual(expected);
    expect(await countLinks()).toEqual({ categories: 1, edges: 1 });

    // removing the orders explore drops the metrics of the edge with it
    await upload(p.developer, projectUuid, shopExplores().slice(1)).expect(200);
    expect([...(await catalogUuids(projectUuid)).keys()].some((identity) => identity.includes(':orders:'))).toBe(false);
    expect(await countLinks()).toEqual({ categories: 0, edges: 0 });
    // and customers is now named by the customers explore
    const [{ explore_name }] = await dataSource.query(
      `SELECT explore_name FROM catalog_items WHERE catalog_search_uuid = $1`,
      [first.get('table:customers:')],
    );
    expect(explore_name).toBe('customers');
  });

  it('keeps catalogs of different projects apart and uploads 20,000 fields in one go', async () => {
    const { p, projectUuid } = await setUp();
    const otherProject = await createProject(t, p.admin, 'Other project');
    await upload(p.developer, otherProject, shopExplores()).expect(200);
    const otherBefore = await catalogUuids(otherProject);

    const tables = Object.fromEntries(
      Array.from({ length: 20 }, (_, tableIndex) => {
        const name = `events_${tableIndex}`;
        const fields = Array.from({ length: 1_000 }, (_, i) => ({ name: `field_${i}`, label: `Field ${i}`, type: i % 2 ? 'number' : 'string', sql: `\${TABLE}.field_${i}`, description: `Synthetic field ${i} of ${name}` }));
        const dimensions = Object.fromEntries(fields.slice(0, 800).map((f) => [f.name, f]));
        const metrics = Object.fromEntries(fields.slice(800).map((f) => [f.name, { ...f, type: 'sum' }]));
        return [name, { name, label: `Events ${tableIndex}`, dimensions, metrics }];
      }),
    );
    const synthetic = [{ name: 'events', label: 'Events', tags: [], baseTable: 'events_0', joinedTables: [], tables, targetDatabase: 'postgres' }];
    const started = Date.now();
    const res = await upload(p.developer, projectUuid, synthetic).expect(200);
    const firstMs = Date.now() - started;
    expect(res.body.results.exploreCount).toBe(1);
    const again = Date.now();
    await upload(p.developer, projectUuid, synthetic).expect(200);
    const secondMs = Date.now() - again;
    console.log(`20,000-field upload: ${firstMs} ms first, ${secondMs} ms re-upload`);
    expect((await catalogUuids(projectUuid)).size).toBe(20_020);
    expect(await catalogUuids(otherProject)).toEqual(otherBefore);
  });
});
