import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createPersonas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import { statementsDuring } from '../support/statements.js';

/**
 * The reads the benchmark measures cost one SQL statement each once the caller's principal is
 * cached: the access check carries the credential check and the read itself (DESIGN §7).
 */
describe('guarded reads in one statement', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function setUp() {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Root', isPrivate: true });
    await shareSpace(t, p.admin, projectUuid, root, p.member.userUuid, 'viewer');
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Child', parentSpaceUuid: root });
    const chart = await t
      .http()
      .post(`/api/v1/projects/${projectUuid}/saved`)
      .set('Cookie', p.admin.cookie)
      .send({
        name: 'Revenue',
        tableName: 'orders',
        metricQuery: { exploreName: 'orders', dimensions: [], metrics: ['orders_revenue'], filters: {}, sorts: [], limit: 10, tableCalculations: [] },
        chartConfig: { type: 'table' },
        spaceUuid: child,
      })
      .expect(200);
    return { p, projectUuid, root, child, chartUuid: chart.body.results.uuid as string };
  }

  it.each([
    ['from the database (Cache-Control: no-cache)', 'no-cache', undefined],
    ['from the response cache', undefined, 'hit'],
  ])('GET /saved/{c}, GET /projects/{p}/spaces/{s}: one statement %s, the same answer', async (_how, cacheControl, served) => {
    const { p, projectUuid, child, chartUuid } = await setUp();
    const get = (path: string) => {
      const request = t.http().get(path).set('Cookie', p.member.cookie);
      return (cacheControl ? request.set('Cache-Control', cacheControl) : request).expect(200);
    };
    for (const path of [`/api/v1/saved/${chartUuid}`, `/api/v1/projects/${projectUuid}/spaces/${child}`]) {
      const first = await get(path); // looks the session up, caches it (and the answer)
      let second: Awaited<ReturnType<typeof get>> | undefined;
      const statements = await statementsDuring(t, async () => {
        second = await get(path);
      });
      expect({ path, statements: statements.length, served: second!.headers['x-response-cache'] }).toEqual({ path, statements: 1, served });
      expect(second!.text).toBe(first.text);
    }
  });

  it('refuses in that one statement too, with none of the content', async () => {
    const { p, projectUuid, root, chartUuid } = await setUp();
    // the organization viewer sees the project but not its private space: the first request caches them
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.viewer.cookie).expect(200);
    const statements = await statementsDuring(t, async () => {
      const chart = await t.http().get(`/api/v1/saved/${chartUuid}`).set('Cookie', p.viewer.cookie).expect(403);
      expect(JSON.stringify(chart.body)).not.toContain('Revenue');
      const space = await t.http().get(`/api/v1/projects/${projectUuid}/spaces/${root}`).set('Cookie', p.viewer.cookie).expect(403);
      expect(JSON.stringify(space.body)).not.toContain('Child');
    });
    expect(statements.filter((s) => !/audit/i.test(s))).toHaveLength(2);
  });
});
