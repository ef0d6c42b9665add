import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas, type Personas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import { createSpace, shareSpace, shareSpaceWithGroup } from '../support/spaces.js';
import { statementsDuring } from '../support/statements.js';
import type { TestUser } from '../support/users.js';

/** as JSON.stringify writes a Date: the content of a space is built in SQL and must match */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Method = 'get' | 'post' | 'patch' | 'delete';

describe('spaces', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const call = (user: TestUser, method: Method, path: string, body?: object) => {
    const req = t.http()[method](path.startsWith('/api/') ? path : `/api/v1${path}`).set('Cookie', user.cookie);
    return body ? req.send(body) : req;
  };
  const spacePath = (projectUuid: string, spaceUuid: string) => `/projects/${projectUuid}/spaces/${spaceUuid}`;
  const getSpace = (user: TestUser, projectUuid: string, spaceUuid: string) => call(user, 'get', spacePath(projectUuid, spaceUuid));
  const listSpaces = async (user: TestUser, projectUuid: string) => (await call(user, 'get', `/projects/${projectUuid}/spaces`).expect(200)).body.results;
  const listedUuids = async (user: TestUser, projectUuid: string): Promise<string[]> =>
    (await listSpaces(user, projectUuid)).map((s: { uuid: string }) => s.uuid).sort();
  const userAccessIn = async (user: TestUser, projectUuid: string, spaceUuid: string) =>
    (await listSpaces(user, projectUuid)).find((s: { uuid: string }) => s.uuid === spaceUuid)?.userAccess;

  async function createGroup(admin: TestUser, members: TestUser[]): Promise<string> {
    const res = await call(admin, 'post', '/org/groups', { name: `Group ${randomUUID()}`, members: members.map((m) => ({ userUuid: m.userUuid })) });
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results.uuid;
  }

  async function insertChart(projectUuid: string, spaceUuid: string, name: string): Promise<string> {
    const [row] = await t.app.get(DataSource).query(
      `INSERT INTO saved_charts (space_id, project_id, name, slug, table_name, metric_query, chart_config)
       SELECT s.space_id, s.project_id, $3, $3 || '-' || gen_random_uuid(), 'orders', '{}', '{}' FROM spaces s JOIN projects p ON p.project_id = s.project_id
       WHERE s.space_uuid = $2 AND p.project_uuid = $1 RETURNING saved_chart_uuid AS uuid`,
      [projectUuid, spaceUuid, name],
    );
    return row.uuid;
  }

  async function insertDashboard(spaceUuid: string, name: string): Promise<string> {
    const [row] = await t.app.get(DataSource).query(
      `INSERT INTO dashboards (space_id, project_id, name, slug) SELECT space_id, project_id, $2, $2 || '-' || gen_random_uuid() FROM spaces WHERE space_uuid = $1
       RETURNING dashboard_uuid AS uuid`,
      [spaceUuid, name],
    );
    return row.uuid;
  }

  /** Personas and a project without its default space "Shared" (moved to the trash), so each test lists only its own spaces. */
  async function setup(): Promise<{ p: Personas; projectUuid: string }> {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const [shared] = await listSpaces(p.admin, projectUuid);
    await call(p.admin, 'delete', spacePath(projectUuid, shared.uuid)).expect(200);
    return { p, projectUuid };
  }

  it('creates, reads, renames and deletes a space with the contract shapes', async () => {
    const { p, projectUuid } = await setup();
    const created = await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: '  Sales  ' }).expect(200);
    const sales = created.body.results;
    expect(sales).toEqual({
      organizationUuid: p.organizationUuid,
      projectUuid,
      uuid: expect.any(String),
      name: 'Sales',
      slug: 'sales',
      // a root space created without privacy settings is private, as in Lightdash
      isPrivate: true,
      inheritParentPermissions: false,
      inheritsFromOrgOrProject: false,
      parentSpaceUuid: null,
      path: 'sales',
      pinnedListUuid: null,
      pinnedListOrder: null,
      projectMemberAccessRole: null,
      colorPaletteUuid: null,
      queries: [],
      dashboards: [],
      // everyone who may open the private space: the organization admin (admins always may) and its creator's entry
      access: [
        {
          userUuid: p.admin.userUuid,
          firstName: 'Admin',
          lastName: 'User',
          email: p.admin.email,
          avatarUrl: null,
          avatarGradient: null,
          isInternal: false,
          role: 'admin',
          hasDirectAccess: false,
          inheritedRole: 'admin',
          inheritedFrom: 'organization',
          projectRole: 'admin',
        },
        {
          userUuid: p.editor.userUuid,
          firstName: 'editor',
          lastName: 'Persona',
          email: p.editor.email,
          avatarUrl: null,
          avatarGradient: null,
          isInternal: false,
          role: 'admin',
          hasDirectAccess: true,
          inheritedRole: 'editor',
          inheritedFrom: 'organization',
          projectRole: 'editor',
        },
      ],
      groupsAccess: [],
      childSpaces: [],
      breadcrumbs: [{ uuid: sales.uuid, name: 'Sales', hasAccess: true }],
    });
    // the legacy isPrivate flag opens it to the project (a project editor may)
    const opened = await call(p.editor, 'patch', spacePath(projectUuid, sales.uuid), { name: 'Sales', isPrivate: false }).expect(200);
    expect(opened.body.results).toMatchObject({ isPrivate: false, inheritParentPermissions: true, inheritsFromOrgOrProject: true });

    const emea = await createSpace(t, p.editor, projectUuid, { name: 'EMEA', parentSpaceUuid: sales.uuid, isPrivate: true });
    const chartUuid = await insertChart(projectUuid, sales.uuid, 'Revenue');
    const dashboardUuid = await insertDashboard(sales.uuid, 'Overview');
    const group = await createGroup(p.admin, [p.viewer]);
    await shareSpaceWithGroup(t, p.editor, projectUuid, sales.uuid, group, 'viewer');

    const read = (await getSpace(p.editor, projectUuid, sales.uuid).expect(200)).body.results;
    expect(read.queries).toEqual([
      {
        uuid: chartUuid,
        name: 'Revenue',
        description: null,
        spaceUuid: sales.uuid,
        spaceName: 'Sales',
        projectUuid,
        organizationUuid: p.organizationUuid,
        slug: expect.stringMatching(/^Revenue-/),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
        chartKind: null,
        dashboardUuid: null,
        dashboardName: null,
        pinnedListUuid: null,
        pinnedListOrder: null,
        views: 0,
        firstViewedAt: null,
        chartType: null,
        source: 'dbt_explore',
        validationErrors: [],
        verification: null,
      },
    ]);
    expect(read.dashboards).toEqual([
      {
        uuid: dashboardUuid,
        name: 'Overview',
        description: null,
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
        projectUuid,
        organizationUuid: p.organizationUuid,
        spaceUuid: sales.uuid,
        views: 0,
        firstViewedAt: null,
        pinnedListUuid: null,
        pinnedListOrder: null,
        slug: expect.stringMatching(/^Overview-/),
        validationErrors: [],
        verification: null,
      },
    ]);
    // inserted without an editor: no updatedByUser key (clients parse it as an object when present)
    expect(read.queries[0]).not.toHaveProperty('updatedByUser');
    expect(read.dashboards[0]).not.toHaveProperty('updatedByUser');
    // now public: every member with a project role may open it, each with where the role comes from
    expect(read.access.map((a: { userUuid: string; role: string; inheritedFrom: string }) => [a.userUuid, a.role, a.inheritedFrom]).sort()).toEqual(
      [
        [p.admin.userUuid, 'admin', 'organization'],
        [p.viewer.userUuid, 'viewer', 'space_group'],
        [p.interactive_viewer.userUuid, 'viewer', 'organization'],
        [p.editor.userUuid, 'admin', 'organization'],
        [p.developer.userUuid, 'editor', 'organization'],
      ].sort(),
    );
    expect(read.groupsAccess).toEqual([{ groupUuid: group, groupName: expect.stringMatching(/^Group /), spaceRole: 'viewer' }]);
    expect(read.childSpaces).toEqual([
      {
        uuid: emea,
        name: 'EMEA',
        projectUuid,
        organizationUuid: p.organizationUuid,
        slug: 'emea',
        inheritParentPermissions: false,
        parentSpaceUuid: sales.uuid,
        path: 'sales.emea',
        pinnedListUuid: null,
        pinnedListOrder: null,
        projectMemberAccessRole: null,
        chartCount: '0',
        dashboardCount: '0',
        childSpaceCount: '0',
        appCount: '0',
      },
    ]);

    const child = (await getSpace(p.editor, projectUuid, emea).expect(200)).body.results;
    expect(child).toMatchObject({ parentSpaceUuid: sales.uuid, path: 'sales.emea', isPrivate: true, inheritsFromOrgOrProject: false });
    expect(child.breadcrumbs).toEqual([
      { uuid: sales.uuid, name: 'Sales', hasAccess: true },
      { uuid: emea, name: 'EMEA', hasAccess: true },
    ]);

    const list = await listSpaces(p.editor, projectUuid);
    expect(list).toEqual([
      {
        uuid: sales.uuid,
        name: 'Sales',
        projectUuid,
        organizationUuid: p.organizationUuid,
        slug: 'sales',
        isPrivate: false,
        inheritParentPermissions: true,
        inheritsFromOrgOrProject: true,
        parentSpaceUuid: null,
        path: 'sales',
        pinnedListUuid: null,
        pinnedListOrder: null,
        projectMemberAccessRole: null,
        chartCount: '1',
        dashboardCount: '1',
        childSpaceCount: '1',
        appCount: '0',
        access: [p.editor.userUuid],
        userAccess: {
          userUuid: p.editor.userUuid,
          firstName: 'editor',
          lastName: 'Persona',
          email: p.editor.email,
          role: 'admin',
          hasDirectAccess: true,
          inheritedRole: 'editor',
          inheritedFrom: 'organization',
          projectRole: 'editor',
        },
      },
      expect.objectContaining({ uuid: emea, path: 'sales.emea', parentSpaceUuid: sales.uuid, isPrivate: true, inheritsFromOrgOrProject: false, chartCount: '0', childSpaceCount: '0' }),
    ]);
    // a project viewer of a public space: role from the organization role
    expect(await userAccessIn(p.interactive_viewer, projectUuid, sales.uuid)).toEqual({
      userUuid: p.interactive_viewer.userUuid,
      firstName: 'interactive_viewer',
      lastName: 'Persona',
      email: p.interactive_viewer.email,
      role: 'viewer',
      hasDirectAccess: false,
      inheritedRole: 'interactive_viewer',
      inheritedFrom: 'organization',
      projectRole: 'interactive_viewer',
    });

    const renamed = await call(p.editor, 'patch', spacePath(projectUuid, sales.uuid), { name: 'Revenue & Sales', isPrivate: true }).expect(200);
    expect(renamed.body.results).toMatchObject({ name: 'Revenue & Sales', slug: 'sales', isPrivate: true, inheritParentPermissions: false, path: 'sales' });
    await call(p.editor, 'patch', spacePath(projectUuid, sales.uuid), { isPrivate: false }).expect(422);

    expect((await call(p.editor, 'delete', spacePath(projectUuid, sales.uuid)).expect(200)).body).toEqual({ status: 'ok' });
    await getSpace(p.admin, projectUuid, sales.uuid).expect(404);
    await getSpace(p.admin, projectUuid, emea).expect(404);
    // deleting it again is 403, as in Lightdash; unknown and other organizations' spaces stay 404
    expect((await call(p.editor, 'delete', spacePath(projectUuid, sales.uuid)).expect(403)).body.error.name).toBe('ForbiddenError');
    await call(p.admin, 'delete', spacePath(projectUuid, emea)).expect(403);
    await call(p.admin, 'delete', spacePath(projectUuid, randomUUID())).expect(404);
    await call((await createOrganization(t, 'Elsewhere')).admin, 'delete', spacePath(projectUuid, sales.uuid)).expect(404);
    const [left] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*)::int FROM saved_charts WHERE saved_chart_uuid = $1 AND deleted_at IS NULL) AS charts,
              (SELECT count(*)::int FROM dashboards WHERE dashboard_uuid = $2 AND deleted_at IS NULL) AS dashboards`,
      [chartUuid, dashboardUuid],
    );
    expect(left).toEqual({ charts: 0, dashboards: 0 }); // in the trash with the space
    const audit = await t.app.get(DataSource).query(
      `SELECT action, outcome FROM audit_logs WHERE organization_uuid = $1 AND target_uuid = $2 AND outcome = 'success' ORDER BY audit_log_id`,
      [p.organizationUuid, sales.uuid],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['space.create', 'space.update', 'space.group.share', 'space.update', 'space.delete']);
  });

  it('lists in access[] the members who may open the space and have a project role of their own, with where each role comes from', async () => {
    const { p, projectUuid } = await setup();
    const parent = await createSpace(t, p.admin, projectUuid, { name: 'Parent', isPrivate: true });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Child', parentSpaceUuid: parent });
    await shareSpace(t, p.admin, projectUuid, parent, p.member.userUuid, 'editor');
    await shareSpace(t, p.admin, projectUuid, child, p.viewer.userUuid, 'viewer');
    await shareSpaceWithGroup(t, p.admin, projectUuid, parent, await createGroup(p.admin, [p.developer]), 'editor');

    const access: { userUuid: string }[] = (await getSpace(p.member, projectUuid, child).expect(200)).body.results.access;
    const byUser = new Map(access.map(({ userUuid, ...rest }) => [userUuid, rest]));
    // the project editor and interactive viewer have no way in: the parent is private; the organization
    // member opens it through a share on the parent but has no project role of their own: Lightdash 1.219
    // does not list them (every access[] entry of its answers has a projectRole)
    expect([...byUser.keys()].sort()).toEqual([p.admin, p.viewer, p.developer].map((u) => u.userUuid).sort());
    const pick = ['role', 'hasDirectAccess', 'inheritedRole', 'inheritedFrom', 'projectRole'];
    const origin = (user: TestUser) => Object.fromEntries(Object.entries(byUser.get(user.userUuid)!).filter(([key]) => pick.includes(key)));
    expect(origin(p.admin)).toEqual({ role: 'admin', hasDirectAccess: true, inheritedRole: 'admin', inheritedFrom: 'organization', projectRole: 'admin' });
    expect(origin(p.viewer)).toEqual({ role: 'viewer', hasDirectAccess: true, inheritedRole: 'viewer', inheritedFrom: 'organization', projectRole: 'viewer' });
    expect(origin(p.developer)).toEqual({ role: 'editor', hasDirectAccess: false, inheritedRole: 'developer', inheritedFrom: 'organization', projectRole: 'developer' });
    expect(byUser.get(p.viewer.userUuid)).toMatchObject({ firstName: 'viewer', lastName: 'Persona', email: p.viewer.email, avatarUrl: null, isInternal: false });

    // a direct project grant is a project role of their own: the member is listed from then on
    await call(p.admin, 'post', `/projects/${projectUuid}/access`, { email: p.member.email, role: 'viewer', sendEmail: false }).expect(200);
    const listed = (await getSpace(p.admin, projectUuid, child).expect(200)).body.results.access.find((a: { userUuid: string }) => a.userUuid === p.member.userUuid);
    expect(listed).toMatchObject({ role: 'editor', hasDirectAccess: false, inheritedRole: 'editor', inheritedFrom: 'parent_space', projectRole: 'viewer' });
  });

  it('leaves out of access[] the members whose access comes only from a group project role', async () => {
    const { p, projectUuid } = await setup();
    const publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Public to groups' });
    const group = await createGroup(p.admin, [p.member]);
    await call(p.admin, 'post', `/groups/${group}/projects/${projectUuid}`, { role: 'editor' }).expect(200);
    await getSpace(p.member, projectUuid, publicSpace).expect(200);
    const access = (await getSpace(p.member, projectUuid, publicSpace).expect(200)).body.results.access;
    expect(access.map((a: { userUuid: string }) => a.userUuid)).not.toContain(p.member.userUuid);
    expect(access.every((a: { projectRole?: string }) => typeof a.projectRole === 'string')).toBe(true);
    expect(access.map((a: { userUuid: string }) => a.userUuid)).toContain(p.editor.userUuid);
  });

  it('derives slugs from names in any script, suffixes duplicates, keeps them on rename and under concurrent creation', async () => {
    const { p, projectUuid } = await setup();
    const slugOf = async (name: string) => (await call(p.admin, 'post', `/projects/${projectUuid}/spaces`, { name }).expect(200)).body.results.slug;
    expect(await slugOf('Ventes été 2024')).toBe('ventes-été-2024');
    expect(await slugOf('数据')).toBe('数据');
    expect(await slugOf('--- !!! ---')).toBe('space');
    expect(await slugOf('Sales')).toBe('sales');
    expect(await slugOf('sales')).toBe('sales-2');
    expect(await slugOf('SALES!')).toBe('sales-3');
    expect(await slugOf('Sales 2')).toBe('sales-2-2');

    const space = await createSpace(t, p.admin, projectUuid, { name: 'Original' });
    await call(p.admin, 'patch', spacePath(projectUuid, space), { name: 'Totally different' }).expect(200);
    expect((await getSpace(p.admin, projectUuid, space).expect(200)).body.results).toMatchObject({ name: 'Totally different', slug: 'original' });
    expect(await slugOf('Original')).toBe('original-2');

    const racing = await Promise.all(Array.from({ length: 6 }, () => call(p.admin, 'post', `/projects/${projectUuid}/spaces`, { name: 'Race' })));
    expect(racing.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(racing.map((r) => r.body.results.slug).sort()).toEqual(['race', 'race-2', 'race-3', 'race-4', 'race-5', 'race-6']);
  });

  it('validates bodies and path parameters', async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Valid' });
    const spaces = `/projects/${projectUuid}/spaces`;
    await call(p.admin, 'post', spaces, { name: '   ' }).expect(422);
    await call(p.admin, 'post', spaces, {}).expect(422);
    await call(p.admin, 'post', spaces, { name: 'x'.repeat(256) }).expect(422);
    // an unknown property is dropped, not refused
    const colored = await call(p.admin, 'post', spaces, { name: 'Colored', color: 'red' }).expect(200);
    expect(colored.body.results).not.toHaveProperty('color');
    await call(p.admin, 'post', spaces, { name: 'X', access: [{ userUuid: p.viewer.userUuid, role: 'owner' }] }).expect(422);
    await call(p.admin, 'post', spaces, { name: 'X', isPrivate: true, inheritParentPermissions: true }).expect(400);
    await call(p.admin, 'post', spaces, { name: 'X', isPrivate: false, inheritParentPermissions: false }).expect(400);
    await call(p.admin, 'patch', spacePath(projectUuid, space), { name: 'X', isPrivate: true, inheritParentPermissions: true }).expect(400);
    await call(p.admin, 'post', `${spacePath(projectUuid, space)}/share`, { userUuid: p.viewer.userUuid, spaceRole: 'owner' }).expect(422);
    await call(p.admin, 'post', `${spacePath(projectUuid, space)}/share`, { userUuid: 'nope', spaceRole: 'viewer' }).expect(422);
    const malformed: [Method, string, object?][] = [
      ['get', `/projects/not-a-uuid/spaces`],
      ['post', `/projects/not-a-uuid/spaces`, { name: 'X' }],
      ['get', `${spaces}/not-a-uuid`],
      ['patch', `${spaces}/not-a-uuid`, { name: 'X' }],
      ['delete', `${spaces}/not-a-uuid`],
      ['post', `${spaces}/not-a-uuid/share`, { userUuid: p.viewer.userUuid, spaceRole: 'viewer' }],
      ['delete', `${spacePath(projectUuid, space)}/share/not-a-uuid`],
      ['delete', `${spacePath(projectUuid, space)}/group/share/not-a-uuid`],
      ['post', spaces, { name: 'X', parentSpaceUuid: 'not-a-uuid' }],
    ];
    for (const [method, path, body] of malformed) {
      const res = await call(p.admin, method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 422]);
    }
  });

  it('resolves space roles in the DESIGN §3 order on nested spaces', async () => {
    const { p, projectUuid } = await setup();
    // org admin → project admin → space admin, private spaces included; the creator keeps access
    const editorsPrivate = await createSpace(t, p.editor, projectUuid, { name: 'Editor private', isPrivate: true });
    await getSpace(p.editor, projectUuid, editorsPrivate).expect(200);
    await call(p.editor, 'patch', spacePath(projectUuid, editorsPrivate), { name: 'Still mine' }).expect(200);
    await getSpace(p.admin, projectUuid, editorsPrivate).expect(200);
    await call(p.admin, 'patch', spacePath(projectUuid, editorsPrivate), { name: 'Admin renamed it' }).expect(200);
    await getSpace(p.developer, projectUuid, editorsPrivate).expect(403);

    // a direct user entry beats a higher group entry
    const group = await createGroup(p.admin, [p.interactive_viewer]);
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Group managed', isPrivate: true });
    await shareSpaceWithGroup(t, p.admin, projectUuid, space, group, 'admin');
    expect((await userAccessIn(p.interactive_viewer, projectUuid, space)).role).toBe('admin');
    await call(p.interactive_viewer, 'patch', spacePath(projectUuid, space), { name: 'Managed via group' }).expect(200);
    await shareSpace(t, p.admin, projectUuid, space, p.interactive_viewer.userUuid, 'viewer');
    expect(await userAccessIn(p.interactive_viewer, projectUuid, space)).toMatchObject({ role: 'viewer', hasDirectAccess: true });
    await call(p.interactive_viewer, 'patch', spacePath(projectUuid, space), { name: 'Not any more' }).expect(403);

    // the most generous direct entry up the chain wins
    const parent = await createSpace(t, p.admin, projectUuid, { name: 'Parent', isPrivate: true });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Child', isPrivate: true, parentSpaceUuid: parent });
    const grandchild = await createSpace(t, p.admin, projectUuid, { name: 'Grandchild', isPrivate: true, parentSpaceUuid: child });
    await shareSpace(t, p.admin, projectUuid, parent, p.developer.userUuid, 'admin');
    await shareSpace(t, p.admin, projectUuid, grandchild, p.developer.userUuid, 'viewer');
    expect(await userAccessIn(p.developer, projectUuid, grandchild)).toMatchObject({ role: 'admin', hasDirectAccess: true, inheritedFrom: 'parent_space' });
    await call(p.developer, 'patch', spacePath(projectUuid, grandchild), { name: 'Grandchild renamed' }).expect(200);

    // a group entry on an ancestor reaches private descendants
    const viewers = await createGroup(p.admin, [p.viewer]);
    await getSpace(p.viewer, projectUuid, grandchild).expect(403);
    await shareSpaceWithGroup(t, p.admin, projectUuid, parent, viewers, 'viewer');
    await getSpace(p.viewer, projectUuid, grandchild).expect(200);
    expect(await userAccessIn(p.viewer, projectUuid, grandchild)).toMatchObject({ role: 'viewer', hasDirectAccess: false, inheritedFrom: 'space_group' });
    expect((await getSpace(p.viewer, projectUuid, grandchild)).body.results.breadcrumbs.map((b: { hasAccess: boolean }) => b.hasAccess)).toEqual([true, true, true]);

    // a public child of a private parent is closed to a project editor without entries
    const publicChild = await createSpace(t, p.admin, projectUuid, { name: 'Public child', parentSpaceUuid: parent });
    await getSpace(p.editor, projectUuid, publicChild).expect(403);
    await getSpace(p.admin, projectUuid, publicChild).expect(200);
    expect((await getSpace(p.admin, projectUuid, publicChild)).body.results.inheritsFromOrgOrProject).toBe(false);
    // …and a user who can see the child but not its private parent gets a breadcrumb without access
    await shareSpace(t, p.admin, projectUuid, publicChild, p.editor.userUuid, 'viewer');
    expect((await getSpace(p.editor, projectUuid, publicChild).expect(200)).body.results.breadcrumbs).toEqual([
      { uuid: parent, name: 'Parent', hasAccess: false },
      { uuid: publicChild, name: 'Public child', hasAccess: true },
    ]);
    expect((await getSpace(p.admin, projectUuid, parent)).body.results.childSpaces.map((c: { uuid: string }) => c.uuid).sort()).toEqual(
      [child, publicChild].sort(),
    );
    // the developer (admin entry on the parent) sees both children; the viewer only sees them through the group
    expect((await getSpace(p.viewer, projectUuid, parent)).body.results.childSpaces).toHaveLength(2);

    // a project viewer with an admin entry may see but not manage
    const viewed = await createSpace(t, p.admin, projectUuid, { name: 'Viewer admin', isPrivate: true });
    await shareSpace(t, p.admin, projectUuid, viewed, p.viewer.userUuid, 'admin');
    await getSpace(p.viewer, projectUuid, viewed).expect(200);
    await call(p.viewer, 'patch', spacePath(projectUuid, viewed), { name: 'Nope' }).expect(403);
    await call(p.viewer, 'post', `${spacePath(projectUuid, viewed)}/share`, { userUuid: p.member.userUuid, spaceRole: 'viewer' }).expect(403);

    // DESIGN step 2: a direct entry gives its role even without any project role
    const forMember = await createSpace(t, p.admin, projectUuid, { name: 'For member', isPrivate: true });
    await getSpace(p.member, projectUuid, forMember).expect(403);
    await shareSpace(t, p.admin, projectUuid, forMember, p.member.userUuid, 'viewer');
    await getSpace(p.member, projectUuid, forMember).expect(200);
    await call(p.member, 'get', `/projects/${projectUuid}/spaces`).expect(403); // the list needs project:view
  });

  it('space:manage: a space admin entry (with project interactive_viewer), or on a public space project editor alone', async () => {
    const { p, projectUuid } = await setup();
    const privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Private', isPrivate: true });
    const publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Public' });
    for (const space of [privateSpace, publicSpace]) await shareSpace(t, p.admin, projectUuid, space, p.interactive_viewer.userUuid, 'admin');
    await call(p.interactive_viewer, 'patch', spacePath(projectUuid, privateSpace), { name: 'Renamed private' }).expect(200);
    await call(p.interactive_viewer, 'post', `${spacePath(projectUuid, privateSpace)}/share`, { userUuid: p.member.userUuid, spaceRole: 'editor' }).expect(200);
    await call(p.interactive_viewer, 'patch', spacePath(projectUuid, publicSpace), { name: 'Renamed public' }).expect(200);
    // opening the private space to the whole project needs project editor
    await call(p.interactive_viewer, 'patch', spacePath(projectUuid, privateSpace), { name: 'Open', isPrivate: false }).expect(403);
    // a project editor or developer without an entry manages a public space (Lightdash's `manage Space@public`) …
    await call(p.editor, 'patch', spacePath(projectUuid, publicSpace), { name: 'Editor renames' }).expect(200);
    await call(p.developer, 'post', `${spacePath(projectUuid, publicSpace)}/share`, { userUuid: p.member.userUuid, spaceRole: 'viewer' }).expect(200);
    await call(p.editor, 'delete', `${spacePath(projectUuid, publicSpace)}/share/${p.member.userUuid}`).expect(200);
    const group = await createGroup(p.admin, [p.member]);
    await call(p.editor, 'post', `${spacePath(projectUuid, publicSpace)}/group/share`, { groupUuid: group, spaceRole: 'viewer' }).expect(200);
    await call(p.developer, 'delete', `${spacePath(projectUuid, publicSpace)}/group/share/${group}`).expect(200);
    // … even when a direct viewer entry lowers their space role there; not a private one, nor as a project viewer
    await shareSpace(t, p.admin, projectUuid, publicSpace, p.developer.userUuid, 'viewer');
    await call(p.developer, 'patch', spacePath(projectUuid, publicSpace), { name: 'Developer renames' }).expect(200);
    await call(p.editor, 'patch', spacePath(projectUuid, privateSpace), { name: 'No' }).expect(403);
    await call(p.viewer, 'patch', spacePath(projectUuid, publicSpace), { name: 'No' }).expect(403);
    // a project editor creates, a project interactive_viewer does not
    await call(p.interactive_viewer, 'post', `/projects/${projectUuid}/spaces`, { name: 'No' }).expect(403);
    // nesting needs space editor on the parent
    await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: privateSpace }).expect(403);
    await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: publicSpace }).expect(200);
    // (space:create-nested: a space viewer entry is not enough, an editor entry is)
    const nest = await createSpace(t, p.admin, projectUuid, { name: 'Nest', isPrivate: true });
    await shareSpace(t, p.admin, projectUuid, nest, p.editor.userUuid, 'viewer');
    await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: nest }).expect(403);
    await shareSpace(t, p.admin, projectUuid, nest, p.editor.userUuid, 'editor');
    await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: nest }).expect(200);
    await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'Inside', parentSpaceUuid: randomUUID() }).expect(404);
    // deleting: the space admin entry, or project editor on a public space
    await call(p.interactive_viewer, 'delete', spacePath(projectUuid, publicSpace)).expect(200);
    const another = await createSpace(t, p.admin, projectUuid, { name: 'Another public' });
    await call(p.interactive_viewer, 'delete', spacePath(projectUuid, another)).expect(403);
    await call(p.editor, 'delete', spacePath(projectUuid, another)).expect(200);
  });

  it('lists exactly the spaces GET allows, for every persona', async () => {
    const { p, projectUuid } = await setup();
    const group = await createGroup(p.admin, [p.member, p.viewer]);
    const publicRoot = await createSpace(t, p.admin, projectUuid, { name: 'Public root' });
    const publicNested = await createSpace(t, p.admin, projectUuid, { name: 'Public nested', parentSpaceUuid: publicRoot });
    const privateUnderPublic = await createSpace(t, p.admin, projectUuid, { name: 'Private under public', parentSpaceUuid: publicRoot, isPrivate: true });
    const privateRoot = await createSpace(t, p.admin, projectUuid, { name: 'Private root', isPrivate: true });
    const publicUnderPrivate = await createSpace(t, p.admin, projectUuid, { name: 'Public under private', parentSpaceUuid: privateRoot });
    const deep = await createSpace(t, p.admin, projectUuid, { name: 'Deep', parentSpaceUuid: publicUnderPrivate });
    const groupShared = await createSpace(t, p.admin, projectUuid, { name: 'Group shared', isPrivate: true });
    await createSpace(t, p.editor, projectUuid, { name: 'Editor own', isPrivate: true });
    await shareSpaceWithGroup(t, p.admin, projectUuid, groupShared, group, 'viewer');
    await shareSpace(t, p.admin, projectUuid, publicUnderPrivate, p.interactive_viewer.userUuid, 'editor');
    await shareSpace(t, p.admin, projectUuid, privateUnderPublic, p.developer.userUuid, 'viewer');
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');

    const everything = await listedUuids(p.admin, projectUuid);
    expect(everything).toHaveLength(8);
    const expected: Record<string, string[]> = {
      member: [publicRoot, publicNested, groupShared],
      viewer: [publicRoot, publicNested, groupShared],
      interactive_viewer: [publicRoot, publicNested, publicUnderPrivate, deep],
      developer: [publicRoot, publicNested, privateUnderPublic],
    };
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      const user = p[role];
      const allowed: string[] = [];
      for (const uuid of everything) if ((await getSpace(user, projectUuid, uuid)).status === 200) allowed.push(uuid);
      const listed = await listedUuids(user, projectUuid);
      expect([role, listed]).toEqual([role, allowed.sort()]);
      if (expected[role]) expect([role, listed]).toEqual([role, [...expected[role]].sort()]);
    }
  });

  it('answers the whole list whatever page and pageSize say (as Lightdash); GET /api/v2/content pages it, counted only where the caller may see', async () => {
    const { p, projectUuid } = await setup();
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Alpha' });
    for (const name of ['Beta', 'Gamma', 'Delta']) await createSpace(t, p.admin, projectUuid, { name, parentSpaceUuid: root });
    await createSpace(t, p.admin, projectUuid, { name: 'Epsilon' });
    const hidden = await createSpace(t, p.admin, projectUuid, { name: 'Hidden', isPrivate: true });
    await createSpace(t, p.admin, projectUuid, { name: 'Hidden child', parentSpaceUuid: hidden });

    const all = await listSpaces(p.member, projectUuid);
    expect(all.map((s: { path: string }) => s.path)).toEqual(['alpha', 'alpha.beta', 'alpha.delta', 'alpha.gamma', 'epsilon']);
    for (const query of ['page=1&pageSize=2', 'pageSize=2', 'page=0&pageSize=501']) {
      expect((await call(p.member, 'get', `/projects/${projectUuid}/spaces?${query}`).expect(200)).body.results).toEqual(all);
    }

    const uuids = (await listSpaces(p.admin, projectUuid)).map((s: { uuid: string }) => `uuids=${s.uuid}`).join('&');
    const page = (user: TestUser, n: number, size: number) =>
      call(user, 'get', `/api/v2/content?projectUuids=${projectUuid}&contentTypes=space&sortBy=name&sortDirection=asc&${uuids}&page=${n}&pageSize=${size}`).expect(200);
    const byName = [...all].sort((a, b) => a.name.localeCompare(b.name)).map((s: { uuid: string }) => s.uuid);
    const first = (await page(p.member, 1, 2)).body.results;
    expect(first.pagination).toEqual({ page: 1, pageSize: 2, totalPageCount: 3, totalResults: 5 });
    expect(first.data.map((s: { uuid: string }) => s.uuid)).toEqual(byName.slice(0, 2));
    const last = (await page(p.member, 3, 2)).body.results;
    expect(last.data.map((s: { uuid: string }) => s.uuid)).toEqual(byName.slice(4));
    expect((await page(p.member, 9, 2)).body.results).toEqual({ data: [], pagination: { page: 9, pageSize: 2, totalPageCount: 3, totalResults: 5 } });
    // the admin sees the private spaces too, and they are counted
    expect((await page(p.admin, 1, 500)).body.results.pagination.totalResults).toBe(7);

    for (const query of ['page=-1', 'pageSize=-2', 'pageSize=501', 'page=1000001']) {
      const refused = await call(p.member, 'get', `/api/v2/content?${query}`).expect(422);
      expect([query, refused.body.error.name]).toEqual([query, 'PaginationError']);
    }
    expect((await call(p.member, 'get', `/api/v2/content?page=one`).expect(422)).body.error.name).toBe('ValidateError');
  });

  it('decides a page of GET /api/v2/content with the same rules as the whole list: entries on any level, groups, private spaces below public ones', async () => {
    const { p, projectUuid } = await setup();
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');
    const group = await createGroup(p.admin, [p.member]);
    const otherGroup = await createGroup(p.admin, [p.viewer]);
    // a private root shared with the member's group, with a public child and a private grandchild
    const groupRoot = await createSpace(t, p.admin, projectUuid, { name: 'Group root', isPrivate: true });
    await shareSpaceWithGroup(t, p.admin, projectUuid, groupRoot, group, 'viewer');
    const groupChild = await createSpace(t, p.admin, projectUuid, { name: 'Group child', parentSpaceUuid: groupRoot });
    await createSpace(t, p.admin, projectUuid, { name: 'Group grandchild', parentSpaceUuid: groupChild, isPrivate: true });
    // a public root whose private third level is shared with the member directly, and a private sibling that is not
    const openRoot = await createSpace(t, p.admin, projectUuid, { name: 'Open root' });
    const openChild = await createSpace(t, p.admin, projectUuid, { name: 'Open child', parentSpaceUuid: openRoot });
    const sharedDeep = await createSpace(t, p.admin, projectUuid, { name: 'Shared deep', parentSpaceUuid: openChild, isPrivate: true });
    await shareSpace(t, p.admin, projectUuid, sharedDeep, p.member.userUuid, 'editor');
    await createSpace(t, p.admin, projectUuid, { name: 'Below shared deep', parentSpaceUuid: sharedDeep });
    await createSpace(t, p.admin, projectUuid, { name: 'Closed deep', parentSpaceUuid: openChild, isPrivate: true });
    // an entry on a public space reaches a private space below it
    const entryOnOpen = await createSpace(t, p.admin, projectUuid, { name: 'Entry on open' });
    await shareSpace(t, p.admin, projectUuid, entryOnOpen, p.member.userUuid, 'admin');
    await createSpace(t, p.admin, projectUuid, { name: 'Private under entry', parentSpaceUuid: entryOnOpen, isPrivate: true });
    // private spaces of other people's entries
    const foreign = await createSpace(t, p.admin, projectUuid, { name: 'Other group', isPrivate: true });
    await shareSpaceWithGroup(t, p.admin, projectUuid, foreign, otherGroup, 'editor');
    await shareSpace(t, p.admin, projectUuid, await createSpace(t, p.admin, projectUuid, { name: 'Other user', isPrivate: true }), p.viewer.userUuid, 'admin');

    const uuids = (await listSpaces(p.admin, projectUuid)).map((s: { uuid: string }) => `uuids=${s.uuid}`).join('&');
    for (const [user, visible] of [
      [p.member, 9],
      [p.viewer, 5],
      [p.admin, 12],
    ] as const) {
      const all = (await listSpaces(user, projectUuid)).map((s: { uuid: string }) => s.uuid).sort();
      expect(all).toHaveLength(visible);
      const pages: string[] = [];
      for (let n = 1; n <= 4; n += 1) {
        const { data, pagination } = (
          await call(user, 'get', `/api/v2/content?projectUuids=${projectUuid}&contentTypes=space&${uuids}&page=${n}&pageSize=4`).expect(200)
        ).body.results;
        expect(pagination).toEqual({ page: n, pageSize: 4, totalPageCount: Math.ceil(visible / 4), totalResults: visible });
        pages.push(...data.map((s: { uuid: string }) => s.uuid));
      }
      expect(pages.sort()).toEqual(all);
    }
  });

  it('gives a group with a project role the public spaces (via POST /groups/{g}/projects/{p})', async () => {
    const { p, projectUuid } = await setup();
    const publicSpace = await createSpace(t, p.admin, projectUuid, { name: 'Public' });
    const privateSpace = await createSpace(t, p.admin, projectUuid, { name: 'Private', isPrivate: true });
    const group = await createGroup(p.admin, [p.member]);
    await getSpace(p.member, projectUuid, publicSpace).expect(403);
    const granted = await call(p.admin, 'post', `/groups/${group}/projects/${projectUuid}`, { role: 'editor' });
    if (granted.status !== 200) {
      console.warn(`skipping the group project role case: POST /groups/{g}/projects/{p} answered ${granted.status}`);
      return;
    }
    await getSpace(p.member, projectUuid, publicSpace).expect(200);
    await getSpace(p.member, projectUuid, privateSpace).expect(403);
    expect(await listedUuids(p.member, projectUuid)).toEqual([publicSpace]);
    // projectRole counts the organization role and direct grants only, as Lightdash's; the group is where the role comes from
    const memberAccess = await userAccessIn(p.member, projectUuid, publicSpace);
    expect(memberAccess).toMatchObject({ role: 'editor', inheritedRole: 'editor', inheritedFrom: 'group', hasDirectAccess: false });
    expect(memberAccess).not.toHaveProperty('projectRole');
    await call(p.member, 'post', `/projects/${projectUuid}/spaces`, { name: 'Made by a group editor' }).expect(200);
  });

  it('shares only with members and groups of the organization; revoking is idempotent', async () => {
    const { p, projectUuid } = await setup();
    const other = await createOrganization(t, 'Other org');
    const otherGroup = await createGroup(other.admin, []);
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Shared', isPrivate: true });
    const share = `${spacePath(projectUuid, space)}/share`;
    // a user of another organization or no user at all: 404, as in Lightdash
    const outsiderShare = await call(p.admin, 'post', share, { userUuid: other.admin.userUuid, spaceRole: 'viewer' }).expect(404);
    expect(outsiderShare.body.error.name).toBe('NotFoundError');
    await call(p.admin, 'post', share, { userUuid: randomUUID(), spaceRole: 'viewer' }).expect(404);
    await call(p.admin, 'post', `${spacePath(projectUuid, space)}/group/share`, { groupUuid: otherGroup, spaceRole: 'viewer' }).expect(400);
    await call(p.admin, 'post', `${spacePath(projectUuid, space)}/group/share`, { groupUuid: randomUUID(), spaceRole: 'viewer' }).expect(400);
    const before = await listedUuids(p.admin, projectUuid);
    await call(p.admin, 'post', `/projects/${projectUuid}/spaces`, { name: 'With outsider', access: [{ userUuid: other.admin.userUuid, role: 'viewer' }] }).expect(404);
    expect(await listedUuids(p.admin, projectUuid)).toEqual(before);

    // initial shares, upsert, revoke
    const withAccess = (
      await call(p.editor, 'post', `/projects/${projectUuid}/spaces`, { name: 'With access', isPrivate: true, access: [{ userUuid: p.viewer.userUuid, role: 'viewer' }] }).expect(200)
    ).body.results;
    expect(withAccess.access.map((a: { userUuid: string; role: string }) => [a.userUuid, a.role]).sort()).toEqual(
      [
        [p.admin.userUuid, 'admin'], // the organization admin may open every space
        [p.editor.userUuid, 'admin'],
        [p.viewer.userUuid, 'viewer'],
      ].sort(),
    );
    await getSpace(p.viewer, projectUuid, withAccess.uuid).expect(200);
    await shareSpace(t, p.admin, projectUuid, space, p.viewer.userUuid, 'viewer');
    await shareSpace(t, p.admin, projectUuid, space, p.viewer.userUuid, 'editor');
    expect((await getSpace(p.admin, projectUuid, space)).body.results.access.find((a: { userUuid: string }) => a.userUuid === p.viewer.userUuid).role).toBe('editor');
    await getSpace(p.viewer, projectUuid, space).expect(200);
    expect((await call(p.admin, 'delete', `${share}/${p.viewer.userUuid}`).expect(200)).body).toEqual({ status: 'ok' });
    await getSpace(p.viewer, projectUuid, space).expect(403);
    await call(p.admin, 'delete', `${share}/${p.viewer.userUuid}`).expect(200);

    const group = await createGroup(p.admin, [p.developer]);
    await shareSpaceWithGroup(t, p.admin, projectUuid, space, group, 'viewer');
    await getSpace(p.developer, projectUuid, space).expect(200);
    await call(p.admin, 'delete', `${spacePath(projectUuid, space)}/group/share/${group}`).expect(200);
    await getSpace(p.developer, projectUuid, space).expect(403);
    await call(p.admin, 'delete', `${spacePath(projectUuid, space)}/group/share/${group}`).expect(200);

    // entries vanish with the membership
    const leaving = await addMember(t, p.org, 'viewer', 'Leaving');
    await shareSpace(t, p.admin, projectUuid, space, leaving.userUuid, 'viewer');
    await call(p.admin, 'delete', `/org/user/${leaving.userUuid}`).expect(200);
    expect((await getSpace(p.admin, projectUuid, space)).body.results.access.map((a: { userUuid: string }) => a.userUuid)).not.toContain(leaving.userUuid);
  });

  it("answers 404 to another organization's admin on every space route, and for a space of another project", async () => {
    const { p, projectUuid } = await setup();
    const space = await createSpace(t, p.admin, projectUuid, { name: 'Ours' });
    const group = await createGroup(p.admin, []);
    const other = await createOrganization(t, 'Intruders');
    const path = spacePath(projectUuid, space);
    const routes: [Method, string, object?][] = [
      ['get', `/projects/${projectUuid}/spaces`],
      ['post', `/projects/${projectUuid}/spaces`, { name: 'Intrusion' }],
      ['get', path],
      ['patch', path, { name: 'Hacked' }],
      ['delete', path],
      ['post', `${path}/share`, { userUuid: other.admin.userUuid, spaceRole: 'admin' }],
      ['delete', `${path}/share/${p.admin.userUuid}`],
      ['post', `${path}/group/share`, { groupUuid: group, spaceRole: 'admin' }],
      ['delete', `${path}/group/share/${group}`],
    ];
    for (const [method, route, body] of routes) {
      const res = await call(other.admin, method, route, body);
      expect([method, route, res.status]).toEqual([method, route, 404]);
    }
    // a space addressed through another project of the same organization
    const secondProject = await createProject(t, p.admin, 'Second');
    await getSpace(p.admin, secondProject, space).expect(404);
    await call(p.admin, 'delete', spacePath(secondProject, space)).expect(404);
    await call(p.admin, 'post', `/projects/${secondProject}/spaces`, { name: 'Cross', parentSpaceUuid: space }).expect(404);
    await getSpace(p.admin, projectUuid, space).expect(200);
  });

  it('deletes a space with its child spaces and their content (to the trash)', async () => {
    const { p, projectUuid } = await setup();
    const root = await createSpace(t, p.admin, projectUuid, { name: 'Root' });
    const child = await createSpace(t, p.admin, projectUuid, { name: 'Child', parentSpaceUuid: root });
    const grandchild = await createSpace(t, p.admin, projectUuid, { name: 'Grandchild', parentSpaceUuid: child, isPrivate: true });
    const sibling = await createSpace(t, p.admin, projectUuid, { name: 'Sibling' });
    const chart = await insertChart(projectUuid, grandchild, 'Deep chart');
    await insertDashboard(child, 'Child dashboard');
    await call(p.admin, 'delete', spacePath(projectUuid, child)).expect(200);
    for (const gone of [child, grandchild]) await getSpace(p.admin, projectUuid, gone).expect(404);
    await getSpace(p.admin, projectUuid, root).expect(200);
    expect(await listedUuids(p.admin, projectUuid)).toEqual([root, sibling].sort());
    // in the trash with the space (docs/content.md)
    const [{ trashed }] = await t.app.get(DataSource).query('SELECT deleted_at IS NOT NULL AS trashed FROM saved_charts WHERE saved_chart_uuid = $1', [chart]);
    expect(trashed).toBe(true);
    await call(p.admin, 'delete', spacePath(projectUuid, child)).expect(403); // already deleted (with its parent): 403, as in Lightdash
  });

  it('lists spaces in one SQL statement whatever the depth and number of groups', async () => {
    const { p, projectUuid } = await setup();
    await grantProjectRole(t, p.admin, projectUuid, p.member, 'viewer');
    let statements: string[] = [];
    const countStatements = async (run: () => Promise<unknown>) => {
      statements = await statementsDuring(t, run);
      return statements.filter((s) => /\bspaces\b/.test(s)).length;
    };
    // the database's answer every time, not the response cache's
    const listFromDatabase = async () =>
      (await call(p.member, 'get', `/projects/${projectUuid}/spaces`).set('Cache-Control', 'no-cache').expect(200)).body.results;

    await createSpace(t, p.admin, projectUuid, { name: 'Alone' });
    await listSpaces(p.member, projectUuid); // both counts then see the member's principal cached
    const small = await countStatements(listFromDatabase);
    const smallTotal = statements.length;

    let parent: string | undefined;
    for (let depth = 0; depth < 8; depth++) {
      parent = await createSpace(t, p.admin, projectUuid, { name: `Level ${depth}`, parentSpaceUuid: parent, isPrivate: depth % 3 === 1 });
    }
    for (let i = 0; i < 4; i++) {
      const group = await createGroup(p.admin, [p.member]);
      await shareSpaceWithGroup(t, p.admin, projectUuid, parent!, group, 'viewer');
    }
    const large = await countStatements(async () => {
      // Alone and Level 0 from the project role; Level 7 through the groups (Level 1 is private)
      const listed = await listFromDatabase();
      expect(listed.map((s: { name: string }) => s.name).sort()).toEqual(['Alone', 'Level 0', 'Level 7']);
    });
    expect(small).toBe(1);
    expect(large).toBe(1);
    expect(statements.length).toBe(smallTotal);
  });
});
