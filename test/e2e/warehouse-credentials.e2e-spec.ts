import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization } from '../support/organizations.js';
import { registerUser, type TestUser } from '../support/users.js';

const BASE = '/api/v1/user/warehouseCredentials';
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uniqueSecret(label: string): string {
  return `${label}-${randomBytes(8).toString('hex')}`;
}

describe('per-user warehouse credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function storedRow(uuid: string): Promise<{ warehouse_type: string; warehouse_user: string | null; encrypted_credentials: Buffer } | undefined> {
    const rows = await t.app.get(DataSource).query(
      'SELECT warehouse_type, warehouse_user, encrypted_credentials FROM user_warehouse_credentials WHERE user_warehouse_credentials_uuid = $1',
      [uuid],
    );
    return rows[0];
  }

  function decryptStored(row: { encrypted_credentials: Buffer }): unknown {
    return decryptCredentials(row.encrypted_credentials, t.app.get<ResolvedConfig>(APP_CONFIG).secret);
  }

  function create(user: TestUser, body: unknown) {
    return t.http().post(BASE).set('Cookie', user.cookie).send(body as object);
  }

  it('creates, lists, replaces and deletes postgres credentials without ever answering the password', async () => {
    const user = await registerUser(t);
    const password = uniqueSecret('pg-password');
    const created = await create(user, { name: '  Warehouse login  ', credentials: { type: 'postgres', user: 'analyst', password } }).expect(200);
    expect(created.body).toEqual({
      status: 'ok',
      results: {
        uuid: expect.stringMatching(UUID),
        userUuid: user.userUuid,
        name: 'Warehouse login',
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
        credentials: { type: 'postgres', user: 'analyst' },
        project: null,
      },
    });
    const uuid: string = created.body.results.uuid;
    expect(JSON.stringify(created.body)).not.toContain(password);

    const listed = await t.http().get(BASE).set('Cookie', user.cookie).expect(200);
    expect(listed.body).toEqual({ status: 'ok', results: [created.body.results] });
    expect(JSON.stringify(listed.body)).not.toContain(password);

    const newPassword = uniqueSecret('pg-password-2');
    const updated = await t
      .http()
      .patch(`${BASE}/${uuid}`)
      .set('Cookie', user.cookie)
      .send({ name: 'Renamed', credentials: { type: 'redshift', user: 'loader', password: newPassword } })
      .expect(200);
    expect(updated.body.results).toEqual({
      ...created.body.results,
      name: 'Renamed',
      credentials: { type: 'redshift', user: 'loader' },
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(new Date(updated.body.results.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.results.updatedAt).getTime());
    expect(JSON.stringify(updated.body)).not.toContain(newPassword);

    const row = await storedRow(uuid);
    expect(row).toMatchObject({ warehouse_type: 'redshift', warehouse_user: 'loader' });
    expect(decryptStored(row!)).toEqual({ type: 'redshift', user: 'loader', password: newPassword });

    const afterUpdate = await t.http().get(BASE).set('Cookie', user.cookie).expect(200);
    expect(afterUpdate.body.results).toEqual([updated.body.results]);
    expect(JSON.stringify(afterUpdate.body)).not.toContain(newPassword);

    const deleted = await t.http().delete(`${BASE}/${uuid}`).set('Cookie', user.cookie).expect(200);
    expect(deleted.body).toEqual({ status: 'ok' });
    expect((await t.http().get(BASE).set('Cookie', user.cookie).expect(200)).body).toEqual({ status: 'ok', results: [] });
    expect(await storedRow(uuid)).toBeUndefined();

    const again = await t.http().delete(`${BASE}/${uuid}`).set('Cookie', user.cookie).expect(404);
    expect(again.body.error).toEqual({ statusCode: 404, name: 'NotFoundError', message: 'Warehouse credentials not found', data: {} });
  });

  it('encrypts the stored credentials: the bytea holds neither the password nor the user in clear', async () => {
    const user = await registerUser(t);
    const password = uniqueSecret('clear-text-check');
    const created = await create(user, { name: 'pg', credentials: { type: 'postgres', user: 'analyst', password } }).expect(200);
    const row = await storedRow(created.body.results.uuid);
    expect(row).toBeDefined();
    expect(Buffer.isBuffer(row!.encrypted_credentials)).toBe(true);
    expect(row!.encrypted_credentials.includes(Buffer.from(password))).toBe(false);
    expect(row!.encrypted_credentials.toString('latin1')).not.toContain('analyst');
    expect(decryptStored(row!)).toEqual({ type: 'postgres', user: 'analyst', password });
  });

  it('creates, lists, replaces and deletes bigquery credentials without ever answering the key file', async () => {
    const user = await registerUser(t);
    const privateKey = uniqueSecret('-----BEGIN PRIVATE KEY-----');
    const privateKeyId = uniqueSecret('key-id');
    const keyfileContents = { type: 'service_account', project_id: 'acme-analytics', private_key_id: privateKeyId, private_key: privateKey };
    const created = await create(user, { name: 'BigQuery', credentials: { type: 'bigquery', keyfileContents, authenticationType: 'private_key' } }).expect(200);
    expect(created.body.results).toEqual({
      uuid: expect.stringMatching(UUID),
      userUuid: user.userUuid,
      name: 'BigQuery',
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
      credentials: { type: 'bigquery' },
      project: null,
    });
    const uuid: string = created.body.results.uuid;
    for (const secret of [privateKey, privateKeyId, 'acme-analytics']) expect(JSON.stringify(created.body)).not.toContain(secret);

    const row = await storedRow(uuid);
    expect(row).toMatchObject({ warehouse_type: 'bigquery', warehouse_user: null });
    expect(row!.encrypted_credentials.includes(Buffer.from(privateKey))).toBe(false);
    expect(decryptStored(row!)).toEqual({ type: 'bigquery', keyfileContents, authenticationType: 'private_key' });

    const listed = await t.http().get(BASE).set('Cookie', user.cookie).expect(200);
    expect(listed.body.results).toEqual([created.body.results]);
    for (const secret of [privateKey, privateKeyId]) expect(JSON.stringify(listed.body)).not.toContain(secret);

    const newPrivateKey = uniqueSecret('new-private-key');
    const updated = await t
      .http()
      .patch(`${BASE}/${uuid}`)
      .set('Cookie', user.cookie)
      .send({ name: 'BigQuery SSO', credentials: { type: 'bigquery', keyfileContents: { private_key: newPrivateKey } } })
      .expect(200);
    expect(updated.body.results).toMatchObject({ uuid, name: 'BigQuery SSO', credentials: { type: 'bigquery' }, project: null });
    expect(JSON.stringify(updated.body)).not.toContain(newPrivateKey);
    // a full replace: the old key file and authentication type are gone
    expect(decryptStored((await storedRow(uuid))!)).toEqual({ type: 'bigquery', keyfileContents: { private_key: newPrivateKey } });

    await t.http().delete(`${BASE}/${uuid}`).set('Cookie', user.cookie).expect(200);
    expect((await t.http().get(BASE).set('Cookie', user.cookie).expect(200)).body.results).toEqual([]);
  });

  it('accepts every other variant and only ever answers its type and user', async () => {
    const user = await registerUser(t);
    const secret = uniqueSecret('variant-secret');
    const variants = [
      { type: 'trino', user: 'trino_user', password: secret },
      { type: 'clickhouse', user: 'default', password: secret },
      { type: 'snowflake', user: 'ANALYST', password: secret, authenticationType: 'password', refreshToken: secret },
      { type: 'snowflake', user: 'SSO_USER' },
      {
        type: 'databricks',
        personalAccessToken: secret,
        refreshToken: secret,
        authenticationType: 'personal_access_token',
        database: 'analytics',
        serverHostName: 'dbc.cloud.databricks.com',
        httpPath: '/sql/1.0/warehouses/abc',
        oauthClientId: 'client-id',
      },
      { type: 'athena', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: secret },
      { type: 'athena' },
    ];
    for (const credentials of variants) {
      const res = await create(user, { name: credentials.type, credentials });
      expect([res.status, JSON.stringify(credentials)]).toEqual([200, JSON.stringify(credentials)]);
    }
    const listed = await t.http().get(BASE).set('Cookie', user.cookie).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.results.map((item: { credentials: unknown }) => item.credentials)).toEqual([
      { type: 'trino', user: 'trino_user' },
      { type: 'clickhouse', user: 'default' },
      { type: 'snowflake', user: 'ANALYST' },
      { type: 'snowflake', user: 'SSO_USER' },
      { type: 'databricks' },
      { type: 'athena' },
      { type: 'athena' },
    ]);
  });

  it('answers only the type and the login name of every variant with every field set, in both lists that show them', async () => {
    const org = await createOrganization(t);
    const tag = randomBytes(6).toString('hex');
    const marker = (field: string) => `m-${field}-${tag}`;
    const variants: Record<string, unknown>[] = [
      ...['postgres', 'redshift', 'trino', 'clickhouse'].map((type) => ({ type, user: marker(`${type}-user`), password: marker('password') })),
      { type: 'snowflake', user: marker('snowflake-user'), password: marker('password'), authenticationType: 'password', refreshToken: marker('refreshToken') },
      { type: 'bigquery', keyfileContents: { private_key: marker('keyfile'), project_id: marker('project') }, authenticationType: 'private_key' },
      {
        type: 'databricks',
        personalAccessToken: marker('pat'),
        refreshToken: marker('refreshToken'),
        authenticationType: 'personal_access_token',
        database: marker('database'),
        serverHostName: marker('host'),
        httpPath: marker('httpPath'),
        oauthClientId: marker('oauthClientId'),
      },
      { type: 'athena', accessKeyId: marker('accessKeyId'), secretAccessKey: marker('secretAccessKey') },
    ];
    for (const credentials of variants) await create(org.admin, { name: String(credentials.type), credentials }).expect(200);
    const expected = variants.map((credentials) => ({ type: credentials.type, ...('user' in credentials ? { user: credentials.user } : {}) }));

    const listed = await t.http().get(BASE).set('Cookie', org.admin.cookie).expect(200);
    expect(listed.body.results.map((item: { credentials: unknown }) => item.credentials)).toEqual(expected);
    const projectLists: string[] = [];
    for (const credentials of expected) {
      const projectUuid = (
        await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie)
          .send({ name: credentials.type, type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' }, warehouseConnection: { type: credentials.type } })
          .expect(200)
      ).body.results.project.projectUuid;
      const inProject = await t.http().get(`/api/v1/projects/${projectUuid}/user-credentials`).set('Cookie', org.admin.cookie).expect(200);
      expect(inProject.body.results.credentials).toEqual(credentials);
      projectLists.push(inProject.text);
    }
    const answered = [listed.text, ...projectLists].join('\n');
    const userMarkers = expected.flatMap((credentials) => ('user' in credentials ? [credentials.user] : []));
    expect(answered.match(new RegExp(`m-[A-Za-z-]+-${tag}`, 'g'))?.filter((found) => !userMarkers.includes(found)) ?? []).toEqual([]);
  });

  it("keeps users apart: another user's credentials are 404 on PATCH and DELETE and absent from their list", async () => {
    const owner = await registerUser(t);
    const intruder = await registerUser(t);
    const password = uniqueSecret('owner-password');
    const created = await create(owner, { name: 'Owner login', credentials: { type: 'postgres', user: 'owner', password } }).expect(200);
    const uuid: string = created.body.results.uuid;
    await create(intruder, { name: 'Intruder login', credentials: { type: 'postgres', user: 'intruder', password: 'x' } }).expect(200);

    const intruderList = await t.http().get(BASE).set('Cookie', intruder.cookie).expect(200);
    expect(intruderList.body.results.map((item: { name: string }) => item.name)).toEqual(['Intruder login']);

    const patch = await t
      .http()
      .patch(`${BASE}/${uuid}`)
      .set('Cookie', intruder.cookie)
      .send({ name: 'Hijacked', credentials: { type: 'postgres', user: 'intruder', password: 'x' } })
      .expect(404);
    expect(patch.body).toEqual({
      status: 'error',
      error: { statusCode: 404, name: 'NotFoundError', message: 'Warehouse credentials not found', data: {} },
    });
    const del = await t.http().delete(`${BASE}/${uuid}`).set('Cookie', intruder.cookie).expect(404);
    expect(del.body.error).toEqual({ statusCode: 404, name: 'NotFoundError', message: 'Warehouse credentials not found', data: {} });

    const ownerList = await t.http().get(BASE).set('Cookie', owner.cookie).expect(200);
    expect(ownerList.body.results).toEqual([created.body.results]);
    expect(await storedRow(uuid)).toMatchObject({ warehouse_user: 'owner' });
  });

  it('answers 404 for a well-formed uuid that does not exist', async () => {
    const user = await registerUser(t);
    const res = await t
      .http()
      .patch(`${BASE}/${randomUUID()}`)
      .set('Cookie', user.cookie)
      .send({ name: 'x', credentials: { type: 'postgres', user: 'u', password: 'p' } })
      .expect(404);
    expect(res.body.error.message).toBe('Warehouse credentials not found');
    await t.http().delete(`${BASE}/${randomUUID()}`).set('Cookie', user.cookie).expect(404);
  });

  describe('validation', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await registerUser(t);
    });

    async function expect422(body: unknown, data: Record<string, unknown>): Promise<void> {
      const res = await create(user, body).expect(422);
      expect(res.body).toEqual({ status: 'error', error: { statusCode: 422, name: 'ValidateError', message: '', data } });
    }

    it('refuses an unknown warehouse type', async () => {
      await expect422(
        { name: 'x', credentials: { type: 'oracle' } },
        {
          'body.credentials.type': {
            message: 'type must be one of the following values: postgres, redshift, trino, clickhouse, snowflake, bigquery, databricks, athena',
            value: 'oracle',
          },
        },
      );
    });

    it('refuses credentials without a type', async () => {
      await expect422({ name: 'x', credentials: {} }, { 'body.credentials.type': { message: "'type' is required" } });
    });

    it('refuses postgres credentials without a password', async () => {
      await expect422({ name: 'x', credentials: { type: 'postgres', user: 'u' } }, { 'body.credentials.password': { message: "'password' is required" } });
    });

    it('refuses bigquery credentials whose key file is not an object of strings', async () => {
      await expect422(
        { name: 'x', credentials: { type: 'bigquery', keyfileContents: { port: 5432 } } },
        { 'body.credentials.keyfileContents': { message: 'keyfileContents must be an object whose values are strings', value: { port: 5432 } } },
      );
    });

    it('refuses a missing or blank name and missing credentials', async () => {
      await expect422({}, { 'body.name': { message: "'name' is required" }, 'body.credentials': { message: "'credentials' is required" } });
      await expect422(
        { name: '   ', credentials: { type: 'postgres', user: 'u', password: 'p' } },
        { 'body.name': { message: 'name should not be empty', value: '' } },
      );
    });

    it('refuses credentials that are not an object', async () => {
      const res = await create(user, { name: 'x', credentials: 'postgres://u:p@db/x' }).expect(422);
      expect(Object.keys(res.body.error.data)).toEqual(['body.credentials']);
    });

    it('answers 422, never 500, to odd credential shapes', async () => {
      const oddCredentials = [
        null,
        [],
        [{ type: 'postgres', user: 'u', password: 'p' }],
        42,
        { type: 5 },
        { type: 'constructor' },
        { type: '__proto__' },
        { type: 'postgres', user: 7, password: 'p' },
        { type: 'postgres', user: '', password: 'p' },
        { type: 'bigquery', keyfileContents: [] },
        { type: 'bigquery', keyfileContents: null },
        { type: 'bigquery', keyfileContents: 'a key' },
        { type: 'snowflake', user: 'u', authenticationType: 'kerberos' },
        { type: 'databricks', authenticationType: 'password' },
      ];
      for (const credentials of oddCredentials) {
        const res = await create(user, { name: 'x', credentials });
        expect([JSON.stringify(credentials), res.status, res.body.error?.name]).toEqual([JSON.stringify(credentials), 422, 'ValidateError']);
      }
    });

    it('drops unknown properties at the top and inside the credentials: none is stored or answered', async () => {
      const created = await create(user, { name: 'x', credentials: { type: 'postgres', user: 'u', password: 'p', host: 'db.internal' }, projectUuid: 'p' }).expect(200);
      expect(created.body.results).toMatchObject({ name: 'x', credentials: { type: 'postgres', user: 'u' }, project: null });
      expect(created.body.results).not.toHaveProperty('projectUuid');
      expect(decryptStored((await storedRow(created.body.results.uuid))!)).toEqual({ type: 'postgres', user: 'u', password: 'p' });
      // a field of another variant is unknown too
      const athena = await create(user, { name: 'a', credentials: { type: 'athena', user: 'u' } }).expect(200);
      expect(decryptStored((await storedRow(athena.body.results.uuid))!)).toEqual({ type: 'athena' });
    });

    it('validates the PATCH body as strictly as the POST body', async () => {
      const created = await create(user, { name: 'x', credentials: { type: 'postgres', user: 'u', password: 'p' } }).expect(200);
      const res = await t
        .http()
        .patch(`${BASE}/${created.body.results.uuid}`)
        .set('Cookie', user.cookie)
        .send({ name: 'x', credentials: { type: 'postgres', user: 'u' } })
        .expect(422);
      expect(res.body.error.data).toEqual({ 'body.credentials.password': { message: "'password' is required" } });
    });

    it('refuses a malformed uuid in the path', async () => {
      const patch = await t
        .http()
        .patch(`${BASE}/not-a-uuid`)
        .set('Cookie', user.cookie)
        .send({ name: 'x', credentials: { type: 'postgres', user: 'u', password: 'p' } })
        .expect(422);
      expect(patch.body.error).toEqual({ statusCode: 422, name: 'ValidateError', message: '', data: { uuid: { message: 'uuid must be a UUID', value: 'not-a-uuid' } } });
      const del = await t.http().delete(`${BASE}/not-a-uuid`).set('Cookie', user.cookie).expect(422);
      expect(del.body.error.data).toEqual({ uuid: { message: 'uuid must be a UUID', value: 'not-a-uuid' } });
    });
  });

  it('needs authentication on every route', async () => {
    const body = { name: 'x', credentials: { type: 'postgres', user: 'u', password: 'p' } };
    const uuid = randomUUID();
    for (const res of [
      await t.http().get(BASE),
      await t.http().post(BASE).send(body),
      await t.http().patch(`${BASE}/${uuid}`).send(body),
      await t.http().delete(`${BASE}/${uuid}`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthorizationError');
    }
  });

  it('documents the routes and the credential variants in the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    const collection = doc.paths['/api/v1/user/warehouseCredentials'];
    const item = doc.paths['/api/v1/user/warehouseCredentials/{uuid}'];
    expect(collection.get.tags).toEqual(['My Account']);
    expect(Object.keys(collection).sort()).toEqual(['get', 'post']);
    expect(Object.keys(item).sort()).toEqual(['delete', 'patch']);
    const credentials = doc.components.schemas.UpsertUserWarehouseCredentialsDto.properties.credentials;
    expect(credentials.oneOf).toHaveLength(5);
    expect(credentials.discriminator.mapping.bigquery).toBe('#/components/schemas/BigqueryWarehouseCredentialsDto');
    expect(doc.components.schemas.UserWarehouseCredentialsDto.properties.credentials).toBeDefined();
  });
});
