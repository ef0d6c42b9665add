import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, type TestOrganization } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { tempDir, waitFor } from '../support/process.js';
import { createToken } from '../support/users.js';

// The server's own PostgreSQL, stopped and started again under it.
describe('the database going down and coming back', () => {
  let dir: string;
  let database: EmbeddedPostgres;
  let t: TestApp;
  let org: TestOrganization;
  let token: string;
  let projectUuid: string;
  const start = (port?: number) => startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port, database: 'lightdash' });

  beforeAll(async () => {
    dir = tempDir('lightdash-down-');
    database = await start();
    await runMigrations(database.url);
    t = await createTestApp({ env: { DATABASE_URL: database.url } });
    org = await createOrganization(t);
    token = (await createToken(t, org.admin)).token;
    projectUuid = await createProject(t, org.admin);
    // kept by the response cache, which must not answer it while it cannot revalidate
    const cached = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', org.admin.cookie).expect(200);
    expect(cached.headers['x-response-cache']).toBeUndefined();
    const hit = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', org.admin.cookie).expect(200);
    expect(hit.headers['x-response-cache']).toBe('hit');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await database?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const routes = () => [
    ['GET /org with a session', t.http().get('/api/v1/org').set('Cookie', org.admin.cookie)],
    ['GET /org with a token', t.http().get('/api/v1/org').set('Authorization', `ApiKey ${token}`)],
    ['POST /login', t.http().post('/api/v1/login').send({ email: org.admin.email, password: org.admin.password })],
    ['POST /user (registration)', t.http().post('/api/v1/user').send({ firstName: 'A', lastName: 'B', email: 'down@example.com', password: 'password1' })],
    ['GET a cached route (the spaces list)', t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', org.admin.cookie)],
    ['PATCH /org', t.http().patch('/api/v1/org').set('Cookie', org.admin.cookie).send({ name: 'Renamed' })],
    ['PUT explores (credential checked before the body)', t.http().put('/api/v1/projects/00000000-0000-4000-8000-000000000000/explores').set('Cookie', org.admin.cookie).send([])],
  ] as const;

  it('answers 503 ServiceUnavailable with Retry-After on every route while it is down, health says unhealthy, then recovers on its own', async () => {
    const { port } = database;
    await database.stop();

    for (const [route, request] of routes()) {
      const res = await request.timeout(20_000);
      expect({ route, status: res.status, body: res.body }).toEqual({
        route,
        status: 503,
        body: {
          status: 'error',
          error: { statusCode: 503, name: 'ServiceUnavailable', message: 'The database is not available at the moment, please retry later', data: {} },
        },
      });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    }
    const health = await t.http().get('/api/v1/health').timeout(20_000).expect(200);
    expect(health.body.results.healthy).toBe(false);
    await t.http().get('/api/v1/livez').expect(200);

    database = await start(port);
    await waitFor(async () => (await t.http().get('/api/v1/health')).body.results?.healthy === true, 30_000, 'health to recover');
    const res = await t.http().get('/api/v1/org').set('Cookie', org.admin.cookie).expect(200);
    expect(res.body.results.organizationUuid).toBe(org.organizationUuid);
    await t.http().get('/api/v1/org').set('Authorization', `ApiKey ${token}`).expect(200);
  });
});
