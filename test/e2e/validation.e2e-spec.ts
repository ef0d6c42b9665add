import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { uploadExplores } from '../support/catalog.js';
import { shopExplores } from '../support/fixtures.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

const REFUNDS_ERROR = {
  source: 'table',
  errorType: 'model',
  name: 'refunds',
  error: 'Model "refunds" was not found in the dbt manifest',
};

/** The shop's explores without the dimension `orders.status` (a model change in dbt). */
function exploresWithoutOrderStatus() {
  const explores = shopExplores();
  for (const explore of explores) if (explore.tables?.orders) delete explore.tables.orders.dimensions.status;
  return explores;
}

const chartBody = (spaceUuid: string, name: string, metricQuery: Record<string, unknown>) => ({
  name,
  tableName: 'orders',
  metricQuery: { exploreName: 'orders', filters: {}, sorts: [], limit: 500, tableCalculations: [], ...metricQuery },
  chartConfig: { type: 'table' },
  tableConfig: { columnOrder: [] },
  spaceUuid,
});

describe('content validation', () => {
  let t: TestApp;
  let p: Personas;
  let outsider: TestUser;
  let projectUuid: string;
  let publicSpace: string;
  let privateSpace: string;
  let byStatus: string;
  let revenueOnly: string;
  let hidden: string;
  let dashboardUuid: string;

  const http = () => t.http();
  const validate = async (user: TestUser, body: Record<string, unknown> = {}) => {
    const res = await http().post(`/api/v1/projects/${projectUuid}/validate`).set('Cookie', user.cookie).send(body).expect(200);
    expect(res.body).toEqual({ status: 'ok', results: { jobId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    return res.body.results.jobId as string;
  };
  const results = async (user: TestUser, query = '') =>
    (await http().get(`/api/v1/projects/${projectUuid}/validate${query}`).set('Cookie', user.cookie).expect(200)).body.results as Record<string, any>[];
  const createChart = async (spaceUuid: string, name: string, metricQuery: Record<string, unknown>) => {
    const res = await http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.admin.cookie).send(chartBody(spaceUuid, name, metricQuery));
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid as string;
  };

  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
    outsider = (await createOrganization(t, 'Elsewhere')).admin;
    projectUuid = await createProject(t, p.admin);
    publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Board only', isPrivate: true });
    await uploadExplores(t, p.admin, projectUuid, shopExplores()).expect(200);
    byStatus = await createChart(publicSpace, 'Revenue by status', {
      dimensions: ['orders_status', 'orders_order_date_month'],
      metrics: ['orders_total_revenue'],
      filters: { dimensions: { id: 'f', and: [{ id: 'r', target: { fieldId: 'orders_status' }, operator: 'equals', values: ['completed'] }] } },
      sorts: [{ fieldId: 'orders_status', descending: false }],
    });
    revenueOnly = await createChart(publicSpace, 'Revenue', { dimensions: ['orders_order_date_year'], metrics: ['orders_total_revenue'] });
    hidden = await createChart(privateSpace, 'Board secret', { dimensions: ['orders_status'], metrics: ['orders_order_count'] });
    const dashboard = await http()
      .post(`/api/v1/projects/${projectUuid}/dashboards`)
      .set('Cookie', p.admin.cookie)
      .send({
        name: 'Sales',
        spaceUuid: publicSpace,
        tabs: [],
        tiles: [
          { type: 'saved_chart', x: 0, y: 0, h: 3, w: 6, properties: { savedChartUuid: byStatus, title: 'By status' } },
          { type: 'saved_chart', x: 6, y: 0, h: 3, w: 6, properties: { savedChartUuid: revenueOnly, title: 'Revenue' } },
        ],
        filters: {
          dimensions: [{ id: 'df', target: { fieldId: 'orders_status', tableName: 'orders' }, operator: 'equals', values: ['completed'] }],
          metrics: [],
          tableCalculations: [],
        },
      });
    if (dashboard.status !== 201) throw new Error(`dashboard creation failed: ${dashboard.status} ${dashboard.text}`);
    dashboardUuid = dashboard.body.results.uuid;
  });
  afterAll(async () => t.close());

  it('reports only the explore that failed to compile while every chart field exists', async () => {
    await validate(p.developer);
    expect(await results(p.developer)).toEqual([
      { ...REFUNDS_ERROR, validationId: expect.any(Number), validationUuid: expect.any(String), createdAt: expect.any(String), projectUuid },
    ]);
  });

  it('reports a chart whose field disappeared with a new explores upload, and the dashboards that show it', async () => {
    await uploadExplores(t, p.admin, projectUuid, exploresWithoutOrderStatus()).expect(200);
    const jobId = await validate(p.admin);
    const rows = await results(p.admin);
    const common = { validationId: expect.any(Number), validationUuid: expect.any(String), createdAt: expect.any(String), projectUuid };
    const chartRow = (chartUuid: string, name: string, spaceUuid: string, errorType: string, error: string) => ({
      ...common,
      name,
      error,
      errorType,
      source: 'chart',
      spaceUuid,
      chartUuid,
      chartKind: 'table',
      fieldName: 'orders_status',
      lastUpdatedBy: 'Admin User',
      lastUpdatedAt: expect.any(String),
      chartViews: 0,
    });
    const missing = "the field 'orders_status' no longer exists";
    expect(rows).toEqual(
      expect.arrayContaining([
        { ...REFUNDS_ERROR, ...common },
        chartRow(byStatus, 'Revenue by status', publicSpace, 'dimension', `Dimension error: ${missing}`),
        chartRow(byStatus, 'Revenue by status', publicSpace, 'filter', `Filter error: ${missing}`),
        chartRow(byStatus, 'Revenue by status', publicSpace, 'sorting', `Sorting error: ${missing}`),
        chartRow(hidden, 'Board secret', privateSpace, 'dimension', `Dimension error: ${missing}`),
        {
          ...common,
          name: 'Sales',
          error: `Filter error: ${missing}`,
          errorType: 'filter',
          source: 'dashboard',
          spaceUuid: publicSpace,
          dashboardUuid,
          fieldName: 'orders_status',
          tableName: 'orders',
          dashboardFilterErrorType: 'field_does_not_exist',
          lastUpdatedBy: 'Admin User',
          lastUpdatedAt: expect.any(String),
          dashboardViews: 0,
        },
        {
          ...common,
          name: 'Sales',
          error: "The chart 'Revenue by status' is broken on this dashboard.",
          errorType: 'chart',
          source: 'dashboard',
          spaceUuid: publicSpace,
          dashboardUuid,
          chartName: 'Revenue by status',
          lastUpdatedBy: 'Admin User',
          lastUpdatedAt: expect.any(String),
          dashboardViews: 0,
        },
      ]),
    );
    expect(rows).toHaveLength(7);
    // the unchanged chart (orders_order_date_year is a fallback interval of a date dimension) is fine
    expect(rows.filter((row) => row.chartUuid === revenueOnly)).toEqual([]);
    // the same rows by job id
    expect((await results(p.admin, `?jobId=${jobId}&fromSettings=true`)).map((row) => row.validationId).sort()).toEqual(rows.map((row) => row.validationId).sort());

    // a developer who cannot see the private space gets its row as "Private content"
    const asDeveloper = await results(p.developer);
    const privateRows = asDeveloper.filter((row) => row.spaceUuid === privateSpace);
    expect(privateRows).toEqual([
      { ...common, name: 'Private content', error: `Dimension error: ${missing}`, errorType: 'dimension', source: 'chart', spaceUuid: privateSpace, chartKind: 'table', fieldName: 'orders_status', lastUpdatedAt: expect.any(String), chartViews: 0 },
    ]);
  });

  it('dismisses one result, which comes back with the next run', async () => {
    const before = await results(p.developer);
    const target = before.find((row) => row.errorType === 'sorting')!;
    const res = await http().delete(`/api/v1/projects/${projectUuid}/validate/${target.validationId}`).set('Cookie', p.developer.cookie).expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    const after = await results(p.developer);
    expect(after.map((row) => row.validationId)).not.toContain(target.validationId);
    expect(after).toHaveLength(before.length - 1);
    await http().delete(`/api/v1/projects/${projectUuid}/validate/${target.validationId}`).set('Cookie', p.developer.cookie).expect(404);

    await validate(p.developer);
    expect((await results(p.developer)).filter((row) => row.errorType === 'sorting')).toHaveLength(1);
  });

  it('keeps a run with explores given (the CLI) under its job id, apart from the project-wide results', async () => {
    const projectWide = (await results(p.developer)).map((row) => row.validationId).sort();
    const jobId = await validate(p.developer, { explores: shopExplores(), validationTargets: ['charts', 'tables'] });
    const cli = await results(p.developer, `?jobId=${jobId}`);
    // with orders.status back, only the failed explore remains; dashboards were not asked for
    expect(cli.map(({ source, errorType, name }) => ({ source, errorType, name }))).toEqual([{ source: 'table', errorType: 'model', name: 'refunds' }]);
    expect((await results(p.developer)).map((row) => row.validationId).sort()).toEqual(projectWide);

    // only what concerns the given explores: the orders charts and their dashboard, not the failed refunds explore
    const orders = exploresWithoutOrderStatus().filter((explore) => explore.name === 'orders');
    const only = await results(p.developer, `?jobId=${await validate(p.developer, { explores: orders, onlyValidateExploresInArgs: true })}`);
    expect(new Set(only.map((row) => row.source))).toEqual(new Set(['chart', 'dashboard']));
    expect(only.filter((row) => row.source === 'chart').map((row) => row.errorType).sort()).toEqual(['dimension', 'dimension', 'filter', 'sorting']);
  });

  it('drops the rows of a deleted chart, and reports the dashboard tile that still points at it', async () => {
    await http().delete(`/api/v1/saved/${byStatus}`).set('Cookie', p.admin.cookie).expect(200);
    expect((await results(p.admin)).filter((row) => row.chartUuid === byStatus)).toEqual([]);
    await validate(p.admin);
    const rows = await results(p.admin);
    expect(rows.filter((row) => row.errorType === 'chart')).toEqual([
      expect.objectContaining({ source: 'dashboard', dashboardUuid, chartName: 'By status', error: "The chart 'By status' no longer exists on this dashboard." }),
    ]);
  });

  it('is for project developers: editor 403, another organization 404, no credentials 401', async () => {
    const base = `/api/v1/projects/${projectUuid}/validate`;
    const [row] = await results(p.developer);
    for (const user of [p.editor, p.interactive_viewer, p.viewer]) {
      await http().post(base).set('Cookie', user.cookie).send({}).expect(403);
      await http().get(base).set('Cookie', user.cookie).expect(403);
      await http().delete(`${base}/${row.validationId}`).set('Cookie', user.cookie).expect(403);
    }
    await http().post(base).set('Cookie', outsider.cookie).send({}).expect(404);
    await http().get(base).set('Cookie', outsider.cookie).expect(404);
    await http().delete(`${base}/${row.validationId}`).set('Cookie', outsider.cookie).expect(404);
    await http().get(base).expect(401);
    expect((await results(p.developer)).map((r) => r.validationId)).toContain(row.validationId);
  });

  it('refuses bad input with a 4xx and changes nothing', async () => {
    const base = `/api/v1/projects/${projectUuid}/validate`;
    const before = await results(p.developer);
    const bad = [
      http().post(base).set('Cookie', p.developer.cookie).send({ validationTargets: ['everything'] }),
      http().post(base).set('Cookie', p.developer.cookie).send({ explores: 'all' }),
      http().post(base).set('Cookie', p.developer.cookie).send({ explores: [{ name: 'orders' }] }),
      http().post(base).set('Cookie', p.developer.cookie).send({ onlyValidateExploresInArgs: 'yes' }),
      http().get(`${base}?jobId=not-a-uuid`).set('Cookie', p.developer.cookie),
      http().delete(`${base}/abc`).set('Cookie', p.developer.cookie),
      http().delete(`${base}/99999999999999999999`).set('Cookie', p.developer.cookie),
    ];
    for (const res of await Promise.all(bad)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.status).toBe('error');
    }
    expect(await results(p.developer)).toEqual(before);
  });
});
