import type { SpaceRole } from '../../src/authorization/roles.js';
import type { TestApp } from './app.js';
import type { TestUser } from './users.js';

export interface CreateSpaceBody {
  name: string;
  isPrivate?: boolean;
  parentSpaceUuid?: string;
  inheritParentPermissions?: boolean;
  access?: { userUuid: string; role: SpaceRole }[];
}

/**
 * Creates a space through the API (POST /api/v1/projects/{p}/spaces); returns its uuid. The creator gets a direct admin entry.
 * A root space without privacy settings is created public (`isPrivate: false`), which is what most tests need; the
 * API's own default (private) is tested in spaces.e2e-spec.ts with plain requests.
 */
export async function createSpace(t: TestApp, user: TestUser, projectUuid: string, body: CreateSpaceBody): Promise<string> {
  const privacyGiven = body.isPrivate !== undefined || body.inheritParentPermissions !== undefined || body.parentSpaceUuid !== undefined;
  const res = await t
    .http()
    .post(`/api/v1/projects/${projectUuid}/spaces`)
    .set('Cookie', user.cookie)
    .send(privacyGiven ? body : { ...body, isPrivate: false });
  if (res.status !== 200) throw new Error(`space creation failed: ${res.status} ${res.text}`);
  return res.body.results.uuid;
}

/** Gives a user a direct role on a space (POST /api/v1/projects/{p}/spaces/{s}/share). */
export async function shareSpace(t: TestApp, admin: TestUser, projectUuid: string, spaceUuid: string, userUuid: string, spaceRole: SpaceRole): Promise<void> {
  const res = await t.http().post(`/api/v1/projects/${projectUuid}/spaces/${spaceUuid}/share`).set('Cookie', admin.cookie).send({ userUuid, spaceRole });
  if (res.status !== 200) throw new Error(`space share failed: ${res.status} ${res.text}`);
}

/** Gives a group a role on a space (POST /api/v1/projects/{p}/spaces/{s}/group/share). */
export async function shareSpaceWithGroup(
  t: TestApp,
  admin: TestUser,
  projectUuid: string,
  spaceUuid: string,
  groupUuid: string,
  spaceRole: SpaceRole,
): Promise<void> {
  const res = await t.http().post(`/api/v1/projects/${projectUuid}/spaces/${spaceUuid}/group/share`).set('Cookie', admin.cookie).send({ groupUuid, spaceRole });
  if (res.status !== 200) throw new Error(`space group share failed: ${res.status} ${res.text}`);
}
