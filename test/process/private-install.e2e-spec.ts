import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHARED_CLUSTERS_DIR } from '../../src/database/database-location.js';
import { freePort } from '../../src/database/embedded-postgres.js';
import { killStartedServers, postgresProcessesFor, startServer, waitHealthy } from '../support/process.js';

// `npm ci && npm start` in a checkout under a directory only its owner may enter (root's home, or
// `mktemp -d`, which is 0700). Run as root, PostgreSQL runs as the `postgres` OS user, which cannot
// reach the binaries in node_modules nor a data dir inside the checkout.
describe('an install inside a private (0700) directory', () => {
  let privateDir: string;
  let app: string;
  const asRoot = process.getuid?.() === 0;

  beforeAll(() => {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lightdash-private-'));
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    app = path.join(privateDir, 'app');
    fs.mkdirSync(app);
    // the built server and its dependencies, as files inside the private directory (hard links: quick,
    // and node resolves them to paths inside it, as it would for a real `npm ci` there)
    try {
      execFileSync('cp', ['-al', fs.realpathSync('node_modules'), path.join(app, 'node_modules')], { stdio: 'ignore' });
    } catch {
      // another filesystem: hard links are impossible, so copy
      fs.rmSync(path.join(app, 'node_modules'), { recursive: true, force: true });
      execFileSync('cp', ['-a', fs.realpathSync('node_modules'), path.join(app, 'node_modules')]);
    }
    fs.cpSync(path.resolve('dist'), path.join(app, 'dist'), { recursive: true });
    fs.copyFileSync(path.resolve('package.json'), path.join(app, 'package.json'));
  }, 120_000);
  afterEach(() => killStartedServers());
  afterAll(() => {
    fs.rmSync(privateDir, { recursive: true, force: true });
  });

  it('starts with the default DATA_DIR, serves, and stops cleanly', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port) }, { main: path.join(app, 'dist/src/main.js'), cwd: app });
    const defaultDataDir = path.join(app, '.data');
    const movedCluster = path.join(SHARED_CLUSTERS_DIR, createHash('sha256').update(defaultDataDir).digest('hex').slice(0, 16));
    try {
      const health = await waitHealthy(server, port, 60_000);
      expect(health.results.healthy).toBe(true);
      expect(server.output()).not.toContain('EACCES');
      expect(fs.readFileSync(path.join(defaultDataDir, 'secret'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
      if (asRoot) {
        // the postgres user reaches neither node_modules nor .data: binaries copied, cluster moved
        expect(server.output()).toContain('running PostgreSQL from a copy');
        expect(fs.existsSync(path.join(movedCluster, 'pg', 'PG_VERSION'))).toBe(true);
      } else {
        expect(fs.existsSync(path.join(defaultDataDir, 'pg', 'PG_VERSION'))).toBe(true);
      }
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(postgresProcessesFor(movedCluster)).toEqual([]);
    } finally {
      fs.rmSync(movedCluster, { recursive: true, force: true });
    }
  }, 120_000);

  it('with an explicit DATA_DIR the postgres user cannot reach, stops with one line saying what to change (as root)', async () => {
    const port = await freePort();
    const dataDir = path.join(privateDir, 'data');
    const server = startServer({ PORT: String(port), DATA_DIR: dataDir }, { main: path.join(app, 'dist/src/main.js'), cwd: app });
    if (asRoot) {
      expect((await server.exited).code).toBe(1);
      const lines = server.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/cannot reach .*Set DATA_DIR to a directory every user can traverse/);
      expect(server.output()).not.toContain('EACCES');
    } else {
      // as any other user PostgreSQL runs as that user, who can reach their own directories
      await waitHealthy(server, port, 60_000);
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  }, 120_000);
});
