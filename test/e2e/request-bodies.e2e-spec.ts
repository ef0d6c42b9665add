import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { shopExplores } from '../support/fixtures.js';
import { createPersonas, type Personas } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createToken, uniqueEmail } from '../support/users.js';

const MiB = 1024 * 1024;

interface Timed {
  status: number;
  body: { error?: { statusCode: number; name: string; message: string; data: unknown } };
  ms: number;
}

/** One request over a real socket; `onSent` runs once the whole body has been handed to the socket. */
function send(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string; onSent?: () => void } = {}): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {}, ms: performance.now() - started });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.on('finish', () => options.onSent?.());
    request.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };

/** `{"k0":0,"k1":1,…}`: 100,000 keys are 1.7 MB, well under the 5 MiB byte limit. */
const manyKeys = (count: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...extra, ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i])) });

describe('request bodies: JSON only, bounded in shape before validation', () => {
  let t: TestApp;
  let base: string;
  let p: Personas;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    p = await createPersonas(t);
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  describe('shape limits (JSON_MAX_KEYS, JSON_MAX_DEPTH, JSON_MAX_ARRAY_LENGTH)', () => {
    it('refuses 100,000 keys on an unauthenticated route at once, and /livez answers meanwhile', async () => {
      let livez: Promise<Timed> | undefined;
      const login = send(base, 'POST', '/api/v1/login', {
        headers: json,
        body: manyKeys(100_000, { email: 'nobody@example.com', password: 'x' }),
        onSent: () => (livez = send(base, 'GET', '/api/v1/livez')),
      });
      const refused = await login;
      const live = await livez!;
      expect(refused.status).toBe(413);
      expect(refused.body.error).toEqual({
        statusCode: 413,
        name: 'PayloadTooLargeError',
        message: 'The request body has more than 20000 keys (JSON_MAX_KEYS)',
        data: {},
      });
      expect(live.status).toBe(200);
      // generous bounds: before, validating these keys blocked the server for ~9 s
      expect(live.ms).toBeLessThan(1000);
      expect(refused.ms).toBeLessThan(3000);

      const register = await send(base, 'POST', '/api/v1/user', { headers: json, body: manyKeys(100_000) });
      expect([register.status, register.body.error?.name]).toEqual([413, 'PayloadTooLargeError']);
    });

    it('refuses nesting deeper than 64 levels with 413 (a 500 before), however long the body', async () => {
      const deep = (levels: number) => `{"firstName":"x","extra":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
      for (const body of [deep(65), deep(2_400), '['.repeat(5 * MiB - 10)]) {
        let livez: Promise<Timed> | undefined;
        const res = await send(base, 'PATCH', '/api/v1/user/me', {
          headers: { ...json, cookie: p.member.cookie },
          body,
          onSent: () => (livez = send(base, 'GET', '/api/v1/livez')),
        });
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({
          name: 'PayloadTooLargeError',
          message: 'The request body nests objects and arrays deeper than 64 levels (JSON_MAX_DEPTH)',
        });
        expect((await livez!).ms).toBeLessThan(1000);
      }
      // 64 levels are fine (the unknown property is dropped)
      const ok = await send(base, 'PATCH', '/api/v1/user/me', { headers: { ...json, cookie: p.member.cookie }, body: deep(64) });
      expect(ok.status).toBe(200);
    });

    it('refuses an array of more than 10,000 items with 413', async () => {
      const body = (items: number) => JSON.stringify({ name: `Group ${Date.now()}`, members: Array.from({ length: items }, () => 0) });
      const res = await send(base, 'POST', '/api/v1/org/groups', { headers: { ...json, cookie: p.admin.cookie }, body: body(10_001) });
      expect(res.status).toBe(413);
      expect(res.body.error?.message).toBe('An array in the request body has more than 10000 items (JSON_MAX_ARRAY_LENGTH)');
      // 10,000 items pass the parser (and then meet the route's own rules)
      const within = await send(base, 'POST', '/api/v1/org/groups', { headers: { ...json, cookie: p.admin.cookie }, body: body(10_000) });
      expect(within.status).toBe(422);
    });

    it('counts only real keys and items: colons, commas and brackets inside strings are text', async () => {
      const text = `${':,[{'.repeat(30_000)}\\"${':'.repeat(30_000)}`;
      const res = await send(base, 'PATCH', '/api/v1/user/me', { headers: { ...json, cookie: p.member.cookie }, body: JSON.stringify({ firstName: 'Colon', extra: text }) });
      expect(res.status).toBe(200);
    });

    it('gives the explores upload a budget that grows with EXPLORES_UPLOAD_LIMIT_MB', async () => {
      const projectUuid = await createProject(t, p.admin);
      const explores = shopExplores();
      const dimensions = explores.find((e) => e.name === 'orders')!.tables.orders.dimensions;
      for (let i = 0; i < 2_000; i++) dimensions[`extra_${i}`] = { ...dimensions.order_id, name: `extra_${i}`, label: `Extra ${i}` };
      const body = JSON.stringify(explores);
      expect((body.match(/":/g) ?? []).length).toBeGreaterThan(20_000);
      const upload = await send(base, 'PUT', `/api/v1/projects/${projectUuid}/explores`, { headers: { ...json, cookie: p.admin.cookie }, body });
      expect(upload.status).toBe(200);
      // the same body anywhere else is over JSON_MAX_KEYS
      const elsewhere = await send(base, 'PATCH', '/api/v1/user/me', { headers: { ...json, cookie: p.admin.cookie }, body });
      expect(elsewhere.status).toBe(413);
    });
  });

  describe('content types (415 UnsupportedMediaTypeError)', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    it('refuses form bodies on state-changing routes, changing nothing', async () => {
      const email = uniqueEmail('form-invite');
      const invite = await send(base, 'POST', '/api/v1/invite-links', { headers: { ...form, cookie: p.admin.cookie }, body: `email=${encodeURIComponent(email)}&role=admin` });
      expect(invite.status).toBe(415);
      expect(invite.body.error).toEqual({
        statusCode: 415,
        name: 'UnsupportedMediaTypeError',
        message: 'Unsupported Media Type: application/x-www-form-urlencoded; send the body as application/json',
        data: {},
      });
      expect(await db.query('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);

      const rename = await send(base, 'PATCH', '/api/v1/user/me', { headers: { ...form, cookie: p.member.cookie }, body: 'firstName=Formed' });
      expect(rename.status).toBe(415);
      const name = `Form group ${Date.now()}`;
      const group = await send(base, 'POST', '/api/v1/org/groups', { headers: { ...form, cookie: p.admin.cookie }, body: `name=${encodeURIComponent(name)}` });
      expect(group.status).toBe(415);
      expect(await db.query('SELECT 1 FROM groups WHERE name = $1', [name])).toEqual([]);
      const me = await t.http().get('/api/v1/user').set('Cookie', p.member.cookie).expect(200);
      expect(me.body.results.firstName).not.toBe('Formed');
    });

    it('refuses text/plain, multipart, other types and a body without a content type', async () => {
      const body = JSON.stringify({ name: `Typed ${Date.now()}` });
      const cases: [Record<string, string>, string][] = [
        [{ 'content-type': 'text/plain' }, 'text/plain'],
        [{ 'content-type': 'multipart/form-data; boundary=x' }, 'multipart/form-data'],
        [{ 'content-type': 'application/xml' }, 'application/xml'],
        [{}, '(none)'],
      ];
      for (const [headers, shown] of cases) {
        const res = await send(base, 'POST', '/api/v1/org/groups', { headers: { ...headers, cookie: p.admin.cookie }, body });
        expect({ shown, status: res.status, name: res.body.error?.name, message: res.body.error?.message }).toEqual({
          shown,
          status: 415,
          name: 'UnsupportedMediaTypeError',
          message: `Unsupported Media Type: ${shown}; send the body as application/json`,
        });
      }
    });

    it('still takes a form on POST /login, as Lightdash does, and JSON there too', async () => {
      const user = p.member;
      const formLogin = await send(base, 'POST', '/api/v1/login', { headers: form, body: `__proto__=x&constructor=y&email=${encodeURIComponent(user.email)}&password=${encodeURIComponent(user.password)}&extra=1` });
      expect(formLogin.status).toBe(200);
      const jsonLogin = await send(base, 'POST', '/api/v1/login', { headers: json, body: JSON.stringify({ email: user.email, password: user.password }) });
      expect(jsonLogin.status).toBe(200);
      const nul = await send(base, 'POST', '/api/v1/login', { headers: form, body: `email=a%00b&password=x` });
      expect([nul.status, nul.body.error?.name]).toEqual([422, 'ValidateError']);
      const text = await send(base, 'POST', '/api/v1/login', { headers: { 'content-type': 'text/plain' }, body: 'email=a' });
      expect(text.body.error?.message).toBe('Unsupported Media Type: text/plain; send the body as application/json or application/x-www-form-urlencoded');
    });

    it('leaves requests without a body alone, whatever their content type says', async () => {
      expect((await send(base, 'GET', '/api/v1/livez', { headers: { 'content-type': 'text/plain' } })).status).toBe(200);
      const getWithBody = await send(base, 'GET', '/api/v1/livez', { headers: { 'content-type': 'text/plain', 'content-length': '7' }, body: 'ignored' });
      expect(getWithBody.status).toBe(200);
      for (const headers of [json, { 'content-type': 'text/plain' }, { 'content-type': 'multipart/form-data; boundary=x' }, {}]) {
        const { uuid } = await createToken(t, p.member);
        const res = await send(base, 'DELETE', `/api/v1/user/me/personal-access-tokens/${uuid}`, { headers: { ...headers, cookie: p.member.cookie }, body: '' });
        expect([JSON.stringify(headers), res.status]).toEqual([JSON.stringify(headers), 200]);
      }
    });
  });
});
