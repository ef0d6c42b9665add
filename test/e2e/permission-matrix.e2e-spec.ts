import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PERMISSIONS, type Permission, type PermissionRule } from '../../src/authorization/permissions.js';
import { effectiveSpaceRole, type SpaceLevel } from '../../src/authorization/resolvers.js';
import { atLeast, PROJECT_ROLES, type ProjectRole, SPACE_ROLES, type SpaceRole } from '../../src/authorization/roles.js';
import { isOrganizationOnlyScope, PROJECT_ROLE_SCOPES } from '../../src/authorization/scopes.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, type TestOrganization } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace, shareSpace } from '../support/spaces.js';
import type { TestUser } from '../support/users.js';

/**
 * DESIGN §3 end to end: every project role from every source (organization role, direct grant, group
 * grant, and the same role rebuilt as a custom role from its scopes, granted directly or to a group) against public, private and nested spaces with and without entries. The expected answer of
 * every request is computed from the permission table and the pure resolvers, so the matrix follows
 * the rules rather than a hand-written list.
 */
type Source = 'organization' | 'direct' | 'group' | 'custom-direct' | 'custom-group';

interface Persona {
  label: string;
  user: TestUser;
  projectRole: ProjectRole | null;
}

interface MatrixSpace {
  name: string;
  uuid: string;
  /** leaf first, as the resolver takes it; the same entries apply to every persona */
  chain: SpaceLevel[];
}

const level = (inherits: boolean, userRole: SpaceRole | null = null): SpaceLevel => ({ inheritsParentPermissions: inherits, userRole, groupRoles: [] });

const METRIC_QUERY = { exploreName: 'orders', dimensions: [], metrics: ['orders_count'], filters: {}, sorts: [], limit: 10, tableCalculations: [] };

function allowed(permission: Permission, projectRole: ProjectRole | null, space?: MatrixSpace): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  if (rule.scope === 'project') return atLeast(PROJECT_ROLES, projectRole, rule.minimum);
  if (rule.scope !== 'space') throw new Error(`no matrix for ${permission}`);
  const spaceRole = effectiveSpaceRole(projectRole, space!.chain);
  const isPublic = space!.chain.every((l) => l.inheritsParentPermissions);
  // on a public space a high enough project role is enough on its own (Lightdash's `manage Space@public`)
  if (rule.publicSpaceProjectMinimum && isPublic && atLeast(PROJECT_ROLES, projectRole, rule.publicSpaceProjectMinimum)) return true;
  return atLeast(SPACE_ROLES, spaceRole, rule.minimum) && (!rule.projectMinimum || atLeast(PROJECT_ROLES, projectRole, rule.projectMinimum));
}

describe('the permission matrix of DESIGN §3', () => {
  let t: TestApp;
  let org: TestOrganization;
  let projectUuid: string;
  const personas: Persona[] = [];
  const spaces: MatrixSpace[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t);
    projectUuid = await createProject(t, org.admin);

    // each system role rebuilt as a custom role from its scopes (the organization-only ones dropped):
    // its holders must be answered exactly as holders of the system role
    const customRoles = new Map<ProjectRole, string>();
    for (const role of PROJECT_ROLES) {
      const scopes = PROJECT_ROLE_SCOPES[role].filter((scope) => !isOrganizationOnlyScope(scope));
      const created = await t.http().post(`/api/v2/orgs/${org.organizationUuid}/roles`).set('Cookie', org.admin.cookie).send({ name: `custom ${role}`, scopes }).expect(201);
      customRoles.set(role, created.body.results.roleUuid);
    }

    const sources: Source[] = ['organization', 'direct', 'group', 'custom-direct', 'custom-group'];
    for (const source of sources) {
      for (const role of PROJECT_ROLES) {
        const label = `${source}-${role}`;
        const user = await addMember(t, org, source === 'organization' ? role : 'member', label);
        if (source === 'direct') await grantProjectRole(t, org.admin, projectUuid, user, role);
        if (source === 'custom-direct') {
          await t.http().post(`/api/v2/projects/${projectUuid}/roles/assignments/user/${user.userUuid}`).set('Cookie', org.admin.cookie).send({ roleId: customRoles.get(role) }).expect(200);
        }
        if (source === 'group' || source === 'custom-group') {
          const group = await t.http().post('/api/v1/org/groups').set('Cookie', org.admin.cookie).send({ name: label, members: [{ userUuid: user.userUuid }] }).expect(201);
          const groupUuid = group.body.results.uuid;
          if (source === 'group') await t.http().post(`/api/v1/groups/${groupUuid}/projects/${projectUuid}`).set('Cookie', org.admin.cookie).send({ role }).expect(200);
          else await t.http().post(`/api/v2/projects/${projectUuid}/roles/assignments/group/${groupUuid}`).set('Cookie', org.admin.cookie).send({ roleId: customRoles.get(role) }).expect(200);
        }
        personas.push({ label, user, projectRole: role });
      }
    }
    personas.push({ label: 'member-without-project-role', user: await addMember(t, org, 'member', 'nobody'), projectRole: null });

    const add = async (name: string, chain: SpaceLevel[], body: Record<string, unknown>, entry?: SpaceRole) => {
      const uuid = await createSpace(t, org.admin, projectUuid, { name, ...body });
      if (entry) for (const p of personas) await shareSpace(t, org.admin, projectUuid, uuid, p.user.userUuid, entry);
      spaces.push({ name, uuid, chain });
      return uuid;
    };
    // the project's default space: public, nobody has an entry on it
    const listed = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', org.admin.cookie).expect(200);
    const shared = listed.body.results.find((s: { name: string }) => s.name === 'Shared');
    spaces.push({ name: 'default space Shared', uuid: shared.uuid, chain: [level(true)] });
    const publicRoot = await add('public root', [level(true)], {});
    await add('public child of public', [level(true), level(true)], { parentSpaceUuid: publicRoot });
    const privateRoot = await add('private root', [level(false)], { isPrivate: true });
    await add('public child of private', [level(true), level(false)], { parentSpaceUuid: privateRoot });
    const privateEditors = await add('private, direct editor entries', [level(false, 'editor')], { isPrivate: true }, 'editor');
    await add('public child of a private space with editor entries', [level(true), level(false, 'editor')], { parentSpaceUuid: privateEditors });
    await add('private, direct admin entries', [level(false, 'admin')], { isPrivate: true }, 'admin');
    await add('public, direct admin entries', [level(true, 'admin')], {}, 'admin');
    await add('public, direct viewer entries', [level(true, 'viewer')], {}, 'viewer');
  }, 240_000);
  afterAll(async () => t.close());

  const expectStatus = (label: string, permission: Permission, space: string, status: number, shouldAllow: boolean, allowedStatus = 200) =>
    expect({ label, permission, space, status }).toEqual({ label, permission, space, status: shouldAllow ? allowedStatus : 403 });

  it('project permissions follow the effective project role, whatever its source', async () => {
    let tag = 0;
    for (const p of personas) {
      const cookie = p.user.cookie;
      const view = await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', cookie);
      expectStatus(p.label, 'project:view', '-', view.status, allowed('project:view', p.projectRole));
      const edit = await t.http().post(`/api/v1/projects/${projectUuid}/tags`).set('Cookie', cookie).send({ name: `tag ${tag++}`, color: '#336699' });
      expectStatus(p.label, 'project:edit', '-', edit.status, allowed('project:edit', p.projectRole), 201);
      const develop = await t.http().patch(`/api/v1/projects/${projectUuid}`).set('Cookie', cookie).send({ name: 'Test project' });
      expectStatus(p.label, 'project:develop', '-', develop.status, allowed('project:develop', p.projectRole));
      const manage = await t.http().get(`/api/v1/projects/${projectUuid}/access`).set('Cookie', cookie);
      expectStatus(p.label, 'project:manage-access', '-', manage.status, allowed('project:manage-access', p.projectRole));
    }
  });

  it('space permissions follow the space access order on public, private and nested spaces', async () => {
    for (const p of personas) {
      for (const space of spaces) {
        const cookie = p.user.cookie;
        const view = await t.http().get(`/api/v1/projects/${projectUuid}/spaces/${space.uuid}`).set('Cookie', cookie);
        expectStatus(p.label, 'space:view', space.name, view.status, allowed('space:view', p.projectRole, space));
        const chart = await t.http().post(`/api/v1/projects/${projectUuid}/saved`).set('Cookie', cookie).send({
          name: `chart by ${p.label}`,
          spaceUuid: space.uuid,
          tableName: 'orders',
          metricQuery: METRIC_QUERY,
          chartConfig: { type: 'table' },
        });
        expectStatus(p.label, 'space:edit-content', space.name, chart.status, allowed('space:edit-content', p.projectRole, space));
        const manage = await t.http().patch(`/api/v1/projects/${projectUuid}/spaces/${space.uuid}`).set('Cookie', cookie).send({ name: space.name });
        expectStatus(p.label, 'space:manage', space.name, manage.status, allowed('space:manage', p.projectRole, space));
      }
    }
  }, 180_000); // 25 personas × 9 spaces × 3 requests

  it('the space list holds exactly the spaces each persona may view', async () => {
    for (const p of personas) {
      const res = await t.http().get(`/api/v1/projects/${projectUuid}/spaces`).set('Cookie', p.user.cookie);
      if (!allowed('project:view', p.projectRole)) {
        expect({ label: p.label, status: res.status }).toEqual({ label: p.label, status: 403 });
        continue;
      }
      const listed = res.body.results.map((s: { uuid: string }) => s.uuid).sort();
      const expected = spaces.filter((s) => allowed('space:view', p.projectRole, s)).map((s) => s.uuid).sort();
      expect({ label: p.label, listed }).toEqual({ label: p.label, listed: expected });
    }
  });

  it('an outsider organization sees none of it (404)', async () => {
    const outsider = await createOrganization(t);
    await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', outsider.admin.cookie).expect(404);
    for (const space of spaces) {
      await t.http().get(`/api/v1/projects/${projectUuid}/spaces/${space.uuid}`).set('Cookie', outsider.admin.cookie).expect(404);
    }
  });
});
