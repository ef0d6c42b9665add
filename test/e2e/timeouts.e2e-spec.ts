import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '../../src/database/migrate.js';
import { PreparedSql } from '../../src/database/sql.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization } from '../support/organizations.js';

/** Sends `chunk` on a raw connection and stalls; resolves with what the server answered, or 'no answer' after `waitMs`. */
function sendAndStall(port: number, chunk: string, waitMs: number): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ answer: answer || 'no answer', closed: false });
    }, waitMs);
    socket.on('connect', () => socket.write(chunk));
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer, closed: true });
    });
  });
}

function envelopeOf(rawResponse: string): unknown {
  return JSON.parse(rawResponse.slice(rawResponse.indexOf('\r\n\r\n') + 4));
}

describe('a request sent too slowly', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(async () => t.close());

  it('gets 408 in the envelope and its connection closed once REQUEST_TIMEOUT_MS has passed without the whole body', async () => {
    const head = 'POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const { answer, closed } = await sendAndStall(port, `${head}{"email":"slow`, 15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeOf(answer)).toEqual({
      status: 'error',
      error: { statusCode: 408, name: 'RequestTimeoutError', message: 'The request was not received in time', data: {} },
    });
    expect(closed).toBe(true);
  });

  it('gets 408 when the headers never end', async () => {
    const { answer, closed } = await sendAndStall(port, 'GET /api/v1/livez HTTP/1.1\r\nHost: localhost\r\nX-Slow: a', 15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closed).toBe(true);
  });

  it('answers what node refuses before routing (a malformed request, oversized headers) in the envelope too', async () => {
    const malformed = await sendAndStall(port, 'GARBAGE\r\n\r\n', 15_000);
    expect(malformed.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(envelopeOf(malformed.answer)).toMatchObject({ status: 'error', error: { statusCode: 400, name: 'ParameterError' } });
    const oversized = await sendAndStall(port, `GET /api/v1/livez HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 15_000);
    expect(oversized.answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(envelopeOf(oversized.answer)).toMatchObject({ status: 'error', error: { statusCode: 431 } });
  });

  it('still serves a request sent at once', async () => {
    await t.http().get('/api/v1/livez').expect(200);
  });
});

describe('statement and lock timeouts of the server sessions', () => {
  let t: TestApp;
  let holder: pg.Client;
  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_STATEMENT_TIMEOUT_MS: '2500', DATABASE_LOCK_TIMEOUT_MS: '700' } });
    holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await t.close();
  });

  it('apply to both pools of the server', async () => {
    const settings = `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock,
                             current_setting('idle_in_transaction_session_timeout') AS idle`;
    const expected = { statement: '2500ms', lock: '700ms', idle: '2500ms' };
    expect(await t.app.get(DataSource).query(settings)).toEqual([expected]);
    expect(await t.app.get(PreparedSql).rows('test-session-settings', settings, [])).toEqual([expected]);
  });

  it('cancel a statement that runs longer than DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    await expect(t.app.get(DataSource).query('SELECT pg_sleep(30)')).rejects.toMatchObject({ driverError: { code: '57014' } });
  });

  it('answer 503 to a write waiting on a held row lock while another organization is served, then the write works', async () => {
    const a = await createOrganization(t, 'Locked Org');
    const b = await createOrganization(t, 'Other Org');
    await holder.query('BEGIN');
    try {
      await holder.query('SELECT 1 FROM organizations WHERE organization_uuid = $1 FOR UPDATE', [a.organizationUuid]);
      const [locked, other] = await Promise.all([
        t.http().patch('/api/v1/org').set('Cookie', a.admin.cookie).send({ name: 'Renamed A' }).timeout(20_000),
        t.http().patch('/api/v1/org').set('Cookie', b.admin.cookie).send({ name: 'Renamed B' }).timeout(20_000),
      ]);
      expect(other.status).toBe(200);
      expect(locked.status).toBe(503);
      expect(locked.headers['retry-after']).toMatch(/^\d+$/);
      expect(locked.body).toEqual({
        status: 'error',
        error: { statusCode: 503, name: 'ServiceUnavailable', message: 'The database did not answer in time, please retry later', data: {} },
      });
      // the lock is still held: the refusal came from the lock timeout, not from the lock going away
      await expect(
        t.app.get(DataSource).query('SELECT 1 FROM organizations WHERE organization_uuid = $1 FOR UPDATE NOWAIT', [a.organizationUuid]),
      ).rejects.toMatchObject({ driverError: { code: '55P03' } });
    } finally {
      await holder.query('ROLLBACK');
    }
    await t.http().patch('/api/v1/org').set('Cookie', a.admin.cookie).send({ name: 'Renamed A' }).expect(200);
    const org = await t.http().get('/api/v1/org').set('Cookie', a.admin.cookie).expect(200);
    expect(org.body.results.name).toBe('Renamed A');
  });
});

describe('health when the database does not answer in time', () => {
  // a database of its own, so that locking its organizations table stalls no other test
  const database = `health_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  let url: string;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${database}`;
    url = u.toString();
    await runMigrations(url);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('reports healthy: false while a lock keeps its statement waiting, and true again after', async () => {
    const t = await createTestApp({ env: { DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '500' } });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE');
      const res = await t.http().get('/api/v1/health').timeout(20_000).expect(200);
      expect(res.body.results.healthy).toBe(false);
      await locker.query('ROLLBACK');
      const after = await t.http().get('/api/v1/health').expect(200);
      expect(after.body.results.healthy).toBe(true);
    } finally {
      await locker.end();
      await t.close();
    }
  });

  it('reports healthy: false when no pooled connection comes free in time', async () => {
    const t = await createTestApp({ env: { DATABASE_URL: url, DATABASE_POOL_SIZE: '1', DATABASE_CONNECT_TIMEOUT_MS: '500' } });
    const occupant = t.app.get(DataSource).createQueryRunner();
    try {
      await occupant.connect(); // the pool's only connection
      const res = await t.http().get('/api/v1/health').timeout(20_000).expect(200);
      expect(res.body.results.healthy).toBe(false);
      await occupant.release();
      const after = await t.http().get('/api/v1/health').expect(200);
      expect(after.body.results.healthy).toBe(true);
    } finally {
      if (!occupant.isReleased) await occupant.release();
      await t.close();
    }
  });
});
