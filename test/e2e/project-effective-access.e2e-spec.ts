import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessService } from '../../src/authorization/access.service.js';
import type { Principal } from '../../src/auth/principal.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

describe('GET /projects/{p}/access/{userUuid}/effective', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function createGroup(admin: TestUser, name: string, members: TestUser[]): Promise<string> {
    const res = await t.http().post('/api/v1/org/groups').set('Cookie', admin.cookie).send({ name, members: members.map((m) => ({ userUuid: m.userUuid })) });
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function grantGroup(admin: TestUser, groupUuid: string, projectUuid: string, role: string): Promise<void> {
    await t.http().post(`/api/v1/groups/${groupUuid}/projects/${projectUuid}`).set('Cookie', admin.cookie).send({ role }).expect(200);
  }

  /** The role the authorization guard itself resolves for the user. */
  async function guardRole(projectUuid: string, userUuid: string): Promise<string | null> {
    const [{ userId }] = await t.app.get(DataSource).query('SELECT user_id::text AS "userId" FROM users WHERE user_uuid = $1', [userUuid]);
    const { access } = await t.app.get(AccessService).checked('project', projectUuid, { userId } as Principal);
    return access!.projectRole;
  }

  const effective = (projectUuid: string, userUuid: string) => `/api/v1/projects/${projectUuid}/access/${userUuid}/effective`;

  it('lists the organization, direct and group sources, with the highest as the role', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const alpha = await createGroup(p.admin, `Alpha ${randomUUID()}`, [p.viewer]);
    const beta = await createGroup(p.admin, `Beta ${randomUUID()}`, [p.viewer, p.editor]);
    const ungranted = await createGroup(p.admin, `Gamma ${randomUUID()}`, [p.viewer]);
    const notJoined = await createGroup(p.admin, `Delta ${randomUUID()}`, [p.editor]);
    await grantGroup(p.admin, alpha, projectUuid, 'editor');
    await grantGroup(p.admin, beta, projectUuid, 'developer');
    await grantGroup(p.admin, notJoined, projectUuid, 'admin');
    await grantProjectRole(t, p.admin, projectUuid, p.viewer, 'interactive_viewer');
    expect(ungranted).toBeDefined();

    const res = await t.http().get(effective(projectUuid, p.viewer.userUuid)).set('Cookie', p.admin.cookie).expect(200);
    const groupName = async (uuid: string) => (await t.http().get(`/api/v1/groups/${uuid}`).set('Cookie', p.admin.cookie)).body.results.name;
    expect(res.body).toEqual({
      status: 'ok',
      results: {
        userUuid: p.viewer.userUuid,
        projectUuid,
        role: 'developer',
        sources: [
          { source: 'organization', role: 'viewer', organizationRole: 'viewer' },
          { source: 'direct', role: 'interactive_viewer' },
          { source: 'group', groupUuid: alpha, groupName: await groupName(alpha), role: 'editor' },
          { source: 'group', groupUuid: beta, groupName: await groupName(beta), role: 'developer' },
        ],
      },
    });
    expect(res.body.results.role).toBe(await guardRole(projectUuid, p.viewer.userUuid));
    // the role is the one enforced: developer may update project settings
    await t.http().patch(`/api/v1/projects/${projectUuid}`).set('Cookie', p.viewer.cookie).send({ name: 'Renamed' }).expect(200);

    // the user may ask about themself
    const self = await t.http().get(effective(projectUuid, p.viewer.userUuid)).set('Cookie', p.viewer.cookie).expect(200);
    expect(self.body).toEqual(res.body);

    // the organization role wins when it is the highest
    const editor = await t.http().get(effective(projectUuid, p.editor.userUuid)).set('Cookie', p.admin.cookie).expect(200);
    expect(editor.body.results.role).toBe('admin');
    expect(editor.body.results.sources[0]).toEqual({ source: 'organization', role: 'editor', organizationRole: 'editor' });
    expect(editor.body.results.role).toBe(await guardRole(projectUuid, p.editor.userUuid));
  });

  it('answers role null for an organization member without any grant', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const res = await t.http().get(effective(projectUuid, p.member.userUuid)).set('Cookie', p.admin.cookie).expect(200);
    expect(res.body.results).toEqual({
      userUuid: p.member.userUuid,
      projectUuid,
      role: null,
      sources: [
        { source: 'organization', role: null, organizationRole: 'member' },
        { source: 'direct', role: null },
      ],
    });
    const admin = await t.http().get(effective(projectUuid, p.admin.userUuid)).set('Cookie', p.admin.cookie).expect(200);
    expect(admin.body.results.role).toBe('admin');
  });

  it('refuses others than project admins about someone else, outsiders, unknown users and malformed ids', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    for (const role of ['viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      const res = await t.http().get(effective(projectUuid, p.member.userUuid)).set('Cookie', p[role].cookie).expect(403);
      expect(res.body.error.name).toBe('ForbiddenError');
      await t.http().get(effective(projectUuid, p[role].userUuid)).set('Cookie', p[role].cookie).expect(200);
    }
    // no view of the project: not even about themself
    await t.http().get(effective(projectUuid, p.member.userUuid)).set('Cookie', p.member.cookie).expect(403);
    // a direct project admin grant is enough to ask about anyone
    await grantProjectRole(t, p.admin, projectUuid, p.viewer, 'admin');
    await t.http().get(effective(projectUuid, p.developer.userUuid)).set('Cookie', p.viewer.cookie).expect(200);

    const outsider = await t.http().get(effective(projectUuid, p.admin.userUuid)).set('Cookie', other.admin.cookie).expect(404);
    expect(outsider.body.error.message).toBe('Project not found');
    for (const userUuid of [other.admin.userUuid, randomUUID()]) {
      const res = await t.http().get(effective(projectUuid, userUuid)).set('Cookie', p.admin.cookie).expect(404);
      expect(res.body.error).toMatchObject({ name: 'NotFoundError', message: 'No matching member found in organization' });
    }
    // a non-admin learns nothing about whether someone is a member
    await t.http().get(effective(projectUuid, other.admin.userUuid)).set('Cookie', p.editor.cookie).expect(403);

    await t.http().get(effective(projectUuid, 'nope')).set('Cookie', p.admin.cookie).expect(422);
    await t.http().get(effective('nope', p.admin.userUuid)).set('Cookie', p.admin.cookie).expect(422);
    await t.http().get(effective(projectUuid, p.admin.userUuid)).expect(401);
  });
});
