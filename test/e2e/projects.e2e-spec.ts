import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { type ConnectionSchemas, DBT_CONNECTIONS, DBT_PROJECT_TYPES, WAREHOUSE_CONNECTIONS, WAREHOUSE_TYPES } from '../../src/connections/connection-schemas.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { uniqueEmail, type TestUser } from '../support/users.js';

describe('projects and direct project access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('creates a project synchronously, storing connection secrets encrypted and never returning them', async () => {
    const org = await createOrganization(t);
    const res = await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({
      name: 'Jaffle shop',
      type: 'DEFAULT',
      dbtVersion: 'v1.9',
      dbtConnection: { type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/', personal_access_token: 'ghp_secret' },
      warehouseConnection: { type: 'postgres', host: 'db', port: 5432, user: 'ld', password: 'pg-secret', dbname: 'a', schema: 'public' },
    }).expect(200);
    expect(res.body.results).toEqual({
      project: {
        organizationUuid: org.organizationUuid,
        projectUuid: expect.any(String),
        name: 'Jaffle shop',
        type: 'DEFAULT',
        dbtConnection: { type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' },
        warehouseConnection: { type: 'postgres', host: 'db', port: 5432, dbname: 'a', schema: 'public' },
        dbtVersion: 'v1.9',
        schedulerTimezone: 'UTC',
        schedulerFailureNotifyRecipients: false,
        schedulerFailureIncludeContact: false,
        schedulerFailureContactOverride: null,
        createdByUserUuid: org.admin.userUuid,
        hasDefaultUserSpaces: false,
        // what an unconfigured Lightdash 1.219 answers for features this server does not have
        colorPaletteUuid: null,
        pinnedListUuid: null,
        expiresAt: null,
        provisioningSource: null,
        queryTimezone: null,
        useProjectTimezoneInFilters: false,
        agentSqlScope: null,
      },
      hasContentCopy: false,
    });
    const projectUuid = res.body.results.project.projectUuid;
    expect((await t.http().get('/api/v1/org').set('Cookie', org.admin.cookie).expect(200)).body.results.needsProject).toBe(false);
    const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', org.admin.cookie).expect(200);
    expect(get.body.results).toEqual(res.body.results.project);
    expect(get.text).not.toMatch(/secret/);
    const [row] = await t.app.get(DataSource).query('SELECT encrypted_warehouse_secrets::text AS w, encrypted_dbt_secrets::text AS d FROM projects WHERE project_uuid = $1', [projectUuid]);
    expect(row.w).not.toContain('pg-secret');
    expect(row.d).not.toContain('ghp_secret');
  });

  describe('connections are answered through an allowlist of fields per type', () => {
    /** Fields that hold secrets (or, for `user`, that Lightdash hides) in some connection type: never answered. */
    const NEVER_ANSWERED = [
      'user', 'password', 'sslcert', 'sslkey', 'sslrootcert', 'sshTunnelPrivateKey', 'keyfileContents', 'privateKey', 'privateKeyPass',
      'refreshToken', 'token', 'personalAccessToken', 'oauthClientSecret', 'accessKeyId', 'secretAccessKey', 'assumeRoleExternalId',
      'personal_access_token', 'api_key',
    ];
    /** Fields no connection type declares, some of them secrets elsewhere: dropped on the way in. */
    const UNDECLARED = ['passphrase', 'secret', 'sslpassword', 'private_key', 'private_key_id', 'client_secret', 'notAField'];

    /** Every declared field of the type, and some undeclared ones, set to a value; strings carry a unique marker. */
    function markedConnection(schemas: ConnectionSchemas, type: string): { connection: Record<string, unknown>; markers: Record<string, string> } {
      const tag = randomBytes(6).toString('hex');
      const markers: Record<string, string> = {};
      const connection: Record<string, unknown> = { type };
      const mark = (field: string) => (markers[field] = `m${field.toLowerCase().replace(/_/g, '-')}-${tag}`);
      for (const [field, spec] of Object.entries(schemas.types[type].fields)) {
        const fieldType = spec.type;
        if (fieldType.json === 'string') {
          const marker = mark(field);
          connection[field] = !fieldType.pattern || fieldType.pattern.test(marker) ? marker : `https://${marker}.example.com`;
        } else if (fieldType.json === 'integer') connection[field] = fieldType.min;
        else if (fieldType.json === 'boolean') connection[field] = true;
        else if (fieldType.json === 'enum') connection[field] = fieldType.values[0];
        else if (fieldType.json === 'stringMap') connection[field] = { type: 'service_account', private_key: mark(field) };
        else if (fieldType.json === 'stringList') connection[field] = [mark(field)];
        else connection[field] = [Object.fromEntries(fieldType.keys.map((key) => [key, `${mark(field)}-${key}`]))];
      }
      for (const field of UNDECLARED) connection[field] = mark(field);
      return { connection, markers };
    }

    /** The markers of fields that must not be answered, found anywhere in `text`. */
    function leaked(text: string, markers: Record<string, string>): string[] {
      return Object.entries(markers)
        .filter(([field]) => NEVER_ANSWERED.includes(field) || UNDECLARED.includes(field))
        .filter(([, marker]) => text.includes(marker))
        .map(([field]) => field);
    }

    async function readers(): Promise<{ p: Personas; projectViewer: TestUser }> {
      const p = await createPersonas(t);
      return { p, projectViewer: p.member };
    }

    it('answers no secret, hidden or undeclared field of any warehouse or dbt connection type, to any role', async () => {
      const { p, projectViewer } = await readers();
      const pairs: [string, string][] = [
        ...WAREHOUSE_TYPES.map((type): [string, string] => [type, 'none']),
        ...DBT_PROJECT_TYPES.map((type): [string, string] => ['postgres', type]),
      ];
      for (const [warehouseType, dbtType] of pairs) {
        const warehouse = markedConnection(WAREHOUSE_CONNECTIONS, warehouseType);
        const dbt = markedConnection(DBT_CONNECTIONS, dbtType);
        const markers = { ...warehouse.markers, ...dbt.markers };
        const created = await t.http().post('/api/v1/org/projects').set('Cookie', p.admin.cookie)
          .send({ name: `${warehouseType} ${dbtType}`, type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: dbt.connection, warehouseConnection: warehouse.connection });
        expect([warehouseType, dbtType, created.status]).toEqual([warehouseType, dbtType, 200]);
        const projectUuid = created.body.results.project.projectUuid;
        await grantProjectRole(t, p.admin, projectUuid, projectViewer, 'viewer');
        const answers = [created.text];
        for (const reader of [p.admin, p.developer, p.viewer, projectViewer]) {
          answers.push((await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', reader.cookie).expect(200)).text);
        }
        answers.push((await t.http().patch(`/api/v1/projects/${projectUuid}`).set('Cookie', p.developer.cookie).send({ warehouseConnection: warehouse.connection, dbtConnection: dbt.connection }).expect(200)).text);
        for (const answer of answers) expect([warehouseType, dbtType, leaked(answer, markers)]).toEqual([warehouseType, dbtType, []]);

        // what is answered is what the type declares returned; what is kept is stored encrypted, not lost
        const project = JSON.parse(answers[1]).results;
        const returnedFields = (schemas: ConnectionSchemas, type: string) =>
          ['type', ...Object.entries(schemas.types[type].fields).filter(([, spec]) => spec.returned).map(([field]) => field)].sort();
        expect(Object.keys(project.warehouseConnection).sort()).toEqual(returnedFields(WAREHOUSE_CONNECTIONS, warehouseType));
        expect(Object.keys(project.dbtConnection).sort()).toEqual(returnedFields(DBT_CONNECTIONS, dbtType));
        const [row] = await t.app.get(DataSource).query('SELECT encrypted_warehouse_secrets AS w, encrypted_dbt_secrets AS d FROM projects WHERE project_uuid = $1', [projectUuid]);
        const secret = t.app.get<ResolvedConfig>(APP_CONFIG).secret;
        const kept = { ...(row.w ? decryptCredentials<object>(row.w, secret) : {}), ...(row.d ? decryptCredentials<object>(row.d, secret) : {}) };
        const keptFields = [...Object.keys(warehouse.connection), ...Object.keys(dbt.connection)].filter((field) => NEVER_ANSWERED.includes(field));
        expect(Object.keys(kept).sort()).toEqual([...new Set(keptFields)].sort());
      }
    }, 60_000);

    it('answers what Lightdash answers of a postgres connection: no user, password, TLS keys or certificates', async () => {
      const { p } = await readers();
      const created = await t.http().post('/api/v1/org/projects').set('Cookie', p.admin.cookie).send({
        name: 'TLS', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' },
        warehouseConnection: {
          type: 'postgres', host: 'db', port: 5432, user: 'ld', password: 'pw', dbname: 'a', schema: 'public', sslmode: 'verify-full',
          sslkey: '-----BEGIN PRIVATE KEY-----', sslcert: '-----BEGIN CERTIFICATE-----', sslrootcert: '-----BEGIN CERTIFICATE----- ca', passphrase: 'x', secret: 'y',
        },
      }).expect(200);
      const projectUuid = created.body.results.project.projectUuid;
      const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.viewer.cookie).expect(200);
      expect(get.body.results.warehouseConnection).toEqual({ type: 'postgres', host: 'db', port: 5432, dbname: 'a', schema: 'public', sslmode: 'verify-full' });
    });

    it('applies the allowlist when reading connections stored before it, secrets in clear included', async () => {
      const { p } = await readers();
      const projectUuid = await createProject(t, p.admin);
      const marker = `legacy-${randomBytes(6).toString('hex')}`;
      await t.app.get(DataSource).query('UPDATE projects SET warehouse_connection = $2, dbt_connection = $3 WHERE project_uuid = $1', [
        projectUuid,
        { type: 'postgres', host: 'db', port: 5432, dbname: 'a', user: marker, password: marker, sslkey: marker, sslpassword: marker, anything: marker },
        { type: 'github', repository: 'acme/dbt', personal_access_token: marker, api_key: marker },
      ]);
      for (const reader of [p.admin, p.viewer]) {
        const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', reader.cookie).expect(200);
        expect(get.text).not.toContain(marker);
        expect(get.body.results).toMatchObject({ warehouseConnection: { type: 'postgres', host: 'db', port: 5432, dbname: 'a' }, dbtConnection: { type: 'github', repository: 'acme/dbt' } });
      }
    });
  });

  it('validates the body: types and connection types; extra fields are dropped', async () => {
    const org = await createOrganization(t);
    const base = { name: 'P', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' } };
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, type: 'OTHER' }).expect(422);
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, dbtConnection: { type: 'svn' } }).expect(422);
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, dbtConnection: 'none' }).expect(422);
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, warehouseConnection: { type: 'oracle' } }).expect(422);
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, dbtVersion: 'v0.1' }).expect(422);
    const { name: _name, ...nameless } = base;
    await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send(nameless).expect(422);
    expect((await t.http().get('/api/v1/org/projects').set('Cookie', org.admin.cookie)).body.results).toEqual([]);
    const created = await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...base, owner: 'me' }).expect(200);
    expect(created.body.results).not.toHaveProperty('owner');
  });

  it('lets only organization admins create projects', async () => {
    const p = await createPersonas(t);
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      await t.http().post('/api/v1/org/projects').set('Cookie', p[role].cookie).send({ name: 'P', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' } }).expect(403);
    }
  });

  it('lists and shows a project to those with a role on it, and 404s it to outsiders', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    for (const role of ['admin', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      const list = await t.http().get('/api/v1/org/projects').set('Cookie', p[role].cookie).expect(200);
      expect(list.body.results.map((x: { projectUuid: string }) => x.projectUuid)).toEqual([projectUuid]);
      await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p[role].cookie).expect(200);
    }
    expect((await t.http().get('/api/v1/org/projects').set('Cookie', p.member.cookie).expect(200)).body.results).toEqual([]);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
    const foreign = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', other.admin.cookie).expect(404);
    expect(foreign.body.error.message).toBe('Project not found');
    await t.http().get('/api/v1/projects/00000000-0000-4000-8000-000000000000').set('Cookie', p.admin.cookie).expect(404);
    await t.http().get('/api/v1/projects/nope').set('Cookie', p.admin.cookie).expect(422);
    expect((await t.http().get('/api/v1/org/projects').set('Cookie', other.admin.cookie)).body.results).toEqual([]);
  });

  it('grants, lists, changes and revokes direct access; the grant raises an org member', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'editor');
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(200);
    const list = await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).expect(200);
    expect(list.body.results).toEqual([
      { userUuid: p.member.userUuid, projectUuid, role: 'editor', email: p.member.email, firstName: 'member', lastName: 'Persona', hasMultipleRoles: false },
    ]);
    const one = await t.http().get(`/api/v1/projects/${projectUuid}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect(one.body.results.role).toBe('editor');
    await t.http().get(`/api/v1/projects/${projectUuid}/user/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).expect(404);
    await t.http().patch(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
    expect((await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie)).body.results[0].role).toBe('viewer');
    await t.http().delete(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
    // as Lightdash: revoking again succeeds and changes nothing; changing a grant that does not exist is 422
    await t.http().delete(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
    const noGrant = await t.http().patch(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'editor' }).expect(422);
    expect(noGrant.body.error.name).toBe('ValidateError');
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
  });

  it('refuses grants to outsiders and unknown emails (404, as Lightdash), duplicates (409), and non-admins (403)', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    const outsider = await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).send({ email: other.admin.email, role: 'viewer', sendEmail: false }).expect(404);
    expect(outsider.body.error.name).toBe('NotFoundError');
    await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).send({ email: uniqueEmail('nobody'), role: 'viewer', sendEmail: false }).expect(404);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');
    await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).send({ email: p.member.email, role: 'editor', sendEmail: false }).expect(409);
    await grantProjectRole(t, p.admin, projectUuid, p.viewer, 'developer');
    for (const role of ['viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p[role].cookie).expect(403);
      await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p[role].cookie).send({ email: p.editor.email, role: 'viewer', sendEmail: false }).expect(403);
    }
    await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', other.admin.cookie).expect(404);
    await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).send({ email: p.editor.email, role: 'owner', sendEmail: false }).expect(422);
  });

  it('removes direct grants with the organization membership', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'admin');
    await t.http().delete(`/api/v1/org/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect((await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie)).body.results).toEqual([]);
  });

  it('deletes a project (project admin only)', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await grantProjectRole(t, p.admin, projectUuid, p.developer, 'developer');
    await t.http().delete(`/api/v1/org/projects/${projectUuid}`).set('Cookie', p.developer.cookie).expect(403);
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'admin');
    await t.http().delete(`/api/v1/org/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(200);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.admin.cookie).expect(404);
  });
});
