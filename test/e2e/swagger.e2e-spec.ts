import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SWAGGER_TAGS } from '../../src/app-setup.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('Swagger UI and the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('serves Swagger UI at /api/docs', async () => {
    const res = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    await t.http().get('/api/docs/swagger-ui-bundle.js').expect(200);
  });

  it('serves the OpenAPI document with its security schemes (session, API key, SCIM token) and the seed tags', async () => {
    const res = await t.http().get('/api/docs/openapi.json').expect(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes).toEqual({
      api_key: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
      session_cookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'connect.sid' }),
      scim_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual([{ session_cookie: [] }, { api_key: [] }]);
    expect(doc.tags.map((tag: { name: string }) => tag.name)).toEqual(SWAGGER_TAGS.map(([name]) => name));
  });

  it('marks public operations as needing no security and documents their response DTO', async () => {
    const doc = (await t.http().get('/api/docs/openapi.json').expect(200)).body;
    const health = doc.paths['/api/v1/health'].get;
    expect(health.security).toEqual([]);
    expect(health['x-public']).toBeUndefined();
    expect(doc.components.schemas.HealthStateDto.properties.healthy).toMatchObject({ type: 'boolean', example: true });
  });
});
