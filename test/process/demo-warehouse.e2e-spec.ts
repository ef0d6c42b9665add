import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { freePort } from '../../src/database/embedded-postgres.js';
import { connectEmbedded, DEMO_FACTS, embeddedPort } from '../support/demo.js';
import { killStartedServers, startServer, tempDir, waitFor, waitHealthy } from '../support/process.js';

async function refusal(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (error) {
    return (error as Error).message;
  }
  return 'allowed';
}

/** Registers a user and creates an organization through the API; returns the session cookie. */
async function registerWithOrganization(port: number): Promise<string> {
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { 'content-type': 'application/json' };
  const registered = await fetch(`${base}/user`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', password: 'analytical1' }),
  });
  expect(registered.status).toBe(200);
  const cookie = registered.headers.get('set-cookie')!.split(';')[0];
  const org = await fetch(`${base}/org`, { method: 'PUT', headers: { ...headers, cookie }, body: JSON.stringify({ name: 'Newcomer' }) });
  expect(org.status).toBe(200);
  return cookie;
}

async function demoProject(port: number, cookie: string): Promise<any> {
  const base = `http://127.0.0.1:${port}/api/v1`;
  const projects = (await (await fetch(`${base}/org/projects`, { headers: { cookie } })).json()) as any;
  const demo = projects.results.find((p: { name: string }) => p.name === 'Demo shop');
  if (!demo) return undefined;
  return ((await (await fetch(`${base}/projects/${demo.projectUuid}`, { headers: { cookie } })).json()) as any).results;
}

// The built server on a fresh embedded PostgreSQL generates the demo warehouse once. Each test starts two
// servers (a cluster initialised, the shop generated): three minutes, as their waits for health allow.
describe('the demo warehouse on the embedded database', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('lightdash-demo-');
  });
  afterEach(() => killStartedServers());
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('generates the shop once, readable only through a read-only role, and gives the first organization a project on it', async () => {
    const dataDir = path.join(root, 'demo');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port), DEMO_WAREHOUSE: '' }); // the default
    await waitHealthy(first, port, 90_000);
    // prepared after the server listens
    await waitFor(() => first.output().includes('Demo warehouse ready'), 60_000, 'the demo warehouse');
    expect(first.output()).toContain('Generated the demo warehouse');

    const admin = await connectEmbedded(dataDir, 'superuser');
    const reader = await connectEmbedded(dataDir, 'demo-reader');
    let generatedAt: Date;
    try {
      const [counts] = (
        await admin.query(`SELECT (SELECT count(*)::int FROM demo.orders) AS orders, (SELECT count(*)::int FROM demo.customers) AS customers,
                                  (SELECT count(*)::int FROM demo.products) AS products, (SELECT count(*)::int FROM demo.payments) AS payments`)
      ).rows;
      expect(counts.orders).toBeGreaterThanOrEqual(100_000);
      expect(counts).toMatchObject({ orders: DEMO_FACTS.orders, customers: DEMO_FACTS.customers, products: DEMO_FACTS.products });
      const byStatus = (await reader.query('SELECT status, count(*)::int AS n FROM demo.orders GROUP BY status')).rows;
      expect(Object.fromEntries(byStatus.map((r) => [r.status, r.n]))).toEqual(DEMO_FACTS.ordersByStatus);
      generatedAt = (await admin.query('SELECT generated_at FROM demo_warehouse')).rows[0].generated_at;

      // the role's read-only default is only a default: the privileges themselves must refuse
      await reader.query('SET default_transaction_read_only = off');
      expect(await refusal(reader, `INSERT INTO demo.products VALUES (1000, 'x', 'y', 1, now())`)).toMatch(/permission denied/);
      expect(await refusal(reader, 'DELETE FROM demo.orders')).toMatch(/permission denied/);
      expect(await refusal(reader, 'CREATE TABLE demo.mine (a int)')).toMatch(/permission denied/);
      expect(await refusal(reader, 'CREATE TEMP TABLE mine (a int)')).toMatch(/permission denied/);
      expect(await refusal(reader, 'SELECT count(*) FROM public.users')).toMatch(/permission denied/);
      expect(await refusal(reader, 'SELECT count(*) FROM public.projects')).toMatch(/permission denied/);
      expect(await refusal(reader, 'CREATE ROLE intruder')).toMatch(/permission denied/);
    } finally {
      await admin.end();
      await reader.end();
    }

    const cookie = await registerWithOrganization(port);
    const project = await demoProject(port, cookie);
    expect(project.warehouseConnection).toEqual({
      type: 'postgres', host: '127.0.0.1', port: embeddedPort(dataDir), dbname: 'lightdash', schema: 'demo', sslmode: 'disable',
    });
    const explores = (await (await fetch(`http://127.0.0.1:${port}/api/v1/projects/${project.projectUuid}/explores`, { headers: { cookie } })).json()) as any;
    expect(explores.results.map((e: { name: string }) => e.name)).toEqual(['customers', 'orders', 'payments', 'products']);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    // a restart keeps the data, and points the project at the database's new port
    const second = startServer({ DATA_DIR: dataDir, PORT: String(port), DEMO_WAREHOUSE: '' });
    await waitHealthy(second, port, 60_000);
    await waitFor(() => second.output().includes('Demo warehouse ready'), 60_000, 'the demo warehouse');
    expect(second.output()).not.toContain('Generated the demo warehouse');
    const again = await connectEmbedded(dataDir, 'superuser');
    try {
      expect((await again.query('SELECT generated_at FROM demo_warehouse')).rows[0].generated_at).toEqual(generatedAt!);
      expect((await again.query('SELECT count(*)::int AS n FROM projects')).rows[0].n).toBe(1);
    } finally {
      await again.end();
    }
    expect((await demoProject(port, cookie)).warehouseConnection.port).toBe(embeddedPort(dataDir));
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 180_000);

  it('generates nothing with DEMO_WAREHOUSE=false; turned on later, gives the project to the organization that exists', async () => {
    const dataDir = path.join(root, 'off');
    const port = await freePort();
    const server = startServer({ DATA_DIR: dataDir, PORT: String(port), DEMO_WAREHOUSE: 'false' });
    await waitHealthy(server, port, 90_000);
    const admin = await connectEmbedded(dataDir, 'superuser');
    try {
      expect((await admin.query(`SELECT to_regnamespace('demo') IS NULL AS absent`)).rows[0].absent).toBe(true);
    } finally {
      await admin.end();
    }
    const cookie = await registerWithOrganization(port);
    expect(await demoProject(port, cookie)).toBeUndefined();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    const on = startServer({ DATA_DIR: dataDir, PORT: String(port), DEMO_WAREHOUSE: '' });
    await waitHealthy(on, port, 60_000);
    await waitFor(() => on.output().includes('Demo warehouse ready'), 60_000, 'the demo warehouse');
    const project = await demoProject(port, cookie);
    expect(project).toMatchObject({ name: 'Demo shop', warehouseConnection: { type: 'postgres', port: embeddedPort(dataDir), schema: 'demo' } });
    on.child.kill('SIGTERM');
    expect((await on.exited).code).toBe(0);
  }, 180_000);
});
