import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PrincipalCache } from '../../src/auth/principal-cache.js';
import { sha256 } from '../../src/auth/tokens.js';
import { RESPONSE_CACHE_HEADER } from '../../src/response-cache/response-cache.hooks.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, type TestOrganization } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';
import { createScimToken, provisionUser, SCIM, SCIM_ERROR, SCIM_GROUP_SCHEMA, SCIM_USER_SCHEMA, scimClient, type ScimClient } from '../support/scim.js';
import { createToken, uniqueEmail } from '../support/users.js';

const EXTENSION = 'urn:lightdash:params:scim:schemas:extension:2.0:User';

describe('SCIM 2.0', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  async function orgWithScim(): Promise<{ org: TestOrganization; scim: ScimClient; token: string; tokenUuid: string }> {
    const org = await createOrganization(t);
    const { token, uuid } = await createScimToken(t, org);
    return { org, scim: scimClient(t, token), token, tokenUuid: uuid };
  }

  function expectScimError(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, scimType?: string) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual([SCIM_ERROR]);
    expect(res.body.status).toBe(String(status));
    expect(typeof res.body.detail).toBe('string');
    if (scimType) expect(res.body.scimType).toBe(scimType);
    else expect(res.body.scimType).toBeUndefined();
  }

  describe('tokens', () => {
    it('an admin creates a token (shown once), lists it without its value, and deleting it stops it at once', async () => {
      const org = await createOrganization(t);
      const created = await t
        .http()
        .post('/api/v1/scim/organization-access-tokens')
        .set('Cookie', org.admin.cookie)
        .send({ description: 'Okta', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      expect(created.status).toBe(201);
      expect(created.body.results.token).toMatch(/^scim_[0-9a-f]{32}$/);
      expect(created.body.results).toMatchObject({ description: 'Okta', organizationUuid: org.organizationUuid, scopes: ['scim:manage'], lastUsedAt: null });
      const { token, uuid } = created.body.results;

      await scimClient(t, token).get('/Users').expect(200);
      const listed = await t.http().get('/api/v1/scim/organization-access-tokens').set('Cookie', org.admin.cookie).expect(200);
      expect(listed.body.results).toHaveLength(1);
      expect(listed.body.results[0].uuid).toBe(uuid);
      expect(listed.body.results[0].token).toBeUndefined();
      expect(listed.body.results[0].lastUsedAt).not.toBeNull();
      expect(JSON.stringify(listed.body)).not.toContain(token);

      await t.http().delete(`/api/v1/scim/organization-access-tokens/${uuid}`).set('Cookie', org.admin.cookie).expect(200);
      const refused = await scimClient(t, token).get('/Users');
      expectScimError(refused, 401);
      expect(refused.body.detail).toBe('Invalid SCIM token. Authentication failed.');
    });

    it('needs an organization admin; creating and deleting need a session, not a personal access token; another organization sees 404', async () => {
      const org = await createOrganization(t);
      const editor = await addMember(t, org, 'editor');
      await t.http().get('/api/v1/scim/organization-access-tokens').set('Cookie', editor.cookie).expect(403);
      await t.http().post('/api/v1/scim/organization-access-tokens').set('Cookie', editor.cookie).send({ description: 'x', expiresAt: null }).expect(403);
      const pat = await createToken(t, org.admin);
      await t.http().post('/api/v1/scim/organization-access-tokens').set('Authorization', `ApiKey ${pat.token}`).send({ description: 'x', expiresAt: null }).expect(401);
      const { uuid } = await createScimToken(t, org);
      await t.http().get('/api/v1/scim/organization-access-tokens').set('Authorization', `ApiKey ${pat.token}`).expect(200);
      await t.http().delete(`/api/v1/scim/organization-access-tokens/${uuid}`).set('Authorization', `ApiKey ${pat.token}`).expect(401);
      const other = await createOrganization(t);
      await t.http().get(`/api/v1/scim/organization-access-tokens/${uuid}`).set('Cookie', other.admin.cookie).expect(404);
      await t.http().delete(`/api/v1/scim/organization-access-tokens/${uuid}`).set('Cookie', other.admin.cookie).expect(404);
      await t.http().post('/api/v1/scim/organization-access-tokens').set('Cookie', org.admin.cookie).send({ description: 'x', expiresAt: '2001-01-01T00:00:00Z' }).expect(400);
    });

    it('rotates an expiring token with a session (the old value stops at once), at most once an hour', async () => {
      const org = await createOrganization(t);
      const soon = new Date(Date.now() + 86_400_000).toISOString();
      const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const { token, uuid } = await createScimToken(t, org, soon);
      const rotateUrl = `/api/v1/scim/organization-access-tokens/${uuid}/rotate`;
      const pat = await createToken(t, org.admin);
      await t.http().patch(rotateUrl).set('Authorization', `ApiKey ${pat.token}`).send({ expiresAt: later }).expect(401);
      await t.http().patch(rotateUrl).set('Cookie', org.admin.cookie).send({ expiresAt: '2001-01-01T00:00:00Z' }).expect(400);
      const rotated = await t.http().patch(rotateUrl).set('Cookie', org.admin.cookie).send({ expiresAt: later }).expect(200);
      expect(rotated.body.results.token).toMatch(/^scim_[0-9a-f]{32}$/);
      expect(rotated.body.results.rotatedAt).not.toBeNull();
      expectScimError(await scimClient(t, token).get('/Users'), 401);
      await scimClient(t, rotated.body.results.token).get('/Users').expect(200);
      await t.http().patch(rotateUrl).set('Cookie', org.admin.cookie).send({ expiresAt: later }).expect(400);
      const forever = await createScimToken(t, org, null);
      await t.http().patch(`/api/v1/scim/organization-access-tokens/${forever.uuid}/rotate`).set('Cookie', org.admin.cookie).send({ expiresAt: later }).expect(400);
    });

    it('stores only the SHA-256 of the token, and an expired token is refused', async () => {
      const { org, token, tokenUuid } = await orgWithScim();
      const { DataSource } = await import('typeorm');
      const dataSource = t.app.get(DataSource);
      const [row] = await dataSource.query(`SELECT encode(token_hash, 'hex') AS hash FROM scim_tokens WHERE scim_token_uuid = $1`, [tokenUuid]);
      const { createHash } = await import('node:crypto');
      expect(row.hash).toBe(createHash('sha256').update(token).digest('hex'));
      await dataSource.query(`UPDATE scim_tokens SET expires_at = now() - interval '1 second' WHERE scim_token_uuid = $1`, [tokenUuid]);
      expectScimError(await scimClient(t, token).get('/Users'), 401);
      expect(org).toBeDefined();
    });
  });

  describe('authentication', () => {
    it('refuses SCIM routes without a SCIM token, with a personal access token or a session (401 SCIM errors)', async () => {
      const { org } = await orgWithScim();
      const none = await t.http().get(`${SCIM}/Users`);
      expectScimError(none, 401);
      expect(none.body.detail).toBe('No SCIM token provided');
      const pat = await createToken(t, org.admin);
      expectScimError(await t.http().get(`${SCIM}/Users`).set('Authorization', `Bearer ${pat.token}`), 401);
      expectScimError(await t.http().get(`${SCIM}/Users`).set('Authorization', `ApiKey ${pat.token}`), 401);
      expectScimError(await t.http().get(`${SCIM}/Users`).set('Cookie', org.admin.cookie), 401);
      const malformed = await t.http().get(`${SCIM}/Users`).set('Authorization', 'Bearer');
      expectScimError(malformed, 401);
      expect(malformed.body.detail).toBe('Invalid SCIM token. Token should be in the format "Bearer <token>"');
    });

    it('refuses a SCIM token on the normal API (401)', async () => {
      const { token } = await orgWithScim();
      for (const path of ['/api/v1/org', '/api/v1/user', '/api/v1/org/users', '/api/v1/org/groups']) {
        const res = await t.http().get(path).set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.body.error.name).toBe('AuthorizationError');
      }
    });

    it('serves the discovery documents without a token', async () => {
      const config = await t.http().get(`${SCIM}/ServiceProviderConfig`).expect(200);
      expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(config.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 } });
      const schemas = await t.http().get(`${SCIM}/Schemas`).expect(200);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([SCIM_USER_SCHEMA, SCIM_GROUP_SCHEMA, EXTENSION]));
      await t.http().get(`${SCIM}/Schemas/${SCIM_USER_SCHEMA}`).expect(200);
      const types = await t.http().get(`${SCIM}/ResourceTypes`).expect(200);
      expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
      await t.http().get(`${SCIM}/ResourceTypes/User`).expect(200);
      expectScimError(await t.http().get(`${SCIM}/ResourceTypes/Nope`), 404, 'noTarget');
    });
  });

  describe('Users, as Okta and Entra ID drive them', () => {
    it('creates, looks up by userName, emails.value and externalId, deactivates, reactivates and replaces a user', async () => {
      const { scim, org } = await orgWithScim();
      const email = uniqueEmail('Kim');
      const created = await scim.post('/Users', {
        schemas: [SCIM_USER_SCHEMA],
        userName: email,
        externalId: '00u1abcd',
        name: { givenName: 'Kim', familyName: 'Lee' },
        emails: [{ value: email, primary: true, type: 'work' }],
        title: 'Analyst',
        locale: 'en-US',
        active: true,
      });
      expect(created.status).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(created.body).toMatchObject({
        schemas: [SCIM_USER_SCHEMA, EXTENSION],
        userName: email,
        externalId: '00u1abcd',
        name: { givenName: 'Kim', familyName: 'Lee' },
        active: true,
        emails: [{ value: email, primary: true }],
        roles: [{ value: 'member', display: 'Member', type: 'Organization', primary: true }],
        [EXTENSION]: { role: 'member' },
        meta: { resourceType: 'User' },
      });
      const id = created.body.id;
      expect(created.body.meta.location).toMatch(new RegExp(`/api/v1/scim/v2/Users/${id}$`));

      const byUserName = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${email.toUpperCase()}"`)}`).expect(200);
      expect(byUserName.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(byUserName.body.Resources[0].id).toBe(id);
      const combined = await scim.get(`/Users?filter=${encodeURIComponent(`emails.value eq "${email}" and externalId eq "00u1abcd"`)}`).expect(200);
      expect(combined.body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
      const wrongExternal = await scim.get(`/Users?filter=${encodeURIComponent(`emails.value eq "${email}" and externalId eq "00U1ABCD"`)}`).expect(200);
      expect(wrongExternal.body.totalResults).toBe(0);
      const missing = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`).expect(200);
      expect(missing.body).toMatchObject({ totalResults: 0, Resources: [] });

      const deactivated = await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }]).expect(200);
      expect(deactivated.body.active).toBe(false);
      const member = await t.http().get(`/api/v1/org/users/${id}`).set('Cookie', org.admin.cookie).expect(200);
      expect(member.body.results.isActive).toBe(false);
      // Entra ID's form: no path, "Replace", a string boolean
      const reactivated = await scim.patch(`/Users/${id}`, [{ op: 'Replace', value: { active: 'True' } }]).expect(200);
      expect(reactivated.body.active).toBe(true);

      const replaced = await scim
        .put(`/Users/${id}`, { schemas: [SCIM_USER_SCHEMA], userName: email, name: { givenName: 'Kimberly', familyName: 'Lee' }, active: true, [EXTENSION]: { role: 'editor' } })
        .expect(200);
      expect(replaced.body).toMatchObject({ name: { givenName: 'Kimberly' }, [EXTENSION]: { role: 'editor' }, externalId: '00u1abcd' });
      await scim.get(`/Users/${id}`).expect(200);
      await scim.delete(`/Users/${id}`).expect(204);
      expectScimError(await scim.get(`/Users/${id}`), 404, 'noTarget');
    });

    it('patches names, email and the organization role (extension and roles[primary eq true])', async () => {
      const { scim } = await orgWithScim();
      const { id } = await provisionUser(scim);
      const newEmail = uniqueEmail('renamed');
      const patched = await scim
        .patch(`/Users/${id}`, [
          { op: 'replace', path: 'name.givenName', value: 'Ada' },
          { op: 'replace', path: 'emails[type eq "work"].value', value: newEmail },
          { op: 'replace', path: 'userName', value: newEmail },
          { op: 'add', path: `${EXTENSION}:role`, value: 'developer' },
        ])
        .expect(200);
      expect(patched.body).toMatchObject({ userName: newEmail, name: { givenName: 'Ada', familyName: 'User' }, [EXTENSION]: { role: 'developer' } });
      const viaRoles = await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'roles[primary eq "True"].value', value: 'viewer' }]).expect(200);
      expect(viaRoles.body[EXTENSION].role).toBe('viewer');
    });

    it('pages with startIndex and count', async () => {
      const { scim } = await orgWithScim();
      for (let i = 0; i < 4; i++) await provisionUser(scim);
      const all = await scim.get('/Users').expect(200);
      expect(all.body.totalResults).toBe(5); // the admin and four provisioned users
      const page = await scim.get('/Users?startIndex=2&count=2').expect(200);
      expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(all.body.Resources.slice(1, 3).map((u: { id: string }) => u.id));
      const countOnly = await scim.get('/Users?count=0').expect(200);
      expect(countOnly.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
      const past = await scim.get('/Users?startIndex=50').expect(200);
      expect(past.body).toMatchObject({ totalResults: 5, Resources: [] });
    });

    it('never makes a second account for an email: concurrent creates give one 201 and one 409 uniqueness', async () => {
      const { scim } = await orgWithScim();
      const email = uniqueEmail('race');
      const body = { schemas: [SCIM_USER_SCHEMA], userName: email, name: { givenName: 'R', familyName: 'C' }, active: true };
      const answers = await Promise.all([scim.post('/Users', body), scim.post('/Users', { ...body, userName: email.toUpperCase() })]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      expectScimError(answers.find((r) => r.status === 409)!, 409, 'uniqueness');
      const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`).expect(200);
      expect(found.body.totalResults).toBe(1);
      // a user of another organization is not taken over either
      const other = await orgWithScim();
      expectScimError(await other.scim.post('/Users', body), 409, 'uniqueness');
    });

    it('provisions an email with pending invites: the invite elsewhere stays, this organization\'s becomes the account', async () => {
      const { org, scim } = await orgWithScim();
      const elsewhere = await createOrganization(t);
      const email = uniqueEmail('invited');
      for (const inviter of [org, elsewhere]) {
        await t.http().post('/api/v1/invite-links').set('Cookie', inviter.admin.cookie).send({ email, role: 'editor' }).expect(201);
      }
      // invitees may share an email, so neither invite blocks the account; the account stays unique
      const created = await scim.post('/Users', { schemas: [SCIM_USER_SCHEMA], userName: email, name: { givenName: 'I', familyName: 'N' }, active: true });
      expect(created.status).toBe(201);
      expectScimError(await scim.post('/Users', { schemas: [SCIM_USER_SCHEMA], userName: email, active: true }), 409, 'uniqueness');
      const members = (await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200)).body.results.data;
      expect(members.filter((member: { email: string }) => member.email === email)).toEqual([
        expect.objectContaining({ userUuid: created.body.id, isPending: false }),
      ]);
      const invitedElsewhere = (await t.http().get('/api/v1/org/users').set('Cookie', elsewhere.admin.cookie).expect(200)).body.results.data;
      expect(invitedElsewhere.filter((member: { email: string }) => member.email === email)).toEqual([expect.objectContaining({ isPending: true })]);
    });

    it('counts a provisioned admin (no password: they sign in with SSO) as an admin the organization keeps', async () => {
      const { org, scim } = await orgWithScim();
      const admin = await provisionUser(scim, { [EXTENSION]: { role: 'admin' }, schemas: [SCIM_USER_SCHEMA, EXTENSION] });
      // with the provisioned admin, the organization's first admin may step down
      const me = (await t.http().get('/api/v1/user').set('Cookie', org.admin.cookie).expect(200)).body.results;
      await t.http().patch(`/api/v1/org/users/${me.userUuid}`).set('Cookie', org.admin.cookie).send({ role: 'editor' }).expect(200);
      const members = (await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200)).body.results.data;
      expect(members.find((member: { userUuid: string }) => member.userUuid === admin.id)).toMatchObject({ role: 'admin', isPending: false });
    });

    it('answers bad input with SCIM errors and changes nothing', async () => {
      const { scim } = await orgWithScim();
      expectScimError(await scim.post('/Users', { schemas: [SCIM_USER_SCHEMA], userName: 'not-an-email' }), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', { userName: uniqueEmail(), [EXTENSION]: { role: 'owner' } }), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', { userName: uniqueEmail(), roles: [{ value: 'superuser' }] }), 400, 'invalidValue');
      expectScimError(await scim.post('/Users', { userName: uniqueEmail(), roles: [{ value: 'editor' }, { value: '7d3c4a2e-1f0b-4c5d-8e9f-a0b1c2d3e4f5:editor' }] }), 400, 'invalidValue');
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('userName gt "a"')}`), 400, 'invalidFilter');
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('title eq "x"')}`), 400, 'invalidFilter');
      expectScimError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "unterminated')}`), 400, 'invalidFilter');
      expectScimError(await scim.get('/Users/not-a-uuid'), 404, 'noTarget');
      expectScimError(await scim.get('/Users/7d3c4a2e-1f0b-4c5d-8e9f-a0b1c2d3e4f5'), 404, 'noTarget');
      const { id } = await provisionUser(scim);
      expectScimError(await scim.patch(`/Users/${id}`, [{ op: 'remove' }]), 400, 'noTarget');
      expectScimError(await scim.patch(`/Users/${id}`, [{ op: 'move', path: 'active', value: true }]), 400, 'invalidSyntax');
      const malformed = await t.http().post(`${SCIM}/Users`).set('Authorization', scim.authorization).set('Content-Type', 'application/scim+json').send('{"userName":');
      expect(malformed.status).toBe(400);
      const list = await scim.get('/Users').expect(200);
      expect(list.body.totalResults).toBe(2);
    });

    it('accepts application/scim+json on SCIM routes only (415 elsewhere)', async () => {
      const org = await createOrganization(t);
      const res = await t.http().patch('/api/v1/org').set('Cookie', org.admin.cookie).set('Content-Type', 'application/scim+json').send(JSON.stringify({ name: 'Renamed' }));
      expect(res.status).toBe(415);
      const me = await t.http().get('/api/v1/org').set('Cookie', org.admin.cookie).expect(200);
      expect(me.body.results.name).not.toBe('Renamed');
    });
  });

  describe('deactivation', () => {
    it("stops the user's existing session and personal access token on the very next request, through the principal and response caches", async () => {
      const { org, scim } = await orgWithScim();
      const projectUuid = await createProject(t, org.admin);
      await createSpace(t, org.admin, projectUuid, { name: 'Shared' });
      const viewer = await addMember(t, org, 'viewer');
      const { token } = await createToken(t, viewer);
      const spaces = `/api/v1/projects/${projectUuid}/spaces`;
      // warm both caches: the principal cache (project routes reuse resolved callers) and the response cache
      for (let i = 0; i < 2; i++) {
        await t.http().get(spaces).set('Cookie', viewer.cookie).expect(200);
        await t.http().get(spaces).set('Authorization', `ApiKey ${token}`).expect(200);
      }
      const hit = await t.http().get(spaces).set('Authorization', `ApiKey ${token}`).expect(200);
      expect(hit.headers[RESPONSE_CACHE_HEADER]).toBe('hit');
      const principals = t.app.get(PrincipalCache);
      const sessionToken = decodeURIComponent(viewer.cookie.split('=')[1]);
      expect(principals.get(`session:${sha256(sessionToken).toString('base64')}`)?.userUuid).toBe(viewer.userUuid);
      expect(principals.get(`token:${sha256(token).toString('base64')}`)?.userUuid).toBe(viewer.userUuid);

      await scim.patch(`/Users/${viewer.userUuid}`, [{ op: 'replace', path: 'active', value: false }]).expect(200);

      const bySession = await t.http().get(spaces).set('Cookie', viewer.cookie);
      expect(bySession.status).toBe(401);
      const byToken = await t.http().get(spaces).set('Authorization', `ApiKey ${token}`);
      expect(byToken.status).toBe(401);
      await t.http().get('/api/v1/user').set('Authorization', `ApiKey ${token}`).expect(401);
      await t.http().get('/api/v1/user').set('Cookie', viewer.cookie).expect(401);
      const login = await t.http().post('/api/v1/login').send({ email: viewer.email, password: viewer.password });
      expect(login.status).toBe(401);

      // reactivated: the token works again (it was kept), the ended session does not
      await scim.patch(`/Users/${viewer.userUuid}`, [{ op: 'replace', path: 'active', value: true }]).expect(200);
      await t.http().get('/api/v1/user').set('Authorization', `ApiKey ${token}`).expect(200);
      await t.http().get('/api/v1/user').set('Cookie', viewer.cookie).expect(401);
    });

    it('removes the deactivated user from groups and project roles, and resets their organization role', async () => {
      const { org, scim } = await orgWithScim();
      const projectUuid = await createProject(t, org.admin);
      const { id } = await provisionUser(scim, { roles: [{ value: 'editor' }, { value: `${projectUuid}:developer` }] });
      const group = await scim.post('/Groups', { schemas: [SCIM_GROUP_SCHEMA], displayName: 'Team', members: [{ value: id }] }).expect(201);
      const user = await scim.get(`/Users/${id}`).expect(200);
      expect(user.body.roles.map((r: { value: string }) => r.value)).toEqual(['editor', `${projectUuid}:developer`]);
      await scim.put(`/Users/${id}`, { userName: user.body.userName, active: false }).expect(200);
      const after = await scim.get(`/Users/${id}`).expect(200);
      expect(after.body).toMatchObject({ active: false, [EXTENSION]: { role: 'member' } });
      expect(after.body.roles).toHaveLength(1);
      const members = await t.http().get(`/api/v1/groups/${group.body.id}/members`).set('Cookie', org.admin.cookie).expect(200);
      expect(members.body.results).toEqual([]);
    });

    it('keeps an organization admin: the last admin cannot be deactivated (403), demoted (403) or deleted (400)', async () => {
      const { org, scim } = await orgWithScim();
      const admin = org.admin.userUuid;
      expectScimError(await scim.patch(`/Users/${admin}`, [{ op: 'replace', path: 'active', value: false }]), 403);
      expectScimError(await scim.patch(`/Users/${admin}`, [{ op: 'replace', path: `${EXTENSION}:role`, value: 'editor' }]), 403);
      const deleted = await scim.delete(`/Users/${admin}`);
      expectScimError(deleted, 400, 'invalidValue');
      expect(deleted.body.detail).toBe('Organization must have at least one admin');
      await t.http().get('/api/v1/user').set('Cookie', org.admin.cookie).expect(200);
      // with a second (registered, active) admin the first may go
      const second = await addMember(t, org, 'admin');
      await scim.patch(`/Users/${admin}`, [{ op: 'replace', path: 'active', value: false }]).expect(200);
      // deactivation made the first admin a member: the second is now the last admin
      expectScimError(await scim.patch(`/Users/${second.userUuid}`, [{ op: 'replace', path: 'active', value: false }]), 403);
    });
  });

  describe('Groups', () => {
    it('creates a group, patches members in batches of 100 as Okta does, renames it and deletes it; the REST API sees the same group', async () => {
      const { org, scim } = await orgWithScim();
      const users: string[] = [];
      for (let i = 0; i < 120; i++) users.push((await provisionUser(scim)).id);
      const created = await scim.post('/Groups', { schemas: [SCIM_GROUP_SCHEMA], displayName: 'Analysts', members: [] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ schemas: [SCIM_GROUP_SCHEMA], displayName: 'Analysts', members: [], meta: { resourceType: 'Group' } });
      const groupId = created.body.id;

      const batches = [users.slice(0, 100), users.slice(100)];
      // both batches at once: the group's lock applies them one after the other, none is lost
      const patched = await Promise.all(batches.map((batch) => scim.patch(`/Groups/${groupId}`, [{ op: 'add', path: 'members', value: batch.map((value) => ({ value })) }])));
      expect(patched.map((r) => r.status)).toEqual([200, 200]);
      const full = await scim.get(`/Groups/${groupId}`).expect(200);
      expect(full.body.members).toHaveLength(120);

      const rest = await t.http().get(`/api/v1/groups/${groupId}/members`).set('Cookie', org.admin.cookie).expect(200);
      expect(rest.body.results.map((m: { userUuid: string }) => m.userUuid).sort()).toEqual([...users].sort());
      const orgGroups = await t.http().get('/api/v1/org/groups').set('Cookie', org.admin.cookie).expect(200);
      expect(orgGroups.body.results.data ?? orgGroups.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ uuid: groupId, name: 'Analysts' })]));

      await scim
        .patch(`/Groups/${groupId}`, [
          { op: 'remove', path: `members[value eq "${users[0]}"]` },
          { op: 'remove', path: 'members', value: [{ value: users[1] }] },
          { op: 'replace', path: 'displayName', value: 'Analytics' },
        ])
        .expect(200);
      const after = await scim.get(`/Groups/${groupId}`).expect(200);
      expect(after.body.displayName).toBe('Analytics');
      expect(after.body.members).toHaveLength(118);
      const byName = await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "analytics"')}`).expect(200);
      expect(byName.body.Resources.map((g: { id: string }) => g.id)).toEqual([groupId]);

      // Entra ID's path-less replace, and a replace of the whole membership
      await scim.patch(`/Groups/${groupId}`, [{ op: 'Replace', value: { displayName: 'BI', members: [{ value: users[5] }] } }]).expect(200);
      const replaced = await scim.get(`/Groups/${groupId}`).expect(200);
      expect(replaced.body).toMatchObject({ displayName: 'BI', members: [{ value: users[5] }] });
      await scim.put(`/Groups/${groupId}`, { schemas: [SCIM_GROUP_SCHEMA], displayName: 'BI team' }).expect(200);
      expect((await scim.get(`/Groups/${groupId}`)).body.members).toHaveLength(1);

      const audit = await t.http().get('/api/v1/org/audit-logs?action=group.').set('Cookie', org.admin.cookie).expect(200);
      expect(audit.body.results.data.some((entry: { details: { scimTokenUuid?: string } }) => entry.details.scimTokenUuid)).toBe(true);

      await scim.delete(`/Groups/${groupId}`).expect(204);
      expectScimError(await scim.get(`/Groups/${groupId}`), 404, 'noTarget');
      await t.http().get(`/api/v1/groups/${groupId}`).set('Cookie', org.admin.cookie).expect(404);
    });

    it('refuses a taken name (409 uniqueness) and members who are not in the organization (400), changing nothing', async () => {
      const { scim } = await orgWithScim();
      await scim.post('/Groups', { displayName: 'Ops' }).expect(201);
      expectScimError(await scim.post('/Groups', { displayName: 'OPS' }), 409, 'uniqueness');
      const outsider = await orgWithScim();
      const stranger = await provisionUser(outsider.scim);
      expectScimError(await scim.post('/Groups', { displayName: 'Mixed', members: [{ value: stranger.id }] }), 400, 'invalidValue');
      expectScimError(await scim.post('/Groups', { displayName: 'Bad', members: [{ value: 'nope' }] }), 400, 'invalidValue');
      expectScimError(await scim.post('/Groups', { members: [] }), 400, 'invalidValue');
      const list = await scim.get('/Groups').expect(200);
      expect(list.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Ops']);
    });
  });

  describe('tenant isolation', () => {
    it("a token of organization B cannot see or change organization A's users and groups (404)", async () => {
      const a = await orgWithScim();
      const b = await orgWithScim();
      const user = await provisionUser(a.scim);
      const group = await a.scim.post('/Groups', { displayName: 'Secret', members: [{ value: user.id }] }).expect(201);
      for (const path of [`/Users/${user.id}`, `/Users/${a.org.admin.userUuid}`, `/Groups/${group.body.id}`]) {
        expectScimError(await b.scim.get(path), 404, 'noTarget');
        expectScimError(await b.scim.patch(path, [{ op: 'replace', path: 'active', value: false }]), 404, 'noTarget');
        expectScimError(await b.scim.delete(path), 404, 'noTarget');
      }
      expectScimError(await b.scim.put(`/Users/${user.id}`, { userName: user.email, active: false }), 404, 'noTarget');
      expectScimError(await b.scim.put(`/Groups/${group.body.id}`, { displayName: 'Mine' }), 404, 'noTarget');
      const filtered = await b.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${user.email}"`)}`).expect(200);
      expect(filtered.body.totalResults).toBe(0);
      const groups = await b.scim.get('/Groups').expect(200);
      expect(groups.body.totalResults).toBe(0);
      // untouched in A
      expect((await a.scim.get(`/Users/${user.id}`)).body.active).toBe(true);
      expect((await a.scim.get(`/Groups/${group.body.id}`)).body.displayName).toBe('Secret');
    });
  });

  describe('roles extension', () => {
    it('sets project roles from roles, removes unlisted ones, and accepts Okta no-role', async () => {
      const { org, scim } = await orgWithScim();
      const [p1, p2] = [await createProject(t, org.admin, 'Sales'), await createProject(t, org.admin, 'Ops')];
      const { id, email } = await provisionUser(scim, { roles: [{ value: 'viewer' }, { value: `${p1}:developer` }, { value: `${p2}:no-role` }] });
      const user = await scim.get(`/Users/${id}`).expect(200);
      expect(user.body.roles).toEqual([
        { value: 'viewer', display: 'Viewer', type: 'Organization', primary: true },
        { value: `${p1}:developer`, display: 'Sales - Developer', type: 'Project - Sales', primary: false },
      ]);
      const access = await t.http().get(`/api/v1/projects/${p1}/access`).set('Cookie', org.admin.cookie).expect(200);
      expect(access.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'developer' })]));
      await scim.put(`/Users/${id}`, { userName: email, roles: [{ value: 'viewer' }, { value: `${p2}:editor` }] }).expect(200);
      const moved = await scim.get(`/Users/${id}`).expect(200);
      expect(moved.body.roles.map((r: { value: string }) => r.value)).toEqual(['viewer', `${p2}:editor`]);
      const other = await createOrganization(t);
      const foreign = await createProject(t, other.admin);
      expectScimError(await scim.put(`/Users/${id}`, { userName: email, roles: [{ value: 'viewer' }, { value: `${foreign}:editor` }] }), 400, 'invalidValue');
      expectScimError(await scim.put(`/Users/${id}`, { userName: email, roles: [{ value: 'viewer' }, { value: 'editor' }] }), 400, 'invalidValue');
      expect((await scim.get(`/Users/${id}`)).body.roles.map((r: { value: string }) => r.value)).toEqual(['viewer', `${p2}:editor`]);
    });
  });
});
