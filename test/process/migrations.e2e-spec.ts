import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import { runMigrations } from '../../src/database/migrate.js';
import { MIGRATION_CLI } from '../support/process.js';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATION_CONNECTION_LIMITS } from '../../src/database/data-source-options.js';

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

describe('the EmailDomainOwners migration', () => {
  const database = `mig_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  let url: string;
  const index = migrations.findIndex((migration) => migration.name === 'EmailDomainOwners1763801300000');
  const dataSource = (count: number) => new DataSource({ ...dataSourceOptions(url, MIGRATION_CONNECTION_LIMITS), migrations: migrations.slice(0, count) });

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

  it('keeps a domain several organizations allowed with the oldest of them, keeps the order, and reverts to the arrays', async () => {
    const before = await dataSource(index).initialize();
    try {
      await before.runMigrations();
      const create = async (name: string) => (await before.query('INSERT INTO organizations (name) VALUES ($1) RETURNING organization_id AS id', [name]))[0].id;
      const oldest = await create('Oldest');
      const newer = await create('Newer');
      await before.query(`INSERT INTO organization_allowed_email_domains (organization_id, email_domains, role) VALUES ($1, $2, 'viewer'), ($3, $4, 'editor')`, [
        oldest, ['zeta.example', 'shared.example', 'alpha.example'],
        newer, ['shared.example', 'own.example'],
      ]);
    } finally {
      await before.destroy();
    }

    const all = await dataSource(migrations.length).initialize();
    try {
      await all.runMigrations();
      const domains = await all.query(
        `SELECT o.name, array_agg(d.email_domain ORDER BY d.position) AS domains FROM organization_email_domains d
         JOIN organizations o USING (organization_id) GROUP BY o.name ORDER BY o.name`,
      );
      expect(domains).toEqual([
        { name: 'Newer', domains: ['own.example'] },
        { name: 'Oldest', domains: ['zeta.example', 'shared.example', 'alpha.example'] },
      ]);
      await expect(all.query(`INSERT INTO organization_email_domains (email_domain, organization_id, position) SELECT 'shared.example', organization_id, 9 FROM organizations LIMIT 1`)).rejects.toThrow(/duplicate key/);

      while ((await all.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1'))[0].name !== migrations[index - 1].name) await all.undoLastMigration();
      const arrays = await all.query('SELECT email_domains AS domains FROM organization_allowed_email_domains ORDER BY organization_id');
      expect(arrays.map((row: { domains: string[] }) => row.domains)).toEqual([['zeta.example', 'shared.example', 'alpha.example'], ['own.example']]);
    } finally {
      await all.destroy();
    }
  });
});
