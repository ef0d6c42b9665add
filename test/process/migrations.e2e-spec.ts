import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import { runMigrations } from '../../src/database/migrate.js';
import { MIGRATION_CLI } from '../support/process.js';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function runCli(args: string[], databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MIGRATION_CLI, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('migrations under an advisory lock', () => {
  const database = `mig_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  let url: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    url = withDatabase(process.env.DATABASE_URL!, database);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('lets two processes migrate an empty database at the same moment, each migration applied once', async () => {
    const results = await Promise.all([runCli(['run'], url), runCli(['run'], url)]);
    for (const r of results) expect(r.code).toBe(0);
    const applied = results.map((r) => r.output).join('\n');
    expect(applied.match(/Applied:/g)).toHaveLength(1);
    expect(applied).toContain('No pending migrations.');

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
      expect(rows).toEqual(migrations.map((m) => m.name));
    } finally {
      await client.end();
    }
  });

  it('reverts the last migration and applies it again', async () => {
    const revert = await runCli(['revert'], url);
    expect(revert.code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const count = async () => Number((await client.query('SELECT count(*) FROM migrations')).rows[0].count);
      expect(await count()).toBe(migrations.length - 1);
      const again = await runCli(['run'], url);
      expect(again.code).toBe(0);
      expect(await count()).toBe(migrations.length);
    } finally {
      await client.end();
    }
  });
});

describe('migrations and session time limits', () => {
  const database = `mig_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('are never cancelled by a statement or lock timeout, even one the database sets for every session', async () => {
    await admin.query(`ALTER DATABASE ${database} SET statement_timeout = '1ms'`);
    await admin.query(`ALTER DATABASE ${database} SET lock_timeout = '1ms'`);
    const url = withDatabase(process.env.DATABASE_URL!, database);
    expect(await runMigrations(url)).toEqual(migrations.map((m) => m.name));
  });
});
