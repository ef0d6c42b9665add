import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization } from '../support/organizations.js';
import { registerUser, sessionCookie, uniqueEmail } from '../support/users.js';

describe('registration, login, sessions and your own account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  describe('POST /api/v1/user (open sign-up)', () => {
    it('creates the user, logs them in, and returns the LightdashUser shape without secrets, organization fields null', async () => {
      const email = uniqueEmail('ada');
      const res = await t.http().post('/api/v1/user').send({ firstName: ' Ada ', lastName: 'Lovelace', email, password: 'analytical1' }).expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        results: {
          userUuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          userId: null,
          email,
          firstName: 'Ada',
          lastName: 'Lovelace',
          organizationUuid: null,
          organizationName: null,
          organizationCreatedAt: null,
          role: null,
          roleUuid: null,
          isTrackingAnonymized: false,
          isMarketingOptedIn: false,
          isSetupComplete: false,
          isActive: true,
          isPending: false,
          avatarUrl: null,
          avatarGradient: null,
          timezone: null,
          // as Lightdash: the user's createdAt is their organization membership's, null before one
          createdAt: null,
          updatedAt: expect.any(String),
          // Lightdash's CASL ability as JSON (src/users/ability-rules.ts): no rules before an organization
          ability: { h: false, l: {}, p: {}, $: 'manage', A: 'all', M: [], m: false },
          abilityRules: [],
        },
      });
      expect(res.text).not.toContain('analytical1');
      expect(res.text).not.toMatch(/password|hash/i);
      const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('connect.sid='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\//);
      const me = await t.http().get('/api/v1/user').set('Cookie', sessionCookie(res.headers['set-cookie'])).expect(200);
      expect(me.body.results.userUuid).toBe(res.body.results.userUuid);
      expect(me.body.results).toMatchObject({ organizationUuid: null, role: null, abilityRules: [], id: res.body.results.userUuid, type: 'registered', impersonation: null });
      expect(me.body.results.requestContext).toEqual({ ip: expect.any(String), userAgent: expect.any(String) });
    });

    it("answers an invitee's organization rules at activation, in abilityRules and as the ability's rules, and nothing else", async () => {
      const org = await createOrganization(t);
      const email = uniqueEmail('invitee');
      const invite = await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email, role: 'editor' }).expect(201);
      const res = await t.http().post('/api/v1/user').send({ inviteCode: invite.body.results.inviteCode, firstName: 'Ed', lastName: 'Itor', password: 'secret-pass1' }).expect(200);
      const { ability, abilityRules, userUuid } = res.body.results;
      expect(abilityRules).toContainEqual({ action: 'manage', subject: 'Tags', conditions: { organizationUuid: org.organizationUuid } });
      expect(abilityRules).not.toContainEqual(expect.objectContaining({ subject: 'InviteLink' }));
      expect(ability).toEqual({ h: false, l: {}, p: {}, $: 'manage', A: 'all', M: abilityRules, m: false });
      // only the user's own organization and user uuids appear in it
      const uuids = JSON.stringify(ability).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
      expect(new Set(uuids)).toEqual(new Set([org.organizationUuid, userUuid]));
      expect(res.text).not.toContain('secret-pass1');
      expect(res.text).not.toContain(invite.body.results.inviteCode);
    });

    it('stores the password hashed with scrypt and the session token hashed', async () => {
      const user = await registerUser(t);
      const ds = t.app.get(DataSource);
      const [row] = await ds.query('SELECT password_hash FROM users WHERE user_uuid = $1', [user.userUuid]);
      expect(row.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
      expect(row.password_hash).not.toContain(user.password);
      const token = user.cookie.split('=')[1];
      const sessions = await ds.query(
        'SELECT encode(token_hash, $2) AS h FROM sessions s JOIN users u USING (user_id) WHERE u.user_uuid = $1',
        [user.userUuid, 'hex'],
      );
      expect(sessions).toHaveLength(1);
      expect(sessions[0].h).not.toContain(Buffer.from(token).toString('hex'));
    });

    it('refuses a duplicate email whatever its case with 409, as Lightdash, and changes nothing', async () => {
      const user = await registerUser(t);
      const res = await t.http().post('/api/v1/user').send({ firstName: 'X', lastName: 'Y', email: user.email.toUpperCase(), password: 'password2' }).expect(409);
      expect(res.body.error).toEqual({ statusCode: 409, name: 'AlreadyExistsError', message: 'Email already in use', data: {} });
      const [{ count }] = await t.app.get(DataSource).query('SELECT count(*)::int AS count FROM users WHERE lower(email) = lower($1)', [user.email]);
      expect(count).toBe(1);
    });

    it.each([['short1'], ['onlyletters'], ['12345678'], ['']])('refuses the weak password %j with 400', async (password) => {
      const email = uniqueEmail();
      const res = await t.http().post('/api/v1/user').send({ firstName: 'A', lastName: 'B', email, password }).expect(400);
      expect(res.body.error.message).toBe('Password must contain at least 8 characters, 1 letter and 1 number or 1 special character');
      const [{ count }] = await t.app.get(DataSource).query('SELECT count(*)::int AS count FROM users WHERE email = $1', [email]);
      expect(count).toBe(0);
    });

    it('accepts a password with a letter and a symbol', async () => {
      await registerUser(t, { password: 'password!' });
    });

    it('answers 422 with a field map for missing and wrongly typed fields, and drops unknown ones', async () => {
      const missing = await t.http().post('/api/v1/user').send({ email: uniqueEmail() }).expect(422);
      expect(missing.body.error.name).toBe('ValidateError');
      expect(Object.keys(missing.body.error.data).sort()).toEqual(['body.firstName', 'body.lastName', 'body.password']);
      const extra = await t.http().post('/api/v1/user').send({ firstName: 'A', lastName: 'B', email: uniqueEmail(), password: 'password1', isAdmin: true }).expect(200);
      expect(extra.body.results).not.toHaveProperty('isAdmin');
      const wrong = await t.http().post('/api/v1/user').send({ firstName: 1, lastName: 'B', email: 'not-an-email', password: 'password1' }).expect(422);
      expect(Object.keys(wrong.body.error.data).sort()).toEqual(['body.email', 'body.firstName']);
    });
  });

  describe('POST /api/v1/login and GET /api/v1/logout', () => {
    it('logs in with any case of the email and returns the user with a new session cookie', async () => {
      const user = await registerUser(t);
      const res = await t.http().post('/api/v1/login').send({ email: user.email.toUpperCase(), password: user.password }).expect(200);
      expect(res.body.results.userUuid).toBe(user.userUuid);
      const cookie = sessionCookie(res.headers['set-cookie']);
      expect(cookie).not.toBe(user.cookie);
      await t.http().get('/api/v1/user').set('Cookie', cookie).expect(200);
    });

    it('answers a wrong password and an unknown email identically', async () => {
      const user = await registerUser(t);
      const wrong = await t.http().post('/api/v1/login').send({ email: user.email, password: 'wrong-password1' }).expect(401);
      const unknown = await t.http().post('/api/v1/login').send({ email: uniqueEmail(), password: 'wrong-password1' }).expect(401);
      const expected = { status: 'error', error: { statusCode: 401, name: 'AuthorizationError', message: 'Email and password not recognized', data: {} } };
      expect(wrong.body).toEqual(expected);
      expect(unknown.body).toEqual(expected);
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('answers 422 for a login body with missing fields, and drops unknown ones', async () => {
      await t.http().post('/api/v1/login').send({ email: 'a@example.com' }).expect(422);
      await t.http().post('/api/v1/login').send({ email: 'a@example.com', password: 'x', remember: true }).expect(401);
    });

    it('logout ends only that session, and the cookie stops working', async () => {
      const user = await registerUser(t);
      const second = sessionCookie((await t.http().post('/api/v1/login').send({ email: user.email, password: user.password }).expect(200)).headers['set-cookie']);
      const out = await t.http().get('/api/v1/logout').set('Cookie', user.cookie).expect(200);
      expect(out.body).toEqual({ status: 'ok' });
      expect([out.headers['set-cookie']].flat().join()).toMatch(/connect\.sid=;/);
      await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(401);
      await t.http().get('/api/v1/user').set('Cookie', second).expect(200);
    });

    it('refuses an expired session with 401', async () => {
      const user = await registerUser(t);
      await t.app.get(DataSource).query(
        `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`,
        [user.userUuid],
      );
      const res = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(401);
      expect(res.body.error.name).toBe('AuthorizationError');
    });

    it('slides the expiry of a session in use and sends the cookie again', async () => {
      const user = await registerUser(t);
      const ds = t.app.get(DataSource);
      const where = `user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`;
      await ds.query(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '1 hour' WHERE ${where}`, [user.userUuid]);
      const res = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200);
      expect(sessionCookie(res.headers['set-cookie'])).toBe(user.cookie);
      const [row] = await ds.query(`SELECT expires_at > now() + interval '23 hours' AS extended FROM sessions WHERE ${where}`, [user.userUuid]);
      expect(row.extended).toBe(true);
      const again = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200);
      expect(again.headers['set-cookie']).toBeUndefined(); // no write within the minute
    });

    it('refuses garbage credentials with 401', async () => {
      await t.http().get('/api/v1/user').set('Cookie', 'connect.sid=nope').expect(401);
      const token = await t.http().get('/api/v1/user').set('Authorization', 'ApiKey ldpat_00000000000000000000000000000000').expect(401);
      expect(token.body.error.message).toBe('Personal access token is not recognised');
      const scheme = await t.http().get('/api/v1/user').set('Authorization', 'Basic abc').expect(401);
      expect(scheme.body.error.name).toBe('AuthorizationError');
    });

    it('health reports whether the caller is authenticated, and ignores bad credentials', async () => {
      const user = await registerUser(t);
      const withSession = await t.http().get('/api/v1/health').set('Cookie', user.cookie).expect(200);
      expect(withSession.body.results.isAuthenticated).toBe(true);
      const withBadToken = await t.http().get('/api/v1/health').set('Authorization', 'ApiKey nope').expect(200);
      expect(withBadToken.body.results.isAuthenticated).toBe(false);
    });
  });

  describe('GET /api/v1/user/login-options', () => {
    it('offers email login whatever the email, without revealing accounts', async () => {
      const user = await registerUser(t);
      const known = await t.http().get(`/api/v1/user/login-options?email=${encodeURIComponent(user.email)}`).expect(200);
      const unknown = await t.http().get(`/api/v1/user/login-options?email=${uniqueEmail()}`).expect(200);
      expect(known.body).toEqual({ status: 'ok', results: { showOptions: ['email'], forceRedirect: false } });
      expect(unknown.body).toEqual(known.body);
    });
  });

  describe('PATCH /api/v1/user/me', () => {
    it('updates names and preferences, trimming names', async () => {
      const user = await registerUser(t);
      const res = await t.http().patch('/api/v1/user/me').set('Cookie', user.cookie).send({ firstName: ' Grace ', isMarketingOptedIn: true }).expect(200);
      expect(res.body.results).toMatchObject({ firstName: 'Grace', lastName: 'User', isMarketingOptedIn: true });
      const me = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200);
      expect(me.body.results.firstName).toBe('Grace');
    });

    it('refuses empty names with 422 and drops email changes and unknown fields, changing nothing else', async () => {
      const user = await registerUser(t);
      await t.http().patch('/api/v1/user/me').set('Cookie', user.cookie).send({ firstName: '   ' }).expect(422);
      await t.http().patch('/api/v1/user/me').set('Cookie', user.cookie).send({ email: 'other@example.com' }).expect(200);
      await t.http().patch('/api/v1/user/me').set('Cookie', user.cookie).send({ firstName: 'Changed', isActive: false }).expect(200);
      const me = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200);
      expect(me.body.results).toMatchObject({ firstName: 'Changed', email: user.email, isActive: true });
    });

    it('needs authentication', async () => {
      await t.http().patch('/api/v1/user/me').send({ firstName: 'X' }).expect(401);
    });
  });

  describe('DELETE /api/v1/user/me', () => {
    it('deletes the caller, their sessions and their login', async () => {
      const user = await registerUser(t);
      const other = sessionCookie((await t.http().post('/api/v1/login').send({ email: user.email, password: user.password })).headers['set-cookie']);
      const res = await t.http().delete('/api/v1/user/me').set('Cookie', user.cookie).expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(401);
      await t.http().get('/api/v1/user').set('Cookie', other).expect(401);
      await t.http().post('/api/v1/login').send({ email: user.email, password: user.password }).expect(401);
    });
  });
});

describe('session-only routes refuse personal access tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers 401 to a token on every session-only route, and 200 to the same token elsewhere', async () => {
    const user = await registerUser(t);
    const created = await t.http().post('/api/v1/user/me/personal-access-tokens').set('Cookie', user.cookie)
      .send({ description: 'script', expiresAt: null, autoGenerated: false }).expect(200);
    const auth = `ApiKey ${created.body.results.token}`;
    await t.http().get('/api/v1/user').set('Authorization', auth).expect(200);
    const refusals = [
      t.http().put('/api/v1/user/me/email/otp').set('Authorization', auth),
      t.http().get('/api/v1/user/me/email/status').set('Authorization', auth),
      t.http().post('/api/v1/user/me/personal-access-tokens').set('Authorization', auth).send({ description: 'x', expiresAt: null, autoGenerated: false }),
      t.http().delete(`/api/v1/user/me/personal-access-tokens/${created.body.results.uuid}`).set('Authorization', auth),
      t.http().delete('/api/v1/user/me').set('Authorization', auth),
    ];
    for (const res of await Promise.all(refusals)) {
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('This action needs a logged-in session; personal access tokens are not accepted');
    }
    await t.http().get('/api/v1/user').set('Authorization', auth).expect(200);
  });
});
