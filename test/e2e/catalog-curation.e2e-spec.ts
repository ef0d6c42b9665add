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

describe('catalog curation: categories and icons', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  const catalog = (projectUuid: string) => `/api/v1/projects/${projectUuid}/dataCatalog`;
  const categories = (projectUuid: string, item: string) => `${catalog(projectUuid)}/${item}/categories`;
  const icon = (projectUuid: string, item: string) => `${catalog(projectUuid)}/${item}/icon`;

  const upload = (user: TestUser, projectUuid: string, body: unknown) => uploadExplores(t, user, projectUuid, body).expect(200);
  const catalogUuids = (projectUuid: string) => catalogSearchUuids(t, projectUuid);

  async function createTag(user: TestUser, projectUuid: string, name: string): Promise<string> {
    const res = await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', user.cookie).send({ name, color: '#1f77b4' }).expect(201);
    return res.body.results.tagUuid;
  }

  /** tag uuids attached to an item, by tag name */
  async function categoriesOf(catalogSearchUuid: string): Promise<string[]> {
    const rows: { tagUuid: string }[] = await db.query(
      `SELECT t.tag_uuid AS "tagUuid" FROM catalog_item_categories k JOIN catalog_items c USING (catalog_item_id) JOIN tags t USING (tag_id)
       WHERE c.catalog_search_uuid = $1 ORDER BY t.name`,
      [catalogSearchUuid],
    );
    return rows.map((row) => row.tagUuid);
  }

  async function iconOf(catalogSearchUuid: string): Promise<unknown> {
    const [row] = await db.query('SELECT icon FROM catalog_items WHERE catalog_search_uuid = $1', [catalogSearchUuid]);
    return row?.icon;
  }

  async function setUp(): Promise<{ p: Personas; projectUuid: string; items: Map<string, string> }> {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await upload(p.developer, projectUuid, shopExplores());
    return { p, projectUuid, items: await catalogUuids(projectUuid) };
  }

  it('adds categories (idempotently) and removes them (idempotently) as an editor', async () => {
    const { p, projectUuid, items } = await setUp();
    const finance = await createTag(p.editor, projectUuid, 'Finance');
    const core = await createTag(p.editor, projectUuid, 'Core');
    const revenue = items.get('orders.total_revenue')!;
    const ordersTable = items.get('table:orders')!;

    const added = await t.http().post(categories(projectUuid, revenue)).set('Cookie', p.editor.cookie).send({ tagUuid: finance }).expect(200);
    expect(added.body).toEqual({ status: 'ok' });
    // again: still one row, still ok
    expect((await t.http().post(categories(projectUuid, revenue)).set('Cookie', p.editor.cookie).send({ tagUuid: finance }).expect(200)).body).toEqual({ status: 'ok' });
    await t.http().post(categories(projectUuid, revenue)).set('Cookie', p.developer.cookie).send({ tagUuid: core }).expect(200);
    await t.http().post(categories(projectUuid, ordersTable)).set('Cookie', p.admin.cookie).send({ tagUuid: finance }).expect(200);
    expect(await categoriesOf(revenue)).toEqual([core, finance]);
    expect(await categoriesOf(ordersTable)).toEqual([finance]);

    const removed = await t.http().delete(`${categories(projectUuid, revenue)}/${finance}`).set('Cookie', p.editor.cookie).expect(200);
    expect(removed.body).toEqual({ status: 'ok' });
    expect(await categoriesOf(revenue)).toEqual([core]);
    // removing a category the item does not have, or an unknown tag: ok, nothing changes
    await t.http().delete(`${categories(projectUuid, revenue)}/${finance}`).set('Cookie', p.editor.cookie).expect(200);
    await t.http().delete(`${categories(projectUuid, revenue)}/${randomUUID()}`).set('Cookie', p.editor.cookie).expect(200);
    expect(await categoriesOf(revenue)).toEqual([core]);
    expect(await categoriesOf(ordersTable)).toEqual([finance]);

    // deleting the tag removes it from every item
    await t.http().delete(`/api/v1/projects/${projectUuid}/tags/${finance}`).set('Cookie', p.editor.cookie).expect(200);
    expect(await categoriesOf(ordersTable)).toEqual([]);
    expect(await categoriesOf(revenue)).toEqual([core]);

    // every call is audited, no-ops included, saying whether anything changed
    const audit = await t.http().get('/api/v1/org/audit-logs?action=catalog.category.&pageSize=100&page=1').set('Cookie', p.admin.cookie).expect(200);
    const entries = (audit.body.results.data as Json[]).map((entry) => `${entry.action}:${entry.outcome}:${entry.details.alreadyPresent ?? entry.details.removed}`);
    expect(entries.sort()).toEqual([
      'catalog.category.add:success:false',
      'catalog.category.add:success:false',
      'catalog.category.add:success:false',
      'catalog.category.add:success:true',
      'catalog.category.remove:success:false',
      'catalog.category.remove:success:false',
      'catalog.category.remove:success:true',
    ]);
  });

  it('refuses categories that are not tags of the project (400) and items that are not of the project (404), changing nothing', async () => {
    const { p, projectUuid, items } = await setUp();
    const otherProjectUuid = await createProject(t, p.admin, 'Other project');
    await upload(p.developer, otherProjectUuid, shopExplores());
    const otherItems = await catalogUuids(otherProjectUuid);
    const tagUuid = await createTag(p.admin, projectUuid, 'Finance');
    const foreignTag = await createTag(p.admin, otherProjectUuid, 'Elsewhere');
    const revenue = items.get('orders.total_revenue')!;
    const foreignRevenue = otherItems.get('orders.total_revenue')!;

    for (const tag of [foreignTag, randomUUID()]) {
      const res = await t.http().post(categories(projectUuid, revenue)).set('Cookie', p.admin.cookie).send({ tagUuid: tag }).expect(400);
      expect(res.body.error).toMatchObject({ statusCode: 400, name: 'ParameterError', message: `Tag ${tag} is not a tag of the project` });
    }
    // the item of the other project, named under this one, with a tag of either project
    for (const tag of [tagUuid, foreignTag]) {
      const res = await t.http().post(categories(projectUuid, foreignRevenue)).set('Cookie', p.admin.cookie).send({ tagUuid: tag }).expect(404);
      expect(res.body.error).toMatchObject({ statusCode: 404, name: 'NotFoundError', message: 'Catalog item not found' });
    }
    await t.http().delete(`${categories(projectUuid, foreignRevenue)}/${foreignTag}`).set('Cookie', p.admin.cookie).expect(404);
    await t.http().patch(icon(projectUuid, foreignRevenue)).set('Cookie', p.admin.cookie).send({ icon: { unicode: '💰' } }).expect(404);
    for (const unknown of [randomUUID(), '00000000-0000-4000-8000-000000000000']) {
      await t.http().post(categories(projectUuid, unknown)).set('Cookie', p.admin.cookie).send({ tagUuid }).expect(404);
      await t.http().delete(`${categories(projectUuid, unknown)}/${tagUuid}`).set('Cookie', p.admin.cookie).expect(404);
      await t.http().patch(icon(projectUuid, unknown)).set('Cookie', p.admin.cookie).send({ icon: null }).expect(404);
    }
    expect(await categoriesOf(revenue)).toEqual([]);
    expect(await categoriesOf(foreignRevenue)).toEqual([]);
    expect(await iconOf(foreignRevenue)).toBeNull();

    // the other project's item does take its own project's tag
    await t.http().post(categories(otherProjectUuid, foreignRevenue)).set('Cookie', p.editor.cookie).send({ tagUuid: foreignTag }).expect(200);
    expect(await categoriesOf(foreignRevenue)).toEqual([foreignTag]);
  });

  it('needs project editor to curate: viewers get 403, other organizations 404, anonymous callers 401', async () => {
    const { p, projectUuid, items } = await setUp();
    const other = await createOrganization(t, 'Outsiders');
    const tagUuid = await createTag(p.admin, projectUuid, 'Finance');
    const item = items.get('orders.order_count')!;

    const attempts = (user?: TestUser) =>
      [
        t.http().post(categories(projectUuid, item)).send({ tagUuid }),
        t.http().delete(`${categories(projectUuid, item)}/${tagUuid}`),
        t.http().patch(icon(projectUuid, item)).send({ icon: { unicode: '🔥' } }),
      ].map((request) => (user ? request.set('Cookie', user.cookie) : request));

    for (const user of [p.member, p.viewer, p.interactive_viewer]) {
      for (const res of await Promise.all(attempts(user))) {
        expect({ status: res.status, name: res.body.error?.name }).toEqual({ status: 403, name: 'ForbiddenError' });
      }
    }
    for (const res of await Promise.all(attempts(other.admin))) {
      expect({ status: res.status, name: res.body.error?.name }).toEqual({ status: 404, name: 'NotFoundError' });
    }
    for (const res of await Promise.all(attempts())) expect(res.status).toBe(401);
    expect(await categoriesOf(item)).toEqual([]);
    expect(await iconOf(item)).toBeNull();

    await t.http().post(categories(projectUuid, item)).set('Cookie', p.editor.cookie).send({ tagUuid }).expect(200);
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.editor.cookie).send({ icon: { unicode: '🔥' } }).expect(200);
    await t.http().delete(`${categories(projectUuid, item)}/${tagUuid}`).set('Cookie', p.editor.cookie).expect(200);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=catalog.&pageSize=100&page=1').set('Cookie', p.admin.cookie).expect(200);
    const entries = audit.body.results.data as Json[];
    const summary = entries.map((entry) => `${entry.action}:${entry.outcome}:${entry.statusCode ?? ''}`);
    for (const action of ['catalog.category.add', 'catalog.category.remove', 'catalog.icon.update']) {
      expect(summary).toContain(`${action}:success:`);
      expect(summary).toContain(`${action}:denied:403`);
    }
    const iconEntry = entries.find((entry) => entry.action === 'catalog.icon.update' && entry.outcome === 'success')!;
    expect(iconEntry).toMatchObject({
      actor: { userUuid: p.editor.userUuid },
      targetType: 'catalog_item',
      targetUuid: item,
      details: { projectUuid, itemType: 'field', tableName: 'orders', fieldName: 'order_count', from: null, to: { unicode: '🔥' } },
    });
    const addEntry = entries.find((entry) => entry.action === 'catalog.category.add' && entry.outcome === 'success')!;
    expect(addEntry.details).toMatchObject({ tagUuid, tagName: 'Finance', alreadyPresent: false });
    const removeEntry = entries.find((entry) => entry.action === 'catalog.category.remove' && entry.outcome === 'success')!;
    expect(removeEntry).toMatchObject({ targetUuid: item, details: { projectUuid, tagUuid, removed: true } });
    // the other organization's attempts are not in this organization's log
    expect(entries.filter((entry) => entry.actor?.userUuid === other.admin.userUuid)).toEqual([]);
  });

  it('sets, replaces and clears icons, storing exactly {unicode} or {url}', async () => {
    const { p, projectUuid, items } = await setUp();
    const field = items.get('payments.total_paid')!;
    const table = items.get('table:payments')!;

    expect((await t.http().patch(icon(projectUuid, field)).set('Cookie', p.editor.cookie).send({ icon: { unicode: '💰' } }).expect(200)).body).toEqual({ status: 'ok' });
    expect(await iconOf(field)).toEqual({ unicode: '💰' });
    // a ZWJ sequence and a flag are one emoji each
    await t.http().patch(icon(projectUuid, field)).set('Cookie', p.editor.cookie).send({ icon: { unicode: '👩‍👩‍👧‍👦' } }).expect(200);
    expect(await iconOf(field)).toEqual({ unicode: '👩‍👩‍👧‍👦' });
    const url = 'https://cdn.example.com/icons/payments.svg?v=2';
    await t.http().patch(icon(projectUuid, table)).set('Cookie', p.editor.cookie).send({ icon: { url } }).expect(200);
    expect(await iconOf(table)).toEqual({ url });
    await t.http().patch(icon(projectUuid, field)).set('Cookie', p.editor.cookie).send({ icon: { url: 'http://icons.internal/a.png' } }).expect(200);
    expect(await iconOf(field)).toEqual({ url: 'http://icons.internal/a.png' });
    await t.http().patch(icon(projectUuid, field)).set('Cookie', p.editor.cookie).send({ icon: null }).expect(200);
    expect(await iconOf(field)).toBeNull();
    // clearing twice is fine
    await t.http().patch(icon(projectUuid, field)).set('Cookie', p.editor.cookie).send({ icon: null }).expect(200);
    expect(await iconOf(table)).toEqual({ url });
  });

  it('rejects malformed icons, bodies and uuids with 422, changing nothing', async () => {
    const { p, projectUuid, items } = await setUp();
    const tagUuid = await createTag(p.admin, projectUuid, 'Finance');
    const item = items.get('orders.total_revenue')!;
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { unicode: '📈' } }).expect(200);

    const badIcons: [string, unknown][] = [
      ['missing key', {}],
      ['both keys', { icon: { unicode: '📈', url: 'https://example.com/a.png' } }],
      ['empty object', { icon: {} }],
      ['string', { icon: '📈' }],
      ['array', { icon: [{ unicode: '📈' }] }],
      ['number', { icon: 1 }],
      ['unicode not a string', { icon: { unicode: 1 } }],
      ['unicode null', { icon: { unicode: null } }],
      ['unicode empty', { icon: { unicode: '' } }],
      ['unicode too long', { icon: { unicode: '📈'.repeat(17) } }],
      ['unicode with spaces', { icon: { unicode: '📈 📉' } }],
      ['unicode with a newline', { icon: { unicode: '📈\n' } }],
      ['url not a string', { icon: { url: { href: 'https://example.com' } } }],
      ['url null', { icon: { url: null } }],
      ['url relative', { icon: { url: '/icons/a.png' } }],
      ['url javascript', { icon: { url: 'javascript:alert(1)' } }],
      ['url data', { icon: { url: 'data:image/png;base64,AAAA' } }],
      ['url ftp', { icon: { url: 'ftp://example.com/a.png' } }],
      ['url empty', { icon: { url: '' } }],
      ['url with a space', { icon: { url: 'https://example.com/a b.png' } }],
      ['url too long', { icon: { url: `https://example.com/${'a'.repeat(2048)}` } }],
    ];
    for (const [label, body] of badIcons) {
      const res = await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send(body as object);
      expect({ label, status: res.status, name: res.body.error?.name }).toEqual({ label, status: 422, name: 'ValidateError' });
      expect(Object.keys(res.body.error.data).some((key) => key.startsWith('body'))).toBe(true);
    }
    const missing = await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({}).expect(422);
    expect(missing.body.error.data).toEqual({ 'body.icon': { message: "'icon' is required" } });
    const both = await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { unicode: 'a', url: 'https://example.com' } }).expect(422);
    expect(both.body.error.data['body.icon'].message).toBe('icon must have exactly one of unicode or url');

    // strings PostgreSQL's jsonb cannot hold: a NUL and a lone surrogate (sent as raw JSON escapes)
    for (const raw of ['{"icon":{"unicode":"a\\u0000"}}', '{"icon":{"unicode":"\\ud83d"}}', '{"icon":{"url":"https://example.com/\\u0000"}}', '{"icon":{"url":"https://example.com/\\udc00"}}']) {
      const res = await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).set('content-type', 'application/json').send(raw);
      expect({ raw, status: res.status }).toEqual({ raw, status: 422 });
    }
    // unknown properties, beside the icon and inside it, are dropped: only {unicode} or {url} is stored
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { unicode: '📉', color: 'red', constructor: 'x' }, color: 'red' }).expect(200);
    expect(await iconOf(item)).toEqual({ unicode: '📉' });
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: null, color: 'red' }).expect(200);
    expect(await iconOf(item)).toBeNull();
    const onlyUnknown = await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { color: 'red' } }).expect(422);
    expect(onlyUnknown.body.error.data['body.icon'].message).toBe('icon must have exactly one of unicode or url');

    // the longest accepted values
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { unicode: '📈'.repeat(16) } }).expect(200);
    const longUrl = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
    await t.http().patch(icon(projectUuid, item)).set('Cookie', p.admin.cookie).send({ icon: { url: longUrl } }).expect(200);
    expect(await iconOf(item)).toEqual({ url: longUrl });

    // categories: bodies and uuids
    for (const body of [{}, { tagUuid: 'not-a-uuid' }, { tagUuid: null }, { tagUuid: 42 }]) {
      const res = await t.http().post(categories(projectUuid, item)).set('Cookie', p.admin.cookie).send(body);
      expect({ body, status: res.status, name: res.body.error?.name }).toEqual({ body, status: 422, name: 'ValidateError' });
    }
    for (const body of ['"text"', '[]', 'null']) {
      await t.http().post(categories(projectUuid, item)).set('Cookie', p.admin.cookie).set('content-type', 'application/json').send(body).expect(422);
    }
    const badPath = await t.http().post(categories(projectUuid, 'not-a-uuid')).set('Cookie', p.admin.cookie).send({ tagUuid }).expect(422);
    expect(badPath.body.error.data).toHaveProperty(['catalogSearchUuid']);
    await t.http().delete(`${categories(projectUuid, 'not-a-uuid')}/${tagUuid}`).set('Cookie', p.admin.cookie).expect(422);
    const badTag = await t.http().delete(`${categories(projectUuid, item)}/not-a-uuid`).set('Cookie', p.admin.cookie).expect(422);
    expect(badTag.body.error.data).toHaveProperty(['tagUuid']);
    await t.http().patch(icon(projectUuid, 'not-a-uuid')).set('Cookie', p.admin.cookie).send({ icon: null }).expect(422);
    await t.http().post(categories('not-a-uuid', item)).set('Cookie', p.admin.cookie).send({ tagUuid }).expect(422);
    // `metrics` is not a catalogSearchUuid either
    await t.http().post(categories(projectUuid, 'metrics')).set('Cookie', p.admin.cookie).send({ tagUuid }).expect(422);

    expect(await categoriesOf(item)).toEqual([]);
    expect(await iconOf(item)).toEqual({ url: longUrl });
    // refusals are audited as failed attempts
    const audit = await t.http().get('/api/v1/org/audit-logs?action=catalog.&outcome=failed&pageSize=100&page=1').set('Cookie', p.admin.cookie).expect(200);
    const failed = new Set((audit.body.results.data as Json[]).map((entry) => `${entry.action}:${entry.statusCode}`));
    expect([...failed].sort()).toEqual(['catalog.category.add:422', 'catalog.category.remove:422', 'catalog.icon.update:422']);

    // an unknown property beside tagUuid is dropped
    await t.http().post(categories(projectUuid, item)).set('Cookie', p.admin.cookie).send({ tagUuid, extra: true }).expect(200);
    expect(await categoriesOf(item)).toEqual([tagUuid]);
  });

  it('keeps categories and icons across re-uploads, and drops them with their item', async () => {
    const { p, projectUuid, items } = await setUp();
    const finance = await createTag(p.admin, projectUuid, 'Finance');
    const status = items.get('orders.status')!;
    const revenue = items.get('orders.total_revenue')!;
    for (const item of [status, revenue]) {
      await t.http().post(categories(projectUuid, item)).set('Cookie', p.editor.cookie).send({ tagUuid: finance }).expect(200);
      await t.http().patch(icon(projectUuid, item)).set('Cookie', p.editor.cookie).send({ icon: { unicode: '🧾' } }).expect(200);
    }

    await upload(p.developer, projectUuid, shopExplores());
    expect(await catalogUuids(projectUuid)).toEqual(items);
    expect(await categoriesOf(status)).toEqual([finance]);
    expect(await iconOf(status)).toEqual({ unicode: '🧾' });

    const withoutStatus = shopExplores();
    delete withoutStatus[0].tables.orders.dimensions.status;
    await upload(p.developer, projectUuid, withoutStatus);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM catalog_item_categories k JOIN tags t USING (tag_id) WHERE t.tag_uuid = $1`,
      [finance],
    );
    expect(count).toBe(1); // revenue's only
    expect((await catalogUuids(projectUuid)).has('orders.status')).toBe(false);
    expect(await categoriesOf(revenue)).toEqual([finance]);
    expect(await iconOf(revenue)).toEqual({ unicode: '🧾' });
    await t.http().post(categories(projectUuid, status)).set('Cookie', p.editor.cookie).send({ tagUuid: finance }).expect(404);

    // brought back by a later upload, the field is a new item, without the old curation
    await upload(p.developer, projectUuid, shopExplores());
    const statusAgain = (await catalogUuids(projectUuid)).get('orders.status')!;
    expect(statusAgain).not.toBe(status);
    expect(await categoriesOf(statusAgain)).toEqual([]);
    expect(await iconOf(statusAgain)).toBeNull();
  });

  it('stays consistent under concurrent requests: no 500, no duplicate, no category of a deleted tag', async () => {
    const { p, projectUuid, items } = await setUp();
    const item = items.get('customers.customer_count')!;

    // the same category added many times at once
    const tagUuid = await createTag(p.admin, projectUuid, 'Finance');
    const same = await Promise.all(Array.from({ length: 8 }, () => t.http().post(categories(projectUuid, item)).set('Cookie', p.editor.cookie).send({ tagUuid })));
    expect(same.map((res) => res.status)).toEqual(Array(8).fill(200));
    expect(await categoriesOf(item)).toEqual([tagUuid]);

    // adding a category while its tag is being deleted: ok or 400, never a 500, and nothing left behind
    for (let round = 0; round < 6; round++) {
      const doomed = await createTag(p.admin, projectUuid, `Doomed ${round}`);
      const [add, del] = await Promise.all([
        t.http().post(categories(projectUuid, item)).set('Cookie', p.editor.cookie).send({ tagUuid: doomed }),
        t.http().delete(`/api/v1/projects/${projectUuid}/tags/${doomed}`).set('Cookie', p.admin.cookie),
      ]);
      expect([200, 400]).toContain(add.status);
      expect(del.status).toBe(200);
      expect(await categoriesOf(item)).toEqual([tagUuid]);
    }

    // an icon set while the item's upload removes it: ok or 404
    const withoutCustomerCount = shopExplores();
    for (const explore of withoutCustomerCount) delete explore.tables?.customers?.metrics?.customer_count;
    const [patched] = await Promise.all([
      t.http().patch(icon(projectUuid, item)).set('Cookie', p.editor.cookie).send({ icon: { unicode: '👥' } }),
      upload(p.developer, projectUuid, withoutCustomerCount),
    ]);
    expect([200, 404]).toContain(patched.status);
    expect((await catalogUuids(projectUuid)).has('customers.customer_count')).toBe(false);
  });
});
