import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization, createPersonas } from '../support/organizations.js';
import { registerUser, uniqueEmail, type TestUser } from '../support/users.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function errorBody(statusCode: number, name: string, message: string) {
  return { status: 'error', error: { statusCode, name, message, data: {} } };
}
const NOT_FOUND = errorBody(404, 'NotFoundError', 'No group found');
const FORBIDDEN = errorBody(403, 'ForbiddenError', "You don't have access to this resource or action");
const NAME_TAKEN = errorBody(409, 'AlreadyExistsError', 'Group name already exists');
const INVALID_MEMBERS = errorBody(400, 'ParameterError', 'Some provided user UUIDs are invalid');
const OK = { status: 'ok' };

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Route = [Method, string, object?];

const MUTATING_ACTIONS = ['group.create', 'group.delete', 'group.member.add', 'group.member.remove', 'group.update'];

function member(user: TestUser, firstName: string) {
  return { userUuid: user.userUuid, email: user.email, firstName, lastName: 'Persona' };
}

describe('groups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  function call(user: TestUser | null, method: Method, path: string, body?: object) {
    const request = t.http()[method](`/api/v1${path}`);
    if (user) request.set('Cookie', user.cookie);
    return body === undefined ? request : request.send(body);
  }

  /** Every group route, with a body that would succeed for an admin. */
  function everyRoute(groupUuid: string, userUuid: string): Route[] {
    return [
      ['post', '/org/groups', { name: `Attempt ${randomUUID()}` }],
      ['get', `/groups/${groupUuid}`],
      ['patch', `/groups/${groupUuid}`, { name: 'Renamed by someone' }],
      ['delete', `/groups/${groupUuid}`],
      ['get', `/groups/${groupUuid}/members`],
      ['put', `/groups/${groupUuid}/members/${userUuid}`],
      ['delete', `/groups/${groupUuid}/members/${userUuid}`],
    ];
  }

  async function createGroup(user: TestUser, body: object) {
    const res = await call(user, 'post', '/org/groups', body);
    if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
    return res.body.results;
  }

  async function readGroup(user: TestUser, groupUuid: string) {
    return (await call(user, 'get', `/groups/${groupUuid}`).expect(200)).body.results;
  }

  async function groupCount(organizationUuid: string): Promise<number> {
    const [{ count }] = await t.app
      .get(DataSource)
      .query('SELECT count(*)::int AS count FROM groups g JOIN organizations o USING (organization_id) WHERE o.organization_uuid = $1', [organizationUuid]);
    return count;
  }

  async function auditRows(organizationUuid: string) {
    return t.app
      .get(DataSource)
      .query(
        `SELECT action, outcome, status_code AS "statusCode", target_type AS "targetType", target_uuid AS "targetUuid", actor_user_uuid AS "actorUserUuid", details
         FROM audit_logs WHERE organization_uuid = $1 AND action LIKE 'group.%' ORDER BY audit_log_id`,
        [organizationUuid],
      ) as Promise<{ action: string; outcome: string; statusCode: number | null; targetType: string; targetUuid: string | null; actorUserUuid: string; details: Record<string, unknown> }[]>;
  }

  it('creates a group with members, description and icon, and serves it on every route', async () => {
    const org = await createOrganization(t);
    const [alice, bob] = [await addMember(t, org, 'editor', 'Alice'), await addMember(t, org, 'viewer', 'Bob')];

    const created = await call(org.admin, 'post', '/org/groups', {
      name: '  Data Stewards  ',
      description: 'Keep the docs up to date.',
      icon: '🧪',
      members: [{ userUuid: bob.userUuid }, { userUuid: alice.userUuid }, { userUuid: bob.userUuid }],
    }).expect(201);
    const group = created.body.results;
    expect(created.body).toEqual({
      status: 'ok',
      results: {
        uuid: expect.stringMatching(UUID),
        name: 'Data Stewards',
        description: 'Keep the docs up to date.',
        icon: '🧪',
        createdAt: expect.stringMatching(ISO_DATE),
        createdByUserUuid: org.admin.userUuid,
        updatedAt: expect.stringMatching(ISO_DATE),
        updatedByUserUuid: null,
        organizationUuid: org.organizationUuid,
        members: [member(alice, 'Alice'), member(bob, 'Bob')],
        memberUuids: [alice.userUuid, bob.userUuid],
      },
    });

    expect((await call(org.admin, 'get', `/groups/${group.uuid}`).expect(200)).body).toEqual({ status: 'ok', results: group });
    expect((await call(org.admin, 'get', `/groups/${group.uuid}/members`).expect(200)).body).toEqual({
      status: 'ok',
      results: [member(alice, 'Alice'), member(bob, 'Bob')],
    });
    const { members: _members, memberUuids: _memberUuids, ...plainGroup } = group;
    expect((await call(org.admin, 'get', '/org/groups').expect(200)).body).toEqual({ status: 'ok', results: { data: [plainGroup] } });

    // add: 201 with a body, then 204 without one; remove: 200, then 204
    const carol = await addMember(t, org, 'member', 'Carol');
    expect((await call(org.admin, 'put', `/groups/${group.uuid}/members/${carol.userUuid}`).expect(201)).body).toEqual(OK);
    const again = await call(org.admin, 'put', `/groups/${group.uuid}/members/${carol.userUuid}`).expect(204);
    expect(again.text).toBe('');
    expect((await readGroup(org.admin, group.uuid)).memberUuids).toEqual([alice.userUuid, bob.userUuid, carol.userUuid]);

    expect((await call(org.admin, 'delete', `/groups/${group.uuid}/members/${alice.userUuid}`).expect(200)).body).toEqual(OK);
    const removedAgain = await call(org.admin, 'delete', `/groups/${group.uuid}/members/${alice.userUuid}`).expect(204);
    expect(removedAgain.text).toBe('');
    // a user who was never in the organization: nothing to remove
    expect((await call(org.admin, 'delete', `/groups/${group.uuid}/members/${randomUUID()}`).expect(204)).text).toBe('');
    expect((await readGroup(org.admin, group.uuid)).members).toEqual([member(bob, 'Bob'), member(carol, 'Carol')]);

    expect((await call(org.admin, 'delete', `/groups/${group.uuid}`).expect(200)).body).toEqual(OK);
    expect((await call(org.admin, 'get', `/groups/${group.uuid}`).expect(404)).body).toEqual(NOT_FOUND);
    expect((await call(org.admin, 'get', `/groups/${group.uuid}/members`).expect(404)).body).toEqual(NOT_FOUND);
    expect((await call(org.admin, 'delete', `/groups/${group.uuid}`).expect(404)).body).toEqual(NOT_FOUND);
    expect((await call(org.admin, 'get', '/org/groups').expect(200)).body).toEqual({ status: 'ok', results: { data: [] } });

    const audit = await auditRows(org.organizationUuid);
    expect(audit.filter((row) => row.outcome === 'success').map(({ action, targetType, targetUuid, actorUserUuid, details }) => ({ action, targetType, targetUuid, actorUserUuid, details }))).toEqual([
      { action: 'group.create', targetType: 'group', targetUuid: group.uuid, actorUserUuid: org.admin.userUuid, details: { name: 'Data Stewards', memberCount: 2 } },
      {
        action: 'group.member.add',
        targetType: 'group',
        targetUuid: group.uuid,
        actorUserUuid: org.admin.userUuid,
        details: { name: 'Data Stewards', userUuid: carol.userUuid, email: carol.email },
      },
      {
        action: 'group.member.remove',
        targetType: 'group',
        targetUuid: group.uuid,
        actorUserUuid: org.admin.userUuid,
        details: { name: 'Data Stewards', userUuid: alice.userUuid, email: alice.email },
      },
      { action: 'group.delete', targetType: 'group', targetUuid: group.uuid, actorUserUuid: org.admin.userUuid, details: { name: 'Data Stewards', memberCount: 2 } },
    ]);
    // the second delete of the group was refused
    expect(audit.filter((row) => row.outcome !== 'success').map(({ action, outcome, statusCode }) => ({ action, outcome, statusCode }))).toEqual([
      { action: 'group.delete', outcome: 'failed', statusCode: 404 },
    ]);
  });

  it('writes the group list (JSON built by PostgreSQL) byte for byte as JSON.stringify writes each group read alone', async () => {
    const org = await createOrganization(t);
    const member = await addMember(t, org, 'member');
    const awkward = 'Quotes " backslash \\ tab \t newline \n bell \u0007 accents é emoji 🧪 \u2028';
    const first = await createGroup(org.admin, { name: awkward, description: awkward, icon: '🧪', members: [{ userUuid: member.userUuid }] });
    const second = await createGroup(org.admin, { name: 'Plain' });
    await call(org.admin, 'patch', `/groups/${second.uuid}`, { description: 'now changed' }).expect(200);

    for (const includeMembers of [undefined, 1, 0]) {
      const query = includeMembers === undefined ? '' : `&includeMembers=${includeMembers}`;
      const res = await call(org.admin, 'get', `/org/groups?page=1&pageSize=10${query}`).expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const expected = await Promise.all(
        [first, second].map(async ({ uuid }) => {
          const { members, memberUuids, ...group } = await readGroup(org.admin, uuid);
          if (includeMembers === undefined) return group;
          const listed = members.slice(0, includeMembers).map((m: object) => ({ ...m, groupUuid: uuid }));
          return { ...group, members: listed, memberUuids };
        }),
      );
      const pagination = { page: 1, pageSize: 10, totalPageCount: 1, totalResults: 2 };
      expect(res.text).toBe(JSON.stringify({ status: 'ok', results: { data: expected, pagination } }));
    }
    // a page past the end, and no page at all
    expect((await call(org.admin, 'get', '/org/groups?page=3&pageSize=10').expect(200)).text).toBe(
      JSON.stringify({ status: 'ok', results: { data: [], pagination: { page: 3, pageSize: 10, totalPageCount: 1, totalResults: 2 } } }),
    );
    expect(JSON.parse((await call(org.admin, 'get', '/org/groups').expect(200)).text).results).toEqual({ data: expect.any(Array) });
  });

  it('creates a group without optional fields, with null description and icon and no members', async () => {
    const org = await createOrganization(t);
    const group = await createGroup(org.admin, { name: 'Bare' });
    expect(group).toMatchObject({ name: 'Bare', description: null, icon: null, members: [], memberUuids: [] });
    expect((await call(org.admin, 'get', `/groups/${group.uuid}/members`).expect(200)).body).toEqual({ status: 'ok', results: [] });
  });

  it('accepts pending invitees as members, and accepts emoji sequences as icons', async () => {
    const org = await createOrganization(t);
    const email = uniqueEmail('pending');
    const invite = await call(org.admin, 'post', '/invite-links', { email, role: 'viewer' }).expect(201);
    const pendingUuid: string = invite.body.results.userUuid;

    const group = await createGroup(org.admin, { name: 'Newcomers', icon: '👩🏽‍💻', members: [{ userUuid: pendingUuid }] });
    expect(group.icon).toBe('👩🏽‍💻');
    // the 32-character limit counts characters, not UTF-16 code units
    expect((await createGroup(org.admin, { name: 'Smiles', icon: '😀'.repeat(32) })).icon).toBe('😀'.repeat(32));
    expect(group.members).toEqual([{ userUuid: pendingUuid, email, firstName: '', lastName: '' }]);
  });

  it('updates only the fields given, clears description and icon with null, and replaces the members', async () => {
    const org = await createOrganization(t);
    const secondAdmin = await addMember(t, org, 'admin', 'Second');
    const [alice, bob, carol] = [await addMember(t, org, 'editor', 'Alice'), await addMember(t, org, 'viewer', 'Bob'), await addMember(t, org, 'member', 'Carol')];
    const group = await createGroup(org.admin, {
      name: 'Analysts',
      description: 'Ask us anything',
      icon: '📊',
      members: [{ userUuid: alice.userUuid }, { userUuid: bob.userUuid }],
    });

    const renamed = await call(secondAdmin, 'patch', `/groups/${group.uuid}`, { name: '  Data Analysts ' }).expect(200);
    expect(renamed.body).toEqual({
      status: 'ok',
      results: { ...group, name: 'Data Analysts', updatedAt: expect.stringMatching(ISO_DATE), updatedByUserUuid: secondAdmin.userUuid },
    });
    expect(new Date(renamed.body.results.updatedAt).getTime()).toBeGreaterThan(new Date(group.updatedAt).getTime());
    expect(await readGroup(org.admin, group.uuid)).toEqual(renamed.body.results);

    const cleared = (await call(org.admin, 'patch', `/groups/${group.uuid}`, { description: null, icon: null }).expect(200)).body.results;
    expect(cleared).toMatchObject({ name: 'Data Analysts', description: null, icon: null, memberUuids: [alice.userUuid, bob.userUuid] });

    const iconOnly = (await call(org.admin, 'patch', `/groups/${group.uuid}`, { icon: '🚀' }).expect(200)).body.results;
    expect(iconOnly).toMatchObject({ name: 'Data Analysts', description: null, icon: '🚀' });

    const replaced = (await call(org.admin, 'patch', `/groups/${group.uuid}`, { members: [{ userUuid: carol.userUuid }, { userUuid: bob.userUuid }] }).expect(200))
      .body.results;
    expect(replaced).toMatchObject({ name: 'Data Analysts', icon: '🚀', members: [member(bob, 'Bob'), member(carol, 'Carol')] });
    expect(replaced.memberUuids).toEqual([bob.userUuid, carol.userUuid]);

    const emptied = (await call(org.admin, 'patch', `/groups/${group.uuid}`, { members: [] }).expect(200)).body.results;
    expect(emptied).toMatchObject({ members: [], memberUuids: [] });

    // renaming to the same name in another case is not a duplicate of itself
    expect((await call(org.admin, 'patch', `/groups/${group.uuid}`, { name: 'DATA ANALYSTS' }).expect(200)).body.results.name).toBe('DATA ANALYSTS');

    const updates = (await auditRows(org.organizationUuid)).filter((row) => row.action === 'group.update');
    expect(updates.map((row) => [row.outcome, row.details])).toEqual([
      ['success', { name: 'Data Analysts', changes: { name: { from: 'Analysts', to: 'Data Analysts' } } }],
      ['success', { name: 'Data Analysts', changes: { description: { from: 'Ask us anything', to: null }, icon: { from: '📊', to: null } } }],
      ['success', { name: 'Data Analysts', changes: { icon: { from: null, to: '🚀' } } }],
      ['success', { name: 'Data Analysts', changes: {}, memberCount: 2, membersAdded: 1, membersRemoved: 1 }],
      ['success', { name: 'Data Analysts', changes: {}, memberCount: 0, membersAdded: 0, membersRemoved: 2 }],
      ['success', { name: 'DATA ANALYSTS', changes: { name: { from: 'Data Analysts', to: 'DATA ANALYSTS' } } }],
    ]);
  });

  it('refuses a duplicate name, after trimming and ignoring case, on create and on rename', async () => {
    const org = await createOrganization(t);
    const first = await createGroup(org.admin, { name: 'Finance' });
    const second = await createGroup(org.admin, { name: 'Marketing' });

    expect((await call(org.admin, 'post', '/org/groups', { name: '  fINANCE ' }).expect(409)).body).toEqual(NAME_TAKEN);
    expect((await call(org.admin, 'patch', `/groups/${second.uuid}`, { name: ' finance', icon: '💸' }).expect(409)).body).toEqual(NAME_TAKEN);
    expect(await readGroup(org.admin, second.uuid)).toEqual(second);
    expect(await groupCount(org.organizationUuid)).toBe(2);

    // names are unique per organization only
    const other = await createOrganization(t);
    expect((await createGroup(other.admin, { name: 'Finance' })).name).toBe('Finance');
    expect(await readGroup(org.admin, first.uuid)).toEqual(first);

    const refusals = (await auditRows(org.organizationUuid)).filter((row) => row.outcome !== 'success');
    expect(refusals.map(({ action, outcome, statusCode, targetUuid }) => ({ action, outcome, statusCode, targetUuid }))).toEqual([
      { action: 'group.create', outcome: 'failed', statusCode: 409, targetUuid: null },
      { action: 'group.update', outcome: 'failed', statusCode: 409, targetUuid: second.uuid },
    ]);
  });

  it('answers exactly one 201 and 409 for the others when the same name is created concurrently', async () => {
    const org = await createOrganization(t);
    for (const round of [1, 2, 3]) {
      const spellings = [`Race ${round}`, ` race ${round}`, `RACE ${round} `, `rAcE ${round}`];
      const results = await Promise.all(spellings.map((name) => call(org.admin, 'post', '/org/groups', { name })));
      expect(results.map((res) => res.status).sort()).toEqual([201, 409, 409, 409]);
      for (const res of results.filter((r) => r.status === 409)) expect(res.body).toEqual(NAME_TAKEN);
    }
    expect(await groupCount(org.organizationUuid)).toBe(3);
  });

  it('paginates in creation order with totals that add up, filters with searchQuery, and escapes LIKE wildcards', async () => {
    const org = await createOrganization(t);
    const teamNames = ['Team 07', 'team 03', 'Team 01', 'Team 05', 'TEAM 02', 'Team 06', 'Team 04'];
    for (const name of teamNames) await createGroup(org.admin, { name });
    await createGroup(org.admin, { name: '100% Done' });
    await createGroup(org.admin, { name: 'Other_1' });
    await createGroup(org.admin, { name: 'Otherx1' });

    const pages = [];
    for (const page of [1, 2, 3]) {
      const res = await call(org.admin, 'get', `/org/groups?searchQuery=team&page=${page}&pageSize=3`).expect(200);
      expect(res.body.results.pagination).toEqual({ page, pageSize: 3, totalPageCount: 3, totalResults: 7 });
      pages.push(res.body.results.data.map((group: { name: string }) => group.name));
    }
    expect(pages).toEqual([
      ['Team 07', 'team 03', 'Team 01'],
      ['Team 05', 'TEAM 02', 'Team 06'],
      ['Team 04'],
    ]);
    const beyond = await call(org.admin, 'get', '/org/groups?searchQuery=team&page=4&pageSize=3').expect(200);
    expect(beyond.body.results).toEqual({ data: [], pagination: { page: 4, pageSize: 3, totalPageCount: 3, totalResults: 7 } });

    const all = await call(org.admin, 'get', '/org/groups?page=1&pageSize=100').expect(200);
    expect(all.body.results.pagination).toEqual({ page: 1, pageSize: 100, totalPageCount: 1, totalResults: 10 });
    expect((await call(org.admin, 'get', '/org/groups').expect(200)).body.results.data).toHaveLength(10);

    const percent = await call(org.admin, 'get', `/org/groups?searchQuery=${encodeURIComponent('%')}`).expect(200);
    expect(percent.body.results.data.map((group: { name: string }) => group.name)).toEqual(['100% Done']);
    const underscore = await call(org.admin, 'get', '/org/groups?searchQuery=r_1').expect(200);
    expect(underscore.body.results.data.map((group: { name: string }) => group.name)).toEqual(['Other_1']);

    // page=0 (or pageSize=0) means "no paging", as Lightdash; negative numbers are refused
    expect((await call(org.admin, 'get', '/org/groups?page=0&pageSize=3').expect(200)).body.results).toEqual({ data: expect.any(Array) });
    expect((await call(org.admin, 'get', '/org/groups?page=0&pageSize=3').expect(200)).body.results.data).toHaveLength(10);
    expect((await call(org.admin, 'get', '/org/groups?page=-1&pageSize=3').expect(422)).body.error.name).toBe('PaginationError');
    expect((await call(org.admin, 'get', '/org/groups?page=1&pageSize=-3').expect(422)).body.error.name).toBe('PaginationError');
  });

  it("lists every group the way the Terraform provider pages: Go's %f numbers, until an empty page", async () => {
    const org = await createOrganization(t);
    const created = [];
    for (const name of ['Zeta', 'alpha', 'Mid']) created.push((await createGroup(org.admin, { name })).uuid);
    const firstCall = await call(org.admin, 'get', '/org/groups?page=0.000000&pageSize=100.000000&includeMembers=0.000000&searchQuery=').expect(200);
    expect(firstCall.body.results.data.map((group: { uuid: string }) => group.uuid)).toEqual(created);
    const seen: string[] = [];
    for (let page = 1; page < 10; page++) {
      const res = await call(org.admin, 'get', `/org/groups?page=${page.toFixed(6)}&pageSize=${(2).toFixed(6)}&includeMembers=0.000000&searchQuery=`).expect(200);
      if (res.body.results.data.length === 0) break;
      expect(res.body.results.pagination).toEqual({ page, pageSize: 2, totalPageCount: 2, totalResults: 3 });
      seen.push(...res.body.results.data.map((group: { uuid: string }) => group.uuid));
    }
    expect(seen).toEqual(created);
    for (const query of ['page=1.5&pageSize=2', 'page=one&pageSize=2', 'page=1&pageSize=Infinity']) {
      expect((await call(org.admin, 'get', `/org/groups?${query}`).expect(422)).body.error.name).toBe('ValidateError');
    }
  });

  it('accepts any page size and any page number, bounding the work', async () => {
    const org = await createOrganization(t);
    for (const name of ['One', 'Two']) await createGroup(org.admin, { name });
    const huge = await call(org.admin, 'get', '/org/groups?page=1&pageSize=100000000').expect(200);
    expect(huge.body.results).toEqual({ data: [expect.objectContaining({ name: 'One' }), expect.objectContaining({ name: 'Two' })], pagination: { page: 1, pageSize: 5000, totalPageCount: 1, totalResults: 2 } });
    for (const page of ['1000001', '100000000000000000', '1e300']) {
      const far = await call(org.admin, 'get', `/org/groups?page=${page}&pageSize=500`).expect(200);
      expect(far.body.results).toEqual({ data: [], pagination: { page: Number(page), pageSize: 500, totalPageCount: 1, totalResults: 2 } });
    }
  });

  it('limits members with includeMembers (and offset on one group) while memberUuids lists them all', async () => {
    const org = await createOrganization(t);
    const [alice, bob, carol] = [await addMember(t, org, 'editor', 'Alice'), await addMember(t, org, 'viewer', 'Bob'), await addMember(t, org, 'member', 'Carol')];
    const everyone = [member(alice, 'Alice'), member(bob, 'Bob'), member(carol, 'Carol')];
    const allUuids = [alice.userUuid, bob.userUuid, carol.userUuid];
    const big = await createGroup(org.admin, { name: 'Big', members: [{ userUuid: carol.userUuid }, { userUuid: alice.userUuid }, { userUuid: bob.userUuid }] });
    const empty = await createGroup(org.admin, { name: 'Empty' });

    const limited = (await call(org.admin, 'get', '/org/groups?includeMembers=2').expect(200)).body.results;
    expect(limited).toEqual({
      data: [
        // the list, as Lightdash's, names each member's group; a single group's read does not
        { ...big, members: everyone.slice(0, 2).map((m) => ({ ...m, groupUuid: big.uuid })), memberUuids: allUuids },
        { ...empty, members: [], memberUuids: [] },
      ],
    });
    const none = (await call(org.admin, 'get', '/org/groups?includeMembers=0&page=1&pageSize=1').expect(200)).body.results;
    expect(none).toEqual({ data: [{ ...big, members: [], memberUuids: allUuids }], pagination: { page: 1, pageSize: 1, totalPageCount: 2, totalResults: 2 } });
    const plain = (await call(org.admin, 'get', '/org/groups').expect(200)).body.results.data[0];
    expect(Object.keys(plain)).not.toContain('members');
    expect(Object.keys(plain)).not.toContain('memberUuids');

    expect((await call(org.admin, 'get', `/groups/${big.uuid}?includeMembers=1&offset=1`).expect(200)).body.results).toEqual({
      ...big,
      members: [everyone[1]],
      memberUuids: allUuids,
    });
    expect((await call(org.admin, 'get', `/groups/${big.uuid}?offset=2`).expect(200)).body.results.members).toEqual([everyone[2]]);
    expect((await call(org.admin, 'get', `/groups/${big.uuid}?includeMembers=0`).expect(200)).body.results.members).toEqual([]);
    expect((await call(org.admin, 'get', `/groups/${big.uuid}`).expect(200)).body.results.members).toEqual(everyone);

    // counts beyond PostgreSQL's integers are beyond every group's size: all members, or none past the offset
    for (const huge of ['2147483648', '99999999999', '1e300']) {
      expect((await call(org.admin, 'get', `/org/groups?includeMembers=${huge}`).expect(200)).body.results).toEqual({
        data: [
          { ...big, members: everyone.map((m) => ({ ...m, groupUuid: big.uuid })), memberUuids: allUuids },
          { ...empty, members: [], memberUuids: [] },
        ],
      });
      expect((await call(org.admin, 'get', `/groups/${big.uuid}?includeMembers=${huge}&offset=1`).expect(200)).body.results.members).toEqual(everyone.slice(1));
      expect((await call(org.admin, 'get', `/groups/${big.uuid}?includeMembers=${huge}&offset=${huge}`).expect(200)).body.results.members).toEqual([]);
    }

    for (const query of ['includeMembers=-1', 'includeMembers=two', 'includeMembers=1.5']) {
      expect((await call(org.admin, 'get', `/org/groups?${query}`).expect(422)).body.error).toMatchObject({ name: 'ValidateError', data: { includeMembers: expect.any(Object) } });
    }
    expect((await call(org.admin, 'get', `/groups/${big.uuid}?offset=-1`).expect(422)).body.error.data).toHaveProperty('offset');
  });

  it('refuses every route but the list to every role below admin, and changes nothing; the list is an empty page (as Lightdash)', async () => {
    const personas = await createPersonas(t);
    const { admin } = personas;
    const group = await createGroup(admin, { name: 'Secret Club', members: [{ userUuid: personas.editor.userUuid }] });
    const before = await readGroup(admin, group.uuid);

    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      for (const [method, path, body] of everyRoute(group.uuid, personas.viewer.userUuid)) {
        const res = await call(personas[role], method, path, body);
        expect({ role, method, path, status: res.status, body: res.body }).toEqual({ role, method, path, status: 403, body: FORBIDDEN });
      }
      // removing someone who is a member is refused just the same
      expect((await call(personas[role], 'delete', `/groups/${group.uuid}/members/${personas.editor.userUuid}`).expect(403)).body).toEqual(FORBIDDEN);
      expect((await call(personas[role], 'get', '/org/groups?includeMembers=10').expect(200)).body.results).toEqual({ data: [] });
      expect((await call(personas[role], 'get', '/org/groups?page=1&pageSize=10').expect(200)).body.results).toEqual({
        data: [],
        pagination: { page: 1, pageSize: 10, totalPageCount: 0, totalResults: 0 },
      });
    }
    expect((await call(admin, 'get', '/org/groups').expect(200)).body.results.data).toHaveLength(1);
    expect(await readGroup(admin, group.uuid)).toEqual(before);
    expect(await groupCount(personas.organizationUuid)).toBe(1);

    const denied = (await auditRows(personas.organizationUuid)).filter((row) => row.outcome === 'denied');
    expect(denied.every((row) => row.statusCode === 403)).toBe(true);
    const deniedPerAction = Object.fromEntries(MUTATING_ACTIONS.map((action) => [action, denied.filter((row) => row.action === action).length]));
    expect(deniedPerAction).toEqual({ 'group.create': 5, 'group.delete': 5, 'group.member.add': 5, 'group.member.remove': 10, 'group.update': 5 });
    expect(denied.find((row) => row.action === 'group.update')).toMatchObject({ targetType: 'group', targetUuid: group.uuid });
  });

  it('answers 404 to an admin of another organization on every group route, and hides the group from their list', async () => {
    const org = await createOrganization(t);
    const alice = await addMember(t, org, 'editor', 'Alice');
    const group = await createGroup(org.admin, { name: 'Ours', members: [{ userUuid: alice.userUuid }] });
    const before = await readGroup(org.admin, group.uuid);
    const outsider = await createOrganization(t);
    const outsiderGroup = await createGroup(outsider.admin, { name: 'Theirs' });

    for (const [method, path, body] of everyRoute(group.uuid, alice.userUuid).filter(([, path]) => path.startsWith('/groups/'))) {
      const res = await call(outsider.admin, method, path, body);
      expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 404, body: NOT_FOUND });
    }
    // a group uuid that exists nowhere answers the same
    expect((await call(outsider.admin, 'get', `/groups/${randomUUID()}`).expect(404)).body).toEqual(NOT_FOUND);

    const listed = (await call(outsider.admin, 'get', '/org/groups?includeMembers=10').expect(200)).body.results.data;
    expect(listed.map((g: { uuid: string }) => g.uuid)).toEqual([outsiderGroup.uuid]);
    // nor can the owner see the outsider's group
    expect((await call(org.admin, 'get', `/groups/${outsiderGroup.uuid}`).expect(404)).body).toEqual(NOT_FOUND);

    expect(await readGroup(org.admin, group.uuid)).toEqual(before);
    expect((await auditRows(org.organizationUuid)).filter((row) => row.outcome !== 'success')).toEqual([]);
    const refusals = (await auditRows(outsider.organizationUuid)).filter((row) => row.outcome !== 'success');
    expect(refusals.map(({ action, outcome, statusCode }) => `${action} ${outcome} ${statusCode}`).sort()).toEqual([
      'group.delete failed 404',
      'group.member.add failed 404',
      'group.member.remove failed 404',
      'group.update failed 404',
    ]);
  });

  it('refuses users outside the organization as members (400) on create and update, ignores them on add (204, as Lightdash), and changes nothing', async () => {
    const org = await createOrganization(t);
    const alice = await addMember(t, org, 'editor', 'Alice');
    const other = await createOrganization(t);
    const foreigner = await addMember(t, other, 'viewer', 'Foreigner');
    const loner = await registerUser(t); // in no organization
    const group = await createGroup(org.admin, { name: 'Insiders', description: 'ours', members: [{ userUuid: alice.userUuid }] });
    const before = await readGroup(org.admin, group.uuid);

    for (const outsider of [foreigner.userUuid, other.admin.userUuid, loner.userUuid, randomUUID()]) {
      const created = await call(org.admin, 'post', '/org/groups', { name: 'Mixed', members: [{ userUuid: alice.userUuid }, { userUuid: outsider }] }).expect(400);
      expect(created.body).toEqual(INVALID_MEMBERS);
      const updated = await call(org.admin, 'patch', `/groups/${group.uuid}`, { name: 'Changed', members: [{ userUuid: outsider }] }).expect(400);
      expect(updated.body).toEqual(INVALID_MEMBERS);
      // as Lightdash: adding a non-member changes nothing and answers like "already a member"
      const added = await call(org.admin, 'put', `/groups/${group.uuid}/members/${outsider}`).expect(204);
      expect(added.text).toBe('');
    }
    expect(await readGroup(org.admin, group.uuid)).toEqual(before);
    expect(await groupCount(org.organizationUuid)).toBe(1);
    expect((await readGroup(other.admin, (await createGroup(other.admin, { name: 'Mixed' })).uuid)).members).toEqual([]);

    const refusals = (await auditRows(org.organizationUuid)).filter((row) => row.outcome !== 'success');
    expect(refusals).toHaveLength(8);
    expect(new Set(refusals.map(({ outcome, statusCode }) => `${outcome} ${statusCode}`))).toEqual(new Set(['failed 400']));
    expect(refusals.slice(0, 2).map((row) => row.action)).toEqual(['group.create', 'group.update']);
  });

  it('validates bodies, queries and path parameters with 422', async () => {
    const org = await createOrganization(t);
    const group = await createGroup(org.admin, { name: 'Valid' });
    const before = await readGroup(org.admin, group.uuid);

    const missingName = await call(org.admin, 'post', '/org/groups', { description: 'no name' }).expect(422);
    expect(missingName.body).toEqual({
      status: 'error',
      error: { statusCode: 422, name: 'ValidateError', message: '', data: { 'body.name': { message: "'name' is required" } } },
    });
    const cases: [Method, string, object, string][] = [
      ['post', '/org/groups', { name: '   ' }, 'body.name'],
      ['post', '/org/groups', { name: 'x'.repeat(256) }, 'body.name'],
      ['post', '/org/groups', { name: 42 }, 'body.name'],
      ['post', '/org/groups', { name: 'Icon', icon: 'abc' }, 'body.icon'],
      ['post', '/org/groups', { name: 'Icon', icon: '😀'.repeat(33) }, 'body.icon'],
      ['post', '/org/groups', { name: 'Description', description: 'x'.repeat(1001) }, 'body.description'],
      ['post', '/org/groups', { name: 'Members', members: [{ userUuid: 'not-a-uuid' }] }, 'body.members.0.userUuid'],
      ['post', '/org/groups', { name: 'Members', members: 'everyone' }, 'body.members'],
      ['post', '/org/groups', { name: 'Members', members: Array.from({ length: 1001 }, () => ({ userUuid: randomUUID() })) }, 'body.members'],
      ['patch', `/groups/${group.uuid}`, { name: null }, 'body.name'],
      ['patch', `/groups/${group.uuid}`, { name: '' }, 'body.name'],
      ['patch', `/groups/${group.uuid}`, { members: null }, 'body.members'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(org.admin, method, path, body);
      expect({ body, status: res.status, name: res.body.error?.name, fields: Object.keys(res.body.error?.data ?? {}) }).toEqual({
        body,
        status: 422,
        name: 'ValidateError',
        fields: [field],
      });
    }

    for (const [method, path] of [
      ['get', '/groups/not-a-uuid'],
      ['patch', '/groups/not-a-uuid'],
      ['delete', '/groups/not-a-uuid'],
      ['get', '/groups/not-a-uuid/members'],
      ['put', `/groups/not-a-uuid/members/${org.admin.userUuid}`],
      ['delete', `/groups/not-a-uuid/members/${org.admin.userUuid}`],
    ] as [Method, string][]) {
      const res = await call(org.admin, method, path, method === 'patch' ? { name: 'x' } : undefined);
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 422,
        error: { statusCode: 422, name: 'ValidateError', message: '', data: { groupUuid: expect.objectContaining({ value: 'not-a-uuid' }) } },
      });
    }
    for (const method of ['put', 'delete'] as const) {
      const res = await call(org.admin, method, `/groups/${group.uuid}/members/not-a-uuid`).expect(422);
      expect(res.body.error).toEqual({ statusCode: 422, name: 'ValidateError', message: '', data: { userUuid: expect.objectContaining({ value: 'not-a-uuid' }) } });
    }

    expect(await readGroup(org.admin, group.uuid)).toEqual(before);
    expect(await groupCount(org.organizationUuid)).toBe(1);
    const refusals = (await auditRows(org.organizationUuid)).filter((row) => row.outcome !== 'success');
    expect(new Set(refusals.map((row) => `${row.outcome} ${row.statusCode}`))).toEqual(new Set(['failed 422']));
    expect(refusals.filter((row) => row.action === 'group.create')).toHaveLength(cases.filter(([method]) => method === 'post').length + 1);
  });

  it('drops unknown properties of a group and of its member entries', async () => {
    const org = await createOrganization(t);
    const alice = await addMember(t, org, 'editor', 'Alice');
    const created = await call(org.admin, 'post', '/org/groups', { name: 'Extra', foo: 1, members: [{ userUuid: alice.userUuid, role: 'admin' }] }).expect(201);
    expect(created.body.results).not.toHaveProperty('foo');
    const group = await readGroup(org.admin, created.body.results.uuid);
    expect(group.members).toEqual([expect.objectContaining({ userUuid: alice.userUuid })]);
    // an unknown uuid in a PATCH cannot change the group's identity: the PATCH changes nothing but the stamp
    await call(org.admin, 'patch', `/groups/${group.uuid}`, { uuid: randomUUID() }).expect(200);
    expect(await readGroup(org.admin, group.uuid)).toEqual({ ...group, updatedAt: expect.any(String), updatedByUserUuid: org.admin.userUuid });
  });

  it('answers 401 on every route without credentials', async () => {
    const org = await createOrganization(t);
    const group = await createGroup(org.admin, { name: 'Private' });
    for (const [method, path, body] of everyRoute(group.uuid, org.admin.userUuid)) {
      const res = await call(null, method, path, body);
      expect({ method, path, status: res.status, name: res.body.error?.name }).toEqual({ method, path, status: 401, name: 'AuthorizationError' });
    }
    expect(await readGroup(org.admin, group.uuid)).toEqual(group);
  });

  it('removes a member from every group when they leave the organization', async () => {
    const org = await createOrganization(t);
    const [alice, bob] = [await addMember(t, org, 'editor', 'Alice'), await addMember(t, org, 'viewer', 'Bob')];
    const pendingUuid: string = (await call(org.admin, 'post', '/invite-links', { email: uniqueEmail('pending') }).expect(201)).body.results.userUuid;
    const first = await createGroup(org.admin, { name: 'First', members: [{ userUuid: alice.userUuid }, { userUuid: bob.userUuid }, { userUuid: pendingUuid }] });
    const second = await createGroup(org.admin, { name: 'Second', members: [{ userUuid: alice.userUuid }] });

    await call(org.admin, 'delete', `/org/user/${alice.userUuid}`).expect(200);
    await call(org.admin, 'delete', `/org/user/${pendingUuid}`).expect(200);

    expect((await readGroup(org.admin, first.uuid)).memberUuids).toEqual([bob.userUuid]);
    expect((await readGroup(org.admin, second.uuid)).memberUuids).toEqual([]);
    // and cannot be added back while outside the organization
    await call(org.admin, 'put', `/groups/${second.uuid}/members/${alice.userUuid}`).expect(204);
    expect((await readGroup(org.admin, second.uuid)).memberUuids).toEqual([]);
  });

  it('does not add a member who leaves the organization while being added (the foreign key decides): 204 for add, 400 for create', async () => {
    const org = await createOrganization(t);
    const group = await createGroup(org.admin, { name: 'Racing' });
    const dataSource = t.app.get(DataSource);

    async function whileLeaving(leaver: TestUser, request: () => Promise<{ status: number; body: unknown }>) {
      const leaving = dataSource.createQueryRunner();
      await leaving.connect();
      try {
        await leaving.startTransaction();
        await leaving.query('DELETE FROM organization_memberships WHERE user_id = (SELECT user_id FROM users WHERE user_uuid = $1)', [leaver.userUuid]);
        const inFlight = request();
        // the request has read the member (the removal is not committed yet) and waits on the foreign key check
        for (let waited = 0; ; waited += 20) {
          const [{ waiting }] = await dataSource.query('SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted');
          if (waiting > 0) break;
          if (waited > 5000) throw new Error('the request never waited on the removal');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await leaving.commitTransaction();
        return await inFlight;
      } finally {
        await leaving.release();
      }
    }

    const alice = await addMember(t, org, 'viewer', 'Alice');
    const added = await whileLeaving(alice, () => call(org.admin, 'put', `/groups/${group.uuid}/members/${alice.userUuid}`).then((res) => res));
    expect(added.status).toBe(204);

    const bob = await addMember(t, org, 'viewer', 'Bob');
    const created = await whileLeaving(bob, () => call(org.admin, 'post', '/org/groups', { name: 'Late', members: [{ userUuid: bob.userUuid }] }).then((res) => res));
    expect({ status: created.status, body: created.body }).toEqual({ status: 400, body: INVALID_MEMBERS });

    expect(await groupCount(org.organizationUuid)).toBe(1);
    expect((await readGroup(org.admin, group.uuid)).memberUuids).toEqual([]);
  });

  it('documents the routes in the OpenAPI document under their tags', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    expect(doc.paths['/api/v1/org/groups'].post).toMatchObject({ operationId: 'CreateGroupInOrganization', tags: ['Organizations'], 'x-permission': 'groups:manage' });
    expect(doc.paths['/api/v1/org/groups'].get).toMatchObject({ operationId: 'ListGroupsInOrganization', tags: ['Organizations'], 'x-permission': 'organization:view' });
    expect(doc.paths['/api/v1/groups/{groupUuid}/members/{userUuid}'].put).toMatchObject({ operationId: 'addUserToGroup', tags: ['User Groups'] });
    expect(doc.components.schemas.GroupWithMembersDto.properties.icon).toMatchObject({ example: '🧪', nullable: true });
  });
});
