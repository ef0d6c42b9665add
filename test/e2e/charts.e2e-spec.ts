import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

const METRIC_QUERY = {
  exploreName: 'orders',
  dimensions: ['orders_order_date_month'],
  metrics: ['orders_total_revenue'],
  filters: {},
  sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
  limit: 500,
  tableCalculations: [],
};

function chartBody(spaceUuid: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Monthly revenue',
    description: 'Revenue by month',
    tableName: 'orders',
    metricQuery: METRIC_QUERY,
    chartConfig: { type: 'cartesian', config: { layout: { xField: 'orders_order_date_month' }, eChartsConfig: { series: [{ type: 'line', custom: 1 }] } } },
    tableConfig: { columnOrder: ['orders_order_date_month', 'orders_total_revenue'] },
    spaceUuid,
    ...overrides,
  };
}

describe('saved charts', () => {
  let t: TestApp;
  let p: Personas;
  let projectUuid: string;
  let publicSpace: string;
  let privateSpace: string;

  const createChart = async (user: TestUser, spaceUuid: string, overrides: Record<string, unknown> = {}) => {
    const res = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', user.cookie).send(chartBody(spaceUuid, overrides));
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid as string;
  };
  const listUuids = async (user: TestUser, route: 'charts' | 'chart-summaries') => {
    const res = await t.http().get(`/api/v1/projects/${projectUuid}/${route}`).set('Cookie', user.cookie).expect(200);
    return (res.body.results as { uuid: string }[]).map((chart) => chart.uuid).sort();
  };

  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
    projectUuid = await createProject(t, p.admin);
    publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Board only', isPrivate: true });
  });
  afterAll(async () => t.close());

  it('creates (200), reads, renames and deletes a chart with the peer shapes', async () => {
    const created = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.editor.cookie).send(chartBody(publicSpace)).expect(200);
    const chart = created.body.results;
    expect(chart).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      projectUuid,
      organizationUuid: p.organizationUuid,
      spaceUuid: publicSpace,
      spaceName: 'Shared',
      name: 'Monthly revenue',
      description: 'Revenue by month',
      slug: 'monthly-revenue',
      tableName: 'orders',
      // the keys Lightdash fills in for a query that uses none of them
      metricQuery: { ...METRIC_QUERY, additionalMetrics: [], customDimensions: [], metricOverrides: {}, timezone: 'UTC' },
      chartConfig: chartBody(publicSpace).chartConfig,
      tableConfig: { columnOrder: ['orders_order_date_month', 'orders_total_revenue'] },
      updatedAt: expect.any(String),
      updatedByUser: { userUuid: p.editor.userUuid, firstName: 'editor', lastName: 'Persona' },
      dashboardUuid: null,
      dashboardName: null,
      dashboardSlug: null,
      pinnedListUuid: null,
      pinnedListOrder: null,
      isPrivate: false,
      inheritsFromOrgOrProject: true,
      access: [],
      colorPaletteUuid: null,
      colorPalette: expect.arrayContaining([expect.stringMatching(/^#/)]),
      resolvedColorPalette: { colors: expect.any(Array), darkColors: null, paletteName: null, paletteUuid: null, source: { type: expect.any(String) } },
      merge: null,
      verification: null,
    });
    const read = await t.http().get(`/api/v1/saved/${chart.uuid}`).set('Cookie', p.viewer.cookie).expect(200);
    expect(read.body.results).toEqual(chart);

    const second = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.editor.cookie).send(chartBody(publicSpace, { name: '  Monthly revenue ' })).expect(200);
    expect(second.body.results).toMatchObject({ name: 'Monthly revenue', slug: 'monthly-revenue-2', tableConfig: chart.tableConfig });

    const renamed = await t.http().patch(`/api/v1/saved/${chart.uuid}`).set('Cookie', p.developer.cookie).send({ name: 'Revenue', description: null }).expect(200);
    expect(renamed.body.results).toMatchObject({ uuid: chart.uuid, name: 'Revenue', description: null, slug: 'monthly-revenue', metricQuery: chart.metricQuery });
    expect(renamed.body.results.updatedByUser.userUuid).toBe(p.developer.userUuid);

    const deleted = await t.http().delete(`/api/v1/saved/${chart.uuid}`).set('Cookie', p.editor.cookie).expect(200);
    expect(deleted.body).toEqual({ status: 'ok' });
    await t.http().get(`/api/v1/saved/${chart.uuid}`).set('Cookie', p.admin.cookie).expect(404);
    await t.http().delete(`/api/v1/saved/${second.body.results.uuid}`).set('Cookie', p.admin.cookie).expect(200);
  });

  it('refuses malformed bodies and ids with 422, creating nothing', async () => {
    const before = await listUuids(p.admin, 'charts');
    const post = (body: unknown) => t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.admin.cookie).send(body as object);
    const { limit: _limit, ...withoutLimit } = METRIC_QUERY;
    const missingLimit = await post(chartBody(publicSpace, { metricQuery: withoutLimit })).expect(422);
    expect(missingLimit.body.error.name).toBe('ValidateError');
    expect(missingLimit.body.error.data).toHaveProperty(['body.metricQuery.limit']);
    await post(chartBody(publicSpace, { metricQuery: { ...METRIC_QUERY, dimensions: 'orders_id' } })).expect(422);
    await post(chartBody(publicSpace, { metricQuery: { ...METRIC_QUERY, limit: 5001 } })).expect(422);
    await post(chartBody(publicSpace, { metricQuery: { ...METRIC_QUERY, sorts: [{ fieldId: 'x' }] } })).expect(422);
    await post(chartBody(publicSpace, { chartConfig: { type: 'radar' } })).expect(422);
    await post(chartBody(publicSpace, { chartConfig: 'table' })).expect(422);
    await post(chartBody(publicSpace, { name: '   ' })).expect(422);
    const { metricQuery: _metricQuery, ...withoutQuery } = chartBody(publicSpace);
    await post(withoutQuery).expect(422);
    const notUuid = await post(chartBody('not-a-uuid')).expect(422);
    expect(notUuid.body.error.data).toHaveProperty(['body.spaceUuid']);
    await t.http().get('/api/v1/saved/not-a-uuid').set('Cookie', p.admin.cookie).expect(422);
    expect((await listUuids(p.admin, 'charts')).length).toBe(before.length);

    // unknown properties, at the top and in the metric query, are dropped: never stored
    const patched = await createChart(p.admin, publicSpace);
    const tableName = (await t.http().get(`/api/v1/saved/${patched}`).set('Cookie', p.admin.cookie).expect(200)).body.results.tableName;
    await t.http().patch(`/api/v1/saved/${patched}`).set('Cookie', p.admin.cookie).send({ tableName: 'x' }).expect(200);
    expect((await t.http().get(`/api/v1/saved/${patched}`).set('Cookie', p.admin.cookie).expect(200)).body.results.tableName).toBe(tableName);
    const dropped = await post(chartBody(publicSpace, { owner: 'me', metricQuery: { ...METRIC_QUERY, surprise: true } })).expect(200);
    const stored = (await t.http().get(`/api/v1/saved/${dropped.body.results.uuid}`).set('Cookie', p.admin.cookie).expect(200)).body.results;
    expect(stored).not.toHaveProperty('owner');
    expect(stored.metricQuery).not.toHaveProperty('surprise');
  });

  it('saves a chart without spaceUuid in the project’s first space the caller may see: its default space "Shared"', async () => {
    const project = await createProject(t, p.admin);
    const spaces = await t.http().get(`/api/v1/projects/${project}/spaces`).set('Cookie', p.editor.cookie).expect(200);
    expect(spaces.body.results).toEqual([expect.objectContaining({ name: 'Shared', slug: 'shared', parentSpaceUuid: null, inheritParentPermissions: true, access: [] })]);
    const shared = spaces.body.results[0].uuid as string;
    const post = (user: TestUser, body: Record<string, unknown>) => t.http().post(`/api/v1/projects/${project}/saved`).set('Cookie', user.cookie).send(body);
    const { spaceUuid: _spaceUuid, ...withoutSpace } = chartBody(shared);

    const created = await post(p.editor, withoutSpace).expect(200);
    expect(created.body.results).toMatchObject({ spaceUuid: shared, spaceName: 'Shared', projectUuid: project });
    const inShared = (await t.http().get(`/api/v1/projects/${project}/spaces/${shared}`).set('Cookie', p.editor.cookie).expect(200)).body.results.queries;
    expect(inShared).toEqual([
      expect.objectContaining({
        uuid: created.body.results.uuid,
        chartType: 'cartesian',
        chartKind: expect.any(String),
        source: 'dbt_explore',
        updatedByUser: { userUuid: p.editor.userUuid, firstName: 'editor', lastName: 'Persona' },
        validationErrors: [],
        verification: null,
      }),
    ]);
    expect((await post(p.developer, { ...withoutSpace, spaceUuid: null }).expect(200)).body.results.spaceUuid).toBe(shared);
    // project viewers (interactive or not) are space viewers of the default space: they may not save in it
    await post(p.interactive_viewer, withoutSpace).expect(403);
    await post(p.viewer, withoutSpace).expect(403);
    // an organization member without a project role is refused by the project check
    await post(p.member, withoutSpace).expect(403);
    // with the default space in the trash, the next space the caller may see takes its place; with none, 404
    const privateFirst = await createSpace(t, p.admin, project, { name: 'Admins only', isPrivate: true });
    const open = await createSpace(t, p.admin, project, { name: 'Open' });
    await t.http().delete(`/api/v1/projects/${project}/spaces/${shared}`).set('Cookie', p.admin.cookie).expect(200);
    expect((await post(p.editor, withoutSpace).expect(200)).body.results.spaceUuid).toBe(open);
    expect((await post(p.admin, withoutSpace).expect(200)).body.results.spaceUuid).toBe(privateFirst);
    await t.http().delete(`/api/v1/projects/${project}/spaces/${open}`).set('Cookie', p.admin.cookie).expect(200);
    const none = await post(p.editor, withoutSpace).expect(404);
    expect(none.body.error.name).toBe('NotFoundError');
  });

  it('answers 401 without credentials', async () => {
    const chartUuid = await createChart(p.admin, publicSpace);
    await t.http().get(`/api/v1/saved/${chartUuid}`).expect(401);
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).send(chartBody(publicSpace)).expect(401);
    await t.http().get(`/api/v1/projects/${projectUuid}/charts`).expect(401);
  });

  it('needs space editor AND project interactive_viewer to write', async () => {
    const chartUuid = await createChart(p.admin, publicSpace);
    // interactive_viewer is a space viewer of a public space: may read, not write
    await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.interactive_viewer.cookie).expect(200);
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.interactive_viewer.cookie).send(chartBody(publicSpace)).expect(403);
    await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', p.interactive_viewer.cookie).send({ name: 'x' }).expect(403);
    await t.http().delete(`/api/v1/saved/${chartUuid}`).set('Cookie', p.interactive_viewer.cookie).expect(403);

    // a plain project viewer stays read-only even with a direct editor entry on the space
    const viewerSpace = await createSpace(t, p.admin, projectUuid, { name: 'Viewer edits?' });
    await shareSpace(t, p.admin, projectUuid, viewerSpace, p.viewer.userUuid, 'editor');
    const inViewerSpace = await createChart(p.admin, viewerSpace);
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.viewer.cookie).send(chartBody(viewerSpace)).expect(403);
    await t.http().patch(`/api/v1/saved/${inViewerSpace}`).set('Cookie', p.viewer.cookie).send({ name: 'x' }).expect(403);
    await t.http().delete(`/api/v1/saved/${inViewerSpace}`).set('Cookie', p.viewer.cookie).expect(403);

    // an interactive_viewer with a direct editor entry may write there
    await shareSpace(t, p.admin, projectUuid, viewerSpace, p.interactive_viewer.userUuid, 'editor');
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.interactive_viewer.cookie).send(chartBody(viewerSpace)).expect(200);
    await t.http().patch(`/api/v1/saved/${inViewerSpace}`).set('Cookie', p.interactive_viewer.cookie).send({ name: 'Renamed' }).expect(200);

    // an org member has no project role at all
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.member.cookie).send(chartBody(publicSpace)).expect(403);
    await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.member.cookie).expect(403);
  });

  it('hides a private space\'s charts until the space is shared; admins always see them', async () => {
    const secret = await createChart(p.admin, privateSpace);
    await t.http().get(`/api/v1/saved/${secret}`).set('Cookie', p.editor.cookie).expect(403);
    await t.http().get(`/api/v1/saved/${secret}`).set('Cookie', p.developer.cookie).expect(403);
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.editor.cookie).send(chartBody(privateSpace)).expect(403);
    expect(await listUuids(p.editor, 'charts')).not.toContain(secret);
    expect(await listUuids(p.admin, 'charts')).toContain(secret);
    await t.http().get(`/api/v1/saved/${secret}`).set('Cookie', p.admin.cookie).expect(200);

    const shared = await createSpace(t, p.admin, projectUuid, { name: 'Shared later', isPrivate: true });
    const later = await createChart(p.admin, shared);
    await t.http().get(`/api/v1/saved/${later}`).set('Cookie', p.editor.cookie).expect(403);
    await shareSpace(t, p.admin, projectUuid, shared, p.editor.userUuid, 'viewer');
    await t.http().get(`/api/v1/saved/${later}`).set('Cookie', p.editor.cookie).expect(200);
    await t.http().patch(`/api/v1/saved/${later}`).set('Cookie', p.editor.cookie).send({ name: 'x' }).expect(403);
    expect(await listUuids(p.editor, 'charts')).toContain(later);
    expect(await listUuids(p.editor, 'chart-summaries')).toContain(later);
  });

  it('lists exactly the charts the caller may see, in both list shapes', async () => {
    const project = await createProject(t, p.admin, 'Lists');
    const open = await createSpace(t, p.admin, project, { name: 'Open' });
    const closed = await createSpace(t, p.admin, project, { name: 'Closed', isPrivate: true });
    const nested = await createSpace(t, p.admin, project, { name: 'Inside closed', parentSpaceUuid: closed });
    const post = async (spaceUuid: string, name: string) =>
      (await t.http().post(`/api/v1/projects/${project}/saved`).set('Cookie', p.admin.cookie).send(chartBody(spaceUuid, { name, chartConfig: { type: 'table' } })).expect(200)).body.results.uuid as string;
    const a = await post(open, 'A');
    const b = await post(closed, 'B');
    const c = await post(nested, 'C');
    const list = async (user: TestUser, route: string) =>
      (await t.http().get(`/api/v1/projects/${project}/${route}`).set('Cookie', user.cookie).expect(200)).body.results as Record<string, unknown>[];

    expect((await list(p.admin, 'charts')).map((x) => x.uuid)).toEqual([a, b, c]);
    expect((await list(p.viewer, 'charts')).map((x) => x.uuid)).toEqual([a]);
    const [summary] = await list(p.viewer, 'chart-summaries?excludeChartsSavedInDashboard=true');
    expect(summary).toEqual({
      uuid: a,
      name: 'A',
      description: 'Revenue by month',
      spaceUuid: open,
      spaceName: 'Open',
      projectUuid: project,
      organizationUuid: p.organizationUuid,
      pinnedListUuid: null,
      dashboardUuid: null,
      dashboardName: null,
      slug: 'a',
      chartKind: 'table',
      chartType: 'table',
      dashboardSlug: null,
      updatedAt: expect.any(String),
      viewsCount: 0,
    });
    const [query] = await list(p.viewer, 'charts');
    const { dashboardSlug: _slug, viewsCount: _views, ...common } = summary;
    expect(query).toEqual({
      ...common,
      source: 'dbt_explore',
      updatedByUser: expect.objectContaining({ userUuid: p.admin.userUuid }),
      pinnedListOrder: null,
      views: 0,
      firstViewedAt: null,
      validationErrors: [],
      verification: null,
    });

    // a direct entry on the private parent reaches the nested space too
    await shareSpace(t, p.admin, project, closed, p.viewer.userUuid, 'viewer');
    expect((await list(p.viewer, 'charts')).map((x) => x.uuid)).toEqual([a, b, c]);
    expect((await list(p.editor, 'chart-summaries')).map((x) => x.uuid)).toEqual([a]);

    await t.http().get(`/api/v1/projects/${project}/charts`).set('Cookie', p.member.cookie).expect(403);
    const other = await createOrganization(t);
    await t.http().get(`/api/v1/projects/${project}/charts`).set('Cookie', other.admin.cookie).expect(404);
    await t.http().get(`/api/v1/projects/${project}/chart-summaries`).set('Cookie', other.admin.cookie).expect(404);
  });

  it('moves a chart only into a space the caller may edit, in the same project', async () => {
    const chartUuid = await createChart(p.editor, publicSpace);
    const target = await createSpace(t, p.admin, projectUuid, { name: 'Target' });
    const moved = await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', p.editor.cookie).send({ spaceUuid: target }).expect(200);
    expect(moved.body.results).toMatchObject({ spaceUuid: target, spaceName: 'Target' });
    await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', p.editor.cookie).send({ spaceUuid: privateSpace }).expect(403);
    const otherProject = await createProject(t, p.admin, 'Elsewhere');
    const elsewhere = await createSpace(t, p.admin, otherProject, { name: 'Elsewhere' });
    await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', p.admin.cookie).send({ spaceUuid: elsewhere }).expect(400);
    const other = await createOrganization(t);
    const foreignProject = await createProject(t, other.admin);
    const foreignSpace = await createSpace(t, other.admin, foreignProject, { name: 'Theirs' });
    await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', p.admin.cookie).send({ spaceUuid: foreignSpace }).expect(404);
    expect((await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.admin.cookie)).body.results.spaceUuid).toBe(target);
  });

  it('is 404 across organizations and for a space of another project', async () => {
    const chartUuid = await createChart(p.admin, publicSpace);
    const other = await createOrganization(t);
    const foreignProject = await createProject(t, other.admin);
    const foreignSpace = await createSpace(t, other.admin, foreignProject, { name: 'Theirs' });
    const notFound = await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', other.admin.cookie).expect(404);
    expect(notFound.body.error).toMatchObject({ name: 'NotFoundError', message: 'Chart not found' });
    await t.http().patch(`/api/v1/saved/${chartUuid}`).set('Cookie', other.admin.cookie).send({ name: 'x' }).expect(404);
    await t.http().delete(`/api/v1/saved/${chartUuid}`).set('Cookie', other.admin.cookie).expect(404);
    // into another organization's space, through either project's path
    await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', p.admin.cookie).send(chartBody(foreignSpace)).expect(404);
    await t.http().post(`/api/v1/projects/${foreignProject}/saved`).set('Cookie', p.admin.cookie).send(chartBody(foreignSpace)).expect(404);
    // a space of this organization under another project's path
    const otherProject = await createProject(t, p.admin, 'Second');
    await t.http().post(`/api/v1/projects/${otherProject}/saved`).set('Cookie', p.admin.cookie).send(chartBody(publicSpace)).expect(404);
    await t.http().get('/api/v1/saved/00000000-0000-4000-8000-000000000000').set('Cookie', p.admin.cookie).expect(404);
    await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.admin.cookie).expect(200);
  });

  it('deletes a space\'s charts with the space', async () => {
    const doomed = await createSpace(t, p.admin, projectUuid, { name: 'Doomed' });
    const chartUuid = await createChart(p.admin, doomed);
    await t.http().delete(`/api/v1/projects/${projectUuid}/spaces/${doomed}`).set('Cookie', p.admin.cookie).expect(200);
    await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.admin.cookie).expect(404);
    expect(await listUuids(p.admin, 'charts')).not.toContain(chartUuid);
  });
});
