import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomInt } from 'node:crypto';
import { LOGIN_SLOWDOWN_MS, RateLimiter } from '../../src/auth/rate-limit.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { uniqueEmail } from '../support/users.js';
import { DataSource } from 'typeorm';

// Three servers on one database, as three replicas behind a reverse proxy that sets X-Forwarded-For:
// every budget is counted in PostgreSQL, so the replicas share it. Each test uses addresses of its own
// (the counters are shared with every other test file running against the same database).
const REPLICA_ENV = {
  TRUST_PROXY: 'loopback',
  AUTH_RATE_LIMIT_PER_IP: '8',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '4',
  AUTH_LOGIN_SLOWDOWN_AFTER: '6',
};

function uniqueAddress(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

describe('rate limits shared by three replicas', () => {
  let replicas: TestApp[];
  beforeAll(async () => {
    replicas = [];
    for (let i = 0; i < 3; i++) replicas.push(await createTestApp({ env: REPLICA_ENV }));
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
  });

  /**
   * A registered user, signed up from an address of its own: counters live in the shared database, and
   * other test files register from 127.0.0.1 at their own (high) limits.
   */
  async function newUser(): Promise<{ email: string; password: string }> {
    const body = { firstName: 'Rate', lastName: 'Limited', email: uniqueEmail('limited'), password: 'password1' };
    await replicas[0].http().post('/api/v1/user').set('X-Forwarded-For', uniqueAddress()).send(body).expect(200);
    return body;
  }

  /** The number of the database's current one-minute rate-limit window. */
  async function currentWindow(): Promise<number> {
    return (await replicas[0].app.get(DataSource).query(`SELECT floor(extract(epoch FROM now()) / 60)::bigint AS w`))[0].w;
  }

  /**
   * Runs a scenario (which makes its own users and addresses) and, when it failed because a minute
   * boundary split its counts between two windows, once more: two runs of a few seconds cannot both
   * straddle a boundary.
   */
  async function inOneWindow(scenario: () => Promise<void>): Promise<void> {
    const started = await currentWindow();
    try {
      await scenario();
    } catch (error) {
      if ((await currentWindow()) === started) throw error;
      await scenario();
    }
  }

  /** A login from `address` through replica `n % 3`. */
  const login = (n: number, address: string, email: string, password: string) =>
    replicas[n % 3].http().post('/api/v1/login').set('X-Forwarded-For', address).send({ email, password });

  it('refuses an address after AUTH_RATE_LIMIT_PER_ACCOUNT failed logins on an account, on every replica, whatever the email case', async () => {
    await inOneWindow(async () => {
      const owner = await newUser();
      const attacker = uniqueAddress();
      for (let n = 0; n < 4; n++) expect((await login(n, attacker, owner.email, 'wrong-pass1')).status).toBe(401);
      const limited = await login(4, attacker, owner.email.toUpperCase(), owner.password).expect(429);
      expect(limited.body.error).toMatchObject({ statusCode: 429, name: 'TooManyRequestsError', message: expect.stringMatching(/^Too many requests, retry in \d+ seconds$/) });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      await login(5, attacker, owner.email, owner.password).expect(429);
      // another account from the same address is not affected
      const other = await newUser();
      await login(6, attacker, other.email, other.password).expect(200);
    });
  });

  it('lets the owner log in from another address after failed logins elsewhere (no lockout by anyone)', async () => {
    await inOneWindow(async () => {
      const owner = await newUser();
      const attacker = uniqueAddress();
      for (let n = 0; n < 5; n++) await login(n, attacker, owner.email, 'wrong-pass1');
      await login(0, attacker, owner.email, owner.password).expect(429);
      for (let n = 0; n < 2; n++) {
        const res = await login(n, uniqueAddress(), owner.email, owner.password).expect(200);
        expect(res.body.results.email).toBe(owner.email);
      }
    });
  });

  it('counts only failures against an account: successful logins give their attempt back', async () => {
    await inOneWindow(async () => {
      const owner = await newUser();
      const address = uniqueAddress();
      for (let n = 0; n < 3; n++) await login(n, address, owner.email, 'wrong-pass1').expect(401);
      for (let n = 0; n < 2; n++) await login(n, address, owner.email, owner.password).expect(200);
      // four failures in all: the last one is still answered, the next attempt is refused
      await login(2, address, owner.email, 'wrong-pass1').expect(401);
      await login(0, address, owner.email, owner.password).expect(429);
    });
  });

  it('slows down, but never refuses, logins on an account that failed from many addresses', async () => {
    await inOneWindow(async () => {
      const owner = await newUser();
      // six failures, each from its own address: no address is over its limit
      for (let n = 0; n < 6; n++) await login(n, uniqueAddress(), owner.email, 'wrong-pass1').expect(401);
      const started = Date.now();
      const res = await login(1, uniqueAddress(), owner.email, owner.password).expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(LOGIN_SLOWDOWN_MS - 50);
      expect(res.body.results.email).toBe(owner.email);
      await login(2, uniqueAddress(), owner.email, 'wrong-pass1').expect(401);
    });
  });

  it('limits every login from one address to AUTH_RATE_LIMIT_PER_IP a minute, across replicas and accounts', async () => {
    await inOneWindow(async () => {
      const address = uniqueAddress();
      for (let n = 0; n < 8; n++) await login(n, address, uniqueEmail(), 'x').expect(401);
      const limited = await login(8, address, uniqueEmail(), 'x').expect(429);
      expect(limited.body.error.name).toBe('TooManyRequestsError');
      await login(9, uniqueAddress(), uniqueEmail(), 'x').expect(401);
    });
  });

  it('limits registrations per address and per email across replicas', async () => {
    await inOneWindow(async () => {
      const email = uniqueEmail();
      const register = (n: number, address: string, body: Record<string, string>) =>
        replicas[n % 3].http().post('/api/v1/user').set('X-Forwarded-For', address).send({ firstName: 'A', lastName: 'B', password: 'password1', ...body });
      await register(0, uniqueAddress(), { email }).expect(200);
      for (let n = 1; n < 4; n++) await register(n, uniqueAddress(), { email }).expect(409); // the email is taken (409, as Lightdash)
      await register(4, uniqueAddress(), { email }).expect(429);

      const address = uniqueAddress();
      for (let n = 0; n < 8; n++) await register(n, address, { email: uniqueEmail() }).expect(200);
      await register(8, address, { email: uniqueEmail() }).expect(429);
    });
  });

  it('keeps no counter past the minute after its window', async () => {
    const db = replicas[0].app.get(DataSource);
    await db.query(`INSERT INTO rate_limit_counters (key, window_start, count) VALUES ('\\x01', now() - interval '3 minutes', 5), ('\\x02', now(), 5)`);
    await replicas[1].app.get(RateLimiter).prune();
    const rows = await db.query(`SELECT encode(key, 'hex') AS key FROM rate_limit_counters WHERE key IN ('\\x01', '\\x02')`);
    expect(rows).toEqual([{ key: '02' }]);
    await db.query(`DELETE FROM rate_limit_counters WHERE key = '\\x02'`);
  });
});
