import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas, type Personas, type TestOrganization } from '../support/organizations.js';
import { waitFor } from '../support/process.js';
import { registerUser, type TestUser } from '../support/users.js';

const ALLOWED_DOMAINS = '/api/v1/org/allowedEmailDomains';
const ALLOWED_ORGANIZATIONS = '/api/v1/user/me/allowedOrganizations';
const join = (organizationUuid: string) => `/api/v1/user/me/joinOrganization/${organizationUuid}`;

/** Every test gets its own domain: all tests share one database, and domains are matched across organizations. */
function uniqueDomain(): string {
  return `${randomBytes(4).toString('hex')}.example.org`;
}

describe('allowed email domains and joining an organization by domain', () => {
  let t: TestApp;
  let db: DataSource;
  let personas: Personas;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    personas = await createPersonas(t);
  });
  afterAll(async () => t.close());

  async function newOrganization(): Promise<TestOrganization> {
    return createOrganization(t, `Domain Org ${randomBytes(3).toString('hex')}`);
  }

  async function allowDomains(org: TestOrganization, emailDomains: string[], role = 'viewer'): Promise<void> {
    await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains, role, projects: [] }).expect(200);
  }

  /** A registered user without an organization, with an address at `domain`. */
  async function userAt(domain: string, { verified }: { verified: boolean }): Promise<TestUser> {
    const user = await registerUser(t, { email: `someone-${randomBytes(4).toString('hex')}@${domain}` });
    // the passcode flow that verifies an email is tested in email-verification.e2e-spec.ts; here it is only a precondition
    if (verified) await db.query('UPDATE users SET is_email_verified = true WHERE user_uuid = $1', [user.userUuid]);
    return user;
  }

  async function membershipsOf(user: TestUser): Promise<{ organizationUuid: string; role: string }[]> {
    return db.query(
      `SELECT o.organization_uuid AS "organizationUuid", m.role FROM organization_memberships m
       JOIN users u USING (user_id) JOIN organizations o ON o.organization_id = m.organization_id WHERE u.user_uuid = $1`,
      [user.userUuid],
    );
  }

  async function auditRows(organizationUuid: string, action: string): Promise<Record<string, unknown>[]> {
    return db.query(
      `SELECT actor_user_uuid AS "actorUserUuid", target_type AS "targetType", target_uuid AS "targetUuid", outcome,
              status_code AS "statusCode", details
       FROM audit_logs WHERE organization_uuid = $1 AND action = $2 ORDER BY audit_log_id`,
      [organizationUuid, action],
    );
  }

  it('documents the four operations in Swagger with their tags and access', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    const operations = [
      [doc.paths['/api/v1/org/allowedEmailDomains'].get, 'Organizations', 'organization:manage'],
      [doc.paths['/api/v1/org/allowedEmailDomains'].patch, 'Organizations', 'organization:manage'],
      [doc.paths['/api/v1/user/me/allowedOrganizations'].get, 'My Account', 'self'],
      [doc.paths['/api/v1/user/me/joinOrganization/{organizationUuid}'].post, 'My Account', 'self'],
    ];
    for (const [operation, tag, permission] of operations) {
      expect(operation.tags).toEqual([tag]);
      expect(operation['x-permission']).toBe(permission);
    }
    expect(doc.components.schemas.AllowedEmailDomainsDto.properties.role.enum).toEqual(['member', 'viewer', 'interactive_viewer', 'editor']);
    expect(doc.components.schemas.UserAllowedOrganizationDto.properties.membersCount).toMatchObject({ type: 'number', example: 12 });
  });

  describe('GET /api/v1/org/allowedEmailDomains', () => {
    it('answers the default configuration when none is saved', async () => {
      const org = await newOrganization();
      const res = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        results: { organizationUuid: org.organizationUuid, emailDomains: [], role: 'viewer', projects: [] },
      });
    });
  });

  describe('PATCH /api/v1/org/allowedEmailDomains', () => {
    it('saves lowercased, trimmed, deduplicated domains and GET returns them', async () => {
      const org = await newOrganization();
      const domain = uniqueDomain();
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [`  ${domain.toUpperCase()} `, domain, `Eu.${domain}`, `eu.${domain}`], role: 'editor', projects: [] })
        .expect(200);
      const saved = { organizationUuid: org.organizationUuid, emailDomains: [domain, `eu.${domain}`], role: 'editor', projects: [] };
      expect(res.body).toEqual({ status: 'ok', results: saved });
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(read.body.results).toEqual(saved);
    });

    it('replaces the previous configuration, down to an empty list', async () => {
      const org = await newOrganization();
      await allowDomains(org, [uniqueDomain(), uniqueDomain()], 'interactive_viewer');
      await allowDomains(org, [], 'member');
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(read.body.results).toEqual({ organizationUuid: org.organizationUuid, emailDomains: [], role: 'member', projects: [] });
      const [{ count }] = await db.query(
        `SELECT count(*)::int AS count FROM organization_allowed_email_domains d JOIN organizations o USING (organization_id)
         WHERE o.organization_uuid = $1`,
        [org.organizationUuid],
      );
      expect(count).toBe(1);
    });

    it.each([
      [['gmail.com'], 'gmail.com is not allowed as organization email'],
      [[' GMail.com ', 'gmail.com'], 'gmail.com is not allowed as organization email'],
      [['yahoo.co.uk', 'icloud.com'], 'yahoo.co.uk and icloud.com are not allowed as organization emails'],
      [['gmail.com', 'HOTMAIL.fr', 'outlook.com', 'proton.me'], 'gmail.com, hotmail.fr, outlook.com and proton.me are not allowed as organization emails'],
    ])('refuses public email providers %j with 400 and saves nothing', async (publicDomains, message) => {
      const org = await newOrganization();
      const domain = uniqueDomain();
      await allowDomains(org, [domain], 'editor');
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [uniqueDomain(), ...publicDomains], role: 'viewer', projects: [] })
        .expect(400);
      expect(res.body).toEqual({ status: 'error', error: { statusCode: 400, name: 'ParameterError', message, data: {} } });
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(read.body.results).toEqual({ organizationUuid: org.organizationUuid, emailDomains: [domain], role: 'editor', projects: [] });
    });

    it('accepts a company domain that merely contains a provider name', async () => {
      const org = await newOrganization();
      const domain = `gmail-${randomBytes(3).toString('hex')}.example.org`;
      await allowDomains(org, [domain, `mail.${domain}`]);
    });

    it.each([
      ['not a domain'],
      ['acme'],
      ['-acme.example.org'],
      ['acme-.example.org'],
      ['acme..example.org'],
      ['someone@acme.example.org'],
      ['acme.example.org/path'],
      ['https://acme.example.org'],
      ['acme.123'],
      [''],
      [12],
      [null],
    ])('refuses the domain %j with 422', async (badDomain) => {
      const org = await newOrganization();
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [uniqueDomain(), badDomain], role: 'viewer', projects: [] })
        .expect(422);
      expect(res.body.error).toMatchObject({ statusCode: 422, name: 'ValidateError', message: '' });
      expect(Object.keys(res.body.error.data)).toEqual(['body.emailDomains']);
    });

    it('refuses more than 50 domains with 422', async () => {
      const org = await newOrganization();
      const emailDomains = Array.from({ length: 51 }, () => uniqueDomain());
      const res = await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains, role: 'viewer', projects: [] }).expect(422);
      expect(res.body.error.data['body.emailDomains']).toBeDefined();
      await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains: emailDomains.slice(0, 50), role: 'viewer', projects: [] }).expect(200);
    });

    it.each([['admin'], ['developer'], ['owner'], [''], [null]])('refuses the role %j with 422', async (role) => {
      const org = await newOrganization();
      const res = await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains: [uniqueDomain()], role, projects: [] }).expect(422);
      expect(Object.keys(res.body.error.data)).toEqual(['body.role']);
    });

    it.each([['emailDomains'], ['role'], ['projects']])('refuses a body without %s with 422', async (field) => {
      const org = await newOrganization();
      const body: Record<string, unknown> = { emailDomains: [uniqueDomain()], role: 'viewer', projects: [] };
      delete body[field];
      const res = await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send(body).expect(422);
      expect(res.body.error.data).toEqual({ [`body.${field}`]: { message: `'${field}' is required` } });
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(read.body.results.emailDomains).toEqual([]);
    });

    it('drops unknown properties, at the top and in projects: no other organization can be named', async () => {
      const org = await newOrganization();
      const before = await t.http().get(ALLOWED_DOMAINS).set('Cookie', personas.admin.cookie).expect(200);
      const domain = uniqueDomain();
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [domain], role: 'viewer', projects: [], organizationUuid: personas.organizationUuid })
        .expect(200);
      const saved = { organizationUuid: org.organizationUuid, emailDomains: [domain], role: 'viewer', projects: [] };
      expect(res.body.results).toEqual(saved);
      expect((await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200)).body.results).toEqual(saved);
      expect((await t.http().get(ALLOWED_DOMAINS).set('Cookie', personas.admin.cookie).expect(200)).body).toEqual(before.body);
      // inside a project entry too: the entry passes validation and meets the service's project check
      const projectUuid = randomUUID();
      const nested = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [domain], role: 'viewer', projects: [{ projectUuid, role: 'viewer', extra: 1 }] })
        .expect(400);
      expect(nested.body.error.message).toBe(`Project ${projectUuid} not found in the organization`);
    });

    it.each([
      [[{ projectUuid: 'nope', role: 'viewer' }], 'body.projects.0.projectUuid'],
      [[{ projectUuid: randomUUID(), role: 'admin' }], 'body.projects.0.role'],
      [[{ projectUuid: randomUUID() }], 'body.projects.0.role'],
      [['not-an-object'], 'body.projects.0'],
      [{ projectUuid: randomUUID(), role: 'viewer' }, 'body.projects'],
    ])('refuses the malformed projects %j with 422', async (projects, key) => {
      const org = await newOrganization();
      const res = await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains: [uniqueDomain()], role: 'viewer', projects }).expect(422);
      expect(res.body.error.data[key]).toBeDefined();
    });

    it('refuses a project that is not in the organization with 400 (no projects exist yet)', async () => {
      const org = await newOrganization();
      const projectUuid = randomUUID();
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', org.admin.cookie)
        .send({ emailDomains: [uniqueDomain()], role: 'viewer', projects: [{ projectUuid, role: 'editor' }] })
        .expect(400);
      expect(res.body.error).toEqual({ statusCode: 400, name: 'ParameterError', message: `Project ${projectUuid} not found in the organization`, data: {} });
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).expect(200);
      expect(read.body.results.emailDomains).toEqual([]);
    });

    it('refuses a domain another organization allows with 409, whatever its case, and changes nothing', async () => {
      const owner = await newOrganization();
      const domain = uniqueDomain();
      await allowDomains(owner, [domain], 'editor');
      const claimant = await newOrganization();
      const ownDomain = uniqueDomain();
      await allowDomains(claimant, [ownDomain], 'viewer');

      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', claimant.admin.cookie)
        .send({ emailDomains: [uniqueDomain(), ` ${domain.toUpperCase()}`], role: 'member', projects: [] })
        .expect(409);
      expect(res.body).toEqual({
        status: 'error',
        error: { statusCode: 409, name: 'AlreadyExistsError', message: `Email domain ${domain} is already allowed by another organization`, data: {} },
      });
      const claimantRead = await t.http().get(ALLOWED_DOMAINS).set('Cookie', claimant.admin.cookie).expect(200);
      expect(claimantRead.body.results).toEqual({ organizationUuid: claimant.organizationUuid, emailDomains: [ownDomain], role: 'viewer', projects: [] });
      const ownerRead = await t.http().get(ALLOWED_DOMAINS).set('Cookie', owner.admin.cookie).expect(200);
      expect(ownerRead.body.results.emailDomains).toEqual([domain]);
      // sign-ups from the domain still land in the organization that allowed it first
      const user = await userAt(domain, { verified: true });
      await t.http().post(join(claimant.organizationUuid)).set('Cookie', user.cookie).expect(403);
      await t.http().post(join(owner.organizationUuid)).set('Cookie', user.cookie).expect(200);
    });

    it('names every taken domain, and lets a domain be claimed once its organization released it', async () => {
      const owner = await newOrganization();
      const [first, second] = [uniqueDomain(), uniqueDomain()];
      await allowDomains(owner, [first, second]);
      const claimant = await newOrganization();
      const res = await t
        .http()
        .patch(ALLOWED_DOMAINS)
        .set('Cookie', claimant.admin.cookie)
        .send({ emailDomains: [second, first], role: 'viewer', projects: [] })
        .expect(409);
      expect(res.body.error.message).toBe(`Email domains ${second}, ${first} are already allowed by another organization`);

      await allowDomains(owner, [second]);
      await allowDomains(claimant, [first]);
      // an organization saving its own domains again is not a conflict
      await allowDomains(owner, [second], 'editor');
      expect((await t.http().get(ALLOWED_DOMAINS).set('Cookie', claimant.admin.cookie)).body.results.emailDomains).toEqual([first]);
    });

    it('lets exactly one of two organizations claiming the same domain at once win', async () => {
      const [a, b, c] = await Promise.all([newOrganization(), newOrganization(), newOrganization()]);
      const domain = uniqueDomain();
      // A third organization's uncommitted claim holds the domain, so both requests are inside their
      // transactions, waiting on it, before either can go on; it then gives the domain up.
      const blocker = db.createQueryRunner();
      await blocker.connect();
      let answers: { status: number; body: any }[];
      try {
        await blocker.startTransaction();
        await blocker.query(
          `INSERT INTO organization_email_domains (email_domain, organization_id, position)
           SELECT $1, organization_id, 1 FROM organizations WHERE organization_uuid = $2`,
          [domain, c.organizationUuid],
        );
        const pending = Promise.all(
          [a, b].map((org) => t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains: [domain], role: 'viewer', projects: [] })),
        );
        await waitFor(
          async () =>
            (
              await db.query(
                `SELECT count(*)::int AS waiting FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO organization_email_domains%'`,
              )
            )[0].waiting >= 2,
          10_000,
          'both claims to wait on the domain',
        );
        await blocker.rollbackTransaction();
        answers = await pending;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
      }
      expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
      const winner = [a, b][answers.findIndex((res) => res.status === 200)];
      const owners = await db.query(
        `SELECT o.organization_uuid AS "organizationUuid" FROM organization_email_domains d JOIN organizations o USING (organization_id)
         WHERE d.email_domain = $1`,
        [domain],
      );
      expect(owners).toEqual([{ organizationUuid: winner.organizationUuid }]);
    });

    it('records the change, and a refused attempt, in the audit log', async () => {
      const org = await newOrganization();
      const domain = uniqueDomain();
      await allowDomains(org, [domain], 'editor');
      await t.http().patch(ALLOWED_DOMAINS).set('Cookie', org.admin.cookie).send({ emailDomains: ['gmail.com'], role: 'viewer', projects: [] }).expect(400);
      const rows = await auditRows(org.organizationUuid, 'organization.email-domains.update');
      expect(rows).toEqual([
        {
          actorUserUuid: org.admin.userUuid,
          targetType: 'organization',
          targetUuid: org.organizationUuid,
          outcome: 'success',
          statusCode: null,
          details: { emailDomains: [domain], role: 'editor', projects: [] },
        },
        expect.objectContaining({ actorUserUuid: org.admin.userUuid, outcome: 'failed', statusCode: 400 }),
      ]);
    });
  });

  describe('who may manage allowed email domains', () => {
    it.each([['member'], ['viewer'], ['interactive_viewer'], ['editor'], ['developer']] as const)('refuses %s with 403 on GET and PATCH', async (role) => {
      const user = personas[role];
      const read = await t.http().get(ALLOWED_DOMAINS).set('Cookie', user.cookie).expect(403);
      expect(read.body.error.name).toBe('ForbiddenError');
      const domain = uniqueDomain();
      const write = await t.http().patch(ALLOWED_DOMAINS).set('Cookie', user.cookie).send({ emailDomains: [domain], role: 'viewer', projects: [] }).expect(403);
      expect(write.body.error.name).toBe('ForbiddenError');
      const [{ count }] = await db.query('SELECT count(*)::int AS count FROM organization_email_domains WHERE email_domain = $1', [domain]);
      expect(count).toBe(0);
    });

    it('refuses a user without an organization with 403', async () => {
      const user = await registerUser(t);
      await t.http().get(ALLOWED_DOMAINS).set('Cookie', user.cookie).expect(403);
      await t.http().patch(ALLOWED_DOMAINS).set('Cookie', user.cookie).send({ emailDomains: [uniqueDomain()], role: 'viewer', projects: [] }).expect(403);
    });

    it('lets the admin of the personas organization in', async () => {
      await t.http().get(ALLOWED_DOMAINS).set('Cookie', personas.admin.cookie).expect(200);
    });

    it('answers 401 without credentials on every route', async () => {
      const noCredentials = [
        t.http().get(ALLOWED_DOMAINS),
        t.http().patch(ALLOWED_DOMAINS).send({ emailDomains: [uniqueDomain()], role: 'viewer', projects: [] }),
        t.http().get(ALLOWED_ORGANIZATIONS),
        t.http().post(join(personas.organizationUuid)),
      ];
      for (const res of await Promise.all(noCredentials)) {
        expect(res.status).toBe(401);
        expect(res.body.error.name).toBe('AuthorizationError');
      }
    });
  });

  describe('GET /api/v1/user/me/allowedOrganizations', () => {
    it('lists the organization allowing the domain of a verified user without an organization, with its member count', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await addMember(t, org, 'viewer');
      await allowDomains(org, [uniqueDomain(), domain]);
      const elsewhere = await newOrganization();
      await allowDomains(elsewhere, [uniqueDomain()]);

      const user = await userAt(domain.toUpperCase(), { verified: true });
      const res = await t.http().get(ALLOWED_ORGANIZATIONS).set('Cookie', user.cookie).expect(200);
      const name = (await t.http().get('/api/v1/org').set('Cookie', org.admin.cookie)).body.results.name;
      expect(res.body).toEqual({ status: 'ok', results: [{ organizationUuid: org.organizationUuid, name, membersCount: 2 }] });
    });

    it('is empty while the email is not verified', async () => {
      const domain = uniqueDomain();
      await allowDomains(await newOrganization(), [domain]);
      const user = await userAt(domain, { verified: false });
      const res = await t.http().get(ALLOWED_ORGANIZATIONS).set('Cookie', user.cookie).expect(200);
      expect(res.body).toEqual({ status: 'ok', results: [] });
    });

    it('is empty when no organization allows the domain (subdomains do not match)', async () => {
      const domain = uniqueDomain();
      await allowDomains(await newOrganization(), [domain]);
      const user = await userAt(`eu.${domain}`, { verified: true });
      const res = await t.http().get(ALLOWED_ORGANIZATIONS).set('Cookie', user.cookie).expect(200);
      expect(res.body.results).toEqual([]);
    });

    it('is empty for a user who already belongs to an organization', async () => {
      const domain = uniqueDomain();
      const target = await newOrganization();
      await allowDomains(target, [domain]);
      const user = await userAt(domain, { verified: true });
      await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'Own Org' }).expect(200);
      const res = await t.http().get(ALLOWED_ORGANIZATIONS).set('Cookie', user.cookie).expect(200);
      expect(res.body.results).toEqual([]);
    });
  });

  describe('POST /api/v1/user/me/joinOrganization/{organizationUuid}', () => {
    it('makes a verified user a member with the configured role', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await allowDomains(org, [domain], 'interactive_viewer');
      const user = await userAt(domain, { verified: true });

      const res = await t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie).expect(200);
      expect(res.body).toEqual({ status: 'ok' });

      const me = await t.http().get('/api/v1/user').set('Cookie', user.cookie).expect(200);
      expect(me.body.results).toMatchObject({ organizationUuid: org.organizationUuid, role: 'interactive_viewer' });
      const organization = await t.http().get('/api/v1/org').set('Cookie', user.cookie).expect(200);
      expect(organization.body.results.organizationUuid).toBe(org.organizationUuid);
      const members = await t.http().get('/api/v1/org/users').set('Cookie', org.admin.cookie).expect(200);
      expect(members.body.results.data).toContainEqual(expect.objectContaining({ userUuid: user.userUuid, role: 'interactive_viewer', isPending: false }));
      await t.http().get(ALLOWED_ORGANIZATIONS).set('Cookie', user.cookie).expect(200, { status: 'ok', results: [] });

      expect(await auditRows(org.organizationUuid, 'member.join')).toEqual([
        {
          actorUserUuid: user.userUuid,
          targetType: 'organization',
          targetUuid: org.organizationUuid,
          outcome: 'success',
          statusCode: null,
          details: { email: user.email, emailDomain: domain, role: 'interactive_viewer' },
        },
      ]);
    });

    it('works with a personal access token too', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await allowDomains(org, [domain], 'member');
      const user = await userAt(domain, { verified: true });
      const token = await t.http().post('/api/v1/user/me/personal-access-tokens').set('Cookie', user.cookie).send({ description: 'join', expiresAt: null, autoGenerated: false }).expect(200);
      await t.http().post(join(org.organizationUuid)).set('Authorization', `ApiKey ${token.body.results.token}`).expect(200);
      expect(await membershipsOf(user)).toEqual([{ organizationUuid: org.organizationUuid, role: 'member' }]);
    });

    it('refuses a user whose email is not verified with 403', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await allowDomains(org, [domain]);
      const user = await userAt(domain, { verified: false });
      const res = await t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie).expect(403);
      expect(res.body.error).toEqual({ statusCode: 403, name: 'ForbiddenError', message: 'User has not verified their email', data: {} });
      expect(await membershipsOf(user)).toEqual([]);
    });

    it('refuses a domain the organization does not allow with 403', async () => {
      const org = await newOrganization();
      await allowDomains(org, [uniqueDomain()]);
      const user = await userAt(uniqueDomain(), { verified: true });
      const res = await t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie).expect(403);
      expect(res.body.error).toEqual({ statusCode: 403, name: 'ForbiddenError', message: 'User is not allowed to join this organization', data: {} });
      expect(await membershipsOf(user)).toEqual([]);
    });

    it('refuses with 403 when the organization has no allowed domains at all', async () => {
      const org = await newOrganization();
      const user = await userAt(uniqueDomain(), { verified: true });
      const res = await t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie).expect(403);
      expect(res.body.error.message).toBe('User is not allowed to join this organization');
    });

    it('refuses a user who already has an organization with 403', async () => {
      const domain = uniqueDomain();
      const target = await newOrganization();
      await allowDomains(target, [domain]);
      const user = await userAt(domain, { verified: true });
      await t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'Own Org' }).expect(200);
      const [own] = await membershipsOf(user);
      const res = await t.http().post(join(target.organizationUuid)).set('Cookie', user.cookie).expect(403);
      expect(res.body.error).toEqual({ statusCode: 403, name: 'ForbiddenError', message: 'User already has an organization', data: {} });
      expect(await membershipsOf(user)).toEqual([own]);
      // the refusal is audited in the organization the caller belongs to
      expect(await auditRows(own.organizationUuid, 'member.join')).toEqual([
        expect.objectContaining({ targetUuid: target.organizationUuid, outcome: 'denied', statusCode: 403 }),
      ]);
    });

    it('answers 404 for an organization that does not exist', async () => {
      const user = await userAt(uniqueDomain(), { verified: true });
      const res = await t.http().post(join(randomUUID())).set('Cookie', user.cookie).expect(404);
      expect(res.body.error).toEqual({ statusCode: 404, name: 'NotFoundError', message: 'Organization not found', data: {} });
    });

    it('answers 422 for a malformed organization uuid', async () => {
      const user = await userAt(uniqueDomain(), { verified: true });
      const res = await t.http().post(join('not-a-uuid')).set('Cookie', user.cookie).expect(422);
      expect(Object.keys(res.body.error.data)).toEqual(['organizationUuid']);
    });

    it('lets exactly one of two concurrent joins succeed', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await allowDomains(org, [domain], 'editor');
      const user = await userAt(domain, { verified: true });

      const responses = await Promise.all([1, 2].map(() => t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie)));
      expect(responses.map((res) => res.status).sort()).toEqual([200, 403]);
      const refused = responses.find((res) => res.status === 403)!;
      expect(refused.body.error.message).toBe('User already has an organization');
      expect(await membershipsOf(user)).toEqual([{ organizationUuid: org.organizationUuid, role: 'editor' }]);
    });

    it('lets exactly one of a join and a concurrent organization creation succeed', async () => {
      const domain = uniqueDomain();
      const org = await newOrganization();
      await allowDomains(org, [domain]);
      const user = await userAt(domain, { verified: true });
      const [joined, created] = await Promise.all([
        t.http().post(join(org.organizationUuid)).set('Cookie', user.cookie),
        t.http().put('/api/v1/org').set('Cookie', user.cookie).send({ name: 'Racing Org' }),
      ]);
      expect([joined.status, created.status].sort()).toEqual([200, 403]);
      const loser = joined.status === 403 ? joined : created;
      expect(loser.body.error.message).toBe('User already has an organization');
      const memberships = await membershipsOf(user);
      expect(memberships).toHaveLength(1);
      expect(memberships[0].organizationUuid === org.organizationUuid).toBe(joined.status === 200);
    });
  });
});
