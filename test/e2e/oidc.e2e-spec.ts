import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { sha256 } from '../../src/auth/tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { HttpAgent, providerLogin, signInAtProvider, startProvider, type TestAccount, type TestProvider } from '../support/oidc.js';
import { createOrganization } from '../support/organizations.js';
import { closedPort } from '../support/tcp-listeners.js';
import { registerUser } from '../support/users.js';

/** OpenID Connect sign-in against a real provider (oidc-provider), through real redirects over HTTP. */
describe('OpenID Connect sign-in', () => {
  let provider: TestProvider;
  let secretApp: TestApp & { siteUrl: string };
  let keyApp: TestApp & { siteUrl: string };
  let plainApp: TestApp;

  async function listeningApp(port: number, env: Record<string, string>): Promise<TestApp & { siteUrl: string }> {
    const siteUrl = `http://127.0.0.1:${port}`;
    const app = await createTestApp({ env: { SITE_URL: siteUrl, ...env } });
    await app.app.listen(port, '127.0.0.1');
    return { ...app, siteUrl };
  }

  beforeAll(async () => {
    const [secretPort, keyPort] = [await closedPort(), await closedPort()];
    provider = await startProvider([`http://127.0.0.1:${secretPort}`, `http://127.0.0.1:${keyPort}`]);
    secretApp = await listeningApp(secretPort, {
      AUTH_OIDC_CLIENT_ID: provider.secretClient.clientId,
      AUTH_OIDC_CLIENT_SECRET: provider.secretClient.clientSecret,
      AUTH_OIDC_METADATA_DOCUMENT_URL: provider.metadataUrl,
      DISABLE_PASSWORD_AUTHENTICATION: 'true',
    });
    keyApp = await listeningApp(keyPort, {
      AUTH_OIDC_CLIENT_ID: provider.keyClient.clientId,
      AUTH_OIDC_METADATA_DOCUMENT_URL: provider.metadataUrl,
      AUTH_OIDC_AUTH_METHOD: 'private_key_jwt',
      AUTH_OIDC_PRIVATE_KEY: provider.keyClient.privateKeyPem,
    });
    plainApp = await createTestApp();
  }, 60_000);

  afterAll(async () => {
    await secretApp?.close();
    await keyApp?.close();
    await plainApp?.close();
    await provider?.close();
  });

  const sql = () => secretApp.app.get(DataSource);

  /** A new account at the provider: its login name (subject and claims) and its email. */
  function account(overrides: Partial<TestAccount> = {}, subject = `sso-${randomBytes(5).toString('hex')}`): string {
    return providerLogin(subject, { email: `${subject}@example.com`, ...overrides });
  }
  const emailOf = (login: string): string => JSON.parse(Buffer.from(login.slice(login.indexOf('.') + 1), 'base64url').toString()).email;

  /** Signs in as `login` at the provider and follows the callback; the agent then holds the app's session. */
  async function signIn(app: { siteUrl: string }, login: string, agent = new HttpAgent()) {
    const callback = await signInAtProvider(agent, app.siteUrl, login);
    const response = await agent.request(callback);
    return { agent, response, callback };
  }

  async function me(app: { siteUrl: string }, agent: HttpAgent) {
    const response = await fetch(`${app.siteUrl}/api/v1/user`, { headers: { cookie: agent.cookieHeader(app.siteUrl) } });
    return { status: response.status, body: (await response.json()) as { results: Record<string, unknown> } };
  }

  async function expectRefused(response: Response, agent: HttpAgent, app: { siteUrl: string }, message: RegExp) {
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { name: string; message: string } };
    expect(body.error.name).toBe('AuthorizationError');
    expect(body.error.message).toMatch(message);
    expect(agent.cookie(app.siteUrl, 'connect.sid')).toBeUndefined();
  }

  it('health and login options show the oidc sign-in when configured, as the reference does', async () => {
    const health = await secretApp.http().get('/api/v1/health').expect(200);
    expect(health.body.results.auth.oidc).toEqual({ enabled: true, loginPath: '/login/oidc' });
    expect(health.body.results.auth.disablePasswordAuthentication).toBe(true);
    const options = await secretApp.http().get('/api/v1/user/login-options').expect(200);
    expect(options.body.results).toEqual({ showOptions: ['oidc'], forceRedirect: false });

    const plain = await plainApp.http().get('/api/v1/health').expect(200);
    expect(plain.body.results.auth.oidc).toEqual({ enabled: false, loginPath: '/login/oidc' });
    expect((await plainApp.http().get('/api/v1/user/login-options').expect(200)).body.results.showOptions).toEqual(['email']);
    const off = await plainApp.http().get('/api/v1/login/oidc').expect(404);
    expect(off.body.error).toMatchObject({ name: 'NotFoundError', message: 'OpenID Connect sign-in is not configured on this server' });
  });

  it('DISABLE_PASSWORD_AUTHENTICATION turns password login off', async () => {
    const res = await secretApp.http().post('/api/v1/login').send({ email: 'nobody@example.com', password: 'password1' }).expect(401);
    expect(res.body.error.message).toBe('Password login is disabled on this server');
  });

  it('redirects to the provider with PKCE (S256), state and nonce, and keeps them on the server only', async () => {
    const agent = new HttpAgent();
    const start = await agent.request(`${secretApp.siteUrl}/api/v1/login/oidc`);
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.searchParams.get('redirect_uri')).toBe(`${secretApp.siteUrl}/api/v1/oauth/redirect/oidc`);
    expect(location.searchParams.get('scope')).toBe('openid profile email');
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('oidc_attempt='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/api\/v1\/oauth\/redirect\/oidc/);
    const handle = agent.cookie(secretApp.siteUrl, 'oidc_attempt')!;
    const [row] = await sql().query(`SELECT state, nonce FROM oidc_login_attempts WHERE attempt_hash = $1`, [sha256(handle)]);
    expect(row).toEqual({ state: location.searchParams.get('state'), nonce: location.searchParams.get('nonce') });
  });

  it('a first sign-in creates the user, joins the organization allowing the email domain, and starts a session', async () => {
    const org = await createOrganization(secretApp, 'SSO domain org');
    const domain = `sso-${randomBytes(4).toString('hex')}.test`;
    await secretApp.http().patch('/api/v1/org/allowedEmailDomains').set('Cookie', org.admin.cookie).send({ emailDomains: [domain], role: 'editor', projects: [] }).expect(200);
    const subject = `sso-${randomBytes(5).toString('hex')}`;
    const login = account({ givenName: 'Ada', familyName: 'Lovelace', email: `ada-${subject}@${domain}` }, subject);

    const { agent, response } = await signIn(secretApp, login);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${secretApp.siteUrl}/`);
    const first = await me(secretApp, agent);
    expect(first.status).toBe(200);
    expect(first.body.results).toMatchObject({
      email: `ada-${subject}@${domain}`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      organizationUuid: org.organizationUuid,
      role: 'editor',
    });
    const [identity] = await sql().query(`SELECT issuer, subject, issuer_type AS "issuerType" FROM openid_identities i JOIN users u USING (user_id) WHERE u.user_uuid = $1`, [
      first.body.results.userUuid,
    ]);
    expect(identity).toEqual({ issuer: provider.issuer, subject: login, issuerType: 'oidc' });

    // the next sign-in finds the same user through the linked identity, even once the email differs
    await sql().query(`UPDATE users SET email = $2 WHERE user_uuid = $1`, [first.body.results.userUuid, `renamed-${subject}@example.com`]);
    const again = await signIn(secretApp, login);
    expect((await me(secretApp, again.agent)).body.results.userUuid).toBe(first.body.results.userUuid);
  });

  it('matches an existing account by verified email and links the identity to it', async () => {
    const existing = await registerUser(keyApp);
    const login = account({ email: existing.email.toUpperCase() });
    const { agent } = await signIn(keyApp, login);
    expect((await me(keyApp, agent)).body.results.userUuid).toBe(existing.userUuid);
    // the password still works for that account on a server that allows it
    await keyApp.http().post('/api/v1/login').send({ email: existing.email, password: existing.password }).expect(200);
  });

  it('an email the provider did not verify is refused, and creates nothing', async () => {
    const login = account({ emailVerified: false });
    const { agent, response } = await signIn(secretApp, login);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/did not confirm your email address/);
    expect(agent.cookie(secretApp.siteUrl, 'connect.sid')).toBeUndefined();
    const [{ count }] = await sql().query(`SELECT count(*)::int AS count FROM users WHERE email = $1`, [emailOf(login)]);
    expect(count).toBe(0);
  });

  it('a pending invite becomes the account, with the invited organization and role; password login stays impossible', async () => {
    const org = await createOrganization(keyApp, 'SSO invite org');
    const login = account();
    const email = emailOf(login);
    await keyApp.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email, role: 'developer' }).expect(201);
    const { agent } = await signIn(keyApp, login);
    expect((await me(keyApp, agent)).body.results).toMatchObject({ email, organizationUuid: org.organizationUuid, role: 'developer' });
    const members = await keyApp.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200);
    const member = (members.body.results.data ?? members.body.results).find((m: { email: string }) => m.email === email);
    expect(member).toMatchObject({ isPending: false, role: 'developer' });
    const [{ invites }] = await sql().query(`SELECT count(*)::int AS invites FROM invite_links i JOIN users u USING (user_id) WHERE u.email = $1`, [email]);
    expect(invites).toBe(0);
    // the account has no password: password login refuses it like any wrong one
    const [{ passwordHash }] = await sql().query(`SELECT password_hash AS "passwordHash" FROM users WHERE user_uuid = $1`, [member.userUuid]);
    expect(passwordHash).toBeNull();
    for (const guess of ['', 'null', '!sso']) {
      const password = await keyApp.http().post('/api/v1/login').send({ email, password: guess }).expect((res) => expect([401, 422]).toContain(res.status));
      if (password.status === 401) expect(password.body.error.message).toBe('Email and password not recognized');
    }
  });

  it('a deactivated user cannot sign in, whether found by identity or by email', async () => {
    const login = account();
    const first = await signIn(secretApp, login);
    const { userUuid } = (await me(secretApp, first.agent)).body.results;
    await sql().query(`UPDATE users SET is_active = false WHERE user_uuid = $1`, [userUuid]);
    const byIdentity = await signIn(secretApp, login);
    expect(byIdentity.response.status).toBe(403);
    expect(((await byIdentity.response.json()) as { error: { message: string } }).error.message).toBe('This account is deactivated');

    const existing = await registerUser(secretApp);
    await sql().query(`UPDATE users SET is_active = false WHERE user_uuid = $1`, [existing.userUuid]);
    const byEmail = await signIn(secretApp, account({ email: existing.email }));
    expect(byEmail.response.status).toBe(403);
    expect(byEmail.agent.cookie(secretApp.siteUrl, 'connect.sid')).toBeUndefined();
    const [{ links }] = await sql().query(`SELECT count(*)::int AS links FROM openid_identities i JOIN users u USING (user_id) WHERE u.user_uuid = $1`, [existing.userUuid]);
    expect(links).toBe(0);
  });

  it('refuses a callback whose state was tampered with', async () => {
    const agent = new HttpAgent();
    const callback = new URL(await signInAtProvider(agent, secretApp.siteUrl, account()));
    callback.searchParams.set('state', callback.searchParams.get('state') + 'x');
    const response = await agent.request(callback.href);
    await expectRefused(response, agent, secretApp, /Sign-in with the identity provider failed/);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const agent = new HttpAgent();
    const callback = await signInAtProvider(agent, secretApp.siteUrl, account());
    await sql().query(`UPDATE oidc_login_attempts SET nonce = 'another-nonce' WHERE attempt_hash = $1`, [sha256(agent.cookie(secretApp.siteUrl, 'oidc_attempt')!)]);
    await expectRefused(await agent.request(callback), agent, secretApp, /Sign-in with the identity provider failed/);
  });

  it('refuses a code redeemed without the PKCE verifier of its sign-in', async () => {
    const agent = new HttpAgent();
    const callback = await signInAtProvider(agent, secretApp.siteUrl, account());
    await sql().query(`UPDATE oidc_login_attempts SET code_verifier = $2 WHERE attempt_hash = $1`, [
      sha256(agent.cookie(secretApp.siteUrl, 'oidc_attempt')!),
      randomBytes(32).toString('base64url'),
    ]);
    await expectRefused(await agent.request(callback), agent, secretApp, /Sign-in with the identity provider failed/);
  });

  it('refuses a replayed callback, and a callback taken to another browser', async () => {
    const { agent, response, callback } = await signIn(secretApp, account());
    expect(response.status).toBe(302);
    const handle = agent.cookie(secretApp.siteUrl, 'oidc_attempt');
    expect(handle).toBeUndefined();

    // the same browser replays the callback: the sign-in it belonged to is used up
    const replayer = new HttpAgent();
    const attempt = new HttpAgent();
    await attempt.request(`${secretApp.siteUrl}/api/v1/login/oidc`);
    // a browser with a sign-in of its own in flight receives someone else's callback (login CSRF): its state differs
    await expectRefused(await attempt.request(callback), attempt, secretApp, /Sign-in with the identity provider failed/);
    // a browser that started no sign-in here
    await expectRefused(await replayer.request(callback), replayer, secretApp, /Sign-in expired or was not started in this browser/);
  });

  it('refuses the original cookie sent twice', async () => {
    const agent = new HttpAgent();
    const callback = await signInAtProvider(agent, secretApp.siteUrl, account());
    const handle = agent.cookie(secretApp.siteUrl, 'oidc_attempt')!;
    expect((await agent.request(callback)).status).toBe(302);
    const replay = new HttpAgent();
    replay.setCookie(secretApp.siteUrl, 'oidc_attempt', handle);
    await expectRefused(await replay.request(callback), replay, secretApp, /Sign-in expired or was not started in this browser/);
  });

  it('a provider that cannot be reached answers 503, and the next sign-in tries again', async () => {
    const unreachable = await createTestApp({
      env: { AUTH_OIDC_CLIENT_ID: 'x', AUTH_OIDC_CLIENT_SECRET: 'y', AUTH_OIDC_METADATA_DOCUMENT_URL: `http://127.0.0.1:${await closedPort()}/.well-known/openid-configuration` },
    });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await unreachable.http().get('/api/v1/login/oidc').expect(503);
        expect(res.body.error).toMatchObject({ name: 'ServiceUnavailable', message: 'The identity provider cannot be reached, please retry later' });
      }
    } finally {
      await unreachable.close();
    }
  });

  it('both routes are public and rate-limited per client address like login (one budget for the two)', async () => {
    const doc = (await secretApp.http().get('/api/docs/openapi.json').expect(200)).body;
    expect(doc.paths['/api/v1/login/oidc'].get.responses['429']).toBeDefined();
    expect(doc.paths['/api/v1/oauth/redirect/oidc'].get.responses['429']).toBeDefined();

    const limited = await createTestApp({
      env: {
        TRUST_PROXY: 'loopback',
        AUTH_RATE_LIMIT_PER_IP: '3',
        AUTH_OIDC_CLIENT_ID: provider.secretClient.clientId,
        AUTH_OIDC_CLIENT_SECRET: provider.secretClient.clientSecret,
        AUTH_OIDC_METADATA_DOCUMENT_URL: provider.metadataUrl,
      },
    });
    const currentWindow = async (): Promise<string> => (await sql().query(`SELECT floor(extract(epoch FROM now()) / 60)::text AS w`))[0].w;
    const scenario = async () => {
      // an address of its own: the counters are shared with every test file using the same database
      const address = `10.${randomBytes(3).join('.')}`;
      for (let n = 0; n < 2; n++) await limited.http().get('/api/v1/login/oidc').set('X-Forwarded-For', address).expect(302);
      await limited.http().get('/api/v1/oauth/redirect/oidc?code=x&state=y').set('X-Forwarded-For', address).expect(401);
      const refused = await limited.http().get('/api/v1/login/oidc').set('X-Forwarded-For', address).expect(429);
      expect(refused.body.error.name).toBe('TooManyRequestsError');
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    };
    try {
      const started = await currentWindow();
      try {
        await scenario();
      } catch (error) {
        // a minute boundary split the counts: two runs of a second cannot both straddle one
        if ((await currentWindow()) === started) throw error;
        await scenario();
      }
    } finally {
      await limited.close();
    }
  });
});
