import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ViewCounter } from '../../src/content-views/view-counter.service.js';
import { RESPONSE_CACHE_HEADER } from '../../src/response-cache/response-cache.hooks.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

const CHART_BODY = {
  name: 'Revenue',
  tableName: 'orders',
  metricQuery: { exploreName: 'orders', dimensions: [], metrics: ['orders_total_revenue'], filters: {}, sorts: [], limit: 10, tableCalculations: [] },
  chartConfig: { type: 'big_number' },
};

interface Counted {
  views: number;
  firstViewedAt: Date | null;
}

describe('chart and dashboard views', () => {
  let t: TestApp;
  let p: Personas;
  let projectUuid: string;
  let spaceUuid: string;

  beforeAll(async () => {
    t = await createTestApp();
    p = await createPersonas(t);
    projectUuid = await createProject(t, p.admin, 'Views');
    spaceUuid = await createSpace(t, p.admin, projectUuid, { name: 'Shared stuff', isPrivate: false });
  });
  afterAll(async () => t.close());

  async function createChart(user: TestUser): Promise<string> {
    const res = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', user.cookie).send({ ...CHART_BODY, spaceUuid });
    if (res.status !== 200) throw new Error(`chart creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function createDashboard(user: TestUser): Promise<string> {
    const res = await t.http().post(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', user.cookie).send({ name: 'Overview', spaceUuid, tiles: [], tabs: [] });
    if (res.status !== 201) throw new Error(`dashboard creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function counted(db: DataSource, table: 'saved_charts' | 'dashboards', uuid: string): Promise<Counted> {
    const column = table === 'saved_charts' ? 'saved_chart_uuid' : 'dashboard_uuid';
    const [row] = await db.query(`SELECT views, first_viewed_at AS "firstViewedAt" FROM ${table} WHERE ${column} = $1`, [uuid]);
    return row;
  }

  it('counts every answered read, cached ones included, in memory until a flush writes them in one go', async () => {
    const db = t.app.get(DataSource);
    const chart = await createChart(p.editor);
    const dashboard = await createDashboard(p.editor);
    const before = new Date();

    let chartReads = 0;
    let cacheHits = 0;
    // read until the response cache answers at least once (another suite's write can make a read a miss)
    while (cacheHits === 0 && chartReads < 10) {
      const res = await t.http().get(`/api/v1/saved/${chart}`).set('Cookie', p.viewer.cookie).expect(200);
      chartReads += 1;
      if (res.headers[RESPONSE_CACHE_HEADER] === 'hit') cacheHits += 1;
    }
    expect(cacheHits).toBe(1);
    for (let i = 0; i < 2; i++) await t.http().get(`/api/v1/dashboards/${dashboard.toUpperCase()}`).set('Cookie', p.viewer.cookie).expect(200);
    // refused and failed reads are no views
    await t.http().get(`/api/v1/saved/${chart}`).expect(401);
    const outsider = await createOrganization(t);
    await t.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', outsider.admin.cookie).expect(404);

    // nothing written per read
    expect(await counted(db, 'saved_charts', chart)).toEqual({ views: 0, firstViewedAt: null });
    expect(await counted(db, 'dashboards', dashboard)).toEqual({ views: 0, firstViewedAt: null });

    await t.app.get(ViewCounter).flush();
    const chartViews = await counted(db, 'saved_charts', chart);
    expect(chartViews.views).toBe(chartReads);
    expect(chartViews.firstViewedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const dashboardViews = await counted(db, 'dashboards', dashboard);
    expect(dashboardViews.views).toBe(2);

    const read = (await t.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.admin.cookie).expect(200)).body.results;
    expect(read).toMatchObject({ views: 2, firstViewedAt: dashboardViews.firstViewedAt!.toISOString() });
    const listed = (await t.http().get(`/api/v1/projects/${projectUuid}/dashboards`).set('Cookie', p.admin.cookie).expect(200)).body.results;
    expect(listed.find((item: { uuid: string }) => item.uuid === dashboard)).toMatchObject({ views: 2 });

    // a second flush adds to what is there and keeps the first view's time
    await t.app.get(ViewCounter).flush();
    expect(await counted(db, 'dashboards', dashboard)).toEqual({ views: 3, firstViewedAt: dashboardViews.firstViewedAt });
    await t.app.get(ViewCounter).flush();
    expect((await counted(db, 'dashboards', dashboard)).views).toBe(3);
  });

  it('answers a dashboard with its first view before the view is written, without writing per read', async () => {
    const db = t.app.get(DataSource);
    const dashboard = await createDashboard(p.editor);
    const read = async () => (await t.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200)).body.results;
    const before = Date.now();
    // a read counts once answered, so its own answer does not include it, as Lightdash's
    expect((await read()).firstViewedAt).toBeNull();
    // later answers, a change's included, show the first view waiting to be written
    const second = await read();
    expect(Date.parse(second.firstViewedAt)).toBeGreaterThanOrEqual(before);
    const renamed = await t.http().patch(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.editor.cookie).send({ name: 'Renamed' }).expect(200);
    expect(renamed.body.results.firstViewedAt).toBe(second.firstViewedAt);
    expect(await counted(db, 'dashboards', dashboard)).toEqual({ views: 0, firstViewedAt: null });

    await t.app.get(ViewCounter).flush();
    expect((await counted(db, 'dashboards', dashboard)).firstViewedAt!.toISOString()).toBe(second.firstViewedAt);
    expect((await read()).firstViewedAt).toBe(second.firstViewedAt);
  });

  it('adds up concurrent reads exactly', async () => {
    const db = t.app.get(DataSource);
    const dashboard = await createDashboard(p.editor);
    await Promise.all(Array.from({ length: 20 }, () => t.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200)));
    await t.app.get(ViewCounter).flush();
    expect((await counted(db, 'dashboards', dashboard)).views).toBe(20);
  });

  it('keeps the counts of a write that failed for the next one', async () => {
    const db = t.app.get(DataSource);
    const impatient = await createTestApp({ env: { VIEWS_FLUSH_INTERVAL_MS: '3600000', DATABASE_LOCK_TIMEOUT_MS: '200' } });
    const dashboard = await createDashboard(p.editor);
    const holder = db.createQueryRunner();
    try {
      for (let i = 0; i < 3; i++) await impatient.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200);
      await holder.connect();
      await holder.startTransaction();
      await holder.query('SELECT 1 FROM dashboards WHERE dashboard_uuid = $1 FOR UPDATE', [dashboard]);
      await expect(impatient.app.get(ViewCounter).flush()).rejects.toThrow();
      await impatient.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200);
      await holder.rollbackTransaction();
      expect((await counted(db, 'dashboards', dashboard)).views).toBe(0);
      await impatient.app.get(ViewCounter).flush();
      expect((await counted(db, 'dashboards', dashboard)).views).toBe(4);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
      await impatient.close();
    }
  });

  it('writes views periodically, and at shutdown', async () => {
    const db = t.app.get(DataSource);
    const periodic = await createTestApp({ env: { VIEWS_FLUSH_INTERVAL_MS: '200' } });
    const dashboard = await createDashboard(p.editor);
    try {
      await periodic.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200);
      const deadline = Date.now() + 5_000;
      while ((await counted(db, 'dashboards', dashboard)).views === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await counted(db, 'dashboards', dashboard)).views).toBe(1);
    } finally {
      await periodic.close();
    }

    const closing = await createTestApp({ env: { VIEWS_FLUSH_INTERVAL_MS: '3600000' } });
    const chart = await createChart(p.editor);
    await closing.http().get(`/api/v1/saved/${chart}`).set('Cookie', p.viewer.cookie).expect(200);
    await closing.http().get(`/api/v1/dashboards/${dashboard}`).set('Cookie', p.viewer.cookie).expect(200);
    expect((await counted(db, 'saved_charts', chart)).views).toBe(0);
    await closing.close();
    expect((await counted(db, 'saved_charts', chart)).views).toBe(1);
    expect((await counted(db, 'dashboards', dashboard)).views).toBe(2);
  });
});
