import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';
import { statementsDuring } from '../support/statements.js';
import { createToken, type TestUser } from '../support/users.js';

describe('v2 roles API: custom roles and role assignments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const roles = (org: string) => `/api/v2/orgs/${org}/roles`;
  const projectAssignments = (project: string) => `/api/v2/projects/${project}/roles/assignments`;

  async function createRole(p: Personas, body: Record<string, unknown>): Promise<string> {
    const res = await t.http().post(roles(p.organizationUuid)).set('Cookie', p.admin.cookie).send(body);
    if (res.status !== 201) throw new Error(`role creation failed: ${res.status} ${res.text}`);
    return res.body.results.roleUuid;
  }

  async function createGroup(admin: TestUser, members: TestUser[]): Promise<string> {
    const res = await t.http().post('/api/v1/org/groups').set('Cookie', admin.cookie).send({ name: `Group ${randomUUID()}`, members: members.map((m) => ({ userUuid: m.userUuid })) });
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  describe('roles', () => {
    it('lists the five system roles with their scopes, then custom roles (scopes with load=scopes)', async () => {
      const p = await createPersonas(t);
      const roleUuid = await createRole(p, { name: 'Dashboard Curator', description: 'Curates dashboards', scopes: ['view:Project', 'view:Dashboard'] });
      const listed = await t.http().get(roles(p.organizationUuid)).set('Cookie', p.admin.cookie).expect(200);
      const results = listed.body.results;
      // `member` too, unlike Lightdash: the Terraform provider looks it up to remove an organization role
      expect(results.map((r: { roleUuid: string }) => r.roleUuid)).toEqual(['viewer', 'interactive_viewer', 'editor', 'developer', 'admin', 'member', roleUuid]);
      expect(results[0]).toEqual({
        roleUuid: 'viewer',
        name: 'Viewer',
        description: 'Viewer',
        ownerType: 'system',
        level: 'project',
        scopes: expect.arrayContaining(['view:Dashboard', 'view:Project']),
        organizationUuid: null,
        createdAt: null,
        updatedAt: null,
        createdBy: null,
      });
      expect(results.slice(0, 5).map((r: { scopes: string[] }) => r.scopes.length)).toEqual([15, 40, 53, 91, 116]);
      expect(results[5]).toMatchObject({ roleUuid: 'member', name: 'Member', ownerType: 'system', level: 'organization' });
      expect(results[6]).toEqual({
        roleUuid,
        name: 'Dashboard Curator',
        description: 'Curates dashboards',
        level: 'project',
        organizationUuid: p.organizationUuid,
        createdBy: p.admin.userUuid,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        ownerType: 'user',
      });
      const withScopes = await t.http().get(`${roles(p.organizationUuid)}?load=scopes&roleTypeFilter=user`).set('Cookie', p.admin.cookie).expect(200);
      expect(withScopes.body.results).toEqual([expect.objectContaining({ roleUuid, scopes: ['view:Project', 'view:Dashboard'] })]);
      const system = await t.http().get(`${roles(p.organizationUuid)}?roleTypeFilter=system`).set('Cookie', p.admin.cookie).expect(200);
      expect(system.body.results).toHaveLength(6);
    });

    it('refuses non-admins (403) and other organizations (404)', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      await t.http().get(roles(p.organizationUuid)).set('Cookie', p.developer.cookie).expect(403);
      await t.http().post(roles(p.organizationUuid)).set('Cookie', p.editor.cookie).send({ name: 'X' }).expect(403);
      await t.http().get(roles(p.organizationUuid)).set('Cookie', other.admin.cookie).expect(404);
      const roleUuid = await createRole(p, { name: 'Mine', scopes: ['view:Project'] });
      // another organization's role, even through the caller's own organization path
      await t.http().get(`${roles(other.organizationUuid)}/${roleUuid}`).set('Cookie', other.admin.cookie).expect(404);
      await t.http().delete(`${roles(other.organizationUuid)}/${roleUuid}`).set('Cookie', other.admin.cookie).expect(404);
      await t.http().get(`${roles(p.organizationUuid)}/${roleUuid}`).set('Cookie', p.admin.cookie).expect(200);
    });

    it('validates names, levels and scopes on create', async () => {
      const p = await createPersonas(t);
      const post = (body: unknown) => t.http().post(roles(p.organizationUuid)).set('Cookie', p.admin.cookie).send(body as object);
      const created = await post({ name: '  SQL author ', scopes: ['manage:SqlRunner', 'manage:SqlRunner'] }).expect(201);
      expect(created.body.results).not.toHaveProperty('scopes');
      expect(created.body.results.name).toBe('SQL author');
      expect((await post({ name: '   ' }).expect(400)).body.error.message).toBe('Role name cannot be empty');
      expect((await post({ name: 'editor' }).expect(400)).body.error.message).toBe('Cannot create role with name "editor", this is reserved for system roles');
      await post({ name: 'Admin', scopes: ['view:Project'] }).expect(201); // the check is case-sensitive
      expect((await post({ name: 'SQL author' }).expect(409)).body.error.message).toBe('A role named "SQL author" already exists in this organization');
      expect((await post({ name: 'Inviter', scopes: ['manage:InviteLink'] }).expect(400)).body.error.message).toBe(
        'Scopes are not assignable at project level: manage:InviteLink',
      );
      await post({ name: 'Inviter', level: 'organization', scopes: ['manage:InviteLink'] }).expect(201);
      expect((await post({ name: 'Nothing', scopes: ['view:Nothing'] }).expect(403)).body.error.message).toBe('Cannot grant permissions exceeding your own');
      await post({ name: 'Bad level', level: 'space' }).expect(400);
      expect((await post({ scopes: [] }).expect(422)).body.error.name).toBe('ValidateError');
      await post({ name: 'x'.repeat(256) }).expect(400);
      // nothing of the refused requests was stored
      const listed = await t.http().get(`${roles(p.organizationUuid)}?roleTypeFilter=user`).set('Cookie', p.admin.cookie).expect(200);
      expect(listed.body.results.map((r: { name: string }) => r.name).sort()).toEqual(['Admin', 'Inviter', 'SQL author']);
    });

    it('reads, updates, duplicates and deletes a role', async () => {
      const p = await createPersonas(t);
      const base = roles(p.organizationUuid);
      const roleUuid = await createRole(p, { name: 'Curator', scopes: ['view:Project', 'view:Dashboard'] });
      await createRole(p, { name: 'Taken', scopes: ['view:Project'] });

      const got = await t.http().get(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie).expect(200);
      expect(got.body.results).toMatchObject({ roleUuid, name: 'Curator', scopes: ['view:Project', 'view:Dashboard'] });
      expect((await t.http().get(`${base}/viewer`).set('Cookie', p.admin.cookie).expect(422)).body.error.name).toBe('ValidateError');
      expect((await t.http().get(`${base}/${randomUUID()}`).set('Cookie', p.admin.cookie).expect(404)).body.error.message).toMatch(/^Role with uuid .* not found$/);

      const patched = await t.http()
        .patch(`${base}/${roleUuid}`)
        .set('Cookie', p.admin.cookie)
        .send({ name: 'Head curator', description: null, scopes: { add: ['manage:Dashboard@space'], remove: ['view:Dashboard', 'view:Tags'] } })
        .expect(200);
      expect(patched.body.results).toMatchObject({ name: 'Head curator', description: null, scopes: ['view:Project', 'manage:Dashboard@space'] });
      await t.http().patch(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie).send({ name: 'Taken' }).expect(409);
      await t.http().patch(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie).send({ scopes: { add: ['view:Tags'] } }).expect(422);
      expect((await t.http().patch(`${base}/editor`).set('Cookie', p.admin.cookie).send({ name: 'E' }).expect(400)).body.error.message).toBe(
        'Cannot update system role "editor"',
      );

      const copied = await t.http().post(`${base}/admin/duplicate`).set('Cookie', p.admin.cookie).send({ name: 'My admin', level: 'organization' }).expect(201);
      expect(copied.body.results).toMatchObject({ name: 'My admin', description: 'Admin', level: 'project', ownerType: 'user' });
      expect(copied.body.results.scopes).toContain('manage:Project');
      expect(copied.body.results.scopes).not.toContain('manage:Organization');
      const copy2 = await t.http().post(`${base}/${roleUuid}/duplicate`).set('Cookie', p.admin.cookie).send({ name: 'editor' }).expect(201);
      expect(copy2.body.results).toMatchObject({ name: 'editor', description: 'Copy of: Head curator', scopes: ['view:Project', 'manage:Dashboard@space'] });
      await t.http().post(`${base}/${randomUUID()}/duplicate`).set('Cookie', p.admin.cookie).send({ name: 'Z' }).expect(404);

      const added = await t.http().post(`${base}/${roleUuid}/scopes`).set('Cookie', p.admin.cookie).send({ scopeNames: ['view:Tags'] }).expect(200);
      expect(added.body).toEqual({ status: 'ok' });
      expect(added.headers.deprecation).toBe('Wed, 10 Jun 2026 00:00:00 GMT');
      expect(added.headers.warning).toContain('scopes.add');
      const removed = await t.http().delete(`${base}/${roleUuid}/scopes/view:Project`).set('Cookie', p.admin.cookie).expect(200);
      expect(removed.headers.warning).toContain('scopes.remove');
      await t.http().delete(`${base}/${roleUuid}/scopes/view:Project`).set('Cookie', p.admin.cookie).expect(200);
      await t.http().post(`${base}/viewer/scopes`).set('Cookie', p.admin.cookie).send({ scopeNames: ['view:Tags'] }).expect(400);
      expect((await t.http().get(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie)).body.results.scopes).toEqual(['manage:Dashboard@space', 'view:Tags']);

      expect((await t.http().delete(`${base}/admin`).set('Cookie', p.admin.cookie).expect(400)).body.error.message).toBe('Cannot remove system roles');
      expect(await t.http().delete(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie).expect(200).then((r) => r.body)).toEqual({ status: 'ok' });
      await t.http().get(`${base}/${roleUuid}`).set('Cookie', p.admin.cookie).expect(404);
    });
  });

  describe('roles as code', () => {
    it('lists custom roles as code and upserts them by name', async () => {
      const p = await createPersonas(t);
      const code = `/api/v2/orgs/${p.organizationUuid}/code/roles`;
      const upsert = (body: unknown) => t.http().post(code).set('Cookie', p.admin.cookie).send(body as object);
      const file = { version: 1, name: 'Analyst', description: null, level: 'project', scopes: ['view:Project', 'manage:SqlRunner'] };
      expect((await upsert(file).expect(200)).body).toEqual({ status: 'ok', results: { action: 'create' } });
      expect((await upsert(file).expect(200)).body.results).toEqual({ action: 'no changes' });
      expect((await upsert({ ...file, description: 'SQL', scopes: ['view:Project', 'manage:Explore'] }).expect(200)).body.results).toEqual({ action: 'update' });
      const listed = await t.http().get(code).set('Cookie', p.admin.cookie).expect(200);
      expect(listed.body.results).toEqual({ customRoles: [{ version: 1, name: 'Analyst', description: 'SQL', level: 'project', scopes: ['manage:Explore', 'view:Project'] }] });
      const alias = await t.http().get(`${roles(p.organizationUuid)}/code`).set('Cookie', p.admin.cookie).expect(200);
      expect(alias.body).toEqual(listed.body);
      expect((await upsert({ ...file, level: 'organization' }).expect(400)).body.error.message).toBe(
        'Cannot change custom role "Analyst" level from project to organization. Create a new role instead.',
      );
      expect((await upsert({ ...file, scopes: ['view:Nothing'] }).expect(400)).body.error.message).toBe('Unknown custom role scopes: view:Nothing');
      await upsert({ ...file, version: 2 }).expect(400);
      await upsert({ ...file, extra: true }).expect(400);
      await upsert({ ...file, scopes: ['view:Project', 'view:Project'] }).expect(400);
      const { description: _description, ...withoutDescription } = file;
      await upsert(withoutDescription).expect(400);
      // an older file: a project role with organization-only scopes is an organization role
      await t.http().post(`${roles(p.organizationUuid)}/code`).set('Cookie', p.admin.cookie).send({ ...file, name: 'Inviter', scopes: ['manage:InviteLink'] }).expect(200);
      const after = await t.http().get(code).set('Cookie', p.admin.cookie).expect(200);
      expect(after.body.results.customRoles.find((r: { name: string }) => r.name === 'Inviter').level).toBe('organization');
      await t.http().get(code).set('Cookie', p.developer.cookie).expect(403);
    });
  });

  describe('organization assignments', () => {
    it('lists and sets organization roles, system or organization-level custom', async () => {
      const p = await createPersonas(t);
      const base = roles(p.organizationUuid);
      const listed = await t.http().get(`${base}/assignments`).set('Cookie', p.admin.cookie).expect(200);
      expect(listed.body.results).toHaveLength(6);
      expect(listed.body.results).toContainEqual({
        roleId: 'editor',
        roleName: 'editor',
        ownerType: 'system',
        assigneeType: 'user',
        assigneeId: p.editor.userUuid,
        organizationId: p.organizationUuid,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        hasMultipleRoles: false,
      });

      const assigned = await t.http().post(`${base}/assignments/user/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'developer' }).expect(200);
      expect(assigned.body.results).toMatchObject({ roleId: 'developer', roleName: 'developer', ownerType: 'system', assigneeId: p.viewer.userUuid, organizationId: p.organizationUuid });
      const v1 = await t.http().get(`/api/v1/org/users/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
      expect(v1.body.results.role).toBe('developer');
      expect(v1.body.results).not.toHaveProperty('roleUuid');

      const orgRole = await createRole(p, { name: 'Org bot', level: 'organization', scopes: ['view:Project', 'view:Space'] });
      const projectRole = await createRole(p, { name: 'Project bot', scopes: ['view:Project'] });
      const emptyRole = await createRole(p, { name: 'Empty', level: 'organization' });
      const custom = await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: orgRole }).expect(200);
      expect(custom.body.results).toMatchObject({ roleId: orgRole, roleName: 'Org bot', ownerType: 'user', assigneeName: 'member Persona' });
      // v1 shows the placeholder plus the custom role's uuid
      expect((await t.http().get(`/api/v1/org/users/${p.member.userUuid}`).set('Cookie', p.admin.cookie)).body.results).toMatchObject({ role: 'member', roleUuid: orgRole });
      const set = await t.http().get(`${base}/assignments/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).expect(200);
      expect(set.body.results).toEqual({ systemRole: null, customRoleUuids: [orgRole] });

      const wrongLevel = await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: projectRole }).expect(400);
      expect(wrongLevel.body.error.message).toBe('Custom role "Project bot" can only be assigned at project level');
      const empty = await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: emptyRole }).expect(400);
      expect(empty.body.error.message).toBe('Custom role must have at least one scope');
      await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'superuser' }).expect(404);
      await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({}).expect(422);
      const outsider = await createOrganization(t);
      await t.http().post(`${base}/assignments/user/${outsider.admin.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(404);
      await t.http().post(`${base}/assignments/user/${p.member.userUuid}`).set('Cookie', p.editor.cookie).send({ roleId: 'viewer' }).expect(403);

      // the held custom role cannot be deleted, and shows among its assignees
      expect((await t.http().delete(`${base}/${orgRole}`).set('Cookie', p.admin.cookie).expect(400)).body.error.message).toBe('Role cannot be deleted if assigned');
      const assignees = await t.http().get(`${base}/${orgRole}/assignees`).set('Cookie', p.admin.cookie).expect(200);
      expect(assignees.body.results).toEqual([{ kind: 'organization_user', assigneeId: p.member.userUuid, assigneeName: 'member Persona', projectUuid: null, projectName: null }]);

      // role sets: a system role and further organization-level custom roles
      const orgRole2 = await createRole(p, { name: 'Org bot 2', level: 'organization', scopes: ['view:Project'] });
      const putSet = (body: object) => t.http().put(`${base}/assignments/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).send(body);
      const replaced = await putSet({ systemRole: 'viewer', customRoleUuids: [orgRole2, orgRole] }).expect(200);
      expect(replaced.body.results).toEqual({ systemRole: 'viewer', customRoleUuids: [orgRole2, orgRole] });
      const afterSet = await t.http().get(`${base}/assignments`).set('Cookie', p.admin.cookie).expect(200);
      expect(afterSet.body.results.find((a: { assigneeId: string }) => a.assigneeId === p.member.userUuid)).toMatchObject({ roleId: 'viewer', hasMultipleRoles: true });
      expect((await putSet({ systemRole: null, customRoleUuids: [orgRole, orgRole2] }).expect(200)).body.results).toEqual({ systemRole: null, customRoleUuids: [orgRole, orgRole2] });
      await putSet({ systemRole: null, customRoleUuids: [] }).expect(400);
      await putSet({ systemRole: 'superuser', customRoleUuids: [] }).expect(400);
      await putSet({ systemRole: null, customRoleUuids: [projectRole] }).expect(400);
      await putSet({ systemRole: null, customRoleUuids: [randomUUID()] }).expect(404);
      await putSet({ systemRole: null, customRoleUuids: ['nope'] }).expect(422);
      await t.http().delete(`${base}/${orgRole2}`).set('Cookie', p.admin.cookie).expect(400);
      // a v1 role change replaces the whole set
      await t.http().patch(`/api/v1/org/users/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
      expect((await t.http().get(`${base}/assignments/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie)).body.results).toEqual({ systemRole: 'viewer', customRoleUuids: [] });
      await t.http().delete(`${base}/${orgRole2}`).set('Cookie', p.admin.cookie).expect(200);
    });

    it('keeps an admin when two admins demote each other at the same time', async () => {
      const org = await createOrganization(t);
      const second = await addMember(t, org, 'admin');
      const demote = (caller: TestUser, target: TestUser) =>
        t.http().post(`${roles(org.organizationUuid)}/assignments/user/${target.userUuid}`).set('Cookie', caller.cookie).send({ roleId: 'viewer' });
      const results = await Promise.all([demote(org.admin, second), demote(second, org.admin)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
      const listed = await t.http().get('/api/v1/org/users').set('Cookie', (results[0].status === 200 ? org.admin : second).cookie).expect(200);
      expect(listed.body.results.data.filter((m: { role: string }) => m.role === 'admin')).toHaveLength(1);
    });
  });

  describe('project assignments', () => {
    it('assigns users and groups system and custom roles, seen by the v1 routes and the other way round', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const roleUuid = await createRole(p, { name: 'Tagger', scopes: ['view:Project', 'create:Space'] });
      const base = projectAssignments(projectUuid);
      expect((await t.http().get(base).set('Cookie', p.admin.cookie).expect(200)).body).toEqual({ status: 'ok', results: [] });

      const assigned = await t.http().post(`${base}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: roleUuid, sendEmail: false }).expect(200);
      expect(assigned.body.results).toEqual({
        roleId: roleUuid,
        roleName: 'Tagger',
        ownerType: 'user',
        assigneeType: 'user',
        assigneeId: p.member.userUuid,
        assigneeName: 'member Persona',
        projectId: projectUuid,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const system = await t.http().post(`${base}/user/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'editor' }).expect(200);
      expect(system.body.results).toMatchObject({ roleId: 'editor', roleName: 'Editor', ownerType: 'user' });

      // v1 shows the custom role as the placeholder plus its uuid
      const v1 = await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).expect(200);
      expect(v1.body.results).toContainEqual(expect.objectContaining({ userUuid: p.member.userUuid, role: 'viewer', roleUuid }));
      expect(v1.body.results.find((m: { userUuid: string }) => m.userUuid === p.viewer.userUuid)).not.toHaveProperty('roleUuid');

      const groupUuid = await createGroup(p.admin, [p.interactive_viewer]);
      const group = await t.http().post(`${base}/group/${groupUuid}`).set('Cookie', p.admin.cookie).send({ roleId: roleUuid, sendEmail: true }).expect(200);
      expect(group.body.results).toMatchObject({ roleId: roleUuid, assigneeType: 'group', assigneeId: groupUuid });
      const groupsV1 = await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p.admin.cookie).expect(200);
      expect(groupsV1.body.results).toEqual([{ projectUuid, groupUuid, role: roleUuid }]);

      const listed = await t.http().get(base).set('Cookie', p.admin.cookie).expect(200);
      expect(listed.body.results.map((a: { assigneeType: string; roleId: string; ownerType: string }) => [a.assigneeType, a.roleId, a.ownerType])).toEqual([
        ['user', roleUuid, 'user'], // users by first name: "member" before "viewer"
        ['user', 'editor', 'system'],
        ['group', roleUuid, 'user'],
      ]);
      expect(listed.body.results[0]).toMatchObject({ roleName: 'Tagger', assigneeName: 'member Persona', hasMultipleRoles: false, projectId: projectUuid });
      const set = await t.http().get(`${base}/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).expect(200);
      expect(set.body.results).toEqual({ systemRole: null, customRoleUuids: [roleUuid] });

      // a v1 change to a system role clears the custom role, and v2 shows it
      await t.http().patch(`/api/v1/projects/${projectUuid}/access/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'interactive_viewer' }).expect(200);
      const afterV1 = await t.http().get(base).set('Cookie', p.admin.cookie).expect(200);
      expect(afterV1.body.results.find((a: { assigneeId: string }) => a.assigneeId === p.member.userUuid)).toMatchObject({ roleId: 'interactive_viewer', ownerType: 'system' });

      const patched = await t.http().patch(`${base}/group/${groupUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(200);
      expect(patched.body.results).toMatchObject({ roleId: 'viewer', roleName: 'Viewer' });
      expect((await t.http().get(`/api/v1/projects/${projectUuid}/groupAccesses`).set('Cookie', p.admin.cookie)).body.results).toEqual([{ projectUuid, groupUuid, role: 'viewer' }]);

      expect((await t.http().delete(`${base}/group/${groupUuid}`).set('Cookie', p.admin.cookie).expect(200)).body).toEqual({ status: 'ok' });
      await t.http().delete(`${base}/group/${groupUuid}`).set('Cookie', p.admin.cookie).expect(200);
      expect((await t.http().delete(`${base}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(200)).body).toEqual({ status: 'ok' });
      const gone = await t.http().delete(`${base}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).expect(404);
      expect(gone.body.error.message).toBe(`Access with id ${p.member.userUuid} not found`);
      await t.http().get(`${base}/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).expect(404);
    });

    it('replaces role sets of users and groups: every role of the set takes effect, a singular write clears the extras', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const base = projectAssignments(projectUuid);
      const viewer = await createRole(p, { name: 'Looker', scopes: ['view:Project'] });
      const tagger = await createRole(p, { name: 'Tagger', scopes: ['create:Space'] });
      const tag = (user: TestUser) => t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', user.cookie).send({ name: `T ${randomUUID()}`, color: '#000000' });
      const view = (user: TestUser) => t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', user.cookie);

      const set = await t.http().put(`${base}/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: null, customRoleUuids: [viewer, tagger, viewer] }).expect(200);
      expect(set.body.results).toEqual({ systemRole: null, customRoleUuids: [viewer, tagger] });
      await view(p.member).expect(200);
      await tag(p.member).expect(201);
      const listed = await t.http().get(base).set('Cookie', p.admin.cookie).expect(200);
      expect(listed.body.results).toEqual([expect.objectContaining({ roleId: viewer, hasMultipleRoles: true })]);
      const assignees = await t.http().get(`${roles(p.organizationUuid)}/${tagger}/assignees`).set('Cookie', p.admin.cookie).expect(200);
      expect(assignees.body.results).toEqual([expect.objectContaining({ kind: 'project_user', assigneeId: p.member.userUuid, projectUuid })]);
      await t.http().delete(`${roles(p.organizationUuid)}/${tagger}`).set('Cookie', p.admin.cookie).expect(400);

      // a system role with further custom roles
      await t.http().put(`${base}/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: 'viewer', customRoleUuids: [tagger] }).expect(200);
      const v1 = await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.admin.cookie).expect(200);
      expect(v1.body.results).toEqual([expect.objectContaining({ userUuid: p.member.userUuid, role: 'viewer' })]);
      await tag(p.member).expect(201);
      // a singular write replaces the set
      await t.http().post(`${base}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(200);
      expect((await t.http().get(`${base}/user/${p.member.userUuid}/set`).set('Cookie', p.admin.cookie)).body.results).toEqual({ systemRole: 'viewer', customRoleUuids: [] });
      await tag(p.member).expect(403);

      // groups, created by the set when missing; the v1 PATCH replaces the set
      const groupUuid = await createGroup(p.admin, [p.viewer]);
      await t.http().get(`${base}/group/${groupUuid}/set`).set('Cookie', p.admin.cookie).expect(404);
      await t.http().put(`${base}/group/${groupUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: 'viewer', customRoleUuids: [tagger] }).expect(200);
      expect((await t.http().get(`${base}/group/${groupUuid}/set`).set('Cookie', p.admin.cookie)).body.results).toEqual({ systemRole: 'viewer', customRoleUuids: [tagger] });
      await tag(p.viewer).expect(201);
      await t.http().patch(`/api/v1/groups/${groupUuid}/projects/${projectUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(200);
      await tag(p.viewer).expect(403);
      await t.http().delete(`${roles(p.organizationUuid)}/${tagger}`).set('Cookie', p.admin.cookie).expect(200);
      await t.http().put(`${base}/group/${groupUuid}/set`).set('Cookie', p.admin.cookie).send({ systemRole: 'member', customRoleUuids: [] }).expect(400);
    });

    it('refuses bad roles, strangers and other organizations', async () => {
      const p = await createPersonas(t);
      const other = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const otherProject = await createProject(t, other.admin);
      const base = projectAssignments(projectUuid);
      const orgRole = await createRole(p, { name: 'Org level', level: 'organization', scopes: ['view:Project'] });
      const empty = await createRole(p, { name: 'Empty' });
      const foreignRole = await createRole(other, { name: 'Foreign', scopes: ['view:Project'] });
      const foreignGroup = await createGroup(other.admin, []);
      const assign = (user: string, roleId: unknown) => t.http().post(`${base}/user/${user}`).set('Cookie', p.admin.cookie).send({ roleId });

      expect((await assign(p.member.userUuid, orgRole).expect(400)).body.error.message).toBe('Custom role "Org level" can only be assigned at organization level');
      expect((await assign(p.member.userUuid, empty).expect(400)).body.error.message).toBe('Custom role must have at least one scope');
      await assign(p.member.userUuid, foreignRole).expect(404);
      await assign(p.member.userUuid, 'member').expect(404);
      await assign(p.member.userUuid, 'superuser').expect(404);
      await assign(p.member.userUuid, 42).expect(422);
      await assign(other.member.userUuid, 'viewer').expect(404);
      await assign(randomUUID(), 'viewer').expect(404);
      await t.http().post(`${base}/group/${foreignGroup}`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(404);
      await t.http().post(`${base}/user/not-a-uuid`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(422);
      // another organization's project is 404; a project member without manage:Project is 403
      await t.http().get(projectAssignments(otherProject)).set('Cookie', p.admin.cookie).expect(404);
      await t.http().post(`${base}/user/${p.editor.userUuid}`).set('Cookie', p.developer.cookie).send({ roleId: 'viewer' }).expect(403);
      expect((await t.http().get(base).set('Cookie', p.admin.cookie)).body.results).toEqual([]);
    });

    it('lets nobody assign a role granting scopes beyond their own', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const base = projectAssignments(projectUuid);
      const manager = await createRole(p, { name: 'Access manager', scopes: ['view:Project', 'manage:Project', 'manage:Dashboard'] });
      const dashboards = await createRole(p, { name: 'Dashboards', scopes: ['view:Project', 'view:Dashboard'] });
      const sql = await createRole(p, { name: 'SQL', scopes: ['view:Project', 'manage:SqlRunner'] });
      await t.http().post(`${base}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: manager }).expect(200);

      // the custom role's manage:Project lets its holder manage assignments, within its own scopes
      await t.http().get(base).set('Cookie', p.member.cookie).expect(200);
      await t.http().post(`${base}/user/${p.viewer.userUuid}`).set('Cookie', p.member.cookie).send({ roleId: dashboards }).expect(200);
      const refused = await t.http().post(`${base}/user/${p.viewer.userUuid}`).set('Cookie', p.member.cookie).send({ roleId: sql }).expect(403);
      expect(refused.body.error.message).toBe('Cannot grant permissions exceeding your own');
      await t.http().post(`${base}/user/${p.viewer.userUuid}`).set('Cookie', p.member.cookie).send({ roleId: 'admin' }).expect(403);
      await t.http().post(`${base}/user/${p.member.userUuid}`).set('Cookie', p.member.cookie).send({ roleId: 'admin' }).expect(403);
      // the v1 route follows the same rule
      await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', p.member.cookie).send({ email: p.editor.email, role: 'admin' }).expect(403);
      const set = await t.http().get(`${base}/user/${p.viewer.userUuid}/set`).set('Cookie', p.admin.cookie).expect(200);
      expect(set.body.results).toEqual({ systemRole: null, customRoleUuids: [dashboards] });
    });

    it('leaves exactly one of two role sets written at the same time, never a mix', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const [a, b, c] = [
        await createRole(p, { name: 'A', scopes: ['view:Project'] }),
        await createRole(p, { name: 'B', scopes: ['view:Tags'] }),
        await createRole(p, { name: 'C', scopes: ['create:Space'] }),
      ];
      const first = { systemRole: 'viewer', customRoleUuids: [a, b] };
      const second = { systemRole: null, customRoleUuids: [c, a] };
      const url = `${projectAssignments(projectUuid)}/user/${p.member.userUuid}/set`;
      for (let round = 0; round < 4; round++) {
        const results = await Promise.all([first, second].map((set) => t.http().put(url).set('Cookie', p.admin.cookie).send(set)));
        expect(results.map((r) => r.status)).toEqual([200, 200]);
        const stored = (await t.http().get(url).set('Cookie', p.admin.cookie).expect(200)).body.results;
        expect([first, second]).toContainEqual(stored);
      }
    });

    it('serialises a role’s deletion against its assignment: never both', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      for (let round = 0; round < 3; round++) {
        const roleUuid = await createRole(p, { name: `Racing ${round}`, scopes: ['view:Project'] });
        const [assigned, deleted] = await Promise.all([
          t.http().post(`${projectAssignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: roleUuid }),
          t.http().delete(`${roles(p.organizationUuid)}/${roleUuid}`).set('Cookie', p.admin.cookie),
        ]);
        expect([
          [200, 400],
          [404, 200],
        ]).toContainEqual([assigned.status, deleted.status]);
        // back to a system role so the next round starts clean
        await t.http().post(`${projectAssignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'viewer' }).expect(200);
      }
    });
  });

  describe('custom roles take effect', () => {
    it('grants exactly the role’s scopes on guarded project routes', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const tagger = await createRole(p, { name: 'Tagger', scopes: ['view:Project', 'create:Space'] });
      const viewOnly = await createRole(p, { name: 'Looker', scopes: ['view:Project'] });
      const tag = (user: TestUser) => t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', user.cookie).send({ name: `T ${randomUUID()}`, color: '#000000' });
      const view = (user: TestUser) => t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', user.cookie);

      await view(p.member).expect(403);
      await t.http().post(`${projectAssignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: viewOnly }).expect(200);
      await view(p.member).expect(200);
      await tag(p.member).expect(403);
      await t.http().patch(`${roles(p.organizationUuid)}/${viewOnly}`).set('Cookie', p.admin.cookie).send({ scopes: { add: ['create:Space'], remove: [] } }).expect(200);
      await tag(p.member).expect(201);
      // the placeholder `viewer` row grants nothing of its own: without view:Project the project is closed
      await t.http().patch(`${roles(p.organizationUuid)}/${viewOnly}`).set('Cookie', p.admin.cookie).send({ scopes: { add: [], remove: ['view:Project'] } }).expect(200);
      await view(p.member).expect(403);

      // through a group, added to the member's system role
      const groupUuid = await createGroup(p.admin, [p.viewer]);
      await t.http().post(`${projectAssignments(projectUuid)}/group/${groupUuid}`).set('Cookie', p.admin.cookie).send({ roleId: tagger }).expect(200);
      await view(p.viewer).expect(200);
      await tag(p.viewer).expect(201);
      await t.http().delete(`${projectAssignments(projectUuid)}/group/${groupUuid}`).set('Cookie', p.admin.cookie).expect(200);
      await tag(p.viewer).expect(403);
      // the project list leaves the project out for the member, whose role lost view:Project
      const projects = await t.http().get('/api/v1/org/projects').set('Cookie', p.member.cookie).expect(200);
      expect(projects.body.results).toEqual([]);
    });

    it('keeps a guarded read at one statement however many custom roles reach the caller', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const space = await createSpace(t, p.admin, projectUuid, { name: 'Public' });
      const reader = await createRole(p, { name: 'Reader', scopes: ['view:Project', 'view:Space'] });
      const extra = await createRole(p, { name: 'Extra', scopes: ['view:Tags'] });
      await t.http().post(`${projectAssignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: reader }).expect(200);
      const read = () => t.http().get(`/api/v1/projects/${projectUuid}/spaces/${space}`).set('Cookie', p.member.cookie).set('Cache-Control', 'no-cache').expect(200);
      const statementsOfOneRead = async () => {
        await read(); // caches the principal
        return (await statementsDuring(t, read)).length;
      };
      expect(await statementsOfOneRead()).toBe(1);
      for (let i = 0; i < 10; i++) {
        const group = await createGroup(p.admin, [p.member]);
        await t.http().put(`${projectAssignments(projectUuid)}/group/${group}/set`).set('Cookie', p.admin.cookie).send({ systemRole: null, customRoleUuids: [reader, extra] }).expect(200);
      }
      expect(await statementsOfOneRead()).toBe(1);
    });

    it('grants organization-level custom roles on organization routes and in every project', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const groupManager = await createRole(p, { name: 'Group manager', level: 'organization', scopes: ['manage:Group', 'view:Project'] });
      const createGroupAs = (user: TestUser) => t.http().post('/api/v1/org/groups').set('Cookie', user.cookie).send({ name: `G ${randomUUID()}` });
      await createGroupAs(p.member).expect(403);
      await t.http().post(`${roles(p.organizationUuid)}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: groupManager }).expect(200);
      await createGroupAs(p.member).expect(201);
      await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(200);
      // still nothing else of an admin's
      await t.http().get(roles(p.organizationUuid)).set('Cookie', p.member.cookie).expect(403);
      await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', p.member.cookie).send({ name: 'T', color: '#000000' }).expect(403);
      await t.http().post(`${roles(p.organizationUuid)}/assignments/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId: 'member' }).expect(200);
      await createGroupAs(p.member).expect(403);
    });

    it('opens spaces through the space scopes of a custom role', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Public' });
      const privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Private', isPrivate: true });
      const spaceReader = await createRole(p, { name: 'Space reader', scopes: ['view:Project', 'view:Space'] });
      const spaceAdmin = await createRole(p, { name: 'Space admin', scopes: ['view:Project', 'view:Space', 'manage:Space'] });
      const read = (space: string) => t.http().get(`/api/v1/projects/${projectUuid}/spaces/${space}`).set('Cookie', p.member.cookie).set('Cache-Control', 'no-cache');
      const assign = (roleId: string) =>
        t.http().post(`${projectAssignments(projectUuid)}/user/${p.member.userUuid}`).set('Cookie', p.admin.cookie).send({ roleId }).expect(200);

      const privateChild = await createSpace(t, p.admin, projectUuid, { name: 'Private child', parentSpaceUuid: publicSpace, inheritParentPermissions: false });
      const children = async () => (await read(publicSpace).expect(200)).body.results.childSpaces.map((c: { uuid: string }) => c.uuid);
      await read(publicSpace).expect(403);
      await assign(spaceReader);
      await read(publicSpace).expect(200);
      await read(privateSpace).expect(403);
      expect(await children()).toEqual([]);
      await t.http().patch(`/api/v1/projects/${projectUuid}/spaces/${publicSpace}`).set('Cookie', p.member.cookie).send({ name: 'Renamed' }).expect(403);
      await assign(spaceAdmin);
      await read(privateSpace).expect(200);
      // manage:Space opens every space, so the space read lists the private child too
      expect(await children()).toEqual([privateChild]);
      await t.http().patch(`/api/v1/projects/${projectUuid}/spaces/${publicSpace}`).set('Cookie', p.member.cookie).send({ name: 'Renamed' }).expect(200);
      const spaces = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', p.member.cookie).expect(200);
      // with the project's default public space, Shared
      expect(spaces.body.results.map((s: { name: string }) => s.name).sort()).toEqual(['Private', 'Private child', 'Renamed', 'Shared']);
    });
  });

  describe('the Terraform provider', () => {
    // the calls of ubie-oss/terraform-provider-lightdash (internal/lightdash/api/v2, services/roles.go), with its ApiKey header
    it('provisions and removes organization, project-user and project-group roles, resolving role names from GET roles', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const groupUuid = await createGroup(p.admin, [p.member]);
      const { token } = await createToken(t, p.admin);
      const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
        const request = t.http()[method](path).set('Authorization', `ApiKey ${token}`).set('Content-Type', 'application/json');
        return body ? request.send(body) : request;
      };
      const catalog = (await api('get', roles(p.organizationUuid)).expect(200)).body.results as { roleUuid: string; name: string }[];
      // the provider's lookup: a case-insensitive match on roleUuid, name, or name with spaces as underscores; it must be unique
      const resolve = (name: string) => {
        const target = name.toLowerCase();
        const matches = catalog.filter((r) => r.roleUuid.toLowerCase() === target || r.name.toLowerCase().replaceAll(' ', '_') === target || r.name.toLowerCase() === target);
        expect(matches).toHaveLength(1);
        return matches[0].roleUuid;
      };
      const terraformRole = (a: { roleName: string; roleId: string }) => [a.roleName, a.roleId].map((c) => c.trim().toLowerCase().replaceAll(' ', '_'));

      // lightdash_organization_role_member
      const org = await api('post', `${roles(p.organizationUuid)}/assignments/user/${p.viewer.userUuid}`, { roleId: resolve('editor') }).expect(200);
      expect(terraformRole(org.body.results)).toContain('editor');
      const orgList = (await api('get', `${roles(p.organizationUuid)}/assignments`).expect(200)).body.results;
      expect(orgList.find((a: { assigneeType: string; assigneeId: string }) => a.assigneeType === 'user' && a.assigneeId === p.viewer.userUuid).roleName).toBe('editor');

      // lightdash_project_role_member
      const user = await api('post', `${projectAssignments(projectUuid)}/user/${p.developer.userUuid}`, { roleId: resolve('interactive_viewer'), sendEmail: false }).expect(200);
      expect(terraformRole(user.body.results)).toContain('interactive_viewer');
      // lightdash_project_role_group
      await api('post', `${projectAssignments(projectUuid)}/group/${groupUuid}`, { roleId: resolve('viewer'), sendEmail: false }).expect(200);
      const updated = await api('patch', `${projectAssignments(projectUuid)}/group/${groupUuid}`, { roleId: resolve('Developer') }).expect(200);
      expect(terraformRole(updated.body.results)).toContain('developer');
      const projectList = (await api('get', projectAssignments(projectUuid)).expect(200)).body.results;
      expect(projectList.filter((a: { assigneeType: string }) => a.assigneeType === 'group')).toEqual([
        expect.objectContaining({ assigneeId: groupUuid, roleId: 'developer', roleName: 'developer' }),
      ]);
      // the group's role really applies to its member
      await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(200);

      // removal: DELETE for project roles, assigning `member` (looked up by name) for the organization role
      await api('delete', `${projectAssignments(projectUuid)}/user/${p.developer.userUuid}`).expect(200);
      await api('delete', `${projectAssignments(projectUuid)}/group/${groupUuid}`).expect(200);
      expect((await api('get', projectAssignments(projectUuid)).expect(200)).body.results).toEqual([]);
      const removed = await api('post', `${roles(p.organizationUuid)}/assignments/user/${p.viewer.userUuid}`, { roleId: resolve('member') }).expect(200);
      expect(terraformRole(removed.body.results)).toContain('member');
      await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', p.member.cookie).expect(403);
    });
  });
});
