import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import { registerUser, type TestUser } from '../support/users.js';

const CHART_BODY = {
  name: 'Revenue',
  tableName: 'orders',
  metricQuery: { exploreName: 'orders', dimensions: [], metrics: ['orders_total_revenue'], filters: {}, sorts: [], limit: 10, tableCalculations: [] },
  chartConfig: { type: 'big_number' },
};

const MARKDOWN_TILE = { type: 'markdown', x: 0, y: 0, h: 3, w: 6, properties: { title: 'Notes', content: '# Hello' } };
/** A markdown tile as answered: Lightdash fills in no tab and a shown title. */
const ANSWERED_MARKDOWN_TILE = { ...MARKDOWN_TILE, tabUuid: null, properties: { ...MARKDOWN_TILE.properties, hideTitle: false } };
const chartTile = (savedChartUuid: string) => ({ type: 'saved_chart', x: 6, y: 0, h: 3, w: 6, properties: { savedChartUuid, title: 'Revenue' } });

function dashboardBody(spaceUuid: string, overrides: Record<string, unknown> = {}) {
  return { name: 'Sales overview', description: 'Weekly numbers', spaceUuid, tiles: [MARKDOWN_TILE], tabs: [], ...overrides };
}

describe('dashboards', () => {
  let t: TestApp;
  let p: Personas;
  let projectUuid: string;
  let publicSpace: string;
  let privateSpace: string;

  const createChart = async (user: TestUser, spaceUuid: string, project = projectUuid) => {
    const res = await t.http().post(`/api/v1/projects/${project}/saved`).set('Cookie', user.cookie).send({ ...CHART_BODY, spaceUuid });
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid as string;
  };
  const createDashboard = async (user: TestUser, spaceUuid: string, overrides: Record<string, unknown> = {}, project = projectUuid) => {
    const res = await t.http().post(`/api/v1/projects/${project}/dashboards`).set('Cookie', user.cookie).send(dashboardBody(spaceUuid, overrides));
    if (res.status !== 201) throw new Error(`dashboard creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid as string;
  };
  const listUuids = async (user: TestUser, query = '', project = projectUuid) => {
    const res = await t.http().get(`/api/v1/projects/${project}/dashboards${query}`).set('Cookie', user.cookie).expect(200);
    return (res.body.results as { uuid: string }[]).map((dashboard) => dashboard.uuid);
  };

  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
    projectUuid = await createProject(t, p.admin);
    publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Board only', isPrivate: true });
  });
  afterAll(async () => t.close());

  it('creates (201), reads, updates (new version) and deletes a dashboard with the peer shapes', async () => {
    const chartUuid = await createChart(p.editor, publicSpace);
    const tabUuid = 'tab-overview';
    const created = await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.editor.cookie)
      .send(dashboardBody(publicSpace, {
        tiles: [{ ...MARKDOWN_TILE, tabUuid }, { ...chartTile(chartUuid), uuid: '5d1c9a4e-0a0b-4c1d-9e2f-3a4b5c6d7e8f' }],
        tabs: [{ uuid: tabUuid, name: 'Overview', order: 0 }],
        config: { isDateZoomDisabled: true },
      }))
      .expect(201);
    const dashboard = created.body.results;
    expect(dashboard).toEqual({
      organizationUuid: p.organizationUuid,
      projectUuid,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Sales overview',
      description: 'Weekly numbers',
      dashboardVersionId: 1,
      updatedAt: expect.any(String),
      versionUuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tiles: [
        { ...ANSWERED_MARKDOWN_TILE, tabUuid, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        // a chart tile names its chart, as Lightdash answers it
        {
          ...chartTile(chartUuid),
          tabUuid: null,
          uuid: '5d1c9a4e-0a0b-4c1d-9e2f-3a4b5c6d7e8f',
          properties: { ...chartTile(chartUuid).properties, hideTitle: false, belongsToDashboard: false, chartName: 'Revenue', chartSlug: 'revenue', lastVersionChartKind: 'big_number' },
        },
      ],
      filters: { dimensions: [], metrics: [], tableCalculations: [] },
      updatedByUser: { userUuid: p.editor.userUuid, firstName: 'editor', lastName: 'Persona' },
      spaceUuid: publicSpace,
      spaceName: 'Shared',
      views: 0,
      firstViewedAt: null,
      pinnedListUuid: null,
      pinnedListOrder: null,
      tabs: [{ uuid: tabUuid, name: 'Overview', order: 0 }],
      isPrivate: false,
      inheritsFromOrgOrProject: true,
      access: [],
      slug: 'sales-overview',
      config: { isDateZoomDisabled: true },
      colorPaletteUuid: null,
      verification: null,
    });
    const read = await t.http().get(`/api/v1/dashboards/${dashboard.uuid}`).set('Cookie', p.viewer.cookie).expect(200);
    expect(read.body.results).toEqual(dashboard);

    const filters = { dimensions: [{ id: 'f1', operator: 'equals', target: { fieldId: 'orders_status', tableName: 'orders' }, values: ['done'] }], metrics: [], tableCalculations: [] };
    const updated = await t.http().patch(`/api/v1/dashboards/${dashboard.uuid}`).set('Cookie', p.developer.cookie).send({ name: 'Sales', tiles: [MARKDOWN_TILE], filters }).expect(200);
    expect(updated.body.results).toMatchObject({ uuid: dashboard.uuid, name: 'Sales', description: 'Weekly numbers', dashboardVersionId: 2, filters, slug: 'sales-overview' });
    expect(updated.body.results.tiles).toEqual([{ ...ANSWERED_MARKDOWN_TILE, uuid: expect.any(String) }]);
    expect(updated.body.results.versionUuid).not.toBe(dashboard.versionUuid);
    expect(updated.body.results.tabs).toEqual(dashboard.tabs);

    const again = await createDashboard(p.editor, publicSpace);
    expect((await t.http().get(`/api/v1/dashboards/${again}`).set('Cookie', p.editor.cookie)).body.results.slug).toBe('sales-overview-2');

    expect((await t.http().delete(`/api/v1/dashboards/${dashboard.uuid}`).set('Cookie', p.editor.cookie).expect(200)).body).toEqual({ status: 'ok' });
    await t.http().get(`/api/v1/dashboards/${dashboard.uuid}`).set('Cookie', p.admin.cookie).expect(404);
  });

  it('reads a non-chart tile whose properties hold any savedChartUuid (only chart tiles name their chart)', async () => {
    const odd = { ...MARKDOWN_TILE, properties: { ...MARKDOWN_TILE.properties, savedChartUuid: 'not-a-uuid' } };
    const created = await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.editor.cookie).send(dashboardBody(publicSpace, { tiles: [odd] })).expect(201);
    const read = await t.http().get(`/api/v1/dashboards/${created.body.results.uuid}`).set('Cookie', p.viewer.cookie).expect(200);
    expect(read.body.results.tiles).toEqual([{ ...odd, tabUuid: null, uuid: expect.any(String), properties: { ...odd.properties, hideTitle: false } }]);
  });

  it('drops unknown properties of a dashboard, its tiles, tabs and filters: none is stored', async () => {
    const uuid = await createDashboard(p.editor, publicSpace, {
      owner: 'me',
      tiles: [{ ...MARKDOWN_TILE, colour: 'red', tabUuid: 't1' }],
      tabs: [{ uuid: 't1', name: 'T', order: 0, hidden: true }],
      filters: { dimensions: [], metrics: [], tableCalculations: [], extra: [1] },
    });
    const read = (await t.http().get(`/api/v1/dashboards/${uuid}`).set('Cookie', p.editor.cookie).expect(200)).body.results;
    expect(read).not.toHaveProperty('owner');
    expect(read.tiles).toEqual([{ ...ANSWERED_MARKDOWN_TILE, tabUuid: 't1', uuid: expect.any(String) }]);
    expect(read.tabs).toEqual([{ uuid: 't1', name: 'T', order: 0 }]);
    expect(read.filters).toEqual({ dimensions: [], metrics: [], tableCalculations: [] });
  });

  it('refuses malformed bodies with 422 and charts the caller may not use with 400, creating nothing', async () => {
    const project = await createProject(t, p.admin, 'Validation');
    const space = await createSpace(t, p.admin, project, { name: 'Space' });
    const closed = await createSpace(t, p.admin, project, { name: 'Closed', isPrivate: true });
    const post = (user: TestUser, body: Record<string, unknown>) => t.http().post(`/api/v1/projects/${project}/dashboards`).set('Cookie', user.cookie).send(body);
    const { tiles: _tiles, ...tileless } = dashboardBody(space);
    const missing = await post(p.admin, tileless).expect(422);
    expect(missing.body.error.data).toHaveProperty(['body.tiles']);
    const { spaceUuid: _spaceUuid, ...spaceless } = dashboardBody(space);
    await post(p.admin, spaceless).expect(422);
    await post(p.admin, dashboardBody(space, { tiles: [{ ...MARKDOWN_TILE, type: 'iframe' }] })).expect(422);
    await post(p.admin, dashboardBody(space, { tiles: [{ ...MARKDOWN_TILE, x: -1 }] })).expect(422);
    await post(p.admin, dashboardBody(space, { tiles: [5] })).expect(422);
    await post(p.admin, dashboardBody(space, { tiles: [chartTile('not-a-uuid')] })).expect(422);
    await post(p.admin, dashboardBody(space, { tabs: [{ uuid: 't', name: 'T' }] })).expect(422);
    await post(p.admin, dashboardBody(space, { filters: { dimensions: [] } })).expect(422);
    await t.http().get('/api/v1/dashboards/not-a-uuid').set('Cookie', p.admin.cookie).expect(422);

    // saved_chart tiles: the chart must exist in this project and be visible to the caller
    const hidden = await createChart(p.admin, closed, project);
    const otherProject = await createProject(t, p.admin, 'Other');
    const foreignChart = await createChart(p.admin, await createSpace(t, p.admin, otherProject, { name: 'S' }), otherProject);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await post(p.admin, dashboardBody(space, { tiles: [chartTile(unknown)] })).expect(400);
    await post(p.admin, dashboardBody(space, { tiles: [chartTile(foreignChart)] })).expect(400);
    const refused = await post(p.editor, dashboardBody(space, { tiles: [chartTile(hidden)] })).expect(400);
    expect(refused.body.error.name).toBe('ParameterError');
    expect(await listUuids(p.admin, '', project)).toEqual([]);
    await post(p.admin, dashboardBody(space, { tiles: [chartTile(hidden), chartTile(hidden)] })).expect(201);
  });

  it('answers 401 without credentials', async () => {
    const dashboardUuid = await createDashboard(p.admin, publicSpace);
    await t.http().get(`/api/v1/dashboards/${dashboardUuid}`).expect(401);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).send(dashboardBody(publicSpace)).expect(401);
    await t.http().get(`/api/v1/projects/${projectUuid}/dashboards`).expect(401);
  });

  it('needs space editor AND project interactive_viewer to write', async () => {
    const dashboardUuid = await createDashboard(p.admin, publicSpace);
    await t.http().get(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.interactive_viewer.cookie).expect(200);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.interactive_viewer.cookie).send(dashboardBody(publicSpace)).expect(403);
    await t.http().patch(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.interactive_viewer.cookie).send({ name: 'x' }).expect(403);
    await t.http().delete(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.interactive_viewer.cookie).expect(403);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.editor.cookie).send(dashboardBody(publicSpace)).expect(201);

    const viewerSpace = await createSpace(t, p.admin, projectUuid, { name: 'Viewer edits?' });
    await shareSpace(t, p.admin, projectUuid, viewerSpace, p.viewer.userUuid, 'editor');
    const inViewerSpace = await createDashboard(p.admin, viewerSpace);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.viewer.cookie).send(dashboardBody(viewerSpace)).expect(403);
    await t.http().patch(`/api/v1/dashboards/${inViewerSpace}`).set('Cookie', p.viewer.cookie).send({ name: 'x' }).expect(403);
    await t.http().delete(`/api/v1/dashboards/${inViewerSpace}`).set('Cookie', p.viewer.cookie).expect(403);
    await t.http().patch(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.viewer.cookie)
      .send([{ uuid: inViewerSpace, name: 'x', spaceUuid: viewerSpace }]).expect(403);
    await shareSpace(t, p.admin, projectUuid, viewerSpace, p.interactive_viewer.userUuid, 'editor');
    await t.http().patch(`/api/v1/dashboards/${inViewerSpace}`).set('Cookie', p.interactive_viewer.cookie).send({ name: 'Renamed' }).expect(200);

    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.member.cookie).send(dashboardBody(publicSpace)).expect(403);
  });

  it('hides a private space\'s dashboards until the space is shared; admins always see them', async () => {
    const secret = await createDashboard(p.admin, privateSpace);
    const secretRead = await t.http().get(`/api/v1/dashboards/${secret}`).set('Cookie', p.admin.cookie).expect(200);
    expect(secretRead.body.results).toMatchObject({ isPrivate: true, inheritsFromOrgOrProject: false });
    await t.http().get(`/api/v1/dashboards/${secret}`).set('Cookie', p.editor.cookie).expect(403);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.editor.cookie).send(dashboardBody(privateSpace)).expect(403);
    expect(await listUuids(p.editor)).not.toContain(secret);
    expect(await listUuids(p.admin)).toContain(secret);

    const shared = await createSpace(t, p.admin, projectUuid, { name: 'Shared later', isPrivate: true });
    const later = await createDashboard(p.admin, shared);
    await t.http().get(`/api/v1/dashboards/${later}`).set('Cookie', p.editor.cookie).expect(403);
    await shareSpace(t, p.admin, projectUuid, shared, p.editor.userUuid, 'viewer');
    await t.http().get(`/api/v1/dashboards/${later}`).set('Cookie', p.editor.cookie).expect(200);
    await t.http().delete(`/api/v1/dashboards/${later}`).set('Cookie', p.editor.cookie).expect(403);
    expect(await listUuids(p.editor)).toContain(later);
  });

  it('lists what the caller may see, with includePrivate and chartUuid filters', async () => {
    const project = await createProject(t, p.admin, 'Lists');
    const open = await createSpace(t, p.admin, project, { name: 'Open' });
    const closed = await createSpace(t, p.admin, project, { name: 'Closed', isPrivate: true });
    const chartA = await createChart(p.admin, open, project);
    const chartB = await createChart(p.admin, open, project);
    const a = await createDashboard(p.admin, open, { name: 'A', tiles: [MARKDOWN_TILE, chartTile(chartA)] }, project);
    const b = await createDashboard(p.admin, closed, { name: 'B', tiles: [chartTile(chartA), chartTile(chartB)] }, project);
    const c = await createDashboard(p.admin, open, { name: 'C', tiles: [] }, project);

    const list = await t.http().get(`/api/v1/projects/${project}/dashboards`).set('Cookie', p.viewer.cookie).expect(200);
    expect(list.body.results).toEqual([
      {
        uuid: a,
        name: 'A',
        description: 'Weekly numbers',
        updatedAt: expect.any(String),
        projectUuid: project,
        organizationUuid: p.organizationUuid,
        spaceUuid: open,
        updatedByUser: expect.objectContaining({ userUuid: p.admin.userUuid }),
        views: 0,
        firstViewedAt: null,
        pinnedListUuid: null,
        pinnedListOrder: null,
        tileTypes: expect.arrayContaining(['markdown', 'saved_chart']),
        slug: 'a',
        validationErrors: [],
        verification: null,
      },
      expect.objectContaining({ uuid: c, tileTypes: [] }),
    ]);
    expect(await listUuids(p.admin, '', project)).toEqual([a, b, c]);
    // includePrivate=false (as Lightdash): public spaces and those the caller was given access to themselves;
    // the admin created Closed, so it has an entry of its own there
    expect(await listUuids(p.admin, '?includePrivate=false', project)).toEqual([a, b, c]);
    expect(await listUuids(p.admin, '?includePrivate=true', project)).toEqual([a, b, c]);
    const editorsOwn = await createSpace(t, p.editor, project, { name: "Editor's own", isPrivate: true });
    const d = await createDashboard(p.editor, editorsOwn, { name: 'D', tiles: [] }, project);
    expect(await listUuids(p.admin, '', project)).toEqual([a, b, c, d]);
    expect(await listUuids(p.admin, '?includePrivate=false', project)).toEqual([a, b, c]);
    // only "false" narrows, as Lightdash: any other value is the default
    for (const value of ['true', '0', 'no', 'FALSE', '']) expect(await listUuids(p.admin, `?includePrivate=${value}`, project)).toEqual([a, b, c, d]);
    expect(await listUuids(p.admin, `?chartUuid=${chartA}`, project)).toEqual([a, b]);
    expect(await listUuids(p.admin, `?chartUuid=${chartB.toUpperCase()}`, project)).toEqual([b]);
    expect(await listUuids(p.viewer, `?chartUuid=${chartB}`, project)).toEqual([]);
    await shareSpace(t, p.admin, project, closed, p.viewer.userUuid, 'viewer');
    expect(await listUuids(p.viewer, '', project)).toEqual([a, b, c]);
    expect(await listUuids(p.viewer, '?includePrivate=false', project)).toEqual([a, b, c]);

    // a member of the organization without access to the project: an empty list (as Lightdash), then
    // the dashboards of a space shared with them; outsiders stay 404
    expect(await listUuids(p.member, '', project)).toEqual([]);
    await shareSpace(t, p.admin, project, closed, p.member.userUuid, 'viewer');
    expect(await listUuids(p.member, '', project)).toEqual([b]);
    expect(await listUuids(p.member, '?includePrivate=false', project)).toEqual([b]);
    const other = await createOrganization(t);
    await t.http().get(`/api/v1/projects/${project}/dashboards`).set('Cookie', other.admin.cookie).expect(404);
    const loner = await registerUser(t);
    await t.http().get(`/api/v1/projects/${project}/dashboards`).set('Cookie', loner.cookie).expect(404);
    await t.http().get('/api/v1/projects/00000000-0000-4000-8000-000000000000/dashboards').set('Cookie', p.member.cookie).expect(404);
    await t.http().get(`/api/v1/projects/${project}/dashboards`).expect(401);
  });

  it('duplicates a dashboard the caller may see and edit; a mismatched body is 400', async () => {
    const source = await createDashboard(p.admin, publicSpace, { name: 'Original', config: { isDateZoomDisabled: false } });
    const copy = await t.http().post(`/api/v1/projects/${projectUuid}/dashboards?duplicateFrom=${source}`).set('Cookie', p.editor.cookie)
      .send({ dashboardName: 'Copy of Original', dashboardDesc: 'copied' }).expect(201);
    const original = (await t.http().get(`/api/v1/dashboards/${source}`).set('Cookie', p.admin.cookie)).body.results;
    expect(copy.body.results).toMatchObject({ name: 'Copy of Original', description: 'copied', spaceUuid: publicSpace, tiles: original.tiles, config: original.config, dashboardVersionId: 1, slug: 'copy-of-original' });
    expect(copy.body.results.uuid).not.toBe(source);
    expect(copy.body.results.updatedByUser.userUuid).toBe(p.editor.userUuid);

    const mismatch = await t.http().post(`/api/v1/projects/${projectUuid}/dashboards?duplicateFrom=${source}`).set('Cookie', p.editor.cookie).send(dashboardBody(publicSpace)).expect(400);
    expect(mismatch.body.error.name).toBe('ParameterError');
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.editor.cookie).send({ ...dashboardBody(publicSpace), dashboardName: 'x' }).expect(400);

    const secret = await createDashboard(p.admin, privateSpace);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards?duplicateFrom=${secret}`).set('Cookie', p.editor.cookie).send({ dashboardName: 'Stolen', dashboardDesc: '' }).expect(403);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards?duplicateFrom=${source}`).set('Cookie', p.interactive_viewer.cookie).send({ dashboardName: 'x', dashboardDesc: '' }).expect(403);
    const other = await createOrganization(t);
    const foreignProject = await createProject(t, other.admin);
    const foreignDashboard = await createDashboard(other.admin, await createSpace(t, other.admin, foreignProject, { name: 'S' }), {}, foreignProject);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards?duplicateFrom=${foreignDashboard}`).set('Cookie', p.admin.cookie).send({ dashboardName: 'x', dashboardDesc: '' }).expect(404);
  });

  it('bulk renames and moves dashboards all or nothing', async () => {
    const project = await createProject(t, p.admin, 'Bulk');
    const open = await createSpace(t, p.admin, project, { name: 'Open' });
    const target = await createSpace(t, p.admin, project, { name: 'Target' });
    const closed = await createSpace(t, p.admin, project, { name: 'Closed', isPrivate: true });
    const a = await createDashboard(p.admin, open, { name: 'A' }, project);
    const b = await createDashboard(p.admin, open, { name: 'B' }, project);
    const hidden = await createDashboard(p.admin, closed, { name: 'Hidden' }, project);
    const bulk = (user: TestUser, body: unknown) => t.http().patch(`/api/v1/projects/${project}/dashboards`).set('Cookie', user.cookie).send(body as object);

    const done = await bulk(p.editor, [{ uuid: a, name: 'A2', description: 'moved', spaceUuid: target }, { uuid: b, name: 'B2', spaceUuid: open }]).expect(200);
    expect(done.body.results.map((d: { uuid: string; name: string; spaceUuid: string; dashboardVersionId: number }) => [d.uuid, d.name, d.spaceUuid, d.dashboardVersionId])).toEqual([
      [a, 'A2', target, 2],
      [b, 'B2', open, 2],
    ]);
    expect(done.body.results[0]).toMatchObject({ description: 'moved', spaceName: 'Target' });
    expect(done.body.results[1]).toMatchObject({ description: 'Weekly numbers' });

    // one dashboard the editor may not edit: 403 and nothing changes
    await bulk(p.editor, [{ uuid: a, name: 'A3', spaceUuid: target }, { uuid: hidden, name: 'Mine', spaceUuid: open }]).expect(403);
    await bulk(p.editor, [{ uuid: a, name: 'A3', spaceUuid: closed }]).expect(403);
    await bulk(p.editor, [{ uuid: a, name: 'A3', spaceUuid: target }, { uuid: '00000000-0000-4000-8000-000000000000', name: 'x', spaceUuid: open }]).expect(404);
    const otherProjectSpace = await createSpace(t, p.admin, projectUuid, { name: 'Other project' });
    await bulk(p.admin, [{ uuid: a, name: 'A3', spaceUuid: otherProjectSpace }]).expect(404);
    expect((await t.http().get(`/api/v1/dashboards/${a}`).set('Cookie', p.admin.cookie)).body.results).toMatchObject({ name: 'A2', spaceUuid: target, dashboardVersionId: 2 });
    expect((await t.http().get(`/api/v1/dashboards/${hidden}`).set('Cookie', p.admin.cookie)).body.results.name).toBe('Hidden');

    await bulk(p.editor, { uuid: a, name: 'x', spaceUuid: open }).expect(422);
    const invalid = await bulk(p.editor, [{ uuid: a, name: '', spaceUuid: open, extra: 1 }]).expect(422);
    expect(Object.keys(invalid.body.error.data)).toEqual(['body.0.name']);
    expect((await bulk(p.editor, []).expect(200)).body.results).toEqual([]);
  });

  it('moves a dashboard only into a space the caller may edit, in the same project', async () => {
    const dashboardUuid = await createDashboard(p.editor, publicSpace);
    const target = await createSpace(t, p.admin, projectUuid, { name: 'Target' });
    const moved = await t.http().patch(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.editor.cookie).send({ spaceUuid: target }).expect(200);
    expect(moved.body.results).toMatchObject({ spaceUuid: target, spaceName: 'Target', dashboardVersionId: 2 });
    await t.http().patch(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.editor.cookie).send({ spaceUuid: privateSpace }).expect(403);
    const otherProject = await createProject(t, p.admin, 'Elsewhere');
    const elsewhere = await createSpace(t, p.admin, otherProject, { name: 'Elsewhere' });
    await t.http().patch(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.admin.cookie).send({ spaceUuid: elsewhere }).expect(400);
  });

  it('is 404 across organizations and for a space of another project', async () => {
    const dashboardUuid = await createDashboard(p.admin, publicSpace);
    const other = await createOrganization(t);
    const foreignProject = await createProject(t, other.admin);
    const foreignSpace = await createSpace(t, other.admin, foreignProject, { name: 'Theirs' });
    const notFound = await t.http().get(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', other.admin.cookie).expect(404);
    expect(notFound.body.error).toMatchObject({ name: 'NotFoundError', message: 'Dashboard not found' });
    await t.http().patch(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', other.admin.cookie).send({ name: 'x' }).expect(404);
    await t.http().delete(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', other.admin.cookie).expect(404);
    await t.http().patch(`/api/v1/projects/${foreignProject}/dashboards`).set('Cookie', other.admin.cookie).send([{ uuid: dashboardUuid, name: 'x', spaceUuid: foreignSpace }]).expect(404);
    await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.admin.cookie).send(dashboardBody(foreignSpace)).expect(404);
    const secondProject = await createProject(t, p.admin, 'Second');
    await t.http().post(`/api/v1/projects/${secondProject}/dashboards`).set('Cookie', p.admin.cookie).send(dashboardBody(publicSpace)).expect(404);
    await t.http().get(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.admin.cookie).expect(200);
  });

  it('deletes a space\'s dashboards with the space', async () => {
    const doomed = await createSpace(t, p.admin, projectUuid, { name: 'Doomed' });
    const dashboardUuid = await createDashboard(p.admin, doomed);
    await t.http().delete(`/api/v1/projects/${projectUuid}/spaces/${doomed}`).set('Cookie', p.admin.cookie).expect(200);
    await t.http().get(`/api/v1/dashboards/${dashboardUuid}`).set('Cookie', p.admin.cookie).expect(404);
    expect(await listUuids(p.admin)).not.toContain(dashboardUuid);
  });

  it('documents in Swagger that creating and bulk-updating dashboards needs space:edit-content, checked in the service', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    const create = doc.paths['/api/v1/projects/{projectUuid}/dashboards'].post;
    expect(create['x-permission']).toBe('project:view');
    expect(create['x-permission-checked-in-service']).toEqual([
      { permission: 'space:edit-content', on: "the target space (body `spaceUuid`; when duplicating, the source dashboard's space)" },
    ]);
    expect(create.responses['403'].description).toContain('checked in the service: Requires space role `editor` or higher and project role interactive_viewer');
    const updateMany = doc.paths['/api/v1/projects/{projectUuid}/dashboards'].patch;
    expect(updateMany['x-permission-checked-in-service']).toEqual([
      { permission: 'space:edit-content', on: "each dashboard's space and each destination space (all or nothing changes)" },
    ]);
    expect(doc.paths['/api/v1/dashboards/{dashboardUuid}'].get['x-permission-checked-in-service']).toBeUndefined();
  });
});
