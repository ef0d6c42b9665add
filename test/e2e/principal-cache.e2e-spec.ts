import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PrincipalLookupService } from '../../src/auth/principal-lookup.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createToken } from '../support/users.js';

/**
 * Routes guarded by a project or space permission may use a recently resolved principal instead of
 * looking the credential up again; their access statement re-checks it. These tests change the
 * credential or the user behind the server's back (in SQL, as another replica would) and expect
 * the very next request to notice.
 */
describe('cached principals are re-validated by the access check', () => {
  let t: TestApp;
  let lookups: { calls: unknown[] };
  beforeAll(async () => {
    t = await createTestApp();
    const lookup = t.app.get(PrincipalLookupService);
    lookups = jest.spyOn(lookup, 'byPersonalAccessTokenDigest').mock;
    jest.spyOn(lookup, 'bySessionDigest');
  });
  afterAll(async () => t.close());

  const sql = () => t.app.get(DataSource);
  const project = (projectUuid: string) => `/api/v1/projects/${projectUuid}`;

  async function setUp() {
    const org = await createOrganization(t);
    const projectUuid = await createProject(t, org.admin);
    const member = await addMember(t, org, 'member');
    await grantProjectRole(t, org.admin, projectUuid, member, 'viewer');
    const { token, uuid } = await createToken(t, member, 'cache test');
    const get = () => t.http().get(project(projectUuid)).set('Authorization', `ApiKey ${token}`);
    await get().expect(200); // fills the cache
    return { org, projectUuid, member, token, uuid, get };
  }

  it('serves a second request on a project route without looking the token up again', async () => {
    const { get } = await setUp();
    const before = lookups.calls.length;
    await get().expect(200);
    await get().expect(200);
    expect(lookups.calls.length).toBe(before);
  });

  it('refuses a token deleted elsewhere on its next request (401), cache or not', async () => {
    const { get, uuid } = await setUp();
    await sql().query('DELETE FROM personal_access_tokens WHERE personal_access_token_uuid = $1', [uuid]);
    const res = await get().expect(401);
    expect(res.body.error).toMatchObject({ name: 'AuthorizationError', message: 'Personal access token is not recognised' });
  });

  it('refuses a token that expired or was rotated since it was cached', async () => {
    const expired = await setUp();
    await sql().query(`UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE personal_access_token_uuid = $1`, [expired.uuid]);
    await expired.get().expect(401);

    const rotated = await setUp();
    await sql().query(`UPDATE personal_access_tokens SET token_hash = sha256(gen_random_uuid()::text::bytea) WHERE personal_access_token_uuid = $1`, [rotated.uuid]);
    await rotated.get().expect(401);
  });

  it('refuses a deactivated user and notices removal from the organization', async () => {
    const deactivated = await setUp();
    await sql().query('UPDATE users SET is_active = false WHERE user_uuid = $1', [deactivated.member.userUuid]);
    await deactivated.get().expect(401);

    const removed = await setUp();
    await t.http().delete(`/api/v1/org/user/${removed.member.userUuid}`).set('Cookie', removed.org.admin.cookie).expect(200);
    // the cached principal still names the organization; the fresh one has none: the project is not theirs
    await removed.get().expect(404);
  });

  it('uses the fresh organization role after a change, and caches the fresh principal', async () => {
    const { org, projectUuid, member, token } = await setUp();
    const manageAccess = () => t.http().get(`${project(projectUuid)}/access`).set('Authorization', `ApiKey ${token}`);
    await manageAccess().expect(403);
    await t.http().patch(`/api/v1/org/users/${member.userUuid}`).set('Cookie', org.admin.cookie).send({ role: 'admin' }).expect(200);
    await manageAccess().expect(200);
    const before = lookups.calls.length;
    await manageAccess().expect(200);
    expect(lookups.calls.length).toBe(before);
  });

  it('refuses a session that was logged out', async () => {
    const { org, projectUuid } = await setUp();
    const get = () => t.http().get(project(projectUuid)).set('Cookie', org.admin.cookie);
    await get().expect(200);
    await sql().query('DELETE FROM sessions WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)', [org.admin.userUuid]);
    await get().expect(401);
  });

  it('still looks the credential up on routes whose check does not re-validate it', async () => {
    const { get, token, uuid } = await setUp();
    await get().expect(200);
    const before = lookups.calls.length;
    await t.http().get('/api/v1/user').set('Authorization', `ApiKey ${token}`).expect(200);
    expect(lookups.calls.length).toBe(before + 1);
    await sql().query('DELETE FROM personal_access_tokens WHERE personal_access_token_uuid = $1', [uuid]);
    await t.http().get('/api/v1/user').set('Authorization', `ApiKey ${token}`).expect(401);
  });
});
