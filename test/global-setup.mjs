// One PostgreSQL per test run: DATABASE_URL when given (CI's external server), otherwise an embedded
// one in a temp dir. Migrations run once here; Jest workers inherit the environment set below.
// Imports come from dist/ because Jest applies no transform to globalSetup (npm test builds first).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../dist/src/database/embedded-postgres.js';
import { runMigrations } from '../dist/src/database/migrate.js';

const PREFIX = 'lightdash-test-pg-';

/** Dirs left by interrupted runs: no live server, and old enough not to be another run still starting. */
function removeStaleTempDirs() {
  const hourAgo = Date.now() - 3600_000;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    const stale = !fs.existsSync(path.join(dir, 'data', 'postmaster.pid')) && fs.statSync(dir).mtimeMs < hourAgo;
    if (stale) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export default async function globalSetup() {
  process.env.LOG_LEVEL ??= 'silent';
  process.env.NODE_ENV = 'test';
  process.env.LIGHTDASH_SECRET ??= 'test-secret-0123456789abcdef0123456789';
  // the lowest accepted scrypt cost keeps registration fast; limits high enough for suites that log in
  // often (the rate-limit tests set their own low limits)
  process.env.PASSWORD_HASH_COST ??= '16384';
  process.env.AUTH_RATE_LIMIT_PER_IP ??= '100000';
  process.env.AUTH_RATE_LIMIT_PER_ACCOUNT ??= '100000';
  process.env.AUTH_LOGIN_SLOWDOWN_AFTER ??= '100000';
  if (!process.env.DATABASE_URL) {
    removeStaleTempDirs();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
    fs.chmodSync(dir, 0o755); // postgres runs as another OS user and must traverse it
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'lightdash_test' });
    process.env.DATABASE_URL = pg.url;
    globalThis.__EMBEDDED_PG__ = { pg, dir };
  }
  await runMigrations(process.env.DATABASE_URL);
}
