import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/database/embedded-postgres.js';
import { killStartedServers, postgresProcessesFor, startServer, tempDir, waitFor, waitHealthy } from '../support/process.js';

// These tests run the built server (`node dist/src/main.js`) the way `npm start` does, each on its own
// embedded PostgreSQL in a temp DATA_DIR. Those starting two servers (two cluster start-ups, one initdb)
// get two minutes: on a loaded 2-core machine they took longer than Jest's default 30 s.
describe('the server process on an embedded PostgreSQL', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('lightdash-proc-');
  });
  afterEach(() => killStartedServers());
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('starts on a fresh data dir, stops with exit 0 on SIGTERM, and reuses the data on restart', async () => {
    const dataDir = path.join(root, 'restart');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    const health = await waitHealthy(first, port);
    expect(health.results.healthy).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const secret = fs.readFileSync(path.join(dataDir, 'secret'), 'utf8');

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(postgresProcessesFor(path.join(dataDir, 'pg'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitHealthy(second, port);
    expect(second.output()).not.toContain('initialising a new cluster');
    expect(fs.readFileSync(path.join(dataDir, 'secret'), 'utf8')).toBe(secret);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(postgresProcessesFor(path.join(dataDir, 'pg'))).toEqual([]);
  }, 120_000);

  it('recovers after the server was killed with SIGKILL', async () => {
    const dataDir = path.join(root, 'sigkill');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitHealthy(first, port);
    first.child.kill('SIGKILL');
    await first.exited;

    // whether or not the watchdog has stopped the orphaned postmaster yet, a new start must succeed
    const second = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    const health = await waitHealthy(second, port);
    expect(health.results.healthy).toBe(true);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    await waitFor(() => postgresProcessesFor(path.join(dataDir, 'pg')).length === 0, 5_000, 'postgres to stop');
  }, 120_000);

  it('refuses a second server on a data dir that a live server owns, leaving the first one serving', async () => {
    const dataDir = path.join(root, 'owned');
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitHealthy(first, port);

    const second = startServer({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.output()).toMatch(/in use by process \d+/);

    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(((await res.json()) as { results: { healthy: boolean } }).results.healthy).toBe(true);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  }, 120_000);

  it('stops at start-up with one line naming a bad variable', async () => {
    const server = startServer({ DATA_DIR: path.join(root, 'badconfig'), PORT: 'eighty' });
    expect((await server.exited).code).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
  });

  it('requires LIGHTDASH_SECRET in production', async () => {
    const server = startServer({ DATA_DIR: path.join(root, 'prod'), NODE_ENV: 'production' });
    expect((await server.exited).code).toBe(1);
    expect(server.output().trim()).toMatch(/^Invalid configuration: LIGHTDASH_SECRET/);
  });
});
