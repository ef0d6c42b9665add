import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, type TestOrganization } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createScimToken, SCIM, SCIM_ERROR } from '../support/scim.js';
import { createSpace } from '../support/spaces.js';

/**
 * Bad input gets a 4xx, never a 500: every operation of the OpenAPI document, called by an
 * organization admin (the SCIM routes with the organization's SCIM token) with malformed path
 * parameters, unknown ids and junk bodies and queries. Refusals come in the envelope, or as SCIM
 * errors on the SCIM routes.
 */
const JUNK_BODIES: unknown[] = [
  {}, { unexpected: true }, [], [1, 2], 'text', 42, null, { name: 123, role: [], email: {}, spaceUuid: 'x', members: 'all' },
  // text PostgreSQL cannot store: a NUL, and half a surrogate pair
  { name: 'a\u0000b', description: 'x' }, { name: 'a\ud83d', description: 'x' },
];
interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const JUNK_QUERIES = [
  '?page=-1&pageSize=abc',
  '?includeMembers=x&searchQuery[]=a',
  '?test=maybe&includePrivate=2&passcode=1',
  '?searchQuery=a%00b&action=a%00b&targetUuid=a%00b&email=a%00b&tableName=a%00b&search=a%00b',
];

function isScimError(url: string, res: { status: number; body?: { schemas?: unknown; status?: unknown } }): boolean {
  return url.startsWith(SCIM) && Array.isArray(res.body?.schemas) && res.body.schemas[0] === SCIM_ERROR && res.body.status === String(res.status);
}

describe('no 500 for bad input on any route', () => {
  let t: TestApp;
  let org: TestOrganization;
  let operations: { method: string; path: string; bodyProperties: string[] }[];
  let ids: Record<string, string>;
  let scimToken: string;

  beforeAll(async () => {
    // the project's warehouse does not exist: every failure to reach it answers after this timeout
    t = await createTestApp({ env: { WAREHOUSE_CONNECT_TIMEOUT_MS: '100' } });
    org = await createOrganization(t);
    const projectUuid = await createProject(t, org.admin);
    const spaceUuid = await createSpace(t, org.admin, projectUuid, { name: 'Fuzz' });
    ids = { projectUuid, spaceUuid, organizationUuid: org.organizationUuid, userUuid: org.admin.userUuid };
    scimToken = (await createScimToken(t, org)).token;
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body as OpenApi;
    const propertiesOf = (operation: OpenApiOperation): string[] => {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      return ref ? Object.keys(doc.components.schemas[ref.split('/').pop()!]?.properties ?? {}) : [];
    };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, bodyProperties: propertiesOf(operation) })),
    );
  });
  afterAll(async () => t.close());

  const call = (method: string, url: string, body?: unknown) => {
    const base = (t.http() as unknown as Record<string, (u: string) => ReturnType<ReturnType<TestApp['http']>['get']>>)[method](url);
    const request = url.startsWith(SCIM) ? base.set('Authorization', `Bearer ${scimToken}`) : base.set('Cookie', org.admin.cookie);
    return body === undefined ? request : request.set('content-type', 'application/json').send(JSON.stringify(body));
  };

  it('answers every operation in the 4xx envelope for malformed ids, unknown ids, junk bodies and junk queries', async () => {
    expect(operations.length).toBeGreaterThan(60);
    const failures: string[] = [];
    const fill = (path: string, value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => value(name));
    for (const { method, path, bodyProperties } of operations) {
      if (/logout|\/user\/me$/.test(path) && method === 'delete') continue; // would end the admin's session or account
      if (path === '/api/v1/org/{organizationUuid}' && method === 'delete') continue; // would delete the organization
      if (path === '/api/v1/logout') continue;
      const urls = [
        fill(path, () => 'not-a-uuid'),
        fill(path, (name) => (name in ids ? ids[name] : 'a%00b')),
        fill(path, () => '00000000-0000-4000-8000-000000000000'),
        fill(path, (name) => ids[name] ?? '00000000-0000-4000-8000-000000000000'),
      ];
      for (const url of urls) {
        // each documented property alone as null: optional fields must not let null reach a NOT NULL column
        const nullBodies = bodyProperties.map((property) => ({ [property]: null }));
        for (const body of method === 'get' || method === 'delete' ? [undefined] : [...JUNK_BODIES, ...nullBodies]) {
          const res = await call(method, url, body);
          if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 120)}`);
          else if (res.status >= 400 && res.body?.status !== 'error' && !isScimError(url, res)) failures.push(`${method.toUpperCase()} ${url} → ${res.status} outside the envelope`);
        }
        for (const query of JUNK_QUERIES) {
          const res = await call(method, url + query, method === 'get' || method === 'delete' ? undefined : {});
          if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url}${query} → ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // thousands of sequential requests over every route: generous, for a loaded machine
  }, 300_000);
});
