import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject, grantProjectRole } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

describe('PATCH /projects/{p}/schedulerSettings and /metadata', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const get = async (user: TestUser, projectUuid: string) => (await t.http().get(`/api/v1/projects/${projectUuid}`).set('Cookie', user.cookie).expect(200)).body.results;
  const scheduler = (user: TestUser, projectUuid: string) => t.http().patch(`/api/v1/projects/${projectUuid}/schedulerSettings`).set('Cookie', user.cookie);
  const metadata = (user: TestUser, projectUuid: string) => t.http().patch(`/api/v1/projects/${projectUuid}/metadata`).set('Cookie', user.cookie);
  const upstreamOf = async (admin: TestUser, projectUuid: string) =>
    ((await t.http().get('/api/v1/org/projects').set('Cookie', admin.cookie).expect(200)).body.results as { projectUuid: string; upstreamProjectUuid: string | null }[]).find(
      (p) => p.projectUuid === projectUuid,
    )!.upstreamProjectUuid;

  describe('schedulerSettings', () => {
    it('stores the settings for project developers, as the Terraform provider sends them, answering {"status":"ok"}', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin);
      const before = await get(p.admin, projectUuid);
      expect(before).toMatchObject({ schedulerTimezone: 'UTC', schedulerFailureNotifyRecipients: false, schedulerFailureIncludeContact: false, schedulerFailureContactOverride: null });

      const res = await scheduler(p.developer, projectUuid).send({ schedulerTimezone: 'asia/tokyo' }).expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await get(p.viewer, projectUuid)).toEqual({ ...before, schedulerTimezone: 'Asia/Tokyo' });

      await scheduler(p.admin, projectUuid)
        .send({ schedulerFailureNotifyRecipients: true, schedulerFailureIncludeContact: true, schedulerFailureContactOverride: ' data@example.com ' })
        .expect(200);
      expect(await get(p.admin, projectUuid)).toEqual({
        ...before,
        schedulerTimezone: 'Asia/Tokyo',
        schedulerFailureNotifyRecipients: true,
        schedulerFailureIncludeContact: true,
        schedulerFailureContactOverride: 'data@example.com',
      });
      await scheduler(p.admin, projectUuid).send({}).expect(200);
      await scheduler(p.admin, projectUuid).send({ schedulerFailureContactOverride: null }).expect(200);
      expect(await get(p.admin, projectUuid)).toMatchObject({ schedulerTimezone: 'Asia/Tokyo', schedulerFailureNotifyRecipients: true, schedulerFailureContactOverride: null });

      const audit = await t.http().get('/api/v1/org/audit-logs?action=project.scheduler-settings.update').set('Cookie', p.admin.cookie).expect(200);
      expect(audit.body.results.data.at(-1)).toMatchObject({
        actor: { userUuid: p.developer.userUuid },
        targetUuid: projectUuid,
        outcome: 'success',
        details: { schedulerTimezone: 'Asia/Tokyo', previousTimezone: 'UTC' },
      });
    });

    it('refuses lower roles (403), other organizations (404), bad time zones and types (422), changing nothing', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      const projectUuid = await createProject(t, p.admin);
      const before = await get(p.admin, projectUuid);
      for (const role of ['member', 'viewer', 'interactive_viewer', 'editor'] as const) {
        await scheduler(p[role], projectUuid).send({ schedulerTimezone: 'Europe/Paris' }).expect(403);
      }
      await scheduler(other.admin, projectUuid).send({ schedulerTimezone: 'Europe/Paris' }).expect(404);
      await scheduler(p.admin, randomUUID()).send({ schedulerTimezone: 'Europe/Paris' }).expect(404);
      for (const body of [{ schedulerTimezone: 'Mars/Olympus' }, { schedulerTimezone: '' }, { schedulerTimezone: null }, { schedulerFailureNotifyRecipients: 'yes' }, { schedulerFailureContactOverride: 42 }]) {
        const res = await scheduler(p.admin, projectUuid).send(body).expect(422);
        expect(res.body.error.name).toBe('ValidateError');
      }
      expect(await get(p.admin, projectUuid)).toEqual(before);
    });
  });

  describe('metadata', () => {
    it('sets and clears the upstream project for project admins', async () => {
      const p = await createPersonas(t);
      const projectUuid = await createProject(t, p.admin, 'preview');
      const upstream = await createProject(t, p.admin, 'production');
      const res = await metadata(p.admin, projectUuid).send({ upstreamProjectUuid: upstream }).expect(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(await upstreamOf(p.admin, projectUuid)).toBe(upstream);
      expect((await get(p.admin, projectUuid)).upstreamProjectUuid).toBe(upstream);
      await metadata(p.admin, projectUuid).send({}).expect(200);
      expect(await upstreamOf(p.admin, projectUuid)).toBe(upstream);
      await metadata(p.admin, projectUuid).send({ upstreamProjectUuid: null }).expect(200);
      expect(await upstreamOf(p.admin, projectUuid)).toBeNull();

      // deleting the upstream clears the link
      await metadata(p.admin, projectUuid).send({ upstreamProjectUuid: upstream }).expect(200);
      await t.http().delete(`/api/v1/org/projects/${upstream}`).set('Cookie', p.admin.cookie).expect(200);
      expect(await upstreamOf(p.admin, projectUuid)).toBeNull();

      const audit = await t.http().get('/api/v1/org/audit-logs?action=project.metadata.update').set('Cookie', p.admin.cookie).expect(200);
      expect(audit.body.results.data.map((e: { details: { upstreamProjectUuid: string | null } }) => e.details.upstreamProjectUuid)).toEqual([upstream, null, upstream]);
    });

    it('needs project admin (403 for developers) and an upstream of the same organization the caller can see (else 400), changing nothing', async () => {
      const p = await createPersonas(t);
      const other = await createOrganization(t);
      const projectUuid = await createProject(t, p.admin);
      const visible = await createProject(t, p.admin, 'visible');
      const hidden = await createProject(t, p.admin, 'hidden');
      const foreign = await createProject(t, other.admin, 'foreign');
      await grantProjectRole(t, p.admin, projectUuid, p.member, 'admin');
      await grantProjectRole(t, p.admin, visible, p.member, 'viewer');

      for (const role of ['viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
        await metadata(p[role], projectUuid).send({ upstreamProjectUuid: visible }).expect(403);
      }
      await metadata(other.admin, projectUuid).send({ upstreamProjectUuid: foreign }).expect(404);
      for (const upstream of [foreign, hidden, randomUUID(), projectUuid]) {
        const res = await metadata(p.member, projectUuid).send({ upstreamProjectUuid: upstream }).expect(400);
        expect(res.body.error).toMatchObject({ name: 'ParameterError', message: `Upstream project not found: ${upstream}` });
      }
      await metadata(p.admin, projectUuid).send({ upstreamProjectUuid: foreign }).expect(400);
      await metadata(p.admin, projectUuid).send({ upstreamProjectUuid: 'not-a-uuid' }).expect(422);
      expect(await upstreamOf(p.admin, projectUuid)).toBeNull();

      await metadata(p.member, projectUuid).send({ upstreamProjectUuid: visible }).expect(200);
      expect(await upstreamOf(p.admin, projectUuid)).toBe(visible);
    });

    it('refuses creating a project whose upstream belongs to another organization (400, nothing created)', async () => {
      const org = await createOrganization(t);
      const other = await createOrganization(t);
      const foreign = await createProject(t, other.admin, 'foreign');
      const body = { name: 'P', type: 'DEFAULT', dbtVersion: 'v1.9', dbtConnection: { type: 'none' } };
      const res = await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...body, upstreamProjectUuid: foreign }).expect(400);
      expect(res.body.error).toMatchObject({ name: 'ParameterError', message: `Upstream project not found: ${foreign}` });
      expect((await t.http().get('/api/v1/org/projects').set('Cookie', org.admin.cookie)).body.results).toEqual([]);
      const own = await createProject(t, org.admin, 'production');
      const created = await t.http().post('/api/v1/org/projects').set('Cookie', org.admin.cookie).send({ ...body, upstreamProjectUuid: own }).expect(200);
      expect(created.body.results.project.upstreamProjectUuid).toBe(own);
    });
  });
});
