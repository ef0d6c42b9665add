import type { TestApp } from './app.js';
import type { TestOrganization } from './organizations.js';
import { uniqueEmail } from './users.js';

export const SCIM = '/api/v1/scim/v2';
export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM token of the organization, created by its admin (POST /api/v1/scim/organization-access-tokens). */
export async function createScimToken(t: TestApp, org: TestOrganization, expiresAt: string | null = null): Promise<{ token: string; uuid: string }> {
  const res = await t.http().post('/api/v1/scim/organization-access-tokens').set('Cookie', org.admin.cookie).send({ description: 'IdP', expiresAt });
  if (res.status !== 201) throw new Error(`SCIM token creation failed: ${res.status} ${res.text}`);
  return { token: res.body.results.token, uuid: res.body.results.uuid };
}

/** A SCIM client with a token: `scim(token).get(path)`, bodies sent as application/scim+json like Okta and Entra ID. */
export function scimClient(t: TestApp, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  const json = (body: unknown) => JSON.stringify(body);
  return {
    authorization: auth.Authorization,
    get: (path: string) => t.http().get(`${SCIM}${path}`).set(auth),
    post: (path: string, body: unknown) => t.http().post(`${SCIM}${path}`).set(auth).set('Content-Type', 'application/scim+json').send(json(body)),
    put: (path: string, body: unknown) => t.http().put(`${SCIM}${path}`).set(auth).set('Content-Type', 'application/scim+json').send(json(body)),
    patch: (path: string, operations: unknown[]) =>
      t.http().patch(`${SCIM}${path}`).set(auth).set('Content-Type', 'application/scim+json').send(json({ schemas: [PATCH_OP], Operations: operations })),
    delete: (path: string) => t.http().delete(`${SCIM}${path}`).set(auth),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** Provisions a user over SCIM; returns its id and email. */
export async function provisionUser(scim: ScimClient, overrides: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const email = (overrides.userName as string) ?? uniqueEmail('scim');
  const res = await scim.post('/Users', {
    schemas: [SCIM_USER_SCHEMA],
    userName: email,
    name: { givenName: 'Scim', familyName: 'User' },
    emails: [{ value: email, primary: true, type: 'work' }],
    active: true,
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`SCIM user creation failed: ${res.status} ${res.text}`);
  return { id: res.body.id, email };
}
