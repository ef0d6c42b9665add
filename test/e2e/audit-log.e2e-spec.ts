import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { uniqueEmail } from '../support/users.js';

describe('GET /api/v1/org/audit-logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('records changes and refused attempts with actor, target, outcome and request id', async () => {
    const p = await createPersonas(t);
    const change = await t.http().patch(`/api/v1/org/users/${p.viewer.userUuid}`).set('Cookie', p.admin.cookie).set('x-request-id', 'audit-change-1').send({ role: 'editor' }).expect(200);
    expect(change.headers['x-request-id']).toBe('audit-change-1');
    await t.http().patch(`/api/v1/org/users/${p.member.userUuid}`).set('Cookie', p.editor.cookie).set('x-request-id', 'audit-denied-1').send({ role: 'admin' }).expect(403);
    await t.http().patch(`/api/v1/org/users/${p.admin.userUuid}`).set('Cookie', p.admin.cookie).send({ role: 'viewer' }).expect(403);

    const res = await t.http().get('/api/v1/org/audit-logs?action=member.role.update').set('Cookie', p.admin.cookie).expect(200);
    const entries = res.body.results.data;
    expect(entries).toHaveLength(3);
    expect(entries[2]).toEqual({
      uuid: expect.any(String),
      createdAt: expect.any(String),
      actor: { userUuid: p.admin.userUuid, email: p.admin.email },
      action: 'member.role.update',
      targetType: 'user',
      targetUuid: p.viewer.userUuid,
      outcome: 'success',
      statusCode: null,
      requestId: 'audit-change-1',
      details: { email: p.viewer.email, from: 'viewer', to: 'editor' },
    });
    expect(entries[1]).toMatchObject({
      actor: { userUuid: p.editor.userUuid },
      targetUuid: p.member.userUuid,
      outcome: 'denied',
      statusCode: 403,
      requestId: 'audit-denied-1',
    });
    expect(entries[0]).toMatchObject({ outcome: 'denied', statusCode: 403, details: { reason: 'Organization must have at least one admin' } });
  });

  it('filters by actor, target, action prefix, outcome and time, newest first, paginated', async () => {
    const org = await createOrganization(t);
    for (let i = 0; i < 3; i++) await t.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email: uniqueEmail() }).expect(201);
    const all = await t.http().get('/api/v1/org/audit-logs').set('Cookie', org.admin.cookie).expect(200);
    expect(all.body.results.pagination).toEqual({ page: 1, pageSize: 100, totalPageCount: 1, totalResults: 4 });
    expect(all.body.results.data.map((e: { action: string }) => e.action)).toEqual(['invite.create', 'invite.create', 'invite.create', 'organization.create']);
    const page2 = await t.http().get('/api/v1/org/audit-logs?page=2&pageSize=3').set('Cookie', org.admin.cookie).expect(200);
    expect(page2.body.results.data.map((e: { action: string }) => e.action)).toEqual(['organization.create']);
    const prefix = await t.http().get('/api/v1/org/audit-logs?action=invite.').set('Cookie', org.admin.cookie).expect(200);
    expect(prefix.body.results.data).toHaveLength(3);
    const target = all.body.results.data[0].targetUuid;
    const byTarget = await t.http().get(`/api/v1/org/audit-logs?targetUuid=${target}`).set('Cookie', org.admin.cookie).expect(200);
    expect(byTarget.body.results.data).toHaveLength(1);
    const byActor = await t.http().get(`/api/v1/org/audit-logs?actorUuid=${org.admin.userUuid}&outcome=success`).set('Cookie', org.admin.cookie).expect(200);
    expect(byActor.body.results.data).toHaveLength(4);
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await t.http().get(`/api/v1/org/audit-logs?from=${future}`).set('Cookie', org.admin.cookie).expect(200);
    expect(none.body.results.data).toEqual([]);
    await t.http().get('/api/v1/org/audit-logs?from=yesterday').set('Cookie', org.admin.cookie).expect(422);
    await t.http().get('/api/v1/org/audit-logs?outcome=maybe').set('Cookie', org.admin.cookie).expect(422);
  });

  it('is for admins only, and shows only your organization', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      await t.http().get('/api/v1/org/audit-logs').set('Cookie', p[role].cookie).expect(403);
    }
    const theirs = await t.http().get('/api/v1/org/audit-logs').set('Cookie', other.admin.cookie).expect(200);
    expect(theirs.body.results.data.map((e: { action: string }) => e.action)).toEqual(['organization.create']);
    await t.http().get('/api/v1/org/audit-logs').expect(401);
  });
});
