import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { TrashPurgeService } from '../../src/content/trash-purge.service.js';
import { PURGE_LOCK_KEY } from '../../src/content/content-trash.queries.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

type Method = 'get' | 'post' | 'patch' | 'delete';
type Kind = 'space' | 'chart' | 'dashboard';

/** The keys of a v2 content item, in the order Lightdash's SummaryContent and our answers have them. */
const SUMMARY_KEYS = ['contentType', 'uuid', 'slug', 'name', 'description', 'createdAt', 'createdBy', 'lastUpdatedAt', 'lastUpdatedBy', 'project', 'organization', 'space', 'pinnedList', 'views', 'firstViewedAt', 'verification'];
const SPACE_KEYS = ['inheritParentPermissions', 'dashboardCount', 'chartCount', 'childSpaceCount', 'appCount', 'parentSpaceUuid', 'path', 'access'];

describe('content: the trash and the v2 content API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const call = (user: TestUser, method: Method, path: string, body?: object) => {
    const req = t.http()[method](path.startsWith('/api/') ? path : `/api/v1${path}`).set('Cookie', user.cookie);
    return body ? req.send(body) : req;
  };
  const db = () => t.app.get(DataSource);

  async function insertChart(spaceUuid: string, name: string): Promise<string> {
    const [row] = await db().query(
      `INSERT INTO saved_charts (space_id, project_id, name, slug, table_name, metric_query, chart_config)
       SELECT space_id, project_id, $2, $2 || '-' || gen_random_uuid(), 'orders', '{}', '{}' FROM spaces WHERE space_uuid = $1
       RETURNING saved_chart_uuid AS uuid`,
      [spaceUuid, name],
    );
    return row.uuid;
  }

  async function insertDashboard(spaceUuid: string, name: string): Promise<string> {
    const [row] = await db().query(
      `INSERT INTO dashboards (space_id, project_id, name, slug) SELECT space_id, project_id, $2, $2 || '-' || gen_random_uuid() FROM spaces WHERE space_uuid = $1
       RETURNING dashboard_uuid AS uuid`,
      [spaceUuid, name],
    );
    return row.uuid;
  }

  const item = (kind: Kind, uuid: string) => ({ item: { uuid, contentType: kind } });
  const restore = (user: TestUser, projectUuid: string, kind: Kind, uuid: string) => call(user, 'post', `/api/v2/content/${projectUuid}/restore`, item(kind, uuid));
  const purge = (user: TestUser, projectUuid: string, kind: Kind, uuid: string) => call(user, 'delete', `/api/v2/content/${projectUuid}/permanent`, item(kind, uuid));
  const trash = (user: TestUser, projectUuid: string, kind: Kind, uuid: string) =>
    call(user, 'post', `/api/v2/content/${projectUuid}/delete`, { ...item(kind, uuid), action: { type: 'delete' } });
  const spacePath = (projectUuid: string, spaceUuid: string) => `/projects/${projectUuid}/spaces/${spaceUuid}`;
  const listedSpaces = async (user: TestUser, projectUuid: string): Promise<string[]> =>
    (await call(user, 'get', `/projects/${projectUuid}/spaces`).expect(200)).body.results.map((s: { uuid: string }) => s.uuid);
  const deletedList = async (user: TestUser, projectUuid: string) =>
    (await call(user, 'get', `/api/v2/content/deleted?projectUuids=${projectUuid}&pageSize=100`).expect(200)).body.results;

  async function setup(): Promise<{ p: Personas; projectUuid: string }> {
    const p = await createPersonas(t);
    return { p, projectUuid: await createProject(t, p.admin) };
  }

  it('a deleted chart is invisible to every read and list, and comes back where it was with its access', async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.editor, projectUuid, { name: 'Reports' });
    const chart = await insertChart(space, 'Revenue');
    await call(p.viewer, 'get', `/saved/${chart}`).expect(200);
    // the space is cached by a first read; deleting must not leave the cached copy served
    expect((await call(p.viewer, 'get', spacePath(projectUuid, space)).expect(200)).body.results.queries).toHaveLength(1);

    await call(p.editor, 'delete', `/saved/${chart}`).expect(200);

    await call(p.viewer, 'get', `/saved/${chart}`).expect(404);
    await call(p.editor, 'patch', `/saved/${chart}`, { name: 'Renamed' }).expect(404);
    expect((await call(p.viewer, 'get', spacePath(projectUuid, space)).expect(200)).body.results.queries).toEqual([]);
    expect((await call(p.viewer, 'get', `/projects/${projectUuid}/charts`).expect(200)).body.results).toEqual([]);
    expect((await call(p.viewer, 'get', `/projects/${projectUuid}/chart-summaries`).expect(200)).body.results).toEqual([]);
    const summary = (await call(p.viewer, 'get', `/projects/${projectUuid}/spaces`).expect(200)).body.results.find((s: { uuid: string }) => s.uuid === space);
    expect(summary.chartCount).toBe('0'); // counts are strings in the v1 space list, as in Lightdash
    const listed = (await call(p.viewer, 'get', `/api/v2/content?projectUuids=${projectUuid}&contentTypes=chart`).expect(200)).body.results;
    expect(listed.data).toEqual([]);

    // in the trash of whoever deleted it (and of project admins), not of others
    expect((await deletedList(p.editor, projectUuid)).data.map((d: { uuid: string }) => d.uuid)).toEqual([chart]);
    expect((await deletedList(p.admin, projectUuid)).data).toEqual([
      expect.objectContaining({ uuid: chart, contentType: 'chart', name: 'Revenue', spaceUuid: space, deletedBy: expect.objectContaining({ userUuid: p.editor.userUuid }) }),
    ]);
    expect((await deletedList(p.viewer, projectUuid)).data).toEqual([]);

    await restore(p.editor, projectUuid, 'chart', chart).expect(200, { status: 'ok' });
    expect((await call(p.viewer, 'get', `/saved/${chart}`).expect(200)).body.results.spaceUuid).toBe(space);
    expect((await call(p.viewer, 'get', spacePath(projectUuid, space)).expect(200)).body.results.queries).toHaveLength(1);
    expect((await deletedList(p.editor, projectUuid)).data).toEqual([]);
    // not in the trash any more: a second restore is 404
    await restore(p.editor, projectUuid, 'chart', chart).expect(404);
  });

  it('a deleted dashboard is invisible, restorable by whoever could delete it, and deletable for good', async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.editor, projectUuid, { name: 'Boards' });
    const dashboard = await insertDashboard(space, 'Weekly');
    await call(p.editor, 'delete', `/dashboards/${dashboard}`).expect(200);
    await call(p.viewer, 'get', `/dashboards/${dashboard}`).expect(404);
    expect((await call(p.viewer, 'get', `/projects/${projectUuid}/dashboards`).expect(200)).body.results).toEqual([]);
    expect((await call(p.viewer, 'get', spacePath(projectUuid, space)).expect(200)).body.results.dashboards).toEqual([]);

    // a project viewer may not restore it (deleting needed space editor), an outsider does not see it
    await restore(p.viewer, projectUuid, 'dashboard', dashboard).expect(403);
    const outsider = await setup();
    await restore(outsider.p.admin, projectUuid, 'dashboard', dashboard).expect(404);
    await restore(outsider.p.admin, outsider.projectUuid, 'dashboard', dashboard).expect(404);

    await restore(p.editor, projectUuid, 'dashboard', dashboard).expect(200);
    await call(p.viewer, 'get', `/dashboards/${dashboard}`).expect(200);

    // permanent delete needs it in the trash first
    await purge(p.editor, projectUuid, 'dashboard', dashboard).expect(404);
    await trash(p.editor, projectUuid, 'dashboard', dashboard).expect(200, { status: 'ok' });
    await purge(outsider.p.admin, projectUuid, 'dashboard', dashboard).expect(404);
    await purge(p.editor, projectUuid, 'dashboard', dashboard).expect(200, { status: 'ok' });
    expect(await db().query('SELECT 1 FROM dashboards WHERE dashboard_uuid = $1', [dashboard])).toEqual([]);
    await restore(p.editor, projectUuid, 'dashboard', dashboard).expect(404);
  });

  it('deleting a space takes its child spaces and content with it; restoring brings back exactly that, with its access', async () => {
    const { p, projectUuid } = await setup();
    const [shared] = await listedSpaces(p.admin, projectUuid); // the project's default space
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Finance' });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Payroll', parentSpaceUuid: root, isPrivate: true });
    await shareSpace(t, p.admin, projectUuid, child, p.viewer.userUuid, 'viewer');
    const grandchild = await createSpace(t, p.admin, projectUuid, { name: 'Bonuses', parentSpaceUuid: child });
    const chart = await insertChart(grandchild, 'Bonus pool');
    const dashboard = await insertDashboard(root, 'Overview');
    // trashed on its own before the space: stays in the trash when the space comes back
    const earlier = await insertChart(root, 'Old chart');
    await call(p.admin, 'delete', `/saved/${earlier}`).expect(200);
    await call(p.interactive_viewer, 'get', spacePath(projectUuid, child)).expect(403);
    await call(p.viewer, 'get', spacePath(projectUuid, grandchild)).expect(200);

    await call(p.admin, 'delete', spacePath(projectUuid, root)).expect(200);

    for (const uuid of [root, child, grandchild]) await call(p.admin, 'get', spacePath(projectUuid, uuid)).expect(404);
    await call(p.admin, 'get', `/saved/${chart}`).expect(404);
    await call(p.admin, 'get', `/dashboards/${dashboard}`).expect(404);
    // only the project's default space "Shared" is left
    expect((await call(p.admin, 'get', `/projects/${projectUuid}/spaces`).expect(200)).body.results.map((s: { name: string }) => s.name)).toEqual(['Shared']);
    const all = (await call(p.admin, 'get', `/api/v2/content?projectUuids=${projectUuid}&search=o&pageSize=50`).expect(200)).body.results;
    expect(all.pagination.totalResults).toBe(0);
    // nothing can be created inside it
    await call(p.admin, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: child }).expect(404);
    // the trash lists the space only (what went with it comes back with it), and the chart deleted before it is hidden inside it
    const trashList = await deletedList(p.admin, projectUuid);
    expect(trashList.data).toEqual([expect.objectContaining({ uuid: root, contentType: 'space', nestedSpaceCount: 2, chartCount: 1, dashboardCount: 1 })]);
    // a child that went with its parent cannot come back on its own
    const conflict = await restore(p.admin, projectUuid, 'space', child).expect(409);
    expect(conflict.body.error).toEqual(expect.objectContaining({ name: 'ConflictError', statusCode: 409 }));
    expect(conflict.body.error.message).toContain('Finance');

    await restore(p.admin, projectUuid, 'space', root).expect(200);

    for (const uuid of [root, child, grandchild]) await call(p.admin, 'get', spacePath(projectUuid, uuid)).expect(200);
    await call(p.viewer, 'get', `/saved/${chart}`).expect(200);
    await call(p.admin, 'get', `/dashboards/${dashboard}`).expect(200);
    await call(p.admin, 'get', `/saved/${earlier}`).expect(404);
    // access as before: the private child is still shared with the viewer only
    await call(p.viewer, 'get', spacePath(projectUuid, grandchild)).expect(200);
    await call(p.interactive_viewer, 'get', spacePath(projectUuid, child)).expect(403);
    expect((await listedSpaces(p.admin, projectUuid)).sort()).toEqual([shared, root, child, grandchild].sort());
    expect((await deletedList(p.admin, projectUuid)).data.map((d: { uuid: string }) => d.uuid)).toEqual([earlier]);

    const audit = (await call(p.admin, 'get', '/org/audit-logs?pageSize=100').expect(200)).body.results;
    const actions = (audit.data ?? audit).map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['space.delete', 'space.restore', 'chart.delete']));
  });

  it("lists everyone's deletions for holders of manage:DeletedContent, a custom role included; others see their own", async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Shared' });
    const chart = await insertChart(space, 'Churn');
    await trash(p.editor, projectUuid, 'chart', chart).expect(200);
    const role = await call(p.admin, 'post', `/api/v2/orgs/${p.organizationUuid}/roles`, {
      name: 'Trash keeper',
      scopes: ['view:Project', 'view:Space', 'manage:DeletedContent'],
    }).expect(201);
    await call(p.admin, 'post', `/api/v2/projects/${projectUuid}/roles/assignments/user/${p.member.userUuid}`, { roleId: role.body.results.roleUuid }).expect(200);

    expect((await deletedList(p.member, projectUuid)).data.map((row: { uuid: string }) => row.uuid)).toEqual([chart]);
    // and may filter it by who deleted it
    const byAdmin = await call(p.member, 'get', `/api/v2/content/deleted?projectUuids=${projectUuid}&deletedByUserUuids=${p.admin.userUuid}`).expect(200);
    expect(byAdmin.body.results.data).toEqual([]);
    // a developer holds no manage:DeletedContent: only what they deleted themselves
    expect((await deletedList(p.developer, projectUuid)).data).toEqual([]);
    expect((await deletedList(p.admin, projectUuid)).data.map((row: { uuid: string }) => row.uuid)).toEqual([chart]);
  });

  it('outsiders get 404 and members without the role 403, on every trash action', async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Private', isPrivate: true });
    const chart = await insertChart(space, 'Secret');
    const outsider = await setup();
    await trash(outsider.p.admin, projectUuid, 'chart', chart).expect(404);
    await trash(outsider.p.admin, outsider.projectUuid, 'chart', chart).expect(404);
    await trash(p.editor, projectUuid, 'chart', chart).expect(403);
    await trash(p.admin, projectUuid, 'chart', chart).expect(200);
    await restore(p.editor, projectUuid, 'chart', chart).expect(403);
    await purge(p.editor, projectUuid, 'chart', chart).expect(403);
    await call(outsider.p.admin, 'get', `/api/v2/content/deleted?projectUuids=${projectUuid}`).expect(404);
    expect((await deletedList(p.editor, projectUuid)).data).toEqual([]);
    // data apps do not exist here
    await trash(p.admin, projectUuid, 'data_app' as Kind, chart).expect(400);
    // bad input changes nothing
    await call(p.admin, 'post', `/api/v2/content/${projectUuid}/restore`, { item: { uuid: 'nope', contentType: 'chart' } }).expect(422);
    await call(p.admin, 'post', `/api/v2/content/${projectUuid}/restore`, { item: { uuid: chart, contentType: 'folder' } }).expect(422);
    await call(p.admin, 'get', `/api/v2/content/deleted`).expect(422);
    await call(p.admin, 'get', `/saved/${chart}`).expect(404);
  });

  it('a concurrent restore and permanent delete: one wins, and nothing is left half-done', async () => {
    const { p, projectUuid } = await setup();
    for (let round = 0; round < 5; round++) {
      const root = await createSpace(t, p.admin, projectUuid, { name: `Round ${round}` });
      const child = await createSpace(t, p.admin, projectUuid, { name: `Child ${round}`, parentSpaceUuid: root });
      const chart = await insertChart(child, `Chart ${round}`);
      await call(p.admin, 'delete', spacePath(projectUuid, root)).expect(200);
      const [restored, purged] = await Promise.all([restore(p.admin, projectUuid, 'space', root), purge(p.admin, projectUuid, 'space', root)]);
      expect([restored.status, purged.status].sort()).toEqual([200, 404]);
      const rows: { live: number; trashed: number }[] = await db().query(
        `SELECT count(*) FILTER (WHERE deleted_at IS NULL)::int AS live, count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS trashed
         FROM (SELECT deleted_at FROM spaces WHERE space_uuid = ANY ($1::uuid[]) UNION ALL SELECT deleted_at FROM saved_charts WHERE saved_chart_uuid = $2) x`,
        [[root, child], chart],
      );
      if (restored.status === 200) {
        expect(rows).toEqual([{ live: 3, trashed: 0 }]);
        await call(p.admin, 'get', `/saved/${chart}`).expect(200);
      } else {
        expect(rows).toEqual([{ live: 0, trashed: 0 }]);
        await call(p.admin, 'get', `/saved/${chart}`).expect(404);
      }
    }
  });

  it('moves a space with the Terraform provider body, needing manage on both spaces; refuses cycles', async () => {
    const { p, projectUuid } = await setup();
    const parent = await createSpace(t, p.admin, projectUuid, { name: 'Parent' });
    const moved = await createSpace(t, p.admin, projectUuid, { name: 'Moved' });
    const below = await createSpace(t, p.admin, projectUuid, { name: 'Below', parentSpaceUuid: moved });
    // the exact body of terraform-provider-lightdash's MoveSpaceV2
    const body = (space: string, target: string | null) => ({ item: { uuid: space, type: 'space', contentType: 'space' }, action: { type: 'move', targetSpaceUuid: target } });
    const move = (user: TestUser, space: string, target: string | null) => call(user, 'post', `/api/v2/content/${projectUuid}/move`, body(space, target));

    const res = await move(p.admin, moved, parent).expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    const after = (await call(p.admin, 'get', spacePath(projectUuid, below)).expect(200)).body.results;
    expect(after.path).toBe('parent.moved.below');
    expect((await call(p.admin, 'get', spacePath(projectUuid, moved)).expect(200)).body.results.parentSpaceUuid).toBe(parent);

    expect((await move(p.admin, parent, below).expect(400)).body.error.message).toContain('nested-spaces');
    expect((await move(p.admin, moved, parent).expect(400)).body.error.message).toContain('already in the correct parent space');
    // space:manage on the moved space and on the destination (as PATCH /spaces/{s} needs)
    const privateTarget = await createSpace(t, p.admin, projectUuid, { name: 'Locked', isPrivate: true });
    const editorsOwn = await createSpace(t, p.editor, projectUuid, { name: 'Editors own' });
    await move(p.editor, privateTarget, editorsOwn).expect(403); // no admin entry on the moved (private) space
    await move(p.editor, editorsOwn, privateTarget).expect(403); // nor on the destination
    await move(p.viewer, moved, parent).expect(403);
    await move(p.interactive_viewer, editorsOwn, moved).expect(403);
    await move(p.editor, editorsOwn, null).expect(400); // already a root space
    // a project editor manages public spaces without an entry (Lightdash's `manage Space@public`)
    await move(p.editor, editorsOwn, moved).expect(200);
    await move(p.editor, editorsOwn, null).expect(200);
    await move(p.admin, moved, null).expect(200);
    expect((await call(p.admin, 'get', spacePath(projectUuid, below)).expect(200)).body.results.path).toBe('moved.below');
    const outsider = await setup();
    await call(outsider.p.admin, 'post', `/api/v2/content/${outsider.projectUuid}/move`, body(moved, null)).expect(404);

    // a chart: edit-content on the source and on the target space
    const chart = await insertChart(parent, 'Moving chart');
    await call(p.editor, 'post', `/api/v2/content/${projectUuid}/move`, { item: { uuid: chart, contentType: 'chart', source: 'dbt_explore' }, action: { type: 'move', targetSpaceUuid: privateTarget } }).expect(403);
    await call(p.admin, 'post', `/api/v2/content/${projectUuid}/move`, { item: { uuid: chart, contentType: 'chart' }, action: { type: 'move', targetSpaceUuid: null } }).expect(400);
    await call(p.editor, 'post', `/api/v2/content/${projectUuid}/move`, { item: { uuid: chart, contentType: 'chart' }, action: { type: 'move', targetSpaceUuid: moved } }).expect(200);
    expect((await call(p.admin, 'get', `/saved/${chart}`).expect(200)).body.results.spaceUuid).toBe(moved);
  });

  it('bulk actions: a move is all or nothing; a delete goes item by item and lists what it skipped', async () => {
    const { p, projectUuid } = await setup();
    const open = await createSpace(t, p.admin, projectUuid, { name: 'Open' });
    const target = await createSpace(t, p.admin, projectUuid, { name: 'Target' });
    const locked = await createSpace(t, p.admin, projectUuid, { name: 'Locked', isPrivate: true });
    const mine = await insertChart(open, 'Mine');
    const theirs = await insertChart(locked, 'Theirs');
    const board = await insertDashboard(open, 'Board');

    const content = [
      { uuid: mine, contentType: 'chart' },
      { uuid: theirs, contentType: 'chart' },
    ];
    await call(p.editor, 'post', `/api/v2/content/bulk-action/${projectUuid}/move`, { content, action: { type: 'move', targetSpaceUuid: target } }).expect(403);
    expect((await call(p.admin, 'get', `/saved/${mine}`).expect(200)).body.results.spaceUuid).toBe(open);

    const res = await call(p.editor, 'post', `/api/v2/content/bulk-action/${projectUuid}/delete`, {
      content: [...content, { uuid: board, contentType: 'dashboard' }],
      action: { type: 'delete' },
    }).expect(200);
    expect(res.body.results).toEqual({
      deletedCount: 2,
      skipped: [{ uuid: theirs, contentType: 'chart', reason: 'You do not have permission to delete this content' }],
    });
    await call(p.admin, 'get', `/saved/${mine}`).expect(404);
    await call(p.admin, 'get', `/saved/${theirs}`).expect(200);
  });

  it('GET /api/v2/content pages what the caller may see, spaces first; the v1 space list ignores page and pageSize', async () => {
    const { p, projectUuid } = await setup();
    const names = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'];
    const spaces: string[] = [];
    for (const name of names) spaces.push(await createSpace(t, p.admin, projectUuid, { name }));
    const hidden = await createSpace(t, p.admin, projectUuid, { name: 'Hidden', isPrivate: true });
    const nested = await createSpace(t, p.admin, projectUuid, { name: 'Nested', parentSpaceUuid: spaces[0] });
    const chart = await insertChart(spaces[0], 'Chart in alpha');
    const page1 = (await call(p.viewer, 'get', `/api/v2/content?projectUuids=${projectUuid}&pageSize=3&sortBy=name&sortDirection=asc`).expect(200)).body.results;
    // the five root spaces, the project's default space "Shared" and the chart
    expect(page1.pagination).toEqual({ page: 1, pageSize: 3, totalPageCount: 3, totalResults: 7 });
    expect(page1.data.map((d: { name: string }) => d.name)).toEqual(['Alpha', 'Beta', 'Delta']);
    expect(page1.data[0]).toEqual(
      expect.objectContaining({
        contentType: 'space',
        uuid: spaces[0],
        slug: 'alpha',
        project: expect.objectContaining({ uuid: projectUuid }),
        space: { uuid: spaces[0], name: 'Alpha' },
        childSpaceCount: 1,
        chartCount: 1,
        dashboardCount: 0,
        parentSpaceUuid: null,
        path: 'alpha',
        inheritParentPermissions: true,
        access: [p.admin.userUuid],
      }),
    );
    const page2 = (await call(p.viewer, 'get', `/api/v2/content?projectUuids=${projectUuid}&pageSize=3&page=2&sortBy=name&sortDirection=asc`).expect(200)).body.results;
    expect(page2.data.map((d: { name: string }) => d.name)).toEqual(['Epsilon', 'Gamma', 'Shared']);
    expect(page2.data.map((d: { uuid: string }) => d.uuid)).not.toContain(hidden);
    const inAlpha = (await call(p.viewer, 'get', `/api/v2/content?spaceUuids=${spaces[0]}`).expect(200)).body.results;
    expect(inAlpha.data.map((d: { uuid: string }) => d.uuid)).toEqual([nested, chart]);
    await call(p.viewer, 'get', `/api/v2/content?page=-1`).expect(422);

    const v1 = (await call(p.viewer, 'get', `/projects/${projectUuid}/spaces?page=1&pageSize=2`).expect(200)).body.results;
    expect(Array.isArray(v1)).toBe(true);
    expect(v1).toHaveLength(7);
  });

  it('GET /api/v2/content answers every shape of request (types, search, uuids, spaces, pages past the end) with the same visibility', async () => {
    const { p, projectUuid } = await setup();
    // without the project's default space, Shared, so the counts below are this test's spaces alone
    const shared = (await call(p.admin, 'get', `/projects/${projectUuid}/spaces`).expect(200)).body.results.find((s: { name: string }) => s.name === 'Shared');
    await call(p.admin, 'delete', `/projects/${projectUuid}/spaces/${shared.uuid}`).expect(200);
    const alpha = await createSpace(t, p.admin, projectUuid, { name: 'Alpha' });
    const beta = await createSpace(t, p.admin, projectUuid, { name: 'Beta' });
    const hidden = await createSpace(t, p.admin, projectUuid, { name: 'Hidden alpha', isPrivate: true });
    const nested = await createSpace(t, p.admin, projectUuid, { name: 'Nested', parentSpaceUuid: alpha });
    const chart = await insertChart(alpha, 'Alpha revenue');
    const dashboard = await insertDashboard(beta, 'Beta board');
    const hiddenChart = await insertChart(hidden, 'Hidden chart');
    const list = async (user: TestUser, query: string) => {
      const results = (await call(user, 'get', `/api/v2/content?projectUuids=${projectUuid}&${query}`).expect(200)).body.results;
      return { uuids: results.data.map((d: { uuid: string }) => d.uuid), total: results.pagination.totalResults };
    };

    // root spaces only, newest first (the bench's request)
    expect(await list(p.viewer, 'contentTypes=space&pageSize=1')).toEqual({ uuids: [beta], total: 2 });
    expect(await list(p.admin, 'contentTypes=space&pageSize=25')).toEqual({ uuids: [hidden, beta, alpha], total: 3 });
    expect(await list(p.viewer, 'contentTypes=space&page=3&pageSize=1')).toEqual({ uuids: [], total: 2 });
    expect(await list(p.viewer, 'contentTypes=chart&contentTypes=dashboard&sortBy=name&sortDirection=asc')).toEqual({ uuids: [dashboard, chart], total: 2 });
    expect(await list(p.admin, 'contentTypes=chart&sortBy=name&sortDirection=asc')).toEqual({ uuids: [chart, hiddenChart], total: 2 });
    // a search looks at every level; what the caller cannot see stays out
    expect(await list(p.viewer, 'search=ALPHA&sortBy=name&sortDirection=asc')).toEqual({ uuids: [alpha, chart], total: 2 });
    expect(await list(p.admin, 'search=alpha&sortBy=name&sortDirection=asc')).toEqual({ uuids: [alpha, hidden, chart], total: 3 });
    expect(await list(p.viewer, 'search=nest')).toEqual({ uuids: [nested], total: 1 });
    expect(await list(p.viewer, `uuids=${nested}&uuids=${dashboard}&uuids=${hiddenChart}`)).toEqual({ uuids: [nested, dashboard], total: 2 });
    expect(await list(p.viewer, `spaceUuids=${alpha}&contentTypes=space`)).toEqual({ uuids: [nested], total: 1 });
    expect(await list(p.viewer, `spaceUuids=${hidden}`)).toEqual({ uuids: [], total: 0 });
    expect(await list(p.admin, `spaceUuids=${hidden}`)).toEqual({ uuids: [hiddenChart], total: 1 });
  });

  it('GET /api/v2/content: the page PostgreSQL writes as JSON text reads exactly as JSON.stringify of its items, every kind, awkward text included', async () => {
    const { p, projectUuid } = await setup();
    const awkward = 'Q "3" \\ back\nslash\t\u0001 é 😀 \u2028 </script>';
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Awkward root' });
    const nested = await createSpace(t, p.admin, projectUuid, { name: 'Nested', parentSpaceUuid: root });
    const chart = await insertChart(root, 'A chart');
    const dashboard = await insertDashboard(root, 'A board');
    const at = '2026-01-02T03:04:05.678Z';
    const [[admin]] = await db().query('UPDATE users SET first_name = $2 WHERE user_uuid = $1 RETURNING user_id AS id', [p.admin.userUuid, awkward]);
    await db().query('UPDATE spaces SET name = $2, created_at = $3 WHERE space_uuid = $1', [root, awkward, at]);
    await db().query('UPDATE spaces SET created_at = $2 WHERE space_uuid = $1', [nested, at]);
    await db().query(
      `UPDATE saved_charts SET name = $2, description = $2, chart_kind = 'table', views = 3, first_viewed_at = $3, created_at = $3, updated_at = $3,
       updated_by_user_id = $4 WHERE saved_chart_uuid = $1`,
      [chart, awkward, at, admin.id],
    );
    await db().query('UPDATE dashboards SET created_at = $2, updated_at = $2, created_by_user_id = $3 WHERE dashboard_uuid = $1', [dashboard, at, admin.id]);

    const res = await call(p.viewer, 'get', `/api/v2/content?uuids=${root}&uuids=${nested}&uuids=${chart}&uuids=${dashboard}&sortBy=name&sortDirection=asc`).expect(200);
    // what the server sends is what JSON.stringify wrote when the items were objects: no spaces, the same escapes, the same key order
    expect(res.text).toBe(JSON.stringify(res.body));
    const { data, pagination } = res.body.results;
    expect(pagination).toEqual({ page: 1, pageSize: 10, totalPageCount: 1, totalResults: 4 });
    const project = { uuid: projectUuid, name: 'Test project' };
    const organization = { uuid: p.organizationUuid, name: expect.any(String) };
    const adminRef = { uuid: p.admin.userUuid, firstName: awkward, lastName: expect.any(String) };
    const common = { pinnedList: null, verification: null, project, organization };
    expect(data.map((d: object) => Object.keys(d))).toEqual([
      [...SUMMARY_KEYS, ...SPACE_KEYS],
      [...SUMMARY_KEYS, ...SPACE_KEYS],
      SUMMARY_KEYS,
      [...SUMMARY_KEYS, 'source', 'chartKind', 'dashboard'],
    ]);
    expect(data).toEqual([
      {
        ...common,
        contentType: 'space',
        uuid: nested,
        slug: 'nested',
        name: 'Nested',
        description: null,
        createdAt: at,
        createdBy: adminRef,
        lastUpdatedAt: at,
        lastUpdatedBy: null,
        space: { uuid: nested, name: 'Nested' },
        views: 0,
        firstViewedAt: null,
        inheritParentPermissions: true,
        dashboardCount: 0,
        chartCount: 0,
        childSpaceCount: 0,
        appCount: 0,
        parentSpaceUuid: root,
        path: expect.stringMatching(/\.nested$/),
        access: [p.admin.userUuid],
      },
      {
        ...common,
        contentType: 'space',
        uuid: root,
        slug: 'awkward-root',
        name: awkward,
        description: null,
        createdAt: at,
        createdBy: adminRef,
        lastUpdatedAt: at,
        lastUpdatedBy: null,
        space: { uuid: root, name: awkward },
        views: 0,
        firstViewedAt: null,
        inheritParentPermissions: true,
        dashboardCount: 1,
        chartCount: 1,
        childSpaceCount: 1,
        appCount: 0,
        parentSpaceUuid: null,
        path: 'awkward-root',
        access: [p.admin.userUuid],
      },
      {
        ...common,
        contentType: 'dashboard',
        uuid: dashboard,
        slug: expect.stringMatching(/^A board-/),
        name: 'A board',
        description: null,
        createdAt: at,
        createdBy: adminRef,
        lastUpdatedAt: at,
        lastUpdatedBy: null,
        space: { uuid: root, name: awkward },
        views: 0,
        firstViewedAt: null,
      },
      {
        ...common,
        contentType: 'chart',
        uuid: chart,
        slug: expect.stringMatching(/^A chart-/),
        name: awkward,
        description: awkward,
        createdAt: at,
        createdBy: null,
        lastUpdatedAt: at,
        lastUpdatedBy: adminRef,
        space: { uuid: root, name: awkward },
        views: 3,
        firstViewedAt: at,
        source: 'dbt_explore',
        chartKind: 'table',
        dashboard: null,
      },
    ]);
  });

  it('GET /api/v2/content and a space\'s children show what each space holds now: counts, parent and direct entries follow writes and the trash', async () => {
    const { p, projectUuid } = await setup();
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Holdings', isPrivate: true });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Inner', parentSpaceUuid: root });
    await createSpace(t, p.admin, projectUuid, { name: 'Inner two', parentSpaceUuid: root });
    const charts = [await insertChart(root, 'One'), await insertChart(root, 'Two'), await insertChart(child, 'Three')];
    await insertDashboard(root, 'Board');
    await shareSpace(t, p.admin, projectUuid, root, p.viewer.userUuid, 'viewer');
    const page = async (spaceUuids?: string) =>
      (await call(p.admin, 'get', `/api/v2/content?projectUuids=${projectUuid}&contentTypes=space&pageSize=100${spaceUuids ? `&spaceUuids=${spaceUuids}` : ''}`).expect(200))
        .body.results.data as Record<string, unknown>[];
    const inPage = async (uuid: string, spaceUuids?: string) => (await page(spaceUuids)).find((entry) => entry.uuid === uuid)!;
    const children = async () => (await call(p.admin, 'get', spacePath(projectUuid, root)).expect(200)).body.results.childSpaces as Record<string, unknown>[];

    const listed = await inPage(root);
    expect(listed).toMatchObject({ chartCount: 2, dashboardCount: 1, childSpaceCount: 2, parentSpaceUuid: null });
    expect([...(listed.access as string[])].sort()).toEqual([p.admin.userUuid, p.viewer.userUuid].sort());
    expect(await inPage(child, root)).toMatchObject({ chartCount: 1, dashboardCount: 0, childSpaceCount: 0, parentSpaceUuid: root, access: [p.admin.userUuid] });
    expect((await children()).find((entry) => entry.uuid === child)).toMatchObject({ chartCount: '1', dashboardCount: '0', childSpaceCount: '0' });

    await trash(p.admin, projectUuid, 'chart', charts[0]).expect(200);
    await trash(p.admin, projectUuid, 'chart', charts[2]).expect(200);
    await trash(p.admin, projectUuid, 'space', child).expect(200);
    await call(p.admin, 'delete', `/projects/${projectUuid}/spaces/${root}/share/${p.viewer.userUuid}`).expect(200);
    expect(await inPage(root)).toMatchObject({ chartCount: 1, dashboardCount: 1, childSpaceCount: 1, access: [p.admin.userUuid] });
    expect((await children()).map((entry) => entry.name)).toEqual(['Inner two']);

    await restore(p.admin, projectUuid, 'space', child).expect(200);
    await restore(p.admin, projectUuid, 'chart', charts[2]).expect(200);
    expect(await inPage(root)).toMatchObject({ chartCount: 1, childSpaceCount: 2 });
    expect((await children()).find((entry) => entry.uuid === child)).toMatchObject({ chartCount: '1' });
  });

  it('the purge deletes for good what stayed in the trash past the retention, one replica at a time', async () => {
    const { p, projectUuid } = await setup();
    const old = await createSpace(t, p.admin, projectUuid, { name: 'Old' });
    const oldChart = await insertChart(old, 'Old chart');
    const recent = await createSpace(t, p.admin, projectUuid, { name: 'Recent' });
    await call(p.admin, 'delete', spacePath(projectUuid, old)).expect(200);
    await call(p.admin, 'delete', spacePath(projectUuid, recent)).expect(200);
    await db().query(`UPDATE spaces SET deleted_at = now() - interval '31 days' WHERE space_uuid = $1`, [old]);
    await db().query(`UPDATE saved_charts SET deleted_at = now() - interval '31 days' WHERE saved_chart_uuid = $1`, [oldChart]);

    // another replica holding the purge lock: this one leaves the work to it
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [PURGE_LOCK_KEY]);
      expect(await t.app.get(TrashPurgeService).purge()).toBe('busy');
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect(await db().query('SELECT 1 FROM spaces WHERE space_uuid = $1', [old])).toHaveLength(1);

    expect(await t.app.get(TrashPurgeService).purge()).toBeGreaterThanOrEqual(2);
    expect(await db().query('SELECT 1 FROM spaces WHERE space_uuid = $1', [old])).toEqual([]);
    expect(await db().query('SELECT 1 FROM saved_charts WHERE saved_chart_uuid = $1', [oldChart])).toEqual([]);
    await restore(p.admin, projectUuid, 'space', recent).expect(200);
  });
});
