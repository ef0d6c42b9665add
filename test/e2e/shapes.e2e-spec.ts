import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadShapeFile, responseDifferences, type ObservedResponse } from '../support/shapes.js';
import { sessionCookie, uniqueEmail, type TestUser } from '../support/users.js';

/**
 * The shape test (issue 14): one realistic scenario driven through the API, every response compared
 * with what a real Lightdash 1.219.0 returned for the same call (test/fixtures/lightdash-1.219-shapes.json,
 * a copy of the shared reference): status, envelope, error name, and for successes every key with its
 * JSON type, null versus absent. Calls are named by the reference's route key and case, and the
 * concrete path is the key with its placeholders ({p}, {sPub}, {u.viewer}, …) filled in.
 *
 * DESIGN §8's deliberate differences are applied by the comparison (test/support/shapes.ts): 404 for
 * another organization's object, a 4xx where the reference answers 500, the JSON 401 envelope.
 * DESIGN §8's additions are in DELIBERATE_DIFFERENCES. Everything else that still differs is listed in
 * KNOWN_DIFFERENCES, with the part of the work that owns it; an entry that no longer matches a
 * difference fails the test, so the list only shrinks.
 * docs/compatibility.md explains the whole arrangement.
 */

/** Differences the comparison tolerates, each with who owns it and why. */
interface Allowance {
  /** the reference's route keys it applies to */
  routes: RegExp;
  /** the differences it covers, matched against the "path: what" lines of the comparison */
  matches: RegExp;
  owner: string;
  why: string;
}

/**
 * Deliberate differences (docs/compatibility.md): DESIGN §8's additions (§8.1–§8.3 are applied by the
 * comparison itself), keys that a real client requires although the reference leaves them out, and
 * issue 13's security decision on invites.
 */
const DELIBERATE_DIFFERENCES: Allowance[] = [
  { routes: /groups/, matches: /\.(description|icon): not in the reference/, owner: 'DESIGN §8.8', why: 'group description and icon are our additions' },
  {
    routes: /dashboards|saved|spaces/,
    matches: /^\$(\[\]|\.childSpaces\[\])?\.isPrivate: not in the reference/,
    owner: 'lightdash-client-python',
    why: 'its SavedChart, Dashboard, Space and SpaceSummary models require isPrivate (test/e2e/client-shapes.e2e-spec.ts)',
  },
  {
    routes: /dashboards/,
    matches: /^\$(\[\])?\.config: missing$/,
    owner: 'lightdash-client-python',
    why: 'the reference answers config null when unset, which the client cannot read; we leave the key out (issue 14)',
  },
  {
    routes: /^GET \/api\/v1\/org\/projects$/,
    matches: /^\$\[\]\.requireUserCredentials: not in the reference/,
    owner: 'lightdash-client-python',
    why: 'its OrganizationProject model requires requireUserCredentials (issue 14)',
  },
  {
    routes: /^GET \/api\/v1\/projects\/\{p\}\/spaces$/,
    matches: /^\$\[\]\.userAccess\.(firstName|lastName|email): not in the reference/,
    owner: 'lightdash-client-python',
    why: "its SpaceSummary's SpaceShare requires firstName, lastName and email (issue 14)",
  },
  {
    routes: /^GET \/api\/v1\/projects\/\{p\}\/dataCatalog$/,
    matches: /^\$\[\]\.joinedTables(\[\]: expected string, got object|: expected "null"\|\["string"\], got array)$/,
    owner: 'lightdash-client-python',
    why: "its get_catalog reads joinedTables as join objects; the reference sends the joined tables' names (issue 14)",
  },
  {
    routes: /^GET \/api\/v2\/(orgs\/\{org\}|projects\/\{p\})\/roles\/assignments\/(user|group)\/\{[^}]+\}\/set$/,
    matches: /^status: expected 403, got (200|404 NotFoundError)/,
    owner: 'DESIGN §8.7',
    why: "the reference's open-source build refuses every role-set route (403, no licence); we serve them as its licensed build does (404: no direct project access)",
  },
  {
    routes: /^POST \/api\/v1\/invite-links$/,
    matches: /^status: expected 400, got 201$/,
    owner: 'issue 13 (security)',
    why: "an email that has an account in another organization is invited like a new one, so invites are no cross-tenant email oracle; the reference refuses it with 400",
  },
];

/**
 * Differences still open, owned by another part of issue 14. Remove an entry when its cause is
 * fixed: the second test fails for an entry that no longer matches anything.
 */
const KNOWN_DIFFERENCES: Allowance[] = [
  // none open (docs/compatibility.md#known-differences-still-open)
];

/**
 * Reference routes we serve but this scenario does not call, each with the reason. The coverage
 * test below fails for a served route that is neither called nor listed here.
 */
const NOT_CALLED: Record<string, string> = {
  'GET /api/v1/projects/{p}/spaces/code': 'the reference\'s spaces-as-code export, which we do not serve; listed because our /spaces/:spaceUuid matches its path',
};

const reference = loadShapeFile();

/** Served routes, from the reviewed listing (test/e2e/route-permissions.txt): "METHOD /path/:param". */
function servedRoutePatterns(): RegExp[] {
  const listing = fs.readFileSync(path.resolve('test/e2e/route-permissions.txt'), 'utf8');
  return listing
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [method, route] = line.trim().split(/\s+/);
      const pattern = route
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      return new RegExp(`^${method} ${pattern}$`);
    });
}

function isServed(routeKey: string, patterns: RegExp[]): boolean {
  const concrete = routeKey.replace(/\{[^}]+\}/g, 'x');
  return patterns.some((pattern) => pattern.test(concrete));
}

interface Observation {
  route: string;
  case: string;
  response: ObservedResponse;
  otherOrganization: boolean;
}

describe('response shapes match Lightdash 1.219', () => {
  let t: TestApp;
  const observations: Observation[] = [];
  const ids: Record<string, string> = {};

  function resolvePath(routeKey: string): { method: string; url: string } {
    const [method, template] = routeKey.split(' ');
    const url = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = ids[name];
      if (value === undefined) throw new Error(`no value for {${name}} in ${routeKey}`);
      return encodeURIComponent(value);
    });
    return { method, url };
  }

  interface CallOptions {
    as?: TestUser | { token: string } | null;
    body?: unknown;
    query?: Record<string, string | number | boolean>;
    /** a query string as sent (for repeated parameters) */
    rawQuery?: string;
    rawBody?: string;
    otherOrganization?: boolean;
  }

  /** Calls the route as the reference's key names it, records the answer for the comparison, returns the parsed body. */
  async function call(routeKey: string, caseName: string, options: CallOptions = {}): Promise<{ status: number; body: any; headers: Record<string, any> }> {
    if (!reference.routes[routeKey]) throw new Error(`the reference has no route ${routeKey}`);
    if (!reference.routes[routeKey].calls.some((c) => c.case === caseName)) throw new Error(`the reference has no case "${caseName}" for ${routeKey}`);
    const { method, url: path } = resolvePath(routeKey);
    const url = options.rawQuery ? `${path}?${options.rawQuery}` : path;
    let req = t.http()[method.toLowerCase() as 'get'](url);
    if (options.query) req = req.query(options.query);
    const as = options.as === undefined ? admin : options.as;
    if (as && 'cookie' in as) req = req.set('Cookie', as.cookie);
    else if (as && 'token' in as) req = req.set('Authorization', `ApiKey ${as.token}`);
    if (options.rawBody !== undefined) req = req.set('content-type', 'application/json').send(options.rawBody);
    else if (options.body !== undefined) req = req.send(options.body as object);
    const res = await req;
    let body: unknown;
    if (res.text) {
      try {
        body = JSON.parse(res.text);
      } catch {
        body = undefined;
      }
    }
    observations.push({ route: routeKey, case: caseName, response: { status: res.status, body }, otherOrganization: !!options.otherOrganization });
    return { status: res.status, body, headers: res.headers };
  }

  async function expectOk(routeKey: string, caseName: string, options: CallOptions = {}): Promise<any> {
    const res = await call(routeKey, caseName, options);
    if (res.status >= 300) throw new Error(`${routeKey} (${caseName}) answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body?.results;
  }

  let admin: TestUser;
  const users: Record<string, TestUser> = {};

  async function register(firstName: string): Promise<TestUser> {
    const email = uniqueEmail(firstName.toLowerCase());
    const res = await t.http().post('/api/v1/user').send({ firstName, lastName: 'Persona', email, password: 'password1' });
    if (res.status !== 200) throw new Error(`registration failed: ${res.text}`);
    return { userUuid: res.body.results.userUuid, email, password: 'password1', cookie: sessionCookie(res.headers['set-cookie']), body: res.body.results };
  }

  async function activate(inviteCode: string, email: string, firstName: string): Promise<TestUser> {
    const res = await t.http().post('/api/v1/user').send({ inviteCode, firstName, lastName: 'Persona', password: 'password1' });
    if (res.status !== 200) throw new Error(`activation failed: ${res.text}`);
    return { userUuid: res.body.results.userUuid, email, password: 'password1', cookie: sessionCookie(res.headers['set-cookie']), body: res.body.results };
  }

  beforeAll(async () => {
    t = await createTestApp();
    await runScenario();
  }, 120_000);
  afterAll(async () => t.close());

  async function runScenario(): Promise<void> {
    // --- health, registration, login, the organization
    await call('GET /api/v1/health', '', { as: null });
    await call('GET /api/v1/no-such-route', 'unknown route', { as: null });
    await call('GET /api/v1/org', 'no credentials', { as: null });
    await call('GET /api/v1/user', 'no credentials', { as: null });

    const adminEmail = uniqueEmail('admin');
    const registered = await call('POST /api/v1/user', 'register admin', { as: null, body: { firstName: 'Ada', lastName: 'Admin', email: adminEmail, password: 'password1' } });
    admin = { userUuid: registered.body.results.userUuid, email: adminEmail, password: 'password1', cookie: sessionCookie(registered.headers['set-cookie']), body: registered.body.results };
    await call('POST /api/v1/user', 'email already registered', { as: null, body: { firstName: 'Ada', lastName: 'Again', email: adminEmail, password: 'password1' } });
    await call('POST /api/v1/user', 'weak password', { as: null, body: { firstName: 'Weak', lastName: 'Password', email: uniqueEmail('weak'), password: 'short' } });
    await call('POST /api/v1/user', 'unknown invite code', { as: null, body: { inviteCode: 'no-such-invite-code-at-all', firstName: 'No', lastName: 'Invite', password: 'password1' } });
    await call('GET /api/v1/user', 'before organization');
    await call('GET /api/v1/org', 'before organization');

    await call('PUT /api/v1/org', '', { body: { name: 'Shape Org' } });
    await call('PUT /api/v1/org', 'second organization for the same user', { body: { name: 'Second Org' } });
    await call('PATCH /api/v1/org', '', { body: { name: 'Shape Org Renamed' } });
    await call('POST /api/v1/login', 'unknown user', { as: null, body: { email: uniqueEmail('nobody'), password: 'password1' } });
    await call('POST /api/v1/login', 'wrong password', { as: null, body: { email: adminEmail, password: 'wrong-password' } });
    // logged in again once the organization exists
    const login = await call('POST /api/v1/login', '', { as: null, body: { email: adminEmail, password: 'password1' } });
    admin.cookie = sessionCookie(login.headers['set-cookie']);
    const org = await expectOk('GET /api/v1/org', '');
    ids.org = org.organizationUuid;
    await call('GET /api/v1/user', 'with organization');

    // --- personal access tokens
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const pat1 = await expectOk('POST /api/v1/user/me/personal-access-tokens', '', { body: { description: 'first', expiresAt, autoGenerated: false } });
    const pat2 = await expectOk('POST /api/v1/user/me/personal-access-tokens', 'second token', { body: { description: 'second', expiresAt, autoGenerated: false } });
    const pat3 = await expectOk('POST /api/v1/user/me/personal-access-tokens', 'third token', { body: { description: 'third', expiresAt, autoGenerated: false } });
    ids.pat2Uuid = pat2.uuid;
    ids.pat3Uuid = pat3.uuid;
    // each token used once, so each has a lastUsedAt
    for (const pat of [pat1, pat2, pat3]) await t.http().get('/api/v1/user').set('Authorization', `ApiKey ${pat.token}`).expect(200);
    await call('GET /api/v1/user/me/personal-access-tokens', '');
    await call('PATCH /api/v1/user/me/personal-access-tokens/{pat2Uuid}/rotate', '', { body: { expiresAt } });
    await call('DELETE /api/v1/user/me/personal-access-tokens/{pat3Uuid}', '');
    await call('GET /api/v1/user/me/personal-access-tokens', 'after rotate and delete');
    const token = { token: pat1.token as string };
    await call('GET /api/v1/org', 'personal access token', { as: token });
    await call('GET /api/v1/user', 'personal access token', { as: token });

    // --- the user's own settings
    await call('GET /api/v1/user/login-options', '', { as: null, query: { email: adminEmail } });
    await call('GET /api/v1/user/login-options', 'no email', { as: null });
    await call('PATCH /api/v1/user/me', '', { body: { firstName: 'Ada', lastName: 'Admin' } });
    await call('PUT /api/v1/user/me/email/otp', '');
    await call('GET /api/v1/user/me/email/status', '');
    await call('GET /api/v1/user/me/allowedOrganizations', '');
    await call('GET /api/v1/user/warehouseCredentials', 'empty');
    const whc = await expectOk('POST /api/v1/user/warehouseCredentials', '', { body: { name: 'My login', credentials: { type: 'postgres', user: 'ada', password: 'secret-1' } } });
    ids.whc = whc.uuid;
    await call('PATCH /api/v1/user/warehouseCredentials/{whc}', '', { body: { name: 'My login', credentials: { type: 'postgres', user: 'ada', password: 'secret-2' } } });
    await call('GET /api/v1/user/warehouseCredentials', '');

    // --- invites and members
    const invites: Record<string, { code: string; email: string }> = {};
    const invitees: [string, string][] = [
      ['member', 'member'],
      ['viewer', 'viewer'],
      ['interactive_viewer', 'interactive_viewer'],
      ['editor', 'editor'],
      ['developer', 'developer'],
      ['admin2', 'admin'],
      ['projEditor', 'member'],
      ['groupViewer', 'member'],
      ['groupEditor', 'member'],
      ['grantee', 'member'],
      ['leaver', 'viewer'],
      ['quitter', 'member'],
    ];
    for (const [name, role] of invitees) {
      const email = uniqueEmail(name.toLowerCase().replace('_', '-'));
      const invite = await expectOk('POST /api/v1/invite-links', `invite ${name} as ${role}`, { body: { email, role } });
      invites[name] = { code: invite.inviteCode, email };
    }
    ids.inv_member = invites.member.code;
    await call('GET /api/v1/invite-links/{inv_member}', '', { as: null });
    for (const [name] of invitees) users[name] = await activate(invites[name].code, invites[name].email, name);
    await call('GET /api/v1/invite-links/{inv_member}', 'used code', { as: null });
    await call('GET /api/v1/invite-links/not-a-code', 'unknown code', { as: null });
    await call('POST /api/v1/invite-links', 'invite an existing member', { body: { email: users.viewer.email, role: 'viewer' } });
    const pending = await expectOk('POST /api/v1/invite-links', 'invite (stays pending)', { body: { email: uniqueEmail('pending'), role: 'member' } });
    ids.inv_pending = pending.inviteCode;
    await call('POST /api/v1/invite-links', 'invite with no role', { body: { email: uniqueEmail('norole') } });
    await call('POST /api/v1/invite-links', 'missing email', { body: { role: 'member' } });

    const outsider = await register('Outsider');
    await t.http().put('/api/v1/org').set('Cookie', outsider.cookie).send({ name: 'Other Org' }).expect(200);
    users.outsider = outsider;
    const outsiderInvite = await call('POST /api/v1/invite-links', 'invite a user of another organization', { body: { email: outsider.email, role: 'member' } });
    // we invite such an email like a new one (DELIBERATE_DIFFERENCES); the pending member goes again, so the
    // outsider is no member here for the rest of the scenario, as in the reference
    if (outsiderInvite.status === 201) await t.http().delete(`/api/v1/org/user/${outsiderInvite.body.results.userUuid}`).set('Cookie', admin.cookie).expect(200);
    for (const [name, user] of Object.entries(users)) {
      ids[`u.${name}`] = user.userUuid;
      ids[`email.${name}`] = user.email;
    }
    ids['u.admin'] = admin.userUuid;
    ids['email.admin'] = admin.email;

    await call('GET /api/v1/org/users', '');
    await call('GET /api/v1/org/users', '', { query: { includeGroups: 10 } });
    await call('GET /api/v1/org/users', '', { query: { page: 1, pageSize: 5 } });
    await call('GET /api/v1/org/users', 'with pending invites');
    await call('GET /api/v1/org/users', 'page 0', { query: { page: 0, pageSize: 5 } });
    await call('GET /api/v1/org/users', 'huge pageSize', { query: { page: 1, pageSize: 100000 } });
    await call('GET /api/v1/org/users/{u.viewer}', '');
    await call('GET /api/v1/org/users/email/{email.viewer}', '');
    await call('GET /api/v1/org/users/00000000-0000-4000-8000-000000000000', 'unknown user');
    await call('GET /api/v1/org/users/not-a-uuid', 'malformed uuid');
    await call('GET /api/v1/org/users/email/not-an-email', 'malformed email');
    await call('GET /api/v1/org/users/email/{email.outsider}', 'user of another organization');
    await call('PATCH /api/v1/org/users/{u.leaver}', '', { body: { role: 'member' } });
    await call('PATCH /api/v1/org/users/{u.admin}', 'own role, unchanged', { body: { role: 'admin' } });
    await call('PATCH /api/v1/org/users/{u.viewer}', 'same role', { body: { role: 'viewer' } });
    await call('PATCH /api/v1/org/users/{u.viewer}', 'unknown role', { body: { role: 'superuser' } });
    await call('DELETE /api/v1/org/user/{u.leaver}', '');
    await call('GET /api/v1/org/users/{u.leaver}', 'removed member');
    await call('GET /api/v1/org/allowedEmailDomains', '');
    await call('PATCH /api/v1/org/allowedEmailDomains', '', { body: { emailDomains: [`shapes-${Date.now()}.example.org`], role: 'viewer', projects: [] } });
    await call('GET /api/v1/org/allowedEmailDomains', 'after update');
    await call('PATCH /api/v1/org/allowedEmailDomains', 'public mail provider', { body: { emailDomains: ['gmail.com'], role: 'viewer', projects: [] } });

    // --- groups
    await call('GET /api/v1/org/groups', 'empty');
    const gView = await expectOk('POST /api/v1/org/groups', 'with a member', { body: { name: 'Viewers', members: [{ userUuid: users.groupViewer.userUuid }] } });
    const gEdit = await expectOk('POST /api/v1/org/groups', 'no members', { body: { name: 'Editors' } });
    const gAux = await expectOk('POST /api/v1/org/groups', 'aux', { body: { name: 'Aux' } });
    const gTemp = await expectOk('POST /api/v1/org/groups', 'temp', { body: { name: 'Temp' } });
    await call('POST /api/v1/org/groups', 'duplicate name', { body: { name: 'Viewers' } });
    await call('POST /api/v1/org/groups', 'unknown body property', { body: { name: 'Extra', colour: 'green' } });
    await call('POST /api/v1/org/groups', 'malformed JSON', { rawBody: '{"name": ' });
    Object.assign(ids, { gView: gView.uuid, gEdit: gEdit.uuid, gAux: gAux.uuid, gTemp: gTemp.uuid });
    await call('GET /api/v1/org/groups', '');
    await call('GET /api/v1/org/groups', '', { query: { includeMembers: 10 } });
    await call('GET /api/v1/org/groups', '', { query: { page: 1, pageSize: 10 } });
    await call('GET /api/v1/groups/{gView}', '');
    await call('GET /api/v1/groups/{gView}', '', { query: { includeMembers: 10 } });
    await call('GET /api/v1/groups/{gView}/members', '');
    await call('PUT /api/v1/groups/{gEdit}/members/{u.groupEditor}', 'add');
    await call('PUT /api/v1/groups/{gEdit}/members/{u.groupEditor}', 'already a member');
    await call('PUT /api/v1/groups/{gTemp}/members/{u.viewer}', 'add');
    await call('DELETE /api/v1/groups/{gTemp}/members/{u.viewer}', 'remove');
    await call('DELETE /api/v1/groups/{gTemp}/members/{u.viewer}', 'not a member');
    await call('PUT /api/v1/groups/{gTemp}/members/{u.outsider}', 'user of another organization');
    await call('PATCH /api/v1/groups/{gTemp}', 'rename', { body: { name: 'Temporary' } });
    await call('PATCH /api/v1/groups/{gTemp}', 'replace members', { body: { members: [{ userUuid: users.member.userUuid }] } });
    await call('PATCH /api/v1/groups/{gTemp}', 'rename to an existing name', { body: { name: 'Viewers' } });
    await call('DELETE /api/v1/groups/{gTemp}', '');
    await call('DELETE /api/v1/groups/{gTemp}', 'already deleted');
    await call('GET /api/v1/groups/{gTemp}', 'deleted');
    await call('GET /api/v1/groups/00000000-0000-4000-8000-000000000000', 'unknown group');

    // --- projects and access
    await call('GET /api/v1/org/projects', 'none yet');
    const warehouseConnection = { type: 'postgres', host: 'warehouse.internal', port: 5432, user: 'lightdash', password: 'warehouse-secret', dbname: 'analytics', schema: 'public', sslmode: 'prefer' };
    const projectBody = (name: string) => ({ name, type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' }, warehouseConnection });
    const project = await expectOk('POST /api/v1/org/projects', '', { body: projectBody('Shop') });
    ids.p = project.project.projectUuid;
    const temp = await expectOk('POST /api/v1/org/projects', 'to delete', { body: projectBody('Temp') });
    ids.pTemp = temp.project.projectUuid;
    // Listed before the project without a warehouse connection exists: Lightdash leaves such a
    // project's warehouseType out (ProjectModel.getAllByOrganizationUuid: undefined when no
    // connection), as we do, and every item of the reference's list had one, so its list did not
    // hold that project
    await call('GET /api/v1/org/projects', '');
    await call('POST /api/v1/org/projects', 'no warehouse connection', { body: { name: 'No warehouse', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' } } });
    await call('GET /api/v1/projects/{p}', '');
    await call('GET /api/v1/projects/{p}', 'personal access token', { as: token });
    await call('PATCH /api/v1/projects/{p}', 'same settings', { body: projectBody('Shop') });
    const { password: _password, ...warehouseWithoutPassword } = warehouseConnection;
    await call('PATCH /api/v1/projects/{p}', 'warehouse without password', { body: { ...projectBody('Shop'), warehouseConnection: warehouseWithoutPassword } });
    await call('GET /api/v1/projects/not-a-uuid', 'malformed uuid in path');
    await call('GET /api/v1/projects/00000000-0000-4000-8000-000000000000', 'unknown project');
    const otherProject = await t.http().post('/api/v1/org/projects').set('Cookie', outsider.cookie).send(projectBody('Other')).expect(200);
    ids.p2 = otherProject.body.results.project.projectUuid;
    await call('GET /api/v1/projects/{p2}', "another organization's project", { otherOrganization: true });

    await call('POST /api/v1/projects/{p}/access', 'projEditor as editor', { body: { email: users.projEditor.email, role: 'editor', sendEmail: false } });
    await call('POST /api/v1/projects/{p}/access', 'temp grant', { body: { email: users.grantee.email, role: 'viewer', sendEmail: false } });
    await call('POST /api/v1/projects/{p}/access', 'second grant for the same user', { body: { email: users.grantee.email, role: 'editor', sendEmail: false } });
    await call('POST /api/v1/projects/{p}/access', 'user of another organization', { body: { email: outsider.email, role: 'viewer', sendEmail: false } });
    await call('POST /api/v1/projects/{p}/access', 'unknown email', { body: { email: uniqueEmail('unknown'), role: 'viewer', sendEmail: false } });
    await call('GET /api/v1/projects/{p}/access', '');
    await call('GET /api/v1/projects/{p}/user/{u.projEditor}', '');
    await call('GET /api/v1/projects/{p}/user/{u.viewer}', 'org role only, no direct grant');
    await call('PATCH /api/v1/projects/{p}/access/{u.grantee}', '', { body: { role: 'editor' } });
    await call('PATCH /api/v1/projects/{p}/access/{u.viewer}', 'no grant to change', { body: { role: 'editor' } });
    await call('DELETE /api/v1/projects/{p}/access/{u.grantee}', '');
    await call('DELETE /api/v1/projects/{p}/access/{u.grantee}', 'no grant left');
    await call('POST /api/v1/groups/{gView}/projects/{p}', '', { body: { role: 'viewer' } });
    await call('POST /api/v1/groups/{gEdit}/projects/{p}', '', { body: { role: 'viewer' } });
    await call('PATCH /api/v1/groups/{gEdit}/projects/{p}', '', { body: { role: 'editor' } });
    await call('POST /api/v1/groups/{gAux}/projects/{p}', '', { body: { role: 'viewer' } });
    await call('POST /api/v1/groups/{gAux}/projects/{p}', 'already granted', { body: { role: 'viewer' } });
    await call('GET /api/v1/projects/{p}/groupAccesses', '');
    await call('DELETE /api/v1/groups/{gAux}/projects/{p}', '');
    await call('DELETE /api/v1/groups/{gAux}/projects/{p}', 'no grant left');
    await call('POST /api/v1/groups/{gAux}/projects/{p2}', "other organization's project", { body: { role: 'viewer' }, otherOrganization: true });

    await call('GET /api/v1/projects/{p}/user-credentials', 'probe', { as: users.viewer });
    await call('PATCH /api/v1/projects/{p}/user-credentials/{whc}', '');
    await call('GET /api/v1/projects/{p}/user-credentials', 'after choosing');

    // --- spaces
    await call('GET /api/v1/projects/{p}/spaces', 'new project');
    const space = async (caseName: string, body: Record<string, unknown>) => (await expectOk('POST /api/v1/projects/{p}/spaces', caseName, { body })).uuid as string;
    // the project's default space "Shared" (the unknown uuid when the project has none)
    ids.sDefault = (await t.http().get(`/api/v1/projects/${ids.p}/spaces`).set('Cookie', admin.cookie)).body.results[0]?.uuid ?? '00000000-0000-4000-8000-000000000000';
    ids.sRootDefault = await space('root, no privacy given', { name: 'Root default' });
    ids.sPub = await space('public root', { name: 'Public', inheritParentPermissions: true });
    ids.sPriv = await space('private root', { name: 'Private', inheritParentPermissions: false });
    ids.sPubChild = await space('child of public, no privacy given', { name: 'Public child', parentSpaceUuid: ids.sPub });
    ids.sPrivChild = await space('private child of public', { name: 'Private child', parentSpaceUuid: ids.sPub, inheritParentPermissions: false });
    ids.sPrivGrand = await space('inheriting child of private', { name: 'Private grandchild', parentSpaceUuid: ids.sPrivChild, inheritParentPermissions: true });
    ids.sAccess = await space('private root with access list', { name: 'With access', inheritParentPermissions: false, access: [{ userUuid: users.editor.userUuid, role: 'editor' }] });
    ids.sTemp = await space('temp', { name: 'Temp', inheritParentPermissions: true });
    ids.sTempPub = await space('temp, stays public', { name: 'Temp public', inheritParentPermissions: true });
    await space('legacy isPrivate flag', { name: 'Legacy', isPrivate: true });
    await call('POST /api/v1/projects/{p}/spaces', 'parent in another project', { body: { name: 'Orphan', parentSpaceUuid: (await t.http().get(`/api/v1/projects/${ids.p2}/spaces`).set('Cookie', outsider.cookie)).body.results[0]?.uuid ?? '00000000-0000-4000-8000-000000000000' } });
    await call('POST /api/v1/projects/{p}/spaces', 'missing name', { body: {} });
    await call('POST /api/v1/projects/{p}/spaces', 'name is a number', { body: { name: 42 } });
    await call('POST /api/v1/projects/{p}/spaces/{sPriv}/share', 'viewer as viewer', { body: { userUuid: users.viewer.userUuid, spaceRole: 'viewer' } });
    await call('POST /api/v1/projects/{p}/spaces/{sPriv}/group/share', 'Viewers group as editor', { body: { groupUuid: ids.gView, spaceRole: 'editor' } });
    await call('POST /api/v1/projects/{p}/spaces/{sPrivChild}/share', 'projEditor as viewer', { body: { userUuid: users.projEditor.userUuid, spaceRole: 'viewer' } });
    await call('POST /api/v1/projects/{p}/spaces/{sTemp}/share', 'member as editor', { body: { userUuid: users.member.userUuid, spaceRole: 'editor' } });
    await call('POST /api/v1/projects/{p}/spaces/{sTemp}/share', 'user of another organization', { body: { userUuid: outsider.userUuid, spaceRole: 'editor' } });
    await call('GET /api/v1/projects/{p}/spaces/{sTemp}', 'shared with member');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}/share/{u.member}', '');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}/share/{u.member}', 'not shared');
    await call('POST /api/v1/projects/{p}/spaces/{sTemp}/group/share', 'Editors group as viewer', { body: { groupUuid: ids.gEdit, spaceRole: 'viewer' } });
    await call('POST /api/v1/projects/{p}/spaces/{sTemp}/group/share', 'unknown group', { body: { groupUuid: '00000000-0000-4000-8000-000000000000', spaceRole: 'viewer' } });
    await call('GET /api/v1/projects/{p}/spaces/{sTemp}', 'shared with a group');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}/group/share/{gEdit}', '');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}/group/share/{gEdit}', 'not shared');
    await call('PATCH /api/v1/projects/{p}/spaces/{sTemp}', 'rename', { body: { name: 'Temp renamed' } });
    await call('PATCH /api/v1/projects/{p}/spaces/{sTemp}', 'make private', { body: { name: 'Temp renamed', inheritParentPermissions: false } });
    await call('PATCH /api/v1/projects/{p}/spaces/{sTemp}', 'legacy isPrivate flag', { body: { name: 'Temp renamed', isPrivate: true } });
    await call('GET /api/v1/projects/{p}/spaces/{sTemp}', 'after making private');
    await call('PATCH /api/v1/projects/{p}/spaces/{sPrivGrand}', 'rename a child of a private space', { body: { name: 'Grandchild renamed' } });
    await call('GET /api/v1/projects/{p}/spaces/{sDefault}', '');
    for (const name of ['sPub', 'sPriv', 'sPubChild', 'sPrivChild', 'sPrivGrand', 'sAccess']) await call(`GET /api/v1/projects/{p}/spaces/{${name}}`, '');
    await call('GET /api/v1/projects/{p}/spaces/00000000-0000-4000-8000-000000000000', 'unknown space');
    await call('GET /api/v1/projects/{p}/spaces', '');
    await call('GET /api/v1/projects/{p}/spaces', 'page parameters', { query: { page: 1, pageSize: 2 } });

    // --- tags
    await call('GET /api/v1/projects/{p}/tags', 'empty');
    const tag = await expectOk('POST /api/v1/projects/{p}/tags', '', { body: { name: 'Finance', color: '#1F77B4' } });
    const tagTemp = await expectOk('POST /api/v1/projects/{p}/tags', 'temp', { body: { name: 'Temp', color: '#FF7F0E' } });
    Object.assign(ids, { tag: tag.tagUuid, tagTemp: tagTemp.tagUuid });
    await call('POST /api/v1/projects/{p}/tags', 'duplicate name', { body: { name: 'Finance', color: '#2CA02C' } });
    await call('POST /api/v1/projects/{p}/tags', 'bad colour', { body: { name: 'Colourful', color: 'blue' } });
    await call('PATCH /api/v1/projects/{p}/tags/{tag}', '', { body: { name: 'Money', color: '#1F77B4' } });
    await call('DELETE /api/v1/projects/{p}/tags/{tagTemp}', '');
    await call('DELETE /api/v1/projects/{p}/tags/{tagTemp}', 'already deleted');
    await call('GET /api/v1/projects/{p}/tags', '');

    // --- explores
    await call('GET /api/v1/projects/{p}/explores', 'none uploaded');
    await call('PUT /api/v1/projects/{p}/explores', 'not an array', { body: { explores: {} } });
    // the explores as the reference's scenario uploaded them (their keys come back as uploaded)
    const explores = fs.readFileSync(new URL('../fixtures/reference-explores.json', import.meta.url), 'utf8');
    await call('PUT /api/v1/projects/{p}/explores', '', { rawBody: explores });
    await call('GET /api/v1/projects/{p}/explores', '');
    await call('GET /api/v1/projects/{p}/explores/orders', '');
    await call('GET /api/v1/projects/{p}/explores/broken_model', 'errored explore');
    await call('GET /api/v1/projects/{p}/explores/no_such_explore', 'unknown');

    // --- charts
    const metricQuery = { exploreName: 'orders', dimensions: ['orders_order_date'], metrics: ['orders_total_revenue'], filters: {}, sorts: [{ fieldId: 'orders_total_revenue', descending: true }], limit: 500, tableCalculations: [] };
    const cartesian = { type: 'cartesian', config: { layout: { xField: 'orders_order_date', yField: ['orders_total_revenue'] }, eChartsConfig: { series: [{ type: 'bar', encode: { xRef: { field: 'orders_order_date' }, yRef: { field: 'orders_total_revenue' } } }] } } };
    const chartBody = (name: string, spaceUuid?: string) => ({ name, tableName: 'orders', metricQuery, chartConfig: cartesian, ...(spaceUuid ? { spaceUuid } : {}) });
    ids.chart = (await expectOk('POST /api/v1/projects/{p}/saved', 'in public space', { body: chartBody('Revenue', ids.sPub) })).uuid;
    ids.chartPriv = (await expectOk('POST /api/v1/projects/{p}/saved', 'in private space', { body: chartBody('Private revenue', ids.sPriv) })).uuid;
    ids.chartTemp = (await expectOk('POST /api/v1/projects/{p}/saved', 'temp', { body: chartBody('Temp', ids.sPub) })).uuid;
    await call('POST /api/v1/projects/{p}/saved', 'no spaceUuid', { body: chartBody('Nowhere') });
    const foreignSpace = (await t.http().get(`/api/v1/projects/${ids.p2}/spaces`).set('Cookie', outsider.cookie)).body.results[0]?.uuid;
    await call('POST /api/v1/projects/{p}/saved', 'space of another project', { body: chartBody('Foreign', foreignSpace ?? '00000000-0000-4000-8000-000000000000') });
    await call('POST /api/v1/projects/{p}/saved', 'table chart, minimal', { body: { name: 'Table', tableName: 'orders', metricQuery: { exploreName: 'orders', dimensions: ['orders_status'], metrics: [], filters: {}, sorts: [], limit: 500, tableCalculations: [] }, chartConfig: { type: 'table' }, spaceUuid: ids.sPub } });
    await call('GET /api/v1/saved/{chart}', '');
    await call('GET /api/v1/saved/{chartPriv}', '');
    await call('PATCH /api/v1/saved/{chart}', 'rename and describe', { body: { name: 'Revenue by day', description: 'Daily revenue' } });
    await call('PATCH /api/v1/saved/{chartTemp}', 'move to another space', { body: { name: 'Temp', spaceUuid: ids.sPubChild } });
    await call('GET /api/v1/saved/{chartTemp}', 'after move');
    await call('DELETE /api/v1/saved/{chartTemp}', '');
    await call('DELETE /api/v1/saved/{chartTemp}', 'already deleted');
    await call('GET /api/v1/saved/{chartTemp}', 'deleted');
    await call('GET /api/v1/saved/00000000-0000-4000-8000-000000000000', 'unknown chart');
    await call('GET /api/v1/projects/{p}/charts', '');
    await call('GET /api/v1/projects/{p}/chart-summaries', '');

    // --- dashboards
    const tiles = [
      { type: 'saved_chart', x: 0, y: 0, h: 3, w: 6, properties: { savedChartUuid: ids.chart, title: 'Revenue' } },
      { type: 'markdown', x: 6, y: 0, h: 3, w: 6, properties: { title: 'Notes', content: '# Hello' } },
    ];
    const dashboardBody = (name: string, spaceUuid: string) => ({ name, description: 'Numbers', spaceUuid, tiles, tabs: [] });
    ids.dash = (await expectOk('POST /api/v1/projects/{p}/dashboards', 'in public space', { body: dashboardBody('Sales', ids.sPub) })).uuid;
    ids.dashPriv = (await expectOk('POST /api/v1/projects/{p}/dashboards', 'in private space', { body: dashboardBody('Private sales', ids.sPriv) })).uuid;
    ids.dashTemp = (await expectOk('POST /api/v1/projects/{p}/dashboards', 'temp', { body: dashboardBody('Temp', ids.sPub) })).uuid;
    ids.dashCopy = (await expectOk('POST /api/v1/projects/{p}/dashboards', 'duplicate', { query: { duplicateFrom: ids.dash }, body: { dashboardName: 'Sales copy', dashboardDesc: 'A copy' } })).uuid;
    // Lightdash counts a read after answering it (DashboardService: addDashboardViewEvent after the
    // dashboard is read), so a first read answers firstViewedAt null, as the copy's did. The reference
    // answered a first view on its recorded reads of these two: its role probes (unrecorded) had read
    // them first. Ours read them as the roles that may: the viewer (public space) and the Viewers group.
    await t.http().get(`/api/v1/dashboards/${ids.dash}`).set('Cookie', users.viewer.cookie).expect(200);
    await t.http().get(`/api/v1/dashboards/${ids.dashPriv}`).set('Cookie', users.groupViewer.cookie).expect(200);
    await call('GET /api/v1/dashboards/{dash}', '');
    await call('GET /api/v1/dashboards/{dashPriv}', '');
    await call('GET /api/v1/dashboards/{dashCopy}', 'the copy');
    await call('DELETE /api/v1/dashboards/{dashCopy}', '');
    await call('PATCH /api/v1/dashboards/{dash}', 'rename', { body: { name: 'Sales renamed' } });
    await call('PATCH /api/v1/dashboards/{dashTemp}', 'replace tiles', { body: { tiles: [tiles[0]], tabs: [] } });
    await call('PATCH /api/v1/projects/{p}/dashboards', 'bulk move', { body: [{ uuid: ids.dashTemp, name: 'Temp', spaceUuid: ids.sPubChild }] });
    await call('GET /api/v1/projects/{p}/dashboards', '');
    await call('DELETE /api/v1/dashboards/{dashTemp}', '');
    await call('DELETE /api/v1/dashboards/{dashTemp}', 'already deleted');
    await call('GET /api/v1/dashboards/{dashTemp}', 'deleted');
    await call('GET /api/v1/dashboards/00000000-0000-4000-8000-000000000000', 'unknown dashboard');

    // --- catalog
    await call('GET /api/v1/projects/{p}/dataCatalog', '', { query: { search: 'order' } });
    await call('GET /api/v1/projects/{p}/dataCatalog', '', { query: { type: 'table' } });
    await call('GET /api/v1/projects/{p}/dataCatalog/orders/metadata', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/no_such_table/metadata', 'unknown table');
    await call('GET /api/v1/projects/{p}/dataCatalog/orders/analytics', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/orders/analytics/total_revenue', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics-with-time-dimensions', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics/has', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics/orders/total_revenue', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/orders/filter-dimensions', '');
    await call('GET /api/v1/projects/{p}/dataCatalog/orders/segment-dimensions', '');
    const metrics = (await t.http().get(`/api/v1/projects/${ids.p}/dataCatalog/metrics`).set('Cookie', admin.cookie)).body.results?.data ?? [];
    const catalogUuid = (name: string) => metrics.find((m: any) => m.name === name)?.catalogSearchUuid as string | undefined;
    const tables = (await t.http().get(`/api/v1/projects/${ids.p}/dataCatalog`).set('Cookie', admin.cookie).query({ type: 'table' })).body.results ?? [];
    ids.catOrders = tables.find((x: any) => x.name === 'orders')?.catalogSearchUuid ?? '';
    ids.catRevenue = catalogUuid('total_revenue') ?? '';
    ids.catCount = catalogUuid('order_count') ?? '';
    await call('POST /api/v1/projects/{p}/dataCatalog/{catOrders}/categories', '', { body: { tagUuid: ids.tag } });
    // the reference's call was the search again (fields and tables, ranked), now with the category on the table
    const withCategory = await expectOk('GET /api/v1/projects/{p}/dataCatalog', 'with a category', { query: { search: 'order' } });
    if (!withCategory.some((item: any) => item.catalogSearchUuid === ids.catOrders && item.categories.length === 1)) throw new Error(`the search answered no category on orders: ${JSON.stringify(withCategory)}`);
    await call('DELETE /api/v1/projects/{p}/dataCatalog/{catOrders}/categories/{tag}', '');
    await call('PATCH /api/v1/projects/{p}/dataCatalog/{catOrders}/icon', '', { body: { icon: { unicode: '📦' } } });
    await call('POST /api/v1/projects/{p}/dataCatalog/metrics/tree/edges', '', { body: { sourceCatalogSearchUuid: ids.catRevenue, targetCatalogSearchUuid: ids.catCount } });
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics/tree/edges', '');
    await call('POST /api/v1/projects/{p}/dataCatalog/metrics/tree', '', { body: { metricUuids: [ids.catRevenue, ids.catCount] } });
    await call('GET /api/v1/projects/{p}/dataCatalog/metrics/tree', '', { rawQuery: `metricUuids=${ids.catRevenue}&metricUuids=${ids.catCount}` });
    await call('DELETE /api/v1/projects/{p}/dataCatalog/metrics/tree/edges/{catRevenue}/{catCount}', '');

    // --- reference-only routes we also serve
    await call('GET /api/v1/org/color-palettes', 'reference-only');
    await call('GET /api/v1/projects/{p}/charts/code', 'reference-only');
    await call('GET /api/v1/projects/{p}/dashboards/code', 'reference-only');
    await call('GET /api/v2/orgs/{org}/roles', 'reference-only');
    await call('GET /api/v2/orgs/{org}/roles/assignments', 'reference-only');
    await call('GET /api/v2/orgs/{org}/roles/assignments/user/{u.viewer}/set', 'reference-only');
    await call('GET /api/v2/orgs/{org}/code/roles', 'reference-only');
    await call('GET /api/v2/orgs/{org}/roles/code', 'reference-only');
    await call('GET /api/v2/projects/{p}/roles/assignments', 'reference-only');
    await call('GET /api/v2/projects/{p}/roles/assignments/group/{gView}/set', 'reference-only');
    await call('GET /api/v2/projects/{p}/roles/assignments/user/{u.viewer}/set', 'reference-only');

    // --- clean-up calls
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}', '');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTemp}', 'already deleted');
    await call('GET /api/v1/projects/{p}/spaces/{sTemp}', 'deleted');
    await call('DELETE /api/v1/projects/{p}/spaces/{sTempPub}', 'public space');
    await call('DELETE /api/v1/user/warehouseCredentials/{whc}', '');
    await call('DELETE /api/v1/org/projects/{pTemp}', '');
    await call('GET /api/v1/projects/{pTemp}', 'deleted');
    await call('DELETE /api/v1/invite-links', 'revoke pending invites');
    await call('GET /api/v1/invite-links/{inv_pending}', 'revoked', { as: null });
  }

  function differencesOf(observation: Observation): string[] {
    const calls = reference.routes[observation.route].calls.filter((c) => c.case === observation.case);
    let best: string[] | undefined;
    for (const candidate of calls) {
      const differences = responseDifferences(candidate, observation.response, { otherOrganization: observation.otherOrganization });
      if (!best || differences.length < best.length) best = differences;
      if (differences.length === 0) break;
    }
    // one line per difference, whatever the number of array elements it occurs in
    return [...new Set((best ?? ['no reference call']).map((d) => d.replace(/\[\d+\]/g, '[]')))];
  }

  const used = new Set<Allowance>();
  function isKnown(observation: Observation, difference: string): boolean {
    const entry = [...DELIBERATE_DIFFERENCES, ...KNOWN_DIFFERENCES].find((k) => k.routes.test(observation.route) && k.matches.test(difference));
    if (entry) used.add(entry);
    return !!entry;
  }

  it('answers every call as the reference does, but for the listed known differences', () => {
    const report: string[] = [];
    for (const observation of observations) {
      const unexpected = differencesOf(observation).filter((d) => !isKnown(observation, d));
      if (unexpected.length) report.push(`${observation.route} [${observation.case || 'main'}]\n    ${unexpected.join('\n    ')}`);
    }
    expect(report.join('\n')).toBe('');
  });

  it('lists no known difference that no longer occurs (remove fixed entries)', () => {
    for (const observation of observations) for (const d of differencesOf(observation)) isKnown(observation, d);
    expect([...DELIBERATE_DIFFERENCES, ...KNOWN_DIFFERENCES].filter((k) => !used.has(k)).map((k) => `${k.routes} ${k.matches}`)).toEqual([]);
  });

  it('calls every route we serve that the reference recorded', () => {
    const served = servedRoutePatterns();
    const called = new Set(observations.map((o) => o.route));
    const missing = Object.keys(reference.routes).filter((route) => isServed(route, served) && !called.has(route) && !(route in NOT_CALLED));
    expect(missing).toEqual([]);
  });
});
