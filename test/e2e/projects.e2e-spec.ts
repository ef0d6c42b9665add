import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';

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
        warehouseConnection: { type: 'postgres', host: 'db', port: 5432, user: 'ld', dbname: 'a', schema: 'public' },
        dbtVersion: 'v1.9',
        schedulerTimezone: 'UTC',
        schedulerFailureNotifyRecipients: false,
        schedulerFailureIncludeContact: false,
        schedulerFailureContactOverride: null,
        createdByUserUuid: org.admin.userUuid,
        hasDefaultUserSpaces: false,
      },
      hasContentCopy: false,
    });
    const projectUuid = res.body.results.project.projectUuid;
    const get = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', org.admin.cookie).expect(200);
    expect(get.body.results).toEqual(res.body.results.project);
    expect(get.text).not.toMatch(/secret/);
    const [row] = await t.app.get(DataSource).query('SELECT encrypted_warehouse_secrets::text AS w, encrypted_dbt_secrets::text AS d FROM projects WHERE project_uuid = $1', [projectUuid]);
    expect(row.w).not.toContain('pg-secret');
    expect(row.d).not.toContain('ghp_secret');
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
      { userUuid: p.member.userUuid, projectUuid, role: 'editor', email: p.member.email, firstName: 'member', lastName: 'Persona' },
    ]);
    const one = await t.http().get(`/api/v1/projects/${projectUuid}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    expect(one.body.results.role).toBe('editor');
    await t.http().get(`/api/v1/projects/${projectUuid}/user/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).expect(404);
    await t.http().patch(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
    expect((await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie)).body.results[0].role).toBe('viewer');
    await t.http().delete(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
    await t.http().delete(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(404);
  });

  it('refuses grants to outsiders (400), duplicates (409), and non-admins (403)', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    const outsider = await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).send({ email: other.admin.email, role: 'viewer', sendEmail: false }).expect(400);
    expect(outsider.body.error.name).toBe('ParameterError');
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
