import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../../src/config/config.js';
import { decryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

describe('PATCH and DELETE /projects/{p}/semantic-layer-connection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const patch = (user: TestUser, projectUuid: string) => t.http().patch(`/api/v1/projects/${projectUuid}/semantic-layer-connection`).set('Cookie', user.cookie);
  const remove = (user: TestUser, projectUuid: string) => t.http().delete(`/api/v1/projects/${projectUuid}/semantic-layer-connection`).set('Cookie', user.cookie);
  const getProject = async (user: TestUser, projectUuid: string) => (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', user.cookie).expect(200)).body.results;

  /** What the database holds: the clear part and the decrypted token part. */
  async function stored(projectUuid: string): Promise<{ connection: Record<string, unknown> | null; secrets: Record<string, unknown> | null }> {
    const [row] = await t.app.get(DataSource).query(
      'SELECT semantic_layer_connection AS connection, encrypted_semantic_layer_secrets AS secrets FROM projects WHERE project_uuid = $1',
      [projectUuid],
    );
    return { connection: row.connection, secrets: row.secrets && decryptCredentials(row.secrets, t.app.get<ResolvedConfig>(APP_CONFIG).secret) };
  }

  it('stores a DBT connection for developers, shows it without its token, and removes it', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    expect(await getProject(p.viewer, projectUuid)).not.toHaveProperty('semanticLayerConnection');

    const res = await patch(p.developer, projectUuid)
      .send({ type: 'DBT', environmentId: '4242', domain: 'semantic-layer.cloud.getdbt.com', token: 'dbtc_secret', unknownField: 'dropped' })
      .expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    const project = await getProject(p.viewer, projectUuid);
    expect(project.semanticLayerConnection).toEqual({ type: 'DBT', environmentId: '4242', domain: 'semantic-layer.cloud.getdbt.com' });
    expect(JSON.stringify(project)).not.toContain('dbtc_secret');
    expect(await stored(projectUuid)).toEqual({
      connection: { type: 'DBT', environmentId: '4242', domain: 'semantic-layer.cloud.getdbt.com' },
      secrets: { token: 'dbtc_secret' },
    });

    const removed = await remove(p.developer, projectUuid).expect(200);
    expect(removed.body).toEqual({ status: 'ok' });
    expect(await getProject(p.viewer, projectUuid)).not.toHaveProperty('semanticLayerConnection');
    expect(await stored(projectUuid)).toEqual({ connection: null, secrets: null });
    await remove(p.developer, projectUuid).expect(200);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=project.semantic-layer-connection.update').set('Cookie', p.admin.cookie).expect(200);
    expect(audit.body.results.data.at(-1)).toMatchObject({ actor: { userUuid: p.developer.userUuid }, targetUuid: projectUuid, details: { tokenSent: true, tokenKept: true } });
    expect(JSON.stringify(audit.body)).not.toContain('dbtc_secret');
  });

  it('keeps the stored token while the connection points where it did, and clears it when the target changes without one', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'a.example.com', token: 'first' }).expect(200);

    // the UI leaves an empty token out: same target, the token stays
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'a.example.com', token: '' }).expect(200);
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'a.example.com' }).expect(200);
    expect((await stored(projectUuid)).secrets).toEqual({ token: 'first' });

    // a new token replaces it
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'a.example.com', token: 'second' }).expect(200);
    expect((await stored(projectUuid)).secrets).toEqual({ token: 'second' });

    // another domain, environment or type without a token: the stored token is not sent there
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'evil.example.com' }).expect(200);
    expect(await stored(projectUuid)).toEqual({ connection: { type: 'DBT', environmentId: '1', domain: 'evil.example.com' }, secrets: null });

    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '1', domain: 'a.example.com', token: 'third' }).expect(200);
    await patch(p.developer, projectUuid).send({ type: 'DBT', environmentId: '2', domain: 'a.example.com' }).expect(200);
    expect((await stored(projectUuid)).secrets).toBeNull();

    await patch(p.developer, projectUuid).send({ type: 'DBT', domain: 'a.example.com', token: 'fourth' }).expect(200);
    await patch(p.developer, projectUuid).send({ type: 'CUBE', domain: 'a.example.com', environmentId: 'ignored for cube' }).expect(200);
    expect(await stored(projectUuid)).toEqual({ connection: { type: 'CUBE', domain: 'a.example.com' }, secrets: null });
    expect((await getProject(p.viewer, projectUuid)).semanticLayerConnection).toEqual({ type: 'CUBE', domain: 'a.example.com' });
  });

  it('refuses lower roles (403), other organizations (404) and bad bodies (422), changing nothing', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    await patch(p.admin, projectUuid).send({ type: 'CUBE', domain: 'cube.example.com', token: 'kept' }).expect(200);
    const before = await stored(projectUuid);

    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor'] as const) {
      await patch(p[role], projectUuid).send({ type: 'DBT', domain: 'x.example.com', token: 't' }).expect(403);
      await remove(p[role], projectUuid).expect(403);
    }
    await patch(other.admin, projectUuid).send({ type: 'DBT', domain: 'x.example.com' }).expect(404);
    await remove(other.admin, projectUuid).expect(404);
    await patch(p.admin, randomUUID()).send({ type: 'DBT' }).expect(404);
    for (const body of [{}, { type: 'dbt_cloud' }, { type: null }, { type: 'DBT', domain: 42 }, { type: 'CUBE', token: null }, { type: 'DBT', environmentId: ['1'] }, { type: 'DBT', domain: 'x'.repeat(2049) }]) {
      const res = await patch(p.admin, projectUuid).send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
    expect(await stored(projectUuid)).toEqual(before);
  });
});
