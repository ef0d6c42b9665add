import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ProjectAccess } from '../../src/authorization/access.service.js';
import { ForbiddenError } from '../../src/common/errors.js';
import { GroupProjectAccessService } from '../../src/projects/group-project-access.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

describe('group project access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function createGroup(admin: TestUser, members: TestUser[] = [], name = `Group ${randomUUID()}`): Promise<string> {
    const res = await t.http().post('/api/v1/org/groups').set('Cookie', admin.cookie).send({ name, members: members.map((m) => ({ userUuid: m.userUuid })) });
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  const path = (groupUuid: string, projectUuid: string) => `/api/v1/groups/${groupUuid}/projects/${projectUuid}`;

  it('grants, lists, changes and revokes a group role, and the grant really gives (and takes away) access', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const groupUuid = await createGroup(p.admin, [p.member]);
    const viewProject = () => t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie);

    await viewProject().expect(403);
    const granted = await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
    expect(granted.body).toEqual({ status: 'ok', results: { projectUuid, groupUuid, role: 'viewer' } });
    await viewProject().expect(200);
    // viewer only: tags need editor
    await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.member.cookie).send({ name: 'T', color: '#000000' }).expect(403);

    const listed = await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p.admin.cookie).expect(200);
    expect(listed.body).toEqual({ status: 'ok', results: [{ projectUuid, groupUuid, role: 'viewer' }] });

    const duplicate = await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'editor' }).expect(409);
    expect(duplicate.body.error.name).toBe('AlreadyExistsError');

    const changed = await t.http().patch(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'editor' }).expect(200);
    expect(changed.body).toEqual({ status: 'ok', results: { projectUuid, groupUuid, role: 'editor' } });
    await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.member.cookie).send({ name: 'T', color: '#000000' }).expect(201);

    const removed = await t.http().delete(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).expect(200);
    expect(removed.body).toEqual({ status: 'ok' });
    await viewProject().expect(403);
    const again = await t.http().delete(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).expect(204);
    expect(again.text).toBe('');
    expect((await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p.admin.cookie).expect(200)).body.results).toEqual([]);
    await t.http().patch(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(404);

    // leaving the group takes the access away too
    await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
    await viewProject().expect(200);
    await t.http().delete(`/api/v1/groups/${groupUuid}/members/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
    await viewProject().expect(403);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=project.group-access.').set('Cookie', p.admin.cookie).expect(200);
    const actions = audit.body.results.data.map((entry: { action: string; outcome: string }) => `${entry.action}:${entry.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'project.group-access.grant:success',
        'project.group-access.update:success',
        'project.group-access.revoke:success',
        'project.group-access.grant:failed', // the 409
      ]),
    );
  });

  it('lets whoever may manage the project access (project admin) manage group grants, and no one else', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const groupUuid = await createGroup(p.admin);
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p[role].cookie).send({ role: 'viewer' }).expect(403);
      await t.http().patch(path(groupUuid, projectUuid)).set('Cookie', p[role].cookie).send({ role: 'viewer' }).expect(403);
      await t.http().delete(path(groupUuid, projectUuid)).set('Cookie', p[role].cookie).expect(403);
      await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p[role].cookie).expect(403);
    }
    // a direct project admin grant is enough, whatever the organization role
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'admin');
    await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.member.cookie).send({ role: 'developer' }).expect(200);
    await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p.member.cookie).expect(200);

    await t.http().post(path(groupUuid, projectUuid)).send({ role: 'viewer' }).expect(401);
    await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).expect(401);
  });

  it('404s another organization’s project and group, unknown groups; 422s malformed ids and roles', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    const groupUuid = await createGroup(p.admin);
    const foreignGroupUuid = await createGroup(other.admin);
    const foreignProjectUuid = await createProject(t, other.admin);

    const foreignProject = await t.http().post(path(groupUuid, foreignProjectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(404);
    expect(foreignProject.body.error).toMatchObject({ name: 'NotFoundError', message: 'Project not found' });
    await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', other.admin.cookie).expect(404);
    await t.http().post(path(foreignGroupUuid, projectUuid)).set('Cookie', other.admin.cookie).send({ role: 'viewer' }).expect(404);

    for (const outsider of [foreignGroupUuid, randomUUID()]) {
      for (const method of ['post', 'patch'] as const) {
        const res = await t.http()[method](path(outsider, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(404);
        expect(res.body.error).toMatchObject({ name: 'NotFoundError', message: 'No group found' });
      }
      await t.http().delete(path(outsider, projectUuid)).set('Cookie', p.admin.cookie).expect(404);
    }
    const [{ count }] = await t.app.get(DataSource).query(
      'SELECT count(*)::int AS count FROM project_group_access pga JOIN projects p ON p.project_id = pga.project_id WHERE p.project_uuid = $1',
      [projectUuid],
    );
    expect(count).toBe(0);

    const malformedGroup = await t.http().post(path('not-a-uuid', projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(422);
    expect(malformedGroup.body.error.name).toBe('ValidateError');
    await t.http().post(path(groupUuid, 'not-a-uuid')).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(422);
    await t.http().get('/api/v1/projects/not-a-uuid/groupAccesses').set('Cookie', p.admin.cookie).expect(422);
    await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'owner' }).expect(422);
    await t.http().post(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({}).expect(422);
    // an unknown field is dropped, so this PATCH passes validation and finds no grant to update
    await t.http().patch(path(groupUuid, projectUuid)).set('Cookie', p.admin.cookie).send({ role: 'viewer', extra: 1 }).expect(404);
  });

  it('refuses a grant above the granter’s own project role (service level: admin is the top role, so the API cannot reach it)', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const groupUuid = await createGroup(p.admin);
    const [row] = await t.app.get(DataSource).query(
      'SELECT project_id::text AS "projectId", organization_id::text AS "organizationId" FROM projects WHERE project_uuid = $1',
      [projectUuid],
    );
    const developerAccess: ProjectAccess = { ...row, projectUuid, projectRole: 'developer' };
    const service = t.app.get(GroupProjectAccessService);
    await expect(service.grant(developerAccess, groupUuid, 'admin')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.grant(developerAccess, groupUuid, 'developer')).resolves.toEqual({ projectUuid, groupUuid, role: 'developer' });
    await expect(service.update(developerAccess, groupUuid, 'admin')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await service.list(developerAccess)).toEqual([{ projectUuid, groupUuid, role: 'developer' }]);
  });
});
