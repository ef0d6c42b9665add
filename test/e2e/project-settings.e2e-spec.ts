import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

/** The PostgreSQL of this test run, as a project warehouse connection. */
function realWarehouse(): Record<string, unknown> {
  const url = new URL(process.env.DATABASE_URL!);
  return {
    type: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    dbname: decodeURIComponent(url.pathname.slice(1)),
    schema: 'public',
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('project settings and project user credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function storedWarehouse(projectUuid: string): Promise<{ connection: Record<string, unknown>; secrets: Record<string, unknown> | null; type: string }> {
    const [row] = await t.app.get(DataSource).query(
      'SELECT warehouse_connection AS connection, encrypted_warehouse_secrets AS secrets, warehouse_type AS type FROM projects WHERE project_uuid = $1',
      [projectUuid],
    );
    return { ...row, secrets: row.secrets && decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret) };
  }

  const patch = (user: TestUser, projectUuid: string, query = '') => t.http().patch(`/api/v1/projects/${projectUuid}${query}`).set('Cookie', user.cookie);

  it('updates name, dbt version and time zone for developers and above, answering the project', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const before = (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie).expect(200)).body.results;

    const res = await patch(p.developer, projectUuid).send({ name: '  Renamed  ', dbtVersion: 'v1.10', schedulerTimezone: 'europe/paris' }).expect(200);
    expect(res.body).toEqual({ status: 'ok', results: { ...before, name: 'Renamed', dbtVersion: 'v1.10', schedulerTimezone: 'Europe/Paris' } });
    expect((await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.viewer.cookie).expect(200)).body.results).toEqual(res.body.results);
    await patch(p.admin, projectUuid).send({ schedulerTimezone: 'UTC' }).expect(200);
    await patch(p.admin, projectUuid).send({}).expect(200);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=project.update').set('Cookie', p.admin.cookie).expect(200);
    expect(audit.body.results.data.map((entry: { outcome: string }) => entry.outcome)).toContain('success');
  });

  it('refuses lower roles, outsiders, the unauthenticated and invalid bodies, changing nothing', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor'] as const) {
      await patch(p[role], projectUuid).send({ name: 'X' }).expect(403);
    }
    await patch(other.admin, projectUuid).send({ name: 'X' }).expect(404);
    await t.http().patch(`/api/v1/projects/${projectUuid}`).send({ name: 'X' }).expect(401);
    await patch(p.admin, 'not-a-uuid').send({ name: 'X' }).expect(422);
    for (const body of [
      { schedulerTimezone: 'Mars/Olympus' },
      { schedulerTimezone: '' },
      { dbtVersion: 'v0.1' },
      { name: '   ' },
      { warehouseConnection: { type: 'oracle' } },
      { dbtConnection: 'none' },
    ]) {
      const res = await patch(p.admin, projectUuid).send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
    // an unknown field is dropped: the PATCH changes nothing
    await patch(p.admin, projectUuid).send({ owner: 'me' }).expect(200);
    const project = (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie)).body.results;
    expect(project).toMatchObject({ name: 'Test project', schedulerTimezone: 'UTC', dbtVersion: 'v1.9' });
    expect(project).not.toHaveProperty('owner');
  });

  it('replaces connections, keeping stored secrets of the same type and never answering them', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const sameType = await patch(p.admin, projectUuid).send({ warehouseConnection: { type: 'postgres', host: 'new-host', port: 6543, user: 'lightdash', dbname: 'analytics', schema: 'mart' } }).expect(200);
    expect(sameType.body.results.warehouseConnection).toEqual({ type: 'postgres', host: 'new-host', port: 6543, user: 'lightdash', dbname: 'analytics', schema: 'mart' });
    expect(await storedWarehouse(projectUuid)).toEqual({ type: 'postgres', connection: sameType.body.results.warehouseConnection, secrets: { password: 'warehouse-secret' } });

    const newPassword = `pw-${randomUUID()}`;
    const replaced = await patch(p.admin, projectUuid).send({ warehouseConnection: { type: 'redshift', host: 'rs', port: 5439, user: 'u', password: newPassword, dbname: 'd', schema: 's' } }).expect(200);
    expect(replaced.text).not.toContain(newPassword);
    expect(await storedWarehouse(projectUuid)).toMatchObject({ type: 'redshift', secrets: { password: newPassword } });
    // another type: the old secrets go
    await patch(p.admin, projectUuid).send({ warehouseConnection: { type: 'trino', host: 'tr', port: 8080, user: 'u', dbname: 'd', schema: 's', http_scheme: 'https' } }).expect(200);
    expect(await storedWarehouse(projectUuid)).toMatchObject({ type: 'trino', secrets: null });

    const token = `ghp_${randomUUID()}`;
    const dbt = await patch(p.admin, projectUuid).send({ dbtConnection: { type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/', personal_access_token: token } }).expect(200);
    expect(dbt.body.results.dbtConnection).toEqual({ type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' });
    const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect(get.text).not.toContain(token);
    expect(get.text).not.toContain('warehouse-secret');
  });

  it('?test=true connects to a postgres warehouse first: success saves, failure is 400 WarehouseConnectionError and changes nothing', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const real = realWarehouse();

    const saved = await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: real }).expect(200);
    expect(saved.body.results.warehouseConnection.host).toBe(real.host);
    expect(saved.text).not.toContain(`"password"`);
    // the stored (decrypted) password is what is tested when the body has none
    await patch(p.developer, projectUuid, '?test=true').send({ name: 'Tested with stored secrets' }).expect(200);
    const { password: _password, ...withoutPassword } = real;
    await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...withoutPassword, schema: 'other' } }).expect(200);

    // a database that does not exist fails whatever the server's authentication method (CI's uses trust)
    const missingDatabase = await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...real, dbname: 'no_such_database_for_test' } }).expect(400);
    expect(missingDatabase.body.error).toMatchObject({ statusCode: 400, name: 'WarehouseConnectionError', message: expect.stringMatching(/does not exist/) });

    const port = await closedPort();
    const refused = await patch(p.developer, projectUuid, '?test=true').send({ name: 'Must not be saved', warehouseConnection: { ...real, host: '127.0.0.1', port } }).expect(400);
    expect(refused.body).toEqual({
      status: 'error',
      error: { statusCode: 400, name: 'WarehouseConnectionError', message: expect.stringContaining('ECONNREFUSED'), data: {} },
    });
    const project = (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie)).body.results;
    expect(project).toMatchObject({ name: 'Tested with stored secrets', warehouseConnection: { ...withoutPassword, schema: 'other' } });
    expect((await storedWarehouse(projectUuid)).secrets).toEqual({ password: real.password });

    // without ?test the connection is saved untested
    await patch(p.developer, projectUuid, '?test=false').send({ warehouseConnection: { ...real, host: '127.0.0.1', port } }).expect(200);
    // and then testing the stored one fails
    const storedFails = await patch(p.developer, projectUuid, '?test=true').send({ name: 'Nope' }).expect(400);
    expect(storedFails.body.error.name).toBe('WarehouseConnectionError');
    await patch(p.developer, projectUuid, '?test=maybe').send({}).expect(422);
  }, 30_000);

  describe('user credentials of a project', () => {
    async function createCredentials(user: TestUser, credentials: Record<string, unknown>, name = 'Login'): Promise<string> {
      const res = await t.http().post('/api/v1/user/warehouseCredentials').set('Cookie', user.cookie).send({ name, credentials });
      if (res.status !== 200) throw new Error(`credentials creation failed: ${res.status} ${res.text}`);
      return res.body.results.uuid;
    }

    it('lists the caller’s credentials of the project’s warehouse type and selects one', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const password = `pw-${randomUUID()}`;
      const first = await createCredentials(p.viewer, { type: 'postgres', user: 'analyst', password }, 'First');
      const second = await createCredentials(p.viewer, { type: 'postgres', user: 'loader', password }, 'Second');
      const snowflake = await createCredentials(p.viewer, { type: 'snowflake', user: 'SF', password }, 'Snow');
      await createCredentials(p.editor, { type: 'postgres', user: 'someone-else', password }, 'Not yours');
      const base = `/api/v1/projects/${projectUuid}/user-credentials`;

      const listed = await t.http().get(base).set('Cookie', p.viewer.cookie).expect(200);
      expect(listed.body).toEqual({
        status: 'ok',
        results: [
          { uuid: first, name: 'First', credentials: { type: 'postgres', user: 'analyst' }, isSelected: false },
          { uuid: second, name: 'Second', credentials: { type: 'postgres', user: 'loader' }, isSelected: false },
        ],
      });
      expect(listed.text).not.toContain(password);

      expect((await t.http().patch(`${base}/${second}`).set('Cookie', p.viewer.cookie).expect(200)).body).toEqual({ status: 'ok' });
      const selected = await t.http().get(base).set('Cookie', p.viewer.cookie).expect(200);
      expect(selected.body.results.map((c: { isSelected: boolean }) => c.isSelected)).toEqual([false, true]);
      await t.http().patch(`${base}/${first}`).set('Cookie', p.viewer.cookie).expect(200);
      expect((await t.http().get(base).set('Cookie', p.viewer.cookie)).body.results.map((c: { isSelected: boolean }) => c.isSelected)).toEqual([true, false]);

      const wrongType = await t.http().patch(`${base}/${snowflake}`).set('Cookie', p.viewer.cookie).expect(400);
      expect(wrongType.body.error.name).toBe('ParameterError');
      // someone else's credentials, or unknown ones
      const notMine = await t.http().patch(`${base}/${first}`).set('Cookie', p.editor.cookie).expect(404);
      expect(notMine.body.error.message).toBe('Warehouse credentials not found');
      await t.http().patch(`${base}/${randomUUID()}`).set('Cookie', p.viewer.cookie).expect(404);
      expect((await t.http().get(base).set('Cookie', p.editor.cookie).expect(200)).body.results.map((c: { name: string }) => c.name)).toEqual(['Not yours']);
    });

    it('refuses users without a project role, outsiders, the unauthenticated and malformed ids', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      const projectUuid = await createProject(t, p.admin);
      const uuid = await createCredentials(p.member, { type: 'postgres', user: 'm', password: 'x' });
      const base = `/api/v1/projects/${projectUuid}/user-credentials`;
      await t.http().get(base).set('Cookie', p.member.cookie).expect(403);
      await t.http().patch(`${base}/${uuid}`).set('Cookie', p.member.cookie).expect(403);
      await t.http().get(base).set('Cookie', other.admin.cookie).expect(404);
      await t.http().get(base).expect(401);
      await t.http().patch(`${base}/not-a-uuid`).set('Cookie', p.viewer.cookie).expect(422);
      await t.http().get('/api/v1/projects/not-a-uuid/user-credentials').set('Cookie', p.viewer.cookie).expect(422);
    });
  });
});
