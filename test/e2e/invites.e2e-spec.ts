import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { registerUser, sessionCookie, uniqueEmail } from '../support/users.js';

const DAY = 24 * 3600 * 1000;

describe('invites and joining with an invite code', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const invite = (cookie: string, body: Record<string, unknown>) => t.http().post('/api/v1/invite-links').set('Cookie', cookie).send(body);
  const activate = (inviteCode: string, extra: Record<string, unknown> = {}) =>
    t.http().post('/api/v1/user').send({ inviteCode, firstName: 'Grace', lastName: 'Hopper', password: 'compiler1', ...extra });

  it('creates an invite (201) bound to an email, with a role and a 3-day default expiry', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail('grace');
    const before = Date.now();
    const res = await invite(org.admin.cookie, { email, role: 'editor' }).expect(201);
    expect(res.body.results).toEqual({
      inviteCode: expect.stringMatching(/^[\w-]{32}$/),
      inviteUrl: `http://localhost:8080/invite/${res.body.results.inviteCode}`,
      email,
      role: 'editor',
      expiresAt: expect.any(String),
      organizationUuid: org.organizationUuid,
      userUuid: expect.any(String),
    });
    const expiresIn = new Date(res.body.results.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(3 * DAY - 60_000);
    expect(expiresIn).toBeLessThan(3 * DAY + 60_000);
    const check = await t.http().get(`/api/v1/invite-links/${res.body.results.inviteCode}`).expect(200);
    expect(check.body.results).toEqual({ inviteCode: res.body.results.inviteCode, email, expiresAt: res.body.results.expiresAt, organizationName: 'Test Org' });
  });

  it('activates the invitee with the invited role, a verified email and a session; the code is single use', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail('grace');
    const code = (await invite(org.admin.cookie, { email, role: 'developer' }).expect(201)).body.results.inviteCode;
    const res = await activate(code).expect(200);
    expect(res.body.results).toMatchObject({ email, firstName: 'Grace', role: 'developer', organizationUuid: org.organizationUuid, isEmailVerified: true, isPending: false });
    const cookie = sessionCookie(res.headers['set-cookie']);
    await t.http().get('/api/v1/org').set('Cookie', cookie).expect(200);
    await t.http().post('/api/v1/login').send({ email, password: 'compiler1' }).expect(200);
    const again = await activate(code).expect(404);
    expect(again.body.error).toMatchObject({ name: 'NotFoundError', message: 'Invite link not found' });
    await t.http().get(`/api/v1/invite-links/${code}`).expect(404);
  });

  it('refuses an expired code with 406, on the check and on registration', async () => {
    const org = await createOrganization(t);
    const res = await invite(org.admin.cookie, { email: uniqueEmail() }).expect(201);
    await t.app.get(DataSource).query(`UPDATE invite_links SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)`, [res.body.results.userUuid]);
    const check = await t.http().get(`/api/v1/invite-links/${res.body.results.inviteCode}`).expect(406);
    expect(check.body.error).toMatchObject({ name: 'ExpiredError', message: 'Invite link expired' });
    await activate(res.body.results.inviteCode).expect(406);
  });

  it('refuses an unknown code, a mismatched email and a weak password, changing nothing', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail();
    const code = (await invite(org.admin.cookie, { email }).expect(201)).body.results.inviteCode;
    await activate('no-such-code').expect(404);
    const mismatch = await activate(code, { email: uniqueEmail('someone-else') }).expect(401);
    expect(mismatch.body.error.message).toMatch(/does not match the invited email/);
    await activate(code, { password: 'weak' }).expect(400);
    await activate(code, { inviteCode: '' }).expect(422);
    await activate(code, { email: email.toUpperCase() }).expect(200); // the invited email, any case
  });

  it('replaces the previous invite when the same email is invited again', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail();
    const first = (await invite(org.admin.cookie, { email, role: 'viewer' }).expect(201)).body.results;
    const second = (await invite(org.admin.cookie, { email: email.toUpperCase(), role: 'editor' }).expect(201)).body.results;
    expect(second.userUuid).toBe(first.userUuid);
    await t.http().get(`/api/v1/invite-links/${first.inviteCode}`).expect(404);
    expect((await activate(second.inviteCode).expect(200)).body.results.role).toBe('editor');
  });

  it('validates expiry: in the future and at most 30 days', async () => {
    const org = await createOrganization(t);
    await invite(org.admin.cookie, { email: uniqueEmail(), expiresAt: new Date(Date.now() - 1000).toISOString() }).expect(400);
    const tooLong = await invite(org.admin.cookie, { email: uniqueEmail(), expiresAt: new Date(Date.now() + 31 * DAY).toISOString() }).expect(400);
    expect(tooLong.body.error.message).toBe('Invites can be valid for at most 30 days');
    await invite(org.admin.cookie, { email: uniqueEmail(), expiresAt: new Date(Date.now() + 29 * DAY).toISOString() }).expect(201);
    await invite(org.admin.cookie, { email: uniqueEmail(), expiresAt: 'tomorrow' }).expect(422);
    await invite(org.admin.cookie, { email: 'not-an-email' }).expect(422);
    await invite(org.admin.cookie, { email: uniqueEmail(), role: 'owner' }).expect(422);
    // an unknown field is dropped: the invite gets the default role
    const dropped = await invite(org.admin.cookie, { email: uniqueEmail(), admin: true }).expect(201);
    expect(dropped.body.results).not.toHaveProperty('admin');
    expect(dropped.body.results.role).not.toBe('admin');
  });

  it('refuses to invite existing members (409) and users of other organizations (400)', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const member = await invite(p.admin.cookie, { email: p.viewer.email.toUpperCase() }).expect(409);
    expect(member.body.error.name).toBe('AlreadyExistsError');
    await invite(p.admin.cookie, { email: other.admin.email }).expect(400);
    const orgless = await registerUser(t);
    await invite(p.admin.cookie, { email: orgless.email }).expect(400);
  });

  it('lets only admins invite or revoke', async () => {
    const p = await createPersonas(t);
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      await invite(p[role].cookie, { email: uniqueEmail(), role: 'viewer' }).expect(403);
      await t.http().delete('/api/v1/invite-links').set('Cookie', p[role].cookie).expect(403);
    }
    await invite('', { email: uniqueEmail() }).expect(401);
    const members = (await t.http().get('/api/v1/org/users').set('Cookie', p.admin.cookie)).body.results.data;
    expect(members).toHaveLength(6);
  });

  it('revokes every pending invite of the organization, and only of it', async () => {
    const org = await createOrganization(t);
    const other = await createOrganization(t);
    const mine = (await invite(org.admin.cookie, { email: uniqueEmail() }).expect(201)).body.results;
    const theirs = (await invite(other.admin.cookie, { email: uniqueEmail() }).expect(201)).body.results;
    await t.http().delete('/api/v1/invite-links').set('Cookie', org.admin.cookie).expect(200);
    await t.http().get(`/api/v1/invite-links/${mine.inviteCode}`).expect(404);
    await t.http().get(`/api/v1/invite-links/${theirs.inviteCode}`).expect(200);
    const pending = (await t.http().get(`/api/v1/org/users/${mine.userUuid}`).set('Cookie', org.admin.cookie).expect(200)).body.results;
    expect(pending).toMatchObject({ isPending: true, isInviteExpired: true });
  });

  it('keeps a pending invitee from logging in or signing up over the invite', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail();
    await invite(org.admin.cookie, { email }).expect(201);
    await t.http().post('/api/v1/login').send({ email, password: 'anything1' }).expect(401);
    const signup = await t.http().post('/api/v1/user').send({ firstName: 'A', lastName: 'B', email, password: 'password1' }).expect(400);
    expect(signup.body.error.message).toBe('Email already in use');
  });
});
