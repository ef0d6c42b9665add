import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';

const MiB = 1024 * 1024;

/** The shop fixture with a long description on every dimension, to make the upload `bytes` large. */
function bulkyUpload(bytes: number): string {
  const explores = shopExplores();
  const orders = explores.find((e) => e.name === 'orders')!;
  const dimensions = orders.tables.orders.dimensions;
  const template = dimensions.order_id;
  for (let i = 0; JSON.stringify(explores).length < bytes; i++) {
    dimensions[`padding_${i}`] = { ...template, name: `padding_${i}`, label: `Padding ${i}`, description: 'x'.repeat(10_000) };
  }
  return JSON.stringify(explores);
}

describe('explores upload size', () => {
  let t: TestApp;
  let small: TestApp;
  let p: Personas;
  let projectUuid: string;
  beforeAll(async () => {
    t = await createTestApp();
    small = await createTestApp({ env: { EXPLORES_UPLOAD_LIMIT_MB: '1' } });
    p = await createPersonas(t);
    projectUuid = await createProject(t, p.admin);
  });
  afterAll(async () => {
    await t.close();
    await small.close();
  });

  const upload = (app: TestApp, body: string) =>
    app.http().put(`/api/v1/projects/${projectUuid}/explores`).set('content-type', 'application/json').send(body);

  it('takes compiled explores larger than the 5 MiB of other routes from a developer', async () => {
    const body = bulkyUpload(6 * MiB);
    const res = await upload(t, body).set('Cookie', p.developer.cookie).expect(200);
    expect(res.body.results.exploreCount).toBe(4);
    // any other route still stops at 5 MiB
    const other = await t.http().patch('/api/v1/user/me').set('Cookie', p.developer.cookie).set('content-type', 'application/json').send(body);
    expect(other.status).toBe(413);
    expect(other.body.status).toBe('error');
  }, 90_000); // parsing and storing 6 MiB of explores took over 30 s on a loaded 2-core machine

  it('refuses a large upload without a live credential before reading it (401 envelope)', async () => {
    // over the 1 MiB of `small`: a 401 rather than a 413 shows the credential was checked first
    const body = bulkyUpload(2 * MiB);
    const anonymous = await upload(small, body).expect(401);
    expect(anonymous.body).toEqual({ status: 'error', error: { statusCode: 401, name: 'AuthorizationError', message: 'Failed to authorize user', data: {} } });
    const badToken = await upload(small, body).set('Authorization', 'ApiKey ldpat_00000000000000000000000000000000').expect(401);
    expect(badToken.body.error.message).toBe('Personal access token is not recognised');
  });

  it('answers 413 in the envelope above EXPLORES_UPLOAD_LIMIT_MB, changing nothing', async () => {
    const before = await t.http().get(`/api/v1/projects/${projectUuid}/explores`).set('Cookie', p.developer.cookie).expect(200);
    const res = await upload(small, bulkyUpload(2 * MiB)).set('Cookie', p.developer.cookie).expect(413);
    expect(res.body).toMatchObject({ status: 'error', error: { statusCode: 413 } });
    const after = await t.http().get(`/api/v1/projects/${projectUuid}/explores`).set('Cookie', p.developer.cookie).expect(200);
    expect(after.body).toEqual(before.body);
  });
});
