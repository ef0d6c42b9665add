import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas } from '../support/organizations.js';
import { registerUser } from '../support/users.js';

const NON_ADMIN_ROLES = ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const;

describe('organizations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function auditRows(organizationUuid: string, action: string) {
    return t.app.get(DataSource).query(
      'SELECT outcome, status_code AS "statusCode", actor_email AS "actorEmail", details FROM audit_logs WHERE organization_uuid = $1 AND action = $2 ORDER BY audit_log_id',
      [organizationUuid, action],
    );
  }

  describe('PUT /api/v1/org', () => {
    it('creates an organization with the caller as admin', async () => {
      const user = await registerUser(t);
      const res = await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: ' Acme Analytics_1 ' }).expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      const me = (await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200)).body.results;
      expect(me).toMatchObject({ organizationName: 'Acme Analytics_1', role: 'admin', organizationUuid: expect.any(String) });
      const org = await t.http().get('/api/v1/org').set('Cookie', user.cookie).expect(200);
      expect(org.body.results).toEqual({
        organizationUuid: me.organizationUuid,
        name: 'Acme Analytics_1',
        createdAt: expect.any(String),
        needsProject: true,
        pgWire: { enabled: false, host: 'localhost', port: null, tlsRequired: false },
      });
      const health = await t.http().get('/api/v1/health').expect(200);
      expect(health.body.results.requiresOrgRegistration).toBe(false);
      expect(await auditRows(me.organizationUuid, 'organization.create')).toEqual([
        { outcome: 'success', statusCode: null, actorEmail: user.email, details: { name: 'Acme Analytics_1' } },
      ]);
    });

    it('refuses a second organization for the same user', async () => {
      const { admin } = await createOrganization(t);
      const res = await t.http().put('/api/v1/org').set('Cookie', admin.cookie).send({ name: 'Second' }).expect(403);
      expect(res.body.error.message).toBe('User already has an organization');
    });

    it('gives one organization when the same user creates two at once', async () => {
      const user = await registerUser(t);
      const results = await Promise.all([
        t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'Race A' }),
        t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'Race B' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    });

    it.each([['bad/name'], [''], ['   '], ['drop;table']])('refuses the name %j with 400', async (name) => {
      const user = await registerUser(t);
      const res = await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name }).expect(400);
      expect(res.body.error.message).toBe(
        'Organization name can be composed only of letters, numbers, spaces, underscores or dashes, and not be empty',
      );
      await t.http().get('/api/v1/org').set('Cookie', user.cookie).expect(403);
    });

    it('answers 422 for missing or wrongly typed fields, 401 without credentials, and drops unknown fields', async () => {
      const user = await registerUser(t);
      await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({}).expect(422);
      await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 42 }).expect(422);
      await t.http().put('/api/v1/org').send({ name: 'A' }).expect(401);
      await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'A', plan: 'pro' }).expect(200);
      expect((await t.http().get('/api/v1/org').set('Cookie', user.cookie).expect(200)).body.results).not.toHaveProperty('plan');
    });
  });

  describe('GET /api/v1/org', () => {
    it('is open to every role of the organization', async () => {
      const p = await createPersonas(t);
      for (const role of ['admin', ...NON_ADMIN_ROLES] as const) {
        const res = await t.http().get('/api/v1/org').set('Cookie', p[role].cookie).expect(200);
        expect(res.body.results.organizationUuid).toBe(p.organizationUuid);
      }
    });

    it('is refused to a user without an organization', async () => {
      const user = await registerUser(t);
      const res = await t.http().get('/api/v1/org').set('Cookie', user.cookie).expect(403);
      expect(res.body.error.message).toBe('You are not a member of an organization');
    });
  });

  describe('PATCH /api/v1/org', () => {
    it('lets an admin rename and set chart colours', async () => {
      const { admin } = await createOrganization(t);
      await t.http().patch('/api/v1/org').set('Cookie', admin.cookie).send({ name: 'Renamed', chartColors: ['#112233', '#AABBCC'] }).expect(200);
      const org = await t.http().get('/api/v1/org').set('Cookie', admin.cookie).expect(200);
      expect(org.body.results).toMatchObject({ name: 'Renamed', chartColors: ['#112233', '#AABBCC'] });
    });

    it('refuses every other role with 403, changes nothing, and audits the refusal', async () => {
      const p = await createPersonas(t);
      for (const role of NON_ADMIN_ROLES) {
        const res = await t.http().patch('/api/v1/org').set('Cookie', p[role].cookie).send({ name: `By ${role}` }).expect(403);
        expect(res.body.error.name).toBe('ForbiddenError');
      }
      expect((await t.http().get('/api/v1/org').set('Cookie', p.admin.cookie)).body.results.name).toBe('Test Org');
      const refused = await auditRows(p.organizationUuid, 'organization.update');
      expect(refused).toHaveLength(NON_ADMIN_ROLES.length);
      expect(refused.every((r: { outcome: string; statusCode: number }) => r.outcome === 'denied' && r.statusCode === 403)).toBe(true);
    });

    it('validates the body', async () => {
      const { admin } = await createOrganization(t);
      await t.http().patch('/api/v1/org').set('Cookie', admin.cookie).send({ chartColors: ['red'] }).expect(422);
      await t.http().patch('/api/v1/org').set('Cookie', admin.cookie).send({ name: 'x/y' }).expect(400);
      const before = (await t.http().get('/api/v1/org').set('Cookie', admin.cookie).expect(200)).body.results;
      // an unknown (or read-only) field is dropped: the PATCH changes nothing
      await t.http().patch('/api/v1/org').set('Cookie', admin.cookie).send({ needsProject: !before.needsProject }).expect(200);
      expect((await t.http().get('/api/v1/org').set('Cookie', admin.cookie).expect(200)).body.results).toEqual(before);
    });
  });

  describe('DELETE /api/v1/org/{organizationUuid}', () => {
    it("deletes the organization with its members' accounts, as Lightdash: their sessions and tokens stop at once and login fails", async () => {
      const org = await createOrganization(t);
      const editor = await addMember(t, org, 'editor');
      const bystander = await createOrganization(t);
      const token = (await t.http().post('/api/v1/user/me/personal-access-tokens').set('Cookie', editor.cookie).send({ description: 'ci', expiresAt: null, autoGenerated: false }).expect(200)).body.results.token;
      await t.http().get('/api/v1/org').set('Authorization', `ApiKey ${token}`).expect(200);
      const invite = await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email: `pending-${Date.now()}@example.com` }).expect(201);
      await t.http().delete(`/api/v1/org/${org.organizationUuid}`).set('Cookie', org.admin.cookie).expect(200);

      for (const cookie of [editor.cookie, org.admin.cookie]) {
        await t.http().get('/api/v1/user').set('Cookie', cookie).expect(401);
        await t.http().get('/api/v1/org').set('Cookie', cookie).expect(401);
      }
      await t.http().get('/api/v1/org').set('Authorization', `ApiKey ${token}`).expect(401);
      const login = await t.http().post('/api/v1/login').send({ email: editor.email, password: editor.password }).expect(401);
      expect(login.body.error.name).toBe('AuthorizationError');
      await t.http().get(`/api/v1/invite-links/${invite.body.results.inviteCode}`).expect(404);
      const db = t.app.get(DataSource);
      const [{ count }] = await db.query(
        'SELECT count(*)::int AS count FROM users WHERE user_uuid = ANY($1::uuid[])',
        [[org.admin.userUuid, editor.userUuid, invite.body.results.userUuid]],
      );
      expect(count).toBe(0);
      const [{ sessions }] = await db.query('SELECT count(*)::int AS sessions FROM sessions s JOIN users u ON u.user_id = s.user_id WHERE u.email = $1', [editor.email]);
      expect(sessions).toBe(0);
      expect(await auditRows(org.organizationUuid, 'organization.delete')).toHaveLength(1);
      // another organization is untouched, and the email can register again
      await t.http().get('/api/v1/org').set('Cookie', bystander.admin.cookie).expect(200);
      await t.http().post('/api/v1/user').send({ email: editor.email, firstName: 'Again', lastName: 'Here', password: 'password1' }).expect(200);
    });

    it('is 403 for non-admins, 404 for another organization, 422 for a malformed uuid', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      for (const role of NON_ADMIN_ROLES) await t.http().delete(`/api/v1/org/${p.organizationUuid}`).set('Cookie', p[role].cookie).expect(403);
      const foreign = await t.http().delete(`/api/v1/org/${p.organizationUuid}`).set('Cookie', other.admin.cookie).expect(404);
      expect(foreign.body.error).toMatchObject({ name: 'NotFoundError', message: 'Organization not found' });
      await t.http().delete('/api/v1/org/00000000-0000-4000-8000-000000000000').set('Cookie', other.admin.cookie).expect(404);
      await t.http().delete('/api/v1/org/not-a-uuid').set('Cookie', other.admin.cookie).expect(422);
      await t.http().get('/api/v1/org').set('Cookie', p.admin.cookie).expect(200);
    });
  });
});
