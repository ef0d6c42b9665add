import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { CONNECTION_TEST_FAILED } from '../../src/connections/warehouse-connection-tester.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { closedPort, closingListener, heldProxy, passwordRecordingPostgres, type RecordingListener, silentListener } from '../support/tcp-listeners.js';
import type { TestUser } from '../support/users.js';

/** Short, so that tests of failing connections (each answered after it) stay quick. */
const CONNECT_TIMEOUT_MS = 2_000;

/** The one answer to every failed connection test. */
const CONNECTION_FAILED = { status: 'error', error: { statusCode: 400, name: 'WarehouseConnectionError', message: CONNECTION_TEST_FAILED, data: {} } };

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

/** Polls until `check` holds (bounded; not a fixed sleep). */
async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What GET answers of a postgres connection: no user, no password. */
function shownOf(connection: Record<string, unknown>): Record<string, unknown> {
  const { user: _user, password: _password, ...shown } = connection;
  return shown;
}

describe('project settings and project user credentials', () => {
  let t: TestApp;
  const listeners: RecordingListener[] = [];
  beforeAll(async () => {
    t = await createTestApp({ env: { WAREHOUSE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) } });
  });
  afterAll(async () => {
    await Promise.all(listeners.map((listener) => listener.close()));
    await t.close();
  });

  async function listening<L extends RecordingListener>(start: () => Promise<L>): Promise<L> {
    const listener = await start();
    listeners.push(listener);
    return listener;
  }

  async function storedWarehouse(projectUuid: string): Promise<{ connection: Record<string, unknown>; secrets: Record<string, unknown> | null; type: string }> {
    const [row] = await t.app.get(DataSource).query(
      'SELECT warehouse_connection AS connection, encrypted_warehouse_secrets AS secrets, warehouse_type AS type FROM projects WHERE project_uuid = $1',
      [projectUuid],
    );
    return { ...row, secrets: row.secrets && decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret) };
  }

  const patch = (user: TestUser, projectUuid: string, query = '') => t.http().patch(`/api/v1/projects/${projectUuid}${query}`).set('Cookie', user.cookie);
  const getProject = async (user: TestUser, projectUuid: string) => (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', user.cookie).expect(200)).body.results;

  it('updates name, dbt version and time zone for developers and above, answering a job uuid as Lightdash does', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const before = (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie).expect(200)).body.results;

    const res = await patch(p.developer, projectUuid).send({ name: '  Renamed  ', dbtVersion: 'v1.10', schedulerTimezone: 'europe/paris' }).expect(200);
    expect(res.body).toEqual({ status: 'ok', results: { jobUuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) } });
    expect((await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.viewer.cookie).expect(200)).body.results).toEqual({ ...before, name: 'Renamed', dbtVersion: 'v1.10', schedulerTimezone: 'Europe/Paris' });
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

  it('replaces connections, keeping what the server keeps while the type and destination are unchanged, and never answering it', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const shown = (await getProject(p.admin, projectUuid)).warehouseConnection;
    expect(shown).toEqual({ type: 'postgres', host: 'warehouse.internal', port: 5432, dbname: 'analytics', schema: 'public' });
    // what GET answered, sent back with another schema: same destination, so the user and password stay
    await patch(p.admin, projectUuid).send({ warehouseConnection: { ...shown, schema: 'mart' } }).expect(200);
    expect((await getProject(p.admin, projectUuid)).warehouseConnection).toEqual({ ...shown, schema: 'mart' });
    expect(await storedWarehouse(projectUuid)).toEqual({ type: 'postgres', connection: { ...shown, schema: 'mart' }, secrets: { user: 'lightdash', password: 'warehouse-secret' } });

    const newPassword = `pw-${randomUUID()}`;
    const replaced = await patch(p.admin, projectUuid).send({ warehouseConnection: { type: 'redshift', host: 'rs', port: 5439, user: 'u', password: newPassword, dbname: 'd', schema: 's' } }).expect(200);
    expect(replaced.text).not.toContain(newPassword);
    expect((await getProject(p.admin, projectUuid)).warehouseConnection).toEqual({ type: 'redshift', host: 'rs', port: 5439, dbname: 'd', schema: 's' });
    expect(await storedWarehouse(projectUuid)).toMatchObject({ type: 'redshift', secrets: { user: 'u', password: newPassword } });
    // another type: the old secrets go
    await patch(p.admin, projectUuid).send({ warehouseConnection: { type: 'trino', host: 'tr', port: 8080, user: 'u', dbname: 'd', schema: 's', http_scheme: 'https' } }).expect(200);
    expect(await storedWarehouse(projectUuid)).toMatchObject({ type: 'trino', secrets: { user: 'u' } });

    const token = `ghp_${randomUUID()}`;
    const github = { type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' };
    const dbt = await patch(p.admin, projectUuid).send({ dbtConnection: { ...github, personal_access_token: token } }).expect(200);
    expect(dbt.text).not.toContain(token);
    expect((await getProject(p.admin, projectUuid)).dbtConnection).toEqual(github);
    const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect(get.text).not.toContain(token);
    expect(get.text).not.toContain('warehouse-secret');
  });

  it('?test=true connects to a postgres warehouse first: success saves, failure is 400 WarehouseConnectionError and changes nothing', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const real = realWarehouse();

    const saved = await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: real }).expect(200);
    expect((await getProject(p.admin, projectUuid)).warehouseConnection.host).toBe(real.host);
    expect(saved.text).not.toContain(`"password"`);
    // the stored (decrypted) password is what is tested when the body has none
    await patch(p.developer, projectUuid, '?test=true').send({ name: 'Tested with stored secrets' }).expect(200);
    const { password: _password, ...withoutPassword } = real;
    await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...withoutPassword, schema: 'other' } }).expect(200);

    // a database that does not exist fails whatever the server's authentication method (CI's uses trust)
    const missingDatabase = await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...real, dbname: 'no_such_database_for_test' } }).expect(400);
    expect(missingDatabase.body).toEqual(CONNECTION_FAILED);

    const port = await closedPort();
    const refused = await patch(p.developer, projectUuid, '?test=true').send({ name: 'Must not be saved', warehouseConnection: { ...real, host: '127.0.0.1', port } }).expect(400);
    expect(refused.body).toEqual(CONNECTION_FAILED);
    const project = await getProject(p.admin, projectUuid);
    expect(project).toMatchObject({ name: 'Tested with stored secrets', warehouseConnection: { ...shownOf(real), schema: 'other' } });
    expect((await storedWarehouse(projectUuid)).secrets).toEqual({ user: real.user, password: real.password });

    // without ?test the connection is saved untested
    await patch(p.developer, projectUuid, '?test=false').send({ warehouseConnection: { ...real, host: '127.0.0.1', port } }).expect(200);
    // and then testing the stored one fails
    const storedFails = await patch(p.developer, projectUuid, '?test=true').send({ name: 'Nope' }).expect(400);
    expect(storedFails.body.error.name).toBe('WarehouseConnectionError');
    await patch(p.developer, projectUuid, '?test=maybe').send({}).expect(422);
  }, 30_000);

  describe('connection fields are validated before anything is contacted', () => {
    it('refuses out-of-range ports and malformed fields with 422 naming the field, contacting nothing and changing nothing', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const before = await storedWarehouse(projectUuid);
      const listener = await listening(silentListener);
      const target = { ...realWarehouse(), host: '127.0.0.1', port: listener.port };
      const malformed: [string, unknown][] = [
        ['port', 99999],
        ['port', 65536],
        ['port', -1],
        ['port', 0],
        ['port', 5432.5],
        ['port', '5432'],
        ['host', '/var/run/postgresql'],
        ['host', 'db.internal:5432'],
        ['host', ''],
        ['sslmode', 'sometimes'],
        ['dbname', 'x'.repeat(1025)],
        ['user', 42],
        ['sshTunnelPort', 70000],
        ['sslkey', { pem: 'x' }],
      ];
      for (const [field, value] of malformed) {
        const res = await patch(p.developer, projectUuid, '?test=true').send({ name: 'Must not be saved', warehouseConnection: { ...target, [field]: value } });
        expect([field, value, res.status, res.body.error?.name, Object.keys(res.body.error?.data ?? {})]).toEqual([field, value, 422, 'ValidateError', [`body.warehouseConnection.${field}`]]);
      }
      const create = await t.http().post('/api/v1/org/projects').set('Cookie', p.admin.cookie)
        .send({ name: 'P', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' }, warehouseConnection: { ...target, port: 99999 } })
        .expect(422);
      expect(create.body.error.data['body.warehouseConnection.port']).toEqual({ message: 'port must not be greater than 65535', value: 99999 });
      expect(listener.connections()).toBe(0);
      expect(await storedWarehouse(projectUuid)).toEqual(before);
      expect((await getProject(p.admin, projectUuid)).name).toBe('Test project');
    });

    it('drops fields a connection type does not declare instead of storing them', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const marker = `unknown-${randomUUID()}`;
      const res = await patch(p.admin, projectUuid)
        .send({ warehouseConnection: { ...realWarehouse(), passphrase: marker, sslpassword: marker, private_key: marker }, dbtConnection: { type: 'none', secret: marker } })
        .expect(200);
      expect(res.text).not.toContain(marker);
      const [row] = await t.app.get(DataSource).query('SELECT dbt_connection::text AS dbt, warehouse_connection::text AS warehouse FROM projects WHERE project_uuid = $1', [projectUuid]);
      expect(row.dbt + row.warehouse).not.toContain(marker);
      expect(JSON.stringify((await storedWarehouse(projectUuid)).secrets)).not.toContain(marker);
    });

    it('fails a listener that accepts and never answers with the one 400, and keeps serving after the client gives up', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const before = await storedWarehouse(projectUuid);
      const listener = await listening(silentListener);
      const res = await patch(p.developer, projectUuid, '?test=true')
        .send({ name: 'Must not be saved', warehouseConnection: { ...realWarehouse(), host: '127.0.0.1', port: listener.port } })
        .expect(400);
      expect(res.body).toEqual(CONNECTION_FAILED);
      expect(listener.connections()).toBe(1);
      // the pg client's own timers have fired by now: none of them may take the process (this Jest worker) down
      await new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS));
      await t.http().get('/api/v1/health').expect(200);
      expect(await storedWarehouse(projectUuid)).toEqual(before);
      expect((await getProject(p.admin, projectUuid)).name).toBe('Test project');
    }, 30_000);

    it('answers a refused port, an unknown host, a wrong role, a closed socket and a silent listener with the same bytes', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const real = realWarehouse();
      const closing = await listening(closingListener);
      const silent = await listening(silentListener);
      const failures: Record<string, Record<string, unknown>> = {
        refused: { ...real, host: '127.0.0.1', port: await closedPort() },
        unknownHost: { ...real, host: 'nonexistent.invalid' },
        wrongRole: { ...real, user: `no_such_role_${randomBytes(4).toString('hex')}` },
        closedAtOnce: { ...real, host: '127.0.0.1', port: closing.port },
        silent: { ...real, host: '127.0.0.1', port: silent.port },
      };
      const answers: Record<string, string> = {};
      for (const [name, warehouseConnection] of Object.entries(failures)) {
        const res = await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection });
        answers[name] = `${res.status} ${res.text}`;
      }
      const expected = `400 ${JSON.stringify(CONNECTION_FAILED)}`;
      expect(answers).toEqual(Object.fromEntries(Object.keys(failures).map((name) => [name, expected])));
      expect(closing.connections()).toBe(1);
    }, 60_000);
  });

  it('tests without holding the project: a change saved meanwhile makes the tested update a 400 that saves nothing', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const real = realWarehouse();
    const proxy = await listening(() => heldProxy({ host: String(real.host), port: Number(real.port) }));
    await patch(p.admin, projectUuid).send({ warehouseConnection: { ...real, host: '127.0.0.1', port: proxy.port } }).expect(200);

    const tested = patch(p.developer, projectUuid, '?test=true').send({ name: 'Tested' }).then((res) => res); // sent now, awaited below
    await waitUntil(() => proxy.connections() === 1);
    // the project row is not locked while the test waits on the warehouse
    await patch(p.admin, projectUuid).send({ warehouseConnection: { ...real, host: '127.0.0.1', port: proxy.port, schema: 'changed', password: 'changed meanwhile' } }).expect(200);
    proxy.release();
    const res = await tested;
    expect([res.status, res.body.error?.name]).toEqual([400, 'ParameterError']);
    expect(await getProject(p.admin, projectUuid)).toMatchObject({ name: 'Test project', warehouseConnection: { schema: 'changed' } });
  });

  describe('a stored secret is only sent to where it was stored for', () => {
    const storedPassword = () => `stored-secret-${randomBytes(8).toString('hex')}`;

    it('clears the stored user and password when host or port change without them: a test never sends them to another listener', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const password = storedPassword();
      await patch(p.admin, projectUuid).send({ warehouseConnection: { ...realWarehouse(), password } }).expect(200);
      const shown = shownOf((await getProject(p.developer, projectUuid)).warehouseConnection);
      const trap = await listening(passwordRecordingPostgres);

      const answers = [];
      for (const redirected of [{ host: '127.0.0.1', port: trap.port }, { port: trap.port }]) {
        answers.push((await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...shown, ...redirected } })).body);
      }
      expect(trap.received().includes(Buffer.from(password))).toBe(false);
      expect(trap.connections()).toBe(0);
      expect(answers).toEqual([CONNECTION_FAILED, CONNECTION_FAILED]);
      expect((await storedWarehouse(projectUuid)).secrets).toEqual({ user: realWarehouse().user, password });

      // saved without a test: stored without the user and password, so a later test sends them nowhere
      await patch(p.developer, projectUuid).send({ warehouseConnection: { ...shown, host: '127.0.0.1', port: trap.port } }).expect(200);
      expect((await getProject(p.developer, projectUuid)).warehouseConnection).toEqual({ ...shown, host: '127.0.0.1', port: trap.port });
      expect((await storedWarehouse(projectUuid)).secrets).toBeNull();
      await patch(p.developer, projectUuid, '?test=true').send({ name: 'Tested' }).expect(400);
      expect(trap.connections()).toBe(0);
    }, 30_000);

    it('keeps them when a client sends back what GET answered, and tests with them', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const real = realWarehouse();
      await patch(p.admin, projectUuid).send({ warehouseConnection: real }).expect(200);
      const shown = (await getProject(p.developer, projectUuid)).warehouseConnection;
      expect(shown).toEqual(shownOf(real));
      await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: shown }).expect(200);
      await patch(p.developer, projectUuid, '?test=true').send({ warehouseConnection: { ...shown, schema: 'mart', sslmode: 'disable' } }).expect(200);
      expect((await storedWarehouse(projectUuid)).secrets).toEqual({ user: real.user, password: real.password });
    });

    it('clears what is kept when the database or the user change, and takes what is sent again', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const kept = { user: 'stored-user', password: storedPassword(), sslkey: `key-${randomUUID()}`, sslrootcert: `ca-${randomUUID()}` };
      const shown = { type: 'postgres', host: 'warehouse.internal', port: 5432, dbname: 'analytics', schema: 'public', sslmode: 'verify-full' };
      const store = () => patch(p.admin, projectUuid).send({ warehouseConnection: { ...shown, ...kept } }).expect(200);
      const secretsAfter = async (warehouseConnection: Record<string, unknown>) => {
        await store();
        await patch(p.developer, projectUuid).send({ warehouseConnection }).expect(200);
        return (await storedWarehouse(projectUuid)).secrets;
      };

      expect(await secretsAfter({ ...shown, schema: 'mart', sslmode: 'require', threads: 4 })).toEqual(kept);
      expect(await secretsAfter({ ...shown, user: kept.user })).toEqual(kept);
      expect(await secretsAfter({ ...shown, dbname: 'other' })).toBeNull();
      expect(await secretsAfter({ ...shown, user: 'someone-else' })).toEqual({ user: 'someone-else' });
      expect(await secretsAfter({ ...shown, host: 'replica.internal', password: 'new-password' })).toEqual({ password: 'new-password' });
      expect(await secretsAfter({ ...shown, useSshTunnel: true, sshTunnelHost: 'bastion.example.com' })).toBeNull();
      expect(await secretsAfter({ ...shown, sslkey: null })).toEqual({ ...kept, sslkey: null });
    });

    it('does the same for dbt connections: a git token stays with its repository and host', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const token = `ghp_${randomUUID()}`;
      const github = { type: 'github', authorization_method: 'personal_access_token', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' };
      const storedToken = async () => {
        const [row] = await t.app.get(DataSource).query('SELECT encrypted_dbt_secrets AS secrets FROM projects WHERE project_uuid = $1', [projectUuid]);
        return row.secrets && decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret);
      };
      await patch(p.admin, projectUuid).send({ dbtConnection: { ...github, personal_access_token: token } }).expect(200);
      await patch(p.developer, projectUuid).send({ dbtConnection: { ...github, branch: 'dev' } }).expect(200);
      expect(await storedToken()).toEqual({ personal_access_token: token });
      await patch(p.developer, projectUuid).send({ dbtConnection: { ...github, host_domain: 'git.example.com' } }).expect(200);
      expect(await storedToken()).toBeNull();
    });
  });

  describe('user credentials of a project', () => {
    async function createCredentials(user: TestUser, credentials: Record<string, unknown>, name = 'Login'): Promise<string> {
      const res = await t.http().post('/api/v1/user/warehouseCredentials').set('Cookie', user.cookie).send({ name, credentials });
      if (res.status !== 200) throw new Error(`credentials creation failed: ${res.status} ${res.text}`);
      return res.body.results.uuid;
    }

    it('answers the caller’s preferred credentials of the project’s warehouse type, and selects them', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const password = `pw-${randomUUID()}`;
      const first = await createCredentials(p.viewer, { type: 'postgres', user: 'analyst', password }, 'First');
      const second = await createCredentials(p.viewer, { type: 'postgres', user: 'loader', password }, 'Second');
      const snowflake = await createCredentials(p.viewer, { type: 'snowflake', user: 'SF', password }, 'Snow');
      await createCredentials(p.editor, { type: 'postgres', user: 'someone-else', password }, 'Not yours');
      const base = `/api/v1/projects/${projectUuid}/user-credentials`;

      // none selected: the oldest of the project's warehouse type, as one object
      const preferred = await t.http().get(base).set('Cookie', p.viewer.cookie).expect(200);
      expect(preferred.body).toEqual({
        status: 'ok',
        results: {
          uuid: first,
          userUuid: p.viewer.userUuid,
          name: 'First',
          credentials: { type: 'postgres', user: 'analyst' },
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          project: null,
        },
      });
      expect(preferred.text).not.toContain(password);

      expect((await t.http().patch(`${base}/${second}`).set('Cookie', p.viewer.cookie).expect(200)).body).toEqual({ status: 'ok' });
      expect((await t.http().get(base).set('Cookie', p.viewer.cookie).expect(200)).body.results.uuid).toBe(second);
      await t.http().patch(`${base}/${first}`).set('Cookie', p.viewer.cookie).expect(200);
      expect((await t.http().get(base).set('Cookie', p.viewer.cookie)).body.results.uuid).toBe(first);

      const wrongType = await t.http().patch(`${base}/${snowflake}`).set('Cookie', p.viewer.cookie).expect(400);
      expect(wrongType.body.error.name).toBe('ParameterError');
      // someone else's credentials, or unknown ones
      const notMine = await t.http().patch(`${base}/${first}`).set('Cookie', p.editor.cookie).expect(404);
      expect(notMine.body.error.message).toBe('Warehouse credentials not found');
      await t.http().patch(`${base}/${randomUUID()}`).set('Cookie', p.viewer.cookie).expect(404);
      expect((await t.http().get(base).set('Cookie', p.editor.cookie).expect(200)).body.results.name).toBe('Not yours');
      // no credentials of the project's type: no results key at all
      expect((await t.http().get(base).set('Cookie', p.developer.cookie).expect(200)).body).toEqual({ status: 'ok' });
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
