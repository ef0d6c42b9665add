import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

type Item = Record<string, unknown>;

// GET /projects/{p}/spaces serves each space's summary from space_list_items; the triggers of the
// SpaceListItems migration must keep it equal to a summary written afresh, whatever changes.
describe('stored space list items', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const db = () => t.app.get(DataSource);
  const call = (user: TestUser, method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
    const req = t.http()[method](path).set('Cookie', user.cookie);
    return body ? req.send(body) : req;
  };

  /**
   * Every live space's stored item, parsed (`userAccess` as null), after checking that each equals the
   * item written afresh from the tables (in a transaction rolled back) and that no space lacks one.
   */
  async function items(projectUuid: string): Promise<Map<string, Item>> {
    const read = (runner: { query: (sql: string, params: unknown[]) => Promise<{ uuid: string; item: string | null }[]> }) =>
      runner.query(
        `SELECT s.space_uuid AS uuid, i.item FROM spaces s JOIN projects p ON p.project_id = s.project_id
         LEFT JOIN space_list_items i ON i.space_id = s.space_id WHERE p.project_uuid = $1 ORDER BY s.space_id`,
        [projectUuid],
      );
    const stored = await read(db());
    const runner = db().createQueryRunner();
    await runner.startTransaction();
    let fresh;
    try {
      await runner.query(
        `SELECT refresh_space_list_items(VARIADIC array_agg(s.space_id)) FROM spaces s JOIN projects p ON p.project_id = s.project_id WHERE p.project_uuid = $1`,
        [projectUuid],
      );
      fresh = await read(runner);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(stored).toEqual(fresh);
    for (const row of stored) expect(row.item).not.toBeNull();
    return new Map(stored.map((row) => [row.uuid, JSON.parse(`${row.item}null}`) as Item]));
  }

  async function setup(): Promise<{ p: Personas; projectUuid: string; root: string; child: string; leaf: string }> {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Root' });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Child', parentSpaceUuid: root });
    const leaf = await createSpace(t, p.admin, projectUuid, { name: 'Leaf', parentSpaceUuid: child });
    return { p, projectUuid, root, child, leaf };
  }

  async function insertChart(spaceUuid: string): Promise<string> {
    const [row] = await db().query(
      `INSERT INTO saved_charts (space_id, project_id, name, slug, table_name, metric_query, chart_config)
       SELECT space_id, project_id, 'Chart', 'chart-' || gen_random_uuid(), 'orders', '{}', '{}' FROM spaces WHERE space_uuid = $1
       RETURNING saved_chart_uuid AS uuid`,
      [spaceUuid],
    );
    return row.uuid;
  }

  async function insertDashboard(spaceUuid: string): Promise<string> {
    const [row] = await db().query(
      `INSERT INTO dashboards (space_id, project_id, name, slug) SELECT space_id, project_id, 'Dashboard', 'dashboard-' || gen_random_uuid() FROM spaces WHERE space_uuid = $1
       RETURNING dashboard_uuid AS uuid`,
      [spaceUuid],
    );
    return row.uuid;
  }

  const content = (user: TestUser, projectUuid: string, action: 'delete' | 'restore' | 'move', uuid: string, contentType: string, target?: string | null) =>
    call(user, 'post', `/api/v2/content/${projectUuid}/${action}`, {
      item: { uuid, contentType },
      ...(action === 'delete' ? { action: { type: 'delete' } } : action === 'move' ? { action: { type: 'move', targetSpaceUuid: target } } : {}),
    }).expect(200);

  it('follow space creation, renaming, privacy and moves, down to the descendants', async () => {
    const { p, projectUuid, root, child, leaf } = await setup();
    let byUuid = await items(projectUuid);
    expect(byUuid.get(root)).toMatchObject({ name: 'Root', childSpaceCount: '1', parentSpaceUuid: null, path: 'root', isPrivate: false });
    expect(byUuid.get(leaf)).toMatchObject({ parentSpaceUuid: child, path: 'root.child.leaf', inheritsFromOrgOrProject: true, projectUuid });

    await call(p.admin, 'patch', `/api/v1/projects/${projectUuid}/spaces/${child}`, { name: 'Renamed "child"', isPrivate: true }).expect(200);
    byUuid = await items(projectUuid);
    expect(byUuid.get(child)).toMatchObject({ name: 'Renamed "child"', isPrivate: true, inheritParentPermissions: false, inheritsFromOrgOrProject: false });
    expect(byUuid.get(leaf)).toMatchObject({ inheritsFromOrgOrProject: false, path: 'root.child.leaf' });

    const other = await createSpace(t, p.admin, projectUuid, { name: 'Other' });
    await content(p.admin, projectUuid, 'move', child, 'space', other);
    byUuid = await items(projectUuid);
    expect(byUuid.get(root)).toMatchObject({ childSpaceCount: '0' });
    expect(byUuid.get(other)).toMatchObject({ childSpaceCount: '1' });
    expect(byUuid.get(child)).toMatchObject({ parentSpaceUuid: other, path: 'other.child' });
    expect(byUuid.get(leaf)).toMatchObject({ path: 'other.child.leaf' });

    await content(p.admin, projectUuid, 'move', child, 'space', null);
    byUuid = await items(projectUuid);
    expect(byUuid.get(other)).toMatchObject({ childSpaceCount: '0' });
    expect(byUuid.get(child)).toMatchObject({ parentSpaceUuid: null, path: 'child' });
  });

  it('count charts, dashboards and child spaces through the trash and back', async () => {
    const { p, projectUuid, root, child, leaf } = await setup();
    const chart = await insertChart(leaf);
    await insertChart(leaf);
    const dashboard = await insertDashboard(leaf);
    let byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)).toMatchObject({ chartCount: '2', dashboardCount: '1' });

    await content(p.admin, projectUuid, 'delete', chart, 'chart');
    await content(p.admin, projectUuid, 'delete', dashboard, 'dashboard');
    byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)).toMatchObject({ chartCount: '1', dashboardCount: '0' });

    await content(p.admin, projectUuid, 'restore', chart, 'chart');
    await content(p.admin, projectUuid, 'restore', dashboard, 'dashboard');
    await content(p.admin, projectUuid, 'move', dashboard, 'dashboard', root);
    await db().query(`UPDATE saved_charts SET space_id = (SELECT space_id FROM spaces WHERE space_uuid = $1) WHERE saved_chart_uuid = $2`, [child, chart]);
    byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)).toMatchObject({ chartCount: '1', dashboardCount: '0' });
    expect(byUuid.get(child)).toMatchObject({ chartCount: '1' });
    expect(byUuid.get(root)).toMatchObject({ dashboardCount: '1' });

    await content(p.admin, projectUuid, 'delete', leaf, 'space');
    byUuid = await items(projectUuid);
    expect(byUuid.get(child)).toMatchObject({ childSpaceCount: '0' });
    await content(p.admin, projectUuid, 'restore', leaf, 'space');
    byUuid = await items(projectUuid);
    expect(byUuid.get(child)).toMatchObject({ childSpaceCount: '1' });

    await db().query(`DELETE FROM saved_charts WHERE saved_chart_uuid = $1`, [chart]);
    byUuid = await items(projectUuid);
    expect(byUuid.get(child)).toMatchObject({ chartCount: '0' });
  });

  it('list the users with an entry, as they are shared, unshared and leave the organization', async () => {
    const { p, projectUuid, leaf } = await setup();
    await shareSpace(t, p.admin, projectUuid, leaf, p.viewer.userUuid, 'viewer');
    await shareSpace(t, p.admin, projectUuid, leaf, p.editor.userUuid, 'editor');
    let byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)!.access).toEqual([p.admin.userUuid, p.viewer.userUuid, p.editor.userUuid].sort());

    await call(p.admin, 'delete', `/api/v1/projects/${projectUuid}/spaces/${leaf}/share/${p.viewer.userUuid}`).expect(200);
    byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)!.access).toEqual([p.admin.userUuid, p.editor.userUuid].sort());

    await call(p.admin, 'delete', `/api/v1/org/user/${p.editor.userUuid}`).expect(200);
    byUuid = await items(projectUuid);
    expect(byUuid.get(leaf)!.access).toEqual([p.admin.userUuid]);
  });

  it('count both of two charts added to one space by concurrent transactions', async () => {
    const { projectUuid, leaf } = await setup();
    const [first, second] = [new pg.Client({ connectionString: process.env.DATABASE_URL }), new pg.Client({ connectionString: process.env.DATABASE_URL })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      const insert = `INSERT INTO saved_charts (space_id, project_id, name, slug, table_name, metric_query, chart_config)
        SELECT space_id, project_id, 'Chart', 'chart-' || gen_random_uuid(), 'orders', '{}', '{}' FROM spaces WHERE space_uuid = $1`;
      await first.query('BEGIN');
      await second.query('BEGIN');
      await first.query(insert, [leaf]);
      // waits for the first transaction's lock on the item, then counts its chart too
      const waiting = second.query(insert, [leaf]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await waiting;
      await second.query('COMMIT');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    expect((await items(projectUuid)).get(leaf)).toMatchObject({ chartCount: '2' });
  });
});
