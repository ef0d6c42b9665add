import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';

describe('health and liveness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { PAT_MAX_EXPIRATION_DAYS: '90', SITE_URL: 'https://bi.example.com/' } });
  });
  afterAll(async () => t.close());

  it('GET /api/v1/health is public and reports the contract fields', async () => {
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body.status).toBe('ok');
    // every other key Lightdash answers is there with an unconfigured Lightdash's value (the shape test checks them all)
    expect(res.body.results).toMatchObject({ isCustomRolesEnabled: true, softDelete: { enabled: true, retentionDays: 30 }, hasSlack: false, license: { hasLicenseKey: false, valid: false } });
    expect(res.body.results.auth.google).toEqual({ enableGCloudADC: false, enabled: false, loginPath: '/login/google' });
    expect(res.body.results).toEqual({
      ...res.body.results,
      healthy: true,
      mode: 'default',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      isAuthenticated: false,
      requiresOrgRegistration: expect.any(Boolean),
      hasEmailClient: false,
      siteUrl: 'https://bi.example.com',
      latest: {},
      auth: expect.objectContaining({ disablePasswordAuthentication: false, oidc: { enabled: false, loginPath: '/login/oidc' }, pat: { maxExpirationTimeInDays: 90 } }),
      // the SDK reads these before running a query (page size, largest limit)
      query: { csvCellsLimit: 100000, maxLimit: 5000, csvMaxLimit: 5000000, queryMaxLimit: 5000, maxPageSize: 2500, defaultLimit: 500, retryQueryOnTransientErrors: false },
    });
  });

  it('GET /api/v1/livez answers without a database round trip', async () => {
    const res = await t.http().get('/api/v1/livez').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('health when the database is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('reports healthy: false instead of failing', async () => {
    const { DataSource } = await import('typeorm');
    const dataSource = t.app.get(DataSource);
    await dataSource.destroy();
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body.results.healthy).toBe(false);
  });
});
