import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

const PAGE_SIZE = 2;
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const METRIC_QUERY = {
  exploreName: 'orders',
  dimensions: ['orders_order_date_month', 'orders_status'],
  metrics: ['orders_total_revenue'],
  filters: {
    dimensions: { id: 'group-1', and: [{ id: 'rule-1', target: { fieldId: 'orders_status' }, operator: 'equals', values: ['completed'] }] },
  },
  sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
  limit: 500,
  tableCalculations: [],
};

type Json = Record<string, unknown>;

/** A document without what changes on every download or copy. */
const withoutTimestamps = ({ updatedAt: _u, downloadedAt: _d, ...rest }: Json) => rest;

describe('charts and dashboards as code', () => {
  let t: TestApp;
  let p: Personas;

  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_DOWNLOADS_AS_CODE: String(PAGE_SIZE) } });
    p = await createPersonas(t);
  });
  afterAll(async () => t.close());

  const createChart = async (user: TestUser, projectUuid: string, spaceUuid: string, name: string, overrides: Json = {}): Promise<{ uuid: string; slug: string }> => {
    const res = await t
      .http()
      .post(`/api/v1/projects/${projectUuid}/saved`)
      .set('Cookie', user.cookie)
      .send({
        name,
        description: `${name} by month`,
        tableName: 'orders',
        metricQuery: METRIC_QUERY,
        chartConfig: { type: 'cartesian', config: { eChartsConfig: { series: [{ type: 'bar' }] } } },
        tableConfig: { columnOrder: ['orders_order_date_month', 'orders_total_revenue'] },
        spaceUuid,
        ...overrides,
      });
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return { uuid: res.body.results.uuid, slug: res.body.results.slug };
  };

  /** Every page of a download, following `offset` until it reaches `total`. */
  const downloadAll = async (user: TestUser, projectUuid: string, kind: 'charts' | 'dashboards'): Promise<Json[]> => {
    const documents: Json[] = [];
    for (let offset = 0, pages = 0; ; pages++) {
      const res = await t.http().get(`/api/v1/projects/${projectUuid}/${kind}/code?offset=${offset}`).set('Cookie', user.cookie).expect(200);
      const results = res.body.results;
      expect(results[kind].length).toBeLessThanOrEqual(PAGE_SIZE);
      documents.push(...results[kind]);
      offset = results.offset;
      if (offset >= results.total || pages > 50) return documents;
    }
  };

  const upload = (user: TestUser, projectUuid: string, kind: 'charts' | 'dashboards', document: Json) =>
    t.http().post(`/api/v1/projects/${projectUuid}/${kind}/${document.slug}/code`).set('Cookie', user.cookie).send(document);

  const spacePaths = async (user: TestUser, projectUuid: string): Promise<string[]> => {
    const res = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', user.cookie).expect(200);
    return (res.body.results as { path: string }[]).map((space) => space.path).sort();
  };

  /** Project A: nested spaces, three charts (one shown twice on the dashboard), a dashboard with tabs, tile-targeted filters and a markdown tile. */
  async function sourceProject() {
    const projectUuid = await createProject(t, p.admin, 'Source');
    const sales = await createSpace(t, p.admin, projectUuid, { name: 'Sales' });
    const emea = await createSpace(t, p.admin, projectUuid, { name: 'EMEA team', parentSpaceUuid: sales });
    const marketing = await createSpace(t, p.admin, projectUuid, { name: 'Marketing' });
    const revenue = await createChart(p.admin, projectUuid, emea, 'Revenue', { pivotConfig: { columns: ['orders_status'] } });
    const orders = await createChart(p.admin, projectUuid, marketing, 'Orders');
    await createChart(p.admin, projectUuid, sales, 'Margin');
    const revenueTile = '0b0c7c0e-1d1e-4f4f-8a8a-000000000001';
    const dashboard = await t
      .http()
      .post(`/api/v1/projects/${projectUuid}/dashboards`)
      .set('Cookie', p.admin.cookie)
      .send({
        name: 'Sales overview',
        description: 'Weekly numbers',
        spaceUuid: emea,
        tabs: [{ uuid: 'tab-overview', name: 'Overview', order: 0 }],
        tiles: [
          { uuid: revenueTile, type: 'saved_chart', x: 0, y: 0, h: 3, w: 6, tabUuid: 'tab-overview', properties: { savedChartUuid: revenue.uuid, title: 'Revenue', hideTitle: false } },
          { type: 'saved_chart', x: 6, y: 0, h: 3, w: 6, tabUuid: 'tab-overview', properties: { savedChartUuid: revenue.uuid, title: 'Revenue again' } },
          { type: 'saved_chart', x: 0, y: 3, h: 3, w: 6, tabUuid: 'tab-overview', properties: { savedChartUuid: orders.uuid, hideTitle: true } },
          { type: 'markdown', x: 6, y: 3, h: 3, w: 6, tabUuid: 'tab-overview', properties: { title: 'Notes', content: '# Read me' } },
        ],
        filters: {
          dimensions: [{ id: 'filter-1', target: { fieldId: 'orders_status', tableName: 'orders' }, operator: 'equals', values: ['completed'], tileTargets: { [revenueTile]: { fieldId: 'orders_status', tableName: 'orders' } } }],
          metrics: [],
          tableCalculations: [],
        },
      });
    if (dashboard.status !== 201) throw new Error(`dashboard creation failed: ${dashboard.status} ${dashboard.text}`);
    return { projectUuid, sales, emea, marketing, revenue, orders, dashboardUuid: dashboard.body.results.uuid as string };
  }

  it('downloads documents in the reference format, a page at a time', async () => {
    const source = await sourceProject();
    const first = await t.http().get(`/api/v1/projects/${source.projectUuid}/charts/code`).set('Cookie', p.developer.cookie).expect(200);
    // the spaces that hold this page's documents, once each, as Lightdash lists them beside the documents
    expect(first.body.results).toEqual({
      charts: expect.any(Array),
      spaces: [
        { contentType: 'space', slug: 'sales', spaceName: 'Sales' },
        { contentType: 'space', slug: 'marketing', spaceName: 'Marketing' },
      ],
      missingIds: [],
      total: 3,
      offset: 2,
    });
    expect(first.body.results.charts.map((chart: Json) => chart.slug)).toEqual(['margin', 'orders']);
    const last = await t.http().get(`/api/v1/projects/${source.projectUuid}/charts/code?offset=2`).set('Cookie', p.developer.cookie).expect(200);
    expect(last.body.results).toMatchObject({ total: 3, offset: 3, missingIds: [] });
    expect(last.body.results.charts).toEqual([
      {
        contentType: 'chart',
        name: 'Revenue',
        description: 'Revenue by month',
        tableName: 'orders',
        updatedAt: expect.stringMatching(ISO_DATE),
        // with the keys Lightdash always fills in
        metricQuery: { ...METRIC_QUERY, additionalMetrics: [], customDimensions: [], metricOverrides: {}, timezone: 'UTC' },
        chartConfig: { type: 'cartesian', config: { eChartsConfig: { series: [{ type: 'bar' }] } } },
        pivotConfig: { columns: ['orders_status'] },
        tableConfig: { columnOrder: ['orders_order_date_month', 'orders_total_revenue'] },
        slug: 'revenue',
        version: 1,
        spaceSlug: 'sales/emea-team',
        downloadedAt: expect.stringMatching(ISO_DATE),
        verification: null,
      },
    ]);

    const dashboards = await t.http().get(`/api/v1/projects/${source.projectUuid}/dashboards/code`).set('Cookie', p.developer.cookie).expect(200);
    expect(dashboards.body.results).toEqual({
      dashboards: [
        {
          contentType: 'dashboard',
          name: 'Sales overview',
          description: 'Weekly numbers',
          updatedAt: expect.stringMatching(ISO_DATE),
          tiles: [
            { type: 'saved_chart', x: 0, y: 0, h: 3, w: 6, tabUuid: 'tab-overview', tabSlug: null, tileSlug: 'revenue', properties: { title: 'Revenue', hideTitle: false, chartSlug: 'revenue' } },
            { type: 'saved_chart', x: 6, y: 0, h: 3, w: 6, tabUuid: 'tab-overview', tabSlug: null, tileSlug: 'revenue-1', properties: { title: 'Revenue again', chartSlug: 'revenue' } },
            { type: 'saved_chart', x: 0, y: 3, h: 3, w: 6, tabUuid: 'tab-overview', tabSlug: null, tileSlug: 'orders', properties: { hideTitle: true, chartSlug: 'orders' } },
            { type: 'markdown', x: 6, y: 3, h: 3, w: 6, tabUuid: 'tab-overview', tabSlug: null, properties: { title: 'Notes', content: '# Read me' } },
          ],
          filters: {
            dimensions: [{ target: { fieldId: 'orders_status', tableName: 'orders' }, operator: 'equals', values: ['completed'], tileTargets: { revenue: { fieldId: 'orders_status', tableName: 'orders' } } }],
            metrics: [],
            tableCalculations: [],
          },
          tabs: [{ uuid: 'tab-overview', name: 'Overview', order: 0 }],
          slug: 'sales-overview',
          version: 1,
          spaceSlug: 'sales/emea-team',
          downloadedAt: expect.stringMatching(ISO_DATE),
          verification: null,
        },
      ],
      spaces: [{ contentType: 'space', slug: 'sales/emea-team', spaceName: 'EMEA team' }],
      missingIds: [],
      total: 1,
      offset: 1,
    });
  });

  it('selects by uuid or slug, reports the ids that match nothing, and refuses a negative offset', async () => {
    const source = await sourceProject();
    const url = `/api/v1/projects/${source.projectUuid}/charts/code`;
    const selected = await t.http().get(`${url}?ids=${source.revenue.uuid.toUpperCase()}&ids=orders&ids=nothing-here`).set('Cookie', p.developer.cookie).expect(200);
    expect(selected.body.results).toMatchObject({ missingIds: ['nothing-here'], total: 2, offset: 2 });
    expect(selected.body.results.charts.map((chart: Json) => chart.slug)).toEqual(['orders', 'revenue']);
    const dashboards = await t.http().get(`/api/v1/projects/${source.projectUuid}/dashboards/code?ids=${source.dashboardUuid}`).set('Cookie', p.developer.cookie).expect(200);
    expect(dashboards.body.results).toMatchObject({ missingIds: [], total: 1 });
    const negative = await t.http().get(`${url}?offset=-1`).set('Cookie', p.developer.cookie).expect(400);
    expect(negative.body.error.name).toBe('ParameterError');
    // an offset past bigint is an empty page, not a database error
    const far = await t.http().get(`${url}?offset=1e19`).set('Cookie', p.developer.cookie).expect(200);
    expect(far.body.results.charts).toEqual([]);
    await t.http().get(`${url}?offset=two`).set('Cookie', p.developer.cookie).expect(422);
  });

  it('round trip: downloaded from one project, uploaded into another, downloaded again, the documents are the same', async () => {
    const source = await sourceProject();
    const targetUuid = await createProject(t, p.admin, 'Target');
    const charts = await downloadAll(p.developer, source.projectUuid, 'charts');
    const dashboards = await downloadAll(p.developer, source.projectUuid, 'dashboards');
    expect(charts).toHaveLength(3);

    const createdSpaces: string[] = [];
    for (const chart of charts) {
      const res = await upload(p.developer, targetUuid, 'charts', chart).expect(200);
      expect(res.body.results).toEqual({
        spaces: expect.any(Array),
        dashboards: [],
        charts: [{ action: 'create', data: expect.objectContaining({ name: chart.name, slug: chart.slug, projectUuid: targetUuid }) }],
      });
      createdSpaces.push(...res.body.results.spaces.map((space: { action: string; data: { path: string } }) => `${space.action}:${space.data.path}`));
    }
    // each missing level once, in path order
    expect(createdSpaces.sort()).toEqual(['create:marketing', 'create:sales', 'create:sales.emea-team']);
    const dashboardUpload = await upload(p.developer, targetUuid, 'dashboards', dashboards[0]).expect(200);
    expect(dashboardUpload.body.results).toEqual({
      spaces: [],
      charts: [],
      dashboards: [{ action: 'create', data: expect.objectContaining({ name: 'Sales overview', slug: 'sales-overview', spaceSlug: 'emea-team', spacePath: 'sales.emea-team' }) }],
    });

    const chartsAgain = await downloadAll(p.developer, targetUuid, 'charts');
    const dashboardsAgain = await downloadAll(p.developer, targetUuid, 'dashboards');
    expect(chartsAgain.map(withoutTimestamps)).toEqual(charts.map(withoutTimestamps));
    expect(dashboardsAgain.map(withoutTimestamps)).toEqual(dashboards.map(withoutTimestamps));

    // the copy is real content: the dashboard's tiles point at the target's charts, filters target its tiles
    const copied = (await t.http().get(`/api/v1/dashboards/${dashboardUpload.body.results.dashboards[0].data.uuid}`).set('Cookie', p.developer.cookie).expect(200)).body.results;
    const targetRevenue = (await t.http().get(`/api/v1/projects/${targetUuid}/charts`).set('Cookie', p.developer.cookie)).body.results.find((chart: Json) => chart.slug === 'revenue');
    expect(copied.tiles[0].properties.savedChartUuid).toBe(targetRevenue.uuid);
    expect(Object.keys(copied.filters.dimensions[0].tileTargets)).toEqual([copied.tiles[0].uuid]);
    expect(copied.filters.dimensions[0].id).toEqual(expect.any(String));

    // new top-level spaces are private (the uploader is their admin); nested ones inherit from their parent
    const targetSpaces = (await t.http().get(`/api/v1/projects/${targetUuid}/spaces`).set('Cookie', p.developer.cookie).expect(200)).body.results;
    expect(targetSpaces.map((space: Json) => [space.path, space.name, space.isPrivate])).toEqual([
      ['marketing', 'Marketing', true],
      ['sales', 'Sales', true],
      ['sales.emea-team', 'Emea team', false],
      ['shared', 'Shared', false],
    ]);
    // the editor sees only the project's default public space, not the uploader's private ones
    expect(await spacePaths(p.editor, targetUuid)).toEqual(['shared']);

    // uploading the same documents again changes nothing; a changed one is updated in place
    for (const chart of chartsAgain) {
      expect((await upload(p.developer, targetUuid, 'charts', chart).expect(200)).body.results.charts[0].action).toBe('no changes');
    }
    expect((await upload(p.developer, targetUuid, 'dashboards', dashboardsAgain[0]).expect(200)).body.results.dashboards[0].action).toBe('no changes');
    const renamed = await upload(p.developer, targetUuid, 'charts', { ...chartsAgain[0], name: 'Margin (net)', spaceSlug: 'marketing' }).expect(200);
    expect(renamed.body.results.charts[0]).toMatchObject({ action: 'update', data: { uuid: expect.any(String), name: 'Margin (net)', spaceName: 'Marketing' } });
    expect(renamed.body.results.spaces).toEqual([]);
    expect((await downloadAll(p.developer, targetUuid, 'charts')).map((chart) => chart.name).sort()).toEqual(['Margin (net)', 'Orders', 'Revenue']);
  });

  it('matches by the path slug, creates under the closest existing space, and fills in filter ids', async () => {
    const projectUuid = await createProject(t, p.admin, 'Slugs');
    const sales = await createSpace(t, p.admin, projectUuid, { name: 'Sales' });
    const document = {
      name: 'Pipeline',
      tableName: 'orders',
      slug: 'ignored-body-slug',
      spaceSlug: 'Sales/EMEA_team/Q1',
      version: 1,
      metricQuery: { ...METRIC_QUERY, filters: { dimensions: { and: [{ target: { fieldId: 'orders_status' }, operator: 'equals', values: ['open'] }] } } },
      chartConfig: { type: 'table' },
      unknownField: 'dropped',
    };
    const res = await t.http().post(`/api/v1/projects/${projectUuid}/charts/pipeline/code`).set('Cookie', p.developer.cookie).send(document).expect(200);
    expect(res.body.results.charts[0]).toMatchObject({ action: 'create', data: { slug: 'pipeline', spacePath: 'sales.emea-team.q1', oldUuid: res.body.results.charts[0].data.uuid } });
    expect(res.body.results.spaces.map((space: { data: Json }) => space.data)).toEqual([
      expect.objectContaining({ path: 'sales.emea-team', name: 'Emea team', parentSpaceUuid: sales, isPrivate: false }),
      expect.objectContaining({ path: 'sales.emea-team.q1', name: 'Q1', isPrivate: false }),
    ]);
    const [downloaded] = (await t.http().get(`/api/v1/projects/${projectUuid}/charts/code?ids=pipeline`).set('Cookie', p.developer.cookie).expect(200)).body.results.charts;
    expect(downloaded.spaceSlug).toBe('sales/emea-team/q1');
    expect(downloaded.unknownField).toBeUndefined();
    const group = downloaded.metricQuery.filters.dimensions;
    expect(group).toEqual({ id: expect.any(String), and: [expect.objectContaining({ id: expect.any(String), operator: 'equals' })] });
  });

  it('needs developer; outsiders get 404; content in spaces the caller cannot see is neither shown nor written', async () => {
    const source = await sourceProject();
    const { projectUuid } = source;
    for (const user of [p.viewer, p.interactive_viewer, p.editor, p.member]) {
      await t.http().get(`/api/v1/projects/${projectUuid}/charts/code`).set('Cookie', user.cookie).expect(403);
      await t.http().get(`/api/v1/projects/${projectUuid}/dashboards/code`).set('Cookie', user.cookie).expect(403);
      await t.http().post(`/api/v1/projects/${projectUuid}/charts/x/code`).set('Cookie', user.cookie).send({}).expect(403);
      await t.http().post(`/api/v1/projects/${projectUuid}/dashboards/x/code`).set('Cookie', user.cookie).send({}).expect(403);
    }
    const outsider = (await createOrganization(t, 'Elsewhere')).admin;
    await t.http().get(`/api/v1/projects/${projectUuid}/charts/code`).set('Cookie', outsider.cookie).expect(404);
    await t.http().post(`/api/v1/projects/${projectUuid}/charts/revenue/code`).set('Cookie', outsider.cookie).send({}).expect(404);

    // a private space of the admin's: the developer neither sees its chart nor writes into it
    const board = await createSpace(t, p.admin, projectUuid, { name: 'Board', isPrivate: true });
    await createChart(p.admin, projectUuid, board, 'Secret plan');
    const seen = await downloadAll(p.developer, projectUuid, 'charts');
    expect(seen.map((chart) => chart.slug).sort()).toEqual(['margin', 'orders', 'revenue']);
    const byAdmin = await downloadAll(p.admin, projectUuid, 'charts');
    expect(byAdmin.map((chart) => chart.slug).sort()).toEqual(['margin', 'orders', 'revenue', 'secret-plan']);
    const selected = await t.http().get(`/api/v1/projects/${projectUuid}/charts/code?ids=secret-plan`).set('Cookie', p.developer.cookie).expect(200);
    expect(selected.body.results).toEqual({ charts: [], spaces: [], missingIds: ['secret-plan'], total: 0, offset: 0 });

    const [secret] = byAdmin.filter((chart) => chart.slug === 'secret-plan');
    const overwrite = await upload(p.developer, projectUuid, 'charts', { ...secret, name: 'Mine now' }).expect(403);
    expect(overwrite.body.error.message).toBe("You don't have access to a private space");
    const intoBoard = await upload(p.developer, projectUuid, 'charts', { ...secret, slug: 'new-one', spaceSlug: 'board/sub' }).expect(403);
    expect(intoBoard.body.error.message).toBe("You don't have access to a private space");
    const moveIntoBoard = await upload(p.developer, projectUuid, 'charts', { ...seen[0], spaceSlug: 'board' }).expect(403);
    expect(moveIntoBoard.body.error.name).toBe('ForbiddenError');
    expect((await downloadAll(p.admin, projectUuid, 'charts')).map((chart) => [chart.slug, chart.name, chart.spaceSlug]).sort()).toEqual(
      byAdmin.map((chart) => [chart.slug, chart.name, chart.spaceSlug]).sort(),
    );
    // a dashboard naming a chart the caller cannot see is as if the chart did not exist
    const [dashboard] = await downloadAll(p.admin, projectUuid, 'dashboards');
    const tiles = [...(dashboard.tiles as Json[]), { type: 'saved_chart', x: 0, y: 9, h: 3, w: 6, tileSlug: 'secret-plan', properties: { chartSlug: 'secret-plan' } }];
    const hidden = await upload(p.developer, projectUuid, 'dashboards', { ...dashboard, tiles }).expect(404);
    expect(hidden.body.error.message).toBe('Chart with slug secret-plan not found');
  });

  it("asks the permission table with the caller's custom roles: a content scope lets a space editor upload, none does not", async () => {
    const { projectUuid, sales } = await sourceProject();
    const [margin] = (await downloadAll(p.admin, projectUuid, 'charts')).filter((chart) => chart.slug === 'margin');
    const withCustomRole = async (name: string, scopes: string[]): Promise<TestUser> => {
      const user = await addMember(t, p.org, 'member', name);
      const role = await t.http().post(`/api/v2/orgs/${p.organizationUuid}/roles`).set('Cookie', p.admin.cookie).send({ name: `as code ${name}`, scopes }).expect(201);
      await t.http().post(`/api/v2/projects/${projectUuid}/roles/assignments/user/${user.userUuid}`).set('Cookie', p.admin.cookie)
        .send({ roleId: role.body.results.roleUuid }).expect(200);
      await shareSpace(t, p.admin, projectUuid, sales, user.userUuid, 'editor');
      return user;
    };
    const curator = await withCustomRole(`Curator ${projectUuid}`, ['view:Project', 'view:Space', 'manage:ContentAsCode', 'manage:SavedChart@space']);
    const archivist = await withCustomRole(`Archivist ${projectUuid}`, ['view:Project', 'view:Space', 'manage:ContentAsCode']);

    await upload(archivist, projectUuid, 'charts', { ...margin, name: 'Not the archivist' }).expect(403);
    const curated = await upload(curator, projectUuid, 'charts', { ...margin, name: 'Margin (curated)' }).expect(200);
    expect(curated.body.results.charts[0].action).toBe('update');
  });

  it('refuses bad documents with a 4xx and changes nothing', async () => {
    const source = await sourceProject();
    const { projectUuid } = source;
    const [chart] = await downloadAll(p.developer, projectUuid, 'charts');
    const [dashboard] = await downloadAll(p.developer, projectUuid, 'dashboards');
    const spacesBefore = await spacePaths(p.admin, projectUuid);

    const invalid = await upload(p.developer, projectUuid, 'charts', { ...chart, tableName: undefined, spaceSlug: 'brand/new' }).expect(422);
    expect(invalid.body.error.name).toBe('ValidateError');
    await upload(p.developer, projectUuid, 'charts', { ...chart, chartConfig: { type: 'hologram' } }).expect(422);
    await upload(p.developer, projectUuid, 'charts', { ...chart, spaceSlug: '///' }).expect(400);
    const inDashboard = await upload(p.developer, projectUuid, 'charts', { ...chart, slug: 'in-dashboard', dashboardSlug: 'sales-overview' }).expect(400);
    expect(inDashboard.body.error.name).toBe('ParameterError');
    const missingChart = await upload(p.developer, projectUuid, 'dashboards', {
      ...dashboard,
      slug: 'another',
      spaceSlug: 'brand/new',
      tiles: [{ type: 'saved_chart', x: 0, y: 0, h: 1, w: 1, properties: { chartSlug: 'no-such-chart' } }],
    }).expect(404);
    expect(missingChart.body.error.message).toBe('Chart with slug no-such-chart not found');
    await upload(p.developer, projectUuid, 'dashboards', { ...dashboard, tiles: 'none' }).expect(422);
    const skipped = await upload(p.developer, projectUuid, 'charts', { ...chart, slug: 'skipped', spaceSlug: 'brand/new', skipSpaceCreate: true }).expect(404);
    expect(skipped.body.error.name).toBe('NotFoundError');
    expect(await spacePaths(p.admin, projectUuid)).toEqual(spacesBefore);

    // content in the trash keeps its slug: uploading it again is a conflict until it is restored or deleted for good
    await t.http().delete(`/api/v1/saved/${source.revenue.uuid}`).set('Cookie', p.admin.cookie).expect(200);
    const revenue = (await downloadAll(p.admin, projectUuid, 'charts')).find((item) => item.slug === 'revenue');
    expect(revenue).toBeUndefined();
    const trashed = await upload(p.developer, projectUuid, 'charts', { ...chart, slug: 'revenue' }).expect(409);
    expect(trashed.body.error.name).toBe('ConflictError');
  });

  it('serializes concurrent uploads of the same new slug: one creates, the other updates or finds no changes', async () => {
    const source = await sourceProject();
    const targetUuid = await createProject(t, p.admin, 'Concurrent');
    const [chart] = await downloadAll(p.developer, source.projectUuid, 'charts');
    const results = await Promise.all([0, 1, 2].map(() => upload(p.developer, targetUuid, 'charts', { ...chart, spaceSlug: 'team/a' })));
    expect(results.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(results.map((res) => res.body.results.charts[0].action).sort()).toEqual(['create', 'no changes', 'no changes']);
    expect(await spacePaths(p.developer, targetUuid)).toEqual(['shared', 'team', 'team.a']);
  });
});

describe('PUT /projects/{p}/tags/yaml', () => {
  let t: TestApp;
  let p: Personas;
  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
  });
  afterAll(async () => t.close());

  const yamlTags = (projectUuid: string) => `/api/v1/projects/${projectUuid}/tags/yaml`;
  const listTags = async (projectUuid: string) =>
    ((await t.http().get(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.viewer.cookie).expect(200)).body.results as Json[]).map((tag) => ({
      name: tag.name,
      color: tag.color,
      yamlReference: tag.yamlReference,
      tagUuid: tag.tagUuid,
    }));

  it('creates, updates and deletes YAML tags by reference and keeps tags made in the UI', async () => {
    const projectUuid = await createProject(t, p.admin);
    await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.editor.cookie).send({ name: 'Manual', color: '#000000' }).expect(201);
    const first = await t
      .http()
      .put(yamlTags(projectUuid))
      .set('Cookie', p.editor.cookie)
      .send([
        { name: 'Finance', color: 'blue', yamlReference: 'finance' },
        { name: 'Sales', color: '#ff0000', yamlReference: 'sales', extra: 'dropped' },
      ])
      .expect(200);
    expect(first.body).toEqual({ status: 'ok' });
    const created = await listTags(projectUuid);
    expect(created.map(({ tagUuid: _uuid, ...tag }) => tag)).toEqual([
      { name: 'Finance', color: 'blue', yamlReference: 'finance' },
      { name: 'Manual', color: '#000000', yamlReference: null },
      { name: 'Sales', color: '#ff0000', yamlReference: 'sales' },
    ]);

    await t
      .http()
      .put(yamlTags(projectUuid))
      .set('Cookie', p.editor.cookie)
      .send([
        { name: 'Finance & accounting', color: 'green', yamlReference: 'finance' },
        { name: 'Support', color: 'violet', yamlReference: 'support' },
      ])
      .expect(200);
    const replaced = await listTags(projectUuid);
    expect(replaced.map(({ tagUuid: _uuid, ...tag }) => tag)).toEqual([
      { name: 'Finance & accounting', color: 'green', yamlReference: 'finance' },
      { name: 'Manual', color: '#000000', yamlReference: null },
      { name: 'Support', color: 'violet', yamlReference: 'support' },
    ]);
    // updated in place: the same tag
    expect(replaced[0].tagUuid).toBe(created[0].tagUuid);

    await t.http().put(yamlTags(projectUuid)).set('Cookie', p.editor.cookie).send([]).expect(200);
    expect((await listTags(projectUuid)).map((tag) => tag.name)).toEqual(['Manual']);
  });

  it('refuses bad bodies with a 4xx and changes nothing; accepts a repeated name; needs editor; outsiders 404', async () => {
    const projectUuid = await createProject(t, p.admin);
    await t.http().put(yamlTags(projectUuid)).set('Cookie', p.editor.cookie).send([{ name: 'Finance', color: 'blue', yamlReference: 'finance' }]).expect(200);
    await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.editor.cookie).send({ name: 'Manual', color: '#000000' }).expect(201);
    // names may repeat, as Lightdash allows (a YAML tag may share the name of a tag made in the UI)
    await t
      .http()
      .put(yamlTags(projectUuid))
      .set('Cookie', p.editor.cookie)
      .send([
        { name: 'Finance', color: 'blue', yamlReference: 'finance' },
        { name: 'Manual', color: 'red', yamlReference: 'manual' },
      ])
      .expect(200);
    expect((await listTags(projectUuid)).map((tag) => tag.name).sort()).toEqual(['Finance', 'Manual', 'Manual']);
    await t.http().put(yamlTags(projectUuid)).set('Cookie', p.editor.cookie).send([{ name: 'Finance', color: 'blue', yamlReference: 'finance' }]).expect(200);
    const before = await listTags(projectUuid);

    const duplicate = await t
      .http()
      .put(yamlTags(projectUuid))
      .set('Cookie', p.editor.cookie)
      .send([
        { name: 'A', color: 'red', yamlReference: 'same' },
        { name: 'B', color: 'red', yamlReference: 'same' },
      ])
      .expect(400);
    expect(duplicate.body.error.name).toBe('ParameterError');
    for (const body of [{ name: 'A', color: 'red', yamlReference: 'a' }, [{ name: 'A', color: 'red' }], [{ name: '', color: 'red', yamlReference: 'a' }], ['a']]) {
      const res = await t.http().put(yamlTags(projectUuid)).set('Cookie', p.editor.cookie).send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
    for (const user of [p.viewer, p.interactive_viewer]) await t.http().put(yamlTags(projectUuid)).set('Cookie', user.cookie).send([]).expect(403);
    const outsider = (await createOrganization(t, 'Elsewhere')).admin;
    await t.http().put(yamlTags(projectUuid)).set('Cookie', outsider.cookie).send([]).expect(404);
    expect(await listTags(projectUuid)).toEqual(before);
  });
});
