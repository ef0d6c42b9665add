import type { OrganizationRole } from '../../src/authorization/roles.js';
import type { TestApp } from './app.js';
import { registerUser, sessionCookie, uniqueEmail, type TestUser } from './users.js';

export interface TestOrganization {
  organizationUuid: string;
  admin: TestUser;
}

/** A new user who creates a new organization (PUT /api/v1/org) and is its admin. */
export async function createOrganization(t: Pick<TestApp, 'http'>, name = 'Test Org'): Promise<TestOrganization> {
  const admin = await registerUser(t, { firstName: 'Admin' });
  const created = await t.http().put('/api/v1/org').set('Cookie', admin.cookie).send({ name });
  if (created.status !== 200) throw new Error(`organization creation failed: ${created.status} ${created.text}`);
  const me = await t.http().get('/api/v1/user').set('Cookie', admin.cookie);
  return { organizationUuid: me.body.results.organizationUuid, admin };
}

/** Invites an email with a role and registers the invitee with the code, as a person would. */
export async function addMember(t: TestApp, org: TestOrganization, role: OrganizationRole, firstName: string = role): Promise<TestUser> {
  const email = uniqueEmail(role.replace('_', '-'));
  const invite = await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email, role });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const password = 'password1';
  const res = await t.http().post('/api/v1/user').send({ inviteCode: invite.body.results.inviteCode, firstName, lastName: 'Persona', password });
  if (res.status !== 200) throw new Error(`activation failed: ${res.status} ${res.text}`);
  return { userUuid: res.body.results.userUuid, email, password, cookie: sessionCookie(res.headers['set-cookie']), body: res.body.results };
}

export type Personas = Record<OrganizationRole, TestUser> & { organizationUuid: string; org: TestOrganization };

/** An organization with one user of each role (the admin created it). */
export async function createPersonas(t: TestApp): Promise<Personas> {
  const org = await createOrganization(t);
  const [member, viewer, interactiveViewer, editor, developer] = await Promise.all([
    addMember(t, org, 'member'),
    addMember(t, org, 'viewer'),
    addMember(t, org, 'interactive_viewer'),
    addMember(t, org, 'editor'),
    addMember(t, org, 'developer'),
  ]);
  return {
    organizationUuid: org.organizationUuid,
    org,
    admin: org.admin,
    member,
    viewer,
    interactive_viewer: interactiveViewer,
    editor,
    developer,
  };
}
