import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace, shareSpace, shareSpaceWithGroup } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

const CHART_BODY = {
  name: 'Revenue',
  tableName: 'orders',
  metricQuery: { exploreName: 'orders', dimensions: [], metrics: ['orders_total_revenue'], filters: {}, sorts: [], limit: 10, tableCalculations: [] },
  chartConfig: { type: 'big_number' },
};
const MARKDOWN_TILE = { type: 'markdown', x: 0, y: 0, h: 3, w: 6, properties: { title: 'Notes', content: '# Hello' } };
const chartTile = (savedChartUuid: string) => ({ type: 'saved_chart', x: 6, y: 0, h: 3, w: 6, properties: { savedChartUuid, title: 'Revenue' } });

interface SpaceItem {
  uuid: string;
  name: string;
  parentSpaceUuid: string | null;
  path: string;
  chartCount: string | number;
  dashboardCount: string | number;
}

describe('POST /projects/{p}/createPreview', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const http = () => t.http();
  const createPreview = (user: TestUser, projectUuid: string) => http().post(`/api/v1/projects/${projectUuid}/createPreview`).set('Cookie', user.cookie);
  const get = async (user: TestUser, path: string) => {
    const res = await http().get(path).set('Cookie', user.cookie);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    return res.body.results;
  };
  const orgProjects = async (user: TestUser) => (await get(user, '/api/v1/org/projects')) as { projectUuid: string; name: string; type: string; upstreamProjectUuid: string | null }[];
  const spacesOf = async (user: TestUser, projectUuid: string) => (await get(user, `/api/v1/projects/${projectUuid}/spaces`)) as SpaceItem[];

  async function createGroup(p: Personas, members: TestUser[]): Promise<string> {
    const res = await http().post('/api/v1/org/groups').set('Cookie', p.admin.cookie).send({ name: `Group ${randomUUID()}`, members: members.map((m) => ({ userUuid: m.userUuid })) });
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function createChart(user: TestUser, projectUuid: string, spaceUuid: string, name = 'Revenue'): Promise<string> {
    const res = await http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', user.cookie).send({ ...CHART_BODY, name, spaceUuid });
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function createDashboard(user: TestUser, projectUuid: string, spaceUuid: string, tiles: unknown[]): Promise<string> {
    const res = await http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', user.cookie).send({ name: 'Sales overview', description: 'Weekly', spaceUuid, tiles, tabs: [] });
    if (res.status !== 201 && res.status !== 200) throw new Error(`dashboard creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function storedWarehouseSecrets(projectUuid: string): Promise<Record<string, unknown> | null> {
    const [row] = await t.app.get(DataSource).query('SELECT encrypted_warehouse_secrets AS secrets FROM projects WHERE project_uuid = $1', [projectUuid]);
    return row.secrets && decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret);
  }

  /** A source project with explores, a direct and a group grant, nested spaces with shares, charts (one trashed) and a dashboard. */
  async function seedSource(p: Personas) {
    const projectUuid = await createProject(t, p.admin, 'Jaffle shop');
    await http().put(`/api/v1/projects/${projectUuid}/explores`).set('Cookie', p.admin.cookie).send(shopExplores()).expect(200);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'editor');
    const groupUuid = await createGroup(p, [p.viewer]);
    await http().post(`/api/v1/groups/${groupUuid}/projects/${projectUuid}`).set('Cookie', p.admin.cookie).send({ role: 'developer' }).expect(200);

    const sales = await createSpace(t, p.admin, projectUuid, { name: 'Sales' });
    const europe = await createSpace(t, p.admin, projectUuid, { name: 'Europe', parentSpaceUuid: sales, isPrivate: true, inheritParentPermissions: false });
    await shareSpace(t, p.admin, projectUuid, europe, p.member.userUuid, 'viewer');
    await shareSpaceWithGroup(t, p.admin, projectUuid, europe, groupUuid, 'editor');
    const chart = await createChart(p.admin, projectUuid, europe);
    const trashed = await createChart(p.admin, projectUuid, sales, 'Old revenue');
    await http().delete(`/api/v1/saved/${trashed}`).set('Cookie', p.admin.cookie).expect(200);
    const dashboard = await createDashboard(p.admin, projectUuid, sales, [MARKDOWN_TILE, chartTile(chart)]);
    return { projectUuid, groupUuid, sales, europe, chart, trashed, dashboard };
  }

  it('copies the connections, explores, access and live content into a linked PREVIEW project, answering its uuid', async () => {
    const p = await createPersonas(t);
    const source = await seedSource(p);
    const sourceProject = await get(p.admin, `/api/v1/projects/${source.projectUuid}`);

    const res = await createPreview(p.developer, source.projectUuid)
      .send({ name: ' Preview of #42 ', copyContent: true, warehouseConnectionOverrides: { schema: 'pr_42' }, dbtConnectionOverrides: { branch: 'feature' }, unknown: 1 })
      .expect(200);
    expect(res.body).toEqual({ status: 'ok', results: expect.any(String) });
    const previewUuid: string = res.body.results;
    expect(previewUuid).not.toBe(source.projectUuid);

    // the project: PREVIEW, linked, the source's connections (schema overridden; dbt type `none` has no branch), secrets copied encrypted
    const preview = await get(p.admin, `/api/v1/projects/${previewUuid}`);
    expect(preview).toEqual({
      ...sourceProject,
      projectUuid: previewUuid,
      name: 'Preview of #42',
      type: 'PREVIEW',
      createdByUserUuid: p.developer.userUuid,
      upstreamProjectUuid: source.projectUuid,
      warehouseConnection: { ...sourceProject.warehouseConnection, schema: 'pr_42' },
    });
    expect(await storedWarehouseSecrets(previewUuid)).toEqual(await storedWarehouseSecrets(source.projectUuid));
    expect((await orgProjects(p.admin)).find((x) => x.projectUuid === previewUuid)).toMatchObject({ type: 'PREVIEW', upstreamProjectUuid: source.projectUuid });

    // explores, as a compile of the same dbt project would give
    const sourceExplores = await get(p.admin, `/api/v1/projects/${source.projectUuid}/explores`);
    expect(sourceExplores.length).toBeGreaterThan(0);
    expect(await get(p.admin, `/api/v1/projects/${previewUuid}/explores`)).toEqual(sourceExplores);

    // access: the explicit grants; the creator is not made admin
    const access = (await get(p.admin, `/api/v1/projects/${previewUuid}/access`)) as { userUuid: string; role: string }[];
    expect(access.map(({ userUuid, role }) => ({ userUuid, role }))).toEqual([{ userUuid: p.member.userUuid, role: 'editor' }]);
    expect(await get(p.admin, `/api/v1/projects/${previewUuid}/groupAccesses`)).toEqual([{ projectUuid: previewUuid, groupUuid: source.groupUuid, role: 'developer' }]);

    // spaces with their nesting and shares; the member still reaches the private space through its share
    const spaces = await spacesOf(p.admin, previewUuid);
    const sales = spaces.find((s) => s.name === 'Sales')!;
    const europe = spaces.find((s) => s.name === 'Europe')!;
    // the source's spaces, its default space Shared included
    expect(spaces.map((s) => s.name).sort()).toEqual(['Europe', 'Sales', 'Shared']);
    expect([sales.uuid, europe.uuid]).not.toContain(source.sales);
    expect([sales.uuid, europe.uuid]).not.toContain(source.europe);
    expect(europe).toMatchObject({ parentSpaceUuid: sales.uuid, path: 'sales.europe' });
    expect((await spacesOf(p.member, previewUuid)).map((s) => s.name).sort()).toEqual(['Europe', 'Sales', 'Shared']);
    const europeSpace = await get(p.admin, `/api/v1/projects/${previewUuid}/spaces/${europe.uuid}`);
    const sourceEurope = await get(p.admin, `/api/v1/projects/${source.projectUuid}/spaces/${source.europe}`);
    const shares = (space: { access: { userUuid: string; role: string; hasDirectAccess: boolean }[]; groupsAccess: { groupUuid: string; spaceRole: string }[] }) => ({
      direct: space.access.filter((a) => a.hasDirectAccess).map((a) => `${a.userUuid}:${a.role}`).sort(),
      groups: space.groupsAccess.map((g) => `${g.groupUuid}:${g.spaceRole}`),
    });
    expect(shares(europeSpace)).toEqual(shares(sourceEurope));
    expect(shares(europeSpace).groups).toEqual([`${source.groupUuid}:editor`]);

    // the live chart and the dashboard, whose chart tile points at the chart's copy; the trashed chart stays behind
    const charts = (await get(p.admin, `/api/v1/projects/${previewUuid}/charts`)) as { uuid: string; name: string; spaceUuid: string }[];
    expect(charts.map((c) => [c.name, c.spaceUuid])).toEqual([['Revenue', europe.uuid]]);
    expect(charts[0].uuid).not.toBe(source.chart);
    const dashboards = (await get(p.admin, `/api/v1/projects/${previewUuid}/dashboards`)) as { uuid: string; spaceUuid: string }[];
    expect(dashboards).toHaveLength(1);
    const dashboard = await get(p.admin, `/api/v1/dashboards/${dashboards[0].uuid}`);
    expect(dashboard).toMatchObject({ projectUuid: previewUuid, spaceUuid: sales.uuid, name: 'Sales overview', description: 'Weekly' });
    expect(dashboard.tiles.map((tile: { type: string; properties: { savedChartUuid?: string } }) => [tile.type, tile.properties.savedChartUuid ?? null])).toEqual([
      ['markdown', null],
      ['saved_chart', charts[0].uuid],
    ]);
    const sourceDashboard = await get(p.admin, `/api/v1/dashboards/${source.dashboard}`);
    expect(sourceDashboard.tiles[1].properties.savedChartUuid).toBe(source.chart);

    const audit = await get(p.admin, '/api/v1/org/audit-logs?action=project.preview.create');
    expect(audit.data.at(-1)).toMatchObject({
      actor: { userUuid: p.developer.userUuid },
      targetUuid: previewUuid,
      outcome: 'success',
      details: { upstreamProjectUuid: source.projectUuid, copyContent: true, spaces: 3, charts: 1, dashboards: 1, userGrants: 1, groupGrants: 1 },
    });
  });

  it('copies custom roles and role sets of user and group grants as they are, so each grantee may do in the preview what they may on the source (issue 17)', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin, 'Custom roles');
    const roles = `/api/v2/orgs/${p.organizationUuid}/roles`;
    const assignments = (project: string) => `/api/v2/projects/${project}/roles/assignments`;
    const createRole = async (name: string, scopes: string[]) => (await http().post(roles).set('Cookie', p.admin.cookie).send({ name, scopes }).expect(201)).body.results.roleUuid as string;
    const tagger = await createRole('Tagger', ['view:Project', 'create:Space']);
    const dashboardsOnly = await createRole('Dashboards only', ['view:Dashboard']);
    const reader = await addMember(t, p.org, 'member', 'Reader');
    const groupUuid = await createGroup(p, [p.viewer]);
    // a custom role in the grant's slot, a user's role set, a group's role set, and a custom role without view:Project
    await http().post(`${assignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: tagger }).expect(200);
    await http().put(`${assignments(projectUuid)}/user/${p.interactive_viewer.userUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: 'viewer', customRoleUuids: [tagger] }).expect(200);
    await http().put(`${assignments(projectUuid)}/group/${groupUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: 'viewer', customRoleUuids: [tagger] }).expect(200);
    await http().post(`${assignments(projectUuid)}/user/${reader.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: dashboardsOnly }).expect(200);

    const previewUuid: string = (await createPreview(p.developer, projectUuid).send({ name: 'Roles preview', copyContent: true }).expect(200)).body.results;

    const tag = (user: TestUser, project: string) => http().post(`/api/v1/projects/${project}/tags`).set('Cookie', user.cookie).send({ name: `T ${randomUUID()}`, color: '#000000' });
    const view = (user: TestUser, project: string) => http().get(`/api/v1/projects/${project}`).set('Cookie', user.cookie);
    const roleSet = async (project: string, kind: 'user' | 'group', id: string) => (await http().get(`${assignments(project)}/${kind}/${id}/set`).set('Cookie', p.admin.cookie).expect(200)).body.results;
    for (const project of [projectUuid, previewUuid]) {
      for (const user of [p.member, p.interactive_viewer, p.viewer]) {
        await view(user, project).expect(200);
        await tag(user, project).expect(201);
      }
      // the placeholder role of a custom grant gives nothing of its own
      await view(reader, project).expect(403);
    }
    for (const [kind, id] of [['user', p.member.userUuid], ['user', p.interactive_viewer.userUuid], ['user', reader.userUuid], ['group', groupUuid]] as const) {
      expect(await roleSet(previewUuid, kind, id)).toEqual(await roleSet(projectUuid, kind, id));
    }
    expect(await roleSet(previewUuid, 'group', groupUuid)).toEqual({ systemRole: 'viewer', customRoleUuids: [tagger] });
  });

  it('makes an independent copy: changing or deleting the preview leaves the source as it was', async () => {
    const p = await createPersonas(t);
    const source = await seedSource(p);
    const previewUuid: string = (await createPreview(p.admin, source.projectUuid).send({ name: 'Preview', copyContent: true }).expect(200)).body.results;
    const sourceSpacesBefore = await spacesOf(p.admin, source.projectUuid);
    const sourceChartsBefore = await get(p.admin, `/api/v1/projects/${source.projectUuid}/charts`);
    const sourceAccessBefore = await get(p.admin, `/api/v1/projects/${source.projectUuid}/access`);

    const previewSales = (await spacesOf(p.admin, previewUuid)).find((s) => s.name === 'Sales')!;
    await http().patch(`/api/v1/projects/${previewUuid}/spaces/${previewSales.uuid}`).set('Cookie', p.admin.cookie).send({ name: 'Renamed in preview' }).expect(200);
    const previewChart = ((await get(p.admin, `/api/v1/projects/${previewUuid}/charts`)) as { uuid: string }[])[0];
    await http().delete(`/api/v1/saved/${previewChart.uuid}`).set('Cookie', p.admin.cookie).expect(200);
    await http().delete(`/api/v1/projects/${previewUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    await http().patch(`/api/v1/projects/${previewUuid}`).set('Cookie', p.admin.cookie).send({ name: 'Preview renamed', warehouseConnection: { type: 'postgres', host: 'elsewhere.internal', port: 5432, dbname: 'analytics', schema: 'public' } }).expect(200);

    expect(await spacesOf(p.admin, source.projectUuid)).toEqual(sourceSpacesBefore);
    expect(await get(p.admin, `/api/v1/projects/${source.projectUuid}/charts`)).toEqual(sourceChartsBefore);
    expect(await get(p.admin, `/api/v1/projects/${source.projectUuid}/access`)).toEqual(sourceAccessBefore);
    expect((await storedWarehouseSecrets(source.projectUuid))?.password).toBe('warehouse-secret');
    expect((await get(p.admin, `/api/v1/projects/${source.projectUuid}`)).name).toBe('Jaffle shop');

    await http().delete(`/api/v1/org/projects/${previewUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect(await spacesOf(p.admin, source.projectUuid)).toEqual(sourceSpacesBefore);
    expect(await get(p.admin, `/api/v1/saved/${source.chart}`)).toMatchObject({ uuid: source.chart });
  });

  it('without copyContent: the connections and explores only, not linked, no grants and no content', async () => {
    const p = await createPersonas(t);
    const source = await seedSource(p);
    const previewUuid: string = (await createPreview(p.developer, source.projectUuid).send({ name: 'Bare preview', copyContent: false }).expect(200)).body.results;
    const preview = await get(p.admin, `/api/v1/projects/${previewUuid}`);
    expect(preview).toMatchObject({ type: 'PREVIEW', name: 'Bare preview' });
    expect(preview).not.toHaveProperty('upstreamProjectUuid');
    expect(await get(p.admin, `/api/v1/projects/${previewUuid}/explores`)).toEqual(await get(p.admin, `/api/v1/projects/${source.projectUuid}/explores`));
    expect(await spacesOf(p.admin, previewUuid)).toEqual([]);
    expect(await get(p.admin, `/api/v1/projects/${previewUuid}/access`)).toEqual([]);
    expect(await get(p.admin, `/api/v1/projects/${previewUuid}/groupAccesses`)).toEqual([]);
    // a project developer by grant only (org member) has no role on it: the creator is not made admin
    await http().patch(`/api/v1/projects/${source.projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'developer' }).expect(200);
    const byGrant: string = (await createPreview(p.member, source.projectUuid).send({ name: 'By grant', copyContent: false }).expect(200)).body.results;
    await http().get(`/api/v1/projects/${byGrant}`).set('Cookie', p.member.cookie).expect(403);
    expect((await get(p.admin, `/api/v1/projects/${byGrant}`)).createdByUserUuid).toBe(p.member.userUuid);
  });

  it('copies one consistent state of the source while its spaces are moved and created concurrently', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin, 'Busy project');
    const a = await createSpace(t, p.admin, projectUuid, { name: 'A' });
    const b = await createSpace(t, p.admin, projectUuid, { name: 'B', parentSpaceUuid: a });
    const c = await createSpace(t, p.admin, projectUuid, { name: 'C', parentSpaceUuid: b });
    const roots = await Promise.all([1, 2, 3].map((i) => createSpace(t, p.admin, projectUuid, { name: `Root ${i}` })));
    const move = (space: string, target: string | null) =>
      http().post(`/api/v2/content/${projectUuid}/move`).set('Cookie', p.admin.cookie).send({ item: { uuid: space, contentType: 'space' }, action: { type: 'move', targetSpaceUuid: target } });

    const previews = Array.from({ length: 4 }, (_, i) => createPreview(p.admin, projectUuid).send({ name: `Preview ${i}`, copyContent: true }));
    // the changes one after the other (they would otherwise wait on each other's locks), alongside the previews
    const changes = async () => {
      const statuses: number[] = [];
      for (const change of [
        () => move(c, null),
        () => move(b, roots[0]),
        () => move(c, roots[1]),
        ...[4, 5, 6].map((i) => () => http().post(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', p.admin.cookie).send({ name: `Child ${i}`, parentSpaceUuid: a })),
      ]) {
        statuses.push((await change()).status);
      }
      return statuses;
    };
    const [previewAnswers, changeStatuses] = await Promise.all([Promise.all(previews), changes()]);
    expect(changeStatuses).toEqual([200, 200, 200, 200, 200, 200]);

    for (const answer of previewAnswers) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status !== 200) continue;
      const copied = await spacesOf(p.admin, answer.body.results);
      const byUuid = new Map(copied.map((space) => [space.uuid, space]));
      // every copied space sits under a copied parent, and its path is its parents' slugs
      for (const space of copied) {
        if (space.parentSpaceUuid === null) continue;
        const parent = byUuid.get(space.parentSpaceUuid);
        expect(parent).toBeDefined();
        expect(space.path.startsWith(`${parent!.path}.`)).toBe(true);
      }
      expect(copied.length).toBeGreaterThanOrEqual(6);
      expect(copied.length).toBeLessThanOrEqual(9);
    }
    expect(previewAnswers.some((answer) => answer.status === 200)).toBe(true);
  });

  it('applies the dbt overrides the connection type has (branch, environment) and keeps its token', async () => {
    const p = await createPersonas(t);
    const created = await http()
      .post('/api/v1/org/projects')
      .set('Cookie', p.admin.cookie)
      .send({
        name: 'Git project',
        type: 'DEFAULT',
        dbtVersion: 'v1.9',
        dbtConnection: { type: 'github', authorization_method: 'personal_access_token', personal_access_token: 'ghp_secret', repository: 'acme/dbt', branch: 'main', project_sub_path: '/', environment: [{ key: 'A', value: '1' }] },
        warehouseConnection: { type: 'postgres', host: 'warehouse.internal', port: 5432, user: 'lightdash', password: 'warehouse-secret', dbname: 'analytics', schema: 'public' },
      })
      .expect(200);
    const projectUuid: string = created.body.results.project.projectUuid;
    const previewUuid: string = (
      await createPreview(p.admin, projectUuid)
        .send({ name: 'Branch preview', copyContent: false, dbtConnectionOverrides: { branch: 'feature/x', environment: [{ key: 'B', value: '2', extra: 'dropped' }], manifest: '{}' } })
        .expect(200)
    ).body.results;
    const preview = await get(p.admin, `/api/v1/projects/${previewUuid}`);
    expect(preview.dbtConnection).toEqual({
      type: 'github',
      authorization_method: 'personal_access_token',
      repository: 'acme/dbt',
      branch: 'feature/x',
      project_sub_path: '/',
      environment: [{ key: 'B', value: '2' }],
    });
    const secrets = async (uuid: string) => {
      const [row] = await t.app.get(DataSource).query('SELECT encrypted_dbt_secrets AS secrets FROM projects WHERE project_uuid = $1', [uuid]);
      return decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret);
    };
    expect(await secrets(previewUuid)).toEqual({ personal_access_token: 'ghp_secret' });
    expect((await get(p.admin, `/api/v1/projects/${projectUuid}`)).dbtConnection).toMatchObject({ branch: 'main', environment: [{ key: 'A', value: '1' }] });
  });

  it('needs project developer (403 below, 404 for outsiders) and a valid body (422), creating nothing', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    const before = await orgProjects(p.admin);

    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor'] as const) {
      await createPreview(p[role], projectUuid).send({ name: 'Preview', copyContent: true }).expect(403);
    }
    const outsider = await createPreview(other.admin, projectUuid).send({ name: 'Preview', copyContent: true }).expect(404);
    expect(outsider.body.error.name).toBe('NotFoundError');
    await createPreview(p.admin, randomUUID()).send({ name: 'Preview', copyContent: true }).expect(404);

    for (const body of [
      {},
      { name: 'Preview' },
      { copyContent: true },
      { name: '  ', copyContent: true },
      { name: 'Preview', copyContent: 'yes' },
      { name: 'x'.repeat(256), copyContent: true },
      { name: 'Preview', copyContent: true, dbtConnectionOverrides: 'main' },
      { name: 'Preview', copyContent: true, dbtConnectionOverrides: { environment: { key: 'a', value: 'b' } } },
      { name: 'Preview', copyContent: true, dbtConnectionOverrides: { environment: [{ key: 'a' }] } },
      { name: 'Preview', copyContent: true, warehouseConnectionOverrides: { schema: 5 } },
    ]) {
      const res = await createPreview(p.admin, projectUuid).send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
    await createPreview(p.admin, projectUuid).set('content-type', 'application/json').send('{"name":').expect(400);
    expect(await orgProjects(p.admin)).toEqual(before);
    expect(await orgProjects(other.admin)).toEqual([]);
  });

  it('refuses a source without a warehouse connection with 400, creating nothing', async () => {
    const p = await createPersonas(t);
    const created = await http()
      .post('/api/v1/org/projects')
      .set('Cookie', p.admin.cookie)
      .send({ name: 'No warehouse', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' } })
      .expect(200);
    const projectUuid = created.body.results.project.projectUuid;
    const before = await orgProjects(p.admin);
    const res = await createPreview(p.admin, projectUuid).send({ name: 'Preview', copyContent: true }).expect(400);
    expect(res.body.error).toMatchObject({ name: 'ParameterError', message: `Missing warehouse connection for project ${projectUuid}` });
    expect(await orgProjects(p.admin)).toEqual(before);
  });
});
