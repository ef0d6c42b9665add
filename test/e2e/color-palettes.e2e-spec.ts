import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createPersonas } from '../support/organizations.js';

const PALETTES = '/api/v1/org/color-palettes';
const PRESETS = ['Default', 'Modern', 'Retro', 'Business', 'Lightdash', 'Data Matrix'];
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function colors(n: number, prefix = '#0000'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(2, '0')}`);
}

describe('organization colour palettes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('seeds six preset palettes of 20 colours in a new organization, none active, visible to any member', async () => {
    const p = await createPersonas(t);
    const res = await t.http().get(PALETTES).set('Cookie', p.member.cookie).expect(200);
    expect(res.body.results.map((palette: { name: string }) => palette.name)).toEqual(PRESETS);
    for (const palette of res.body.results) {
      expect(palette).toEqual({
        colorPaletteUuid: expect.stringMatching(UUID),
        organizationUuid: p.organizationUuid,
        name: expect.any(String),
        colors: expect.any(Array),
        darkColors: null,
        createdAt: expect.stringMatching(ISO_DATE),
        isActive: false,
      });
      expect(palette.colors).toHaveLength(20);
    }
    const org = await t.http().get('/api/v1/org').set('Cookie', p.member.cookie).expect(200);
    expect(org.body.results).not.toHaveProperty('colorPaletteUuid');
    expect(org.body.results).not.toHaveProperty('chartColors');
  });

  it('creates (201), updates, activates (shown on GET /org) and deletes palettes', async () => {
    const org = await createOrganization(t);
    const admin = org.admin.cookie;
    const created = await t.http().post(PALETTES).set('Cookie', admin).send({ name: ' Brand ', colors: colors(20) }).expect(201);
    expect(created.body).toEqual({
      status: 'ok',
      results: {
        colorPaletteUuid: expect.stringMatching(UUID),
        organizationUuid: org.organizationUuid,
        name: 'Brand',
        colors: colors(20),
        darkColors: null,
        createdAt: expect.stringMatching(ISO_DATE),
      },
    });
    const uuid = created.body.results.colorPaletteUuid;

    // Lightdash's client sends the uuid in the body too; a partial update keeps the other fields
    const renamed = await t.http().patch(`${PALETTES}/${uuid}`).set('Cookie', admin).send({ uuid, name: 'Brand 2', darkColors: colors(20, '#ff00') }).expect(200);
    expect(renamed.body.results).toEqual({ ...created.body.results, name: 'Brand 2', darkColors: colors(20, '#ff00') });
    const recoloured = await t.http().patch(`${PALETTES}/${uuid}`).set('Cookie', admin).send({ colors: colors(20, '#aa00') }).expect(200);
    expect(recoloured.body.results).toMatchObject({ name: 'Brand 2', colors: colors(20, '#aa00'), darkColors: colors(20, '#ff00') });

    const active = await t.http().post(`${PALETTES}/${uuid}/active`).set('Cookie', admin).expect(200);
    expect(active.body.results).toEqual(recoloured.body.results);
    const listed = await t.http().get(PALETTES).set('Cookie', admin).expect(200);
    expect(listed.body.results.filter((palette: { isActive: boolean }) => palette.isActive).map((palette: { colorPaletteUuid: string }) => palette.colorPaletteUuid)).toEqual([uuid]);
    expect(listed.body.results.at(-1).colorPaletteUuid).toBe(uuid);
    const me = await t.http().get('/api/v1/org').set('Cookie', admin).expect(200);
    expect(me.body.results).toMatchObject({ colorPaletteUuid: uuid, chartColors: colors(20, '#aa00'), chartDarkColors: colors(20, '#ff00') });

    // the active palette stays; another one can go
    const refused = await t.http().delete(`${PALETTES}/${uuid}`).set('Cookie', admin).expect(400);
    expect(refused.body.error).toMatchObject({ name: 'ParameterError', message: 'Cannot delete palette currently in use by organizations' });
    const retro = listed.body.results.find((palette: { name: string }) => palette.name === 'Retro').colorPaletteUuid;
    await t.http().post(`${PALETTES}/${retro}/active`).set('Cookie', admin).expect(200);
    await t.http().delete(`${PALETTES}/${uuid}`).set('Cookie', admin).expect(200).expect({ status: 'ok' });
    const after = await t.http().get(PALETTES).set('Cookie', admin).expect(200);
    expect(after.body.results.map((palette: { name: string }) => palette.name)).toEqual(PRESETS);
    expect((await t.http().get('/api/v1/org').set('Cookie', admin)).body.results.colorPaletteUuid).toBe(retro);

    const audit = await t.http().get('/api/v1/org/audit-logs?action=color-palette.').set('Cookie', admin).expect(200);
    expect(audit.body.results.data.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`)).toEqual([
      'color-palette.delete:success',
      'color-palette.activate:success',
      'color-palette.delete:failed',
      'color-palette.activate:success',
      'color-palette.update:success',
      'color-palette.update:success',
      'color-palette.create:success',
    ]);
  });

  it('refuses a palette without exactly 20 colours with 400, and bad bodies with 422, changing nothing', async () => {
    const org = await createOrganization(t);
    const admin = org.admin.cookie;
    for (const n of [0, 19, 21]) {
      const res = await t.http().post(PALETTES).set('Cookie', admin).send({ name: 'Short', colors: colors(n) }).expect(400);
      expect(res.body.error).toMatchObject({ name: 'ParameterError', message: 'Color palette must contain 20 colors' });
    }
    await t.http().post(PALETTES).set('Cookie', admin).send({ name: 'No colours' }).expect(422);
    await t.http().post(PALETTES).set('Cookie', admin).send({ name: '', colors: colors(20) }).expect(422);
    await t.http().post(PALETTES).set('Cookie', admin).send({ name: 'Numbers', colors: Array(20).fill(1) }).expect(422);
    await t.http().post(PALETTES).set('Cookie', admin).send({ name: 'Huge', colors: colors(101) }).expect(422);
    const [defaults] = (await t.http().get(PALETTES).set('Cookie', admin)).body.results;
    const short = await t.http().patch(`${PALETTES}/${defaults.colorPaletteUuid}`).set('Cookie', admin).send({ colors: colors(5) }).expect(400);
    expect(short.body.error.message).toBe('Color palette must contain 20 colors');
    await t.http().patch(`${PALETTES}/${defaults.colorPaletteUuid}`).set('Cookie', admin).send({ name: null }).expect(422);
    await t.http().patch(`${PALETTES}/not-a-uuid`).set('Cookie', admin).send({ name: 'x' }).expect(422);
    const unchanged = (await t.http().get(PALETTES).set('Cookie', admin)).body.results;
    expect(unchanged.map((palette: { name: string }) => palette.name)).toEqual(PRESETS);
    expect(unchanged[0]).toEqual(defaults);
  });

  it('lets only organization admins change palettes (403), and hides other organizations\' palettes (404)', async () => {
    const p = await createPersonas(t);
    const other = await createOrganization(t);
    const [mine] = (await t.http().get(PALETTES).set('Cookie', p.admin.cookie)).body.results;
    const [theirs] = (await t.http().get(PALETTES).set('Cookie', other.admin.cookie)).body.results;
    for (const role of ['member', 'viewer', 'interactive_viewer', 'editor', 'developer'] as const) {
      const cookie = p[role].cookie;
      await t.http().post(PALETTES).set('Cookie', cookie).send({ name: 'Mine', colors: colors(20) }).expect(403);
      await t.http().patch(`${PALETTES}/${mine.colorPaletteUuid}`).set('Cookie', cookie).send({ name: 'Mine' }).expect(403);
      await t.http().delete(`${PALETTES}/${mine.colorPaletteUuid}`).set('Cookie', cookie).expect(403);
      await t.http().post(`${PALETTES}/${mine.colorPaletteUuid}/active`).set('Cookie', cookie).expect(403);
    }
    const cookie = p.admin.cookie;
    for (const uuid of [theirs.colorPaletteUuid, randomUUID()]) {
      const patched = await t.http().patch(`${PALETTES}/${uuid}`).set('Cookie', cookie).send({ name: 'Stolen' }).expect(404);
      expect(patched.body.error).toMatchObject({ name: 'NotFoundError', message: `Color palette not found: ${uuid}` });
      await t.http().delete(`${PALETTES}/${uuid}`).set('Cookie', cookie).expect(404);
      await t.http().post(`${PALETTES}/${uuid}/active`).set('Cookie', cookie).expect(404);
    }
    expect((await t.http().get(PALETTES).set('Cookie', other.admin.cookie)).body.results[0]).toEqual(theirs);
    expect((await t.http().get(PALETTES).set('Cookie', p.admin.cookie)).body.results[0]).toEqual(mine);
    expect((await t.http().get('/api/v1/org').set('Cookie', p.admin.cookie)).body.results).not.toHaveProperty('colorPaletteUuid');
    await t.http().get(PALETTES).expect(401);
  });
});
