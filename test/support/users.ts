import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

export interface TestUser {
  userUuid: string;
  email: string;
  password: string;
  /** `connect.sid=<token>`, for `.set('Cookie', user.cookie)`. */
  cookie: string;
  body: Record<string, unknown>;
}

/** A unique email per call, so tests never collide in the shared database. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
}

export function sessionCookie(setCookie: string | string[] | undefined): string {
  const header = [setCookie ?? []].flat().find((c) => c.startsWith('connect.sid='));
  if (!header) throw new Error(`no connect.sid cookie in ${JSON.stringify(setCookie)}`);
  return header.split(';')[0];
}

/** Registers a new user through the API (POST /api/v1/user) and returns their session cookie. */
export async function registerUser(t: TestApp, overrides: Partial<{ firstName: string; lastName: string; email: string; password: string }> = {}): Promise<TestUser> {
  const body = { firstName: 'Test', lastName: 'User', email: uniqueEmail(), password: 'password1', ...overrides };
  const res = await t.http().post('/api/v1/user').send(body);
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return {
    userUuid: res.body.results.userUuid,
    email: body.email,
    password: body.password,
    cookie: sessionCookie(res.headers['set-cookie']),
    body: res.body.results,
  };
}
