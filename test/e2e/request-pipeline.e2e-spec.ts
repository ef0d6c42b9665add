import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PrincipalLookupService } from '../../src/auth/principal-lookup.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createToken } from '../support/users.js';

/**
 * The request pipeline's authentication step (docs/development.md#the-request-pipeline): which
 * credential wins when a request sends two, how malformed ones are refused, and that a principal
 * resolved before the body is read is not looked up again by the guard.
 */
describe('request pipeline: credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const me = () => t.http().get('/api/v1/user');

  it('lets a live session win over a token of another user, and falls back to the token when the session is not live', async () => {
    const org = await createOrganization(t);
    const member = await addMember(t, org, 'viewer');
    const { token } = await createToken(t, member);
    const both = await me().set('Cookie', org.admin.cookie).set('Authorization', `ApiKey ${token}`).expect(200);
    expect(both.body.results.userUuid).toBe(org.admin.userUuid);
    const deadCookie = await me().set('Cookie', 'connect.sid=not-a-live-session').set('Authorization', `Bearer ${token}`).expect(200);
    expect(deadCookie.body.results.userUuid).toBe(member.userUuid);
  });

  it('refuses a dead session without a token, an unsupported scheme, and an over-long token with 401', async () => {
    const dead = await me().set('Cookie', 'connect.sid=not-a-live-session').expect(401);
    expect(dead.body.error).toMatchObject({ name: 'AuthorizationError', message: 'Failed to authorize user' });
    const scheme = await me().set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    expect(scheme.body.error.message).toMatch(/^Unsupported authorization scheme/);
    const long = await me().set('Authorization', `ApiKey ${'x'.repeat(129)}`).expect(401);
    expect(long.body.error.message).toBe('Personal access token is not recognised');
  });

  it('recognises a caller on a public route without refusing a bad credential', async () => {
    const org = await createOrganization(t);
    const known = await t.http().get('/api/v1/health').set('Cookie', org.admin.cookie).expect(200);
    expect(known.body.results.isAuthenticated).toBe(true);
    const unknown = await t.http().get('/api/v1/health').set('Authorization', 'ApiKey not-a-token').expect(200);
    expect(unknown.body.results.isAuthenticated).toBe(false);
  });

  it('looks the caller of an explores upload up once: the guard reuses the principal checked before the body', async () => {
    const org = await createOrganization(t);
    const projectUuid = await createProject(t, org.admin);
    const { token } = await createToken(t, org.admin);
    const lookup = t.app.get(PrincipalLookupService);
    const spy = jest.spyOn(lookup, 'byPersonalAccessTokenDigest');
    try {
      await t.http().put(`/api/v1/projects/${projectUuid}/explores`).set('Authorization', `ApiKey ${token}`).send([]).expect(200);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
