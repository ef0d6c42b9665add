import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas } from '../support/organizations.js';
import { registerUser, sessionCookie } from '../support/users.js';

const NON_ADMIN_ROLES = ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const;

describe('organization members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  describe('GET /api/v1/org/users', () => {
    it('lists every member with the profile shape, for every role', async () => {
      const p = await createPersonas(t);
      for (const role of ['admin', ...NON_ADMIN_ROLES] as const) {
        const res = await t.http().get('/api/v1/org/users').set('Cookie', p[role].cookie).expect(200);
        expect(res.body.results.pagination).toBeUndefined();
        expect(res.body.results.data).toHaveLength(6);
      }
      const res = await t.http().get('/api/v1/org/users').set('Cookie', p.viewer.cookie).expect(200);
      const editor = res.body.results.data.find((m: { userUuid: string }) => m.userUuid === p.editor.userUuid);
      expect(editor).toEqual({
        userUuid: p.editor.userUuid,
        firstName: 'editor',
        lastName: 'Persona',
        email: p.editor.email,
        organizationUuid: p.organizationUuid,
        role: 'editor',
        isActive: true,
        isPending: false,
        isInviteExpired: false,
        userCreatedAt: expect.any(String),
        userUpdatedAt: expect.any(String),
        avatarUrl: null,
        avatarGradient: null,
        hasMultipleRoles: false,
      });
    });

    it('paginates with totals that add up, and searches names and emails', async () => {
      const p = await createPersonas(t);
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await t.http().get(`/api/v1/org/users?page=${page}&pageSize=4`).set('Cookie', p.member.cookie).expect(200);
        expect(res.body.results.pagination).toEqual({ page, pageSize: 4, totalPageCount: 2, totalResults: 6 });
        seen.push(...res.body.results.data.map((m: { userUuid: string }) => m.userUuid));
      }
      expect(new Set(seen).size).toBe(6);
      const byName = await t.http().get('/api/v1/org/users?searchQuery=DEVELOPER').set('Cookie', p.member.cookie).expect(200);
      expect(byName.body.results.data.map((m: { userUuid: string }) => m.userUuid)).toEqual([p.developer.userUuid]);
      const byEmail = await t.http().get(`/api/v1/org/users?searchQuery=${encodeURIComponent(p.viewer.email.slice(0, 12))}`).set('Cookie', p.member.cookie).expect(200);
      expect(byEmail.body.results.data.map((m: { userUuid: string }) => m.userUuid)).toContain(p.viewer.userUuid);
      const wildcard = await t.http().get('/api/v1/org/users?searchQuery=%25').set('Cookie', p.member.cookie).expect(200);
      expect(wildcard.body.results.data).toEqual([]);
    });

    it('lists members in the order they joined; page=0 lists everything, any page size is accepted', async () => {
      const org = await createOrganization(t);
      const zed = await addMember(t, org, 'viewer', 'Zed');
      const amy = await addMember(t, org, 'editor', 'Amy');
      const order = [org.admin.userUuid, zed.userUuid, amy.userUuid];
      const uuids = (res: { body: { results: { data: { userUuid: string }[] } } }) => res.body.results.data.map((m) => m.userUuid);
      const all = await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200);
      expect(uuids(all)).toEqual(order);
      const zero = await t.http().get('/api/v1/org/users?page=0&pageSize=10').set('Cookie', org.admin.cookie).expect(200);
      expect(zero.body.results).toEqual({ data: all.body.results.data });
      const zeroSize = await t.http().get('/api/v1/org/users?page=1&pageSize=0').set('Cookie', org.admin.cookie).expect(200);
      expect(zeroSize.body.results.pagination).toBeUndefined();
      const goStyle = await t.http().get('/api/v1/org/users?page=2.000000&pageSize=2.000000').set('Cookie', org.admin.cookie).expect(200);
      expect(goStyle.body.results).toEqual({ data: [all.body.results.data[2]], pagination: { page: 2, pageSize: 2, totalPageCount: 2, totalResults: 3 } });
      const huge = await t.http().get('/api/v1/org/users?page=1&pageSize=100000').set('Cookie', org.admin.cookie).expect(200);
      expect(uuids(huge)).toEqual(order);
      expect(huge.body.results.pagination).toEqual({ page: 1, pageSize: 5000, totalPageCount: 1, totalResults: 3 });
      // a page past any row (its offset would overflow PostgreSQL's bigint: once a 500) is empty
      for (const page of ['100000000000000000', '1e300', '1000001']) {
        const far = await t.http().get(`/api/v1/org/users?page=${page}&pageSize=500`).set('Cookie', org.admin.cookie).expect(200);
        expect(far.body.results).toEqual({ data: [], pagination: { page: Number(page), pageSize: 500, totalPageCount: 1, totalResults: 3 } });
      }
    });

    it('refuses negative and malformed page numbers with 422', async () => {
      const { admin } = await createOrganization(t);
      const negative = await t.http().get('/api/v1/org/users?page=-1&pageSize=10').set('Cookie', admin.cookie).expect(422);
      expect(negative.body.error).toMatchObject({ name: 'PaginationError', message: 'page should be greater than 0' });
      const negativeSize = await t.http().get('/api/v1/org/users?page=1&pageSize=-10').set('Cookie', admin.cookie).expect(422);
      expect(negativeSize.body.error).toMatchObject({ name: 'PaginationError', message: 'pageSize should be greater than 0' });
      // both are needed to page, as Lightdash: alone, even a negative one lists everything
      for (const query of ['page=-1', 'pageSize=-1', 'page=0&pageSize=-1']) {
        const all = await t.http().get(`/api/v1/org/users?${query}`).set('Cookie', admin.cookie).expect(200);
        expect(all.body.results).toEqual({ data: [expect.objectContaining({ userUuid: admin.userUuid })] });
      }
      await t.http().get('/api/v1/org/users?page=abc&pageSize=10').set('Cookie', admin.cookie).expect(422);
      await t.http().get('/api/v1/org/users?page=1.5&pageSize=10').set('Cookie', admin.cookie).expect(422);
    });

    it('with includeGroups=N: lists the first N members, each with groups (filled for admins only)', async () => {
      const p = await createPersonas(t);
      const group = (await t.http().post('/api/v1/org/groups').set('Cookie', p.admin.cookie).send({ name: 'Stewards', members: [{ userUuid: p.admin.userUuid }] }).expect(201)).body.results;
      const all = (await t.http().get('/api/v1/org/users').set('Cookie', p.admin.cookie).expect(200)).body.results.data;
      const asAdmin = await t.http().get('/api/v1/org/users?includeGroups=2').set('Cookie', p.admin.cookie).expect(200);
      expect(asAdmin.body.results).toEqual({ data: all.slice(0, 2).map((m: object, i: number) => ({ ...m, groups: i === 0 ? [{ uuid: group.uuid, name: 'Stewards' }] : [] })) });
      expect(asAdmin.body.results.data[0].userUuid).toBe(p.admin.userUuid);
      const asEditor = await t.http().get('/api/v1/org/users?includeGroups=10').set('Cookie', p.editor.cookie).expect(200);
      expect(asEditor.body.results.data).toHaveLength(6);
      expect(asEditor.body.results.data.every((m: { groups?: unknown[] }) => Array.isArray(m.groups) && m.groups.length === 0)).toBe(true);
      // a page wins over the includeGroups limit
      const paged = await t.http().get('/api/v1/org/users?includeGroups=1&page=1&pageSize=4').set('Cookie', p.admin.cookie).expect(200);
      expect(paged.body.results.data).toHaveLength(4);
      expect(paged.body.results.pagination).toEqual({ page: 1, pageSize: 4, totalPageCount: 2, totalResults: 6 });
      const without = await t.http().get('/api/v1/org/users?includeGroups=0').set('Cookie', p.admin.cookie).expect(200);
      expect(without.body.results.data.every((m: object) => !('groups' in m))).toBe(true);
    });

    it('shows pending invitees, and expired invites as such', async () => {
      const org = await createOrganization(t);
      const invite = await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email: `pending-${Date.now()}@example.com`, role: 'viewer' }).expect(201);
      const list = async () =>
        (await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200)).body.results.data.find(
          (m: { userUuid: string }) => m.userUuid === invite.body.results.userUuid,
        );
      expect(await list()).toMatchObject({ isPending: true, isInviteExpired: false, role: 'viewer' });
      await t.app.get(DataSource).query(`UPDATE invite_links SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`, [invite.body.results.userUuid]);
      expect(await list()).toMatchObject({ isPending: true, isInviteExpired: true });
    });

    it('is refused to users without an organization', async () => {
      const user = await registerUser(t);
      await t.http().get('/api/v1/org/users').set('Cookie', user.cookie).expect(403);
    });
  });

  describe('GET /api/v1/org/users/{userUuid} and /email/{email}', () => {
    it('finds a member of your organization, and nobody else', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      const byUuid = await t.http().get(`/api/v1/org/users/${p.editor.userUuid}`).set('Cookie', p.member.cookie).expect(200);
      expect(byUuid.body.results).toMatchObject({ userUuid: p.editor.userUuid, role: 'editor' });
      const byEmail = await t.http().get(`/api/v1/org/users/email/${encodeURIComponent(p.editor.email.toUpperCase())}`).set('Cookie', p.member.cookie).expect(200);
      expect(byEmail.body.results.userUuid).toBe(p.editor.userUuid);
      const foreign = await t.http().get(`/api/v1/org/users/${p.editor.userUuid}`).set('Cookie', other.admin.cookie).expect(404);
      expect(foreign.body.error.message).toBe('No matching member found in organization');
      await t.http().get(`/api/v1/org/users/email/${encodeURIComponent(p.editor.email)}`).set('Cookie', other.admin.cookie).expect(404);
      await t.http().get('/api/v1/org/users/not-a-uuid').set('Cookie', p.admin.cookie).expect(422);
      // as Lightdash: a malformed email is simply nobody's (404), never a 422 or 500
      const malformed = await t.http().get('/api/v1/org/users/email/not-an-email').set('Cookie', p.admin.cookie).expect(404);
      expect(malformed.body.error).toMatchObject({ name: 'NotFoundError', message: 'No matching member found in organization' });
      await t.http().get(`/api/v1/org/users/email/${encodeURIComponent("%_' OR 1=1 --")}`).set('Cookie', p.admin.cookie).expect(404);
      await t.http().get(`/api/v1/org/users/email/${encodeURIComponent(p.editor.email)}`).expect(401);
    });
  });

  describe('PATCH /api/v1/org/users/{userUuid}', () => {
    it('lets an admin change a role, which takes effect at once', async () => {
      const p = await createPersonas(t);
      const res = await t.http().patch(`/api/v1/org/users/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'developer' }).expect(200);
      expect(res.body.results).toMatchObject({ userUuid: p.viewer.userUuid, role: 'developer' });
      expect((await t.http().get('/api/v1/user').set('Cookie', p.viewer.cookie)).body.results.role).toBe('developer');
    });

    it('refuses non-admins with 403 and changes nothing', async () => {
      const p = await createPersonas(t);
      for (const role of NON_ADMIN_ROLES) {
        await t.http().patch(`/api/v1/org/users/${p[role].userUuid}`).set('Cookie', p[role].cookie).send({ role: 'admin' }).expect(403);
      }
      const members = (await t.http().get('/api/v1/org/users').set('Cookie', p.admin.cookie)).body.results.data;
      expect(members.filter((m: { role: string }) => m.role === 'admin')).toHaveLength(1);
    });

    it('validates the role and the target', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      await t.http().patch(`/api/v1/org/users/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'owner' }).expect(422);
      await t.http().patch(`/api/v1/org/users/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).send({}).expect(422);
      await t.http().patch(`/api/v1/org/users/${other.admin.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(404);
      expect((await t.http().get('/api/v1/user').set('Cookie', other.admin.cookie)).body.results.role).toBe('admin');
    });

    it('never demotes the last admin', async () => {
      const p = await createPersonas(t);
      const res = await t.http().patch(`/api/v1/org/users/${p.admin.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'editor' }).expect(403);
      expect(res.body.error.message).toBe('Organization must have at least one admin');
      expect((await t.http().get('/api/v1/user').set('Cookie', p.admin.cookie)).body.results.role).toBe('admin');
    });

    it('leaves one admin when two admins demote each other at the same moment', async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const org = await createOrganization(t);
        const second = await addMember(t, org, 'admin');
        const [a, b] = await Promise.all([
          t.http().patch(`/api/v1/org/users/${second.userUuid}`).set('Cookie', org.admin.cookie).send({ role: 'viewer' }),
          t.http().patch(`/api/v1/org/users/${org.admin.userUuid}`).set('Cookie', second.cookie).send({ role: 'viewer' }),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 403]);
        const members = (await t.http().get('/api/v1/org/users').set('Cookie', (a.status === 200 ? org.admin : second).cookie)).body.results.data;
        expect(members.filter((m: { role: string }) => m.role === 'admin')).toHaveLength(1);
      }
    });
  });

  describe('DELETE /api/v1/org/user/{userUuid}', () => {
    it('removes a member: their sessions end and they leave the organization', async () => {
      const p = await createPersonas(t);
      const second = sessionCookie((await t.http().post('/api/v1/login').send({ email: p.editor.email, password: p.editor.password }).expect(200)).headers['set-cookie']);
      const res = await t.http().delete(`/api/v1/org/user/${p.editor.userUuid}`).set('Cookie', p.admin.cookie).expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      await t.http().get('/api/v1/user').set('Cookie', p.editor.cookie).expect(401);
      await t.http().get('/api/v1/user').set('Cookie', second).expect(401);
      const relogin = sessionCookie((await t.http().post('/api/v1/login').send({ email: p.editor.email, password: p.editor.password }).expect(200)).headers['set-cookie']);
      expect((await t.http().get('/api/v1/user').set('Cookie', relogin)).body.results.organizationUuid).toBeNull();
      await t.http().get(`/api/v1/org/users/${p.editor.userUuid}`).set('Cookie', p.admin.cookie).expect(404);
    });

    it('removes a pending invitee altogether', async () => {
      const org = await createOrganization(t);
      const invite = await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email: `gone-${Date.now()}@example.com` }).expect(201);
      await t.http().delete(`/api/v1/org/user/${invite.body.results.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
      await t.http().get(`/api/v1/invite-links/${invite.body.results.inviteCode}`).expect(404);
    });

    it('refuses non-admins, foreigners, and the last admin', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      for (const role of NON_ADMIN_ROLES) await t.http().delete(`/api/v1/org/user/${p.viewer.userUuid}`).set('Cookie', p[role].cookie).expect(403);
      await t.http().delete(`/api/v1/org/user/${p.viewer.userUuid}`).set('Cookie', other.admin.cookie).expect(404);
      const last = await t.http().delete(`/api/v1/org/user/${p.admin.userUuid}`).set('Cookie', p.admin.cookie).expect(403);
      expect(last.body.error.message).toBe('Organization must have at least one admin');
      expect((await t.http().get('/api/v1/org/users').set('Cookie', p.admin.cookie)).body.results.data).toHaveLength(6);
    });
  });

  describe('DELETE /api/v1/user/me', () => {
    it('refuses the last admin and lets another admin go', async () => {
      const org = await createOrganization(t);
      const last = await t.http().delete('/api/v1/user/me').set('Cookie', org.admin.cookie).expect(403);
      expect(last.body.error.message).toBe('Organization must have at least one admin');
      const second = await addMember(t, org, 'admin');
      await t.http().delete('/api/v1/user/me').set('Cookie', org.admin.cookie).expect(200);
      const members = (await t.http().get('/api/v1/org/users').set('Cookie', second.cookie).expect(200)).body.results.data;
      expect(members.map((m: { userUuid: string }) => m.userUuid)).toEqual([second.userUuid]);
    });
  });
});
