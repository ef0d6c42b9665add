import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import type { TestUser } from '../support/users.js';

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('project tags', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const tags = (projectUuid: string) => `/api/v1/projects/${projectUuid}/tags`;

  async function createTag(user: TestUser, projectUuid: string, name: string, color = '#1f77b4'): Promise<string> {
    const res = await t.http().post(tags(projectUuid)).set('Cookie', user.cookie).send({ name, color }).expect(201);
    return res.body.results.tagUuid;
  }

  it('creates (201), lists by name, updates and deletes tags', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const created = await t.http().post(tags(projectUuid)).set('Cookie', p.editor.cookie).send({ name: '  Finance  ', color: '#1F77B4' }).expect(201);
    expect(created.body).toEqual({ status: 'ok', results: { tagUuid: expect.stringMatching(UUID) } });
    const finance = created.body.results.tagUuid;
    const archive = await createTag(p.admin, projectUuid, 'archive', '#000000');

    const listed = await t.http().get(tags(projectUuid)).set('Cookie', p.viewer.cookie).expect(200);
    expect(listed.body).toEqual({
      status: 'ok',
      results: [
        { tagUuid: archive, projectUuid, name: 'archive', color: '#000000', createdAt: expect.stringMatching(ISO_DATE), yamlReference: null, createdBy: { userUuid: p.admin.userUuid, firstName: 'Admin', lastName: 'User' } },
        { tagUuid: finance, projectUuid, name: 'Finance', color: '#1F77B4', createdAt: expect.stringMatching(ISO_DATE), yamlReference: null, createdBy: { userUuid: p.editor.userUuid, firstName: 'editor', lastName: 'Persona' } },
      ],
    });

    expect((await t.http().patch(`${tags(projectUuid)}/${finance}`).set('Cookie', p.editor.cookie).send({ color: '#ff7f0e' }).expect(200)).body).toEqual({ status: 'ok' });
    await t.http().patch(`${tags(projectUuid)}/${finance}`).set('Cookie', p.editor.cookie).send({ name: 'Money' }).expect(200);
    // renaming to its own name in another case is not a conflict with itself
    await t.http().patch(`${tags(projectUuid)}/${finance}`).set('Cookie', p.editor.cookie).send({ name: 'MONEY' }).expect(200);
    await t.http().patch(`${tags(projectUuid)}/${finance}`).set('Cookie', p.editor.cookie).send({}).expect(200);
    const afterUpdate = (await t.http().get(tags(projectUuid)).set('Cookie', p.viewer.cookie)).body.results;
    expect(afterUpdate.find((tag: { tagUuid: string }) => tag.tagUuid === finance)).toMatchObject({ name: 'MONEY', color: '#ff7f0e' });

    expect((await t.http().delete(`${tags(projectUuid)}/${archive}`).set('Cookie', p.editor.cookie).expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http().get(tags(projectUuid)).set('Cookie', p.viewer.cookie)).body.results.map((tag: { tagUuid: string }) => tag.tagUuid)).toEqual([finance]);
    await t.http().delete(`${tags(projectUuid)}/${archive}`).set('Cookie', p.editor.cookie).expect(404);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=tag.').set('Cookie', p.admin.cookie).expect(200);
    const actions = audit.body.results.data.map((entry: { action: string; outcome: string }) => `${entry.action}:${entry.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['tag.create:success', 'tag.update:success', 'tag.delete:success']));
  });

  it('accepts duplicate names and any colour text, as Lightdash', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    const first = await createTag(p.admin, projectUuid, 'Finance');
    const second = await createTag(p.admin, projectUuid, 'FINANCE', 'not a colour');
    const third = await createTag(p.editor, projectUuid, 'Finance', '');
    expect(new Set([first, second, third]).size).toBe(3);
    const marketing = await createTag(p.admin, projectUuid, 'Marketing', 'red');
    await t.http().patch(`${tags(projectUuid)}/${marketing}`).set('Cookie', p.admin.cookie).send({ name: 'finance', color: 'hsl(10, 50%, 50%)' }).expect(200);
    const listed = (await t.http().get(tags(projectUuid)).set('Cookie', p.admin.cookie).expect(200)).body.results;
    expect(listed.map((tag: { tagUuid: string; name: string; color: string }) => [tag.tagUuid, tag.name, tag.color])).toEqual([
      [first, 'Finance', '#1f77b4'],
      [second, 'FINANCE', 'not a colour'],
      [third, 'Finance', ''],
      [marketing, 'finance', 'hsl(10, 50%, 50%)'],
    ]);
  });

  it('validates names and colours (422)', async () => {
    const p = await createPersonas(t);
    const projectUuid = await createProject(t, p.admin);
    for (const body of [{ name: 'A', color: 7 }, { name: 'A', color: 'x'.repeat(256) }, { name: 'A' }, { color: '#000000' }, { name: '  ', color: '#000000' }]) {
      const res = await t.http().post(tags(projectUuid)).set('Cookie', p.admin.cookie).send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
    const tagUuid = await createTag(p.admin, projectUuid, 'A');
    await t.http().patch(`${tags(projectUuid)}/${tagUuid}`).set('Cookie', p.admin.cookie).send({ color: ['blue'] }).expect(422);
    await t.http().patch(`${tags(projectUuid)}/not-a-uuid`).set('Cookie', p.admin.cookie).send({ color: '#000000' }).expect(422);
    await t.http().delete(`${tags(projectUuid)}/not-a-uuid`).set('Cookie', p.admin.cookie).expect(422);
    await t.http().get('/api/v1/projects/not-a-uuid/tags').set('Cookie', p.admin.cookie).expect(422);
    // an unknown field is dropped, never stored
    const extra = await t.http().post(tags(projectUuid)).set('Cookie', p.admin.cookie).send({ name: 'B', color: '#000000', extra: 1 }).expect(201);
    expect(extra.body.results).not.toHaveProperty('extra');
  });

  it('needs project editor to change tags and viewer to see them; 404s other projects’ tags and other organizations', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const projectUuid = await createProject(t, p.admin);
    const otherProjectUuid = await createProject(t, p.admin, 'Other');
    const tagUuid = await createTag(p.admin, projectUuid, `T ${randomUUID()}`);
    const foreignTag = await createTag(p.admin, otherProjectUuid, 'Elsewhere');

    for (const role of ['viewer', 'interactive_viewer'] as const) {
      await t.http().get(tags(projectUuid)).set('Cookie', p[role].cookie).expect(200);
      await t.http().post(tags(projectUuid)).set('Cookie', p[role].cookie).send({ name: 'X', color: '#000000' }).expect(403);
      await t.http().patch(`${tags(projectUuid)}/${tagUuid}`).set('Cookie', p[role].cookie).send({ name: 'X' }).expect(403);
      await t.http().delete(`${tags(projectUuid)}/${tagUuid}`).set('Cookie', p[role].cookie).expect(403);
    }
    await t.http().get(tags(projectUuid)).set('Cookie', p.member.cookie).expect(403);
    await t.http().post(tags(projectUuid)).set('Cookie', p.developer.cookie).send({ name: 'By developer', color: '#000000' }).expect(201);

    // a tag of another project named under this one
    const wrongProject = await t.http().patch(`${tags(projectUuid)}/${foreignTag}`).set('Cookie', p.admin.cookie).send({ name: 'Hijacked' }).expect(404);
    expect(wrongProject.body.error).toMatchObject({ name: 'NotFoundError', message: 'Tag not found' });
    await t.http().delete(`${tags(projectUuid)}/${foreignTag}`).set('Cookie', p.admin.cookie).expect(404);
    await t.http().patch(`${tags(projectUuid)}/${randomUUID()}`).set('Cookie', p.admin.cookie).send({ name: 'X' }).expect(404);
    expect((await t.http().get(tags(otherProjectUuid)).set('Cookie', p.admin.cookie)).body.results.map((tag: { name: string }) => tag.name)).toEqual(['Elsewhere']);

    for (const request of [
      t.http().get(tags(projectUuid)),
      t.http().post(tags(projectUuid)).send({ name: 'X', color: '#000000' }),
      t.http().patch(`${tags(projectUuid)}/${tagUuid}`).send({ name: 'X' }),
      t.http().delete(`${tags(projectUuid)}/${tagUuid}`),
    ]) {
      await request.set('Cookie', other.admin.cookie).expect(404);
    }
    await t.http().get(tags(projectUuid)).expect(401);
    await t.http().post(tags(projectUuid)).send({ name: 'X', color: '#000000' }).expect(401);
  });
});
