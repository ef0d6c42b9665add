import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { RESPONSE_CACHE_HEADER } from '../../src/response-cache/response-cache.hooks.js';
import { ResponseCache } from '../../src/response-cache/response-cache.service.js';
import { createTestApp, testConfig, type TestApp } from '../support/app.js';
import { addMember, createOrganization, type TestOrganization } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace, shareSpaceWithGroup } from '../support/spaces.js';
import { createToken, registerUser, type TestUser } from '../support/users.js';

/** Tables no cached response is built from; every other table must mark its writes (migration DataChanges). */
// rate_limit_counters, oidc_login_attempts: written on every login attempt, anonymous ones included, and no answer is built from them
// async_queries, async_query_result_chunks: written by every query run (and every chunk of its results); answers are read per caller from them, never cached
// space_list_items: written only by the triggers of spaces, saved_charts, dashboards and space_user_access, in the statement whose change they record
const UNTRACKED_TABLES = [
  'async_queries',
  'async_query_result_chunks',
  'audit_logs',
  'data_changes',
  'email_one_time_passcodes',
  'migrations',
  'oidc_login_attempts',
  'personal_access_tokens',
  'rate_limit_counters',
  'sessions',
  'space_list_items',
];

const CHART = {
  name: 'Revenue',
  tableName: 'orders',
  metricQuery: { exploreName: 'orders', dimensions: [], metrics: ['orders_total_revenue'], filters: {}, sorts: [], limit: 10, tableCalculations: [] },
  chartConfig: { type: 'big_number', config: {} },
  tableConfig: { columnOrder: [] },
};

/**
 * Answers of the cached routes are served again only while the database would give the same
 * answer: each test fills the cache (a second read is a hit), changes something the answer depends
 * on (through the API as another user, or in SQL as another replica would) and expects the next read
 * to see it.
 */
describe('response cache', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const sql = () => t.app.get(DataSource);
  const tokenOf = async (user: TestUser) => (await createToken(t, user, 'cache test')).token;

  interface World {
    org: TestOrganization;
    projectUuid: string;
    viewer: TestUser;
    token: string;
    groupUuid: string;
    /** private space shared with the viewer's group, a child space below it, a chart in the child */
    privateSpace: string;
    childSpace: string;
    chartUuid: string;
  }

  async function setUp(): Promise<World> {
    const org = await createOrganization(t);
    const projectUuid = await createProject(t, org.admin);
    const viewer = await addMember(t, org, 'member');
    await grantProjectRole(t, org.admin, projectUuid, viewer, 'viewer');
    const group = await t.http().post('/api/v1/org/groups').set('Cookie', org.admin.cookie).send({ name: 'Readers', members: [{ userUuid: viewer.userUuid }] });
    expect(group.status).toBe(201);
    const groupUuid = group.body.results.uuid;
    const privateSpace = await createSpace(t, org.admin, projectUuid, { name: 'Finance', isPrivate: true });
    await shareSpaceWithGroup(t, org.admin, projectUuid, privateSpace, groupUuid, 'viewer');
    const childSpace = await createSpace(t, org.admin, projectUuid, { name: 'Quarterly', parentSpaceUuid: privateSpace });
    const chart = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', org.admin.cookie).send({ ...CHART, spaceUuid: childSpace });
    expect(chart.status).toBe(200);
    return { org, projectUuid, viewer, token: await tokenOf(viewer), groupUuid, privateSpace, childSpace, chartUuid: chart.body.results.uuid };
  }

  const routes = (w: World) => ({
    list: `/api/v1/projects/${w.projectUuid}/spaces`,
    space: `/api/v1/projects/${w.projectUuid}/spaces/${w.childSpace}`,
    chart: `/api/v1/saved/${w.chartUuid}`,
  });

  const asToken = (w: World, url: string) => t.http().get(url).set('Authorization', `ApiKey ${w.token}`);

  /** Reads twice; the second answer must come from the cache and equal the first. */
  async function filled(w: World, url: string) {
    const first = await asToken(w, url).expect(200);
    expect(first.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    const second = await asToken(w, url).expect(200);
    expect(second.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    return first;
  }

  it('serves a repeated read of each cached route from the cache, in the same envelope', async () => {
    const w = await setUp();
    for (const url of Object.values(routes(w))) await filled(w, url);
  });

  it('answers afresh after a change made through the API by someone else', async () => {
    const w = await setUp();
    const r = routes(w);
    for (const url of Object.values(r)) await filled(w, url);
    const renamed = await t.http().patch(`/api/v1/projects/${w.projectUuid}/spaces/${w.childSpace}`).set('Cookie', w.org.admin.cookie).send({ name: 'Renamed' });
    expect(renamed.status).toBe(200);
    const space = await asToken(w, r.space).expect(200);
    expect(space.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    expect(space.body.results.name).toBe('Renamed');
    const list = await asToken(w, r.list).expect(200);
    expect(list.body.results.map((s: { name: string }) => s.name)).toContain('Renamed');
  });

  it('refuses at once a reader who lost access: group membership removed elsewhere', async () => {
    const w = await setUp();
    const r = routes(w);
    for (const url of Object.values(r)) await filled(w, url);
    await t.http().delete(`/api/v1/groups/${w.groupUuid}/members/${w.viewer.userUuid}`).set('Cookie', w.org.admin.cookie).expect(200);
    await asToken(w, r.space).expect(403);
    await asToken(w, r.chart).expect(403);
    const list = await asToken(w, r.list).expect(200);
    expect(list.body.results.map((s: { uuid: string }) => s.uuid)).not.toContain(w.childSpace);
  });

  it('sees a change written in SQL by another replica (triggers, not the API, mark it)', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.chart);
    await sql().query(`UPDATE saved_charts SET name = 'Changed elsewhere' WHERE saved_chart_uuid = $1`, [w.chartUuid]);
    const chart = await asToken(w, r.chart).expect(200);
    expect(chart.body.results.name).toBe('Changed elsewhere');
  });

  it('does not keep an answer read while a change was being committed', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.chart); // the control: without a change in flight, the second read is a hit
    const other = new pg.Client({ connectionString: testConfig().databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE spaces SET name = 'Committed later' WHERE space_uuid = $1`, [w.childSpace]);
      // read (and cached) while the change is in flight: the old name, in a snapshot that does not see it
      expect((await asToken(w, r.space).expect(200)).body.results.name).toBe('Quarterly');
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    const after = await asToken(w, r.space).expect(200);
    expect(after.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    expect(after.body.results.name).toBe('Committed later');
  });

  it('refuses a token deleted since the answer was kept (401)', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.chart);
    await sql().query(`DELETE FROM personal_access_tokens WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`, [w.viewer.userUuid]);
    const res = await asToken(w, r.chart);
    expect(res.status).toBe(401);
  });

  it('refuses a deactivated user (401) and keeps answers apart per credential', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.space);
    // the same URL with the viewer's session cookie is another entry: not a hit on its first read
    const bySession = await t.http().get(r.space).set('Cookie', w.viewer.cookie).expect(200);
    expect(bySession.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    const again = await t.http().get(r.space).set('Cookie', w.viewer.cookie).expect(200);
    expect(again.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    await sql().query(`UPDATE users SET is_active = false WHERE user_uuid = $1`, [w.viewer.userUuid]);
    expect((await asToken(w, r.space)).status).toBe(401);
    expect((await t.http().get(r.space).set('Cookie', w.viewer.cookie)).status).toBe(401);
  });

  it.each([
    ['expired', `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`],
    ['ended', `DELETE FROM sessions WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`],
  ])('refuses a session %s since the answer was kept (401; sessions are not application data)', async (_how, change) => {
    const w = await setUp();
    const url = routes(w).space;
    await t.http().get(url).set('Cookie', w.viewer.cookie).expect(200);
    expect((await t.http().get(url).set('Cookie', w.viewer.cookie).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    await sql().query(change, [w.viewer.userUuid]);
    expect((await t.http().get(url).set('Cookie', w.viewer.cookie)).status).toBe(401);
  });

  it('keys answers by path and the query parameters the route reads, not by the raw URL', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.list);
    // the space list reads no query parameter (it ignores page and pageSize, as Lightdash): one answer for all of them
    const noise = await asToken(w, `${r.list}?page=2&pageSize=10&unknown=1`).expect(200);
    expect(noise.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    const other = await asToken(w, r.space).expect(200);
    expect(other.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    const chart = await filled(w, r.chart);
    expect((await asToken(w, `${r.chart}?x=${'y'.repeat(50)}`).expect(200)).text).toBe(chart.text);
  });

  it('answers from the database when asked (Cache-Control: no-cache) and never for two credentials at once', async () => {
    const w = await setUp();
    const r = routes(w);
    await filled(w, r.space);
    const fresh = await asToken(w, r.space).set('Cache-Control', 'no-cache').expect(200);
    expect(fresh.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const both = await asToken(w, r.space).set('Cookie', w.org.admin.cookie).expect(200);
      expect(both.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    }
  });

  it('keeps no refusals: a 403 is decided again on every request', async () => {
    const w = await setUp();
    const outsider = await addMember(t, w.org, 'member');
    await grantProjectRole(t, w.org.admin, w.projectUuid, outsider, 'viewer');
    const token = await tokenOf(outsider);
    const url = routes(w).space;
    for (let i = 0; i < 2; i++) {
      const res = await t.http().get(url).set('Authorization', `ApiKey ${token}`);
      expect(res.status).toBe(403);
      expect(res.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    }
  });

  describe('per organization', () => {
    /** One statement in its own transaction on another connection; returns that transaction's change rows. */
    async function changesOf(statement: string, values: unknown[] = []): Promise<(string | null)[]> {
      return sql().transaction(async (manager) => {
        await manager.query(statement, values);
        const rows: { organization: string | null }[] = await manager.query(
          `SELECT o.organization_uuid AS organization FROM data_changes d LEFT JOIN organizations o ON o.organization_id = d.organization_id
           WHERE d.xid = pg_current_xact_id() ORDER BY 1`,
        );
        return rows.map((row) => row.organization);
      });
    }

    it('a write in one organization leaves the answers of another a hit, through the API and in SQL', async () => {
      const [a, b] = [await setUp(), await setUp()];
      const rb = routes(b);
      for (const url of Object.values(rb)) await filled(b, url);
      await t.http().patch(`/api/v1/projects/${a.projectUuid}/spaces/${a.childSpace}`).set('Cookie', a.org.admin.cookie).send({ name: 'Renamed in A' }).expect(200);
      await t.http().delete(`/api/v1/groups/${a.groupUuid}/members/${a.viewer.userUuid}`).set('Cookie', a.org.admin.cookie).expect(200);
      await sql().query(`UPDATE saved_charts SET name = 'Changed in A' WHERE saved_chart_uuid = $1`, [a.chartUuid]);
      await t.http().patch('/api/v1/user/me').set('Cookie', a.viewer.cookie).send({ firstName: 'Renamed' }).expect(200);
      for (const url of Object.values(rb)) expect((await asToken(b, url).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBe('hit');
      // and A's own answers were dropped
      expect((await asToken(a, routes(a).list).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    });

    it('a transaction of another organization in flight while the answer was read does not drop it when it commits', async () => {
      const [a, b] = [await setUp(), await setUp()];
      const other = new pg.Client({ connectionString: testConfig().databaseUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`UPDATE spaces SET name = 'Committed later' WHERE space_uuid = $1`, [a.childSpace]);
        await filled(b, routes(b).space);
        await other.query('COMMIT');
      } finally {
        await other.end();
      }
      expect((await asToken(b, routes(b).space).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    });

    it("a change to a user drops the answers of the user's organization only", async () => {
      const [a, b] = [await setUp(), await setUp()];
      await filled(a, routes(a).space);
      await filled(b, routes(b).space);
      await sql().query(`UPDATE users SET first_name = 'Changed' WHERE user_uuid = $1`, [b.org.admin.userUuid]);
      expect((await asToken(b, routes(b).space).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      expect((await asToken(a, routes(a).space).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBe('hit');
    });

    it('a write nobody attributes to an organization drops the answers of every organization', async () => {
      const [a, b] = [await setUp(), await setUp()];
      await filled(a, routes(a).chart);
      await filled(b, routes(b).chart);
      // a table whose trigger is the unattributed recorder, as a table added without an organization would be
      const unattributed = await changesOf(`
        CREATE TEMP TABLE scratch (id int) ON COMMIT DROP;
        CREATE TRIGGER record_data_change AFTER INSERT ON scratch FOR EACH STATEMENT EXECUTE FUNCTION record_data_change();
        INSERT INTO scratch VALUES (1)`);
      expect(unattributed).toEqual([null]);
      for (const w of [a, b]) expect((await asToken(w, routes(w).chart).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    });

    it('records each organization a statement wrote to once, whatever the number of rows, and reaches it through projects and users', async () => {
      const [a, b] = [await setUp(), await setUp()];
      expect(
        await changesOf(`UPDATE spaces SET name = name || '' WHERE project_id IN (SELECT project_id FROM projects WHERE project_uuid = ANY ($1::uuid[]))`, [[a.projectUuid, b.projectUuid]]),
      ).toEqual([a.org.organizationUuid, b.org.organizationUuid].sort());
      expect(await changesOf(`UPDATE saved_charts SET name = name || '' WHERE saved_chart_uuid = $1`, [b.chartUuid])).toEqual([b.org.organizationUuid]);
      expect(await changesOf(`UPDATE users SET first_name = first_name WHERE user_uuid = ANY ($1::uuid[])`, [[a.viewer.userUuid, b.viewer.userUuid]])).toEqual(
        [a.org.organizationUuid, b.org.organizationUuid].sort(),
      );
      // a user in no organization appears in no organization's answers
      const loner = await registerUser(t);
      expect(await changesOf(`UPDATE users SET first_name = 'Alone' WHERE user_uuid = $1`, [loner.userUuid])).toEqual([]);
      // a cascade: the deleted project records its organization, its rows whose project is gone add nothing
      expect(await changesOf(`DELETE FROM projects WHERE project_uuid = $1`, [a.projectUuid])).toEqual([a.org.organizationUuid]);
    });

    it('a user joining an organization waits for a change to that user in flight, so the change is seen as theirs', async () => {
      const b = await setUp();
      const joiner = await registerUser(t);
      await filled(b, routes(b).space);
      const renaming = new pg.Client({ connectionString: testConfig().databaseUrl });
      const joining = new pg.Client({ connectionString: testConfig().databaseUrl });
      await Promise.all([renaming.connect(), joining.connect()]);
      try {
        await renaming.query('BEGIN');
        // sees no membership yet: records no organization
        await renaming.query(`UPDATE users SET first_name = 'Renamed while joining' WHERE user_uuid = $1`, [joiner.userUuid]);
        let joined = false;
        const join = joining
          .query(
            `INSERT INTO organization_memberships (user_id, organization_id, role)
             SELECT u.user_id, o.organization_id, 'member' FROM users u, organizations o WHERE u.user_uuid = $1 AND o.organization_uuid = $2`,
            [joiner.userUuid, b.org.organizationUuid],
          )
          .then(() => (joined = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(joined).toBe(false);
        await renaming.query('COMMIT');
        await join;
      } finally {
        await Promise.all([renaming.end(), joining.end()]);
      }
      // the membership committed after the rename: B's answers read before it never showed the user
      expect((await asToken(b, routes(b).space).expect(200)).headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
    });
  });

  it('serves nothing from memory with RESPONSE_CACHE_MB=0', async () => {
    const w = await setUp();
    const off = await createTestApp({ env: { RESPONSE_CACHE_MB: '0' } });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await off.http().get(routes(w).space).set('Authorization', `ApiKey ${w.token}`).expect(200);
        expect(res.headers[RESPONSE_CACHE_HEADER]).toBeUndefined();
      }
    } finally {
      await off.close();
    }
  });

  it('every table but the credential, audit and change-log tables marks its writes', async () => {
    // statement-level AFTER triggers, enabled, calling one of the two recorders, that together cover
    // INSERT (4), DELETE (8), UPDATE (16) and TRUNCATE (32)
    const rows: { table: string; tracked: boolean }[] = await sql().query(`
      SELECT c.relname AS "table",
             COALESCE((SELECT bit_or(g.tgtype::int & 60) FROM pg_trigger g JOIN pg_proc f ON f.oid = g.tgfoid
                       WHERE g.tgrelid = c.oid AND g.tgenabled = 'O' AND g.tgtype & 3 = 0
                         AND f.proname IN ('record_data_change', 'record_organization_change')), 0) = 60 AS tracked
      FROM pg_class c WHERE c.relkind IN ('r', 'p', 'm') AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`);
    expect(rows.filter((row) => !row.tracked).map((row) => row.table)).toEqual(UNTRACKED_TABLES);
    expect(rows.length).toBeGreaterThan(UNTRACKED_TABLES.length + 10);
  });

  it('prunes the change log: finished transactions are stamped, and dropped a maximum age later', async () => {
    await sql().query(`INSERT INTO data_changes (xid) VALUES ('1'::xid8) ON CONFLICT (organization_id, xid) DO UPDATE SET settled_at = NULL`);
    await sql().query(
      `INSERT INTO data_changes (xid, settled_at) VALUES ('2'::xid8, now() - interval '1 hour') ON CONFLICT (organization_id, xid) DO UPDATE SET settled_at = EXCLUDED.settled_at`,
    );
    await t.app.get(ResponseCache).pruneChanges();
    const left: { xid: string; settled: boolean }[] = await sql().query(
      `SELECT xid::text AS xid, settled_at > now() - interval '1 minute' AS settled FROM data_changes WHERE xid IN ('1', '2')`,
    );
    expect(left).toEqual([{ xid: '1', settled: true }]);
  });
});
