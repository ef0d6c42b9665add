import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/process.js';
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
      expiresAt: expect.any(String),
      organizationUuid: org.organizationUuid,
      userUuid: expect.any(String),
      purpose: 'member',
    });
    const expiresIn = new Date(res.body.results.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(3 * DAY - 60_000);
    expect(expiresIn).toBeLessThan(3 * DAY + 60_000);
    const check = await t.http().get(`/api/v1/invite-links/${res.body.results.inviteCode}`).expect(200);
    // the public check answers the invite as Lightdash does (the role stays private to the organization)
    expect(check.body.results).toEqual(res.body.results);
    const member = await t.http().get(`/api/v1/org/users/${res.body.results.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
    expect(member.body.results).toMatchObject({ role: 'editor', isPending: true });
  });

  it('activates the invitee with the invited role, a verified email and a session; the code is single use', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail('grace');
    const code = (await invite(org.admin.cookie, { email, role: 'developer' }).expect(201)).body.results.inviteCode;
    const res = await activate(code).expect(200);
    expect(res.body.results).toMatchObject({ email, firstName: 'Grace', role: 'developer', organizationUuid: org.organizationUuid, isPending: false });
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
    const droppedMember = await t.http().get(`/api/v1/org/users/${dropped.body.results.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
    expect(droppedMember.body.results.role).toBe('member');
  });

  it('refuses to invite an existing member of the organization (400, as Lightdash), whatever the email case', async () => {
    const p = await createPersonas(t);
    const member = await invite(p.admin.cookie, { email: p.viewer.email.toUpperCase() }).expect(400);
    expect(member.body.error).toMatchObject({ name: 'ParameterError', message: `${p.viewer.email.toUpperCase()} is already a member of this organization` });
  });

  describe('an email with an account or an invite in another organization', () => {
    const UUID = /^[0-9a-f-]{36}$/;
    /** An answer with what must differ between invitees (their email, uuid, code, dates) replaced by its kind. */
    const shape = (value: Record<string, unknown>, email: string) =>
      JSON.parse(
        JSON.stringify(value)
          .replaceAll(email, '<email>')
          .replace(/"(inviteCode|userUuid)":"[^"]+"/g, (_m, key: string) => `"${key}":"<${key}>"`)
          .replace(/\/invite\/[\w-]+/g, '/invite/<code>')
          .replace(/"(expiresAt|userCreatedAt|userUpdatedAt)":"[^"]+"/g, (_m, key: string) => `"${key}":"<date>"`),
      );

    it('is invited exactly like a new email: same answer, same pending member, same invite check', async () => {
      const org = await createOrganization(t);
      const other = await createOrganization(t);
      const orgless = await registerUser(t);
      const invitedElsewhere = uniqueEmail('elsewhere');
      await invite(other.admin.cookie, { email: invitedElsewhere }).expect(201);
      const emails = { fresh: uniqueEmail('fresh'), otherAdmin: other.admin.email, orgless: orgless.email, invitedElsewhere };

      const answers: Record<string, unknown>[] = [];
      for (const email of Object.values(emails)) {
        const res = await invite(org.admin.cookie, { email, role: 'editor' });
        expect(res.status).toBe(201);
        expect(res.body.results.userUuid).toMatch(UUID);
        const member = await t.http().get(`/api/v1/org/users/email/${encodeURIComponent(email)}`).set('Cookie', org.admin.cookie).expect(200);
        const byUuid = await t.http().get(`/api/v1/org/users/${res.body.results.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
        expect(byUuid.body).toEqual(member.body);
        const check = await t.http().get(`/api/v1/invite-links/${res.body.results.inviteCode}`).expect(200);
        answers.push({ invite: shape(res.body, email), member: shape(member.body, email), check: shape(check.body, email) });
      }
      for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
      expect(answers[0]).toMatchObject({ member: { results: { isPending: true, isInviteExpired: false, role: 'editor', firstName: '', lastName: '' } } });

      const list = (await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200)).body.results.data;
      const pending = list.filter((member: { isPending: boolean }) => member.isPending);
      expect(pending.map((member: { email: string }) => member.email).sort()).toEqual(Object.values(emails).sort());
      const shapes = pending.map((member: { email: string }) => shape(member, member.email));
      for (const each of shapes.slice(1)) expect(each).toEqual(shapes[0]);
      // the invitees' own accounts and organizations are untouched
      await t.http().post('/api/v1/login').send({ email: other.admin.email, password: other.admin.password }).expect(200);
      const otherMe = await t.http().get('/api/v1/user').set('Cookie', other.admin.cookie).expect(200);
      expect(otherMe.body.results).toMatchObject({ organizationUuid: other.organizationUuid, role: 'admin' });
    });

    it('is refused only when accepted (409, changing nothing), and can be re-invited or removed like any pending member', async () => {
      const org = await createOrganization(t);
      const other = await createOrganization(t);
      const first = (await invite(org.admin.cookie, { email: other.admin.email }).expect(201)).body.results;
      const again = (await invite(org.admin.cookie, { email: other.admin.email.toUpperCase(), role: 'viewer' }).expect(201)).body.results;
      expect(again.userUuid).toBe(first.userUuid);
      await t.http().get(`/api/v1/invite-links/${first.inviteCode}`).expect(404);

      const refused = await activate(again.inviteCode, { password: 'takeover1' }).expect(409);
      expect(refused.body.error).toEqual({
        statusCode: 409,
        name: 'AlreadyExistsError',
        message: 'This email already has an account, so the invite cannot be accepted',
        data: {},
      });
      expect(refused.headers['set-cookie']).toBeUndefined();
      await t.http().post('/api/v1/login').send({ email: other.admin.email, password: 'takeover1' }).expect(401);
      await t.http().post('/api/v1/login').send({ email: other.admin.email, password: other.admin.password }).expect(200);
      const member = await t.http().get(`/api/v1/org/users/${again.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
      expect(member.body.results).toMatchObject({ isPending: true, role: 'viewer' });

      await t.http().delete(`/api/v1/org/user/${again.userUuid}`).set('Cookie', org.admin.cookie).expect(200);
      await t.http().get(`/api/v1/org/users/${again.userUuid}`).set('Cookie', org.admin.cookie).expect(404);
      const otherMe = await t.http().get('/api/v1/user').set('Cookie', other.admin.cookie).expect(200);
      expect(otherMe.body.results).toMatchObject({ email: other.admin.email, organizationUuid: other.organizationUuid, role: 'admin' });
    });

    it('lets exactly one of two organizations\' invites of a new email be accepted, even at the same moment', async () => {
      const [a, b, c] = [await createOrganization(t), await createOrganization(t), await createOrganization(t)];
      const email = uniqueEmail('twice');
      const [codeA, codeB, invitedC] = await Promise.all(
        [a, b, c].map(async (org) => (await invite(org.admin.cookie, { email }).expect(201)).body.results),
      ).then(([x, y, z]) => [x.inviteCode, y.inviteCode, z]);
      // A third invitee of the email, activated in a transaction left open: both acceptances get past
      // their checks and wait on the email's unique index before either can write; it then gives way.
      const db = t.app.get(DataSource);
      const blocker = db.createQueryRunner();
      await blocker.connect();
      let answers: { status: number; body: any }[];
      try {
        await blocker.startTransaction();
        await blocker.query(`UPDATE users SET password_hash = 'x', is_invitee = false WHERE user_uuid = $1`, [invitedC.userUuid]);
        const pending = Promise.all([codeA, codeB].map((code) => activate(code)));
        await waitFor(
          async () =>
            (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE "users"%'`))[0].n >= 2,
          10_000,
          'both acceptances to wait on the email',
        );
        await blocker.rollbackTransaction();
        answers = await pending;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
      }
      expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
      expect(answers.find((res) => res.status === 409)!.body.error.message).toBe('This email already has an account, so the invite cannot be accepted');
      const joined = [a, b][answers.findIndex((res) => res.status === 200)];
      const login = await t.http().post('/api/v1/login').send({ email, password: 'compiler1' }).expect(200);
      expect(login.body.results.organizationUuid).toBe(joined.organizationUuid);
    });

    it('gives way to the account when that user joins the organization through its allowed email domain', async () => {
      const org = await createOrganization(t);
      const domain = `${randomBytes(4).toString('hex')}.example.org`;
      await t.http().patch('/api/v1/org/allowedEmailDomains').set('Cookie', org.admin.cookie).send({ emailDomains: [domain], role: 'viewer', projects: [] }).expect(200);
      const user = await registerUser(t, { email: `joiner-${randomBytes(3).toString('hex')}@${domain}` });
      await t.app.get(DataSource).query('UPDATE users SET is_email_verified = true WHERE user_uuid = $1', [user.userUuid]);
      const invited = (await invite(org.admin.cookie, { email: user.email, role: 'editor' }).expect(201)).body.results;

      await t.http().post(`/api/v1/user/me/joinOrganization/${org.organizationUuid}`).set('Cookie', user.cookie).expect(200);
      const members = (await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200)).body.results.data;
      expect(members.filter((member: { email: string }) => member.email === user.email)).toEqual([
        expect.objectContaining({ userUuid: user.userUuid, isPending: false, role: 'viewer' }),
      ]);
      await t.http().get(`/api/v1/invite-links/${invited.inviteCode}`).expect(404);
      const byEmail = await t.http().get(`/api/v1/org/users/email/${user.email}`).set('Cookie', org.admin.cookie).expect(200);
      expect(byEmail.body.results.userUuid).toBe(user.userUuid);
    });
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
    for (let i = 0; i < 2; i++) await invite(org.admin.cookie, { email: uniqueEmail() }).expect(201);
    const theirs = (await invite(other.admin.cookie, { email: uniqueEmail() }).expect(201)).body.results;
    await t.http().delete('/api/v1/invite-links').set('Cookie', org.admin.cookie).expect(200);
    const audit = await t.http().get('/api/v1/org/audit-logs?action=invite.revoke-all').set('Cookie', org.admin.cookie).expect(200);
    expect(audit.body.results.data.map((entry: { details: unknown }) => entry.details)).toEqual([{ revoked: 3 }]);
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
    const signup = await t.http().post('/api/v1/user').send({ firstName: 'A', lastName: 'B', email, password: 'password1' }).expect(409);
    expect(signup.body.error.message).toBe('Email already in use');
  });
});
